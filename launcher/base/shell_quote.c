#include "shell_quote.h"

#include "util.h"

static bool is_safe(const char *word)
{
	if (!*word)
		return false;
	for (const char *p = word; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "_@%+=:,./-",
			    *p))
			return false;
	return true;
}

char *shell_quote(const char *word)
{
	char *out, *o;

	if (is_safe(word))
		return xstrdup(word);
	o = out = xmalloc(strlen(word) * 4 + 3);
	*o++ = '\'';
	for (const char *p = word; *p; p++) {
		if (*p == '\'') {
			o = stpcpy(o, "'\\''");
			continue;
		}
		*o++ = *p;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}
