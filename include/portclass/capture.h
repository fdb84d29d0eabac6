/*
 * capture.h - where frames come from: capture files and live interfaces.
 *
 * The only module that talks to libpcap.  A struct capture is opaque; the
 * caller gets each frame through a callback, with its link type, so files
 * whose interfaces differ in link type (pcapng) are handled frame by frame.
 */
#ifndef PORTCLASS_CAPTURE_H
#define PORTCLASS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One frame, valid only for the duration of the callback. */
struct capture_frame {
	const uint8_t	*data;		/* caplen captured bytes */
	uint32_t	 caplen;	/* bytes captured */
	uint32_t	 wirelen;	/* bytes on the wire (pcap "len") */
	int		 dlt;		/* link type, a pcap_datalink() value */
	int64_t		 ts_sec;	/* timestamp, Unix seconds */
	uint32_t	 ts_nsec;	/* and nanoseconds */
};

typedef void	capture_cb(void *ctx, const struct capture_frame *);

struct capture;

/*
 * Open a capture file (pcap in either byte order, micro- or nanosecond, or
 * pcapng with any number of interfaces and link types); "-" is standard
 * input.  Returns NULL with errbuf ("FILE: reason") on failure.
 */
struct capture	*capture_open_file(const char *path, char *errbuf);

/*
 * Read the file ahead in a second thread from now on, so that the
 * kernel's copy of the next block overlaps the work on this one; before
 * the first frame only.  1 if it now does; 0 if this capture cannot (a
 * live one, or a file left to libpcap); -1
 * with errbuf "FILE: reason" if the thread could not start (reading goes
 * on in the caller's thread).
 */
int		 capture_readahead(struct capture *, char *errbuf);

/*
 * The snapshot length of a live capture when none is given: enough for
 * every header the decoder reads, tunnels included (docs/live.md has the
 * sum), so the kernel copies a few hundred bytes per frame, not all of it.
 * Frames are still counted by their length on the wire.
 */
#define CAPTURE_SNAPLEN_LIVE	256

/* How a live capture is set up; zero means libpcap's default. */
struct capture_live_opts {
	int		 snaplen;	/* 0: CAPTURE_SNAPLEN_LIVE */
	int		 promisc;	/* put the interface in promiscuous mode */
	int		 buffer_kib;	/* kernel buffer, KiB; 0: default */
	int		 quiet;		/* no "listening on" line at open */
};

/*
 * Open a live capture on iface ("any" gives Linux cooked v2 where the
 * kernel can).  Every warning from activation is logged with the
 * interface's name; on failure returns NULL with errbuf "IFACE: reason"
 * (no permission, no such device, ...).  The handle is non-blocking:
 * capture_dispatch() never waits, capture_fd() is what to poll().
 */
struct capture	*capture_open_iface(const char *iface,
		    const struct capture_live_opts *, char *errbuf);

/*
 * Log the "listening on IFACE, link-type ..., snapshot length ..." line
 * of a live capture (done at open unless opts.quiet), with extra appended
 * when not NULL.
 */
void		 capture_log_listening(struct capture *, const char *extra);

/*
 * Join a live capture to a PACKET_FANOUT group in hash mode (Linux): the
 * kernel then gives each frame to one capture of the group, the same one
 * for every frame of a flow (the hash is symmetric in the addresses and
 * ports).  *group < 0 makes a new group with an id the kernel picks as
 * unique and stores it in *group, for the other captures to join.  -1
 * with errbuf "IFACE: reason" (not Linux, or the kernel refuses).
 */
int		 capture_join_fanout(struct capture *, int *group,
		    char *errbuf);

/*
 * capture_open_iface() with snaplen (0: default) and promisc, other
 * options at their defaults.
 */
struct capture	*capture_open_live(const char *iface, int snaplen,
		    int promisc, char *errbuf);

/*
 * Write the interfaces libpcap can capture on to fp, numbered, with their
 * description and flags, in the layout of "tcpdump -D".  -1 with errbuf.
 */
int		 capture_list_ifaces(FILE *fp, char *errbuf);

/* Apply a BPF filter expression (tcpdump syntax).  -1 with errbuf. */
int		 capture_set_filter(struct capture *, const char *expr,
		    char *errbuf);

/*
 * Deliver frames to cb until the source ends (returns 0), capture_stop()
 * is called (returns 1), or an error (returns -1, errbuf "NAME: reason";
 * frames delivered before the error stay delivered).
 */
int		 capture_run(struct capture *, capture_cb *cb, void *ctx,
		    char *errbuf);

/* What capture_dispatch() returns besides a count of frames. */
#define CAPTURE_END	(-2)	/* a file has no more frames */

/*
 * Deliver at most max frames (max <= 0: what one buffer holds, or a batch
 * of a file) and return how many were delivered: 0 when a live capture
 * has nothing ready or capture_stop() cut the batch short, CAPTURE_END at
 * the end of a file, -1 on an error (errbuf "NAME: reason", e.g. the
 * interface went down).  Unlike capture_run() this ignores an earlier
 * capture_stop(), so a caller may drain a stopped live capture.
 */
int		 capture_dispatch(struct capture *, int max, capture_cb *cb,
		    void *ctx, char *errbuf);

/* The descriptor to poll() for a live capture's frames; -1 for files. */
int		 capture_fd(const struct capture *);

/* 1 for a live interface, 0 for a file. */
int		 capture_is_live(const struct capture *);

/*
 * Make capture_run() return soon, after the frame in hand.  Only sets a
 * flag, calls pcap_breakloop() and wakes a wait for the read-ahead
 * thread: safe to call from a signal handler.
 */
void		 capture_stop(struct capture *);

/* The file name or interface name given at open. */
const char	*capture_name(const struct capture *);

/*
 * Kernel statistics of a live capture since it was opened, as tcpdump
 * prints them at exit: frames received by the filter, dropped by the
 * kernel (buffer full), dropped by the interface.  libpcap's counters are
 * 32 bits wide; they are widened here, so a run of days does not wrap as
 * long as this is called at least once per 2^32 frames (every report
 * does).  -1 for files or if libpcap cannot tell.
 */
int		 capture_stats(struct capture *, uint64_t *recv,
		    uint64_t *drop, uint64_t *ifdrop);

void		 capture_close(struct capture *);

/* libpcap's own version string (pcap_lib_version()), for --version. */
const char	*capture_lib_version(void);

/*
 * Bytes of a capture file read so far (for a progress line), or -1 for a
 * live capture or a stream whose position is unknown.
 */
long long	 capture_tell(struct capture *);

#endif /* PORTCLASS_CAPTURE_H */
