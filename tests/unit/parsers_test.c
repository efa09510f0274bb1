/* Unit tests of the value parsers: sizes, CPU lists, PCI addresses, and the
 * helpers that print them back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>

#include "base/cpulist.h"
#include "base/pciaddr.h"
#include "base/shell_quote.h"
#include "base/size.h"
#include "base/suggest.h"
#include "base/util.h"
#include "profile/rebar_spec.h"

static void size_accepts_units(void **state)
{
	uint64_t b;
	const char *why;

	(void)state;
	assert_int_equal(size_parse("16G", &b, &why), 0);
	assert_true(b == 16 * GiB);
	assert_int_equal(size_parse("512m", &b, &why), 0);
	assert_true(b == 512 * MiB);
	assert_int_equal(size_parse("4KiB", &b, &why), 0);
	assert_true(b == 4 * KiB);
	assert_int_equal(size_parse("2T", &b, &why), 0);
	assert_true(b == 2 * 1024 * GiB);
	assert_int_equal(size_parse("1GB", &b, &why), 0);
	assert_true(b == GiB);
}

static void size_rejects_bad_text(void **state)
{
	uint64_t b = 7;
	const char *why = NULL;

	(void)state;
	assert_int_equal(size_parse("16384", &b, &why), -EINVAL);
	assert_string_equal(why, "no unit");
	assert_int_equal(size_parse("16Q", &b, &why), -EINVAL);
	assert_string_equal(why, "unknown unit");
	assert_int_equal(size_parse("1.5G", &b, &why), -EINVAL);
	assert_int_equal(size_parse("G", &b, &why), -EINVAL);
	assert_string_equal(why, "not a size");
	assert_int_equal(size_parse("-1G", &b, &why), -EINVAL);
	assert_int_equal(size_parse("0M", &b, &why), -EINVAL);
	assert_string_equal(why, "must be more than 0");
	assert_int_equal(size_parse("99999999999999999999G", &b, &why), -EINVAL);
	assert_string_equal(why, "too large");
	assert_int_equal(size_parse("17179869184G", &b, &why), -EINVAL);
	assert_string_equal(why, "too large");
	assert_true(b == 7);
}

static void size_formats_with_the_largest_exact_unit(void **state)
{
	char buf[32];

	(void)state;
	size_format(16 * GiB, buf, sizeof(buf));
	assert_string_equal(buf, "16G");
	size_format(12800 * MiB, buf, sizeof(buf));
	assert_string_equal(buf, "12800M");
	size_format(1536 * KiB, buf, sizeof(buf));
	assert_string_equal(buf, "1536K");
	size_format(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1000");
}

static void cpulist_keeps_order_and_expands_ranges(void **state)
{
	struct cpulist l;
	char why[128];
	unsigned want[] = {2, 8, 3, 9, 4, 5, 6, 10};

	(void)state;
	assert_int_equal(cpulist_parse("2,8,3,9, 4-6 ,10", &l, why, sizeof(why)), 0);
	assert_int_equal(l.n, N_ELEMENTS(want));
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(l.cpu[i], want[i]);
	assert_true(cpulist_contains(&l, 10));
	assert_false(cpulist_contains(&l, 7));
	cpulist_free(&l);
}

/* MASK reads as the CPU list LIST and prints back as AGAIN. */
static void mask_reads_as(const char *mask, const char *list, const char *again)
{
	struct cpulist l;
	char *text;

	assert_int_equal(cpulist_parse_mask(mask, &l), 0);
	text = cpulist_format(&l);
	assert_string_equal(text, list);
	free(text);
	text = cpulist_format_mask(&l);
	assert_string_equal(text, again);
	free(text);
	cpulist_free(&l);
}

static void cpulist_masks_round_trip(void **state)
{
	struct cpulist l;

	(void)state;
	mask_reads_as("f", "0-3", "f");
	/* The kernel's form past 32 CPUs: 32-bit groups, highest first. */
	mask_reads_as("00000001,80000007", "0-2,31,32", "1,80000007");
	assert_int_equal(cpulist_parse_mask("xyz", &l), -EINVAL);
	assert_int_equal(cpulist_parse_mask("", &l), -EINVAL);
}

static void cpulist_rejects_bad_lists(void **state)
{
	struct cpulist l;
	char why[128];

	(void)state;
	assert_int_equal(cpulist_parse("5-2", &l, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "range 5-2 goes backwards");
	assert_int_equal(cpulist_parse("1,2,1", &l, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "CPU 1 is listed twice");
	assert_int_equal(cpulist_parse("0-3,2", &l, why, sizeof(why)), -EINVAL);
	assert_int_equal(cpulist_parse("", &l, why, sizeof(why)), -EINVAL);
	assert_int_equal(cpulist_parse("1,", &l, why, sizeof(why)), -EINVAL);
	assert_int_equal(cpulist_parse("a", &l, why, sizeof(why)), -EINVAL);
	assert_int_equal(cpulist_parse("1;2", &l, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "not a CPU list");
	assert_int_equal(cpulist_parse("9000", &l, why, sizeof(why)), -ERANGE);
	assert_null(l.cpu);
}

static void cpulist_format_folds_runs(void **state)
{
	struct cpulist l;
	char why[128];
	char *s;

	(void)state;
	assert_int_equal(cpulist_parse("0-3,8,10-11,5", &l, why, sizeof(why)), 0);
	s = cpulist_format(&l);
	assert_string_equal(s, "0-3,8,10,11,5");
	free(s);
	cpulist_free(&l);
}

static void pci_address_forms(void **state)
{
	struct pci_addr a;
	const char *why;
	char buf[PCI_ADDR_LEN];

	(void)state;
	assert_int_equal(pci_addr_parse("0000:0b:00.1", &a, &why), 0);
	assert_int_equal(a.bus, 0x0b);
	assert_int_equal(a.func, 1);
	assert_int_equal(pci_addr_parse("0B:1f.7", &a, &why), 0);
	pci_addr_format(&a, buf);
	assert_string_equal(buf, "0000:0b:1f.7");
	assert_int_equal(pci_addr_parse("10000:e1:00.0", &a, &why), 0);
	pci_addr_format(&a, buf);
	assert_string_equal(buf, "10000:e1:00.0");
}

static void pci_address_rejects(void **state)
{
	struct pci_addr a;
	const char *why;

	(void)state;
	assert_int_equal(pci_addr_parse("0b:00", &a, &why), -EINVAL);
	assert_int_equal(pci_addr_parse("0000:0b:20.0", &a, &why), -EINVAL);
	assert_string_equal(why, "the slot goes up to 1f");
	assert_int_equal(pci_addr_parse("0000:0b:00.8", &a, &why), -EINVAL);
	assert_string_equal(why, "the function goes up to 7");
	assert_int_equal(pci_addr_parse("000:0b:00.0", &a, &why), -EINVAL);
	assert_int_equal(pci_addr_parse("0000:0b:00.0 ", &a, &why), -EINVAL);
	assert_int_equal(pci_addr_parse("0000:b:00.0", &a, &why), -EINVAL);
	assert_int_equal(pci_addr_parse("zz:00.0", &a, &why), -EINVAL);
}

static void pci_same_slot(void **state)
{
	struct pci_addr a = {0, 0xb, 0, 0}, b = {0, 0xb, 0, 1}, c = {0, 0xc, 0, 0};

	(void)state;
	assert_true(pci_addr_same_slot(&a, &b));
	assert_false(pci_addr_same_slot(&a, &c));
}

static void suggest_finds_close_words(void **state)
{
	const char *const keys[] = {"cores", "threads", "sockets", "isolate"};

	(void)state;
	assert_string_equal(suggest("corse", keys, 4), "cores");
	assert_string_equal(suggest("THREADS", keys, 4), "threads");
	assert_string_equal(suggest("socket", keys, 4), "sockets");
	assert_null(suggest("memory", keys, 4));
}

static void shell_quote_round_trips(void **state)
{
	char *q;

	(void)state;
	q = shell_quote("-device");
	assert_string_equal(q, "-device");
	free(q);
	q = shell_quote("a b");
	assert_string_equal(q, "'a b'");
	free(q);
	q = shell_quote("it's");
	assert_string_equal(q, "'it'\\''s'");
	free(q);
	q = shell_quote("");
	assert_string_equal(q, "''");
	free(q);
	q = shell_quote("$HOME");
	assert_string_equal(q, "'$HOME'");
	free(q);
}

static void rebar_spec_round_trips(void **state)
{
	struct rebar_sizes r;
	char why[256], text[96];

	(void)state;
	assert_int_equal(rebar_spec_parse("no", &r, why), 0);
	assert_int_equal(r.n, 0);
	assert_false(r.max);
	assert_int_equal(rebar_spec_parse("max", &r, why), 0);
	assert_true(r.max);
	assert_int_equal(rebar_spec_parse("1:32G, 2:256M", &r, why), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.v[0].bar, 1);
	assert_int_equal(r.v[0].bit, 15); /* 2^15 MiB = 32G */
	assert_int_equal(rebar_size_of(&r, 2), 256 * MiB);
	assert_int_equal(rebar_size_of(&r, 0), 0);
	rebar_spec_format(&r, text, sizeof(text));
	assert_string_equal(text, "1:32G,2:256M");
	/* The largest size the capability names, 128T, and one past it. */
	assert_int_equal(rebar_spec_parse("0:128T", &r, why), 0);
	assert_int_equal(r.v[0].bit, 27);
}

static void rebar_spec_rejects(void **state)
{
	const char *bad[] = {
	    "",	     "0",	"0:",	  ":1G",       "6:1G",
	    "0:3G",  "0:512K",	"0:256T", "0:1G,0:2G", "0:1G,1:1G,2:1G,3:1G,4:1G,5:1G,0:2G",
	    "-1:1G", "max,0:1G"};
	struct rebar_sizes r;
	char why[256];

	(void)state;
	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		*why = '\0';
		assert_int_equal(rebar_spec_parse(bad[i], &r, why), -EINVAL);
		assert_true(*why != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(size_accepts_units),
	    cmocka_unit_test(size_rejects_bad_text),
	    cmocka_unit_test(size_formats_with_the_largest_exact_unit),
	    cmocka_unit_test(cpulist_keeps_order_and_expands_ranges),
	    cmocka_unit_test(cpulist_rejects_bad_lists),
	    cmocka_unit_test(cpulist_format_folds_runs),
	    cmocka_unit_test(cpulist_masks_round_trip),
	    cmocka_unit_test(pci_address_forms),
	    cmocka_unit_test(pci_address_rejects),
	    cmocka_unit_test(pci_same_slot),
	    cmocka_unit_test(suggest_finds_close_words),
	    cmocka_unit_test(shell_quote_round_trips),
	    cmocka_unit_test(rebar_spec_round_trips),
	    cmocka_unit_test(rebar_spec_rejects),
	};
	return cmocka_run_group_tests_name("parsers", tests, NULL, NULL);
}
