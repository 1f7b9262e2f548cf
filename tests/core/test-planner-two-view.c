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
  /* Clicks and pixel sizes only; the parallax allowance is tested below. */
  options.off_plane_mm = 0;
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

/* Similar triangles: a C-arm turned by alpha (degrees) about world z, its
 * source at distance sod from the isocentre (the origin) and its detector sid
 * from the source. A point at distance L from the source along the beam and u
 * across it (image x) lands on the detector at u · sid / L. */
static NpImagePoint
project (const NpFluoroGeometry *g,
         double                  alpha_deg,
         const double            p[3])
{
  double a = alpha_deg * G_PI / 180;
  double along = g->sod_mm + (-sin (a) * p[0] + cos (a) * p[1]);
  double across = cos (a) * p[0] + sin (a) * p[1];

  return np_image_point (g->central_ray.x + across * g->sid_mm / along / g->detector_pixel_mm[0],
                         g->central_ray.y + p[2] * g->sid_mm / along / g->detector_pixel_mm[1]);
}

/* Cone beam, worked by hand: SID 1000 mm, SOD 500 mm, detector pixel 1 mm,
 * central ray at (500, 500) px; AP looks along +y (source (0, −500, 0)),
 * lateral along −x (source (500, 0, 0)).
 *   Target T = (100, 0, 0): AP sees it 500 mm from the source, 100 mm across,
 *   magnified 1000/500 = 2 → (700, 500); lateral 400 mm away on the central
 *   ray → (500, 500).
 *   Entry E = (0, −100, 20): AP 400 mm away, magnified 2.5, 20 mm down →
 *   (500, 550); lateral 500 mm away, magnified 2, 100 mm to image left and
 *   20 mm down → (300, 540).
 * Depth along the AP beam 100 mm; path √(100² + 100² + 20²) = √20400 =
 * 142.828569 mm; the rays meet. */
static void
test_cone_beam (void)
{
  NpFluoroGeometry g = { 1000, 500, { 1, 1 }, { 500, 500 } };
  NpFluoroView ap = { { 500, 550 }, { 700, 500 }, { 0, 0 }, NULL, NULL, FALSE };
  NpFluoroView lateral = { { 300, 540 }, { 500, 500 }, { 0, 0 }, NULL, NULL, FALSE };
  g_autoptr(NpCalibration) half = np_calibration_new_uniform (NP_CALIBRATION_GEOMETRY, 0.5, 0);
  g_autoptr(GError) error = NULL;
  NpFluoroTwoViews result;

  ap.geometry = lateral.geometry = &g;
  g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.cone_beam);
  g_assert_cmpfloat_with_epsilon (result.depth_mm, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (20400), 1e-9);
  g_assert_cmpfloat_with_epsilon (result.rms_residual_mm, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.entry_mm[1], -100, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.entry_mm[2], 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (result.target_mm[0], 100, 1e-9);

  /* The same clicks as parallel projections at the isocentre's plane
   * (1 mm · 500/1000 = 0.5 mm/px): AP reads the entry 50 px · 0.5 = 25 mm
   * above the target, the lateral 40 px · 0.5 = 20 mm; the mean 22.5 mm
   * misses each ray by 2.5 mm, and the path becomes √(100² + 100² + 22.5²)
   * = 144.274738 mm, 1.4 mm too long. */
  ap.geometry = lateral.geometry = NULL;
  ap.calibration = lateral.calibration = half;
  g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
  g_assert_false (result.cone_beam);
  g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (20000 + 22.5 * 22.5), 1e-9);
  g_assert_cmpfloat_with_epsilon (result.rms_residual_mm, 2.5, 1e-9);

  /* The case: SID 1000, SOD 725, detector 0.3 mm, a target 40 mm
   * towards the source in the lateral view. The parallel model reads the
   * lateral at the isocentre's magnification 1000/725 while the target is
   * magnified 1000/685: its depth of 50 mm is read as 50 · 725/685 =
   * 52.92 mm, 2.9 mm too deep (0.073 mm per mm off the plane at this depth).
   * The cone beam recovers 50 mm and the path √(50² + 22²); the clicks are
   * projected by similar triangles (project()). */
  {
    NpFluoroGeometry c = { 1000, 725, { 0.3, 0.3 }, { 400, 300 } };
    double entry[3] = { 40, -25, -10 }, target[3] = { 40, 25, 12 };
    g_autoptr(NpCalibration) iso = np_calibration_new_uniform (NP_CALIBRATION_GEOMETRY,
                                                               0.3 * 725 / 1000, 0);

    ap = (NpFluoroView) { project (&c, 0, entry), project (&c, 0, target), { 400, 300 },
                          NULL, &c, FALSE };
    lateral = (NpFluoroView) { project (&c, 90, entry), project (&c, 90, target),
                               { 400, 300 }, NULL, &c, FALSE };
    g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
    g_assert_no_error (error);
    g_assert_cmpfloat_with_epsilon (result.depth_mm, 50, 1e-9);
    g_assert_cmpfloat_with_epsilon (result.path_length_mm, sqrt (50 * 50 + 22 * 22), 1e-9);
    g_assert_cmpfloat_with_epsilon (result.rms_residual_mm, 0, 1e-9);

    ap.geometry = lateral.geometry = NULL;
    ap.calibration = lateral.calibration = iso;
    g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
    g_assert_cmpfloat_with_epsilon (result.depth_mm, 50 * 725.0 / 685, 1e-9);

    /* A mirrored lateral (image flipped left-right about the central ray)
     * read as mirrored gives the cone-beam answer again. */
    ap.geometry = lateral.geometry = &c;
    lateral.entry.x = 2 * 400 - lateral.entry.x;
    lateral.target.x = 2 * 400 - lateral.target.x;
    lateral.mirrored = TRUE;
    g_assert_true (np_planner_two_views (&ap, &lateral, 90, &result, &error));
    g_assert_cmpfloat_with_epsilon (result.depth_mm, 50, 1e-9);
  }
}

/* Plans that record their geometry and their pair: np_planner_compute_two_views
 * triangulates the cone beams (the hand-worked case of test_cone_beam) and
 * takes the angle from the pair; without geometry it says so and widens the
 * intervals by the parallax allowance. */
static void
test_cone_beam_plans (void)
{
  g_autoptr(NpPlan) ap = plan_new (0.5);
  g_autoptr(NpPlan) lateral = plan_new (0.5);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlanResults) parallel = NULL;
  g_autoptr(GError) error = NULL;
  NpFluoroGeometry g = { 1000, 500, { 1, 1 }, { 500, 500 } };
  NpPlannerOptions options;

  np_planner_options_init (&options);
  options.mc_samples = 4000;
  ap->modality = lateral->modality = NP_MODALITY_FLUOROSCOPY;
  ap->view = NP_VIEW_AP;
  /* An oblique partner: only the recorded pair gives the 90°. */
  lateral->view = NP_VIEW_OBLIQUE;
  set_path (ap, 500, 550, 700, 500);
  set_path (lateral, 300, 540, 500, 500);
  ap->has_geometry = lateral->has_geometry = TRUE;
  ap->geometry = lateral->geometry = g;
  np_plan_set_string (&ap->second_view_path, "lateral.json");
  ap->second_view_angle_deg = 90;

  results = np_planner_compute_two_views (ap, lateral, NAN, &options, &error);
  g_assert_no_error (error);
  g_assert_true (results->two_views.cone_beam);
  g_assert_cmpfloat_with_epsilon (results->depth, 100, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, sqrt (20400), 1e-9);
  g_assert_cmpfloat (results->depth_ci95[0], <=, 100);
  g_assert_cmpfloat (results->depth_ci95[1], >=, 100);
  g_assert_false (has_warning (results, "parallel projection"));

  ap->has_geometry = FALSE;
  parallel = np_planner_compute_two_views (ap, lateral, NAN, &options, &error);
  g_assert_no_error (error);
  g_assert_false (parallel->two_views.cone_beam);
  g_assert_true (has_warning (parallel, "parallel projection"));
  /* The parallax allowance (±40 mm at 725 mm, a uniform ±5.5 % scale per
   * view) makes the depth interval several millimetres wide, where the
   * clicks alone (1 px, 0.5 mm/px) give about ±1 mm. */
  g_assert_cmpfloat (parallel->depth_ci95[1] - parallel->depth_ci95[0], >,
                     2 * (results->depth_ci95[1] - results->depth_ci95[0]));
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/two-views", test_two_views);
  g_test_add_func ("/core/planner/fluoroscopy-plans", test_fluoroscopy_plans);
  g_test_add_func ("/core/planner/two-view-intervals", test_two_view_intervals);
  g_test_add_func ("/core/planner/cone-beam", test_cone_beam);
  g_test_add_func ("/core/planner/cone-beam-plans", test_cone_beam_plans);
  return g_test_run ();
}
