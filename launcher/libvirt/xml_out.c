#include "xml_out.h"

#include "base/termsafe.h"
#include "base/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die_oom();
	return s;
}

/* The variadic function's FMT and arguments, formatted (freed by caller). */
#define FORMATTED(fmt)                                                                             \
	({                                                                                         \
		va_list ap_;                                                                       \
		va_start(ap_, fmt);                                                                \
		char *s_ = vformat(fmt, ap_);                                                      \
		va_end(ap_);                                                                       \
		s_;                                                                                \
	})

xmlNode *xo_child(xmlNode *parent, const char *name)
{
	xmlNode *n = xmlNewChild(parent, NULL, BAD_CAST name, NULL);

	if (!n)
		die_oom();
	return n;
}

xmlNode *xo_text(xmlNode *parent, const char *name, const char *fmt, ...)
{
	_cleanup_free_ char *text = FORMATTED(fmt);
	xmlNode *n = xmlNewTextChild(parent, NULL, BAD_CAST name, BAD_CAST text);
	if (!n)
		die_oom();
	return n;
}

xmlNode *xo_attr(xmlNode *n, const char *name, const char *fmt, ...)
{
	_cleanup_free_ char *value = FORMATTED(fmt);

	if (!xmlSetProp(n, BAD_CAST name, BAD_CAST value))
		die_oom();
	return n;
}

void xo_comment(xmlNode *parent, const char *fmt, ...)
{
	_cleanup_free_ char *raw = FORMATTED(fmt);
	/* What XML may hold: no control byte, only UTF-8 (a file name may be anything). */
	_cleanup_free_ char *text = termsafe_str(raw);
	xmlNode *c;

	utf8_make_value(text); /* XML refuses U+FFFE, which termsafe_str keeps */
	/* A comment may hold no "--" and not end with "-". */
	for (size_t i = 0, n = strlen(text); i < n; i++)
		if (text[i] == '-' && (i + 1 == n || text[i + 1] == '-'))
			text[i] = ' ';
	c = xmlNewComment(BAD_CAST text);
	if (!c || !xmlAddChild(parent, c))
		die_oom();
}
