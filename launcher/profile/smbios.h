/* [smbios]: the firmware tables the guest reads its machine's names from
 * (what anti-cheat and licensing look at), field by field: the profile's key,
 * QEMU's -smbios type and field, and the host's own in /sys/class/dmi/id. */
#ifndef PASSLAUNCH_SMBIOS_H
#define PASSLAUNCH_SMBIOS_H

#define SMBIOS_FIELDS 13

struct smbios_field {
	const char *key;  /* bios_vendor */
	unsigned type;	  /* 0: BIOS, 1: system, 2: board */
	const char *qemu; /* vendor */
	const char *dmi;  /* bios_vendor */
};

extern const struct smbios_field smbios_fields[SMBIOS_FIELDS];

#endif
