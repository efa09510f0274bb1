/* CPU pinning: which host CPU each QEMU thread may run on. The launcher pins
 * (QEMU cannot, by design), while the guest is still paused. */
#ifndef PASSLAUNCH_PINNING_H
#define PASSLAUNCH_PINNING_H

#include "base/error.h"
#include "profile/profile.h"
#include "qemu/qmp.h"

struct pin_plan {
	struct cpulist vcpu;
	struct cpulist emulator;
	struct cpulist iothread;
};

/* The profile's lists, with vcpu_pin = auto worked out from the host's
 * topology; every CPU named must be online. */
int pin_plan_make(const struct profile *p, struct pin_plan *plan, struct pl_err *err);
/* Pins every thread of the paused QEMU: vCPUs one to one, iothreads to
 * iothread_pin, all others to emulator_pin. Thread ids come from QMP. */
int pin_threads(pid_t qemu, struct qmp *q, const struct pin_plan *plan, const char *vm,
		struct pl_err *err);
/* The online CPUs left to the host: those no vCPU is pinned to. */
int pin_host_cpus(const struct pin_plan *plan, struct cpulist *host);
bool pin_plan_empty(const struct pin_plan *plan);
void pin_plan_free(struct pin_plan *plan);

#endif
