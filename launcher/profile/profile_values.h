/* Parsers for the values a profile key can hold. Each returns 0, or -EINVAL
 * with a sentence in why saying what is wrong and what is accepted. */
#ifndef PASSLAUNCH_PROFILE_VALUES_H
#define PASSLAUNCH_PROFILE_VALUES_H

#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>

#define WHY_LEN 512

struct choice {
	const char *name;
	int value;
};

/* Writes the reason a value is refused into WHY (WHY_LEN); returns -EINVAL. */
int why_set(char *why, const char *fmt, ...) _printf_(2, 3);
int value_bool(const char *text, bool *out, char *why);
int value_uint(const char *text, unsigned min, unsigned max, unsigned *out, char *why);
int value_choice(const char *text, const struct choice *choices, int *out, char *why);
int value_string(const char *text, char **out, char *why);
int value_abs_path(const char *text, char **out, char *why);
int value_auto_or_path(const char *text, char **out, char *why);
int value_word_list(const char *text, bool shell_quotes, void *strv_out, char *why);

/* Custom kinds; field points at the profile field they fill. */
int value_size(const char *text, void *field, char *why);
int value_cpulist(const char *text, void *field, char *why);
int value_vcpu_pin(const char *text, void *field, char *why);
int value_emulator_pin(const char *text, void *field, char *why);
int value_iothread_pin(const char *text, void *field, char *why);
int value_vcpu_sched(const char *text, void *field, char *why);
int value_kvmfr(const char *text, void *field, char *why);
int value_rebar(const char *text, void *field, char *why);
int value_reset_method(const char *text, void *field, char *why);
int value_pci_addr(const char *text, void *field, char *why);
int value_functions(const char *text, void *field, char *why);
int value_mac(const char *text, void *field, char *why);
int value_usb_id(const char *text, void *field, char *why);
int value_resolution(const char *text, void *field, char *why);
int value_numa_node(const char *text, void *field, char *why);
int value_governor(const char *text, void *field, char *why);
int value_driver(const char *text, void *field, char *why);
int value_user(const char *text, void *field, char *why);
int value_vm_name(const char *text, void *field, char *why);
int value_ifname(const char *text, void *field, char *why);
int value_hook_names(const char *text, void *field, char *why);
int value_extra_args(const char *text, void *field, char *why);
int value_disk_serial(const char *text, void *field, char *why);
/* An [smbios] name: at most 64 characters. */
int value_smbios(const char *text, void *field, char *why);
int value_grab_toggle(const char *text, void *field, char *why);
int value_disk_ident(const char *text, void *field, char *why);
int value_block_size(const char *text, void *field, char *why);
int value_audio_name(const char *text, void *field, char *why);

bool vm_name_valid(const char *name);
/* The hooks passlaunch ships, in the order they are documented. */
extern const char *const shipped_hooks[];
extern const size_t n_shipped_hooks;

#endif
