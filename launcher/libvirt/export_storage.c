#include "export.h"

#include <string.h>

static const char *const caches[] = {[CACHE_NONE] = "none",
				     [CACHE_WRITEBACK] = "writeback",
				     [CACHE_WRITETHROUGH] = "writethrough",
				     [CACHE_DIRECTSYNC] = "directsync",
				     [CACHE_UNSAFE] = "unsafe"};

/* The AIO passlaunch runs a disk with (auto: native with O_DIRECT). */
static const char *aio_of(const struct profile_disk *d)
{
	static const char *const names[] = {
	    [AIO_IO_URING] = "io_uring", [AIO_NATIVE] = "native", [AIO_THREADS] = "threads"};

	if (d->aio != AIO_AUTO)
		return names[d->aio];
	return d->cache == CACHE_NONE || d->cache == CACHE_DIRECTSYNC ? "native" : "threads";
}

/* The target name libvirt gives a disk on BUS: vdX for virtio, sdX for
 * SATA and SCSI, which share the letters. */
static void target(xmlNode *disk, bool virtio, const char *bus, unsigned *vd, unsigned *sd)
{
	unsigned n = virtio ? (*vd)++ : (*sd)++;
	xmlNode *t = xo_child(disk, "target");

	xo_attr(t, "dev", "%s%c", virtio ? "vd" : "sd", 'a' + (char)(n % 26));
	xo_attr(t, "bus", "%s", bus);
}

/* What [disk] says of itself that libvirt 9.0 has no attribute for. */
static void disk_unsupported(struct export *ex, const struct profile_disk *d)
{
	static const char *const keys[] = {"model",
					   "vendor",
					   "product",
					   "rotation_rate",
					   "logical_block_size",
					   "physical_block_size",
					   "detect_zeroes",
					   "queues"};

	for (size_t i = 0; i < N_ELEMENTS(keys); i++) {
		char section[80];
		snprintf(section, sizeof(section), "disk.%s", d->ref.label);
		if (profile_key_line(ex->p, section, keys[i]))
			ex_warn(ex, section, keys[i],
				"not written for libvirt (no attribute for it "
				"in passlaunch's export yet)");
	}
}

static void export_disk(struct export *ex, const struct profile_disk *d, unsigned *vd, unsigned *sd,
			unsigned *iothread)
{
	static const char *const buses[] = {[BUS_VIRTIO] = "virtio",
					    [BUS_SCSI] = "scsi",
					    [BUS_NVME] = "virtio",
					    [BUS_SATA] = "sata"};
	bool block = !strncmp(d->source, "/dev/", 5);
	xmlNode *disk = xo_child(ex->devices, "disk");
	xmlNode *driver = xo_attr(xo_child(disk, "driver"), "name", "qemu");

	xo_attr(disk, "type", "%s", block ? "block" : "file");
	xo_attr(disk, "device", "disk");
	if (d->format != FORMAT_AUTO)
		xo_attr(driver, "type", "%s", d->format == FORMAT_QCOW2 ? "qcow2" : "raw");
	xo_attr(driver, "cache", "%s", caches[d->cache]);
	xo_attr(driver, "io", "%s", aio_of(d));
	xo_attr(driver, "discard", "%s", d->discard ? "unmap" : "ignore");
	if (d->bus == BUS_VIRTIO && d->iothread != TRI_NO)
		xo_attr(driver, "iothread", "%u", ++*iothread);
	if (d->bus == BUS_SCSI && d->iothread != TRI_NO) {
		char section[80];
		snprintf(section, sizeof(section), "disk.%s", d->ref.label);
		ex_warn(ex, section, "iothread",
			"libvirt gives the SCSI controller the I/O thread, which the export does "
			"not write yet: left out");
	}
	xo_attr(xo_child(disk, "source"), block ? "dev" : "file", "%s", d->source);
	target(disk, d->bus == BUS_VIRTIO || d->bus == BUS_NVME, buses[d->bus], vd, sd);
	if (d->bus == BUS_NVME) {
		char section[80];
		snprintf(section, sizeof(section), "disk.%s", d->ref.label);
		ex_warn(ex, section, "bus", "libvirt 9.0 has no NVMe disk: written as virtio");
	}
	if (d->serial)
		xo_text(disk, "serial", "%s", d->serial);
	ex_alias(disk, d->ref.label);
	if (d->readonly)
		xo_child(disk, "readonly");
	if (d->boot)
		xo_attr(xo_child(disk, "boot"), "order", "%u", d->boot);
	disk_unsupported(ex, d);
}

static void export_cdrom(struct export *ex, const struct profile_cdrom *c, unsigned *vd,
			 unsigned *sd)
{
	xmlNode *disk = xo_child(ex->devices, "disk");

	xo_attr(disk, "type", "file");
	xo_attr(disk, "device", "cdrom");
	xo_attr(xo_child(disk, "driver"), "name", "qemu");
	if (c->source)
		xo_attr(xo_child(disk, "source"), "file", "%s", c->source);
	target(disk, false, "sata", vd, sd);
	xo_child(disk, "readonly");
	ex_alias(disk, c->ref.label);
	if (c->boot)
		xo_attr(xo_child(disk, "boot"), "order", "%u", c->boot);
}

unsigned ex_iothreads(const struct profile *p)
{
	unsigned n = p->cpu.iothreads;

	for (size_t i = 0; i < p->n_disks; i++)
		n += p->disks[i].bus == BUS_VIRTIO && p->disks[i].iothread != TRI_NO;
	return n;
}

void export_storage(struct export *ex)
{
	const struct profile *p = ex->p;
	unsigned vd = 0, sd = 0, iothreads = 0;

	for (size_t i = 0; i < p->n_disks; i++)
		export_disk(ex, &p->disks[i], &vd, &sd, &iothreads);
	for (size_t i = 0; i < p->n_cdroms; i++)
		export_cdrom(ex, &p->cdroms[i], &vd, &sd);
	if (ex_iothreads(p))
		xo_text(ex->root, "iothreads", "%u", ex_iothreads(p));
}
