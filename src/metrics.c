/*
 * metrics.c - serve the published exposition text on GET /metrics.
 *
 * HTTP is libmicrohttpd's job, not ours: it parses requests, enforces the
 * limits set below and runs its own polling thread.  We open the listening
 * socket ourselves so that a bad address or a port in use is a precise
 * one-line error (MHD_start_daemon only says "no"), and so that port 0
 * can report the port the kernel chose.
 *
 * Snapshot discipline: the capture thread renders a text and publishes it;
 * the server thread hands out references to the latest text.  The mutex
 * guards a pointer and reference counts only, so neither thread ever
 * waits on the other's I/O or formatting.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "portclass/log.h"
#include "portclass/metrics.h"
#include "portclass/xmalloc.h"

/*
 * Limits.  Scrapers are few and their requests tiny: a Prometheus server
 * or two, a curl now and then.  The memory limit bounds each connection's
 * buffer and so the size of a request head (MHD answers 431 or closes);
 * the timeout drops clients that connect and say nothing.
 */
#define METRICS_MAX_CONNECTIONS		32
#define METRICS_MAX_PER_IP		16
#define METRICS_TIMEOUT_SEC		10
#define METRICS_CONN_MEMORY		(16 * 1024)
#define METRICS_BACKLOG			32

/* One published text; freed when the last reference goes. */
struct metrics_body {
	struct metrics_server	*srv;
	size_t			 refs;		/* under srv->lock */
	size_t			 len;
	char			*data;
};

struct metrics_server {
	struct MHD_Daemon	*daemon;
	pthread_mutex_t		 lock;
	struct metrics_body	*current;	/* under lock; NULL: none yet */
	char			 address[INET6_ADDRSTRLEN + 8];
};

static char metrics_msg_notfound[] = "Not found: try /metrics\n";
static char metrics_msg_method[] = "Method not allowed: use GET\n";
static char metrics_msg_notyet[] = "No report yet\n";

static int	metrics_parse(const char *, char *, size_t, char *, size_t,
		    int *, char *);
static int	metrics_listen(const char *, const char *, int,
		    struct metrics_server *, char *);
static void	metrics_release(void *);
static enum MHD_Result metrics_reply(struct MHD_Connection *, unsigned int,
		    char *, size_t);
static enum MHD_Result metrics_handle(void *, struct MHD_Connection *,
		    const char *, const char *, const char *, const char *,
		    size_t *, void **);

/*
 * Split spec into host and port.  "PORT" means 127.0.0.1: exposing
 * traffic statistics to the network should take an explicit address.
 */
static int
metrics_parse(const char *spec, char *host, size_t hostlen, char *port,
    size_t portlen, int *v6, char *errbuf)
{
	const char	*p, *colon;
	size_t		 n;

	*v6 = 0;
	if (spec[0] == '[') {
		if ((p = strchr(spec, ']')) == NULL || p[1] != ':') {
			snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: \"%s\": "
			    "expected [IPV6]:PORT", spec);
			return (-1);
		}
		n = (size_t)(p - spec - 1);
		*v6 = 1;
		colon = p + 1;
		p = spec + 1;
	} else if ((colon = strrchr(spec, ':')) != NULL) {
		if (strchr(spec, ':') != colon) {
			snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: \"%s\": "
			    "put an IPv6 address in brackets, [ADDR]:PORT",
			    spec);
			return (-1);
		}
		n = (size_t)(colon - spec);
		p = spec;
	} else {
		p = "127.0.0.1";
		n = strlen(p);
		colon = spec - 1;
	}
	if (n == 0 || n >= hostlen) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: \"%s\": %s", spec,
		    n == 0 ? "empty address (0.0.0.0:PORT listens on every "
		    "interface)" : "address too long");
		return (-1);
	}
	memcpy(host, p, n);
	host[n] = '\0';

	p = colon + 1;
	n = strspn(p, "0123456789");
	if (n == 0 || n > 5 || p[n] != '\0' || strtol(p, NULL, 10) > 65535 ||
	    n >= portlen) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: \"%s\": the port "
		    "must be a number from 0 to 65535", spec);
		return (-1);
	}
	memcpy(port, p, n + 1);
	return (0);
}

/* Open, bind and listen; fill srv->address.  -1 with errbuf on failure. */
static int
metrics_listen(const char *host, const char *port, int v6,
    struct metrics_server *srv, char *errbuf)
{
	struct addrinfo		 hints, *ai;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	char			 abuf[INET6_ADDRSTRLEN];
	int			 fd, rc, one = 1, flags;
	unsigned int		 bound;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = v6 ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: %s: %s", host,
		    gai_strerror(rc));
		return (-1);
	}
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: socket: %s",
		    strerror(errno));
		freeaddrinfo(ai);
		return (-1);
	}
	/* A restarted sensor must not wait out TIME_WAIT to rebind. */
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, METRICS_BACKLOG) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: %s%s%s:%s: %s",
		    v6 ? "[" : "", host, v6 ? "]" : "", port,
		    strerror(errno));
		freeaddrinfo(ai);
		close(fd);
		return (-1);
	}
	freeaddrinfo(ai);
	/* The server thread polls; accept() must never block it. */
	if ((flags = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);

	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, abuf, sizeof(abuf));
		bound = ntohs(s6->sin6_port);
		snprintf(srv->address, sizeof(srv->address), "[%s]:%u", abuf,
		    bound);
	} else {
		struct sockaddr_in	*s4 = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, abuf, sizeof(abuf));
		bound = ntohs(s4->sin_port);
		snprintf(srv->address, sizeof(srv->address), "%s:%u", abuf,
		    bound);
	}
	return (fd);
}

/* Drop one reference to a body (MHD calls this when a response dies). */
static void
metrics_release(void *cls)
{
	struct metrics_body	*b = cls;
	size_t			 left;

	pthread_mutex_lock(&b->srv->lock);
	left = --b->refs;
	pthread_mutex_unlock(&b->srv->lock);
	if (left == 0) {
		free(b->data);
		free(b);
	}
}

/* A short fixed text answer (errors). */
static enum MHD_Result
metrics_reply(struct MHD_Connection *conn, unsigned int status, char *msg,
    size_t len)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;

	resp = MHD_create_response_from_buffer(len, msg,
	    MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return (MHD_NO);
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return (rc);
}

static enum MHD_Result
metrics_handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **req_cls)
{
	struct metrics_server	*srv = cls;
	struct metrics_body	*b;
	struct MHD_Response	*resp;
	enum MHD_Result		 rc;

	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	(void)req_cls;

	/* Answer at the first call: no request here needs a body. */
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return (metrics_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
		    metrics_msg_method, sizeof(metrics_msg_method) - 1));
	if (strcmp(url, "/metrics") != 0)
		return (metrics_reply(conn, MHD_HTTP_NOT_FOUND,
		    metrics_msg_notfound, sizeof(metrics_msg_notfound) - 1));

	pthread_mutex_lock(&srv->lock);
	if ((b = srv->current) != NULL)
		b->refs++;
	pthread_mutex_unlock(&srv->lock);
	if (b == NULL)
		return (metrics_reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
		    metrics_msg_notyet, sizeof(metrics_msg_notyet) - 1));

	/* The response holds our reference; MHD releases it when done. */
	resp = MHD_create_response_from_buffer_with_free_callback_cls(b->len,
	    b->data, metrics_release, b);
	if (resp == NULL) {
		metrics_release(b);
		return (MHD_NO);
	}
	(void)MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	    METRICS_CONTENT_TYPE);
	rc = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return (rc);
}

struct metrics_server *
metrics_start(const char *spec, char *errbuf)
{
	struct metrics_server	*srv;
	char			 host[256], port[8];
	sigset_t		 all, old;
	int			 fd, v6;

	if (metrics_parse(spec, host, sizeof(host), port, sizeof(port), &v6,
	    errbuf) == -1)
		return (NULL);
	srv = xcalloc(1, sizeof(*srv));
	if ((fd = metrics_listen(host, port, v6, srv, errbuf)) == -1) {
		free(srv);
		return (NULL);
	}
	pthread_mutex_init(&srv->lock, NULL);

	/*
	 * The server thread inherits the signal mask: with everything
	 * blocked there, SIGINT and SIGTERM go to the thread that can stop
	 * the capture.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	srv->daemon = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL,
	    NULL, metrics_handle, srv,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)METRICS_MAX_CONNECTIONS,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	    (unsigned int)METRICS_MAX_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)METRICS_TIMEOUT_SEC,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_CONN_MEMORY,
	    /* Refuse requests that break HTTP/1.1 (no Host, ...) with 400. */
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (srv->daemon == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "--listen: %s: cannot start "
		    "the HTTP server", srv->address);
		close(fd);
		pthread_mutex_destroy(&srv->lock);
		free(srv);
		return (NULL);
	}
	return (srv);
}

void
metrics_publish(struct metrics_server *srv, char *body, size_t len)
{
	struct metrics_body	*b, *old;

	b = xmalloc(sizeof(*b));
	b->srv = srv;
	b->refs = 1;			/* the server's own reference */
	b->len = len;
	b->data = body;
	pthread_mutex_lock(&srv->lock);
	old = srv->current;
	srv->current = b;
	pthread_mutex_unlock(&srv->lock);
	if (old != NULL)
		metrics_release(old);
}

const char *
metrics_address(const struct metrics_server *srv)
{
	return (srv->address);
}

void
metrics_stop(struct metrics_server *srv)
{
	if (srv == NULL)
		return;
	/* Closes every connection, so every response has released its body. */
	MHD_stop_daemon(srv->daemon);
	if (srv->current != NULL)
		metrics_release(srv->current);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
