/* The host's share of the CPUs while VMs with isolate = yes run, kept right
 * for any number of them at once. Root's, in /run/passlaunch/isolation/:
 *   lock             flock'd while the set changes
 *   vms/NAME         the CPUs NAME's vCPUs keep to themselves
 *   saved/CGROUP     a top-level cgroup's cpuset.cpus before the first VM
 *   cpuset-was-off   the root cgroup's subtree had no cpuset before
 *   irqs/, irq-default, workqueue, irqbalance   see isolation_irqs.h
 * Every top-level cgroup but the VMs' own (passlaunch.*), every interrupt
 * that can move and the unbound workqueues get the online CPUs that no VM
 * holds; the last VM out gives each its own list back. */
#ifndef PASSLAUNCH_ISOLATION_H
#define PASSLAUNCH_ISOLATION_H

#include "base/cpulist.h"
#include "base/error.h"

/* Adds VM, holding VCPUS, and confines the host to what is left. */
int isolation_join(const char *vm, const struct cpulist *vcpus, struct pl_err *err);
/* Takes VM out: the host gets its CPUs back, or everything back when no VM
 * is left. A VM that is not in is no error (the journal may replay twice). */
int isolation_leave(const char *vm, struct pl_err *err);
/* Writes OLD back to a cgroup's cpuset.cpus file at PATH; an empty list ("as
 * the parent") that the kernel refuses for a cgroup with tasks becomes the
 * parent's CPUs, which is the same set. */
int cpuset_restore(const char *path, const char *old);

#endif
