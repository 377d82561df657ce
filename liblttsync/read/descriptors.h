/* SPDX-License-Identifier: MIT */
/*
 * How many more file descriptors this process may open (RLIMIT_NOFILE
 * less those open), so that the readers start only as many traces at
 * once as they can open: past the limit every open() fails with EMFILE,
 * and babeltrace2 reports that as anything but a lack of descriptors.
 */
#ifndef LTTSYNC_DESCRIPTORS_H
#define LTTSYNC_DESCRIPTORS_H

/*
 * How many units of `per_unit` descriptors fit, keeping `reserve` free
 * for everything else; at least 1, at most `wanted`.
 */
unsigned lsync_fd_room(unsigned wanted, unsigned per_unit, unsigned reserve);

#endif
