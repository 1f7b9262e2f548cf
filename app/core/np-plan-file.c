/* np-plan-file.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-file.h"

#include "np-json-text.h"
#include "np-json-util.h"

#include "np-error.h"
#include "np-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The format is described in docs/plan-format.md and by
 * data/needleplan-plan.schema.json; keep the three in step. */

/* Our own files nest 6 levels deep; the limit keeps json-glib's recursive
 * parser far from the end of the stack on hostile input. */
#define MAX_NESTING 64
/* Integers longer than this overflow json-glib's 64-bit reader silently. */
#define MAX_INTEGER_DIGITS 18

typedef struct
{
  double min;
  double max;
  gboolean min_exclusive;
  const char *meaning;   /* completes "must be ..." */
} NumberRule;

static const NumberRule volume_rule = { 0, 1000, FALSE, "a volume from 0 to 1000 ml" };
static const NumberRule speed_rule = { 1000, 2000, FALSE,
                                       "a speed of sound from 1000 to 2000 m/s" };
static const NumberRule mark_error_rule = { 0, 100, FALSE, "a click error from 0 to 100 px" };
static const NumberRule pixel_size_rule = { 0, 1000, FALSE,
                                            "two numbers [x, y] from 0 to 1000 mm" };
static const NumberRule reference_rule = { 0, 1e6, FALSE,
                                           "zero or a positive number of millimetres" };
static const NumberRule margin_rule = { 0, 1000, FALSE,
                                        "zero or a positive margin of at most 1000 mm" };

static char *
field_name (const char *prefix,
            const char *member)
{
  return prefix != NULL && *prefix != '\0' ? g_strconcat (prefix, ".", member, NULL)
                                           : g_strdup (member);
}

static gboolean
number_in_rule (double            value,
                const NumberRule *rule)
{
  return isfinite (value) && value <= rule->max
         && (rule->min_exclusive ? value > rule->min : value >= rule->min);
}

static gboolean
check_number (double             value,
              const NumberRule  *rule,
              const char        *context,
              const char        *field,
              GError           **error)
{
  if (number_in_rule (value, rule))
    return TRUE;
  return np_json_field_error (error, NP_ERROR_INVALID, context, field, "must be %s", rule->meaning);
}

static gboolean
coordinate_ok (double value)
{
  return isfinite (value) && fabs (value) <= NP_PLAN_FILE_MAX_COORDINATE_PX;
}

static gboolean
check_point (NpImagePoint   point,
             const char    *context,
             const char    *field,
             GError       **error)
{
  if (coordinate_ok (point.x) && coordinate_ok (point.y))
    return TRUE;
  return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                              "is out of range: coordinates must be finite and within ±%.0f px",
                              NP_PLAN_FILE_MAX_COORDINATE_PX);
}

static gboolean
check_points (const GArray  *points,
              const char    *context,
              const char    *field,
              GError       **error)
{
  for (guint i = 0; points != NULL && i < points->len; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      if (!coordinate_ok (p.x) || !coordinate_ok (p.y))
        {
          g_autofree char *element = g_strdup_printf ("%s[%u]", field, i);
          return check_point (p, context, element, error);
        }
    }
  return TRUE;
}

static gboolean
check_text (const char  *text,
            const char  *context,
            const char  *field,
            GError     **error)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return TRUE;
  return np_json_field_error (error, NP_ERROR_INVALID, context, field, "is not valid UTF-8 text");
}

static gboolean
is_sha256_hex (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

/* TRUE when @path has a ".." component (either separator counts, so a plan
 * written on Windows cannot sneak one past us). */
static gboolean
path_has_parent_component (const char *path)
{
  g_auto(GStrv) parts = g_strsplit_set (path, "/\\", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      return TRUE;
  return FALSE;
}

static guint
measurement_point_count (NpMeasureKind kind)
{
  switch (kind)
    {
    case NP_MEASURE_DISTANCE: return 2;
    case NP_MEASURE_ANGLE: return 3;
    case NP_MEASURE_DEPTH: return 1;
    default: return 0;
    }
}

static gboolean
check_structure (const NpStructure  *structure,
                 const char         *context,
                 const char         *prefix,
                 GError            **error)
{
  g_autofree char *label_field = field_name (prefix, "label");
  g_autofree char *points_field = field_name (prefix, "points");
  g_autofree char *margin_field = field_name (prefix, "margin_mm");

  if (!check_text (structure->label, context, label_field, error)
      || !check_points (structure->points, context, points_field, error)
      || !check_number (structure->margin_mm, &margin_rule, context, margin_field, error))
    return FALSE;

  if (structure->shape == NP_SHAPE_ELLIPSE)
    {
      const GArray *points = structure->points;
      if (points == NULL || points->len != 2
          || g_array_index (points, NpImagePoint, 1).x <= 0
          || g_array_index (points, NpImagePoint, 1).y <= 0)
        return np_json_field_error (error, NP_ERROR_INVALID, context, points_field,
                                    "of an ellipse must be its centre and its two positive radii: "
                                    "[[x, y], [rx, ry]]");
    }
  return TRUE;
}

static gboolean
check_calibration (const NpCalibration  *calibration,
                   const char           *context,
                   GError              **error)
{
  const char *method = np_calibration_method_to_string (calibration->method);

  if (method == NULL)
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.method",
                                "is not a known calibration method");
  if (!number_in_rule (calibration->mm_per_px_x, &pixel_size_rule)
      || !number_in_rule (calibration->mm_per_px_y, &pixel_size_rule))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.mm_per_px",
                                "must be %s", pixel_size_rule.meaning);
  if (calibration->method != NP_CALIBRATION_NONE
      && (calibration->mm_per_px_x <= 0 || calibration->mm_per_px_y <= 0))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.mm_per_px",
                                "must be two positive numbers for a “%s” calibration", method);
  if (!number_in_rule (calibration->se_mm_per_px_x, &pixel_size_rule)
      || !number_in_rule (calibration->se_mm_per_px_y, &pixel_size_rule))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.se_mm_per_px",
                                "must be %s", pixel_size_rule.meaning);
  if (calibration->has_region)
    {
      const NpImageRect *r = &calibration->region;
      if (!coordinate_ok (r->x) || !coordinate_ok (r->y) || !coordinate_ok (r->width)
          || !coordinate_ok (r->height) || r->width < 0 || r->height < 0)
        return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.region",
                                    "must be [x, y, width, height] with a width and height of at "
                                    "least 0, within ±%.0f px",
                                    NP_PLAN_FILE_MAX_COORDINATE_PX);
    }
  return check_points (calibration->points, context, "calibration.points", error)
         && check_number (calibration->reference_mm, &reference_rule, context,
                          "calibration.reference_mm", error)
         && check_text (calibration->note, context, "calibration.note", error);
}

/* The value rules of a plan, shared by saving and loading, so that whatever
 * is saved loads again. Types are the parser's business. */
static gboolean
check_plan (const NpPlan  *plan,
            const char    *context,
            GError       **error)
{
  static const struct { gsize offset; const char *field; } texts[] = {
    { G_STRUCT_OFFSET (NpPlan, approach), "approach" },
    { G_STRUCT_OFFSET (NpPlan, title), "title" },
    { G_STRUCT_OFFSET (NpPlan, clinician), "clinician" },
    { G_STRUCT_OFFSET (NpPlan, patient_name), "patient_name" },
    { G_STRUCT_OFFSET (NpPlan, patient_id), "patient_id" },
    { G_STRUCT_OFFSET (NpPlan, notes), "notes" },
    { G_STRUCT_OFFSET (NpPlan, frame_path), "frame.path" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (!check_text (G_STRUCT_MEMBER (const char *, plan, texts[i].offset), context,
                     texts[i].field, error))
      return FALSE;

  if (!check_number (plan->volume_ml, &volume_rule, context, "volume_ml", error))
    return FALSE;

  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.path",
                                "is missing: a plan refers to its frame");
  if (g_path_is_absolute (plan->frame_path) || path_has_parent_component (plan->frame_path))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.path",
                                "must be relative to the plan's folder and stay inside it "
                                "(no “..”), not “%s”", plan->frame_path);
  if (plan->frame_sha256 != NULL && !is_sha256_hex (plan->frame_sha256))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.sha256",
                                "must be 64 lowercase hexadecimal digits");

  if (plan->calibration == NULL)
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration", "is missing");
  if (!check_calibration (plan->calibration, context, error))
    return FALSE;

  if (!check_number (plan->speed_of_sound_m_s, &speed_rule, context,
                     "physics.speed_of_sound_m_s", error)
      || !check_number (plan->mark_error_px, &mark_error_rule, context,
                        "physics.mark_error_px", error))
    return FALSE;

  if ((plan->has_target && !check_point (plan->target, context, "marks.target", error))
      || (plan->has_entry && !check_point (plan->entry, context, "marks.entry", error))
      || !check_points (plan->skin_points, context, "marks.skin.points", error))
    return FALSE;

  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("marks.structures[%u]", i);
      if (!check_structure (g_ptr_array_index (plan->structures, i), context, prefix, error))
        return FALSE;
    }

  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);
      g_autofree char *field = g_strdup_printf ("marks.measurements[%u].points", i);
      guint expected = measurement_point_count (m->kind);

      if (expected == 0 || m->n_points != expected)
        return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                                    "must hold %u point%s for a “%s” measurement", expected,
                                    expected == 1 ? "" : "s",
                                    expected ? np_measure_kind_to_string (m->kind) : "unknown");
      for (guint k = 0; k < m->n_points; k++)
        if (!coordinate_ok (m->points[k].x) || !coordinate_ok (m->points[k].y))
          {
            g_autofree char *element = g_strdup_printf ("%s[%u]", field, k);
            return check_point (m->points[k], context, element, error);
          }
    }

  return check_points (plan->target_region, context, "expert.target_region", error);
}

/* ---- Writing ----------------------------------------------------------- */

static void
append_indent (GString *out,
               guint    depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static gboolean
is_scalar (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node);
}

/* Pretty JSON with members in insertion order and arrays of plain values
 * ([x, y]) on one line: stable, diffable and readable. */
static void
append_node (GString  *out,
             JsonNode *node,
             guint     depth)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        if (json_object_get_size (object) == 0)
          {
            g_string_append (out, "{}");
            break;
          }
        g_string_append (out, "{\n");
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append (out, ",\n");
            first = FALSE;
            append_indent (out, depth + 1);
            np_json_text_append_string (out, name);
            g_string_append (out, ": ");
            append_node (out, member, depth + 1);
          }
        g_string_append_c (out, '\n');
        append_indent (out, depth);
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);
        gboolean inline_values = TRUE;

        if (length == 0)
          {
            g_string_append (out, "[]");
            break;
          }
        for (guint i = 0; i < length && inline_values; i++)
          inline_values = is_scalar (json_array_get_element (array, i));

        g_string_append (out, inline_values ? "[" : "[\n");
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append (out, inline_values ? ", " : ",\n");
            if (!inline_values)
              append_indent (out, depth + 1);
            append_node (out, json_array_get_element (array, i), depth + 1);
          }
        if (!inline_values)
          {
            g_string_append_c (out, '\n');
            append_indent (out, depth);
          }
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          np_json_text_append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          np_json_text_append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
build_calibration (JsonBuilder         *builder,
                   const NpCalibration *calibration)
{
  json_builder_set_member_name (builder, "calibration");
  json_builder_begin_object (builder);
  np_calibration_add_json_members (calibration, builder, NP_CALIBRATION_JSON_RECORD);
  json_builder_end_object (builder);
}

static void
build_marks (JsonBuilder  *builder,
             const NpPlan *plan)
{
  json_builder_set_member_name (builder, "marks");
  json_builder_begin_object (builder);
  np_json_add_point (builder, "target", plan->has_target, plan->target);
  np_json_add_point (builder, "entry", plan->has_entry, plan->entry);

  json_builder_set_member_name (builder, "skin");
  json_builder_begin_object (builder);
  np_json_add_string (builder, "kind", np_skin_kind_to_string (plan->skin_kind));
  np_json_add_points (builder, "points", plan->skin_points);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "structures");
  json_builder_begin_array (builder);
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);

      json_builder_begin_object (builder);
      np_json_add_string (builder, "label", structure->label);
      np_json_add_string (builder, "kind", np_structure_kind_to_string (structure->kind));
      np_json_add_string (builder, "shape", np_shape_to_string (structure->shape));
      np_json_add_points (builder, "points", structure->points);
      np_json_add_number (builder, "margin_mm", structure->margin_mm);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "measurements");
  json_builder_begin_array (builder);
  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);

      json_builder_begin_object (builder);
      np_json_add_string (builder, "kind", np_measure_kind_to_string (m->kind));
      json_builder_set_member_name (builder, "points");
      json_builder_begin_array (builder);
      for (guint k = 0; k < m->n_points; k++)
        np_json_add_point_value (builder, m->points[k]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* Enum fields that hold a value outside their table cannot be written. */
static gboolean
check_enums (const NpPlan  *plan,
             const char    *context,
             GError       **error)
{
  const struct { const char *text; const char *field; } names[] = {
    { np_modality_to_string (plan->modality), "modality" },
    { np_probe_to_string (plan->probe), "probe" },
    { np_site_to_string (plan->site), "site" },
    { np_side_to_string (plan->side), "side" },
    { np_condition_to_string (plan->condition), "condition" },
    { np_injectate_to_string (plan->injectate), "injectate" },
    { np_technique_to_string (plan->technique), "technique" },
    { np_view_to_string (plan->view), "view" },
    { np_skin_kind_to_string (plan->skin_kind), "marks.skin.kind" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].text == NULL)
      return np_json_field_error (error, NP_ERROR_INVALID, context, names[i].field,
                                  "holds a value NeedlePlan does not know");
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      if (np_structure_kind_to_string (structure->kind) == NULL
          || np_shape_to_string (structure->shape) == NULL)
        {
          g_autofree char *field = g_strdup_printf ("marks.structures[%u]", i);
          return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                                      "has a kind or shape NeedlePlan does not know");
        }
    }
  return TRUE;
}

/**
 * np_plan_file_to_json:
 * @plan: the plan
 * @results: (nullable): a JSON object of computed results, stored for the
 *   record under "results" (it is recomputed, not trusted, on load)
 *
 * Checks the plan with the same rules as the reader, so a saved plan always
 * loads. The text is stable: saving a loaded plan gives the same bytes.
 *
 * Returns: (transfer full) (nullable): UTF-8 JSON ending in a newline, or
 *   %NULL with @error set
 */
char *
np_plan_file_to_json (const NpPlan  *plan,
                      JsonNode      *results,
                      GError       **error)
{
  static const char context[] = "Cannot save the plan";
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  GString *out;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (results == NULL || JSON_NODE_HOLDS_OBJECT (results), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_enums (plan, context, error) || !check_plan (plan, context, error))
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  np_json_add_string (builder, "format", NP_PLAN_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, NP_PLAN_VERSION);

  np_json_add_string (builder, "modality", np_modality_to_string (plan->modality));
  np_json_add_string (builder, "probe", np_probe_to_string (plan->probe));
  np_json_add_string (builder, "site", np_site_to_string (plan->site));
  np_json_add_string (builder, "side", np_side_to_string (plan->side));
  np_json_add_string (builder, "condition", np_condition_to_string (plan->condition));
  np_json_add_string (builder, "injectate", np_injectate_to_string (plan->injectate));
  np_json_add_number (builder, "volume_ml", plan->volume_ml);
  np_json_add_string (builder, "technique", np_technique_to_string (plan->technique));
  np_json_add_string (builder, "approach", plan->approach);
  np_json_add_string (builder, "view", np_view_to_string (plan->view));
  np_json_add_string (builder, "title", plan->title);
  np_json_add_string (builder, "clinician", plan->clinician);
  np_json_add_string (builder, "patient_name", plan->patient_name);
  np_json_add_string (builder, "patient_id", plan->patient_id);
  np_json_add_string (builder, "notes", plan->notes);

  json_builder_set_member_name (builder, "frame");
  json_builder_begin_object (builder);
  np_json_add_string (builder, "path", plan->frame_path);
  np_json_add_string (builder, "sha256", plan->frame_sha256);
  json_builder_end_object (builder);

  build_calibration (builder, plan->calibration);

  json_builder_set_member_name (builder, "physics");
  json_builder_begin_object (builder);
  np_json_add_number (builder, "speed_of_sound_m_s", plan->speed_of_sound_m_s);
  np_json_add_number (builder, "mark_error_px", plan->mark_error_px);
  json_builder_end_object (builder);

  build_marks (builder, plan);

  json_builder_set_member_name (builder, "expert");
  json_builder_begin_object (builder);
  np_json_add_points (builder, "target_region", plan->target_region);
  json_builder_end_object (builder);

  if (results != NULL)
    {
      json_builder_set_member_name (builder, "results");
      json_builder_add_value (builder, json_node_copy (results));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  out = g_string_new (NULL);
  append_node (out, root, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/**
 * np_plan_file_save:
 * @results: (nullable): computed results for the record, see np_plan_file_to_json()
 *
 * Writes the plan atomically: @path is either replaced whole or left as it
 * was. The frame is never touched.
 */
gboolean
np_plan_file_save (const NpPlan  *plan,
                   JsonNode      *results,
                   const char    *path,
                   GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = np_plan_file_to_json (plan, results, error);
  if (text == NULL)
    return FALSE;
  return np_file_write_atomic (path, text, strlen (text), error);
}

/* ---- Reading ----------------------------------------------------------- */

typedef struct
{
  const char *context;   /* “case.json” */
  GError **error;
} Reader;

static gboolean G_GNUC_PRINTF (4, 5)
reader_fail (Reader     *r,
             int         code,
             const char *field,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  np_json_field_error_valist (r->error, code, r->context, field, format, args);
  va_end (args);
  return FALSE;
}

/* Members a reader of this version knows; anything else is a typo or a
 * newer writer, and is refused rather than silently dropped. */
static gboolean
check_members (Reader            *r,
               JsonObject        *object,
               const char        *prefix,
               const char *const *known)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      gboolean found = g_strv_contains (known, name);
      if (!found)
        {
          g_autofree char *field = field_name (prefix, name);
          return reader_fail (r, NP_ERROR_CORRUPT, field, "is not a field NeedlePlan knows here");
        }
    }
  return TRUE;
}

/* The member a reader reads, and its name for messages in *field.
 * Returns FALSE when it is missing: with @error set and *field named when
 * it is required, with *field NULL when it is optional. */
static gboolean
reader_member (Reader      *r,
               JsonObject  *object,
               const char  *prefix,
               const char  *member,
               gboolean     required,
               JsonNode   **node,
               char       **field)
{
  *node = json_object_get_member (object, member);
  *field = NULL;
  if (*node == NULL && !required)
    return FALSE;
  *field = field_name (prefix, member);
  if (*node == NULL)
    return reader_fail (r, NP_ERROR_CORRUPT, *field, "is missing");
  return TRUE;
}

static gboolean
read_number (Reader     *r,
             JsonObject *object,
             const char *prefix,
             const char *member,
             gboolean    required,
             double     *value)
{
  JsonNode *node;
  g_autofree char *field = NULL;

  /* Missing: an error when required (field named), fine when optional. */
  if (!reader_member (r, object, prefix, member, required, &node, &field))
    return field == NULL;
  if (!np_json_node_get_number (node, value))
    return reader_fail (r, NP_ERROR_CORRUPT, field, "must be a number");
  return TRUE;
}

/* A nullable string: *value is NULL for null or a missing optional member.
 * The string belongs to the parser's tree. */
static gboolean
read_string (Reader      *r,
             JsonObject  *object,
             const char  *prefix,
             const char  *member,
             gboolean     required,
             gboolean     nullable,
             const char **value)
{
  JsonNode *node;
  g_autofree char *field = NULL;

  *value = NULL;
  /* Missing: an error when required (field named), fine when optional. */
  if (!reader_member (r, object, prefix, member, required, &node, &field))
    return field == NULL;
  if (JSON_NODE_HOLDS_NULL (node) && nullable)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return reader_fail (r, NP_ERROR_CORRUPT, field,
                        nullable ? "must be text or null" : "must be text");
  *value = json_node_get_string (node);
  return TRUE;
}

static gboolean
read_text (Reader      *r,
           JsonObject  *object,
           const char  *prefix,
           const char  *member,
           char       **value)
{
  const char *text;

  if (!read_string (r, object, prefix, member, FALSE, TRUE, &text))
    return FALSE;
  np_plan_set_string (value, text);
  return TRUE;
}

static gboolean
read_object (Reader      *r,
             JsonObject  *parent,
             const char  *prefix,
             const char  *member,
             gboolean     required,
             const char *const *known,
             JsonObject **object)
{
  JsonNode *node;
  g_autofree char *field = NULL;

  *object = NULL;
  /* Missing: an error when required (field named), fine when optional. */
  if (!reader_member (r, parent, prefix, member, required, &node, &field))
    return field == NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return reader_fail (r, NP_ERROR_CORRUPT, field, "must be an object { … }");
  *object = json_node_get_object (node);
  return check_members (r, *object, field, known);
}

static gboolean
read_array (Reader      *r,
            JsonObject  *parent,
            const char  *prefix,
            const char  *member,
            gboolean     required,
            JsonArray  **array)
{
  JsonNode *node;
  g_autofree char *field = NULL;

  *array = NULL;
  /* Missing: an error when required (field named), fine when optional. */
  if (!reader_member (r, parent, prefix, member, required, &node, &field))
    return field == NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return reader_fail (r, NP_ERROR_CORRUPT, field, "must be a list [ … ]");
  *array = json_node_get_array (node);
  return TRUE;
}

static gboolean
node_to_numbers (JsonNode *node,
                 double   *values,
                 guint     count)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  if (json_array_get_length (array) != count)
    return FALSE;
  for (guint i = 0; i < count; i++)
    if (!np_json_node_get_number (json_array_get_element (array, i), &values[i]))
      return FALSE;
  return TRUE;
}

static gboolean
node_to_point (Reader       *r,
               JsonNode     *node,
               const char   *field,
               NpImagePoint *point)
{
  double xy[2];

  if (!node_to_numbers (node, xy, 2))
    return reader_fail (r, NP_ERROR_CORRUPT, field, "must be two numbers [x, y]");
  point->x = xy[0];
  point->y = xy[1];
  return check_point (*point, r->context, field, r->error);
}

static gboolean
read_optional_point (Reader       *r,
                     JsonObject   *object,
                     const char   *prefix,
                     const char   *member,
                     gboolean     *present,
                     NpImagePoint *point)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *field = NULL;

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  field = field_name (prefix, member);
  if (!node_to_point (r, node, field, point))
    return FALSE;
  *present = TRUE;
  return TRUE;
}

static gboolean
read_points (Reader     *r,
             JsonObject *object,
             const char *prefix,
             const char *member,
             gboolean    required,
             GArray     *points)
{
  g_autofree char *field = field_name (prefix, member);
  JsonArray *array;
  guint length;

  if (!read_array (r, object, prefix, member, required, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  length = json_array_get_length (array);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      NpImagePoint p;
      double xy[2];

      /* Fast path without building the element's name unless it is wrong. */
      if (!node_to_numbers (element, xy, 2) || !coordinate_ok (xy[0]) || !coordinate_ok (xy[1]))
        {
          g_autofree char *element_field = g_strdup_printf ("%s[%u]", field, i);
          return node_to_point (r, element, element_field, &p);
        }
      p.x = xy[0];
      p.y = xy[1];
      g_array_append_val (points, p);
    }
  return TRUE;
}

#define DEFINE_ENUM_READER(name, Type, parse)                                            \
  static gboolean                                                                        \
  read_##name (Reader     *r,                                                            \
               JsonObject *object,                                                       \
               const char *prefix,                                                       \
               const char *member,                                                       \
               gboolean    required,                                                     \
               Type       *value)                                                        \
  {                                                                                      \
    const char *text;                                                                    \
                                                                                         \
    if (!read_string (r, object, prefix, member, required, FALSE, &text))                \
      return FALSE;                                                                      \
    if (text != NULL && !parse (text, value))                                            \
      {                                                                                  \
        g_autofree char *field = field_name (prefix, member);                            \
        return reader_fail (r, NP_ERROR_INVALID, field,                                  \
                            "is “%s”, which this NeedlePlan does not know", text);       \
      }                                                                                  \
    return TRUE;                                                                         \
  }

DEFINE_ENUM_READER (modality, NpModality, np_modality_from_string)
DEFINE_ENUM_READER (probe, NpProbe, np_probe_from_string)
DEFINE_ENUM_READER (site, NpSite, np_site_from_string)
DEFINE_ENUM_READER (side, NpSide, np_side_from_string)
DEFINE_ENUM_READER (condition, NpCondition, np_condition_from_string)
DEFINE_ENUM_READER (injectate, NpInjectate, np_injectate_from_string)
DEFINE_ENUM_READER (technique, NpTechnique, np_technique_from_string)
DEFINE_ENUM_READER (view, NpView, np_view_from_string)
DEFINE_ENUM_READER (structure_kind, NpStructureKind, np_structure_kind_from_string)
DEFINE_ENUM_READER (shape, NpShape, np_shape_from_string)
DEFINE_ENUM_READER (measure_kind, NpMeasureKind, np_measure_kind_from_string)
DEFINE_ENUM_READER (skin_kind, NpSkinKind, np_skin_kind_from_string)
DEFINE_ENUM_READER (calibration_method, NpCalibrationMethod, np_calibration_method_from_string)

static gboolean
read_pair (Reader     *r,
           JsonObject *object,
           const char *prefix,
           const char *member,
           double     *x,
           double     *y)
{
  JsonNode *node = json_object_get_member (object, member);
  g_autofree char *field = NULL;
  double xy[2];

  if (node == NULL)
    return TRUE;
  if (!node_to_numbers (node, xy, 2))
    {
      field = field_name (prefix, member);
      return reader_fail (r, NP_ERROR_CORRUPT, field, "must be two numbers [x, y]");
    }
  *x = xy[0];
  *y = xy[1];
  return TRUE;
}

static gboolean
read_calibration (Reader     *r,
                  JsonObject *root,
                  NpPlan     *plan)
{
  static const char *const known[] = {
    "method", "mm_per_px", "se_mm_per_px", "region", "points", "reference_mm", "note", NULL,
  };
  NpCalibration *calibration = plan->calibration;
  JsonObject *object;
  JsonNode *region;
  const char *note;

  if (!read_object (r, root, NULL, "calibration", FALSE, known, &object))
    return FALSE;
  if (object == NULL)
    return TRUE;

  if (!read_calibration_method (r, object, "calibration", "method", TRUE, &calibration->method)
      || !read_pair (r, object, "calibration", "mm_per_px", &calibration->mm_per_px_x,
                     &calibration->mm_per_px_y)
      || !read_pair (r, object, "calibration", "se_mm_per_px", &calibration->se_mm_per_px_x,
                     &calibration->se_mm_per_px_y)
      || !read_points (r, object, "calibration", "points", FALSE, calibration->points)
      || !read_number (r, object, "calibration", "reference_mm", FALSE,
                       &calibration->reference_mm)
      || !read_string (r, object, "calibration", "note", FALSE, TRUE, &note))
    return FALSE;
  np_plan_set_string (&calibration->note, note);

  region = json_object_get_member (object, "region");
  if (region != NULL && !JSON_NODE_HOLDS_NULL (region))
    {
      double xywh[4];
      if (!node_to_numbers (region, xywh, 4))
        return reader_fail (r, NP_ERROR_CORRUPT, "calibration.region",
                            "must be four numbers [x, y, width, height] or null");
      calibration->has_region = TRUE;
      calibration->region.x = xywh[0];
      calibration->region.y = xywh[1];
      calibration->region.width = xywh[2];
      calibration->region.height = xywh[3];
    }
  return TRUE;
}

static gboolean
read_structure (Reader     *r,
                JsonNode   *node,
                guint       index,
                NpPlan     *plan)
{
  static const char *const known[] = { "label", "kind", "shape", "points", "margin_mm", NULL };
  g_autofree char *prefix = g_strdup_printf ("marks.structures[%u]", index);
  g_autoptr(NpStructure) structure = NULL;
  NpStructureKind kind = NP_STRUCTURE_OTHER;
  NpShape shape = NP_SHAPE_POLYGON;
  JsonObject *object;
  const char *label;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return reader_fail (r, NP_ERROR_CORRUPT, prefix, "must be an object { … }");
  object = json_node_get_object (node);
  if (!check_members (r, object, prefix, known)
      || !read_string (r, object, prefix, "label", FALSE, TRUE, &label)
      || !read_structure_kind (r, object, prefix, "kind", TRUE, &kind)
      || !read_shape (r, object, prefix, "shape", TRUE, &shape))
    return FALSE;

  structure = np_structure_new (label, kind, shape, 0.0);
  if (!read_points (r, object, prefix, "points", TRUE, structure->points)
      || !read_number (r, object, prefix, "margin_mm", FALSE, &structure->margin_mm))
    return FALSE;
  g_ptr_array_add (plan->structures, g_steal_pointer (&structure));
  return TRUE;
}

static gboolean
read_measurement (Reader   *r,
                  JsonNode *node,
                  guint     index,
                  NpPlan   *plan)
{
  static const char *const known[] = { "kind", "points", NULL };
  g_autofree char *prefix = g_strdup_printf ("marks.measurements[%u]", index);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  NpMeasurement measurement = { 0 };
  JsonObject *object;
  guint expected;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return reader_fail (r, NP_ERROR_CORRUPT, prefix, "must be an object { … }");
  object = json_node_get_object (node);
  if (!check_members (r, object, prefix, known)
      || !read_measure_kind (r, object, prefix, "kind", TRUE, &measurement.kind)
      || !read_points (r, object, prefix, "points", TRUE, points))
    return FALSE;

  expected = measurement_point_count (measurement.kind);
  if (points->len != expected)
    {
      g_autofree char *field = field_name (prefix, "points");
      return reader_fail (r, NP_ERROR_INVALID, field, "must hold %u point%s for a “%s” "
                          "measurement, not %u", expected, expected == 1 ? "" : "s",
                          np_measure_kind_to_string (measurement.kind), points->len);
    }
  measurement.n_points = expected;
  memcpy (measurement.points, points->data, expected * sizeof (NpImagePoint));
  g_array_append_val (plan->measurements, measurement);
  return TRUE;
}

static gboolean
read_marks (Reader     *r,
            JsonObject *root,
            NpPlan     *plan)
{
  static const char *const known[] = {
    "target", "entry", "skin", "structures", "measurements", NULL,
  };
  static const char *const skin_known[] = { "kind", "points", NULL };
  JsonObject *marks, *skin;
  JsonArray *array;

  if (!read_object (r, root, NULL, "marks", FALSE, known, &marks))
    return FALSE;
  if (marks == NULL)
    return TRUE;

  if (!read_optional_point (r, marks, "marks", "target", &plan->has_target, &plan->target)
      || !read_optional_point (r, marks, "marks", "entry", &plan->has_entry, &plan->entry))
    return FALSE;

  if (!read_object (r, marks, "marks", "skin", FALSE, skin_known, &skin))
    return FALSE;
  if (skin != NULL
      && (!read_skin_kind (r, skin, "marks.skin", "kind", TRUE, &plan->skin_kind)
          || !read_points (r, skin, "marks.skin", "points", FALSE, plan->skin_points)))
    return FALSE;

  if (!read_array (r, marks, "marks", "structures", FALSE, &array))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (!read_structure (r, json_array_get_element (array, i), i, plan))
      return FALSE;

  if (!read_array (r, marks, "marks", "measurements", FALSE, &array))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (!read_measurement (r, json_array_get_element (array, i), i, plan))
      return FALSE;
  return TRUE;
}

static NpPlan *
read_plan (Reader     *r,
           JsonObject *root)
{
  static const char *const known[] = {
    "format", "version", "modality", "probe", "site", "side", "condition", "injectate",
    "volume_ml", "technique", "approach", "view", "title", "clinician", "patient_name",
    "patient_id", "notes", "frame", "calibration", "physics", "marks", "expert", "results",
    NULL,
  };
  static const char *const frame_known[] = { "path", "sha256", NULL };
  static const char *const physics_known[] = { "speed_of_sound_m_s", "mark_error_px", NULL };
  static const char *const expert_known[] = { "target_region", NULL };
  g_autoptr(NpPlan) plan = np_plan_new ();
  JsonObject *frame, *physics, *expert;
  JsonNode *results;
  const char *text;

  if (!check_members (r, root, NULL, known)
      || !read_modality (r, root, NULL, "modality", TRUE, &plan->modality)
      || !read_probe (r, root, NULL, "probe", FALSE, &plan->probe)
      || !read_site (r, root, NULL, "site", TRUE, &plan->site)
      || !read_side (r, root, NULL, "side", FALSE, &plan->side)
      || !read_condition (r, root, NULL, "condition", FALSE, &plan->condition)
      || !read_injectate (r, root, NULL, "injectate", FALSE, &plan->injectate)
      || !read_number (r, root, NULL, "volume_ml", FALSE, &plan->volume_ml)
      || !read_technique (r, root, NULL, "technique", FALSE, &plan->technique)
      || !read_text (r, root, NULL, "approach", &plan->approach)
      || !read_view (r, root, NULL, "view", FALSE, &plan->view)
      || !read_text (r, root, NULL, "title", &plan->title)
      || !read_text (r, root, NULL, "clinician", &plan->clinician)
      || !read_text (r, root, NULL, "patient_name", &plan->patient_name)
      || !read_text (r, root, NULL, "patient_id", &plan->patient_id)
      || !read_text (r, root, NULL, "notes", &plan->notes))
    return NULL;

  if (!read_object (r, root, NULL, "frame", TRUE, frame_known, &frame)
      || !read_string (r, frame, "frame", "path", TRUE, FALSE, &text))
    return NULL;
  np_plan_set_string (&plan->frame_path, text);
  if (!read_string (r, frame, "frame", "sha256", FALSE, TRUE, &text))
    return NULL;
  np_plan_set_string (&plan->frame_sha256, text);

  if (!read_calibration (r, root, plan))
    return NULL;

  if (!read_object (r, root, NULL, "physics", FALSE, physics_known, &physics))
    return NULL;
  if (physics != NULL
      && (!read_number (r, physics, "physics", "speed_of_sound_m_s", FALSE,
                        &plan->speed_of_sound_m_s)
          || !read_number (r, physics, "physics", "mark_error_px", FALSE,
                           &plan->mark_error_px)))
    return NULL;

  if (!read_marks (r, root, plan))
    return NULL;

  if (!read_object (r, root, NULL, "expert", FALSE, expert_known, &expert))
    return NULL;
  if (expert != NULL
      && !read_points (r, expert, "expert", "target_region", FALSE, plan->target_region))
    return NULL;

  /* Results are kept for the record only; the planner recomputes them. */
  results = json_object_get_member (root, "results");
  if (results != NULL && !JSON_NODE_HOLDS_OBJECT (results) && !JSON_NODE_HOLDS_NULL (results))
    {
      reader_fail (r, NP_ERROR_CORRUPT, "results", "must be an object { … } or null");
      return NULL;
    }

  if (!check_plan (plan, r->context, r->error))
    return NULL;
  return g_steal_pointer (&plan);
}

/* Brings an older file up to NP_PLAN_VERSION, one version step at a time.
 * Version 1 is the first: when version 2 comes, version 1 gets a case here
 * that rewrites @root in place to the version-2 layout. */
static gboolean
upgrade_plan (Reader     *r,
              JsonObject *root,
              gint64      version)
{
  while (version < NP_PLAN_VERSION)
    {
      switch (version)
        {
        default:
          g_set_error (r->error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                       "%s: version %" G_GINT64_FORMAT " is not a NeedlePlan plan version",
                       r->context, version);
          return FALSE;
        }
    }
  return TRUE;
}

/* Rejects what would make json-glib's recursive parser dangerous or wrong:
 * nesting deeper than MAX_NESTING and integers that overflow 64 bits. It
 * also refuses comments and single quotes, which json-glib accepts but JSON
 * does not, so that brackets are only counted where json-glib sees them. */
static gboolean
prescan (const char  *data,
         gsize        length,
         const char  *context,
         GError     **error)
{
  guint depth = 0, line = 1, column = 1;
  gboolean in_string = FALSE;
  const char *problem = NULL;
  gsize i = 0;

  while (i < length && problem == NULL)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\' && i + 1 < length)
            {
              i += 2;
              column += 2;
              continue;
            }
          if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_NESTING)
            problem = "the data is nested too deeply";
        }
      else if (c == ']' || c == '}')
        depth = depth > 0 ? depth - 1 : 0;
      else if (c == '\'' || c == '/')
        problem = "comments and single quotes are not JSON";
      else if (g_ascii_isdigit (c) || c == '-')
        {
          gsize start = i;
          guint digits = 0;
          gboolean integer = TRUE;

          while (i < length && (g_ascii_isalnum (data[i]) || data[i] == '.' || data[i] == '-'
                                || data[i] == '+'))
            {
              if (g_ascii_isdigit (data[i]))
                digits++;
              else if (data[i] != '-')
                integer = FALSE;
              i++;
            }
          column += (guint) (i - start);
          if (integer && digits > MAX_INTEGER_DIGITS)
            {
              column -= (guint) (i - start);
              problem = "a whole number is too large";
            }
          continue;
        }
      else if (g_ascii_isalpha (c) || c == '_')
        {
          /* Identifiers (true, false, null, or junk json-glib will name). */
          gsize start = i;
          while (i < length && (g_ascii_isalnum (data[i]) || data[i] == '_'))
            i++;
          column += (guint) (i - start);
          continue;
        }

      if (problem != NULL)
        break;
      if (c == '\n')
        {
          line++;
          column = 1;
        }
      else
        column++;
      i++;
    }

  if (problem == NULL)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
               "%s: not valid JSON: line %u, column %u: %s", context, line, column, problem);
  return FALSE;
}

/* json-glib says "<data>:3:14: Parse error: unexpected …"; we say "line 3,
 * column 14: unexpected …" after the file's name. */
static void
set_json_error (GError       **error,
                const char    *context,
                const GError  *json_error)
{
  const char *message = json_error != NULL ? json_error->message : "";
  guint line, column;
  int consumed = 0;

  if (g_str_has_prefix (message, "<data>:"))
    message += strlen ("<data>:");
  if (sscanf (message, "%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
    {
      const char *rest = message + consumed;
      if (g_str_has_prefix (rest, "Parse error: "))
        rest += strlen ("Parse error: ");
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, "%s: not valid JSON: line %u, column %u: %s",
                   context, line, column, rest);
      return;
    }
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, "%s: not valid JSON: %s", context,
               *message != '\0' ? message : "the text cannot be read as JSON");
}

/**
 * np_plan_file_parse:
 * @data: the file's bytes
 * @length: their number, or -1 when @data is nul-terminated
 * @display_name: the name used in error messages, e.g. "case.json"
 *
 * Reads a plan without trusting it: every type, range, enum string and the
 * format and version are checked, and each problem becomes a #GError naming
 * the file and the field.
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 */
NpPlan *
np_plan_file_parse (const char  *data,
                    gssize       length,
                    const char  *display_name,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *context = NULL;
  Reader reader;
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *node;
  gsize size;
  gint64 version;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  context = g_strdup_printf ("“%s”", display_name);
  size = length < 0 ? strlen (data) : (gsize) length;
  if (size > NP_PLAN_FILE_MAX_BYTES)
    {
      g_autofree char *shown = g_format_size (size);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "%s is %s, over the 16 MiB limit of a plan file", context, shown);
      return NULL;
    }
  if (memchr (data, '\0', size) != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "%s is not a NeedlePlan plan: it holds binary data, not JSON text", context);
      return NULL;
    }
  if (!prescan (data, size, context, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &json_error))
    {
      set_json_error (error, context, json_error);
      return NULL;
    }
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s is not a NeedlePlan plan: it holds no JSON object", context);
      return NULL;
    }
  root = json_node_get_object (root_node);

  node = json_object_get_member (root, "format");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s is not a NeedlePlan plan: “format” is missing or not text", context);
      return NULL;
    }
  if (strcmp (json_node_get_string (node), NP_PLAN_FORMAT) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s is not a NeedlePlan plan: its format is “%s”, not “%s”", context,
                   json_node_get_string (node), NP_PLAN_FORMAT);
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "%s: “version” must be a whole number", context);
      return NULL;
    }
  version = json_node_get_int (node);
  if (version > NP_PLAN_VERSION)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s was made by a newer NeedlePlan; version %" G_GINT64_FORMAT
                   " is not supported (this NeedlePlan reads version %d)",
                   context, version, NP_PLAN_VERSION);
      return NULL;
    }

  reader.context = context;
  reader.error = error;
  if (!upgrade_plan (&reader, root, version))
    return NULL;
  return read_plan (&reader, root);
}

/**
 * np_plan_file_load:
 *
 * Reads and parses the plan file at @path (at most 16 MiB).
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 */
NpPlan *
np_plan_file_load (const char  *path,
                   GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) io_error = NULL;
  GStatBuf info;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (path);
  if (g_stat (path, &info) != 0)
    {
      np_file_set_error_from_errno (error, errno, "Cannot open", path);
      return NULL;
    }
  if (S_ISDIR (info.st_mode))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, "Cannot open “%s”: it is a folder", display);
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, "Cannot open “%s”: it is not a regular file",
                   display);
      return NULL;
    }
  if ((guint64) info.st_size > NP_PLAN_FILE_MAX_BYTES)
    {
      g_autofree char *shown = g_format_size ((guint64) info.st_size);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "“%s” is %s, over the 16 MiB limit of a plan file", display, shown);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, &io_error))
    {
      np_file_set_error_from_io (error, io_error, "Cannot open", path);
      return NULL;
    }
  return np_plan_file_parse (contents, (gssize) length, display, error);
}

/* The plan's folder, absolute: the frame's path is stored relative to it. */
static char *
plan_folder (const char *plan_path)
{
  g_autofree char *folder = g_path_get_dirname (plan_path);

  return g_canonicalize_filename (folder, NULL);
}

/**
 * np_plan_file_resolve_frame:
 * @plan_path: where the plan file is (or will be)
 *
 * The frame's path is stored relative to the plan's folder. Absolute paths
 * and paths with a ".." component are refused: a plan must not make
 * NeedlePlan open files outside its own folder.
 *
 * Returns: (transfer full) (nullable): the absolute path of the frame, or
 *   %NULL with @error set
 */
char *
np_plan_file_resolve_frame (const NpPlan  *plan,
                            const char    *plan_path,
                            GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (plan != NULL && plan_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (plan_path);
  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, "“%s” refers to no frame", display);
      return NULL;
    }
  if (g_path_is_absolute (plan->frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "“%s” refers to its frame by the absolute path “%s”; a plan must name its "
                   "frame relative to its own folder",
                   display, plan->frame_path);
      return NULL;
    }
  if (path_has_parent_component (plan->frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "“%s” refers to its frame as “%s”, which uses “..” to leave the plan's "
                   "folder; the frame must be in the plan's folder or below it",
                   display, plan->frame_path);
      return NULL;
    }

  folder = plan_folder (plan_path);
  return g_canonicalize_filename (plan->frame_path, folder);
}

/**
 * np_plan_file_check_frame:
 * @matches: (out): %TRUE when the frame's SHA-256 is the one the plan stores;
 *   %FALSE when it differs or the plan stores none
 *
 * Returns: %FALSE with @error set when the frame cannot be found or read
 */
gboolean
np_plan_file_check_frame (const NpPlan  *plan,
                          const char    *plan_path,
                          gboolean      *matches,
                          GError       **error)
{
  g_autofree char *frame = NULL;
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (plan_path != NULL, FALSE);
  g_return_val_if_fail (matches != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *matches = FALSE;
  frame = np_plan_file_resolve_frame (plan, plan_path, error);
  if (frame == NULL)
    return FALSE;
  sha256 = np_file_sha256 (frame, error);
  if (sha256 == NULL)
    return FALSE;
  *matches = plan->frame_sha256 != NULL && g_ascii_strcasecmp (sha256, plan->frame_sha256) == 0;
  return TRUE;
}

/**
 * np_plan_file_relative_frame_path:
 * @plan_path: where the plan is (or will be) saved
 * @frame_path: the frame's path
 *
 * The path to store in NpPlan.frame_path: @frame_path relative to the plan's
 * folder, with "/" between folders.
 *
 * Returns: (transfer full) (nullable): the relative path, or %NULL with
 *   @error set when the frame is not in the plan's folder or below it
 */
char *
np_plan_file_relative_frame_path (const char  *plan_path,
                                  const char  *frame_path,
                                  GError     **error)
{
  g_autofree char *absolute_folder = NULL;
  g_autofree char *absolute_frame = NULL;
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (plan_path != NULL && frame_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  absolute_folder = plan_folder (plan_path);
  absolute_frame = g_canonicalize_filename (frame_path, NULL);
  prefix = g_str_has_suffix (absolute_folder, G_DIR_SEPARATOR_S)
             ? g_strdup (absolute_folder)
             : g_strconcat (absolute_folder, G_DIR_SEPARATOR_S, NULL);

  if (!g_str_has_prefix (absolute_frame, prefix) || absolute_frame[strlen (prefix)] == '\0')
    {
      g_autofree char *frame_display = g_filename_display_name (frame_path);
      g_autofree char *folder_display = g_filename_display_name (absolute_folder);
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The frame “%s” is not inside the plan's folder “%s”; save the plan next "
                   "to its frame or in a folder above it",
                   frame_display, folder_display);
      return NULL;
    }
  return g_strdup (absolute_frame + strlen (prefix));
}
