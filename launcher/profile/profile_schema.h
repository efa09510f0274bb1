/* The profile's sections and keys as data: names, kinds, fields. The parser
 * walks this table; passlaunch.ini(5) documents the same table. */
#ifndef PASSLAUNCH_PROFILE_SCHEMA_H
#define PASSLAUNCH_PROFILE_SCHEMA_H

#include "profile.h"
#include "profile_values.h"

enum value_kind { V_STRING, V_PATH, V_AUTO_PATH, V_BOOL, V_UINT, V_CHOICE, V_CUSTOM };

struct key_spec {
	const char *name;
	enum value_kind kind;
	size_t offset; /* into the section's struct; V_CUSTOM with 0 gets the whole struct */
	unsigned min, max;
	const struct choice *choices;
	int (*parse)(const char *text, void *field, char *why);
	bool empty_ok;	 /* "key =" leaves the default (nothing) */
	bool repeatable; /* may be given again; each value adds to the last */
};

struct section_spec {
	const char *name;
	bool labelled;
	const struct key_spec *keys;
	/* Returns the struct the keys' offsets are relative to; for a labelled
	 * section, a new element with its defaults. */
	void *(*open)(struct profile *p, const char *label, int line);
};

const struct section_spec *schema_find_section(const char *name);
const struct key_spec *schema_find_key(const struct section_spec *s, const char *name);
/* Names for "did you mean": every section kind, or every key of a section. */
size_t schema_section_names(const char **names, size_t max);
size_t schema_key_names(const struct section_spec *s, const char **names, size_t max);

#endif
