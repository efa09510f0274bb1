/* check PROFILE: how each passed device is reset between runs, and what a
 * second start can expect from that. */
#include "check_reset.h"

#include "host/gpu_reset.h"
#include "base/pciaddr.h"
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

/* The devices that share the device's bus behind a bridge: vfio-pci resets
 * that bus between runs once every one of them is let go (they form one
 * device set), whatever each one offers alone. */
struct bus_share {
	bool behind_bridge;
	char bridge[PCI_ADDR_LEN];
	struct strv devices;
	const char *not_passed; /* a device on the bus that is not passed, or NULL */
};

static void bus_share_read(const char *bdf, const struct strv *passed, struct bus_share *b)
{
	*b = (struct bus_share){0};
	b->behind_bridge = pci_bus_behind_bridge(bdf, b->bridge, sizeof(b->bridge), &b->devices);
	for (size_t i = 0; i < b->devices.n && !b->not_passed; i++)
		if (!strv_contains(passed, b->devices.v[i]))
			b->not_passed = b->devices.v[i];
}

static void check_methods(const char *bdf, const struct reset_facts *f, const struct bus_share *b,
			  struct check_report *r)
{
	static const char *const fix =
	    "a slot where the card is alone behind its bridge gives it a bus reset; "
	    "otherwise reboot the host between runs";
	_cleanup_free_ char *devices = strv_join(&b->devices, ", ");

	if (reset_offers(f, "flr") || reset_offers(f, "af_flr"))
		check_add(r, CHECK_PASS, "reset", NULL, "%s: %s (the device resets itself)", bdf,
			  f->methods);
	else if (reset_offers(f, "cxl_bus") || reset_offers(f, "device_specific") ||
		 reset_offers(f, "acpi"))
		check_add(r, CHECK_PASS, "reset", NULL, "%s: %s", bdf, f->methods);
	else if (b->behind_bridge && !b->not_passed)
		check_add(r, CHECK_PASS, "reset", NULL,
			  "%s: vfio-pci resets the bus behind %s between runs, since every device "
			  "on it is passed (%s); the device alone offers '%s'",
			  bdf, b->bridge, devices, *f->methods ? f->methods : "none");
	else if (reset_offers(f, "bus") && b->not_passed)
		check_add(r, CHECK_WARN, "reset", "pass every device on that bus",
			  "%s: a bus reset would also reset %s, which is not passed: the kernel "
			  "will not reset the bus, and a second start may fail",
			  bdf, b->not_passed);
	else if (reset_offers(f, "bus"))
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
		if (f.vendor_reset_family) {
			check_vendor_reset(passed->v[i], &f, r);
		} else {
			struct bus_share b;
			bus_share_read(passed->v[i], passed, &b);
			check_methods(passed->v[i], &f, &b, r);
			strv_free(&b.devices);
		}
		check_d3cold(passed->v[i], &f, r);
	}
}
