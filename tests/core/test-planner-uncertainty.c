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
#include "np-tissue-speed.h"

#include <math.h>
#include <string.h>

/* 97.5 % point of the standard normal. */
#define Z975 1.959963985

static void
test_uncertainty_speed (void)
{
  static const double stated[] = { 1540, 1650, 1400 };

  /* Only the speed of sound varies: depth = 100 px · 0.2 · c / 1540 with c
   * normal about the stated speed, SD 30 m/s, so the depth is normal with
   * mean 20 · c0 / 1540 and SD 20 · 30 / 1540 = 0.38961 mm: the interval is
   * 20 c0 / 1540 ± 1.96 · 0.38961 = ± 0.76363 mm. At 1650 m/s: 21.4286 mm
   * in [20.6649, 22.1922]; at 1400: 18.1818 in [17.4182, 18.9455]. The
   * stated depth always lies in its own interval. */
  for (guint i = 0; i < G_N_ELEMENTS (stated); i++)
    {
      g_autoptr(NpPlan) plan = plan_new (0.2);
      g_autoptr(NpPlanResults) results = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *source = NULL;
      double mean = 20.0 * stated[i] / 1540, half = Z975 * 20.0 * 30 / 1540;

      plan->speed_of_sound_m_s = stated[i];
      g_assert_cmpfloat (plan->speed_of_sound_sd_m_s, ==, 30);
      set_path (plan, 50, 0, 50, 100);
      results = compute (plan);
      g_assert_cmpfloat_with_epsilon (results->depth, mean, 1e-9);
      g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
      g_assert_no_error (error);
      g_assert_true (results->has_depth_ci);
      g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], mean - half, 1e-5);
      g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], mean + half, 1e-5);
      /* 2000 samples: the 2.5 % quantile of a normal moves by about
       * √(0.025 · 0.975 / 2000) / φ(1.96) · 0.39 mm ≈ 0.023 mm. */
      g_assert_cmpfloat_with_epsilon (results->depth_ci95[0], mean - half, 0.08);
      g_assert_cmpfloat_with_epsilon (results->depth_ci95[1], mean + half, 0.08);
      g_assert_cmpfloat (results->depth, >, results->depth_ci95[0]);
      g_assert_cmpfloat (results->depth, <, results->depth_ci95[1]);
      /* The path is the depth here (straight down). */
      g_assert_cmpfloat_with_epsilon (results->path_length_ci95_propagated[0], mean - half, 1e-5);
      /* Nothing else varies: the speed dominates, 1540 ± 1.96 · 30 =
       * 1481.2–1598.8 m/s at 1540. */
      g_assert_cmpint (results->depth_ci_source, ==, NP_INTERVAL_SOURCE_SPEED);
      source = np_planner_interval_source_describe (results, results->depth_ci_source);
      if (stated[i] == 1540)
        g_assert_cmpstr (source, ==, "mostly the assumed speed of sound, 1481–1599 m/s");
    }
}

static void
test_uncertainty_tissue_presets (void)
{
  static const char *const ids[] = { "fat", "muscle", "tendon", "cartilage", "mixed" };
  guint n = 0;
  const NpTissueSpeed *presets = np_tissue_speed_presets (&n);

  /* Each preset sets the speed and its SD; with nothing else varying, a
   * target 100 px down at 0.2 mm/px is 20 c / 1540 mm deep, interval
   * ± 1.96 · 20 · sd / 1540 (e.g. fat 1450 ± 15: 18.831 ± 0.382 mm). */
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (ids));
  g_assert_cmpstr (presets[0].id, ==, "mixed");
  g_assert_cmpfloat (presets[0].speed_m_s, ==, 1540);
  g_assert_cmpfloat (presets[0].sd_m_s, ==, NP_PLAN_SPEED_OF_SOUND_SD_DEFAULT_M_S);
  g_assert_null (np_tissue_speed_lookup ("bone"));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      const NpTissueSpeed *tissue = np_tissue_speed_lookup (ids[i]);
      g_autoptr(NpPlan) plan = plan_new (0.2);
      g_autoptr(NpPlanResults) results = NULL;
      g_autoptr(GError) error = NULL;
      double mean, half;

      g_assert_nonnull (tissue);
      g_assert_nonnull (tissue->source);
      plan->speed_of_sound_m_s = tissue->speed_m_s;
      plan->speed_of_sound_sd_m_s = tissue->sd_m_s;
      mean = 20.0 * tissue->speed_m_s / 1540;
      half = Z975 * 20.0 * tissue->sd_m_s / 1540;
      set_path (plan, 50, 0, 50, 100);
      results = compute (plan);
      g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], mean - half, 1e-5);
      g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], mean + half, 1e-5);
      g_assert_cmpfloat (results->depth, >, results->depth_ci95[0]);
      g_assert_cmpfloat (results->depth, <, results->depth_ci95[1]);
    }
}

static void
test_uncertainty_speed_sd_checked (void)
{
  g_autoptr(NpPlan) plan = plan_new (0.2);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;

  /* A negative or huge SD is a user's input error, not a crash. */
  set_path (plan, 50, 0, 50, 100);
  plan->speed_of_sound_sd_m_s = -1;
  results = np_planner_compute (plan, NULL, &error);
  g_assert_null (results);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);
  plan->speed_of_sound_sd_m_s = NP_PLAN_SPEED_OF_SOUND_SD_MAX_M_S + 1;
  results = np_planner_compute (plan, NULL, &error);
  g_assert_null (results);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
}

/* A standard normal from a seeded GRand (Box–Muller), independent of the
 * planner's generator. */
static double
normal (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-300, 1.0), u2 = g_rand_double (rand);

  return sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
}

static void
test_uncertainty_coverage (void)
{
  static const double stated[] = { 1450, 1540, 1600, 1650 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1540);
  NpPlannerOptions options;
  const guint n_plans = 1000;

  /* Simulated from the stated model, independently of the planner: the
   * tissue's true speed is normal about the stated one (SD 30 m/s); a target
   * 30 mm deep under a linear probe with true pixel size 0.1 mm/px is imaged
   * by a scanner that assumes 1540 m/s, so it shows at
   * y = 30 · 1540 / (c_true · 0.1) px; the click is off by a normal 1 px; the
   * calibration reports 0.1 + N(0, 0.0005) mm/px with SE 0.0005. The
   * reported 95 % interval must hold 30 mm in 95 % of the plans: with 1000
   * plans the count is binomial, SD √(1000 · 0.95 · 0.05) = 6.9, so it lies
   * within 950 ± 3.29 · 6.9 = [927, 973] with probability 99.9 %. */
  np_planner_options_init (&options);
  options.mc_samples = 1000;
  for (guint i = 0; i < G_N_ELEMENTS (stated); i++)
    {
      guint covered = 0;

      for (guint k = 0; k < n_plans; k++)
        {
          g_autoptr(NpPlan) plan = plan_new (0.1);
          g_autoptr(NpPlanResults) results = NULL;
          g_autoptr(GError) error = NULL;
          double c_true = stated[i] + 30 * normal (rand);
          double y_true = 30.0 * 1540 / (c_true * 0.1);
          double s_hat = 0.1 + 0.0005 * normal (rand);

          plan->calibration->mm_per_px_x = plan->calibration->mm_per_px_y = s_hat;
          plan->calibration->se_mm_per_px_x = plan->calibration->se_mm_per_px_y = 0.0005;
          plan->speed_of_sound_m_s = stated[i];
          plan->mark_error_px = 1;
          plan->has_target = TRUE;
          plan->target = np_image_point (200 + normal (rand), y_true + normal (rand));
          results = np_planner_compute (plan, &options, &error);
          g_assert_no_error (error);
          g_assert_true (np_planner_estimate_uncertainty (plan, &options, results, &error));
          g_assert_no_error (error);
          g_assert_cmpfloat (results->depth, >=, results->depth_ci95[0]);
          g_assert_cmpfloat (results->depth, <=, results->depth_ci95[1]);
          covered += results->depth_ci95[0] <= 30 && 30 <= results->depth_ci95[1];
        }
      g_test_message ("stated %.0f m/s: the interval held the true depth in %u of %u plans",
                      stated[i], covered, n_plans);
      g_assert_cmpuint (covered, >=, 927);
      g_assert_cmpuint (covered, <=, 973);
    }
}

static void
test_uncertainty_angle_and_clearance (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  const NpStructureClearance *far, *near;
  double angle = atan2 (40, 30) * 180 / G_PI;
  double angle_half = Z975 * sqrt (8e-4) * 180 / G_PI;
  gboolean warned = FALSE;

  /* 1 mm/px, clicks ± 1 px, no speed uncertainty. Path (0,0) → (30,40) to
   * the top edge: angle atan(40/30) = 53.130°. θ = atan2(dy, dx) has the
   * gradient (−dy, dx) / r² = (−40, 30) / 2500 at the target and its
   * negative at the entry, so var θ = 2 · 2500 / 2500² = 8e-4 rad²,
   * σ = 1.6206°, interval 53.130 ± 3.176°.
   * A vessel of radius 5 at (60,40): the nearest point of the path is the
   * target, 30 − 5 = 25 mm away; the clearance moves with the target along
   * the unit vector to the centre, σ = 1 mm: 25 ± 1.96.
   * A vessel of radius 5 at (40.8,40), margin 5: clearance 10.8 − 5 = 5.8
   * mm (the projection of its centre on the path falls past the target), so
   * the margin is kept, but 5.8 − 1.96 = 3.84 mm lies in the interval: the
   * margin may be breached, and a warning says so with the interval's lower
   * end (a Monte Carlo quantile, so read back and compared within 0.15). */
  plan->mark_error_px = 1;
  plan->speed_of_sound_sd_m_s = 0;
  set_path (plan, 0, 0, 30, 40);
  add_circle (plan, "far vessel", NP_STRUCTURE_VESSEL, 60, 40, 5, 5, 5);
  add_circle (plan, "popliteal artery", NP_STRUCTURE_VESSEL, 40.8, 40, 5, 5, 5);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, angle, 1e-9);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);

  g_assert_true (results->has_angle_ci);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_ci95_propagated[0], angle - angle_half,
                                  1e-3);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_ci95_propagated[1], angle + angle_half,
                                  1e-3);
  /* The Monte Carlo quantile: about 0.1° of sampling error. */
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_ci95[0], angle - angle_half, 0.3);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_ci95[1], angle + angle_half, 0.3);
  g_assert_cmpint (results->angle_ci_source, ==, NP_INTERVAL_SOURCE_CLICKS);

  far = &g_array_index (results->clearances, NpStructureClearance, 0);
  near = &g_array_index (results->clearances, NpStructureClearance, 1);
  g_assert_true (far->has_ci);
  g_assert_cmpfloat_with_epsilon (far->clearance, 25, 1e-9);
  g_assert_cmpfloat_with_epsilon (far->clearance_ci95[0], 25 - Z975, 0.15);
  g_assert_cmpfloat_with_epsilon (far->clearance_ci95[1], 25 + Z975, 0.15);
  g_assert_false (far->margin_at_risk);

  g_assert_true (near->has_ci);
  g_assert_cmpfloat_with_epsilon (near->clearance, 5.8, 1e-9);
  g_assert_false (near->within_margin);
  g_assert_cmpfloat_with_epsilon (near->clearance_ci95[0], 5.8 - Z975, 0.15);
  g_assert_true (near->margin_at_risk);
  for (guint i = 0; i < results->warnings->len; i++)
    {
      const char *w = g_ptr_array_index (results->warnings, i);

      const char *prefix = "Clearance from the popliteal artery 5.8 mm, but ";
      const char *suffix = " mm is within the 95 % interval: the 5 mm margin may be breached";

      if (g_str_has_prefix (w, prefix) && g_str_has_suffix (w, suffix))
        {
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (w + strlen (prefix), NULL),
                                          5.8 - Z975, 0.15);
          warned = TRUE;
        }
    }
  for (guint i = 0; !warned && i < results->warnings->len; i++)
    g_test_message ("%s", (const char *) g_ptr_array_index (results->warnings, i));
  g_assert_true (warned);
}

static void
test_needle_from_interval (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  double sigma = sqrt (2 + pow (78.0 * 30 / 1540, 2));

  /* Straight down from (0,0) to (0,78) at 1 mm/px: path 78 mm, and the
   * point-estimate rule takes 78 + 10 = 88 → the 89 mm needle. Clicks ± 1 px
   * at both ends (variance 2) and the speed's SD of 30 m/s (78 · 30 / 1540 =
   * 1.519 mm) give σ = 2.076 mm: the upper end is 78 + 1.96 σ = 82.07 mm, and
   * 92.07 mm needs the 127 mm needle. */
  plan->mark_error_px = 1;
  set_path (plan, 0, 0, 0, 78);
  results = compute (plan);
  g_assert_true (results->has_needle);
  g_assert_cmpuint (results->needle_mm, ==, 89);
  g_assert_false (results->needle_from_interval);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (results->path_length_ci95[1], 78 + Z975 * sigma, 0.2);
  g_assert_true (results->needle_from_interval);
  g_assert_cmpfloat (results->needle_basis, ==, results->path_length_ci95[1]);
  g_assert_cmpuint (results->needle_mm, ==, 127);
  g_assert_cmpfloat (results->needle_inch, ==, 5.0);
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
  /* Linear in every mark: the two intervals agree, no warning. */
  g_assert_false (has_warning (results, "The Monte Carlo 95 %"));

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

/* The arc's clicks reach the depth through the fitted circle. Five points
 * on the circle of centre (100, −100), radius 150, uncalibrated (px, no
 * speed effect), 1 px clicks; target (100, 90) straight below the centre,
 * 190 − 150 = 40 px deep. depth = |t − c| − R, so its gradient is 1 in the
 * target's y, 0 in cx, −1 in cy and −1 in R. The unit vectors of the points
 * from the centre are (0, 1), (±0.6, 0.8), (±0.28, 0.96): Σ uy² = 4.1232,
 * Σ uy = 4.52 over n = 5, and Σ ux, Σ ux uy vanish, so the (cy, R) block of
 * the fit's covariance is [[4.1232, 4.52], [4.52, 5]]⁻¹ (determinant
 * 0.1856) and the arc's variance is (5 − 2 · 4.52 + 4.1232) / 0.1856 =
 * 0.0832 / 0.1856 = 0.448276 px². With the target's 1 px²: 40 ± 1.96 ·
 * √1.448276 = 40 ± 2.35871. */
static void
test_uncertainty_arc_first_order (void)
{
  g_autoptr(NpPlan) plan = plan_new (0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  NpImagePoint arc[] = { { 100, 50 }, { 190, 20 }, { 10, 20 }, { 142, 44 }, { 58, 44 } };
  double half = 1.959963985 * sqrt (1 + 0.0832 / 0.1856);

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
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], 40 - half, 1e-4);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], 40 + half, 1e-4);
}

static void
test_uncertainty_long_skin (void)
{
  g_autoptr(NpPlan) plan = plan_new (0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  double half = 1.959963985 * sqrt (1.5);

  /* A flat skin of 10,001 points 1 px apart along y = 0, target at
   * (5000.5, 30): its foot is the middle of the segment from x = 5000 to
   * 5001 (the next vertices are √(30² + 0.5²) ≈ 30.004 px away), so depth = 30 − (y_a + y_b) / 2 and the gradient is 1 on the
   * target's y and −1/2 on each of the two points' y. With 1 px clicks the
   * variance is 1 + 1/4 + 1/4 = 1.5 px²: 30 ± 1.96 √1.5. Every other skin
   * point has no part in it, and the whole estimate is linear in the points
   * (a quadratic one took minutes here). */
  plan->mark_error_px = 1;
  plan->skin_kind = NP_SKIN_POLYLINE;
  for (guint i = 0; i <= 10000; i++)
    {
      NpImagePoint p = { i, 0 };

      g_array_append_val (plan->skin_points, p);
    }
  plan->has_target = TRUE;
  plan->target = np_image_point (5000.5, 30);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->depth, 30, 1e-9);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[0], 30 - half, 1e-4);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95_propagated[1], 30 + half, 1e-4);
  /* The Monte Carlo moves each of the ~60 points within a few pixels of the
   * foot by 1 px; the skin is the nearest of them, a maximum of dozens of
   * normal draws about 2 px above the line, so its depths sit about 2 px
   * below 30: its upper end falls short of 30 + 2.4 by more than a quarter
   * of the 4.8 px first-order width, and the warning says so. */
  g_assert_cmpfloat (results->depth_ci95[1], <, 30 + half - 0.25 * 2 * half);
  g_assert_true (has_warning (results, "The Monte Carlo 95 % interval of the depth"));
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/uncertainty-speed", test_uncertainty_speed);
  g_test_add_func ("/core/planner/uncertainty-long-skin", test_uncertainty_long_skin);
  g_test_add_func ("/core/planner/uncertainty-coverage", test_uncertainty_coverage);
  g_test_add_func ("/core/planner/uncertainty-tissue-presets", test_uncertainty_tissue_presets);
  g_test_add_func ("/core/planner/uncertainty-speed-sd-checked",
                   test_uncertainty_speed_sd_checked);
  g_test_add_func ("/core/planner/uncertainty-angle-and-clearance",
                   test_uncertainty_angle_and_clearance);
  g_test_add_func ("/core/planner/needle-from-interval", test_needle_from_interval);
  g_test_add_func ("/core/planner/uncertainty-marks", test_uncertainty_marks);
  g_test_add_func ("/core/planner/uncertainty-combined", test_uncertainty_combined);
  g_test_add_func ("/core/planner/uncertainty-arc", test_uncertainty_arc);
  g_test_add_func ("/core/planner/uncertainty-arc-first-order", test_uncertainty_arc_first_order);
  return g_test_run ();
}
