/* np-plan.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan.h"

#include <string.h>

/* Enum <-> file string tables. The strings are part of the plan file format
 * (docs/plan-format.md): never rename one, only add. */

static const char *const modality_names[] = { "ultrasound", "fluoroscopy" };
static const char *const probe_names[] = { "linear", "curvilinear", "unspecified" };
static const char *const site_names[] = {
  "knee", "shoulder", "hip", "tendon", "ligament", "soft-tissue", "unspecified",
};
static const char *const side_names[] = { "unspecified", "left", "right" };
static const char *const condition_names[] = {
  "unspecified", "osteoarthritis", "tendon-tear", "ligament-injury", "cartilage-defect",
  "chronic-soft-tissue",
};
static const char *const injectate_names[] = {
  "unspecified", "bone-marrow-concentrate", "adipose-cells", "prp", "corticosteroid",
  "hyaluronic-acid", "other",
};
static const char *const technique_names[] = { "in-plane", "out-of-plane", "coaxial" };
static const char *const view_names[] = { "none", "ap", "lateral", "oblique" };
static const char *const structure_kind_names[] = {
  "vessel", "nerve", "tendon", "bone", "cartilage", "other",
};
static const char *const shape_names[] = { "polygon", "polyline", "ellipse" };
static const char *const measure_kind_names[] = { "distance", "angle", "depth" };
static const char *const skin_kind_names[] = { "none", "polyline", "arc" };

static gboolean
lookup_name (const char *const *names,
             guint              n_names,
             const char        *text,
             int               *value)
{
  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < n_names; i++)
    if (strcmp (names[i], text) == 0)
      {
        *value = (int) i;
        return TRUE;
      }
  return FALSE;
}

#define NP_DEFINE_ENUM_STRINGS(prefix, Type, names)                                \
  const char *                                                                     \
  prefix##_to_string (Type value)                                                  \
  {                                                                                \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (names), NULL);             \
    return names[value];                                                           \
  }                                                                                \
                                                                                   \
  gboolean                                                                         \
  prefix##_from_string (const char *text,                                          \
                        Type       *value)                                         \
  {                                                                                \
    int found;                                                                     \
                                                                                   \
    g_return_val_if_fail (value != NULL, FALSE);                                   \
                                                                                   \
    if (!lookup_name (names, G_N_ELEMENTS (names), text, &found))                  \
      return FALSE;                                                                \
    *value = (Type) found;                                                         \
    return TRUE;                                                                   \
  }

NP_DEFINE_ENUM_STRINGS (np_modality, NpModality, modality_names)
NP_DEFINE_ENUM_STRINGS (np_probe, NpProbe, probe_names)
NP_DEFINE_ENUM_STRINGS (np_site, NpSite, site_names)
NP_DEFINE_ENUM_STRINGS (np_side, NpSide, side_names)
NP_DEFINE_ENUM_STRINGS (np_condition, NpCondition, condition_names)
NP_DEFINE_ENUM_STRINGS (np_injectate, NpInjectate, injectate_names)
NP_DEFINE_ENUM_STRINGS (np_technique, NpTechnique, technique_names)
NP_DEFINE_ENUM_STRINGS (np_view, NpView, view_names)
NP_DEFINE_ENUM_STRINGS (np_structure_kind, NpStructureKind, structure_kind_names)
NP_DEFINE_ENUM_STRINGS (np_shape, NpShape, shape_names)
NP_DEFINE_ENUM_STRINGS (np_measure_kind, NpMeasureKind, measure_kind_names)
NP_DEFINE_ENUM_STRINGS (np_skin_kind, NpSkinKind, skin_kind_names)

static GArray *
point_array_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
}

static GArray *
point_array_copy (const GArray *points)
{
  GArray *copy = point_array_new ();

  if (points != NULL && points->len > 0)
    g_array_append_vals (copy, points->data, points->len);
  return copy;
}

static GArray *
rect_array_copy (const GArray *rects)
{
  GArray *copy = g_array_new (FALSE, FALSE, sizeof (NpImageRect));

  if (rects != NULL && rects->len > 0)
    g_array_append_vals (copy, rects->data, rects->len);
  return copy;
}

static gboolean
rect_array_equal (const GArray *a,
                  const GArray *b)
{
  guint len_a = a ? a->len : 0;
  guint len_b = b ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      const NpImageRect *ra = &g_array_index (a, NpImageRect, i);
      const NpImageRect *rb = &g_array_index (b, NpImageRect, i);

      if (ra->x != rb->x || ra->y != rb->y || ra->width != rb->width || ra->height != rb->height)
        return FALSE;
    }
  return TRUE;
}

static gboolean
point_equal (NpImagePoint a,
             NpImagePoint b)
{
  return a.x == b.x && a.y == b.y;
}

static gboolean
point_array_equal (const GArray *a,
                   const GArray *b)
{
  guint len_a = a ? a->len : 0;
  guint len_b = b ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    if (!point_equal (g_array_index (a, NpImagePoint, i), g_array_index (b, NpImagePoint, i)))
      return FALSE;
  return TRUE;
}

/**
 * np_structure_new:
 * @label: (nullable): a name shown to the user
 *
 * Returns: (transfer full): a structure with no points
 */
NpStructure *
np_structure_new (const char      *label,
                  NpStructureKind  kind,
                  NpShape          shape,
                  double           margin_mm)
{
  NpStructure *structure = g_new0 (NpStructure, 1);

  structure->label = g_strdup (label);
  structure->kind = kind;
  structure->shape = shape;
  structure->margin_mm = margin_mm;
  structure->points = point_array_new ();
  return structure;
}

NpStructure *
np_structure_copy (const NpStructure *structure)
{
  NpStructure *copy;

  g_return_val_if_fail (structure != NULL, NULL);

  copy = np_structure_new (structure->label, structure->kind, structure->shape,
                           structure->margin_mm);
  if (structure->points != NULL && structure->points->len > 0)
    g_array_append_vals (copy->points, structure->points->data, structure->points->len);
  return copy;
}

void
np_structure_free (NpStructure *structure)
{
  if (structure == NULL)
    return;
  g_free (structure->label);
  g_clear_pointer (&structure->points, g_array_unref);
  g_free (structure);
}

void
np_structure_add_point (NpStructure  *structure,
                        NpImagePoint  point)
{
  g_return_if_fail (structure != NULL);
  g_array_append_val (structure->points, point);
}

static gboolean
structure_equal (const NpStructure *a,
                 const NpStructure *b)
{
  return g_strcmp0 (a->label, b->label) == 0 && a->kind == b->kind && a->shape == b->shape
         && a->margin_mm == b->margin_mm && point_array_equal (a->points, b->points);
}

static gboolean
measurement_equal (const NpMeasurement *a,
                   const NpMeasurement *b)
{
  if (a->kind != b->kind || a->n_points != b->n_points)
    return FALSE;
  for (guint i = 0; i < MIN (a->n_points, G_N_ELEMENTS (a->points)); i++)
    if (!point_equal (a->points[i], b->points[i]))
      return FALSE;
  return TRUE;
}

/**
 * np_plan_new:
 *
 * An empty ultrasound plan: linear probe, knee, side unspecified, in-plane,
 * uncalibrated, tissue speed 1540 ± 30 m/s (SD), 1 px click error, no marks.
 *
 * Returns: (transfer full): a new plan
 */
NpPlan *
np_plan_new (void)
{
  NpPlan *plan = g_new0 (NpPlan, 1);

  plan->modality = NP_MODALITY_ULTRASOUND;
  plan->probe = NP_PROBE_LINEAR;
  plan->site = NP_SITE_KNEE;
  plan->side = NP_SIDE_UNSPECIFIED;
  plan->condition = NP_CONDITION_UNSPECIFIED;
  plan->injectate = NP_INJECTATE_UNSPECIFIED;
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  plan->view = NP_VIEW_NONE;
  plan->calibration = np_calibration_new ();
  plan->speed_of_sound_m_s = 1540.0;
  plan->speed_of_sound_sd_m_s = NP_PLAN_SPEED_OF_SOUND_SD_DEFAULT_M_S;
  plan->mark_error_px = 1.0;
  plan->skin_kind = NP_SKIN_NONE;
  plan->skin_points = point_array_new ();
  plan->structures = g_ptr_array_new_with_free_func ((GDestroyNotify) np_structure_free);
  plan->measurements = g_array_new (FALSE, TRUE, sizeof (NpMeasurement));
  plan->target_region = point_array_new ();
  plan->redactions = rect_array_copy (NULL);
  return plan;
}

/**
 * np_plan_copy:
 *
 * Returns: (transfer full): a deep copy of @plan
 */
NpPlan *
np_plan_copy (const NpPlan *plan)
{
  NpPlan *copy;

  g_return_val_if_fail (plan != NULL, NULL);

  copy = g_new0 (NpPlan, 1);
  *copy = *plan;

  copy->approach = g_strdup (plan->approach);
  copy->title = g_strdup (plan->title);
  copy->clinician = g_strdup (plan->clinician);
  copy->patient_name = g_strdup (plan->patient_name);
  copy->patient_id = g_strdup (plan->patient_id);
  copy->notes = g_strdup (plan->notes);
  copy->frame_path = g_strdup (plan->frame_path);
  copy->frame_sha256 = g_strdup (plan->frame_sha256);
  copy->frame_absolute_path = g_strdup (plan->frame_absolute_path);
  copy->dicom_sop_instance_uid = g_strdup (plan->dicom_sop_instance_uid);
  copy->second_view_path = g_strdup (plan->second_view_path);

  copy->calibration = plan->calibration ? np_calibration_copy (plan->calibration)
                                        : np_calibration_new ();
  copy->skin_points = point_array_copy (plan->skin_points);
  copy->structures = g_ptr_array_new_with_free_func ((GDestroyNotify) np_structure_free);
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    g_ptr_array_add (copy->structures, np_structure_copy (g_ptr_array_index (plan->structures, i)));
  copy->measurements = g_array_new (FALSE, TRUE, sizeof (NpMeasurement));
  if (plan->measurements != NULL && plan->measurements->len > 0)
    g_array_append_vals (copy->measurements, plan->measurements->data, plan->measurements->len);
  copy->target_region = point_array_copy (plan->target_region);
  copy->redactions = rect_array_copy (plan->redactions);
  return copy;
}

void
np_plan_free (NpPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->approach);
  g_free (plan->title);
  g_free (plan->clinician);
  g_free (plan->patient_name);
  g_free (plan->patient_id);
  g_free (plan->notes);
  g_free (plan->frame_path);
  g_free (plan->frame_sha256);
  g_free (plan->frame_absolute_path);
  g_free (plan->dicom_sop_instance_uid);
  g_free (plan->second_view_path);
  g_clear_pointer (&plan->calibration, np_calibration_free);
  g_clear_pointer (&plan->skin_points, g_array_unref);
  g_clear_pointer (&plan->structures, g_ptr_array_unref);
  g_clear_pointer (&plan->measurements, g_array_unref);
  g_clear_pointer (&plan->target_region, g_array_unref);
  g_clear_pointer (&plan->redactions, g_array_unref);
  g_free (plan);
}

/* Exact comparison of every field; an unset target or entry ignores its
 * stale coordinates. The frame's absolute path is where the frame was at
 * the last save, a hint rather than part of the plan, and is not compared. */
gboolean
np_plan_equal (const NpPlan *a,
               const NpPlan *b)
{
  guint n_structures_a, n_structures_b, n_measurements_a, n_measurements_b;

  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (a->modality != b->modality || a->probe != b->probe || a->site != b->site
      || a->side != b->side || a->condition != b->condition || a->injectate != b->injectate
      || a->volume_ml != b->volume_ml || a->technique != b->technique || a->view != b->view)
    return FALSE;
  if (g_strcmp0 (a->approach, b->approach) != 0 || g_strcmp0 (a->title, b->title) != 0
      || g_strcmp0 (a->clinician, b->clinician) != 0
      || g_strcmp0 (a->patient_name, b->patient_name) != 0
      || g_strcmp0 (a->patient_id, b->patient_id) != 0 || g_strcmp0 (a->notes, b->notes) != 0
      || g_strcmp0 (a->frame_path, b->frame_path) != 0
      || g_strcmp0 (a->frame_sha256, b->frame_sha256) != 0
      || g_strcmp0 (a->dicom_sop_instance_uid, b->dicom_sop_instance_uid) != 0
      || a->dicom_frame_number != b->dicom_frame_number)
    return FALSE;
  if (!np_calibration_equal (a->calibration, b->calibration)
      || a->speed_of_sound_m_s != b->speed_of_sound_m_s
      || a->speed_of_sound_sd_m_s != b->speed_of_sound_sd_m_s
      || a->mark_error_px != b->mark_error_px)
    return FALSE;
  if (!rect_array_equal (a->redactions, b->redactions))
    return FALSE;
  if (a->has_geometry != b->has_geometry
      || (a->has_geometry
          && (a->geometry.sid_mm != b->geometry.sid_mm
              || a->geometry.sod_mm != b->geometry.sod_mm
              || a->geometry.detector_pixel_mm[0] != b->geometry.detector_pixel_mm[0]
              || a->geometry.detector_pixel_mm[1] != b->geometry.detector_pixel_mm[1]
              || !point_equal (a->geometry.central_ray, b->geometry.central_ray))))
    return FALSE;
  if (g_strcmp0 (a->second_view_path, b->second_view_path) != 0
      || (a->second_view_path != NULL
          && (a->second_view_angle_deg != b->second_view_angle_deg
              || a->second_view_mirrored != b->second_view_mirrored)))
    return FALSE;

  if (a->has_target != b->has_target || (a->has_target && !point_equal (a->target, b->target)))
    return FALSE;
  if (a->has_entry != b->has_entry || (a->has_entry && !point_equal (a->entry, b->entry)))
    return FALSE;
  if (a->skin_kind != b->skin_kind || !point_array_equal (a->skin_points, b->skin_points))
    return FALSE;

  n_structures_a = a->structures ? a->structures->len : 0;
  n_structures_b = b->structures ? b->structures->len : 0;
  if (n_structures_a != n_structures_b)
    return FALSE;
  for (guint i = 0; i < n_structures_a; i++)
    if (!structure_equal (g_ptr_array_index (a->structures, i),
                          g_ptr_array_index (b->structures, i)))
      return FALSE;

  n_measurements_a = a->measurements ? a->measurements->len : 0;
  n_measurements_b = b->measurements ? b->measurements->len : 0;
  if (n_measurements_a != n_measurements_b)
    return FALSE;
  for (guint i = 0; i < n_measurements_a; i++)
    if (!measurement_equal (&g_array_index (a->measurements, NpMeasurement, i),
                            &g_array_index (b->measurements, NpMeasurement, i)))
      return FALSE;

  return point_array_equal (a->target_region, b->target_region)
         && rect_array_equal (a->redactions, b->redactions);
}

/**
 * np_plan_set_string:
 * @field: the address of one of the plan's string fields
 * @value: (nullable): the new text, copied
 *
 * Replaces an owned string; safe when @value points into the old string.
 */
void
np_plan_set_string (char       **field,
                    const char  *value)
{
  char *old;

  g_return_if_fail (field != NULL);

  old = *field;
  *field = g_strdup (value);
  g_free (old);
}
