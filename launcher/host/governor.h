/* The cpufreq governor of the vCPUs' host CPUs while the VM runs. */
#ifndef PASSLAUNCH_GOVERNOR_H
#define PASSLAUNCH_GOVERNOR_H

#include "base/error.h"
#include "journal.h"
#include "profile/profile.h"

/* Sets governor on each CPU, journaling the one it had. A host without
 * cpufreq is warned about and left alone. */
int governor_set(const char *vm, const char *governor, const struct cpulist *cpus,
		 struct journal *j, struct pl_err *err);

#endif
