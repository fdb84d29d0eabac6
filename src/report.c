/*
 * report.c - turn counters into a sorted, named report for the sinks.
 *
 * Runs once per report, never per packet, so it may allocate and sort.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "portclass/report.h"
#include "portclass/unofficial.h"
#include "portclass/xmalloc.h"

static int	report_cmp_rows(const void *, const void *);

/* Most bytes first; ties broken so that output is stable across runs. */
static int
report_cmp_rows(const void *a, const void *b)
{
	const struct report_row	*x = a, *y = b;

	if (x->c.bytes != y->c.bytes)
		return (x->c.bytes > y->c.bytes ? -1 : 1);
	if (x->c.packets != y->c.packets)
		return (x->c.packets > y->c.packets ? -1 : 1);
	if (x->proto != y->proto)
		return (x->proto < y->proto ? -1 : 1);
	if (x->ephemeral != y->ephemeral)
		return (x->ephemeral ? 1 : -1);
	if (x->port != y->port)
		return (x->port < y->port ? -1 : 1);
	return (0);
}

void
report_build(struct report *r, const struct counters *c,
    const struct registry *reg, size_t top)
{
	struct counter_row	*cr;
	const struct service	*svc;
	size_t			 n, i;

	n = counters_rows(c, NULL, 0);
	cr = xcalloc(n ? n : 1, sizeof(*cr));
	counters_rows(c, cr, n);
	r->rows = xcalloc(n ? n : 1, sizeof(*r->rows));
	for (i = 0; i < n; i++) {
		r->rows[i].proto = cr[i].proto;
		r->rows[i].ephemeral = cr[i].ephemeral;
		r->rows[i].port = cr[i].port;
		r->rows[i].c = cr[i].c;
		r->rows[i].reasons = cr[i].reasons;
		if (cr[i].ephemeral) {
			r->rows[i].status = REG_DYNAMIC;
			r->rows[i].service = "ephemeral";
			continue;
		}
		r->rows[i].status = registry_status(reg, cr[i].proto,
		    cr[i].port);
		svc = registry_lookup(reg, cr[i].proto, cr[i].port);
		r->rows[i].service = svc != NULL ? svc->name : NULL;
		r->rows[i].unofficial = report_unofficial(cr[i].proto,
		    cr[i].port, (enum reg_status)r->rows[i].status);
	}
	free(cr);
	qsort(r->rows, n, sizeof(*r->rows), report_cmp_rows);
	r->nrows_total = n;
	r->nrows = (top > 0 && top < n) ? top : n;
	for (i = 0; i < CTR_COUNT; i++)
		r->named[i] = counters_named(c, (enum counter_id)i);
	r->total = counters_total(c);
	r->service = counters_service_total(c);
}

void
report_clear(struct report *r)
{
	free(r->rows);
	r->rows = NULL;
	r->nrows = r->nrows_total = 0;
	free(r->unassigned);
	r->unassigned = NULL;
	r->nunassigned = r->nunassigned_total = 0;
	r->has_unassigned = 0;
}

void
report_add_unassigned(struct report *r, const struct unassigned *u,
    size_t top)
{
	struct unassigned_port	*p;
	size_t			 n, i;

	n = unassigned_list(u, NULL, 0);
	free(r->unassigned);
	r->unassigned = xcalloc(n ? n : 1, sizeof(*r->unassigned));
	unassigned_list(u, r->unassigned, n);
	for (i = 0; i < n; i++) {
		p = &r->unassigned[i];
		p->unofficial = report_unofficial(p->proto, p->port,
		    (enum reg_status)p->status);
	}
	r->has_unassigned = 1;
	r->nunassigned_total = n;
	r->nunassigned = (top > 0 && top < n) ? top : n;
	r->unassigned_evicted = unassigned_evicted(u);
	r->unassigned_suppressed = unassigned_suppressed(u);
}

const struct unofficial_use *
report_unofficial(unsigned int proto, uint16_t port, enum reg_status status)
{
	return (unofficial_report(unofficial_default(), proto, port, status));
}

void
report_human_bytes(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB", "EiB" };
	double	v = (double)n;
	size_t	u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", n);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}
