#include "profile_check.h"
#include "profile_check_common.h"

#include "base/log.h"
#include "base/size.h"

#include <errno.h>
#include <stdarg.h>

#define MEMORY_MIN (64 * MiB)

int check_bad(struct check *c, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[1536];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		return err_input(c->err, "%s:%d: %s", c->p->path, line, msg);
	return err_input(c->err, "%s: %s", c->p->path, msg);
}

int check_key_line(struct check *c, const char *section, const char *key)
{
	int line = profile_key_line(c->p, section, key);
	return line ? line : profile_section_line(c->p, section);
}

static int require(struct check *c, const char *kind, const struct section_ref *ref,
		   const char *key, const char *example)
{
	_cleanup_free_ char *section = xasprintf("%s.%s", kind, ref->label);

	if (profile_key_line(c->p, section, key))
		return 0;
	return check_bad(c, ref->line, "[%s] has no %s; add e.g. %s = %s", section, key, key,
			 example);
}

static int check_required(struct check *c)
{
	const struct profile *p = c->p;
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->n_gpus; i++)
		r = require(c, "gpu", &p->gpus[i].ref, "address", "0000:0b:00.0");
	for (size_t i = 0; r == 0 && i < p->n_pcis; i++)
		r = require(c, "pci", &p->pcis[i].ref, "address", "0000:0c:00.3");
	for (size_t i = 0; r == 0 && i < p->n_disks; i++)
		r = require(c, "disk", &p->disks[i].ref, "source", "/dev/disk/by-id/nvme-XXXX");
	for (size_t i = 0; r == 0 && i < p->n_usbs; i++)
		r = require(c, "usb", &p->usbs[i].ref, "device", "046d:c52b");
	for (size_t i = 0; r == 0 && i < p->n_inputs; i++)
		if (p->inputs[i].device == INPUT_EVDEV)
			r = require(c, "input", &p->inputs[i].ref, "evdev",
				    "/dev/input/by-id/usb-XXXX-event-kbd");
	return r;
}

static void warn_shared_cpus(struct check *c, const struct cpulist *other, const char *key,
			     const char *threads)
{
	const struct cpulist *vcpu = &c->p->cpu.vcpu_pin;

	for (size_t i = 0; i < vcpu->n; i++)
		if (cpulist_contains(other, vcpu->cpu[i]))
			log_warn("%s:%d: CPU %u is in both vcpu_pin and %s: %s will compete with "
				 "vCPU %zu",
				 c->p->path, check_key_line(c, "cpu", key), vcpu->cpu[i], key,
				 threads, i);
}

static int check_pinning(struct check *c)
{
	const struct profile *p = c->p;
	unsigned vcpus = profile_vcpus(p);
	bool pinned = p->cpu.vcpu_pin.n > 0 || p->cpu.vcpu_pin_auto;

	if (p->cpu.vcpu_pin.n && p->cpu.vcpu_pin.n != vcpus)
		return check_bad(c, check_key_line(c, "cpu", "vcpu_pin"),
				 "vcpu_pin names %zu CPUs but the guest has %u vCPUs (sockets %u × "
				 "cores %u × threads %u); name one host CPU per vCPU",
				 p->cpu.vcpu_pin.n, vcpus, p->cpu.sockets * p->cpu.dies,
				 p->cpu.cores, p->cpu.threads);
	if (p->cpu.isolate && !pinned)
		return check_bad(
		    c, check_key_line(c, "cpu", "isolate"),
		    "isolate = yes needs vcpu_pin: the host CPUs to keep for the guest");
	if (p->cpu.governor && !pinned)
		return check_bad(
		    c, check_key_line(c, "cpu", "governor"),
		    "governor = %s needs vcpu_pin: the governor is set on the vCPUs' host CPUs",
		    p->cpu.governor);
	warn_shared_cpus(c, &p->cpu.emulator_pin, "emulator_pin", "QEMU's own threads");
	warn_shared_cpus(c, &p->cpu.iothread_pin, "iothread_pin", "the disks' I/O threads");
	return 0;
}

/* What QEMU would refuse at start: libvirt's CPU modes as a model, a
 * vendor id given twice. */
static int check_cpu(struct check *c)
{
	const char *model = c->p->cpu.model;
	const char *list = c->p->cpu.hyperv_list;

	if (list && strstr(list, "hv-vendor-id=") && c->p->cpu.hyperv_vendor)
		return check_bad(c, check_key_line(c, "cpu", "hyperv_vendor_id"),
				 "the Hyper-V vendor id is given twice: in hyperv (line %d) and in "
				 "hyperv_vendor_id; keep one",
				 check_key_line(c, "cpu", "hyperv"));
	if (!model || (!streq(model, "host-model") && !streq(model, "host-passthrough")))
		return 0;
	return check_bad(
	    c, check_key_line(c, "cpu", "model"),
	    "[cpu] model = %s is libvirt's mode, not a QEMU CPU model; write model = host%s", model,
	    streq(model, "host-model")
		? " (libvirt's host-passthrough) or a named model such as Skylake-Client "
		  "(qemu-system-x86_64 -cpu help)"
		: "");
}

static int check_memory(struct check *c)
{
	const struct profile *p = c->p;
	char size[32];

	size_format(p->memory.size, size, sizeof(size));
	if (p->memory.size < MEMORY_MIN)
		return check_bad(c, check_key_line(c, "memory", "size"),
				 "size = %s is too small; a guest needs at least 64M", size);
	if (p->memory.node >= 0 && p->memory.hugepages == HUGEPAGES_NO &&
	    p->memory.prealloc != TRI_YES && !p->memory.numa)
		return check_bad(c, check_key_line(c, "memory", "node"),
				 "node applies to memory passlaunch allocates: set hugepages = 2M "
				 "or 1G, or prealloc = yes, or remove node");
	return 0;
}

/* rom.N and rombar.N name a function that goes along, and rom.N not the
 * one rom names. */
static int check_gpu_roms(struct check *c, const struct profile_gpu *g, const char *section)
{
	for (unsigned fn = 0; fn < 8; fn++) {
		char key[12];
		snprintf(key, sizeof(key), "rombar.%u", fn);
		if (g->function_rombar[fn] != TRI_AUTO && !g->all_functions &&
		    !(g->function_mask & (1u << fn)))
			return check_bad(c, check_key_line(c, section, key),
					 "%s is for function %u, which functions leaves out; add "
					 "%u to functions or remove %s",
					 key, fn, fn, key);
		if (!g->function_rom[fn])
			continue;
		snprintf(key, sizeof(key), "rom.%u", fn);
		if (fn == g->address.func && g->rom)
			return check_bad(c, check_key_line(c, section, key),
					 "rom and %s both name the ROM of function %u (the "
					 "address's); keep one",
					 key, fn);
		if (!g->all_functions && !(g->function_mask & (1u << fn)))
			return check_bad(c, check_key_line(c, section, key),
					 "%s is for function %u, which functions leaves out; add "
					 "%u to functions or remove %s",
					 key, fn, fn, key);
	}
	return 0;
}

static int check_gpus(struct check *c)
{
	const struct profile *p = c->p;
	int primary_line = 0;
	const char *primary = NULL;

	for (size_t i = 0; i < p->n_gpus; i++) {
		const struct profile_gpu *g = &p->gpus[i];
		_cleanup_free_ char *section = xasprintf("gpu.%s", g->ref.label);
		if (!g->all_functions && !(g->function_mask & (1u << g->address.func)))
			return check_bad(
			    c, check_key_line(c, section, "functions"),
			    "functions of [%s] leave out the function of its address (%u); "
			    "add it",
			    section, g->address.func);
		if (check_gpu_roms(c, g, section) < 0)
			return -EINVAL;
		if (!g->primary)
			continue;
		if (primary)
			return check_bad(
			    c, check_key_line(c, section, "primary"),
			    "primary = yes is set on [gpu.%s] (line %d) too; only one GPU "
			    "can be the guest's primary display",
			    primary, primary_line);
		primary = g->ref.label;
		primary_line = check_key_line(c, section, "primary");
	}
	return 0;
}

struct passed {
	const char *kind;
	const struct section_ref *ref;
	struct pci_addr addr;
};

/* A slot passed twice, or a function passed by two sections, would make
 * QEMU fail late, after the host was prepared: refuse it here. */
static int check_pci_overlap(struct check *c)
{
	const struct profile *p = c->p;
	size_t n = p->n_gpus + p->n_pcis;
	_cleanup_free_ struct passed *all = xcalloc(n, sizeof(*all));

	for (size_t i = 0; i < p->n_gpus; i++)
		all[i] = (struct passed){"gpu", &p->gpus[i].ref, p->gpus[i].address};
	for (size_t i = 0; i < p->n_pcis; i++)
		all[p->n_gpus + i] = (struct passed){"pci", &p->pcis[i].ref, p->pcis[i].address};
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++) {
			bool gpu_slot = streq(all[i].kind, "gpu") || streq(all[j].kind, "gpu");
			bool clash =
			    gpu_slot ? pci_addr_same_slot(&all[i].addr, &all[j].addr)
				     : memcmp(&all[i].addr, &all[j].addr, sizeof(all[i].addr)) == 0;
			char addr[PCI_ADDR_LEN];
			if (!clash)
				continue;
			pci_addr_format(&all[i].addr, addr);
			return check_bad(
			    c, all[i].ref->line,
			    "[%s.%s] passes %s, which [%s.%s] (line %d) already passes%s",
			    all[i].kind, all[i].ref->label, addr, all[j].kind, all[j].ref->label,
			    all[j].ref->line,
			    gpu_slot ? " (a GPU takes every function of its slot)" : "");
		}
	}
	return 0;
}

static int check_disk(struct check *c, const struct profile_disk *d)
{
	_cleanup_free_ char *section = xasprintf("disk.%s", d->ref.label);
	bool direct = d->cache == CACHE_NONE || d->cache == CACHE_DIRECTSYNC;

	if (d->aio == AIO_NATIVE && !direct)
		return check_bad(
		    c, check_key_line(c, section, "aio"),
		    "aio = native needs cache = none or directsync (O_DIRECT); use aio = "
		    "io_uring or threads with this cache");
	if (d->readonly && d->bus == BUS_SATA)
		return check_bad(
		    c, check_key_line(c, section, "readonly"),
		    "readonly = yes needs bus = virtio, scsi or nvme: QEMU's SATA disks "
		    "cannot be read-only (a [cdrom] can)");
	if (d->iothread == TRI_YES && (d->bus == BUS_SATA || d->bus == BUS_NVME))
		return check_bad(
		    c, check_key_line(c, section, "iothread"),
		    "iothread = yes needs bus = virtio or scsi; QEMU's %s emulation has no "
		    "iothread",
		    d->bus == BUS_SATA ? "SATA" : "NVMe");
	return 0;
}

static int check_sources(struct check *c)
{
	const struct profile *p = c->p;
	size_t n = p->n_disks + p->n_cdroms;
	_cleanup_free_ const struct section_ref **refs = xcalloc(n, sizeof(*refs));
	_cleanup_free_ const char **sources = xcalloc(n, sizeof(*sources));

	for (size_t i = 0; i < p->n_disks; i++) {
		refs[i] = &p->disks[i].ref;
		sources[i] = p->disks[i].source;
	}
	for (size_t i = 0; i < p->n_cdroms; i++) {
		refs[p->n_disks + i] = &p->cdroms[i].ref;
		sources[p->n_disks + i] = p->cdroms[i].source;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (sources[i] && sources[j] && streq(sources[i], sources[j]))
				return check_bad(
				    c, refs[i]->line,
				    "%s is also the source of [%s] (line %d); two devices "
				    "writing one disk corrupt it",
				    sources[i], refs[j]->label, refs[j]->line);
	return 0;
}

struct bootable {
	unsigned boot;
	const struct section_ref *ref;
};

#define ADD_BOOTABLE(list, n, array, count)                                                        \
	for (size_t i_ = 0; i_ < (count); i_++)                                                    \
		(list)[(n)++] = (struct bootable)                                                  \
		{                                                                                  \
			(array)[i_].boot, &(array)[i_].ref                                         \
		}

/* Every device with a boot number (disks, cdroms, passed PCI and USB
 * devices, NICs) needs its own. */
static int check_boot_order(struct check *c)
{
	const struct profile *p = c->p;
	size_t n = 0;
	_cleanup_free_ struct bootable *all =
	    xcalloc(p->n_disks + p->n_cdroms + p->n_pcis + p->n_usbs + p->n_nets + 1, sizeof(*all));

	ADD_BOOTABLE(all, n, p->disks, p->n_disks);
	ADD_BOOTABLE(all, n, p->cdroms, p->n_cdroms);
	ADD_BOOTABLE(all, n, p->pcis, p->n_pcis);
	ADD_BOOTABLE(all, n, p->usbs, p->n_usbs);
	ADD_BOOTABLE(all, n, p->nets, p->n_nets);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (all[i].boot && all[i].boot == all[j].boot)
				return check_bad(c, all[i].ref->line,
						 "boot = %u is also given to [%s] (line %d); each "
						 "boot device needs its own number",
						 all[i].boot, all[j].ref->label, all[j].ref->line);
	return 0;
}

static int check_storage(struct check *c)
{
	const struct profile *p = c->p;
	size_t sata = p->n_cdroms;
	int r;

	for (size_t i = 0; i < p->n_disks; i++) {
		r = check_disk(c, &p->disks[i]);
		if (r < 0)
			return r;
		sata += p->disks[i].bus == BUS_SATA;
	}
	if (sata > SATA_PORTS)
		return check_bad(
		    c, 0,
		    "%zu SATA devices (cdroms and bus = sata disks) but q35 has %d SATA "
		    "ports; put disks on virtio, scsi or nvme",
		    sata, SATA_PORTS);
	r = check_sources(c);
	return r < 0 ? r : check_boot_order(c);
}

static int check_net(struct check *c, const struct profile_net *n)
{
	_cleanup_free_ char *section = xasprintf("net.%s", n->ref.label);

	if (n->type == NET_MACVTAP && !n->link)
		return check_bad(c, n->ref.line,
				 "[%s] has type = macvtap but no link; add the host interface the "
				 "guest shares, e.g. link = enp5s0",
				 section);
	if (n->type != NET_MACVTAP && n->link)
		return check_bad(c, check_key_line(c, section, "link"),
				 "link applies to type = macvtap");
	if (n->type == NET_MACVTAP && n->queues > 1)
		return check_bad(
		    c, check_key_line(c, section, "queues"),
		    "queues applies to type = bridge or tap; a macvtap has one queue here");
	if (n->type == NET_BRIDGE && !n->bridge)
		return check_bad(c, n->ref.line,
				 "[%s] has type = bridge but no bridge; add e.g. bridge = br0",
				 section);
	if (n->create_bridge && n->type != NET_BRIDGE)
		return check_bad(c, check_key_line(c, section, "create_bridge"),
				 "create_bridge applies to type = bridge");
	if (n->type != NET_BRIDGE && n->bridge)
		return check_bad(
		    c, check_key_line(c, section, "bridge"),
		    "bridge applies to type = bridge; set type = bridge or remove bridge");
	if (n->type == NET_TAP && !n->ifname)
		return check_bad(
		    c, n->ref.line,
		    "[%s] has type = tap but no ifname; add the tap device, e.g. ifname = tap0",
		    section);
	if (n->vhost && (n->type == NET_USER || n->type == NET_NONE || n->model != NIC_VIRTIO))
		return check_bad(c, check_key_line(c, section, "vhost"),
				 "vhost = yes needs type = bridge, tap or macvtap and model = "
				 "virtio: the kernel's vhost-net serves virtio NICs on a tap");
	if (n->queues > 1 && (n->type == NET_USER || n->type == NET_NONE || n->model != NIC_VIRTIO))
		return check_bad(c, check_key_line(c, section, "queues"),
				 "queues = %u needs type = bridge or tap and model = virtio "
				 "(virtio-net's multiqueue on a multiqueue tap)",
				 n->queues);
	if ((n->type == NET_USER || n->type == NET_NONE) && n->ifname)
		return check_bad(c, check_key_line(c, section, "ifname"),
				 "ifname applies to type = tap or bridge; remove it");
	return 0;
}

static int check_nets(struct check *c)
{
	for (size_t i = 0; i < c->p->n_nets; i++) {
		int r = check_net(c, &c->p->nets[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int check_firmware(struct check *c)
{
	const struct profile *p = c->p;

	if (p->firmware.type == FW_BIOS && (p->firmware.code || p->firmware.vars_template))
		return check_bad(
		    c, check_key_line(c, "firmware", p->firmware.code ? "code" : "vars_template"),
		    "%s applies to OVMF; with type = bios remove it",
		    p->firmware.code ? "code" : "vars_template");
	return 0;
}

static int check_display(struct check *c)
{
	const struct profile *p = c->p;

	bool remote = p->display.type == DISPLAY_VNC || p->display.type == DISPLAY_SPICE;

	if (p->display.type == DISPLAY_VNC && p->display.port && p->display.port < 5900)
		return check_bad(c, check_key_line(c, "display", "port"),
				 "port = %u: VNC ports start at 5900 (display :0)",
				 p->display.port);
	/* On a TCP port every local user could connect: a password it is. */
	if (remote && p->display.port && !p->display.password_file)
		return check_bad(
		    c, check_key_line(c, "display", "port"),
		    "port = %u: a display on a TCP port needs password_file (a file only "
		    "root may read, holding the password); or leave port out for a unix "
		    "socket only QEMU's user can reach",
		    p->display.port);
	if (p->display.usb_redirect && p->display.type != DISPLAY_SPICE)
		return check_bad(c, check_key_line(c, "display", "usb_redirect"),
				 "usb_redirect needs type = spice: SPICE's client hands its USB "
				 "devices over");
	if (p->display.usb_redirect && p->vm.usb == TRI_NO)
		return check_bad(c, check_key_line(c, "display", "usb_redirect"),
				 "usb_redirect needs the guest's USB controller; remove usb = no "
				 "from [vm]");
	if (p->display.looking_glass != LG_KVMFR &&
	    profile_key_line(p, "display", "looking_glass_device"))
		return check_bad(c, check_key_line(c, "display", "looking_glass_device"),
				 "looking_glass_device applies to looking_glass = kvmfr");
	if (!p->display.looking_glass && p->display.looking_glass_client)
		return check_bad(c, check_key_line(c, "display", "looking_glass_client"),
				 "looking_glass_client = yes needs looking_glass = shm or kvmfr");
	if (!p->display.looking_glass && profile_key_line(p, "display", "looking_glass_hdr"))
		return check_bad(c, check_key_line(c, "display", "looking_glass_hdr"),
				 "looking_glass_hdr applies to looking_glass = shm or kvmfr");
	return 0;
}

static int check_trust(struct check *c)
{
	const struct profile *p = c->p;
	int extra = profile_key_line(p, "qemu", "extra_args");
	int args = profile_key_line(p, "qemu", "args");
	bool first_is_args = args && (!extra || args < extra);

	if (p->qemu.extra_args.n && !p->trusted && p->untrusted_why)
		return check_bad(c, first_is_args ? args : extra,
				 "%s is allowed only in a trusted profile, and this one is not: %s",
				 first_is_args ? "args" : "extra_args", p->untrusted_why);
	if (p->qemu.extra_args.n && !p->trusted)
		return check_bad(
		    c, first_is_args ? args : extra,
		    "%s is allowed only in a trusted profile (owned by root, or by you when "
		    "not running as root, and not writable by group or others); fix with: "
		    "chmod go-w %s",
		    first_is_args ? "args" : "extra_args", p->path);
	return 0;
}

int profile_check(const struct profile *p, struct pl_err *err)
{
	static int (*const checks[])(struct check *) = {
	    check_required,    check_cpu,     check_pinning, check_memory,   check_gpus,
	    check_pci_overlap, check_storage, check_nets,    check_firmware, check_display,
	    check_trust,       check_devices, check_audio,   check_inputs,   check_memory_options,
	};
	struct check c = {p, err};

	for (size_t i = 0; i < N_ELEMENTS(checks); i++) {
		int r = checks[i](&c);
		if (r < 0)
			return r;
	}
	if (p->cpu.iothread_pin.n && !p->cpu.iothreads) {
		bool any = false;
		for (size_t i = 0; i < p->n_disks; i++)
			any |= p->disks[i].iothread != TRI_NO &&
			       (p->disks[i].bus == BUS_VIRTIO || p->disks[i].bus == BUS_SCSI);
		if (!any)
			log_warn("%s:%d: iothread_pin is set but no disk uses an iothread", p->path,
				 profile_key_line(p, "cpu", "iothread_pin"));
	}
	return 0;
}
