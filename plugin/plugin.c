/* SPDX-License-Identifier: MIT */
/*
 * The babeltrace2 plugin `lttsync`: its descriptors only. The component
 * class's code is shared with `lttsync --write` (see correct.h).
 */
#include "correct.h"

BT_PLUGIN_MODULE();

BT_PLUGIN(lttsync);
BT_PLUGIN_DESCRIPTION("Put traces from several machines on one timeline "
		      "with liblttsync's clock transforms");
BT_PLUGIN_AUTHOR("liblttsync developers");
BT_PLUGIN_LICENSE("MIT");

BT_PLUGIN_FILTER_COMPONENT_CLASS(correct, correct_iterator_next);
BT_PLUGIN_FILTER_COMPONENT_CLASS_DESCRIPTION(
	correct, "Rewrite clock snapshots through per-host lttsync transforms, "
		 "merging the inputs by corrected time");
BT_PLUGIN_FILTER_COMPONENT_CLASS_HELP(
	correct,
	"Parameters: report=PATH (JSON from `lttsync --format json`), "
	"transforms={HOST={slope=TEXT, offset=TEXT}} or "
	"{HOST={slope=TEXT, pivot=N, pivot-ref=TEXT}}, host=NAME (treat every "
	"input trace as host NAME instead of its `hostname` environment entry). "
	"Connect any number of sources (no muxer needed); see doc/correcting.md.");
BT_PLUGIN_FILTER_COMPONENT_CLASS_INITIALIZE_METHOD(correct, correct_initialize);
BT_PLUGIN_FILTER_COMPONENT_CLASS_FINALIZE_METHOD(correct, correct_finalize);
BT_PLUGIN_FILTER_COMPONENT_CLASS_INPUT_PORT_CONNECTED_METHOD(
	correct, correct_input_port_connected);
BT_PLUGIN_FILTER_COMPONENT_CLASS_MESSAGE_ITERATOR_CLASS_INITIALIZE_METHOD(
	correct, correct_iterator_initialize);
BT_PLUGIN_FILTER_COMPONENT_CLASS_MESSAGE_ITERATOR_CLASS_FINALIZE_METHOD(
	correct, correct_iterator_finalize);
