#include "qmp_threads.h"

#include "qmp_json.h"

#include <errno.h>
#include <limits.h>

/* QEMU makes an iothread for each disk that asks for one. */
#define MAX_IOTHREADS 1024

struct thread_list {
	const char *command;
	const char *role;
	const char *index_key; /* NULL: the index is the place in the list */
	size_t max;	       /* entries allowed; each index below it */
};

static int bad_entry(const struct thread_list *l, size_t i, const char *what, struct pl_err *err)
{
	return err_set(err, EPROTO,
		       "QMP: QEMU sent a reply to %s whose entry %zu %s; refusing to pin its "
		       "threads",
		       l->command, i, what);
}

/* Entry i: an object with a thread-id that is a positive pid, and for a
 * vCPU a cpu-index within the guest's vCPUs that no other entry has. */
static int parse_entry(json_object *o, const struct thread_list *l, size_t i, bool *seen,
		       struct qemu_thread *t, struct pl_err *err)
{
	int64_t tid, index = (int64_t)i;
	char why[128];

	if (!json_object_is_type(o, json_type_object))
		return bad_entry(l, i, "is not an object", err);
	if (qj_int(o, "thread-id", 1, INT_MAX, &tid) < 0)
		return bad_entry(l, i, "has no thread-id that is a positive integer fitting a pid",
				 err);
	if (l->index_key && qj_int(o, l->index_key, 0, (int64_t)l->max - 1, &index) < 0) {
		snprintf(why, sizeof(why), "has no %s from 0 to %zu (the guest has %zu vCPUs)",
			 l->index_key, l->max - 1, l->max);
		return bad_entry(l, i, why, err);
	}
	if (l->index_key && seen[index]) {
		snprintf(why, sizeof(why), "names %s %lld twice", l->index_key, (long long)index);
		return bad_entry(l, i, why, err);
	}
	seen[index] = true;
	*t = (struct qemu_thread){(pid_t)tid, l->role, (long)index};
	return 0;
}

static int parse_list(json_object *ret, const struct thread_list *l, struct qemu_threads *threads,
		      struct pl_err *err)
{
	size_t n = json_object_array_length(ret);
	_cleanup_free_ bool *seen = NULL;
	int r = 0;

	if (n > l->max)
		return err_set(err, EPROTO,
			       "QMP: QEMU sent a reply to %s with %zu entries, more than the %zu "
			       "it may have; refusing to pin its threads",
			       l->command, n, l->max);
	seen = xcalloc(l->max ? l->max : 1, sizeof(*seen));
	threads->t = xreallocarray(threads->t, threads->n + n, sizeof(*threads->t));
	for (size_t i = 0; r == 0 && i < n; i++)
		r = parse_entry(json_object_array_get_idx(ret, i), l, i, seen,
				&threads->t[threads->n + i], err);
	if (r == 0)
		threads->n += n;
	return r;
}

static int thread_list(struct qmp *q, const struct thread_list *l, struct qemu_threads *threads,
		       struct pl_err *err)
{
	json_object *ret = NULL;
	int r = qmp_query(q, l->command, json_type_array, &ret, 10000, err);

	if (r == 0)
		r = parse_list(ret, l, threads, err);
	json_object_put(ret);
	return r;
}

int qmp_query_threads(struct qmp *q, unsigned n_vcpus, struct qemu_threads *threads,
		      struct pl_err *err)
{
	const struct thread_list vcpus = {"query-cpus-fast", "vCPU", "cpu-index", n_vcpus};
	const struct thread_list iothreads = {"query-iothreads", "iothread", NULL, MAX_IOTHREADS};
	int r;

	*threads = (struct qemu_threads){0};
	r = thread_list(q, &vcpus, threads, err);
	if (r == 0)
		r = thread_list(q, &iothreads, threads, err);
	return r;
}

void qemu_threads_free(struct qemu_threads *threads)
{
	free(threads->t);
	*threads = (struct qemu_threads){0};
}
