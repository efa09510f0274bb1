#include "invoker.h"

#include "util.h"

#include <errno.h>

bool invoker_uid(uid_t *uid, const char **from)
{
	static const char *const vars[] = {"SUDO_UID", "PKEXEC_UID"};

	for (size_t i = 0; i < N_ELEMENTS(vars); i++) {
		const char *v = getenv(vars[i]);
		char *end;
		unsigned long n;
		if (!v || !*v)
			continue;
		errno = 0;
		n = strtoul(v, &end, 10);
		/* The first one set decides: a bad SUDO_UID never lets PKEXEC_UID speak. */
		if (errno || *end || n == 0 || n != (uid_t)n || (uid_t)n == (uid_t)-1)
			return false;
		*uid = (uid_t)n;
		if (from)
			*from = vars[i];
		return true;
	}
	return false;
}
