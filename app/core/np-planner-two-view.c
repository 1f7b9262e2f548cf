/* np-planner-two-view.c: depth and 3-D path from two fluoroscopy views, with intervals
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_matrix, gsl_matrix_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_vector, gsl_vector_free)

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
  if (!np_error_from_gsl (status, _("The two-view intersection"), error))
    return FALSE;
  for (int i = 0; i < 3; i++)
    point[i] = gsl_vector_get (solution, i);
  return TRUE;
}

/* Cone beam (docs/planner.md, "Two views"): the ray of image point @p in a
 * view turned by @alpha about the long axis. Its beam is d = (−sin α, cos α,
 * 0), its image x e = (cos α, sin α, 0) and its image y world z; the
 * isocentre is the origin, the source S = −SOD · d and the detector point
 * S + SID · d + u e + v z, so the ray runs from S along SID · d + u e + v z. */
static void
cone_ray (const NpFluoroGeometry *geometry,
          gboolean                mirrored,
          double                  alpha,
          NpImagePoint            p,
          double                  source[3],
          double                  direction[3])
{
  double u = (p.x - geometry->central_ray.x) * geometry->detector_pixel_mm[0];
  double v = (p.y - geometry->central_ray.y) * geometry->detector_pixel_mm[1];
  double d[3] = { -sin (alpha), cos (alpha), 0 };
  double e[3] = { cos (alpha), sin (alpha), 0 };
  double norm;

  if (mirrored)
    u = -u;
  for (int i = 0; i < 3; i++)
    {
      source[i] = -geometry->sod_mm * d[i];
      direction[i] = geometry->sid_mm * d[i] + u * e[i];
    }
  direction[2] += v;
  norm = sqrt (direction[0] * direction[0] + direction[1] * direction[1]
               + direction[2] * direction[2]);
  for (int i = 0; i < 3; i++)
    direction[i] /= norm;
}

/* The point nearest two rays in the least-squares sense: it solves
 * Σ (I − r rᵀ) P = Σ (I − r rᵀ) S over the rays (unit r from source S).
 * *sum_sq gets the sum of its squared distances to the rays. */
static gboolean
nearest_to_rays (const double  source[2][3],
                 const double  direction[2][3],
                 double        point[3],
                 double       *sum_sq,
                 GError      **error)
{
  double a[3][3] = { { 0 } }, b[3] = { 0 }, det;

  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 3; i++)
      for (int j = 0; j < 3; j++)
        {
          double m = (i == j ? 1.0 : 0.0) - direction[k][i] * direction[k][j];

          a[i][j] += m;
          b[i] += m * source[k][j];
        }
  det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  if (!isfinite (det) || fabs (det) < 1e-12)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The two views' rays are parallel: they cannot place a point in depth"));
      return FALSE;
    }
  /* Cramer's rule: a 3 × 3 system. */
  for (int c = 0; c < 3; c++)
    {
      double m[3][3];

      memcpy (m, a, sizeof m);
      for (int i = 0; i < 3; i++)
        m[i][c] = b[i];
      point[c] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                  - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                  + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) / det;
    }
  *sum_sq = 0;
  for (int k = 0; k < 2; k++)
    {
      double w[3], along = 0, dist_sq = 0;

      for (int i = 0; i < 3; i++)
        {
          w[i] = point[i] - source[k][i];
          along += w[i] * direction[k][i];
        }
      for (int i = 0; i < 3; i++)
        dist_sq += (w[i] - along * direction[k][i]) * (w[i] - along * direction[k][i]);
      *sum_sq += dist_sq;
    }
  return TRUE;
}

/* Both marks triangulated through the real cone beams; unlike the parallel
 * model, each point's magnification follows from where it lies. */
static gboolean
two_views_cone_beam (const NpFluoroView *const views[2],
                     const double        alpha[2],
                     NpFluoroTwoViews   *result,
                     GError            **error)
{
  double delta[3], total_sq = 0;

  for (int mark = 0; mark < 2; mark++)
    {
      double source[2][3], direction[2][3], sum_sq;
      double *out = mark == 0 ? result->entry_mm : result->target_mm;

      for (int view = 0; view < 2; view++)
        cone_ray (views[view]->geometry, views[view]->mirrored, alpha[view],
                  mark == 0 ? views[view]->entry : views[view]->target,
                  source[view], direction[view]);
      if (!nearest_to_rays (source, direction, out, &sum_sq, error))
        return FALSE;
      total_sq += sum_sq;
    }
  for (int i = 0; i < 3; i++)
    delta[i] = result->target_mm[i] - result->entry_mm[i];
  result->path_length_mm = sqrt (delta[0] * delta[0] + delta[1] * delta[1]
                                 + delta[2] * delta[2]);
  result->depth_mm = fabs (delta[1]);
  /* Four rays, two per mark. */
  result->rms_residual_mm = sqrt (total_sq / 4);
  result->cone_beam = TRUE;
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
 * rotation axis drops out; it only places entry_mm and target_mm. When both
 * views carry their cone-beam geometry, each mark is triangulated through the
 * real rays from the sources instead (isocentre at the origin), which
 * corrects the magnification of points off the isocentre's plane.
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
  gboolean cone_beam;

  g_return_val_if_fail (view_a != NULL && view_b != NULL && result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  cone_beam = view_a->geometry != NULL && view_b->geometry != NULL;
  g_return_val_if_fail (cone_beam
                        || (view_a->calibration != NULL && view_b->calibration != NULL), FALSE);
  if (!cone_beam
      && (!np_calibration_is_calibrated (view_a->calibration)
          || !np_calibration_is_calibrated (view_b->calibration)))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Both views need a calibration to give a depth in millimetres"));
      return FALSE;
    }
  if (!isfinite (angle_deg) || fabs (sin (alpha[1])) < sin (5 * DEG_TO_RAD))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The two views must differ by at least 5° (they differ by %g°)"), angle_deg);
      return FALSE;
    }

  for (int mark = 0; mark < 2; mark++)
    for (int view = 0; view < 2; view++)
      if (!np_planner_check_point (mark == 0 ? views[view]->entry : views[view]->target,
                                   mark == 0 ? _("entry") : _("target"), error)
          || !np_planner_check_point (views[view]->axis, _("rotation axis"), error))
        return FALSE;

  memset (result, 0, sizeof *result);
  if (cone_beam)
    return two_views_cone_beam (views, alpha, result, error);

  /* Positions: one least-squares point per mark, relative to the axis. */
  for (int mark = 0; mark < 2; mark++)
    {
      double u[2], v[2], chisq;
      double *out = mark == 0 ? result->entry_mm : result->target_mm;

      for (int view = 0; view < 2; view++)
        {
          NpImagePoint p = mark == 0 ? views[view]->entry : views[view]->target;

          u[view] = (p.x - views[view]->axis.x) * views[view]->calibration->mm_per_px_x
                    * (views[view]->mirrored ? -1 : 1);
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

        u[view] = (w->target.x - w->entry.x) * w->calibration->mm_per_px_x
                  * (w->mirrored ? -1 : 1);
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


/* Without the beam geometry each view is a parallel projection at its
 * calibrated plane; a point off that plane is magnified differently. The
 * intervals then allow an off-plane distance of up to ± the options'
 * off_plane_mm (40 mm) at a source-to-object distance of ASSUMED_SOD_MM (a
 * typical C-arm): each view's scale varies uniformly by up to
 * off_plane_mm / ASSUMED_SOD_MM (5.5 %). */
#define ASSUMED_SOD_MM 725.0

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
  gboolean cone_beam = views[0].geometry != NULL && views[1].geometry != NULL;
  double parallax_r = cone_beam ? 0 : options->off_plane_mm / ASSUMED_SOD_MM;

  if (options->mc_samples < 100)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The Monte Carlo needs at least 100 samples (%u asked)"), options->mc_samples);
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
          double parallax = parallax_r > 0 ? 1.0 + gsl_ran_flat (rng, -parallax_r, parallax_r)
                                           : 1.0;

          t[V_SX] = (t0[V_SX] + sd[V_SX] * zx) * parallax;
          t[V_SY] = (t0[V_SY] + sd[V_SY] * zy) * parallax;
          for (int i = V_EX; i < V_N; i++)
            t[i] = t0[i] + (sd[i] > 0 ? gsl_ran_gaussian (rng, sd[i]) : 0);
        }
      /* A pixel size drawn at or below zero is no calibration: that draw
       * is left out (it takes a standard error of a third of the size). */
      if (!cone_beam && (theta[V_SX] <= 0 || theta[V_SY] <= 0 || theta[V_N + V_SX] <= 0
                         || theta[V_N + V_SY] <= 0))
        continue;
      if (evaluate_two_views (views, theta, angle_deg, &depths[n], &paths[n]))
        n++;
    }
  if (n < options->mc_samples / 2)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The calibrations' standard errors are too large for an interval"));
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
  /* The parallax's uniform scale has the variance r² / 3 (relative). */
  if (parallax_r > 0)
    for (int view = 0; view < 2; view++)
      {
        double dp, dm, pp, pm, g_depth, g_path;
        double sd = parallax_r / sqrt (3.0), h = 1e-6;

        memcpy (theta, theta0, sizeof theta);
        theta[view * V_N + V_SX] *= 1 + h;
        theta[view * V_N + V_SY] *= 1 + h;
        if (!evaluate_two_views (views, theta, angle_deg, &dp, &pp))
          continue;
        memcpy (theta, theta0, sizeof theta);
        theta[view * V_N + V_SX] *= 1 - h;
        theta[view * V_N + V_SY] *= 1 - h;
        if (!evaluate_two_views (views, theta, angle_deg, &dm, &pm))
          continue;
        g_depth = (dp - dm) / (2 * h);
        g_path = (pp - pm) / (2 * h);
        var_depth += g_depth * g_depth * sd * sd;
        var_path += g_path * g_path * sd * sd;
      }

  gsl_sort (depths, 1, n);
  gsl_sort (paths, 1, n);
  results->depth_ci95[0] = gsl_stats_quantile_from_sorted_data (depths, 1, n, 0.025);
  results->depth_ci95[1] = gsl_stats_quantile_from_sorted_data (depths, 1, n, 0.975);
  results->path_length_ci95[0] = gsl_stats_quantile_from_sorted_data (paths, 1, n, 0.025);
  results->path_length_ci95[1] = gsl_stats_quantile_from_sorted_data (paths, 1, n, 0.975);
  if (!np_planner_central_half_width (sqrt (var_depth), 0, &half, error))
    return FALSE;
  results->depth_ci95_propagated[0] = depth0 - half;
  results->depth_ci95_propagated[1] = depth0 + half;
  if (!np_planner_central_half_width (sqrt (var_path), 0, &half, error))
    return FALSE;
  results->path_length_ci95_propagated[0] = path0 - half;
  results->path_length_ci95_propagated[1] = path0 + half;
  results->has_depth_ci = TRUE;
  results->has_path_ci = TRUE;
  np_planner_choose_needle (results);
  results->mc_samples = options->mc_samples;
  results->mc_seed = options->seed;
  return TRUE;
}

/**
 * np_planner_compute_two_views:
 * @second_view: a calibrated fluoroscopy plan of the same entry and target
 * @angle_deg: angle between the views; NAN to take it from @plan's recorded
 *   second view, else from the plans' views (AP and lateral: 90°)
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
                   _("Depth from two views needs two fluoroscopy plans"));
      return NULL;
    }
  if (!plan->has_target || !plan->has_entry || !second_view->has_target
      || !second_view->has_entry)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Mark the entry and the target in both views"));
      return NULL;
    }
  if (isnan (angle_deg) && plan->second_view_path != NULL)
    angle_deg = plan->second_view_angle_deg;
  if (isnan (angle_deg))
    {
      if ((plan->view == NP_VIEW_AP && second_view->view == NP_VIEW_LATERAL)
          || (plan->view == NP_VIEW_LATERAL && second_view->view == NP_VIEW_AP))
        angle_deg = 90;
      else
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("Give the angle between the two views (only AP with lateral is known)"));
          return NULL;
        }
    }

  a.entry = plan->entry;
  a.target = plan->target;
  a.calibration = plan->calibration;
  b.entry = second_view->entry;
  b.target = second_view->target;
  b.calibration = second_view->calibration;
  /* Cone beam only when both views know their geometry. */
  if (plan->has_geometry && second_view->has_geometry)
    {
      a.geometry = &plan->geometry;
      b.geometry = &second_view->geometry;
    }
  b.mirrored = plan->second_view_path != NULL && plan->second_view_mirrored;
  if (!np_planner_two_views (&a, &b, angle_deg, &views, error))
    return NULL;
  results = np_planner_compute_with_views (plan, options, &views, angle_deg, error);
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
