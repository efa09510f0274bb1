#include "termsafe.h"

#include "util.h"

#include <stdbool.h>

static size_t caret(unsigned char c, char *out)
{
	out[0] = '^';
	out[1] = c == 0x7f ? '?' : (char)(c + 0x40);
	return 2;
}

static size_t hex(unsigned char c, char *out)
{
	static const char digits[] = "0123456789ABCDEF";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = digits[c >> 4];
	out[3] = digits[c & 0xf];
	return 4;
}

/* The length of the UTF-8 sequence starting with LEAD, 0 when no
 * well-formed one can. */
static size_t utf8_length(unsigned char lead)
{
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

/* Byte I (1..3) of a sequence starting with LEAD is allowed: no overlong
 * form, no surrogate, nothing above U+10FFFF, no C1 control (U+0080 to
 * U+009F, which a terminal acts on as it does on 0x80 to 0x9f). */
static bool utf8_follows(unsigned char lead, size_t i, unsigned char c)
{
	unsigned char lo = 0x80, hi = 0xbf;

	if (i == 1) {
		if (lead == 0xc2)
			lo = 0xa0;
		else if (lead == 0xe0)
			lo = 0xa0;
		else if (lead == 0xed)
			hi = 0x9f;
		else if (lead == 0xf0)
			lo = 0x90;
		else if (lead == 0xf4)
			hi = 0x8f;
	}
	return c >= lo && c <= hi;
}

/* How many bytes of IN, from its start, form one well-formed sequence:
 * 0 when they cannot, or -1 when they may but IN ends first. */
static long utf8_take(const unsigned char *in, size_t len)
{
	size_t n = utf8_length(in[0]);

	if (!n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (i == len)
			return -1;
		if (!utf8_follows(in[0], i, in[i]))
			return 0;
	}
	return (long)n;
}

/* IN's bytes made safe into OUT; with T, a cut sequence or CR at the end
 * is held there instead; with ONE_LINE, newlines are shown too. */
static size_t convert(struct termsafe *t, const unsigned char *in, size_t len, bool one_line,
		      char *out)
{
	bool hold = t != NULL;
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = in[i];
		long n;

		if ((c == '\n' && !one_line) || c == '\t' || (c >= 0x20 && c < 0x7f)) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		if (c == '\r' && hold && i + 1 == len) {
			t->held[t->n_held++] = c;
			break;
		}
		if (c == '\r' && !one_line && i + 1 < len && in[i + 1] == '\n') {
			i++;
			continue;
		}
		if (c < 0x80) {
			o += caret(c, out + o);
			i++;
			continue;
		}
		n = utf8_take(in + i, len - i);
		if (n < 0 && hold) {
			memcpy(t->held, in + i, len - i);
			t->n_held = len - i;
			break;
		}
		if (n <= 0) {
			o += hex(c, out + o);
			i++;
			continue;
		}
		memcpy(out + o, in + i, (size_t)n);
		o += (size_t)n;
		i += (size_t)n;
	}
	return o;
}

size_t termsafe_feed(struct termsafe *t, const void *buf, size_t n, char *out)
{
	_cleanup_free_ unsigned char *in = xmalloc(t->n_held + n + 1);
	size_t len = t->n_held;

	memcpy(in, t->held, t->n_held);
	if (n)
		memcpy(in + len, buf, n);
	len += n;
	t->n_held = 0;
	return convert(t, in, len, false, out);
}

size_t termsafe_flush(struct termsafe *t, char *out)
{
	unsigned char in[sizeof(t->held)];
	size_t len = t->n_held;

	memcpy(in, t->held, len);
	t->n_held = 0;
	return convert(NULL, in, len, false, out);
}

char *termsafe_str(const char *s)
{
	size_t len = strlen(s);
	char *out = xmalloc(TERMSAFE_MAX(len) + 1);

	out[convert(NULL, (const unsigned char *)s, len, true, out)] = '\0';
	return out;
}
