#include "hostfacts.h"

#include "base/log.h"
#include "base/paths.h"
#include "base/sigpipe.h"
#include "pci_rebar.h"
#include "pci_sysfs.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

static bool path_exists(const char *root, const char *rel)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", root, rel);
	return access(path, F_OK) == 0;
}

bool host_has_hw_kvm(const char **why)
{
	if (!path_exists(path_devfs(), "kvm")) {
		*why = "/dev/kvm does not exist";
		return false;
	}
	if (!path_exists(path_sysfs(), "module/kvm_intel") &&
	    !path_exists(path_sysfs(), "module/kvm_amd")) {
		*why = "neither kvm_intel nor kvm_amd is loaded (is virtualization on in the "
		       "firmware setup?)";
		return false;
	}
	return true;
}

static enum accel resolve_accel(const struct profile *p)
{
	const char *why = NULL;
	bool hw = host_has_hw_kvm(&why);

	if (p->qemu.accel == ACCEL_TCG)
		return ACCEL_TCG;
	if (p->qemu.accel == ACCEL_KVM) {
		if (!hw)
			log_warn("%s: accel = kvm, but %s: QEMU will fail to start", p->path, why);
		return ACCEL_KVM;
	}
	if (!hw)
		log_warn("%s: accel = auto: no hardware KVM (%s); using TCG, which is far too slow "
			 "for gaming",
			 p->path, why);
	return hw ? ACCEL_KVM : ACCEL_TCG;
}

bool host_cpu_amd(void)
{
	_cleanup_free_ char *path = xasprintf("%s/cpuinfo", path_procfs());
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (str_has_prefix(line, "vendor_id"))
			return strstr(line, "AuthenticAMD") != NULL;
	return false;
}

static uint8_t slot_functions(const struct profile_gpu *g)
{
	char pattern[512];
	glob_t gl;
	uint8_t mask = 0;

	snprintf(pattern, sizeof(pattern), "%s/bus/pci/devices/%04x:%02x:%02x.[0-7]", path_sysfs(),
		 g->address.domain, g->address.bus, g->address.slot);
	if (glob(pattern, 0, NULL, &gl) == 0) {
		for (size_t i = 0; i < gl.gl_pathc; i++)
			mask |= (uint8_t)(1u << (gl.gl_pathv[i][strlen(gl.gl_pathv[i]) - 1] - '0'));
		globfree(&gl);
	}
	return mask;
}

static void warn_unused_roms(const struct profile *p, const struct profile_gpu *g, uint8_t present)
{
	for (unsigned fn = 0; fn < 8; fn++)
		if (g->function_rom[fn] && !(present & (1u << fn)))
			log_warn("%s:%d: [gpu.%s] rom.%u: the card has no function %u on this "
				 "host; that ROM goes unused",
				 p->path, g->ref.line, g->ref.label, fn, fn);
}

static void gather_gpu_functions(const struct profile *p, struct host_facts *f)
{
	f->gpu_functions = xcalloc(p->n_gpus, 1);
	for (size_t i = 0; i < p->n_gpus; i++) {
		const struct profile_gpu *g = &p->gpus[i];
		char addr[PCI_ADDR_LEN];
		if (!g->all_functions) {
			f->gpu_functions[i] = g->function_mask;
			continue;
		}
		f->gpu_functions[i] = slot_functions(g);
		if (f->gpu_functions[i] & (1u << g->address.func)) {
			warn_unused_roms(p, g, f->gpu_functions[i]);
			continue;
		}
		pci_addr_format(&g->address, addr);
		log_warn("%s:%d: [gpu.%s] %s is not on this host; functions = all shows only its "
			 "own function",
			 p->path, g->ref.line, g->ref.label, addr);
		f->gpu_functions[i] = (uint8_t)(1u << g->address.func);
	}
}

/* [gpu] rebar against each card, and what OVMF's 64-bit window must hold. */
static int gather_bars(const struct profile *p, struct host_facts *f, struct pl_err *err)
{
	struct strv passed = {0};

	f->gpu_rebar = xcalloc(p->n_gpus ? p->n_gpus : 1, sizeof(*f->gpu_rebar));
	for (size_t i = 0; i < p->n_gpus; i++) {
		const struct profile_gpu *g = &p->gpus[i];
		_cleanup_free_ char *section = xasprintf("gpu.%s", g->ref.label);
		_cleanup_free_ char *what = NULL;
		char bdf[PCI_ADDR_LEN];
		if (!g->rebar.n && !g->rebar.max)
			continue;
		pci_addr_format(&g->address, bdf);
		what = xasprintf("%s:%d: [%s] rebar", p->path,
				 profile_key_line(p, section, "rebar"), section);
		if (pci_rebar_resolve(bdf, &g->rebar, what, &f->gpu_rebar[i], err) < 0)
			return -EINVAL;
	}
	host_passed_devices(p, f, true, true, &passed);
	for (size_t i = 0; i < passed.n; i++) {
		const struct rebar_sizes *sizes = NULL;
		char driver[64];
		for (size_t g = 0; g < p->n_gpus; g++) {
			char bdf[PCI_ADDR_LEN];
			pci_addr_format(&p->gpus[g].address, bdf);
			if (streq(bdf, passed.v[i]))
				sizes = &f->gpu_rebar[g];
		}
		uint64_t bytes;
		/* One on vfio-pci already (release = vfio) keeps the sizes it has. */
		pci_driver(passed.v[i], driver, sizeof(driver));
		bytes = pci_bars64_bytes(passed.v[i], streq(driver, "vfio-pci") ? NULL : sizes);
		f->bars64_bytes =
		    bytes > UINT64_MAX - f->bars64_bytes ? UINT64_MAX : f->bars64_bytes + bytes;
	}
	strv_free(&passed);
	return 0;
}

static void warn_missing_pcis(const struct profile *p)
{
	for (size_t i = 0; i < p->n_pcis; i++) {
		char addr[PCI_ADDR_LEN];
		pci_addr_format(&p->pcis[i].address, addr);
		if (!pci_exists(addr))
			log_warn("%s:%d: [pci.%s] %s is not on this host", p->path,
				 p->pcis[i].ref.line, p->pcis[i].ref.label, addr);
	}
}

/* The host's own names, as the kernel shows them; what cannot be read (the
 * serials, for a user who is not root) is left out. */
static void gather_smbios(const struct profile *p, struct host_facts *f)
{
	for (size_t i = 0; p->smbios.from_host && i < SMBIOS_FIELDS; i++) {
		_cleanup_free_ char *path =
		    xasprintf("%s/class/dmi/id/%s", path_sysfs(), smbios_fields[i].dmi);
		char value[128];
		if (sysfs_read_str(path, value, sizeof(value)) == 0 && *value)
			f->smbios_host[i] = xstrdup(value);
	}
}

static int parse_version(const char *text, struct host_facts *f)
{
	const char *v = strstr(text, "version ");
	return v && sscanf(v + 8, "%u.%u", &f->qemu_major, &f->qemu_minor) == 2 ? 0 : -EINVAL;
}

/* Asks the binary itself; only for a profile that root may trust, since it
 * runs the binary the profile names. */
static void probe_qemu_version(const struct profile *p, struct host_facts *f)
{
	const char *forced = path_test_override("PASSLAUNCH_QEMU_VERSION");
	char *argv[] = {p->qemu.binary, (char *)"--version", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int fds[2], status;
	char out[512] = "";
	pid_t pid;

	if (forced) {
		snprintf(out, sizeof(out), "version %s", forced);
		parse_version(out, f);
		return;
	}
	if ((!p->trusted && geteuid() == 0) || pipe2(fds, O_CLOEXEC) < 0)
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&attr);
	sigpipe_default_spawnattr(&attr);
	if (posix_spawn(&pid, p->qemu.binary, &fa, &attr, argv, environ) == 0) {
		close(fds[1]);
		if (read(fds[0], out, sizeof(out) - 1) < 0)
			out[0] = '\0';
		waitpid(pid, &status, 0);
	} else {
		close(fds[1]);
	}
	close(fds[0]);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (parse_version(out, f) < 0)
		log_warn("%s: cannot tell the version of %s; assuming an old QEMU", p->path,
			 p->qemu.binary);
}

int host_facts_gather(const struct profile *p, struct host_facts *f, struct pl_err *err)
{
	*f = (struct host_facts){0};
	f->accel = resolve_accel(p);
	f->cpu_amd = host_cpu_amd();
	gather_gpu_functions(p, f);
	if (gather_bars(p, f, err) < 0)
		return -EINVAL;
	warn_missing_pcis(p);
	gather_smbios(p, f);
	if (p->audio.backend == AUDIO_PIPEWIRE || p->audio.device == SOUND_VIRTIO)
		probe_qemu_version(p, f);
	if (p->audio.device == SOUND_VIRTIO && profile_has_sound_card(p) && f->qemu_major &&
	    (f->qemu_major < 8 || (f->qemu_major == 8 && f->qemu_minor < 2)))
		return err_input(err,
				 "%s:%d: device = virtio needs QEMU 8.2 or later (virtio-sound); "
				 "%s is %u.%u: use device = hda",
				 p->path, profile_key_line(p, "audio", "device"), p->qemu.binary,
				 f->qemu_major, f->qemu_minor);
	if (p->firmware.type == FW_BIOS)
		return 0;
	if (firmware_find(p, path_firmware_dirs(), &f->firmware, err) < 0)
		return -ENOENT;
	if (p->firmware.type == FW_OVMF_SECBOOT && !f->firmware.enrolled_keys &&
	    !p->firmware.vars_template)
		log_warn("%s: the secure-boot OVMF found (%s) has no keys enrolled; Windows 11 "
			 "boots, but Secure Boot stays off until keys are enrolled",
			 p->path, f->firmware.descriptor);
	return 0;
}

void host_facts_free(struct host_facts *f)
{
	for (size_t i = 0; i < SMBIOS_FIELDS; i++)
		free(f->smbios_host[i]);
	firmware_free(&f->firmware);
	free(f->gpu_functions);
	free(f->gpu_rebar);
	*f = (struct host_facts){0};
}

static void push_gpu_functions(const struct profile *p, const struct host_facts *f, size_t i,
			       struct strv *out)
{
	for (unsigned fn = 0; fn < 8; fn++) {
		struct pci_addr a = p->gpus[i].address;
		char bdf[PCI_ADDR_LEN];
		if (!(f->gpu_functions[i] & (1u << fn)))
			continue;
		a.func = fn;
		pci_addr_format(&a, bdf);
		strv_push(out, bdf);
	}
}

void host_kept_devices(const struct profile *p, const struct host_facts *f, struct strv *out)
{
	for (size_t i = 0; i < p->n_gpus; i++)
		if (p->gpus[i].release == RELEASE_VFIO)
			push_gpu_functions(p, f, i, out);
}

void host_passed_devices(const struct profile *p, const struct host_facts *f, bool gpus, bool pcis,
			 struct strv *out)
{
	for (size_t i = 0; gpus && i < p->n_gpus; i++)
		push_gpu_functions(p, f, i, out);
	for (size_t i = 0; pcis && i < p->n_pcis; i++) {
		char bdf[PCI_ADDR_LEN];
		pci_addr_format(&p->pcis[i].address, bdf);
		strv_push(out, bdf);
	}
}
