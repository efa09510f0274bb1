/* What the argv builder is told about the host, so that the builder itself
 * stays a pure function of profile + facts; host/hostfacts.h gathers them. */
#ifndef PASSLAUNCH_FACTS_H
#define PASSLAUNCH_FACTS_H

#include "firmware.h"
#include "profile/profile.h"

struct host_facts {
	enum accel accel; /* ACCEL_KVM or ACCEL_TCG: never auto */
	bool cpu_amd;
	struct firmware firmware; /* empty for type = bios */
	uint8_t *gpu_functions;	  /* per GPU: mask of the functions passed */
	unsigned qemu_major, qemu_minor;
	char *smbios_host[SMBIOS_FIELDS]; /* [smbios] source = host: the host's, NULL: none */
};

#endif
