/*
 * log.h - messages to the user, in one place.
 *
 * Every message starts with "portclass: ".  log_warn appends strerror(errno),
 * log_warnx does not.  fatal/fatalx log and exit(1); only main.c and code it
 * calls at startup may use them.  Nothing is logged per packet.
 */
#ifndef PORTCLASS_LOG_H
#define PORTCLASS_LOG_H

#include <stdarg.h>

#define PC_ERRBUF_SIZE	512	/* caller-supplied error buffers */

void	log_init(const char *progname, int verbose);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif /* PORTCLASS_LOG_H */
