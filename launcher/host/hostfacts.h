/* What the argv builder needs to know about the host, gathered in one place
 * so the builder itself stays a pure function of profile + facts. */
#ifndef PASSLAUNCH_HOSTFACTS_H
#define PASSLAUNCH_HOSTFACTS_H

#include "base/error.h"
#include "qemu/firmware.h"
#include "profile/profile.h"

struct host_facts {
	enum accel accel; /* ACCEL_KVM or ACCEL_TCG: never auto */
	bool cpu_amd;
	struct firmware firmware; /* empty for type = bios */
	uint8_t *gpu_functions;	  /* per GPU: mask of the functions passed */
	unsigned qemu_major, qemu_minor;
	char *run_dir; /* QEMU's own runtime directory, owned by its user: its sockets */
};

/* Warnings (TCG fallback, a GPU not on this host) go to stderr. */
int host_facts_gather(const struct profile *p, struct host_facts *f, struct pl_err *err);
void host_facts_free(struct host_facts *f);
/* An AMD CPU (/proc/cpuinfo). */
bool host_cpu_amd(void);
/* The addresses a profile passes: each function of its GPUs, and [pci]. */
void host_passed_devices(const struct profile *p, const struct host_facts *f, bool gpus, bool pcis,
			 struct strv *out);
/* Hardware KVM: /dev/kvm plus kvm_intel or kvm_amd; why says what is missing. */
bool host_has_hw_kvm(const char **why);

#endif
