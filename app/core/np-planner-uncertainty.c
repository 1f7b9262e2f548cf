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
  np_planner_space_setup (&ev->space, ev->plan, theta[P_SX], theta[P_SY], theta[P_SPEED], skin,
                          n_skin);

  target = np_planner_to_phys (&ev->space, np_image_point (theta[P_TX], theta[P_TY]));
  *depth = np_planner_skin_closest (&ev->space, target, NULL, NULL, NULL);
  if (ev->out_of_plane)
    *path = *depth / sin (ev->walkdown_angle_deg * DEG_TO_RAD);
  else if (ev->has_path)
    *path = np_geometry_distance (np_planner_to_phys (&ev->space,
                                                      np_image_point (theta[P_EX], theta[P_EY])),
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
  if (!np_planner_validate_plan (plan, error))
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

  np_planner_context_init (&ctx, plan);
  ev.plan = plan;
  np_planner_space_init (&ev.space);
  ev.skin = g_array_sized_new (FALSE, FALSE, sizeof (NpImagePoint), n_skin);
  g_array_set_size (ev.skin, n_skin);
  ev.out_of_plane = plan->technique == NP_TECHNIQUE_OUT_OF_PLANE;
  ev.walkdown_angle_deg = np_planner_walkdown_angle (&ctx, options);
  ev.has_path = results->has_path && plan->has_entry;
  np_planner_context_clear (&ctx);

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

  np_planner_space_clear (&ev.space);
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
    if (!np_planner_central_half_width (sqrt (var_depth), fabs (g_depth_speed) * half_speed, &half,
                                        error))
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
        if (!np_planner_central_half_width (sqrt (var_path), fabs (g_path_speed) * half_speed,
                                            &half, error))
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
