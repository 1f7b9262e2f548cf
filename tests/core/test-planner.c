/* test-planner.c: single-view compute: depth, path, angle, clearance, field of view, walk-down,
 * measurements, input checks (np-planner.c, np-planner-space.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected value is derived by hand in the comment above its check.
 */

#include "test-planner-util.h"

#include "np-error.h"
#include "np-plan-file.h"

#include <math.h>
#include <string.h>

static void
test_path_3_4_5 (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;

  /* Entry (0,0), target (30,40) at 1 mm/px: path √(30² + 40²) = 50 mm; depth
   * below the top edge 40 mm; angle to the skin atan(40/30) = 53.130102°;
   * needle ≥ 50 + 10 = 60 mm → 63 mm (2.5"). */
  set_path (plan, 0, 0, 30, 40);
  results = compute (plan);
  g_assert_true (results->calibrated);
  g_assert_cmpstr (results->unit, ==, "mm");
  g_assert_true (results->has_path);
  g_assert_cmpfloat_with_epsilon (results->path_length, 50, 1e-9);
  g_assert_true (results->has_depth);
  g_assert_cmpfloat_with_epsilon (results->depth, 40, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->skin_foot.x, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->skin_foot.y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 53.13010235, 1e-6);
  g_assert_true (results->has_needle);
  g_assert_cmpuint (results->needle_mm, ==, 63);
  g_assert_cmpfloat (results->needle_inch, ==, 2.5);
}

static void
test_horizontal_skin (void)
{
  g_autoptr(NpPlan) plan = plan_new (0.5);
  g_autoptr(NpPlanResults) results = NULL;
  NpImagePoint a = { 0, 20 }, b = { 200, 20 };

  /* Skin marked along row 20; target at row 70, 0.5 mm/px:
   * depth = (70 − 20) · 0.5 = 25 mm, foot straight above at (50, 20). */
  plan->skin_kind = NP_SKIN_POLYLINE;
  g_array_append_val (plan->skin_points, a);
  g_array_append_val (plan->skin_points, b);
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 70);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->depth, 25, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->skin_foot.x, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->skin_foot.y, 20, 1e-9);
  /* Outside the marked stretch the skin line runs on: (250, 70) is also 25 mm deep. */
  plan->target = np_image_point (250, 70);
  g_clear_pointer (&results, np_plan_results_free);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->depth, 25, 1e-9);
}

static void
test_anisotropic (void)
{
  g_autoptr(NpPlan) plan = plan_new (0);
  g_autoptr(NpPlanResults) results = NULL;

  plan->calibration->method = NP_CALIBRATION_MANUAL;
  plan->calibration->mm_per_px_x = 0.1;
  plan->calibration->mm_per_px_y = 0.2;

  /* sx = 0.1, sy = 0.2: target (30,40) is at (3, 8) mm, so depth 8 mm and the
   * path from (0,0) is √(9 + 64) = √73 mm, at atan(8/3) = 69.443955° to the skin. */
  set_path (plan, 0, 0, 30, 40);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->depth, 8, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, sqrt (73), 1e-9);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 69.44395478, 1e-6);

  /* (20, 10) px is (2, 2) mm: 45° although the pixel offsets differ. */
  set_path (plan, 0, 0, 20, 10);
  g_clear_pointer (&results, np_plan_results_free);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 45, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, 2 * G_SQRT2, 1e-9);
}

static void
test_insertion_angle (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;

  /* Straight down from (50,0) to (50,40): perpendicular, 90°, poor in plane. */
  set_path (plan, 50, 0, 50, 40);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 90, 1e-9);
  g_assert_cmpint (results->visibility, ==, NP_VISIBILITY_POOR);

  /* From (10,0): 40 across and 40 down, 45°, caution. */
  set_path (plan, 10, 0, 50, 40);
  g_clear_pointer (&results, np_plan_results_free);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 45, 1e-9);
  g_assert_cmpint (results->visibility, ==, NP_VISIBILITY_CAUTION);
  g_assert_true (has_warning (results, "in-plane visibility is reduced"));

  /* On a skin arc the skin turns: a radial path is perpendicular to it. Arc
   * through (100,50), (190,20), (10,20): centre (100,−100), radius 150
   * (the last two are 90 across and 120 up from the centre: 3-4-5 × 30). */
  {
    NpImagePoint arc[] = { { 100, 50 }, { 190, 20 }, { 10, 20 } };

    plan->skin_kind = NP_SKIN_ARC;
    g_array_append_vals (plan->skin_points, arc, 3);
    set_path (plan, 100, 50, 100, 150);
    g_clear_pointer (&results, np_plan_results_free);
    results = compute (plan);
    /* (100,150) is 250 below the centre: 100 deep, reached at 90°. */
    g_assert_cmpfloat_with_epsilon (results->depth, 100, 1e-6);
    g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 90, 1e-6);

    /* Beyond the probe the skin runs straight on through the arc's ends
     * (10,20) and (190,20): the row y = 20. From (250,20) in plane to
     * (100,90): 150 across, 70 down, atan(70/150) = 25.016893° to the skin;
     * the target is 190 − 150 = 40 deep along its radius. */
    set_path (plan, 250, 20, 100, 90);
    g_clear_pointer (&results, np_plan_results_free);
    results = compute (plan);
    g_assert_cmpfloat_with_epsilon (results->depth, 40, 1e-6);
    g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 25.01689348, 1e-6);
    g_assert_false (has_warning (results, "off the skin line"));
  }
}

static void
test_speed_of_sound (void)
{
  g_autoptr(NpPlan) plan = plan_new (0.2);
  g_autoptr(NpPlanResults) results = NULL;

  /* At 1600 m/s instead of the assumed 1540, distances along the beam (y)
   * grow by 1600/1540: target row 70 at 0.2 mm/px is 14 · 1600/1540 mm deep.
   * Path from (0,0) to (30,40): (6, 8 · 1600/1540) mm. */
  plan->speed_of_sound_m_s = 1600;
  set_path (plan, 0, 0, 30, 40);
  plan->target = np_image_point (30, 70);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->depth, 14.0 * 1600 / 1540, 1e-9);
  plan->target = np_image_point (30, 40);
  g_clear_pointer (&results, np_plan_results_free);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->path_length, hypot (6, 8.0 * 1600 / 1540), 1e-9);

  /* Curvilinear: depth scales along the radius of the skin arc. Arc centre
   * (100,−100), radius 150 (see test_insertion_angle); target (130, 90) is
   * 30 across and 190 down, √(900 + 36100) = 192.35 from the centre:
   * 42.35 px = mm deep at 1 mm/px and 1540 m/s, times 1600/1540 at 1600 m/s.
   * (The straight skin beside the probe, y = 20 beyond x = 10 and 190, is
   * farther: √(60² + 70²) = 92.2 from its start.) */
  {
    g_autoptr(NpPlan) curved = plan_new (1.0);
    NpImagePoint arc[] = { { 100, 50 }, { 190, 20 }, { 10, 20 } };

    curved->probe = NP_PROBE_CURVILINEAR;
    curved->skin_kind = NP_SKIN_ARC;
    g_array_append_vals (curved->skin_points, arc, 3);
    curved->has_target = TRUE;
    curved->target = np_image_point (130, 90);
    g_clear_pointer (&results, np_plan_results_free);
    results = compute (curved);
    g_assert_cmpfloat_with_epsilon (results->depth, sqrt (37000) - 150, 1e-6);
    curved->speed_of_sound_m_s = 1600;
    g_clear_pointer (&results, np_plan_results_free);
    results = compute (curved);
    g_assert_cmpfloat_with_epsilon (results->depth, (sqrt (37000) - 150) * 1600 / 1540, 1e-6);
  }

  /* Pixels are not scaled: uncalibrated, the depth stays 40 px. */
  {
    g_autoptr(NpPlan) raw = plan_new (0);

    raw->speed_of_sound_m_s = 1600;
    set_path (raw, 0, 0, 30, 40);
    g_clear_pointer (&results, np_plan_results_free);
    results = compute (raw);
    g_assert_cmpfloat_with_epsilon (results->depth, 40, 1e-9);
  }
}

static void
test_circle_clearance (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;

  /* Path down x = 0 from (0,0) to (0,100). A circle r = 10 centred (30,50):
   * 30 − 10 = 20 mm away, margin 5 kept. A circle r = 10 at (12,50): 2 mm,
   * inside its 5 mm margin, so it is in "crosses" though not entered. */
  set_path (plan, 0, 0, 0, 100);
  add_circle (plan, "median nerve", NP_STRUCTURE_NERVE, 30, 50, 10, 10, 5);
  add_circle (plan, "femoral artery", NP_STRUCTURE_VESSEL, 12, 50, 10, 10, 5);
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (clearance (results, 0)->clearance, 20, 1e-9);
  g_assert_false (clearance (results, 0)->within_margin);
  g_assert_cmpfloat_with_epsilon (clearance (results, 1)->clearance, 2, 1e-9);
  g_assert_true (clearance (results, 1)->within_margin);
  g_assert_false (clearance (results, 1)->entered);
  g_assert_cmpint (results->nearest, ==, 1);
  /* The clearance line runs from (0,50) on the path to (2,50) on the rim. */
  g_assert_cmpfloat_with_epsilon (clearance (results, 1)->on_path.y, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (clearance (results, 1)->on_structure.x, 2, 1e-9);
  g_assert_true (has_warning (results, "Path passes 2.0 mm from the femoral artery; "
                                       "its margin is 5 mm"));

  /* Anisotropic, sx = 0.1, sy = 0.2: the same millimetre layout is an
   * ellipse of 100 × 50 px centred (300, 250) px, path (0,0)–(0,500) px. */
  {
    g_autoptr(NpPlan) aniso = plan_new (0);

    aniso->calibration->method = NP_CALIBRATION_MANUAL;
    aniso->calibration->mm_per_px_x = 0.1;
    aniso->calibration->mm_per_px_y = 0.2;
    set_path (aniso, 0, 0, 0, 500);
    add_circle (aniso, "nerve", NP_STRUCTURE_NERVE, 300, 250, 100, 50, 5);
    g_clear_pointer (&results, np_plan_results_free);
    results = compute (aniso);
    g_assert_cmpfloat_with_epsilon (clearance (results, 0)->clearance, 20, 1e-9);
  }
}

static void
test_crossing (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonArray *crosses;
  const double square[] = { -5, 40, 5, 40, 5, 60, -5, 60 };
  const double cortex[] = { -20, 80, 20, 80 };
  const double tendon[] = { 10, 90, 20, 90 };

  /* Path x = 0 from y 0 to 100. The square spans x −5..5 at y 40..60: entered.
   * The cortex line at y = 80 from x −20 to 20: crossed. The tendon line
   * from (10,90) to (20,90) stays 10 mm to the side. */
  set_path (plan, 0, 0, 0, 100);
  add_outline (plan, "cyst", NP_STRUCTURE_OTHER, NP_SHAPE_POLYGON, 2, square, 4);
  add_outline (plan, "bone cortex", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 0, cortex, 2);
  add_outline (plan, "tendon", NP_STRUCTURE_TENDON, NP_SHAPE_POLYLINE, 2, tendon, 2);
  results = compute (plan);
  g_assert_true (clearance (results, 0)->entered);
  g_assert_cmpfloat (clearance (results, 0)->clearance, ==, 0);
  g_assert_true (clearance (results, 1)->entered);
  g_assert_false (clearance (results, 2)->entered);
  g_assert_cmpfloat_with_epsilon (clearance (results, 2)->clearance, 10, 1e-9);
  g_assert_true (has_warning (results, "Path crosses the cyst; its margin is 2 mm"));
  g_assert_true (has_warning (results, "Path crosses the bone cortex"));

  json = np_planner_results_to_json (results);
  crosses = json_object_get_array_member (json_node_get_object (json), "crosses");
  g_assert_cmpuint (json_array_get_length (crosses), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (crosses, 0), ==, "cyst");
  g_assert_cmpstr (json_array_get_string_element (crosses, 1), ==, "bone cortex");

  /* A target inside a polygon is a crossing even when no edge is cut. */
  plan->target = np_image_point (0, 50);
  plan->entry = np_image_point (2, 45);
  g_clear_pointer (&results, np_plan_results_free);
  results = compute (plan);
  g_assert_true (clearance (results, 0)->entered);
}

static void
test_fov_entry (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  NpPlannerOptions options;
  g_autoptr(GError) error = NULL;

  np_planner_options_init (&options);
  options.has_field = TRUE;
  options.field = (NpImageRect) { 0, 0, 100, 80 };

  /* Entry (−30, 0) beyond the left edge, target (50, 40): slope 40/80, so
   * the path crosses x = 0 at y = 30 · 0.5 = 15: it comes into view at
   * (0, 15), 15 mm deep. Angle atan(40/80) = 26.565051°: good. */
  set_path (plan, -30, 0, 50, 40);
  results = np_planner_compute (plan, &options, &error);
  g_assert_no_error (error);
  g_assert_true (results->has_fov_entry);
  g_assert_cmpfloat_with_epsilon (results->fov_entry.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->fov_entry.y, 15, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->fov_entry_depth, 15, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 26.56505118, 1e-6);
  g_assert_cmpint (results->visibility, ==, NP_VISIBILITY_GOOD);
  g_assert_false (has_warning (results, "under the probe"));

  /* An entry at (20, 0) is under the probe face: in view at once, and flagged. */
  set_path (plan, 20, 0, 50, 40);
  g_clear_pointer (&results, np_plan_results_free);
  results = np_planner_compute (plan, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (results->fov_entry_depth, 0, 1e-9);
  g_assert_true (has_warning (results, "under the probe"));
}

static void
test_walkdown (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  NpPlannerOptions options;
  g_autoptr(GError) error = NULL;

  /* Out of plane, target 20 mm deep. At 45° the needle enters 20 / tan 45° =
   * 20 mm from the probe and runs 20 / sin 45° = 20√2 mm → needle ≥ 38.3 → 50 mm. */
  plan->technique = NP_TECHNIQUE_OUT_OF_PLANE;
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 20);
  results = compute (plan);
  g_assert_true (results->has_walkdown);
  g_assert_cmpfloat_with_epsilon (results->walkdown_offset, 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, 20 * G_SQRT2, 1e-9);
  g_assert_cmpuint (results->needle_mm, ==, 50);
  g_assert_cmpint (results->visibility, ==, NP_VISIBILITY_NOT_APPLICABLE);

  /* At 60°: 20 / tan 60° = 20/√3 = 11.547005 mm, path 20 / sin 60° = 40/√3. */
  np_planner_options_init (&options);
  options.out_of_plane_angle_deg = 60;
  g_clear_pointer (&results, np_plan_results_free);
  results = np_planner_compute (plan, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (results->walkdown_offset, 20 / sqrt (3), 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, 40 / sqrt (3), 1e-9);
}

static void
test_outside_region (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;

  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 0, 0, 100, 100 };
  set_path (plan, 0, 0, 150, 50);
  results = compute (plan);
  g_assert_true (has_warning (results, "Target is outside the calibrated region"));
}

static void
test_measurements (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  NpMeasurement distance = { NP_MEASURE_DISTANCE, 2, { { 0, 0 }, { 30, 40 }, { 0, 0 } } };
  NpMeasurement angle = { NP_MEASURE_ANGLE, 3, { { 10, 0 }, { 0, 0 }, { 0, 10 } } };
  NpMeasurement depth = { NP_MEASURE_DEPTH, 1, { { 5, 12 }, { 0, 0 }, { 0, 0 } } };

  /* 3-4-5 distance 50 mm; a right angle; (5,12) is 12 mm below the top edge. */
  g_array_append_val (plan->measurements, distance);
  g_array_append_val (plan->measurements, angle);
  g_array_append_val (plan->measurements, depth);
  results = compute (plan);
  g_assert_cmpuint (results->measurements->len, ==, 3);
  g_assert_cmpfloat_with_epsilon (g_array_index (results->measurements, NpMeasurementValue,
                                                 0).value, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (results->measurements, NpMeasurementValue,
                                                 1).value, 90, 1e-9);
  g_assert_cmpfloat_with_epsilon (g_array_index (results->measurements, NpMeasurementValue,
                                                 2).value, 12, 1e-9);
}

/* The calibration holds in x 0–100, y 0–100 px (edges included), 1 mm/px.
 * (10,10)–(50,40) lies inside: 40-30-50, 50 mm, not flagged. (80,20)–
 * (120,50) is 50 mm too, but its second point has x = 120 > 100: flagged,
 * naming point 2 of 2. A depth at the corner (100,100) is on the edge,
 * inside: 100 mm below the top edge, not flagged. Without a calibration the
 * values are pixels, which no region limits: nothing is flagged. */
static void
test_measurement_outside_region (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlan) uncalibrated = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlanResults) px = NULL;
  NpMeasurement inside = { NP_MEASURE_DISTANCE, 2, { { 10, 10 }, { 50, 40 }, { 0, 0 } } };
  NpMeasurement outside = { NP_MEASURE_DISTANCE, 2, { { 80, 20 }, { 120, 50 }, { 0, 0 } } };
  NpMeasurement edge = { NP_MEASURE_DEPTH, 1, { { 100, 100 }, { 0, 0 }, { 0, 0 } } };
  const NpMeasurementValue *v;

  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 0, 0, 100, 100 };
  g_array_append_val (plan->measurements, inside);
  g_array_append_val (plan->measurements, outside);
  g_array_append_val (plan->measurements, edge);
  results = compute (plan);
  g_assert_cmpuint (results->measurements->len, ==, 3);

  v = &g_array_index (results->measurements, NpMeasurementValue, 0);
  g_assert_cmpfloat_with_epsilon (v->value, 50, 1e-9);
  g_assert_false (v->outside_region);
  g_assert_null (v->outside_reason);

  v = &g_array_index (results->measurements, NpMeasurementValue, 1);
  g_assert_true (v->valid);
  g_assert_cmpfloat_with_epsilon (v->value, 50, 1e-9);
  g_assert_true (v->outside_region);
  g_assert_nonnull (strstr (v->outside_reason, "point 2 of 2"));
  g_assert_nonnull (strstr (v->outside_reason, "x 0–100 px, y 0–100 px"));
  g_assert_true (has_warning (results, "Measurement 2 (distance): point 2 of 2 lies outside"));
  g_assert_false (has_warning (results, "Measurement 1"));

  v = &g_array_index (results->measurements, NpMeasurementValue, 2);
  g_assert_cmpfloat_with_epsilon (v->value, 100, 1e-9);
  g_assert_false (v->outside_region);
  g_assert_false (has_warning (results, "Measurement 3"));

  uncalibrated = np_plan_copy (plan);
  np_calibration_free (uncalibrated->calibration);
  uncalibrated->calibration = np_calibration_new ();
  uncalibrated->calibration->has_region = TRUE;
  uncalibrated->calibration->region = (NpImageRect) { 0, 0, 100, 100 };
  px = compute (uncalibrated);
  g_assert_false (px->calibrated);
  for (guint i = 0; i < px->measurements->len; i++)
    g_assert_false (g_array_index (px->measurements, NpMeasurementValue, i).outside_region);
}

static void
test_invalid (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(GError) error = NULL;
  NpPlanResults *results;

  set_path (plan, 0, 0, 30, 40);
  plan->speed_of_sound_m_s = -5;
  results = np_planner_compute (plan, NULL, &error);
  g_assert_null (results);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "speed of sound"));

  g_clear_error (&error);
  plan->speed_of_sound_m_s = 1540;
  plan->target = np_image_point (NAN, 3);
  results = np_planner_compute (plan, NULL, &error);
  g_assert_null (results);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "target"));
}

/* The check on real data: every bundled synthetic case's target
 * depth, computed from its plan, equals the generator's ground truth within
 * max(0.5 mm, 1 px). */
static void
test_bundled_cases (void)
{
  g_autofree char *cases = g_build_filename (NP_SOURCE_DIR, "data", "cases", NULL);
  g_autoptr(GDir) dir = g_dir_open (cases, 0, NULL);
  const char *name;
  guint checked = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *plan_path = g_build_filename (cases, name, "plan.json", NULL);
      g_autofree char *truth_path = g_build_filename (cases, name, "truth.json", NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(NpPlan) plan = NULL;
      g_autoptr(NpPlanResults) results = NULL;
      JsonObject *truth, *target;
      double depth, pixel_mm;

      if (!g_file_test (plan_path, G_FILE_TEST_EXISTS)
          || !g_file_test (truth_path, G_FILE_TEST_EXISTS))
        continue;
      plan = np_plan_file_load (plan_path, &error);
      g_assert_no_error (error);
      g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
      g_assert_no_error (error);
      truth = json_node_get_object (json_parser_get_root (parser));
      target = json_object_get_object_member (truth, "target");
      if (target == NULL || json_object_get_null_member (target, "depth_mm"))
        continue;
      depth = json_object_get_double_member (target, "depth_mm");
      pixel_mm = json_object_get_double_member (json_object_get_object_member (truth, "frame"),
                                                "pixel_size_mm");
      results = compute (plan);
      g_assert_true (results->has_depth);
      g_test_message ("%s: planner %.3f mm, truth %.3f mm", name, results->depth, depth);
      g_assert_cmpfloat_with_epsilon (results->depth, depth, MAX (0.5, pixel_mm));
      checked++;
    }
  if (checked == 0)
    g_test_skip ("no bundled case with a ground-truth depth in data/cases yet");
}

/* Ten structures of each shape around a deep target. */
static NpPlan *
busy_plan (void)
{
  NpPlan *plan = plan_new (0.1);

  plan->has_target = TRUE;
  plan->target = np_image_point (400, 300);
  set_path (plan, 100, 0, 400, 300);
  for (int i = 0; i < 10; i++)
    {
      double cx = 80 + 70 * i, cy = 120 + 15 * (i % 3);

      if (i % 2 == 0)
        add_circle (plan, "vessel", NP_STRUCTURE_VESSEL, cx, cy, 12, 8, 2);
      else
        {
          const double box[] = { cx - 10, cy - 6, cx + 10, cy - 6, cx + 10, cy + 6, cx - 10, cy + 6,
                                 cx, cy + 10, cx - 12, cy };

          add_outline (plan, "nerve", NP_STRUCTURE_NERVE, NP_SHAPE_POLYGON, 2, box, 6);
        }
    }
  return plan;
}

static void
test_performance (void)
{
  g_autoptr(NpPlan) plan = busy_plan ();
  g_autoptr(GTimer) timer = g_timer_new ();
  double per_compute, per_recommend;
  const int runs = 200;

  /* Budget: a replan on every drag step well under 1 ms, a recommendation
   * with 10 structures ≤ 1 ms. Checked against that budget with -m perf;
   * otherwise (sanitizers, valgrind) only against a bound 100 times looser. */
  g_timer_start (timer);
  for (int i = 0; i < runs; i++)
    {
      g_autoptr(NpPlanResults) results = compute (plan);
    }
  per_compute = g_timer_elapsed (timer, NULL) / runs;

  g_timer_start (timer);
  for (int i = 0; i < runs; i++)
    {
      g_autoptr(NpEntryRecommendation) rec = recommend (plan, NULL);
    }
  per_recommend = g_timer_elapsed (timer, NULL) / runs;

  g_test_message ("compute %.1f µs, recommend %.1f µs", per_compute * 1e6, per_recommend * 1e6);
  g_assert_cmpfloat (per_compute, <, g_test_perf () ? 0.5e-3 : 50e-3);
  g_assert_cmpfloat (per_recommend, <, g_test_perf () ? 1e-3 : 100e-3);
}

/* Pixel sizes no imaging system gives are refused before any number: at
 * 1e-300 mm/px every length is 0.0 mm, at 20 mm/px a knee is metres deep. */
static void
test_implausible_scale (void)
{
  struct { double x, y; gboolean ok; } cases[] = {
    { 1e-300, 1e-300, FALSE }, { 1e-200, 1e-200, FALSE }, { 0.0009, 0.0009, FALSE },
    { 20, 20, FALSE }, { 0.1, 2, FALSE },          /* ratio 20 */
    { 0.001, 0.001, TRUE }, { 10, 10, TRUE }, { 0.1, 1, TRUE },   /* the limits themselves */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NpPlan) plan = plan_new (1.0);
      g_autoptr(NpPlanResults) results = NULL;
      g_autoptr(GError) error = NULL;

      plan->calibration->mm_per_px_x = cases[i].x;
      plan->calibration->mm_per_px_y = cases[i].y;
      set_path (plan, 0, 0, 30, 40);
      results = np_planner_compute (plan, NULL, &error);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (results);
        }
      else
        {
          g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
          g_assert_null (results);
          g_assert_nonnull (strstr (error->message, "check the calibration"));
        }
    }
}

/* Entry on the target, or closer than a pixel: no path, no angle, no
 * needle, and a warning instead of "path 0.0 mm, needle 16 mm". */
static void
test_entry_on_target (void)
{
  double offsets[] = { 0, 0.4, 0.99 };

  for (gsize i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autoptr(NpPlan) plan = plan_new (1.0);
      g_autoptr(NpPlanResults) results = NULL;

      set_path (plan, 40, 40 - offsets[i], 40, 40);
      results = compute (plan);
      g_assert_true (results->has_depth);
      g_assert_cmpfloat_with_epsilon (results->depth, 40, 1e-9);
      g_assert_false (results->has_path);
      g_assert_false (results->has_angle);
      g_assert_false (results->has_needle);
      g_assert_true (has_warning (results, "less than a pixel from the target"));
    }
  {
    /* One pixel apart is a path of 1 mm at 1 mm/px. */
    g_autoptr(NpPlan) plan = plan_new (1.0);
    g_autoptr(NpPlanResults) results = NULL;

    set_path (plan, 40, 39, 40, 40);
    results = compute (plan);
    g_assert_true (results->has_path);
    g_assert_cmpfloat_with_epsilon (results->path_length, 1, 1e-9);
  }
}

/* A skin line whose points all coincide has no direction: no depth (not
 * 46 mm to one point), and the warning says why. */
static void
test_skin_points_coincide (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  NpImagePoint p = { 10, 5 };

  plan->skin_kind = NP_SKIN_POLYLINE;
  for (int i = 0; i < 3; i++)
    g_array_append_val (plan->skin_points, p);
  set_path (plan, 60, 0, 40, 40);
  results = compute (plan);
  g_assert_false (results->has_depth);
  g_assert_false (results->has_angle);
  g_assert_true (has_warning (results, "the skin line's points all lie at one place"));
}

/* Outlines with fewer points than their shape needs are named. */
static void
test_short_outlines (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  const double two[] = { 1, 1, 2, 2 };
  const double one[] = { 5, 5 };
  const double three[] = { 1, 1, 2, 2, 3, 1 };

  add_outline (plan, "flat", NP_STRUCTURE_VESSEL, NP_SHAPE_POLYGON, 0, two, 2);
  add_outline (plan, "dot", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 0, one, 1);
  add_outline (plan, "fine", NP_STRUCTURE_VESSEL, NP_SHAPE_POLYGON, 0, three, 3);
  set_path (plan, 60, 0, 40, 40);
  results = compute (plan);
  g_assert_true (has_warning (results, "The flat (polygon) has 2 points, fewer than the 3 it "
                                       "needs: its clearance is measured to the line between "
                                       "them"));
  g_assert_true (has_warning (results, "The dot (polyline) has 1 point, fewer than the 2 it "
                                       "needs: its clearance is measured to that point"));
  g_assert_false (has_warning (results, "The fine"));
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/path-3-4-5", test_path_3_4_5);
  g_test_add_func ("/core/planner/implausible-scale", test_implausible_scale);
  g_test_add_func ("/core/planner/entry-on-target", test_entry_on_target);
  g_test_add_func ("/core/planner/skin-points-coincide", test_skin_points_coincide);
  g_test_add_func ("/core/planner/short-outlines", test_short_outlines);
  g_test_add_func ("/core/planner/horizontal-skin", test_horizontal_skin);
  g_test_add_func ("/core/planner/anisotropic", test_anisotropic);
  g_test_add_func ("/core/planner/insertion-angle", test_insertion_angle);
  g_test_add_func ("/core/planner/speed-of-sound", test_speed_of_sound);
  g_test_add_func ("/core/planner/circle-clearance", test_circle_clearance);
  g_test_add_func ("/core/planner/crossing", test_crossing);
  g_test_add_func ("/core/planner/fov-entry", test_fov_entry);
  g_test_add_func ("/core/planner/walkdown", test_walkdown);
  g_test_add_func ("/core/planner/outside-region", test_outside_region);
  g_test_add_func ("/core/planner/measurements", test_measurements);
  g_test_add_func ("/core/planner/measurement-outside-region", test_measurement_outside_region);
  g_test_add_func ("/core/planner/invalid", test_invalid);
  g_test_add_func ("/core/planner/bundled-cases", test_bundled_cases);
  g_test_add_func ("/core/planner/performance", test_performance);
  return g_test_run ();
}
