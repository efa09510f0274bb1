#include "import.h"

#include <errno.h>

/* A whole number in TEXT, or -1. */
static long number(const char *text)
{
	char *end;
	long v;

	if (!text)
		return -1;
	errno = 0;
	v = strtol(text, &end, 10);
	return errno || end == text || *end || v < 0 ? -1 : v;
}

static long attr_number(xmlNode *n, const char *name)
{
	_cleanup_free_ char *v = dx_attr(n, name);

	return number(v);
}

/* The guest's topology: <cpu><topology> when given, else libvirt's own
 * (sockets = vCPUs), written as cores, as Windows client editions use at
 * most two sockets. */
static int import_topology(struct import *im, long vcpus, struct pl_err *err)
{
	xmlNode *topo = dx_child(dx_child(im->d->root, "cpu"), "topology");
	long sockets = 1, dies = 1, cores = vcpus, threads = 1;

	if (topo) {
		sockets = attr_number(topo, "sockets");
		_cleanup_free_ char *has_dies = dx_attr(topo, "dies");
		dies = has_dies ? number(has_dies) : 1;
		cores = attr_number(topo, "cores");
		threads = attr_number(topo, "threads");
		/* Each at most 4096, so that their product cannot overflow. */
		if (sockets < 1 || dies < 1 || cores < 1 || threads < 1 || sockets > 4096 ||
		    dies > 4096 || cores > 4096 || threads > 4096)
			return dx_fail(im->d, topo, err,
				       "sockets, cores and threads must be whole numbers from 1 "
				       "to 4096");
		if (sockets * dies * cores * threads != vcpus)
			dx_warn(im->d, topo,
				"%ld vCPUs, but the topology holds %ld: passlaunch starts what the "
				"topology holds",
				vcpus, sockets * dies * cores * threads);
		dx_use(topo);
	} else {
		ini_comment(&im->out, "cpu",
			    "libvirt's %ld sockets of one core each, as %ld cores of one socket",
			    vcpus, vcpus);
	}
	ini_set(&im->out, "cpu", "sockets", "%ld", sockets);
	if (dies > 1)
		ini_set(&im->out, "cpu", "dies", "%ld", dies);
	ini_set(&im->out, "cpu", "cores", "%ld", cores);
	ini_set(&im->out, "cpu", "threads", "%ld", threads);
	return 0;
}

/* <cputune><vcpupin>: one host CPU for each vCPU, in vCPU order, or no
 * key (passlaunch pins each vCPU to one CPU). */
static void import_vcpupin(struct import *im, xmlNode *tune, long vcpus)
{
	_cleanup_free_ long *cpu = xcalloc((size_t)vcpus, sizeof(*cpu));
	struct strv list = {0};
	xmlNode *first = dx_child(tune, "vcpupin");
	bool whole = first != NULL;

	for (long i = 0; i < vcpus; i++)
		cpu[i] = -1;
	for (xmlNode *pin = first; pin; pin = dx_next(pin)) {
		long v = attr_number(pin, "vcpu");
		_cleanup_free_ char *set = dx_attr(pin, "cpuset");
		long c = number(set);
		dx_use(pin);
		if (v < 0 || v >= vcpus || c < 0) {
			dx_warn(im->d, pin,
				"a vCPU pinned to a set of CPUs, or one that does not exist: "
				"passlaunch pins each vCPU to one CPU (vcpu_pin = auto chooses)");
			whole = false;
			continue;
		}
		cpu[v] = c;
	}
	for (long i = 0; whole && i < vcpus; i++)
		whole = cpu[i] >= 0;
	if (first && !whole)
		dx_warn(im->d, first, "not every vCPU pinned to one CPU: no vcpu_pin written");
	for (long i = 0; whole && i < vcpus; i++)
		strv_pushf(&list, "%ld", cpu[i]);
	if (whole) {
		_cleanup_free_ char *joined = strv_join(&list, ",");
		ini_set(&im->out, "cpu", "vcpu_pin", "%s", joined);
	}
	strv_free(&list);
}

/* <emulatorpin> as emulator_pin; every <iothreadpin> as one iothread_pin. */
static void import_other_pins(struct import *im, xmlNode *tune)
{
	xmlNode *emu = dx_child(tune, "emulatorpin");
	struct strv sets = {0};

	if (emu) {
		_cleanup_free_ char *set = dx_attr(emu, "cpuset");
		if (set)
			ini_set(&im->out, "cpu", "emulator_pin", "%s", set);
		dx_use(emu);
	}
	for (xmlNode *pin = dx_child(tune, "iothreadpin"); pin; pin = dx_next(pin)) {
		char *set = dx_attr(pin, "cpuset");
		if (set && !strv_contains(&sets, set))
			strv_push(&sets, set);
		free(set);
		dx_use(pin);
	}
	if (sets.n) {
		_cleanup_free_ char *joined = strv_join(&sets, ",");
		ini_set(&im->out, "cpu", "iothread_pin", "%s", joined);
		if (sets.n > 1)
			ini_comment(&im->out, "cpu",
				    "libvirt pinned each I/O thread apart; here they share");
	}
	strv_free(&sets);
}

/* Whether ID is among the first N of IDS. */
static bool seen(char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (streq(ids[i], id))
			return true;
	return false;
}

/* <iothreads>: the disks that name one get their own (iothread = yes on
 * the disk); the rest are [cpu] iothreads. */
static void import_iothreads(struct import *im)
{
	xmlNode *count = dx_child(im->d->root, "iothreads");
	xmlNode *devices = dx_child(im->d->root, "devices");
	_cleanup_free_ char *text = count ? dx_text(count) : NULL;
	long total = number(text);
	char *ids[64];
	size_t used = 0;

	if (!count)
		return;
	dx_use(count);
	dx_use_all(dx_child(im->d->root, "iothreadids"));
	for (xmlNode *d = dx_child(devices, "disk"); d; d = dx_next(d)) {
		char *id = im_disk_iothread(im, d);
		if (id && used < N_ELEMENTS(ids) && !seen(ids, used, id))
			ids[used++] = id;
		else
			free(id);
	}
	if (total > (long)used)
		ini_set(&im->out, "cpu", "iothreads", "%ld", total - (long)used);
	for (size_t i = 0; i < used; i++)
		free(ids[i]);
}

int import_cpu(struct import *im, struct pl_err *err)
{
	xmlNode *vcpu = dx_child(im->d->root, "vcpu");
	_cleanup_free_ char *text = vcpu ? dx_text(vcpu) : NULL;
	long vcpus = number(text);
	xmlNode *tune = dx_child(im->d->root, "cputune");
	int r;

	if (vcpus < 1)
		return dx_fail(im->d, vcpu ? vcpu : im->d->root, err,
			       "no vCPU count passlaunch can read");
	dx_use(vcpu);
	import_iothreads(im);
	r = import_topology(im, vcpus, err);
	if (r < 0 || !tune)
		return r;
	dx_use(tune);
	import_vcpupin(im, tune, vcpus);
	import_other_pins(im, tune);
	return 0;
}
