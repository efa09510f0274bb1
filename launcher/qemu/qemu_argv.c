#include "qemu_argv.h"

#include "argv_builder.h"
#include "qemu_argv_io.h"
#include "qemu_argv_pci.h"
#include "qemu_argv_peripherals.h"
#include "qemu_argv_storage.h"

#include "base/size.h"
#include "profile/cpu_features.h"
#include "profile/vmpath.h"

#include <inttypes.h>

static bool needs_smm(const struct argv_builder *b)
{
	return b->p->firmware.type != FW_BIOS && b->f->firmware.requires_smm;
}

static bool has_memory_backend(const struct profile *p)
{
	return p->memory.hugepages || p->memory.prealloc == TRI_YES || p->memory.numa;
}

static void add_machine(struct argv_builder *b)
{
	const struct profile *p = b->p;
	const char *pm = machine_is_q35(p->qemu.machine)      ? "ICH9-LPC"
			 : machine_is_i440fx(p->qemu.machine) ? "PIIX4_PM"
							      : NULL;

	argv_opt(b, "-accel", "%s", b->f->accel == ACCEL_KVM ? "kvm" : "tcg");
	/* hpet became a machine property in QEMU 7.0; -no-hpet before. */
	bool hpet_property = !b->f->qemu_major || b->f->qemu_major >= 7;

	argv_opt(b, "-machine", "%s,smm=%s,vmport=off,dump-guest-core=off%s%s%s%s", p->qemu.machine,
		 needs_smm(b) ? "on" : "off",
		 has_memory_backend(p) && !p->memory.numa ? ",memory-backend=mem" : "",
		 !p->vm.hpet && hpet_property ? ",hpet=off" : "", p->vm.ps2 ? "" : ",i8042=off",
		 p->memory.merge ? "" : ",mem-merge=off");
	if (!p->vm.hpet && !hpet_property)
		argv_opt(b, "-no-hpet", NULL);
	if (needs_smm(b))
		argv_opt(b, "-global", "driver=cfi.pflash01,property=secure,value=on");
	/* Sleep states leave passed-through GPUs in states they do not come back
	 * from: off unless asked for, on the machine's own power management (a
	 * global for a device the machine lacks would be lost). */
	if (pm) {
		argv_opt(b, "-global", "%s.disable_s3=%d", pm, !p->vm.s3);
		argv_opt(b, "-global", "%s.disable_s4=%d", pm, !p->vm.s4);
	}
	if (b->f->accel == ACCEL_KVM)
		argv_opt(b, "-global", "kvm-pit.lost_tick_policy=%s",
			 p->vm.pit_tick == TICK_DELAY ? "delay" : "discard");
	argv_opt(b, "-rtc", "base=%s,driftfix=%s",
		 p->vm.clock == CLOCK_LOCALTIME ? "localtime" : "utc",
		 p->vm.rtc_tick == TICK_DELAY ? "slew" : "none");
	if (p->vm.boot_menu)
		argv_opt(b, "-boot", "menu=on");
	argv_add_overcommit(b);
}

/* The profile's flags set NAME themselves (NAME=on or NAME=off). */
static bool flag_set(const struct strv *flags, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < flags->n; i++)
		if (!strncmp(flags->v[i], name, len) && flags->v[i][len] == '=')
			return true;
	return false;
}

static void add_cpu(struct argv_builder *b)
{
	const struct profile *p = b->p;
	bool kvm = b->f->accel == ACCEL_KVM;
	struct strv cpu = {0};
	_cleanup_free_ char *joined = NULL;

	/* TCG cannot offer the host CPU; "max" is the closest it has. */
	strv_push(&cpu, !kvm && streq(p->cpu.model, "host") ? "max" : p->cpu.model);
	if (p->cpu.threads > 1 && b->f->cpu_amd && kvm)
		strv_push(&cpu, "topoext=on");
	if (b->f->host_cache_info && kvm && streq(p->cpu.model, "host") &&
	    !flag_set(&p->cpu.flags, "host-cache-info"))
		strv_push(&cpu, "host-cache-info=on");
	if (p->cpu.hyperv && kvm)
		strv_push(&cpu, p->cpu.hyperv_list ? p->cpu.hyperv_list : hyperv_default_flags);
	/* Older NVIDIA drivers stop with Code 43 when they see a hypervisor. */
	if (p->cpu.hide_kvm || p->cpu.hide_hypervisor)
		strv_push(&cpu, "kvm=off");
	if (p->cpu.hyperv_vendor || p->cpu.hide_hypervisor)
		strv_pushf(&cpu, "hv-vendor-id=%s",
			   p->cpu.hyperv_vendor ? p->cpu.hyperv_vendor : "passlaunch");
	for (size_t i = 0; i < p->cpu.flags.n; i++)
		strv_push(&cpu, p->cpu.flags.v[i]);
	joined = strv_join(&cpu, ",");
	strv_free(&cpu);
	argv_opt(b, "-cpu", "%s", joined);
	if (b->f->guest_dies > 1)
		argv_opt(b, "-smp", "%u,sockets=1,dies=%u,cores=%u,threads=%u", profile_vcpus(p),
			 b->f->guest_dies, p->cpu.cores / b->f->guest_dies, p->cpu.threads);
	else if (p->cpu.dies > 1)
		argv_opt(b, "-smp", "%u,sockets=%u,dies=%u,cores=%u,threads=%u", profile_vcpus(p),
			 p->cpu.sockets, p->cpu.dies, p->cpu.cores, p->cpu.threads);
	else
		argv_opt(b, "-smp", "%u,sockets=%u,cores=%u,threads=%u", profile_vcpus(p),
			 p->cpu.sockets, p->cpu.cores, p->cpu.threads);
}

static const char *const policies[] = {
    [POLICY_BIND] = "bind", [POLICY_PREFERRED] = "preferred", [POLICY_INTERLEAVE] = "interleave"};

/* Hugepages come from a memfd of that page size; memory preallocated
 * without them from anonymous RAM. Preallocation is on with hugepages
 * unless turned off, so that a short pool fails at start, not mid-game. */
static void add_memory(struct argv_builder *b)
{
	const struct profile *p = b->p;
	bool prealloc = p->memory.prealloc == TRI_YES ||
			(p->memory.prealloc == TRI_AUTO && p->memory.hugepages);
	char size[32];
	_cleanup_free_ char *node = NULL;
	_cleanup_free_ char *threads = NULL;

	size_format(p->memory.size, size, sizeof(size));
	argv_opt(b, "-m", "%s", size);
	if (!has_memory_backend(p))
		return;
	if (p->memory.node >= 0)
		node = xasprintf(",host-nodes=%d,policy=%s", p->memory.node,
				 policies[p->memory.policy]);
	if (p->memory.prealloc_threads)
		threads = xasprintf(",prealloc-threads=%u", p->memory.prealloc_threads);
	if (p->memory.hugepages)
		argv_opt(b, "-object",
			 "memory-backend-memfd,id=mem,size=%s,hugetlb=on,hugetlbsize=%s,"
			 "prealloc=%s%s%s",
			 size, p->memory.hugepages == HUGEPAGES_1G ? "1G" : "2M",
			 prealloc ? "on" : "off", threads ? threads : "", node ? node : "");
	else
		argv_opt(b, "-object", "memory-backend-ram,id=mem,size=%s,prealloc=%s%s%s", size,
			 prealloc ? "on" : "off", threads ? threads : "", node ? node : "");
	/* One guest NUMA node that holds all of the memory and every vCPU. */
	if (p->memory.numa)
		argv_opt(b, "-numa", "node,nodeid=0,cpus=0-%u,memdev=mem", profile_vcpus(p) - 1);
}

/* OVMF's 64-bit PCI window (32G unless told) must hold every passed 64-bit
 * BAR, each aligned to its size: a power of two at least their sum holds
 * them, doubled for the root ports' own alignment. No guest addresses
 * more than 2^46 bytes (64T): the window stops there. */
#define OVMF_MMIO64_DEFAULT (32 * GiB)
#define MMIO64_MAX	    (UINT64_C(1) << 46)

static void add_mmio64_window(struct argv_builder *b)
{
	uint64_t window = GiB;

	if (!b->f->bars64_bytes)
		return;
	while (window < b->f->bars64_bytes && window < MMIO64_MAX / 2)
		window <<= 1;
	window <<= 1;
	if (window > OVMF_MMIO64_DEFAULT)
		argv_opt(b, "-fw_cfg", "name=opt/ovmf/X-PciMmio64Mb,string=%" PRIu64, window / MiB);
}

static void add_firmware(struct argv_builder *b)
{
	const struct firmware *fw = &b->f->firmware;
	size_t vars = qemu_fd_plan_find(&b->plan, QEMU_FILE_NVRAM, 0);

	if (b->p->firmware.type == FW_BIOS)
		return;
	argv_opt(b, "-drive", "if=pflash,unit=0,format=%s,readonly=on,file=%s", fw->code_format,
		 fw->code);
	argv_add_fd(b, vars);
	argv_opt(b, "-drive", "if=pflash,unit=1,format=%s,file=/dev/fdset/%u", fw->vars_format,
		 qemu_file_set(vars));
	add_mmio64_window(b);
}

/* Each disk's own, then the ones the profile asks for besides (libvirt's
 * <iothreads>); all pinned by iothread_pin. */
static void add_iothreads(struct argv_builder *b)
{
	for (unsigned i = 1; i <= b->p->cpu.iothreads; i++)
		argv_opt(b, "-object", "iothread,id=iothread-%u", i);
	for (size_t i = 0; i < b->p->n_disks; i++) {
		const struct profile_disk *d = &b->p->disks[i];
		bool capable = d->bus == BUS_VIRTIO || d->bus == BUS_SCSI;
		if (capable && d->iothread != TRI_NO)
			argv_opt(b, "-object", "iothread,id=iothread.%s", d->ref.label);
	}
}

/* Two monitors: one the launcher holds for the whole run, one for
 * `passlaunch status` and root's own tools; their listening sockets, and
 * the serial port's, are the launcher's, in root's directory. */
static void add_control(struct argv_builder *b)
{
	argv_opt(b, "-chardev", "socket,id=qmp,fd=%d,server=on,wait=off", b->plan.qmp_fd);
	argv_opt(b, "-mon", "chardev=qmp,mode=control");
	argv_opt(b, "-chardev", "socket,id=qmp-client,fd=%d,server=on,wait=off", b->plan.client_fd);
	argv_opt(b, "-mon", "chardev=qmp-client,mode=control");
	argv_add_serial(b);
	if (b->p->sandbox.seccomp)
		argv_opt(b, "-sandbox",
			 "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
}

/* QEMU splits options at ',': a value's own commas are doubled. */
static char *option_value(const char *value)
{
	char *out = xmalloc(2 * strlen(value) + 1), *o = out;

	for (; *value; value++) {
		*o++ = *value;
		if (*value == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

/* One -smbios a table (BIOS, system, board): the profile's fields over the
 * host's (source = host). */
static void add_smbios(struct argv_builder *b)
{
	for (unsigned type = 0; type <= 2; type++) {
		struct strv fields = {0};
		_cleanup_free_ char *joined = NULL;
		for (size_t i = 0; i < SMBIOS_FIELDS; i++) {
			const char *v =
			    b->p->smbios.field[i] ? b->p->smbios.field[i] : b->f->smbios_host[i];
			_cleanup_free_ char *quoted = v ? option_value(v) : NULL;
			if (smbios_fields[i].type == type && v)
				strv_pushf(&fields, "%s=%s", smbios_fields[i].qemu, quoted);
		}
		joined = fields.n ? strv_join(&fields, ",") : NULL;
		if (joined)
			argv_opt(b, "-smbios", "type=%u,%s", type, joined);
		strv_free(&fields);
	}
}

void qemu_argv_build(const struct profile *p, const struct host_facts *f, struct strv *argv)
{
	qemu_argv_build_split(p, f, argv, NULL);
}

void qemu_argv_build_split(const struct profile *p, const struct host_facts *f, struct strv *argv,
			   struct strv *hotplug)
{
	struct argv_builder b = {
	    .p = p, .f = f, .argv = argv, .hotplug = hotplug, .next_chassis = 1, .next_slot = 0x10};

	qemu_fd_plan_make(p, &b.plan);
	strv_push(argv, p->qemu.binary);
	argv_opt(&b, "-name", "%s,debug-threads=on", p->vm.name);
	/* Paused until the launcher has pinned every thread. */
	argv_opt(&b, "-S", NULL);
	argv_opt(&b, "-no-user-config", NULL);
	argv_opt(&b, "-nodefaults", NULL);
	argv_opt(&b, "-msg", "timestamp=on");
	add_machine(&b);
	add_cpu(&b);
	add_memory(&b);
	add_firmware(&b);
	add_smbios(&b);
	add_iothreads(&b);
	argv_add_passthrough(&b);
	argv_add_storage(&b);
	argv_add_network(&b);
	argv_add_usb_input(&b);
	argv_add_audio(&b);
	argv_add_display(&b);
	argv_add_tpm(&b);
	argv_add_small_devices(&b);
	add_control(&b);
	for (size_t i = 0; i < p->qemu.extra_args.n; i++)
		strv_push(argv, p->qemu.extra_args.v[i]);
	qemu_fd_plan_free(&b.plan);
}
