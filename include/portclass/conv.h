/*
 * conv.h - the key of a conversation: both directions of a 5-tuple give
 * one 64-bit hash.  Shared by the listener memory (listener.c) and the
 * counts held for evidence (defer.c), so that both find a conversation
 * the same way.
 *
 * Each endpoint is folded into one word: exactly, for IPv4 (address and
 * port side by side); by a hash, for IPv6.  The smaller fold is the
 * conversation's "lo" endpoint, the other its "hi", whichever way the
 * packet goes.  Only the address bytes of the IP version are read.
 */
#ifndef PORTCLASS_CONV_H
#define PORTCLASS_CONV_H

#include <stdint.h>
#include <string.h>

#include "portclass/decode.h"

#define CONV_M1		0xbf58476d1ce4e5b9ULL
#define CONV_M2		0x94d049bb133111ebULL
#define CONV_GOLDEN	0x9e3779b97f4a7c15ULL

/* splitmix64's finaliser: every input bit reaches every output bit. */
static inline uint64_t
conv_mix(uint64_t h)
{
	h ^= h >> 31;
	h *= CONV_M1;
	h ^= h >> 30;
	h *= CONV_M2;
	h ^= h >> 31;
	return (h);
}

/* An address (4 bytes if v4, else 16) and a port in one word. */
static inline uint64_t
conv_fold(const uint8_t *a, int v4, uint16_t port)
{
	uint64_t	w0, w1;
	uint32_t	w;

	if (v4) {
		memcpy(&w, a, 4);
		return ((uint64_t)w << 16 | port);
	}
	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	return ((w0 ^ (w1 * CONV_GOLDEN)) * CONV_M1 + port);
}

/*
 * The hash of *pi's conversation under seed; *lo_is_src says whether the
 * packet's source is the conversation's lo endpoint.
 */
static inline uint64_t
conv_hash(const struct pkt_info *pi, uint64_t seed, int *lo_is_src)
{
	uint64_t	fs, fd;

	fs = conv_fold(pi->src, pi->ipver == 4, pi->sport);
	fd = conv_fold(pi->dst, pi->ipver == 4, pi->dport);
	*lo_is_src = fs <= fd;
	return (conv_mix(((*lo_is_src ? fs : fd) ^ seed) * CONV_GOLDEN +
	    (*lo_is_src ? fd : fs) + ((uint64_t)pi->proto << 8 | pi->ipver)));
}

#endif /* PORTCLASS_CONV_H */
