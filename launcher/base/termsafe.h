/* Text from outside (the guest's serial console, what QEMU sends) made
 * safe for root's terminal: printable ASCII, newlines, tabs and
 * well-formed UTF-8 pass; every other control byte is shown instead of
 * acted on, so that no escape sequence reaches the terminal: C0 controls
 * and DEL in caret notation (ESC is "^[", DEL "^?"), C1 controls (CSI,
 * 0x9b, alone or UTF-8 encoded) and bytes that are not UTF-8 as "\x9B".
 * A CR before a LF is dropped (a serial console's line ends in CRLF). */
#ifndef PASSLAUNCH_TERMSAFE_H
#define PASSLAUNCH_TERMSAFE_H

#include <stddef.h>

/* What a stream (the serial console, read in pieces) holds back between
 * pieces: the start of a UTF-8 sequence, or a CR, cut at a piece's end. */
struct termsafe {
	unsigned char held[4];
	size_t n_held;
};

/* The most termsafe_feed writes for N bytes: 4 for each, and those held. */
#define TERMSAFE_MAX(n) (4 * ((n) + 4))

/* Makes N bytes of BUF safe into OUT (TERMSAFE_MAX(N) bytes); returns the
 * length written (OUT is not NUL-terminated). */
size_t termsafe_feed(struct termsafe *t, const void *buf, size_t n, char *out);
/* What is held at the end of the stream, made safe, into OUT
 * (TERMSAFE_MAX(0) bytes); returns the length written. */
size_t termsafe_flush(struct termsafe *t, char *out);
/* S made safe, as a new string; for a log line, whose newlines it shows
 * too ("^J"): a line from outside cannot pass for one of passlaunch's. */
char *termsafe_str(const char *s);

#endif
