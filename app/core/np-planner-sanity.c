/* np-planner-sanity.c: implausible calibrations and degenerate geometry in words
 *
 * A pixel size far outside what any imaging system gives, an entry on the
 * target, a skin line whose points coincide or an outline with too few
 * points yield numbers that look like results ("path 0.0 mm, needle
 * 16 mm"). These checks turn them into a refusal or a warning before any
 * number is shown.
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <math.h>

/**
 * np_planner_check_scale:
 *
 * A calibrated pixel size must lie in NP_PLANNER_MM_PER_PX_MIN to
 * NP_PLANNER_MM_PER_PX_MAX mm/px on both axes, with the larger at most
 * NP_PLANNER_PIXEL_RATIO_MAX times the smaller: ultrasound and fluoroscopy
 * frames lie well inside, and outside it every length is either 0.0 mm or
 * metres.
 *
 * Returns: FALSE with @error set for a pixel size outside that range
 */
gboolean
np_planner_check_scale (const NpPlan  *plan,
                        GError       **error)
{
  const NpCalibration *cal = plan->calibration;
  double x, y;

  if (!np_calibration_is_calibrated (cal))
    return TRUE;
  x = cal->mm_per_px_x;
  y = cal->mm_per_px_y;
  if (!(x >= NP_PLANNER_MM_PER_PX_MIN && x <= NP_PLANNER_MM_PER_PX_MAX
        && y >= NP_PLANNER_MM_PER_PX_MIN && y <= NP_PLANNER_MM_PER_PX_MAX))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The pixel size %g × %g mm/px is outside the plausible %g–%g mm/px: "
                   "check the calibration"), x, y, NP_PLANNER_MM_PER_PX_MIN,
                   NP_PLANNER_MM_PER_PX_MAX);
      return FALSE;
    }
  if (MAX (x, y) > NP_PLANNER_PIXEL_RATIO_MAX * MIN (x, y))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The pixel size %g × %g mm/px is more than %g times larger on one axis "
                   "than on the other: check the calibration"), x, y,
                   NP_PLANNER_PIXEL_RATIO_MAX);
      return FALSE;
    }
  return TRUE;
}

/**
 * np_planner_path_too_short:
 *
 * Returns: TRUE when the entry lies less than a pixel from the target (on
 *   it, or closer than a click can tell): there is no path to measure
 */
gboolean
np_planner_path_too_short (const NpPlan *plan)
{
  return plan->has_entry && plan->has_target
         && hypot (plan->entry.x - plan->target.x, plan->entry.y - plan->target.y) < 1.0;
}

/**
 * np_planner_add_outline_warnings:
 *
 * A warning for every structure with fewer points than its shape needs: an
 * ellipse needs its centre and its radii, a polygon three corners, a line
 * two points.
 */
void
np_planner_add_outline_warnings (const NpPlan  *plan,
                                 GPtrArray     *warnings)
{
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      guint n = structure->points != NULL ? structure->points->len : 0;
      guint needed = structure->shape == NP_SHAPE_POLYGON ? 3 : 2;
      g_autofree char *name = NULL;

      if (n >= needed)
        continue;
      name = np_planner_structure_name (structure);
      if (structure->shape == NP_SHAPE_ELLIPSE || n == 0)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("The %s (%s) has %u point%s, fewer than the %u it "
                                          "needs: it is left out of the clearances"), name,
                                          np_shape_to_string (structure->shape), n,
                                          n == 1 ? "" : "s", needed));
      else
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("The %s (%s) has %u point%s, fewer than the %u it "
                                          "needs: its clearance is measured to %s"), name,
                                          np_shape_to_string (structure->shape), n,
                                          n == 1 ? "" : "s", needed,
                                          n == 1 ? _("that point") : _("the line between them")));
    }
}
