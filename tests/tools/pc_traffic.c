/*
 * pc_traffic.c - known traffic for the live end-to-end tests.
 *
 * Real sockets, so the packets are the kernel's own, and a fixed number of
 * them per action, so a test knows exactly what portclass must count:
 *
 *   pc_traffic udp ADDR PORT COUNT      COUNT datagrams of 32 bytes: COUNT
 *                                       UDP packets
 *   pc_traffic tcp ADDR PORT COUNT      COUNT connections, each closed at
 *                                       once with a reset (SO_LINGER 0):
 *                                       SYN, SYN+ACK, ACK, RST when someone
 *                                       listens, SYN, RST when not; prints
 *                                       "connected N refused M"
 *   pc_traffic sctp ADDR PORT COUNT     the same over SCTP (exit 77 when the
 *                                       kernel has no SCTP)
 *   pc_traffic listen tcp|sctp ADDR PORT...
 *                                       accept on every PORT and never send
 *                                       anything, so the client's reset is
 *                                       the last packet; runs until killed
 *   pc_traffic replay IFACE FILE...     send every Ethernet frame of each
 *                                       classic pcap FILE out of IFACE as
 *                                       captured (caplen bytes), paced so a
 *                                       capture on the peer drops nothing;
 *                                       prints "sent N skipped M" (frames
 *                                       the link would not take)
 *
 * No payload is ever echoed and no FIN is ever sent: both would add packets
 * whose number depends on timing (delayed ACKs).  IPv4 only.
 */
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP	132
#endif

#define PCT_MAX_FDS	512

static void	pct_usage(void) __attribute__((noreturn));
static void	pct_addr(const char *, const char *, struct sockaddr_in *);
static int	pct_socket(int, int);
static int	pct_udp(const struct sockaddr_in *, long);
static int	pct_stream(int, const struct sockaddr_in *, long);
static int	pct_listen(int, const char *, int, char **);
static int	pct_replay(const char *, int, char **);

static void
pct_usage(void)
{
	fprintf(stderr, "usage: pc_traffic udp|tcp|sctp ADDR PORT COUNT\n"
	    "       pc_traffic listen tcp|sctp ADDR PORT...\n"
	    "       pc_traffic replay IFACE FILE...\n");
	exit(2);
}

static void
pct_addr(const char *host, const char *port, struct sockaddr_in *sin)
{
	char	*end;
	long	 p;

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		pct_usage();
	p = strtol(port, &end, 10);
	if (*end != '\0' || p < 0 || p > 65535)
		pct_usage();
	sin->sin_port = htons((uint16_t)p);
}

/* A socket, or exit 77 ("skipped") when the protocol is not there. */
static int
pct_socket(int type, int proto)
{
	int	fd;

	if ((fd = socket(AF_INET, type, proto)) == -1) {
		if (errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT) {
			fprintf(stderr, "pc_traffic: protocol %d: %s\n", proto,
			    strerror(errno));
			exit(77);
		}
		perror("pc_traffic: socket");
		exit(1);
	}
	return (fd);
}

static int
pct_udp(const struct sockaddr_in *to, long count)
{
	char	buf[32];
	long	i;
	int	fd;

	memset(buf, 'u', sizeof(buf));
	fd = pct_socket(SOCK_DGRAM, 0);
	for (i = 0; i < count; i++) {
		if (sendto(fd, buf, sizeof(buf), 0,
		    (const struct sockaddr *)to, sizeof(*to)) == -1) {
			perror("pc_traffic: sendto");
			return (1);
		}
	}
	close(fd);
	printf("sent %ld\n", count);
	return (0);
}

static int
pct_stream(int proto, const struct sockaddr_in *to, long count)
{
	struct linger	lg;
	long		i, ok = 0, refused = 0;
	int		fd;

	/* Fails (exit 77) here, even for COUNT 0, if the kernel lacks it. */
	close(pct_socket(SOCK_STREAM, proto));
	for (i = 0; i < count; i++) {
		fd = pct_socket(SOCK_STREAM, proto);
		/* Abortive close: one RST, no FIN exchange. */
		lg.l_onoff = 1;
		lg.l_linger = 0;
		if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg,
		    sizeof(lg)) == -1) {
			perror("pc_traffic: SO_LINGER");
			return (1);
		}
		if (connect(fd, (const struct sockaddr *)to,
		    sizeof(*to)) == 0)
			ok++;
		else if (errno == ECONNREFUSED)
			refused++;
		else {
			perror("pc_traffic: connect");
			return (1);
		}
		close(fd);
	}
	printf("connected %ld refused %ld\n", ok, refused);
	return (0);
}

static int
pct_listen(int proto, const char *host, int nports, char **ports)
{
	struct pollfd		pfd[PCT_MAX_FDS];
	struct sockaddr_in	sin;
	char			buf[256];
	int			i, n = 0, fd, one = 1;

	for (i = 0; i < nports && n < PCT_MAX_FDS; i++) {
		pct_addr(host, ports[i], &sin);
		fd = pct_socket(SOCK_STREAM, proto);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
		    listen(fd, 128) == -1) {
			perror("pc_traffic: bind/listen");
			return (1);
		}
		pfd[n].fd = fd;
		pfd[n].events = POLLIN;
		n++;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, (nfds_t)n, -1) == -1 && errno != EINTR)
			return (1);
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (i < nports) {
				/* A listener: hold the connection. */
				fd = accept(pfd[i].fd, NULL, NULL);
				if (fd >= 0 && n < PCT_MAX_FDS) {
					pfd[n].fd = fd;
					pfd[n].events = POLLIN;
					pfd[n].revents = 0;
					n++;
				} else if (fd >= 0)
					close(fd);
				continue;
			}
			/*
			 * The client reset it: closing now sends nothing.
			 * Data (none is expected) is read and dropped.
			 */
			if (recv(pfd[i].fd, buf, sizeof(buf), 0) <= 0) {
				close(pfd[i].fd);
				pfd[i] = pfd[--n];
				i--;
			}
		}
	}
}

/* A 32-bit field of a pcap header, in the file's byte order. */
static uint32_t
pct_u32(const unsigned char *p, int swapped)
{
	if (swapped)
		return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]);
	return ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0]);
}

/*
 * Frames go out one sendto() each.  A veth hands them straight to the
 * peer's receive backlog, so a short pause every few frames keeps the
 * backlog (and the capture's ring on the far side) from overflowing: the
 * tests that use this compare counts, and a drop would be a false alarm.
 */
#define PCT_BURST	32

static int
pct_replay(const char *ifname, int nfiles, char **files)
{
	static unsigned char	 frame[262144];
	struct timespec		 pause = { 0, 2000000 };
	struct sockaddr_ll	 sll;
	unsigned char		 hdr[24], rec[16];
	unsigned long		 sent = 0, skipped = 0;
	uint32_t		 magic, caplen;
	FILE			*f;
	int			 fd, i, swapped;

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1) {
		perror("pc_traffic: AF_PACKET socket");
		return (1);
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_halen = ETH_ALEN;
	if ((sll.sll_ifindex = (int)if_nametoindex(ifname)) == 0) {
		fprintf(stderr, "pc_traffic: %s: no such interface\n", ifname);
		return (1);
	}
	for (i = 0; i < nfiles; i++) {
		if ((f = fopen(files[i], "rb")) == NULL ||
		    fread(hdr, sizeof(hdr), 1, f) != 1) {
			fprintf(stderr, "pc_traffic: %s: cannot read\n",
			    files[i]);
			return (1);
		}
		magic = pct_u32(hdr, 0);
		swapped = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
		if (!swapped && magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
			fprintf(stderr, "pc_traffic: %s: not a classic pcap "
			    "file\n", files[i]);
			return (1);
		}
		if (pct_u32(hdr + 20, swapped) != 1) {
			fprintf(stderr, "pc_traffic: %s: not Ethernet\n",
			    files[i]);
			return (1);
		}
		while (fread(rec, sizeof(rec), 1, f) == 1) {
			caplen = pct_u32(rec + 8, swapped);
			if (caplen > sizeof(frame) ||
			    fread(frame, caplen, 1, f) != 1) {
				fprintf(stderr, "pc_traffic: %s: truncated "
				    "record\n", files[i]);
				return (1);
			}
			if (caplen < ETH_HLEN || sendto(fd, frame, caplen, 0,
			    (struct sockaddr *)&sll, sizeof(sll)) == -1) {
				skipped++;
				continue;
			}
			if (++sent % PCT_BURST == 0)
				nanosleep(&pause, NULL);
		}
		fclose(f);
	}
	printf("sent %lu skipped %lu\n", sent, skipped);
	return (0);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	to;
	char			*end;
	long			count;
	int			proto;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && strcmp(argv[1], "listen") == 0) {
		if (strcmp(argv[2], "tcp") == 0)
			proto = IPPROTO_TCP;
		else if (strcmp(argv[2], "sctp") == 0)
			proto = IPPROTO_SCTP;
		else
			pct_usage();
		return (pct_listen(proto, argv[3], argc - 4, argv + 4));
	}
	if (argc >= 4 && strcmp(argv[1], "replay") == 0)
		return (pct_replay(argv[2], argc - 3, argv + 3));
	if (argc != 5)
		pct_usage();
	pct_addr(argv[2], argv[3], &to);
	count = strtol(argv[4], &end, 10);
	if (*end != '\0' || count < 0)
		pct_usage();
	if (strcmp(argv[1], "udp") == 0)
		return (pct_udp(&to, count));
	if (strcmp(argv[1], "tcp") == 0)
		return (pct_stream(IPPROTO_TCP, &to, count));
	if (strcmp(argv[1], "sctp") == 0)
		return (pct_stream(IPPROTO_SCTP, &to, count));
	pct_usage();
}
