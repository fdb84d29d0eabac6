/*
 * benchtime: run one command and report its wall time, CPU time and peak
 * resident set size, measured from the kernel's own accounting.
 *
 * The child is started with posix_spawn() (a vfork-style clone on glibc,
 * so the child's peak RSS is not inflated by a copy of this process) and
 * reaped with wait4(), whose struct rusage gives user and system CPU time
 * and ru_maxrss (KiB on Linux) for exactly that process.  Wall time is
 * CLOCK_MONOTONIC from just before the spawn to just after the reap.
 *
 * Usage: benchtime [-o FILE] COMMAND [ARG]...
 *   The command's standard output goes to FILE (default /dev/null); its
 *   standard error is left alone.  One line goes to our standard output:
 *     wall=SECONDS user=SECONDS sys=SECONDS maxrss_kib=N status=N
 *   status is the exit status, or 128+signal.  benchtime exits 0 when it
 *   could run and reap the command, whatever the command's status.
 *
 * Built by bench/run.sh with cc -O2; not part of the product.
 */

/* wait4() is a BSD interface, outside POSIX. */
#define _DEFAULT_SOURCE

#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
benchtime_tv(const struct timeval *tv)
{
	return ((double)tv->tv_sec + (double)tv->tv_usec / 1e6);
}

static double
benchtime_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
benchtime_usage(void)
{
	fprintf(stderr, "usage: benchtime [-o file] command [arg ...]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	posix_spawn_file_actions_t	 fa;
	struct rusage			 ru;
	const char			*out = "/dev/null";
	double				 t0, t1;
	pid_t				 pid;
	int				 ch, rc, st, status;

	/* '+' stops at the first non-option: the command's own options. */
	while ((ch = getopt(argc, argv, "+o:")) != -1) {
		switch (ch) {
		case 'o':
			out = optarg;
			break;
		default:
			benchtime_usage();
		}
	}
	if (optind >= argc)
		benchtime_usage();

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (rc = posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0644)) != 0) {
		fprintf(stderr, "benchtime: %s\n", strerror(rc));
		return (1);
	}
	t0 = benchtime_now();
	rc = posix_spawnp(&pid, argv[optind], &fa, NULL, &argv[optind],
	    environ);
	if (rc != 0) {
		fprintf(stderr, "benchtime: %s: %s\n", argv[optind],
		    strerror(rc));
		return (1);
	}
	while (wait4(pid, &st, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "benchtime: wait4: %s\n",
			    strerror(errno));
			return (1);
		}
	}
	t1 = benchtime_now();
	posix_spawn_file_actions_destroy(&fa);

	if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		status = 128 + WTERMSIG(st);
	else
		status = 255;
	printf("wall=%.6f user=%.6f sys=%.6f maxrss_kib=%ld status=%d\n",
	    t1 - t0, benchtime_tv(&ru.ru_utime), benchtime_tv(&ru.ru_stime),
	    ru.ru_maxrss, status);
	return (0);
}
