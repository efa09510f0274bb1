#include "argv_builder.h"

#include <stdarg.h>

void argv_opt(struct argv_builder *b, const char *opt, const char *fmt, ...)
{
	va_list ap;
	char *value;

	strv_push(b->argv, opt);
	if (!fmt)
		return;
	va_start(ap, fmt);
	if (vasprintf(&value, fmt, ap) < 0)
		die_oom();
	va_end(ap);
	strv_push_owned(b->argv, value);
}

/* FNV-1a: stable names and MAC addresses from the VM name and a label. */
uint32_t argv_hash(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (const char *s = a; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *s = b; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

void argv_add_fd(struct argv_builder *b, size_t i)
{
	const struct qemu_file *f = &b->plan.files[i];

	if (f->writable)
		argv_opt(b, "-add-fd", "fd=%d,set=%u,opaque=rw:%s", f->fd, qemu_file_set(i),
			 f->path);
	argv_opt(b, "-add-fd", "fd=%d,set=%u,opaque=ro:%s", f->fd + f->writable, qemu_file_set(i),
		 f->path);
}
