#include "smbios.h"

#define SMBIOS_ENTRY(key, type, qemu, dmi) {#key, type, #qemu, #dmi},
const struct smbios_field smbios_fields[SMBIOS_FIELDS] = {SMBIOS_FIELD_LIST(SMBIOS_ENTRY)};
