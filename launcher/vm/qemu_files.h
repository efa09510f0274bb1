/* The files QEMU is handed by descriptor (qemu/fdplan.h), opened by the
 * launcher. As root, a path only root can change is opened by root; any
 * other with the rights of QEMU's user alone, so that a link planted there
 * leads nowhere that user could not go anyway, and nothing is ever given
 * to that user by chown. A disk or CD-ROM must be a regular file or a block
 * device, which is checked before it is opened for use: a FIFO or a device
 * such as /dev/watchdog is never opened. */
#ifndef PASSLAUNCH_QEMU_FILES_H
#define PASSLAUNCH_QEMU_FILES_H

#include "base/error.h"
#include "host/identity.h"
#include "profile/profile.h"
#include "qemu/fdplan.h"

struct qemu_files {
	struct qemu_fd_plan plan;
	int *fd; /* plan.n_fds: the taps' places first (-1 here), then the files' */
};

void qemu_files_init(const struct profile *p, struct qemu_files *files);
/* Opens the disks and CD-ROMs (before anything on the host changes), or the
 * NVRAM (once it exists). */
int qemu_files_open(const struct profile *p, const struct identity *id, bool nvram,
		    struct qemu_files *files, struct pl_err *err);
/* The listening sockets of QEMU's monitors and serial port, made in root's
 * run directory (0600: only root connects): QEMU's user can neither reach
 * nor replace them. */
int qemu_files_listen(const struct profile *p, struct qemu_files *files, struct pl_err *err);
void qemu_files_close(struct qemu_files *files);

#endif
