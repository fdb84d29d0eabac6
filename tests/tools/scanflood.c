/*
 * scanflood.c - a hostile capture for tests/e2e_scan.sh: a port scan mixed
 * with spoofed floods, written as a pcap to standard output.
 *
 *   scanflood PACKETS [SEED]
 *
 * Every packet is 60 bytes of Ethernet + IPv4 + TCP or UDP with addresses
 * and ports drawn from a fixed-seed xorshift generator, so the output is
 * the same on every run and nearly every packet starts a flow of its own.
 * The mix, in turns of ten packets:
 *
 *   4  SYN scan: one scanner (192.0.2.66) walks destination ports 1..65535
 *      on random targets in 10.0.0.0/8;
 *   3  spoofed SYNs from an assigned port (3306, 5432, 443, 25) to a random
 *      dynamic port: the handshake says the dynamic side is the server,
 *      which contradicts the status rule, so each one is a flow the cache
 *      must remember (docs/service-port.md);
 *   2  spoofed SYN+ACK backscatter from a random dynamic port to an
 *      assigned one: again a flow to remember;
 *   1  UDP flood to random ports from random sources.
 *
 * With random addresses no flow is seen twice, so any fixed-size flow
 * cache fills and must evict.  Checksums are left zero: portclass does not
 * verify them.  Test tool, not part of the product.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SF_FRAME_LEN	60
#define SF_TS0		1767225600u	/* 2026-01-01T00:00:00Z */
#define SF_PPS		100000u		/* packet time: 100k packets/s */

static uint64_t	sf_state;

/* xorshift64*: fast, fixed-seed, good enough to spread addresses. */
static uint32_t
sf_rand(void)
{
	sf_state ^= sf_state >> 12;
	sf_state ^= sf_state << 25;
	sf_state ^= sf_state >> 27;
	return ((uint32_t)((sf_state * 2685821657736338717ULL) >> 32));
}

static void
sf_put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
sf_put32(uint8_t *p, uint32_t v)
{
	sf_put16(p, v >> 16);
	sf_put16(p + 2, v & 0xffff);
}

/* Little-endian, for the pcap headers. */
static void
sf_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Build one frame: Ethernet, IPv4 (no options), TCP or UDP. */
static void
sf_frame(uint8_t *f, int tcp, uint32_t src, uint32_t dst, uint32_t sport,
    uint32_t dport, uint8_t flags)
{
	uint8_t	*ip = f + 14, *l4 = f + 34;

	memset(f, 0, SF_FRAME_LEN);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	sf_put16(f + 12, 0x0800);
	ip[0] = 0x45;
	sf_put16(ip + 2, tcp ? 40 : 28);
	ip[8] = 64;
	ip[9] = tcp ? 6 : 17;
	sf_put32(ip + 12, src);
	sf_put32(ip + 16, dst);
	sf_put16(l4, sport);
	sf_put16(l4 + 2, dport);
	if (tcp) {
		sf_put32(l4 + 4, sf_rand());
		l4[12] = 0x50;		/* data offset 5 */
		l4[13] = flags;
		sf_put16(l4 + 14, 65535);
	} else
		sf_put16(l4 + 4, 8);
}

int
main(int argc, char *argv[])
{
	static const uint32_t	 assigned[] = { 3306, 5432, 443, 25 };
	uint8_t			 hdr[24], rec[16 + SF_FRAME_LEN];
	unsigned long long	 n, i;
	uint32_t		 scanport = 0, r;
	char			*end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: scanflood PACKETS [SEED]\n");
		return (2);
	}
	n = strtoull(argv[1], &end, 10);
	if (*end != '\0') {
		fprintf(stderr, "scanflood: bad packet count %s\n", argv[1]);
		return (2);
	}
	sf_state = argc == 3 ? strtoull(argv[2], NULL, 10) : 0x5ca9f100dULL;
	if (sf_state == 0)
		sf_state = 1;

	memset(hdr, 0, sizeof(hdr));
	sf_le32(hdr, 0xa1b2c3d4);
	hdr[4] = 2;			/* version 2.4 */
	hdr[6] = 4;
	sf_le32(hdr + 16, 65535);	/* snaplen */
	sf_le32(hdr + 20, 1);		/* Ethernet */
	if (fwrite(hdr, sizeof(hdr), 1, stdout) != 1)
		return (1);

	for (i = 0; i < n; i++) {
		uint8_t	*f = rec + 16;

		sf_le32(rec, SF_TS0 + (uint32_t)(i / SF_PPS));
		sf_le32(rec + 4, (uint32_t)(i % SF_PPS) * (1000000 / SF_PPS));
		sf_le32(rec + 8, SF_FRAME_LEN);
		sf_le32(rec + 12, SF_FRAME_LEN);
		r = sf_rand();
		switch (i % 10) {
		case 0: case 1: case 2: case 3:
			scanport = scanport % 65535 + 1;
			sf_frame(f, 1, 0xc0000242, 0x0a000000 | (r >> 8),
			    40000 + (r & 0xff), scanport, 0x02);
			break;
		case 4: case 5: case 6:
			sf_frame(f, 1, sf_rand(), 0xc6336400 | (r & 0xff),
			    assigned[(r >> 8) & 3], 49152 + (r >> 18) % 16384,
			    0x02);
			break;
		case 7: case 8:
			sf_frame(f, 1, sf_rand(), 0xc6336400 | (r & 0xff),
			    49152 + (r >> 18) % 16384, assigned[(r >> 8) & 3],
			    0x12);
			break;
		default:
			sf_frame(f, 0, sf_rand(), sf_rand(), r & 0xffff,
			    r >> 16, 0);
			break;
		}
		if (fwrite(rec, sizeof(rec), 1, stdout) != 1)
			return (1);
	}
	return (fflush(stdout) == 0 ? 0 : 1);
}
