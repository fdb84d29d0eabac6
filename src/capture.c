/*
 * capture.c - frames from capture files and live interfaces, via libpcap.
 *
 * The only file that includes <pcap.h>.  Live interfaces go through
 * libpcap's pcap_dispatch().  Capture files mostly go through our own
 * readers, with BPF filters compiled once per link type and applied with
 * pcap_offline_filter():
 *   - classic pcap files that pcapfile_header() takes: pcapfile.c, which
 *     parses records in place in blocks from readahead.c, so a frame is not
 *     copied after read(2) (libpcap copies it twice more, which was most of
 *     the time on small frames; docs/performance.md);
 *   - pcapng files: pcapng.c, because libpcap 1.10 refuses a pcapng file
 *     whose interfaces have different link types; it parses the blocks
 *     in place in the same blocks from readahead.c;
 *   - everything else (older pcap versions, patched formats, the few link
 *     types libpcap rewrites as it reads): libpcap's pcap_loop().
 *
 * The format is told from the first bytes.  Standard input cannot be
 * rewound, so those bytes are handed back to whichever reader takes over:
 * to pcapng.c as a prefix, to libpcap through a fopencookie() stream that
 * replays them before reading on.
 *
 * Nothing here allocates, logs or formats per frame; errors are one line,
 * "NAME: reason", in the caller's buffer.
 */
#define _GNU_SOURCE		/* fopencookie(); this file only */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __linux__
#include <stdio_ext.h>	/* __fsetlocking() */
#endif
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#ifdef __linux__
#include <sys/socket.h>
#include <linux/if_packet.h>
#endif
#include <unistd.h>

#include "portclass/capture.h"
#include "portclass/log.h"
#include "portclass/pcapfile.h"
#include "portclass/pcapng.h"
#include "portclass/readahead.h"
#include "portclass/xmalloc.h"

#define CAPTURE_SNAPLEN_DEFAULT	262144	/* libpcap's MAXIMUM_SNAPLEN */
#define CAPTURE_TIMEOUT_MS	100
#define CAPTURE_STDIO_BUF	(256 * 1024)
#define CAPTURE_PAGE		4096
#define CAPTURE_FILE_BATCH	4096	/* frames per capture_dispatch() */
#define CAPTURE_FILTER_FAIL	(-3)	/* capture_next_own(): errbuf is set */
#define CAPTURE_AGAIN		PCAPFILE_AGAIN	/* a signal cut a read */
_Static_assert(PCAPFILE_AGAIN == PCAPNG_AGAIN,
    "both readers say 'interrupted' alike");

/* One compiled filter per link type seen in a pcapng file. */
struct capture_bpf {
	int			dlt;
	struct bpf_program	prog;
};

struct capture {
	char			*name;
	int			 live;

	/* libpcap handle (live, and files our readers leave to it). */
	pcap_t			*pcap;
	int			 dlt;
	int			 nano;		/* ts.tv_usec holds ns */

	/* Our classic pcap reader, its blocks, and the descriptor. */
	struct pcapfile_reader	*pf;
	struct readahead	*ra;
	int			 fd;		/* -1 once a stream owns it */

	/* Our pcapng reader (on ra too). */
	struct pcapng_reader	*ng;

	/* The stream libpcap reads, until pcap owns it. */
	FILE			*fp;
	int			 fp_owned;	/* not stdin */
	char			*stdiobuf;	/* setvbuf() buffer of fp */

	char			*filter;	/* expression, for pcapng */
	struct capture_bpf	*bpf;
	size_t			 nbpf;
	size_t			 lastbpf;	/* the one used last */

	volatile sig_atomic_t	 stop;

	/* pcap_stats() as last read (32 bits) and widened to 64. */
	uint32_t		 st_last[3];
	uint64_t		 st_total[3];

	/* The caller's callback while capture_run() is in pcap_loop(). */
	capture_cb		*cb;
	void			*ctx;
};

/* Replays the sniffed header, then reads on from the real stream. */
struct capture_cookie {
	FILE		*in;
	uint8_t		 prefix[PCAPFILE_HDRLEN];
	size_t		 prefixlen;
	size_t		 prefixoff;
};

static ssize_t	capture_cookie_read(void *, char *, size_t);
static int	capture_cookie_close(void *);
static FILE	*capture_replay_stream(FILE *, const uint8_t *, size_t);
static struct capture *capture_alloc(const char *);
static size_t	capture_read_full(int, uint8_t *, size_t, int *);
static FILE	*capture_stream(struct capture *);
static pcap_t	*capture_open_libpcap(struct capture *, const uint8_t *,
		    size_t, char *);
static inline void capture_set_ts(struct capture_frame *, int64_t,
		    uint64_t);
static inline int capture_next_own(struct capture *, struct capture_frame *,
		    char *, size_t, char *);
static void	capture_unlocked(FILE *);
static void	capture_activate_error(struct capture *, int, char *);
static int	capture_linktype_to_dlt(uint32_t);
static struct capture_bpf *capture_bpf_for(struct capture *, int, char *);
static void	capture_pcap_cb(u_char *, const struct pcap_pkthdr *,
		    const u_char *);
static int	capture_run_own(struct capture *, int, int, capture_cb *,
		    void *, char *);
static void	capture_iface_flags(FILE *, uint32_t);

/*
 * One thread reads a file's stream, ever: the reader thread with
 * --threads 2.  Once a process has a second thread, glibc takes the
 * stream's lock in every fread(), two per record in libpcap; that is
 * pure cost here, so the stream is left to its caller's locking.
 */
static void
capture_unlocked(FILE *fp)
{
#ifdef __linux__
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);
#else
	(void)fp;
#endif
}

static struct capture *
capture_alloc(const char *name)
{
	struct capture	*c;

	c = xcalloc(1, sizeof(*c));
	c->name = xstrdup(name);
	c->fd = -1;
	return (c);
}

static ssize_t
capture_cookie_read(void *cookie, char *buf, size_t size)
{
	struct capture_cookie	*ck = cookie;
	size_t			 k;

	if (ck->prefixoff < ck->prefixlen) {
		k = ck->prefixlen - ck->prefixoff;
		if (k > size)
			k = size;
		memcpy(buf, ck->prefix + ck->prefixoff, k);
		ck->prefixoff += k;
		return ((ssize_t)k);
	}
	k = fread(buf, 1, size, ck->in);
	if (k == 0 && ferror(ck->in))
		return (-1);
	return ((ssize_t)k);
}

static int
capture_cookie_close(void *cookie)
{
	struct capture_cookie	*ck = cookie;
	int			 rc = 0;

	if (ck->in != stdin)
		rc = fclose(ck->in);
	free(ck);
	return (rc);
}

/*
 * A stream that yields prefix and then the rest of in; closing it closes
 * in (unless in is stdin).  NULL with errno on failure, in left open.
 */
static FILE *
capture_replay_stream(FILE *in, const uint8_t *prefix, size_t prefixlen)
{
	cookie_io_functions_t	 io;
	struct capture_cookie	*ck;
	FILE			*fp;

	ck = xcalloc(1, sizeof(*ck));
	ck->in = in;
	if (prefixlen > sizeof(ck->prefix))
		prefixlen = sizeof(ck->prefix);
	memcpy(ck->prefix, prefix, prefixlen);
	ck->prefixlen = prefixlen;
	memset(&io, 0, sizeof(io));
	io.read = capture_cookie_read;
	io.close = capture_cookie_close;
	if ((fp = fopencookie(ck, "r", io)) == NULL)
		free(ck);
	return (fp);
}

/*
 * Read up to n bytes from fd, across short reads and signals: fewer only
 * at the end of input or on an error (*err, else 0).
 */
static size_t
capture_read_full(int fd, uint8_t *buf, size_t n, int *err)
{
	size_t	got = 0;
	ssize_t	k;

	*err = 0;
	while (got < n) {
		if ((k = read(fd, buf + got, n - got)) > 0)
			got += (size_t)k;
		else if (k == 0)
			break;
		else if (errno != EINTR) {
			*err = errno;
			break;
		}
	}
	return (got);
}

/*
 * A stdio stream on the capture's descriptor (from here the stream owns
 * it), for libpcap; NULL with errno.
 */
static FILE *
capture_stream(struct capture *c)
{
	FILE	*fp;

	if (c->fd == STDIN_FILENO)
		fp = stdin;
	else if ((fp = fdopen(c->fd, "rb")) == NULL)
		return (NULL);
	else {
		/*
		 * Fewer read(2) calls for libpcap's reader.  Page aligned,
		 * as the page cache it is copied from: malloc() puts a
		 * buffer this large 16 bytes into fresh pages, and the
		 * kernel's copy into it then ran about a third slower
		 * (docs/performance.md).
		 */
		c->stdiobuf = xmalloc_aligned(CAPTURE_PAGE, CAPTURE_STDIO_BUF);
		setvbuf(fp, c->stdiobuf, _IOFBF, CAPTURE_STDIO_BUF);
	}
	c->fd = -1;
	c->fp = fp;
	c->fp_owned = fp != stdin;
	capture_unlocked(fp);
	return (fp);
}

/*
 * Hand the file to libpcap, which knows the older formats and says
 * clearly what it does not know.  Rewind if we can, else replay the
 * sniffed bytes.  NULL with errbuf.
 */
static pcap_t *
capture_open_libpcap(struct capture *c, const uint8_t *head, size_t got,
    char *errbuf)
{
	char	 perr[PCAP_ERRBUF_SIZE];
	FILE	*fp, *pfp;
	pcap_t	*p;
	int	 rewound;

	rewound = c->fd != STDIN_FILENO && lseek(c->fd, 0, SEEK_SET) == 0;
	if ((fp = capture_stream(c)) == NULL)
		pfp = NULL;
	else if (rewound)
		pfp = fp;
	else if ((pfp = capture_replay_stream(fp, head, got)) != NULL)
		capture_unlocked(pfp);
	if (pfp == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name,
		    strerror(errno));
		return (NULL);
	}
	perr[0] = '\0';
	p = pcap_fopen_offline_with_tstamp_precision(pfp,
	    PCAP_TSTAMP_PRECISION_NANO, perr);
	if (p == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name, perr);
		if (pfp != fp) {
			/* Closing the replay stream closes fp too. */
			fclose(pfp);
			c->fp = NULL;
		}
		return (NULL);
	}
	/* From here pcap_close() closes the stream (and through it fp). */
	c->fp = NULL;
	return (p);
}

struct capture *
capture_open_file(const char *path, char *errbuf)
{
	struct pcapfile_info	 info;
	struct capture		*c;
	uint8_t			 head[PCAPFILE_HDRLEN];
	size_t			 got;
	uint32_t		 m;
	int			 err;

	c = capture_alloc(path);
	if (strcmp(path, "-") == 0)
		c->fd = STDIN_FILENO;
	else if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", path,
		    strerror(errno));
		capture_close(c);
		return (NULL);
	}

	got = capture_read_full(c->fd, head, sizeof(m), &err);
	if (got == sizeof(m)) {
		memcpy(&m, head, sizeof(m));
		if (m == PCAPNG_SHB_TYPE) {
			c->ra = readahead_new(c->fd);
			c->ng = pcapng_open(c->ra, head, got);
			c->dlt = -1;
			return (c);
		}
		/* Perhaps a classic pcap file: its whole header. */
		got += capture_read_full(c->fd, head + got,
		    sizeof(head) - got, &err);
	}
	if (err != 0) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", path,
		    strerror(err));
		capture_close(c);
		return (NULL);
	}
	if (pcapfile_header(head, got, &info)) {
		c->ra = readahead_new(c->fd);
		c->pf = pcapfile_open(&info, c->ra);
		c->dlt = capture_linktype_to_dlt(info.linktype);
		c->nano = 1;
		return (c);
	}
	if ((c->pcap = capture_open_libpcap(c, head, got, errbuf)) == NULL) {
		capture_close(c);
		return (NULL);
	}
	c->dlt = pcap_datalink(c->pcap);
	c->nano = pcap_get_tstamp_precision(c->pcap) ==
	    PCAP_TSTAMP_PRECISION_NANO;
	return (c);
}

int
capture_readahead(struct capture *c, char *errbuf)
{
	char	why[256];

	if (c->ra == NULL)
		return (0);
	if (readahead_start(c->ra, why, sizeof(why)) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: reading ahead: %s",
		    c->name, why);
		return (-1);
	}
	return (1);
}

/*
 * One line for a failed activation.  pcap_geterr() is usually the full
 * story ("You don't have permission ... (socket: Operation not
 * permitted)"); the status text is added only when it says more.
 */
static void
capture_activate_error(struct capture *c, int rc, char *errbuf)
{
	const char	*detail = pcap_geterr(c->pcap);
	const char	*status = pcap_statustostr(rc);

	if (*detail == '\0')
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name, status);
	else if (rc == PCAP_ERROR || strstr(detail, status) != NULL)
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name, detail);
	else
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s (%s)", c->name,
		    status, detail);
}

struct capture *
capture_open_live(const char *iface, int snaplen, int promisc, char *errbuf)
{
	struct capture_live_opts	o;

	memset(&o, 0, sizeof(o));
	o.snaplen = snaplen;
	o.promisc = promisc;
	return (capture_open_iface(iface, &o, errbuf));
}

struct capture *
capture_open_iface(const char *iface, const struct capture_live_opts *o,
    char *errbuf)
{
	char		 perr[PCAP_ERRBUF_SIZE];
	struct capture	*c;
	int		 rc, snaplen;

	perr[0] = '\0';
	c = capture_alloc(iface);
	c->live = 1;
	if ((c->pcap = pcap_create(iface, perr)) == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", iface, perr);
		capture_close(c);
		return (NULL);
	}
	snaplen = o->snaplen > 0 ? o->snaplen : CAPTURE_SNAPLEN_LIVE;
	/* These only fail on an activated handle, which this is not. */
	(void)pcap_set_snaplen(c->pcap, snaplen);
	(void)pcap_set_promisc(c->pcap, o->promisc != 0);
	(void)pcap_set_timeout(c->pcap, CAPTURE_TIMEOUT_MS);
	(void)pcap_set_immediate_mode(c->pcap, 0);
	if (o->buffer_kib > 0)
		(void)pcap_set_buffer_size(c->pcap, o->buffer_kib * 1024);
	/* Nanoseconds if the platform has them; else we scale micro. */
	(void)pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_NANO);

	rc = pcap_activate(c->pcap);
	if (rc < 0) {
		capture_activate_error(c, rc, errbuf);
		capture_close(c);
		return (NULL);
	}
	if (rc > 0)
		log_warnx("%s: %s: %s", iface, pcap_statustostr(rc),
		    pcap_geterr(c->pcap));

#ifdef DLT_LINUX_SLL2
	/*
	 * On "any" libpcap defaults to Linux cooked v1, which lacks the
	 * interface index; v2 is a superset.  Keep v1 if the kernel or
	 * libpcap cannot do v2.
	 */
	if (strcmp(iface, "any") == 0 &&
	    pcap_datalink(c->pcap) == DLT_LINUX_SLL)
		(void)pcap_set_datalink(c->pcap, DLT_LINUX_SLL2);
#endif
	c->dlt = pcap_datalink(c->pcap);
	c->nano = pcap_get_tstamp_precision(c->pcap) ==
	    PCAP_TSTAMP_PRECISION_NANO;
	/* The caller waits in poll(); a read must never block. */
	if (pcap_setnonblock(c->pcap, 1, perr) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", iface, perr);
		capture_close(c);
		return (NULL);
	}
	if (!o->quiet)
		capture_log_listening(c, NULL);
	return (c);
}

void
capture_log_listening(struct capture *c, const char *extra)
{
	log_info("listening on %s, link-type %s, snapshot length %d bytes%s",
	    c->name, pcap_datalink_val_to_name(c->dlt) != NULL ?
	    pcap_datalink_val_to_name(c->dlt) : "unknown",
	    pcap_snapshot(c->pcap), extra != NULL ? extra : "");
}

int
capture_join_fanout(struct capture *c, int *group, char *errbuf)
{
#if defined(__linux__) && defined(PACKET_FANOUT)
	socklen_t	len;
	int		fd, arg, val;

	if (c->pcap == NULL || !c->live || (fd = pcap_fileno(c->pcap)) < 0) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: fanout needs a live "
		    "capture", c->name);
		return (-1);
	}
	if (*group >= 0) {
		arg = (*group & 0xffff) | (PACKET_FANOUT_HASH << 16);
		if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg,
		    sizeof(arg)) == -1)
			goto fail;
		return (0);
	}
#ifdef PACKET_FANOUT_FLAG_UNIQUEID
	/* A group of our own: no other process's group is joined by chance. */
	arg = (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	len = sizeof(val);
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) == 0 &&
	    getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &val, &len) == 0) {
		*group = val & 0xffff;
		return (0);
	}
#endif
	/* Older kernels: an id from the process id. */
	(void)len;
	(void)val;
	arg = (int)(getpid() & 0xffff) | (PACKET_FANOUT_HASH << 16);
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) ==
	    -1)
		goto fail;
	*group = arg & 0xffff;
	return (0);
fail:
	snprintf(errbuf, PC_ERRBUF_SIZE, "%s: joining a PACKET_FANOUT group: "
	    "%s", c->name, strerror(errno));
	return (-1);
#else
	(void)group;
	snprintf(errbuf, PC_ERRBUF_SIZE, "%s: PACKET_FANOUT (--workers) needs "
	    "Linux", c->name);
	return (-1);
#endif
}

/*
 * The bracketed flags of one "tcpdump -D" line: the state bits, "none"
 * when there are none, then the link's connection status where it has
 * one (wireless links say "associated" instead of "connected").
 */
static void
capture_iface_flags(FILE *fp, uint32_t fl)
{
	static const struct {
		uint32_t	 bit;
		const char	*name;
	} bits[] = {
		{ PCAP_IF_UP, "Up" },
		{ PCAP_IF_RUNNING, "Running" },
		{ PCAP_IF_LOOPBACK, "Loopback" },
		{ PCAP_IF_WIRELESS, "Wireless" },
	};
	const char	*sep = "", *status = NULL;
	int		 wireless = (fl & PCAP_IF_WIRELESS) != 0;
	size_t		 i;

	fputc('[', fp);
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (fl & bits[i].bit) {
			fprintf(fp, "%s%s", sep, bits[i].name);
			sep = ", ";
		}
	}
	if (*sep == '\0')
		fputs("none", fp);
	switch (fl & PCAP_IF_CONNECTION_STATUS) {
	case PCAP_IF_CONNECTION_STATUS_UNKNOWN:
		status = wireless ? "Association status unknown" :
		    "Connection status unknown";
		break;
	case PCAP_IF_CONNECTION_STATUS_CONNECTED:
		status = wireless ? "Associated" : "Connected";
		break;
	case PCAP_IF_CONNECTION_STATUS_DISCONNECTED:
		status = wireless ? "Not associated" : "Disconnected";
		break;
	default:	/* not applicable: loopback, pseudo-devices */
		break;
	}
	if (status != NULL)
		fprintf(fp, ", %s", status);
	fputs("]\n", fp);
}

int
capture_list_ifaces(FILE *fp, char *errbuf)
{
	char		 perr[PCAP_ERRBUF_SIZE];
	pcap_if_t	*all, *d;
	int		 n = 0;

	perr[0] = '\0';
	if (pcap_findalldevs(&all, perr) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "listing interfaces: %s",
		    perr);
		return (-1);
	}
	for (d = all; d != NULL; d = d->next) {
		fprintf(fp, "%d.%s", ++n, d->name);
		if (d->description != NULL)
			fprintf(fp, " (%s)", d->description);
		fputc(' ', fp);
		capture_iface_flags(fp, d->flags);
	}
	pcap_freealldevs(all);
	if (n == 0) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "no interfaces to capture on "
		    "(or no permission to list them)");
		return (-1);
	}
	return (fflush(fp) == 0 && !ferror(fp) ? 0 : -1);
}

/*
 * pcapng stores LINKTYPE_ values; libpcap's DLT_ values differ for a few
 * historical types whose numbers clash between BSDs.  Same mapping as
 * libpcap's linktype_to_dlt() for the ones that exist on this platform.
 */
static int
capture_linktype_to_dlt(uint32_t lt)
{
	switch (lt) {
#ifdef DLT_ATM_RFC1483
	case 100:
		return (DLT_ATM_RFC1483);
#endif
	case 101:
		return (DLT_RAW);
#ifdef DLT_SLIP_BSDOS
	case 102:
		return (DLT_SLIP_BSDOS);
#endif
#ifdef DLT_PPP_BSDOS
	case 103:
		return (DLT_PPP_BSDOS);
#endif
#ifdef DLT_ATM_CLIP
	case 106:
		return (DLT_ATM_CLIP);
#endif
#ifdef DLT_FRELAY
	case 107:
		return (DLT_FRELAY);
#endif
#ifdef DLT_LOOP
	case 108:
		return (DLT_LOOP);
#endif
#ifdef DLT_ENC
	case 109:
		return (DLT_ENC);
#endif
#ifdef DLT_PPP_SERIAL
	case 50:
		return (DLT_PPP_SERIAL);
#endif
#ifdef DLT_PPP_ETHER
	case 51:
		return (DLT_PPP_ETHER);
#endif
#ifdef DLT_PFSYNC
	case 246:
		return (DLT_PFSYNC);
#endif
#ifdef DLT_PKTAP
	case 258:
		return (DLT_PKTAP);
#endif
	default:
		return ((int)lt);
	}
}

/*
 * The filter program for link type dlt, compiled on first use.  NULL with
 * errbuf if the expression makes no sense for that link type.
 */
static struct capture_bpf *
capture_bpf_for(struct capture *c, int dlt, char *errbuf)
{
	struct capture_bpf	*b;
	pcap_t			*dead;
	size_t			 i;

	if (c->nbpf > 0 && c->bpf[c->lastbpf].dlt == dlt)
		return (&c->bpf[c->lastbpf]);
	for (i = 0; i < c->nbpf; i++)
		if (c->bpf[i].dlt == dlt) {
			c->lastbpf = i;
			return (&c->bpf[i]);
		}

	if ((dead = pcap_open_dead(dlt, CAPTURE_SNAPLEN_DEFAULT)) == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: filter \"%s\": cannot "
		    "open a pcap handle for link type %d", c->name, c->filter,
		    dlt);
		return (NULL);
	}
	c->bpf = xreallocarray(c->bpf, c->nbpf + 1, sizeof(*c->bpf));
	b = &c->bpf[c->nbpf];
	memset(b, 0, sizeof(*b));
	b->dlt = dlt;
	if (pcap_compile(dead, &b->prog, c->filter, 1,
	    PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: filter \"%s\" for link "
		    "type %s: %s", c->name, c->filter,
		    pcap_datalink_val_to_name(dlt) != NULL ?
		    pcap_datalink_val_to_name(dlt) : "unknown",
		    pcap_geterr(dead));
		pcap_close(dead);
		return (NULL);
	}
	pcap_close(dead);
	c->lastbpf = c->nbpf++;
	return (b);
}

int
capture_set_filter(struct capture *c, const char *expr, char *errbuf)
{
	static const int	probe[] = { DLT_EN10MB, DLT_RAW,
#ifdef DLT_LINUX_SLL2
				    DLT_LINUX_SLL2,
#endif
				};
	char			scratch[PC_ERRBUF_SIZE];
	struct bpf_program	prog;
	size_t			i;

	if (c->pcap != NULL) {
		/* No netmask: only "ip broadcast" needs one. */
		if (pcap_compile(c->pcap, &prog, expr, 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s: filter \"%s\": %s",
			    c->name, expr, pcap_geterr(c->pcap));
			return (-1);
		}
		if (pcap_setfilter(c->pcap, &prog) == -1) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s: filter \"%s\": %s",
			    c->name, expr, pcap_geterr(c->pcap));
			pcap_freecode(&prog);
			return (-1);
		}
		pcap_freecode(&prog);
		return (0);
	}

	/* Our readers: forget programs for an earlier expression. */
	for (i = 0; i < c->nbpf; i++)
		pcap_freecode(&c->bpf[i].prog);
	free(c->bpf);
	c->bpf = NULL;
	c->nbpf = c->lastbpf = 0;
	free(c->filter);
	c->filter = xstrdup(expr);
	if (c->pf != NULL) {
		/* One link type, known: the expression must fit it. */
		if (capture_bpf_for(c, c->dlt, errbuf) != NULL)
			return (0);
		free(c->filter);
		c->filter = NULL;
		return (-1);
	}
	/*
	 * pcapng: link types are known only as interfaces are read, so catch syntax
	 * errors now by compiling for the common link types: the expression
	 * must make sense for at least one.  Others are compiled when their
	 * first frame arrives, and fail the run if they do not fit.
	 */
	for (i = 0; i < sizeof(probe) / sizeof(probe[0]); i++)
		if (capture_bpf_for(c, probe[i], i == 0 ? errbuf : scratch) !=
		    NULL)
			break;
	if (i == sizeof(probe) / sizeof(probe[0])) {
		free(c->filter);
		c->filter = NULL;
		return (-1);
	}
	return (0);
}

/*
 * A timestamp as stored (seconds, and a fraction scaled to nanoseconds
 * but unchecked): a file may hold any value in the fraction, so carry
 * whole seconds out of it to keep nsec in range.
 */
static inline void
capture_set_ts(struct capture_frame *f, int64_t sec, uint64_t frac)
{
	if (frac >= 1000000000U) {
		sec += (int64_t)(frac / 1000000000U);
		frac %= 1000000000U;
	}
	f->ts_sec = sec;
	f->ts_nsec = (uint32_t)frac;
}

static void
capture_pcap_cb(u_char *user, const struct pcap_pkthdr *h,
    const u_char *bytes)
{
	struct capture		*c = (struct capture *)(void *)user;
	struct capture_frame	 f;
	uint64_t		 frac;

	f.data = bytes;
	f.caplen = h->caplen;
	f.wirelen = h->len;
	f.dlt = c->dlt;
	frac = (uint64_t)h->ts.tv_usec;
	if (!c->nano)
		frac *= 1000;
	capture_set_ts(&f, h->ts.tv_sec, frac);
	c->cb(c->ctx, &f);
}

/*
 * The next frame from one of our readers that passes the filter: 1, 0 at
 * the end, -1 with a reason in why, CAPTURE_AGAIN (a signal cut a read
 * short), or CAPTURE_FILTER_FAIL with the whole error line in errbuf.
 */
static inline int
capture_next_own(struct capture *c, struct capture_frame *f, char *why,
    size_t whylen, char *errbuf)
{
	struct pcapfile_packet	 pp;
	struct pcapng_packet	 np;
	struct capture_bpf	*b;
	struct pcap_pkthdr	 h;
	int			 rc;

	for (;;) {
		if (c->pf != NULL) {
			if ((rc = pcapfile_next(c->pf, &pp, why, whylen)) != 1)
				return (rc);
			f->data = pp.data;
			f->caplen = pp.caplen;
			f->wirelen = pp.wirelen;
			f->dlt = c->dlt;
			capture_set_ts(f, pp.ts_sec, pp.ts_frac);
		} else {
			if ((rc = pcapng_next(c->ng, &np, why, whylen)) != 1)
				return (rc);
			f->data = np.data;
			f->caplen = np.caplen;
			f->wirelen = np.wirelen;
			f->dlt = capture_linktype_to_dlt(np.linktype);
			capture_set_ts(f, np.ts_sec, np.ts_nsec);
		}
		if (c->filter == NULL)
			return (1);
		if ((b = capture_bpf_for(c, f->dlt, errbuf)) == NULL)
			return (CAPTURE_FILTER_FAIL);
		memset(&h, 0, sizeof(h));
		h.caplen = f->caplen;
		h.len = f->wirelen;
		if (pcap_offline_filter(&b->prog, &h, f->data) != 0)
			return (1);
	}
}

/*
 * Frames from our own readers.  Whole file (honouring stop): 0 at the
 * end, 1 when stopped, -1 on error.  Batch (max > 0): frames delivered,
 * CAPTURE_END at the end, -1 on error; a read cut short by a signal ends
 * the batch early, so that the caller looks at its flags.
 */
static int
capture_run_own(struct capture *c, int max, int whole, capture_cb *cb,
    void *ctx, char *errbuf)
{
	char			 why[256];
	struct capture_frame	 f;
	int			 rc, n = 0;

	while (whole ? !c->stop : n < max) {
		rc = capture_next_own(c, &f, why, sizeof(why), errbuf);
		if (rc == 1) {
			cb(ctx, &f);
			n++;
			continue;
		}
		if (rc == 0)
			return (whole ? 0 : (n > 0 ? n : CAPTURE_END));
		if (rc == CAPTURE_AGAIN || (rc == -1 && c->stop)) {
			/* A signal: stopped, or a flag to look at. */
			if (!whole)
				return (n);
			continue;
		}
		if (rc != CAPTURE_FILTER_FAIL)
			snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name, why);
		return (-1);
	}
	return (whole ? 1 : n);
}

int
capture_run(struct capture *c, capture_cb *cb, void *ctx, char *errbuf)
{
	int	rc;

	if (c->pf != NULL || c->ng != NULL)
		return (capture_run_own(c, 0, 1, cb, ctx, errbuf));
	if (c->stop)
		return (1);
	c->cb = cb;
	c->ctx = ctx;
	rc = pcap_loop(c->pcap, -1, capture_pcap_cb, (u_char *)(void *)c);
	c->cb = NULL;
	c->ctx = NULL;
	if (rc == PCAP_ERROR_BREAK || c->stop)
		return (1);
	if (rc < 0) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name,
		    pcap_geterr(c->pcap));
		return (-1);
	}
	return (0);
}

int
capture_dispatch(struct capture *c, int max, capture_cb *cb, void *ctx,
    char *errbuf)
{
	int	rc;

	if (c->pf != NULL || c->ng != NULL)
		return (capture_run_own(c, max > 0 ? max : CAPTURE_FILE_BATCH,
		    0, cb, ctx, errbuf));
	if (max <= 0 && !c->live)
		max = CAPTURE_FILE_BATCH;	/* -1 would read the whole file */
	c->cb = cb;
	c->ctx = ctx;
	rc = pcap_dispatch(c->pcap, max, capture_pcap_cb, (u_char *)(void *)c);
	c->cb = NULL;
	c->ctx = NULL;
	if (rc == PCAP_ERROR_BREAK)
		return (0);
	if (rc < 0) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "%s: %s", c->name,
		    pcap_geterr(c->pcap));
		return (-1);
	}
	if (rc == 0 && !c->live)
		return (CAPTURE_END);
	return (rc);
}

int
capture_fd(const struct capture *c)
{
	if (!c->live || c->pcap == NULL)
		return (-1);
	return (pcap_get_selectable_fd(c->pcap));
}

int
capture_is_live(const struct capture *c)
{
	return (c->live);
}

void
capture_stop(struct capture *c)
{
	c->stop = 1;
	if (c->pcap != NULL)
		pcap_breakloop(c->pcap);
	readahead_interrupt(c->ra);
}

const char *
capture_name(const struct capture *c)
{
	return (c->name);
}

int
capture_stats(struct capture *c, uint64_t *recv, uint64_t *drop,
    uint64_t *ifdrop)
{
	struct pcap_stat	ps;

	if (!c->live || c->pcap == NULL)
		return (-1);
	if (pcap_stats(c->pcap, &ps) == -1)
		return (-1);
	/*
	 * Unsigned differences of the 32-bit values are right across one
	 * wrap.  On Linux ps_recv counts frames that passed the filter
	 * (dropped ones included), ps_drop those the kernel had no room
	 * for, ps_ifdrop the interface's own rx drops since the open.
	 */
	c->st_total[0] += (uint32_t)(ps.ps_recv - c->st_last[0]);
	c->st_total[1] += (uint32_t)(ps.ps_drop - c->st_last[1]);
	c->st_total[2] += (uint32_t)(ps.ps_ifdrop - c->st_last[2]);
	c->st_last[0] = ps.ps_recv;
	c->st_last[1] = ps.ps_drop;
	c->st_last[2] = ps.ps_ifdrop;
	*recv = c->st_total[0];
	*drop = c->st_total[1];
	*ifdrop = c->st_total[2];
	return (0);
}

void
capture_close(struct capture *c)
{
	size_t	i;

	if (c == NULL)
		return;
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	pcapng_close(c->ng);
	pcapfile_close(c->pf);
	readahead_free(c->ra);	/* joins its thread before fd closes */
	if (c->fd != -1 && c->fd != STDIN_FILENO)
		close(c->fd);
	if (c->fp != NULL && c->fp_owned)
		fclose(c->fp);
	free(c->stdiobuf);
	for (i = 0; i < c->nbpf; i++)
		pcap_freecode(&c->bpf[i].prog);
	free(c->bpf);
	free(c->filter);
	free(c->name);
	free(c);
}

const char *
capture_lib_version(void)
{
	return (pcap_lib_version());
}

long long
capture_tell(struct capture *c)
{
	FILE	*fp;
	long	 off;

	if (c->live)
		return (-1);
	if (c->pf != NULL)
		return (pcapfile_tell(c->pf));
	if (c->ra != NULL)
		return (readahead_offset(c->ra));
	fp = pcap_file(c->pcap);
	if (fp == NULL || (off = ftell(fp)) < 0)
		return (-1);
	return ((long long)off);
}
