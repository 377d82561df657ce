/* SPDX-License-Identifier: MIT */
/*
 * Rewriting one clock snapshot: cycles -> ns from the clock's origin (as
 * babeltrace2 computes it, and as lttsync read the trace) -> the host's
 * transform -> cycles of the same clock class.
 *
 * The clock class itself (frequency, offset, UUID) is the upstream trace's
 * and cannot change, so a corrected time must still be expressible in it:
 * at or after the clock's offset, below 2^64 cycles. LTTng's kernel clock
 * counts from boot and its offset is the boot time, so a transform moving
 * a trace by less than its uptime always fits.
 */
#include <inttypes.h>

#include "correct.h"

#define NS_PER_S 1000000000

void correct_clock_map_init(correct_clock_map *map, const bt_clock_class *clock,
			  const lttsync_transform *transform)
{
	map->transform = transform;
	map->frequency = bt_clock_class_get_frequency(clock);
	bt_clock_class_get_offset(clock, &map->offset_s, &map->offset_cycles);
}

/* ns since the origin -> cycles of the map's clock, floor; false if < 0
 * or too large. At 1 GHz (LTTng) this is exact: ns - offset. */
static bool ns_to_cycles(const correct_clock_map *map, int64_t ns, uint64_t *out)
{
	__int128 rel = (__int128)ns - (__int128)map->offset_s * NS_PER_S;
	__int128 cycles;

	if (rel < 0)
		return false;
	cycles = rel * map->frequency / NS_PER_S - map->offset_cycles;
	if (cycles < 0 || cycles > (__int128)UINT64_MAX)
		return false;
	*out = (uint64_t)cycles;
	return true;
}

bool correct_clock_map_value(const correct_clock_map *map,
			   const bt_clock_snapshot *snapshot,
			   bt_self_message_iterator *self, uint64_t *out)
{
	int64_t ns, corrected;

	if (bt_clock_snapshot_get_ns_from_origin(snapshot, &ns) !=
	    BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(
			self, "clock snapshot %" PRIu64 " overflows ns from origin",
			bt_clock_snapshot_get_value(snapshot));
		return false;
	}
	if (lttsync_transform_apply(&corrected, map->transform, ns) != LTTSYNC_OK) {
		BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(
			self, "time %" PRId64 " ns: the corrected time overflows", ns);
		return false;
	}
	if (ns_to_cycles(map, corrected, out))
		return true;
	BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_MESSAGE_ITERATOR(
		self,
		"time %" PRId64 " ns corrects to %" PRId64 " ns, outside the "
		"range of the trace's clock class (offset %" PRId64 " s + %" PRIu64
		" cycles at %" PRIu64 " Hz)",
		ns, corrected, map->offset_s, map->offset_cycles, map->frequency);
	return false;
}
