/* Unit tests of the OVMF lookup through QEMU's firmware descriptors, on the
 * fake host's descriptors (tests/golden/host/firmware) and on ones written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "qemu/firmware.h"
#include "profile/profile.h"

#include <errno.h>
#include <sys/stat.h>

#define GOLDEN_FW "tests/golden/host/firmware"

static char tmpdir[] = "/tmp/passlaunch-fw-XXXXXX";

static void write_descriptor(const char *name, const char *code, const char *mode,
			     const char *features)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	fprintf(f,
		"{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"flash\", %s"
		"\"executable\": {\"filename\": \"%s\", \"format\": \"raw\"}, "
		"\"nvram-template\": {\"filename\": \"%s.vars\", \"format\": \"raw\"}}, "
		"\"targets\": [{\"architecture\": \"x86_64\", \"machines\": [\"pc-q35-*\"]}], "
		"\"features\": [%s], \"tags\": []}\n",
		mode, code, code, features);
	fclose(f);
	free(path);
}

static int make_tmpdir(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char *cmd = xasprintf("rm -rf %s", tmpdir);
	int r = system(cmd);

	(void)state;
	free(cmd);
	return r;
}

static int find(enum fw_type type, const char *machine, const char *code, const char *vars,
		const char *dirs, struct firmware *fw)
{
	struct profile p;
	struct pl_err err = {0};
	int r;

	profile_init_defaults(&p);
	p.path = xstrdup("test.ini");
	p.firmware.type = type;
	free(p.qemu.machine);
	p.qemu.machine = xstrdup(machine);
	p.firmware.code = code ? xstrdup(code) : NULL;
	p.firmware.vars_template = vars ? xstrdup(vars) : NULL;
	r = firmware_find(&p, dirs, fw, &err);
	assert_int_equal(r != 0, err_is_set(&err));
	profile_free(&p);
	return r;
}

static void plain_ovmf_skips_secure_sev_and_memory(void **state)
{
	struct firmware fw;

	(void)state;
	assert_int_equal(find(FW_OVMF, "q35", NULL, NULL, GOLDEN_FW, &fw), 0);
	assert_string_equal(fw.code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	assert_string_equal(fw.vars_template, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	assert_false(fw.requires_smm);
	firmware_free(&fw);
}

static void secboot_prefers_enrolled_keys(void **state)
{
	struct firmware fw;

	(void)state;
	assert_int_equal(find(FW_OVMF_SECBOOT, "q35", NULL, NULL, GOLDEN_FW, &fw), 0);
	assert_string_equal(fw.code, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd");
	assert_string_equal(fw.vars_template, "/usr/share/OVMF/OVMF_VARS_4M.ms.fd");
	assert_true(fw.requires_smm);
	assert_true(fw.enrolled_keys);
	firmware_free(&fw);
}

static void versioned_and_i440fx_machines_match(void **state)
{
	struct firmware fw;

	(void)state;
	assert_int_equal(find(FW_OVMF, "pc-q35-7.2", NULL, NULL, GOLDEN_FW, &fw), 0);
	firmware_free(&fw);
	assert_int_equal(find(FW_OVMF, "pc", NULL, NULL, GOLDEN_FW, &fw), 0);
	assert_string_equal(fw.code, "/usr/share/OVMF/OVMF_CODE_4M.fd");
	firmware_free(&fw);
	/* Debian's secure-boot builds are for q35 only. */
	assert_int_equal(find(FW_OVMF_SECBOOT, "pc", NULL, NULL, GOLDEN_FW, &fw), -ENOENT);
}

static void earlier_directory_hides_a_file_of_the_same_name(void **state)
{
	struct firmware fw;
	char *dirs = xasprintf("%s:%s", tmpdir, GOLDEN_FW);

	(void)state;
	write_descriptor("60-edk2-x86_64.json", "/etc/custom/CODE.fd", "", "");
	assert_int_equal(find(FW_OVMF, "q35", NULL, NULL, dirs, &fw), 0);
	assert_string_equal(fw.code, "/etc/custom/CODE.fd");
	assert_string_equal(fw.vars_template, "/etc/custom/CODE.fd.vars");
	firmware_free(&fw);
	free(dirs);
}

static void combined_mode_and_broken_files_are_skipped(void **state)
{
	struct firmware fw;
	char *broken = xasprintf("%s/05-broken.json", tmpdir);
	FILE *f = fopen(broken, "we");

	(void)state;
	fputs("{ not json", f);
	fclose(f);
	write_descriptor("06-combined.json", "/combined.fd", "\"mode\": \"combined\",", "");
	assert_int_equal(find(FW_OVMF, "q35", NULL, NULL, tmpdir, &fw), 0);
	assert_string_equal(fw.code, "/etc/custom/CODE.fd");
	firmware_free(&fw);
	free(broken);
}

#define WHOLE_BUT_TARGETS(targets)                                                                 \
	"{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"flash\", "                  \
	"\"executable\": {\"filename\": \"/shape/CODE.fd\", \"format\": \"raw\"}, "                \
	"\"nvram-template\": {\"filename\": \"/shape/VARS.fd\", \"format\": \"raw\"}}, "           \
	"\"targets\": " targets ", \"features\": [], \"tags\": []}"

/* Descriptors of the wrong shape (an object where a list belongs, a number
 * where a string does) are passed over, not trusted: json-c would abort. */
static void descriptors_of_the_wrong_shape_are_skipped(void **state)
{
	static const char *const shapes[] = {
	    "{\"targets\": 5}",
	    "{\"targets\": {\"architecture\": \"x86_64\"}}",
	    "{\"targets\": [{\"architecture\": \"x86_64\", \"machines\": \"pc-q35-*\"}]}",
	    "{\"targets\": [7, {\"architecture\": 1, \"machines\": [2]}]}",
	    "[1, 2]",
	    "{\"mapping\": [], \"targets\": [], \"features\": 3}",
	    /* Whole descriptors but for the targets: read as lists, a number or
	     * a string is taken for a pointer (json-c has no checks of its own). */
	    WHOLE_BUT_TARGETS("5"),
	    WHOLE_BUT_TARGETS("[{\"architecture\": \"x86_64\", \"machines\": \"pc-q35-*\"}]"),
	};
	struct firmware fw;

	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char *path = xasprintf("%s/04-shape%zu.json", tmpdir, i);
		FILE *f = fopen(path, "we");
		assert_non_null(f);
		fputs(shapes[i], f);
		fclose(f);
		free(path);
	}
	assert_int_equal(find(FW_OVMF, "q35", NULL, NULL, tmpdir, &fw), 0);
	assert_string_equal(fw.code, "/etc/custom/CODE.fd");
	firmware_free(&fw);
}

static void secboot_without_enrolled_keys_falls_back(void **state)
{
	struct firmware fw;

	(void)state;
	write_descriptor("50-secure.json", "/sb/CODE.fd", "", "\"secure-boot\", \"requires-smm\"");
	assert_int_equal(find(FW_OVMF_SECBOOT, "q35", NULL, NULL, tmpdir, &fw), 0);
	assert_string_equal(fw.code, "/sb/CODE.fd");
	assert_false(fw.enrolled_keys);
	assert_true(fw.requires_smm);
	firmware_free(&fw);
}

static void given_code_finds_its_template(void **state)
{
	struct firmware fw;

	(void)state;
	assert_int_equal(find(FW_OVMF_SECBOOT, "q35", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
			      NULL, GOLDEN_FW, &fw),
			 0);
	assert_string_equal(fw.vars_template, "/usr/share/OVMF/OVMF_VARS_4M.fd");
	firmware_free(&fw);
	assert_int_equal(find(FW_OVMF, "q35", "/nowhere/CODE.fd", NULL, GOLDEN_FW, &fw), -EINVAL);
}

static void given_paths_need_no_descriptor(void **state)
{
	struct firmware fw;

	(void)state;
	assert_int_equal(find(FW_OVMF, "q35", "/a/CODE.fd", "/a/VARS.fd", "/nonexistent", &fw), 0);
	assert_null(fw.descriptor);
	assert_string_equal(fw.code, "/a/CODE.fd");
	assert_string_equal(fw.vars_template, "/a/VARS.fd");
	firmware_free(&fw);
}

static void no_descriptor_is_an_error(void **state)
{
	struct firmware fw;

	(void)state;
	assert_int_equal(find(FW_OVMF, "q35", NULL, NULL, "/nonexistent", &fw), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_ovmf_skips_secure_sev_and_memory),
	    cmocka_unit_test(secboot_prefers_enrolled_keys),
	    cmocka_unit_test(versioned_and_i440fx_machines_match),
	    cmocka_unit_test(earlier_directory_hides_a_file_of_the_same_name),
	    cmocka_unit_test(combined_mode_and_broken_files_are_skipped),
	    cmocka_unit_test(descriptors_of_the_wrong_shape_are_skipped),
	    cmocka_unit_test(secboot_without_enrolled_keys_falls_back),
	    cmocka_unit_test(given_code_finds_its_template),
	    cmocka_unit_test(given_paths_need_no_descriptor),
	    cmocka_unit_test(no_descriptor_is_an_error),
	};
	return cmocka_run_group_tests_name("firmware", tests, make_tmpdir, remove_tmpdir);
}
