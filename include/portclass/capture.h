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
 * Open a live capture on iface.  snaplen 0 means the default.  Warnings
 * from activation are logged; errors name the interface and the reason.
 */
struct capture	*capture_open_live(const char *iface, int snaplen,
		    int promisc, char *errbuf);

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

/* Make capture_run() return soon.  Safe to call from a signal handler. */
void		 capture_stop(struct capture *);

/* The file name or interface name given at open. */
const char	*capture_name(const struct capture *);

/* Kernel statistics of a live capture; -1 for files. */
int		 capture_stats(struct capture *, uint64_t *recv,
		    uint64_t *drop, uint64_t *ifdrop);

void		 capture_close(struct capture *);

#endif /* PORTCLASS_CAPTURE_H */
