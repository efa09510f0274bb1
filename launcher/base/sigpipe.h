/* SIGPIPE: the launcher ignores it, so that a reader of its output that
 * goes away (`passlaunch run p.ini | head -1`) cannot kill it before the
 * host is given back; what it runs gets it back as the default, since an
 * ignored signal stays ignored across exec. */
#ifndef PASSLAUNCH_SIGPIPE_H
#define PASSLAUNCH_SIGPIPE_H

#include <spawn.h>

/* First thing in main: a write to a closed pipe fails with EPIPE instead. */
void sigpipe_ignore(void);
/* In a forked child, before exec. */
void sigpipe_default(void);
/* The same for posix_spawn: ATTR, initialised, gets SIGPIPE reset to its
 * default in the child. */
void sigpipe_default_spawnattr(posix_spawnattr_t *attr);

#endif
