/* Typed access to what QEMU sends: every QMP message is hostile input, so a
 * value is used only once its type, and a number's range, is checked, and a
 * string is printed only made safe (bounded, no control characters). */
#ifndef PASSLAUNCH_QMP_JSON_H
#define PASSLAUNCH_QMP_JSON_H

#include <json-c/json.h>
#include <stdint.h>

/* The longest text from QEMU put in a message or the log. */
#define QJ_MAX_TEXT 256

/* "an object", "an array", "a string", "an integer", ...; "nothing" for NULL. */
const char *qj_type_name(json_object *v);
/* KEY of O when O is an object and KEY has TYPE there; NULL otherwise. */
json_object *qj_member(json_object *o, const char *key, json_type type);
/* KEY of O as an integer in [min, max]: 0, or -EPROTO when O is not an
 * object, KEY is missing, not an integer, or out of range. */
int qj_int(json_object *o, const char *key, int64_t min, int64_t max, int64_t *value);
/* KEY of O as a string made printable (qj_printable), or NULL when O is not
 * an object or KEY is missing or not a string. The caller frees it. */
char *qj_string(json_object *o, const char *key);
/* At most QJ_MAX_TEXT bytes of S, each byte outside printable ASCII as '?';
 * "..." marks a cut. The caller frees it. */
char *qj_printable(const char *s);

#endif
