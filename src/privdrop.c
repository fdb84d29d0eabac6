/*
 * privdrop.c - become an unprivileged user after the privileged opens.
 *
 * The order matters: supplementary groups and the group can only be
 * changed while still root, so setuid() comes last.  Each step is checked,
 * and so is the result: real, effective and saved IDs all changed, and
 * setuid(0) fails afterwards.  A partial drop is an error, never a
 * warning.
 */
#define _DEFAULT_SOURCE		/* setgroups(), setresuid(); this file only */

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "portclass/log.h"
#include "portclass/privdrop.h"

static int	privdrop_verify(uid_t, gid_t);

/* 0 if every user and group ID is the target and root is out of reach. */
static int
privdrop_verify(uid_t uid, gid_t gid)
{
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		return (-1);
	/* The saved IDs: setuid(0) must fail once uid is not root. */
	if (uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		return (-1);
	return (0);
}

int
privdrop_user(const char *user, char *errbuf)
{
	struct passwd	*pw;
	uid_t		 uid;
	gid_t		 gid;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "cannot become %s: %s", user,
		    errno != 0 ? strerror(errno) : "no such user");
		return (-1);
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;

	/* Already that user, unprivileged (e.g. file capabilities). */
	if (geteuid() != 0 && privdrop_verify(uid, gid) == 0)
		return (0);

	if (setgroups(1, &gid) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "cannot become %s: setgroups: "
		    "%s", user, strerror(errno));
		return (-1);
	}
	if (setgid(gid) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "cannot become %s: setgid: "
		    "%s", user, strerror(errno));
		return (-1);
	}
	if (setuid(uid) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "cannot become %s: setuid: "
		    "%s", user, strerror(errno));
		return (-1);
	}
	if (privdrop_verify(uid, gid) == -1) {
		snprintf(errbuf, PC_ERRBUF_SIZE, "cannot become %s: IDs did "
		    "not change, or root can be regained", user);
		return (-1);
	}
	return (0);
}
