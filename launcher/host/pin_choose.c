#include "pin_choose.h"

#include <stdarg.h>

/* The eligible cores that share one L3 (the whole set when the host does
 * not say which L3 a core has). */
struct domain {
	int l3;
	size_t *cores; /* indices into the topology's cores, ascending */
	size_t n;
	bool has_first; /* holds the core of the host's first CPU */
	unsigned long size_kib, max_khz;
};

struct chooser {
	const struct cpu_topology *t;
	const struct pin_request *req;
	struct pin_choice *out;
	int first_core;
	struct domain *d;
	size_t n_d;
};

static void reason(struct chooser *c, const char *fmt, ...) _printf_(2, 3);
static void reason(struct chooser *c, const char *fmt, ...)
{
	va_list ap;
	char *line;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_push_owned(&c->out->reasons, line);
}

static bool eligible(const struct chooser *c, const struct host_core *core, int node)
{
	if (core->threads.n < c->req->threads)
		return false;
	if (c->t->hybrid && core->kind != CORE_PERFORMANCE)
		return false;
	return node < 0 || core->node == node;
}

static struct domain *domain_for(struct chooser *c, int l3)
{
	for (size_t i = 0; i < c->n_d; i++)
		if (c->d[i].l3 == l3)
			return &c->d[i];
	c->d = xreallocarray(c->d, c->n_d + 1, sizeof(*c->d));
	c->d[c->n_d] = (struct domain){.l3 = l3};
	if (l3 >= 0)
		c->d[c->n_d].size_kib = c->t->l3[l3].size_kib;
	return &c->d[c->n_d++];
}

static void free_domains(struct chooser *c)
{
	for (size_t i = 0; i < c->n_d; i++)
		free(c->d[i].cores);
	free(c->d);
	c->d = NULL;
	c->n_d = 0;
}

static size_t group_domains(struct chooser *c, int node)
{
	size_t total = 0;

	free_domains(c);
	for (size_t i = 0; i < c->t->n_cores; i++) {
		const struct host_core *core = &c->t->cores[i];
		struct domain *d;
		if (!eligible(c, core, node))
			continue;
		d = domain_for(c, core->l3);
		d->cores = xreallocarray(d->cores, d->n + 1, sizeof(*d->cores));
		d->cores[d->n++] = i;
		d->has_first |= (int)i == c->first_core;
		if (core->max_khz > d->max_khz)
			d->max_khz = core->max_khz;
		total++;
	}
	return total;
}

/* How many cores D gives without touching the host's first core. */
static size_t spare(const struct domain *d)
{
	return d->n - (d->has_first ? 1 : 0);
}

/* Negative when A is the better domain for the VM. */
static int compare_domains(const struct chooser *c, const struct domain *a, const struct domain *b)
{
	if (c->req->prefer == PREFER_FREQUENCY && a->max_khz != b->max_khz)
		return a->max_khz > b->max_khz ? -1 : 1;
	if (a->size_kib != b->size_kib)
		return (a->size_kib > b->size_kib) == (c->req->prefer == PREFER_CACHE) ? -1 : 1;
	if ((spare(a) >= c->req->cores) != (spare(b) >= c->req->cores))
		return spare(a) >= c->req->cores ? -1 : 1;
	if (a->has_first != b->has_first)
		return a->has_first ? 1 : -1;
	return a->l3 < b->l3 ? -1 : a->l3 > b->l3;
}

/* Sorts the domains best first (few of them: insertion sort). */
static void rank_domains(struct chooser *c)
{
	for (size_t i = 1; i < c->n_d; i++)
		for (size_t j = i; j > 0 && compare_domains(c, &c->d[j], &c->d[j - 1]) < 0; j--) {
			struct domain tmp = c->d[j];
			c->d[j] = c->d[j - 1];
			c->d[j - 1] = tmp;
		}
}

/* Takes N cores of D in order, the host's first core last of all. */
static void take(struct chooser *c, const struct domain *d, size_t n)
{
	bool skip_first = spare(d) >= n;

	for (size_t i = 0; i < d->n && n; i++) {
		const struct host_core *core = &c->t->cores[d->cores[i]];
		if (skip_first && (int)d->cores[i] == c->first_core)
			continue;
		for (unsigned th = 0; th < c->req->threads; th++)
			cpulist_add(&c->out->vcpu, core->threads.cpu[th]);
		n--;
	}
}

static char *domain_cpus(const struct chooser *c, const struct domain *d)
{
	struct cpulist all = {0};
	char *text;

	for (size_t i = 0; i < d->n; i++)
		cpulist_add_all(&all, &c->t->cores[d->cores[i]].threads);
	cpulist_sort(&all);
	text = cpulist_format(&all);
	cpulist_free(&all);
	return text;
}

static char *mib(unsigned long kib)
{
	return kib ? xasprintf(", %lu MiB of L3", kib / 1024) : xstrdup("");
}

static void explain_single(struct chooser *c, const struct domain *d)
{
	_cleanup_free_ char *cpus = domain_cpus(c, d);
	_cleanup_free_ char *size = mib(d->size_kib);
	const struct domain *other = c->n_d > 1 ? &c->d[1] : NULL;
	const char *why = "";

	if (c->t->n_l3 == 1)
		reason(c, "L3: one L3 shared by every core of this host");
	if (c->t->n_l3 <= 1)
		return;
	if (other && c->req->prefer == PREFER_FREQUENCY && d->max_khz > other->max_khz)
		why = "the fastest cores ([cpu] prefer = frequency)";
	else if (other && d->size_kib > other->size_kib)
		why = "the largest L3, best for games (3D V-Cache); [cpu] prefer = frequency "
		      "picks the fastest cores instead";
	else if (other && c->req->prefer == PREFER_FREQUENCY && d->size_kib < other->size_kib)
		why = "the smaller L3 at the same speed ([cpu] prefer = frequency)";
	else if (!d->has_first)
		why = "the one without the host's first CPU";
	reason(c, "L3: every vCPU in one L3 domain (CPUs %s%s)%s%s", cpus, size, *why ? ": " : "",
	       why);
}

static bool choose_single(struct chooser *c)
{
	for (size_t i = 0; i < c->n_d; i++)
		if (c->d[i].n >= c->req->cores) {
			struct domain best = c->d[i];
			c->d[i] = c->d[0];
			c->d[0] = best;
			take(c, &c->d[0], c->req->cores);
			explain_single(c, &c->d[0]);
			return true;
		}
	return false;
}

/* The fewest best domains that each hold an equal share. */
static bool choose_even(struct chooser *c)
{
	for (size_t k = 2; k <= c->n_d; k++) {
		size_t share = c->req->cores / k, found = 0;
		if (c->req->cores % k)
			continue;
		for (size_t i = 0; i < c->n_d && found < k; i++)
			if (c->d[i].n >= share) {
				take(c, &c->d[i], share);
				found++;
			}
		if (found < k) {
			cpulist_free(&c->out->vcpu);
			continue;
		}
		reason(c, "L3: %u cores do not fit one L3 domain; %zu on each of %zu domains",
		       c->req->cores, share, k);
		if (c->req->may_set_dies) {
			c->out->guest_dies = (unsigned)k;
			reason(c,
			       "guest topology: %zu dies of %zu core%s, one per host L3 domain, so "
			       "that the guest's caches match the host's",
			       k, share, share == 1 ? "" : "s");
		}
		return true;
	}
	return false;
}

static void choose_spread(struct chooser *c)
{
	size_t left = c->req->cores;

	for (size_t i = 0; i < c->n_d && left; i++) {
		size_t n = c->d[i].n < left ? c->d[i].n : left;
		take(c, &c->d[i], n);
		left -= n;
	}
	reason(c,
	       "L3: %u cores spread over L3 domains unevenly, best first; the guest sees "
	       "one die (set dies and cores to split them evenly)",
	       c->req->cores);
}

static void explain_cores(struct chooser *c)
{
	const struct host_core *first = &c->t->cores[0];

	if (c->req->threads > 1)
		reason(c,
		       "cores: %u guest cores on %u whole host cores, each guest core's %u "
		       "threads on one host core's SMT siblings",
		       c->req->cores, c->req->cores, c->req->threads);
	else if (first->threads.n > 1)
		reason(c,
		       "cores: one vCPU on each of %u whole host cores, their SMT siblings "
		       "left idle (threads = 2 uses them)",
		       c->req->cores);
	else
		reason(c, "cores: one vCPU on each of %u host cores", c->req->cores);
	if (c->t->hybrid)
		reason(c, "hybrid CPU: P-cores only; the E-cores stay the host's");
}

/* The NUMA node to choose in: the GPU's when it holds the VM, else any one
 * node that does (the host's first CPU's last), else -1 (all of them). */
static int choose_node(struct chooser *c)
{
	int first_node = c->t->cores[c->first_core].node;

	if (c->t->n_nodes <= 1)
		return -1;
	if (c->req->gpu_node >= 0) {
		if (group_domains(c, c->req->gpu_node) >= c->req->cores) {
			reason(c, "NUMA: node %d, the GPU's", c->req->gpu_node);
			return c->req->gpu_node;
		}
		reason(c, "NUMA: the GPU's node %d has too few cores; other nodes' cores too",
		       c->req->gpu_node);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++)
		for (unsigned node = 0; node < 64; node++) {
			if (((int)node == first_node) != (pass == 1))
				continue;
			if (group_domains(c, (int)node) >= c->req->cores) {
				reason(c, "NUMA: node %u holds every vCPU", node);
				return (int)node;
			}
		}
	reason(c, "NUMA: no one node has %u cores; the VM spans nodes", c->req->cores);
	return -1;
}

/* Every L3 domain a vCPU is in holds vCPUs on all its CPUs: the guest's
 * dies are the host's domains, so the host's cache sizes are true for it. */
static void note_whole_l3(struct chooser *c)
{
	const struct cpulist *v = &c->out->vcpu;
	unsigned long kib = 0;

	if (!c->t->n_l3 || !v->n)
		return;
	for (size_t i = 0; i < c->t->n_l3; i++) {
		const struct cpulist *l3 = &c->t->l3[i].cpus;
		size_t in = 0;
		for (size_t k = 0; k < l3->n; k++)
			in += cpulist_contains(v, l3->cpu[k]);
		if (in && in < l3->n)
			return;
		if (in && c->t->l3[i].size_kib > kib)
			kib = c->t->l3[i].size_kib;
	}
	c->out->whole_l3 = true;
	reason(c,
	       "guest caches: the host's (host-cache-info), as the vCPUs fill whole L3 "
	       "domains: the guest sees %lu MiB of L3, as the host has it",
	       kib / 1024);
}

static void pick_host_core(struct chooser *c)
{
	struct pin_choice *o = c->out;
	int core = c->first_core;

	if (cpulist_contains(&o->vcpu, c->t->cores[core].threads.cpu[0]))
		for (core = 0; (size_t)core < c->t->n_cores; core++)
			if (!cpulist_contains(&o->vcpu, c->t->cores[core].threads.cpu[0]))
				break;
	cpulist_add_all(&o->host_core, &c->t->cores[core].threads);
}

int pin_choose(const struct cpu_topology *t, const struct pin_request *req,
	       struct pin_choice *choice, char *why, size_t whylen)
{
	struct chooser c = {t, req, choice, cpu_topology_core_of(t, t->first_cpu), NULL, 0};
	size_t usable;

	*choice = (struct pin_choice){0};
	if (c.first_core < 0 || req->cores + 1 > t->n_cores) {
		snprintf(why, whylen,
			 "needs %u cores and one more for the host, but this host has %zu",
			 req->cores, t->n_cores);
		return -1;
	}
	explain_cores(&c);
	usable = group_domains(&c, choose_node(&c));
	if (usable < req->cores) {
		free_domains(&c);
		pin_choice_free(choice);
		snprintf(why, whylen,
			 "needs %u cores with %u threads each%s, but this host has %zu", req->cores,
			 req->threads, t->hybrid ? " (P-cores)" : "", usable);
		return -1;
	}
	rank_domains(&c);
	if (!choose_single(&c) && !choose_even(&c))
		choose_spread(&c);
	note_whole_l3(&c);
	pick_host_core(&c);
	free_domains(&c);
	return 0;
}

void pin_choice_free(struct pin_choice *choice)
{
	cpulist_free(&choice->vcpu);
	cpulist_free(&choice->host_core);
	strv_free(&choice->reasons);
}
