/* test-planner-uncertainty.c: 95 % intervals, Monte Carlo against first-order propagation
 * (np-planner-uncertainty.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected value is derived by hand in the comment above its check.
 */

#include "test-planner-util.h"

#include "np-error.h"

#include <math.h>

static void
test_uncertainty_speed (void)
{
  g_autoptr(NpPlan) plan = plan_new (0.2);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  double lo = 20.0 * 1453.75 / 1540, hi = 20.0 * 1596.25 / 1540;

  /* Only the speed of sound varies: depth = 100 px · 0.2 · c / 1540 with c
   * uniform on 1450..1600, so the depth is uniform too and its central 95 %
   * drops 2.5 % of the 150 m/s range (3.75 m/s) at each end:
   * [20 · 1453.75/1540, 20 · 1596.25/1540] = [18.8799, 20.7305] mm. */
  set_path (plan, 50, 0, 50, 100);
  results = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);
  g_assert_true (results->has_depth_ci);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], lo, 1e-6);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], hi, 1e-6);
  /* 2000 samples: the 2.5 % quantile of a uniform moves by about
   * √(0.025 · 0.975 / 2000) · 1.95 mm ≈ 0.007 mm. */
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[0], lo, 0.03);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[1], hi, 0.03);
  /* The path is the depth here (straight down). */
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95_propagated[0], lo, 1e-6);
}

static void
assert_contains (const double mc[2],
                 const double propagated[2])
{
  double tolerance = 0.05 * (propagated[1] - propagated[0]);

  g_assert_cmpfloat (mc[0], <=, propagated[0] + tolerance);
  g_assert_cmpfloat (mc[1], >=, propagated[1] - tolerance);
  /* And not wildly wider: the two methods must agree. */
  g_assert_cmpfloat (mc[0], >=, propagated[0] - 4 * tolerance);
  g_assert_cmpfloat (mc[1], <=, propagated[1] + 4 * tolerance);
}

static void
test_uncertainty_marks (void)
{
  g_autoptr(NpPlan) plan = plan_new (0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlanResults) again = NULL;
  g_autoptr(GError) error = NULL;
  double half = 1.959963985 * G_SQRT2;

  /* Uncalibrated, 1 px click error on each coordinate. Path length 50 px
   * from (0,0) to (30,40): its gradient is ±(0.6, 0.8) at each end, so its
   * variance is 2 · (0.36 + 0.64) = 2 px² and the interval 50 ± 1.96 √2.
   * Depth = target y: 40 ± 1.96. */
  plan->mark_error_px = 1;
  set_path (plan, 0, 0, 30, 40);
  results = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95_propagated[0], 50 - half, 1e-4);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95_propagated[1], 50 + half, 1e-4);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], 40 - 1.959963985, 1e-4);
  assert_contains (results->path_length_ci95, results->path_length_ci95_propagated);
  assert_contains (results->depth_ci95, results->depth_ci95_propagated);

  /* Seeded: the same plan gives the same interval. */
  again = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, again, &error));
  g_assert_cmpfloat (again->path_length_ci95[0], ==, results->path_length_ci95[0]);
  g_assert_cmpfloat (again->path_length_ci95[1], ==, results->path_length_ci95[1]);
}

static void
test_uncertainty_combined (void)
{
  g_autoptr(NpPlan) plan = plan_new (0.2);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  NpPlannerOptions options;

  /* Calibration 0.2 ± 0.002 mm/px, 1 px clicks and the speed range together,
   * on a skin polyline and a slanted path: the Monte Carlo interval must
   * contain the propagated one (within 5 % of its width). */
  NpImagePoint a = { 0, 10 }, b = { 300, 14 };

  plan->calibration->se_mm_per_px_x = plan->calibration->se_mm_per_px_y = 0.002;
  plan->mark_error_px = 1;
  plan->skin_kind = NP_SKIN_POLYLINE;
  g_array_append_val (plan->skin_points, a);
  g_array_append_val (plan->skin_points, b);
  set_path (plan, 20, 10, 120, 160);
  np_planner_options_init (&options);
  options.mc_samples = 4000;
  results = np_planner_compute (plan, &options, &error);
  g_assert_no_error (error);
  g_assert_true (np_planner_estimate_uncertainty (plan, &options, results, &error));
  g_assert_no_error (error);
  assert_contains (results->depth_ci95, results->depth_ci95_propagated);
  assert_contains (results->path_length_ci95, results->path_length_ci95_propagated);
  /* The point value lies inside its interval. */
  g_assert_cmpfloat (results->depth, >, results->depth_ci95[0]);
  g_assert_cmpfloat (results->depth, <, results->depth_ci95[1]);
}

static void
test_uncertainty_arc (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  /* Five clicks on the circle of centre (100,−100), radius 150 (3-4-5 and
   * 7-24-25 multiples): the geometric fit is refitted for every sample. */
  NpImagePoint arc[] = { { 100, 50 }, { 190, 20 }, { 10, 20 }, { 142, 44 }, { 58, 44 } };

  /* Target (100,90) is 190 from the centre, straight below it: 40 mm deep.
   * With 1 px clicks on target and arc and the speed range, the Monte Carlo
   * must contain the propagated interval. */
  plan->probe = NP_PROBE_CURVILINEAR;
  plan->skin_kind = NP_SKIN_ARC;
  plan->mark_error_px = 1;
  g_array_append_vals (plan->skin_points, arc, G_N_ELEMENTS (arc));
  plan->has_target = TRUE;
  plan->target = np_image_point (100, 90);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->depth, 40, 1e-6);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);
  assert_contains (results->depth_ci95, results->depth_ci95_propagated);
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/uncertainty-speed", test_uncertainty_speed);
  g_test_add_func ("/core/planner/uncertainty-marks", test_uncertainty_marks);
  g_test_add_func ("/core/planner/uncertainty-combined", test_uncertainty_combined);
  g_test_add_func ("/core/planner/uncertainty-arc", test_uncertainty_arc);
  return g_test_run ();
}
