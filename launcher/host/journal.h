/* The undo journal: every change to the host is written down, durably,
 * before it is made, with what restores it. vm/undo.h replays it. */
#ifndef PASSLAUNCH_JOURNAL_H
#define PASSLAUNCH_JOURNAL_H

#include "base/error.h"
#include "base/strv.h"

#include <sys/stat.h>
#include <sys/types.h>

struct journal {
	char *path;
	int fd;
};

/* Opens PATH for appending; refuses when it already holds entries: a
 * previous run was not released. */
int journal_open(struct journal *j, const char *path, const char *vm, struct pl_err *err);
/* Opens the journal of a run in progress to add to it (a hook's helper
 * such as `passlaunch gpu detach`). */
int journal_open_append(struct journal *j, const char *path, struct pl_err *err);
/* Records the driver a PCI device had; replay binds it back. */
int journal_driver(struct journal *j, const char *bdf, const char *driver, struct pl_err *err);
/* Records that PATH holds OLD now and is about to change; replay writes OLD back. */
int journal_sysfs_write(struct journal *j, const char *path, const char *old, struct pl_err *err);
/* Records that this run adds ADDED pages (negative: takes them back) to the
 * hugepage pool at PATH; replay takes as many from what the pool then holds,
 * so that another VM's pages stay where they are. */
int journal_hugepages(struct journal *j, const char *path, long added, struct pl_err *err);
/* Records that this run changes the governor at PATH from OLD to NEW;
 * replay puts OLD back only while NEW is still there. */
int journal_governor(struct journal *j, const char *path, const char *old, const char *new,
		     struct pl_err *err);
/* Records that VM joins the host's CPU isolation (host/isolation.h);
 * replay takes it out, and gives the host back its CPUs when it is the last. */
int journal_isolation(struct journal *j, const char *vm, struct pl_err *err);
/* Records the owner a device node (or file) has before it changes, with
 * the file it is (device and inode, ST's), its mode and its ACL (ACL_HEX:
 * the system.posix_acl_access value in hex, or NULL for none): replay gives
 * them back only to that same file, reached by a path only root can change.
 * Its owner for the run may have changed the mode and the ACL. */
int journal_chown(struct journal *j, const char *path, const struct stat *st, const char *acl_hex,
		  struct pl_err *err);
/* Records that the input node RDEV, DEVPATH's (host/input_reprobe.h), is
 * lent for the run; replay has DEVPATH's driver probe it again, which ends
 * every descriptor opened on it meanwhile. */
int journal_input_reprobe(struct journal *j, dev_t rdev, const char *devpath, struct pl_err *err);
/* Records a process passlaunch started; replay ends it if it still runs. */
int journal_process(struct journal *j, pid_t pid, const char *what, struct pl_err *err);
/* Records a bridge passlaunch is about to create; replay removes it when
 * no port is left on it. */
int journal_bridge(struct journal *j, const char *name, struct pl_err *err);
/* Records a macvtap passlaunch is about to create; replay deletes it. */
int journal_macvtap(struct journal *j, const char *name, struct pl_err *err);
/* Records a file or directory passlaunch is about to create; replay removes it. */
int journal_created(struct journal *j, const char *path, struct pl_err *err);
/* Records a hook about to run its prepare, with its environment; replay
 * runs its release. */
int journal_hook(struct journal *j, const char *name, const char *path, const char *vm,
		 unsigned timeout_s, char *const *env, struct pl_err *err);
/* One line of the journal: its action and its fields, unescaped. */
struct journal_entry {
	char *line; /* as written */
	char *text; /* owns action and fields */
	const char *action;
	char **field;
	size_t n;
};

/* Every entry, oldest first; a missing journal has none. */
int journal_read(const char *path, struct journal_entry **entries, size_t *n);
void journal_entries_free(struct journal_entry *entries, size_t n);
/* Replaces the journal with the KEEP entries, in that order (durably), or
 * removes it when none is left. */
int journal_rewrite(const char *path, const struct journal_entry *const *keep, size_t n);
bool journal_exists(const char *path);
void journal_close(struct journal *j);

#endif
