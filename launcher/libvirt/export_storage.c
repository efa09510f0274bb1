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

/* The target libvirt gives a disk on BUS: vdX for virtio, sdX for SATA and
 * SCSI, which share the letters (*NEXT counts them). */
static xmlNode *target_of(xmlNode *disk, bool virtio, const char *bus, unsigned *next)
{
	unsigned n = (*next)++;
	xmlNode *t = xo_child(disk, "target");

	xo_attr(t, "dev", "%s%c", virtio ? "vd" : "sd", 'a' + (char)(n % 26));
	xo_attr(t, "bus", "%s", bus);
	return t;
}

static void warn_disk(struct export *ex, const struct profile_disk *d, const char *key,
		      const char *message)
{
	_cleanup_free_ char *section = xasprintf("disk.%s", d->ref.label);
	ex_warn(ex, section, key, "%s", message);
}

/* What the guest is told of the disk: identity, geometry, zero detection. */
static void disk_identity(struct export *ex, const struct profile_disk *d, xmlNode *disk,
			  xmlNode *driver, xmlNode *target)
{
	static const char *const zeroes[] = {
	    [ZEROES_OFF] = "off", [ZEROES_ON] = "on", [ZEROES_UNMAP] = "unmap"};

	if (d->detect_zeroes != ZEROES_OFF)
		xo_attr(driver, "detect_zeroes", "%s", zeroes[d->detect_zeroes]);
	if (d->rotation_rate)
		xo_attr(target, "rotation_rate", "%u", d->rotation_rate);
	if (d->logical_block_size || d->physical_block_size) {
		xmlNode *blockio = xo_child(disk, "blockio");
		if (d->logical_block_size)
			xo_attr(blockio, "logical_block_size", "%u", d->logical_block_size);
		if (d->physical_block_size)
			xo_attr(blockio, "physical_block_size", "%u", d->physical_block_size);
	}
	if (d->vendor)
		xo_text(disk, "vendor", "%s", d->vendor);
	if (d->product)
		xo_text(disk, "product", "%s", d->product);
	if (d->model)
		warn_disk(ex, d, "model",
			  "libvirt 9.0 names no SATA disk's model (vendor and product are "
			  "SCSI's): left out");
}

/* passlaunch gives each SCSI disk a virtio-scsi controller of its own, which
 * holds the disk's I/O thread and queues; libvirt's default model would be
 * an LSI one. */
static void scsi_controller(struct export *ex, const struct profile_disk *d, xmlNode *disk,
			    unsigned index, unsigned iothread)
{
	xmlNode *c = xo_child(ex->devices, "controller");
	xmlNode *address = xo_child(disk, "address");

	xo_attr(c, "type", "scsi");
	xo_attr(c, "index", "%u", index);
	xo_attr(c, "model", "virtio-scsi");
	if (iothread || d->queues) {
		xmlNode *driver = xo_child(c, "driver");
		if (iothread)
			xo_attr(driver, "iothread", "%u", iothread);
		if (d->queues)
			xo_attr(driver, "queues", "%u", d->queues);
	}
	xo_attr(address, "type", "drive");
	xo_attr(address, "controller", "%u", index);
	xo_attr(address, "bus", "0");
	xo_attr(address, "target", "0");
	xo_attr(address, "unit", "0");
}

static bool has_iothread(const struct profile_disk *d)
{
	return (d->bus == BUS_VIRTIO || d->bus == BUS_SCSI) && d->iothread != TRI_NO;
}

struct disk_counts {
	unsigned vd, sd, scsi, iothread;
};

static void export_disk(struct export *ex, const struct profile_disk *d, struct disk_counts *n)
{
	static const char *const buses[] = {[BUS_VIRTIO] = "virtio",
					    [BUS_SCSI] = "scsi",
					    [BUS_NVME] = "virtio",
					    [BUS_SATA] = "sata"};
	bool block = !strncmp(d->source, "/dev/", 5);
	xmlNode *disk = xo_child(ex->devices, "disk");
	xmlNode *driver = xo_attr(xo_child(disk, "driver"), "name", "qemu");
	unsigned iothread = has_iothread(d) ? ++n->iothread : 0;
	xmlNode *target;

	xo_attr(disk, "type", "%s", block ? "block" : "file");
	xo_attr(disk, "device", "disk");
	if (d->format != FORMAT_AUTO)
		xo_attr(driver, "type", "%s", d->format == FORMAT_QCOW2 ? "qcow2" : "raw");
	xo_attr(driver, "cache", "%s", caches[d->cache]);
	xo_attr(driver, "io", "%s", aio_of(d));
	xo_attr(driver, "discard", "%s", d->discard ? "unmap" : "ignore");
	if (d->bus == BUS_VIRTIO && iothread)
		xo_attr(driver, "iothread", "%u", iothread);
	if (d->bus == BUS_VIRTIO && d->queues)
		xo_attr(driver, "queues", "%u", d->queues);
	xo_attr(xo_child(disk, "source"), block ? "dev" : "file", "%s", d->source);
	target = target_of(disk, d->bus == BUS_VIRTIO || d->bus == BUS_NVME, buses[d->bus],
			   d->bus == BUS_VIRTIO || d->bus == BUS_NVME ? &n->vd : &n->sd);
	if (d->bus == BUS_NVME)
		warn_disk(ex, d, "bus", "libvirt 9.0 has no NVMe disk: written as virtio");
	if (d->serial)
		xo_text(disk, "serial", "%s", d->serial);
	ex_alias(disk, d->ref.label);
	if (d->readonly)
		xo_child(disk, "readonly");
	if (d->boot)
		xo_attr(xo_child(disk, "boot"), "order", "%u", d->boot);
	disk_identity(ex, d, disk, driver, target);
	if (d->bus == BUS_SCSI)
		scsi_controller(ex, d, disk, n->scsi++, iothread);
}

static void export_cdrom(struct export *ex, const struct profile_cdrom *c, unsigned *sd)
{
	xmlNode *disk = xo_child(ex->devices, "disk");

	xo_attr(disk, "type", "file");
	xo_attr(disk, "device", "cdrom");
	xo_attr(xo_child(disk, "driver"), "name", "qemu");
	if (c->source)
		xo_attr(xo_child(disk, "source"), "file", "%s", c->source);
	target_of(disk, false, "sata", sd);
	xo_child(disk, "readonly");
	ex_alias(disk, c->ref.label);
	if (c->boot)
		xo_attr(xo_child(disk, "boot"), "order", "%u", c->boot);
}

unsigned ex_iothreads(const struct profile *p)
{
	unsigned n = p->cpu.iothreads;

	for (size_t i = 0; i < p->n_disks; i++)
		n += has_iothread(&p->disks[i]);
	return n;
}

void export_storage(struct export *ex)
{
	const struct profile *p = ex->p;
	struct disk_counts n = {0};

	for (size_t i = 0; i < p->n_disks; i++)
		export_disk(ex, &p->disks[i], &n);
	for (size_t i = 0; i < p->n_cdroms; i++)
		export_cdrom(ex, &p->cdroms[i], &n.sd);
	if (ex_iothreads(p))
		xo_text(ex->root, "iothreads", "%u", ex_iothreads(p));
}
