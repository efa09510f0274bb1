#include "ini_out.h"

#include "base/utf8.h"

#include <stdarg.h>

static struct ini_section *section(struct ini_out *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (streq(o->v[i].name, name))
			return &o->v[i];
	o->v = xreallocarray(o->v, o->n + 1, sizeof(*o->v));
	o->v[o->n] = (struct ini_section){.name = xstrdup(name)};
	return &o->v[o->n++];
}

bool ini_has_section(const struct ini_out *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (streq(o->v[i].name, name))
			return true;
	return false;
}

bool ini_label_used(const struct ini_out *o, const char *label)
{
	for (size_t i = 0; i < o->n; i++) {
		const char *dot = strchr(o->v[i].name, '.');
		if (dot && streq(dot + 1, label))
			return true;
	}
	return false;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die_oom();
	return s;
}

bool ini_value_ok(const char *s)
{
	return s[0] != ';' && !strstr(s, " ;") && !strstr(s, "\t;") && utf8_is_value(s);
}

void ini_set(struct ini_out *o, const char *name, const char *key, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *value = NULL;

	va_start(ap, fmt);
	value = vformat(fmt, ap);
	va_end(ap);
	if (!ini_value_ok(value)) {
		strv_pushf(&o->refused, "[%s] %s", name, key);
		return;
	}
	strv_pushf(&section(o, name)->lines, "%s = %s", key, value);
}

void ini_comment(struct ini_out *o, const char *name, const char *fmt, ...)
{
	va_list ap;
	_cleanup_free_ char *text = NULL;

	va_start(ap, fmt);
	text = vformat(fmt, ap);
	va_end(ap);
	utf8_make_value(text);
	strv_pushf(&section(o, name)->lines, "# %s", text);
}

void ini_write(const struct ini_out *o, FILE *f)
{
	for (size_t i = 0; i < o->n; i++) {
		fprintf(f, "%s[%s]\n", i ? "\n" : "", o->v[i].name);
		for (size_t j = 0; j < o->v[i].lines.n; j++)
			fprintf(f, "%s\n", o->v[i].lines.v[j]);
	}
}

void ini_free(struct ini_out *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].name);
		strv_free(&o->v[i].lines);
	}
	strv_free(&o->refused);
	free(o->v);
	*o = (struct ini_out){0};
}
