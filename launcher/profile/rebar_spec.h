/* Resizable BAR sizes as a profile gives them: "no", "max", or BAR:SIZE
 * pairs such as "0:16G,2:256M", each SIZE a power of two from 1M. The
 * kernel names a size by its bit in resourceN_resize: log2(SIZE / 1M). */
#ifndef PASSLAUNCH_REBAR_SPEC_H
#define PASSLAUNCH_REBAR_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REBAR_BARS 6

struct bar_size {
	unsigned char bar, bit;
};

struct rebar_sizes {
	struct bar_size v[REBAR_BARS];
	unsigned char n;
	bool max; /* every resizable BAR to its largest size, resolved on the host */
};

/* Returns 0, or -EINVAL with why (a buffer of 256) saying what is wrong. */
int rebar_spec_parse(const char *text, struct rebar_sizes *out, char *why);
/* "0:16G,2:256M" ("" for none); len of 96 holds any. */
void rebar_spec_format(const struct rebar_sizes *r, char *buf, size_t len);
uint64_t rebar_bit_bytes(unsigned bit);
/* The size of BAR bar in r, or 0 when r does not resize it. */
uint64_t rebar_size_of(const struct rebar_sizes *r, unsigned bar);

#endif
