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

static int run(int argc, char **argv, struct pl_err *err)
{
	struct profile p = {0};
	struct export ex = {.p = &p};
	int r;

	if (argc != 2)
		return err_input(err, "usage: passlaunch export --libvirt PROFILE");
	r = profile_load(argv[1], &p, false, err);
	if (r < 0) {
		profile_free(&p);
		return r;
	}
	export_run(&ex);
	if (xmlDocFormatDump(stdout, ex.doc, 1) < 0)
		r = err_set(err, EIO, "cannot write the domain: %s", strerror(errno));
	xmlFreeDoc(ex.doc);
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
