/* The rest of isolate = yes, beside the cpusets: interrupts, the kernel's
 * unbound workqueues and irqbalance kept off the VMs' CPUs. Each old value
 * is kept in the isolation registry (isolation.h) before it changes:
 *   irqs/N          /proc/irq/N/smp_affinity_list
 *   irq-default     /proc/irq/default_smp_affinity
 *   workqueue       /sys/devices/virtual/workqueue/cpumask
 *   irqbalance      "PID START" of an irqbalance stopped with SIGSTOP
 * so that the last VM out, or recover after a crash, puts them back. */
#ifndef PASSLAUNCH_ISOLATION_IRQS_H
#define PASSLAUNCH_ISOLATION_IRQS_H

#include "base/cpulist.h"

/* Moves every movable interrupt, the default affinity for new ones and the
 * unbound workqueues to HOST; stops irqbalance the first time. REG: the
 * registry's directory, locked. Interrupts the kernel does not let move
 * (per-CPU, managed) stay as they are. */
int irqs_confine(int reg, const struct cpulist *host);
/* Everything back as it was saved; irqbalance continued. */
int irqs_restore(int reg);

#endif
