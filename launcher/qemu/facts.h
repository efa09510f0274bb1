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
	struct rebar_sizes
	    *gpu_rebar;	       /* per GPU: its BARs' sizes for the run (n = 0: as they are) */
	uint64_t bars64_bytes; /* the passed devices' 64-bit prefetchable BARs, as they will be */
	unsigned qemu_major, qemu_minor;
	unsigned guest_dies;		  /* vcpu_pin = auto split the cores over dies; 0: not */
	bool host_cache_info;		  /* each guest die is a whole host L3 domain */
	char *smbios_host[SMBIOS_FIELDS]; /* [smbios] source = host: the host's, NULL: none */
};

#endif
