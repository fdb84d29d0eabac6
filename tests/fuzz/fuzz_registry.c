/*
 * fuzz_registry.c - libFuzzer harness for the registry readers.
 *
 * The first byte chooses what the rest is offered as: as it is (format
 * detection decides), behind an IANA CSV header line, or behind the legacy
 * "PORT NUMBERS" banner, so that each reader gets deep coverage and not
 * only the detector.  The input is loaded into an empty registry and then
 * over a second one, and the promises of registry.h are checked: a failed
 * load names a line and changes nothing; a successful one answers lookups
 * with a consistent status.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/registry.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fuzz_prefixes[] = {
	"",
	"Service Name,Port Number,Transport Protocol,Description,Assignee,"
	    "Contact,Registration Date,Modification Date,Reference,"
	    "Service Code,Unauthorized Use Reported,Assignment Notes\r\n",
	"PORT NUMBERS\n",
};
#define FUZZ_NPREFIXES	(sizeof(fuzz_prefixes) / sizeof(fuzz_prefixes[0]))

static void
fuzz_check(const struct registry *reg)
{
	const struct service	*svc;
	unsigned int		 proto, port;

	for (proto = 0; proto < PC_PROTO_COUNT; proto++) {
		for (port = 0; port < 65536; port += 257) {
			svc = registry_lookup(reg, proto, (uint16_t)port);
			if (svc == NULL) {
				if (registry_status(reg, proto,
				    (uint16_t)port) != (port >= 49152 ?
				    REG_DYNAMIC : REG_UNASSIGNED))
					abort();
				continue;
			}
			if (svc->port != port ||
			    (svc->status != REG_ASSIGNED &&
			    svc->status != REG_RESERVED) ||
			    (svc->nnames > 0 && svc->name != svc->names[0]))
				abort();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry	*a, *b;
	char		 errbuf[PC_ERRBUF_SIZE];
	const char	*pre;
	char		*buf;
	size_t		 plen, before;

	if (size < 1)
		return (0);
	pre = fuzz_prefixes[data[0] % FUZZ_NPREFIXES];
	plen = strlen(pre);
	if ((buf = malloc(plen + size)) == NULL)
		return (0);
	memcpy(buf, pre, plen);
	memcpy(buf + plen, data + 1, size - 1);

	a = registry_new();
	errbuf[0] = '\0';
	if (registry_load_buffer(a, "fuzz", buf, plen + size - 1,
	    errbuf) == -1) {
		/* A failure says where, and leaves the registry empty. */
		if (strncmp(errbuf, "fuzz", 4) != 0 || registry_count(a) != 0)
			abort();
	} else
		fuzz_check(a);

	/* The same over a registry that already holds data. */
	b = registry_new();
	if (registry_load_buffer(b, "seed", "http 80/tcp www\n", 16,
	    errbuf) == -1)
		abort();
	before = registry_count(b);
	if (registry_load_buffer(b, "fuzz", buf, plen + size - 1,
	    errbuf) == -1) {
		if (registry_count(b) != before ||
		    registry_lookup(b, PC_PROTO_TCP, 80) == NULL)
			abort();
	} else
		fuzz_check(b);
	registry_free(a);
	registry_free(b);
	free(buf);
	return (0);
}
