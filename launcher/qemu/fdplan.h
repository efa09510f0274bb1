/* What QEMU is handed as descriptors, in this order: each bridge NIC's tap
 * (a descriptor for each of its queues), from QEMU_FIRST_FD; then
 * /dev/vhost-net for each queue of each NIC with vhost; then the files the launcher
 * opens for it (the NVRAM, each disk, each CD-ROM), each in an fd set of its own (-add-fd), so that
 * QEMU's user needs no right to their paths and root never hands over a
 * path someone else could change; then the listening sockets of its
 * monitors and serial port, which the launcher makes where only root can
 * reach them. The builder names them and the launcher
 * opens them from this one plan. A file QEMU writes is handed twice, opened
 * for writing and for reading, as QEMU opens images both ways. */
#ifndef PASSLAUNCH_FDPLAN_H
#define PASSLAUNCH_FDPLAN_H

#include "profile/profile.h"

#define QEMU_FIRST_FD 3

enum qemu_file_role { QEMU_FILE_NVRAM, QEMU_FILE_DISK, QEMU_FILE_CDROM };

struct qemu_file {
	enum qemu_file_role role;
	size_t index; /* of the disk or CD-ROM in the profile */
	const char *path;
	bool writable;
	int fd; /* as QEMU gets it; a writable file's read-only one is fd + 1 */
};

struct qemu_fd_plan {
	size_t n_taps;
	size_t n_vhosts;
	struct qemu_file *files;
	size_t n_files;
	int qmp_fd, client_fd, serial_fd; /* -1: none */
	size_t n_fds;			  /* taps, files and sockets */
	char *vars;			  /* the NVRAM's path, owned here */
};

void qemu_fd_plan_make(const struct profile *p, struct qemu_fd_plan *plan);
/* The tap descriptors the launcher hands over for NET: one a queue of a
 * bridge NIC, one for a macvtap, none for the others. */
unsigned qemu_nic_taps(const struct profile_net *net);
void qemu_fd_plan_free(struct qemu_fd_plan *plan);
/* Which file of the plan is ROLE's INDEX; n_files when none. */
size_t qemu_fd_plan_find(const struct qemu_fd_plan *plan, enum qemu_file_role role, size_t index);
/* File I's fd set. */
unsigned qemu_file_set(size_t i);
/* "[disk.system] source", "[firmware] NVRAM": where errors point. */
char *qemu_file_role_name(const struct profile *p, const struct qemu_file *f);

#endif
