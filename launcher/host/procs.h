/* Processes by PID: their identity over time, and ending them with bounded waits. */
#ifndef PASSLAUNCH_PROCS_H
#define PASSLAUNCH_PROCS_H

#include <stdbool.h>
#include <sys/types.h>

/* The process's start time in clock ticks since boot (from /proc/PID/stat),
 * 0 when it does not exist: with the PID it names one process for good. */
unsigned long long proc_start_time(pid_t pid);
/* Waits up to timeout_ms for pid (any process, not only a child) to exit. */
bool proc_wait_exit(pid_t pid, int timeout_ms);
/* SIGTERM, up to timeout_ms for it to exit, then SIGKILL. */
int proc_terminate(pid_t pid, int timeout_ms);

#endif
