#include "profile_parse.h"

#include "profile_schema.h"
#include "base/label.h"
#include "base/log.h"
#include "base/size.h"
#include "base/suggest.h"
#include "base/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <ini.h>
#include <libgen.h>

struct parser {
	struct profile *p;
	const char *file;
	FILE *f;
	int line;
	char *buf;
	size_t buf_len;
	struct pl_err err;
	int err_line;
	const struct section_spec *spec; /* NULL: no section yet, or a bad one */
	void *base;
	char *section;	    /* "cpu", "gpu.main" */
	char *long_value;   /* the value of a line too long for inih (LONG_VALUE) */
	char long_line[64]; /* "key = LONG_VALUE", what inih reads of it */
};

/* What inih is handed as the value of a line longer than its buffer; the
 * real one waits in long_value. Control characters never reach inih from a
 * profile, so no profile can write this itself. */
#define LONG_VALUE "\x01"

_printf_(3, 4) static void fail(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[1536];

	if (ps->err_line)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ps->err_line = line;
	err_input(&ps->err, "%s:%d: %s", ps->file, line, msg);
}

static const struct key_line *find_section(const struct profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_sections; i++)
		if (streq(p->sections[i].section, name))
			return &p->sections[i];
	return NULL;
}

static const struct key_line *find_label(const struct profile *p, const char *label)
{
	for (size_t i = 0; i < p->n_sections; i++) {
		const char *dot = strchr(p->sections[i].section, '.');
		if (dot && streq(dot + 1, label))
			return &p->sections[i];
	}
	return NULL;
}

static void record(struct key_line **lines, size_t *n, const char *section, const char *key,
		   int line)
{
	*lines = xreallocarray(*lines, *n + 1, sizeof(**lines));
	(*lines)[(*n)++] = (struct key_line){xstrdup(section), key ? xstrdup(key) : NULL, line};
}

static void unknown_section(struct parser *ps, const char *kind)
{
	const char *names[32];
	size_t n = schema_section_names(names, N_ELEMENTS(names));
	const char *close = suggest(kind, names, n);

	if (close)
		fail(ps, ps->line, "unknown section [%s]; did you mean [%s]?", kind, close);
	else
		fail(ps, ps->line,
		     "unknown section [%s]; sections are vm, qemu, firmware, cpu, memory, audio, "
		     "display, hooks, sandbox, smbios and labelled gpu.NAME, pci.NAME, disk.NAME, "
		     "cdrom.NAME, net.NAME, usb.NAME, input.NAME",
		     kind);
}

static int check_label(struct parser *ps, const struct section_spec *spec, const char *label)
{
	const struct key_line *other;

	if (spec->labelled && !label) {
		fail(ps, ps->line, "[%s] needs a label, e.g. [%s.main]", spec->name, spec->name);
		return -EINVAL;
	}
	if (!spec->labelled && label) {
		fail(ps, ps->line, "[%s] takes no label; write [%s]", spec->name, spec->name);
		return -EINVAL;
	}
	if (!label)
		return 0;
	if (!label_valid(label)) {
		fail(ps, ps->line,
		     "label '%s' is not valid: labels become QEMU device ids: a letter, then "
		     "letters, digits, '_' or '-', at most %d characters",
		     label, LABEL_MAX);
		return -EINVAL;
	}
	other = find_label(ps->p, label);
	if (other) {
		fail(ps, ps->line,
		     "label '%s' is already used by [%s] on line %d; labels become QEMU device ids "
		     "and must be unique",
		     label, other->section, other->line);
		return -EINVAL;
	}
	return 0;
}

static void open_section(struct parser *ps, const char *name)
{
	_cleanup_free_ char *kind = xstrdup(name);
	char *label = strchr(kind, '.');
	const struct key_line *dup = find_section(ps->p, name);
	const struct section_spec *spec;

	ps->spec = NULL;
	if (label)
		*label++ = '\0';
	if (dup) {
		fail(ps, ps->line, "duplicate section [%s] (first on line %d); merge the two", name,
		     dup->line);
		return;
	}
	spec = schema_find_section(kind);
	if (!spec) {
		unknown_section(ps, kind);
		return;
	}
	if (check_label(ps, spec, label) < 0)
		return;
	record(&ps->p->sections, &ps->p->n_sections, name, NULL, ps->line);
	free(ps->section);
	ps->section = xstrdup(name);
	ps->spec = spec;
	ps->base = spec->open(ps->p, label, ps->line);
}

static void read_section_header(struct parser *ps, char *text)
{
	char *end = strchr(text, ']');
	char *name = text + 1;

	if (!end) {
		fail(ps, ps->line, "a section header needs a closing ']', e.g. [cpu]");
		return;
	}
	*end = '\0';
	while (isspace((unsigned char)*name))
		name++;
	for (char *e = end - 1; e >= name && isspace((unsigned char)*e); e--)
		*e = '\0';
	open_section(ps, name);
	*end = ']';
}

/* Text only: UTF-8, no NUL, no control character but tab and CR. */
static bool line_is_text(struct parser *ps, const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		const unsigned char *s = (const unsigned char *)text + i;
		uint32_t c = 0;
		size_t n = utf8_char(s, len - i, &c);

		if (!s[0]) {
			fail(ps, ps->line, "a NUL byte: a profile is text; save it as UTF-8 text");
			return false;
		}
		if (!n) {
			fail(ps, ps->line,
			     "byte 0x%02x at column %zu is not UTF-8; save the profile as "
			     "UTF-8 text",
			     s[0], i + 1);
			return false;
		}
		if (utf8_is_control(c)) {
			fail(ps, ps->line,
			     c < 0x80 ? "control character 0x%02x at column %zu; a profile is text"
				      : "control character U+%04X at column %zu; a profile is text",
			     (unsigned)c, i + 1);
			return false;
		}
		if (utf8_is_noncharacter(c)) {
			fail(ps, ps->line,
			     "U+%04X at column %zu is not a character; a profile is text",
			     (unsigned)c, i + 1);
			return false;
		}
		if (utf8_is_bidi_control(c)) {
			fail(ps, ps->line,
			     "U+%04X at column %zu reorders how the line is shown, not how it is "
			     "read; a profile is text",
			     (unsigned)c, i + 1);
			return false;
		}
		i += n;
	}
	return true;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* A line longer than inih's buffer, split as inih splits one ('=' or ':',
 * an inline comment after a blank and ';'): inih gets the key and
 * LONG_VALUE, the value waits in long_value. Returns the text for inih. */
static const char *hand_over_long_line(struct parser *ps, char *text)
{
	static const char blank_line[] = "\n";
	char *sep = strpbrk(text, "=:"), *key, *value;

	if (text[0] == ';' || text[0] == '#')
		return blank_line;
	if (text[0] == '[' || !sep) {
		fail(ps, ps->line,
		     text[0] == '[' ? "a section header this long names no section"
				    : "expected 'key = value', a [section] or a "
				      "comment (';' or '#')");
		return blank_line;
	}
	*sep = '\0';
	key = trim(text);
	value = sep + 1;
	for (char *c = strchr(value, ';'); c; c = strchr(c + 1, ';'))
		if (c > value && isspace((unsigned char)c[-1])) {
			*c = '\0';
			break;
		}
	if (strlen(key) > 32) {
		fail(ps, ps->line, "a key this long is no key of a profile");
		return blank_line;
	}
	free(ps->long_value);
	ps->long_value = xstrdup(trim(value));
	snprintf(ps->long_line, sizeof(ps->long_line), "%s = %s\n", key, LONG_VALUE);
	return ps->long_line;
}

/* inih's reader: counts lines (so errors can name them), refuses what is
 * not text, drops leading blanks (so no line is ever taken as a
 * continuation of the one before), sees every section header, even one
 * with no keys, and hands over lines of any length. inih reads STR, never
 * the pointer returned: what it gets is always copied there. */
static char *read_line(char *str, int num, void *stream)
{
	struct parser *ps = stream;
	ssize_t len = getline(&ps->buf, &ps->buf_len, ps->f);
	char *text;
	const char *out;

	if (len < 0)
		return NULL;
	ps->line++;
	text = ps->buf;
	if (ps->line == 1 && str_has_prefix(text, "\xEF\xBB\xBF"))
		text += 3;
	if (ps->err_line || !line_is_text(ps, text, (size_t)(len - (text - ps->buf)))) {
		out = "\n";
	} else {
		while (*text == ' ' || *text == '\t')
			text++;
		out = text;
		if ((int)strlen(text) >= num - 1)
			out = hand_over_long_line(ps, text);
		else if (text[0] == '[')
			read_section_header(ps, text);
	}
	snprintf(str, (size_t)num, "%s", out);
	return str;
}

static void unknown_key(struct parser *ps, const char *key)
{
	const char *names[32];
	size_t n = schema_key_names(ps->spec, names, N_ELEMENTS(names));
	const char *close = suggest(key, names, n);

	if (close) {
		fail(ps, ps->line, "unknown key '%s' in [%s]; did you mean '%s'?", key, ps->section,
		     close);
		return;
	}
	for (const char *const *s =
		 (const char *const[]){"vm", "qemu", "firmware", "cpu", "memory", "gpu", "pci",
				       "disk", "cdrom", "net", "usb", "input", "audio", "display",
				       "hooks", "sandbox", "smbios", NULL};
	     *s; s++) {
		if (schema_find_key(schema_find_section(*s), key)) {
			fail(ps, ps->line, "unknown key '%s' in [%s]; it belongs in [%s]", key,
			     ps->section, *s);
			return;
		}
	}
	fail(ps, ps->line, "unknown key '%s' in [%s]; see passlaunch.ini(5) for the keys of [%s]",
	     key, ps->section, ps->spec->name);
}

static int set_value(const struct key_spec *k, void *base, const char *value, char *why)
{
	void *field = (char *)base + k->offset;

	switch (k->kind) {
	case V_STRING:
		return value_string(value, field, why);
	case V_PATH:
		return value_abs_path(value, field, why);
	case V_AUTO_PATH:
		return value_auto_or_path(value, field, why);
	case V_BOOL:
		return value_bool(value, field, why);
	case V_UINT:
		return value_uint(value, k->min, k->max, field, why);
	case V_CHOICE:
		return value_choice(value, k->choices, field, why);
	case V_CUSTOM:
		return k->parse(value, field, why);
	}
	return -EINVAL;
}

static int handle_key(void *user, const char *section, const char *key, const char *value)
{
	struct parser *ps = user;
	const struct key_spec *k;
	char why[WHY_LEN];
	int first;

	(void)section; /* read_line tracks sections, including empty ones */
	if (ps->err_line)
		return 1;
	if (ps->long_value && streq(value, LONG_VALUE))
		value = ps->long_value;
	if (!ps->section) {
		fail(ps, ps->line,
		     "'%s' is outside any section; put it under its section, e.g. [vm]", key);
		return 1;
	}
	k = schema_find_key(ps->spec, key);
	if (!k) {
		unknown_key(ps, key);
		return 1;
	}
	first = profile_key_line(ps->p, ps->section, key);
	if (first && !k->repeatable) {
		fail(ps, ps->line, "duplicate key '%s' in [%s] (first set on line %d)", key,
		     ps->section, first);
		return 1;
	}
	if (!first)
		record(&ps->p->lines, &ps->p->n_lines, ps->section, key, ps->line);
	if (!*value && k->empty_ok)
		return 1;
	if (set_value(k, ps->base, value, why) < 0) {
		if (*value)
			fail(ps, ps->line, "[%s] %s = %s: %s", ps->section, key, value, why);
		else
			fail(ps, ps->line, "[%s] %s is empty: %s", ps->section, key, why);
	}
	return 1;
}

/* As libvirt does: a size that is no whole number of hugepages gets the
 * next one, rather than a guest that does not start. */
static void round_to_hugepages(const char *file, struct profile *p)
{
	uint64_t page = p->memory.hugepages == HUGEPAGES_1G ? GiB : 2 * MiB;
	char asked[32], given[32];

	if (p->memory.hugepages == HUGEPAGES_NO || !(p->memory.size % page))
		return;
	size_format(p->memory.size, asked, sizeof(asked));
	p->memory.size += page - p->memory.size % page;
	size_format(p->memory.size, given, sizeof(given));
	log_warn("%s:%d: size = %s is not a whole number of %s hugepages; the guest gets %s", file,
		 profile_key_line(p, "memory", "size"), asked,
		 p->memory.hugepages == HUGEPAGES_1G ? "1G" : "2M", given);
}

static int derive_defaults(const char *file, struct profile *p, struct pl_err *err)
{
	_cleanup_free_ char *copy = xstrdup(file);
	char *base = basename(copy);

	if (!p->vm.name) {
		if (str_has_suffix(base, ".ini"))
			base[strlen(base) - 4] = '\0';
		if (!vm_name_valid(base))
			return err_input(err,
					 "%s: the file name '%s' is not a valid VM name; set "
					 "[vm] name (letters, digits, '_', '-', '.')",
					 file, base);
		p->vm.name = xstrdup(base);
	}
	if (!p->vm.state_dir)
		p->vm.state_dir = xasprintf("/var/lib/passlaunch/%s", p->vm.name);
	round_to_hugepages(file, p);
	return 0;
}

int profile_parse_stream(FILE *f, const char *name, struct profile *p, struct pl_err *err)
{
	struct parser ps = {.p = p, .file = name, .f = f};
	int r = ini_parse_stream(read_line, &ps, handle_key, &ps);

	free(ps.buf);
	free(ps.section);
	free(ps.long_value);
	if (r > 0 && (!ps.err_line || r < ps.err_line))
		return err_input(err,
				 "%s:%d: expected 'key = value', a [section] or a comment "
				 "(';' or '#')",
				 name, r);
	if (ps.err_line) {
		*err = ps.err;
		return -EINVAL;
	}
	if (r < 0)
		return err_set(err, ENOMEM, "%s: cannot parse: out of memory", name);
	return derive_defaults(name, p, err);
}
