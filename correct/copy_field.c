/* SPDX-License-Identifier: MIT */
/*
 * Deep copy of a babeltrace2 field into a field of the same class. An
 * event message cannot be re-timed in place (messages are immutable once
 * emitted), so the filter creates a new event of the same class and copies
 * the upstream event's fields into it, member by member.
 */
#include "correct.h"

/*
 * By length, not by C string: babeltrace2 2.0.4's source.ctf.fs leaves an
 * empty string field's buffer holding the text of an earlier event (the
 * field objects are recycled and only the length is reset), so
 * bt_field_string_get_value() can return stale text for a string whose
 * length is 0. Appending `length` bytes copies the decoded value, and
 * writes the terminating NUL.
 */
static bool copy_string(bt_field *dst, const bt_field *src)
{
	bt_field_string_clear(dst);
	return bt_field_string_append_with_length(
		       dst, bt_field_string_get_value(src),
		       bt_field_string_get_length(src)) ==
	       BT_FIELD_STRING_APPEND_STATUS_OK;
}

static bool copy_structure(bt_field *dst, const bt_field *src)
{
	uint64_t n = bt_field_class_structure_get_member_count(
		bt_field_borrow_class_const(src));

	for (uint64_t i = 0; i < n; i++)
		if (!correct_copy_field(
			    bt_field_structure_borrow_member_field_by_index(dst, i),
			    bt_field_structure_borrow_member_field_by_index_const(src, i)))
			return false;
	return true;
}

static bool copy_array(bt_field *dst, const bt_field *src, bool dynamic)
{
	uint64_t n = bt_field_array_get_length(src);

	if (dynamic && bt_field_array_dynamic_set_length(dst, n) !=
			       BT_FIELD_DYNAMIC_ARRAY_SET_LENGTH_STATUS_OK)
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (!correct_copy_field(
			    bt_field_array_borrow_element_field_by_index(dst, i),
			    bt_field_array_borrow_element_field_by_index_const(src, i)))
			return false;
	return true;
}

static bool copy_option(bt_field *dst, const bt_field *src)
{
	const bt_field *inner = bt_field_option_borrow_field_const(src);

	bt_field_option_set_has_field(dst, inner != NULL);
	return !inner || correct_copy_field(bt_field_option_borrow_field(dst), inner);
}

static bool copy_variant(bt_field *dst, const bt_field *src)
{
	if (bt_field_variant_select_option_by_index(
		    dst, bt_field_variant_get_selected_option_index(src)) !=
	    BT_FIELD_VARIANT_SELECT_OPTION_STATUS_OK)
		return false;
	return correct_copy_field(bt_field_variant_borrow_selected_option_field(dst),
				bt_field_variant_borrow_selected_option_field_const(src));
}

/* Scalars: booleans, bit arrays, integers (and enumerations), reals. */
static bool copy_scalar(bt_field *dst, const bt_field *src, bt_field_class_type t)
{
	if (t == BT_FIELD_CLASS_TYPE_BOOL)
		bt_field_bool_set_value(dst, bt_field_bool_get_value(src));
	else if (t == BT_FIELD_CLASS_TYPE_BIT_ARRAY)
		bt_field_bit_array_set_value_as_integer(
			dst, bt_field_bit_array_get_value_as_integer(src));
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER))
		bt_field_integer_unsigned_set_value(
			dst, bt_field_integer_unsigned_get_value(src));
	else if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
		bt_field_integer_signed_set_value(
			dst, bt_field_integer_signed_get_value(src));
	else if (t == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL)
		bt_field_real_single_precision_set_value(
			dst, bt_field_real_single_precision_get_value(src));
	else if (t == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL)
		bt_field_real_double_precision_set_value(
			dst, bt_field_real_double_precision_get_value(src));
	else
		return false;
	return true;
}

bool correct_copy_field(bt_field *dst, const bt_field *src)
{
	bt_field_class_type t;

	if (!dst || !src)
		return dst == src;
	t = bt_field_get_class_type(src);
	if (t == BT_FIELD_CLASS_TYPE_STRING)
		return copy_string(dst, src);
	if (t == BT_FIELD_CLASS_TYPE_STRUCTURE)
		return copy_structure(dst, src);
	if (t == BT_FIELD_CLASS_TYPE_STATIC_ARRAY)
		return copy_array(dst, src, false);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_DYNAMIC_ARRAY))
		return copy_array(dst, src, true);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_OPTION))
		return copy_option(dst, src);
	if (bt_field_class_type_is(t, BT_FIELD_CLASS_TYPE_VARIANT))
		return copy_variant(dst, src);
	return copy_scalar(dst, src, t);
}
