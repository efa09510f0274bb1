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

static void add_disk(struct argv_builder *b, size_t index, unsigned *sata_port)
{
	const struct profile_disk *d = &b->p->disks[index];
	size_t file = qemu_fd_plan_find(&b->plan, QEMU_FILE_DISK, index);
	const char *l = d->ref.label;
	_cleanup_free_ char *boot = d->boot ? xasprintf(",bootindex=%u", d->boot) : xstrdup("");
	_cleanup_free_ char *iothread =
	    uses_iothread(d) ? xasprintf(",iothread=iothread.%s", l) : xstrdup("");
	_cleanup_free_ char *serial = d->serial ? xasprintf(",serial=%s", d->serial) : xstrdup("");

	argv_add_fd(b, file);
	argv_opt(b, "-drive",
		 "file=/dev/fdset/%u,if=none,id=drive.%s,format=%s,cache=%s,aio=%s,discard=%s%s",
		 qemu_file_set(file), l, format_name(d), cache_names[d->cache], aio_name(d),
		 d->discard ? "unmap" : "ignore", d->readonly ? ",readonly=on" : "");
	switch (d->bus) {
	case BUS_VIRTIO:
		argv_opt(b, "-device", "virtio-blk-pci,drive=drive.%s,id=%s%s%s%s", l, l, serial,
			 iothread, boot);
		break;
	case BUS_SCSI:
		argv_opt(b, "-device", "virtio-scsi-pci,id=scsi.%s%s", l, iothread);
		argv_opt(b, "-device", "scsi-hd,bus=scsi.%s.0,drive=drive.%s,id=%s%s%s", l, l, l,
			 serial, boot);
		break;
	case BUS_NVME:
		/* NVMe controllers must have a serial: the label, unless one is given. */
		argv_opt(b, "-device", "nvme,drive=drive.%s,id=%s,serial=%s%s", l, l,
			 d->serial ? d->serial : l, boot);
		break;
	case BUS_SATA:
		argv_opt(b, "-device", "ide-hd,bus=ide.%u,drive=drive.%s,id=%s%s%s", (*sata_port)++,
			 l, l, serial, boot);
		break;
	}
}

static void add_cdrom(struct argv_builder *b, size_t index, unsigned *sata_port)
{
	const struct profile_cdrom *c = &b->p->cdroms[index];
	const char *l = c->ref.label;
	size_t file = qemu_fd_plan_find(&b->plan, QEMU_FILE_CDROM, index);

	argv_add_fd(b, file);
	argv_opt(b, "-drive", "file=/dev/fdset/%u,if=none,id=drive.%s,media=cdrom,readonly=on",
		 qemu_file_set(file), l);
	if (c->boot)
		argv_opt(b, "-device", "ide-cd,bus=ide.%u,drive=drive.%s,id=%s,bootindex=%u",
			 (*sata_port)++, l, l, c->boot);
	else
		argv_opt(b, "-device", "ide-cd,bus=ide.%u,drive=drive.%s,id=%s", (*sata_port)++, l,
			 l);
}

void argv_add_storage(struct argv_builder *b)
{
	unsigned sata_port = 0;

	for (size_t i = 0; i < b->p->n_disks; i++)
		add_disk(b, i, &sata_port);
	for (size_t i = 0; i < b->p->n_cdroms; i++)
		add_cdrom(b, i, &sata_port);
}
