#include "domain_xml.h"

#include <ctype.h>

#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <stdarg.h>

static char *read_all(int fd, size_t *len, struct pl_err *err, const char *file)
{
	size_t cap = 65536;
	char *buf = xmalloc(cap);

	*len = 0;
	for (;;) {
		ssize_t n;
		if (*len == cap) {
			if (cap >= DOMAIN_XML_MAX_BYTES) {
				free(buf);
				err_input(err, "%s: more than %d MiB: not a domain XML", file,
					  DOMAIN_XML_MAX_BYTES >> 20);
				return NULL;
			}
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_input(err, "%s: %s", file, strerror(errno));
			free(buf);
			return NULL;
		}
		if (n == 0)
			return buf;
		*len += (size_t)n;
	}
}

static void quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

int domain_xml_load(struct domain_xml *d, const char *file, struct pl_err *err)
{
	_cleanup_close_ int fd =
	    streq(file, "-") ? dup(STDIN_FILENO) : open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	size_t len;

	*d = (struct domain_xml){.file = file};
	if (fd < 0)
		return err_input(err, "%s: %s", file, strerror(errno));
	buf = read_all(fd, &len, err, file);
	if (!buf)
		return -EINVAL;
	return domain_xml_parse(d, file, buf, len, err);
}

int domain_xml_parse(struct domain_xml *d, const char *file, const char *buf, size_t len,
		     struct pl_err *err)
{
	const xmlError *e;

	*d = (struct domain_xml){.file = file};
	if (len > DOMAIN_XML_MAX_BYTES)
		return err_input(err, "%s: more than %d MiB: not a domain XML", file,
				 DOMAIN_XML_MAX_BYTES >> 20);
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlResetLastError();
	d->doc = xmlReadMemory(buf, (int)len, file, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	e = xmlGetLastError();
	if (!d->doc)
		return err_input(err, "%s:%d: not XML: %.*s", file, e ? e->line : 1,
				 e && e->message ? (int)strcspn(e->message, "\n") : 10,
				 e && e->message ? e->message : "unreadable");
	/* libvirt writes none; entities declared in one are a way to make a
	 * small file expand without bound. */
	if (d->doc->intSubset || d->doc->extSubset)
		return err_input(err, "%s:1: a <!DOCTYPE> declaration: a libvirt domain has none",
				 file);
	d->root = xmlDocGetRootElement(d->doc);
	if (!d->root || !xmlStrEqual(d->root->name, BAD_CAST "domain"))
		return dx_fail(d, d->root, err,
			       "not a libvirt domain (the root element must be <domain>); give "
			       "the output of virsh dumpxml NAME");
	dx_use(d->root);
	return 0;
}

void domain_xml_free(struct domain_xml *d)
{
	if (d->doc)
		xmlFreeDoc(d->doc);
	d->doc = NULL;
}

xmlNode *dx_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns && xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

xmlNode *dx_qemu_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns &&
		    xmlStrEqual(c->ns->href, BAD_CAST QEMU_NS) &&
		    xmlStrEqual(c->name, BAD_CAST name))
			return c;
	return NULL;
}

xmlNode *dx_next(xmlNode *n)
{
	for (xmlNode *c = n->next; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns == n->ns && xmlStrEqual(c->name, n->name))
			return c;
	return NULL;
}

char *dx_attr(xmlNode *n, const char *name)
{
	xmlChar *v = n ? xmlGetNoNsProp(n, BAD_CAST name) : NULL;
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

bool dx_attr_is(xmlNode *n, const char *name, const char *value)
{
	_cleanup_free_ char *v = dx_attr(n, name);

	return v && streq(v, value);
}

char *dx_text(xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	const char *s = v ? (const char *)v : "";
	size_t len;
	char *out;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n'))
		len--;
	out = xstrndup(s, len);
	xmlFree(v);
	return out;
}

void dx_use(xmlNode *n)
{
	if (n)
		n->_private = n;
}

void dx_use_all(xmlNode *n)
{
	dx_use(n);
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			dx_use_all(c);
}

void dx_use_children(xmlNode *n, const char *const *names)
{
	dx_use(n);
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		for (size_t i = 0; c->type == XML_ELEMENT_NODE && names[i]; i++)
			if (xmlStrEqual(c->name, BAD_CAST names[i]))
				dx_use_all(c);
}

bool dx_used(const xmlNode *n)
{
	return n->_private == n;
}

static void vreport(struct domain_xml *d, xmlNode *n, const char *fmt, va_list ap)
{
	if (d->quiet)
		return;
	fprintf(stderr, "%s:%ld: <%s>: ", d->file, n ? xmlGetLineNo(n) : 1L,
		n ? (const char *)n->name : "?");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void dx_warn(struct domain_xml *d, xmlNode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(d, n, fmt, ap);
	va_end(ap);
	d->warnings++;
}

int dx_fail(struct domain_xml *d, xmlNode *n, struct pl_err *err, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_input(err, "%s:%ld: <%s>: %s", d->file, n ? xmlGetLineNo(n) : 1L,
			 n ? (const char *)n->name : "?", msg);
}
