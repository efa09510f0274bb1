/* libFuzzer harness: the undo journal's reader, fed any bytes as the file
 * a killed run left (damaged, cut short, escapes malformed): every entry,
 * its action and each field read to its end, then freed. */
#include "host/journal.h"

#include <stdint.h>
#include <sys/mman.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the walk from being optimised away. */
static volatile size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_entry *entries;
	char path[64];
	size_t n, total = 0;
	/* In memory: no file system in the loop, nothing left behind. */
	int fd = memfd_create("journal", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (journal_read(path, &entries, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			total += strlen(entries[i].line) + strlen(entries[i].action);
			for (size_t k = 0; k < entries[i].n; k++)
				total += strlen(entries[i].field[k]);
		}
		journal_entries_free(entries, n);
	}
	close(fd);
	sink = total;
	return 0;
}
