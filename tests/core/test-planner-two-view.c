/* test-planner-two-view.c: two-view fluoroscopy depth, path and intervals (np-planner-two-view.c)
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
#include <string.h>

static void
test_two_views (void)
{
  NpFluoroView ap = { { 100, 100 }, { 120, 140 }, { 100, 100 }, NULL };
  NpFluoroView lateral = { { 200, 50 }, { 320, 130 }, { 200, 50 }, NULL };
  g_autoptr(NpCalibration) half = np_calibration_new_uniform (NP_CALIBRATION_SPHERE, 0.5, 0);
  g_autoptr(NpCalibration) quarter = np_calibration_new_uniform (NP_CALIBRATION_SPHERE, 0.25, 0);
  g_autoptr(NpCalibration) unit = np_calibration_new_uniform (NP_CALIBRATION_SPHERE, 1, 0);
  g_autoptr(GError) error = NULL;
  NpFluoroTwoViews result;

  /* World: entry E = (0,0,0), target T = (10,30,20) mm; z runs along image y.
   * AP (0°) sees (x, z): E → (0,0), T → (10,20) mm, at 0.5 mm/px around the
   * axis image (100,100): E (100,100), T (120,140) px.
   * Lateral (90°) sees (y, z): T → (30,20) mm, at 0.25 mm/px around
   * (200,50): E (200,50), T (320,130) px.
   * Path √(10² + 30² + 20²) = √1400 = 37.416574 mm; depth along the AP beam
   * (world y) 30 mm; the rays meet exactly. */
  ap.calibration = half;
  lateral.calibration = quarter;
  g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (1400), 1e-9);
  g_assert_cmpfloat_with_epsilon (result.depth_mm, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.target_mm[0] - result.entry_mm[0], 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.target_mm[2] - result.entry_mm[2], 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.rms_residual_mm, 0, 1e-9);
  /* Around the axis images the points themselves are placed too. */
  g_assert_cmpfloat_with_epsilon (result.target_mm[1], 30, 1e-9);

  /* The axis images only place the points: moving one changes no distance. */
  lateral.axis = np_image_point (0, 0);
  g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
  g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (1400), 1e-9);
  g_assert_cmpfloat_with_epsilon (result.rms_residual_mm, 0, 1e-9);
  lateral.axis = np_image_point (200, 50);

  /* A view at 60° sees u = x cos 60° + y sin 60° = 5 + 15√3 = 30.980762 mm,
   * v = z = 20 mm; at 1 mm/px around (0,0). Same answer. */
  {
    NpFluoroView oblique = { { 0, 0 }, { 5 + 15 * sqrt (3), 20 }, { 0, 0 }, NULL };

    oblique.calibration = unit;
    g_assert_true (np_planner_two_views (&ap, &oblique, 60, &result, &error));
    g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (1400), 1e-9);
    g_assert_cmpfloat_with_epsilon (result.depth_mm, 30, 1e-9);
  }

  /* The lateral view puts the target 2 mm lower (z = 22): the least-squares
   * z is the mean, 21, and each view's ray misses it by 1 mm (RMS 1 mm);
   * the path is √(100 + 900 + 441). */
  lateral.target.y += 2 / 0.25;
  g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
  g_assert_cmpfloat_with_epsilon (result.rms_residual_mm, 1, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (1441), 1e-9);

  /* Two views at the same angle cannot give depth. */
  g_assert_false (np_planner_two_views (&ap, &lateral, 0, &result, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
}

static void
test_fluoroscopy_plans (void)
{
  g_autoptr(NpPlan) ap = plan_new (0.5);
  g_autoptr(NpPlan) lateral = plan_new (0.25);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;

  /* One view: no depth, the projected 3-4-5 path of 100 px · 0.5 = 50 mm at
   * 180° − atan(40/30) = 126.869898° (counter-clockwise from image +x, y up). */
  ap->modality = NP_MODALITY_FLUOROSCOPY;
  ap->technique = NP_TECHNIQUE_COAXIAL;
  ap->view = NP_VIEW_AP;
  set_path (ap, 0, 0, 60, 80);
  results = compute (ap);
  g_assert_false (results->has_depth);
  g_assert_false (results->has_path);
  g_assert_true (has_warning (results, "Depth needs a second view"));
  g_assert_cmpfloat_with_epsilon (results->projected_path_length, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->projected_angle_deg, 126.86989765, 1e-6);

  /* With the lateral view of the geometry of test_two_views (AP 0.5 mm/px,
   * lateral 0.25 mm/px): path √1400 = 37.42 mm, depth 30 mm, needle
   * ≥ 47.42 → 50 mm. */
  set_path (ap, 100, 100, 120, 140);
  lateral->modality = NP_MODALITY_FLUOROSCOPY;
  lateral->view = NP_VIEW_LATERAL;
  set_path (lateral, 200, 50, 320, 130);
  g_clear_pointer (&results, np_plan_results_free);
  results = np_planner_compute_two_views (ap, lateral, NAN, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (results->has_two_views);
  g_assert_cmpfloat_with_epsilon (results->depth, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, sqrt (1400), 1e-9);
  g_assert_cmpuint (results->needle_mm, ==, 50);
  g_assert_false (has_warning (results, "Depth needs a second view"));

  /* The lateral alone is the pair's second view: it never asks for one. */
  g_clear_pointer (&results, np_plan_results_free);
  results = compute (lateral);
  g_assert_false (results->has_depth);
  g_assert_true (results->second_view_of_pair);
  for (guint i = 0; i < results->warnings->len; i++)
    g_assert_null (strstr (g_ptr_array_index (results->warnings, i), "needs a second view"));
  g_assert_true (has_warning (results, "Depth comes from this lateral view and its AP view"));
}

/* The geometry of test_two_views, every click 1 px uncertain, no
 * calibration error. Depth is the lateral view's horizontal distance,
 * 120 px · 0.25 mm/px = 30 mm, from two clicks: σ = √2 · 0.25 = 0.353553 mm,
 * 95 % half width 1.959964 σ = 0.692951 mm. Path √1400 = 37.416574 mm from
 * dx = 10 mm (AP, σ² = 2 · 0.5² = 0.5), dy = 30 mm (lateral, σ² = 0.125)
 * and dz the mean of both views' 20 mm (σ² = (0.5 + 0.125) / 4 = 0.15625):
 * σ² = (10² · 0.5 + 30² · 0.125 + 20² · 0.15625) / 1400 = 225 / 1400,
 * σ = 0.400892 mm, half width 0.785733 mm. */
static void
test_two_view_intervals (void)
{
  g_autoptr(NpPlan) ap = plan_new (0.5);
  g_autoptr(NpPlan) lateral = plan_new (0.25);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  NpPlannerOptions options;
  double half_depth = 1.959964 * sqrt (2) * 0.25;
  double half_path = 1.959964 * sqrt (225.0 / 1400);

  np_planner_options_init (&options);
  options.mc_samples = 20000;
  options.seed = 7;
  ap->modality = lateral->modality = NP_MODALITY_FLUOROSCOPY;
  ap->view = NP_VIEW_AP;
  lateral->view = NP_VIEW_LATERAL;
  ap->mark_error_px = lateral->mark_error_px = 1;
  set_path (ap, 100, 100, 120, 140);
  set_path (lateral, 200, 50, 320, 130);

  results = np_planner_compute_two_views (ap, lateral, NAN, &options, &error);
  g_assert_no_error (error);
  g_assert_true (results->has_depth_ci);
  g_assert_true (results->has_path_ci);
  g_assert_cmpuint (results->mc_samples, ==, 20000);
  /* Propagation is exact for the linear depth, and to first order for the path. */
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], 30 - half_depth, 1e-5);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], 30 + half_depth, 1e-5);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95_propagated[0],
                                  sqrt (1400) - half_path, 1e-5);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95_propagated[1],
                                  sqrt (1400) + half_path, 1e-5);
  /* 20 000 draws place a 2.5 % quantile within about 2 % of the half width. */
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[0], 30 - half_depth, 0.05 * half_depth);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[1], 30 + half_depth, 0.05 * half_depth);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95[0], sqrt (1400) - half_path,
                                  0.05 * half_path);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95[1], sqrt (1400) + half_path,
                                  0.05 * half_path);

  /* Only the lateral pixel size uncertain, 0.25 ± 0.0025 mm/px: the depth
   * 120 px · s has σ = 120 · 0.0025 = 0.3 mm. */
  g_clear_pointer (&results, np_plan_results_free);
  ap->mark_error_px = lateral->mark_error_px = 0;
  lateral->calibration->se_mm_per_px_x = lateral->calibration->se_mm_per_px_y = 0.0025;
  results = np_planner_compute_two_views (ap, lateral, NAN, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], 30 - 1.959964 * 0.3, 1e-5);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], 30 + 1.959964 * 0.3, 1e-5);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[0], 30 - 1.959964 * 0.3, 0.03);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[1], 30 + 1.959964 * 0.3, 0.03);

  /* The same seed gives the same interval. */
  {
    g_autoptr(NpPlanResults) again = np_planner_compute_two_views (ap, lateral, NAN, &options,
                                                                   &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (again->depth_ci95[0], ==, results->depth_ci95[0]);
    g_assert_cmpfloat (again->path_length_ci95[1], ==, results->path_length_ci95[1]);
  }
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/two-views", test_two_views);
  g_test_add_func ("/core/planner/fluoroscopy-plans", test_fluoroscopy_plans);
  g_test_add_func ("/core/planner/two-view-intervals", test_two_view_intervals);
  return g_test_run ();
}
