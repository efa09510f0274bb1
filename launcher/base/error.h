/* Errors travel up as a negative errno plus a message the user can act on,
 * and are reported in one place (main). */
#ifndef PASSLAUNCH_ERROR_H
#define PASSLAUNCH_ERROR_H

#include "util.h"

/* Exit statuses, documented in passlaunch(1). */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_RUN = 1, /* the host or QEMU failed; the host was restored */
	EXIT_BAD_INPUT = 2,   /* bad profile or command line; nothing was changed */
	EXIT_BUSY = 3,	      /* the VM runs already, or waits for `passlaunch recover` */
	EXIT_QEMU_FAILED = 4, /* QEMU was killed or failed while the guest ran */
	EXIT_FORCED_OFF = 5,  /* the guest ignored the shutdown request and was stopped */
	EXIT_NOT_RESTORED = 6 /* the host could not be restored; see `passlaunch recover` */
};

struct pl_err {
	int exit_status;
	char msg[2048];
};

/* Records the first error only: the one closest to the cause. Returns -code. */
int err_set(struct pl_err *err, int code, const char *fmt, ...) _printf_(3, 4);
/* Same, but marks the error as bad input (exit status 2). */
int err_input(struct pl_err *err, const char *fmt, ...) _printf_(2, 3);
bool err_is_set(const struct pl_err *err);
/* Forgets the error: a clearer one about the same cause follows. */
void err_clear(struct pl_err *err);
/* Gives an error already set another exit status; returns r. */
int err_exit_status(struct pl_err *err, int status, int r);

#endif
