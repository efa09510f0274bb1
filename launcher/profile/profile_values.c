#include "profile_values.h"

#include "base/cpulist.h"
#include "base/pciaddr.h"
#include "profile.h"
#include "base/size.h"
#include "base/strv.h"
#include "base/suggest.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <net/if.h>

const char *const shipped_hooks[] = {"display-manager", "gpu-users",	       "vtconsole",
				     "framebuffer",	"gpu-driver",	       "vfio",
				     "sound-server",	"looking-glass-client"};
const size_t n_shipped_hooks = N_ELEMENTS(shipped_hooks);

int why_set(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, WHY_LEN, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int value_bool(const char *text, bool *out, char *why)
{
	static const struct choice bools[] = {{"yes", 1},   {"no", 0}, {"true", 1},
					      {"false", 0}, {"on", 1}, {"off", 0},
					      {"1", 1},	    {"0", 0},  {NULL, 0}};
	int v;

	if (value_choice(text, bools, &v, why) < 0)
		return why_set(why, "expected yes or no");
	*out = v;
	return 0;
}

int value_uint(const char *text, unsigned min, unsigned max, unsigned *out, char *why)
{
	unsigned long v = 0;
	const char *p = text;

	if (!*p)
		return why_set(why, "expected a whole number from %u to %u", min, max);
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > UINT_MAX / 10)
			return why_set(why, "expected a whole number from %u to %u", min, max);
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v < min || v > max)
		return why_set(why, "expected a whole number from %u to %u", min, max);
	*out = (unsigned)v;
	return 0;
}

int value_choice(const char *text, const struct choice *choices, int *out, char *why)
{
	const char *names[32];
	char list[256] = "";
	size_t n = 0;
	const char *close;

	for (; choices[n].name; n++) {
		if (streq(text, choices[n].name)) {
			*out = choices[n].value;
			return 0;
		}
		names[n] = choices[n].name;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", n ? ", " : "",
			 choices[n].name);
	}
	close = suggest(text, names, n);
	if (close)
		return why_set(why, "expected one of %s; did you mean '%s'?", list, close);
	return why_set(why, "expected one of %s", list);
}

static bool has_control_chars(const char *text)
{
	for (const char *p = text; *p; p++)
		if (iscntrl((unsigned char)*p))
			return true;
	return false;
}

int value_string(const char *text, char **out, char *why)
{
	if (!*text)
		return why_set(why, "must not be empty");
	if (has_control_chars(text))
		return why_set(why, "must not hold control characters");
	free(*out);
	*out = xstrdup(text);
	return 0;
}

int value_abs_path(const char *text, char **out, char *why)
{
	if (text[0] != '/')
		return why_set(why, "expected an absolute path (starting with /)");
	if (strstr(text, "/../") || str_has_suffix(text, "/.."))
		return why_set(why, "expected a path without '..'");
	if (has_control_chars(text) || strchr(text, ','))
		return why_set(why, "a path here must not hold ',' or control characters");
	free(*out);
	*out = xstrdup(text);
	return 0;
}

int value_auto_or_path(const char *text, char **out, char *why)
{
	if (streq(text, "auto")) {
		free(*out);
		*out = NULL;
		return 0;
	}
	if (value_abs_path(text, out, why) < 0)
		return why_set(why, "expected auto or an absolute path");
	return 0;
}

/* Splits on blanks; with shell_quotes, '...' and "..." group words (no
 * expansion of any kind: the words go to execve, never to a shell). */
int value_word_list(const char *text, bool shell_quotes, void *strv_out, char *why)
{
	struct strv words = {0};
	const char *p = text;

	while (*p) {
		_cleanup_free_ char *word = xcalloc(strlen(text) + 1, 1);
		size_t n = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		while (*p && *p != ' ' && *p != '\t') {
			char quote = *p;
			if (!shell_quotes || (quote != '\'' && quote != '"')) {
				word[n++] = *p++;
				continue;
			}
			for (p++; *p && *p != quote; p++)
				word[n++] = *p;
			if (!*p) {
				strv_free(&words);
				return why_set(why, "a %c quote is not closed", quote);
			}
			p++;
		}
		strv_push(&words, word);
	}
	strv_free(strv_out);
	*(struct strv *)strv_out = words;
	return 0;
}

int value_size(const char *text, void *field, char *why)
{
	const char *what;

	if (size_parse(text, field, &what) < 0)
		return why_set(
		    why, "%s; expected a whole number with a unit K, M, G or T, e.g. 16G", what);
	return 0;
}

int value_cpulist(const char *text, void *field, char *why)
{
	struct cpulist list;
	char what[128];

	if (cpulist_parse(text, &list, what, sizeof(what)) < 0)
		return why_set(why, "%s; expected host CPU numbers such as 2-5,8,10", what);
	cpulist_free(field);
	*(struct cpulist *)field = list;
	return 0;
}

static int cpulist_or_auto(const char *text, struct cpulist *list, bool *is_auto, char *why)
{
	if (streq(text, "auto")) {
		cpulist_free(list);
		*is_auto = true;
		return 0;
	}
	*is_auto = false;
	if (value_cpulist(text, list, why) < 0) {
		_cleanup_free_ char *reason = xstrdup(why);
		return why_set(why, "%s, or auto", reason);
	}
	return 0;
}

int value_vcpu_pin(const char *text, void *field, char *why)
{
	struct profile *p = field;

	return cpulist_or_auto(text, &p->cpu.vcpu_pin, &p->cpu.vcpu_pin_auto, why);
}

int value_emulator_pin(const char *text, void *field, char *why)
{
	struct profile *p = field;

	return cpulist_or_auto(text, &p->cpu.emulator_pin, &p->cpu.emulator_pin_auto, why);
}

int value_iothread_pin(const char *text, void *field, char *why)
{
	struct profile *p = field;

	return cpulist_or_auto(text, &p->cpu.iothread_pin, &p->cpu.iothread_pin_auto, why);
}

int value_pci_addr(const char *text, void *field, char *why)
{
	const char *what;

	if (pci_addr_parse(text, field, &what) < 0)
		return why_set(why,
			       "%s; expected DOMAIN:BUS:SLOT.FUNCTION as lspci -D shows it, "
			       "e.g. 0000:0b:00.0",
			       what);
	return 0;
}

int value_functions(const char *text, void *field, char *why)
{
	struct profile_gpu *gpu = field;
	struct cpulist list;
	char what[128];
	uint8_t mask = 0;

	if (streq(text, "all")) {
		gpu->all_functions = true;
		return 0;
	}
	if (cpulist_parse(text, &list, what, sizeof(what)) < 0)
		return why_set(why, "%s; expected all or function numbers 0-7 such as 0,1", what);
	for (size_t i = 0; i < list.n; i++) {
		unsigned fn = list.cpu[i];
		if (fn > 7) {
			cpulist_free(&list);
			return why_set(why, "function %u does not exist; functions go from 0 to 7",
				       fn);
		}
		mask |= (uint8_t)(1u << list.cpu[i]);
	}
	cpulist_free(&list);
	gpu->all_functions = false;
	gpu->function_mask = mask;
	return 0;
}

static int hex_byte(const char *s, uint8_t *out)
{
	if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
		return -EINVAL;
	*out = (uint8_t)strtoul((char[]){s[0], s[1], '\0'}, NULL, 16);
	return 0;
}

int value_mac(const char *text, void *field, char *why)
{
	struct profile_net *net = field;
	uint8_t mac[6] = {0};
	int bytes = strlen(text) == 8 ? 3 : 6;

	if (strlen(text) != 17 && bytes != 3)
		return why_set(why, "expected a MAC address such as 52:54:00:12:34:56, or a "
				    "vendor's prefix such as 00:1b:21");
	for (int i = 0; i < bytes; i++)
		if (hex_byte(text + 3 * i, &mac[i]) < 0 ||
		    (i < bytes - 1 && text[3 * i + 2] != ':'))
			return why_set(why, "expected a MAC address such as 52:54:00:12:34:56");
	if (mac[0] & 1)
		return why_set(why, "a multicast address cannot name a NIC; the first byte must "
				    "be even, e.g. 52:54:00:12:34:56");
	memcpy(net->mac, mac, sizeof(mac));
	net->mac_set = bytes == 6;
	net->mac_prefix_set = bytes == 3;
	return 0;
}

static int hex4(const char *s, unsigned *out)
{
	for (int i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)s[i]))
			return -EINVAL;
	*out = (unsigned)strtoul((char[]){s[0], s[1], s[2], s[3], '\0'}, NULL, 16);
	return 0;
}

int value_usb_id(const char *text, void *field, char *why)
{
	struct profile_usb *usb = field;

	if (strlen(text) != 9 || text[4] != ':' || hex4(text, &usb->vendor) < 0 ||
	    hex4(text + 5, &usb->product) < 0)
		return why_set(why, "expected VENDOR:PRODUCT as lsusb shows it, e.g. 046d:c52b");
	return 0;
}

int value_resolution(const char *text, void *field, char *why)
{
	struct profile *p = field;
	unsigned w, h;
	char tail;

	if (sscanf(text, "%5ux%5u%c", &w, &h, &tail) != 2 || w < 320 || h < 200 || w > 16384 ||
	    h > 16384)
		return why_set(why, "expected WIDTHxHEIGHT between 320x200 and 16384x16384, "
				    "e.g. 2560x1440");
	p->display.width = w;
	p->display.height = h;
	return 0;
}

int value_numa_node(const char *text, void *field, char *why)
{
	unsigned node;

	if (streq(text, "any")) {
		*(int *)field = -1;
		return 0;
	}
	if (value_uint(text, 0, 1023, &node, why) < 0)
		return why_set(why, "expected any or a NUMA node number from 0 to 1023");
	*(int *)field = (int)node;
	return 0;
}

/* Kernel object names that end up in sysfs paths: no '/', no dots only. */
static bool sysfs_name_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || streq(s, ".") || streq(s, ".."))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.", *s))
			return false;
	return true;
}

int value_governor(const char *text, void *field, char *why)
{
	char **gov = field;

	if (!sysfs_name_valid(text, 15))
		return why_set(why, "expected keep or a cpufreq governor name such as performance");
	free(*gov);
	*gov = streq(text, "keep") ? NULL : xstrdup(text);
	return 0;
}

int value_driver(const char *text, void *field, char *why)
{
	char **drv = field;

	if (!sysfs_name_valid(text, 64))
		return why_set(why, "expected auto or a kernel driver name such as amdgpu");
	free(*drv);
	*drv = streq(text, "auto") ? NULL : xstrdup(text);
	return 0;
}

int value_user(const char *text, void *field, char *why)
{
	size_t n = strlen(text);

	if (n == 0 || n > 32 || text[0] == '-' || isdigit((unsigned char)text[0]))
		return why_set(why, "expected a user name such as alice");
	for (const char *p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_-.", *p) && !(*p == '$' && !p[1]))
			return why_set(why, "expected a user name such as alice");
	return value_string(text, field, why);
}

bool vm_name_valid(const char *name)
{
	if (!sysfs_name_valid(name, 64) || name[0] == '.' || name[0] == '-')
		return false;
	return true;
}

int value_vm_name(const char *text, void *field, char *why)
{
	if (!vm_name_valid(text))
		return why_set(why, "expected 1 to 64 letters, digits, '_', '-' or '.', "
				    "not starting with '.' or '-'");
	return value_string(text, field, why);
}

int value_ifname(const char *text, void *field, char *why)
{
	if (!sysfs_name_valid(text, IFNAMSIZ - 1))
		return why_set(why, "expected a network interface name of at most %d characters",
			       IFNAMSIZ - 1);
	return value_string(text, field, why);
}

static bool named_before(const struct strv *names, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (streq(names->v[j], names->v[i]))
			return true;
	return false;
}

static int why_unknown_hook(char *why, const char *name)
{
	char list[WHY_LEN / 2] = "";
	size_t used = 0;

	for (size_t j = 0; j < n_shipped_hooks && used < sizeof(list); j++) {
		const char *sep = j == 0 ? "" : j + 1 == n_shipped_hooks ? " and " : ", ";
		int n = snprintf(list + used, sizeof(list) - used, "%s%s", sep, shipped_hooks[j]);
		used += n > 0 ? (size_t)n : 0;
	}
	return why_set(why,
		       "no shipped hook is named '%s'; the shipped hooks are %s (own hooks go in "
		       "[hooks] dir)",
		       name, list);
}

int value_hook_names(const char *text, void *field, char *why)
{
	struct strv names = {0};
	int r = value_word_list(text, false, &names, why);

	for (size_t i = 0; r == 0 && i < names.n; i++) {
		const char *close = suggest(names.v[i], shipped_hooks, n_shipped_hooks);
		bool known = false;
		for (size_t j = 0; j < n_shipped_hooks; j++)
			known |= streq(names.v[i], shipped_hooks[j]);
		if (known && named_before(&names, i))
			r = why_set(why, "hook '%s' is named twice", names.v[i]);
		else if (!known && close)
			r = why_set(why, "no shipped hook is named '%s'; did you mean '%s'?",
				    names.v[i], close);
		else if (!known)
			r = why_unknown_hook(why, names.v[i]);
	}
	if (r < 0) {
		strv_free(&names);
		return r;
	}
	strv_free(field);
	*(struct strv *)field = names;
	return 0;
}

/* What would undo passlaunch's watch on QEMU or its drop of privileges:
 * QEMU takes each option with one dash or two. */
static bool option_forbidden(const char *arg)
{
	static const char *const forbidden[] = {"daemonize", "runas", "chroot", "run-with",
						"sandbox"};
	const char *name = arg[0] == '-' ? arg + 1 + (arg[1] == '-') : NULL;

	for (size_t i = 0; name && i < N_ELEMENTS(forbidden); i++)
		if (streq(name, forbidden[i]))
			return true;
	return false;
}

int value_extra_args(const char *text, void *field, char *why)
{
	struct strv args = {0};
	int r = value_word_list(text, true, &args, why);

	if (r < 0)
		return r;
	for (size_t i = 0; i < args.n; i++) {
		if (option_forbidden(args.v[i])) {
			r = why_set(why,
				    "%s is never allowed: passlaunch must watch QEMU and drops "
				    "privileges itself",
				    args.v[i]);
			strv_free(&args);
			return r;
		}
	}
	/* extra_args and each args line add to one list, in the file's order. */
	for (size_t i = 0; i < args.n; i++)
		strv_push(field, args.v[i]);
	strv_free(&args);
	return 0;
}

int value_smbios(const char *text, void *field, char *why)
{
	if (strlen(text) > 64)
		return why_set(why, "at most 64 characters");
	return value_string(text, field, why);
}

int value_disk_serial(const char *text, void *field, char *why)
{
	size_t n = strlen(text);

	if (n == 0 || n > 20 ||
	    strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._-") != n)
		return why_set(why, "expected at most 20 letters, digits, '.', '_' or '-', as "
				    "disks report them, e.g. WD-WX12A3456789");
	return value_string(text, field, why);
}

/* What a disk tells the guest it is: printable ASCII that needs no quoting. */
int value_disk_ident(const char *text, void *field, char *why)
{
	size_t n = strlen(text);

	if (n == 0 || n > 40)
		return why_set(why, "expected 1 to 40 characters, e.g. Samsung SSD 980 PRO");
	for (const char *s = text; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == ',')
			return why_set(why, "expected printable ASCII without ','");
	return value_string(text, field, why);
}

int value_block_size(const char *text, void *field, char *why)
{
	unsigned v;

	if (value_uint(text, 512, 32768, &v, why) < 0 || (v & (v - 1)))
		return why_set(why, "expected a power of two from 512 to 32768, e.g. 4096");
	*(unsigned *)field = v;
	return 0;
}

/* A sound server's address or a client's name, passed to QEMU as one value. */
int value_audio_name(const char *text, void *field, char *why)
{
	size_t n = strlen(text);

	if (n == 0 || n > 256 || strchr(text, ','))
		return why_set(why, "expected 1 to 256 characters without ','");
	return value_string(text, field, why);
}

int value_grab_toggle(const char *text, void *field, char *why)
{
	static const struct choice toggles[] = {
	    {"ctrl-ctrl", 0},  {"alt-alt", 0},	       {"shift-shift", 0}, {"meta-meta", 0},
	    {"scrolllock", 0}, {"ctrl-scrolllock", 0}, {NULL, 0}};
	int unused;

	if (value_choice(text, toggles, &unused, why) < 0)
		return -EINVAL;
	return value_string(text, field, why);
}

int value_vcpu_sched(const char *text, void *field, char *why)
{
	struct profile *p = field;
	const char *colon = strchr(text, ':');
	char *end;
	unsigned long prio;

	if (streq(text, "other")) {
		p->cpu.vcpu_sched = VCPU_SCHED_OTHER;
		p->cpu.vcpu_priority = 0;
		return 0;
	}
	if (!colon || (strncmp(text, "fifo:", 5) && strncmp(text, "rr:", 3)))
		return why_set(why, "expected fifo:PRIORITY, rr:PRIORITY or other");
	errno = 0;
	prio = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || prio < 1 || prio > 99)
		return why_set(why, "the real-time priority is a number from 1 to 99");
	p->cpu.vcpu_sched = text[0] == 'f' ? VCPU_SCHED_FIFO : VCPU_SCHED_RR;
	p->cpu.vcpu_priority = (unsigned)prio;
	return 0;
}

/* The kernel's reset method names (Documentation/ABI/testing/sysfs-bus-pci). */
static const char *const reset_methods[] = {"device_specific", "acpi", "flr", "af_flr", "pm", "bus",
					    "cxl_bus",	       NULL};

/* kvmfrN, or its node /dev/kvmfrN. */
int value_kvmfr(const char *text, void *field, char *why)
{
	const char *n = str_has_prefix(text, "/dev/") ? text + 5 : text;
	unsigned *index = field;
	char *end;
	unsigned long v;

	if (!str_has_prefix(n, "kvmfr") || !isdigit((unsigned char)n[5]))
		return why_set(why, "expected kvmfrN, the kvmfr module's device /dev/kvmfrN");
	errno = 0;
	v = strtoul(n + 5, &end, 10);
	if (*end || errno || v > 63)
		return why_set(why, "expected kvmfrN with N from 0 to 63");
	*index = (unsigned)v;
	return 0;
}

int value_rebar(const char *text, void *field, char *why)
{
	return rebar_spec_parse(text, field, why);
}

int value_reset_method(const char *text, void *field, char *why)
{
	_cleanup_free_ char *copy = xstrdup(text);
	char **out = field, *save = NULL;
	struct strv words = {0};

	if (streq(text, "auto")) {
		free(*out);
		*out = NULL;
		return 0;
	}
	for (char *w = strtok_r(copy, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		bool known = false;
		for (size_t i = 0; reset_methods[i]; i++)
			known |= streq(w, reset_methods[i]);
		if (!known || strv_contains(&words, w)) {
			strv_free(&words);
			return why_set(why,
				       "%s'%s'%s; expected auto or methods in the order to try, "
				       "of device_specific, acpi, flr, af_flr, pm, bus, cxl_bus",
				       known ? "" : "no reset method ", w,
				       known ? " named twice" : "");
		}
		strv_push(&words, w);
	}
	free(*out);
	*out = words.n ? strv_join(&words, " ") : NULL;
	strv_free(&words);
	return *out ? 0 : why_set(why, "expected auto or a list of reset methods");
}
