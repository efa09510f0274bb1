#include "import.h"

#include "profile/profile.h"

/* The <controller type='scsi'> a disk's <address type='drive'> names (its
 * index, 0 when the disk names none). */
static xmlNode *scsi_controller_of(struct import *im, xmlNode *disk)
{
	xmlNode *devices = dx_child(im->d->root, "devices");
	_cleanup_free_ char *index = dx_attr(dx_child(disk, "address"), "controller");

	for (xmlNode *c = dx_child(devices, "controller"); c; c = dx_next(c)) {
		_cleanup_free_ char *i = dx_attr(c, "index");
		if (dx_attr_is(c, "type", "scsi") && streq(i ? i : "0", index ? index : "0"))
			return c;
	}
	return NULL;
}

/* The <driver> that holds a disk's I/O thread and queues: the disk's own,
 * or on SCSI its controller's. */
static xmlNode *queue_driver(struct import *im, xmlNode *disk)
{
	_cleanup_free_ char *bus = dx_attr(dx_child(disk, "target"), "bus");

	if (bus && streq(bus, "scsi"))
		return dx_child(scsi_controller_of(im, disk), "driver");
	return dx_child(disk, "driver");
}

char *im_disk_iothread(struct import *im, xmlNode *disk)
{
	return dx_attr(queue_driver(im, disk), "iothread");
}

/* passlaunch's SCSI disks sit on a virtio-scsi controller each. */
static void import_scsi_controller(struct import *im, xmlNode *disk)
{
	xmlNode *c = scsi_controller_of(im, disk);
	_cleanup_free_ char *model = dx_attr(c, "model");

	if (model && !streq(model, "virtio-scsi"))
		dx_warn(im->d, c, "a %s SCSI controller: passlaunch's is virtio-scsi", model);
}

/* UINT attribute ATTR of N as KEY, when it is a number up to MAX. */
static void number_key(struct import *im, const char *section, const char *key, xmlNode *n,
		       const char *attr, unsigned long max)
{
	_cleanup_free_ char *text = dx_attr(n, attr);
	unsigned v;

	if (!text)
		return;
	if (im_number(text, max, &v) && v)
		ini_set(&im->out, section, key, "%u", v);
	else
		dx_warn(im->d, n, "%s='%s' is not a number from 1 to %lu: left out", attr, text,
			max);
}

/* What the guest is told of the disk: identity, geometry, queues, zeroes. */
static void import_identity(struct import *im, xmlNode *disk, const char *section)
{
	xmlNode *driver = dx_child(disk, "driver");
	xmlNode *blockio = dx_child(disk, "blockio");
	_cleanup_free_ char *zeroes = dx_attr(driver, "detect_zeroes");
	static const char *const texts[] = {"serial", "vendor", "product"};

	for (size_t i = 0; i < N_ELEMENTS(texts); i++) {
		xmlNode *n = dx_child(disk, texts[i]);
		_cleanup_free_ char *text = n ? dx_text(n) : NULL;
		if (text)
			ini_set(&im->out, section, texts[i], "%s", text);
	}
	number_key(im, section, "rotation_rate", dx_child(disk, "target"), "rotation_rate", 65535);
	number_key(im, section, "logical_block_size", blockio, "logical_block_size", 32768);
	number_key(im, section, "physical_block_size", blockio, "physical_block_size", 32768);
	number_key(im, section, "queues", queue_driver(im, disk), "queues", 64);
	/* unmap needs discard: without it libvirt runs it as on (and
	 * passlaunch refuses unmap alone). */
	if (zeroes && streq(zeroes, "unmap") && !dx_attr_is(driver, "discard", "unmap"))
		ini_set(&im->out, section, "detect_zeroes", "on");
	else if (zeroes && !streq(zeroes, "default"))
		ini_set(&im->out, section, "detect_zeroes", "%s", zeroes);
}

static void import_driver(struct import *im, xmlNode *driver, const char *section)
{
	_cleanup_free_ char *format = dx_attr(driver, "type");
	_cleanup_free_ char *cache = dx_attr(driver, "cache");
	_cleanup_free_ char *io = dx_attr(driver, "io");
	_cleanup_free_ char *discard = dx_attr(driver, "discard");

	if (format)
		ini_set(&im->out, section, "format", "%s", format);
	ini_set(&im->out, section, "cache", "%s",
		cache && !streq(cache, "default") ? cache : "writeback");
	ini_set(&im->out, section, "aio", "%s", io ? io : "threads");
	ini_set(&im->out, section, "discard", "%s",
		discard && streq(discard, "unmap") ? "yes" : "no");
}

/* One more SATA device: false when the ports are all taken (libvirt adds
 * a controller; passlaunch has one). */
static bool sata_port_free(unsigned *n_sata)
{
	return ++*n_sata <= SATA_PORTS;
}

/* <disk>: a file or block device on a bus, with its driver's options. */
static void import_disk(struct import *im, xmlNode *disk, unsigned *n_disks, unsigned *n_cdroms,
			unsigned *n_sata)
{
	_cleanup_free_ char *device = dx_attr(disk, "device");
	_cleanup_free_ char *type = dx_attr(disk, "type");
	xmlNode *driver = dx_child(disk, "driver");
	_cleanup_free_ char *path =
	    dx_attr(dx_child(disk, "source"), type && streq(type, "block") ? "dev" : "file");
	_cleanup_free_ char *bus = dx_attr(dx_child(disk, "target"), "bus");
	_cleanup_free_ char *format = dx_attr(driver, "type");
	_cleanup_free_ char *iothread = NULL;
	bool cdrom = device && streq(device, "cdrom");
	char section[IM_SECTION_LEN], fallback[16];

	if (device && !streq(device, "disk") && !cdrom) {
		dx_warn(im->d, disk, "a %s: passlaunch has disks and CD-ROMs", device);
		return;
	}
	if (type && !streq(type, "file") && !streq(type, "block")) {
		dx_warn(im->d, disk, "a disk of type %s: give its path (virsh vol-path)", type);
		return;
	}
	if (!cdrom && path && !ini_value_ok(path)) {
		/* A disk with no source is no disk: the profile would be refused. */
		dx_use_all(disk);
		dx_warn(im->d, disk,
			"a path a profile cannot hold (a control character, a comment's ';', or "
			"what is not text): left out; rename the file");
		return;
	}
	if (!cdrom && format && !streq(format, "raw") && !streq(format, "qcow2")) {
		/* As format = auto it would be opened raw, and written over. */
		dx_use_all(disk);
		dx_warn(im->d, disk,
			"a %s image, which passlaunch does not open (raw and qcow2 only): left "
			"out; convert it: qemu-img convert -O qcow2 FILE FILE.qcow2",
			format);
		return;
	}
	if (!cdrom && dx_child(disk, "readonly") && bus &&
	    (streq(bus, "sata") || streq(bus, "ide"))) {
		/* Never written as writable: what it holds was meant to stay. */
		dx_use_all(disk);
		dx_warn(im->d, disk,
			"a read-only SATA disk, which QEMU refuses (libvirt cannot start it "
			"either): left out; on bus = virtio or scsi it can be read-only");
		return;
	}
	if (cdrom && !sata_port_free(n_sata)) {
		dx_use_all(disk);
		dx_warn(im->d, disk,
			"a CD-ROM past the %d SATA ports passlaunch's CD-ROMs and SATA disks "
			"share: left out; move a SATA disk to virtio",
			SATA_PORTS);
		return;
	}
	snprintf(fallback, sizeof(fallback), cdrom ? "cd%u" : "disk%u",
		 cdrom ? (*n_cdroms)++ : (*n_disks)++);
	im_section(im, disk, cdrom ? "cdrom" : "disk", fallback, section);
	if (cdrom && !im->first_cdrom[0])
		snprintf(im->first_cdrom, sizeof(im->first_cdrom), "%s", section);
	if (!cdrom && !im->first_disk[0])
		snprintf(im->first_disk, sizeof(im->first_disk), "%s", section);
	dx_use_children(disk,
			(const char *const[]){"driver", "source", "target", "serial", "boot",
					      "readonly", "blockio", "vendor", "product", NULL});
	if (path)
		ini_set(&im->out, section, "source", "%s", path);
	else if (cdrom)
		ini_comment(&im->out, section, "an empty drive, for a disc inserted later");
	if (cdrom) {
		im_boot(im, disk, section);
		return;
	}
	if (!path)
		dx_warn(im->d, disk, "a disk with no source: give it one");
	/* No <driver>: QEMU's defaults all the same, not passlaunch's. */
	import_driver(im, driver, section);
	if (bus && (streq(bus, "sata") || streq(bus, "ide")) && !sata_port_free(n_sata)) {
		dx_warn(im->d, disk,
			"a SATA disk past the %d SATA ports passlaunch has: written on virtio "
			"(the guest needs its driver)",
			SATA_PORTS);
		ini_set(&im->out, section, "bus", "virtio");
	} else if (bus) {
		ini_set(&im->out, section, "bus", "%s", streq(bus, "ide") ? "sata" : bus);
	}
	if (bus && streq(bus, "scsi"))
		import_scsi_controller(im, disk);
	iothread = im_disk_iothread(im, disk);
	ini_set(&im->out, section, "iothread", "%s", iothread ? "yes" : "no");
	if (dx_child(disk, "readonly"))
		ini_set(&im->out, section, "readonly", "yes");
	im_boot(im, disk, section);
	import_identity(im, disk, section);
}

void import_disks(struct import *im, xmlNode *devices)
{
	unsigned n_disks = 0, n_cdroms = 0, n_sata = 0;

	for (xmlNode *d = dx_child(devices, "disk"); d; d = dx_next(d))
		import_disk(im, d, &n_disks, &n_cdroms, &n_sata);
}
