/* Unit tests of host/cgroup_unit: which unit the gpu-users hook may stop
 * for a process, from a cgroup path the process's user may partly choose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "host/cgroup_unit.h"

static void expect(const char *path, enum unit_kind kind, unsigned uid, const char *name)
{
	struct cgroup_unit u;

	cgroup_unit_parse(path, &u);
	assert_int_equal(u.kind, kind);
	if (kind == UNIT_USER)
		assert_int_equal(u.uid, uid);
	assert_string_equal(u.name, name);
}

static void system_services(void **state)
{
	(void)state;
	expect("/system.slice/sddm.service", UNIT_SYSTEM, 0, "sddm.service");
	expect("/system.slice/system-getty.slice/getty@tty1.service", UNIT_SYSTEM, 0,
	       "getty@tty1.service");
	expect("/system.slice/nvidia-persistenced.service", UNIT_SYSTEM, 0,
	       "nvidia-persistenced.service");
	/* A scope in system.slice is no service to stop and start again. */
	expect("/system.slice/run-r1234.scope", UNIT_NONE, 0, "");
}

static void user_units(void **state)
{
	(void)state;
	expect("/user.slice/user-1000.slice/user@1000.service/session.slice/pipewire.service",
	       UNIT_USER, 1000, "pipewire.service");
	expect("/user.slice/user-1000.slice/user@1000.service/session.slice/"
	       "org.gnome.Shell@wayland.service",
	       UNIT_USER, 1000, "org.gnome.Shell@wayland.service");
	expect("/user.slice/user-1000.slice/user@1000.service/app.slice/"
	       "app-org.kde.konsole-1234.scope",
	       UNIT_USER, 1000, "app-org.kde.konsole-1234.scope");
}

/* What a user can make of their own subtree never names another's unit. */
static void paths_a_user_made(void **state)
{
	(void)state;
	/* A "system.slice" inside the user's manager is still the user's. */
	expect("/user.slice/user-1000.slice/user@1000.service/system.slice/sshd.service", UNIT_USER,
	       1000, "sshd.service");
	/* Slice and manager of two users: nobody's. */
	expect("/user.slice/user-1000.slice/user@0.service/app.slice/x.service", UNIT_NONE, 0, "");
	/* Names systemd would never give. */
	expect("/user.slice/user-1000.slice/user@1000.service/app.slice/$(reboot).service",
	       UNIT_NONE, 0, "");
	expect("/user.slice/user-1000.slice/user@1000.service/a b.service", UNIT_NONE, 0, "");
	/* A name systemctl would read as its option (-H: ssh to a host). */
	expect("/user.slice/user-1000.slice/user@1000.service/app.slice/-Hx.service", UNIT_NONE, 0,
	       "");
	expect("/system.slice/../system.slice/sddm.service", UNIT_NONE, 0, "");
	expect("/user.slice/user-1000.slice/user@1000.service/x;y.slice/z.service", UNIT_NONE, 0,
	       "");
	/* A login session's scope: stopping it would end the session. */
	expect("/user.slice/user-1000.slice/session-2.scope", UNIT_NONE, 0, "");
	expect("/init.scope", UNIT_NONE, 0, "");
	expect("/", UNIT_NONE, 0, "");
	expect("/user.slice/user-1x.slice/user@1x.service/a.service", UNIT_NONE, 0, "");
}

static void core_services(void **state)
{
	(void)state;
	assert_true(unit_is_core("systemd-logind.service"));
	assert_true(unit_is_core("dbus-broker.service"));
	assert_true(unit_is_core("polkit.service"));
	assert_false(unit_is_core("sddm.service"));
	assert_false(unit_is_core("nvidia-persistenced.service"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(core_services),
	    cmocka_unit_test(system_services),
	    cmocka_unit_test(user_units),
	    cmocka_unit_test(paths_a_user_made),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
