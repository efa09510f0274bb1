#include "sigpipe.h"

#include <signal.h>

void sigpipe_ignore(void)
{
	signal(SIGPIPE, SIG_IGN);
}

void sigpipe_default(void)
{
	signal(SIGPIPE, SIG_DFL);
}

void sigpipe_default_spawnattr(posix_spawnattr_t *attr)
{
	sigset_t set;
	short flags = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	posix_spawnattr_getflags(attr, &flags);
	posix_spawnattr_setsigdefault(attr, &set);
	posix_spawnattr_setflags(attr, flags | POSIX_SPAWN_SETSIGDEF);
}
