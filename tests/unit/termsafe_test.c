/* Unit tests of base/termsafe: what reaches root's terminal from the
 * guest's serial console and from QEMU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/termsafe.h"
#include "base/util.h"

/* BUF's N bytes through one stream, in pieces of STEP bytes, then flushed. */
static char *stream(const char *buf, size_t n, size_t step)
{
	struct termsafe t = {0};
	char *out = xmalloc(TERMSAFE_MAX(n) + TERMSAFE_MAX(0) + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i += step)
		o += termsafe_feed(&t, buf + i, i + step > n ? n - i : step, out + o);
	o += termsafe_flush(&t, out + o);
	out[o] = '\0';
	return out;
}

static void check_stream(const char *in, size_t n, const char *want)
{
	/* Whole, and a byte at a time: a piece's end must change nothing. */
	const size_t steps[] = {n, 1};

	for (size_t i = 0; i < N_ELEMENTS(steps); i++) {
		char *got = stream(in, n, steps[i]);
		assert_string_equal(got, want);
		free(got);
	}
}

static void text_newlines_and_tabs_pass(void **state)
{
	(void)state;
	check_stream("lab-guest: ready (acpi)\n\tok ~\n", 30, "lab-guest: ready (acpi)\n\tok ~\n");
	check_stream("line\r\nnext\r\n", 12, "line\nnext\n");
}

static void escape_sequences_are_shown(void **state)
{
	(void)state;
	/* Clear the screen, set the title, move the cursor: all shown. */
	check_stream("\x1b[2J\x1b]0;root\x07x", 14, "^[[2J^[]0;root^Gx");
	/* CSI as one byte (8-bit C1) and UTF-8 encoded (U+009B). */
	check_stream("\x9b"
		     "31m\xc2\x9b"
		     "1m",
		     8, "\\x9B31m\\xC2\\x9B1m");
	check_stream("a\rb\x7f\x00z", 6, "a^Mb^?^@z");
	/* A CR at the end of the stream. */
	check_stream("end\r", 4, "end^M");
}

static void utf8_passes_malformed_is_shown(void **state)
{
	(void)state;
	check_stream("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", 14,
		     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7");
	/* Overlong, a surrogate, a lone continuation, a cut sequence at the end. */
	check_stream("\xc0\xaf\xed\xa0\x80\x80\xe2\x82", 8,
		     "\\xC0\\xAF\\xED\\xA0\\x80\\x80\\xE2\\x82");
}

static void a_log_string_is_one_line(void **state)
{
	char *s;

	(void)state;
	s = termsafe_str("powerdown\n\x1b[1A\x1b[2Kpasslaunch: host restored\r\n");
	assert_string_equal(s, "powerdown^J^[[1A^[[2Kpasslaunch: host restored^M^J");
	free(s);
	s = termsafe_str("");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_newlines_and_tabs_pass),
	    cmocka_unit_test(escape_sequences_are_shown),
	    cmocka_unit_test(utf8_passes_malformed_is_shown),
	    cmocka_unit_test(a_log_string_is_one_line),
	};
	return cmocka_run_group_tests_name("termsafe", tests, NULL, NULL);
}
