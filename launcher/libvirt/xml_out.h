/* Writing a libvirt domain with libxml2's tree: elements, attributes,
 * text and comments, each formatted like printf. */
#ifndef PASSLAUNCH_XML_OUT_H
#define PASSLAUNCH_XML_OUT_H

#include "base/util.h"

#include <libxml/tree.h>

/* A child element NAME of PARENT, with no text. */
xmlNode *xo_child(xmlNode *parent, const char *name);
/* A child element NAME of PARENT holding the text FMT (escaped). */
xmlNode *xo_text(xmlNode *parent, const char *name, const char *fmt, ...) _printf_(3, 4);
/* Attribute NAME of N set to FMT; returns N. */
xmlNode *xo_attr(xmlNode *n, const char *name, const char *fmt, ...) _printf_(3, 4);
/* A comment under PARENT (a "--" in the text is written "- -", control
 * bytes and bytes that are not UTF-8 as termsafe_str shows them). */
void xo_comment(xmlNode *parent, const char *fmt, ...) _printf_(2, 3);

#endif
