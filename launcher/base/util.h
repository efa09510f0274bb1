/* Small helpers every module uses: cleanup attributes, allocation that cannot
 * fail (an out-of-memory launcher cannot restore anything sensibly), strings. */
#ifndef PASSLAUNCH_UTIL_H
#define PASSLAUNCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _printf_(a, b)	 __attribute__((format(printf, a, b)))
#define _noreturn_	 __attribute__((noreturn))
#define _cleanup_(f)	 __attribute__((cleanup(f)))
#define _cleanup_free_	 _cleanup_(cleanup_freep)
#define _cleanup_fclose_ _cleanup_(cleanup_fclosep)
#define _cleanup_close_	 _cleanup_(cleanup_closep)
#define N_ELEMENTS(a)	 (sizeof(a) / sizeof((a)[0]))

static inline void cleanup_freep(void *p)
{
	free(*(void **)p);
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* Hands ownership of *p to the caller and clears it, so a cleanup attribute
 * on the variable no longer frees it. */
static inline void *steal_pointer(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}

/* The same for a descriptor. */
static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

_noreturn_ void die_oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
bool str_has_prefix(const char *s, const char *prefix);
bool str_has_suffix(const char *s, const char *suffix);
/* PATH from / (the working directory's before a relative one), or NULL. */
char *absolute_path(const char *path);

#endif
