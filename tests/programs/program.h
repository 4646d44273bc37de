/*
 * What every small program in tests/programs/ shares: the flags the
 * checker runs it with, the same as the scenario runner's.
 *
 *   PROGRAM [-seed N] [-scale X] [-noise P]
 *
 * The programs are built with the project runtime (platform/rt) and start the
 * watchdog, so lockdep and the watchdog see them exactly as they see a
 * Raft test.
 */
#ifndef PROGRAM_H
#define PROGRAM_H

#include "rt/rt.h"

/* The runtime options from the command line; exits with status 2 on a
 * flag it does not know. */
rt_options program_options(int argc, char **argv);

#endif
