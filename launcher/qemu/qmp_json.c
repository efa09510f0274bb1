#include "qmp_json.h"

#include "base/util.h"

#include <errno.h>

const char *qj_type_name(json_object *v)
{
	switch (v ? json_object_get_type(v) : json_type_null) {
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	case json_type_double:
		return "a number with a fraction";
	case json_type_boolean:
		return "a boolean";
	default:
		return "null";
	}
}

json_object *qj_member(json_object *o, const char *key, json_type type)
{
	json_object *v;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v && json_object_is_type(v, type) ? v : NULL;
}

int qj_int(json_object *o, const char *key, int64_t min, int64_t max, int64_t *value)
{
	json_object *v = qj_member(o, key, json_type_int);
	int64_t n;

	if (!v)
		return -EPROTO;
	/* Past INT64_MAX json-c keeps an unsigned value; it is out of range. */
	if (json_object_get_int64(v) == INT64_MAX && json_object_get_uint64(v) != INT64_MAX)
		return -EPROTO;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return -EPROTO;
	*value = n;
	return 0;
}

char *qj_string(json_object *o, const char *key)
{
	json_object *v = qj_member(o, key, json_type_string);

	return v ? qj_printable(json_object_get_string(v)) : NULL;
}

char *qj_printable(const char *s)
{
	size_t n = strnlen(s, QJ_MAX_TEXT + 1);
	bool cut = n > QJ_MAX_TEXT;
	char *out = xmalloc(QJ_MAX_TEXT + 4);

	if (cut)
		n = QJ_MAX_TEXT;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(out + n, cut ? "..." : "");
	return out;
}
