/* check PROFILE: how each passed device is reset between runs, and what a
 * second start can expect from that. */
#include "check_reset.h"

#include "host/gpu_reset.h"
#include "host/pci_sysfs.h"

/* The AMD reset bug: such a card reports resets that leave it hung. */
static void check_vendor_reset(const char *bdf, const struct reset_facts *f, struct check_report *r)
{
	if (reset_offers(f, "device_specific"))
		check_add(r, CHECK_PASS, "reset", NULL,
			  "%s (AMD %s): vendor-reset's device-specific reset is selected", bdf,
			  f->vendor_reset_family);
	else if (f->vendor_reset_loaded)
		check_add(r, CHECK_WARN, "reset", "set [gpu] reset_method = device_specific",
			  "%s (AMD %s): vendor-reset is loaded, but the reset method is '%s': "
			  "a second start will likely hang the card",
			  bdf, f->vendor_reset_family, f->methods);
	else
		check_add(r, CHECK_WARN, "reset",
			  "install and load the vendor-reset module (DKMS), then set [gpu] "
			  "reset_method = device_specific",
			  "%s (AMD %s) does not reset without vendor-reset: a second start will "
			  "likely fail until the host reboots",
			  bdf, f->vendor_reset_family);
}

static void check_methods(const char *bdf, const struct reset_facts *f, struct check_report *r)
{
	static const char *const fix =
	    "a slot where the card is alone behind its bridge gives it a bus reset; "
	    "otherwise reboot the host between runs";

	if (reset_offers(f, "flr") || reset_offers(f, "af_flr"))
		check_add(r, CHECK_PASS, "reset", NULL, "%s: %s (the device resets itself)", bdf,
			  f->methods);
	else if (reset_offers(f, "bus") || reset_offers(f, "cxl_bus") ||
		 reset_offers(f, "device_specific") || reset_offers(f, "acpi"))
		check_add(r, CHECK_PASS, "reset", NULL, "%s: %s", bdf, f->methods);
	else if (*f->methods)
		check_add(r, CHECK_WARN, "reset", fix,
			  "%s: only '%s', a power-state reset many GPUs ignore: a second start "
			  "may fail",
			  bdf, f->methods);
	else
		check_add(r, CHECK_WARN, "reset", fix,
			  "%s: the kernel offers no reset: a second start will likely fail", bdf);
}

/* AMD GPUs of late (RX 9000, Ryzen iGPUs) can sink into D3cold between
 * runs and not come back. */
static void check_d3cold(const char *bdf, const struct reset_facts *f, struct check_report *r)
{
	if (!f->amd_gpu || f->d3cold_allowed != 1 || f->disable_idle_d3)
		return;
	check_add(r, CHECK_WARN, "power states",
		  "echo 0 > /sys/bus/pci/devices/BDF/d3cold_allowed, or boot with "
		  "vfio_pci.disable_idle_d3=1",
		  "%s: d3cold_allowed is 1 and vfio-pci lets idle devices sleep: AMD GPUs can "
		  "stay stuck in D3cold between runs",
		  bdf);
}

void check_resets(const struct strv *passed, struct check_report *r)
{
	for (size_t i = 0; i < passed->n; i++) {
		struct reset_facts f;
		if (!pci_exists(passed->v[i]))
			continue;
		reset_facts_read(passed->v[i], &f);
		if (f.vendor_reset_family)
			check_vendor_reset(passed->v[i], &f, r);
		else
			check_methods(passed->v[i], &f, r);
		check_d3cold(passed->v[i], &f, r);
	}
}
