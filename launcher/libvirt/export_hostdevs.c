#include "export.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The functions of A's slot this host has (bit N: function N), as
 * functions = all passes them; 0 when the slot is not here. */
static unsigned slot_functions(struct pci_addr a)
{
	/* No privilege here: the root a test gives is taken as it is. */
	const char *sys = getenv("PASSLAUNCH_SYSFS");
	unsigned mask = 0;

	for (unsigned fn = 0; fn < 8; fn++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%04x:%02x:%02x.%u",
			 sys && *sys ? sys : "/sys", a.domain, a.bus, a.slot, fn);
		if (access(path, F_OK) == 0)
			mask |= 1u << fn;
	}
	return mask;
}

/* One passed PCI function: its host address, ROM and boot order. */
static xmlNode *pci_hostdev(struct export *ex, struct pci_addr a, unsigned fn, const char *rom,
			    bool rombar, unsigned boot, const char *label)
{
	xmlNode *h = xo_child(ex->devices, "hostdev");
	xmlNode *addr;

	xo_attr(h, "mode", "subsystem");
	xo_attr(h, "type", "pci");
	xo_attr(h, "managed", "yes");
	xo_attr(xo_child(h, "driver"), "name", "vfio");
	addr = xo_child(xo_child(h, "source"), "address");
	xo_attr(addr, "domain", "0x%04x", a.domain);
	xo_attr(addr, "bus", "0x%02x", a.bus);
	xo_attr(addr, "slot", "0x%02x", a.slot);
	xo_attr(addr, "function", "0x%x", fn);
	if (rom || !rombar) {
		xmlNode *r = xo_child(h, "rom");
		if (rom)
			xo_attr(r, "file", "%s", rom);
		if (!rombar)
			xo_attr(r, "bar", "off");
	}
	if (boot)
		xo_attr(xo_child(h, "boot"), "order", "%u", boot);
	if (label)
		ex_alias(h, label);
	return h;
}

/* A GPU: each function passed, ROMs per function; what passlaunch does to
 * the host around it (reset method, ReBAR, release) goes in a comment. */
static void export_gpu(struct export *ex, const struct profile_gpu *g)
{
	char section[80];

	unsigned mask = g->all_functions ? slot_functions(g->address) : g->function_mask;

	snprintf(section, sizeof(section), "gpu.%s", g->ref.label);
	if (!mask) {
		ex_warn(ex, section, "address",
			"not on this host, so its functions are unknown: written with the "
			"address's function alone");
		mask = 1u << g->address.func;
	}
	for (unsigned fn = 0; fn < 8; fn++)
		if ((mask >> fn) & 1)
			pci_hostdev(ex, g->address, fn, profile_gpu_rom(g, fn),
				    profile_gpu_rombar(g, fn), 0,
				    fn == g->address.func ? g->ref.label : NULL);
	if (g->primary)
		ex_override_on(ex, g->ref.label, "x-vga");
	if (g->rebar.n || g->rebar.max)
		ex_warn(ex, section, "rebar",
			"libvirt resizes no BAR; and OVMF's 64-bit window passlaunch sizes for it "
			"needs -fw_cfg opt/ovmf/X-PciMmio64Mb in <qemu:commandline>");
	if (g->reset_method || g->release != RELEASE_HOST || g->host_driver)
		xo_comment(ex->devices,
			   "passlaunch's [%s] also sets the host's side (reset_method, rebar, "
			   "release, host_driver): in libvirt, a hook script "
			   "(/etc/libvirt/hooks/qemu.d) does that",
			   section);
}

void export_hostdevs(struct export *ex)
{
	const struct profile *p = ex->p;

	for (size_t i = 0; i < p->n_gpus; i++)
		export_gpu(ex, &p->gpus[i]);
	for (size_t i = 0; i < p->n_pcis; i++) {
		const struct profile_pci *d = &p->pcis[i];
		pci_hostdev(ex, d->address, d->address.func, d->rom, d->rombar, d->boot,
			    d->ref.label);
	}
	for (size_t i = 0; i < p->n_usbs; i++) {
		xmlNode *h = xo_child(ex->devices, "hostdev");
		xmlNode *source;
		xo_attr(h, "mode", "subsystem");
		xo_attr(h, "type", "usb");
		xo_attr(h, "managed", "yes");
		source = xo_child(h, "source");
		xo_attr(xo_child(source, "vendor"), "id", "0x%04x", p->usbs[i].vendor);
		xo_attr(xo_child(source, "product"), "id", "0x%04x", p->usbs[i].product);
		if (p->usbs[i].boot)
			xo_attr(xo_child(h, "boot"), "order", "%u", p->usbs[i].boot);
		ex_alias(h, p->usbs[i].ref.label);
	}
}
