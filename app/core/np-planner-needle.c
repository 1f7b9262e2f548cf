/* np-planner-needle.c: standard needles, walk-down offset and in-plane visibility
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include <math.h>

/* Standard hypodermic and spinal needle lengths. */
static const guint needle_lengths_mm[] = { 16, 25, 38, 50, 63, 89, 127, 152, 178 };
static const double needle_lengths_inch[] = { 0.625, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0, 6.0, 7.0 };

/**
 * np_planner_needle_for_path:
 * @path_mm: needle inside the body, skin to target
 * @inch: (out) (optional): the length in inches
 *
 * Returns: the shortest standard length that leaves at least 10 mm outside
 *   the skin, or 0 when even the longest (178 mm) is too short
 */
guint
np_planner_needle_for_path (double  path_mm,
                            double *inch)
{
  g_return_val_if_fail (isfinite (path_mm) && path_mm >= 0, 0);

  for (gsize i = 0; i < G_N_ELEMENTS (needle_lengths_mm); i++)
    {
      /* The tolerance absorbs rounding in a length computed from clicks: a
       * 28 mm path takes the 38 mm needle. */
      if (needle_lengths_mm[i] + 1e-9 >= path_mm + NP_PLANNER_NEEDLE_OUTSIDE_MM)
        {
          if (inch != NULL)
            *inch = needle_lengths_inch[i];
          return needle_lengths_mm[i];
        }
    }
  if (inch != NULL)
    *inch = 0;
  return 0;
}

/* The needle covers the path's 95 % upper end when the interval is known
 * (a needle chosen from the point estimate is too short for about one plan
 * in 40), else the path itself; 10 mm stay outside the skin either way. */
void
np_planner_choose_needle (NpPlanResults *results)
{
  gboolean fitted_before = results->has_needle;

  results->has_needle = FALSE;
  results->needle_from_interval = FALSE;
  if (!results->has_path || !results->calibrated)
    return;
  results->needle_from_interval = results->has_path_ci
                                  && isfinite (results->path_length_ci95[1]);
  results->needle_basis = results->needle_from_interval
                          ? MAX (results->path_length_ci95[1], results->path_length)
                          : results->path_length;
  results->needle_mm = np_planner_needle_for_path (results->needle_basis, &results->needle_inch);
  results->has_needle = results->needle_mm > 0;
  if (!results->has_needle && fitted_before)
    g_ptr_array_add (results->warnings,
                     g_strdup_printf (_("No standard needle is long enough: the upper end of the "
                                      "path's 95 %% interval is %.1f mm and the longest standard "
                                      "needle (%u mm) must keep 10 mm outside the skin"),
                                      results->needle_basis, np_planner_longest_needle_mm ()));
}

/* Out of plane the needle meets the imaging plane at the target's depth D
 * when it enters D / tan(angle) from the probe (walk-down technique). */
double
np_planner_walkdown_offset (double depth,
                            double angle_deg)
{
  g_return_val_if_fail (angle_deg > 0 && angle_deg <= 90, NAN);

  if (angle_deg == 90)
    return 0;
  return depth / tan (angle_deg * DEG_TO_RAD);
}

/* In-plane visibility falls as the needle steepens (less of the echo comes
 * back to the probe). Up to 30° is good; 30–40° is not covered by the
 * published bands, and is called caution here: a label of "good" that the
 * guidance does not back is the riskier mistake. Above 50° poor. */
NpVisibility
np_planner_visibility_for_angle (double angle_deg)
{
  if (!isfinite (angle_deg))
    return NP_VISIBILITY_NOT_APPLICABLE;
  if (angle_deg <= NP_PLANNER_VISIBILITY_GOOD_MAX_DEG)
    return NP_VISIBILITY_GOOD;
  if (angle_deg <= NP_PLANNER_VISIBILITY_CAUTION_MAX_DEG)
    return NP_VISIBILITY_CAUTION;
  return NP_VISIBILITY_POOR;
}

const char *
np_visibility_to_string (NpVisibility visibility)
{
  switch (visibility)
    {
    case NP_VISIBILITY_GOOD:
      return "good";
    case NP_VISIBILITY_CAUTION:
      return "caution";
    case NP_VISIBILITY_POOR:
      return "poor";
    case NP_VISIBILITY_NOT_APPLICABLE:
    default:
      return NULL;
    }
}

guint
np_planner_longest_needle_mm (void)
{
  /* NOLINTNEXTLINE(bugprone-integer-division): G_N_ELEMENTS divides sizes for an index */
  return needle_lengths_mm[G_N_ELEMENTS (needle_lengths_mm) - 1];
}
