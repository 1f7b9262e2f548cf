/* np-plan-file-read.c: reading a plan's JSON without trusting it
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-file-private.h"

#include <glib/gi18n-lib.h>

#include "np-json-util.h"

#include "np-error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Our own files nest 6 levels deep; the limit keeps json-glib's recursive
 * parser far from the end of the stack on hostile input. */
#define MAX_NESTING 64
/* Integers longer than this overflow json-glib's 64-bit reader silently. */
#define MAX_INTEGER_DIGITS 18

typedef struct
{
  const char *context;   /* “case.json” */
  GError **error;
  gint64 version;        /* as written in the file, before any upgrade */
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
          g_autofree char *field = _np_plan_file_field_name (prefix, name);
          return reader_fail (r, NP_ERROR_CORRUPT, field, _("is not a field NeedlePlan knows here"));
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
  *field = _np_plan_file_field_name (prefix, member);
  if (*node == NULL)
    return reader_fail (r, NP_ERROR_CORRUPT, *field, _("is missing"));
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
    return reader_fail (r, NP_ERROR_CORRUPT, field, _("must be a number"));
  return TRUE;
}

/* An optional number that may also be null; *value is left alone then. */
static gboolean
read_optional_number (Reader     *r,
                      JsonObject *object,
                      const char *prefix,
                      const char *member,
                      double     *value)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  return read_number (r, object, prefix, member, FALSE, value);
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
                        nullable ? _("must be text or null") : _("must be text"));
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
    return reader_fail (r, NP_ERROR_CORRUPT, field, _("must be an object { … }"));
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
    return reader_fail (r, NP_ERROR_CORRUPT, field, _("must be a list [ … ]"));
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
    return reader_fail (r, NP_ERROR_CORRUPT, field, _("must be two numbers [x, y]"));
  point->x = xy[0];
  point->y = xy[1];
  return _np_plan_file_check_point (*point, r->context, field, r->error);
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
  field = _np_plan_file_field_name (prefix, member);
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
  g_autofree char *field = _np_plan_file_field_name (prefix, member);
  JsonArray *array;
  guint length;

  if (!read_array (r, object, prefix, member, required, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  length = json_array_get_length (array);
  /* The planner's work grows with the points; no real outline needs more. */
  if (length > NP_PLAN_FILE_MAX_POINTS)
    return reader_fail (r, NP_ERROR_TOO_LARGE, field, _("holds %u points; a line or outline may "
                        "have at most %u"), length, NP_PLAN_FILE_MAX_POINTS);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      NpImagePoint p;
      double xy[2];

      /* Fast path without building the element's name unless it is wrong. */
      if (!node_to_numbers (element, xy, 2) || !_np_plan_file_coordinate_ok (xy[0])
          || !_np_plan_file_coordinate_ok (xy[1]))
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
        g_autofree char *field = _np_plan_file_field_name (prefix, member);              \
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
      field = _np_plan_file_field_name (prefix, member);
      return reader_fail (r, NP_ERROR_CORRUPT, field, _("must be two numbers [x, y]"));
    }
  *x = xy[0];
  *y = xy[1];
  return TRUE;
}

/* Version 2: the scanner's regions, each with its own pixel size. */
static gboolean
read_calibration_regions (Reader        *r,
                          JsonObject    *object,
                          NpCalibration *calibration)
{
  static const char *const known[] = { "number", "bounds", "mm_per_px", NULL };
  JsonArray *array;
  guint length;

  if (!read_array (r, object, "calibration", "regions", FALSE, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  length = json_array_get_length (array);
  if (length > NP_PLAN_FILE_MAX_REDACTIONS)
    return reader_fail (r, NP_ERROR_TOO_LARGE, "calibration.regions", _("holds %u regions; a "
                        "calibration may have at most %u"), length, NP_PLAN_FILE_MAX_REDACTIONS);
  for (guint i = 0; i < length; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("calibration.regions[%u]", i);
      JsonNode *node = json_array_get_element (array, i);
      NpCalibrationRegion region = { 0 };
      JsonObject *item;
      JsonNode *bounds;
      double number = 0, xywh[4];

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return reader_fail (r, NP_ERROR_CORRUPT, prefix, _("must be an object { … }"));
      item = json_node_get_object (node);
      if (!check_members (r, item, prefix, known)
          || !read_number (r, item, prefix, "number", TRUE, &number)
          || !read_pair (r, item, prefix, "mm_per_px", &region.mm_per_px_x,
                         &region.mm_per_px_y))
        return FALSE;
      bounds = json_object_get_member (item, "bounds");
      if (bounds == NULL || !node_to_numbers (bounds, xywh, 4) || xywh[2] <= 0 || xywh[3] <= 0
          || number < 1 || number > 1000 || number != floor (number)
          || !(region.mm_per_px_x > 0) || !(region.mm_per_px_y > 0)
          || region.mm_per_px_x > 1000 || region.mm_per_px_y > 1000)
        return reader_fail (r, NP_ERROR_INVALID, prefix, _("must hold its number (1–1000), its "
                            "bounds [x, y, width, height] and a positive pixel size"));
      region.number = (guint) number;
      region.bounds = (NpImageRect) { xywh[0], xywh[1], xywh[2], xywh[3] };
      np_calibration_add_region (calibration, &region);
    }
  return TRUE;
}

static gboolean
read_calibration (Reader     *r,
                  JsonObject *root,
                  NpPlan     *plan)
{
  static const char *const known[] = {
    "method", "mm_per_px", "se_mm_per_px", "region", "points", "reference_mm", "note",
    "regions", NULL,
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
                            _("must be four numbers [x, y, width, height] or null"));
      calibration->has_region = TRUE;
      calibration->region.x = xywh[0];
      calibration->region.y = xywh[1];
      calibration->region.width = xywh[2];
      calibration->region.height = xywh[3];
    }
  return read_calibration_regions (r, object, calibration);
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
    return reader_fail (r, NP_ERROR_CORRUPT, prefix, _("must be an object { … }"));
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
    return reader_fail (r, NP_ERROR_CORRUPT, prefix, _("must be an object { … }"));
  object = json_node_get_object (node);
  if (!check_members (r, object, prefix, known)
      || !read_measure_kind (r, object, prefix, "kind", TRUE, &measurement.kind)
      || !read_points (r, object, prefix, "points", TRUE, points))
    return FALSE;

  expected = _np_plan_file_measurement_point_count (measurement.kind);
  if (points->len != expected)
    {
      g_autofree char *field = _np_plan_file_field_name (prefix, "points");
      return reader_fail (r, NP_ERROR_INVALID, field, _("must hold %u point%s for a “%s” "
                          "measurement, not %u"), expected, expected == 1 ? "" : "s",
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
  if (array != NULL && json_array_get_length (array) > NP_PLAN_FILE_MAX_STRUCTURES)
    return reader_fail (r, NP_ERROR_TOO_LARGE, "marks.structures", _("holds %u structures; a plan "
                        "may have at most %u"), json_array_get_length (array),
                        NP_PLAN_FILE_MAX_STRUCTURES);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (!read_structure (r, json_array_get_element (array, i), i, plan))
      return FALSE;

  if (!read_array (r, marks, "marks", "measurements", FALSE, &array))
    return FALSE;
  if (array != NULL && json_array_get_length (array) > NP_PLAN_FILE_MAX_STRUCTURES)
    return reader_fail (r, NP_ERROR_TOO_LARGE, "marks.measurements", _("holds %u measurements; a "
                        "plan may have at most %u"), json_array_get_length (array),
                        NP_PLAN_FILE_MAX_STRUCTURES);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (!read_measurement (r, json_array_get_element (array, i), i, plan))
      return FALSE;
  return TRUE;
}

static gboolean
read_frame_dicom (Reader     *r,
                  JsonObject *frame,
                  NpPlan     *plan)
{
  static const char *const known[] = { "sop_instance_uid", "frame_number", NULL };
  JsonNode *node = json_object_get_member (frame, "dicom");
  JsonObject *dicom;
  const char *uid = NULL;
  double number = 0;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!read_object (r, frame, "frame", "dicom", TRUE, known, &dicom)
      || !read_string (r, dicom, "frame.dicom", "sop_instance_uid", TRUE, FALSE, &uid)
      || !read_number (r, dicom, "frame.dicom", "frame_number", TRUE, &number))
    return FALSE;
  if (number != floor (number) || number < 1 || number > NP_PLAN_FILE_MAX_DICOM_FRAME)
    return reader_fail (r, NP_ERROR_INVALID, "frame.dicom.frame_number",
                        _("must be a whole number from 1 (the first frame) to %u"),
                        NP_PLAN_FILE_MAX_DICOM_FRAME);
  np_plan_set_string (&plan->dicom_sop_instance_uid, uid);
  plan->dicom_frame_number = (guint) number;
  return TRUE;
}

static gboolean
read_frame (Reader     *r,
            JsonObject *root,
            NpPlan     *plan)
{
  static const char *const known[] = { "path", "sha256", "absolute_path", "dicom", NULL };
  JsonObject *frame;
  const char *text;

  if (!read_object (r, root, NULL, "frame", TRUE, known, &frame)
      || !read_string (r, frame, "frame", "path", TRUE, FALSE, &text))
    return FALSE;
  np_plan_set_string (&plan->frame_path, text);
  if (!read_string (r, frame, "frame", "sha256", FALSE, TRUE, &text))
    return FALSE;
  np_plan_set_string (&plan->frame_sha256, text);
  if (!read_string (r, frame, "frame", "absolute_path", FALSE, TRUE, &text))
    return FALSE;
  np_plan_set_string (&plan->frame_absolute_path, text);
  /* Version 1 kept its frame in the plan's folder or below. */
  if (r->version < 2 && _np_plan_file_path_has_parent_component (plan->frame_path))
    return reader_fail (r, NP_ERROR_INVALID, "frame.path", _("uses “..”, which a version 1 plan "
                        "may not"));
  return read_frame_dicom (r, frame, plan);
}

static gboolean
read_redactions (Reader     *r,
                 JsonObject *root,
                 NpPlan     *plan)
{
  JsonArray *array;
  guint length;

  if (!read_array (r, root, NULL, "redactions", FALSE, &array))
    return FALSE;
  if (array == NULL)
    return TRUE;
  length = json_array_get_length (array);
  if (length > NP_PLAN_FILE_MAX_REDACTIONS)
    return reader_fail (r, NP_ERROR_TOO_LARGE, "redactions", _("holds %u rectangles; a plan may "
                        "have at most %u"), length, NP_PLAN_FILE_MAX_REDACTIONS);
  for (guint i = 0; i < length; i++)
    {
      double xywh[4];
      NpImageRect rect;

      if (!node_to_numbers (json_array_get_element (array, i), xywh, 4)
          || !_np_plan_file_coordinate_ok (xywh[0]) || !_np_plan_file_coordinate_ok (xywh[1])
          || !_np_plan_file_coordinate_ok (xywh[2]) || !_np_plan_file_coordinate_ok (xywh[3])
          || xywh[2] <= 0 || xywh[3] <= 0)
        {
          g_autofree char *field = g_strdup_printf ("redactions[%u]", i);
          return reader_fail (r, NP_ERROR_CORRUPT, field, _("must be four numbers [x, y, width, "
                              "height] with a positive width and height"));
        }
      rect = (NpImageRect) { xywh[0], xywh[1], xywh[2], xywh[3] };
      g_array_append_val (plan->redactions, rect);
    }
  return TRUE;
}

/* Version 2: a fluoroscopy view's geometry and its paired second view. */
static gboolean
read_fluoroscopy (Reader     *r,
                  JsonObject *root,
                  NpPlan     *plan)
{
  static const char *const known[] = { "geometry", "second_view", NULL };
  static const char *const geometry_known[] = {
    "sid_mm", "sod_mm", "detector_pixel_mm", "central_ray", NULL,
  };
  static const char *const second_known[] = { "plan", "angle_deg", "mirrored", NULL };
  JsonObject *fluoroscopy, *object;
  JsonNode *node;
  const char *text;

  if (!read_object (r, root, NULL, "fluoroscopy", FALSE, known, &fluoroscopy))
    return FALSE;
  if (fluoroscopy == NULL)
    return TRUE;

  node = json_object_get_member (fluoroscopy, "geometry");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!read_object (r, fluoroscopy, "fluoroscopy", "geometry", TRUE, geometry_known, &object)
          || !read_number (r, object, "fluoroscopy.geometry", "sid_mm", TRUE,
                           &plan->geometry.sid_mm)
          || !read_number (r, object, "fluoroscopy.geometry", "sod_mm", TRUE,
                           &plan->geometry.sod_mm))
        return FALSE;
      if (!json_object_has_member (object, "detector_pixel_mm"))
        return reader_fail (r, NP_ERROR_CORRUPT, "fluoroscopy.geometry.detector_pixel_mm",
                            _("is missing"));
      if (!read_pair (r, object, "fluoroscopy.geometry", "detector_pixel_mm",
                      &plan->geometry.detector_pixel_mm[0], &plan->geometry.detector_pixel_mm[1]))
        return FALSE;
      node = json_object_get_member (object, "central_ray");
      if (node == NULL)
        return reader_fail (r, NP_ERROR_CORRUPT, "fluoroscopy.geometry.central_ray",
                            _("is missing"));
      if (!node_to_point (r, node, "fluoroscopy.geometry.central_ray",
                          &plan->geometry.central_ray))
        return FALSE;
      plan->has_geometry = TRUE;
    }

  node = json_object_get_member (fluoroscopy, "second_view");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!read_object (r, fluoroscopy, "fluoroscopy", "second_view", TRUE, second_known,
                        &object)
          || !read_string (r, object, "fluoroscopy.second_view", "plan", TRUE, FALSE, &text)
          || !read_number (r, object, "fluoroscopy.second_view", "angle_deg", TRUE,
                           &plan->second_view_angle_deg))
        return FALSE;
      np_plan_set_string (&plan->second_view_path, text);
      node = json_object_get_member (object, "mirrored");
      if (node != NULL)
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            return reader_fail (r, NP_ERROR_CORRUPT, "fluoroscopy.second_view.mirrored",
                                _("must be true or false"));
          plan->second_view_mirrored = json_node_get_boolean (node);
        }
    }
  return TRUE;
}

/* The current version's layout, in the order the writer puts it; an older
 * file has been upgraded to this layout before (upgrade_plan). */
static NpPlan *
read_plan (Reader     *r,
           JsonObject *root)
{
  static const char *const known[] = {
    "format", "version", "modality", "probe", "site", "side", "condition", "injectate",
    "volume_ml", "technique", "approach", "view", "title", "clinician", "patient_name",
    "patient_id", "notes", "frame", "calibration", "physics", "marks", "fluoroscopy",
    "redactions", "expert", "results", NULL,
  };
  static const char *const physics_known[] = {
    "speed_of_sound_m_s", "speed_of_sound_sd_m_s", "mark_error_px", NULL,
  };
  static const char *const expert_known[] = { "target_region", NULL };
  g_autoptr(NpPlan) plan = np_plan_new ();
  JsonObject *physics, *expert;
  JsonNode *results;

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

  if (!read_frame (r, root, plan) || !read_calibration (r, root, plan))
    return NULL;

  if (!read_object (r, root, NULL, "physics", FALSE, physics_known, &physics))
    return NULL;
  if (physics != NULL
      && (!read_number (r, physics, "physics", "speed_of_sound_m_s", FALSE,
                        &plan->speed_of_sound_m_s)
          || !read_number (r, physics, "physics", "mark_error_px", FALSE,
                           &plan->mark_error_px)
          || !read_optional_number (r, physics, "physics", "speed_of_sound_sd_m_s",
                                    &plan->speed_of_sound_sd_m_s)))
    return NULL;

  if (!read_marks (r, root, plan) || !read_fluoroscopy (r, root, plan)
      || !read_redactions (r, root, plan))
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
      reader_fail (r, NP_ERROR_CORRUPT, "results", _("must be an object { … } or null"));
      return NULL;
    }

  if (!_np_plan_file_check_plan (plan, r->context, r->error))
    return NULL;
  return g_steal_pointer (&plan);
}

/* Members that version 2 added; a version 1 file carrying one was not
 * written by NeedlePlan and is refused like any unknown member. */
static gboolean
check_no_version_2_members (Reader     *r,
                            JsonObject *root)
{
  static const char *const frame_members[] = { "absolute_path", "dicom", NULL };
  JsonNode *node;

  if (json_object_has_member (root, "redactions"))
    return reader_fail (r, NP_ERROR_CORRUPT, "redactions", _("is a version 2 field, not one a "
                        "version 1 plan has"));
  if (json_object_has_member (root, "fluoroscopy"))
    return reader_fail (r, NP_ERROR_CORRUPT, "fluoroscopy", _("is a version 2 field, not one a "
                        "version 1 plan has"));
  node = json_object_get_member (root, "frame");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    for (guint i = 0; frame_members[i] != NULL; i++)
      if (json_object_has_member (json_node_get_object (node), frame_members[i]))
        {
          g_autofree char *field = _np_plan_file_field_name ("frame", frame_members[i]);
          return reader_fail (r, NP_ERROR_CORRUPT, field, _("is a version 2 field, not one a "
                              "version 1 plan has"));
        }
  node = json_object_get_member (root, "calibration");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
      && json_object_has_member (json_node_get_object (node), "regions"))
    return reader_fail (r, NP_ERROR_CORRUPT, "calibration.regions", _("is a version 2 field, not "
                        "one a version 1 plan has"));
  node = json_object_get_member (root, "physics");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node)
      && json_object_has_member (json_node_get_object (node), "speed_of_sound_sd_m_s"))
    return reader_fail (r, NP_ERROR_CORRUPT, "physics.speed_of_sound_sd_m_s", _("is a version 2 "
                        "field, not one a version 1 plan has"));
  return TRUE;
}

/* Brings an older file up to NP_PLAN_VERSION, one version step at a time,
 * rewriting @root in place to the next version's layout. */
static gboolean
upgrade_plan (Reader     *r,
              JsonObject *root,
              gint64      version)
{
  while (version < NP_PLAN_VERSION)
    {
      switch (version)
        {
        case 1:
          /* Version 2 only adds members (docs/plan-format.md): a version 1
           * layout is a version 2 layout without them. */
          if (!check_no_version_2_members (r, root))
            return FALSE;
          version = 2;
          break;

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
/* JSON's number grammar (RFC 8259 section 6): json-glib's scanner also takes
 * 0100, 0x64, .5 and 100., which a hand-edited file may hold by mistake. */
static gboolean
is_json_number (const char *token,
                gsize       length)
{
  gsize i = 0;

  if (i < length && token[i] == '-')
    i++;
  if (i >= length || !g_ascii_isdigit (token[i]))
    return FALSE;
  if (token[i] == '0')
    i++;
  else
    while (i < length && g_ascii_isdigit (token[i]))
      i++;
  if (i < length && token[i] == '.')
    {
      i++;
      if (i >= length || !g_ascii_isdigit (token[i]))
        return FALSE;
      while (i < length && g_ascii_isdigit (token[i]))
        i++;
    }
  if (i < length && (token[i] == 'e' || token[i] == 'E'))
    {
      i++;
      if (i < length && (token[i] == '+' || token[i] == '-'))
        i++;
      if (i >= length || !g_ascii_isdigit (token[i]))
        return FALSE;
      while (i < length && g_ascii_isdigit (token[i]))
        i++;
    }
  return i == length;
}

/* Rejects what would make json-glib's recursive parser dangerous or wrong:
 * nesting deeper than MAX_NESTING, integers that overflow 64 bits, numbers
 * outside JSON's grammar and U+0000 inside text (json-glib would cut the
 * text there without a word). It also refuses comments and single quotes,
 * which json-glib accepts but JSON does not, so that brackets are only
 * counted where json-glib sees them. */
gboolean
_np_plan_file_prescan (const char  *data,
                       gsize        length,
                       const char  *context,
                       GError     **error)
{
  guint depth = 0, line = 1, column = 1;
  gboolean in_string = FALSE;
  const char *problem = NULL;
  g_autofree char *detail = NULL;
  gsize string_start = 0, string_end = 0;  /* the last string, a member's name if ':' follows */
  gsize key_start = 0, key_end = 0;
  gsize i = 0;

  while (i < length && problem == NULL)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\' && i + 1 < length)
            {
              if (data[i + 1] == 'u' && i + 5 < length && memcmp (data + i + 2, "0000", 4) == 0)
                {
                  problem = _("text holds the character U+0000, which NeedlePlan does not accept");
                  break;
                }
              i += 2;
              column += 2;
              continue;
            }
          if (c == '"')
            {
              in_string = FALSE;
              string_end = i;
            }
        }
      else if (c == '"')
        {
          in_string = TRUE;
          string_start = i + 1;
        }
      else if (c == ':')
        {
          key_start = string_start;
          key_end = string_end;
        }
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_NESTING)
            problem = _("the data is nested too deeply");
        }
      else if (c == ']' || c == '}')
        depth = depth > 0 ? depth - 1 : 0;
      else if (c == '\'' || c == '/')
        problem = _("comments and single quotes are not JSON");
      else if (g_ascii_isdigit (c) || c == '-' || c == '.' || c == '+')
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
          if (!is_json_number (data + start, i - start))
            {
              g_autofree char *token = g_strndup (data + start, MIN (i - start, 24));

              problem = _("not a number");
              if (key_end > key_start)
                detail = g_strdup_printf (_("“%.*s” holds %s, which is not a JSON number "
                                          "(write digits, with a point only between digits)"),
                                          (int) MIN (key_end - key_start, 64),
                                          data + key_start, token);
              else
                detail = g_strdup_printf (_("%s is not a JSON number"), token);
              break;
            }
          column += (guint) (i - start);
          if (integer && digits > MAX_INTEGER_DIGITS)
            {
              column -= (guint) (i - start);
              problem = _("a whole number is too large");
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
               _("%s: not valid JSON: line %u, column %u: %s"), context, line, column,
               detail != NULL ? detail : problem);
  return FALSE;
}

/* json-glib says "<data>:3:14: Parse error: unexpected …"; we say "line 3,
 * column 14: unexpected …" after the file's name. */
void
_np_plan_file_set_json_error (GError       **error,
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
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("%s: not valid JSON: line %u, column %u: %s"),
                   context, line, column, rest);
      return;
    }
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("%s: not valid JSON: %s"), context,
               *message != '\0' ? message : _("the text cannot be read as JSON"));
}

/* Brings @root up to this version and reads it; format and version have
 * been checked by np_plan_file_parse(). */
NpPlan *
_np_plan_file_read (JsonObject  *root,
                    gint64       version,
                    const char  *context,
                    GError     **error)
{
  Reader reader = { context, error, version };

  if (!upgrade_plan (&reader, root, version))
    return NULL;
  return read_plan (&reader, root);
}
