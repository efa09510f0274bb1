#include "kvmfr.h"

#include "base/paths.h"
#include "base/size.h"
#include "base/util.h"
#include "sysfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t kvmfr_size(unsigned index)
{
	_cleanup_free_ char *path =
	    xasprintf("%s/module/kvmfr/parameters/static_size_mb", path_sysfs());
	char text[256], *save = NULL;
	unsigned i = 0;

	if (sysfs_read_str(path, text, sizeof(text)) < 0)
		return 0;
	for (char *w = strtok_r(text, ",\n", &save); w; w = strtok_r(NULL, ",\n", &save), i++) {
		char *end;
		unsigned long long mb;
		if (i != index)
			continue;
		errno = 0;
		mb = strtoull(w, &end, 10);
		return errno || *end || mb > UINT64_MAX / MiB ? 0 : mb * MiB;
	}
	return 0;
}
