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

void ini_remove(struct ini_out *o, const char *name, const char *key)
{
	struct ini_section *s = section(o, name);
	size_t len = strlen(key), kept = 0;

	for (size_t i = 0; i < s->lines.n; i++) {
		char *line = s->lines.v[i];
		if (!strncmp(line, key, len) && !strncmp(line + len, " = ", 3))
			free(line);
		else
			s->lines.v[kept++] = line;
	}
	s->lines.n = kept;
	if (s->lines.v)
		s->lines.v[kept] = NULL;
}

void ini_replace(struct ini_out *o, const char *name, const char *key, const char *value)
{
	ini_remove(o, name, key);
	ini_set(o, name, key, "%s", value);
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

static void drop_section(struct ini_out *o, size_t i)
{
	free(o->v[i].name);
	strv_free(&o->v[i].lines);
	memmove(&o->v[i], &o->v[i + 1], (o->n - i - 1) * sizeof(*o->v));
	o->n--;
}

int ini_drop_line(struct ini_out *o, int line, char **what)
{
	int at = 1;

	for (size_t i = 0; i < o->n; i++) {
		struct strv *lines = &o->v[i].lines;
		at += i > 0; /* the blank line between sections */
		if (at == line) {
			*what = xasprintf("[%s]", o->v[i].name);
			drop_section(o, i);
			return 0;
		}
		if (line > at && line <= at + (int)lines->n) {
			size_t j = (size_t)(line - at - 1);
			*what = xasprintf("[%s] %s", o->v[i].name, lines->v[j]);
			free(lines->v[j]);
			memmove(&lines->v[j], &lines->v[j + 1], (lines->n - j) * sizeof(char *));
			lines->n--;
			return 0;
		}
		at += 1 + (int)lines->n;
	}
	return -1;
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
