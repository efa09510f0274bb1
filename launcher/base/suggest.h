/* "Did you mean": the closest candidate within a small edit distance. */
#ifndef PASSLAUNCH_SUGGEST_H
#define PASSLAUNCH_SUGGEST_H

#include <stddef.h>

/* Returns the candidate closest to word, or NULL when none is close. */
const char *suggest(const char *word, const char *const *candidates, size_t n);

#endif
