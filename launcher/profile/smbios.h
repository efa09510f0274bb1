/* [smbios]: the firmware tables the guest reads its machine's names from
 * (what anti-cheat and licensing look at), field by field: the profile's key,
 * QEMU's -smbios type and field, and the host's own in /sys/class/dmi/id. */
#ifndef PASSLAUNCH_SMBIOS_H
#define PASSLAUNCH_SMBIOS_H

/* The one list: X(key, type, QEMU field, host DMI file). The schema's keys
 * and the field table below are both made from it. Types: 0 BIOS, 1 system,
 * 2 board. */
#define SMBIOS_FIELD_LIST(X)                                                                       \
	X(bios_vendor, 0, vendor, bios_vendor)                                                     \
	X(bios_version, 0, version, bios_version)                                                  \
	X(bios_date, 0, date, bios_date)                                                           \
	X(system_manufacturer, 1, manufacturer, sys_vendor)                                        \
	X(system_product, 1, product, product_name)                                                \
	X(system_version, 1, version, product_version)                                             \
	X(system_serial, 1, serial, product_serial)                                                \
	X(system_sku, 1, sku, product_sku)                                                         \
	X(system_family, 1, family, product_family)                                                \
	X(system_uuid, 1, uuid, product_uuid)                                                      \
	X(board_manufacturer, 2, manufacturer, board_vendor)                                       \
	X(board_product, 2, product, board_name)                                                   \
	X(board_version, 2, version, board_version)                                                \
	X(board_serial, 2, serial, board_serial)

#define SMBIOS_INDEX(key, type, qemu, dmi) SMBIOS_##key,
enum { SMBIOS_FIELD_LIST(SMBIOS_INDEX) SMBIOS_FIELDS };
#undef SMBIOS_INDEX

struct smbios_field {
	const char *key;  /* bios_vendor */
	unsigned type;	  /* 0: BIOS, 1: system, 2: board */
	const char *qemu; /* vendor */
	const char *dmi;  /* bios_vendor */
};

extern const struct smbios_field smbios_fields[SMBIOS_FIELDS];

#endif
