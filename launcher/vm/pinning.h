/* CPU pinning: which host CPU each QEMU thread may run on. The launcher pins
 * (QEMU cannot, by design), while the guest is still paused. */
#ifndef PASSLAUNCH_PINNING_H
#define PASSLAUNCH_PINNING_H

#include "base/error.h"
#include "host/pin_plan.h"
#include "qemu/qmp_threads.h"

/* Pins every thread of the paused QEMU: vCPUs one to one, iothreads to
 * iothread_pin, all others to emulator_pin. Thread ids come from QMP;
 * n_vcpus: the guest's vCPUs. */
int pin_threads(pid_t qemu, struct qmp *q, const struct pin_plan *plan, unsigned n_vcpus,
		const char *vm, struct pl_err *err);

#endif
