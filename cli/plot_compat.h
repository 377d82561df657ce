/* Temporary: the pair hull accessor until the library has it. */
#ifndef LTTSYNC_CLI_PLOT_COMPAT_H
#define LTTSYNC_CLI_PLOT_COMPAT_H
#include <lttsync/lttsync.h>
typedef struct lttsync_point { int64_t x; int64_t y; } lttsync_point;
typedef enum lttsync_pair_direction {
	LTTSYNC_PAIR_FIRST_TO_SECOND = 0,
	LTTSYNC_PAIR_SECOND_TO_FIRST = 1,
} lttsync_pair_direction;
__attribute__((weak)) lttsync_status lttsync_session_get_pair_hull(size_t *out_count,
	lttsync_point *points, size_t capacity, lttsync_session *session,
	size_t pair, lttsync_pair_direction direction);
#endif
