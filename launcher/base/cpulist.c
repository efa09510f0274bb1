#include "cpulist.h"

#include "strv.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int parse_cpu(const char **pp, unsigned *cpu)
{
	const char *p = skip_space(*pp);
	unsigned long v = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > CPULIST_MAX_CPU)
			return -ERANGE;
	}
	*cpu = (unsigned)v;
	*pp = skip_space(p);
	return 0;
}

static int add_cpu(struct cpulist *list, unsigned cpu, char *whybuf, size_t whylen)
{
	if (cpulist_contains(list, cpu)) {
		snprintf(whybuf, whylen, "CPU %u is listed twice", cpu);
		return -EINVAL;
	}
	list->cpu = xreallocarray(list->cpu, list->n + 1, sizeof(*list->cpu));
	list->cpu[list->n++] = cpu;
	return 0;
}

static int parse_item(const char **pp, struct cpulist *list, char *whybuf, size_t whylen)
{
	unsigned first, last;
	int r;

	r = parse_cpu(pp, &first);
	if (r == 0 && **pp == '-') {
		(*pp)++;
		r = parse_cpu(pp, &last);
	} else {
		last = first;
	}
	if (r == -ERANGE) {
		snprintf(whybuf, whylen, "CPU numbers go up to %d", CPULIST_MAX_CPU);
		return r;
	}
	if (r < 0) {
		snprintf(whybuf, whylen, "not a CPU list");
		return r;
	}
	if (last < first) {
		snprintf(whybuf, whylen, "range %u-%u goes backwards", first, last);
		return -EINVAL;
	}
	for (unsigned cpu = first; cpu <= last; cpu++) {
		r = add_cpu(list, cpu, whybuf, whylen);
		if (r < 0)
			return r;
	}
	return 0;
}

int cpulist_parse(const char *text, struct cpulist *list, char *whybuf, size_t whylen)
{
	const char *p = text;
	int r;

	*list = (struct cpulist){0};
	for (;;) {
		r = parse_item(&p, list, whybuf, whylen);
		if (r < 0)
			break;
		if (*p == '\0')
			return 0;
		if (*p != ',') {
			snprintf(whybuf, whylen, "not a CPU list");
			r = -EINVAL;
			break;
		}
		p++;
	}
	cpulist_free(list);
	return r;
}

bool cpulist_contains(const struct cpulist *list, unsigned cpu)
{
	for (size_t i = 0; i < list->n; i++)
		if (list->cpu[i] == cpu)
			return true;
	return false;
}

char *cpulist_format(const struct cpulist *list)
{
	char *out = xstrdup("");

	for (size_t i = 0; i < list->n;) {
		size_t j = i;
		char *next;
		while (j + 1 < list->n && list->cpu[j + 1] == list->cpu[j] + 1)
			j++;
		if (j - i >= 2)
			next =
			    xasprintf("%s%s%u-%u", out, i ? "," : "", list->cpu[i], list->cpu[j]);
		else
			next = xasprintf("%s%s%u", out, i ? "," : "", list->cpu[i]);
		free(out);
		out = next;
		i = j - i >= 2 ? j + 1 : i + 1;
	}
	return out;
}

void cpulist_add(struct cpulist *list, unsigned cpu)
{
	if (cpulist_contains(list, cpu))
		return;
	list->cpu = xreallocarray(list->cpu, list->n + 1, sizeof(*list->cpu));
	list->cpu[list->n++] = cpu;
}

void cpulist_add_all(struct cpulist *list, const struct cpulist *more)
{
	for (size_t i = 0; i < more->n; i++)
		cpulist_add(list, more->cpu[i]);
}

static int compare_cpu(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

void cpulist_sort(struct cpulist *list)
{
	if (list->n)
		qsort(list->cpu, list->n, sizeof(*list->cpu), compare_cpu);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int cpulist_parse_mask(const char *text, struct cpulist *list)
{
	size_t len = strlen(text), bit = 0;

	*list = (struct cpulist){0};
	for (size_t i = len; i-- > 0;) {
		int v = hex_digit(text[i]);
		if (text[i] == ',')
			continue;
		if (v < 0 || bit > CPULIST_MAX_CPU) {
			cpulist_free(list);
			return -EINVAL;
		}
		for (int b = 0; b < 4; b++)
			if (v & (1 << b))
				cpulist_add(list, (unsigned)(bit + (size_t)b));
		bit += 4;
	}
	cpulist_sort(list);
	return len ? 0 : -EINVAL;
}

char *cpulist_format_mask(const struct cpulist *list)
{
	unsigned top = 0;
	char *out = xstrdup("");

	for (size_t i = 0; i < list->n; i++)
		top = list->cpu[i] > top ? list->cpu[i] : top;
	for (unsigned group = top / 32 + 1; group-- > 0;) {
		unsigned word = 0;
		char *next;
		for (size_t i = 0; i < list->n; i++)
			if (list->cpu[i] / 32 == group)
				word |= 1u << (list->cpu[i] % 32);
		next = xasprintf("%s%s%0*x", out, *out ? "," : "", *out ? 8 : 1, word);
		free(out);
		out = next;
	}
	return out;
}

void cpulist_free(struct cpulist *list)
{
	free(list->cpu);
	*list = (struct cpulist){0};
}
