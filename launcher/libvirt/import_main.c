/* passlaunch-import [--name NAME] DOMAIN.xml|-: the profile on standard
 * output; on standard error a line for each element not carried over.
 * Exit 0: the profile means the same VM; 1: something was left out (the
 * profile is still valid); 2: not a libvirt domain, or unreadable. */
#include "import.h"

#include <getopt.h>
#include <libxml/parser.h>

static int usage(struct pl_err *err)
{
	return err_input(err, "usage: passlaunch import [--name NAME] DOMAIN.xml|-");
}

static int run(int argc, char **argv, struct pl_err *err)
{
	static const struct option opts[] = {{"name", required_argument, NULL, 'n'}, {0}};
	struct domain_xml d;
	struct import im = {.d = &d};
	int c, r;

	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c != 'n')
			return usage(err);
		im.name = optarg;
	}
	if (optind != argc - 1)
		return usage(err);
	r = domain_xml_load(&d, argv[optind], err);
	if (r == 0)
		r = import_run(&im, err);
	if (r == 0)
		ini_write(&im.out, stdout);
	import_free(&im);
	domain_xml_free(&d);
	xmlCleanupParser();
	if (r < 0)
		return r;
	return d.warnings ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct pl_err err = {0};
	int r = run(argc, argv, &err);

	if (r < 0) {
		fprintf(stderr, "passlaunch import: %s\n", err.msg);
		return err.exit_status ? err.exit_status : 2;
	}
	return r;
}
