/*
 * privdrop.h - give up root once everything privileged is open (-Z USER).
 *
 * The OpenBSD way: open the captures, the output files and any listening
 * socket as root, then become an ordinary user before the first untrusted
 * byte is parsed.  See docs/live.md for running without root at all
 * (file capabilities).
 */
#ifndef PORTCLASS_PRIVDROP_H
#define PORTCLASS_PRIVDROP_H

/*
 * Become user: supplementary groups, group and user set to the user's
 * (setgroups, setgid, setuid, in that order), then verified, including
 * that root cannot be regained.  If the process already runs as that user
 * and group and holds no privilege, nothing is done.  Returns -1 with
 * errbuf ("cannot become USER: reason") on failure; the caller must then
 * exit, since it may have given up only part of its privileges.
 */
int	privdrop_user(const char *user, char *errbuf);

#endif /* PORTCLASS_PRIVDROP_H */
