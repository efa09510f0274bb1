/* passlaunch-export PROFILE: the libvirt domain for the profile on standard
 * output; on standard error a line for each key libvirt cannot express.
 * Exit 0: the domain means the same VM (what passlaunch does outside QEMU
 * is in comments); 1: something was left out or changed; 2: the profile
 * is not valid. */
#include "export.h"

#include "profile/profile_load.h"

#include <libxml/parser.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Auto pinning as this host would have it now; nothing when it cannot be
 * worked out here (the export then names the keys it leaves out). */
static void plan_here(const struct profile *p, struct pin_plan *plan)
{
	struct pl_err err = {0};

	if (pin_plan_make(p, plan, &err) < 0) {
		fprintf(stderr, "passlaunch export: auto pinning on this host: %s\n", err.msg);
		pin_plan_free(plan);
		*plan = (struct pin_plan){0};
	}
}

static int run(int argc, char **argv, struct pl_err *err)
{
	struct profile p = {0};
	struct pin_plan plan = {0};
	struct export ex = {.p = &p, .plan = &plan};
	int r;

	if (argc != 2)
		return err_input(err, "usage: passlaunch export --libvirt PROFILE");
	r = profile_load(argv[1], &p, false, err);
	if (r < 0) {
		profile_free(&p);
		return r;
	}
	if (profile_pins_auto(&p))
		plan_here(&p, &plan);
	export_run(&ex);
	if (xmlDocFormatDump(stdout, ex.doc, 1) < 0)
		r = err_set(err, EIO, "cannot write the domain: %s", strerror(errno));
	xmlFreeDoc(ex.doc);
	strv_free(&ex.kept);
	strv_free(&ex.unset);
	pin_plan_free(&plan);
	profile_free(&p);
	xmlCleanupParser();
	return r < 0 ? r : ex.warnings ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct pl_err err = {0};
	int r = run(argc, argv, &err);

	if (r < 0) {
		fprintf(stderr, "passlaunch export: %s\n", err.msg);
		return err.exit_status ? err.exit_status : 2;
	}
	return r;
}
