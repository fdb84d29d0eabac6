/*
 * sitemap.h - a site's own names for its ports (--map FILE).
 *
 * One service a line:
 *	PORT/PROTO NAME ["DESCRIPTION"]	# comment
 * for example  8080/tcp my-app "internal API".  PROTO is tcp, udp, sctp or
 * dccp; NAME is one word of visible ASCII; the description, if any, is in
 * double quotes (no escapes).  Blank lines and lines starting with '#' are
 * skipped.  Each entry becomes a REG_LOCAL port of the registry
 * (registry_add_local), which the service-port rule ranks like an
 * assigned one; later lines win over earlier ones.
 */
#ifndef PORTCLASS_SITEMAP_H
#define PORTCLASS_SITEMAP_H

#include <stddef.h>

struct registry;

/*
 * Apply the map in buf (len bytes; name for messages) to reg.  On a bad
 * line returns -1 with "NAME:LINE: reason" in errbuf (PC_ERRBUF_SIZE), and
 * reg is unchanged (the whole map is checked first).  Else the number of
 * entries applied.
 */
int	sitemap_load_buffer(struct registry *reg, const char *name,
	    const char *buf, size_t len, char *errbuf);

/* The same for a file. */
int	sitemap_load_file(struct registry *reg, const char *path,
	    char *errbuf);

#endif /* PORTCLASS_SITEMAP_H */
