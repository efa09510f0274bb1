/* What libvirt cannot hold, and what passlaunch does outside QEMU, kept in
 * the domain's <metadata> as the profile writes it: libvirt keeps an
 * application's metadata through define and dumpxml, and passlaunch import
 * takes these keys back (import_metadata.c), so that a profile survives the
 * trip through libvirt whole. */
#include "export.h"

#include "domain_xml.h"

#include <stdio.h>
#include <string.h>

/* The profile's lines, as written. */
static void read_lines(const char *path, struct strv *lines)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f)
		return;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		strv_push(lines, line);
	}
	free(line);
	fclose(f);
}

/* The value of "key = value ; comment" on LINE (from 1), as written. */
static char *raw_value(const struct strv *lines, int line)
{
	const char *text, *eq;
	char *value, *comment;
	size_t len;

	if (line < 1 || (size_t)line > lines->n)
		return NULL;
	text = lines->v[line - 1];
	eq = strchr(text, '=');
	if (!eq)
		return NULL;
	eq += strspn(eq + 1, " \t") + 1;
	value = xstrdup(eq);
	comment = strstr(value, " ;");
	if (!comment)
		comment = strstr(value, "\t;");
	if (comment)
		*comment = '\0';
	len = strlen(value);
	while (len && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		value[--len] = '\0';
	return value;
}

static bool is_kept(const struct export *ex, const char *section, const char *key)
{
	size_t len = strlen(section);

	for (size_t i = 0; i < ex->kept.n; i++) {
		const char *k = ex->kept.v[i];
		if (!strncmp(k, section, len) && k[len] == ' ' &&
		    (streq(k + len + 1, key) || streq(k + len + 1, "*")))
			return true;
	}
	return false;
}

/* <passlaunch:NAME section= name=> in <metadata><passlaunch:profile>,
 * made when first needed. */
static xmlNode *meta_entry(struct export *ex, xmlNode **profile, const char *name,
			   const char *section, const char *key)
{
	xmlNs *ns;
	xmlNode *e;

	if (!*profile) {
		*profile =
		    xmlNewChild(xo_child(ex->root, "metadata"), NULL, BAD_CAST "profile", NULL);
		ns = *profile ? xmlNewNs(*profile, BAD_CAST PASSLAUNCH_NS, BAD_CAST "passlaunch")
			      : NULL;
		if (!ns)
			die_oom();
		xmlSetNs(*profile, ns);
	}
	e = xmlNewChild(*profile, (*profile)->ns, BAD_CAST name, NULL);
	if (!e)
		die_oom();
	xo_attr(e, "section", "%s", section);
	xo_attr(e, "name", "%s", key);
	return e;
}

void export_metadata(struct export *ex)
{
	const struct profile *p = ex->p;
	struct strv lines = {0};
	xmlNode *profile = NULL;

	if (ex->kept.n)
		read_lines(p->path, &lines);
	for (size_t i = 0; i < p->n_lines; i++) {
		const struct key_line *k = &p->lines[i];
		_cleanup_free_ char *value = NULL;
		if (!is_kept(ex, k->section, k->key) || !(value = raw_value(&lines, k->line)))
			continue;
		xo_attr(meta_entry(ex, &profile, "key", k->section, k->key), "value", "%s", value);
	}
	for (size_t i = 0; i < ex->unset.n; i++) {
		_cleanup_free_ char *section = xstrdup(ex->unset.v[i]);
		char *key = strchr(section, ' ');
		*key++ = '\0';
		meta_entry(ex, &profile, "unset", section, key);
	}
	strv_free(&lines);
}
