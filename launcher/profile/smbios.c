#include "smbios.h"

const struct smbios_field smbios_fields[SMBIOS_FIELDS] = {
    {"bios_vendor", 0, "vendor", "bios_vendor"},
    {"bios_version", 0, "version", "bios_version"},
    {"bios_date", 0, "date", "bios_date"},
    {"system_manufacturer", 1, "manufacturer", "sys_vendor"},
    {"system_product", 1, "product", "product_name"},
    {"system_version", 1, "version", "product_version"},
    {"system_serial", 1, "serial", "product_serial"},
    {"system_sku", 1, "sku", "product_sku"},
    {"system_family", 1, "family", "product_family"},
    {"board_manufacturer", 2, "manufacturer", "board_vendor"},
    {"board_product", 2, "product", "board_name"},
    {"board_version", 2, "version", "board_version"},
    {"board_serial", 2, "serial", "board_serial"},
};
