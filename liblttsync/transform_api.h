/* SPDX-License-Identifier: MIT */
/* The public lttsync_transform: an lsync_xform handed to the caller. */
#ifndef LTTSYNC_TRANSFORM_API_H
#define LTTSYNC_TRANSFORM_API_H

#include <lttsync/lttsync.h>

#include "transform.h"

struct lttsync_transform {
	lsync_xform f;
};

/* A new transform holding *f; NULL when out of memory. */
lttsync_transform *lsync_transform_new(const lsync_xform *f);

#endif
