/* libFuzzer harness: the profile parser and its cross checks, fed any bytes
 * as an ini file. Every input must end in a profile or a clean error. */
#include "profile/profile.h"
#include "profile/profile_check.h"
#include "profile/profile_parse.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct profile p;
	struct pl_err err = {0};

	if (!f)
		return 0;
	profile_init_defaults(&p);
	p.path = xstrdup("fuzz.ini");
	if (profile_parse_stream(f, "fuzz.ini", &p, &err) == 0)
		profile_check(&p, &err);
	fclose(f);
	profile_free(&p);
	return 0;
}
