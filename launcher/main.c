#include "cmd_print.h"
#include "error.h"
#include "log.h"

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
    {"print", cmd_print, "print PROFILE      show the QEMU command line; changes nothing"},
};

static void usage(FILE *out)
{
	fputs("usage: passlaunch COMMAND [ARGS]\n\ncommands:\n", out);
	for (size_t i = 0; i < N_ELEMENTS(commands); i++)
		fprintf(out, "  %s\n", commands[i].summary);
	fputs("\noptions:\n  --help     this text\n  --version  the version\n\n"
	      "See passlaunch(1) and passlaunch.ini(5).\n",
	      out);
}

int main(int argc, char **argv)
{
	struct pl_err err = {0};

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
	for (size_t i = 0; i < N_ELEMENTS(commands); i++) {
		if (!streq(argv[1], commands[i].name))
			continue;
		if (commands[i].run(argc - 1, argv + 1, &err) == 0)
			return EXIT_OK;
		log_error("%s", err.msg);
		return err.exit_status ? err.exit_status : EXIT_FAILURE_RUN;
	}
	log_error("unknown command '%s'; see passlaunch --help", argv[1]);
	return EXIT_BAD_INPUT;
}
