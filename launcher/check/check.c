#include "check.h"

#include <stdarg.h>

void check_add(struct check_report *r, enum check_level level, const char *name, const char *fix,
	       const char *fmt, ...)
{
	va_list ap;
	char *message;

	va_start(ap, fmt);
	if (vasprintf(&message, fmt, ap) < 0)
		die_oom();
	va_end(ap);
	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->v[r->n++] = (struct check_result){level, xstrdup(name), message,
					     fix && level != CHECK_PASS ? xstrdup(fix) : NULL};
}

enum check_level check_worst(const struct check_report *r)
{
	enum check_level worst = CHECK_PASS;

	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].level > worst)
			worst = r->v[i].level;
	return worst;
}

void check_report_free(struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].message);
		free(r->v[i].fix);
	}
	free(r->v);
	*r = (struct check_report){0};
}
