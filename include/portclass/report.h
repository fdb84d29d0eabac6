/*
 * report.h - an immutable view of one report, built from counters.
 *
 * A report is what every sink renders: its scope (the whole run or one
 * interval), the time span, the service rows already joined with the
 * registry and sorted by bytes, and the named counters.  Sinks never see
 * packets, counters or the capture, and look nothing up: names, statuses
 * and unofficial uses are in the report when they get it.  The uses come
 * from the compiled-in table (unofficial_default), which report building
 * makes on first use; main.c makes it first, before other threads run.
 */
#ifndef PORTCLASS_REPORT_H
#define PORTCLASS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "portclass/counters.h"
#include "portclass/registry.h"
#include "portclass/unassigned.h"

struct unofficial_use;

enum report_scope {
	REPORT_RUN = 0,
	REPORT_INTERVAL
};

/* Capture statistics as tcpdump prints them at exit (pcap_stats). */
struct report_capture {
	uint64_t		 received;	/* frames that passed the filter */
	uint64_t		 dropped;	/* dropped by the kernel */
	uint64_t		 ifdropped;	/* dropped by the interface */
};

struct report_row {
	uint8_t			 proto;		/* enum pc_proto */
	uint8_t			 ephemeral;	/* the protocol's ephemeral row */
	uint16_t		 port;
	uint8_t			 status;	/* enum reg_status */
	const char		*service;	/* primary name, NULL if none */
	struct counter_pair	 c;
	/*
	 * packets per enum classify_reason (docs/service-port.md): the
	 * counters' array the report was built from, which must not change
	 * while the report is in use (it is rendered at once)
	 */
	const uint64_t		*reasons;
	/* the use reports show (report_unofficial); NULL if none */
	const struct unofficial_use *unofficial;
};

struct report {
	enum report_scope	 scope;
	int			 has_span;	/* start/end are meaningful */
	int64_t			 start;		/* Unix seconds, inclusive */
	int64_t			 end;		/* Unix seconds, exclusive */
	const char		*clock;		/* "packet" or "wall" */
	struct report_row	*rows;		/* sorted: bytes, then packets */
	size_t			 nrows;		/* rows held */
	size_t			 nrows_total;	/* rows before --top cut */
	struct counter_pair	 named[CTR_COUNT];
	struct counter_pair	 total;		/* every frame read */
	struct counter_pair	 service;	/* frames in service rows */
	uint64_t		 flows;		/* flow cache entries in use */
	uint64_t		 flow_evictions;/* since the start of the run */
	uint64_t		 listeners;	/* known listeners (listener.h) */
	uint64_t		 listener_evictions;
	uint64_t		 conversation_evictions;
	uint64_t		 candidate_evictions;
	uint64_t		 guess_evictions;	/* held guesses decided
							 * early (defer.h) */
	size_t			 files_failed;	/* inputs that ended in error */
	int			 partial;	/* a run-so-far report (SIGUSR1) */
	int			 has_capture;	/* live: the two below are valid */
	struct report_capture	 capture;	/* over this report's span */
	struct report_capture	 capture_total;	/* since the captures opened */
	/*
	 * --unassigned and friends: traffic on unassigned and reserved ports
	 * since the start of the run (run reports only; has_unassigned 0
	 * otherwise).  unassigned[] is sorted by bytes and cut by --top;
	 * each port carries the use reports show for it.
	 */
	int			 has_unassigned;
	struct unassigned_port	*unassigned;
	size_t			 nunassigned;	/* held */
	size_t			 nunassigned_total; /* tracked, before --top */
	uint64_t		 unassigned_evicted;
	uint64_t		 unassigned_suppressed;	/* alerts */
	/*
	 * Run reports: how many times a SIGHUP reload replaced the registry
	 * during the run, and when last (wall clock, Unix seconds).  Rows
	 * are named by the registry in use when the report is made, so
	 * traffic counted before a reload carries the new names.
	 */
	unsigned int		 registry_reloads;
	int64_t			 registry_reloaded;
};

/*
 * Fill *r from counters c, naming rows through reg.  top > 0 keeps only the
 * top rows (the totals still cover everything).  The rows array is owned by
 * *r until report_clear(); each row's reasons point into c, which must not
 * change while *r is in use.  Startup-style allocation: never fails.
 */
void	report_build(struct report *r, const struct counters *c,
	    const struct registry *reg, size_t top);
void	report_clear(struct report *r);

/*
 * Add the unassigned-port listing of u to *r (top > 0 keeps the top
 * ports), owned by *r until report_clear().  Never fails.
 */
void	report_add_unassigned(struct report *r, const struct unassigned *u,
	    size_t top);

/*
 * The unofficial use reports (and alerts) show for (proto, port) of
 * registry status status: unofficial_report() on the compiled-in table;
 * NULL when none.  Allocates nothing once the table is made.
 */
const struct unofficial_use *report_unofficial(unsigned int proto,
	    uint16_t port, enum reg_status status);

/* Format n bytes as "812 B", "1.4 KiB", "3.0 GiB" into buf. */
void	report_human_bytes(uint64_t n, char *buf, size_t len);

#endif /* PORTCLASS_REPORT_H */
