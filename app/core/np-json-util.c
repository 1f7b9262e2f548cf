/* np-json-util.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-json-util.h"

#include "np-error.h"

#include <math.h>

void
np_json_add_string (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
np_json_add_int (JsonBuilder *builder,
                 const char  *member,
                 gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
np_json_add_boolean (JsonBuilder *builder,
                     const char  *member,
                     gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

static GQuark
nonfinite_quark (void)
{
  return g_quark_from_static_string ("np-json-nonfinite");
}

/**
 * np_json_add_double_value:
 *
 * Adds @value, or null when it is not finite: JSON has no spelling for NaN
 * or infinity (json-glib would write "-nan.0", which no reader takes). The
 * builder counts the nulls written so, for np_json_count_nonfinite().
 */
void
np_json_add_double_value (JsonBuilder *builder,
                          double       value)
{
  if (isfinite (value))
    {
      json_builder_add_double_value (builder, value);
      return;
    }
  json_builder_add_null_value (builder);
  g_object_set_qdata (G_OBJECT (builder), nonfinite_quark (),
                      GUINT_TO_POINTER (np_json_count_nonfinite (builder) + 1));
}

/**
 * np_json_count_nonfinite:
 *
 * Returns: how many values np_json_add_double_value() wrote as null on
 *   @builder because they were not finite
 */
guint
np_json_count_nonfinite (JsonBuilder *builder)
{
  return GPOINTER_TO_UINT (g_object_get_qdata (G_OBJECT (builder), nonfinite_quark ()));
}

void
np_json_add_number (JsonBuilder *builder,
                    const char  *member,
                    double       value)
{
  json_builder_set_member_name (builder, member);
  np_json_add_double_value (builder, value);
}

/* JSON has no spelling for infinity or NaN: those are null too. */
void
np_json_add_number_or_null (JsonBuilder *builder,
                            const char  *member,
                            gboolean     has,
                            double       value)
{
  json_builder_set_member_name (builder, member);
  if (has)
    np_json_add_double_value (builder, value);  /* null, and counted, when not finite */
  else
    json_builder_add_null_value (builder);
}

/**
 * np_json_add_length:
 *
 * A length under NAME_mm when @calibrated and NAME_px when not; the other
 * key is null, so no millimetre value ever appears without a calibration.
 */
void
np_json_add_length (JsonBuilder *builder,
                    const char  *name,
                    gboolean     calibrated,
                    gboolean     has,
                    double       value)
{
  g_autofree char *mm = g_strconcat (name, "_mm", NULL);
  g_autofree char *px = g_strconcat (name, "_px", NULL);

  np_json_add_number_or_null (builder, mm, has && calibrated, value);
  np_json_add_number_or_null (builder, px, has && !calibrated, value);
}

/* [x, y], or null without @has. */
void
np_json_add_pair (JsonBuilder *builder,
                  const char  *member,
                  gboolean     has,
                  double       x,
                  double       y)
{
  json_builder_set_member_name (builder, member);
  if (!has)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_array (builder);
  np_json_add_double_value (builder, x);
  np_json_add_double_value (builder, y);
  json_builder_end_array (builder);
}

/* An array element [x, y]. */
void
np_json_add_point_value (JsonBuilder  *builder,
                         NpImagePoint  point)
{
  json_builder_begin_array (builder);
  np_json_add_double_value (builder, point.x);
  np_json_add_double_value (builder, point.y);
  json_builder_end_array (builder);
}

void
np_json_add_point (JsonBuilder  *builder,
                   const char   *member,
                   gboolean      has,
                   NpImagePoint  point)
{
  np_json_add_pair (builder, member, has, point.x, point.y);
}

/* [[x, y], …]; an empty list for %NULL. */
void
np_json_add_points (JsonBuilder  *builder,
                    const char   *member,
                    const GArray *points)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; points != NULL && i < points->len; i++)
    np_json_add_point_value (builder, g_array_index (points, NpImagePoint, i));
  json_builder_end_array (builder);
}

/* [x, y, width, height], or null without @has. */
void
np_json_add_rect (JsonBuilder       *builder,
                  const char        *member,
                  gboolean           has,
                  const NpImageRect *rect)
{
  json_builder_set_member_name (builder, member);
  if (!has)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_array (builder);
  np_json_add_double_value (builder, rect->x);
  np_json_add_double_value (builder, rect->y);
  np_json_add_double_value (builder, rect->width);
  np_json_add_double_value (builder, rect->height);
  json_builder_end_array (builder);
}

/* [x, y] */
JsonArray *
np_json_array_new_point (NpImagePoint point)
{
  JsonArray *array = json_array_new ();

  json_array_add_double_element (array, point.x);
  json_array_add_double_element (array, point.y);
  return array;
}

/* [[x, y], …] */
JsonArray *
np_json_array_new_points (const GArray *points)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; points != NULL && i < points->len; i++)
    json_array_add_array_element (array,
                                  np_json_array_new_point (g_array_index (points, NpImagePoint,
                                                                          i)));
  return array;
}

/* An integer or a floating-point number; FALSE for anything else. Whether
 * a non-finite value is acceptable is the caller's rule. */
gboolean
np_json_node_get_number (JsonNode *node,
                         double   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      *value = (double) json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:
      *value = json_node_get_double (node);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Returns: (transfer none) (nullable): the string, owned by @object */
const char *
np_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* A whole number (1.0 is not one). */
gboolean
np_json_get_int (JsonObject *object,
                 const char *member,
                 gint64     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/* Returns: (transfer none) (nullable) */
JsonArray *
np_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Returns: (transfer none) (nullable) */
JsonObject *
np_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * np_json_field_error:
 * @context: (nullable): the file (“case.json”) or the action (Cannot save
 *   the plan)
 * @field: the field's path, such as marks.structures[2].points
 *
 * Returns: %FALSE
 */
gboolean
np_json_field_error (GError     **error,
                     int          code,
                     const char  *context,
                     const char  *field,
                     const char  *format,
                     ...)
{
  va_list args;

  va_start (args, format);
  np_json_field_error_valist (error, code, context, field, format, args);
  va_end (args);
  return FALSE;
}

gboolean
np_json_field_error_valist (GError     **error,
                            int          code,
                            const char  *context,
                            const char  *field,
                            const char  *format,
                            va_list      args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  if (context != NULL)
    g_set_error (error, NP_ERROR, code, "%s: “%s” %s", context, field, message);
  else
    g_set_error (error, NP_ERROR, code, "“%s” %s", field, message);
  return FALSE;
}
