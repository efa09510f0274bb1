#include "gpu_reset.h"

#include "base/log.h"
#include "base/paths.h"
#include "base/pciaddr.h"
#include "pci_sysfs.h"
#include "sysfs.h"

#include <errno.h>
#include <unistd.h>

/* The AMD GPUs whose reset the vendor-reset module provides (its device
 * table): without it, each resets only with the host. */
static const struct {
	const char *family;
	unsigned short ids[16];
} vendor_reset_gpus[] = {
    {"Polaris 10",
     {0x67c0, 0x67c1, 0x67c2, 0x67c4, 0x67c7, 0x67d0, 0x67df, 0x67c8, 0x67c9, 0x67ca, 0x67cc,
      0x67cf, 0x6fdf}},
    {"Polaris 11", {0x67e0, 0x67e3, 0x67e8, 0x67eb, 0x67ef, 0x67ff, 0x67e1, 0x67e7, 0x67e9}},
    {"Polaris 12", {0x6980, 0x6981, 0x6985, 0x6986, 0x6987, 0x6995, 0x6997, 0x699f}},
    {"Vega 10",
     {0x6860, 0x6861, 0x6862, 0x6863, 0x6864, 0x6867, 0x6868, 0x6869, 0x686a, 0x686b, 0x686c,
      0x686d, 0x686e, 0x686f, 0x687f}},
    {"Vega 20", {0x66a0, 0x66a1, 0x66a2, 0x66a3, 0x66a4, 0x66a7, 0x66af, 0x738c}},
    {"Navi 10", {0x7310, 0x7312, 0x7318, 0x7319, 0x731a, 0x731b, 0x731e, 0x731f, 0x1681}},
    {"Navi 14", {0x7340, 0x7341, 0x7347, 0x734f}},
    {"Navi 12", {0x7360, 0x7362}},
};

static const char *vendor_reset_family(const char *vendor, const char *device)
{
	unsigned long id = strtoul(device, NULL, 16);

	if (!streq(vendor, "1002"))
		return NULL;
	for (size_t f = 0; f < N_ELEMENTS(vendor_reset_gpus); f++)
		for (size_t i = 0; i < N_ELEMENTS(vendor_reset_gpus[f].ids); i++)
			if (vendor_reset_gpus[f].ids[i] && vendor_reset_gpus[f].ids[i] == id)
				return vendor_reset_gpus[f].family;
	return NULL;
}

void reset_facts_read(const char *bdf, struct reset_facts *f)
{
	_cleanup_free_ char *module = xasprintf("%s/module/vendor_reset", path_sysfs());
	_cleanup_free_ char *idle =
	    xasprintf("%s/module/vfio_pci/parameters/disable_idle_d3", path_sysfs());
	char vendor[16], device[16], class[16], d3[16], yn[8];

	*f = (struct reset_facts){.d3cold_allowed = -1};
	pci_read(bdf, "reset_method", f->methods, sizeof(f->methods));
	pci_read_id(bdf, "vendor", vendor, sizeof(vendor));
	pci_read_id(bdf, "device", device, sizeof(device));
	pci_read_id(bdf, "class", class, sizeof(class));
	f->vendor_reset_family = vendor_reset_family(vendor, device);
	f->vendor_reset_loaded = access(module, F_OK) == 0;
	f->amd_gpu = streq(vendor, "1002") && !strncmp(class, "03", 2);
	pci_read(bdf, "d3cold_allowed", d3, sizeof(d3));
	if (*d3)
		f->d3cold_allowed = atoi(d3);
	f->disable_idle_d3 =
	    sysfs_read_str(idle, yn, sizeof(yn)) == 0 && (*yn == 'Y' || *yn == '1');
}

bool reset_offers(const struct reset_facts *f, const char *method)
{
	size_t n = strlen(method);

	for (const char *s = strstr(f->methods, method); s; s = strstr(s + 1, method))
		if ((s == f->methods || s[-1] == ' ') && (s[n] == '\0' || s[n] == ' '))
			return true;
	return false;
}

static void gpu_bdf(const struct profile_gpu *g, char *bdf)
{
	pci_addr_format(&g->address, bdf);
}

int gpu_reset_check(const struct profile *p, struct pl_err *err)
{
	for (size_t i = 0; i < p->n_gpus; i++) {
		const struct profile_gpu *g = &p->gpus[i];
		_cleanup_free_ char *want = NULL;
		_cleanup_free_ char *section = xasprintf("gpu.%s", g->ref.label);
		struct reset_facts f;
		char bdf[PCI_ADDR_LEN], *save = NULL;
		if (!g->reset_method)
			continue;
		gpu_bdf(g, bdf);
		reset_facts_read(bdf, &f);
		want = xstrdup(g->reset_method);
		for (char *m = strtok_r(want, " ", &save); m; m = strtok_r(NULL, " ", &save))
			if (!reset_offers(&f, m))
				return err_set(
				    err, ENOTSUP,
				    "%s:%d: reset_method names %s, but the kernel offers "
				    "%s %s%s; name only those (passlaunch check shows them)",
				    p->path, profile_key_line(p, section, "reset_method"), m, bdf,
				    *f.methods ? "only: " : "no reset method", f.methods);
	}
	return 0;
}

int gpu_reset_prepare(const struct profile *p, struct journal *j, struct pl_err *err)
{
	for (size_t i = 0; i < p->n_gpus; i++) {
		const struct profile_gpu *g = &p->gpus[i];
		_cleanup_free_ char *path = NULL;
		char bdf[PCI_ADDR_LEN], old[128];
		int r;
		if (!g->reset_method)
			continue;
		gpu_bdf(g, bdf);
		path = pci_dev_path(bdf, "reset_method");
		if (sysfs_read_str(path, old, sizeof(old)) < 0 || !*old)
			return err_set(err, ENOTSUP, "%s offers no reset method to choose from",
				       bdf);
		if (streq(old, g->reset_method))
			continue;
		r = journal_sysfs_write(j, path, old, err);
		if (r < 0)
			return r;
		r = sysfs_write_str(path, g->reset_method);
		if (r < 0)
			return err_set(err, -r, "cannot set the reset method of %s to %s: %s", bdf,
				       g->reset_method, strerror(-r));
		log_info("%s: reset by %s for the run (was %s)", bdf, g->reset_method, old);
	}
	return 0;
}
