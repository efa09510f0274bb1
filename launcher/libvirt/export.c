#include "export.h"

#include "base/termsafe.h"
#include "domain_xml.h"

#include <stdarg.h>
#include <stdio.h>

void ex_warn(struct export *ex, const char *section, const char *key, const char *fmt, ...)
{
	_cleanup_free_ char *path = termsafe_str(ex->p->path);
	va_list ap;
	int line =
	    key ? profile_key_line(ex->p, section, key) : profile_section_line(ex->p, section);

	fprintf(stderr, "%s:%d: [%s]%s%s: ", path, line, section, key ? " " : "", key ? key : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ex->warnings++;
	ex_keep(ex, section, key);
}

void ex_keep(struct export *ex, const char *section, const char *key)
{
	strv_pushf(&ex->kept, "%s %s", section, key ? key : "*");
}

void ex_unset(struct export *ex, const char *section, const char *key)
{
	strv_pushf(&ex->unset, "%s %s", section, key);
}

void ex_alias(xmlNode *dev, const char *label)
{
	xo_attr(xo_child(dev, "alias"), "name", "ua-%s", label);
}

static xmlNs *qemu_ns(struct export *ex)
{
	xmlNs *ns = xmlSearchNsByHref(ex->doc, ex->root, BAD_CAST QEMU_NS);

	if (!ns)
		ns = xmlNewNs(ex->root, BAD_CAST QEMU_NS, BAD_CAST "qemu");
	if (!ns)
		die_oom();
	return ns;
}

static xmlNode *qemu_child(xmlNode *parent, xmlNs *ns, const char *name)
{
	xmlNode *n = xmlNewChild(parent, ns, BAD_CAST name, NULL);

	if (!n)
		die_oom();
	return n;
}

void ex_override_on(struct export *ex, const char *label, const char *property)
{
	xmlNs *ns = qemu_ns(ex);
	xmlNode *device, *prop;

	if (!ex->override)
		ex->override = qemu_child(ex->root, ns, "override");
	device = qemu_child(ex->override, ns, "device");
	xo_attr(device, "alias", "ua-%s", label);
	prop = qemu_child(qemu_child(device, ns, "frontend"), ns, "property");
	xo_attr(prop, "name", "%s", property);
	xo_attr(prop, "type", "bool");
	xo_attr(prop, "value", "true");
}

/* [qemu] args as <qemu:commandline>, word by word. */
static void export_commandline(struct export *ex)
{
	xmlNs *ns;
	xmlNode *cmd;

	if (!ex->p->qemu.extra_args.n)
		return;
	ns = qemu_ns(ex);
	cmd = qemu_child(ex->root, ns, "commandline");
	for (size_t i = 0; i < ex->p->qemu.extra_args.n; i++)
		xo_attr(qemu_child(cmd, ns, "arg"), "value", "%s", ex->p->qemu.extra_args.v[i]);
}

void export_run(struct export *ex)
{
	ex->doc = xmlNewDoc(BAD_CAST "1.0");
	ex->root = xmlNewNode(NULL, BAD_CAST "domain");
	if (!ex->doc || !ex->root)
		die_oom();
	xmlDocSetRootElement(ex->doc, ex->root);
	xo_comment(ex->root, "exported by passlaunch from %s", ex->p->path);
	export_domain(ex);
	export_cpu(ex);
	export_platform(ex);
	ex->devices = xo_child(ex->root, "devices");
	if (ex->p->qemu.binary)
		xo_text(ex->devices, "emulator", "%s", ex->p->qemu.binary);
	export_storage(ex);
	export_hostdevs(ex);
	export_peripherals(ex);
	export_commandline(ex);
	export_outside(ex);
	export_metadata(ex);
}
