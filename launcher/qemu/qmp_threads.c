#include "qmp_threads.h"

static int thread_ids(struct qmp *q, const char *command, const char *key,
		      struct qemu_threads *threads, const char *role, struct pl_err *err)
{
	json_object *ret = NULL, *tid, *idx;
	int r = qmp_execute(q, command, NULL, &ret, 10000, err);

	for (size_t i = 0; r == 0 && i < json_object_array_length(ret); i++) {
		json_object *o = json_object_array_get_idx(ret, i);
		if (!json_object_object_get_ex(o, "thread-id", &tid))
			continue;
		threads->t = xreallocarray(threads->t, threads->n + 1, sizeof(*threads->t));
		threads->t[threads->n++] = (struct qemu_thread){
		    json_object_get_int(tid), role,
		    key && json_object_object_get_ex(o, key, &idx) ? json_object_get_int(idx)
								   : (long)i};
	}
	json_object_put(ret);
	return r;
}

int qmp_query_threads(struct qmp *q, unsigned n_vcpus, struct qemu_threads *threads,
		      struct pl_err *err)
{
	int r;

	(void)n_vcpus;
	*threads = (struct qemu_threads){0};
	r = thread_ids(q, "query-cpus-fast", "cpu-index", threads, "vCPU", err);
	if (r == 0)
		r = thread_ids(q, "query-iothreads", NULL, threads, "iothread", err);
	return r;
}

void qemu_threads_free(struct qemu_threads *threads)
{
	free(threads->t);
	*threads = (struct qemu_threads){0};
}
