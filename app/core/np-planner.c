/* np-planner.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner.h"

#include "np-approach.h"
#include "np-circle-fit.h"
#include "np-error.h"
#include "np-geometry.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_matrix, gsl_matrix_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_vector, gsl_vector_free)

#define RAD_TO_DEG (180.0 / G_PI)
#define DEG_TO_RAD (G_PI / 180.0)

/* Standard hypodermic and spinal needle lengths. */
static const guint needle_lengths_mm[] = { 16, 25, 38, 50, 63, 89, 127, 152, 178 };
static const double needle_lengths_inch[] = { 0.625, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0, 6.0, 7.0 };

/* An ellipse on a curvilinear frame is bent by the radial sound-speed
 * correction, so it is followed as a polygon of this many sides there; the
 * chord error is below 0.03 % of its radius. */
#define ELLIPSE_SIDES 128
/* Clicks beyond a million pixels are not on any frame we open. */
#define MAX_COORDINATE_PX 1e6
/* Without a calibration, margins in mm mean nothing; the recommendation
 * keeps one pixel (a click's size) from each outline instead. */
#define UNCALIBRATED_CLEARANCE_PX 1.0
/* An entry this far from the skin line (mm, or px uncalibrated) is flagged. */
#define ENTRY_OFF_SKIN 2.0
/* Rays of two fluoroscopic views that miss each other by more than this (mm)
 * probably do not show the same points. */
#define TWO_VIEW_MISMATCH_MM 2.0
/* A margin-0 structure may be touched where the needle ends (mm, or px). */
#define TIP_ALLOWANCE 1.0
/* ... and must otherwise not be met: the least clearance that counts as apart. */
#define TOUCH_CLEARANCE 1e-6
/* The entry scan never runs further than this along an uncalibrated skin. */
#define MAX_SCAN_REACH_PX 20000.0
/* Flatter than this the needle only tunnels under the skin. */
#define FLATTEST_USEFUL_DEG 5.0

/* ------------------------------------------------------------------------ */
/* Physical space                                                            */
/* ------------------------------------------------------------------------ */

typedef enum
{
  SKIN_MISSING,
  SKIN_TOP_EDGE,      /* linear default: the image row y = 0 */
  SKIN_POLYLINE,
  SKIN_ARC,
} SkinModel;

/* The map from image px to physical space and the skin line in it.
 * Linear probes: x · sx, y · sy · k with k = c / 1540 (the beam runs along y).
 * Skin arc: the circle is fitted in (x · sx, y · sy); a point at radius r
 * from its centre moves to radius R + k (r − R), since the beam runs along
 * radii of the arc and time of flight starts at the skin. The skin follows
 * the arc only under the probe face (the marked stretch); beyond its ends it
 * runs on straight along the line through both ends, the body surface the
 * probe is pressed into (continuing the probe's circle would lift the skin
 * into the air beside the probe). Skin coordinates are R · φ along the arc,
 * with φ on the branch around the marked points' mean direction, and arc
 * length along the straight continuations. */
typedef struct
{
  gboolean calibrated;
  gboolean ultrasound;
  double sx, sy, k;
  SkinModel skin;
  gboolean radial;
  NpMmPoint centre;
  double radius;
  double arc_reference;       /* mean direction of the marked arc, radians */
  double arc_lo, arc_hi;      /* marked stretch of the arc, skin coordinates */
  GArray *skin_points;        /* NpMmPoint, physical, SKIN_POLYLINE */
  const char *skin_problem;   /* why the skin is missing, for the warning */
} Space;

static void
space_init (Space *space)
{
  memset (space, 0, sizeof *space);
  space->skin_points = g_array_new (FALSE, FALSE, sizeof (NpMmPoint));
}

static void
space_clear (Space *space)
{
  g_clear_pointer (&space->skin_points, g_array_unref);
}

static NpMmPoint
to_phys (const Space  *space,
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

static NpImagePoint
to_image (const Space *space,
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

static void
space_setup (Space              *space,
             const NpPlan       *plan,
             double              sx,
             double              sy,
             double              speed,
             const NpImagePoint *skin,
             guint               n_skin)
{
  space->calibrated = np_calibration_is_calibrated (plan->calibration);
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
        space->skin_problem = "no skin line is marked";
      break;

    case NP_SKIN_POLYLINE:
      if (n_skin < 2)
        {
          space->skin_problem = "the skin line needs at least two points";
          break;
        }
      for (guint i = 0; i < n_skin; i++)
        {
          NpMmPoint q = to_phys (space, skin[i]);
          g_array_append_val (space->skin_points, q);
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
            space->skin_problem = "the skin arc needs at least three points";
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
        if (n_skin > NP_CIRCLE_FIT_MIN_POINTS)
          fit = np_circle_fit (scaled, NULL);
        if (fit != NULL)
          {
            space->centre = np_mm_point (fit->centre.x, fit->centre.y);
            space->radius = fit->radius_px;
            fitted = TRUE;
          }
        else
          fitted = np_geometry_circle_through_points (mm, n_skin, &space->centre, &space->radius);
        if (!fitted)
          {
            space->skin_problem = "the skin arc points do not define a circle";
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
      space->skin_problem = "the skin line kind is unknown";
      break;
    }
}

/* Distance from @p to the skin (its depth); NAN without a skin line.
 * @param is the skin coordinate of the foot: x for the top edge, arc length
 * along a polyline or a skin arc. */
static double
skin_closest (const Space *space,
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

static NpMmPoint
skin_at (const Space *space,
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

typedef struct
{
  gboolean usable;            /* FALSE for a structure without an outline */
  gboolean exact_ellipse;
  gboolean closed;
  NpMmPoint centre;
  double rx, ry;
  guint first, n;             /* outline points in Context.outline */
  double margin_mm;
  NpMmPoint lo, hi;           /* bounding box */
} Obstacle;

typedef struct
{
  const NpPlan *plan;
  const NpApproach *approach;
  Space space;
  GArray *obstacles;          /* Obstacle, parallel to plan->structures */
  GArray *outline;            /* NpMmPoint */
} Context;

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
          ob->centre = to_phys (space, c);
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
          NpMmPoint q = to_phys (space, np_image_point (c.x + fabs (r.x) * cos (t),
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
          NpMmPoint q = to_phys (space, g_array_index (points, NpImagePoint, i));
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

static void
context_init (Context      *ctx,
              const NpPlan *plan)
{
  ctx->plan = plan;
  ctx->approach = np_approach_lookup (plan->approach);
  space_init (&ctx->space);
  space_setup (&ctx->space, plan, plan->calibration->mm_per_px_x,
               plan->calibration->mm_per_px_y, plan->speed_of_sound_m_s,
               plan->skin_points != NULL ? (const NpImagePoint *) plan->skin_points->data : NULL,
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

static void
context_clear (Context *ctx)
{
  space_clear (&ctx->space);
  g_clear_pointer (&ctx->obstacles, g_array_unref);
  g_clear_pointer (&ctx->outline, g_array_unref);
}

static double
obstacle_clearance (const Context  *ctx,
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
static double
obstacle_slack (const Context  *ctx,
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
  return obstacle_clearance (ctx, ob, entry, target, NULL, NULL) - required;
}

/* ------------------------------------------------------------------------ */
/* Checks of user input                                                       */
/* ------------------------------------------------------------------------ */

static gboolean
check_point (NpImagePoint   p,
             const char    *what,
             GError       **error)
{
  if (isfinite (p.x) && isfinite (p.y)
      && fabs (p.x) <= MAX_COORDINATE_PX && fabs (p.y) <= MAX_COORDINATE_PX)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID, "The %s is not a usable image position", what);
  return FALSE;
}

static gboolean
check_points (const GArray  *points,
              const char    *what,
              GError       **error)
{
  for (guint i = 0; points != NULL && i < points->len; i++)
    if (!check_point (g_array_index (points, NpImagePoint, i), what, error))
      return FALSE;
  return TRUE;
}

static char *
structure_name (const NpStructure *structure)
{
  if (structure->label != NULL && *structure->label != '\0')
    return g_strdup (structure->label);
  return g_strdup (np_structure_kind_to_string (structure->kind));
}

static gboolean
validate_plan (const NpPlan  *plan,
               GError       **error)
{
  const NpCalibration *cal = plan->calibration;

  if (np_calibration_is_calibrated (cal)
      && !(isfinite (cal->se_mm_per_px_x) && cal->se_mm_per_px_x >= 0
           && isfinite (cal->se_mm_per_px_y) && cal->se_mm_per_px_y >= 0))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The calibration's standard error must be zero or a positive number");
      return FALSE;
    }
  if (plan->modality == NP_MODALITY_ULTRASOUND
      && !(isfinite (plan->speed_of_sound_m_s) && plan->speed_of_sound_m_s > 0
           && plan->speed_of_sound_m_s <= 5000))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The tissue speed of sound must be a positive number of m/s up to 5000 "
                   "(it is %g)", plan->speed_of_sound_m_s);
      return FALSE;
    }
  if (!(isfinite (plan->mark_error_px) && plan->mark_error_px >= 0
        && plan->mark_error_px <= MAX_COORDINATE_PX))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The click error must be zero or a positive number of pixels");
      return FALSE;
    }
  if ((plan->has_target && !check_point (plan->target, "target", error))
      || (plan->has_entry && !check_point (plan->entry, "entry", error))
      || !check_points (plan->skin_points, "skin line point", error))
    return FALSE;

  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      g_autofree char *name = structure_name (structure);
      g_autofree char *what = g_strdup_printf ("outline point of the %s", name);

      if (!check_points (structure->points, what, error))
        return FALSE;
      if (!isfinite (structure->margin_mm) || structure->margin_mm < 0)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       "The margin of the %s must be zero or a positive number of mm", name);
          return FALSE;
        }
    }

  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);

      for (guint j = 0; j < MIN (m->n_points, 3u); j++)
        if (!check_point (m->points[j], "measurement point", error))
          return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Small public helpers                                                       */
/* ------------------------------------------------------------------------ */

void
np_planner_options_init (NpPlannerOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->mc_samples = NP_PLANNER_DEFAULT_SAMPLES;
  options->seed = NP_PLANNER_DEFAULT_SEED;
}

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
  if (angle_deg <= 30)
    return NP_VISIBILITY_GOOD;
  if (angle_deg <= 50)
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

/* ------------------------------------------------------------------------ */
/* Results                                                                    */
/* ------------------------------------------------------------------------ */

static void
clearance_clear (gpointer data)
{
  NpStructureClearance *clearance = data;

  g_free (clearance->label);
}

/**
 * np_plan_results_new:
 *
 * Returns: (transfer full): empty results (nothing computed)
 */
NpPlanResults *
np_plan_results_new (void)
{
  NpPlanResults *results = g_new0 (NpPlanResults, 1);

  results->unit = "px";
  results->nearest = -1;
  results->visibility = NP_VISIBILITY_NOT_APPLICABLE;
  results->clearances = g_array_new (FALSE, TRUE, sizeof (NpStructureClearance));
  g_array_set_clear_func (results->clearances, clearance_clear);
  results->measurements = g_array_new (FALSE, TRUE, sizeof (NpMeasurementValue));
  results->warnings = g_ptr_array_new_with_free_func (g_free);
  return results;
}

void
np_plan_results_free (NpPlanResults *results)
{
  if (results == NULL)
    return;
  g_clear_pointer (&results->clearances, g_array_unref);
  g_clear_pointer (&results->measurements, g_array_unref);
  g_clear_pointer (&results->warnings, g_ptr_array_unref);
  g_free (results);
}

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

/* The field the needle comes into view in: the caller's, else the
 * calibration's valid region. */
static gboolean
field_of_view (const NpPlan           *plan,
               const NpPlannerOptions *options,
               NpImageRect            *field)
{
  if (options->has_field && options->field.width > 0 && options->field.height > 0)
    {
      *field = options->field;
      return TRUE;
    }
  if (plan->calibration->has_region && plan->calibration->region.width > 0
      && plan->calibration->region.height > 0)
    {
      *field = plan->calibration->region;
      return TRUE;
    }
  return FALSE;
}

/* The stretch of skin under the probe face, in skin coordinates: the marked
 * skin line or arc (clicked along the visible skin), or for the default top
 * edge the width of the field. An in-plane needle enters beyond it. */
static gboolean
probe_footprint (const Context          *ctx,
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
      if (!field_of_view (ctx->plan, options, &field))
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

static double
walkdown_angle (const Context          *ctx,
                const NpPlannerOptions *options)
{
  if (options->out_of_plane_angle_deg > 0 && options->out_of_plane_angle_deg <= 90)
    return options->out_of_plane_angle_deg;
  if (ctx->approach != NULL && ctx->approach->preferred_angle_deg > 0)
    return ctx->approach->preferred_angle_deg;
  return 45;
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

      c.label = structure_name (structure);
      c.kind = structure->kind;
      c.margin_mm = structure->margin_mm;
      if (!ob->usable)
        {
          add_warning (results, "The %s has no outline and is not checked", c.label);
          g_free (c.label);
          continue;
        }
      c.clearance = obstacle_clearance (ctx, ob, a, b, &on_ab, &on_ob);
      c.entered = c.clearance <= 0;
      c.within_margin = ctx->space.calibrated && c.clearance < structure->margin_mm;
      c.on_path = to_image (&ctx->space, on_ab);
      c.on_structure = to_image (&ctx->space, on_ob);

      if (c.entered)
        {
          if (ctx->space.calibrated && structure->margin_mm > 0)
            add_warning (results, "Path crosses the %s; its margin is %g mm", c.label,
                         structure->margin_mm);
          else
            add_warning (results, "Path crosses the %s", c.label);
        }
      else if (c.within_margin)
        add_warning (results, "Path passes %.1f mm from the %s; its margin is %g mm",
                     c.clearance, c.label, structure->margin_mm);

      g_array_append_val (results->clearances, c);
      if (c.clearance < nearest)
        {
          nearest = c.clearance;
          results->nearest = results->clearances->len - 1;
        }
    }
}

static void
compute_measurements (const Context *ctx,
                      NpPlanResults *results)
{
  const NpPlan *plan = ctx->plan;

  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);
      NpMeasurementValue value = { m->kind, FALSE, NAN };
      NpMmPoint p[3];

      for (guint j = 0; j < MIN (m->n_points, 3u); j++)
        p[j] = to_phys (&ctx->space, m->points[j]);

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
              value.value = skin_closest (&ctx->space, p[0], NULL, NULL, NULL);
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
  NpMmPoint target = to_phys (space, plan->target);
  NpMmPoint entry, tangent, foot;
  NpImageRect field;
  gboolean has_field = field_of_view (plan, options, &field);

  if (plan->technique == NP_TECHNIQUE_OUT_OF_PLANE)
    {
      double angle;

      if (!results->has_depth)
        return;
      angle = walkdown_angle (ctx, options);
      results->has_walkdown = TRUE;
      results->walkdown_angle_deg = angle;
      results->walkdown_offset = np_planner_walkdown_offset (results->depth, angle);
      results->has_path = TRUE;
      results->path_length = results->depth / sin (angle * DEG_TO_RAD);
      results->has_angle = TRUE;
      results->insertion_angle_deg = angle;
      /* The needle runs in the plane across the probe through the beam line
       * above the target: in this image it projects onto skin foot → target. */
      skin_closest (space, target, &foot, NULL, NULL);
      compute_clearances (ctx, foot, target, results);
      return;
    }

  if (!plan->has_entry)
    {
      add_warning (results, "No entry marked");
      return;
    }

  entry = to_phys (space, plan->entry);
  results->has_path = TRUE;
  results->path_length = np_geometry_distance (entry, target);

  if (space->skin != SKIN_MISSING)
    {
      double off_skin = skin_closest (space, entry, NULL, &tangent, NULL);

      if (results->path_length > 0)
        {
          results->has_angle = TRUE;
          results->insertion_angle_deg =
            np_geometry_line_angle_deg (np_mm_point (target.x - entry.x, target.y - entry.y),
                                        tangent);
        }
      if (off_skin > ENTRY_OFF_SKIN)
        add_warning (results, "The entry is %.1f %s off the skin line", off_skin, results->unit);
    }

  compute_clearances (ctx, entry, target, results);

  if (plan->technique != NP_TECHNIQUE_IN_PLANE)
    return;

  {
    double lo, hi, s;
    double off_skin = skin_closest (space, entry, NULL, NULL, &s);

    if (probe_footprint (ctx, options, &lo, &hi) && s > lo && s < hi && off_skin <= ENTRY_OFF_SKIN)
      add_warning (results, "In plane, the needle enters at the end of the probe, but the entry "
                            "lies under the probe");
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
            ? skin_closest (space, to_phys (space, results->fov_entry), NULL, NULL, NULL)
            : NAN;
          results->has_fov_entry = isfinite (results->fov_entry_depth);
        }
      else
        add_warning (results, "The path never enters the field of view");
    }

  if (results->has_angle)
    {
      results->visibility = np_planner_visibility_for_angle (results->insertion_angle_deg);
      if (results->visibility == NP_VISIBILITY_CAUTION)
        add_warning (results, "Needle at %.0f° to the skin: in-plane visibility is reduced "
                              "(caution above 30°)", results->insertion_angle_deg);
      else if (results->visibility == NP_VISIBILITY_POOR)
        add_warning (results, "Needle at %.0f° to the skin: the shaft will be hard to see in "
                              "plane (poor above 50°)", results->insertion_angle_deg);
    }
}

static void
compute_fluoroscopy_path (const Context          *ctx,
                          const NpFluoroTwoViews *two_views,
                          NpPlanResults          *results)
{
  const NpPlan *plan = ctx->plan;
  NpMmPoint target = to_phys (&ctx->space, plan->target);

  if (two_views != NULL)
    {
      results->has_depth = TRUE;
      results->depth = two_views->depth_mm;
      results->skin_foot = plan->has_entry ? plan->entry : plan->target;
      results->has_path = TRUE;
      results->path_length = two_views->path_length_mm;
      if (two_views->rms_residual_mm > TWO_VIEW_MISMATCH_MM)
        add_warning (results, "The two views disagree by %.1f mm: check that both show the same "
                              "target and entry", two_views->rms_residual_mm);
    }
  else
    add_warning (results, "Depth needs a second view: one fluoroscopic projection has no depth");

  if (!plan->has_entry)
    {
      add_warning (results, "No entry marked");
      return;
    }

  {
    NpMmPoint entry = to_phys (&ctx->space, plan->entry);
    double angle = atan2 (-(target.y - entry.y), target.x - entry.x) * RAD_TO_DEG;

    results->has_projection = TRUE;
    results->projected_path_length = np_geometry_distance (entry, target);
    results->projected_angle_deg = fmod (angle + 360.0, 180.0);
    compute_clearances (ctx, entry, target, results);
  }
}

static NpPlanResults *
compute (const NpPlan            *plan,
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
  if (!validate_plan (plan, error))
    return NULL;

  context_init (&ctx, plan);
  results = np_plan_results_new ();
  results->calibrated = ctx.space.calibrated;
  results->unit = ctx.space.calibrated ? "mm" : "px";
  results->speed_of_sound_m_s = ultrasound ? plan->speed_of_sound_m_s : 0;
  results->approach = ctx.approach != NULL ? ctx.approach->id : NULL;
  results->gauges = np_approach_gauges_for (ctx.approach, plan->site, plan->injectate);

  if (!ctx.space.calibrated)
    {
      add_warning (results, "Frame is not calibrated: values are in pixels");
      if (plan->structures != NULL && plan->structures->len > 0)
        add_warning (results, "Safety margins are in millimetres and cannot be checked without "
                              "a calibration");
    }
  if (plan->approach != NULL && *plan->approach != '\0' && ctx.approach == NULL)
    add_warning (results, "Unknown approach “%s”: generic angle limits and margins are used",
                 plan->approach);
  if (ultrasound && ctx.space.calibrated
      && (plan->speed_of_sound_m_s < NP_PLANNER_SPEED_MIN_M_S
          || plan->speed_of_sound_m_s > NP_PLANNER_SPEED_MAX_M_S))
    add_warning (results, "Tissue speed of %g m/s is outside the usual 1450–1600 m/s",
                 plan->speed_of_sound_m_s);
  if (ultrasound && ctx.space.skin == SKIN_MISSING)
    add_warning (results, "Depth cannot be computed: %s", ctx.space.skin_problem);
  if (ultrasound && plan->probe == NP_PROBE_CURVILINEAR && plan->skin_kind == NP_SKIN_NONE)
    add_warning (results, "Curvilinear probe without a skin arc: the top edge of the image is "
                          "used as the skin line; mark the arc for a true depth");

  if (!plan->has_target)
    add_warning (results, "No target marked");
  else
    {
      if (ctx.space.calibrated && !np_calibration_contains (plan->calibration, plan->target))
        add_warning (results, "Target is outside the calibrated region");

      if (ultrasound && ctx.space.skin != SKIN_MISSING)
        {
          NpMmPoint foot;

          results->depth = skin_closest (&ctx.space, to_phys (&ctx.space, plan->target), &foot,
                                         NULL, NULL);
          results->skin_foot = to_image (&ctx.space, foot);
          results->has_depth = TRUE;
        }

      if (ultrasound)
        compute_ultrasound_path (&ctx, options, results);
      else
        compute_fluoroscopy_path (&ctx, two_views, results);

      if (results->has_path && ctx.space.calibrated)
        {
          results->needle_mm = np_planner_needle_for_path (results->path_length,
                                                           &results->needle_inch);
          results->has_needle = results->needle_mm > 0;
          if (!results->has_needle)
            add_warning (results, "No standard needle is long enough: the path is %.1f mm and "
                                  "the longest standard needle (178 mm) must keep 10 mm outside "
                                  "the skin", results->path_length);
        }
    }

  if (two_views != NULL)
    {
      results->has_two_views = TRUE;
      results->views_angle_deg = views_angle_deg;
      results->two_views = *two_views;
    }

  compute_measurements (&ctx, results);
  context_clear (&ctx);
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

  return compute (plan, options, NULL, 0, error);
}

/* ------------------------------------------------------------------------ */
/* Fluoroscopy: two views                                                     */
/* ------------------------------------------------------------------------ */

/* Least-squares point nearest the two rays of one mark. A view turned by α
 * about the long axis (world z, image y) sees world point P at image
 * u = P · (cos α, sin α, 0), v = P_z; its ray is every P with those two
 * values. Stacking both views gives four equations in three unknowns. */
static gboolean
intersect_rays (const double   u[2],
                const double   v[2],
                const double   alpha[2],
                double         point[3],
                double        *chisq,
                GError       **error)
{
  g_autoptr(gsl_matrix) design = gsl_matrix_calloc (4, 3);
  g_autoptr(gsl_vector) observed = gsl_vector_alloc (4);
  g_autoptr(gsl_vector) solution = gsl_vector_alloc (3);
  g_autoptr(gsl_matrix) covariance = gsl_matrix_alloc (3, 3);
  gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc (4, 3);
  int status;

  for (int view = 0; view < 2; view++)
    {
      gsl_matrix_set (design, 2 * view, 0, cos (alpha[view]));
      gsl_matrix_set (design, 2 * view, 1, sin (alpha[view]));
      gsl_vector_set (observed, 2 * view, u[view]);
      gsl_matrix_set (design, 2 * view + 1, 2, 1.0);
      gsl_vector_set (observed, 2 * view + 1, v[view]);
    }
  status = gsl_multifit_linear (design, observed, solution, covariance, chisq, work);
  gsl_multifit_linear_free (work);
  if (!np_error_from_gsl (status, "The two-view intersection", error))
    return FALSE;
  for (int i = 0; i < 3; i++)
    point[i] = gsl_vector_get (solution, i);
  return TRUE;
}

/**
 * np_planner_two_views:
 * @view_a: the working view (e.g. AP); its beam defines the depth
 * @view_b: a second view of the same entry and target
 * @angle_deg: rotation of view B relative to view A about the patient's long
 *   axis (90 for AP + lateral)
 *
 * Depth and 3-D path length from the least-squares intersection of the rays
 * through the entry→target difference in the two views, so the image of the
 * rotation axis drops out; it only places entry_mm and target_mm.
 */
gboolean
np_planner_two_views (const NpFluoroView  *view_a,
                      const NpFluoroView  *view_b,
                      double               angle_deg,
                      NpFluoroTwoViews    *result,
                      GError             **error)
{
  const NpFluoroView *views[2] = { view_a, view_b };
  double alpha[2] = { 0, angle_deg * DEG_TO_RAD };
  double delta[3];

  g_return_val_if_fail (view_a != NULL && view_b != NULL && result != NULL, FALSE);
  g_return_val_if_fail (view_a->calibration != NULL && view_b->calibration != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!np_calibration_is_calibrated (view_a->calibration)
      || !np_calibration_is_calibrated (view_b->calibration))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "Both views need a calibration to give a depth in millimetres");
      return FALSE;
    }
  if (!isfinite (angle_deg) || fabs (sin (alpha[1])) < sin (5 * DEG_TO_RAD))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The two views must differ by at least 5° (they differ by %g°)", angle_deg);
      return FALSE;
    }

  for (int mark = 0; mark < 2; mark++)
    for (int view = 0; view < 2; view++)
      if (!check_point (mark == 0 ? views[view]->entry : views[view]->target,
                        mark == 0 ? "entry" : "target", error)
          || !check_point (views[view]->axis, "rotation axis", error))
        return FALSE;

  /* Positions: one least-squares point per mark, relative to the axis. */
  for (int mark = 0; mark < 2; mark++)
    {
      double u[2], v[2], chisq;
      double *out = mark == 0 ? result->entry_mm : result->target_mm;

      for (int view = 0; view < 2; view++)
        {
          NpImagePoint p = mark == 0 ? views[view]->entry : views[view]->target;

          u[view] = (p.x - views[view]->axis.x) * views[view]->calibration->mm_per_px_x;
          v[view] = (p.y - views[view]->axis.y) * views[view]->calibration->mm_per_px_y;
        }
      if (!intersect_rays (u, v, alpha, out, &chisq, error))
        return FALSE;
    }

  /* Depth, length and residual from the entry→target difference, in which
   * an unknown image position of the axis cancels. */
  {
    double u[2], v[2], chisq;

    for (int view = 0; view < 2; view++)
      {
        const NpFluoroView *w = views[view];

        u[view] = (w->target.x - w->entry.x) * w->calibration->mm_per_px_x;
        v[view] = (w->target.y - w->entry.y) * w->calibration->mm_per_px_y;
      }
    if (!intersect_rays (u, v, alpha, delta, &chisq, error))
      return FALSE;
    result->path_length_mm = sqrt (delta[0] * delta[0] + delta[1] * delta[1]
                                   + delta[2] * delta[2]);
    /* View A's beam runs along world y. */
    result->depth_mm = fabs (delta[1]);
    /* Two rays (one per view); chi² is the sum of their squared misses. */
    result->rms_residual_mm = sqrt (chisq / 2);
  }
  return TRUE;
}

static gboolean central_half_width (double sigma, double h, double *half, GError **error);

/* Parameters of the two-view uncertainty: each view's pixel size in x and
 * y, then its entry and target clicks. */
enum { V_SX, V_SY, V_EX, V_EY, V_TX, V_TY, V_N };

static gboolean
evaluate_two_views (const NpFluoroView *views,
                    const double       *theta,
                    double              angle_deg,
                    double             *depth,
                    double             *path)
{
  NpFluoroView moved[2];
  NpCalibration calibrations[2];
  NpFluoroTwoViews result;

  for (int view = 0; view < 2; view++)
    {
      const double *t = theta + view * V_N;

      /* A shallow copy: only the pixel size is read, nothing is freed. */
      calibrations[view] = *views[view].calibration;
      calibrations[view].mm_per_px_x = t[V_SX];
      calibrations[view].mm_per_px_y = t[V_SY];
      moved[view] = views[view];
      moved[view].calibration = &calibrations[view];
      moved[view].entry = np_image_point (t[V_EX], t[V_EY]);
      moved[view].target = np_image_point (t[V_TX], t[V_TY]);
    }
  if (!np_planner_two_views (&moved[0], &moved[1], angle_deg, &result, NULL))
    return FALSE;
  *depth = result.depth_mm;
  *path = result.path_length_mm;
  return TRUE;
}

/* 95 % intervals of the two-view depth and path length: a seeded Monte
 * Carlo over both views' clicks (each plan's mark error) and pixel sizes
 * (each calibration's standard error), cross-checked with first-order
 * propagation, as np_planner_estimate_uncertainty does for ultrasound. */
static gboolean
estimate_two_view_uncertainty (const NpFluoroView     *views,
                               const double           *mark_error_px,
                               double                  angle_deg,
                               const NpPlannerOptions *options,
                               NpPlanResults          *results,
                               GError                **error)
{
  double theta0[2 * V_N], theta[2 * V_N], sigma[2 * V_N];
  gboolean shared_scale[2];
  g_autoptr(gsl_rng) rng = NULL;
  g_autofree double *depths = NULL;
  g_autofree double *paths = NULL;
  guint n = 0;
  double depth0, path0, var_depth = 0, var_path = 0, half;

  if (options->mc_samples < 100)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The Monte Carlo needs at least 100 samples (%u asked)", options->mc_samples);
      return FALSE;
    }

  for (int view = 0; view < 2; view++)
    {
      const NpCalibration *cal = views[view].calibration;
      double *t = theta0 + view * V_N;
      double *sd = sigma + view * V_N;

      t[V_SX] = cal->mm_per_px_x;
      t[V_SY] = cal->mm_per_px_y;
      t[V_EX] = views[view].entry.x;
      t[V_EY] = views[view].entry.y;
      t[V_TX] = views[view].target.x;
      t[V_TY] = views[view].target.y;
      sd[V_SX] = cal->se_mm_per_px_x;
      sd[V_SY] = cal->se_mm_per_px_y;
      sd[V_EX] = sd[V_EY] = sd[V_TX] = sd[V_TY] = mark_error_px[view];
      /* One scale measured once (a sphere, SID/SOD) errs the same in x and y. */
      shared_scale[view] = cal->mm_per_px_x == cal->mm_per_px_y
                           && cal->se_mm_per_px_x == cal->se_mm_per_px_y;
    }
  if (!evaluate_two_views (views, theta0, angle_deg, &depth0, &path0))
    return TRUE;

  rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, options->seed);
  depths = g_new (double, options->mc_samples);
  paths = g_new (double, options->mc_samples);
  for (guint s = 0; s < options->mc_samples; s++)
    {
      for (int view = 0; view < 2; view++)
        {
          const double *t0 = theta0 + view * V_N;
          const double *sd = sigma + view * V_N;
          double *t = theta + view * V_N;
          double zx = gsl_ran_gaussian (rng, 1.0);
          double zy = shared_scale[view] ? zx : gsl_ran_gaussian (rng, 1.0);

          t[V_SX] = t0[V_SX] + sd[V_SX] * zx;
          t[V_SY] = t0[V_SY] + sd[V_SY] * zy;
          for (int i = V_EX; i < V_N; i++)
            t[i] = t0[i] + (sd[i] > 0 ? gsl_ran_gaussian (rng, sd[i]) : 0);
        }
      /* A pixel size drawn at or below zero is no calibration: that draw
       * is left out (it takes a standard error of a third of the size). */
      if (theta[V_SX] <= 0 || theta[V_SY] <= 0 || theta[V_N + V_SX] <= 0
          || theta[V_N + V_SY] <= 0)
        continue;
      if (evaluate_two_views (views, theta, angle_deg, &depths[n], &paths[n]))
        n++;
    }
  if (n < options->mc_samples / 2)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The calibrations' standard errors are too large for an interval");
      return FALSE;
    }

  /* First-order propagation: central differences at the nominal values. */
  for (int i = 0; i < 2 * V_N; i++)
    {
      int in_view = i % V_N;
      int view = i / V_N;
      double h, dp, dm, pp, pm, g_depth, g_path;

      if (sigma[i] <= 0 || (in_view == V_SY && shared_scale[view]))
        continue;
      h = in_view <= V_SY ? 1e-6 * theta0[i] : 1e-4;
      memcpy (theta, theta0, sizeof theta);
      theta[i] += h;
      if (in_view == V_SX && shared_scale[view])
        theta[i + 1] += h;
      if (!evaluate_two_views (views, theta, angle_deg, &dp, &pp))
        continue;
      theta[i] -= 2 * h;
      if (in_view == V_SX && shared_scale[view])
        theta[i + 1] -= 2 * h;
      if (!evaluate_two_views (views, theta, angle_deg, &dm, &pm))
        continue;
      g_depth = (dp - dm) / (2 * h);
      g_path = (pp - pm) / (2 * h);
      var_depth += g_depth * g_depth * sigma[i] * sigma[i];
      var_path += g_path * g_path * sigma[i] * sigma[i];
    }

  gsl_sort (depths, 1, n);
  gsl_sort (paths, 1, n);
  results->depth_ci95[0] = gsl_stats_quantile_from_sorted_data (depths, 1, n, 0.025);
  results->depth_ci95[1] = gsl_stats_quantile_from_sorted_data (depths, 1, n, 0.975);
  results->path_length_ci95[0] = gsl_stats_quantile_from_sorted_data (paths, 1, n, 0.025);
  results->path_length_ci95[1] = gsl_stats_quantile_from_sorted_data (paths, 1, n, 0.975);
  if (!central_half_width (sqrt (var_depth), 0, &half, error))
    return FALSE;
  results->depth_ci95_propagated[0] = depth0 - half;
  results->depth_ci95_propagated[1] = depth0 + half;
  if (!central_half_width (sqrt (var_path), 0, &half, error))
    return FALSE;
  results->path_length_ci95_propagated[0] = path0 - half;
  results->path_length_ci95_propagated[1] = path0 + half;
  results->has_depth_ci = TRUE;
  results->has_path_ci = TRUE;
  results->mc_samples = options->mc_samples;
  results->mc_seed = options->seed;
  return TRUE;
}

/**
 * np_planner_compute_two_views:
 * @second_view: a calibrated fluoroscopy plan of the same entry and target
 * @angle_deg: angle between the views; NAN to take it from the plans' views
 *   (AP and lateral: 90°)
 *
 * np_planner_compute for a fluoroscopy plan, with the depth and the 3-D path
 * length (and hence the needle) from the second view, and their 95 %
 * intervals from both views' click errors and calibration standard errors
 * (@options' Monte Carlo samples and seed).
 */
NpPlanResults *
np_planner_compute_two_views (const NpPlan            *plan,
                              const NpPlan            *second_view,
                              double                   angle_deg,
                              const NpPlannerOptions  *options,
                              GError                 **error)
{
  NpFluoroView a = { 0 }, b = { 0 };
  NpFluoroTwoViews views;
  NpPlannerOptions defaults;
  NpPlanResults *results;

  g_return_val_if_fail (plan != NULL && plan->calibration != NULL, NULL);
  g_return_val_if_fail (second_view != NULL && second_view->calibration != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (plan->modality != NP_MODALITY_FLUOROSCOPY || second_view->modality != NP_MODALITY_FLUOROSCOPY)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "Depth from two views needs two fluoroscopy plans");
      return NULL;
    }
  if (!plan->has_target || !plan->has_entry || !second_view->has_target
      || !second_view->has_entry)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "Mark the entry and the target in both views");
      return NULL;
    }
  if (isnan (angle_deg))
    {
      if ((plan->view == NP_VIEW_AP && second_view->view == NP_VIEW_LATERAL)
          || (plan->view == NP_VIEW_LATERAL && second_view->view == NP_VIEW_AP))
        angle_deg = 90;
      else
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       "Give the angle between the two views (only AP with lateral is known)");
          return NULL;
        }
    }

  a.entry = plan->entry;
  a.target = plan->target;
  a.calibration = plan->calibration;
  b.entry = second_view->entry;
  b.target = second_view->target;
  b.calibration = second_view->calibration;
  if (!np_planner_two_views (&a, &b, angle_deg, &views, error))
    return NULL;
  results = compute (plan, options, &views, angle_deg, error);
  if (results == NULL)
    return NULL;
  {
    const NpFluoroView both[2] = { a, b };
    const double mark_error_px[2] = { plan->mark_error_px, second_view->mark_error_px };

    if (options == NULL)
      {
        np_planner_options_init (&defaults);
        options = &defaults;
      }
    if (!estimate_two_view_uncertainty (both, mark_error_px, angle_deg, options, results, error))
      {
        np_plan_results_free (results);
        return NULL;
      }
  }
  return results;
}

/* ------------------------------------------------------------------------ */
/* Uncertainty                                                                */
/* ------------------------------------------------------------------------ */

/* Parameter vector: pixel sizes, speed of sound, target, entry, skin points. */
enum { P_SX, P_SY, P_SPEED, P_TX, P_TY, P_EX, P_EY, P_SKIN };

typedef struct
{
  const NpPlan *plan;
  Space space;
  GArray *skin;               /* NpImagePoint scratch */
  gboolean out_of_plane;
  double walkdown_angle_deg;
  gboolean has_path;
} Evaluator;

static void
evaluate (Evaluator    *ev,
          const double *theta,
          double       *depth,
          double       *path)
{
  guint n_skin = ev->skin->len;
  NpImagePoint *skin = (NpImagePoint *) ev->skin->data;
  NpMmPoint target;

  for (guint i = 0; i < n_skin; i++)
    skin[i] = np_image_point (theta[P_SKIN + 2 * i], theta[P_SKIN + 2 * i + 1]);
  space_setup (&ev->space, ev->plan, theta[P_SX], theta[P_SY], theta[P_SPEED], skin, n_skin);

  target = to_phys (&ev->space, np_image_point (theta[P_TX], theta[P_TY]));
  *depth = skin_closest (&ev->space, target, NULL, NULL, NULL);
  if (ev->out_of_plane)
    *path = *depth / sin (ev->walkdown_angle_deg * DEG_TO_RAD);
  else if (ev->has_path)
    *path = np_geometry_distance (to_phys (&ev->space, np_image_point (theta[P_EX], theta[P_EY])),
                                  target);
  else
    *path = NAN;
}

/* ψ(z) = z Φ(z/σ) + σ φ(z/σ), an antiderivative of Φ(z/σ). */
static double
psi (double z,
     double sigma)
{
  return z * gsl_cdf_ugaussian_P (z / sigma) + sigma * gsl_ran_ugaussian_pdf (z / sigma);
}

typedef struct
{
  double sigma;
  double half_width;
} SumOfNormalAndUniform;

/* P(X + U ≤ t) − 0.975 for X ~ N(0, σ²), U ~ U(−h, h):
 * (1 / 2h) ∫ Φ((t − u)/σ) du over [−h, h] = (ψ(t + h) − ψ(t − h)) / 2h. */
static double
upper_tail_gap (double  t,
                void   *data)
{
  const SumOfNormalAndUniform *d = data;

  return (psi (t + d->half_width, d->sigma) - psi (t - d->half_width, d->sigma))
         / (2 * d->half_width) - 0.975;
}

/* Half width of the central 95 % interval of N(0, σ²) + U(−h, h). */
static gboolean
central_half_width (double   sigma,
                    double   h,
                    double  *half,
                    GError **error)
{
  SumOfNormalAndUniform data = { sigma, h };
  gsl_function f = { upper_tail_gap, &data };
  gsl_root_fsolver *solver;
  int status, iter = 0;

  if (h <= 0)
    {
      *half = sigma * gsl_cdf_ugaussian_Pinv (0.975);
      return TRUE;
    }
  if (sigma <= 0)
    {
      *half = 0.95 * h;
      return TRUE;
    }

  /* At t = h + 2.5 σ the sum is below t whenever X ≤ 2.5 σ: above 0.975. */
  solver = gsl_root_fsolver_alloc (gsl_root_fsolver_brent);
  status = gsl_root_fsolver_set (solver, &f, 0, h + 2.5 * sigma);
  while (status == GSL_SUCCESS && iter++ < 200)
    {
      status = gsl_root_fsolver_iterate (solver);
      if (status != GSL_SUCCESS)
        break;
      status = gsl_root_test_interval (gsl_root_fsolver_x_lower (solver),
                                       gsl_root_fsolver_x_upper (solver), 0, 1e-12);
      if (status == GSL_SUCCESS)
        break;
      if (status == GSL_CONTINUE)
        status = GSL_SUCCESS;
    }
  *half = gsl_root_fsolver_root (solver);
  gsl_root_fsolver_free (solver);
  return np_error_from_gsl (status, "The error propagation", error);
}

/**
 * np_planner_estimate_uncertainty:
 * @results: the output of np_planner_compute for the same plan and options
 *
 * 95 % intervals for the depth and the path length, from the calibration's
 * standard error, the click error of every mark (plan->mark_error_px, a
 * standard deviation per coordinate) and the tissue speed of sound (uniform
 * over 1450–1600 m/s whatever speed the plan states), two ways: a seeded
 * Monte Carlo (options->mc_samples, options->seed) and first-order
 * propagation through the numerical gradient, where the normal part and the
 * uniform speed part are combined exactly. Pixel sizes that come from one
 * scalar estimate (equal values and equal errors) move together.
 *
 * Fluoroscopy plans have no interval (one view has no depth; the two-view
 * depth has none yet) and are left unchanged.
 */
gboolean
np_planner_estimate_uncertainty (const NpPlan            *plan,
                                 const NpPlannerOptions  *options,
                                 NpPlanResults           *results,
                                 GError                 **error)
{
  NpPlannerOptions defaults;
  const NpCalibration *cal;
  Evaluator ev = { 0 };
  Context ctx;
  g_autoptr(gsl_rng) rng = NULL;
  g_autofree double *theta0 = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *sigma = NULL;
  g_autofree double *depths = NULL;
  g_autofree double *paths = NULL;
  guint n_params, n_skin, n_depth = 0, n_path = 0;
  gboolean calibrated, shared_scale, uniform_speed;
  double depth0, path0, var_depth = 0, var_path = 0, g_depth_speed = 0, g_path_speed = 0;
  double half;
  gboolean ok = TRUE;

  g_return_val_if_fail (plan != NULL && plan->calibration != NULL, FALSE);
  g_return_val_if_fail (results != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options == NULL)
    {
      np_planner_options_init (&defaults);
      options = &defaults;
    }
  if (!validate_plan (plan, error))
    return FALSE;
  if (plan->modality != NP_MODALITY_ULTRASOUND || !plan->has_target || !results->has_depth)
    return TRUE;
  if (options->mc_samples < 100)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The Monte Carlo needs at least 100 samples (%u asked)", options->mc_samples);
      return FALSE;
    }

  cal = plan->calibration;
  calibrated = np_calibration_is_calibrated (cal);
  shared_scale = calibrated && cal->mm_per_px_x == cal->mm_per_px_y
                 && cal->se_mm_per_px_x == cal->se_mm_per_px_y;
  uniform_speed = calibrated;
  n_skin = plan->skin_kind != NP_SKIN_NONE && plan->skin_points != NULL
           ? plan->skin_points->len : 0;
  n_params = P_SKIN + 2 * n_skin;

  context_init (&ctx, plan);
  ev.plan = plan;
  space_init (&ev.space);
  ev.skin = g_array_sized_new (FALSE, FALSE, sizeof (NpImagePoint), n_skin);
  g_array_set_size (ev.skin, n_skin);
  ev.out_of_plane = plan->technique == NP_TECHNIQUE_OUT_OF_PLANE;
  ev.walkdown_angle_deg = walkdown_angle (&ctx, options);
  ev.has_path = results->has_path && plan->has_entry;
  context_clear (&ctx);

  theta0 = g_new0 (double, n_params);
  theta = g_new0 (double, n_params);
  sigma = g_new0 (double, n_params);
  theta0[P_SX] = cal->mm_per_px_x;
  theta0[P_SY] = cal->mm_per_px_y;
  theta0[P_SPEED] = plan->speed_of_sound_m_s;
  theta0[P_TX] = plan->target.x;
  theta0[P_TY] = plan->target.y;
  theta0[P_EX] = plan->has_entry ? plan->entry.x : 0;
  theta0[P_EY] = plan->has_entry ? plan->entry.y : 0;
  if (calibrated)
    {
      sigma[P_SX] = cal->se_mm_per_px_x;
      sigma[P_SY] = cal->se_mm_per_px_y;
    }
  sigma[P_TX] = sigma[P_TY] = plan->mark_error_px;
  if (ev.has_path && !ev.out_of_plane)
    sigma[P_EX] = sigma[P_EY] = plan->mark_error_px;
  for (guint i = 0; i < n_skin; i++)
    {
      NpImagePoint p = g_array_index (plan->skin_points, NpImagePoint, i);

      theta0[P_SKIN + 2 * i] = p.x;
      theta0[P_SKIN + 2 * i + 1] = p.y;
      sigma[P_SKIN + 2 * i] = sigma[P_SKIN + 2 * i + 1] = plan->mark_error_px;
    }
  evaluate (&ev, theta0, &depth0, &path0);

  /* Monte Carlo. */
  rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, options->seed);
  depths = g_new (double, options->mc_samples);
  paths = g_new (double, options->mc_samples);
  for (guint s = 0; s < options->mc_samples && ok; s++)
    {
      double depth, path;
      int tries = 0;

      memcpy (theta, theta0, n_params * sizeof (double));
      /* A pixel size must stay positive; a standard error so large that it
       * keeps failing is rejected below. */
      while (calibrated && tries++ < 100)
        {
          double z = gsl_ran_gaussian (rng, 1.0);

          theta[P_SX] = theta0[P_SX] + sigma[P_SX] * z;
          theta[P_SY] = theta0[P_SY] + sigma[P_SY] * (shared_scale ? z : gsl_ran_gaussian (rng, 1.0));
          if (theta[P_SX] > 0 && theta[P_SY] > 0)
            break;
        }
      if (calibrated && (theta[P_SX] <= 0 || theta[P_SY] <= 0))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       "The calibration's standard error is too large for an interval");
          ok = FALSE;
          break;
        }
      if (uniform_speed)
        theta[P_SPEED] = gsl_ran_flat (rng, NP_PLANNER_SPEED_MIN_M_S, NP_PLANNER_SPEED_MAX_M_S);
      for (guint i = P_TX; i < n_params; i++)
        if (sigma[i] > 0)
          theta[i] += gsl_ran_gaussian (rng, sigma[i]);

      evaluate (&ev, theta, &depth, &path);
      if (isfinite (depth))
        depths[n_depth++] = depth;
      if (isfinite (path))
        paths[n_path++] = path;
    }

  /* First-order propagation: central differences at the nominal values. */
  for (guint i = 0; i < n_params && ok; i++)
    {
      double h, dp, dm, pp, pm, g_depth, g_path, sd;

      if (i == P_SPEED ? !uniform_speed : sigma[i] <= 0)
        continue;
      if (i == P_SY && shared_scale)
        continue;
      h = i == P_SPEED ? 0.01 : i <= P_SY ? 1e-6 * theta0[i] : 1e-4;

      memcpy (theta, theta0, n_params * sizeof (double));
      theta[i] += h;
      if (i == P_SX && shared_scale)
        theta[P_SY] += h;
      evaluate (&ev, theta, &dp, &pp);
      theta[i] -= 2 * h;
      if (i == P_SX && shared_scale)
        theta[P_SY] -= 2 * h;
      evaluate (&ev, theta, &dm, &pm);
      g_depth = (dp - dm) / (2 * h);
      g_path = (pp - pm) / (2 * h);

      if (i == P_SPEED)
        {
          g_depth_speed = g_depth;
          g_path_speed = g_path;
          continue;
        }
      sd = sigma[i];
      var_depth += g_depth * g_depth * sd * sd;
      var_path += g_path * g_path * sd * sd;
    }

  space_clear (&ev.space);
  g_array_unref (ev.skin);
  if (!ok)
    return FALSE;

  if (n_depth < options->mc_samples / 2)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC,
                   "The skin line could not be fitted for most Monte Carlo samples; "
                   "check the skin points");
      return FALSE;
    }

  {
    /* The speed part is uniform around the middle of the tissue range. */
    double mid_speed = (NP_PLANNER_SPEED_MIN_M_S + NP_PLANNER_SPEED_MAX_M_S) / 2;
    double half_speed = (NP_PLANNER_SPEED_MAX_M_S - NP_PLANNER_SPEED_MIN_M_S) / 2;
    double centre;

    gsl_sort (depths, 1, n_depth);
    results->depth_ci95[0] = gsl_stats_quantile_from_sorted_data (depths, 1, n_depth, 0.025);
    results->depth_ci95[1] = gsl_stats_quantile_from_sorted_data (depths, 1, n_depth, 0.975);
    if (!central_half_width (sqrt (var_depth), fabs (g_depth_speed) * half_speed, &half, error))
      return FALSE;
    centre = depth0 + (uniform_speed ? g_depth_speed * (mid_speed - theta0[P_SPEED]) : 0);
    results->depth_ci95_propagated[0] = centre - half;
    results->depth_ci95_propagated[1] = centre + half;
    results->has_depth_ci = TRUE;

    if (results->has_path && n_path >= options->mc_samples / 2 && isfinite (path0))
      {
        gsl_sort (paths, 1, n_path);
        results->path_length_ci95[0] = gsl_stats_quantile_from_sorted_data (paths, 1, n_path,
                                                                            0.025);
        results->path_length_ci95[1] = gsl_stats_quantile_from_sorted_data (paths, 1, n_path,
                                                                            0.975);
        if (!central_half_width (sqrt (var_path), fabs (g_path_speed) * half_speed, &half, error))
          return FALSE;
        centre = path0 + (uniform_speed ? g_path_speed * (mid_speed - theta0[P_SPEED]) : 0);
        results->path_length_ci95_propagated[0] = centre - half;
        results->path_length_ci95_propagated[1] = centre + half;
        results->has_path_ci = TRUE;
      }
  }
  results->mc_samples = options->mc_samples;
  results->mc_seed = options->seed;
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Recommended entry                                                          */
/* ------------------------------------------------------------------------ */

typedef enum
{
  BINDING_NONE = -1,
  BINDING_ANGLE = -2,
  BINDING_PROBE = -3,
} Binding;

typedef struct
{
  Context *ctx;
  NpMmPoint target;
  double angle_min, angle_max;
  gboolean has_footprint;     /* in plane: entries under the probe are excluded */
  double footprint_lo, footprint_hi;
} Search;

static double
search_angle (const Search *search,
              NpMmPoint     entry,
              NpMmPoint     tangent)
{
  NpMmPoint path = np_mm_point (search->target.x - entry.x, search->target.y - entry.y);

  if (path.x == 0 && path.y == 0)
    return 90;
  return np_geometry_line_angle_deg (path, tangent);
}

static double
search_length (double  param,
               void   *data)
{
  const Search *search = data;

  return np_geometry_distance (skin_at (&search->ctx->space, param, NULL), search->target);
}

/* How far beyond the probe's footprint the entry lies (negative under it). */
static double
probe_slack (const Search *search,
             double        param)
{
  return MAX (search->footprint_lo - param, param - search->footprint_hi);
}

/* The smallest slack of all constraints at @param: ≥ 0 when the entry is
 * acceptable. Degrees and millimetres are mixed; only the sign and which
 * constraint binds matter. With @stop_below_zero the scan only needs to
 * know whether the entry is acceptable and stops at the first failure. */
static double
search_slack (const Search *search,
              double        param,
              gboolean      stop_below_zero,
              int          *binding)
{
  const Context *ctx = search->ctx;
  NpMmPoint tangent;
  NpMmPoint entry = skin_at (&ctx->space, param, &tangent);
  double angle = search_angle (search, entry, tangent);
  double slack = MIN (angle - search->angle_min, search->angle_max - angle);
  int bind = BINDING_ANGLE;

  if (search->has_footprint)
    {
      double probe = probe_slack (search, param);

      if (probe < slack)
        {
          slack = probe;
          bind = BINDING_PROBE;
        }
    }

  for (guint i = 0; i < ctx->obstacles->len && !(stop_below_zero && slack < 0); i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);
      double ob_slack;

      if (!ob->usable)
        continue;
      ob_slack = obstacle_slack (ctx, ob, entry, search->target, slack);
      if (ob_slack < slack)
        {
          slack = ob_slack;
          bind = (int) i;
        }
    }
  if (binding != NULL)
    *binding = bind;
  return slack;
}

static double
search_slack_cb (double  param,
                 void   *data)
{
  return search_slack (data, param, FALSE, NULL);
}

typedef struct
{
  double structures;          /* Σ max(0, required − clearance), mm or px */
  double angle;               /* degrees outside the range */
  double length;
} Violation;

static Violation
search_violation (const Search *search,
                  double        param)
{
  const Context *ctx = search->ctx;
  NpMmPoint tangent;
  NpMmPoint entry = skin_at (&ctx->space, param, &tangent);
  double angle = search_angle (search, entry, tangent);
  Violation v = { 0, 0, np_geometry_distance (entry, search->target) };

  v.angle = MAX (0.0, MAX (search->angle_min - angle, angle - search->angle_max));
  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);

      if (ob->usable)
        v.structures += MAX (0.0, -obstacle_slack (ctx, ob, entry, search->target, 0));
    }
  return v;
}

/* Structures first (safety), then the angle, then the length. */
static gboolean
violation_less (const Violation *a,
                const Violation *b)
{
  if (fabs (a->structures - b->structures) > 1e-9)
    return a->structures < b->structures;
  if (fabs (a->angle - b->angle) > 1e-9)
    return a->angle < b->angle;
  return a->length < b->length;
}

/* Boundary between an acceptable @good and an unacceptable @bad entry,
 * by Brent's method on the slack; returns the acceptable side. */
static double
refine_boundary (Search *search,
                 double  good,
                 double  bad)
{
  gsl_function f = { search_slack_cb, search };
  gsl_root_fsolver *solver;
  double lo = MIN (good, bad), hi = MAX (good, bad);
  double result = good;
  int status, iter = 0;

  if (search_slack_cb (good, search) <= 0)
    return good;

  solver = gsl_root_fsolver_alloc (gsl_root_fsolver_brent);
  status = gsl_root_fsolver_set (solver, &f, lo, hi);
  while (status == GSL_SUCCESS && iter++ < 100)
    {
      status = gsl_root_fsolver_iterate (solver);
      if (status != GSL_SUCCESS)
        break;
      lo = gsl_root_fsolver_x_lower (solver);
      hi = gsl_root_fsolver_x_upper (solver);
      if (gsl_root_test_interval (lo, hi, 1e-9, 0) == GSL_SUCCESS)
        break;
    }
  gsl_root_fsolver_free (solver);
  if (status == GSL_SUCCESS)
    {
      /* Keep the end of the final bracket that still satisfies everything. */
      if (search_slack_cb (good < bad ? hi : lo, search) >= 0)
        result = good < bad ? hi : lo;
      else if (search_slack_cb (good < bad ? lo : hi, search) >= 0)
        result = good < bad ? lo : hi;
    }
  return result;
}

/* Shortest acceptable entry near the best scanned sample @i. */
static double
refine_entry (Search       *search,
              const double *params,
              const double *lengths,
              const gboolean *acceptable,
              gsize         n,
              gsize         i)
{
  double best = params[i];
  gboolean bracket = i > 0 && i + 1 < n && lengths[i - 1] > lengths[i] && lengths[i + 1] > lengths[i];

  if (bracket)
    {
      /* The unconstrained shortest path lies between the neighbours. */
      gsl_function f = { search_length, search };
      gsl_min_fminimizer *minimizer = gsl_min_fminimizer_alloc (gsl_min_fminimizer_brent);
      int status = gsl_min_fminimizer_set (minimizer, &f, params[i], params[i - 1], params[i + 1]);
      int iter = 0;
      double candidate = params[i];

      while (status == GSL_SUCCESS && iter++ < 100)
        {
          status = gsl_min_fminimizer_iterate (minimizer);
          if (status != GSL_SUCCESS)
            break;
          status = gsl_min_test_interval (gsl_min_fminimizer_x_lower (minimizer),
                                          gsl_min_fminimizer_x_upper (minimizer), 1e-10, 0);
          if (status == GSL_SUCCESS)
            break;
          if (status == GSL_CONTINUE)
            status = GSL_SUCCESS;
        }
      if (status == GSL_SUCCESS)
        candidate = gsl_min_fminimizer_x_minimum (minimizer);
      gsl_min_fminimizer_free (minimizer);

      if (search_slack_cb (candidate, search) >= 0)
        return candidate;
      return refine_boundary (search, best, candidate);
    }

  /* Otherwise the path shortens towards a neighbour that fails a constraint. */
  {
    gsize towards = i;

    if (i > 0 && lengths[i - 1] < lengths[i])
      towards = i - 1;
    if (i + 1 < n && lengths[i + 1] < lengths[towards])
      towards = i + 1;
    if (towards != i && !acceptable[towards])
      return refine_boundary (search, best, params[towards]);
  }
  return best;
}

static void
describe_binding (const Search *search,
                  int           binding,
                  GString      *reason)
{
  const Context *ctx = search->ctx;

  if (binding >= 0)
    {
      const NpStructure *structure = g_ptr_array_index (ctx->plan->structures, binding);
      g_autofree char *name = structure_name (structure);

      if (ctx->space.calibrated)
        g_string_append_printf (reason, "keeps the %g mm margin from the %s",
                                structure->margin_mm, name);
      else
        g_string_append_printf (reason, "keeps clear of the %s", name);
    }
  else if (binding == BINDING_ANGLE)
    g_string_append_printf (reason, "stays within %g–%g° to the skin", search->angle_min,
                            search->angle_max);
  else if (binding == BINDING_PROBE)
    g_string_append (reason, "enters at the end of the probe, as an in-plane needle must");
}

void
np_entry_recommendation_free (NpEntryRecommendation *recommendation)
{
  if (recommendation == NULL)
    return;
  g_free (recommendation->reason);
  g_free (recommendation);
}

static void
fill_recommendation (Search                *search,
                     double                 param,
                     NpEntryRecommendation *rec)
{
  const Context *ctx = search->ctx;
  NpMmPoint tangent;
  NpMmPoint entry = skin_at (&ctx->space, param, &tangent);

  rec->entry = to_image (&ctx->space, entry);
  rec->has_path = TRUE;
  rec->path_length = np_geometry_distance (entry, search->target);
  rec->insertion_angle_deg = search_angle (search, entry, tangent);
  rec->min_clearance = G_MAXDOUBLE;
  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);

      if (ob->usable)
        rec->min_clearance = MIN (rec->min_clearance,
                                  obstacle_clearance (ctx, ob, entry, search->target, NULL, NULL));
    }
}

static void
explain_failure (const Search          *search,
                 NpEntryRecommendation *rec,
                 GString               *reason)
{
  const Context *ctx = search->ctx;
  NpMmPoint entry = to_phys (&ctx->space, rec->entry);
  gboolean first = TRUE;

  g_string_append (reason, "No entry satisfies every constraint: ");
  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);
      const NpStructure *structure = g_ptr_array_index (ctx->plan->structures, i);
      g_autofree char *name = NULL;
      double d;

      if (!ob->usable || obstacle_slack (ctx, ob, entry, search->target, 0) >= 0)
        continue;
      d = obstacle_clearance (ctx, ob, entry, search->target, NULL, NULL);
      name = structure_name (structure);
      if (!first)
        g_string_append (reason, "; ");
      first = FALSE;
      if (!ctx->space.calibrated || structure->margin_mm <= 0)
        g_string_append_printf (reason, "the %s cannot be avoided (the least-bad path passes "
                                        "through it)", name);
      else if (d <= 0)
        g_string_append_printf (reason, "the %s cannot be cleared by its %g mm margin "
                                        "(the least-bad path crosses it)",
                                name, structure->margin_mm);
      else
        g_string_append_printf (reason, "the %s cannot be cleared by its %g mm margin "
                                        "(the least-bad path passes %.1f mm from it)",
                                name, structure->margin_mm, d);
    }
  if (rec->insertion_angle_deg < search->angle_min - 1e-9
      || rec->insertion_angle_deg > search->angle_max + 1e-9)
    {
      if (!first)
        g_string_append (reason, "; ");
      g_string_append_printf (reason, "the angle cannot stay within %g–%g° to the skin "
                                      "(least-bad %.0f°)",
                              search->angle_min, search->angle_max, rec->insertion_angle_deg);
    }
  g_string_append_printf (reason, ". Least-bad entry shown: path %.1f %s at %.0f° to the skin.",
                          rec->path_length, rec->unit, rec->insertion_angle_deg);
}

/* Scan range along the skin: every entry from which the needle could reach
 * the target at the approach's flattest angle, within the longest standard
 * needle; in plane beyond the image, otherwise within the marked skin. */
static void
search_range (const Search *search,
              double        foot,
              double        depth,
              gboolean      in_plane,
              double       *lo,
              double       *hi)
{
  const Space *space = &search->ctx->space;
  double flattest = MAX (search->angle_min, FLATTEST_USEFUL_DEG) * DEG_TO_RAD;
  double reach = 1.5 * MAX (depth, 1.0) / tan (flattest) + 1.0;

  /* Beyond the longest needle nothing reaches; uncalibrated, a bound keeps
   * the scan finite on any frame. */
  if (space->calibrated)
    /* NOLINTNEXTLINE(bugprone-integer-division): G_N_ELEMENTS divides sizes for an index */
    reach = MIN (reach, needle_lengths_mm[G_N_ELEMENTS (needle_lengths_mm) - 1]
                          - NP_PLANNER_NEEDLE_OUTSIDE_MM);
  else
    reach = MIN (reach, MAX_SCAN_REACH_PX);
  *lo = foot - reach;
  *hi = foot + reach;

  if (in_plane)
    return;
  if (space->skin == SKIN_POLYLINE)
    {
      *lo = MAX (*lo, 0.0);
      *hi = MIN (*hi, np_geometry_polyline_length ((const NpMmPoint *) space->skin_points->data,
                                                   space->skin_points->len));
    }
  else if (space->skin == SKIN_ARC
           || (space->skin == SKIN_TOP_EDGE && search->has_footprint))
    {
      *lo = MAX (*lo, search->footprint_lo);
      *hi = MIN (*hi, search->footprint_hi);
    }
}

static NpEntryRecommendation *
recommend_in_plane (Search   *search,
                    gboolean  in_plane)
{
  const Context *ctx = search->ctx;
  NpEntryRecommendation *rec = g_new0 (NpEntryRecommendation, 1);
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autofree double *params = NULL;
  g_autofree double *lengths = NULL;
  g_autofree gboolean *acceptable = NULL;
  g_autofree gsize *order = NULL;
  double foot, depth, lo, hi, step;
  gsize n, best = G_MAXSIZE;

  rec->unit = ctx->space.calibrated ? "mm" : "px";
  depth = skin_closest (&ctx->space, search->target, NULL, NULL, &foot);
  search_range (search, foot, depth, in_plane, &lo, &hi);
  if (hi < lo)
    hi = lo;

  /* Global scan at ≤ 0.5 mm (px) steps, visited from the shortest path up:
   * the first acceptable sample is the best one. */
  n = (gsize) ceil ((hi - lo) / NP_PLANNER_SCAN_STEP) + 1;
  step = n > 1 ? (hi - lo) / (n - 1) : 0;
  params = g_new (double, n);
  lengths = g_new (double, n);
  acceptable = g_new0 (gboolean, n);
  order = g_new (gsize, n);
  for (gsize i = 0; i < n; i++)
    {
      params[i] = lo + i * step;
      lengths[i] = search_length (params[i], search);
    }
  gsl_sort_index (order, lengths, 1, n);
  for (gsize k = 0; k < n; k++)
    {
      gsize i = order[k];

      acceptable[i] = search_slack (search, params[i], TRUE, NULL) >= 0;
      if (acceptable[i])
        {
          best = i;
          break;
        }
    }

  if (best != G_MAXSIZE)
    {
      /* Neighbours decide how to refine; fill in their acceptability. */
      if (best > 0)
        acceptable[best - 1] = search_slack (search, params[best - 1], TRUE, NULL) >= 0;
      if (best + 1 < n)
        acceptable[best + 1] = search_slack (search, params[best + 1], TRUE, NULL) >= 0;

      {
        double param = refine_entry (search, params, lengths, acceptable, n, best);
        int binding;
        double slack = search_slack (search, param, FALSE, &binding);

        fill_recommendation (search, param, rec);
        rec->feasible = TRUE;
        if (!ctx->space.calibrated)
          g_string_append_printf (reason, "Frame is not calibrated: margins are not applied; "
                                          "the path keeps %g px from each outline. ",
                                  UNCALIBRATED_CLEARANCE_PX);
        g_string_append_printf (reason, "Shortest path to the target that ");
        if (slack < 1e-4)
          {
            describe_binding (search, binding, reason);
            g_string_append (reason, ", clears every structure and stays within the angle "
                                     "range: ");
          }
        else
          g_string_append_printf (reason, "clears every structure and stays within %g–%g° to "
                                          "the skin: ",
                                  search->angle_min, search->angle_max);
        g_string_append_printf (reason, "%.1f %s at %.0f° to the skin.", rec->path_length,
                                rec->unit, rec->insertion_angle_deg);
      }
    }
  else
    {
      /* Nothing passes: the least-bad sample, structures weighed first. */
      Violation least = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
      gsize least_index = 0;

      for (gsize i = 0; i < n; i++)
        {
          Violation v;

          if (search->has_footprint && probe_slack (search, params[i]) < 0)
            continue;
          v = search_violation (search, params[i]);
          if (violation_less (&v, &least))
            {
              least = v;
              least_index = i;
            }
        }
      fill_recommendation (search, params[least_index], rec);
      rec->feasible = FALSE;
      explain_failure (search, rec, reason);
    }

  rec->reason = g_string_free (g_steal_pointer (&reason), FALSE);
  return rec;
}

/**
 * np_planner_recommend_entry:
 * @options: (nullable): the field of view (in plane, entries under the probe
 *   are excluded) and the walk-down angle
 *
 * The entry on the skin line with the shortest path that clears every
 * structure by its margin and keeps the insertion angle inside the
 * approach's range: a scan at ≤ 0.5 mm steps along the skin (extended past
 * the image in plane), then Brent refinement (gsl_min for the shortest path,
 * gsl_root for the edge of a constraint). When nothing satisfies every
 * constraint, the least-bad entry comes back with feasible = FALSE and a
 * reason naming what fails. Out of plane the entry is the skin point over
 * the target; coaxial fluoroscopy puts it over the target in the view.
 *
 * Returns: (transfer full) (nullable): the recommendation, or NULL with
 *   @error set when the plan has no target or no skin line
 */
NpEntryRecommendation *
np_planner_recommend_entry (const NpPlan            *plan,
                            const NpPlannerOptions  *options,
                            GError                 **error)
{
  NpPlannerOptions defaults;
  NpEntryRecommendation *rec = NULL;
  Context ctx;
  Search search = { 0 };

  g_return_val_if_fail (plan != NULL && plan->calibration != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      np_planner_options_init (&defaults);
      options = &defaults;
    }
  if (!validate_plan (plan, error))
    return NULL;
  if (!plan->has_target)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, "Mark the target before asking for an entry");
      return NULL;
    }

  context_init (&ctx, plan);
  search.ctx = &ctx;
  search.target = to_phys (&ctx.space, plan->target);
  np_approach_angle_range (ctx.approach, plan->modality, plan->technique,
                           &search.angle_min, &search.angle_max);

  if (plan->modality == NP_MODALITY_FLUOROSCOPY)
    {
      rec = g_new0 (NpEntryRecommendation, 1);
      rec->unit = ctx.space.calibrated ? "mm" : "px";
      rec->feasible = TRUE;
      rec->entry = plan->target;
      rec->min_clearance = G_MAXDOUBLE;
      rec->reason = g_strdup ("Coaxial (down the beam): the entry overlies the target in this "
                              "view; tilt the C-arm until hub and tip line up, and check the "
                              "depth on a second view.");
    }
  else if (ctx.space.skin == SKIN_MISSING)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID, "Mark the skin line first: %s",
                 ctx.space.skin_problem);
  else if (plan->technique == NP_TECHNIQUE_OUT_OF_PLANE)
    {
      NpMmPoint foot;
      double depth = skin_closest (&ctx.space, search.target, &foot, NULL, NULL);
      double angle = walkdown_angle (&ctx, options);

      rec = g_new0 (NpEntryRecommendation, 1);
      rec->unit = ctx.space.calibrated ? "mm" : "px";
      rec->entry = to_image (&ctx.space, foot);
      rec->has_path = TRUE;
      rec->path_length = depth / sin (angle * DEG_TO_RAD);
      rec->insertion_angle_deg = angle;
      rec->min_clearance = G_MAXDOUBLE;
      rec->feasible = TRUE;
      for (guint i = 0; i < ctx.obstacles->len; i++)
        {
          const Obstacle *ob = &g_array_index (ctx.obstacles, Obstacle, i);
          double d;

          if (!ob->usable)
            continue;
          d = obstacle_clearance (&ctx, ob, foot, search.target, NULL, NULL);
          rec->min_clearance = MIN (rec->min_clearance, d);
          if (obstacle_slack (&ctx, ob, foot, search.target, 0) < 0)
            rec->feasible = FALSE;
        }
      rec->reason = g_strdup_printf ("Out of plane: the probe sits over the target; the needle "
                                     "enters %.1f %s from the imaging plane at %.0f° (walk-down) "
                                     "and reaches the target after %.1f %s.%s",
                                     np_planner_walkdown_offset (depth, angle), rec->unit, angle,
                                     rec->path_length, rec->unit,
                                     rec->feasible ? ""
                                     : " A structure lies within its margin under the probe: "
                                       "move the probe.");
    }
  else
    {
      gboolean in_plane = plan->technique == NP_TECHNIQUE_IN_PLANE;

      search.has_footprint = in_plane && probe_footprint (&ctx, options, &search.footprint_lo,
                                                          &search.footprint_hi);
      rec = recommend_in_plane (&search, in_plane);
    }

  context_clear (&ctx);
  return rec;
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                       */
/* ------------------------------------------------------------------------ */

static void
add_point (JsonBuilder  *builder,
           const char   *name,
           gboolean      has,
           NpImagePoint  p)
{
  json_builder_set_member_name (builder, name);
  if (!has)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_array (builder);
  json_builder_add_double_value (builder, p.x);
  json_builder_add_double_value (builder, p.y);
  json_builder_end_array (builder);
}

static void
add_number_or_null (JsonBuilder *builder,
                    const char  *name,
                    gboolean     has,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  if (has && isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* A length under NAME_mm when calibrated and NAME_px when not; the other key
 * is null, so no millimetre value ever appears without a calibration. */
static void
add_length (JsonBuilder         *builder,
            const NpPlanResults *results,
            const char          *name,
            gboolean             has,
            double               value)
{
  g_autofree char *mm = g_strconcat (name, "_mm", NULL);
  g_autofree char *px = g_strconcat (name, "_px", NULL);

  add_number_or_null (builder, mm, has && results->calibrated, value);
  add_number_or_null (builder, px, has && !results->calibrated, value);
}

static void
add_interval (JsonBuilder         *builder,
              const NpPlanResults *results,
              const char          *name,
              gboolean             has,
              const double         interval[2])
{
  for (int unit = 0; unit < 2; unit++)
    {
      g_autofree char *key = g_strconcat (name, unit == 0 ? "_mm" : "_px", NULL);

      json_builder_set_member_name (builder, key);
      if (has && results->calibrated == (unit == 0))
        {
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, interval[0]);
          json_builder_add_double_value (builder, interval[1]);
          json_builder_end_array (builder);
        }
      else
        json_builder_add_null_value (builder);
    }
}

static const char *
measure_kind_name (NpMeasureKind kind)
{
  const char *name = np_measure_kind_to_string (kind);
  return name != NULL ? name : "unknown";
}

/**
 * np_planner_results_to_json:
 *
 * Lengths are under *_mm keys when calibrated and *_px keys when not; the
 * keys of the other unit are present and null (documented in
 * docs/planner.md).
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
np_planner_results_to_json (const NpPlanResults *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const NpStructureClearance *nearest = NULL;
  gboolean cal;

  g_return_val_if_fail (results != NULL, NULL);

  cal = results->calibrated;
  if (results->nearest >= 0 && (guint) results->nearest < results->clearances->len)
    nearest = &g_array_index (results->clearances, NpStructureClearance, results->nearest);

  /* Object keys must be unique: a repeated label gets " (2)", " (3)". */
  for (guint i = 0; i < results->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, i);
      char *key = g_strdup (c->label);

      for (int k = 2; g_hash_table_contains (names, key); k++)
        {
          g_free (key);
          key = g_strdup_printf ("%s (%d)", c->label, k);
        }
      g_hash_table_add (names, g_strdup (key));
      g_ptr_array_add (keys, key);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "calibrated");
  json_builder_add_boolean_value (builder, cal);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, results->unit);
  json_builder_set_member_name (builder, "approach");
  if (results->approach != NULL)
    json_builder_add_string_value (builder, results->approach);
  else
    json_builder_add_null_value (builder);
  add_number_or_null (builder, "speed_of_sound_m_s", results->speed_of_sound_m_s > 0,
                      results->speed_of_sound_m_s);

  add_length (builder, results, "depth", results->has_depth, results->depth);
  add_point (builder, "skin_foot", results->has_depth, results->skin_foot);
  add_length (builder, results, "path_length", results->has_path, results->path_length);
  add_number_or_null (builder, "insertion_angle_deg", results->has_angle,
                      results->insertion_angle_deg);
  add_length (builder, results, "projected_path_length", results->has_projection,
              results->projected_path_length);
  add_number_or_null (builder, "projected_angle_deg", results->has_projection,
                      results->projected_angle_deg);

  for (int unit = 0; unit < 2; unit++)
    {
      json_builder_set_member_name (builder, unit == 0 ? "clearance_mm" : "clearance_px");
      if (cal != (unit == 0))
        {
          json_builder_add_null_value (builder);
          continue;
        }
      json_builder_begin_object (builder);
      for (guint i = 0; i < results->clearances->len; i++)
        {
          json_builder_set_member_name (builder, g_ptr_array_index (keys, i));
          json_builder_add_double_value (builder, g_array_index (results->clearances,
                                                                 NpStructureClearance,
                                                                 i).clearance);
        }
      json_builder_end_object (builder);
    }
  add_length (builder, results, "min_clearance", nearest != NULL,
              nearest != NULL ? nearest->clearance : NAN);
  json_builder_set_member_name (builder, "nearest_structure");
  if (nearest != NULL)
    json_builder_add_string_value (builder, g_ptr_array_index (keys, results->nearest));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "structures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, g_ptr_array_index (keys, i));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, np_structure_kind_to_string (c->kind));
      add_length (builder, results, "clearance", TRUE, c->clearance);
      /* A margin is only meaningful, and only shown, in millimetres. */
      add_number_or_null (builder, "margin_mm", cal, c->margin_mm);
      json_builder_set_member_name (builder, "entered");
      json_builder_add_boolean_value (builder, c->entered);
      json_builder_set_member_name (builder, "within_margin");
      if (cal)
        json_builder_add_boolean_value (builder, c->within_margin);
      else
        json_builder_add_null_value (builder);
      add_point (builder, "on_path", TRUE, c->on_path);
      add_point (builder, "on_structure", TRUE, c->on_structure);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "crosses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, i);

      if (c->entered || c->within_margin)
        json_builder_add_string_value (builder, g_ptr_array_index (keys, i));
    }
  json_builder_end_array (builder);

  add_point (builder, "fov_entry", results->has_fov_entry, results->fov_entry);
  add_length (builder, results, "fov_entry_depth", results->has_fov_entry,
              results->fov_entry_depth);
  json_builder_set_member_name (builder, "visibility");
  if (np_visibility_to_string (results->visibility) != NULL)
    json_builder_add_string_value (builder, np_visibility_to_string (results->visibility));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "walkdown");
  if (results->has_walkdown)
    {
      json_builder_begin_object (builder);
      add_number_or_null (builder, "angle_deg", TRUE, results->walkdown_angle_deg);
      add_length (builder, results, "offset", TRUE, results->walkdown_offset);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  add_number_or_null (builder, "needle_mm", results->has_needle, results->needle_mm);
  add_number_or_null (builder, "needle_inch", results->has_needle, results->needle_inch);
  json_builder_set_member_name (builder, "gauges");
  json_builder_begin_array (builder);
  for (guint i = 0; results->gauges != NULL && results->gauges[i] != 0; i++)
    {
      g_autofree char *gauge = g_strdup_printf ("%u G", results->gauges[i]);
      json_builder_add_string_value (builder, gauge);
    }
  json_builder_end_array (builder);

  add_interval (builder, results, "depth_ci95", results->has_depth_ci, results->depth_ci95);
  add_interval (builder, results, "path_length_ci95", results->has_path_ci,
                results->path_length_ci95);
  add_interval (builder, results, "depth_ci95_propagated", results->has_depth_ci,
                results->depth_ci95_propagated);
  add_interval (builder, results, "path_length_ci95_propagated", results->has_path_ci,
                results->path_length_ci95_propagated);
  json_builder_set_member_name (builder, "monte_carlo");
  if (results->has_depth_ci)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "samples");
      json_builder_add_int_value (builder, results->mc_samples);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) results->mc_seed);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "two_views");
  if (results->has_two_views)
    {
      json_builder_begin_object (builder);
      add_number_or_null (builder, "angle_deg", TRUE, results->views_angle_deg);
      add_number_or_null (builder, "depth_mm", TRUE, results->two_views.depth_mm);
      add_number_or_null (builder, "path_length_mm", TRUE, results->two_views.path_length_mm);
      add_number_or_null (builder, "rms_residual_mm", TRUE, results->two_views.rms_residual_mm);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "measurements");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->measurements->len; i++)
    {
      const NpMeasurementValue *m = &g_array_index (results->measurements, NpMeasurementValue, i);
      gboolean is_angle = m->kind == NP_MEASURE_ANGLE;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, measure_kind_name (m->kind));
      if (is_angle)
        add_number_or_null (builder, "value_deg", m->valid, m->value);
      else
        add_length (builder, results, "value", m->valid, m->value);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (results->warnings, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
