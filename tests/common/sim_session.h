/* SPDX-License-Identifier: MIT */
/* Sessions of simulated hosts "host0".."hostN-1" for Criterion tests. */
#ifndef SIM_SESSION_H
#define SIM_SESSION_H

#include <stddef.h>

#include <lttsync/lttsync.h>

#include "simulate.h"

/* A session with hosts host0.. (host i has id i), segments on or off. */
lttsync_session *sim_session_new(size_t hosts, int segments);

/* Feeds the messages m[0..n) to s (each must be accepted). */
void sim_session_feed(lttsync_session *s, const sim_message *m, size_t n);

/* The same, fed the messages m[0..n). */
lttsync_session *sim_session_of(const sim_message *m, size_t n, size_t hosts,
				int segments);

#endif
