/*
 * test_unassigned.c - the unassigned-port tracker, the unofficial layer,
 * site maps (REG_LOCAL) and lookup (issue 7).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "portclass/classify.h"
#include "portclass/log.h"
#include "portclass/lookup.h"
#include "portclass/registry.h"
#include "portclass/sitemap.h"
#include "portclass/unassigned.h"
#include "portclass/unofficial.h"

static void
mkpkt(struct pkt_info *pi, uint8_t last, uint16_t sport, uint16_t dport)
{
	memset(pi, 0, sizeof(*pi));
	pi->kind = PKT_PORTS;
	pi->proto = PC_PROTO_TCP;
	pi->ipver = 4;
	pi->src[0] = 10;
	pi->src[3] = last;
	pi->dst[0] = 10;
	pi->dst[3] = 200;
	pi->sport = sport;
	pi->dport = dport;
}

static void
test_tracker(void **state)
{
	struct unassigned	*u = unassigned_new(2);
	struct unassigned_port	 out[4];
	struct unassigned_alert	 al;
	struct pkt_info		 pi;
	int			 i, alerts = 0;

	(void)state;
	unassigned_set_alerts(u, 1);
	/* 100 peers on 4999: counted exactly up to the cap. */
	for (i = 0; i < 100; i++) {
		mkpkt(&pi, (uint8_t)i, 50000, 4999);
		alerts += unassigned_note(u, &pi, 4999, REG_UNASSIGNED, 100 + i,
		    0, 1000, &al);
	}
	assert_int_equal(alerts, 1);
	mkpkt(&pi, 1, 50001, 47);
	assert_int_equal(unassigned_note(u, &pi, 47, REG_RESERVED, 300, 0, 10,
	    &al), 1);
	assert_int_equal(al.port, 47);
	assert_int_equal(al.ep.client_port, 50001);
	/* A third port on a full table evicts the smallest (47). */
	mkpkt(&pi, 2, 50002, 1005);
	unassigned_note(u, &pi, 1005, REG_UNASSIGNED, 300, 0, 500, &al);
	assert_int_equal(unassigned_list(u, out, 4), 2);
	assert_int_equal(unassigned_evicted(u), 1);
	assert_int_equal(out[0].port, 4999);
	assert_int_equal(out[0].packets, 100);
	assert_int_equal(out[0].bytes, 100000);
	assert_int_equal(out[0].first_seen, 100);
	assert_int_equal(out[0].last_seen, 199);
	assert_int_equal(out[0].peers, UNASSIGNED_PEERS_MAX);
	assert_true(out[0].peers_capped);
	assert_int_equal(out[0].nexamples, UNASSIGNED_EXAMPLES);
	assert_int_equal(out[1].port, 1005);
	assert_int_equal(out[1].peers, 1);
	assert_int_equal(unassigned_packets(u), 102);
	unassigned_free(u);
}

static void
test_alert_rate(void **state)
{
	struct unassigned	*u = unassigned_new(0);
	struct unassigned_alert	 al;
	struct pkt_info		 pi;
	int			 i, n = 0;

	(void)state;
	unassigned_set_alerts(u, 1);
	for (i = 0; i < 20; i++) {
		mkpkt(&pi, 1, 50000, (uint16_t)(1000 + i));
		n += unassigned_note(u, &pi, (uint16_t)(1000 + i),
		    REG_UNASSIGNED, 500, 0, 60, &al);
	}
	assert_int_equal(n, UNASSIGNED_ALERTS_PER_SEC);
	assert_int_equal(unassigned_suppressed(u), 20 -
	    UNASSIGNED_ALERTS_PER_SEC);
	/* The next second alerts again, and says how many were dropped. */
	mkpkt(&pi, 1, 50000, 2000);
	assert_int_equal(unassigned_note(u, &pi, 2000, REG_UNASSIGNED, 501, 0,
	    60, &al), 1);
	assert_int_equal(al.suppressed, 20 - UNASSIGNED_ALERTS_PER_SEC);
	unassigned_free(u);
}

static void
test_unofficial(void **state)
{
	const char	 ok[] = "tcp\t25565\tMinecraft\nudp\t27000-27015\tSteam\n"
	    "udp\t27010\tGame\n# c\nudp\t5000-5500\tWide\n"
	    "tcp\t9200\tElasticsearch\xe2\x80\x94" "default\n";
	char		 errbuf[PC_ERRBUF_SIZE];
	struct unofficial *u;
	const struct unofficial_use *uses[4], *hit;

	(void)state;
	u = unofficial_parse("t", ok, sizeof(ok) - 1, errbuf);
	assert_non_null(u);
	hit = unofficial_report(u, PC_PROTO_TCP, 25565, REG_UNASSIGNED);
	assert_non_null(hit);
	assert_string_equal(hit->text, "Minecraft");
	assert_int_equal(hit->lo, 25565);
	assert_int_equal(hit->hi, 25565);
	assert_null(unofficial_report(u, PC_PROTO_UDP, 25565, REG_UNASSIGNED));
	/* A narrow range, on a port without a name: shown, with its range. */
	hit = unofficial_report(u, PC_PROTO_UDPLITE, 27001, REG_RESERVED);
	assert_non_null(hit);
	assert_string_equal(hit->text, "Steam");
	assert_int_equal(hit->lo, 27000);
	assert_int_equal(hit->hi, 27015);
	/* The same range on an assigned or a local port: not shown. */
	assert_null(unofficial_report(u, PC_PROTO_UDP, 27001, REG_ASSIGNED));
	assert_null(unofficial_report(u, PC_PROTO_UDP, 27001, REG_LOCAL));
	/* A port of its own wins over the range, whatever the status. */
	hit = unofficial_report(u, PC_PROTO_UDP, 27010, REG_ASSIGNED);
	assert_non_null(hit);
	assert_string_equal(hit->text, "Game");
	/* A range of 501 ports: never shown. */
	assert_null(unofficial_report(u, PC_PROTO_UDP, 5060, REG_UNASSIGNED));
	assert_null(unofficial_report(u, PC_PROTO_UDP, 5060, REG_ASSIGNED));
	/* find lists every use, whatever the verdict. */
	assert_int_equal(unofficial_find(u, PC_PROTO_UDP, 27010, uses, 4), 2);
	assert_string_equal(uses[0]->text, "Game");
	assert_int_equal(unofficial_judge(uses[0], REG_ASSIGNED),
	    UNOFFICIAL_SHOWN);
	assert_int_equal(unofficial_judge(uses[1], REG_ASSIGNED),
	    UNOFFICIAL_NAMED);
	assert_int_equal(unofficial_judge(uses[1], REG_DYNAMIC),
	    UNOFFICIAL_SHOWN);
	assert_int_equal(unofficial_find(u, PC_PROTO_UDP, 5000, uses, 4), 1);
	assert_int_equal(unofficial_judge(uses[0], REG_UNASSIGNED),
	    UNOFFICIAL_WIDE);
	assert_int_equal(unofficial_judge(uses[0], REG_ASSIGNED),
	    UNOFFICIAL_WIDE);
	/* UTF-8 text is kept byte for byte. */
	hit = unofficial_report(u, PC_PROTO_TCP, 9200, REG_ASSIGNED);
	assert_non_null(hit);
	assert_string_equal(hit->text, "Elasticsearch\xe2\x80\x94" "default");
	unofficial_free(u);
	assert_null(unofficial_parse("t", "tcp\t70000\tx\n", 12, errbuf));
	assert_string_equal(errbuf, "t:1: bad port or range");
	assert_null(unofficial_parse("t", "xx\t1\tx\n", 7, errbuf));
	assert_null(unofficial_parse("t", "tcp\t9-1\tx\n", 10, errbuf));
	assert_null(unofficial_parse("t", "tcp 1 x\n", 8, errbuf));
	/* Descriptions must be UTF-8 text: bad bytes, overlong, C1, ESC. */
	assert_null(unofficial_parse("t", "tcp\t1\tok\ntcp\t2\tb\xff" "d\n", 19,
	    errbuf));
	assert_string_equal(errbuf, "t:2: description is not UTF-8 text "
	    "(or holds a control character)");
	assert_null(unofficial_parse("t", "tcp\t1\t\xc0\xaf\n", 9, errbuf));
	assert_non_null(strstr(errbuf, "t:1: description is not UTF-8"));
	assert_null(unofficial_parse("t", "tcp\t1\ta\xc2\x9b\n", 10, errbuf));
	assert_null(unofficial_parse("t", "tcp\t1\ta\x1b" "[m\n", 11, errbuf));
	assert_null(unofficial_parse("t", "tcp\t1\ta\xe2\x80\n", 10,
	    errbuf));
}

/*
 * The embedded table against the embedded registry: the ports the rule
 * was made for (docs/unassigned.md).
 */
static void
test_unofficial_rule(void **state)
{
	static const struct {
		unsigned int	 proto;
		uint16_t	 port;
		const char	*text;		/* NULL: none shown */
		uint16_t	 lo, hi;
	} cases[] = {
		/* League of Legends, 5000-5500/udp, over assigned ports */
		{ PC_PROTO_UDP, 5060, NULL, 0, 0 },
		{ PC_PROTO_UDP, 5353, NULL, 0, 0 },
		{ PC_PROTO_UDP, 5355, NULL, 0, 0 },
		{ PC_PROTO_UDPLITE, 5004, NULL, 0, 0 },
		/* 49152-65535/tcp, certificate management */
		{ PC_PROTO_TCP, 49152, NULL, 0, 0 },
		{ PC_PROTO_TCP, 61000, NULL, 0, 0 },
		/* VoIP 10000-20000/udp on an unassigned port: 10001 wide */
		{ PC_PROTO_UDP, 10015, NULL, 0, 0 },
		/* Microsoft Teams 3478-3481/udp on stun: a range, assigned */
		{ PC_PROTO_UDP, 3478, NULL, 0, 0 },
		{ PC_PROTO_TCP, 25565, "Minecraft", 25565, 25565 },
		{ PC_PROTO_TCP, 9200, "Elasticsearch", 9200, 9200 },
		{ PC_PROTO_UDP, 9, "Wake-on-LAN", 9, 9 },
		/* BitTorrent 6902-6968 on an unassigned port: narrow */
		{ PC_PROTO_TCP, 6950, "BitTorrent", 6902, 6968 },
		/* Second Life 13000-13050/udp */
		{ PC_PROTO_UDP, 13001, "Second Life", 13000, 13050 },
	};
	struct registry			*reg = registry_new();
	const struct unofficial_use	*hit;
	char				 errbuf[PC_ERRBUF_SIZE];
	size_t				 i;

	(void)state;
	assert_int_equal(registry_load_default(reg, errbuf), 0);
	assert_true(unofficial_count(unofficial_default()) > 500);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hit = unofficial_report(unofficial_default(), cases[i].proto,
		    cases[i].port, registry_status(reg, cases[i].proto,
		    cases[i].port));
		if (cases[i].text == NULL) {
			if (hit != NULL)
				fail_msg("%u/%s: shows \"%s\"", cases[i].port,
				    pc_proto_name(cases[i].proto), hit->text);
			continue;
		}
		if (hit == NULL)
			fail_msg("%u/%s: shows nothing", cases[i].port,
			    pc_proto_name(cases[i].proto));
		assert_non_null(strstr(hit->text, cases[i].text));
		assert_int_equal(hit->lo, cases[i].lo);
		assert_int_equal(hit->hi, cases[i].hi);
	}
	registry_free(reg);
}

static void
test_sitemap(void **state)
{
	const char		 map[] = "# site\n8080/tcp my-app \"internal API\"\n"
	    "\n61000/udp telemetry # c\n";
	struct registry		*reg = registry_new();
	const struct service	*svc;
	struct classify_result	 res;
	struct pkt_info		 pi;
	char			 errbuf[PC_ERRBUF_SIZE];

	(void)state;
	assert_int_equal(registry_load_default(reg, errbuf), 0);
	assert_int_equal(sitemap_load_buffer(reg, "m", map, sizeof(map) - 1,
	    errbuf), 2);
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 8080), REG_LOCAL);
	svc = registry_lookup(reg, PC_PROTO_TCP, 8080);
	assert_string_equal(svc->name, "my-app");
	assert_string_equal(svc->description, "internal API");
	assert_string_equal(registry_status_name(REG_LOCAL), "local");
	/* A local dynamic port beats an unassigned one, like assigned. */
	mkpkt(&pi, 1, 4, 61000);
	pi.proto = PC_PROTO_UDP;
	classify_packet(reg, NULL, NULL, &pi, 0, &res);
	assert_int_equal(res.port, 61000);
	assert_int_equal(res.reason, CLASSIFY_STATUS);
	/* Bad lines reject the whole map. */
	assert_int_equal(sitemap_load_buffer(reg, "m", "1/tcp a\n70000/tcp b\n",
	    20, errbuf), -1);
	assert_string_equal(errbuf, "m:2: port above 65535");
	assert_int_equal(registry_status(reg, PC_PROTO_TCP, 1), REG_ASSIGNED);
	assert_int_equal(sitemap_load_buffer(reg, "m", "1/icmp a\n", 9,
	    errbuf), -1);
	assert_int_equal(sitemap_load_buffer(reg, "m", "1/tcp a \"open\n", 14,
	    errbuf), -1);
	assert_int_equal(sitemap_load_buffer(reg, "m", "1/tcp a b\n", 10,
	    errbuf), -1);
	registry_free(reg);
}

static void
test_lookup(void **state)
{
	struct registry	*reg = registry_new();
	char		 errbuf[PC_ERRBUF_SIZE], *buf = NULL;
	size_t		 len = 0;
	FILE		*fp;

	(void)state;
	assert_int_equal(registry_load_default(reg, errbuf), 0);
	fp = open_memstream(&buf, &len);
	assert_int_equal(lookup_query(fp, reg, "3306/tcp", errbuf), 0);
	assert_int_equal(lookup_query(fp, reg, "MySQL", errbuf), 0);
	assert_int_equal(lookup_query(fp, reg, "49152-49153/udp", errbuf), 0);
	assert_int_equal(lookup_query(fp, reg, "25565/tcp", errbuf), 0);
	assert_int_equal(lookup_query(fp, reg, "no-such-name", errbuf), 1);
	assert_int_equal(lookup_query(fp, reg, "9-1/tcp", errbuf), -1);
	assert_int_equal(lookup_query(fp, reg, "80/icmp", errbuf), -1);
	fclose(fp);
	assert_non_null(strstr(buf, "3306/tcp\tassigned\tmysql\n"));
	assert_non_null(strstr(buf, "3306/udp\tassigned\tmysql\n"));
	assert_non_null(strstr(buf, "49152/udp\tdynamic\n49153/udp\tdynamic\n"));
	assert_non_null(strstr(buf, "25565/tcp\tunassigned\n"
	    "\tunofficial 25565 (in reports): Minecraft"));
	free(buf);
	registry_free(reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracker),
		cmocka_unit_test(test_alert_rate),
		cmocka_unit_test(test_unofficial),
		cmocka_unit_test(test_unofficial_rule),
		cmocka_unit_test(test_sitemap),
		cmocka_unit_test(test_lookup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
