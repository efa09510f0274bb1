/* gpu detach's options: --keep LIST (the devices a run keeps on vfio-pci)
 * and --rebar LIST (BDF=BAR:SIZE,... for each device's BARs), as the vfio
 * hook passes them from $PASSLAUNCH_GPUS_KEPT and $PASSLAUNCH_GPU_REBAR. */
#ifndef PASSLAUNCH_GPU_OPTIONS_H
#define PASSLAUNCH_GPU_OPTIONS_H

#include "base/error.h"
#include "base/strv.h"

struct detach_options {
	struct strv kept;		     /* --keep: stay on vfio-pci after the run */
	struct strv rebar_bdfs, rebar_sizes; /* --rebar: BDF=BAR:SIZE,... */
};

/* Takes the options from argv[2] on; the BDFs then start at argv[2]. */
int detach_options_parse(int *argc, char ***argv, struct detach_options *o, struct pl_err *err);
/* Each --keep and --rebar device is one of bdfs; each size one its BAR offers. */
int detach_options_check(const struct strv *bdfs, struct detach_options *o, struct pl_err *err);
void detach_options_free(struct detach_options *o);

#endif
