#include "holders.h"

#include "base/paths.h"
#include "base/termsafe.h"
#include "pci_sysfs.h"
#include "sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct node {
	dev_t dev;
	char *name;
};

struct nodes {
	struct node *v;
	size_t n;
};

/* DIR/dev ("MAJOR:MINOR") and DIR/uevent's DEVNAME, when DIR is a node. */
static void add_node(struct nodes *nodes, const char *dir, const char *fallback)
{
	_cleanup_free_ char *dev_path = xasprintf("%s/dev", dir);
	_cleanup_free_ char *uevent = xasprintf("%s/uevent", dir);
	_cleanup_fclose_ FILE *f = NULL;
	char text[64], line[256], *name = NULL;
	unsigned major, minor;

	if (sysfs_read_str(dev_path, text, sizeof(text)) < 0 ||
	    sscanf(text, "%u:%u", &major, &minor) != 2)
		return;
	f = fopen(uevent, "re");
	while (f && !name && fgets(line, sizeof(line), f))
		if (!strncmp(line, "DEVNAME=", 8)) {
			line[strcspn(line, "\n")] = '\0';
			name = xstrdup(line + 8);
		}
	nodes->v = xreallocarray(nodes->v, nodes->n + 1, sizeof(*nodes->v));
	nodes->v[nodes->n++] =
	    (struct node){makedev(major, minor), name ? name : xstrdup(fallback)};
}

/* Each entry of DIR that is a node; with DEPTH 1, their entries too (a
 * sound card's controlC0, pcmC0D0p, ... are inside its cardN). */
static void add_nodes_in(struct nodes *nodes, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		if (e->d_name[0] == '.')
			continue;
		sub = xasprintf("%s/%s", dir, e->d_name);
		add_node(nodes, sub, e->d_name);
		if (depth > 0)
			add_nodes_in(nodes, sub, depth - 1);
	}
	if (d)
		closedir(d);
}

/* NVIDIA's driver makes no sysfs node: the minor is in its procfs. */
static void add_nvidia_node(struct nodes *nodes, const char *bdf)
{
	_cleanup_free_ char *path =
	    xasprintf("%s/driver/nvidia/gpus/%s/information", path_procfs(), bdf);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];
	unsigned minor;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Device Minor: %u", &minor) == 1) {
			nodes->v = xreallocarray(nodes->v, nodes->n + 1, sizeof(*nodes->v));
			nodes->v[nodes->n++] =
			    (struct node){makedev(195, minor), xasprintf("nvidia%u", minor)};
		}
}

static void collect_nodes(const struct strv *bdfs, struct nodes *nodes)
{
	for (size_t i = 0; i < bdfs->n; i++) {
		_cleanup_free_ char *drm = pci_dev_path(bdfs->v[i], "drm");
		_cleanup_free_ char *sound = pci_dev_path(bdfs->v[i], "sound");
		add_nodes_in(nodes, drm, 0);
		add_nodes_in(nodes, sound, 1);
		add_nvidia_node(nodes, bdfs->v[i]);
	}
}

static const struct node *node_of(const struct nodes *nodes, dev_t dev)
{
	for (size_t i = 0; i < nodes->n; i++)
		if (nodes->v[i].dev == dev)
			return &nodes->v[i];
	return NULL;
}

/* The process's cgroup v2 path ("0::/..."), or NULL. */
static char *cgroup_of(const char *pid)
{
	_cleanup_free_ char *path = xasprintf("%s/%s/cgroup", path_procfs(), pid);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[4096];

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0::/", 4) == 0 && line[4])
			return xstrdup(line + 3);
	}
	return NULL;
}

/* The last part of the cgroup path, as systemd names units and scopes. */
static char *unit_of(const char *cgroup)
{
	const char *slash = cgroup ? strrchr(cgroup, '/') : NULL;

	if (slash && (strstr(slash, ".service") || strstr(slash, ".scope")))
		return xstrdup(slash + 1);
	return NULL;
}

static void add_holder(struct holders *out, const char *pid, const struct node *node)
{
	_cleanup_free_ char *comm_path = xasprintf("%s/%s/comm", path_procfs(), pid);
	struct holder h = {.pid = (pid_t)atoi(pid)};

	for (size_t i = 0; i < out->n; i++)
		if (out->h[i].pid == h.pid && streq(out->h[i].node, node->name))
			return;
	h.node = xstrdup(node->name);
	char comm[32];
	_cleanup_free_ char *cgroup = cgroup_of(pid);
	_cleanup_free_ char *unit = unit_of(cgroup);
	_cleanup_free_ char *safe_comm = NULL;

	/* Both are the holder's to choose, escapes included. */
	if (sysfs_read_str(comm_path, comm, sizeof(comm)) < 0)
		snprintf(comm, sizeof(comm), "?");
	safe_comm = termsafe_str(comm);
	snprintf(h.comm, sizeof(h.comm), "%s", safe_comm);
	h.unit = unit ? termsafe_str(unit) : NULL;
	if (cgroup)
		cgroup_unit_parse(cgroup, &h.owner);
	out->h = xreallocarray(out->h, out->n + 1, sizeof(*out->h));
	out->h[out->n++] = h;
}

/* The open file's own device number, by statx(2) through /proc/PID/fd/N:
 * nothing is opened. Only files named under /dev are looked at, and with
 * AT_STATX_DONT_SYNC: a file on a filesystem its holder serves (FUSE, in
 * a namespace of its own) is never asked, so it cannot stall root. */
static bool open_device(int fd_dir, const char *fd, dev_t *rdev)
{
	char target[64];
	ssize_t n = readlinkat(fd_dir, fd, target, sizeof(target) - 1);
	struct statx stx;

	if (n < 5 || strncmp(target, "/dev/", 5))
		return false;
	if (statx(fd_dir, fd, AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0 || !S_ISCHR(stx.stx_mode))
		return false;
	*rdev = makedev(stx.stx_rdev_major, stx.stx_rdev_minor);
	return true;
}

static void scan_process(const char *pid, const struct nodes *nodes, struct holders *out)
{
	_cleanup_free_ char *fd_dir = xasprintf("%s/%s/fd", path_procfs(), pid);
	DIR *d = opendir(fd_dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		dev_t rdev;
		const struct node *node;
		if (e->d_name[0] == '.' || !open_device(dirfd(d), e->d_name, &rdev) ||
		    !(node = node_of(nodes, rdev)))
			continue;
		add_holder(out, pid, node);
	}
	if (d)
		closedir(d);
}

void holders_find(const struct strv *bdfs, struct holders *out)
{
	struct nodes nodes = {0};
	DIR *d;
	struct dirent *e;

	*out = (struct holders){0};
	collect_nodes(bdfs, &nodes);
	d = nodes.n ? opendir(path_procfs()) : NULL;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		scan_process(e->d_name, &nodes, out);
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < nodes.n; i++)
		free(nodes.v[i].name);
	free(nodes.v);
}

char *holders_describe(const struct holders *h)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < h->n; i++) {
		char *next = xasprintf("%s%sPID %d (%s%s%s) holds /dev/%s", out, i ? "; " : "",
				       (int)h->h[i].pid, h->h[i].comm, h->h[i].unit ? ", " : "",
				       h->h[i].unit ? h->h[i].unit : "", h->h[i].node);
		free(out);
		out = next;
	}
	return out;
}

void holders_free(struct holders *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->h[i].unit);
		free(h->h[i].node);
	}
	free(h->h);
	*h = (struct holders){0};
}
