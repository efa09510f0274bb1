/* The profile the importer writes: sections in the order they are first
 * named, each with its "key = value" lines and the comments that say where
 * a choice was made. */
#ifndef PASSLAUNCH_INI_OUT_H
#define PASSLAUNCH_INI_OUT_H

#include "base/strv.h"

struct ini_section {
	char *name;
	struct strv lines;
};

struct ini_out {
	struct ini_section *v;
	size_t n;
	/* Values left out: a control character (a line break) would have
	 * ended their line and begun a key or section of the XML's choosing. */
	struct strv refused; /* "[section] key" */
};

/* Whether S can be a value: a control character (a line break) would end
 * its line; " ;" or a ';' first would begin a comment that cuts it; what
 * the parser refuses as text (C1, non-characters, bytes that are not
 * UTF-8) would make the whole profile unreadable. */
bool ini_value_ok(const char *s);
/* KEY = VALUE in SECTION (made when first named); a VALUE that is not
 * ini_value_ok is left out, and its key kept in O->refused. */
void ini_set(struct ini_out *o, const char *section, const char *key, const char *fmt, ...)
    _printf_(4, 5);
/* Takes out every KEY line of SECTION. */
void ini_remove(struct ini_out *o, const char *section, const char *key);
/* KEY = VALUE in SECTION in place of every KEY line there was. */
void ini_replace(struct ini_out *o, const char *section, const char *key, const char *value);
/* A comment line in SECTION, before what follows it there. */
void ini_comment(struct ini_out *o, const char *section, const char *fmt, ...) _printf_(3, 4);
/* Whether SECTION has been named. */
bool ini_has_section(const struct ini_out *o, const char *section);
/* Whether a section is labelled LABEL ("KIND.LABEL"), of any kind. */
bool ini_label_used(const struct ini_out *o, const char *label);
void ini_write(const struct ini_out *o, FILE *f);
/* Takes out line LINE (from 1) of what ini_write writes: a key or a
 * comment, or a whole section at its header. Its text goes to *WHAT (the
 * caller frees it); -1 when there is no such line. */
int ini_drop_line(struct ini_out *o, int line, char **what);
void ini_free(struct ini_out *o);

#endif
