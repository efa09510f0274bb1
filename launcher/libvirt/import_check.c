#include "import.h"

#include "base/log.h"
#include "profile/profile_parse.h"
#include "profile/profile_check.h"

#include <stdio.h>

#define CHECK_NAME "imported"

/* The profile as written, parsed and checked as passlaunch would read it:
 * 0, or the line of the first error (0 when the error has none). */
static int first_error(const struct ini_out *out, struct pl_err *err)
{
	_cleanup_free_ char *text = NULL;
	struct profile p = {0};
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int r, line = 0, end = 0;

	if (!f)
		die_oom();
	ini_write(out, f);
	fclose(f);
	f = fmemopen(text, len, "r");
	if (!f)
		die_oom();
	profile_init_defaults(&p);
	p.path = xstrdup(CHECK_NAME);
	p.trusted = true; /* its [qemu] args are the domain's own, as the user will save it */
	log_set_quiet(true);
	r = profile_parse_stream(f, CHECK_NAME, &p, err);
	if (r == 0)
		r = profile_check(&p, err);
	log_set_quiet(false);
	fclose(f);
	profile_free(&p);
	if (r == 0)
		return 0;
	/* "imported:LINE: why"; "imported: 7 SATA devices" names no line. */
	if (sscanf(err->msg, CHECK_NAME ":%d%n", &line, &end) != 1 || err->msg[end] != ':' ||
	    err->msg[sizeof(CHECK_NAME)] == ' ' || line <= 0)
		return -1;
	return line;
}

/* "imported:LINE: why" without its place. */
static const char *after_line(const char *msg)
{
	const char *colon = strchr(msg, ':');

	colon = colon ? strchr(colon + 1, ':') : NULL;
	return colon && colon[1] == ' ' ? colon + 2 : msg;
}

/* The element the line "[SECTION] ..." (or "[SECTION]") came from. */
static xmlNode *origin_of(const struct import *im, const char *what)
{
	const char *end = strchr(what, ']');
	char section[IM_SECTION_LEN];

	if (what[0] != '[' || !end || (size_t)(end - what - 1) >= sizeof(section))
		return im->d->root;
	snprintf(section, sizeof(section), "%.*s", (int)(end - what - 1), what + 1);
	return im_origin(im, section);
}

int import_check(struct import *im, struct pl_err *err)
{
	/* Each round takes one line out; a profile has far fewer. */
	for (int round = 0; round < 256; round++) {
		struct pl_err found = {0};
		_cleanup_free_ char *what = NULL;
		int line = first_error(&im->out, &found);

		if (line == 0)
			return 0;
		if (line < 0 || ini_drop_line(&im->out, line, &what) < 0)
			return err_input(err, "the profile made from %s is not valid: %s",
					 im->d->file, found.msg);
		if (what[strlen(what) - 1] == ']')
			dx_warn(im->d, origin_of(im, what), "%s: left out (%s and its keys)",
				after_line(found.msg), what);
		else
			dx_warn(im->d, origin_of(im, what), "%s: left out", after_line(found.msg));
	}
	return err_input(err, "the profile made from %s is not valid", im->d->file);
}
