/* SPDX-License-Identifier: MIT */
/* The public lttsync_transform: an lsync_xform handed to the caller. */
#ifndef LTTSYNC_TRANSFORM_API_H
#define LTTSYNC_TRANSFORM_API_H

#include <lttsync/lttsync.h>

#include "pwxform.h"
#include "transform.h"

/*
 * One line (pieces NULL, n_pieces 0: the line f, whose bounds width is
 * `width`), or a piecewise function (pieces, n_pieces >= 2), f then
 * being the piece in force at the middle of the data.
 */
struct lttsync_transform {
	lsync_xform f;
	long double width;
	size_t n_pieces;
	lsync_piece *pieces;
};

/* A new transform holding *f; NULL when out of memory. */
lttsync_transform *lsync_transform_new(const lsync_xform *f);

/* A new piecewise transform (copies p when n >= 2; with n == 1 a line);
 * `main` as in the struct. NULL when out of memory. */
lttsync_transform *lsync_transform_new_pieces(const lsync_piece *p, size_t n,
					      const lsync_xform *main);

#endif
