/* test-planner-util.c: plans and checks shared by the planner tests
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "test-planner-util.h"

#include <string.h>

/* A linear-probe ultrasound plan, skin on the top edge (y = 0), square
 * pixels of @mm_per_px (0: not calibrated), no click error. */
NpPlan *
plan_new (double mm_per_px)
{
  NpPlan *plan = np_plan_new ();

  if (mm_per_px > 0)
    {
      np_calibration_free (plan->calibration);
      plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, mm_per_px, 0);
    }
  plan->mark_error_px = 0;
  return plan;
}

void
set_path (NpPlan *plan,
          double  entry_x,
          double  entry_y,
          double  target_x,
          double  target_y)
{
  plan->has_entry = TRUE;
  plan->entry = np_image_point (entry_x, entry_y);
  plan->has_target = TRUE;
  plan->target = np_image_point (target_x, target_y);
}

NpStructure *
add_circle (NpPlan          *plan,
            const char      *label,
            NpStructureKind  kind,
            double           cx,
            double           cy,
            double           rx,
            double           ry,
            double           margin_mm)
{
  NpStructure *structure = np_structure_new (label, kind, NP_SHAPE_ELLIPSE, margin_mm);

  np_structure_add_point (structure, np_image_point (cx, cy));
  np_structure_add_point (structure, np_image_point (rx, ry));
  g_ptr_array_add (plan->structures, structure);
  return structure;
}

NpStructure *
add_outline (NpPlan          *plan,
             const char      *label,
             NpStructureKind  kind,
             NpShape          shape,
             double           margin_mm,
             const double    *xy,
             guint            n_points)
{
  NpStructure *structure = np_structure_new (label, kind, shape, margin_mm);

  for (guint i = 0; i < n_points; i++)
    np_structure_add_point (structure, np_image_point (xy[2 * i], xy[2 * i + 1]));
  g_ptr_array_add (plan->structures, structure);
  return structure;
}

NpPlanResults *
compute (const NpPlan *plan)
{
  g_autoptr(GError) error = NULL;
  NpPlanResults *results = np_planner_compute (plan, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

gboolean
has_warning (const NpPlanResults *results,
             const char          *text)
{
  for (guint i = 0; i < results->warnings->len; i++)
    if (strstr (g_ptr_array_index (results->warnings, i), text) != NULL)
      return TRUE;
  return FALSE;
}

const NpStructureClearance *
clearance (const NpPlanResults *results,
           guint                i)
{
  g_assert_cmpuint (i, <, results->clearances->len);
  return &g_array_index (results->clearances, NpStructureClearance, i);
}

NpEntryRecommendation *
recommend (const NpPlan           *plan,
           const NpPlannerOptions *options)
{
  g_autoptr(GError) error = NULL;
  NpEntryRecommendation *rec = np_planner_recommend_entry (plan, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rec);
  return rec;
}
