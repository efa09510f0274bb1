#include "gpu_options.h"

#include "base/pciaddr.h"
#include "base/util.h"
#include "host/pci_rebar.h"
#include "profile/rebar_spec.h"

#include <errno.h>
#include <string.h>

void detach_options_free(struct detach_options *o)
{
	strv_free(&o->kept);
	strv_free(&o->rebar_bdfs);
	strv_free(&o->rebar_sizes);
}

/* A list given to an option: BDFs separated by blanks, each with
 * "=VALUE" when values is given (--rebar's sizes). */
static int parse_bdf_list(const char *option, const char *text, struct strv *bdfs,
			  struct strv *values, struct pl_err *err)
{
	_cleanup_free_ char *list = xstrdup(text);
	char *save = NULL;

	for (char *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = values ? strchr(w, '=') : NULL;
		struct pci_addr a;
		const char *why;
		char bdf[PCI_ADDR_LEN];
		if (values && !eq)
			return err_input(err, "%s %s: expected BDF=BAR:SIZE,...", option, w);
		if (eq)
			*eq = '\0';
		if (pci_addr_parse(w, &a, &why) < 0)
			return err_input(err, "%s %s: %s; give DOMAIN:BUS:SLOT.FUNCTION", option, w,
					 why);
		pci_addr_format(&a, bdf);
		strv_push(bdfs, bdf);
		if (values)
			strv_push(values, eq + 1);
	}
	return 0;
}

/* detach's options, before the BDFs: --keep LIST (the vfio hook passes
 * $PASSLAUNCH_GPUS_KEPT, which may be empty) and --rebar LIST. */
int detach_options_parse(int *argc, char ***argv, struct detach_options *o, struct pl_err *err)
{
	int first = 2;

	while (*argc - first >= 2 && str_has_prefix((*argv)[first], "--")) {
		const char *opt = (*argv)[first], *value = (*argv)[first + 1];
		int r;
		if (streq(opt, "--keep"))
			r = parse_bdf_list(opt, value, &o->kept, NULL, err);
		else if (streq(opt, "--rebar"))
			r = parse_bdf_list(opt, value, &o->rebar_bdfs, &o->rebar_sizes, err);
		else
			r = err_input(err, "gpu detach: unknown option %s", opt);
		if (r < 0)
			return r;
		first += 2;
	}
	/* The BDFs stand where the options were. */
	memmove(*argv + 2, *argv + first, (size_t)(*argc - first) * sizeof(char *));
	*argc -= first - 2;
	return 0;
}

/* Each --keep and --rebar device is one to detach; each size is one its
 * BAR offers. */
int detach_options_check(const struct strv *bdfs, struct detach_options *o, struct pl_err *err)
{
	for (size_t i = 0; i < o->kept.n; i++)
		if (!strv_contains(bdfs, o->kept.v[i]))
			return err_input(err, "--keep %s: not among the devices to detach",
					 o->kept.v[i]);
	for (size_t i = 0; i < o->rebar_bdfs.n; i++) {
		struct rebar_sizes want, ok;
		char why[256];
		_cleanup_free_ char *what = xasprintf("--rebar %s", o->rebar_bdfs.v[i]);
		if (!strv_contains(bdfs, o->rebar_bdfs.v[i]))
			return err_input(err, "%s: not among the devices to detach", what);
		if (rebar_spec_parse(o->rebar_sizes.v[i], &want, why) < 0 || want.max)
			return err_input(err, "%s=%s: %s", what, o->rebar_sizes.v[i],
					 want.max ? "give the sizes, not max" : why);
		if (pci_rebar_resolve(o->rebar_bdfs.v[i], &want, what, &ok, err) < 0)
			return -EINVAL;
	}
	return 0;
}
