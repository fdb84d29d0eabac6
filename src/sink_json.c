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
#include "portclass/unofficial.h"

#define SINK_JSON_SCHEMA	1

static int	sink_json_open(struct sink *);
static int	sink_json_emit(struct sink *, const struct report *);
static void	sink_json_close(struct sink *);
static void	sink_json_scope(FILE *, const struct report *);
static int	sink_json_alert(struct sink *, const struct unassigned_alert *);
static void	sink_json_unassigned(FILE *, const struct report *);
static void	sink_json_endpoint(FILE *, const struct unassigned_endpoint *);
static void	sink_json_unofficial(FILE *, const struct unofficial_use *);
static void	sink_json_registry_fields(FILE *, const struct sink_meta *);
static int	sink_json_registry(struct sink *, int64_t, unsigned int);

const struct sink_ops sink_json_ops = {
	.name = "json",
	.help = "NDJSON, one object per line (docs/output.md)",
	.format = 1,
	.open = sink_json_open,
	.emit = sink_json_emit,
	.close = sink_json_close,
	.alert = sink_json_alert,
	.registry = sink_json_registry,
};

/*
 * ,"unofficial":"...","unofficial_lo":N,"unofficial_hi":M when the record
 * carries the use reports show for its port: its text and the ports it names,
 * lo == hi for a use of that port alone.  The text stays a string, as in
 * the first schema-1 records, so readers of "unofficial" go on working.
 */
static void
sink_json_unofficial(FILE *fp, const struct unofficial_use *u)
{
	if (u == NULL)
		return;
	fputs(",\"unofficial\":\"", fp);
	json_write_string(fp, u->text);
	fprintf(fp, "\",\"unofficial_lo\":%u,\"unofficial_hi\":%u", u->lo,
	    u->hi);
}

static void
sink_json_endpoint(FILE *fp, const struct unassigned_endpoint *ep)
{
	char	a[64];

	unassigned_addr(ep->ipver, ep->client, a, sizeof(a));
	fprintf(fp, "{\"client\":\"%s\",\"client_port\":%u,", a,
	    ep->client_port);
	unassigned_addr(ep->ipver, ep->server, a, sizeof(a));
	fprintf(fp, "\"server\":\"%s\",\"server_port\":%u}", a,
	    ep->server_port);
}

/* One "unassigned" record per tracked port (docs/unassigned.md). */
static void
sink_json_unassigned(FILE *fp, const struct report *r)
{
	const struct unassigned_port	*u;
	size_t				 i, k;

	for (i = 0; i < r->nunassigned; i++) {
		u = &r->unassigned[i];
		fputs("{\"type\":\"unassigned\",", fp);
		sink_json_scope(fp, r);
		fprintf(fp, ",\"proto\":\"%s\",\"port\":%u,\"status\":\"%s\","
		    "\"packets\":%" PRIu64 ",\"bytes\":%" PRIu64
		    ",\"first_seen\":%" PRId64 ",\"last_seen\":%" PRId64
		    ",\"peers\":%u,\"peers_capped\":%s,\"examples\":[",
		    pc_proto_name(u->proto), u->port,
		    registry_status_name((enum reg_status)u->status),
		    u->packets, u->bytes, u->first_seen, u->last_seen,
		    u->peers, u->peers_capped ? "true" : "false");
		for (k = 0; k < u->nexamples; k++) {
			if (k > 0)
				fputc(',', fp);
			sink_json_endpoint(fp, &u->examples[k]);
		}
		fputc(']', fp);
		sink_json_unofficial(fp, u->unofficial);
		fputs("}\n", fp);
	}
}

static int
sink_json_alert(struct sink *s, const struct unassigned_alert *al)
{
	FILE	*fp = s->fp;
	char	 a[64];

	fprintf(fp, "{\"type\":\"alert\",\"alert\":\"unassigned\","
	    "\"time\":%" PRId64 ".%06u,\"proto\":\"%s\",\"port\":%u,"
	    "\"status\":\"%s\",", al->ts_sec, (unsigned)(al->ts_nsec / 1000),
	    pc_proto_name(al->proto), al->port,
	    registry_status_name((enum reg_status)al->status));
	unassigned_addr(al->ep.ipver, al->ep.client, a, sizeof(a));
	fprintf(fp, "\"client\":\"%s\",\"client_port\":%u,", a,
	    al->ep.client_port);
	unassigned_addr(al->ep.ipver, al->ep.server, a, sizeof(a));
	fprintf(fp, "\"server\":\"%s\",\"server_port\":%u,"
	    "\"suppressed\":%" PRIu64, a, al->ep.server_port, al->suppressed);
	sink_json_unofficial(fp, al->unofficial);
	fputs("}\n", fp);
	return (fflush(fp) == 0 && !ferror(fp) ? 0 : -1);
}

/*
 * The registry in use, as the meta and registry records give it:
 * "registry" and "registry_date" are the source on top (the last loaded)
 * and its own date, never another source's; "registry_sources" lists
 * every source in load order with its own date and the entries it gives.
 */
static void
sink_json_registry_fields(FILE *fp, const struct sink_meta *m)
{
	const struct registry_source	*top = NULL, *src;
	size_t				 i;

	if (m->registry_nsources > 0)
		top = &m->registry_sources[m->registry_nsources - 1];
	fputs("\"registry\":\"", fp);
	json_write_string(fp, top != NULL ? top->name : "(none)");
	fputs("\",\"registry_date\":", fp);
	if (top != NULL && top->date != NULL) {
		fputc('"', fp);
		json_write_string(fp, top->date);
		fputc('"', fp);
	} else
		fputs("null", fp);
	fprintf(fp, ",\"registry_entries\":%zu,\"registry_sources\":[",
	    m->registry_entries);
	for (i = 0; i < m->registry_nsources; i++) {
		src = &m->registry_sources[i];
		fputs(i > 0 ? ",{\"source\":\"" : "{\"source\":\"", fp);
		json_write_string(fp, src->name);
		fputs("\",\"date\":", fp);
		if (src->date != NULL) {
			fputc('"', fp);
			json_write_string(fp, src->date);
			fputc('"', fp);
		} else
			fputs("null", fp);
		fprintf(fp, ",\"entries\":%zu}", src->entries);
	}
	fputc(']', fp);
}

static int
sink_json_open(struct sink *s)
{
	const struct sink_meta	*m = s->meta;

	fprintf(s->fp, "{\"type\":\"meta\",\"schema\":%d,"
	    "\"program\":\"portclass\",\"version\":\"", SINK_JSON_SCHEMA);
	json_write_string(s->fp, m->version);
	fputs("\",", s->fp);
	sink_json_registry_fields(s->fp, m);
	fputs("}\n", s->fp);
	return (fflush(s->fp) == 0 && !ferror(s->fp) ? 0 : -1);
}

/* A reload replaced the registry: say so where it happened in the stream. */
static int
sink_json_registry(struct sink *s, int64_t when, unsigned int reloads)
{
	fprintf(s->fp, "{\"type\":\"registry\",\"time\":%" PRId64
	    ",\"reloads\":%u,", when, reloads);
	sink_json_registry_fields(s->fp, s->meta);
	fputs("}\n", s->fp);
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
	size_t			 i, k;

	for (i = 0; i < r->nrows; i++) {
		row = &r->rows[i];
		fputs("{\"type\":\"service\",", fp);
		sink_json_scope(fp, r);
		/*
		 * Added fields go before "proto": consumers match the
		 * original run from "proto" to the closing brace.
		 */
		fputs(",\"reasons\":{", fp);
		for (k = 0; k < CLASSIFY_REASON_COUNT; k++)
			fprintf(fp, "%s\"%s\":%" PRIu64, k > 0 ? "," : "",
			    classify_reason_name((enum classify_reason)k),
			    row->reasons[k]);
		fputc('}', fp);
		sink_json_unofficial(fp, row->unofficial);
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
		    ",\"bytes\":%" PRIu64,
		    registry_status_name((enum reg_status)row->status),
		    row->c.packets, row->c.bytes);
		fputs("}\n", fp);
	}
	if (r->has_unassigned)
		sink_json_unassigned(fp, r);
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
	    ",\"listeners\":%" PRIu64 ",\"listener_evictions\":%" PRIu64
	    ",\"conversation_evictions\":%" PRIu64
	    ",\"candidate_evictions\":%" PRIu64 ",\"guess_evictions\":%"
	    PRIu64 ",\"files_failed\":%zu", r->flows, r->flow_evictions,
	    r->listeners, r->listener_evictions, r->conversation_evictions,
	    r->candidate_evictions, r->guess_evictions, r->files_failed);
	if (r->has_capture)
		fprintf(fp, ",\"capture_received\":%" PRIu64
		    ",\"capture_dropped\":%" PRIu64 ",\"capture_ifdropped\":%"
		    PRIu64 ",\"capture_received_total\":%" PRIu64
		    ",\"capture_dropped_total\":%" PRIu64
		    ",\"capture_ifdropped_total\":%" PRIu64,
		    r->capture.received, r->capture.dropped,
		    r->capture.ifdropped, r->capture_total.received,
		    r->capture_total.dropped, r->capture_total.ifdropped);
	if (r->has_unassigned)
		fprintf(fp, ",\"unassigned_ports\":%zu,\"unassigned_evicted\":%"
		    PRIu64 ",\"alerts_suppressed\":%" PRIu64,
		    r->nunassigned_total, r->unassigned_evicted,
		    r->unassigned_suppressed);
	if (r->registry_reloads > 0)
		fprintf(fp, ",\"registry_reloads\":%u,\"registry_reloaded\":%"
		    PRId64, r->registry_reloads, r->registry_reloaded);
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
