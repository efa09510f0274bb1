#include "qemu_env.h"

#include <sys/stat.h>

static void pass(struct strv *env, const char *name)
{
	const char *v = getenv(name);

	if (v)
		strv_pushf(env, "%s=%s", name, v);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void desktop_session(struct strv *env, const char *runtime_dir)
{
	_cleanup_free_ char *bus = runtime_dir ? xasprintf("%s/bus", runtime_dir) : NULL;
	struct stat st;

	pass(env, "DISPLAY");
	pass(env, "WAYLAND_DISPLAY");
	pass(env, "XAUTHORITY");
	/* Without a session bus GLib forks dbus-launch, which the sandbox
	 * forbids (spawn=deny): QEMU would die of SIGSYS. */
	if (getenv("DBUS_SESSION_BUS_ADDRESS"))
		pass(env, "DBUS_SESSION_BUS_ADDRESS");
	else if (bus && stat(bus, &st) == 0)
		strv_pushf(env, "DBUS_SESSION_BUS_ADDRESS=unix:path=%s", bus);
	else
		strv_push(env, "DBUS_SESSION_BUS_ADDRESS=disabled:");
}

void qemu_env_build(const struct profile *p, const struct identity *id, struct strv *env)
{
	_cleanup_free_ char *runtime_dir = xasprintf("/run/user/%u", (unsigned)id->uid);
	const char *xdg = is_dir(runtime_dir) ? runtime_dir
			  : id->drop	      ? NULL
					      : getenv("XDG_RUNTIME_DIR");

	strv_push(env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	strv_pushf(env, "HOME=%s", id->home);
	strv_pushf(env, "USER=%s", id->name);
	strv_pushf(env, "LOGNAME=%s", id->name);
	/* rtc base=localtime reads the zone. */
	pass(env, "TZ");
	if (xdg)
		strv_pushf(env, "XDG_RUNTIME_DIR=%s", xdg);
	if (p->audio.backend != AUDIO_NONE) {
		pass(env, "PULSE_SERVER");
		pass(env, "PIPEWIRE_RUNTIME_DIR");
		pass(env, "PIPEWIRE_REMOTE");
	}
	if (p->display.type == DISPLAY_GTK)
		desktop_session(env, xdg);
}
