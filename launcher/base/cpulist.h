/* CPU lists as the kernel writes them ("2-5,8,10"), keeping the order given:
 * in vcpu_pin the position is the vCPU. */
#ifndef PASSLAUNCH_CPULIST_H
#define PASSLAUNCH_CPULIST_H

#include <stdbool.h>
#include <stddef.h>

#define CPULIST_MAX_CPU 8191

struct cpulist {
	unsigned *cpu;
	size_t n;
};

/* Returns 0, or -EINVAL with *why (static, or written into whybuf). */
int cpulist_parse(const char *text, struct cpulist *list, char *whybuf, size_t whylen);
bool cpulist_contains(const struct cpulist *list, unsigned cpu);
/* Ascending runs are folded into ranges: "2,3,4,8" → "2-4,8". Caller frees. */
char *cpulist_format(const struct cpulist *list);
/* Adds CPU when the list does not have it yet. */
void cpulist_add(struct cpulist *list, unsigned cpu);
void cpulist_add_all(struct cpulist *list, const struct cpulist *more);
void cpulist_sort(struct cpulist *list);
/* The hexadecimal masks of /proc/irq/default_smp_affinity and the workqueue
 * cpumask: 32-bit groups, most significant first, separated by commas. */
int cpulist_parse_mask(const char *text, struct cpulist *list);
/* Caller frees. */
char *cpulist_format_mask(const struct cpulist *list);
void cpulist_free(struct cpulist *list);

#endif
