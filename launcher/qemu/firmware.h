/* OVMF lookup through QEMU's firmware descriptors (docs/interop/firmware.json):
 * the files distributions install in /usr/share/qemu/firmware. */
#ifndef PASSLAUNCH_FIRMWARE_H
#define PASSLAUNCH_FIRMWARE_H

#include "base/error.h"
#include "profile/profile.h"

struct firmware {
	char *descriptor; /* the JSON file chosen; NULL when both paths were given */
	char *code;
	char *code_format;
	char *vars_template;
	char *vars_format;
	bool requires_smm;
	bool enrolled_keys;
};

/* Resolves [firmware] code and vars_template (auto or given) for machine.
 * dirs is a ':'-separated list; a file in an earlier directory hides one of
 * the same name in a later one, and files are tried in name order. */
int firmware_find(const struct profile *p, const char *dirs, struct firmware *fw,
		  struct pl_err *err);
void firmware_free(struct firmware *fw);

#endif
