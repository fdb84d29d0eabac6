/*
 * registry_image.c - a registry image (registry_image.h) into the table.
 *
 * The image is the table a load of the IANA CSV gives, resolved at build
 * time, so loading it parses nothing: it is checked whole, then its
 * entries go into the table as they are.  Entries and name arrays take
 * two arena allocations; names and descriptions point into the image's
 * pool.  Entries with the same names in a row (a range such as x11
 * 6000-6063) share one name array, which is safe because only
 * registry_merge() writes names, and only into entries it has just
 * allocated.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "portclass/registry.h"
#include "portclass/registry_arena.h"
#include "portclass/registry_image.h"
#include "portclass/registry_parse.h"
#include "portclass/registry_table.h"

/*
 * Every entry stores a protocol the registry holds, assigned or reserved
 * (a reserved one without names), with names and a description inside
 * the image; entries in strictly increasing (proto, port) order are each
 * stored once, as uthash needs.  One loop with no call in it: this runs
 * at every start, on every entry of the IANA registry.
 */
static int
registry_image_check_entries(struct registry_load *ld,
    const struct registry_image *img)
{
	const struct registry_image_entry	*ie;
	size_t					 i;
	uint32_t				 key, last = 0;

	for (i = 0; i < img->nentries; i++) {
		ie = &img->entries[i];
		key = (uint32_t)ie->proto << 16 | ie->port;
		if (ie->proto >= REGISTRY_NPROTO || (i > 0 && key <= last) ||
		    (ie->status != REG_ASSIGNED &&
		    ie->status != REG_RESERVED) ||
		    (ie->status == REG_RESERVED && ie->nnames > 0) ||
		    ie->first > img->nnames ||
		    ie->nnames > img->nnames - ie->first ||
		    (ie->desc != REGISTRY_IMAGE_NONE &&
		    ie->desc >= img->poollen))
			return (registry_error(ld, 0,
			    "image entry %zu (%u/%u) is bad", i, ie->port,
			    ie->proto));
		last = key;
	}
	return (0);
}

/*
 * Check an image whole before any of it is used, so that a bad one changes
 * nothing and cannot make a pointer outside its pool: the pool ends in a
 * NUL and every offset falls inside it, so every string ends inside it.
 */
static int
registry_image_check(struct registry_load *ld,
    const struct registry_image *img)
{
	const struct registry_image_range	*ir;
	size_t					 i;

	if (img->poollen > 0 && img->pool[img->poollen - 1] != '\0')
		return (registry_error(ld, 0, "image pool not terminated"));
	for (i = 0; i < img->nnames; i++)
		if (img->names[i] >= img->poollen)
			return (registry_error(ld, 0,
			    "image name %zu outside the pool", i));
	if (registry_image_check_entries(ld, img) == -1)
		return (-1);
	for (i = 0; i < img->nunassigned; i++) {
		ir = &img->unassigned[i];
		if (ir->proto >= REGISTRY_NPROTO || ir->lo > ir->hi)
			return (registry_error(ld, 0,
			    "image range %zu is bad", i));
	}
	if (img->date[0] != '\0' &&
	    strnlen(img->date, sizeof(ld->date)) != sizeof(ld->date) - 1)
		return (registry_error(ld, 0, "image date is not YYYY-MM-DD"));
	return (0);
}

/*
 * What the image says about a port replaces what earlier loads said, as
 * in registry_merge(): drop their entries on every port it mentions.
 */
static void
registry_image_drop(struct registry *reg, const struct registry_image *img)
{
	const struct registry_image_range	*ir;
	struct registry_entry			*e;
	size_t					 i;
	unsigned int				 port;

	for (i = 0; i < img->nunassigned; i++) {
		ir = &img->unassigned[i];
		for (port = ir->lo; port <= ir->hi; port++)
			if ((e = registry_find(reg, ir->proto,
			    (uint16_t)port)) != NULL)
				registry_drop(reg, e);
	}
	for (i = 0; i < img->nentries; i++)
		if ((e = registry_find(reg, img->entries[i].proto,
		    img->entries[i].port)) != NULL)
			registry_drop(reg, e);
}

/* The image's names as pointers into its pool, or NULL if it has none. */
static const char **
registry_image_names(struct registry *reg, const struct registry_image *img)
{
	const char	**names;
	size_t		  i;

	if (img->nnames == 0)
		return (NULL);
	names = registry_arena_alloc(&reg->arena, img->nnames *
	    sizeof(*names));
	for (i = 0; i < img->nnames; i++)
		names[i] = img->pool + img->names[i];
	return (names);
}

/* The image's entries into the table as source src. */
static void
registry_image_entries(struct registry *reg, const struct registry_image *img,
    uint32_t src)
{
	const struct registry_image_entry	*ie;
	struct registry_entry			*ents = NULL, *e;
	const char				**names;
	size_t					 i;

	names = registry_image_names(reg, img);
	if (img->nentries > 0)
		ents = registry_arena_alloc(&reg->arena,
		    img->nentries * sizeof(*ents));
	for (i = 0; i < img->nentries; i++) {
		ie = &img->entries[i];
		e = &ents[i];
		/* Written whole, which zeroes the key's pad byte too. */
		*e = (struct registry_entry){
			.key = { .port = ie->port, .proto = ie->proto },
			.svc = { .port = ie->port, .proto = ie->proto,
			    .status = ie->status },
			.src = src
		};
		if (ie->nnames > 0) {
			e->names = names + ie->first;
			e->svc.names = e->names;
			e->svc.nnames = ie->nnames;
			e->svc.name = e->names[0];
		}
		if (ie->desc != REGISTRY_IMAGE_NONE)
			e->svc.description = img->pool + ie->desc;
		HASH_ADD(hh, reg->table, key, sizeof(e->key), e);
	}
}

int
registry_load_image(struct registry *reg, const struct registry_image *img,
    const char *name, char *errbuf)
{
	struct registry_load	ld;
	uint32_t		src;

	registry_load_init(&ld, name, errbuf);
	if (registry_image_check(&ld, img) == -1)
		return (-1);
	/* An empty registry, the usual case, has nothing to drop. */
	if (reg->table != NULL)
		registry_image_drop(reg, img);
	src = registry_source_add(reg, name, img->date);
	reg->sources[src].entries = img->nentries;
	registry_image_entries(reg, img, src);
	registry_index(reg);
	return (0);
}
