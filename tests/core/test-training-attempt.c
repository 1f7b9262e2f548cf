/* test-training-attempt.c — one attempt at a training case: the plans it
 * draws, picking up its marks, submitting it and the planner's results on it
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-training-attempt.h"

#include <math.h>

#include "np-error.h"

#define EPS 1e-9

/* The case used throughout: an out-of-plane linear ultrasound frame of
 * 400 × 300 px at 0.1 mm per pixel, the skin a horizontal line at y = 0,
 * expert entry (100, 0) and target (100, 200): straight down, 20 mm deep.
 * The acceptable region is the square 95..105 × 195..205 px. A vessel
 * ellipse centred at (300, 100) with radii 20 × 10 px keeps a 2 mm margin. */
static NpPlan *
make_case (void)
{
  NpPlan *plan = np_plan_new ();
  const NpImagePoint region[] = { { 95, 195 }, { 105, 195 }, { 105, 205 }, { 95, 205 } };
  const NpImagePoint skin[] = { { -100, 0 }, { 500, 0 } };
  NpStructure *vessel = np_structure_new ("artery", NP_STRUCTURE_VESSEL, NP_SHAPE_ELLIPSE, 2.0);
  NpMeasurement distance = { NP_MEASURE_DISTANCE, 2, { { 10, 10 }, { 40, 50 } } };

  np_plan_set_string (&plan->frame_path, "frame.png");
  plan->modality = NP_MODALITY_ULTRASOUND;
  plan->probe = NP_PROBE_LINEAR;
  plan->technique = NP_TECHNIQUE_OUT_OF_PLANE;
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0.1, 0);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (100, 0);
  plan->has_target = TRUE;
  plan->target = np_image_point (100, 200);
  plan->skin_kind = NP_SKIN_POLYLINE;
  g_array_append_vals (plan->skin_points, skin, G_N_ELEMENTS (skin));
  g_array_append_vals (plan->target_region, region, G_N_ELEMENTS (region));
  np_structure_add_point (vessel, np_image_point (300, 100));
  np_structure_add_point (vessel, np_image_point (20, 10));
  g_ptr_array_add (plan->structures, vessel);
  g_array_append_val (plan->measurements, distance);
  return plan;
}

static void
test_needs_an_answer (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(GError) error = NULL;
  NpTrainingAttempt *attempt;

  plan->has_target = FALSE;
  g_array_set_size (plan->target_region, 0);
  attempt = np_training_attempt_new (plan, TRUE, &error);
  g_assert_null (attempt);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
}

static void
test_trainee_plan_hides_the_answer (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTrainingAttempt) attempt = np_training_attempt_new (plan, TRUE, &error);
  const NpPlan *trainee, *expert;

  g_assert_no_error (error);
  trainee = np_training_attempt_get_trainee (attempt);
  /* No answer, no structures, no measurements... */
  g_assert_false (trainee->has_target);
  g_assert_false (trainee->has_entry);
  g_assert_cmpuint (trainee->target_region->len, ==, 0);
  g_assert_cmpuint (trainee->structures->len, ==, 0);
  g_assert_cmpuint (trainee->measurements->len, ==, 0);
  /* ...but the skin line and the calibration, which are part of the image. */
  g_assert_cmpint (trainee->skin_kind, ==, NP_SKIN_POLYLINE);
  g_assert_cmpuint (trainee->skin_points->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (trainee->calibration->mm_per_px_x, 0.1, EPS);

  /* The expert plan is a copy, answer included. */
  expert = np_training_attempt_get_expert (attempt);
  g_assert_true (expert != plan);
  g_assert_true (np_plan_equal (expert, plan));

  g_assert_false (np_training_attempt_get_submitted (attempt));
  g_assert_null (np_training_attempt_get_score (attempt));
  g_assert_null (np_training_attempt_get_attempt_plan (attempt));
  g_assert_null (np_training_attempt_get_answer_plan (attempt));
  g_assert_true (np_training_attempt_can_estimate_depth (attempt));
}

static void
test_side_room (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  NpTrainingAttempt *attempt;

  /* Out of plane: the entry is above the target, on the frame. */
  attempt = np_training_attempt_new (plan, TRUE, NULL);
  g_assert_false (np_training_attempt_get_in_plane (attempt));
  g_assert_cmpfloat (np_training_attempt_get_side_room (attempt), ==, 0);
  g_object_unref (attempt);

  /* In plane with a linear probe: 40 % of the width on each side. */
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  attempt = np_training_attempt_new (plan, TRUE, NULL);
  g_assert_true (np_training_attempt_get_in_plane (attempt));
  g_assert_cmpfloat (np_training_attempt_get_side_room (attempt), ==, 0.4);
  g_object_unref (attempt);

  /* A curvilinear probe's ends lie near the frame's edges: 5 %. */
  plan->probe = NP_PROBE_CURVILINEAR;
  attempt = np_training_attempt_new (plan, TRUE, NULL);
  g_assert_cmpfloat (np_training_attempt_get_side_room (attempt), ==, 0.05);
  g_object_unref (attempt);

  /* Fluoroscopy has no probe to enter beside. */
  plan->modality = NP_MODALITY_FLUOROSCOPY;
  attempt = np_training_attempt_new (plan, FALSE, NULL);
  g_assert_false (np_training_attempt_get_in_plane (attempt));
  g_assert_cmpfloat (np_training_attempt_get_side_room (attempt), ==, 0);
  g_object_unref (attempt);
}

static void
test_marks_and_hit_testing (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(NpTrainingAttempt) attempt = np_training_attempt_new (plan, TRUE, NULL);
  NpImagePoint point;
  NpTrainingMark mark;

  g_assert_false (np_training_attempt_get_mark (attempt, NP_TRAINING_MARK_TARGET, &point));
  g_assert_false (np_training_attempt_find_mark (attempt, np_image_point (100, 100), 50, &mark));

  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (100, 100));
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_ENTRY, np_image_point (100, 0));
  g_assert_true (np_training_attempt_get_mark (attempt, NP_TRAINING_MARK_TARGET, &point));
  g_assert_cmpfloat (point.x, ==, 100);
  g_assert_cmpfloat (point.y, ==, 100);
  g_assert_true (np_training_attempt_get_mark (attempt, NP_TRAINING_MARK_ENTRY, NULL));
  /* The trainee plan carries them. */
  g_assert_true (np_training_attempt_get_trainee (attempt)->has_entry);
  g_assert_cmpfloat (np_training_attempt_get_trainee (attempt)->entry.y, ==, 0);

  /* 3-4-5: (103, 104) is 5 px from the target; a tolerance of 5 takes it,
   * 4.9 does not. */
  g_assert_true (np_training_attempt_find_mark (attempt, np_image_point (103, 104), 5, &mark));
  g_assert_cmpint (mark, ==, NP_TRAINING_MARK_TARGET);
  g_assert_false (np_training_attempt_find_mark (attempt, np_image_point (103, 104), 4.9, &mark));

  /* (100, 48): 48 px from the entry, 52 from the target; the nearer wins. */
  g_assert_true (np_training_attempt_find_mark (attempt, np_image_point (100, 48), 60, &mark));
  g_assert_cmpint (mark, ==, NP_TRAINING_MARK_ENTRY);
  /* (100, 52): 52 from the entry, 48 from the target. */
  g_assert_true (np_training_attempt_find_mark (attempt, np_image_point (100, 52), 60, &mark));
  g_assert_cmpint (mark, ==, NP_TRAINING_MARK_TARGET);

  /* The skin line's end (-100, 0) is no mark to pick up: 3 px from it,
   * 200 from the entry. */
  g_assert_false (np_training_attempt_find_mark (attempt, np_image_point (-100, 3), 5, &mark));

  /* The target moved to (106, 108): (103, 104) is √(3² + 4²) = 5 px from
   * it, and (100, 100) is 10 px away. */
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (106, 108));
  g_assert_true (np_training_attempt_find_mark (attempt, np_image_point (103, 104), 5, &mark));
  g_assert_cmpint (mark, ==, NP_TRAINING_MARK_TARGET);
  g_assert_false (np_training_attempt_find_mark (attempt, np_image_point (100, 100), 5, &mark));
}

static void
test_submit (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(NpTrainingAttempt) attempt = NULL;
  g_autoptr(GError) error = NULL;
  const NpTrainingScore *score;
  const NpPlan *attempt_plan, *answer;
  const NpPlanResults *results;
  const NpStructureClearance *clearance;

  /* In plane, so that the needle runs straight from entry to target (out of
   * plane it would walk down at an angle). */
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  attempt = np_training_attempt_new (plan, TRUE, NULL);

  /* Nothing to score without a target. */
  g_assert_false (np_training_attempt_submit (attempt, FALSE, 0, NULL, NULL, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (np_training_attempt_get_submitted (attempt));

  /* The same entry as the expert, the target 30 px (3 mm) short of the
   * expert's, above its region; a depth estimate of 18 mm. */
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (100, 170));
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_ENTRY, np_image_point (100, 0));
  g_assert_true (np_training_attempt_submit (attempt, TRUE, 18.0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (np_training_attempt_get_submitted (attempt));

  score = np_training_attempt_get_score (attempt);
  g_assert_nonnull (score);
  g_assert_true (score->calibrated);
  g_assert_cmpstr (score->unit, ==, "mm");
  g_assert_cmpfloat_with_epsilon (score->target_error, 3.0, 1e-9);
  g_assert_false (score->target_hit);
  g_assert_true (score->has_entry_deviation);
  g_assert_cmpfloat_with_epsilon (score->entry_deviation, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (score->trajectory_deviation_deg, 0, 1e-9);
  /* Expert depth 200 px × 0.1 = 20 mm; 18 − 20 = −2 mm, −10 %. */
  g_assert_true (score->has_depth_estimate);
  g_assert_true (score->has_depth_error);
  g_assert_cmpfloat_with_epsilon (score->depth_error_mm, -2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (score->depth_error_percent, -10.0, 1e-9);
  g_assert_false (score->critical_error);
  /* The whole score by hand: target 10 · 3/5 = 6; missed 10; entry on the
   * expert's and in plane not scored anyway: 0; 0°: 0; depth 0.25 · 10 %
   * = 2.5; path 17 mm against the expert's 20 mm, ratio 0.85, shorter:
   * 0 (the old rule took 20 · 0.15 = 3). 100 − 6 − 10 − 2.5 = 81.5. */
  g_assert_cmpfloat_with_epsilon (score->path_length_ratio, 0.85, 1e-9);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO], ==, 0);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_TARGET_ERROR], 6.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_DEPTH_ERROR], 2.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (score->score, 81.5, 1e-9);
  /* Whose depth is whose: the expert's target 200 px × 0.1 = 20 mm deep,
   * the trainee's 170 px × 0.1 = 17 mm. */
  g_assert_cmpstr (score->explanation[NP_TRAINING_METRIC_DEPTH_ERROR], ==,
                   "You estimated 18.0 mm; the expert's target lies 20.0 mm deep (your target "
                   "17.0 mm): 2.0 mm (10%) too shallow.");

  /* The attempt: the case's structures and measurements, the trainee's
   * marks, no region (the answer draws it). */
  attempt_plan = np_training_attempt_get_attempt_plan (attempt);
  g_assert_nonnull (attempt_plan);
  g_assert_cmpfloat (attempt_plan->target.y, ==, 170);
  g_assert_cmpfloat (attempt_plan->entry.x, ==, 100);
  g_assert_cmpuint (attempt_plan->structures->len, ==, 1);
  g_assert_cmpuint (attempt_plan->measurements->len, ==, 1);
  g_assert_cmpuint (attempt_plan->target_region->len, ==, 0);
  g_assert_cmpuint (attempt_plan->skin_points->len, ==, 2);

  /* The planner on it: 170 px × 0.1 = 17 mm deep and long, straight down
   * (90° to the skin); the vessel's nearest point (280, 100) is 180 px =
   * 18 mm from the path. */
  results = np_training_attempt_get_attempt_results (attempt);
  g_assert_nonnull (results);
  g_assert_true (results->has_depth);
  g_assert_cmpfloat_with_epsilon (results->depth, 17.0, 1e-9);
  g_assert_true (results->has_path);
  g_assert_cmpfloat_with_epsilon (results->path_length, 17.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 90.0, 1e-9);
  g_assert_cmpuint (results->clearances->len, ==, 1);
  clearance = &g_array_index (results->clearances, NpStructureClearance, 0);
  g_assert_cmpfloat_with_epsilon (clearance->clearance, 18.0, 1e-6);
  g_assert_false (clearance->entered);

  /* The answer: the expert's marks and region, nothing else. */
  answer = np_training_attempt_get_answer_plan (attempt);
  g_assert_nonnull (answer);
  g_assert_true (answer->has_target);
  g_assert_cmpfloat (answer->target.y, ==, 200);
  g_assert_cmpfloat (answer->entry.x, ==, 100);
  g_assert_cmpuint (answer->target_region->len, ==, 4);
  g_assert_cmpuint (answer->structures->len, ==, 0);
  g_assert_cmpuint (answer->measurements->len, ==, 0);
  g_assert_cmpuint (answer->skin_points->len, ==, 0);
  g_assert_cmpint (answer->skin_kind, ==, NP_SKIN_NONE);

  /* Once is enough: a second submit fails and keeps the score. */
  g_assert_false (np_training_attempt_submit (attempt, FALSE, 0, NULL, NULL, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_true (np_training_attempt_get_score (attempt) == score);
  g_assert_cmpfloat_with_epsilon (score->depth_error_mm, -2.0, 1e-9);
}

static void
test_depth_only_where_it_can_be_checked (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(NpTrainingAttempt) attempt = np_training_attempt_new (plan, FALSE, NULL);
  g_autoptr(GError) error = NULL;

  /* A case that cannot check a depth ignores one stated anyway. */
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (100, 200));
  g_assert_true (np_training_attempt_submit (attempt, TRUE, 18.0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (np_training_attempt_get_score (attempt)->has_depth_estimate);
  g_assert_false (np_training_attempt_get_score (attempt)->has_depth_error);
  /* On the expert's target, inside the region: hit, 0 mm off. */
  g_assert_true (np_training_attempt_get_score (attempt)->target_hit);
  g_assert_cmpfloat_with_epsilon (np_training_attempt_get_score (attempt)->target_error, 0, 1e-9);
}

static void
test_planner_options (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(NpTrainingAttempt) attempt = NULL;
  g_autoptr(NpTrainingAttempt) no_field = NULL;
  g_autoptr(GError) error = NULL;
  NpPlannerOptions options;
  const NpPlanResults *results;

  /* In plane from (-50, 0), beyond the frame, to (100, 150): the path
   * rises 1 px per px, so it comes into the 400 × 300 field at its left
   * edge, at (0, 50), 50 px = 5 mm below the skin. */
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  attempt = np_training_attempt_new (plan, TRUE, NULL);
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (100, 150));
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_ENTRY, np_image_point (-50, 0));
  np_planner_options_init (&options);
  options.has_field = TRUE;
  options.field = (NpImageRect) { 0, 0, 400, 300 };
  g_assert_true (np_training_attempt_submit (attempt, FALSE, 0, &options, NULL, &error));
  g_assert_no_error (error);
  results = np_training_attempt_get_attempt_results (attempt);
  g_assert_nonnull (results);
  g_assert_true (results->has_fov_entry);
  g_assert_cmpfloat_with_epsilon (results->fov_entry.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->fov_entry.y, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->fov_entry_depth, 5.0, 1e-9);
  /* 150 px × 0.1 = 15 mm deep; the path √(150² + 150²) px = 15√2 mm. */
  g_assert_cmpfloat_with_epsilon (results->depth, 15.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, 15.0 * G_SQRT2, 1e-9);

  /* Without a field (and no calibrated region) there is none to enter. */
  no_field = np_training_attempt_new (plan, TRUE, NULL);
  np_training_attempt_set_mark (no_field, NP_TRAINING_MARK_TARGET, np_image_point (100, 150));
  np_training_attempt_set_mark (no_field, NP_TRAINING_MARK_ENTRY, np_image_point (-50, 0));
  g_assert_true (np_training_attempt_submit (no_field, FALSE, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (np_training_attempt_get_attempt_results (no_field)->has_fov_entry);
}

static void
test_session_records_the_score (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(NpTrainingAttempt) attempt = np_training_attempt_new (plan, TRUE, NULL);
  g_autoptr(NpTrainingAttempt) late = np_training_attempt_new (plan, TRUE, NULL);
  const char *paths[] = { "case-a/plan.json", NULL };
  g_autoptr(NpTrainingSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = np_training_session_new (paths, 1, &error);
  g_assert_no_error (error);

  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (100, 200));
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_ENTRY, np_image_point (100, 0));
  g_assert_true (np_training_attempt_submit (attempt, FALSE, 0, NULL, session, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (np_training_session_get_n_scored (session), ==, 1);
  /* The expert's own marks lose nothing. */
  g_assert_cmpfloat_with_epsilon (np_training_session_get_score (session, 0)->score, 100.0, 1e-9);

  /* A case the session already scored: the attempt stays open. */
  np_training_attempt_set_mark (late, NP_TRAINING_MARK_TARGET, np_image_point (100, 170));
  g_assert_false (np_training_attempt_submit (late, FALSE, 0, NULL, session, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_false (np_training_attempt_get_submitted (late));
  g_assert_null (np_training_attempt_get_score (late));
  g_assert_null (np_training_attempt_get_attempt_plan (late));
}

/* Pixels within 24 per channel of the expert colour, light violet
 * (NP_OVERLAY_EXPERT_R, _G, _B), in the square ±@radius around (@cx, @cy). */
static guint
count_expert_pixels (cairo_surface_t *surface,
                     int              cx,
                     int              cy,
                     int              radius)
{
  const guint8 *data;
  int stride;
  guint count = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = cy - radius; y <= cy + radius; y++)
    for (int x = cx - radius; x <= cx + radius; x++)
      {
        guint32 pixel = *(const guint32 *) (data + (gsize) y * stride + 4 * x);
        int r = (pixel >> 16) & 0xff, g = (pixel >> 8) & 0xff, b = pixel & 0xff;

        if (abs (r - NP_OVERLAY_EXPERT_R) <= 24 && abs (g - NP_OVERLAY_EXPERT_G) <= 24 &&
            abs (b - NP_OVERLAY_EXPERT_B) <= 24)
          count++;
      }
  return count;
}

static guint
draw_and_count (NpTrainingAttempt *attempt)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 300);
  cairo_t *cr = cairo_create (surface);
  NpOverlayOptions options;
  guint count;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  np_overlay_options_init (&options, 400, 300);
  np_training_attempt_draw (attempt, cr, &options);
  cairo_destroy (cr);
  /* The expert target (100, 200) and its region. */
  count = count_expert_pixels (surface, 100, 200, 14);
  cairo_surface_destroy (surface);
  return count;
}

static void
test_answer_drawn_after_submit (void)
{
  g_autoptr(NpPlan) plan = make_case ();
  g_autoptr(NpTrainingAttempt) attempt = np_training_attempt_new (plan, TRUE, NULL);
  g_autoptr(GError) error = NULL;

  /* The trainee's target 60 px above the expert's, out of the square. */
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_TARGET, np_image_point (100, 140));
  np_training_attempt_set_mark (attempt, NP_TRAINING_MARK_ENTRY, np_image_point (100, 0));
  g_assert_cmpuint (draw_and_count (attempt), ==, 0);

  g_assert_true (np_training_attempt_submit (attempt, FALSE, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (draw_and_count (attempt), >, 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/training-attempt/needs-an-answer", test_needs_an_answer);
  g_test_add_func ("/core/training-attempt/trainee-plan-hides-the-answer",
                   test_trainee_plan_hides_the_answer);
  g_test_add_func ("/core/training-attempt/side-room", test_side_room);
  g_test_add_func ("/core/training-attempt/marks-and-hit-testing", test_marks_and_hit_testing);
  g_test_add_func ("/core/training-attempt/submit", test_submit);
  g_test_add_func ("/core/training-attempt/depth-only-where-it-can-be-checked",
                   test_depth_only_where_it_can_be_checked);
  g_test_add_func ("/core/training-attempt/planner-options", test_planner_options);
  g_test_add_func ("/core/training-attempt/session-records-the-score",
                   test_session_records_the_score);
  g_test_add_func ("/core/training-attempt/answer-drawn-after-submit",
                   test_answer_drawn_after_submit);

  return g_test_run ();
}
