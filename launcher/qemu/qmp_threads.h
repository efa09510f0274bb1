/* QEMU's threads as QMP reports them: the vCPUs (query-cpus-fast) and the
 * iothreads (query-iothreads), each with its host thread id. */
#ifndef PASSLAUNCH_QMP_THREADS_H
#define PASSLAUNCH_QMP_THREADS_H

#include "base/error.h"
#include "qmp.h"

#include <sys/types.h>

struct qemu_thread {
	pid_t tid;
	const char *role; /* "vCPU" or "iothread" */
	long index;	  /* a vCPU's cpu-index, an iothread's place in the list */
};

struct qemu_threads {
	struct qemu_thread *t;
	size_t n;
};

/* Asks QEMU for its vCPU threads and its iothreads. n_vcpus: the guest's
 * vCPUs. Each reply is checked (QEMU's user is not trusted): a list of
 * objects, each thread-id a positive integer that fits a pid, each vCPU's
 * cpu-index from 0 to n_vcpus - 1 and named once; anything else is -EPROTO
 * with a message. threads is freed by qemu_threads_free, also on failure. */
int qmp_query_threads(struct qmp *q, unsigned n_vcpus, struct qemu_threads *threads,
		      struct pl_err *err);
void qemu_threads_free(struct qemu_threads *threads);

#endif
