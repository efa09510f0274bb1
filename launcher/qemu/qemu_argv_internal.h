/* The builder's parts, one per group of devices; each appends its options. */
#ifndef PASSLAUNCH_QEMU_ARGV_INTERNAL_H
#define PASSLAUNCH_QEMU_ARGV_INTERNAL_H

#include "qemu_argv.h"

struct argv_builder {
	const struct profile *p;
	const struct host_facts *f;
	struct strv *argv;
	unsigned next_chassis; /* pcie-root-port chassis numbers */
};

void argv_opt(struct argv_builder *b, const char *opt, const char *fmt, ...) _printf_(3, 4);
uint32_t argv_hash(const char *a, const char *b);

void argv_add_passthrough(struct argv_builder *b);
void argv_add_storage(struct argv_builder *b);
void argv_add_network(struct argv_builder *b);
void argv_add_usb_input(struct argv_builder *b);
void argv_add_audio(struct argv_builder *b);
void argv_add_display(struct argv_builder *b);
void argv_add_tpm(struct argv_builder *b);

#endif
