#include "qemu_argv_storage.h"

static const char *const cache_names[] = {
    [CACHE_NONE] = "none",
    [CACHE_WRITEBACK] = "writeback",
    [CACHE_WRITETHROUGH] = "writethrough",
    [CACHE_DIRECTSYNC] = "directsync",
    [CACHE_UNSAFE] = "unsafe",
};

static const char *format_name(const struct profile_disk *d)
{
	if (d->format == FORMAT_QCOW2 ||
	    (d->format == FORMAT_AUTO && str_has_suffix(d->source, ".qcow2")))
		return "qcow2";
	return "raw";
}

/* Native AIO needs O_DIRECT; io_uring would be faster but not every QEMU
 * build has it, so auto stays with what always works. */
static const char *aio_name(const struct profile_disk *d)
{
	switch (d->aio) {
	case AIO_IO_URING:
		return "io_uring";
	case AIO_NATIVE:
		return "native";
	case AIO_THREADS:
		return "threads";
	case AIO_AUTO:
		break;
	}
	return d->cache == CACHE_NONE || d->cache == CACHE_DIRECTSYNC ? "native" : "threads";
}

static bool uses_iothread(const struct profile_disk *d)
{
	return (d->bus == BUS_VIRTIO || d->bus == BUS_SCSI) && d->iothread != TRI_NO;
}

static const char *const zero_detection[] = {
    [ZEROES_OFF] = "", [ZEROES_ON] = ",detect-zeroes=on", [ZEROES_UNMAP] = ",detect-zeroes=unmap"};

/* What the guest is told about the disk: identity, geometry, queues. */
static char *disk_properties(const struct profile_disk *d)
{
	struct strv props = {0};
	char *joined;

	if (d->serial && d->bus != BUS_NVME)
		strv_pushf(&props, "serial=%s", d->serial);
	if (d->model)
		strv_pushf(&props, "model=%s", d->model);
	if (d->vendor)
		strv_pushf(&props, "vendor=%s", d->vendor);
	if (d->product)
		strv_pushf(&props, "product=%s", d->product);
	if (d->rotation_rate)
		strv_pushf(&props, "rotation_rate=%u", d->rotation_rate);
	if (d->logical_block_size)
		strv_pushf(&props, "logical_block_size=%u", d->logical_block_size);
	if (d->physical_block_size)
		strv_pushf(&props, "physical_block_size=%u", d->physical_block_size);
	if (d->queues && d->bus == BUS_VIRTIO)
		strv_pushf(&props, "num-queues=%u", d->queues);
	if (d->boot)
		strv_pushf(&props, "bootindex=%u", d->boot);
	joined = strv_join(&props, ",");
	strv_free(&props);
	if (!*joined)
		return joined;
	_cleanup_free_ char *tail = joined;
	return xasprintf(",%s", tail);
}

/* Where SATA disks go: q35's own AHCI (ide.N, shared with the CD-ROMs), or
 * on pc, whose IDE is PIIX's, an AHCI controller of their own (ahci.N). */
struct sata_ports {
	const char *bus;
	unsigned *next;
};

static void add_disk(struct argv_builder *b, size_t index, struct sata_ports sata)
{
	const struct profile_disk *d = &b->p->disks[index];
	size_t file = qemu_fd_plan_find(&b->plan, QEMU_FILE_DISK, index);
	const char *l = d->ref.label;
	_cleanup_free_ char *iothread =
	    uses_iothread(d) ? xasprintf(",iothread=iothread.%s", l) : xstrdup("");
	_cleanup_free_ char *props = disk_properties(d);
	_cleanup_free_ char *queues =
	    d->queues && d->bus == BUS_SCSI ? xasprintf(",num_queues=%u", d->queues) : xstrdup("");

	argv_add_fd(b, file);
	argv_opt(b, "-drive",
		 "file=/dev/fdset/%u,if=none,id=drive.%s,format=%s,cache=%s,aio=%s,discard=%s%s%s",
		 qemu_file_set(file), l, format_name(d), cache_names[d->cache], aio_name(d),
		 d->discard ? "unmap" : "ignore", zero_detection[d->detect_zeroes],
		 d->readonly ? ",readonly=on" : "");
	switch (d->bus) {
	case BUS_VIRTIO:
		argv_opt(b, "-device", "virtio-blk-pci,drive=drive.%s,id=%s%s%s", l, l, iothread,
			 props);
		break;
	case BUS_SCSI:
		argv_opt(b, "-device", "virtio-scsi-pci,id=scsi.%s%s%s", l, iothread, queues);
		argv_opt(b, "-device", "scsi-hd,bus=scsi.%s.0,drive=drive.%s,id=%s%s", l, l, l,
			 props);
		break;
	case BUS_NVME:
		/* NVMe controllers must have a serial: the label, unless one is given. */
		argv_opt(b, "-device", "nvme,drive=drive.%s,id=%s,serial=%s%s", l, l,
			 d->serial ? d->serial : l, props);
		break;
	case BUS_SATA:
		argv_opt(b, "-device", "ide-hd,bus=%s.%u,drive=drive.%s,id=%s%s", sata.bus,
			 (*sata.next)++, l, l, props);
		break;
	}
}

/* A drive with no source is an empty tray, for a disc inserted later. */
static void add_cdrom(struct argv_builder *b, size_t index, unsigned *sata_port)
{
	const struct profile_cdrom *c = &b->p->cdroms[index];
	const char *l = c->ref.label;
	size_t file = qemu_fd_plan_find(&b->plan, QEMU_FILE_CDROM, index);
	_cleanup_free_ char *boot = c->boot ? xasprintf(",bootindex=%u", c->boot) : xstrdup("");

	if (c->source) {
		argv_add_fd(b, file);
		argv_opt(b, "-drive",
			 "file=/dev/fdset/%u,if=none,id=drive.%s,media=cdrom,readonly=on",
			 qemu_file_set(file), l);
	} else {
		argv_opt(b, "-drive", "if=none,id=drive.%s,media=cdrom,readonly=on", l);
	}
	argv_opt(b, "-device", "ide-cd,bus=ide.%u,drive=drive.%s,id=%s%s", (*sata_port)++, l, l,
		 boot);
}

static bool has_sata_disk(const struct profile *p)
{
	for (size_t i = 0; i < p->n_disks; i++)
		if (p->disks[i].bus == BUS_SATA)
			return true;
	return false;
}

void argv_add_storage(struct argv_builder *b)
{
	unsigned ide_port = 0, ahci_port = 0;
	struct sata_ports sata = {"ide", &ide_port};

	if (machine_is_i440fx(b->p->qemu.machine) && has_sata_disk(b->p)) {
		argv_opt(b, "-device", "ahci,id=ahci");
		sata = (struct sata_ports){"ahci", &ahci_port};
	}
	for (size_t i = 0; i < b->p->n_disks; i++)
		add_disk(b, i, sata);
	for (size_t i = 0; i < b->p->n_cdroms; i++)
		add_cdrom(b, i, &ide_port);
}
