/* np-plan-file-check.c: the value rules of a plan, shared by saving and loading
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
#include <string.h>

typedef struct
{
  double min;
  double max;
  gboolean min_exclusive;
  const char *meaning;   /* completes "must be ..." */
} NumberRule;

static const NumberRule volume_rule = { 0, 1000, FALSE, N_("a volume from 0 to 1000 ml") };
static const NumberRule speed_rule = { 1000, 2000, FALSE,
                                       N_("a speed of sound from 1000 to 2000 m/s") };
static const NumberRule speed_sd_rule = { 0, NP_PLAN_SPEED_OF_SOUND_SD_MAX_M_S, FALSE,
                                          N_("a speed-of-sound uncertainty from 0 to 300 m/s") };
static const NumberRule mark_error_rule = { 0, 100, FALSE, N_("a click error from 0 to 100 px") };
static const NumberRule pixel_size_rule = { 0, 1000, FALSE,
                                            N_("two numbers [x, y] from 0 to 1000 mm") };
static const NumberRule reference_rule = { 0, 1e6, FALSE,
                                           N_("zero or a positive number of millimetres") };
static const NumberRule margin_rule = { 0, 1000, FALSE,
                                        N_("zero or a positive margin of at most 1000 mm") };

/* "marks.structures[2]" and "label" make "marks.structures[2].label". */
char *
_np_plan_file_field_name (const char *prefix,
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
  return np_json_field_error (error, NP_ERROR_INVALID, context, field, _("must be %s"),
                              _(rule->meaning));
}

static const NumberRule distance_rule = { 0, 10000, TRUE,
                                          N_("a distance above 0 and up to 10000 mm") };
static const NumberRule detector_pixel_rule = { 0, 10, TRUE,
                                                N_("two numbers [x, y] above 0 and up to 10 mm") };
static const NumberRule view_angle_rule = { -180, 180, FALSE,
                                            N_("an angle from −180 to 180 degrees") };

/* The beam geometry and the second view belong to fluoroscopy; the source
 * must lie between the isocentre's far side and the detector (SOD < SID). */
static gboolean
check_fluoroscopy (const NpPlan  *plan,
                   const char    *context,
                   GError       **error)
{
  if (plan->has_geometry || plan->second_view_path != NULL)
    {
      if (plan->modality != NP_MODALITY_FLUOROSCOPY)
        return np_json_field_error (error, NP_ERROR_INVALID, context, "fluoroscopy",
                                    _("belongs to a fluoroscopy plan, not an ultrasound one"));
    }
  if (plan->has_geometry)
    {
      const NpFluoroGeometry *g = &plan->geometry;

      if (!check_number (g->sid_mm, &distance_rule, context, "fluoroscopy.geometry.sid_mm", error)
          || !check_number (g->sod_mm, &distance_rule, context, "fluoroscopy.geometry.sod_mm",
                            error))
        return FALSE;
      if (g->sod_mm >= g->sid_mm)
        return np_json_field_error (error, NP_ERROR_INVALID, context,
                                    "fluoroscopy.geometry.sod_mm", _("must be below sid_mm (the "
                                      "patient lies between the source and the detector)"));
      if (!number_in_rule (g->detector_pixel_mm[0], &detector_pixel_rule)
          || !number_in_rule (g->detector_pixel_mm[1], &detector_pixel_rule))
        return np_json_field_error (error, NP_ERROR_INVALID, context,
                                    "fluoroscopy.geometry.detector_pixel_mm", _("must be %s"),
                                    _(detector_pixel_rule.meaning));
      if (!_np_plan_file_check_point (g->central_ray, context, "fluoroscopy.geometry.central_ray",
                                      error))
        return FALSE;
    }
  if (plan->second_view_path != NULL)
    {
      if (*plan->second_view_path == '\0' || g_path_is_absolute (plan->second_view_path))
        return np_json_field_error (error, NP_ERROR_INVALID, context,
                                    "fluoroscopy.second_view.plan",
                                    _("must be a path relative to the plan's folder"));
      if (!check_number (plan->second_view_angle_deg, &view_angle_rule, context,
                         "fluoroscopy.second_view.angle_deg", error))
        return FALSE;
    }
  return TRUE;
}

gboolean
_np_plan_file_coordinate_ok (double value)
{
  return isfinite (value) && fabs (value) <= NP_PLAN_FILE_MAX_COORDINATE_PX;
}

gboolean
_np_plan_file_check_point (NpImagePoint   point,
                           const char    *context,
                           const char    *field,
                           GError       **error)
{
  if (_np_plan_file_coordinate_ok (point.x) && _np_plan_file_coordinate_ok (point.y))
    return TRUE;
  return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                              _("is out of range: coordinates must be finite and within ±%.0f px"),
                              NP_PLAN_FILE_MAX_COORDINATE_PX);
}

static gboolean
check_points (const GArray  *points,
              const char    *context,
              const char    *field,
              GError       **error)
{
  if (points != NULL && points->len > NP_PLAN_FILE_MAX_POINTS)
    return np_json_field_error (error, NP_ERROR_TOO_LARGE, context, field,
                                _("holds %u points; a line or outline may have at most %u"),
                                points->len, NP_PLAN_FILE_MAX_POINTS);
  for (guint i = 0; points != NULL && i < points->len; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      if (!_np_plan_file_coordinate_ok (p.x) || !_np_plan_file_coordinate_ok (p.y))
        {
          g_autofree char *element = g_strdup_printf ("%s[%u]", field, i);
          return _np_plan_file_check_point (p, context, element, error);
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
  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                                _("is not valid UTF-8 text"));
  /* The report prints every text field in full; none needs more. */
  if (strlen (text) > NP_PLAN_FILE_MAX_TEXT_BYTES)
    return np_json_field_error (error, NP_ERROR_TOO_LARGE, context, field,
                                _("is %zu bytes long; a text field may hold at most %u"),
                                strlen (text), NP_PLAN_FILE_MAX_TEXT_BYTES);
  return TRUE;
}

/* PS3.5 9.1: components of digits separated by dots, at most 64 characters. */
static gboolean
is_dicom_uid (const char *text)
{
  gsize length;

  if (text == NULL || (length = strlen (text)) == 0 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]) && text[i] != '.')
      return FALSE;
  return text[0] != '.' && text[length - 1] != '.' && strstr (text, "..") == NULL;
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
gboolean
_np_plan_file_path_has_parent_component (const char *path)
{
  g_auto(GStrv) parts = g_strsplit_set (path, "/\\", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    if (strcmp (parts[i], "..") == 0)
      return TRUE;
  return FALSE;
}

guint
_np_plan_file_measurement_point_count (NpMeasureKind kind)
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
  g_autofree char *label_field = _np_plan_file_field_name (prefix, "label");
  g_autofree char *points_field = _np_plan_file_field_name (prefix, "points");
  g_autofree char *margin_field = _np_plan_file_field_name (prefix, "margin_mm");

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
                                    _("of an ellipse must be its centre and its two positive radii: "
                                    "[[x, y], [rx, ry]]"));
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
                                _("is not a known calibration method"));
  if (!number_in_rule (calibration->mm_per_px_x, &pixel_size_rule)
      || !number_in_rule (calibration->mm_per_px_y, &pixel_size_rule))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.mm_per_px",
                                _("must be %s"), _(pixel_size_rule.meaning));
  if (calibration->method != NP_CALIBRATION_NONE
      && (calibration->mm_per_px_x <= 0 || calibration->mm_per_px_y <= 0))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.mm_per_px",
                                _("must be two positive numbers for a “%s” calibration"), method);
  if (!number_in_rule (calibration->se_mm_per_px_x, &pixel_size_rule)
      || !number_in_rule (calibration->se_mm_per_px_y, &pixel_size_rule))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.se_mm_per_px",
                                _("must be %s"), _(pixel_size_rule.meaning));
  if (calibration->has_region)
    {
      const NpImageRect *r = &calibration->region;
      if (!_np_plan_file_coordinate_ok (r->x) || !_np_plan_file_coordinate_ok (r->y)
          || !_np_plan_file_coordinate_ok (r->width) || !_np_plan_file_coordinate_ok (r->height)
          || r->width < 0 || r->height < 0)
        return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration.region",
                                    _("must be [x, y, width, height] with a width and height of at "
                                    "least 0, within ±%.0f px"),
                                    NP_PLAN_FILE_MAX_COORDINATE_PX);
    }
  return check_points (calibration->points, context, "calibration.points", error)
         && check_number (calibration->reference_mm, &reference_rule, context,
                          "calibration.reference_mm", error)
         && check_text (calibration->note, context, "calibration.note", error);
}

/* The value rules of a plan, shared by saving and loading, so that whatever
 * is saved loads again. Types are the parser's business. */
gboolean
_np_plan_file_check_plan (const NpPlan  *plan,
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
    { G_STRUCT_OFFSET (NpPlan, frame_absolute_path), "frame.absolute_path" },
    { G_STRUCT_OFFSET (NpPlan, dicom_sop_instance_uid), "frame.dicom.sop_instance_uid" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (!check_text (G_STRUCT_MEMBER (const char *, plan, texts[i].offset), context,
                     texts[i].field, error))
      return FALSE;

  if (!check_number (plan->volume_ml, &volume_rule, context, "volume_ml", error))
    return FALSE;

  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.path",
                                _("is missing: a plan refers to its frame"));
  /* Relative to the plan's folder, ".." included (version 2): what it
   * resolves to is checked before it is opened (np_plan_file_resolve_frame). */
  if (g_path_is_absolute (plan->frame_path))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.path",
                                _("must be relative to the plan's folder, not “%s”"),
                                plan->frame_path);
  if (plan->frame_absolute_path != NULL && !g_path_is_absolute (plan->frame_absolute_path))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.absolute_path",
                                _("must be an absolute path or null"));
  if (plan->dicom_frame_number > NP_PLAN_FILE_MAX_DICOM_FRAME
      || (plan->dicom_frame_number > 0 && !is_dicom_uid (plan->dicom_sop_instance_uid)))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.dicom",
                                _("must name the SOP Instance UID (digits and dots, at most 64) and "
                                "a frame number from 1 to %u"), NP_PLAN_FILE_MAX_DICOM_FRAME);
  if (plan->frame_sha256 != NULL && !is_sha256_hex (plan->frame_sha256))
    return np_json_field_error (error, NP_ERROR_INVALID, context, "frame.sha256",
                                _("must be 64 lowercase hexadecimal digits"));

  if (plan->calibration == NULL)
    return np_json_field_error (error, NP_ERROR_INVALID, context, "calibration", _("is missing"));
  if (!check_calibration (plan->calibration, context, error))
    return FALSE;

  if (!check_number (plan->speed_of_sound_m_s, &speed_rule, context,
                     "physics.speed_of_sound_m_s", error)
      || !check_number (plan->mark_error_px, &mark_error_rule, context,
                        "physics.mark_error_px", error)
      || !check_number (plan->speed_of_sound_sd_m_s, &speed_sd_rule, context,
                        "physics.speed_of_sound_sd_m_s", error))
    return FALSE;

  if (!check_fluoroscopy (plan, context, error))
    return FALSE;

  if (plan->structures != NULL && plan->structures->len > NP_PLAN_FILE_MAX_STRUCTURES)
    return np_json_field_error (error, NP_ERROR_TOO_LARGE, context, "marks.structures",
                                _("holds %u structures; a plan may have at most %u"),
                                plan->structures->len, NP_PLAN_FILE_MAX_STRUCTURES);
  if (plan->redactions != NULL && plan->redactions->len > NP_PLAN_FILE_MAX_REDACTIONS)
    return np_json_field_error (error, NP_ERROR_TOO_LARGE, context, "redactions",
                                _("holds %u rectangles; a plan may have at most %u"),
                                plan->redactions->len, NP_PLAN_FILE_MAX_REDACTIONS);

  if ((plan->has_target
       && !_np_plan_file_check_point (plan->target, context, "marks.target", error))
      || (plan->has_entry
          && !_np_plan_file_check_point (plan->entry, context, "marks.entry", error))
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
      guint expected = _np_plan_file_measurement_point_count (m->kind);

      if (expected == 0 || m->n_points != expected)
        return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                                    _("must hold %u point%s for a “%s” measurement"), expected,
                                    expected == 1 ? "" : "s",
                                    expected ? np_measure_kind_to_string (m->kind) : "unknown");
      for (guint k = 0; k < m->n_points; k++)
        if (!_np_plan_file_coordinate_ok (m->points[k].x)
            || !_np_plan_file_coordinate_ok (m->points[k].y))
          {
            g_autofree char *element = g_strdup_printf ("%s[%u]", field, k);
            return _np_plan_file_check_point (m->points[k], context, element, error);
          }
    }

  return check_points (plan->target_region, context, "expert.target_region", error);
}

/* Enum fields that hold a value outside their table cannot be written. */
gboolean
_np_plan_file_check_enums (const NpPlan  *plan,
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
                                  _("holds a value NeedlePlan does not know"));
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      if (np_structure_kind_to_string (structure->kind) == NULL
          || np_shape_to_string (structure->shape) == NULL)
        {
          g_autofree char *field = g_strdup_printf ("marks.structures[%u]", i);
          return np_json_field_error (error, NP_ERROR_INVALID, context, field,
                                      _("has a kind or shape NeedlePlan does not know"));
        }
    }
  return TRUE;
}
