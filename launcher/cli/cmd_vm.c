#include "cmd_vm.h"

#include "host/journal.h"
#include "vm/undo.h"
#include "vm/lock.h"
#include "base/log.h"
#include "base/paths.h"
#include "base/termsafe.h"
#include "host/procs.h"
#include "profile/profile_values.h"
#include "qemu/qmp.h"
#include "qemu/qmp_json.h"
#include "vm/runstate.h"
#include "profile/vmpath.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <time.h>

#define STOP_DEFAULT_TIMEOUT 180
#define STOP_FORCE_TIMEOUT   30

static int vm_name_arg(const char *arg, struct pl_err *err)
{
	if (!vm_name_valid(arg))
		return err_input(err, "'%s' is not a VM name", arg);
	return 0;
}

int cmd_stop(int argc, char **argv, struct pl_err *err)
{
	static const struct option opts[] = {
	    {"timeout", required_argument, NULL, 't'}, {"force", no_argument, NULL, 'f'}, {0}};
	unsigned timeout = STOP_DEFAULT_TIMEOUT;
	bool force = false;
	pid_t holder;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:f", opts, NULL)) != -1) {
		char why[WHY_LEN];
		if (c == 'f')
			force = true;
		else if (c == 't' && value_uint(optarg, 1, 86400, &timeout, why) < 0)
			return err_input(err, "--timeout %s: %s", optarg, why);
		else if (c == '?')
			return err_input(err,
					 "usage: passlaunch stop NAME [--timeout S] [--force]");
	}
	if (optind != argc - 1)
		return err_input(err, "usage: passlaunch stop NAME [--timeout S] [--force]");
	if (vm_name_arg(argv[optind], err) < 0)
		return -EINVAL;
	holder = vm_lock_holder(argv[optind]);
	if (!holder)
		return err_set(err, ESRCH, "%s is not running", argv[optind]);
	log_info("%s: %s (launcher PID %d)", argv[optind],
		 force ? "stopping now" : "asking the guest to shut down", (int)holder);
	kill(holder, force ? SIGQUIT : SIGTERM);
	if (proc_wait_exit(holder, (int)timeout * 1000))
		return 0;
	log_warn("%s: still running after %u s; stopping it now", argv[optind], timeout);
	kill(holder, SIGQUIT);
	if (proc_wait_exit(holder, STOP_FORCE_TIMEOUT * 1000))
		return 0;
	return err_set(err, ETIMEDOUT, "%s: the launcher (PID %d) does not end", argv[optind],
		       (int)holder);
}

static json_object *live_status(const char *vm)
{
	_cleanup_free_ char *sock = vmpath_client(vm);
	struct pl_err err = {0};
	struct qmp q;
	json_object *ret = NULL;
	_cleanup_free_ char *status = NULL;

	/* QEMU's word: an object, its status a string, made printable. */
	if (qmp_connect(&q, sock, 2000, 0, &err) == 0 &&
	    qmp_query(&q, "query-status", json_type_object, &ret, 2000, &err) == 0)
		status = qj_string(ret, "status");
	json_object_put(ret);
	qmp_close(&q);
	return json_object_new_string(status ? status : "unknown");
}

static json_object *vm_status(const char *vm)
{
	pid_t holder = vm_lock_holder(vm);
	json_object *o = holder ? runstate_read(vm) : NULL;
	json_object *started;

	if (!o) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(vm));
		json_object_object_add(o, "state", json_object_new_string("stopped"));
		return o;
	}
	json_object_object_add(o, "state", live_status(vm));
	if (json_object_object_get_ex(o, "started", &started))
		json_object_object_add(
		    o, "uptime",
		    json_object_new_int64((int64_t)time(NULL) - json_object_get_int64(started)));
	return o;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void print_status(json_object *o)
{
	/* The state is what QEMU answered on its client socket. */
	_cleanup_free_ char *state = termsafe_str(field(o, "state"));
	json_object *uptime, *gpus;

	if (streq(field(o, "state"), "stopped")) {
		printf("%s: stopped\n", field(o, "name"));
		return;
	}
	json_object_object_get_ex(o, "uptime", &uptime);
	printf("%s: %s, up %lld s\n", field(o, "name"), state,
	       (long long)json_object_get_int64(uptime));
	printf("  profile       %s\n", field(o, "profile"));
	printf("  launcher PID  %s\n  QEMU PID      %s\n", field(o, "launcher_pid"),
	       field(o, "qemu_pid"));
	printf("  vCPU CPUs     %s\n  emulator CPUs %s\n  iothread CPUs %s\n", field(o, "vcpu_pin"),
	       field(o, "emulator_pin"), field(o, "iothread_pin"));
	printf("  GPUs         ");
	if (json_object_object_get_ex(o, "gpus", &gpus) && json_object_array_length(gpus))
		for (size_t i = 0; i < json_object_array_length(gpus); i++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(gpus, i)));
	else
		printf(" none");
	putchar('\n');
}

static void running_vms(json_object *list)
{
	DIR *d = opendir(path_runtime());
	struct dirent *e;

	while (d && (e = readdir(d))) {
		_cleanup_free_ char *name = xstrdup(e->d_name);
		if (!str_has_suffix(name, ".lock"))
			continue;
		name[strlen(name) - 5] = '\0';
		if (vm_lock_holder(name))
			json_object_array_add(list, vm_status(name));
	}
	if (d)
		closedir(d);
}

int cmd_status(int argc, char **argv, struct pl_err *err)
{
	bool json = argc > 1 && streq(argv[argc - 1], "--json");
	int names = argc - 1 - json;
	json_object *out;
	bool running = true;

	if (names > 1)
		return err_input(err, "usage: passlaunch status [NAME] [--json]");
	if (names == 1 && vm_name_arg(argv[1], err) < 0)
		return -EINVAL;
	if (names == 1) {
		out = vm_status(argv[1]);
		running = !streq(field(out, "state"), "stopped");
	} else {
		out = json_object_new_array();
		running_vms(out);
	}
	if (json) {
		puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY));
	} else if (names == 1) {
		print_status(out);
	} else {
		for (size_t i = 0; i < json_object_array_length(out); i++)
			print_status(json_object_array_get_idx(out, i));
		if (!json_object_array_length(out))
			puts("no VM is running");
	}
	json_object_put(out);
	return running ? 0 : err_exit_status(err, EXIT_FAILURE_RUN, -ESRCH);
}

int cmd_recover(int argc, char **argv, struct pl_err *err)
{
	_cleanup_free_ char *journal = NULL;
	_cleanup_close_ int lock = -1;
	int r;

	if (argc != 2)
		return err_input(err, "usage: passlaunch recover NAME");
	if (vm_name_arg(argv[1], err) < 0)
		return -EINVAL;
	r = vm_lock(argv[1], &lock, err);
	if (r < 0)
		return err_exit_status(err, EXIT_BUSY, r);
	journal = vmpath_journal(argv[1]);
	if (!journal_exists(journal)) {
		runstate_remove(argv[1]);
		log_info("%s: nothing to recover", argv[1]);
		return 0;
	}
	log_info("%s: undoing what the last run left (%s)", argv[1], journal);
	if (undo_replay(journal, NULL) < 0)
		return err_exit_status(err, EXIT_NOT_RESTORED,
				       err_set(err, EIO,
					       "%s: some changes could not be undone; they stay in "
					       "%s; fix the cause and run recover again",
					       argv[1], journal));
	runstate_remove(argv[1]);
	log_info("%s: host restored", argv[1]);
	return 0;
}
