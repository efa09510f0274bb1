/* What a profile may hold as text: UTF-8 in its shortest form, no control
 * character but tab (and a line's own CR and LF), no non-character. The
 * parser refuses anything else, so what writes a profile (import) or reads
 * one into XML (export) keeps to it as well. */
#ifndef PASSLAUNCH_UTF8_H
#define PASSLAUNCH_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The character at S (LEN bytes left): its length, with its code point in
 * *CP; 0 when the bytes are not the shortest form of a Unicode scalar value
 * (a decoder that takes "\xe0\x80\xae" reads '.', which no check saw). */
size_t utf8_char(const unsigned char *s, size_t len, uint32_t *cp);
/* C0 but tab, CR and LF; DEL; C1 (U+009B is CSI). */
bool utf8_is_control(uint32_t c);
/* U+FDD0..U+FDEF and the last two of each plane (XML refuses U+FFFE). */
bool utf8_is_noncharacter(uint32_t c);
/* U+202A..U+202E and U+2066..U+2069: embeddings, overrides and isolates,
 * which show a line in another order than it is read ("Trojan Source"). */
bool utf8_is_bidi_control(uint32_t c);
/* S is text a profile line may hold, a line break not included. */
bool utf8_is_value(const char *s);
/* S made such text in place: a control character (a line break too) as a
 * space, each byte of what is not UTF-8, not a character or a bidirectional
 * control as '?'. */
void utf8_make_value(char *s);

#endif
