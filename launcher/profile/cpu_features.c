#include "cpu_features.h"

#include "profile.h"
#include "profile_values.h"

#include <ctype.h>
#include <errno.h>

const char hyperv_default_flags[] = "hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-vpindex,"
				    "hv-runtime,hv-synic,hv-stimer,hv-reset,hv-frequencies,"
				    "hv-time,hv-tlbflush,hv-ipi";

/* QEMU's enlightenments (docs/system/i386/hyperv.rst) and what each needs. */
static const struct enlightenment {
	const char *name;
	const char *needs[3];
	bool takes_value;
} enlightenments[] = {
    {"relaxed", {NULL}, false},
    {"vapic", {NULL}, false},
    {"spinlocks", {NULL}, true},
    {"vpindex", {NULL}, false},
    {"runtime", {NULL}, false},
    {"synic", {"vpindex", NULL}, false},
    {"stimer", {"synic", "time", NULL}, false},
    {"stimer-direct", {"stimer", NULL}, false},
    {"reset", {NULL}, false},
    {"frequencies", {NULL}, false},
    {"reenlightenment", {NULL}, false},
    {"tlbflush", {"vpindex", NULL}, false},
    {"tlbflush-ext", {"tlbflush", NULL}, false},
    {"ipi", {"vpindex", NULL}, false},
    {"evmcs", {"vapic", NULL}, false},
    {"avic", {"vapic", NULL}, false},
    {"time", {NULL}, false},
    {"crash", {NULL}, false},
    {"vendor-id", {NULL}, true},
};

static const struct enlightenment *find_enlightenment(const char *name)
{
	for (size_t i = 0; i < N_ELEMENTS(enlightenments); i++)
		if (streq(enlightenments[i].name, name))
			return &enlightenments[i];
	return NULL;
}

/* "vendor_id" is libvirt's spelling; QEMU's names use '-'. */
static void qemu_spelling(char *name)
{
	for (; *name; name++)
		if (*name == '_')
			*name = '-';
}

static int check_value(const struct enlightenment *e, const char *value, char *why)
{
	char *end;

	if (!e->takes_value && value)
		return why_set(why, "%s takes no value", e->name);
	if (e->takes_value && (!value || !*value))
		return why_set(why, "%s needs a value: %s", e->name,
			       streq(e->name, "spinlocks") ? "spinlocks=0x1fff" : "vendor_id=NAME");
	if (streq(e->name, "spinlocks") &&
	    (strtoul(value, &end, 0) < 0xfff || *end || !isdigit((unsigned char)*value)))
		return why_set(why, "spinlocks=%s: a retry count of at least 0xfff", value);
	if (streq(e->name, "vendor-id") && (strlen(value) > 12 || strpbrk(value, ",= ")))
		return why_set(why, "vendor_id=%s: at most 12 characters, no ',', '=' or blank",
			       value);
	return 0;
}

static bool listed(const struct strv *names, const char *name)
{
	return strv_contains(names, name);
}

static int check_needs(const struct strv *names, char *why)
{
	for (size_t i = 0; i < names->n; i++) {
		const struct enlightenment *e = find_enlightenment(names->v[i]);
		for (size_t k = 0; e && e->needs[k]; k++)
			if (!listed(names, e->needs[k]))
				return why_set(why, "%s needs %s in the list too", e->name,
					       e->needs[k]);
	}
	return 0;
}

/* "a, b c": commas or blanks between items, none empty. */
static int split_list(const char *text, struct strv *items, char *why)
{
	_cleanup_free_ char *copy = xstrdup(text);

	for (char *c = copy; *c; c++)
		if (*c == ',')
			*c = ' ';
	if (value_word_list(copy, false, items, why) < 0)
		return -EINVAL;
	return items->n ? 0 : why_set(why, "expected a list of names");
}

/* Each item checked; OUT gets QEMU's "hv-NAME[=VALUE]" list. */
static int parse_list(const char *text, struct strv *names, struct strv *out, char *why)
{
	struct strv items = {0};
	int r = split_list(text, &items, why);

	for (size_t i = 0; r == 0 && i < items.n; i++) {
		char *item = items.v[i], *value = strchr(item, '=');
		const struct enlightenment *e;
		if (value)
			*value++ = '\0';
		qemu_spelling(item);
		e = find_enlightenment(item);
		if (!e)
			r = why_set(
			    why,
			    "unknown enlightenment '%s'; known: relaxed, vapic, spinlocks=N, "
			    "vpindex, runtime, synic, stimer, stimer-direct, reset, "
			    "frequencies, reenlightenment, tlbflush, tlbflush-ext, ipi, "
			    "evmcs, avic, time, crash, vendor_id=NAME",
			    item);
		else if ((r = check_value(e, value, why)) == 0) {
			strv_push(names, item);
			strv_pushf(out, "hv-%s%s%s", item, value ? "=" : "", value ? value : "");
		}
	}
	strv_free(&items);
	return r < 0 ? r : check_needs(names, why);
}

int value_hyperv(const char *text, void *field, char *why)
{
	struct profile *p = field;
	struct strv names = {0}, out = {0};
	bool on;
	int r;

	if (value_bool(text, &on, why) == 0) {
		p->cpu.hyperv = on;
		free(p->cpu.hyperv_list);
		p->cpu.hyperv_list = NULL;
		return 0;
	}
	r = parse_list(text, &names, &out, why);
	if (r == 0) {
		p->cpu.hyperv = true;
		free(p->cpu.hyperv_list);
		p->cpu.hyperv_list = strv_join(&out, ",");
	}
	strv_free(&names);
	strv_free(&out);
	return r;
}

int value_hyperv_vendor(const char *text, void *field, char *why)
{
	char **vendor = field;

	if (!*text || strlen(text) > 12 || strpbrk(text, ",=\t") || *text == ' ')
		return why_set(why, "expected at most 12 characters, no ',' or '=', e.g. "
				    "AuthenticAMD or \"kvm hyperv\"");
	free(*vendor);
	*vendor = xstrdup(text);
	return 0;
}

static bool property_name_valid(const char *name)
{
	if (!isalnum((unsigned char)*name)) /* "3dnow" is one */
		return false;
	for (; *name; name++)
		if (!isalnum((unsigned char)*name) && *name != '-' && *name != '_' && *name != '.')
			return false;
	return true;
}

int value_cpu_flags(const char *text, void *field, char *why)
{
	struct strv items = {0}, out = {0};
	int r = split_list(text, &items, why);

	for (size_t i = 0; r == 0 && i < items.n; i++) {
		const char *item = items.v[i];
		const char *value = strchr(item, '=');
		_cleanup_free_ char *name = NULL;
		if (*item == '+' || *item == '-') {
			name = xstrdup(item + 1);
			value = *item == '+' ? "on" : "off";
		} else {
			name = value ? xstrndup(item, (size_t)(value - item)) : xstrdup(item);
			value = value ? value + 1 : "on";
		}
		if (!property_name_valid(name) || !*value || strpbrk(value, ", "))
			r = why_set(why,
				    "'%s' is not a CPU property: +FLAG, -FLAG or NAME=VALUE, e.g. "
				    "+invtsc, -hypervisor, l3-cache=on",
				    item);
		else
			strv_pushf(&out, "%s=%s", name, value);
	}
	strv_free(&items);
	if (r == 0) {
		strv_free(field);
		*(struct strv *)field = out;
	} else {
		strv_free(&out);
	}
	return r;
}
