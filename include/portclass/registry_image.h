/*
 * registry_image.h - a registry resolved at build time, kept as constant data.
 *
 * tools/regimage.c loads data/service-names-port-numbers.csv with the
 * registry's own loader, so under the rules of --registry FILE, and writes
 * the result as C (registry_image.c in the build directory): every stored
 * (protocol, port) as integers that index one pool of NUL-terminated
 * strings, the ports the file declares unassigned, and the date.
 * registry_load_default() gives that image to registry_load_image(), which
 * builds the registry with no parsing; names and descriptions point into
 * the pool and are not copied.
 *
 * The image holds no pointers, so the program needs no relocations for it:
 * its pages stay clean and shared between processes, and only those read
 * become resident (the pool is read only when a report names a service).
 */
#ifndef PORTCLASS_REGISTRY_IMAGE_H
#define PORTCLASS_REGISTRY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/registry.h"

#define REGISTRY_IMAGE_NONE	UINT32_MAX	/* no description */

/*
 * One stored (protocol, port), as registry_lookup() answers for it.  Its
 * names are names[first .. first + nnames) of the image.  Entries are in
 * increasing (proto, port) order, each (proto, port) once.
 */
struct registry_image_entry {
	uint32_t	first;		/* index into the image's names */
	uint32_t	desc;		/* pool offset, or REGISTRY_IMAGE_NONE */
	uint16_t	port;
	uint16_t	nnames;		/* 0 for reserved, nameless assigned */
	uint8_t		proto;		/* enum pc_proto, TCP..DCCP */
	uint8_t		status;		/* REG_ASSIGNED or REG_RESERVED */
};

/*
 * Ports the file says are unassigned.  They are not stored, but a load
 * still drops what earlier loads said about them, as a file load does.
 */
struct registry_image_range {
	uint16_t	lo, hi;		/* inclusive */
	uint8_t		proto;
};

struct registry_image {
	const struct registry_image_entry	*entries;
	size_t					 nentries;
	const uint32_t				*names;	/* pool offsets */
	size_t					 nnames;
	const struct registry_image_range	*unassigned;
	size_t					 nunassigned;
	const char				*pool;
	size_t					 poollen;
	const char				*date;	/* YYYY-MM-DD or "" */
};

/*
 * Load an image as registry_load_buffer() would load the file it was made
 * from: every port the image mentions (stored or unassigned) replaces what
 * earlier loads said about it, and the source becomes name.  The strings
 * stay in img->pool, which must outlive the registry.  An image that does
 * not hold together (an offset outside the pool, entries out of order)
 * fails with "NAME: reason" in errbuf and changes nothing.
 */
int	registry_load_image(struct registry *, const struct registry_image *,
	    const char *name, char *errbuf);

/* The image of data/service-names-port-numbers.csv (tools/regimage.c). */
extern const struct registry_image_entry	registry_default_entries[];
extern const size_t				registry_default_nentries;
extern const uint32_t				registry_default_names[];
extern const size_t				registry_default_nnames;
extern const struct registry_image_range	registry_default_unassigned[];
extern const size_t				registry_default_nunassigned;
extern const char				registry_default_pool[];
extern const size_t				registry_default_poollen;
extern const char				registry_default_date[];

#endif /* PORTCLASS_REGISTRY_IMAGE_H */
