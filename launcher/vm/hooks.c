#include "hooks.h"

#include "hook_exec.h"
#include "base/log.h"
#include "base/paths.h"
#include "runstate.h"
#include "base/trust.h"
#include "host/display_manager.h"
#include "profile/vmpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>

#ifndef HOOKSDIR
#define HOOKSDIR "/usr/local/share/passlaunch/hooks.d"
#endif

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* PASSLAUNCH_HOOKS_DIR; else hooks.d beside the binary (a checkout's
 * ./passlaunch uses its own hooks); else the installed ones. */
const char *hooks_shipped_dir(void)
{
	static char beside[PATH_MAX];
	const char *env = path_test_override("PASSLAUNCH_HOOKS_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env == '/')
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		if (snprintf(beside, sizeof(beside), "%s/hooks.d", exe) < (int)sizeof(beside) &&
		    is_dir(beside))
			return beside;
	}
	return HOOKSDIR;
}

static void add_hook(struct hooks *h, const char *name, const char *path)
{
	h->v = xreallocarray(h->v, h->n + 1, sizeof(*h->v));
	h->v[h->n++] = (struct hook){xstrdup(name), xstrdup(path), false, false};
}

static int add_one_shipped(const struct profile *p, struct hooks *h, const char *dir,
			   const char *name, struct pl_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);

	if (access(path, X_OK) < 0)
		return err_input(err,
				 "%s: [hooks] use names '%s', but %s is missing or not "
				 "executable: is passlaunch installed (make install), or "
				 "PASSLAUNCH_HOOKS_DIR wrong?",
				 p->path, name, path);
	add_hook(h, name, path);
	/* Each run of a hook is a process in the time the host's display is
	 * dark; the shipped hooks act in started and stopped only to run the
	 * Looking Glass client. */
	h->v[h->n - 1].prepare_release_only = !streq(name, "looking-glass-client");
	h->v[h->n - 1].shipped = true;
	return 0;
}

static int add_shipped(const struct profile *p, struct hooks *h, struct pl_err *err)
{
	const char *dir = hooks_shipped_dir();
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->hooks.use.n; i++)
		r = add_one_shipped(p, h, dir, p->hooks.use.v[i], err);
	/* [display] looking_glass_client = yes: its hook, last, unless named. */
	if (r == 0 && p->display.looking_glass_client &&
	    !strv_contains(&p->hooks.use, "looking-glass-client"))
		r = add_one_shipped(p, h, dir, "looking-glass-client", err);
	return r;
}

static bool skipped_name(const char *name)
{
	return name[0] == '.' || str_has_suffix(name, "~") || strstr(name, ".dpkg-") ||
	       str_has_suffix(name, ".rpmnew") || str_has_suffix(name, ".rpmsave");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int add_own_one(const struct profile *p, struct hooks *h, const char *name,
		       struct pl_err *err)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", p->hooks.dir, name);
	struct stat st;

	if (skipped_name(name) || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (!(st.st_mode & S_IXUSR)) {
		log_warn("%s: not executable, so not run as a hook (chmod +x to run it)", path);
		return 0;
	}
	for (size_t i = 0; i < h->n; i++)
		if (streq(h->v[i].name, name))
			return err_input(err,
					 "%s: has the name of the shipped hook '%s' that [hooks] "
					 "use names; rename one of them",
					 path, name);
	add_hook(h, name, path);
	return 0;
}

static int add_own(const struct profile *p, struct hooks *h, struct pl_err *err)
{
	struct dirent **entries;
	int n, r;

	if (!p->hooks.dir)
		return 0;
	r = trust_require(p->hooks.dir, "a directory of hooks", err);
	if (r < 0)
		return r;
	n = scandir(p->hooks.dir, &entries, NULL, by_name);
	if (n < 0)
		return err_input(err, "%s: [hooks] dir %s cannot be read: %s", p->path,
				 p->hooks.dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		if (r == 0)
			r = add_own_one(p, h, entries[i]->d_name, err);
		free(entries[i]);
	}
	free(entries);
	return r;
}

int hooks_collect(const struct profile *p, struct hooks *h, struct pl_err *err)
{
	int r;

	*h = (struct hooks){.vm = p->vm.name, .timeout_s = p->hooks.timeout};
	r = add_shipped(p, h, err);
	if (r == 0)
		r = add_own(p, h, err);
	for (size_t i = 0; r == 0 && i < h->n; i++)
		r = trust_require(h->v[i].path, "a hook", err);
	return r;
}

/* The list as one word list for a hook's environment; the list is freed. */
static char *join_free(struct strv *list)
{
	char *out = strv_join(list, " ");

	strv_free(list);
	return out;
}

static char *passed_devices(const struct profile *p, const struct host_facts *f, bool gpus)
{
	struct strv list = {0};

	host_passed_devices(p, f, gpus, !gpus, &list);
	return join_free(&list);
}

static char *kept_devices(const struct profile *p, const struct host_facts *f)
{
	struct strv list = {0};

	host_kept_devices(p, f, &list);
	return join_free(&list);
}

/* "BDF=BAR:SIZE,... BDF=...": each GPU's BAR sizes for the run. */
static char *rebar_sizes(const struct profile *p, const struct host_facts *f)
{
	struct strv list = {0};

	for (size_t i = 0; i < p->n_gpus; i++) {
		char bdf[PCI_ADDR_LEN], sizes[96];
		if (!f->gpu_rebar[i].n)
			continue;
		pci_addr_format(&p->gpus[i].address, bdf);
		rebar_spec_format(&f->gpu_rebar[i], sizes, sizeof(sizes));
		strv_pushf(&list, "%s=%s", bdf, sizes);
	}
	return join_free(&list);
}

void hooks_env_build(struct hooks *h, const struct profile *p, const struct host_facts *f,
		     const struct pin_plan *plan, const struct identity *id)
{
	_cleanup_free_ char *gpus = passed_devices(p, f, true);
	_cleanup_free_ char *pcis = passed_devices(p, f, false);
	_cleanup_free_ char *kept = kept_devices(p, f);
	_cleanup_free_ char *rebar = rebar_sizes(p, f);
	_cleanup_free_ char *lg =
	    p->display.looking_glass == LG_KVMFR ? vmpath_kvmfr(p->display.kvmfr)
	    : p->display.looking_glass == LG_SHM ? vmpath_looking_glass(p->vm.name)
						 : NULL;
	_cleanup_free_ char *spice = p->display.type == DISPLAY_SPICE && !p->display.port
					 ? vmpath_display(p->vm.name, "spice")
					 : NULL;
	_cleanup_free_ char *vcpus = cpulist_format(&plan->vcpu);
	_cleanup_free_ char *self = path_self_exe();
	_cleanup_free_ char *profile = realpath(p->path, NULL);
	struct cpulist host;
	char *host_cpus = NULL;

	if (pin_host_cpus(plan, &host) == 0) {
		host_cpus = cpulist_format(&host);
		cpulist_free(&host);
	}
	strv_set_env(&h->env, "PATH",
		     "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	strv_set_env(&h->env, "PASSLAUNCH_VM", p->vm.name);
	strv_set_env(&h->env, "PASSLAUNCH_PROFILE", profile ? profile : p->path);
	strv_set_env(&h->env, "PASSLAUNCH_GPUS", gpus);
	strv_set_env(&h->env, "PASSLAUNCH_PCI", pcis);
	strv_set_env(&h->env, "PASSLAUNCH_GPUS_KEPT", kept);
	strv_set_env(&h->env, "PASSLAUNCH_GPU_REBAR", rebar);
	strv_set_env(&h->env, "PASSLAUNCH_LOOKING_GLASS", lg ? lg : "");
	strv_set_env(&h->env, "PASSLAUNCH_SPICE_SOCKET", spice ? spice : "");
	strv_set_env(&h->env, "PASSLAUNCH_VCPU_CPUS", vcpus);
	strv_set_env(&h->env, "PASSLAUNCH_HOST_CPUS", host_cpus ? host_cpus : "");
	strv_set_env(&h->env, "PASSLAUNCH_USER", id->name);
	strv_set_env(&h->env, "PASSLAUNCH_BIN", self);
	if (strv_contains(&p->hooks.use, "display-manager")) {
		_cleanup_free_ char *dm = display_manager_running();
		if (dm)
			strv_set_env(&h->env, "PASSLAUNCH_DISPLAY_MANAGER", dm);
	}
	/* The launcher's own roots, never the caller's: root's shipped hooks
	 * write where these lead. Only a test build takes a test's roots. */
	strv_set_env(&h->env, "PASSLAUNCH_SYSFS", path_sysfs());
	strv_set_env(&h->env, "PASSLAUNCH_PROCFS", path_procfs());
	strv_set_env(&h->env, "PASSLAUNCH_DEVFS", path_devfs());
	strv_set_env(&h->env, "PASSLAUNCH_RUNTIME_DIR", path_runtime());
	strv_set_env(&h->env, "PASSLAUNCH_HOOKS_DIR", hooks_shipped_dir());
	free(host_cpus);
}

/* Where a hook keeps what it must undo: /run/passlaunch/VM/hooks/NAME. */
static int state_dir(const struct hooks *h, const struct hook *k, char **out, struct pl_err *err)
{
	_cleanup_free_ char *parent = vmpath_hooks(h->vm);

	*out = xasprintf("%s/%s", parent, k->name);
	if ((mkdir(parent, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(*out, 0700) < 0 && errno != EEXIST))
		return err_set(err, errno, "cannot create %s: %s", *out, strerror(errno));
	return 0;
}

static void hook_env(const struct hooks *h, const char *dir, struct strv *env)
{
	for (size_t i = 0; i < h->env.n; i++)
		strv_push(env, h->env.v[i]);
	strv_set_env(env, "PASSLAUNCH_STATE_DIR", dir);
}

static int run_one(const struct hooks *h, const struct hook *k, const char *phase,
		   struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *dir = NULL;
	struct strv env = {0};
	int r = state_dir(h, k, &dir, err);

	if (r < 0)
		return r;
	hook_env(h, dir, &env);
	if (j)
		r = journal_hook(j, k->name, k->path, h->vm, h->timeout_s, env.v, err);
	if (r == 0) {
		struct hook_call call = {k->name, k->path, h->vm, phase, env.v, h->timeout_s};
		log_info("%s: hook %s: %s", h->vm, k->name, phase);
		r = hook_exec(&call, err);
	}
	strv_free(&env);
	return r;
}

int hooks_prepare_range(struct hooks *h, size_t from, size_t to, struct journal *j,
			struct pl_err *err)
{
	for (size_t i = from; i < to && i < h->n; i++) {
		int r = run_one(h, &h->v[i], "prepare", j, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int hooks_prepare(struct hooks *h, struct journal *j, struct pl_err *err)
{
	return hooks_prepare_range(h, 0, h->n, j, err);
}

/* QEMU opens the user's sound server, or a window on their desktop, when it
 * starts: what ends their session must have run by then. */
static bool qemu_uses_session(const struct profile *p)
{
	return p->audio.backend == AUDIO_PIPEWIRE || p->audio.backend == AUDIO_PULSEAUDIO ||
	       p->audio.backend == AUDIO_JACK || p->display.type == DISPLAY_GTK;
}

static bool overlaps_qemu_start(const struct hook *k, bool session)
{
	static const char *const gpu_only[] = {"vtconsole", "framebuffer", "vfio", "gpu-driver",
					       "looking-glass-client"};
	static const char *const session_enders[] = {"display-manager", "sound-server",
						     "gpu-users"};

	if (!k->shipped)
		return false;
	for (size_t i = 0; i < N_ELEMENTS(gpu_only); i++)
		if (streq(k->name, gpu_only[i]))
			return true;
	for (size_t i = 0; !session && i < N_ELEMENTS(session_enders); i++)
		if (streq(k->name, session_enders[i]))
			return true;
	return false;
}

size_t hooks_before_qemu(const struct hooks *h, const struct profile *p)
{
	bool session = qemu_uses_session(p);
	size_t n = h->n;

	while (n > 0 && overlaps_qemu_start(&h->v[n - 1], session))
		n--;
	return n;
}

int hooks_notify(struct hooks *h, const char *phase)
{
	bool reverse = streq(phase, "stopped");
	int failed = 0;

	for (size_t i = 0; i < h->n; i++) {
		const struct hook *k = &h->v[reverse ? h->n - 1 - i : i];
		struct pl_err err = {0};
		if (k->prepare_release_only)
			continue;
		if (run_one(h, k, phase, NULL, &err) < 0) {
			log_error("%s", err.msg);
			failed++;
		}
	}
	return failed;
}

void hooks_env_set_run(struct strv *env, pid_t qemu, int exit_status)
{
	char text[32];

	if (qemu > 0) {
		snprintf(text, sizeof(text), "%d", (int)qemu);
		strv_set_env(env, "PASSLAUNCH_QEMU_PID", text);
	}
	if (exit_status >= 0) {
		snprintf(text, sizeof(text), "%d", exit_status);
		strv_set_env(env, "PASSLAUNCH_EXIT_STATUS", text);
	}
}

void hooks_free(struct hooks *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		free(h->v[i].path);
	}
	free(h->v);
	strv_free(&h->env);
	*h = (struct hooks){0};
}
