/* passlaunch export --libvirt (issue 17): a profile as a libvirt domain
 * XML. Each export_* step writes its part of the domain from the parsed
 * profile; what libvirt cannot express is named with the profile's line
 * (exit 1), and what passlaunch does outside QEMU becomes a comment with
 * the libvirt way to do it. */
#ifndef PASSLAUNCH_EXPORT_H
#define PASSLAUNCH_EXPORT_H

#include "host/pin_plan.h"
#include "profile/profile.h"
#include "xml_out.h"

#include <inttypes.h>

struct export
{
	const struct profile *p;
	/* What auto pinning chooses on this host, when the profile has it
	 * (empty when it could not be worked out here). */
	const struct pin_plan *plan;
	xmlDoc *doc;
	xmlNode *root, *devices;
	xmlNode *override; /* <qemu:override>, once a device needs it */
	unsigned warnings;
	/* "SECTION KEY" (KEY "*": the whole section) of what libvirt cannot
	 * hold or is passlaunch's outside QEMU: kept in <metadata>. */
	struct strv kept;
	/* "SECTION KEY" the profile leaves unset, which the domain's elements
	 * would give a value (what auto pinning chose): import leaves them out. */
	struct strv unset;
};

/* The whole domain of EX->p into EX->doc. */
void export_run(struct export *ex);
void export_domain(struct export *ex);
void export_cpu(struct export *ex);
void export_platform(struct export *ex);
void export_storage(struct export *ex);
void export_hostdevs(struct export *ex);
void export_peripherals(struct export *ex);
void export_outside(struct export *ex);
/* What EX->kept names, as the profile has it, in <metadata>. */
void export_metadata(struct export *ex);
/* <alias name='ua-LABEL'/> under DEV: the section's label, which passlaunch
 * import takes back. */
void ex_alias(xmlNode *dev, const char *label);
/* <qemu:property name=PROPERTY type='bool' value='true'/> in <qemu:override>
 * for the device aliased ua-LABEL: a QEMU property libvirt has no element
 * for (libvirt 8.2 and later). */
void ex_override_on(struct export *ex, const char *label, const char *property);
/* The I/O threads: the disks' own and [cpu] iothreads. */
unsigned ex_iothreads(const struct profile *p);
/* [SECTION] KEY (NULL: all of the section) goes into passlaunch's own
 * <metadata>, which import takes back. */
void ex_keep(struct export *ex, const char *section, const char *key);
/* [SECTION] KEY stays unset in what import makes of the domain. */
void ex_unset(struct export *ex, const char *section, const char *key);
/* "PROFILE:LINE: [SECTION] KEY: MESSAGE" on standard error; a warning; the
 * key is kept (ex_keep). */
void ex_warn(struct export *ex, const char *section, const char *key, const char *fmt, ...)
    _printf_(4, 5);

#endif
