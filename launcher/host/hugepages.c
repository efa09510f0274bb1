#include "hugepages.h"

#include "base/log.h"
#include "base/paths.h"
#include "sysfs.h"

#include <errno.h>

char *hp_pool_path(const struct profile *p, const char *file)
{
	const char *size = p->memory.hugepages == HUGEPAGES_1G ? "1048576kB" : "2048kB";

	if (p->memory.node >= 0)
		return xasprintf("%s/devices/system/node/node%d/hugepages/hugepages-%s/%s",
				 path_sysfs(), p->memory.node, size, file);
	return xasprintf("%s/kernel/mm/hugepages/hugepages-%s/%s", path_sysfs(), size, file);
}

static const char *page_name(const struct profile *p)
{
	return p->memory.hugepages == HUGEPAGES_1G ? "1G" : "2M";
}

static void compact_memory(void)
{
	_cleanup_free_ char *path = xasprintf("%s/sys/vm/compact_memory", path_procfs());

	/* Best effort: it only makes a large allocation more likely to succeed. */
	if (sysfs_write_str(path, "1") < 0)
		log_warn("cannot compact memory through %s", path);
}

/* MemAvailable in bytes, or 0 when /proc/meminfo does not say. */
static uint64_t memory_available(void)
{
	_cleanup_free_ char *path = xasprintf("%s/meminfo", path_procfs());
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	unsigned long long kib;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			return kib * 1024;
	return 0;
}

/* A request the memory cannot hold is refused before the kernel tries:
 * trying would first evict the host's whole page cache. */
static int check_available(const struct profile *p, unsigned long more, uint64_t page,
			   struct pl_err *err)
{
	uint64_t avail = memory_available();

	if (!avail || more * page <= avail)
		return 0;
	return err_set(err, ENOMEM,
		       "hugepages: %s needs %lu more %s pages (%llu MiB), but the host has "
		       "%llu MiB of memory available; give the guest less memory, or free some",
		       p->vm.name, more, page_name(p), (unsigned long long)(more * page >> 20),
		       (unsigned long long)(avail >> 20));
}

static int grow_pool(const struct profile *p, unsigned long old, unsigned long target,
		     struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *nr_path = hp_pool_path(p, "nr_hugepages");
	char target_text[32];
	unsigned long got = 0;
	int r;

	snprintf(target_text, sizeof(target_text), "%lu", target);
	r = journal_hugepages(j, nr_path, (long)(target - old), err);
	if (r < 0)
		return r;
	log_info("%s: reserving %lu %s hugepages (%s)", p->vm.name, target - old, page_name(p),
		 p->memory.node >= 0 ? "on its NUMA node" : "on any node");
	compact_memory();
	r = sysfs_write_str(nr_path, target_text);
	if (r < 0 && r != -ENOMEM)
		return err_set(err, -r, "hugepages: cannot write %s: %s", nr_path, strerror(-r));
	sysfs_read_ulong(nr_path, &got);
	/* What the kernel did not give is not to be taken back either. */
	if (got < target && journal_hugepages(j, nr_path, -(long)(target - got), err) < 0)
		return -EIO;
	if (got < target)
		return err_set(err, ENOMEM,
			       "hugepages: the kernel gave %lu of the %lu %s pages %s needs "
			       "(memory is too fragmented or too small); free memory, or reserve "
			       "them at boot with %shugepages=%lu on the kernel command line",
			       got > old ? got - old : 0, target - old, page_name(p), p->vm.name,
			       p->memory.hugepages == HUGEPAGES_1G ? "hugepagesz=1G " : "", target);
	return 0;
}

int hp_reserve(const struct profile *p, struct journal *j, struct pl_err *err)
{
	_cleanup_free_ char *nr_path = hp_pool_path(p, "nr_hugepages");
	_cleanup_free_ char *free_path = hp_pool_path(p, "free_hugepages");
	uint64_t page = p->memory.hugepages == HUGEPAGES_1G ? (1ULL << 30) : (2ULL << 20);
	unsigned long need = (unsigned long)(p->memory.size / page), nr, free_pages;

	if (p->memory.hugepages == HUGEPAGES_NO)
		return 0;
	if (sysfs_read_ulong(nr_path, &nr) < 0 || sysfs_read_ulong(free_path, &free_pages) < 0)
		return err_set(
		    err, ENOENT, "hugepages: %s does not exist: this kernel has no %s hugepages%s",
		    nr_path, page_name(p), p->memory.node >= 0 ? " on that NUMA node" : "");
	if (free_pages >= need)
		return 0;
	if (check_available(p, need - free_pages, page, err) < 0)
		return -ENOMEM;
	return grow_pool(p, nr, nr + (need - free_pages), j, err);
}
