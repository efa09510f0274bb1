/* Looking Glass's kvmfr module: its devices /dev/kvmfrN each get their size
 * when the module loads, static_size_mb=32,64,... one per device. */
#ifndef PASSLAUNCH_KVMFR_H
#define PASSLAUNCH_KVMFR_H

#include <stdint.h>

/* Device index's size in bytes; 0 when the module is not loaded or does
 * not say. */
uint64_t kvmfr_size(unsigned index);

#endif
