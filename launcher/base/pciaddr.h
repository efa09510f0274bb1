/* PCI addresses as sysfs names them: DOMAIN:BUS:SLOT.FUNCTION. */
#ifndef PASSLAUNCH_PCIADDR_H
#define PASSLAUNCH_PCIADDR_H

#include <stdbool.h>
#include <stddef.h>

struct pci_addr {
	unsigned domain;
	unsigned bus;
	unsigned slot;
	unsigned func;
};

#define PCI_ADDR_LEN 24

/* Accepts "0000:0b:00.0" and lspci's short "0b:00.0" (domain 0). */
int pci_addr_parse(const char *text, struct pci_addr *addr, const char **why);
/* Writes "0000:0b:00.0"; buf must hold PCI_ADDR_LEN bytes. */
void pci_addr_format(const struct pci_addr *addr, char *buf);
bool pci_addr_same_slot(const struct pci_addr *a, const struct pci_addr *b);

#endif
