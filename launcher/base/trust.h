/* Running as root, passlaunch acts only on what root owns. A file is
 * reached by walking its path from / one name at a time on descriptors,
 * never by a second lookup: each directory on the way must be root's and
 * writable by no one else (a sticky one, /tmp, aside), and a symbolic link
 * is followed only when it is root's and sits in such a directory. So a
 * check and the use it guards read the same open file, and nobody but root
 * can change what the path names. Files root uses as code or instructions
 * (the profile, hooks, programs, ROMs) must themselves be root's and
 * writable by no one else, as sudo and sshd require. */
#ifndef PASSLAUNCH_TRUST_H
#define PASSLAUNCH_TRUST_H

#include "error.h"

#include <stdbool.h>
#include <sys/types.h>

/* The kinds of file a caller accepts; checked before the file is opened
 * for use, so that a FIFO or a device such as /dev/watchdog never is. */
enum {
	TRUST_REG = 1 << 0,
	TRUST_DIR = 1 << 1,
	TRUST_BLK = 1 << 2,
	TRUST_CHR = 1 << 3,
};

struct trust_req {
	const char *what; /* its role, for errors: "the profile", "a hook" */
	int flags;	  /* open(2)'s; O_CLOEXEC, O_NOFOLLOW, O_NOCTTY are added */
	unsigned kinds;	  /* TRUST_* */
	bool root_file;	  /* the file itself root's and writable by no one else */
};

/* Opens PATH as described above and returns the descriptor, or a negative
 * errno with ERR set: -EPERM when something on the way is not root's (ERR
 * names it and the fix), -EMEDIUMTYPE for a file of a kind not accepted.
 * Not root: opens PATH as the caller's own, only the kind checked. */
int trust_open(const char *path, const struct trust_req *req, struct pl_err *err);
/* The same check without keeping the file open. */
int trust_require(const char *path, const char *what, struct pl_err *err);
/* Opens PATH with the file system rights of UID, GID and its groups alone
 * (following links as that user would): what a user may open anyway, for
 * paths that are not root's. Only the kind is checked. */
int trust_open_as(const char *path, uid_t uid, gid_t gid, const char *user,
		  const struct trust_req *req, struct pl_err *err);

#endif
