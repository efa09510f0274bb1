/* The display manager systemd runs, found without asking systemd (each
 * process is time a single-GPU host's screen is dark). */
#ifndef PASSLAUNCH_DISPLAY_MANAGER_H
#define PASSLAUNCH_DISPLAY_MANAGER_H

/* The unit display-manager.service is an alias of (its link in
 * /etc/systemd/system), when that unit's cgroup holds processes: it runs.
 * NULL when either is not so plain (no link, another slice, no process):
 * then systemctl must say. The caller frees it. */
char *display_manager_running(void);

#endif
