/* How a passed device gets reset between runs: the methods the kernel
 * offers (sysfs reset_method), AMD GPUs that need the vendor-reset module,
 * the power states a device may sink into, and [gpu] reset_method written
 * for the run. */
#ifndef PASSLAUNCH_GPU_RESET_H
#define PASSLAUNCH_GPU_RESET_H

#include "base/error.h"
#include "journal.h"
#include "profile/profile.h"

struct reset_facts {
	char methods[128];		 /* the kernel's list; "" when it offers none */
	const char *vendor_reset_family; /* an AMD family vendor-reset handles, or NULL */
	bool vendor_reset_loaded;
	bool amd_gpu;
	int d3cold_allowed; /* -1: no such file */
	bool disable_idle_d3;
};

void reset_facts_read(const char *bdf, struct reset_facts *f);
bool reset_offers(const struct reset_facts *f, const char *method);
/* Each [gpu] reset_method is one the device offers now; else FILE:LINE. */
int gpu_reset_check(const struct profile *p, struct pl_err *err);
/* Writes each [gpu] reset_method, the old list journaled first. */
int gpu_reset_prepare(const struct profile *p, struct journal *j, struct pl_err *err);

#endif
