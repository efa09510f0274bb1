#include "pciaddr.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static int parse_hex(const char **pp, size_t min_digits, size_t max_digits, unsigned *out)
{
	const char *p = *pp;
	unsigned v = 0;
	size_t n = 0;

	for (; isxdigit((unsigned char)*p) && n < max_digits; p++, n++) {
		int c = tolower((unsigned char)*p);
		v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	if (n < min_digits || isxdigit((unsigned char)*p))
		return -EINVAL;
	*out = v;
	*pp = p;
	return 0;
}

static int expect(const char **pp, char c)
{
	if (**pp != c)
		return -EINVAL;
	(*pp)++;
	return 0;
}

int pci_addr_parse(const char *text, struct pci_addr *addr, const char **why)
{
	const char *p = text;
	struct pci_addr a = {0};
	bool has_domain = strchr(text, ':') != strrchr(text, ':');

	*why = "not a PCI address";
	if (has_domain && (parse_hex(&p, 4, 8, &a.domain) < 0 || expect(&p, ':') < 0))
		return -EINVAL;
	if (parse_hex(&p, 2, 2, &a.bus) < 0 || expect(&p, ':') < 0 ||
	    parse_hex(&p, 2, 2, &a.slot) < 0 || expect(&p, '.') < 0 ||
	    parse_hex(&p, 1, 1, &a.func) < 0 || *p != '\0')
		return -EINVAL;
	if (a.slot > 0x1f) {
		*why = "the slot goes up to 1f";
		return -EINVAL;
	}
	if (a.func > 7) {
		*why = "the function goes up to 7";
		return -EINVAL;
	}
	*addr = a;
	return 0;
}

void pci_addr_format(const struct pci_addr *addr, char *buf)
{
	snprintf(buf, PCI_ADDR_LEN, "%04x:%02x:%02x.%x", addr->domain, addr->bus, addr->slot,
		 addr->func);
}

bool pci_addr_same_slot(const struct pci_addr *a, const struct pci_addr *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}
