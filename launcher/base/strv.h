/* A growable NULL-terminated vector of owned strings: QEMU's argv, word lists. */
#ifndef PASSLAUNCH_STRV_H
#define PASSLAUNCH_STRV_H

#include "util.h"

struct strv {
	char **v; /* always NULL-terminated once anything was pushed */
	size_t n;
	size_t cap;
};

void strv_push(struct strv *s, const char *str);
void strv_pushf(struct strv *s, const char *fmt, ...) _printf_(2, 3);
void strv_push_owned(struct strv *s, char *str);
/* The strings joined with sep between them. Caller frees. */
char *strv_join(const struct strv *s, const char *sep);
/* In an environment vector: sets NAME=VALUE, replacing NAME's entry. */
void strv_set_env(struct strv *s, const char *name, const char *value);
bool strv_contains(const struct strv *s, const char *str);
void strv_free(struct strv *s);

#endif
