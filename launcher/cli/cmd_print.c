#include "cmd_print.h"

#include "host/hostfacts.h"
#include "host/pin_plan.h"
#include "profile/profile_load.h"
#include "qemu/qemu_argv.h"
#include "base/shell_quote.h"

static void print_argv(const struct strv *argv, FILE *out)
{
	for (size_t i = 0; i < argv->n; i++) {
		_cleanup_free_ char *q = shell_quote(argv->v[i]);
		bool starts_line = i > 0 && argv->v[i][0] == '-';
		if (starts_line)
			fputs(" \\\n    ", out);
		else if (i > 0)
			fputc(' ', out);
		fputs(q, out);
	}
	fputc('\n', out);
}

int cmd_print(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *path = NULL;
	struct profile p;
	struct host_facts facts = {0};
	struct strv qemu = {0};
	struct pin_plan plan = {0};
	int r;

	if (argc != 2)
		return err_input(err, "usage: passlaunch print PROFILE");
	r = profile_resolve(argv[1], &path, err);
	if (r < 0)
		return r;
	r = profile_load(path, &p, false, err);
	if (r == 0)
		r = host_facts_gather(&p, &facts, err);
	if (r == 0 && profile_pins_auto(&p)) {
		r = pin_plan_make(&p, &plan, err);
		facts.guest_dies = plan.guest_dies;
		facts.host_cache_info = plan.host_cache_info;
	}
	if (r == 0) {
		qemu_argv_build(&p, &facts, &qemu);
		print_argv(&qemu, stdout);
		for (size_t i = 0; i < plan.reasons.n; i++)
			printf("# pinning: %s\n", plan.reasons.v[i]);
	}
	pin_plan_free(&plan);
	strv_free(&qemu);
	host_facts_free(&facts);
	profile_free(&p);
	return r;
}
