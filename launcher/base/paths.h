/* Where the host's state lives. Each root can be moved by an environment
 * variable, so tests can point passlaunch at a fake tree or another kernel's. */
#ifndef PASSLAUNCH_PATHS_H
#define PASSLAUNCH_PATHS_H

const char *path_sysfs(void);	      /* PASSLAUNCH_SYSFS, /sys */
const char *path_procfs(void);	      /* PASSLAUNCH_PROCFS, /proc */
const char *path_devfs(void);	      /* PASSLAUNCH_DEVFS, /dev */
const char *path_runtime(void);	      /* PASSLAUNCH_RUNTIME_DIR, /run/passlaunch */
const char *path_firmware_dirs(void); /* PASSLAUNCH_FIRMWARE_PATH, QEMU's descriptor dirs */

#endif
