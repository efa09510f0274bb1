/* Gathers what the argv builder is told about the host (qemu/facts.h). */
#ifndef PASSLAUNCH_HOSTFACTS_H
#define PASSLAUNCH_HOSTFACTS_H

#include "base/error.h"
#include "profile/profile.h"
#include "qemu/facts.h"

/* Warnings (TCG fallback, a GPU not on this host) go to stderr. */
int host_facts_gather(const struct profile *p, struct host_facts *f, struct pl_err *err);
void host_facts_free(struct host_facts *f);
/* An AMD CPU (/proc/cpuinfo). */
bool host_cpu_amd(void);
/* The functions of the GPUs with release = vfio: they stay on vfio-pci
 * after the run. */
void host_kept_devices(const struct profile *p, const struct host_facts *f, struct strv *out);
/* The addresses a profile passes: each function of its GPUs, and [pci]. */
void host_passed_devices(const struct profile *p, const struct host_facts *f, bool gpus, bool pcis,
			 struct strv *out);
/* Hardware KVM: /dev/kvm plus kvm_intel or kvm_amd; why says what is missing. */
bool host_has_hw_kvm(const char **why);

#endif
