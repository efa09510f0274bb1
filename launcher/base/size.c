#include "size.h"

#include <ctype.h>
#include <errno.h>
#include <strings.h>
#include <stdio.h>
#include <string.h>

static int unit_shift(const char *unit)
{
	static const char units[] = "KMGT";
	const char *u;

	if (!unit[0])
		return -1;
	u = strchr(units, toupper((unsigned char)unit[0]));
	if (!u)
		return -1;
	if (unit[1] && strcasecmp(unit + 1, "iB") != 0 && strcasecmp(unit + 1, "B") != 0)
		return -1;
	return 10 * (int)(u - units + 1);
}

int size_parse(const char *text, uint64_t *bytes, const char **why)
{
	uint64_t n = 0;
	const char *p = text;
	int shift;

	if (!isdigit((unsigned char)*p)) {
		*why = "not a size";
		return -EINVAL;
	}
	for (; isdigit((unsigned char)*p); p++) {
		if (n > (UINT64_MAX - 9) / 10) {
			*why = "too large";
			return -EINVAL;
		}
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (!*p) {
		*why = "no unit";
		return -EINVAL;
	}
	shift = unit_shift(p);
	if (shift < 0) {
		*why = "unknown unit";
		return -EINVAL;
	}
	if (n == 0) {
		*why = "must be more than 0";
		return -EINVAL;
	}
	if (n > (UINT64_MAX >> shift)) {
		*why = "too large";
		return -EINVAL;
	}
	*bytes = n << shift;
	return 0;
}

void size_format(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "TGMK";

	for (int i = 0; i < 4; i++) {
		int shift = 10 * (4 - i);
		uint64_t unit = UINT64_C(1) << shift;
		if (bytes >= unit && bytes % unit == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> shift),
				 units[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}
