/* Where the host's state lives. In the test build (passlaunch-test) each
 * root can be moved by an environment variable, so tests can point it at a
 * fake tree or another kernel's; the installed binary reads none of them. */
#ifndef PASSLAUNCH_PATHS_H
#define PASSLAUNCH_PATHS_H

#include <stdbool.h>

const char *path_sysfs(void);	      /* PASSLAUNCH_SYSFS, /sys */
const char *path_procfs(void);	      /* PASSLAUNCH_PROCFS, /proc */
const char *path_devfs(void);	      /* PASSLAUNCH_DEVFS, /dev */
const char *path_runtime(void);	      /* PASSLAUNCH_RUNTIME_DIR, /run/passlaunch */
const char *path_firmware_dirs(void); /* PASSLAUNCH_FIRMWARE_PATH, QEMU's descriptor dirs */

bool path_is_test_build(void);
/* The variable NAME in the test build; NULL in the installed one. */
const char *path_test_override(const char *name);
/* This program's own file (/proc/self/exe), or "passlaunch" when it cannot
 * be read. The caller frees it. */
char *path_self_exe(void);

#endif
