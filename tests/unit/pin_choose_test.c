/* Unit tests of vcpu_pin = auto's rules (host/pin_choose.h) on topologies
 * built here the way Linux numbers real machines' CPUs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "host/pin_choose.h"

/* A machine of DOMAINS L3 domains with CORES cores each (SIZES[i] KiB of L3,
 * KHZ[i] top speed, NODES[i] NUMA node), SMT siblings N and N + all cores
 * when SMT, as AMD and Intel desktop parts are numbered. */
static void build(struct cpu_topology *t, size_t domains, size_t cores, bool smt,
		  const unsigned long *sizes, const unsigned long *khz, const int *nodes)
{
	size_t all = domains * cores;

	*t = (struct cpu_topology){0};
	t->l3 = xcalloc(domains, sizeof(*t->l3));
	t->n_l3 = domains;
	t->cores = xcalloc(all, sizeof(*t->cores));
	t->n_cores = all;
	for (size_t i = 0; i < all; i++) {
		struct host_core *c = &t->cores[i];
		size_t d = i / cores;
		cpulist_add(&c->threads, (unsigned)i);
		if (smt)
			cpulist_add(&c->threads, (unsigned)(i + all));
		c->l3 = (int)d;
		c->node = nodes ? nodes[d] : 0;
		c->max_khz = khz ? khz[d] : 0;
		cpulist_add_all(&t->l3[d].cpus, &c->threads);
		t->l3[d].size_kib = sizes[d];
		if (nodes && (unsigned)nodes[d] + 1 > t->n_nodes)
			t->n_nodes = (unsigned)nodes[d] + 1;
	}
}

static void expect(const struct cpu_topology *t, struct pin_request req, const char *vcpus,
		   const char *host_core, unsigned dies)
{
	struct pin_choice c;
	char why[256];
	_cleanup_free_ char *got = NULL, *host = NULL;

	assert_int_equal(pin_choose(t, &req, &c, why, sizeof(why)), 0);
	got = cpulist_format(&c.vcpu);
	host = cpulist_format(&c.host_core);
	assert_string_equal(got, vcpus);
	assert_string_equal(host, host_core);
	assert_int_equal(c.guest_dies, dies);
	assert_true(c.reasons.n > 0);
	pin_choice_free(&c);
}

static struct pin_request want(unsigned cores, unsigned threads)
{
	return (struct pin_request){cores, threads, PREFER_CACHE, -1, true};
}

static void vcache_ccd_for_games_frequency_on_request(void **state)
{
	struct cpu_topology t;
	const unsigned long sizes[] = {96 * 1024, 32 * 1024}, khz[] = {5250000, 5759000};
	struct pin_request fast = want(8, 2);

	(void)state;
	build(&t, 2, 8, true, sizes, khz, NULL);
	/* All of the V-Cache CCD, CPU 0's core too: the host keeps the other. */
	expect(&t, want(8, 2), "0,16,1,17,2,18,3,19,4,20,5,21,6,22,7,23", "8,24", 0);
	/* Fewer: CPU 0's core stays the host's. */
	expect(&t, want(6, 2), "1,17,2,18,3,19,4,20,5,21,6,22", "0,16", 0);
	fast.prefer = PREFER_FREQUENCY;
	expect(&t, fast, "8,24,9,25,10,26,11,27,12,28,13,29,14,30,15,31", "0,16", 0);
	/* One vCPU per core, the sibling idle. */
	expect(&t, want(4, 1), "1-4", "0,16", 0);
	cpu_topology_free(&t);
}

static bool fills_whole_l3(const struct cpu_topology *t, struct pin_request req)
{
	struct pin_choice c;
	char why[256];
	bool whole;

	assert_int_equal(pin_choose(t, &req, &c, why, sizeof(why)), 0);
	whole = c.whole_l3;
	pin_choice_free(&c);
	return whole;
}

static void host_caches_shown_only_for_whole_domains(void **state)
{
	struct cpu_topology t;
	const unsigned long sizes[] = {96 * 1024, 32 * 1024};

	(void)state;
	build(&t, 2, 8, true, sizes, NULL, NULL);
	assert_true(fills_whole_l3(&t, want(8, 2)));
	/* Part of a domain, or one thread of each core: the host's L3 would be
	 * shared by more CPUs than the guest has. */
	assert_false(fills_whole_l3(&t, want(6, 2)));
	assert_false(fills_whole_l3(&t, want(8, 1)));
	cpu_topology_free(&t);
}

static void equal_ccds_the_one_without_cpu0(void **state)
{
	struct cpu_topology t;
	const unsigned long sizes[] = {32 * 1024, 32 * 1024};

	(void)state;
	build(&t, 2, 8, true, sizes, NULL, NULL);
	expect(&t, want(8, 2), "8,24,9,25,10,26,11,27,12,28,13,29,14,30,15,31", "0,16", 0);
	expect(&t, want(4, 2), "8,24,9,25,10,26,11,27", "0,16", 0);
	/* Twelve do not fit one CCD: six on each, and the guest sees two dies. */
	expect(&t, want(12, 2), "8,24,9,25,10,26,11,27,12,28,13,29,1,17,2,18,3,19,4,20,5,21,6,22",
	       "0,16", 2);
	cpu_topology_free(&t);
}

static void ccxs_split_evenly_or_spread(void **state)
{
	struct cpu_topology t;
	const unsigned long sizes[] = {16384, 16384, 16384, 16384};
	struct pin_request fixed_dies = want(6, 2);

	(void)state;
	build(&t, 4, 3, true, sizes, NULL, NULL);
	/* 3900X: six cores over two CCXs without CPU 0. */
	expect(&t, want(6, 2), "3,15,4,16,5,17,6,18,7,19,8,20", "0,12", 2);
	/* The profile set its topology: the same CPUs, the guest's dies left be. */
	fixed_dies.may_set_dies = false;
	expect(&t, fixed_dies, "3,15,4,16,5,17,6,18,7,19,8,20", "0,12", 0);
	/* Seven cannot be split evenly: best domains first, one die. */
	expect(&t, want(7, 1), "3-9", "0,12", 0);
	cpu_topology_free(&t);
}

static void hybrid_uses_p_cores_only(void **state)
{
	struct cpu_topology t = {0};

	(void)state;
	/* 13900K: P-cores 0-7 with threads 2N, 2N+1; E-cores 16-31. */
	t.cores = xcalloc(24, sizeof(*t.cores));
	t.n_cores = 24;
	t.hybrid = true;
	t.l3 = xcalloc(1, sizeof(*t.l3));
	t.n_l3 = 1;
	t.l3[0].size_kib = 36 * 1024;
	for (unsigned i = 0; i < 24; i++) {
		struct host_core *c = &t.cores[i];
		cpulist_add(&c->threads, i < 8 ? 2 * i : i + 8);
		if (i < 8)
			cpulist_add(&c->threads, 2 * i + 1);
		c->kind = i < 8 ? CORE_PERFORMANCE : CORE_EFFICIENCY;
		cpulist_add_all(&t.l3[0].cpus, &c->threads);
	}
	expect(&t, want(6, 2), "2-13", "0,1", 0);
	/* Every P-core: the host keeps the E-cores, QEMU's threads on the first. */
	expect(&t, want(8, 2), "0-15", "16", 0);
	{
		struct pin_choice c;
		char why[256];
		struct pin_request too_many = want(9, 1);
		assert_int_equal(pin_choose(&t, &too_many, &c, why, sizeof(why)), -1);
		assert_non_null(strstr(why, "P-cores"));
	}
	cpu_topology_free(&t);
}

static void gpu_numa_node_first(void **state)
{
	struct cpu_topology t;
	const unsigned long sizes[] = {16384, 16384, 16384, 16384};
	const int nodes[] = {0, 0, 1, 1};
	struct pin_request gpu_on_1 = want(4, 2), gpu_on_0 = want(4, 2);

	(void)state;
	build(&t, 4, 4, true, sizes, NULL, nodes);
	gpu_on_1.gpu_node = 1;
	expect(&t, gpu_on_1, "8,24,9,25,10,26,11,27", "0,16", 0);
	gpu_on_0.gpu_node = 0;
	expect(&t, gpu_on_0, "4,20,5,21,6,22,7,23", "0,16", 0);
	/* No GPU: a node that holds it all, not the host's first CPU's. */
	expect(&t, want(8, 2), "8,24,9,25,10,26,11,27,12,28,13,29,14,30,15,31", "0,16", 2);
	cpu_topology_free(&t);
}

static void host_always_keeps_a_core(void **state)
{
	struct cpu_topology t;
	const unsigned long sizes[] = {32768};
	struct pin_choice c;
	struct pin_request all = want(8, 2);
	char why[256];

	(void)state;
	build(&t, 1, 8, true, sizes, NULL, NULL);
	assert_int_equal(pin_choose(&t, &all, &c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "one more for the host"));
	expect(&t, want(7, 2), "1,9,2,10,3,11,4,12,5,13,6,14,7,15", "0,8", 0);
	cpu_topology_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(vcache_ccd_for_games_frequency_on_request),
	    cmocka_unit_test(host_caches_shown_only_for_whole_domains),
	    cmocka_unit_test(equal_ccds_the_one_without_cpu0),
	    cmocka_unit_test(ccxs_split_evenly_or_spread),
	    cmocka_unit_test(hybrid_uses_p_cores_only),
	    cmocka_unit_test(gpu_numa_node_first),
	    cmocka_unit_test(host_always_keeps_a_core),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
