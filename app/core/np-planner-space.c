/* np-planner-space.c: the planner's physical space, skin line, structures and input checks
 *
 * Image px to millimetres (with the sound-speed correction along the beam),
 * the skin line (top edge, polyline or fitted arc) and depth to it, the
 * structures to avoid as obstacles with their clearance, the checks of
 * user input every planner entry point runs, and the options' field of view.
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include "np-circle-fit.h"
#include "np-error.h"

#include <math.h>
#include <string.h>

/* An ellipse on a curvilinear frame is bent by the radial sound-speed
 * correction, so it is followed as a polygon of this many sides there; the
 * chord error is below 0.03 % of its radius. */
#define ELLIPSE_SIDES 128
/* Clicks beyond a million pixels are not on any frame we open. */
#define MAX_COORDINATE_PX 1e6
/* A margin-0 structure may be touched where the needle ends (mm, or px). */
#define TIP_ALLOWANCE 1.0
/* ... and must otherwise not be met: the least clearance that counts as apart. */
#define TOUCH_CLEARANCE 1e-6

/* ------------------------------------------------------------------------ */
/* Physical space                                                            */
/* ------------------------------------------------------------------------ */


void
np_planner_space_init (Space *space)
{
  memset (space, 0, sizeof *space);
  space->skin_points = g_array_new (FALSE, FALSE, sizeof (NpMmPoint));
}

void
np_planner_space_clear (Space *space)
{
  g_clear_pointer (&space->skin_points, g_array_unref);
}

NpMmPoint
np_planner_to_phys (const Space  *space,
                    NpImagePoint  p)
{
  NpMmPoint q = np_mm_point (p.x * space->sx, p.y * space->sy);

  if (space->radial)
    {
      double dx = q.x - space->centre.x;
      double dy = q.y - space->centre.y;
      double r = hypot (dx, dy);
      double r_true;

      if (r == 0)
        return q;
      r_true = MAX (0.0, space->radius + space->k * (r - space->radius));
      return np_mm_point (space->centre.x + dx * r_true / r, space->centre.y + dy * r_true / r);
    }
  q.y *= space->k;
  return q;
}

NpImagePoint
np_planner_to_image (const Space *space,
                     NpMmPoint    q)
{
  if (space->radial)
    {
      double dx = q.x - space->centre.x;
      double dy = q.y - space->centre.y;
      double r_true = hypot (dx, dy);

      if (r_true > 0)
        {
          double r = space->radius + (r_true - space->radius) / space->k;

          q = np_mm_point (space->centre.x + dx * r / r_true, space->centre.y + dy * r / r_true);
        }
      return np_image_point (q.x / space->sx, q.y / space->sy);
    }
  return np_image_point (q.x / space->sx, q.y / (space->sy * space->k));
}

/* Skin coordinate R · φ of the direction of @p from the arc's centre. */
static double
arc_param (const Space *space,
           NpMmPoint    p)
{
  double angle = atan2 (p.y - space->centre.y, p.x - space->centre.x);

  return space->radius * (space->arc_reference + remainder (angle - space->arc_reference, 2 * G_PI));
}

static NpMmPoint
arc_point (const Space *space,
           double       param,
           NpMmPoint   *tangent)
{
  double phi = param / space->radius;

  if (tangent != NULL)
    *tangent = np_mm_point (-sin (phi), cos (phi));
  return np_mm_point (space->centre.x + space->radius * cos (phi),
                      space->centre.y + space->radius * sin (phi));
}

/* The straight skin beyond one end of the arc: its start and its outward
 * unit direction (along the line through both ends). */
static NpMmPoint
arc_continuation (const Space *space,
                  gboolean     high_end,
                  NpMmPoint   *direction)
{
  NpMmPoint lo = arc_point (space, space->arc_lo, NULL);
  NpMmPoint hi = arc_point (space, space->arc_hi, NULL);
  double length = np_geometry_distance (lo, hi);
  double sign = high_end ? 1 : -1;

  *direction = length > 0 ? np_mm_point (sign * (hi.x - lo.x) / length,
                                         sign * (hi.y - lo.y) / length)
                          : np_mm_point (sign, 0);
  return high_end ? hi : lo;
}

void
np_planner_space_setup (Space              *space,
                        const NpPlan       *plan,
                        double              sx,
                        double              sy,
                        double              speed,
                        const NpImagePoint *skin,
                        guint               n_skin)
{
  const NpCalibration *cal = plan->calibration;
  int region = np_planner_plan_region (plan, NULL);

  /* The region rule: the plan's marks in no one region of the calibration's
   * list put it in px; in region r, the calibration's (perhaps perturbed)
   * pixel size is scaled to r's. */
  if (region > 0)
    {
      const NpCalibrationRegion *r = np_calibration_get_region (cal, (guint) region);

      sx *= r->mm_per_px_x / cal->mm_per_px_x;
      sy *= r->mm_per_px_y / cal->mm_per_px_y;
    }
  space->calibrated = np_calibration_is_calibrated (cal) && region >= 0;
  space->ultrasound = plan->modality == NP_MODALITY_ULTRASOUND;
  space->sx = space->calibrated ? sx : 1;
  space->sy = space->calibrated ? sy : 1;
  /* Pixels stay pixels: the sound-speed correction is a millimetre matter. */
  space->k = space->calibrated && space->ultrasound ? speed / NP_PLANNER_SPEED_ASSUMED_M_S : 1;
  space->radial = FALSE;
  space->skin = SKIN_MISSING;
  space->skin_problem = NULL;
  g_array_set_size (space->skin_points, 0);

  switch (plan->skin_kind)
    {
    case NP_SKIN_NONE:
      if (space->ultrasound)
        space->skin = SKIN_TOP_EDGE;
      else
        space->skin_problem = _("no skin line is marked");
      break;

    case NP_SKIN_POLYLINE:
      if (n_skin < 2)
        {
          space->skin_problem = _("the skin line needs at least two points");
          break;
        }
      for (guint i = 0; i < n_skin; i++)
        {
          NpMmPoint q = np_planner_to_phys (space, skin[i]);
          g_array_append_val (space->skin_points, q);
        }
      /* Points all in one place give no direction to measure depth from. */
      if (np_geometry_polyline_length ((const NpMmPoint *) space->skin_points->data,
                                       n_skin) <= 0)
        {
          space->skin_problem = _("the skin line's points all lie at one place");
          break;
        }
      space->skin = SKIN_POLYLINE;
      break;

    case NP_SKIN_ARC:
      {
        g_autoptr(GArray) scaled = NULL;
        g_autofree NpMmPoint *mm = NULL;
        g_autoptr(NpCircleFit) fit = NULL;
        gboolean fitted = FALSE;

        if (n_skin < NP_CIRCLE_FIT_MIN_POINTS)
          {
            space->skin_problem = _("the skin arc needs at least three points");
            break;
          }
        /* Both fitters only need a Euclidean plane: fitting in millimetres
         * keeps the arc a circle in physical space with anisotropic pixels. */
        scaled = g_array_sized_new (FALSE, FALSE, sizeof (NpImagePoint), n_skin);
        mm = g_new (NpMmPoint, n_skin);
        for (guint i = 0; i < n_skin; i++)
          {
            NpImagePoint q = np_image_point (skin[i].x * space->sx, skin[i].y * space->sy);

            g_array_append_val (scaled, q);
            mm[i] = np_mm_point (q.x, q.y);
          }
        /* Three points fix the circle in closed form; more clicks get the
         * geometric least-squares fit, with the closed form as fallback. */
        if (space->circle_given)
          {
            space->centre = space->given_centre;
            space->radius = space->given_radius;
            fitted = space->radius > 0;
          }
        else
          {
            if (n_skin > NP_CIRCLE_FIT_MIN_POINTS)
              fit = np_circle_fit (scaled, NULL);
            if (fit != NULL)
              {
                space->centre = np_mm_point (fit->centre.x, fit->centre.y);
                space->radius = fit->radius_px;
                fitted = TRUE;
              }
            else
              fitted = np_geometry_circle_through_points (mm, n_skin, &space->centre,
                                                          &space->radius);
          }
        if (!fitted)
          {
            space->skin_problem = _("the skin arc points do not define a circle");
            break;
          }
        {
          double mean_x = 0, mean_y = 0;

          for (guint i = 0; i < n_skin; i++)
            {
              double angle = atan2 (mm[i].y - space->centre.y, mm[i].x - space->centre.x);

              mean_x += cos (angle);
              mean_y += sin (angle);
            }
          space->arc_reference = atan2 (mean_y, mean_x);
          space->arc_lo = G_MAXDOUBLE;
          space->arc_hi = -G_MAXDOUBLE;
          for (guint i = 0; i < n_skin; i++)
            {
              double s = arc_param (space, mm[i]);

              space->arc_lo = MIN (space->arc_lo, s);
              space->arc_hi = MAX (space->arc_hi, s);
            }
        }
        space->radial = TRUE;
        space->skin = SKIN_ARC;
      }
      break;

    default:
      space->skin_problem = _("the skin line kind is unknown");
      break;
    }
}

/* Distance from @p to the skin (its depth); NAN without a skin line.
 * @param is the skin coordinate of the foot: x for the top edge, arc length
 * along a polyline or a skin arc. */
double
np_planner_skin_closest (const Space *space,
                         NpMmPoint    p,
                         NpMmPoint   *foot,
                         NpMmPoint   *tangent,
                         double      *param)
{
  NpMmPoint f = p, t = np_mm_point (1, 0);
  double s = 0, d = NAN;

  switch (space->skin)
    {
    case SKIN_TOP_EDGE:
      f = np_mm_point (p.x, 0);
      s = p.x;
      d = fabs (p.y);
      break;

    case SKIN_POLYLINE:
      d = np_geometry_polyline_closest (p, (const NpMmPoint *) space->skin_points->data,
                                        space->skin_points->len, TRUE, &f, &t, &s);
      break;

    case SKIN_ARC:
      {
        double r = np_geometry_distance (p, space->centre);
        double along = r > 0 ? arc_param (space, p) : (space->arc_lo + space->arc_hi) / 2;

        /* The nearest point of the arc is radial in the probe's sector (the
         * depth along the beam) and an end of the arc outside it, which the
         * straight continuations start from; the skin is the nearer of the
         * three, so the depth is continuous everywhere. */
        if (along >= space->arc_lo && along <= space->arc_hi)
          {
            f = arc_point (space, along, &t);
            s = along;
            d = fabs (r - space->radius);
          }
        for (int end = 0; end < 2; end++)
          {
            NpMmPoint out;
            NpMmPoint start = arc_continuation (space, end == 1, &out);
            double u = MAX (0.0, (p.x - start.x) * out.x + (p.y - start.y) * out.y);
            NpMmPoint q = np_mm_point (start.x + u * out.x, start.y + u * out.y);
            double dq = np_geometry_distance (p, q);

            if (!(dq >= d))
              {
                d = dq;
                f = q;
                t = out;
                s = end == 1 ? space->arc_hi + u : space->arc_lo - u;
              }
          }
      }
      break;

    case SKIN_MISSING:
    default:
      break;
    }

  if (foot != NULL)
    *foot = f;
  if (tangent != NULL)
    *tangent = t;
  if (param != NULL)
    *param = s;
  return d;
}

NpMmPoint
np_planner_skin_at (const Space *space,
                    double       param,
                    NpMmPoint   *tangent)
{
  NpMmPoint t = np_mm_point (1, 0), p = np_mm_point (param, 0);

  switch (space->skin)
    {
    case SKIN_POLYLINE:
      p = np_geometry_polyline_at ((const NpMmPoint *) space->skin_points->data,
                                   space->skin_points->len, param, &t);
      break;

    case SKIN_ARC:
      if (param >= space->arc_lo && param <= space->arc_hi)
        p = arc_point (space, param, &t);
      else
        {
          gboolean high = param > space->arc_hi;
          NpMmPoint start = arc_continuation (space, high, &t);
          double u = high ? param - space->arc_hi : space->arc_lo - param;

          p = np_mm_point (start.x + u * t.x, start.y + u * t.y);
        }
      break;

    case SKIN_TOP_EDGE:
    case SKIN_MISSING:
    default:
      break;
    }

  if (tangent != NULL)
    *tangent = t;
  return p;
}

/* ------------------------------------------------------------------------ */
/* Structures to avoid, in physical space                                    */
/* ------------------------------------------------------------------------ */


static void
obstacle_build (Context           *ctx,
                const NpStructure *structure,
                Obstacle          *ob)
{
  const Space *space = &ctx->space;
  GArray *points = structure->points;
  guint n = points != NULL ? points->len : 0;

  memset (ob, 0, sizeof *ob);
  ob->margin_mm = structure->margin_mm;
  ob->first = ctx->outline->len;

  if (structure->shape == NP_SHAPE_ELLIPSE)
    {
      NpImagePoint c, r;

      if (n < 2)
        return;
      c = g_array_index (points, NpImagePoint, 0);
      r = g_array_index (points, NpImagePoint, 1);
      if (!space->radial)
        {
          ob->exact_ellipse = TRUE;
          ob->centre = np_planner_to_phys (space, c);
          ob->rx = fabs (r.x) * space->sx;
          ob->ry = fabs (r.y) * space->sy * space->k;
          ob->lo = np_mm_point (ob->centre.x - ob->rx, ob->centre.y - ob->ry);
          ob->hi = np_mm_point (ob->centre.x + ob->rx, ob->centre.y + ob->ry);
          ob->usable = TRUE;
          return;
        }
      for (guint i = 0; i < ELLIPSE_SIDES; i++)
        {
          double t = 2 * G_PI * i / ELLIPSE_SIDES;
          NpMmPoint q = np_planner_to_phys (space, np_image_point (c.x + fabs (r.x) * cos (t),
                                                        c.y + fabs (r.y) * sin (t)));
          g_array_append_val (ctx->outline, q);
        }
      ob->closed = TRUE;
    }
  else
    {
      if (n == 0)
        return;
      for (guint i = 0; i < n; i++)
        {
          NpMmPoint q = np_planner_to_phys (space, g_array_index (points, NpImagePoint, i));
          g_array_append_val (ctx->outline, q);
        }
      ob->closed = structure->shape == NP_SHAPE_POLYGON && n >= 3;
    }

  ob->n = ctx->outline->len - ob->first;
  ob->lo = ob->hi = g_array_index (ctx->outline, NpMmPoint, ob->first);
  for (guint i = 1; i < ob->n; i++)
    {
      NpMmPoint q = g_array_index (ctx->outline, NpMmPoint, ob->first + i);

      ob->lo = np_mm_point (MIN (ob->lo.x, q.x), MIN (ob->lo.y, q.y));
      ob->hi = np_mm_point (MAX (ob->hi.x, q.x), MAX (ob->hi.y, q.y));
    }
  ob->usable = TRUE;
}

/**
 * np_planner_plan_region:
 * @reason: (out) (transfer full): why there is none
 *
 * The region rule for the plan's own values (depth, path, clearances): they
 * are in mm only when the target, the entry and the marked skin line all lie
 * in one region of the calibration's list (the first one when none is
 * marked yet).
 *
 * Returns: the region's index, -1 with @reason set, 0 without a list
 */
int
np_planner_plan_region (const NpPlan  *plan,
                        char         **reason)
{
  g_autoptr(GArray) points = NULL;
  g_autofree char *why = NULL;
  int region;

  if (np_calibration_get_n_regions (plan->calibration) == 0
      || !np_calibration_is_calibrated (plan->calibration))
    return 0;
  points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  if (plan->has_target)
    g_array_append_val (points, plan->target);
  if (plan->has_entry)
    g_array_append_val (points, plan->entry);
  if (plan->skin_kind != NP_SKIN_NONE && plan->skin_points != NULL)
    g_array_append_vals (points, plan->skin_points->data, plan->skin_points->len);
  region = np_calibration_find_region (plan->calibration, (const NpImagePoint *) points->data,
                                       points->len, &why);
  if (region < 0 && reason != NULL)
    *reason = g_strdup_printf (_("the target, entry and skin line are not in one ultrasound "
                               "region of the scanner's calibration: %s"), why);
  return region;
}

void
np_planner_context_init (Context      *ctx,
                         const NpPlan *plan)
{
  ctx->plan = plan;
  ctx->approach = np_approach_lookup (plan->approach);
  ctx->region_problem = NULL;
  ctx->region = np_planner_plan_region (plan, &ctx->region_problem);
  np_planner_space_init (&ctx->space);
  np_planner_space_setup (&ctx->space, plan, plan->calibration->mm_per_px_x,
                          plan->calibration->mm_per_px_y, plan->speed_of_sound_m_s,
                          plan->skin_points != NULL
                          ? (const NpImagePoint *) plan->skin_points->data : NULL,
                          plan->skin_points != NULL ? plan->skin_points->len : 0);

  ctx->obstacles = g_array_new (FALSE, TRUE, sizeof (Obstacle));
  ctx->outline = g_array_new (FALSE, FALSE, sizeof (NpMmPoint));
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      Obstacle ob;

      obstacle_build (ctx, g_ptr_array_index (plan->structures, i), &ob);
      g_array_append_val (ctx->obstacles, ob);
    }
}

/* The same context in another physical space (a Monte Carlo sample): the
 * space is set up anew and the obstacles are rebuilt in it. */
void
np_planner_context_setup_space (Context            *ctx,
                                double              sx,
                                double              sy,
                                double              speed,
                                const NpImagePoint *skin,
                                guint               n_skin)
{
  const NpPlan *plan = ctx->plan;

  np_planner_space_setup (&ctx->space, plan, sx, sy, speed, skin, n_skin);
  g_array_set_size (ctx->obstacles, 0);
  g_array_set_size (ctx->outline, 0);
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      Obstacle ob;

      obstacle_build (ctx, g_ptr_array_index (plan->structures, i), &ob);
      g_array_append_val (ctx->obstacles, ob);
    }
}

void
np_planner_context_clear (Context *ctx)
{
  np_planner_space_clear (&ctx->space);
  g_clear_pointer (&ctx->region_problem, g_free);
  g_clear_pointer (&ctx->obstacles, g_array_unref);
  g_clear_pointer (&ctx->outline, g_array_unref);
}

double
np_planner_obstacle_clearance (const Context  *ctx,
                               const Obstacle *ob,
                               NpMmPoint       a,
                               NpMmPoint       b,
                               NpMmPoint      *on_ab,
                               NpMmPoint      *on_obstacle)
{
  if (ob->exact_ellipse)
    return np_geometry_segment_ellipse_distance (a, b, ob->centre, ob->rx, ob->ry,
                                                 on_ab, on_obstacle);
  return np_geometry_segment_polyline_distance (a, b,
                                                &g_array_index (ctx->outline, NpMmPoint, ob->first),
                                                ob->n, ob->closed, on_ab, on_obstacle);
}

/* Gap between the bounding boxes: a lower bound of the clearance that costs
 * a few comparisons, so far structures are skipped during the entry scan. */
static double
obstacle_gap (const Obstacle *ob,
              NpMmPoint       a,
              NpMmPoint       b)
{
  double gx = MAX (0.0, MAX (MIN (a.x, b.x) - ob->hi.x, ob->lo.x - MAX (a.x, b.x)));
  double gy = MAX (0.0, MAX (MIN (a.y, b.y) - ob->hi.y, ob->lo.y - MAX (a.y, b.y)));

  return hypot (gx, gy);
}

/* Slack of one structure in the entry search: clearance minus what is
 * required, negative when the path comes too close. A margin above 0 is kept
 * along the whole path (1 px without a calibration, where millimetres mean
 * nothing). A margin of 0 lets the needle touch the structure and end on it
 * (a target on bone) but not pass through it: the path short of its last
 * TIP_ALLOWANCE must not meet the outline. Values at or above @bound may be
 * a lower bound from the bounding boxes (all a caller comparing with @bound
 * needs). */
double
np_planner_obstacle_slack (const Context  *ctx,
                           const Obstacle *ob,
                           NpMmPoint       entry,
                           NpMmPoint       target,
                           double          bound)
{
  double required, gap;

  if (ob->margin_mm > 0)
    required = ctx->space.calibrated ? ob->margin_mm : UNCALIBRATED_CLEARANCE_PX;
  else
    {
      double length = np_geometry_distance (entry, target);
      double cut = MIN (TIP_ALLOWANCE, length / 2);

      if (length > 0)
        target = np_mm_point (target.x - cut * (target.x - entry.x) / length,
                              target.y - cut * (target.y - entry.y) / length);
      required = TOUCH_CLEARANCE;
    }
  gap = obstacle_gap (ob, entry, target) - required;
  if (gap >= bound)
    return gap;
  return np_planner_obstacle_clearance (ctx, ob, entry, target, NULL, NULL) - required;
}

/* ------------------------------------------------------------------------ */
/* Checks of user input                                                       */
/* ------------------------------------------------------------------------ */

gboolean
np_planner_check_point (NpImagePoint   p,
                        const char    *what,
                        GError       **error)
{
  if (isfinite (p.x) && isfinite (p.y)
      && fabs (p.x) <= MAX_COORDINATE_PX && fabs (p.y) <= MAX_COORDINATE_PX)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("The %s is not a usable image position"), what);
  return FALSE;
}

static gboolean
check_points (const GArray  *points,
              const char    *what,
              GError       **error)
{
  for (guint i = 0; points != NULL && i < points->len; i++)
    if (!np_planner_check_point (g_array_index (points, NpImagePoint, i), what, error))
      return FALSE;
  return TRUE;
}

char *
np_planner_structure_name (const NpStructure *structure)
{
  if (structure->label != NULL && *structure->label != '\0')
    return g_strdup (structure->label);
  return g_strdup (np_structure_kind_to_string (structure->kind));
}

gboolean
np_planner_validate_plan (const NpPlan  *plan,
                          GError       **error)
{
  const NpCalibration *cal = plan->calibration;

  if (!np_planner_check_scale (plan, error))
    return FALSE;
  if (np_calibration_is_calibrated (cal)
      && !(isfinite (cal->se_mm_per_px_x) && cal->se_mm_per_px_x >= 0
           && isfinite (cal->se_mm_per_px_y) && cal->se_mm_per_px_y >= 0))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The calibration's standard error must be zero or a positive number"));
      return FALSE;
    }
  if (plan->modality == NP_MODALITY_ULTRASOUND
      && !(isfinite (plan->speed_of_sound_m_s) && plan->speed_of_sound_m_s > 0
           && plan->speed_of_sound_m_s <= 5000))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The tissue speed of sound must be a positive number of m/s up to 5000 "
                   "(it is %g)"), plan->speed_of_sound_m_s);
      return FALSE;
    }
  if (plan->modality == NP_MODALITY_ULTRASOUND
      && !(isfinite (plan->speed_of_sound_sd_m_s) && plan->speed_of_sound_sd_m_s >= 0
           && plan->speed_of_sound_sd_m_s <= NP_PLAN_SPEED_OF_SOUND_SD_MAX_M_S))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The uncertainty of the speed of sound must be 0 to %g m/s (it is %g)"),
                   NP_PLAN_SPEED_OF_SOUND_SD_MAX_M_S, plan->speed_of_sound_sd_m_s);
      return FALSE;
    }
  if (!(isfinite (plan->mark_error_px) && plan->mark_error_px >= 0
        && plan->mark_error_px <= MAX_COORDINATE_PX))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The click error must be zero or a positive number of pixels"));
      return FALSE;
    }
  if ((plan->has_target && !np_planner_check_point (plan->target, _("target"), error))
      || (plan->has_entry && !np_planner_check_point (plan->entry, _("entry"), error))
      || !check_points (plan->skin_points, _("skin line point"), error))
    return FALSE;

  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      g_autofree char *name = np_planner_structure_name (structure);
      g_autofree char *what = g_strdup_printf (_("outline point of the %s"), name);

      if (!check_points (structure->points, what, error))
        return FALSE;
      if (!isfinite (structure->margin_mm) || structure->margin_mm < 0)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("The margin of the %s must be zero or a positive number of mm"), name);
          return FALSE;
        }
    }

  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);

      for (guint j = 0; j < MIN (m->n_points, 3u); j++)
        if (!np_planner_check_point (m->points[j], _("measurement point"), error))
          return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Options: the field of view, the probe footprint, the walk-down angle       */
/* ------------------------------------------------------------------------ */

void
np_planner_options_init (NpPlannerOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->mc_samples = NP_PLANNER_DEFAULT_SAMPLES;
  options->seed = NP_PLANNER_DEFAULT_SEED;
  options->off_plane_mm = NP_PLANNER_DEFAULT_OFF_PLANE_MM;
}

/* The region the calibration is valid for, when it gives one with an area. */
static gboolean
calibration_region (const NpCalibration *calibration,
                    NpImageRect         *region)
{
  if (!calibration->has_region || !(calibration->region.width > 0)
      || !(calibration->region.height > 0))
    return FALSE;
  *region = calibration->region;
  return TRUE;
}

/**
 * np_planner_options_init_for_frame:
 * @options: (out caller-allocates): the options to set
 * @plan: the plan whose calibration may give the imaging field
 * @frame_width: the frame's width in px; 0 when the frame is not known
 * @frame_height: the frame's height in px; 0 when the frame is not known
 *
 * The defaults of np_planner_options_init(), with the field of view set by
 * the one rule every caller follows: the calibration's valid region when it
 * gives one (the scanner's imaging field), else the whole frame, else (no
 * region, no frame) none, and the field-of-view entry is not reported.
 */
void
np_planner_options_init_for_frame (NpPlannerOptions *options,
                                   const NpPlan     *plan,
                                   guint             frame_width,
                                   guint             frame_height)
{
  int region;

  g_return_if_fail (options != NULL);
  g_return_if_fail (plan != NULL && plan->calibration != NULL);

  np_planner_options_init (options);
  /* With several regions, the imaging field is the one the plan lies in. */
  region = np_planner_plan_region (plan, NULL);
  if (np_calibration_get_n_regions (plan->calibration) > 0 && region >= 0)
    {
      options->has_field = TRUE;
      options->field = np_calibration_get_region (plan->calibration, (guint) region)->bounds;
    }
  else if (calibration_region (plan->calibration, &options->field))
    options->has_field = TRUE;
  else if (frame_width > 0 && frame_height > 0)
    {
      options->has_field = TRUE;
      options->field = (NpImageRect) { 0, 0, frame_width, frame_height };
    }
}

/* The field the needle comes into view in: the caller's, else the
 * calibration's valid region. */
gboolean
np_planner_field_of_view (const NpPlan           *plan,
                          const NpPlannerOptions *options,
                          NpImageRect            *field)
{
  if (options->has_field && options->field.width > 0 && options->field.height > 0)
    {
      *field = options->field;
      return TRUE;
    }
  return calibration_region (plan->calibration, field);
}

/* The stretch of skin under the probe face, in skin coordinates: the marked
 * skin line or arc (clicked along the visible skin), or for the default top
 * edge the width of the field. An in-plane needle enters beyond it. */
gboolean
np_planner_probe_footprint (const Context          *ctx,
                            const NpPlannerOptions *options,
                            double                 *lo,
                            double                 *hi)
{
  const Space *space = &ctx->space;
  NpImageRect field;

  *lo = G_MAXDOUBLE;
  *hi = -G_MAXDOUBLE;
  switch (space->skin)
    {
    case SKIN_TOP_EDGE:
      if (!np_planner_field_of_view (ctx->plan, options, &field))
        return FALSE;
      *lo = field.x * space->sx;
      *hi = (field.x + field.width) * space->sx;
      return TRUE;

    case SKIN_POLYLINE:
      *lo = 0;
      *hi = np_geometry_polyline_length ((const NpMmPoint *) space->skin_points->data,
                                         space->skin_points->len);
      return TRUE;

    case SKIN_ARC:
      *lo = space->arc_lo;
      *hi = space->arc_hi;
      return TRUE;

    case SKIN_MISSING:
    default:
      return FALSE;
    }
}

double
np_planner_walkdown_angle (const Context          *ctx,
                           const NpPlannerOptions *options)
{
  if (options->out_of_plane_angle_deg > 0 && options->out_of_plane_angle_deg <= 90)
    return options->out_of_plane_angle_deg;
  if (ctx->approach != NULL && ctx->approach->preferred_angle_deg > 0)
    return ctx->approach->preferred_angle_deg;
  return 45;
}
