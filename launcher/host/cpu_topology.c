#include "cpu_topology.h"

#include "base/paths.h"
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>

static int read_list(const char *path, struct cpulist *list)
{
	char text[4096], why[128];

	*list = (struct cpulist){0};
	if (sysfs_read_str(path, text, sizeof(text)) < 0 || !*text)
		return -ENOENT;
	return cpulist_parse(text, list, why, sizeof(why));
}

static unsigned long read_ulong_or(const char *path, unsigned long fallback)
{
	unsigned long v;

	return sysfs_read_ulong(path, &v) == 0 ? v : fallback;
}

static char *cpu_file(unsigned cpu, const char *rel)
{
	return xasprintf("%s/devices/system/cpu/cpu%u/%s", path_sysfs(), cpu, rel);
}

/* The cache/indexN directory of level 3, or NULL. */
static char *l3_dir(unsigned cpu)
{
	for (unsigned i = 0; i < 8; i++) {
		_cleanup_free_ char *rel = xasprintf("cache/index%u/level", i);
		_cleanup_free_ char *level = cpu_file(cpu, rel);
		unsigned long v;
		if (sysfs_read_ulong(level, &v) == 0 && v == 3)
			return xasprintf("cache/index%u", i);
	}
	return NULL;
}

static unsigned long parse_kib(const char *text)
{
	char *end;
	unsigned long v = strtoul(text, &end, 10);

	if (*end == 'M')
		return v * 1024;
	return *end == 'K' || *end == '\0' ? v : 0;
}

/* The L3 domain CPU shares, found or added; -1 when sysfs does not say. */
static int l3_of(struct cpu_topology *t, unsigned cpu)
{
	_cleanup_free_ char *dir = l3_dir(cpu);
	_cleanup_free_ char *list_rel = NULL, *list_path = NULL, *size_rel = NULL,
			    *size_path = NULL;
	struct cpulist shared;
	char size[64];

	if (!dir)
		return -1;
	for (size_t i = 0; i < t->n_l3; i++)
		if (cpulist_contains(&t->l3[i].cpus, cpu))
			return (int)i;
	list_rel = xasprintf("%s/shared_cpu_list", dir);
	list_path = cpu_file(cpu, list_rel);
	if (read_list(list_path, &shared) < 0)
		return -1;
	cpulist_sort(&shared);
	t->l3 = xreallocarray(t->l3, t->n_l3 + 1, sizeof(*t->l3));
	t->l3[t->n_l3] = (struct l3_domain){shared, 0};
	size_rel = xasprintf("%s/size", dir);
	size_path = cpu_file(cpu, size_rel);
	if (sysfs_read_str(size_path, size, sizeof(size)) == 0)
		t->l3[t->n_l3].size_kib = parse_kib(size);
	return (int)t->n_l3++;
}

static int node_of(unsigned cpu, unsigned *n_nodes)
{
	_cleanup_free_ char *dir = xasprintf("%s/devices/system/node", path_sysfs());
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = -1;
	unsigned nodes = 0;

	while (d && (e = readdir(d))) {
		unsigned node;
		char tail;
		_cleanup_free_ char *path = NULL;
		struct cpulist cpus;
		if (sscanf(e->d_name, "node%u%c", &node, &tail) != 1)
			continue;
		path = xasprintf("%s/%s/cpulist", dir, e->d_name);
		if (read_list(path, &cpus) < 0)
			continue;
		nodes++;
		if (cpulist_contains(&cpus, cpu))
			found = (int)node;
		cpulist_free(&cpus);
	}
	if (d)
		closedir(d);
	*n_nodes = nodes;
	return found;
}

static enum core_kind kind_of(const struct cpulist *p_cores, const struct cpulist *e_cores,
			      unsigned cpu)
{
	if (cpulist_contains(p_cores, cpu))
		return CORE_PERFORMANCE;
	return cpulist_contains(e_cores, cpu) ? CORE_EFFICIENCY : CORE_PLAIN;
}

static void add_core(struct cpu_topology *t, unsigned cpu, const struct cpulist *siblings,
		     const struct cpulist *p_cores, const struct cpulist *e_cores)
{
	_cleanup_free_ char *package = cpu_file(cpu, "topology/physical_package_id");
	_cleanup_free_ char *die = cpu_file(cpu, "topology/die_id");
	_cleanup_free_ char *freq = cpu_file(cpu, "cpufreq/cpuinfo_max_freq");
	struct host_core c = {.threads = *siblings};

	c.package = (unsigned)read_ulong_or(package, 0);
	c.die = (unsigned)read_ulong_or(die, 0);
	c.max_khz = read_ulong_or(freq, 0);
	c.l3 = l3_of(t, cpu);
	c.node = node_of(cpu, &t->n_nodes);
	c.kind = kind_of(p_cores, e_cores, cpu);
	t->cores = xreallocarray(t->cores, t->n_cores + 1, sizeof(*t->cores));
	t->cores[t->n_cores++] = c;
}

/* Siblings that are online, ascending; CPU itself at least. */
static void online_siblings(unsigned cpu, const struct cpulist *online, struct cpulist *out)
{
	_cleanup_free_ char *path = cpu_file(cpu, "topology/thread_siblings_list");
	struct cpulist all;

	*out = (struct cpulist){0};
	if (read_list(path, &all) == 0) {
		for (size_t i = 0; i < all.n; i++)
			if (cpulist_contains(online, all.cpu[i]))
				cpulist_add(out, all.cpu[i]);
		cpulist_free(&all);
	}
	cpulist_add(out, cpu);
	cpulist_sort(out);
}

int cpu_topology_read(struct cpu_topology *t, struct pl_err *err)
{
	_cleanup_free_ char *online_path = xasprintf("%s/devices/system/cpu/online", path_sysfs());
	_cleanup_free_ char *p_path = xasprintf("%s/devices/cpu_core/cpus", path_sysfs());
	_cleanup_free_ char *e_path = xasprintf("%s/devices/cpu_atom/cpus", path_sysfs());
	struct cpulist online, p_cores, e_cores;

	*t = (struct cpu_topology){0};
	if (read_list(online_path, &online) < 0)
		return err_set(err, EIO, "cannot read the host's CPUs from %s", online_path);
	read_list(p_path, &p_cores);
	read_list(e_path, &e_cores);
	t->hybrid = p_cores.n && e_cores.n;
	cpulist_sort(&online);
	t->first_cpu = online.cpu[0];
	for (size_t i = 0; i < online.n; i++) {
		struct cpulist siblings;
		online_siblings(online.cpu[i], &online, &siblings);
		if (siblings.cpu[0] == online.cpu[i])
			add_core(t, online.cpu[i], &siblings, &p_cores, &e_cores);
		else
			cpulist_free(&siblings);
	}
	cpulist_free(&online);
	cpulist_free(&p_cores);
	cpulist_free(&e_cores);
	return 0;
}

int cpu_topology_core_of(const struct cpu_topology *t, unsigned cpu)
{
	for (size_t i = 0; i < t->n_cores; i++)
		if (cpulist_contains(&t->cores[i].threads, cpu))
			return (int)i;
	return -1;
}

void cpu_topology_free(struct cpu_topology *t)
{
	for (size_t i = 0; i < t->n_cores; i++)
		cpulist_free(&t->cores[i].threads);
	for (size_t i = 0; i < t->n_l3; i++)
		cpulist_free(&t->l3[i].cpus);
	free(t->cores);
	free(t->l3);
	*t = (struct cpu_topology){0};
}
