/* Where each file of a VM lives, in one place for the launcher, the other
 * commands and the argv builder:
 *   /run/passlaunch/NAME.lock          the run's lock (root's)
 *   /run/passlaunch/NAME/              root's: journal, state.json, log, hooks/,
 *                                      QEMU's monitor and serial sockets
 *   /run/passlaunch/NAME/qemu/         QEMU's user's: the sockets it makes (swtpm,
 *                                      VNC, SPICE: only that user enters)
 *   state_dir/                         root's: OVMF_VARS.fd, tpm/
 * The runtime root is path_runtime(). */
#ifndef PASSLAUNCH_VMPATH_H
#define PASSLAUNCH_VMPATH_H

#include "profile.h"

char *vmpath_lock(const char *vm);
char *vmpath_run_dir(const char *vm);
char *vmpath_journal(const char *vm);
char *vmpath_state(const char *vm);
char *vmpath_log(const char *vm);
char *vmpath_hooks(const char *vm);
char *vmpath_qemu_dir(const char *vm);
char *vmpath_qmp(const char *vm);
char *vmpath_client(const char *vm);
char *vmpath_serial(const char *vm);
char *vmpath_swtpm(const char *vm);
/* QEMU's VNC or SPICE socket: KIND "vnc" or "spice". */
char *vmpath_display(const char *vm, const char *kind);
/* Looking Glass's shared memory: a name of this VM's own in /dev/shm. */
char *vmpath_looking_glass(const char *vm);
/* The kvmfr module's device, as QEMU opens it. */
char *vmpath_kvmfr(unsigned index);
char *vmpath_vars(const struct profile *p);
char *vmpath_tpm(const struct profile *p);

#endif
