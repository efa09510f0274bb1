#include "strv.h"

#include <stdarg.h>

void strv_push_owned(struct strv *s, char *str)
{
	if (s->n + 2 > s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

void strv_push(struct strv *s, const char *str)
{
	strv_push_owned(s, xstrdup(str));
}

void strv_pushf(struct strv *s, const char *fmt, ...)
{
	va_list ap;
	char *str;

	va_start(ap, fmt);
	if (vasprintf(&str, fmt, ap) < 0)
		die_oom();
	va_end(ap);
	strv_push_owned(s, str);
}

bool strv_contains(const struct strv *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i], str))
			return true;
	return false;
}

void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct strv){0};
}

char *strv_join(const struct strv *s, const char *sep)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < s->n; i++)
		len += strlen(s->v[i]) + strlen(sep);
	p = out = xmalloc(len);
	*p = '\0';
	for (size_t i = 0; i < s->n; i++)
		p = stpcpy(stpcpy(p, i ? sep : ""), s->v[i]);
	return out;
}

void strv_set_env(struct strv *s, const char *name, const char *value)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < s->n; i++) {
		if (!strncmp(s->v[i], name, len) && s->v[i][len] == '=') {
			free(s->v[i]);
			s->v[i] = xasprintf("%s=%s", name, value);
			return;
		}
	}
	strv_pushf(s, "%s=%s", name, value);
}
