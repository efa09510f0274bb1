/* The hooks of a run (DESIGN.md, "Hooks"): the shipped hooks the profile's
 * [hooks] use names, in that order, then every executable of [hooks] dir in
 * ascending name order. prepare and started run in that order; stopped and
 * release in reverse. Each hook is journaled before its prepare, so release
 * (and `passlaunch recover` after a crash) is a journal replay that unwinds
 * hooks and built-in steps together, like a stack. */
#ifndef PASSLAUNCH_HOOKS_H
#define PASSLAUNCH_HOOKS_H

#include <stdbool.h>
#include "base/error.h"
#include "host/hostfacts.h"
#include "host/identity.h"
#include "host/journal.h"
#include "host/pin_plan.h"
#include "profile/profile.h"

struct hook {
	char *name;
	char *path;
	bool prepare_release_only; /* a shipped hook with nothing to do in started, stopped */
	bool shipped;
};

struct hooks {
	struct hook *v;
	size_t n;
	const char *vm;
	unsigned timeout_s;
	struct strv env; /* shared by every hook; PASSLAUNCH_STATE_DIR is per hook */
};

/* Finds the hooks and checks them (as root: owned by root, not writable by
 * others, with their directories). Changes nothing. */
int hooks_collect(const struct profile *p, struct hooks *h, struct pl_err *err);
void hooks_env_build(struct hooks *h, const struct profile *p, const struct host_facts *f,
		     const struct pin_plan *plan, const struct identity *id);
/* Runs prepare in order, each hook journaled first; stops at the first that
 * fails (the journal replay then releases it and those before it). */
int hooks_prepare(struct hooks *h, struct journal *j, struct pl_err *err);
/* prepare of hooks FROM to TO (exclusive) only, the same way. */
int hooks_prepare_range(struct hooks *h, size_t from, size_t to, struct journal *j,
			struct pl_err *err);
/* How many hooks must prepare before QEMU starts: all but the shipped hooks
 * at the end of the list that touch nothing QEMU opens when it starts (the
 * GPU's consoles, framebuffers and drivers; the display manager, the user's
 * units and sound server too, unless QEMU plays into the user's sound server
 * or shows on their desktop). A hook of the user's own may prepare anything:
 * QEMU starts after it. */
size_t hooks_before_qemu(const struct hooks *h, const struct profile *p);
/* started (in order) or stopped (in reverse): failures are reported, and
 * the other hooks still run. Returns the number that failed. */
int hooks_notify(struct hooks *h, const char *phase);
/* PASSLAUNCH_QEMU_PID (from started on) and PASSLAUNCH_EXIT_STATUS (from
 * stopped on; -1: not known) in ENV: the hooks' own, or the extra
 * environment of the journal replay that releases them. */
void hooks_env_set_run(struct strv *env, pid_t qemu, int exit_status);
/* Whether the release of hook NAME at PATH, with ENV (its journaled
 * environment), has nothing to do. PATH must be the shipped hook NAME, and
 * either NAME undoes only what its state directory records (display-manager,
 * vtconsole, framebuffer) and the directory holds no file with content, or
 * NAME is vfio and the run's journal already gave every device it passed its
 * driver back (or the run keeps it, release = vfio). Its release is then not
 * started: each process is time the host's display stays dark. Returns why,
 * or NULL when the release must run. */
const char *hooks_release_needless(const char *name, const char *path, char *const *env);
/* The directory of the shipped hooks. */
const char *hooks_shipped_dir(void);
void hooks_free(struct hooks *h);

#endif
