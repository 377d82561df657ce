/* SPDX-License-Identifier: MIT */
/*
 * filter.lttsync.correct: a babeltrace2 filter that rewrites every clock
 * snapshot through a host's lttsync transform, so that traces recorded on
 * different machines share one timeline.
 *
 * One component takes any number of input ports (a new one appears each
 * time one is connected, as with filter.utils.muxer) and has one output
 * port. Its message iterator corrects each upstream's messages, then
 * merges the upstreams by corrected time. It does not need babeltrace2's
 * muxer in front of it, which matters: the muxer refuses real LTTng traces
 * whose packet end times overlap the next packet's beginning (the scp
 * traces, lttng-modules 2.1), while this filter repairs that overlap (see
 * doc/correcting.md, "Packet end times").
 *
 * The same code (correct/, an internal library with the prefix correct_)
 * serves two callers: the plugin (plugin/plugin.c, configured by
 * parameters) and `lttsync --write` (cli/write.c), which creates the
 * component class in-process and passes a correct_config as
 * initialization method data.
 */
#ifndef LTTSYNC_CORRECT_H
#define LTTSYNC_CORRECT_H

#include <stdbool.h>
#include <stdint.h>

#include <babeltrace2/babeltrace.h>
#include <glib.h>
#include <lttsync/lttsync.h>

/* Which transform applies to which trace. */
typedef struct correct_config {
	GHashTable *by_host;      /* host name -> lttsync_transform * (owned) */
	char *host;               /* every trace is this host, or NULL */
	lttsync_transform *fixed; /* every trace uses this one, or NULL */
} correct_config;

/* An empty configuration; NULL when out of memory. */
correct_config *correct_config_new(void);
void correct_config_free(correct_config *config);

/*
 * Fill config from the component's parameters: `report` (path of a JSON
 * report written by `lttsync --format json`), `transforms` (map: host ->
 * map with `slope` and either `offset` or `pivot` + `pivot-ref`), `host`
 * (string). Returns false with a message in err (err_size bytes).
 */
bool correct_config_from_params(correct_config *config,
				      const bt_value *params, char *err,
				      size_t err_size);

/* The transform for a trace whose environment names `hostname` (may be
 * NULL), or NULL when the configuration has none. */
const lttsync_transform *
correct_config_lookup(const correct_config *config,
			    const char *hostname);

/*
 * The component class, for a caller that creates it in-process (new
 * reference, NULL when out of memory). Components of this class take a
 * `const correct_config *` as initialization method data, borrowed
 * for the component's lifetime; without one they read their parameters.
 */
bt_component_class_filter *correct_class_create(void);

/* ---- the methods, shared by plugin.c and correct_class_create() ---- */

bt_component_class_initialize_method_status
correct_initialize(bt_self_component_filter *self,
			 bt_self_component_filter_configuration *configuration,
			 const bt_value *params, void *init_data);
void correct_finalize(bt_self_component_filter *self);
bt_component_class_port_connected_method_status
correct_input_port_connected(bt_self_component_filter *self,
				   bt_self_component_port_input *self_port,
				   const bt_port_output *other_port);

bt_message_iterator_class_initialize_method_status
correct_iterator_initialize(bt_self_message_iterator *self,
				  bt_self_message_iterator_configuration *configuration,
				  bt_self_component_port_output *port);
bt_message_iterator_class_next_method_status
correct_iterator_next(bt_self_message_iterator *self,
			    bt_message_array_const msgs, uint64_t capacity,
			    uint64_t *count);
void correct_iterator_finalize(bt_self_message_iterator *self);

/* ---- helpers between the plugin's files ---- */

/* The component's configuration (correct.c). */
const correct_config *
correct_component_config(bt_self_component_filter *self);

/* How one stream's clock snapshots are rewritten (clock.c). */
typedef struct correct_clock_map {
	const lttsync_transform *transform;
	uint64_t frequency;       /* Hz */
	int64_t offset_s;         /* clock class offset, seconds part */
	uint64_t offset_cycles;   /* clock class offset, cycles part */
} correct_clock_map;

void correct_clock_map_init(correct_clock_map *map, const bt_clock_class *clock,
			  const lttsync_transform *transform);

/*
 * The snapshot's value after correction, in cycles of the same clock
 * class. False (with a babeltrace2 error cause appended for `self`) when
 * the corrected time falls outside the clock's range: before its origin,
 * or beyond 2^64 cycles.
 */
bool correct_clock_map_value(const correct_clock_map *map,
			   const bt_clock_snapshot *snapshot,
			   bt_self_message_iterator *self, uint64_t *out);

/*
 * A copy of `msg` whose clock snapshots take the given values (events,
 * packet and stream boundaries: values[0]; discarded events and packets:
 * values[0] and values[1]). NULL when out of memory or for a message type
 * this filter does not copy (an error cause is then appended).
 */
bt_message *correct_copy_message(bt_self_message_iterator *self,
			       const bt_message *msg, const uint64_t values[2]);

/* Copy every field of `src` into `dst`, of the same class. */
bool correct_copy_field(bt_field *dst, const bt_field *src);

/*
 * Mark the corrected trace sink.ctf.fs wrote in `folder` (mark.c,
 * doc/correcting.md): each clock's UUID becomes one derived from the
 * original and tf, and the environment gains `lttsync_reference`
 * (reference) and `lttsync_transform` (tf's equation, segment by
 * segment). False with a reason in err (err_size bytes).
 */
bool correct_mark_trace(const char *folder, const char *reference,
			const lttsync_transform *tf, char *err, size_t err_size);

#endif
