#include "vmpath.h"

#include "base/paths.h"

char *vmpath_lock(const char *vm)
{
	return xasprintf("%s/%s.lock", path_runtime(), vm);
}

char *vmpath_run_dir(const char *vm)
{
	return xasprintf("%s/%s", path_runtime(), vm);
}

static char *run_file(const char *vm, const char *name)
{
	return xasprintf("%s/%s/%s", path_runtime(), vm, name);
}

char *vmpath_journal(const char *vm)
{
	return run_file(vm, "journal");
}

char *vmpath_state(const char *vm)
{
	return run_file(vm, "state.json");
}

char *vmpath_log(const char *vm)
{
	return run_file(vm, "log");
}

char *vmpath_hooks(const char *vm)
{
	return run_file(vm, "hooks");
}

char *vmpath_qemu_dir(const char *vm)
{
	return run_file(vm, "qemu");
}

char *vmpath_qmp(const char *vm)
{
	return run_file(vm, "qmp.sock");
}

char *vmpath_client(const char *vm)
{
	return run_file(vm, "client.sock");
}

char *vmpath_serial(const char *vm)
{
	return run_file(vm, "serial.sock");
}

char *vmpath_swtpm(const char *vm)
{
	return run_file(vm, "qemu/swtpm.sock");
}

char *vmpath_display(const char *vm, const char *kind)
{
	return xasprintf("%s/%s/qemu/%s.sock", path_runtime(), vm, kind);
}

char *vmpath_looking_glass(const char *vm)
{
	return xasprintf("/dev/shm/passlaunch-%s-looking-glass", vm);
}

char *vmpath_kvmfr(unsigned index)
{
	return xasprintf("%s/kvmfr%u", path_devfs(), index);
}

char *vmpath_vars(const struct profile *p)
{
	if (p->firmware.vars)
		return xstrdup(p->firmware.vars);
	return xasprintf("%s/OVMF_VARS.fd", p->vm.state_dir);
}

char *vmpath_tpm(const struct profile *p)
{
	return xasprintf("%s/tpm", p->vm.state_dir);
}
