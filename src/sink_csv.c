/*
 * sink_csv.c - CSV for spreadsheets and log shippers (docs/output.md).
 *
 * RFC 4180: records end in CRLF, the first record is a header naming the
 * columns, a field is quoted when it holds a comma, a double quote, CR or
 * LF, and a double quote inside a quoted field is doubled.  Every record
 * has the same columns whatever its type, so a reader can take the header
 * once and map by name.  Column names are a published interface: add
 * columns at the end, never rename or reorder them.
 *
 * Service rows end with the use reports show for the port (unofficial.h):
 * its text, in UTF-8 as the table holds it, and the ports it names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "portclass/sink.h"
#include "portclass/unofficial.h"

#define SINK_CSV_HEADER \
	"type,scope,start,end,proto,port,service,status,packets,bytes," \
	"unofficial,unofficial_lo,unofficial_hi\r\n"

static int	sink_csv_open(struct sink *);
static int	sink_csv_emit(struct sink *, const struct report *);
static void	sink_csv_close(struct sink *);
static void	sink_csv_field(FILE *, const char *);
static void	sink_csv_lead(FILE *, const char *, const struct report *);
static int	sink_csv_alert(struct sink *, const struct unassigned_alert *);

const struct sink_ops sink_csv_ops = {
	.name = "csv",
	.help = "RFC 4180 CSV with a header line (docs/output.md)",
	.format = 1,
	.open = sink_csv_open,
	.emit = sink_csv_emit,
	.close = sink_csv_close,
	.alert = sink_csv_alert,
};

/* CSV has no record for alerts: they go to standard error, as in text. */
static int
sink_csv_alert(struct sink *s, const struct unassigned_alert *al)
{
	(void)s;
	sink_alert_line(stderr, al);
	fflush(stderr);
	return (0);
}

static int
sink_csv_open(struct sink *s)
{
	fputs(SINK_CSV_HEADER, s->fp);
	return (fflush(s->fp) == 0 && !ferror(s->fp) ? 0 : -1);
}

/*
 * One field, quoted only when RFC 4180 section 2 requires it.  Service
 * names come from registry files we do not control, so this is the one
 * place any text field goes through.
 */
static void
sink_csv_field(FILE *fp, const char *v)
{
	const char	*p;

	if (strpbrk(v, ",\"\r\n") == NULL) {
		fputs(v, fp);
		return;
	}
	fputc('"', fp);
	for (p = v; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	fputc('"', fp);
}

/* type, scope, start, end: the columns every record starts with. */
static void
sink_csv_lead(FILE *fp, const char *type, const struct report *r)
{
	fprintf(fp, "%s,%s,", type, r->scope == REPORT_RUN ? "run" :
	    "interval");
	if (r->has_span)
		fprintf(fp, "%" PRId64 ",%" PRId64 ",", r->start, r->end);
	else
		fputs(",,", fp);
}

static int
sink_csv_emit(struct sink *s, const struct report *r)
{
	FILE			*fp = s->fp;
	const struct report_row	*row;
	size_t			 i;

	for (i = 0; i < r->nrows; i++) {
		row = &r->rows[i];
		sink_csv_lead(fp, "service", r);
		fprintf(fp, "%s,", pc_proto_name(row->proto));
		if (!row->ephemeral)
			fprintf(fp, "%u", row->port);
		fputc(',', fp);
		if (row->service != NULL)
			sink_csv_field(fp, row->service);
		fprintf(fp, ",%s,%" PRIu64 ",%" PRIu64 ",",
		    registry_status_name((enum reg_status)row->status),
		    row->c.packets, row->c.bytes);
		if (row->unofficial != NULL) {
			sink_csv_field(fp, row->unofficial->text);
			fprintf(fp, ",%u,%u", row->unofficial->lo,
			    row->unofficial->hi);
		} else
			fputs(",,", fp);
		fputs("\r\n", fp);
	}
	/* The named counters: frames that have no service port. */
	for (i = 0; i < CTR_COUNT; i++) {
		sink_csv_lead(fp, "counter", r);
		fprintf(fp, ",,%s,,%" PRIu64 ",%" PRIu64 ",,,\r\n",
		    counters_name((enum counter_id)i), r->named[i].packets,
		    r->named[i].bytes);
	}
	sink_csv_lead(fp, "totals", r);
	fprintf(fp, ",,,,%" PRIu64 ",%" PRIu64 ",,,\r\n", r->total.packets,
	    r->total.bytes);
	/* Flushed per report so that tail -f and log shippers see it now. */
	return (fflush(fp) == 0 && !ferror(fp) ? 0 : -1);
}

static void
sink_csv_close(struct sink *s)
{
	fflush(s->fp);
}
