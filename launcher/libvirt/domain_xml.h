/* A libvirt domain XML, read for the importer: libxml2 without network
 * access, entity expansion or DTD loading; every message names the file and
 * the line (FILE:LINE: <element>: ...). Each element the importer carries
 * over is marked used; what is left unmarked is reported at the end. */
#ifndef PASSLAUNCH_DOMAIN_XML_H
#define PASSLAUNCH_DOMAIN_XML_H

#include "base/error.h"

#include <libxml/tree.h>

#define DOMAIN_XML_MAX_BYTES (16 * 1024 * 1024)
/* libvirt's namespace for what it passes to QEMU as it is. */
#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
/* passlaunch's own, for what a profile keeps in <metadata>. */
#define PASSLAUNCH_NS "urn:passlaunch:profile:1"

struct domain_xml {
	const char *file; /* as named in messages; "-" is standard input */
	xmlDoc *doc;
	xmlNode *root;
	unsigned warnings;
	bool quiet; /* count warnings, print none (the fuzz harness) */
};

/* Reads FILE ("-": standard input) and checks that it is a libvirt domain:
 * exit status 2 (err) when it is not XML or not a domain. */
int domain_xml_load(struct domain_xml *d, const char *file, struct pl_err *err);
/* The same for LEN bytes already read from FILE. */
int domain_xml_parse(struct domain_xml *d, const char *file, const char *buf, size_t len,
		     struct pl_err *err);
void domain_xml_free(struct domain_xml *d);

/* The first child element of N named NAME (in no namespace), or NULL. */
xmlNode *dx_child(xmlNode *n, const char *name);
/* The first child element of N named NAME in QEMU_NS, or NULL. */
xmlNode *dx_qemu_child(xmlNode *n, const char *name);
/* The next sibling element of N named like N, or NULL. */
xmlNode *dx_next(xmlNode *n);
/* Attribute NAME of N, or NULL; the caller frees it. */
char *dx_attr(xmlNode *n, const char *name);
/* Whether N has attribute NAME set to VALUE. */
bool dx_attr_is(xmlNode *n, const char *name, const char *value);
/* N's text, blanks around it trimmed; the caller frees it. */
char *dx_text(xmlNode *n);
/* Marks N (and with dx_use_all, everything under it) as carried over. */
void dx_use(xmlNode *n);
void dx_use_all(xmlNode *n);
/* N and its child elements named in NAMES (NULL-terminated), each with
 * everything under it: what is left is reported as not carried over. */
void dx_use_children(xmlNode *n, const char *const *names);
bool dx_used(const xmlNode *n);
/* "FILE:LINE: <NAME>: MESSAGE" on standard error; counts a warning. */
void dx_warn(struct domain_xml *d, xmlNode *n, const char *fmt, ...) _printf_(3, 4);
/* The same as an error (exit status 2). */
int dx_fail(struct domain_xml *d, xmlNode *n, struct pl_err *err, const char *fmt, ...)
    _printf_(4, 5);

#endif
