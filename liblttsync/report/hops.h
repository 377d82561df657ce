/* SPDX-License-Identifier: MIT */
/*
 * Hops from every host to the reference, through the public interface
 * only (lttsync_session_get_host_parent()), so that the command's page
 * (cli/plot_page.c) compiles the same file as the library's reports.
 */
#ifndef LTTSYNC_HOPS_H
#define LTTSYNC_HOPS_H

#include <stddef.h>

#include <lttsync/lttsync.h>

/*
 * Hops of hosts 0 .. n - 1 (SIZE_MAX: no path to the reference), each
 * parent link followed once: a chain of n hosts costs n steps, not n^2.
 * A malloc'd array (free() it), NULL when out of memory.
 */
size_t *lsync_hop_counts(lttsync_session *s, size_t n);

#endif
