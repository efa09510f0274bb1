#include "qemu_argv_pci.h"

/* Every passed device sits behind its own PCIe root port, as on real
 * hardware: GPU drivers read the link, and Windows expects a PCIe topology. */
static void add_root_port(struct argv_builder *b, const char *label)
{
	argv_opt(b, "-device", "pcie-root-port,id=rp.%s,chassis=%u", label, b->next_chassis++);
}

static void add_gpu(struct argv_builder *b, const struct profile_gpu *g, uint8_t functions)
{
	bool multi = __builtin_popcount(functions) > 1;
	unsigned guest_func = 0;

	add_root_port(b, g->ref.label);
	for (unsigned fn = 0; fn < 8; fn++) {
		struct pci_addr host = g->address;
		char addr[PCI_ADDR_LEN];
		_cleanup_free_ char *id = NULL;
		if (!(functions & (1u << fn)))
			continue;
		host.func = fn;
		pci_addr_format(&host, addr);
		/* Guest functions are numbered from 0: a slot must have function 0. */
		id = guest_func ? xasprintf("%s.%u", g->ref.label, guest_func)
				: xstrdup(g->ref.label);
		argv_opt(b, "-device", "vfio-pci,host=%s,id=%s,bus=rp.%s,addr=00.%u%s%s%s%s", addr,
			 id, g->ref.label, guest_func,
			 guest_func == 0 && multi ? ",multifunction=on" : "",
			 guest_func == 0 && g->primary ? ",x-vga=on" : "",
			 guest_func == 0 && g->rom ? ",romfile=" : "",
			 guest_func == 0 && g->rom ? g->rom : "");
		guest_func++;
	}
}

static void add_pci(struct argv_builder *b, const struct profile_pci *d)
{
	char addr[PCI_ADDR_LEN];

	pci_addr_format(&d->address, addr);
	add_root_port(b, d->ref.label);
	argv_opt(b, "-device", "vfio-pci,host=%s,id=%s,bus=rp.%s%s%s", addr, d->ref.label,
		 d->ref.label, d->rom ? ",romfile=" : "", d->rom ? d->rom : "");
}

void argv_add_passthrough(struct argv_builder *b)
{
	for (size_t i = 0; i < b->p->n_gpus; i++)
		add_gpu(b, &b->p->gpus[i], b->f->gpu_functions[i]);
	for (size_t i = 0; i < b->p->n_pcis; i++)
		add_pci(b, &b->p->pcis[i]);
}
