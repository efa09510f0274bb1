#include "journal.h"

#include "base/log.h"
#include "procs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* One entry a line: ACTION TAB ARG TAB ARG..., each field %-escaped. */

static char *escape(const char *s)
{
	char *out = xmalloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		if (*s == '%' || *s == '\t' || *s == '\n' || *s == '\r')
			o += sprintf(o, "%%%02X", (unsigned char)*s);
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* A '%' not followed by two hex digits is kept as it is: the file may be
 * damaged, and is read to its end whatever it holds. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char hex[3] = {s[1], s[2], '\0'};
			*o++ = (char)strtoul(hex, NULL, 16);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

bool journal_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && st.st_size > 0;
}

int journal_open(struct journal *j, const char *path, const char *vm, struct pl_err *err)
{
	*j = (struct journal){.fd = -1};
	if (journal_exists(path))
		return err_set(err, EEXIST,
			       "%s: a previous run of %s did not give the host back completely "
			       "(the undo journal %s is not empty); run: passlaunch recover %s",
			       vm, vm, path, vm);
	j->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (j->fd < 0)
		return err_set(err, errno, "cannot create the undo journal %s: %s", path,
			       strerror(errno));
	j->path = xstrdup(path);
	return 0;
}

int journal_open_append(struct journal *j, const char *path, struct pl_err *err)
{
	struct stat st;

	*j = (struct journal){.fd = -1};
	/* Never a link, a FIFO (which would block) or another's file. */
	j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (j->fd < 0)
		return err_set(err, errno, "cannot open the undo journal %s: %s", path,
			       strerror(errno));
	if (fstat(j->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		close(j->fd);
		j->fd = -1;
		return err_set(err, EPERM, "%s is not root's undo journal", path);
	}
	j->path = xstrdup(path);
	return 0;
}

static int append_fields(struct journal *j, const char *action, const char *const *fields, size_t n,
			 struct pl_err *err)
{
	_cleanup_free_ char *line = xstrdup(action);
	size_t len;

	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *e = escape(fields[i] ? fields[i] : "");
		char *longer = xasprintf("%s\t%s", line, e);
		free(line);
		line = longer;
	}
	len = strlen(line) + 1;
	line[len - 1] = '\n';
	/* Durable before the change is made: a crash right after the change
	 * must find it written down. */
	if (write(j->fd, line, len) != (ssize_t)len || fdatasync(j->fd) < 0)
		return err_set(err, errno ? errno : EIO,
			       "cannot write the undo journal %s: %s; nothing was changed for "
			       "this step",
			       j->path, strerror(errno ? errno : EIO));
	return 0;
}

static int append(struct journal *j, const char *action, const char *a, const char *b,
		  struct pl_err *err)
{
	const char *fields[] = {a, b};
	return append_fields(j, action, fields, 2, err);
}

int journal_sysfs_write(struct journal *j, const char *path, const char *old, struct pl_err *err)
{
	return append(j, "write", path, old, err);
}

int journal_hugepages(struct journal *j, const char *path, long added, struct pl_err *err)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld", added);
	return append(j, "hugepages", path, text, err);
}

int journal_governor(struct journal *j, const char *path, const char *old, const char *new,
		     struct pl_err *err)
{
	const char *fields[] = {path, old, new};
	return append_fields(j, "governor", fields, 3, err);
}

int journal_isolation(struct journal *j, const char *vm, struct pl_err *err)
{
	const char *fields[] = {vm};
	return append_fields(j, "isolate", fields, 1, err);
}

int journal_driver(struct journal *j, const char *bdf, const char *driver, struct pl_err *err)
{
	return append(j, "driver", bdf, driver, err);
}

int journal_chown(struct journal *j, const char *path, const struct stat *st, const char *acl_hex,
		  struct pl_err *err)
{
	char file[64], owner[64], mode[16];
	const char *fields[] = {path, file, owner, mode, acl_hex ? acl_hex : "-"};

	snprintf(file, sizeof(file), "%llu:%llu", (unsigned long long)st->st_dev,
		 (unsigned long long)st->st_ino);
	snprintf(owner, sizeof(owner), "%u:%u", (unsigned)st->st_uid, (unsigned)st->st_gid);
	snprintf(mode, sizeof(mode), "%o", (unsigned)(st->st_mode & 07777));
	return append_fields(j, "chown", fields, N_ELEMENTS(fields), err);
}

int journal_input_reprobe(struct journal *j, dev_t rdev, const char *devpath, struct pl_err *err)
{
	char node[32];

	snprintf(node, sizeof(node), "%u:%u", major(rdev), minor(rdev));
	return append(j, "reprobe", node, devpath, err);
}

int journal_process(struct journal *j, pid_t pid, const char *what, struct pl_err *err)
{
	_cleanup_free_ char *id =
	    xasprintf("%d:%llu", (int)pid, (unsigned long long)proc_start_time(pid));
	return append(j, "process", id, what, err);
}

int journal_hook(struct journal *j, const char *name, const char *path, const char *vm,
		 unsigned timeout_s, char *const *env, struct pl_err *err)
{
	_cleanup_free_ char *timeout = xasprintf("%u", timeout_s);
	struct strv fields = {0};
	int r;

	strv_push(&fields, name);
	strv_push(&fields, path);
	strv_push(&fields, vm);
	strv_push(&fields, timeout);
	for (size_t i = 0; env && env[i]; i++)
		strv_push(&fields, env[i]);
	r = append_fields(j, "hook", (const char *const *)fields.v, fields.n, err);
	strv_free(&fields);
	return r;
}

int journal_bridge(struct journal *j, const char *name, struct pl_err *err)
{
	return append(j, "bridge", name, NULL, err);
}

int journal_macvtap(struct journal *j, const char *name, struct pl_err *err)
{
	return append(j, "macvtap", name, NULL, err);
}

int journal_created(struct journal *j, const char *path, struct pl_err *err)
{
	return append(j, "created", path, NULL, err);
}

static void entry_parse(struct journal_entry *e, char *line)
{
	char *rest;

	e->line = line;
	e->text = xstrdup(line);
	rest = e->text;
	e->action = strsep(&rest, "\t");
	while (rest) {
		e->field = xreallocarray(e->field, e->n + 1, sizeof(*e->field));
		e->field[e->n] = strsep(&rest, "\t");
		unescape(e->field[e->n++]);
	}
}

int journal_read(const char *path, struct journal_entry **entries, size_t *n)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;

	*entries = NULL;
	*n = 0;
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		*entries = xreallocarray(*entries, *n + 1, sizeof(**entries));
		(*entries)[*n] = (struct journal_entry){0};
		entry_parse(&(*entries)[(*n)++], xstrdup(line));
	}
	free(line);
	return 0;
}

void journal_entries_free(struct journal_entry *entries, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(entries[i].line);
		free(entries[i].text);
		free(entries[i].field);
	}
	free(entries);
}

int journal_rewrite(const char *path, const struct journal_entry *const *keep, size_t n)
{
	_cleanup_free_ char *tmp = xasprintf("%s.new", path);
	FILE *f;

	if (!n)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s\n", keep[i]->line);
	if (fflush(f) != 0 || fdatasync(fileno(f)) < 0) {
		fclose(f);
		return -errno;
	}
	fclose(f);
	return rename(tmp, path) < 0 ? -errno : 0;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	*j = (struct journal){.fd = -1};
}
