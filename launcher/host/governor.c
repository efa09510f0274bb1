#include "governor.h"

#include "base/log.h"
#include "base/paths.h"
#include "sysfs.h"

#include <errno.h>

static bool governor_available(unsigned cpu, const char *governor)
{
	_cleanup_free_ char *path = xasprintf(
	    "%s/devices/system/cpu/cpu%u/cpufreq/scaling_available_governors", path_sysfs(), cpu);
	char list[512];
	char *save = NULL;

	if (sysfs_read_str(path, list, sizeof(list)) < 0)
		return true; /* the write itself will tell */
	for (char *g = strtok_r(list, " ", &save); g; g = strtok_r(NULL, " ", &save))
		if (streq(g, governor))
			return true;
	return false;
}

int governor_set(const char *vm, const char *governor, const struct cpulist *cpus,
		 struct journal *j, struct pl_err *err)
{
	for (size_t i = 0; i < cpus->n; i++) {
		_cleanup_free_ char *path =
		    xasprintf("%s/devices/system/cpu/cpu%u/cpufreq/scaling_governor", path_sysfs(),
			      cpus->cpu[i]);
		char old[64];
		int r;
		if (sysfs_read_str(path, old, sizeof(old)) < 0) {
			log_warn("%s: CPU %u has no cpufreq (%s); its governor is left alone", vm,
				 cpus->cpu[i], path);
			continue;
		}
		if (streq(old, governor))
			continue;
		if (!governor_available(cpus->cpu[i], governor))
			return err_set(err, EINVAL,
				       "CPU %u has no cpufreq governor '%s'; see its "
				       "scaling_available_governors",
				       cpus->cpu[i], governor);
		r = journal_governor(j, path, old, governor, err);
		if (r < 0)
			return r;
		r = sysfs_write_str(path, governor);
		if (r < 0)
			return err_set(err, -r, "cannot set governor %s on CPU %u: %s", governor,
				       cpus->cpu[i], strerror(-r));
	}
	if (cpus->n)
		log_info("%s: governor %s on the vCPUs' CPUs", vm, governor);
	return 0;
}
