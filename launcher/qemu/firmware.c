#include "firmware.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <json-c/json.h>

struct descriptor_file {
	char *name;
	char *path;
};

struct wanted {
	enum fw_type type;
	bool need_enrolled_keys;
	const char *code; /* NULL: any */
	const char *machine;
};

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct descriptor_file *)a)->name,
		      ((const struct descriptor_file *)b)->name);
}

static bool listed(const struct descriptor_file *files, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (streq(files[i].name, name))
			return true;
	return false;
}

static void collect_dir(const char *dir, struct descriptor_file **files, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!str_has_suffix(e->d_name, ".json") || listed(*files, *n, e->d_name))
			continue;
		*files = xreallocarray(*files, *n + 1, sizeof(**files));
		(*files)[(*n)++] = (struct descriptor_file){xstrdup(e->d_name),
							    xasprintf("%s/%s", dir, e->d_name)};
	}
	closedir(d);
}

static void collect(const char *dirs, struct descriptor_file **files, size_t *n)
{
	_cleanup_free_ char *copy = xstrdup(dirs);
	char *save = NULL;

	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		collect_dir(dir, files, n);
	if (*n)
		qsort(*files, *n, sizeof(**files), compare_names);
}

static void free_files(struct descriptor_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].name);
		free(files[i].path);
	}
	free(files);
}

static const char *get_string(json_object *o, const char *a, const char *b)
{
	json_object *v;

	if (!json_object_object_get_ex(o, a, &o))
		return NULL;
	if (b && !json_object_object_get_ex(o, b, &o))
		return NULL;
	v = o;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool has_string(json_object *o, const char *key, const char *s)
{
	json_object *arr;

	if (!json_object_object_get_ex(o, key, &arr) || !json_object_is_type(arr, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *v =
		    json_object_is_type(e, json_type_string) ? json_object_get_string(e) : NULL;
		if (v && streq(v, s))
			return true;
	}
	return false;
}

/* "q35" is QEMU's alias for the newest pc-q35-X.Y: match the pattern
 * against the versioned name's prefix, which "pc-q35-*" accepts. */
static bool machine_matches(json_object *desc, const char *machine)
{
	const char *name = streq(machine, "q35")  ? "pc-q35-"
			   : streq(machine, "pc") ? "pc-i440fx-"
						  : machine;
	json_object *targets;

	if (!json_object_object_get_ex(desc, "targets", &targets) ||
	    !json_object_is_type(targets, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(targets); i++) {
		json_object *t = json_object_array_get_idx(targets, i);
		json_object *machines;
		const char *arch = get_string(t, "architecture", NULL);
		if (!arch || !streq(arch, "x86_64") ||
		    !json_object_object_get_ex(t, "machines", &machines) ||
		    !json_object_is_type(machines, json_type_array))
			continue;
		for (size_t j = 0; j < json_object_array_length(machines); j++) {
			json_object *m = json_object_array_get_idx(machines, j);
			const char *pat = json_object_is_type(m, json_type_string)
					      ? json_object_get_string(m)
					      : NULL;
			if (pat && fnmatch(pat, name, 0) == 0)
				return true;
		}
	}
	return false;
}

static bool features_fit(json_object *desc, const struct wanted *w)
{
	static const char *const confidential[] = {"amd-sev-es", "amd-sev-snp", "intel-tdx"};
	bool secure = has_string(desc, "features", "secure-boot");

	for (size_t i = 0; i < N_ELEMENTS(confidential); i++)
		if (has_string(desc, "features", confidential[i]))
			return false;
	if (w->type == FW_OVMF)
		return !secure;
	if (!secure)
		return false;
	return !w->need_enrolled_keys || has_string(desc, "features", "enrolled-keys");
}

static bool descriptor_fits(json_object *desc, const struct wanted *w)
{
	const char *device = get_string(desc, "mapping", "device");
	const char *mode = get_string(desc, "mapping", "mode");
	json_object *mapping, *exec;
	const char *code;

	if (!has_string(desc, "interface-types", "uefi") || !device || !streq(device, "flash"))
		return false;
	if (mode && !streq(mode, "split"))
		return false;
	if (!json_object_object_get_ex(desc, "mapping", &mapping) ||
	    !json_object_object_get_ex(mapping, "executable", &exec) ||
	    !get_string(mapping, "nvram-template", "filename"))
		return false;
	code = get_string(exec, "filename", NULL);
	if (!code || (w->code && !streq(code, w->code)))
		return false;
	return machine_matches(desc, w->machine) && features_fit(desc, w);
}

static void take_descriptor(json_object *desc, const char *path, struct firmware *fw)
{
	json_object *mapping;
	const char *fmt;

	json_object_object_get_ex(desc, "mapping", &mapping);
	fw->descriptor = xstrdup(path);
	fw->code = xstrdup(get_string(mapping, "executable", "filename"));
	fmt = get_string(mapping, "executable", "format");
	fw->code_format = xstrdup(fmt ? fmt : "raw");
	fw->vars_template = xstrdup(get_string(mapping, "nvram-template", "filename"));
	fmt = get_string(mapping, "nvram-template", "format");
	fw->vars_format = xstrdup(fmt ? fmt : "raw");
	fw->requires_smm = has_string(desc, "features", "requires-smm");
	fw->enrolled_keys = has_string(desc, "features", "enrolled-keys");
}

static bool search(const struct descriptor_file *files, size_t n, const struct wanted *w,
		   struct firmware *fw)
{
	for (size_t i = 0; i < n; i++) {
		json_object *desc = json_object_from_file(files[i].path);
		bool fits = desc && descriptor_fits(desc, w);
		if (fits)
			take_descriptor(desc, files[i].path, fw);
		json_object_put(desc);
		if (fits)
			return true;
	}
	return false;
}

static int not_found(const struct profile *p, const char *dirs, struct pl_err *err)
{
	int line = profile_key_line(p, "firmware", "code");

	if (p->firmware.code)
		return err_input(err,
				 "%s:%d: vars_template = auto, but no firmware descriptor in %s "
				 "names code %s; set [firmware] vars_template to its VARS file",
				 p->path, line, dirs, p->firmware.code);
	return err_set(err, ENOENT,
		       "%s: no %s firmware for %s: no descriptor in %s offers it; install "
		       "Debian's ovmf package (or your distribution's edk2-ovmf), or set "
		       "[firmware] code and vars_template",
		       p->path, p->firmware.type == FW_OVMF_SECBOOT ? "secure-boot OVMF" : "OVMF",
		       p->qemu.machine, dirs);
}

/* A path given in the profile: its format by its name, as for disks. */
static char *format_of(const char *path)
{
	return xstrdup(str_has_suffix(path, ".qcow2") ? "qcow2" : "raw");
}

static void given_paths(const struct profile *p, struct firmware *fw)
{
	fw->code = xstrdup(p->firmware.code);
	fw->code_format = format_of(p->firmware.code);
	fw->vars_template = xstrdup(p->firmware.vars_template);
	fw->vars_format = format_of(p->firmware.vars_template);
	fw->requires_smm = p->firmware.type == FW_OVMF_SECBOOT;
}

int firmware_find(const struct profile *p, const char *dirs, struct firmware *fw,
		  struct pl_err *err)
{
	struct wanted w = {p->firmware.type, p->firmware.type == FW_OVMF_SECBOOT, p->firmware.code,
			   p->qemu.machine};
	struct descriptor_file *files = NULL;
	size_t n = 0;
	bool found;

	*fw = (struct firmware){0};
	if (p->firmware.code && p->firmware.vars_template) {
		given_paths(p, fw);
		return 0;
	}
	collect(dirs, &files, &n);
	found = search(files, n, &w, fw);
	if (!found && w.need_enrolled_keys) {
		w.need_enrolled_keys = false;
		found = search(files, n, &w, fw);
	}
	free_files(files, n);
	if (!found)
		return not_found(p, dirs, err);
	if (p->firmware.vars_template) {
		free(fw->vars_template);
		fw->vars_template = xstrdup(p->firmware.vars_template);
	}
	return 0;
}

void firmware_free(struct firmware *fw)
{
	free(fw->descriptor);
	free(fw->code);
	free(fw->code_format);
	free(fw->vars_template);
	free(fw->vars_format);
	*fw = (struct firmware){0};
}
