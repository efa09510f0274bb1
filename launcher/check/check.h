/* `passlaunch check`: is this host ready for passthrough, and for this
 * profile? Each check ends PASS, WARN or FAIL, with the fix. */
#ifndef PASSLAUNCH_CHECK_H
#define PASSLAUNCH_CHECK_H

#include "profile/profile.h"

enum check_level { CHECK_PASS, CHECK_WARN, CHECK_FAIL };

struct check_result {
	enum check_level level;
	char *name;
	char *message;
	char *fix; /* NULL for PASS */
};

struct check_report {
	struct check_result *v;
	size_t n;
};

void check_add(struct check_report *r, enum check_level level, const char *name, const char *fix,
	       const char *fmt, ...) _printf_(5, 6);
enum check_level check_worst(const struct check_report *r);
void check_report_free(struct check_report *r);

/* KVM, IOMMU, interrupt remapping, vfio modules; with a profile (or NULL):
 * its firmware, swtpm and hugepages. */
void check_host(const struct profile *p, struct check_report *r);
/* The profile's devices and their groups, ROMs, CPUs and disks. */
void check_profile(const struct profile *p, struct check_report *r);

#endif
