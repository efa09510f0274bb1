/* passlaunch import: a libvirt domain XML as a profile (issue 17). Each
 * import_* step reads its part of the domain, writes profile keys, marks
 * what it carried over, and warns (FILE:LINE) about what it could not. */
#ifndef PASSLAUNCH_IMPORT_H
#define PASSLAUNCH_IMPORT_H

#include "domain_xml.h"
#include "ini_out.h"

/* "KIND.LABEL" in OUT (at least IM_SECTION_LEN bytes): LABEL from DEV's user
 * alias (<alias name='ua-LABEL'/>, which passlaunch export writes) when it
 * is a valid label no other section has, else FALLBACK, made unique. */
#define IM_SECTION_LEN 48

struct import {
	struct domain_xml *d;
	struct ini_out out;
	const char *name; /* --name, or NULL */
	/* The sections of the first disk, CD-ROM and interface written, which
	 * <os><boot dev='hd|cdrom|network'> boots: "" when none. */
	char first_disk[IM_SECTION_LEN], first_cdrom[IM_SECTION_LEN], first_net[IM_SECTION_LEN];
	/* The element each device section was made from, to name it. */
	struct im_origin {
		char section[IM_SECTION_LEN];
		xmlNode *node;
	} * origins;
	size_t n_origins;
};

/* The element SECTION ("KIND.LABEL") was made from; the domain for the
 * others. */
xmlNode *im_origin(const struct import *im, const char *section);
void import_free(struct import *im);

void im_section(struct import *im, xmlNode *dev, const char *kind, const char *fallback, char *out);
/* A number as libvirt writes it (0x... or decimal) up to MAX, in *V; an
 * absent one is 0. False for anything else, never cut to fit. */
bool im_number(const char *s, unsigned long max, unsigned *v);
/* <boot order='N'> of DEV as SECTION's boot key. */
void im_boot(struct import *im, xmlNode *dev, const char *section);
/* The I/O thread id a disk names (on SCSI, its controller's); the caller
 * frees it. */
char *im_disk_iothread(struct import *im, xmlNode *disk);
/* Every part of the domain in IM->d into IM->out, then a warning for each
 * element neither carried over nor dropped on purpose. */
int import_run(struct import *im, struct pl_err *err);
int import_domain(struct import *im, struct pl_err *err);
int import_cpu(struct import *im, struct pl_err *err);
int import_features(struct import *im, struct pl_err *err);
int import_platform(struct import *im, struct pl_err *err);
int import_devices(struct import *im, struct pl_err *err);
/* Each <disk> (disks and CD-ROMs), for import_devices. */
void import_disks(struct import *im, xmlNode *devices);
int import_peripherals(struct import *im, struct pl_err *err);
int import_display(struct import *im, struct pl_err *err);
/* <cpu><numa> and <numatune>: the guest's node and the host's. */
void import_numa(struct import *im);
/* The profile written, read as passlaunch reads one: each line it refuses
 * taken out and named, so that what import writes is always valid. */
int import_check(struct import *im, struct pl_err *err);
/* <os><smbios> and <sysinfo>: the guest's machine names, as [smbios] keys. */
void import_smbios(struct import *im);
/* After the devices: <os><boot dev=> as their boot keys. */
void import_boot_devices(struct import *im);
/* Last: the keys passlaunch export kept in <metadata> (what libvirt cannot
 * hold), each in place of what the domain gave for it. */
void import_metadata(struct import *im);

#endif
