/* np-planner.c: from a plan to depth, path, angle, clearance and needle (one view)
 *
 * The planner is split by concern behind np-planner-private.h:
 *   np-planner.c              single-view compute (this file)
 *   np-planner-space.c        physical space, skin line, structures, input checks,
 *                             options and the field of view
 *   np-planner-needle.c       needle table, walk-down offset, visibility
 *   np-planner-two-view.c     two-view fluoroscopy and its intervals
 *   np-planner-uncertainty.c  Monte Carlo and first-order intervals
 *   np-planner-recommend.c    the entry optimizer
 *   np-planner-results.c      NpPlanResults and its JSON
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
#include <string.h>

/* An entry this far from the skin line (mm, or px uncalibrated) is flagged. */
#define ENTRY_OFF_SKIN 2.0
/* Rays of two fluoroscopic views that miss each other by more than this (mm)
 * probably do not show the same points. */
#define TWO_VIEW_MISMATCH_MM 2.0

static void add_warning (NpPlanResults *results,
                         const char    *format,
                         ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (NpPlanResults *results,
             const char    *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (results->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
compute_clearances (const Context *ctx,
                    NpMmPoint      a,
                    NpMmPoint      b,
                    NpPlanResults *results)
{
  const NpPlan *plan = ctx->plan;
  double nearest = G_MAXDOUBLE;

  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      NpStructureClearance c = { 0 };
      NpMmPoint on_ab, on_ob;

      c.label = np_planner_structure_name (structure);
      c.kind = structure->kind;
      c.margin_mm = structure->margin_mm;
      if (!ob->usable)
        {
          add_warning (results, _("The %s has no outline and is not checked"), c.label);
          g_free (c.label);
          continue;
        }
      c.clearance = np_planner_obstacle_clearance (ctx, ob, a, b, &on_ab, &on_ob);
      c.entered = c.clearance <= 0;
      c.within_margin = ctx->space.calibrated && c.clearance < structure->margin_mm;
      c.on_path = np_planner_to_image (&ctx->space, on_ab);
      c.on_structure = np_planner_to_image (&ctx->space, on_ob);

      if (c.entered)
        {
          if (ctx->space.calibrated && structure->margin_mm > 0)
            add_warning (results, _("Path crosses the %s; its margin is %g mm"), c.label,
                         structure->margin_mm);
          else
            add_warning (results, _("Path crosses the %s"), c.label);
        }
      else if (c.within_margin)
        add_warning (results, _("Path passes %.1f mm from the %s; its margin is %g mm"),
                     c.clearance, c.label, structure->margin_mm);

      g_array_append_val (results->clearances, c);
      if (c.clearance < nearest)
        {
          nearest = c.clearance;
          results->nearest = results->clearances->len - 1;
        }
    }
}

/* The value in px of a measurement the region rule keeps out of mm; a
 * depth needs the skin line in mm space and has none. */
static void
compute_measurement_px (const NpMeasurement *m,
                        NpMeasurementValue  *value)
{
  const NpImagePoint *q = m->points;

  value->outside_region = TRUE;
  value->valid = FALSE;
  if (m->kind == NP_MEASURE_DISTANCE && m->n_points == 2)
    value->value_px = hypot (q[1].x - q[0].x, q[1].y - q[0].y);
}

static void
compute_measurements (const Context *ctx,
                      NpPlanResults *results)
{
  const NpPlan *plan = ctx->plan;

  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);
      NpMeasurementValue value = { m->kind, FALSE, NAN, FALSE, NULL, NAN };
      NpMmPoint p[3];
      guint n = MIN (m->n_points, 3u);
      int region = ctx->region;

      for (guint j = 0; j < n; j++)
        p[j] = np_planner_to_phys (&ctx->space, m->points[j]);

      if (ctx->space.calibrated && np_calibration_get_n_regions (plan->calibration) > 0)
        {
          region = np_calibration_find_region (plan->calibration, m->points, n,
                                               &value.outside_reason);
          if (region >= 0 && region != ctx->region && m->kind == NP_MEASURE_DEPTH)
            value.outside_reason =
              g_strdup_printf (_("the point lies in ultrasound region %u, the skin line in "
                               "region %u"), np_calibration_get_region (plan->calibration,
                                                                       (guint) region)->number,
                               np_calibration_get_region (plan->calibration,
                                                          (guint) ctx->region)->number);
          if (value.outside_reason != NULL)
            {
              compute_measurement_px (m, &value);
              add_warning (results, _("Measurement %u (%s) is in px: %s"), i + 1,
                           np_measure_kind_to_string (m->kind), value.outside_reason);
              g_array_append_val (results->measurements, value);
              continue;
            }
          /* Its own region's pixel size, with the space's sound-speed factor. */
          if (region != ctx->region)
            for (guint j = 0; j < n; j++)
              {
                const NpCalibrationRegion *r = np_calibration_get_region (plan->calibration,
                                                                          (guint) region);
                p[j] = np_mm_point (m->points[j].x * r->mm_per_px_x,
                                    m->points[j].y * r->mm_per_px_y * ctx->space.k);
              }
        }

      /* A millimetre value is only as good as the region the calibration
       * holds in; pixels need no calibration, so they are never flagged. */
      for (guint j = 0; ctx->space.calibrated && np_calibration_get_n_regions (plan->calibration) == 0
                        && j < n; j++)
        if (!np_calibration_contains (plan->calibration, m->points[j]))
          {
            const NpImageRect *r = &plan->calibration->region;

            value.outside_region = TRUE;
            value.outside_reason =
              g_strdup_printf (_("point %u of %u lies outside the region the calibration is valid "
                               "for (x %g–%g px, y %g–%g px)"), j + 1, m->n_points, r->x,
                               r->x + r->width, r->y, r->y + r->height);
            add_warning (results, _("Measurement %u (%s): %s; its value may be wrong"), i + 1,
                         np_measure_kind_to_string (m->kind), value.outside_reason);
            break;
          }

      switch (m->kind)
        {
        case NP_MEASURE_DISTANCE:
          if (m->n_points == 2)
            {
              value.value = np_geometry_distance (p[0], p[1]);
              value.valid = TRUE;
            }
          break;

        case NP_MEASURE_ANGLE:
          if (m->n_points == 3)
            {
              double ax = p[0].x - p[1].x, ay = p[0].y - p[1].y;
              double bx = p[2].x - p[1].x, by = p[2].y - p[1].y;

              value.value = atan2 (fabs (ax * by - ay * bx), ax * bx + ay * by) * RAD_TO_DEG;
              value.valid = hypot (ax, ay) > 0 && hypot (bx, by) > 0;
            }
          break;

        case NP_MEASURE_DEPTH:
          if (m->n_points == 1 && ctx->space.skin != SKIN_MISSING)
            {
              value.value = np_planner_skin_closest (&ctx->space, p[0], NULL, NULL, NULL);
              value.valid = TRUE;
            }
          break;

        default:
          break;
        }
      g_array_append_val (results->measurements, value);
    }
}

static void
compute_ultrasound_path (const Context          *ctx,
                         const NpPlannerOptions *options,
                         NpPlanResults          *results)
{
  const NpPlan *plan = ctx->plan;
  const Space *space = &ctx->space;
  NpMmPoint target = np_planner_to_phys (space, plan->target);
  NpMmPoint entry, tangent, foot;
  NpImageRect field;
  gboolean has_field = np_planner_field_of_view (plan, options, &field);

  if (plan->technique == NP_TECHNIQUE_OUT_OF_PLANE)
    {
      double angle;

      if (!results->has_depth)
        return;
      angle = np_planner_walkdown_angle (ctx, options);
      results->has_walkdown = TRUE;
      results->walkdown_angle_deg = angle;
      results->walkdown_offset = np_planner_walkdown_offset (results->depth, angle);
      results->has_path = TRUE;
      results->path_length = results->depth / sin (angle * DEG_TO_RAD);
      results->has_angle = TRUE;
      results->insertion_angle_deg = angle;
      /* The needle runs in the plane across the probe through the beam line
       * above the target: in this image it projects onto skin foot → target. */
      np_planner_skin_closest (space, target, &foot, NULL, NULL);
      compute_clearances (ctx, foot, target, results);
      return;
    }

  if (!plan->has_entry)
    {
      add_warning (results, _("No entry marked"));
      return;
    }
  if (np_planner_path_too_short (plan))
    {
      add_warning (results, _("The entry is less than a pixel from the target: there is no path, "
                            "angle or needle until the entry is marked on the skin"));
      return;
    }

  entry = np_planner_to_phys (space, plan->entry);
  results->has_path = TRUE;
  results->path_length = np_geometry_distance (entry, target);

  if (space->skin != SKIN_MISSING)
    {
      double off_skin = np_planner_skin_closest (space, entry, NULL, &tangent, NULL);

      if (results->path_length > 0)
        {
          results->has_angle = TRUE;
          results->insertion_angle_deg =
            np_geometry_line_angle_deg (np_mm_point (target.x - entry.x, target.y - entry.y),
                                        tangent);
        }
      if (off_skin > ENTRY_OFF_SKIN)
        add_warning (results, _("The entry is %.1f %s off the skin line"), off_skin, results->unit);
      else if (space->skin == SKIN_ARC)
        {
          double s;

          np_planner_skin_closest (space, entry, NULL, NULL, &s);
          /* Beside a curvilinear probe the skin is the straight line through
           * the arc's ends: the angle and the depths are taken to that line,
           * which the overlay draws from the arc's end to the entry. */
          if (s < space->arc_lo || s > space->arc_hi)
            add_warning (results, _("The entry lies beside the probe, on the skin's straight "
                                  "continuation past the end of the marked arc: the angle is "
                                  "taken to that line, drawn from the arc's end to the entry"));
        }
    }

  compute_clearances (ctx, entry, target, results);

  if (plan->technique != NP_TECHNIQUE_IN_PLANE)
    return;

  {
    double lo, hi, s;
    double off_skin = np_planner_skin_closest (space, entry, NULL, NULL, &s);

    if (np_planner_probe_footprint (ctx, options, &lo, &hi) && s > lo && s < hi
        && off_skin <= ENTRY_OFF_SKIN)
      add_warning (results, _("In plane, the needle enters at the end of the probe, but the entry "
                            "lies under the probe"));
  }

  if (has_field)
    {
      double t_enter, t_exit;
      NpMmPoint e = np_mm_point (plan->entry.x, plan->entry.y);
      NpMmPoint t = np_mm_point (plan->target.x, plan->target.y);

      if (np_geometry_clip_segment_to_rect (e, t, field.x, field.y, field.x + field.width,
                                            field.y + field.height, &t_enter, &t_exit))
        {
          results->has_fov_entry = TRUE;
          results->fov_entry = np_image_point (e.x + t_enter * (t.x - e.x),
                                               e.y + t_enter * (t.y - e.y));
          results->fov_entry_depth = space->skin != SKIN_MISSING
            ? np_planner_skin_closest (space, np_planner_to_phys (space, results->fov_entry), NULL,
                                       NULL, NULL)
            : NAN;
          results->has_fov_entry = isfinite (results->fov_entry_depth);
        }
      else
        add_warning (results, _("The path never enters the field of view"));
    }

  if (results->has_angle)
    {
      results->visibility = np_planner_visibility_for_angle (results->insertion_angle_deg);
      if (results->visibility == NP_VISIBILITY_CAUTION)
        add_warning (results, _("Needle at %.0f° to the skin: in-plane visibility is reduced "
                              "(caution above 30°)"), results->insertion_angle_deg);
      else if (results->visibility == NP_VISIBILITY_POOR)
        add_warning (results, _("Needle at %.0f° to the skin: the shaft will be hard to see in "
                              "plane (poor above 50°)"), results->insertion_angle_deg);
    }
}

static void
compute_fluoroscopy_path (const Context          *ctx,
                          const NpFluoroTwoViews *two_views,
                          NpPlanResults          *results)
{
  const NpPlan *plan = ctx->plan;
  NpMmPoint target = np_planner_to_phys (&ctx->space, plan->target);

  if (two_views != NULL)
    {
      results->has_depth = TRUE;
      results->depth = two_views->depth_mm;
      results->skin_foot = plan->has_entry ? plan->entry : plan->target;
      results->has_path = TRUE;
      results->path_length = two_views->path_length_mm;
      if (two_views->rms_residual_mm > TWO_VIEW_MISMATCH_MM)
        add_warning (results, _("The two views disagree by %.1f mm: check that both show the same "
                              "target and entry"), two_views->rms_residual_mm);
      if (!two_views->cone_beam)
        add_warning (results, _("Each view is taken as a parallel projection at its calibrated "
                              "plane (no source-to-image and source-to-object distances in the "
                              "plans): the intervals allow the target and entry to lie up to "
                              "40 mm off that plane at 725 mm from the source"));
    }
  else if (plan->view == NP_VIEW_LATERAL)
    {
      /* A lateral is itself the second view of an AP + lateral pair: depth
       * comes from the two together, not from yet another view. */
      results->second_view_of_pair = TRUE;
      add_warning (results, _("Depth comes from this lateral view and its AP view together "
                            "(needleplan-cli plan AP --second-view LATERAL): one projection "
                            "alone has no depth"));
    }
  else
    add_warning (results, _("Depth needs a second view: one fluoroscopic projection has no depth"));

  if (!plan->has_entry)
    {
      add_warning (results, _("No entry marked"));
      return;
    }

  {
    NpMmPoint entry = np_planner_to_phys (&ctx->space, plan->entry);
    double angle = atan2 (-(target.y - entry.y), target.x - entry.x) * RAD_TO_DEG;

    results->has_projection = TRUE;
    results->projected_path_length = np_geometry_distance (entry, target);
    results->projected_angle_deg = fmod (angle + 360.0, 180.0);
    compute_clearances (ctx, entry, target, results);
  }
}

NpPlanResults *
np_planner_compute_with_views (const NpPlan            *plan,
                               const NpPlannerOptions  *options,
                               const NpFluoroTwoViews  *two_views,
                               double                   views_angle_deg,
                               GError                 **error)
{
  NpPlannerOptions defaults;
  Context ctx;
  NpPlanResults *results;
  gboolean ultrasound = plan->modality == NP_MODALITY_ULTRASOUND;

  if (options == NULL)
    {
      np_planner_options_init (&defaults);
      options = &defaults;
    }
  if (!np_planner_validate_plan (plan, error))
    return NULL;

  np_planner_context_init (&ctx, plan);
  results = np_plan_results_new ();
  results->calibrated = ctx.space.calibrated;
  results->unit = ctx.space.calibrated ? "mm" : "px";
  results->speed_of_sound_m_s = ultrasound ? plan->speed_of_sound_m_s : 0;
  results->approach = ctx.approach != NULL ? ctx.approach->id : NULL;
  results->gauges = np_approach_gauges_for (ctx.approach, plan->site, plan->injectate);

  if (ctx.region_problem != NULL)
    add_warning (results, _("Values are in pixels: %s"), ctx.region_problem);
  else if (!ctx.space.calibrated)
    {
      add_warning (results, _("Frame is not calibrated: values are in pixels"));
      if (plan->structures != NULL && plan->structures->len > 0)
        add_warning (results, _("Safety margins are in millimetres and cannot be checked without "
                              "a calibration"));
    }
  if (plan->approach != NULL && *plan->approach != '\0' && ctx.approach == NULL)
    add_warning (results, _("Unknown approach “%s”: generic angle limits and margins are used"),
                 plan->approach);
  if (ultrasound && ctx.space.calibrated
      && (plan->speed_of_sound_m_s < NP_PLANNER_SPEED_MIN_M_S
          || plan->speed_of_sound_m_s > NP_PLANNER_SPEED_MAX_M_S))
    add_warning (results, _("Tissue speed of %g m/s is outside the usual 1450–1600 m/s"),
                 plan->speed_of_sound_m_s);
  if (ultrasound && ctx.space.skin == SKIN_MISSING)
    add_warning (results, _("Depth cannot be computed: %s"), ctx.space.skin_problem);
  if (ultrasound && plan->probe == NP_PROBE_CURVILINEAR && plan->skin_kind == NP_SKIN_NONE)
    add_warning (results, _("Curvilinear probe without a skin arc: the top edge of the image is "
                          "used as the skin line; mark the arc for a true depth"));

  np_planner_add_outline_warnings (plan, results->warnings);
  if (!plan->has_target)
    add_warning (results, _("No target marked"));
  else
    {
      if (ctx.space.calibrated && np_calibration_get_n_regions (plan->calibration) == 0
          && !np_calibration_contains (plan->calibration, plan->target))
        add_warning (results, _("Target is outside the calibrated region"));

      if (ultrasound && ctx.space.skin != SKIN_MISSING)
        {
          NpMmPoint foot;

          results->depth = np_planner_skin_closest (&ctx.space,
                                                    np_planner_to_phys (&ctx.space, plan->target),
                                                    &foot, NULL, NULL);
          results->skin_foot = np_planner_to_image (&ctx.space, foot);
          results->has_depth = TRUE;
        }

      if (ultrasound)
        compute_ultrasound_path (&ctx, options, results);
      else
        compute_fluoroscopy_path (&ctx, two_views, results);

      if (results->has_path && ctx.space.calibrated)
        {
          np_planner_choose_needle (results);
          if (!results->has_needle)
            add_warning (results, _("No standard needle is long enough: the path is %.1f mm and "
                                  "the longest standard needle (178 mm) must keep 10 mm outside "
                                  "the skin"), results->path_length);
        }
    }

  if (two_views != NULL)
    {
      results->has_two_views = TRUE;
      results->views_angle_deg = views_angle_deg;
      results->two_views = *two_views;
    }

  compute_measurements (&ctx, results);
  np_planner_context_clear (&ctx);
  return results;
}

/**
 * np_planner_compute:
 * @options: (nullable): field of view and walk-down angle; NULL for defaults
 *
 * Everything but the uncertainty (which is slower; see
 * np_planner_estimate_uncertainty). Missing marks are not errors: the values
 * that need them are left out and a warning says why.
 *
 * Returns: (transfer full) (nullable): the results, or NULL with @error set
 *   for values that make no sense (a negative speed of sound, a point at
 *   infinity)
 */
NpPlanResults *
np_planner_compute (const NpPlan            *plan,
                    const NpPlannerOptions  *options,
                    GError                 **error)
{
  g_return_val_if_fail (plan != NULL && plan->calibration != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return np_planner_compute_with_views (plan, options, NULL, 0, error);
}
