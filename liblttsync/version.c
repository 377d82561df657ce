/* SPDX-License-Identifier: MIT */
#include <lttsync/lttsync.h>

LTTSYNC_API const char *lttsync_version_string(void)
{
	return LTTSYNC_VERSION_STRING;
}

LTTSYNC_API unsigned lttsync_version_major(void)
{
	return LTTSYNC_VERSION_MAJOR;
}

LTTSYNC_API unsigned lttsync_version_minor(void)
{
	return LTTSYNC_VERSION_MINOR;
}

LTTSYNC_API unsigned lttsync_version_patch(void)
{
	return LTTSYNC_VERSION_PATCH;
}
