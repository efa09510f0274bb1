/* Tells whoever started the run that the guest runs: systemd (a Type=notify
 * unit, through $NOTIFY_SOCKET) or `passlaunch start` (through the pipe
 * $PASSLAUNCH_READY_FD). */
#ifndef PASSLAUNCH_NOTIFY_H
#define PASSLAUNCH_NOTIFY_H

/* Takes $PASSLAUNCH_READY_FD, if it names a pipe to write to; first thing
 * in main, before any descriptor of the launcher's own is open. */
void notify_claim_ready_fd(void);
void notify_ready(const char *vm);
void notify_stopping(void);

#endif
