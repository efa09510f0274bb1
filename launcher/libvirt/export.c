#include "export.h"

#include "base/termsafe.h"

#include <stdarg.h>
#include <stdio.h>

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

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
}

void ex_alias(xmlNode *dev, const char *label)
{
	xo_attr(xo_child(dev, "alias"), "name", "ua-%s", label);
}

/* [qemu] args as <qemu:commandline>, word by word. */
static void export_commandline(struct export *ex)
{
	xmlNs *ns;
	xmlNode *cmd;

	if (!ex->p->qemu.extra_args.n)
		return;
	ns = xmlNewNs(ex->root, BAD_CAST QEMU_NS, BAD_CAST "qemu");
	cmd = xmlNewChild(ex->root, ns, BAD_CAST "commandline", NULL);
	if (!ns || !cmd)
		die_oom();
	for (size_t i = 0; i < ex->p->qemu.extra_args.n; i++) {
		xmlNode *arg = xmlNewChild(cmd, ns, BAD_CAST "arg", NULL);
		if (!arg)
			die_oom();
		xo_attr(arg, "value", "%s", ex->p->qemu.extra_args.v[i]);
	}
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
}
