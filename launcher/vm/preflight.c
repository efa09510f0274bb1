#include "preflight.h"

#include "base/trust.h"
#include "base/paths.h"
#include "base/size.h"
#include "host/input_reprobe.h"
#include "host/kvmfr.h"
#include "profile/vmpath.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Opens the file as the user in a child: exact, whatever the modes, ACLs
 * and directories in between say. Returns 0 or -errno. */
static int readable_by(const char *path, const struct identity *id)
{
	struct stat st;
	int status, fd;
	pid_t pid;

	if (!id->drop)
		return access(path, R_OK) < 0 ? -errno : 0;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(id->gid, id->gid, id->gid) < 0 ||
		    setresuid(id->uid, id->uid, id->uid) < 0)
			_exit(EPERM);
		/* Not blocking: a FIFO there must not hang the launcher. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			_exit(errno);
		_exit(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? 0 : EINVAL);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -EIO;
}

static int check_rom(const struct profile *p, const char *kind, const char *label, const char *key,
		     const char *rom, const struct identity *id, struct pl_err *err)
{
	_cleanup_free_ char *section = xasprintf("%s.%s", kind, label);
	int line = profile_key_line(p, section, key);
	struct stat st;
	int r;

	if (stat(rom, &st) < 0 || !S_ISREG(st.st_mode))
		return err_input(err, "%s:%d: [%s] %s = %s: %s; give the path of a ROM dump",
				 p->path, line, section, key, rom,
				 errno == ENOENT ? "no such file" : "not a regular file");
	r = trust_require(rom, "a ROM", err);
	if (r < 0)
		return r;
	r = readable_by(rom, id);
	if (r < 0)
		return err_input(err,
				 "%s:%d: [%s] %s = %s: QEMU runs as %s, who cannot read it (%s); "
				 "make it readable, e.g. chmod 644 %s, or keep ROMs in "
				 "/usr/share/vgabios",
				 p->path, line, section, key, rom, id->name, strerror(-r), rom);
	return 0;
}

static int check_gpu_roms(const struct profile *p, const struct profile_gpu *g,
			  const struct identity *id, struct pl_err *err)
{
	for (unsigned fn = 0; fn < 8; fn++) {
		const char *rom = profile_gpu_rom(g, fn);
		char key[8];
		int r = rom ? check_rom(p, "gpu", g->ref.label,
					profile_gpu_rom_key(g, fn, key, sizeof(key)), rom, id, err)
			    : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

/* The firmware's code is opened by QEMU, as its user; its variables are
 * copied by passlaunch, as root, into the NVRAM file QEMU is given. */
static int check_firmware(const struct profile *p, const struct firmware *fw,
			  const struct identity *id, struct pl_err *err)
{
	int line = profile_key_line(p, "firmware", "code") ?: profile_section_line(p, "firmware");
	_cleanup_free_ char *where = line ? xasprintf("%s:%d", p->path, line) : xstrdup(p->path);
	int r;

	if (!fw->code)
		return 0;
	r = readable_by(fw->code, id);
	if (r == 0)
		return 0;
	return err_input(err,
			 "%s: [firmware] the code %s: QEMU runs as %s, who cannot read it (%s); "
			 "make it readable, e.g. chmod 644 %s, or reinstall Debian's ovmf "
			 "package",
			 where, fw->code, id->name, strerror(-r), fw->code);
}

/* The kvmfr module's device is there and holds the frames: its size is
 * fixed when the module loads (static_size_mb, one per device). */
static int check_kvmfr(const struct profile *p, struct pl_err *err)
{
	int line = profile_key_line(p, "display", "looking_glass");
	_cleanup_free_ char *node = vmpath_kvmfr(p->display.kvmfr);
	uint64_t need = profile_looking_glass_size(p), have;
	char size[32];
	struct stat st;

	size_format(need, size, sizeof(size));
	if (stat(node, &st) < 0 || !S_ISCHR(st.st_mode))
		return err_input(err,
				 "%s:%d: looking_glass = kvmfr: %s is not there; load the kvmfr "
				 "module (modprobe kvmfr static_size_mb=%llu, from Looking Glass's "
				 "module/ directory or your distribution's kvmfr-dkms)",
				 p->path, line, node, (unsigned long long)(need / MiB));
	have = kvmfr_size(p->display.kvmfr);
	if (have && have < need)
		return err_input(err,
				 "%s:%d: looking_glass = kvmfr: kvmfr%u holds %lluM, but %s at "
				 "%ux%u%s needs %s; reload the module with static_size_mb=%llu",
				 p->path, line, p->display.kvmfr, (unsigned long long)(have / MiB),
				 "Looking Glass", p->display.width, p->display.height,
				 p->display.looking_glass_hdr ? " with HDR" : "", size,
				 (unsigned long long)(need / MiB));
	return 0;
}

/* An evdev device lent to QEMU's user must be one passlaunch can take back
 * at the end of the run (host/input_reprobe.h), unless the profile allows
 * it; said before anything changes. host/ownership.c decides again on the
 * node it lends. */
static int check_evdev(const struct profile *p, const struct profile_input *in,
		       const struct identity *id, struct pl_err *err)
{
	_cleanup_free_ char *section = xasprintf("input.%s", in->ref.label);
	_cleanup_free_ char *devpath = NULL;
	struct stat st;
	int r;

	if (!id->drop || in->allow_unrevocable || stat(in->evdev, &st) < 0 || st.st_uid == id->uid)
		return 0;
	r = input_revocable(st.st_rdev, &devpath);
	if (r == 0)
		return 0;
	return err_input(err,
			 "%s:%d: evdev = %s: %s, so what QEMU's user opens on it during the run "
			 "could outlive the run (a keyboard read after it); pass the physical "
			 "device, or set allow_unrevocable = yes in [%s] to lend it all the same",
			 p->path, profile_key_line(p, section, "evdev"), in->evdev,
			 input_revocable_reason(r), section);
}

int preflight_files(const struct profile *p, const struct firmware *fw, const struct identity *id,
		    struct pl_err *err)
{
	int r = check_firmware(p, fw, id, err);

	for (size_t i = 0; r == 0 && i < p->n_gpus; i++)
		r = check_gpu_roms(p, &p->gpus[i], id, err);
	if (r == 0 && p->display.looking_glass == LG_KVMFR)
		r = check_kvmfr(p, err);
	for (size_t i = 0; r == 0 && i < p->n_inputs; i++)
		if (p->inputs[i].evdev)
			r = check_evdev(p, &p->inputs[i], id, err);
	for (size_t i = 0; r == 0 && i < p->n_pcis; i++)
		if (p->pcis[i].rom)
			r = check_rom(p, "pci", p->pcis[i].ref.label, "rom", p->pcis[i].rom, id,
				      err);
	return r;
}
