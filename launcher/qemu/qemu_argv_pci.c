#include "qemu_argv_pci.h"

/* Where a passed device goes: on q35 behind a PCIe root port of its own, as
 * on real hardware (GPU drivers read the link, Windows expects a PCIe
 * topology); on pc, which has no PCIe, in a slot of its own on pci.0.
 * Writes the bus and returns the slot, for the device's functions. */
static unsigned open_slot(struct argv_builder *b, const char *label, char *bus, size_t len)
{
	if (!machine_is_q35(b->p->qemu.machine)) {
		snprintf(bus, len, "pci.0");
		return b->next_slot++;
	}
	argv_opt(b, "-device", "pcie-root-port,id=rp.%s,chassis=%u", label, b->next_chassis++);
	snprintf(bus, len, "rp.%s", label);
	return 0;
}

/* A passed device's -device value: on the command line, or in the list of
 * devices added once QEMU is up (when the launcher splits them out). */
static void add_passed(struct argv_builder *b, char *spec)
{
	if (b->hotplug) {
		strv_push_owned(b->hotplug, spec);
		return;
	}
	strv_push(b->argv, "-device");
	strv_push_owned(b->argv, spec);
}

/* A slot is complete once it has function 0: it goes last. */
static void reverse_from(struct strv *s, size_t first)
{
	for (size_t i = first, j = s->n; i + 1 < j; i++) {
		char *t = s->v[i];
		s->v[i] = s->v[--j];
		s->v[j] = t;
	}
}

static void add_gpu(struct argv_builder *b, const struct profile_gpu *g, uint8_t functions)
{
	bool multi = __builtin_popcount(functions) > 1;
	unsigned guest_func = 0;
	char bus[64];
	unsigned slot = open_slot(b, g->ref.label, bus, sizeof(bus));
	size_t first = b->hotplug ? b->hotplug->n : 0;

	for (unsigned fn = 0; fn < 8; fn++) {
		struct pci_addr host = g->address;
		char addr[PCI_ADDR_LEN];
		_cleanup_free_ char *id = NULL;
		const char *rom;
		if (!(functions & (1u << fn)))
			continue;
		host.func = fn;
		pci_addr_format(&host, addr);
		/* Guest functions are numbered from 0: a slot must have function 0. */
		id = guest_func ? xasprintf("%s.%u", g->ref.label, guest_func)
				: xstrdup(g->ref.label);
		rom = profile_gpu_rom(g, fn);
		add_passed(b, xasprintf("vfio-pci,host=%s,id=%s,bus=%s,addr=%02x.%u%s%s%s%s%s",
					addr, id, bus, slot, guest_func,
					guest_func == 0 && multi ? ",multifunction=on" : "",
					guest_func == 0 && g->primary ? ",x-vga=on" : "",
					rom ? ",romfile=" : "", rom ? rom : "",
					profile_gpu_rombar(g, fn) ? "" : ",rombar=0"));
		guest_func++;
	}
	if (b->hotplug)
		reverse_from(b->hotplug, first);
}

static void add_pci(struct argv_builder *b, const struct profile_pci *d)
{
	char addr[PCI_ADDR_LEN];

	char bus[64], slot[24] = "", boot[24] = "";
	unsigned n = open_slot(b, d->ref.label, bus, sizeof(bus));

	pci_addr_format(&d->address, addr);
	if (n)
		snprintf(slot, sizeof(slot), ",addr=%02x.0", n);
	if (d->boot)
		snprintf(boot, sizeof(boot), ",bootindex=%u", d->boot);
	add_passed(b, xasprintf("vfio-pci,host=%s,id=%s,bus=%s%s%s%s%s%s", addr, d->ref.label, bus,
				slot, d->rom ? ",romfile=" : "", d->rom ? d->rom : "",
				d->rombar ? "" : ",rombar=0", boot));
}

void argv_add_passthrough(struct argv_builder *b)
{
	for (size_t i = 0; i < b->p->n_gpus; i++)
		add_gpu(b, &b->p->gpus[i], b->f->gpu_functions[i]);
	for (size_t i = 0; i < b->p->n_pcis; i++)
		add_pci(b, &b->p->pcis[i]);
}
