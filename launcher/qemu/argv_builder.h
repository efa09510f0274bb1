/* What the parts of the argv builder share: the argv being built and the
 * profile and facts it is built from. Each part appends its options. */
#ifndef PASSLAUNCH_ARGV_BUILDER_H
#define PASSLAUNCH_ARGV_BUILDER_H

#include "base/strv.h"
#include "facts.h"
#include "fdplan.h"
#include "profile/profile.h"

struct argv_builder {
	const struct profile *p;
	const struct host_facts *f;
	struct strv *argv;
	struct strv *hotplug;  /* NULL, or where the passed devices go instead of argv */
	unsigned next_chassis; /* pcie-root-port chassis numbers */
	unsigned next_slot;    /* slots of passed devices on conventional PCI (pc) */
	struct qemu_fd_plan plan;
};

/* OPT, then its value from FMT (none when FMT is NULL). */
void argv_opt(struct argv_builder *b, const char *opt, const char *fmt, ...) _printf_(3, 4);
/* -add-fd for file I of the plan (twice for a writable one); the opaque
 * string says how each is opened and what it is: rw:PATH or ro:PATH. */
void argv_add_fd(struct argv_builder *b, size_t i);
/* FNV-1a: stable names and MAC addresses from the VM name and a label. */
uint32_t argv_hash(const char *a, const char *b);

#endif
