/* Sizes in profiles: a whole number with a unit, "16G", "512M". */
#ifndef PASSLAUNCH_SIZE_H
#define PASSLAUNCH_SIZE_H

#include <stdint.h>
#include <stddef.h>

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* Returns 0, or -EINVAL with *why saying what is wrong. */
int size_parse(const char *text, uint64_t *bytes, const char **why);
/* Writes the size with the largest unit that divides it exactly ("16G"). */
void size_format(uint64_t bytes, char *buf, size_t len);

#endif
