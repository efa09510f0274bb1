/* The keys passlaunch export kept in the domain's <metadata> (what libvirt
 * cannot hold, and what passlaunch does outside QEMU), taken back as the
 * profile had them: each replaces what the domain's elements gave for it.
 * They are the domain's text like any other: import_check reads them as
 * the parser does, and a value that could not be a line is left out. */
#include "import.h"

#include "base/label.h"

#include <ctype.h>

/* "kind" or "kind.label", as the parser names sections. */
static bool section_name_ok(const char *name)
{
	const char *dot = strchr(name, '.');
	size_t kind = dot ? (size_t)(dot - name) : strlen(name);

	if (!kind || kind > 16)
		return false;
	for (size_t i = 0; i < kind; i++)
		if (!islower((unsigned char)name[i]))
			return false;
	return !dot || label_valid(dot + 1);
}

static bool key_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) &&
		    name[i] != '_' && name[i] != '.')
			return false;
	return true;
}

/* Whether KEY of SECTION came earlier in <metadata> (a repeated key: the
 * first replaces the domain's, the others add to it). */
static bool seen_before(xmlNode *first, xmlNode *key, const char *section, const char *name)
{
	for (xmlNode *k = first; k && k != key; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (dx_attr_is(k, "section", section) && dx_attr_is(k, "name", name))
			return true;
	}
	return false;
}

static void import_key(struct import *im, xmlNode *first, xmlNode *key)
{
	_cleanup_free_ char *section = dx_attr(key, "section");
	_cleanup_free_ char *name = dx_attr(key, "name");
	_cleanup_free_ char *value = dx_attr(key, "value");

	bool unset = xmlStrEqual(key->name, BAD_CAST "unset");

	dx_use(key);
	if (!section || !name || (!value && !unset) || !section_name_ok(section) ||
	    !key_name_ok(name)) {
		dx_warn(im->d, key, "not a key passlaunch export writes: left out");
		return;
	}
	if (unset)
		ini_remove(&im->out, section, name);
	else if (seen_before(first, key, section, name))
		ini_set(&im->out, section, name, "%s", value);
	else
		ini_replace(&im->out, section, name, value);
}

void import_metadata(struct import *im)
{
	xmlNode *meta = dx_child(im->d->root, "metadata");
	xmlNode *profile = NULL;
	bool any = false;

	for (xmlNode *c = meta ? meta->children : NULL; c && !profile; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns &&
		    xmlStrEqual(c->ns->href, BAD_CAST PASSLAUNCH_NS) &&
		    xmlStrEqual(c->name, BAD_CAST "profile"))
			profile = c;
	if (!profile)
		return;
	dx_use(profile);
	for (xmlNode *k = profile->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (!k->ns || !xmlStrEqual(k->ns->href, BAD_CAST PASSLAUNCH_NS) ||
		    (!xmlStrEqual(k->name, BAD_CAST "key") &&
		     !xmlStrEqual(k->name, BAD_CAST "unset"))) {
			dx_use(k);
			dx_warn(im->d, k, "not a key passlaunch export writes: left out");
			continue;
		}
		import_key(im, profile->children, k);
		any = true;
	}
	if (any)
		ini_comment(&im->out, "vm",
			    "keys from passlaunch's own <metadata>: what libvirt cannot hold, "
			    "as the exported profile had them");
}
