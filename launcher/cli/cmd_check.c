#include "cmd_check.h"

#include "check/check.h"
#include "profile/profile_load.h"

#include <errno.h>
#include <json-c/json.h>

static const char *const level_names[] = {"PASS", "WARN", "FAIL"};

static void print_text(const struct check_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct check_result *c = &r->v[i];
		printf("%s  %s: %s\n", level_names[c->level], c->name, c->message);
		if (c->fix)
			printf("      fix: %s\n", c->fix);
	}
}

static void print_json(const struct check_report *r)
{
	json_object *list = json_object_new_array();

	for (size_t i = 0; i < r->n; i++) {
		const struct check_result *c = &r->v[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "check", json_object_new_string(c->name));
		json_object_object_add(o, "result", json_object_new_string(level_names[c->level]));
		json_object_object_add(o, "message", json_object_new_string(c->message));
		json_object_object_add(o, "fix", c->fix ? json_object_new_string(c->fix) : NULL);
		json_object_array_add(list, o);
	}
	puts(json_object_to_json_string_ext(list, JSON_C_TO_STRING_PRETTY));
	json_object_put(list);
}

int cmd_check(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *path = NULL;
	const char *profile_arg = NULL;
	struct check_report report = {0};
	struct profile p = {0};
	bool json = false;
	int r = 0;

	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "--json"))
			json = true;
		else if (!profile_arg && argv[i][0] != '-')
			profile_arg = argv[i];
		else
			return err_input(err, "usage: passlaunch check [PROFILE] [--json]");
	}
	if (profile_arg) {
		r = profile_resolve(profile_arg, &path, err);
		if (r == 0)
			r = profile_load(path, &p, false, err);
		if (r < 0) {
			profile_free(&p);
			return r;
		}
	}
	check_host(profile_arg ? &p : NULL, &report);
	if (profile_arg)
		check_profile(&p, &report);
	if (json)
		print_json(&report);
	else
		print_text(&report);
	if (check_worst(&report) == CHECK_FAIL) {
		err->exit_status = EXIT_FAILURE_RUN;
		r = -EIO;
	}
	check_report_free(&report);
	profile_free(&p);
	return r;
}
