/* The host's CPUs as sysfs shows them: whole cores with their SMT siblings,
 * the L3 domain, NUMA node and kind (P or E on hybrid Intel) of each, and
 * each L3 domain's size. vcpu_pin = auto chooses from this (pin_choose.h). */
#ifndef PASSLAUNCH_CPU_TOPOLOGY_H
#define PASSLAUNCH_CPU_TOPOLOGY_H

#include "base/cpulist.h"
#include "base/error.h"

enum core_kind { CORE_PLAIN, CORE_PERFORMANCE, CORE_EFFICIENCY };

struct host_core {
	struct cpulist threads; /* online SMT siblings, ascending */
	unsigned package, die;
	int l3;	  /* index into cpu_topology.l3, -1: none known */
	int node; /* NUMA node, -1: none known */
	enum core_kind kind;
	unsigned long max_khz; /* 0: not known */
};

struct l3_domain {
	struct cpulist cpus;
	unsigned long size_kib;
};

struct cpu_topology {
	struct host_core *cores; /* ordered by their first CPU */
	size_t n_cores;
	struct l3_domain *l3;
	size_t n_l3;
	unsigned n_nodes; /* NUMA nodes with CPUs; 0 or 1: one */
	bool hybrid;
	unsigned first_cpu; /* the lowest online CPU (CPU 0 on most hosts) */
};

/* From $PASSLAUNCH_SYSFS/devices/system/cpu and .../node. */
int cpu_topology_read(struct cpu_topology *t, struct pl_err *err);
/* The core CPU is on, or -1. */
int cpu_topology_core_of(const struct cpu_topology *t, unsigned cpu);
void cpu_topology_free(struct cpu_topology *t);

#endif
