/*
 * http_fixture.h - a plain HTTP client over loopback for the tests of the
 * /metrics server and of the prometheus sink: one request, the whole
 * answer.  Include it after <cmocka.h>.
 */
#ifndef PORTCLASS_TESTS_HTTP_FIXTURE_H
#define PORTCLASS_TESTS_HTTP_FIXTURE_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portclass/metrics.h"

/* The port of "127.0.0.1:PORT". */
static inline unsigned short
port_of(const struct metrics_server *srv)
{
	const char	*a = metrics_address(srv);
	const char	*c = strrchr(a, ':');

	assert_non_null(c);
	return ((unsigned short)strtoul(c + 1, NULL, 10));
}

/*
 * Send req to 127.0.0.1:port and read until the server closes (or 5 s
 * pass).  Returns the malloc'd answer, "" when the server closed without
 * a word.
 */
static inline char *
http(unsigned short port, const char *req, size_t reqlen)
{
	struct sockaddr_in	sin;
	struct timeval		tv = { 5, 0 };
	char			*buf;
	size_t			 len = 0, cap = 4096;
	ssize_t			 n;
	int			 fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	/* A server may answer and close before reading it all: no check. */
	(void)send(fd, req, reqlen, MSG_NOSIGNAL);
	buf = malloc(cap);
	for (;;) {
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (buf);
}

static inline char *
get(unsigned short port, const char *method, const char *path)
{
	char	req[512];
	int	n;

	n = snprintf(req, sizeof(req), "%s %s HTTP/1.1\r\nHost: test\r\n"
	    "Connection: close\r\n\r\n", method, path);
	return (http(port, req, (size_t)n));
}

static inline const char *
body_of(const char *resp)
{
	const char	*p = strstr(resp, "\r\n\r\n");

	assert_non_null(p);
	return (p + 4);
}

#endif /* PORTCLASS_TESTS_HTTP_FIXTURE_H */
