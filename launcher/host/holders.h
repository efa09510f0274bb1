/* The processes that hold a PCI function's device nodes open: its DRM card
 * and render nodes, its sound card's nodes, an NVIDIA GPU's /dev/nvidiaN.
 * A driver's unbind waits for every one of them to let go, so passlaunch
 * names them and refuses before it changes anything. */
#ifndef PASSLAUNCH_HOLDERS_H
#define PASSLAUNCH_HOLDERS_H

#include "base/strv.h"
#include "cgroup_unit.h"

#include <sys/types.h>

struct holder {
	pid_t pid;
	char comm[32];
	char *unit;		  /* the systemd unit or scope it runs in; NULL: none */
	char *node;		  /* the device node, as the kernel names it: "dri/card0" */
	struct cgroup_unit owner; /* the unit passlaunch may stop for it, if any */
};

struct holders {
	struct holder *h;
	size_t n;
};

/* Every process but this one holding a node of one of BDFS. */
void holders_find(const struct strv *bdfs, struct holders *out);
/* "PID 1234 (Xorg, display-manager.service) holds /dev/dri/card0; ...".
 * Caller frees. */
char *holders_describe(const struct holders *h);
void holders_free(struct holders *h);

#endif
