/* libFuzzer harness: passlaunch import, fed any bytes as a domain XML
 * (broken XML, deep nesting, odd attributes, huge numbers): parsed, every
 * part imported, the profile written to /dev/null, all freed. */
#include "libvirt/import.h"

#include <libxml/parser.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain_xml d;
	struct import im = {.d = &d};
	struct pl_err err = {0};

	if (domain_xml_parse(&d, "fuzz.xml", (const char *)data, size, &err) == 0) {
		FILE *null = fopen("/dev/null", "we");
		d.quiet = true;
		if (import_run(&im, &err) == 0 && null)
			ini_write(&im.out, null);
		if (null)
			fclose(null);
	}
	import_free(&im);
	domain_xml_free(&d);
	return 0;
}
