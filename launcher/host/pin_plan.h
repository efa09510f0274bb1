/* Which host CPUs the VM's threads get: the profile's lists, or vcpu_pin =
 * auto worked out from the host's topology. vm/pinning.h applies the plan. */
#ifndef PASSLAUNCH_PIN_PLAN_H
#define PASSLAUNCH_PIN_PLAN_H

#include "base/error.h"
#include "profile/profile.h"

struct pin_plan {
	struct cpulist vcpu;
	struct cpulist emulator;
	struct cpulist iothread;
};

/* The profile's lists, with vcpu_pin = auto worked out from the host's
 * topology; every CPU named must be online. */
int pin_plan_make(const struct profile *p, struct pin_plan *plan, struct pl_err *err);
/* The online CPUs left to the host: those no vCPU is pinned to. */
int pin_host_cpus(const struct pin_plan *plan, struct cpulist *host);
bool pin_plan_empty(const struct pin_plan *plan);
void pin_plan_free(struct pin_plan *plan);

#endif
