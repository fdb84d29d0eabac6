/*
 * sitemap.c - read a site's port map (sitemap.h) into the registry.
 *
 * The file comes from the operator but is still read as hostile: every
 * field is checked, a line is at most SITEMAP_LINE_MAX bytes, and any
 * error rejects the whole file before the registry is touched.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/log.h"
#include "portclass/proto.h"
#include "portclass/registry.h"
#include "portclass/sitemap.h"
#include "portclass/xmalloc.h"

#define SITEMAP_LINE_MAX	1024
#define SITEMAP_FILE_MAX	(4U * 1024 * 1024)

struct sitemap_entry {
	unsigned int	 proto;
	uint16_t	 port;
	char		*name;
	char		*desc;
};

static int	sitemap_line(const char *, size_t, struct sitemap_entry *,
		    const char **);

static int
sitemap_isspace(char c)
{
	return (c == ' ' || c == '\t' || c == '\r');
}

/*
 * Parse one line of n bytes.  Returns 1 with *e filled, 0 for a blank or
 * comment line, -1 with *why set.
 */
static int
sitemap_line(const char *p, size_t n, struct sitemap_entry *e,
    const char **why)
{
	const char	*end = p + n, *w, *q;
	unsigned long	 port = 0;
	unsigned int	 proto;
	size_t		 digits = 0;

	while (p < end && sitemap_isspace(*p))
		p++;
	if (p == end || *p == '#')
		return (0);
	memset(e, 0, sizeof(*e));
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535) {
			*why = "port above 65535";
			return (-1);
		}
	}
	if (digits == 0 || p == end || *p != '/') {
		*why = "expected PORT/PROTO";
		return (-1);
	}
	w = ++p;
	while (p < end && !sitemap_isspace(*p))
		p++;
	for (proto = PC_PROTO_TCP; proto <= PC_PROTO_DCCP; proto++)
		if (strlen(pc_proto_name(proto)) == (size_t)(p - w) &&
		    memcmp(pc_proto_name(proto), w, (size_t)(p - w)) == 0)
			break;
	if (proto > PC_PROTO_DCCP) {
		*why = "protocol is not tcp, udp, sctp or dccp";
		return (-1);
	}
	while (p < end && sitemap_isspace(*p))
		p++;
	w = p;
	while (p < end && *p > 0x20 && *p < 0x7f && *p != '"' && *p != '#')
		p++;
	if (p == w || (p < end && !sitemap_isspace(*p) && *p != '#')) {
		*why = "expected a NAME of visible ASCII";
		return (-1);
	}
	e->proto = proto;
	e->port = (uint16_t)port;
	e->name = xstrndup(w, (size_t)(p - w));
	while (p < end && sitemap_isspace(*p))
		p++;
	if (p < end && *p == '"') {
		q = memchr(p + 1, '"', (size_t)(end - p - 1));
		if (q == NULL) {
			*why = "unterminated description";
			goto fail;
		}
		e->desc = xstrndup(p + 1, (size_t)(q - p - 1));
		p = q + 1;
		while (p < end && sitemap_isspace(*p))
			p++;
	}
	if (p < end && *p != '#') {
		*why = "unexpected text after the entry";
		goto fail;
	}
	return (1);
fail:
	free(e->name);
	free(e->desc);
	return (-1);
}

int
sitemap_load_buffer(struct registry *reg, const char *name, const char *buf,
    size_t len, char *errbuf)
{
	struct sitemap_entry	*ents = NULL;
	const char		*p, *nl, *why = NULL;
	size_t			 n = 0, i, line = 0, ll;
	int			 rv;

	for (p = buf; p < buf + len; p = nl + 1) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(buf + len - p))) == NULL)
			nl = buf + len;
		ll = (size_t)(nl - p);
		if (ll > SITEMAP_LINE_MAX) {
			why = "line too long";
			rv = -1;
		} else if (memchr(p, '\0', ll) != NULL) {
			why = "NUL byte";
			rv = -1;
		} else {
			ents = xreallocarray(ents, n + 1, sizeof(*ents));
			rv = sitemap_line(p, ll, &ents[n], &why);
		}
		if (rv == -1) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s:%zu: %s", name,
			    line, why);
			for (i = 0; i < n; i++) {
				free(ents[i].name);
				free(ents[i].desc);
			}
			free(ents);
			return (-1);
		}
		if (rv == 1)
			n++;
	}
	for (i = 0; i < n; i++) {
		registry_add_local(reg, ents[i].proto, ents[i].port,
		    ents[i].name, ents[i].desc);
		free(ents[i].name);
		free(ents[i].desc);
	}
	free(ents);
	return ((int)n);
}

int
sitemap_load_file(struct registry *reg, const char *path, char *errbuf)
{
	FILE	*fp;
	char	*buf;
	size_t	 len;
	int	 rv;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", path,
		    strerror(errno));
		return (-1);
	}
	buf = xmalloc(SITEMAP_FILE_MAX + 1);
	len = fread(buf, 1, SITEMAP_FILE_MAX + 1, fp);
	if (ferror(fp) || len > SITEMAP_FILE_MAX) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", path, ferror(fp) ?
		    "read error" : "larger than 4 MiB");
		fclose(fp);
		free(buf);
		return (-1);
	}
	fclose(fp);
	rv = sitemap_load_buffer(reg, path, buf, len, errbuf);
	free(buf);
	return (rv);
}
