/* Small reads and writes of kernel attribute files (sysfs, procfs). */
#ifndef PASSLAUNCH_SYSFS_H
#define PASSLAUNCH_SYSFS_H

#include <stddef.h>

/* Reads the file, without its trailing newline. */
int sysfs_read_str(const char *path, char *buf, size_t len);
/* The same, for NAME in the directory DIR, never through a link. */
int sysfs_read_at(int dir, const char *name, char *buf, size_t len);
int sysfs_read_ulong(const char *path, unsigned long *value);
/* One write(2) of the value, as the kernel wants attributes written. */
int sysfs_write_str(const char *path, const char *value);

#endif
