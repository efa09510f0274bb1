/* <os><smbios> and <sysinfo type='smbios'>: the names the guest reads of
 * its machine, as [smbios] keys. */
#include "import.h"

#include "profile/smbios.h"

static const char *const blocks[] = {"bios", "system", "baseBoard"};

static const struct smbios_field *field_named(unsigned type, const char *name)
{
	for (size_t i = 0; i < SMBIOS_FIELDS; i++)
		if (smbios_fields[i].type == type && streq(smbios_fields[i].qemu, name))
			return &smbios_fields[i];
	return NULL;
}

/* One <bios>, <system> or <baseBoard>: each entry passlaunch has a key for.
 * The system's UUID is the domain's (<uuid>), which libvirt checks. */
static void import_block(struct import *im, xmlNode *block, unsigned type)
{
	for (xmlNode *e = dx_child(block, "entry"); e; e = dx_next(e)) {
		_cleanup_free_ char *name = dx_attr(e, "name");
		_cleanup_free_ char *value = dx_text(e);
		const struct smbios_field *f = name ? field_named(type, name) : NULL;

		if (!f)
			continue;
		if (f != &smbios_fields[SMBIOS_system_uuid])
			ini_set(&im->out, "smbios", f->key, "%s", value);
		dx_use(e);
	}
	dx_use(block);
}

static void import_sysinfo(struct import *im, xmlNode *sysinfo)
{
	for (unsigned type = 0; type < N_ELEMENTS(blocks); type++) {
		/* libvirt keeps one of each; a second board is a warning of its own. */
		xmlNode *block = dx_child(sysinfo, blocks[type]);
		if (block)
			import_block(im, block, type);
	}
	dx_use(sysinfo);
}

void import_smbios(struct import *im)
{
	xmlNode *smbios = dx_child(dx_child(im->d->root, "os"), "smbios");
	_cleanup_free_ char *mode = dx_attr(smbios, "mode");
	bool sysinfo_used = mode && streq(mode, "sysinfo");

	dx_use(smbios);
	if (mode && streq(mode, "host"))
		ini_set(&im->out, "smbios", "source", "host");
	for (xmlNode *s = dx_child(im->d->root, "sysinfo"); s; s = dx_next(s)) {
		if (!dx_attr_is(s, "type", "smbios"))
			continue;
		if (sysinfo_used) {
			import_sysinfo(im, s);
			sysinfo_used = false;
		} else {
			/* libvirt itself ignores it without <smbios mode='sysinfo'>. */
			ini_comment(
			    &im->out, "smbios",
			    "<sysinfo type='smbios'> (line %ld) is not used without <os><smbios "
			    "mode='sysinfo'/>, by libvirt either: left out",
			    xmlGetLineNo(s));
			dx_use_all(s);
		}
	}
}
