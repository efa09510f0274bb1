/* Which host CPUs the VM's threads get: the profile's lists, or auto worked
 * out from the host's topology (pin_choose.h). vm/pinning.h applies it. */
#ifndef PASSLAUNCH_PIN_PLAN_H
#define PASSLAUNCH_PIN_PLAN_H

#include "base/error.h"
#include "base/strv.h"
#include "profile/profile.h"

struct pin_plan {
	struct cpulist vcpu;
	struct cpulist emulator;
	struct cpulist iothread;
	unsigned guest_dies;  /* 0: the profile's; else the dies auto chose */
	bool host_cache_info; /* the vCPUs fill whole host L3 domains */
	enum vcpu_sched vcpu_sched;
	unsigned vcpu_priority;
	struct strv reasons; /* one line per choice auto made */
};

/* The profile's lists, with auto worked out from the host's topology;
 * every CPU named must be online. */
int pin_plan_make(const struct profile *p, struct pin_plan *plan, struct pl_err *err);
/* The online CPUs left to the host: those no vCPU is pinned to. */
int pin_host_cpus(const struct pin_plan *plan, struct cpulist *host);
bool pin_plan_empty(const struct pin_plan *plan);
void pin_plan_free(struct pin_plan *plan);

#endif
