#include "utf8.h"

#include <string.h>

size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t n = s[0] < 0x80		   ? 1
		   : (s[0] & 0xE0) == 0xC0 ? 2
		   : (s[0] & 0xF0) == 0xE0 ? 3
		   : (s[0] & 0xF8) == 0xF0 ? 4
					   : 0;
	uint32_t c;

	if (!n || n > len)
		return 0;
	c = n == 1 ? s[0] : s[0] & (0x7Fu >> n);
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[k] & 0x3F);
	}
	if (c < shortest[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

bool utf8_is_control(uint32_t c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || (c >= 0x7F && c <= 0x9F);
}

bool utf8_is_noncharacter(uint32_t c)
{
	return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE;
}

bool utf8_is_bidi_control(uint32_t c)
{
	return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

bool utf8_is_value(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		uint32_t c = 0;
		size_t n = utf8_char(u + i, len - i, &c);
		if (!n || c == '\r' || c == '\n' || utf8_is_control(c) || utf8_is_noncharacter(c) ||
		    utf8_is_bidi_control(c))
			return false;
		i += n;
	}
	return true;
}

void utf8_make_value(char *s)
{
	unsigned char *u = (unsigned char *)s;
	size_t len = strlen(s);

	for (size_t i = 0; i < len;) {
		uint32_t c = 0;
		size_t n = utf8_char(u + i, len - i, &c);
		if (!n || utf8_is_noncharacter(c) || utf8_is_bidi_control(c))
			memset(u + i, '?', n ? n : 1);
		else if (c == '\r' || c == '\n' || utf8_is_control(c))
			memset(u + i, ' ', n);
		i += n ? n : 1;
	}
}
