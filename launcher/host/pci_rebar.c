#include "pci_rebar.h"

#include "base/log.h"
#include "base/size.h"
#include "base/util.h"
#include "pci_rebind.h"
#include "pci_sysfs.h"
#include "sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#define IORESOURCE_PREFETCH 0x00002000UL
#define IORESOURCE_MEM_64   0x00100000UL

/* The sizes BAR bar can have, as resourceN_resize's bitmap; 0: none. */
static uint64_t supported_bits(const char *bdf, unsigned bar)
{
	char name[32], text[64];
	_cleanup_free_ char *path = NULL;
	char *end;
	uint64_t bits;

	snprintf(name, sizeof(name), "resource%u_resize", bar);
	path = pci_dev_path(bdf, name);
	if (sysfs_read_str(path, text, sizeof(text)) < 0 || !*text)
		return 0;
	errno = 0;
	bits = strtoull(text, &end, 16);
	/* Sizes past 128T (bit 27) are none a BAR has today, nor one the
	 * profile can name. */
	return errno || (*end && *end != '\n') ? 0 : bits & ((UINT64_C(1) << 28) - 1);
}

/* BAR bar's size now and its flags, from the resource file's line. */
static uint64_t bar_size(const char *bdf, unsigned bar, unsigned long *flags)
{
	_cleanup_free_ char *path = pci_dev_path(bdf, "resource");
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned long long start, end, fl;
	char line[128];

	*flags = 0;
	for (unsigned i = 0; f && fgets(line, sizeof(line), f); i++) {
		if (i != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &fl) != 3 || end <= start)
			return 0;
		*flags = (unsigned long)fl;
		return end - start + 1;
	}
	return 0;
}

static void describe_bits(uint64_t bits, char *buf, size_t len)
{
	size_t used = 0;

	*buf = '\0';
	for (unsigned bit = 0; bit < 64 && used < len; bit++) {
		char size[32];
		if (!(bits & (UINT64_C(1) << bit)))
			continue;
		size_format(rebar_bit_bytes(bit), size, sizeof(size));
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", size);
	}
}

static int highest_bit(uint64_t bits)
{
	return bits ? 63 - __builtin_clzll(bits) : -1;
}

static int resolve_max(const char *bdf, struct rebar_sizes *out)
{
	for (unsigned bar = 0; bar < REBAR_BARS; bar++) {
		int bit = highest_bit(supported_bits(bdf, bar));
		if (bit >= 0)
			out->v[out->n++] =
			    (struct bar_size){(unsigned char)bar, (unsigned char)bit};
	}
	if (!out->n)
		log_warn("%s has no resizable BAR (no resourceN_resize: a kernel before 6.1, or a "
			 "card without the Resizable BAR capability); rebar = max changes nothing",
			 bdf);
	return 0;
}

int pci_rebar_resolve(const char *bdf, const struct rebar_sizes *want, const char *what,
		      struct rebar_sizes *out, struct pl_err *err)
{
	*out = (struct rebar_sizes){0};
	if (want->max)
		return resolve_max(bdf, out);
	for (unsigned i = 0; i < want->n; i++) {
		const struct bar_size *b = &want->v[i];
		uint64_t bits = supported_bits(bdf, b->bar);
		char size[32], offered[512];
		size_format(rebar_bit_bytes(b->bit), size, sizeof(size));
		if (!bits)
			return err_input(
			    err,
			    "%s: BAR %u of %s cannot be resized (no resource%u_resize: "
			    "it needs Linux 6.1 or later, a card with the Resizable BAR "
			    "capability, and Above 4G decoding on in the firmware setup)",
			    what, b->bar, bdf, b->bar);
		if (!(bits & (UINT64_C(1) << b->bit))) {
			describe_bits(bits, offered, sizeof(offered));
			return err_input(err, "%s: BAR %u of %s cannot be %s; it can be %s", what,
					 b->bar, bdf, size, offered);
		}
		out->v[out->n++] = *b;
	}
	return 0;
}

uint64_t pci_bars64_bytes(const char *bdf, const struct rebar_sizes *sizes)
{
	uint64_t total = 0;

	for (unsigned bar = 0; bar < REBAR_BARS; bar++) {
		unsigned long flags;
		uint64_t now = bar_size(bdf, bar, &flags), will;
		if ((flags & (IORESOURCE_MEM_64 | IORESOURCE_PREFETCH)) !=
		    (IORESOURCE_MEM_64 | IORESOURCE_PREFETCH))
			continue;
		will = sizes ? rebar_size_of(sizes, bar) : 0;
		will = will ? will : now;
		/* What the kernel says is summed without wrapping. */
		total = will > UINT64_MAX - total ? UINT64_MAX : total + will;
	}
	return total;
}

static char *saved_path(const char *bdf)
{
	_cleanup_free_ char *driver = pci_saved_driver_path(bdf);

	return xasprintf("%s.rebar", driver);
}

bool pci_rebar_saved(const char *bdf)
{
	_cleanup_free_ char *path = saved_path(bdf);

	return access(path, F_OK) == 0;
}

int pci_rebar_save(const char *bdf, const struct rebar_sizes *target, struct pl_err *err)
{
	_cleanup_free_ char *path = saved_path(bdf);
	struct rebar_sizes old = {0};
	char text[96];
	FILE *f;

	for (unsigned i = 0; i < target->n; i++) {
		unsigned long flags;
		uint64_t now = bar_size(bdf, target->v[i].bar, &flags);
		int bit = now >= MiB ? highest_bit(now / MiB) : -1;
		if (bit >= 0)
			old.v[old.n++] = (struct bar_size){target->v[i].bar, (unsigned char)bit};
	}
	rebar_spec_format(&old, text, sizeof(text));
	/* "x": a second detach must not forget the first sizes. */
	f = fopen(path, "wxe");
	if (!f)
		return errno == EEXIST
			   ? 0
			   : err_set(err, errno, "cannot record %s's BAR sizes in %s: %s", bdf,
				     path, strerror(errno));
	fprintf(f, "%s\n", text);
	if (fclose(f) != 0)
		return err_set(err, errno, "cannot record %s's BAR sizes in %s", bdf, path);
	return 0;
}

/* The sizes kept by pci_rebar_save; n = 0 when none (or unreadable). */
static void saved_sizes(const char *bdf, struct rebar_sizes *out)
{
	_cleanup_free_ char *path = saved_path(bdf);
	char text[128], why[256];

	*out = (struct rebar_sizes){0};
	if (sysfs_read_str(path, text, sizeof(text)) < 0 || !*text)
		return;
	if (rebar_spec_parse(text, out, why) < 0 || out->max) {
		log_warn("%s: %s; the BARs keep their sizes", path, why);
		*out = (struct rebar_sizes){0};
	}
}

int pci_rebind_restoring(const char *bdf, const char *driver, struct pl_err *err)
{
	_cleanup_free_ char *path = saved_path(bdf);
	struct rebar_sizes old;
	char now[64];
	int r;

	saved_sizes(bdf, &old);
	r = pci_rebind_resizing(bdf, driver, old.n ? &old : NULL, err);
	/* Once the device has left vfio-pci, the sizes are done with, given
	 * back or not; while it is still there, a later attach tries again. */
	pci_driver(bdf, now, sizeof(now));
	if (!streq(now, "vfio-pci"))
		unlink(path);
	return r;
}
