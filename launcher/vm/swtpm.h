/* The TPM 2.0 emulator for tpm = yes: started before QEMU, its state in
 * state_dir/tpm, ended after QEMU. */
#ifndef PASSLAUNCH_SWTPM_H
#define PASSLAUNCH_SWTPM_H

#include "base/error.h"
#include "host/journal.h"
#include "profile/profile.h"
#include "spawn.h"

int swtpm_start(const struct profile *p, const struct child_setup *setup, struct journal *j,
		pid_t *pid, struct pl_err *err);

#endif
