#include "cmd_check.h"
#include "cmd_gpu.h"
#include "cmd_libvirt.h"
#include "cmd_iommu.h"
#include "cmd_print.h"
#include "cmd_run.h"
#include "cmd_shortcut.h"
#include "cmd_start.h"
#include "cmd_vm.h"
#include "pkexec_guard.h"
#include "base/error.h"
#include "base/log.h"
#include "base/sigpipe.h"
#include "vm/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>

#ifndef PASSLAUNCH_VERSION
#define PASSLAUNCH_VERSION "0.1"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv, struct pl_err *err);
	const char *summary;
};

static const struct command commands[] = {
    {"run", cmd_run, "run PROFILE        run the VM in the foreground (also: passlaunch PROFILE)"},
    {"start", cmd_start,
     "start NAME         run the VM outside this session (passlaunch@NAME.service);\n"
     "                     return once the guest runs"},
    {"stop", cmd_stop,
     "stop NAME [--timeout S] [--force]\n                     shut a running VM down"},
    {"status", cmd_status,
     "status [NAME] [--json]\n                     what runs: PIDs, state, pinning"},
    {"recover", cmd_recover, "recover NAME       undo what a killed run left on the host"},
    {"gpu", cmd_gpu,
     "gpu detach|attach|users BDF...\n                     hand devices (whole IOMMU groups) to "
     "vfio-pci "
     "and back"},
    {"iommu", cmd_iommu,
     "iommu [--profile PROFILE]\n                     every IOMMU group and its devices; the "
     "profile's marked"},
    {"check", cmd_check,
     "check [PROFILE] [--json]\n                     is this host (and profile) ready for "
     "passthrough?"},
    {"shortcut", cmd_shortcut,
     "shortcut PROFILE [--system]\n                     a desktop entry that starts the VM "
     "(pkexec passlaunch start NAME)"},
    {"print", cmd_print, "print PROFILE      show the QEMU command line; changes nothing"},
    {"import", cmd_import,
     "import [--name NAME] DOMAIN.xml|-\n                     a libvirt domain (virsh dumpxml) "
     "as a profile"},
    {"export", cmd_export,
     "export --libvirt PROFILE\n                     the profile as a libvirt domain "
     "(virsh define)"},
};

static int run_command(int (*fn)(int, char **, struct pl_err *), int argc, char **argv)
{
	struct pl_err err = {0};

	if (pkexec_guard(argc, argv, &err) == 0 && fn(argc, argv, &err) == 0)
		return EXIT_OK;
	if (err_is_set(&err))
		log_error("%s", err.msg);
	return err.exit_status ? err.exit_status : EXIT_FAILURE_RUN;
}

static void usage(FILE *out)
{
	fputs("usage: passlaunch COMMAND [ARGS]\n\ncommands:\n", out);
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fputs("\noptions:\n  --help     this text\n  --version  the version\n\n"
	      "See passlaunch(1) and passlaunch.ini(5).\n",
	      out);
}

/* A closed standard descriptor would be taken by the next file opened (the
 * undo journal, a lock), and log lines or the guest's console would be
 * written into it: each closed one is /dev/null instead. */
static void std_fds_open(void)
{
	for (int fd = 0; fd <= STDERR_FILENO; fd++) {
		int null;
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		null = open("/dev/null", O_RDWR);
		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
}

int main(int argc, char **argv)
{
	/* Before anything is written: a reader of the launcher's output that
	 * goes away (| head -1) must not kill it while the host is changed. */
	sigpipe_ignore();
	std_fds_open();
	notify_claim_ready_fd();
	setlocale(LC_ALL, "C");
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (streq(argv[1], "--version")) {
		printf("passlaunch %s\n", PASSLAUNCH_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		if (streq(argv[1], commands[i].name))
			return run_command(commands[i].run, argc - 1, argv + 1);
	/* `passlaunch win10.ini` is `passlaunch run win10.ini`. */
	if (argc == 2 && (strchr(argv[1], '/') || str_has_suffix(argv[1], ".ini"))) {
		char *run_argv[] = {(char *)"run", argv[1], NULL};
		return run_command(cmd_run, 2, run_argv);
	}
	log_error("unknown command '%s'; see passlaunch --help", argv[1]);
	return EXIT_BAD_INPUT;
}
