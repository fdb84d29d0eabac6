/*
 * sink_json.c - NDJSON: one JSON object per line (docs/output.md).
 *
 * Field names are a published interface that other tools parse: add
 * fields, never rename or remove them without bumping the schema number.
 * Fields that only some runs have (capture statistics, "partial") are
 * written only when they apply, so file reports stay as they were.
 */
#include <inttypes.h>
#include <stdio.h>

#include "portclass/sink.h"

#define SINK_JSON_SCHEMA	1

static int	sink_json_open(struct sink *);
static int	sink_json_emit(struct sink *, const struct report *);
static void	sink_json_close(struct sink *);
static void	sink_json_scope(FILE *, const struct report *);

const struct sink_ops sink_json_ops = {
	.name = "json",
	.help = "NDJSON, one object per line (docs/output.md)",
	.open = sink_json_open,
	.emit = sink_json_emit,
	.close = sink_json_close,
};

static int
sink_json_open(struct sink *s)
{
	const struct sink_meta	*m = s->meta;

	fprintf(s->fp, "{\"type\":\"meta\",\"schema\":%d,"
	    "\"program\":\"portclass\",\"version\":\"", SINK_JSON_SCHEMA);
	json_write_string(s->fp, m->version);
	fputs("\",\"registry\":\"", s->fp);
	json_write_string(s->fp, m->registry_source);
	fputs("\",\"registry_date\":", s->fp);
	if (m->registry_date != NULL) {
		fputc('"', s->fp);
		json_write_string(s->fp, m->registry_date);
		fputc('"', s->fp);
	} else
		fputs("null", s->fp);
	fprintf(s->fp, ",\"registry_entries\":%zu}\n", m->registry_entries);
	return (fflush(s->fp) == 0 && !ferror(s->fp) ? 0 : -1);
}

/* "scope" and, when known, "start"/"end": shared by every record. */
static void
sink_json_scope(FILE *fp, const struct report *r)
{
	fprintf(fp, "\"scope\":\"%s\"",
	    r->scope == REPORT_RUN ? "run" : "interval");
	if (r->has_span)
		fprintf(fp, ",\"start\":%" PRId64 ",\"end\":%" PRId64,
		    r->start, r->end);
}

static int
sink_json_emit(struct sink *s, const struct report *r)
{
	FILE			*fp = s->fp;
	const struct report_row	*row;
	size_t			 i;

	for (i = 0; i < r->nrows; i++) {
		row = &r->rows[i];
		fputs("{\"type\":\"service\",", fp);
		sink_json_scope(fp, r);
		fprintf(fp, ",\"proto\":\"%s\",", pc_proto_name(row->proto));
		if (row->ephemeral)
			fputs("\"port\":null,", fp);
		else
			fprintf(fp, "\"port\":%u,", row->port);
		if (row->service != NULL) {
			fputs("\"service\":\"", fp);
			json_write_string(fp, row->service);
			fputs("\",", fp);
		} else
			fputs("\"service\":null,", fp);
		fprintf(fp, "\"status\":\"%s\",\"packets\":%" PRIu64
		    ",\"bytes\":%" PRIu64 "}\n",
		    registry_status_name((enum reg_status)row->status),
		    row->c.packets, row->c.bytes);
	}
	fputs("{\"type\":\"totals\",", fp);
	sink_json_scope(fp, r);
	fprintf(fp, ",\"clock\":\"%s\",\"packets\":%" PRIu64 ",\"bytes\":%"
	    PRIu64 ",\"service_packets\":%" PRIu64 ",\"service_bytes\":%"
	    PRIu64 ",\"service_rows\":%zu", r->clock, r->total.packets,
	    r->total.bytes, r->service.packets, r->service.bytes,
	    r->nrows_total);
	for (i = 0; i < CTR_COUNT; i++)
		fprintf(fp, ",\"%s\":%" PRIu64, counters_name((enum counter_id)i),
		    r->named[i].packets);
	fputs(",\"counter_bytes\":{", fp);
	for (i = 0; i < CTR_COUNT; i++)
		fprintf(fp, "%s\"%s\":%" PRIu64, i > 0 ? "," : "",
		    counters_name((enum counter_id)i), r->named[i].bytes);
	fprintf(fp, "},\"flows\":%" PRIu64 ",\"flow_evictions\":%" PRIu64
	    ",\"files_failed\":%zu", r->flows, r->flow_evictions,
	    r->files_failed);
	if (r->has_capture)
		fprintf(fp, ",\"capture_received\":%" PRIu64
		    ",\"capture_dropped\":%" PRIu64 ",\"capture_ifdropped\":%"
		    PRIu64 ",\"capture_received_total\":%" PRIu64
		    ",\"capture_dropped_total\":%" PRIu64
		    ",\"capture_ifdropped_total\":%" PRIu64,
		    r->capture.received, r->capture.dropped,
		    r->capture.ifdropped, r->capture_total.received,
		    r->capture_total.dropped, r->capture_total.ifdropped);
	if (r->partial)
		fputs(",\"partial\":true", fp);
	fputs("}\n", fp);
	return (fflush(fp) == 0 && !ferror(fp) ? 0 : -1);
}

static void
sink_json_close(struct sink *s)
{
	fflush(s->fp);
}
