/* np-planner-uncertainty.c: 95 % intervals of depth and path length (one view)
 *
 * A seeded Monte Carlo over the calibration, the clicks and the tissue speed,
 * cross-checked with first-order propagation.
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)

/* ------------------------------------------------------------------------ */
/* Uncertainty                                                                */
/* ------------------------------------------------------------------------ */

/* Parameter vector: pixel sizes, speed of sound, target, entry, skin points. */
enum { P_SX, P_SY, P_SPEED, P_TX, P_TY, P_EX, P_EY, P_SKIN };

/* Output vector: depth, path, insertion angle, then one clearance per usable
 * structure (in the order of results->clearances). */
enum { Q_DEPTH, Q_PATH, Q_ANGLE, Q_CLEARANCE };

typedef struct
{
  Context ctx;
  GArray *skin;               /* NpImagePoint scratch */
  gboolean out_of_plane;
  double walkdown_angle_deg;
  gboolean has_path;
  guint n_out;
} Evaluator;

static void
evaluate (Evaluator    *ev,
          const double *theta,
          double       *out)
{
  guint n_skin = ev->skin->len;
  NpImagePoint *skin = (NpImagePoint *) ev->skin->data;
  const Space *space = &ev->ctx.space;
  NpMmPoint target, entry, tangent, foot;
  guint q = Q_CLEARANCE;

  for (guint i = 0; i < n_skin; i++)
    skin[i] = np_image_point (theta[P_SKIN + 2 * i], theta[P_SKIN + 2 * i + 1]);
  np_planner_context_setup_space (&ev->ctx, theta[P_SX], theta[P_SY], theta[P_SPEED], skin,
                                  n_skin);

  for (guint i = 0; i < ev->n_out; i++)
    out[i] = NAN;
  target = np_planner_to_phys (space, np_image_point (theta[P_TX], theta[P_TY]));
  out[Q_DEPTH] = np_planner_skin_closest (space, target, &foot, NULL, NULL);
  if (ev->out_of_plane)
    {
      out[Q_PATH] = out[Q_DEPTH] / sin (ev->walkdown_angle_deg * DEG_TO_RAD);
      /* The needle projects onto skin foot → target in this image. */
      entry = foot;
    }
  else if (ev->has_path)
    {
      entry = np_planner_to_phys (space, np_image_point (theta[P_EX], theta[P_EY]));
      out[Q_PATH] = np_geometry_distance (entry, target);
      if (space->skin != SKIN_MISSING && out[Q_PATH] > 0)
        {
          np_planner_skin_closest (space, entry, NULL, &tangent, NULL);
          out[Q_ANGLE] = np_geometry_line_angle_deg (np_mm_point (target.x - entry.x,
                                                                  target.y - entry.y),
                                                     tangent);
        }
    }
  else
    return;
  if (!isfinite (entry.x) || !isfinite (entry.y))
    return;

  for (guint i = 0; i < ev->ctx.obstacles->len && q < ev->n_out; i++)
    {
      const Obstacle *ob = &g_array_index (ev->ctx.obstacles, Obstacle, i);

      if (ob->usable)
        out[q++] = np_planner_obstacle_clearance (&ev->ctx, ob, entry, target, NULL, NULL);
    }
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
gboolean
np_planner_central_half_width (double   sigma,
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
  return np_error_from_gsl (status, _("The error propagation"), error);
}

/* 2.5 % and 97.5 % sample quantiles of the finite values (sorted in place);
 * FALSE when fewer than half of the samples gave one. */
static gboolean
sample_interval (double *values,
                 guint   n,
                 guint   n_samples,
                 double  interval[2])
{
  if (n < n_samples / 2 || n == 0)
    return FALSE;
  gsl_sort (values, 1, n);
  interval[0] = gsl_stats_quantile_from_sorted_data (values, 1, n, 0.025);
  interval[1] = gsl_stats_quantile_from_sorted_data (values, 1, n, 0.975);
  return TRUE;
}

/* A reported value always lies in its own interval: the sample quantiles of
 * a skewed or clipped quantity (a clearance held at 0, an angle near 90°) can
 * leave it just outside. */
static void
hold_value (double value,
            double interval[2])
{
  interval[0] = MIN (interval[0], value);
  interval[1] = MAX (interval[1], value);
}

static NpIntervalSource
dominant_source (const double part[3])
{
  /* part: calibration, clicks, speed (first-order variances) */
  if (part[0] <= 0 && part[1] <= 0 && part[2] <= 0)
    return NP_INTERVAL_SOURCE_NONE;
  if (part[2] >= part[0] && part[2] >= part[1])
    return NP_INTERVAL_SOURCE_SPEED;
  return part[0] >= part[1] ? NP_INTERVAL_SOURCE_CALIBRATION : NP_INTERVAL_SOURCE_CLICKS;
}

/**
 * np_planner_interval_source_describe:
 *
 * What dominates an interval, in the words the panel and the report use
 * ("mostly the assumed speed of sound, 1481–1599 m/s").
 *
 * Returns: (transfer full) (nullable): the words, %NULL for no source
 */
char *
np_planner_interval_source_describe (const NpPlanResults *results,
                                     NpIntervalSource     source)
{
  g_return_val_if_fail (results != NULL, NULL);

  switch (source)
    {
    case NP_INTERVAL_SOURCE_SPEED:
      return g_strdup_printf (_("mostly the assumed speed of sound, %.0f–%.0f m/s"),
                              results->speed_of_sound_m_s - 1.96 * results->speed_of_sound_sd_m_s,
                              results->speed_of_sound_m_s + 1.96 * results->speed_of_sound_sd_m_s);
    case NP_INTERVAL_SOURCE_CALIBRATION:
      return g_strdup (_("mostly the calibration's standard error"));
    case NP_INTERVAL_SOURCE_CLICKS:
      return g_strdup_printf (_("mostly the click positions (±%g px per mark)"),
                              results->mark_error_px);
    case NP_INTERVAL_SOURCE_NONE:
    default:
      return NULL;
    }
}

/* Marks the skin points whose nudge can move the distance from @p to a
 * polyline skin: the ends of every segment within @slack of the nearest
 * one. Moving any other point by a central-difference step leaves the
 * nearest segment, its foot and its tangent as they were, so its gradient
 * is zero and it need not be evaluated: this keeps first-order propagation
 * linear in the skin points rather than quadratic. */
static void
mark_skin_near (const Space *space,
                NpMmPoint    p,
                double       slack,
                gboolean    *matters)
{
  const NpMmPoint *pts = (const NpMmPoint *) space->skin_points->data;
  guint n = space->skin_points->len;
  g_autofree double *d = NULL;
  double best = G_MAXDOUBLE;

  if (n < 2 || !isfinite (p.x) || !isfinite (p.y))
    return;
  d = g_new (double, n - 1);
  /* The end segments run on as rays past the ends, as in the skin model. */
  for (guint i = 0; i + 1 < n; i++)
    {
      NpMmPoint a = pts[i], b = pts[i + 1];
      double ux = b.x - a.x, uy = b.y - a.y;
      double len2 = ux * ux + uy * uy;
      double t = len2 > 0 ? ((p.x - a.x) * ux + (p.y - a.y) * uy) / len2 : 0;

      if (i > 0)
        t = MAX (t, 0.0);
      if (i + 2 < n)
        t = MIN (t, 1.0);
      d[i] = hypot (p.x - a.x - t * ux, p.y - a.y - t * uy);
      best = MIN (best, d[i]);
    }
  for (guint i = 0; i + 1 < n; i++)
    if (d[i] <= best + slack)
      matters[i] = matters[i + 1] = TRUE;
}

/* First-order propagation of the skin arc's clicks through the circle
 * fitted to them: the geometric least-squares fit (r_i = |p_i − c| − R,
 * Jacobian rows J_i = (−u_i, −1) with u_i the unit vector from the centre)
 * moves with the points by Cov = A⁻¹ B A⁻¹, A = Σ J_iᵀJ_i and
 * B = Σ v_i J_iᵀJ_i, v_i the variance of p_i along u_i (exact for three
 * points, which fix the circle). The outputs' gradients in (cx, cy, R) take
 * six evaluations with the circle given; the whole is linear in the points,
 * where nudging each point and refitting was quadratic. The marked
 * stretch's ends (where the skin turns straight) keep their nominal
 * places. Adds each output's variance to its marks part. */
static void
add_arc_variance (Evaluator    *ev,
                  const double *theta0,
                  const double *sigma,
                  guint         n_skin,
                  NpMmPoint     centre,
                  double        radius,
                  double        sx,
                  double        sy,
                  double       *out_p,
                  double       *out_m,
                  double       *variance)
{
  double a[3][3] = { { 0 } }, b[3][3] = { { 0 } }, inv[3][3], cov[3][3], tmp[3][3];
  double gradient[3], det, h;
  g_autofree double *g = g_new0 (double, (gsize) ev->n_out * 3);

  for (guint i = 0; i < n_skin; i++)
    {
      double x = theta0[P_SKIN + 2 * i] * sx - centre.x;
      double y = theta0[P_SKIN + 2 * i + 1] * sy - centre.y;
      double d = hypot (x, y), ex, ey, v, j[3];

      if (!(d > 0))
        continue;
      ex = sigma[P_SKIN + 2 * i] * sx;
      ey = sigma[P_SKIN + 2 * i + 1] * sy;
      j[0] = -x / d;
      j[1] = -y / d;
      j[2] = -1;
      v = j[0] * j[0] * ex * ex + j[1] * j[1] * ey * ey;
      for (guint r = 0; r < 3; r++)
        for (guint c = 0; c < 3; c++)
          {
            a[r][c] += j[r] * j[c];
            b[r][c] += v * j[r] * j[c];
          }
    }
  det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  if (!(fabs (det) > 1e-300) || !isfinite (det))
    return;
  /* The inverse by cofactors (A is symmetric 3 × 3). */
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      {
        guint r1 = (c + 1) % 3, r2 = (c + 2) % 3, c1 = (r + 1) % 3, c2 = (r + 2) % 3;

        inv[r][c] = (a[r1][c1] * a[r2][c2] - a[r1][c2] * a[r2][c1]) / det;
      }
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      {
        tmp[r][c] = 0;
        for (guint k = 0; k < 3; k++)
          tmp[r][c] += inv[r][k] * b[k][c];
      }
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 3; c++)
      {
        cov[r][c] = 0;
        for (guint k = 0; k < 3; k++)
          cov[r][c] += tmp[r][k] * inv[k][c];
      }

  /* A step of 1e-4 px, as for every other mark. */
  h = 1e-4 * MAX (sx, sy);
  for (guint k = 0; k < 3; k++)
    {
      Space *space = &ev->ctx.space;
      double shift[3] = { 0, 0, 0 };

      shift[k] = h;
      space->circle_given = TRUE;
      space->given_centre = np_mm_point (centre.x + shift[0], centre.y + shift[1]);
      space->given_radius = radius + shift[2];
      evaluate (ev, theta0, out_p);
      space->given_centre = np_mm_point (centre.x - shift[0], centre.y - shift[1]);
      space->given_radius = radius - shift[2];
      evaluate (ev, theta0, out_m);
      space->circle_given = FALSE;
      for (guint q = 0; q < ev->n_out; q++)
        g[q * 3 + k] = (out_p[q] - out_m[q]) / (2 * h);
    }
  for (guint q = 0; q < ev->n_out; q++)
    {
      double part = 0;

      for (guint k = 0; k < 3; k++)
        gradient[k] = g[q * 3 + k];
      for (guint r = 0; r < 3; r++)
        for (guint c = 0; c < 3; c++)
          part += gradient[r] * cov[r][c] * gradient[c];
      if (isfinite (part) && part > 0)
        variance[q * 3 + 1] += part;
    }
}

/* The Monte Carlo and first-order intervals agree when each end of one
 * lies within a quarter of the first-order width of the other's: beyond
 * that the value is not linear in the inputs over their spread (a foot
 * that jumps between skin segments, a path near a structure's edge) and the
 * first-order interval is not to be trusted. */
#define INTERVALS_DISAGREE_FRACTION 0.25

static void
check_agreement (NpPlanResults *results,
                 const char    *what,
                 const double   mc[2],
                 const double   propagated[2])
{
  double tolerance = INTERVALS_DISAGREE_FRACTION * (propagated[1] - propagated[0]);

  if (!(tolerance > 0) || (fabs (mc[0] - propagated[0]) <= tolerance
                           && fabs (mc[1] - propagated[1]) <= tolerance))
    return;
  g_ptr_array_add (results->warnings,
                   g_strdup_printf (_("The Monte Carlo 95 %% interval of the %s (%.1f–%.1f %s) and "
                                    "the first-order one (%.1f–%.1f %s) disagree by more than a "
                                    "quarter of its width: the %s is not linear in the marks "
                                    "over their error; rely on the Monte Carlo interval"),
                                    what, mc[0], mc[1], results->unit, propagated[0],
                                    propagated[1], results->unit, what));
}

/**
 * np_planner_estimate_uncertainty:
 * @results: the output of np_planner_compute for the same plan and options
 *
 * 95 % intervals for the depth, the path length, the insertion angle and
 * every structure's clearance, from the calibration's standard error, the
 * click error of every mark (plan->mark_error_px, a standard deviation per
 * coordinate) and the tissue speed of sound (normal about the plan's stated
 * speed with plan->speed_of_sound_sd_m_s), two ways: a seeded Monte Carlo
 * (options->mc_samples, options->seed) and first-order propagation through
 * the numerical gradient (depth, path, angle). Pixel sizes that come from one
 * scalar estimate (equal values and equal errors) move together. Each value
 * lies in its own interval. The needle is then chosen from the upper end of
 * the path's interval, and a structure whose clearance interval reaches
 * below its margin is warned about.
 *
 * Fluoroscopy plans have no interval here (two views get theirs in
 * np_planner_compute_two_views) and are left unchanged.
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
  g_autoptr(gsl_rng) rng = NULL;
  g_autofree double *theta0 = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *sigma = NULL;
  g_autofree double *out0 = NULL;
  g_autofree double *out_p = NULL;
  g_autofree double *out_m = NULL;
  g_autofree double *samples = NULL;    /* n_out rows of mc_samples */
  g_autofree guint *n_finite = NULL;
  g_autofree double *variance = NULL;   /* n_out rows of 3 parts */
  g_autofree gboolean *skin_matters = NULL;
  gboolean arc = FALSE;
  NpMmPoint arc_centre = { 0, 0 };
  double arc_radius = 0, arc_sx = 1, arc_sy = 1;
  guint n_params, n_skin, n_out, n_clear = 0, n_samples;
  gboolean calibrated, shared_scale, speed_varies;
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
  if (!np_planner_validate_plan (plan, error))
    return FALSE;
  if (plan->modality != NP_MODALITY_ULTRASOUND || !plan->has_target || !results->has_depth)
    return TRUE;
  if (options->mc_samples < 100)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The Monte Carlo needs at least 100 samples (%u asked)"), options->mc_samples);
      return FALSE;
    }

  cal = plan->calibration;
  calibrated = np_calibration_is_calibrated (cal);
  shared_scale = calibrated && cal->mm_per_px_x == cal->mm_per_px_y
                 && cal->se_mm_per_px_x == cal->se_mm_per_px_y;
  /* Uncalibrated, pixels stay pixels and the speed does not enter. */
  speed_varies = calibrated && plan->speed_of_sound_sd_m_s > 0;
  n_skin = plan->skin_kind != NP_SKIN_NONE && plan->skin_points != NULL
           ? plan->skin_points->len : 0;
  n_params = P_SKIN + 2 * n_skin;
  n_samples = options->mc_samples;

  np_planner_context_init (&ev.ctx, plan);
  ev.skin = g_array_sized_new (FALSE, FALSE, sizeof (NpImagePoint), n_skin);
  g_array_set_size (ev.skin, n_skin);
  ev.out_of_plane = plan->technique == NP_TECHNIQUE_OUT_OF_PLANE;
  ev.walkdown_angle_deg = np_planner_walkdown_angle (&ev.ctx, options);
  ev.has_path = results->has_path && plan->has_entry;
  for (guint i = 0; i < ev.ctx.obstacles->len; i++)
    n_clear += g_array_index (ev.ctx.obstacles, Obstacle, i).usable;
  /* results->clearances holds the usable structures only, in order. */
  if (n_clear != results->clearances->len || !results->has_path)
    n_clear = 0;
  n_out = ev.n_out = Q_CLEARANCE + n_clear;

  theta0 = g_new0 (double, n_params);
  theta = g_new0 (double, n_params);
  sigma = g_new0 (double, n_params);
  out0 = g_new (double, n_out);
  out_p = g_new (double, n_out);
  out_m = g_new (double, n_out);
  samples = g_new (double, (gsize) n_out * n_samples);
  n_finite = g_new0 (guint, n_out);
  variance = g_new0 (double, (gsize) n_out * 3);
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
  if (speed_varies)
    sigma[P_SPEED] = plan->speed_of_sound_sd_m_s;
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
  evaluate (&ev, theta0, out0);

  /* Monte Carlo. */
  rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, options->seed);
  for (guint s = 0; s < n_samples && ok; s++)
    {
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
                       _("The calibration's standard error is too large for an interval"));
          ok = FALSE;
          break;
        }
      /* The tissue speed about the stated one; a draw at or below zero (an
       * SD far above any tissue's) is drawn again. */
      if (speed_varies)
        do
          theta[P_SPEED] = theta0[P_SPEED] + gsl_ran_gaussian (rng, sigma[P_SPEED]);
        while (theta[P_SPEED] <= 0);
      for (guint i = P_TX; i < n_params; i++)
        if (sigma[i] > 0)
          theta[i] += gsl_ran_gaussian (rng, sigma[i]);

      evaluate (&ev, theta, out_p);
      for (guint q = 0; q < n_out; q++)
        if (isfinite (out_p[q]))
          samples[(gsize) q * n_samples + n_finite[q]++] = out_p[q];
    }

  /* A polyline skin point far from the feet of the target and the entry
   * has a zero gradient (see mark_skin_near); an arc is fitted through every
   * point, so there each one counts. */
  skin_matters = g_new0 (gboolean, MAX (n_skin, 1));
  evaluate (&ev, theta0, out_p);
  if (ev.ctx.space.skin == SKIN_POLYLINE && ev.ctx.space.skin_points->len == n_skin)
    {
      const Space *space = &ev.ctx.space;
      /* A step of 1e-4 px moves a segment by at most this much, and ties
       * within it are kept with a wide factor. */
      double slack = 1e-2 * MAX (1.0, MAX (space->sx, space->sy * space->k));

      mark_skin_near (space, np_planner_to_phys (space, plan->target), slack, skin_matters);
      if (ev.has_path && !ev.out_of_plane)
        mark_skin_near (space, np_planner_to_phys (space, plan->entry), slack, skin_matters);
    }
  else if (ev.ctx.space.skin == SKIN_ARC)
    {
      /* Through the fit's covariance, below; no point is nudged. */
      arc = TRUE;
      arc_centre = ev.ctx.space.centre;
      arc_radius = ev.ctx.space.radius;
      arc_sx = ev.ctx.space.sx;
      arc_sy = ev.ctx.space.sy;
    }
  else
    for (guint i = 0; i < n_skin; i++)
      skin_matters[i] = TRUE;

  /* First-order propagation: central differences at the nominal values,
   * each parameter's part of the variance kept by its source. */
  for (guint i = 0; i < n_params && ok; i++)
    {
      double h;
      guint part = i <= P_SY ? 0 : i == P_SPEED ? 2 : 1;

      if (sigma[i] <= 0)
        continue;
      if (i >= P_SKIN && !skin_matters[(i - P_SKIN) / 2])
        continue;
      if (i == P_SY && shared_scale)
        continue;
      h = i == P_SPEED ? 0.01 : i <= P_SY ? 1e-6 * theta0[i] : 1e-4;

      memcpy (theta, theta0, n_params * sizeof (double));
      theta[i] += h;
      if (i == P_SX && shared_scale)
        theta[P_SY] += h;
      evaluate (&ev, theta, out_p);
      theta[i] -= 2 * h;
      if (i == P_SX && shared_scale)
        theta[P_SY] -= 2 * h;
      evaluate (&ev, theta, out_m);
      for (guint q = 0; q < n_out; q++)
        {
          double g = (out_p[q] - out_m[q]) / (2 * h);

          if (isfinite (g))
            variance[q * 3 + part] += g * g * sigma[i] * sigma[i];
        }
    }

  if (ok && arc && n_skin > 0)
    add_arc_variance (&ev, theta0, sigma, n_skin, arc_centre, arc_radius, arc_sx, arc_sy, out_p,
                      out_m, variance);

  np_planner_context_clear (&ev.ctx);
  g_array_unref (ev.skin);
  if (!ok)
    return FALSE;

  if (!sample_interval (samples, n_finite[Q_DEPTH], n_samples, results->depth_ci95))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC,
                   _("The skin line could not be fitted for most Monte Carlo samples; "
                   "check the skin points"));
      return FALSE;
    }
  results->speed_of_sound_sd_m_s = speed_varies ? plan->speed_of_sound_sd_m_s : 0;
  results->mark_error_px = plan->mark_error_px;

  /* Every input is normal, so the propagated interval is value ± 1.96 σ. */
#define PROPAGATED(q, interval, value) \
  G_STMT_START { \
    double *v_ = &variance[(q) * 3]; \
    if (!np_planner_central_half_width (sqrt (v_[0] + v_[1] + v_[2]), 0, &half, error)) \
      return FALSE; \
    (interval)[0] = (value) - half; \
    (interval)[1] = (value) + half; \
  } G_STMT_END

  hold_value (results->depth, results->depth_ci95);
  PROPAGATED (Q_DEPTH, results->depth_ci95_propagated, results->depth);
  check_agreement (results, "depth", results->depth_ci95, results->depth_ci95_propagated);
  results->depth_ci_source = dominant_source (&variance[Q_DEPTH * 3]);
  results->has_depth_ci = TRUE;

  if (results->has_path && isfinite (out0[Q_PATH])
      && sample_interval (samples + (gsize) Q_PATH * n_samples, n_finite[Q_PATH], n_samples,
                          results->path_length_ci95))
    {
      hold_value (results->path_length, results->path_length_ci95);
      PROPAGATED (Q_PATH, results->path_length_ci95_propagated, results->path_length);
      check_agreement (results, _("path length"), results->path_length_ci95,
                       results->path_length_ci95_propagated);
      results->path_ci_source = dominant_source (&variance[Q_PATH * 3]);
      results->has_path_ci = TRUE;
    }

  if (results->has_angle && !ev.out_of_plane && isfinite (out0[Q_ANGLE])
      && sample_interval (samples + (gsize) Q_ANGLE * n_samples, n_finite[Q_ANGLE], n_samples,
                          results->insertion_angle_ci95))
    {
      hold_value (results->insertion_angle_deg, results->insertion_angle_ci95);
      PROPAGATED (Q_ANGLE, results->insertion_angle_ci95_propagated,
                  results->insertion_angle_deg);
      /* An angle to the skin lies in 0–90°. */
      results->insertion_angle_ci95_propagated[0] = MAX (results->insertion_angle_ci95_propagated[0],
                                                         0.0);
      results->insertion_angle_ci95_propagated[1] = MIN (results->insertion_angle_ci95_propagated[1],
                                                         90.0);
      results->angle_ci_source = dominant_source (&variance[Q_ANGLE * 3]);
      results->has_angle_ci = TRUE;
    }
#undef PROPAGATED

  for (guint j = 0; j < n_clear; j++)
    {
      NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, j);
      guint q = Q_CLEARANCE + j;

      if (!sample_interval (samples + (gsize) q * n_samples, n_finite[q], n_samples,
                            c->clearance_ci95))
        continue;
      hold_value (c->clearance, c->clearance_ci95);
      c->has_ci = TRUE;
      c->ci_source = dominant_source (&variance[q * 3]);
      c->margin_at_risk = calibrated && c->margin_mm > 0 && !c->within_margin
                          && c->clearance_ci95[0] < c->margin_mm;
      if (c->margin_at_risk)
        g_ptr_array_add (results->warnings,
                         g_strdup_printf (_("Clearance from the %s %.1f mm, but %.1f mm is within "
                                          "the 95 %% interval: the %g mm margin may be breached"),
                                          c->label, c->clearance, c->clearance_ci95[0],
                                          c->margin_mm));
    }

  np_planner_choose_needle (results);
  results->mc_samples = options->mc_samples;
  results->mc_seed = options->seed;
  return TRUE;
}
