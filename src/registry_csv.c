/*
 * registry_csv.c - IANA's service-names-port-numbers.csv into registry rows.
 *
 * The file is RFC 4180 CSV (csv.h does the reading) whose first record
 * names the columns; the reader finds the ones it needs by name, so a
 * column added or moved does not matter.  Every record must have as many
 * fields as the header.  A record gives one row: its name, or if it has
 * none the status its description implies; an empty protocol stands for
 * tcp and udp; an empty port (names kept for DNS-SD) gives nothing.  The
 * newest Registration or Modification Date is the file's date.
 */
#include <stddef.h>
#include <string.h>

#include "portclass/csv.h"
#include "portclass/registry_parse.h"

static const char registry_csv_magic[] =
    "Service Name,Port Number,Transport Protocol";

/* Where the columns the registry reads are; -1 for an absent date. */
struct registry_csv_cols {
	size_t	ncols;
	int	name, port, proto, desc;
	int	reg, mod;	/* Registration, Modification Date */
};

int
registry_csv_sniff(const char *buf, size_t len)
{
	size_t	mlen = sizeof(registry_csv_magic) - 1;

	return (len >= mlen && memcmp(buf, registry_csv_magic, mlen) == 0);
}

static int
registry_csv_column(struct csv_reader *cr, const char *want)
{
	size_t	i;

	for (i = 0; i < csv_nfields(cr); i++)
		if (strcmp(csv_field(cr, i), want) == 0)
			return ((int)i);
	return (-1);
}

/*
 * Read the header record and find the columns in it.  A syntax error is
 * left for registry_csv_parse() to report, as in any other record.
 */
static int
registry_csv_header(struct registry_load *ld, struct csv_reader *cr,
    struct registry_csv_cols *c)
{
	int	rv;

	if ((rv = csv_next(cr)) != 1)
		return (rv == 0 ? registry_error(ld, 1, "empty file") : -1);
	c->ncols = csv_nfields(cr);
	c->name = registry_csv_column(cr, "Service Name");
	c->port = registry_csv_column(cr, "Port Number");
	c->proto = registry_csv_column(cr, "Transport Protocol");
	c->desc = registry_csv_column(cr, "Description");
	c->reg = registry_csv_column(cr, "Registration Date");
	c->mod = registry_csv_column(cr, "Modification Date");
	if (c->name == -1 || c->port == -1 || c->proto == -1 || c->desc == -1)
		return (registry_error(ld, 1, "CSV header lacks Service Name, "
		    "Port Number, Transport Protocol or Description"));
	return (0);
}

/*
 * The fields a row is made of, name, port and protocol trimmed (the
 * description is kept as written).
 */
struct registry_csv_fields {
	struct registry_tok	name, port, proto, desc;
};

static void
registry_csv_fields(const struct csv_reader *cr,
    const struct registry_csv_cols *c, struct registry_csv_fields *f)
{
	f->name.s = csv_field(cr, (size_t)c->name);
	f->name.n = csv_field_len(cr, (size_t)c->name);
	f->port.s = csv_field(cr, (size_t)c->port);
	f->port.n = csv_field_len(cr, (size_t)c->port);
	f->proto.s = csv_field(cr, (size_t)c->proto);
	f->proto.n = csv_field_len(cr, (size_t)c->proto);
	f->desc.s = csv_field(cr, (size_t)c->desc);
	f->desc.n = csv_field_len(cr, (size_t)c->desc);
	registry_trim(&f->name.s, &f->name.n);
	registry_trim(&f->port.s, &f->port.n);
	registry_trim(&f->proto.s, &f->proto.n);
}

/* The newest Registration or Modification Date is the file's date. */
static void
registry_csv_dates(struct registry_load *ld, const struct csv_reader *cr,
    const struct registry_csv_cols *c)
{
	if (c->reg != -1)
		registry_note_date(ld->date, csv_field(cr, (size_t)c->reg),
		    csv_field_len(cr, (size_t)c->reg));
	if (c->mod != -1)
		registry_note_date(ld->date, csv_field(cr, (size_t)c->mod),
		    csv_field_len(cr, (size_t)c->mod));
}

/* The protocols of a record: one, or tcp and udp when the field is empty. */
static int
registry_csv_protos(struct registry_load *ld, size_t line,
    const struct registry_tok *proto, unsigned int *protos)
{
	if (proto->n == 0) {
		*protos = REGISTRY_P_TCP | REGISTRY_P_UDP;
		return (0);
	}
	if (registry_proto_bit(proto->s, proto->n, protos) == 0)
		return (0);
	return (registry_error(ld, line, "unknown protocol \"%.*s\"",
	    (int)proto->n, proto->s));
}

/* One record after the header: a row, nothing, or -1 for a bad one. */
static int
registry_csv_record(struct registry_load *ld, const struct csv_reader *cr,
    const struct registry_csv_cols *c)
{
	struct registry_csv_fields	f;
	size_t				line = csv_line(cr);
	unsigned int			lo, hi, protos;
	int				rank;

	/* An empty line (one empty field) carries nothing. */
	if (csv_nfields(cr) == 1 && csv_field_len(cr, 0) == 0)
		return (0);
	if (csv_nfields(cr) != c->ncols)
		return (registry_error(ld, line,
		    "%zu fields, expected %zu as in the header",
		    csv_nfields(cr), c->ncols));
	registry_csv_dates(ld, cr, c);
	registry_csv_fields(cr, c, &f);
	/* Service names without a port exist for DNS-SD only. */
	if (f.port.n == 0)
		return (0);
	if (registry_parse_range(ld, line, f.port.s, f.port.n, &lo, &hi) ==
	    -1 || registry_csv_protos(ld, line, &f.proto, &protos) == -1)
		return (-1);
	rank = f.name.n > 0 ? REGISTRY_RANK_ASSIGNED :
	    registry_nameless_rank(f.desc.s, f.desc.n);
	registry_add_row(ld, f.name.s, f.name.n, f.desc.s, f.desc.n, protos,
	    lo, hi, rank);
	return (0);
}

int
registry_csv_parse(struct registry_load *ld, const char *buf, size_t len)
{
	struct csv_reader	 cr;
	struct registry_csv_cols cols;
	int			 rv;

	csv_init(&cr, buf, len);
	rv = registry_csv_header(ld, &cr, &cols);
	while (rv == 0 && (rv = csv_next(&cr)) == 1)
		rv = registry_csv_record(ld, &cr, &cols);
	/* A syntax error: the reader says what, and where the record began. */
	if (rv == -1 && csv_error(&cr) != NULL)
		registry_error(ld, csv_line(&cr), "%s", csv_error(&cr));
	csv_free(&cr);
	return (rv);
}
