/*
 * registry_default.c - the IANA registry compiled into the program, and
 * the registry a run is built from: that one, files, or both.
 *
 * The build resolves data/service-names-port-numbers.csv with the registry
 * code itself (tools/regimage.c) and compiles the result in as constant
 * data (registry_image.h); loading it costs no parsing at start-up.  This
 * is apart from the rest of the registry (PC_REGISTRY_SOURCES in
 * CMakeLists.txt) because the tool that writes the image links that code
 * and cannot link the image it is about to write.
 */
#include <stddef.h>

#include "portclass/registry.h"
#include "portclass/registry_image.h"

int
registry_load_default(struct registry *reg, char *errbuf)
{
	struct registry_image	img;

	img.entries = registry_default_entries;
	img.nentries = registry_default_nentries;
	img.names = registry_default_names;
	img.nnames = registry_default_nnames;
	img.unassigned = registry_default_unassigned;
	img.nunassigned = registry_default_nunassigned;
	img.pool = registry_default_pool;
	img.poollen = registry_default_poollen;
	img.date = registry_default_date;
	return (registry_load_image(reg, &img, "embedded IANA CSV", errbuf));
}

struct registry *
registry_assemble(const struct registry_spec *spec, char *errbuf)
{
	struct registry	*reg;
	size_t		 i;

	reg = registry_new();
	if (spec->embedded && registry_load_default(reg, errbuf) == -1)
		goto fail;
	for (i = 0; i < spec->nfiles; i++)
		if (registry_load_file(reg, spec->files[i], errbuf) == -1)
			goto fail;
	return (reg);
fail:
	registry_free(reg);
	return (NULL);
}
