#include "label.h"

#include <ctype.h>
#include <string.h>

bool label_valid(const char *label)
{
	size_t n = strlen(label);

	if (n == 0 || n > LABEL_MAX || !isalpha((unsigned char)label[0]))
		return false;
	for (; *label; label++)
		if (!isalnum((unsigned char)*label) && *label != '_' && *label != '-')
			return false;
	return true;
}
