/*
 * test_metrics.c - the /metrics server over real loopback sockets: the
 * listen specs, 503 before the first report, status lines, headers and
 * body, 404, 405, HEAD, malformed and oversized requests, a port in use,
 * and publishing while clients read (run under ASan for the refcounts).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "portclass/log.h"
#include "portclass/metrics.h"
#include "portclass/xmalloc.h"
#include "http_fixture.h"

static void
publish(struct metrics_server *srv, const char *text)
{
	metrics_publish(srv, xstrdup(text), strlen(text));
}

static void
test_specs(void **state)
{
	static const char *const bad[] = { "", "abc", "70000", "65536",
	    "-1", "1.2.3.4:", ":9464", "::1:9464", "[::1]9464", "[::1:9464",
	    "127.0.0.1:99999", "127.0.0.1:12ab", "999.1.1.1:0",
	    "127.0.0.1:123456" };
	struct metrics_server	*srv;
	char			 errbuf[PC_ERRBUF_SIZE];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errbuf[0] = '\0';
		srv = metrics_start(bad[i], errbuf);
		if (srv != NULL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_non_null(strstr(errbuf, "--listen"));
	}
	/* A bare port is loopback only. */
	srv = metrics_start("0", errbuf);
	assert_non_null(srv);
	assert_int_equal(strncmp(metrics_address(srv), "127.0.0.1:", 10), 0);
	assert_true(port_of(srv) > 0);
	metrics_stop(srv);
	srv = metrics_start("127.0.0.1:0", errbuf);
	assert_non_null(srv);
	assert_int_equal(strncmp(metrics_address(srv), "127.0.0.1:", 10), 0);
	metrics_stop(srv);
	/* IPv6 literal, where the host has ::1; else a clear error. */
	srv = metrics_start("[::1]:0", errbuf);
	if (srv != NULL) {
		assert_int_equal(strncmp(metrics_address(srv), "[::1]:", 6), 0);
		metrics_stop(srv);
	} else
		assert_non_null(strstr(errbuf, "::1"));
	metrics_stop(NULL);
}

static void
test_port_in_use(void **state)
{
	struct metrics_server	*a, *b;
	char			 errbuf[PC_ERRBUF_SIZE], spec[32];

	(void)state;
	a = metrics_start("127.0.0.1:0", errbuf);
	assert_non_null(a);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", port_of(a));
	b = metrics_start(spec, errbuf);
	assert_null(b);
	assert_non_null(strstr(errbuf, "in use"));
	metrics_stop(a);
}

static void
test_serve(void **state)
{
	static const char	 text[] = "# HELP a_total x\n"
	    "# TYPE a_total counter\na_total 1\n";
	struct metrics_server	*srv;
	char			 errbuf[PC_ERRBUF_SIZE], *r, clen[64];
	unsigned short		 port;

	(void)state;
	srv = metrics_start("127.0.0.1:0", errbuf);
	assert_non_null(srv);
	port = port_of(srv);

	r = get(port, "GET", "/metrics");
	assert_int_equal(strncmp(r, "HTTP/1.1 503 ", 13), 0);
	free(r);

	publish(srv, text);
	r = get(port, "GET", "/metrics");
	assert_int_equal(strncmp(r, "HTTP/1.1 200 OK\r\n", 17), 0);
	assert_non_null(strstr(r, "\r\nContent-Type: text/plain; "
	    "version=0.0.4; charset=utf-8\r\n"));
	snprintf(clen, sizeof(clen), "\r\nContent-Length: %zu\r\n",
	    strlen(text));
	assert_non_null(strstr(r, clen));
	assert_string_equal(body_of(r), text);
	free(r);

	/* The next report replaces the text. */
	publish(srv, "a_total 2\n");
	r = get(port, "GET", "/metrics?x=1");
	assert_string_equal(body_of(r), "a_total 2\n");
	free(r);

	r = get(port, "HEAD", "/metrics");
	assert_int_equal(strncmp(r, "HTTP/1.1 200 OK\r\n", 17), 0);
	assert_string_equal(body_of(r), "");
	free(r);

	r = get(port, "GET", "/");
	assert_int_equal(strncmp(r, "HTTP/1.1 404 ", 13), 0);
	assert_null(strstr(r, "a_total"));
	free(r);
	r = get(port, "GET", "/metrics/x");
	assert_int_equal(strncmp(r, "HTTP/1.1 404 ", 13), 0);
	free(r);

	r = http(port, "POST /metrics HTTP/1.1\r\nHost: t\r\nConnection: "
	    "close\r\nContent-Length: 3\r\n\r\nabc", 74);
	assert_int_equal(strncmp(r, "HTTP/1.1 405 ", 13), 0);
	assert_non_null(strstr(r, "\r\nAllow: GET, HEAD\r\n"));
	free(r);
	r = get(port, "DELETE", "/metrics");
	assert_int_equal(strncmp(r, "HTTP/1.1 405 ", 13), 0);
	free(r);

	metrics_stop(srv);
}

static void
test_hostile_requests(void **state)
{
	static const char *const bad[] = {
		"\x01\x02garbage\r\n\r\n",
		"GET /metrics HTTP/9.9\r\nHost: t\r\n\r\n",
		"GET /met\nrics HTTP/1.1\r\nHost: t\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost: t\r\nBad header\r\n\r\n",
		"GET\r\n\r\n",
	};
	struct metrics_server	*srv;
	char			 errbuf[PC_ERRBUF_SIZE], *r, *big;
	unsigned short		 port;
	size_t			 n = 64 * 1024, i;

	(void)state;
	srv = metrics_start("127.0.0.1:0", errbuf);
	assert_non_null(srv);
	port = port_of(srv);
	publish(srv, "a_total 3\n");

	/*
	 * Not HTTP, a version nobody speaks, a line feed inside the request
	 * line, no version at all: an error status or a closed socket,
	 * never the text.
	 */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = http(port, bad[i], strlen(bad[i]));
		if (strstr(r, "a_total") != NULL || (r[0] != '\0' &&
		    strncmp(r, "HTTP/1.1 4", 10) != 0 &&
		    strncmp(r, "HTTP/1.1 5", 10) != 0))
			fail_msg("request %zu answered: %.40s", i, r);
		free(r);
	}
	/* A header far over the limit is refused. */
	big = malloc(n + 64);
	memcpy(big, "GET /metrics HTTP/1.1\r\nHost: t\r\nX: ", 36);
	memset(big + 36, 'a', n);
	memcpy(big + 36 + n, "\r\n\r\n", 4);
	r = http(port, big, 36 + n + 4);
	assert_null(strstr(r, "a_total"));
	assert_true(r[0] == '\0' || strncmp(r, "HTTP/1.1 4", 10) == 0);
	free(r);
	free(big);

	/* And the server still works. */
	r = get(port, "GET", "/metrics");
	assert_string_equal(body_of(r), "a_total 3\n");
	free(r);
	metrics_stop(srv);
}

struct reader {
	unsigned short	port;
	int		bad;
	atomic_int	done;
};

static void *
reader_main(void *arg)
{
	struct reader	*rd = arg;
	char		*r;
	const char	*b;
	int		 i;
	unsigned long	 v;

	for (i = 0; i < 100; i++) {
		r = get(rd->port, "GET", "/metrics");
		b = strstr(r, "\r\n\r\n");
		/* Every answer is one whole published text. */
		if (b == NULL || sscanf(b + 4, "v %lu\n", &v) != 1 ||
		    strlen(b + 4) != (size_t)snprintf(NULL, 0, "v %lu\n", v) +
		    2000 || b[4 + strlen(b + 4) - 1] != '\n')
			rd->bad++;
		free(r);
	}
	atomic_store(&rd->done, 1);
	return (NULL);
}

static void
test_publish_while_serving(void **state)
{
	struct metrics_server	*srv;
	struct reader		 rd[2];
	pthread_t		 th[2];
	char			 errbuf[PC_ERRBUF_SIZE], *body;
	size_t			 i, len;

	(void)state;
	srv = metrics_start("127.0.0.1:0", errbuf);
	assert_non_null(srv);
	publish(srv, "v 0\n");
	for (i = 0; i < 2; i++) {
		rd[i].port = port_of(srv);
		rd[i].bad = 0;
		atomic_init(&rd[i].done, 0);
	}
	/* The first text has no padding; wait until a padded one is out. */
	body = xmalloc(64 + 2000);
	len = (size_t)snprintf(body, 64, "v 1\n");
	memset(body + len, '#', 1999);
	body[len + 1999] = '\n';
	metrics_publish(srv, body, len + 2000);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, reader_main,
		    &rd[i]), 0);
	/* Publish as fast as we can for as long as anyone reads. */
	for (i = 2; !atomic_load(&rd[0].done) || !atomic_load(&rd[1].done);
	    i++) {
		body = xmalloc(64 + 2000);
		len = (size_t)snprintf(body, 64, "v %zu\n", i);
		memset(body + len, '#', 1999);
		body[len + 1999] = '\n';
		metrics_publish(srv, body, len + 2000);
		/*
		 * Let the readers and the server run: under valgrind, whose
		 * threads take turns on one lock, a publisher that never
		 * yields could keep them waiting for minutes.
		 */
		sched_yield();
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(rd[i].bad, 0);
	}
	metrics_stop(srv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_specs),
		cmocka_unit_test(test_port_in_use),
		cmocka_unit_test(test_serve),
		cmocka_unit_test(test_hostile_requests),
		cmocka_unit_test(test_publish_while_serving),
	};

	return (cmocka_run_group_tests_name("metrics", tests, NULL, NULL));
}
