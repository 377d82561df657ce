/* SPDX-License-Identifier: MIT */
/*
 * The filter component: its ports and its configuration. Input ports are
 * named in0, in1, ...; one free input port is always there (a new one is
 * added whenever one gets connected); the output port is `out`.
 */
#include <inttypes.h>
#include <stdio.h>

#include "correct.h"

typedef struct correct_component {
	correct_config *owned;         /* built from parameters, or NULL */
	const correct_config *config;  /* owned or borrowed */
	uint64_t next_port;
} correct_component;

const correct_config *
correct_component_config(bt_self_component_filter *self)
{
	correct_component *c = bt_self_component_get_data(
		bt_self_component_filter_as_self_component(self));

	return c->config;
}

static bool add_input_port(bt_self_component_filter *self, correct_component *c)
{
	char name[32];

	snprintf(name, sizeof(name), "in%" PRIu64, c->next_port++);
	return bt_self_component_filter_add_input_port(self, name, NULL, NULL) ==
	       BT_SELF_COMPONENT_ADD_PORT_STATUS_OK;
}

static void component_free(correct_component *c)
{
	correct_config_free(c->owned);
	g_free(c);
}

static bt_component_class_initialize_method_status
configure(correct_component *c, bt_self_component_filter *self,
	  const bt_value *params, const correct_config *given)
{
	char err[512] = "";

	if (given) {
		c->config = given;
		return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
	}
	c->owned = correct_config_new();
	if (!c->owned)
		return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
	c->config = c->owned;
	if (correct_config_from_params(c->owned, params, err, sizeof(err)))
		return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK;
	BT_CURRENT_THREAD_ERROR_APPEND_CAUSE_FROM_COMPONENT(
		bt_self_component_filter_as_self_component(self), "%s", err);
	return BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_ERROR;
}

bt_component_class_initialize_method_status
correct_initialize(bt_self_component_filter *self,
			 bt_self_component_filter_configuration *configuration,
			 const bt_value *params, void *init_data)
{
	correct_component *c = g_new0(correct_component, 1);
	bt_component_class_initialize_method_status st;

	(void)configuration;
	st = configure(c, self, params, init_data);
	if (st == BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK &&
	    (!add_input_port(self, c) ||
	     bt_self_component_filter_add_output_port(self, "out", NULL, NULL) !=
		     BT_SELF_COMPONENT_ADD_PORT_STATUS_OK))
		st = BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_MEMORY_ERROR;
	if (st != BT_COMPONENT_CLASS_INITIALIZE_METHOD_STATUS_OK) {
		component_free(c);
		return st;
	}
	bt_self_component_set_data(bt_self_component_filter_as_self_component(self), c);
	return st;
}

void correct_finalize(bt_self_component_filter *self)
{
	correct_component *c = bt_self_component_get_data(
		bt_self_component_filter_as_self_component(self));

	if (c)
		component_free(c);
}

bt_component_class_port_connected_method_status
correct_input_port_connected(bt_self_component_filter *self,
				   bt_self_component_port_input *self_port,
				   const bt_port_output *other_port)
{
	correct_component *c = bt_self_component_get_data(
		bt_self_component_filter_as_self_component(self));

	(void)self_port;
	(void)other_port;
	return add_input_port(self, c) ? BT_COMPONENT_CLASS_PORT_CONNECTED_METHOD_STATUS_OK
				       : BT_COMPONENT_CLASS_PORT_CONNECTED_METHOD_STATUS_MEMORY_ERROR;
}

bt_component_class_filter *correct_class_create(void)
{
	bt_message_iterator_class *it =
		bt_message_iterator_class_create(correct_iterator_next);
	bt_component_class_filter *cls = NULL;

	if (!it)
		return NULL;
	if (bt_message_iterator_class_set_initialize_method(
		    it, correct_iterator_initialize) ||
	    bt_message_iterator_class_set_finalize_method(
		    it, correct_iterator_finalize))
		goto out;
	cls = bt_component_class_filter_create("correct", it);
	if (cls && (bt_component_class_filter_set_initialize_method(
			    cls, correct_initialize) ||
		    bt_component_class_filter_set_finalize_method(
			    cls, correct_finalize) ||
		    bt_component_class_filter_set_input_port_connected_method(
			    cls, correct_input_port_connected))) {
		bt_component_class_filter_put_ref(cls);
		cls = NULL;
	}
out:
	bt_message_iterator_class_put_ref(it);
	return cls;
}
