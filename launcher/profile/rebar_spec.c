#include "rebar_spec.h"

#include "base/size.h"
#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The PCIe capability names sizes from 1M (bit 0) to 128T (bit 27)
 * for BARs, 2^(bit+20) bytes. */
#define REBAR_MAX_BIT 27

uint64_t rebar_bit_bytes(unsigned bit)
{
	return MiB << bit;
}

uint64_t rebar_size_of(const struct rebar_sizes *r, unsigned bar)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->v[i].bar == bar)
			return rebar_bit_bytes(r->v[i].bit);
	return 0;
}

static int size_bit(uint64_t bytes)
{
	for (unsigned bit = 0; bit <= REBAR_MAX_BIT; bit++)
		if (rebar_bit_bytes(bit) == bytes)
			return (int)bit;
	return -1;
}

static int parse_pair(char *pair, struct rebar_sizes *out, char *why)
{
	char *colon = strchr(pair, ':'), *end;
	unsigned long bar;
	uint64_t bytes;
	const char *size_why;
	int bit;

	if (!colon)
		return snprintf(why, 256, "'%s' is not BAR:SIZE, e.g. 0:16G", pair), -EINVAL;
	*colon = '\0';
	errno = 0;
	bar = strtoul(pair, &end, 10);
	if (!*pair || *end || errno || bar >= REBAR_BARS)
		return snprintf(why, 256, "BAR '%s': expected 0 to 5", pair), -EINVAL;
	if (rebar_size_of(out, (unsigned)bar))
		return snprintf(why, 256, "BAR %lu is named twice", bar), -EINVAL;
	if (size_parse(colon + 1, &bytes, &size_why) < 0 || (bit = size_bit(bytes)) < 0)
		return snprintf(why, 256,
				"BAR %lu: '%s' is not a size a BAR can have: a power of two "
				"from 1M, e.g. 256M or 16G",
				bar, colon + 1),
		       -EINVAL;
	out->v[out->n++] = (struct bar_size){(unsigned char)bar, (unsigned char)bit};
	return 0;
}

int rebar_spec_parse(const char *text, struct rebar_sizes *out, char *why)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char *save = NULL;

	*out = (struct rebar_sizes){0};
	if (streq(text, "no"))
		return 0;
	if (streq(text, "max")) {
		out->max = true;
		return 0;
	}
	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		if (out->n == REBAR_BARS)
			return snprintf(why, 256, "more than %d BARs", REBAR_BARS), -EINVAL;
		if (parse_pair(w, out, why) < 0)
			return -EINVAL;
	}
	if (!out->n)
		return snprintf(why, 256, "expected no, max or BAR:SIZE pairs, e.g. 0:16G"),
		       -EINVAL;
	return 0;
}

void rebar_spec_format(const struct rebar_sizes *r, char *buf, size_t len)
{
	size_t used = 0;

	*buf = '\0';
	for (unsigned i = 0; i < r->n && used < len; i++) {
		char size[32];
		size_format(rebar_bit_bytes(r->v[i].bit), size, sizeof(size));
		used += (size_t)snprintf(buf + used, len - used, "%s%u:%s", i ? "," : "",
					 r->v[i].bar, size);
	}
}
