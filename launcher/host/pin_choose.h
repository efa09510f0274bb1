/* vcpu_pin = auto's rules, as a pure function of the host's topology:
 * whole cores (P-cores only on hybrid Intel), the GPU's NUMA node, one L3
 * domain when the vCPUs fit (the largest L3 unless frequency is preferred),
 * several L3 domains evenly (the guest then sees one die per domain), and
 * at least one whole core left to the host, CPU 0's when it can be spared.
 * Each choice is explained in one line of reasons. */
#ifndef PASSLAUNCH_PIN_CHOOSE_H
#define PASSLAUNCH_PIN_CHOOSE_H

#include "base/strv.h"
#include "cpu_topology.h"
#include "profile/profile.h"

struct pin_request {
	unsigned cores;	  /* guest cores, all sockets and dies */
	unsigned threads; /* per guest core */
	enum cpu_prefer prefer;
	int gpu_node;	   /* the first GPU's NUMA node; -1: none or not known */
	bool may_set_dies; /* the profile leaves sockets and dies at 1 */
};

struct pin_choice {
	struct cpulist vcpu;	  /* host CPU of each vCPU, in vCPU order */
	struct cpulist host_core; /* a whole core left to the host */
	unsigned guest_dies;	  /* 0: the profile's topology stands */
	bool whole_l3;		  /* the vCPUs fill whole L3 domains, every thread */
	struct strv reasons;
};

/* 0, or -1 with WHY saying what the host lacks. */
int pin_choose(const struct cpu_topology *t, const struct pin_request *req,
	       struct pin_choice *choice, char *why, size_t whylen);
void pin_choice_free(struct pin_choice *choice);

#endif
