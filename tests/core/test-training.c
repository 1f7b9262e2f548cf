/* test-training.c: training scores, summaries and sessions
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-training-session.h"
#include "np-training.h"

#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>
#include <string.h>

#define TOL 1e-9

/* The case used throughout: a linear ultrasound frame at 1 mm per pixel,
 * skin on the top edge (y = 0), expert entry (50, 0) and target (50, 40),
 * so the expert path runs straight down, 40 mm long, and the target lies
 * 40 mm deep. The acceptable region is the square 47..53 × 37..43 px. */
static NpPlan *
make_expert (void)
{
  NpPlan *plan = np_plan_new ();
  const NpImagePoint region[] = { { 47, 37 }, { 53, 37 }, { 53, 43 }, { 47, 43 } };

  np_plan_set_string (&plan->frame_path, "frame.png");
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 1.0, 0);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (50, 0);
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  g_array_append_vals (plan->target_region, region, G_N_ELEMENTS (region));
  return plan;
}

static NpPlan *
make_attempt (double entry_x,
              double entry_y,
              double target_x,
              double target_y)
{
  NpPlan *plan = np_plan_new ();

  np_plan_set_string (&plan->frame_path, "frame.png");
  plan->has_entry = TRUE;
  plan->entry = np_image_point (entry_x, entry_y);
  plan->has_target = TRUE;
  plan->target = np_image_point (target_x, target_y);
  return plan;
}

static void
add_circle (NpPlan          *plan,
            const char      *label,
            NpStructureKind  kind,
            double           cx,
            double           cy,
            double           radius,
            double           margin_mm)
{
  NpStructure *structure = np_structure_new (label, kind, NP_SHAPE_ELLIPSE, margin_mm);

  np_structure_add_point (structure, np_image_point (cx, cy));
  np_structure_add_point (structure, np_image_point (radius, radius));
  g_ptr_array_add (plan->structures, structure);
}

static NpTrainingScore *
score_of (const NpPlan *expert,
          const NpPlan *trainee,
          gboolean      has_depth,
          double        depth_mm)
{
  g_autoptr(GError) error = NULL;
  NpTrainingScore *score = np_training_score_compute (expert, trainee, has_depth, depth_mm,
                                                      &error);

  g_assert_no_error (error);
  g_assert_nonnull (score);
  return score;
}

static void
assert_penalties_add_up (const NpTrainingScore *score)
{
  double total = 0;

  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    {
      g_assert_cmpfloat (score->penalty[i], >=, 0);
      g_assert_cmpfloat (score->penalty[i], <=, np_training_metric_max_penalty (i) + TOL);
      total += score->penalty[i];
    }
  g_assert_cmpfloat_with_epsilon (100 - total, score->score, 1e-9);
  g_assert_nonnull (score->explanation[NP_TRAINING_METRIC_SCORE]);
}

/* The expert's own marks: nothing off, 100 points. */
static void
test_exact_hit (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 50, 40);
  g_autoptr(NpTrainingScore) score = score_of (expert, trainee, FALSE, 0);

  g_assert_true (score->calibrated);
  g_assert_cmpstr (score->unit, ==, "mm");
  g_assert_cmpfloat (score->target_error, ==, 0);
  g_assert_true (score->target_hit);
  g_assert_false (score->used_default_radius);
  g_assert_true (score->has_entry_deviation);
  g_assert_cmpfloat (score->entry_deviation, ==, 0);
  g_assert_true (score->has_trajectory_deviation);
  g_assert_cmpfloat_with_epsilon (score->trajectory_deviation_deg, 0, TOL);
  g_assert_true (score->has_path_length_ratio);
  g_assert_cmpfloat_with_epsilon (score->path_length_ratio, 1, TOL);
  g_assert_cmpfloat_with_epsilon (score->path_in_tissue, 40, TOL);
  g_assert_cmpfloat_with_epsilon (score->swept_area, 0, TOL);
  g_assert_false (score->critical_error);
  g_assert_false (score->has_depth_error);
  g_assert_cmpfloat (score->score, ==, 100);
  g_assert_cmpstr (score->explanation[NP_TRAINING_METRIC_TARGET_ERROR], ==,
                   "Your target is exactly the expert's.");
  assert_penalties_add_up (score);
}

/* Entry and target both moved by (3, 4) px = (3, 4) mm: a 3-4-5 triangle.
 * Target error √(3² + 4²) = 5 mm; (53, 44) lies below the region's bottom
 * edge y = 43, so the target is missed. Entry deviation 5 mm. Both paths
 * point along (0, 40): 0°, equal lengths: ratio 1. The area between the
 * paths is the parallelogram |(0, 40) × (3, 4)| = |0·4 − 40·3| = 120 mm².
 * The case is in plane (the default technique), so the entry is reported,
 * not scored: it follows from the target and the direction.
 * Penalties: target 10 · 5/5 = 10, miss 10, entry 0:
 * score 100 − 20 = 80. */
static void
test_offset_3_4_5 (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (53, 4, 53, 44);
  g_autoptr(NpTrainingScore) score = score_of (expert, trainee, FALSE, 0);

  g_assert_cmpint (expert->technique, ==, NP_TECHNIQUE_IN_PLANE);
  g_assert_cmpfloat_with_epsilon (score->target_error, 5.0, TOL);
  g_assert_false (score->target_hit);
  g_assert_cmpfloat_with_epsilon (score->entry_deviation, 5.0, TOL);
  g_assert_cmpfloat_with_epsilon (score->trajectory_deviation_deg, 0, TOL);
  g_assert_cmpfloat_with_epsilon (score->path_length_ratio, 1, TOL);
  g_assert_cmpfloat_with_epsilon (score->swept_area, 120, TOL);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_TARGET_ERROR], 10, TOL);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_TARGET_HIT], 10, TOL);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION], ==, 0);
  g_assert_cmpfloat_with_epsilon (score->score, 80, TOL);
  g_assert_cmpstr (score->explanation[NP_TRAINING_METRIC_TARGET_ERROR], ==,
                   "Your target was 5.0 mm from the expert's, outside the acceptable region.");
  g_assert_nonnull (strstr (score->explanation[NP_TRAINING_METRIC_ENTRY_DEVIATION],
                            "not scored"));
  assert_penalties_add_up (score);
}

/* The same attempt out of plane, where the entry is a choice of its own:
 * entry 2 · 5/5 = 2. Out of plane the needle walks down at one angle θ and
 * runs D / sin θ (docs/planner.md): the trainee's target lies 44 mm deep,
 * the expert's 40 mm, so the ratio is 44 / 40 = 1.1, longer: 20 · 0.1 = 2.
 * 100 − (10 + 10 + 2 + 2) = 76. */
static void
test_offset_3_4_5_out_of_plane (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (53, 4, 53, 44);
  g_autoptr(NpTrainingScore) score = NULL;

  expert->technique = NP_TECHNIQUE_OUT_OF_PLANE;
  score = score_of (expert, trainee, FALSE, 0);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION], 2, TOL);
  g_assert_cmpfloat_with_epsilon (score->path_length_ratio, 1.1, TOL);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO], 2, TOL);
  g_assert_cmpfloat_with_epsilon (score->score, 76, TOL);
  assert_penalties_add_up (score);
}

/* A path shorter than the expert's costs nothing for its length; a longer
 * one does. Expert in plane from (10, 0) to (50, 40): 45° to the skin,
 * 40√2 = 56.569 mm. The trainee goes straight down from (50, 0) to the
 * same target: 40 mm, ratio 40 / (40√2) = 1/√2 = 0.7071 < 1: 0 points
 * (the old rule took 20 · (1 − 0.7071) = 5.86). The direction is 45° off:
 * 0.5 · 45 = 22.5 of the in-plane cap 25; the entry (40 mm off) is not
 * scored in plane. Score 100 − 22.5 = 77.5.
 * The other way round (the expert straight down, the trainee at 45°) the
 * ratio is √2: 20 · (√2 − 1) = 8.2843 for the length, 22.5 for the
 * direction: 100 − 30.7843 = 69.2157. */
static void
test_shorter_path_not_penalised (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) straight = make_attempt (50, 0, 50, 40);
  g_autoptr(NpPlan) oblique = make_attempt (10, 0, 50, 40);
  g_autoptr(NpTrainingScore) shorter = NULL;
  g_autoptr(NpTrainingScore) longer = NULL;

  expert->entry = np_image_point (10, 0);
  shorter = score_of (expert, straight, FALSE, 0);
  g_assert_cmpfloat_with_epsilon (shorter->path_length_ratio, 1 / G_SQRT2, TOL);
  g_assert_cmpfloat (shorter->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO], ==, 0);
  g_assert_cmpfloat_with_epsilon (shorter->trajectory_deviation_deg, 45, TOL);
  g_assert_cmpfloat_with_epsilon (shorter->penalty[NP_TRAINING_METRIC_TRAJECTORY_DEVIATION],
                                  22.5, TOL);
  g_assert_cmpfloat (shorter->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION], ==, 0);
  g_assert_cmpfloat_with_epsilon (shorter->score, 77.5, TOL);
  assert_penalties_add_up (shorter);

  expert->entry = np_image_point (50, 0);
  longer = score_of (expert, oblique, FALSE, 0);
  g_assert_cmpfloat_with_epsilon (longer->path_length_ratio, G_SQRT2, TOL);
  g_assert_cmpfloat_with_epsilon (longer->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO],
                                  20 * (G_SQRT2 - 1), TOL);
  g_assert_cmpfloat_with_epsilon (longer->score, 100 - 22.5 - 20 * (G_SQRT2 - 1), TOL);
  g_assert_cmpfloat_with_epsilon (longer->score, 69.2157, 1e-4);
  assert_penalties_add_up (longer);
}

/* Pixels of 0.5 × 1.0 mm: an offset of (6, 4) px is (3, 4) mm, 5 mm. The
 * same offset without a calibration is √(6² + 4²) = √52 px, never mm. */
static void
test_anisotropic (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 56, 44);
  g_autoptr(NpTrainingScore) score = NULL;
  g_autoptr(NpTrainingScore) uncalibrated = NULL;

  expert->calibration->mm_per_px_x = 0.5;
  score = score_of (expert, trainee, FALSE, 0);
  g_assert_cmpstr (score->unit, ==, "mm");
  g_assert_cmpfloat_with_epsilon (score->target_error, 5.0, TOL);

  np_calibration_free (expert->calibration);
  expert->calibration = np_calibration_new ();
  uncalibrated = score_of (expert, trainee, TRUE, 30);
  g_assert_false (uncalibrated->calibrated);
  g_assert_cmpstr (uncalibrated->unit, ==, "px");
  g_assert_cmpfloat_with_epsilon (uncalibrated->target_error, sqrt (52), TOL);
  /* No depth in mm can be checked on an uncalibrated frame. */
  g_assert_true (uncalibrated->has_depth_estimate);
  g_assert_false (uncalibrated->has_depth_error);
  g_assert_false (uncalibrated->has_expert_depth);
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    if (uncalibrated->explanation[i] != NULL && i != NP_TRAINING_METRIC_DEPTH_ERROR)
      g_assert_null (strstr (uncalibrated->explanation[i], " mm"));
  assert_penalties_add_up (uncalibrated);
}

/* Trainee entry (10, 0) to the expert's target (50, 40): the path follows
 * y = x − 10 and passes through (30, 20), the centre of a vessel of radius
 * 5 mm, so it crosses the vessel. The expert's path (x = 50) stays 15 mm
 * away. Uncapped, in plane: entry 40 mm off, not scored; direction
 * (40, 40) against (0, 40) is 45° → min(25, 0.5 · 45) = 22.5; path
 * √(40² + 40²) = 40√2 against 40, ratio √2 → min(10, 20 (√2 − 1)) =
 * 8.2843. Score 100 − 30.7843 = 69.2157, capped at 40: the cap takes
 * 29.2157. */
static void
test_vessel_crossed (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (10, 0, 50, 40);
  g_autoptr(NpTrainingScore) score = NULL;
  double uncapped = 100 - (22.5 + 20 * (G_SQRT2 - 1));

  add_circle (expert, "genicular artery", NP_STRUCTURE_VESSEL, 30, 20, 5, 2);
  score = score_of (expert, trainee, FALSE, 0);

  g_assert_true (score->critical_error);
  g_assert_cmpuint (score->critical_structures->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (score->critical_structures, 0), ==, "genicular artery");
  g_assert_cmpfloat_with_epsilon (score->trajectory_deviation_deg, 45, TOL);
  g_assert_cmpfloat_with_epsilon (score->path_length_ratio, G_SQRT2, TOL);
  g_assert_cmpfloat_with_epsilon (score->score, NP_TRAINING_CRITICAL_CAP, TOL);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_CRITICAL_ERROR],
                                  uncapped - NP_TRAINING_CRITICAL_CAP, 1e-9);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_CRITICAL_ERROR], 29.2157,
                                  1e-4);
  g_assert_cmpstr (score->explanation[NP_TRAINING_METRIC_CRITICAL_ERROR], ==,
                   "Your path crosses the genicular artery: a critical error, so the score is "
                   "capped at 40.");
  assert_penalties_add_up (score);
}

/* A nerve of radius 5 mm centred at (60, 20) with a 3 mm margin: the
 * expert's path (x = 50) keeps 10 − 5 = 5 mm; the trainee's at x = 52.5
 * keeps 7.5 − 5 = 2.5 mm, inside the margin without touching the nerve. */
static void
test_margin_crossed (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (52.5, 0, 52.5, 40);
  g_autoptr(NpTrainingScore) score = NULL;

  add_circle (expert, "saphenous nerve", NP_STRUCTURE_NERVE, 60, 20, 5, 3);
  score = score_of (expert, trainee, FALSE, 0);

  g_assert_true (score->critical_error);
  g_assert_cmpfloat (score->score, ==, NP_TRAINING_CRITICAL_CAP);
  g_assert_cmpstr (score->explanation[NP_TRAINING_METRIC_CRITICAL_ERROR], ==,
                   "Your path comes inside the margin of the saphenous nerve: a critical error, "
                   "so the score is capped at 40.");
  assert_penalties_add_up (score);
}

/* A tendon around the target is entered by the expert's own path too: it is
 * what is injected, not an error. */
static void
test_structure_of_the_target (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 50, 40);
  g_autoptr(NpTrainingScore) score = NULL;

  add_circle (expert, "patellar tendon", NP_STRUCTURE_TENDON, 50, 40, 8, 0);
  score = score_of (expert, trainee, FALSE, 0);
  g_assert_false (score->critical_error);
  g_assert_cmpfloat (score->score, ==, 100);
}

/* The target lies 40 mm below the skin (y = 40 at 1 mm/px, skin y = 0,
 * speed 1540 m/s so no correction). 48 mm is 8 mm (20 %) too deep, 32 mm
 * 8 mm (20 %) too shallow; each costs 0.25 · 20 = 5 points: 95. */
static void
test_depth_estimate (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 50, 40);
  g_autoptr(NpTrainingScore) deep = score_of (expert, trainee, TRUE, 48);
  g_autoptr(NpTrainingScore) shallow = score_of (expert, trainee, TRUE, 32);
  g_autoptr(NpTrainingScore) none = score_of (expert, trainee, FALSE, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTrainingScore) invalid = NULL;
  double value;

  g_assert_true (deep->has_depth_error);
  g_assert_cmpfloat_with_epsilon (deep->expert_depth_mm, 40, TOL);
  g_assert_cmpfloat_with_epsilon (deep->depth_error_mm, 8, TOL);
  g_assert_cmpfloat_with_epsilon (deep->depth_error_percent, 20, TOL);
  g_assert_cmpfloat_with_epsilon (deep->score, 95, TOL);
  g_assert_cmpstr (deep->explanation[NP_TRAINING_METRIC_DEPTH_ERROR], ==,
                   "You estimated 48.0 mm; the expert's target lies 40.0 mm deep (your target "
                   "40.0 mm): 8.0 mm (20%) too deep.");

  g_assert_cmpfloat_with_epsilon (shallow->depth_error_mm, -8, TOL);
  g_assert_cmpfloat_with_epsilon (shallow->depth_error_percent, -20, TOL);
  g_assert_cmpfloat_with_epsilon (shallow->score, 95, TOL);
  /* The summary value is the size of the error, whichever way. */
  g_assert_true (np_training_score_get_value (shallow, NP_TRAINING_METRIC_DEPTH_ERROR, &value));
  g_assert_cmpfloat_with_epsilon (value, 20, TOL);

  g_assert_false (none->has_depth_error);
  g_assert_false (np_training_score_get_value (none, NP_TRAINING_METRIC_DEPTH_ERROR, &value));
  g_assert_cmpfloat (none->score, ==, 100);

  invalid = np_training_score_compute (expert, trainee, TRUE, -3, &error);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_null (invalid);
}

/* Same target, entry (10, 0): directions (0, 40) and (40, 40) differ by
 * 45°. The area between the paths is the triangle (50, 0), (50, 40),
 * (10, 0): ½ · 40 · 40 = 800 mm². In plane the entry (40 mm off) is not
 * scored and the direction takes 0.5 · 45 = 22.5 (cap 25); the path is
 * √2 times longer: 20 (√2 − 1) = 8.2843. Score 100 − 30.7843 = 69.2157
 * (before the in-plane rule: 100 − (10 + 15 + 8.2843) = 66.7157). */
static void
test_trajectory_45 (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (10, 0, 50, 40);
  g_autoptr(NpTrainingScore) score = score_of (expert, trainee, FALSE, 0);

  g_assert_cmpfloat_with_epsilon (score->trajectory_deviation_deg, 45, TOL);
  g_assert_cmpfloat_with_epsilon (score->entry_deviation, 40, TOL);
  g_assert_cmpfloat_with_epsilon (score->path_in_tissue, 40 * G_SQRT2, TOL);
  g_assert_cmpfloat_with_epsilon (score->swept_area, 800, TOL);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION], ==, 0);
  g_assert_cmpfloat_with_epsilon (score->penalty[NP_TRAINING_METRIC_TRAJECTORY_DEVIATION], 22.5,
                                  TOL);
  g_assert_cmpfloat_with_epsilon (score->score, 100 - (22.5 + 20 * (G_SQRT2 - 1)), TOL);
  g_assert_false (score->critical_error);
  assert_penalties_add_up (score);
}

static void
test_swept_area (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trapezoid = make_attempt (52, 0, 56, 40);
  g_autoptr(NpPlan) bow_tie = make_attempt (54, 0, 46, 40);
  g_autoptr(NpTrainingScore) a = score_of (expert, trapezoid, FALSE, 0);
  g_autoptr(NpTrainingScore) b = score_of (expert, bow_tie, FALSE, 0);

  /* (50, 0), (50, 40), (56, 40), (52, 0): parallel sides 2 and 6 mm,
   * 40 mm apart: ½ (2 + 6) · 40 = 160 mm². */
  g_assert_cmpfloat_with_epsilon (a->swept_area, 160, TOL);
  /* The trainee's path x = 54 − 8t, y = 40t crosses x = 50 at t = ½,
   * (50, 20): two triangles of ½ · 4 · 20 = 40 mm² each, 80 in all
   * (the shoelace formula alone would give 0). */
  g_assert_cmpfloat_with_epsilon (b->swept_area, 80, TOL);
}

/* No entry marked although the expert has one: entry, trajectory and path
 * length count as fully off. In plane the entry's 10 points are the
 * trajectory's (cap 15 + 10 = 25): 100 − (25 + 10) = 65. Out of plane
 * entry 10 and trajectory 15, but the path needs no entry: it runs
 * D / sin θ from the target's depth, here the expert's own: ratio 1, 0
 * points: 100 − (10 + 15) = 75. */
static void
test_missing_entry (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 50, 40);
  g_autoptr(NpTrainingScore) score = NULL;

  trainee->has_entry = FALSE;
  score = score_of (expert, trainee, FALSE, 0);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION], ==, 0);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_TRAJECTORY_DEVIATION], ==, 25);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO], ==, 10);
  g_assert_false (score->has_entry_deviation);
  g_assert_false (score->has_trajectory_deviation);
  g_assert_false (score->has_swept_area);
  g_assert_false (score->has_path_in_tissue);
  g_assert_false (score->has_path_length_ratio);
  g_assert_cmpfloat_with_epsilon (score->score, 65, TOL);
  assert_penalties_add_up (score);

  expert->technique = NP_TECHNIQUE_OUT_OF_PLANE;
  g_clear_pointer (&score, np_training_score_free);
  score = score_of (expert, trainee, FALSE, 0);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION], ==, 10);
  g_assert_cmpfloat (score->penalty[NP_TRAINING_METRIC_TRAJECTORY_DEVIATION], ==, 15);
  g_assert_cmpfloat_with_epsilon (score->path_length_ratio, 1, TOL);
  g_assert_cmpfloat_with_epsilon (score->score, 75, TOL);
  assert_penalties_add_up (score);
}

/* An expert answer given only as a region: its centroid, (50, 40) for the
 * square 47..53 × 37..43, is the expert target. Without a region, the
 * default radius of one tolerance (5 mm) decides the hit. */
static void
test_region_and_default_radius (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 50, 44);
  g_autoptr(NpTrainingScore) region_only = NULL;
  g_autoptr(NpTrainingScore) near = NULL;
  g_autoptr(NpTrainingScore) far = NULL;
  g_autoptr(NpPlan) far_trainee = make_attempt (50, 0, 50, 46);

  expert->has_target = FALSE;
  region_only = score_of (expert, trainee, FALSE, 0);
  g_assert_cmpfloat_with_epsilon (region_only->expert_target.x, 50, TOL);
  g_assert_cmpfloat_with_epsilon (region_only->expert_target.y, 40, TOL);
  g_assert_cmpfloat_with_epsilon (region_only->target_error, 4, TOL);
  g_assert_false (region_only->target_hit);

  expert->has_target = TRUE;
  g_array_set_size (expert->target_region, 0);
  near = score_of (expert, trainee, FALSE, 0);
  g_assert_true (near->used_default_radius);
  g_assert_cmpfloat (near->acceptance_radius, ==, NP_TRAINING_TOLERANCE_MM);
  g_assert_true (near->target_hit);           /* 4 mm ≤ 5 mm */
  far = score_of (expert, far_trainee, FALSE, 0);
  g_assert_false (far->target_hit);           /* 6 mm > 5 mm */
}

static void
test_refusals (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (50, 0, 50, 40);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTrainingScore) score = NULL;

  trainee->has_target = FALSE;
  score = np_training_score_compute (expert, trainee, FALSE, 0, &error);
  g_assert_null (score);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no target"));
  g_clear_error (&error);

  trainee->has_target = TRUE;
  expert->has_target = FALSE;
  g_array_set_size (expert->target_region, 0);
  g_assert_false (np_training_plan_has_answer (expert));
  score = np_training_score_compute (expert, trainee, FALSE, 0, &error);
  g_assert_null (score);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
}

static char *
to_text (const NpTrainingScore *score)
{
  g_autoptr(JsonNode) node = np_training_score_to_json (score);

  return json_to_string (node, TRUE);
}

static void
test_json_round_trip (void)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = make_attempt (10, 0, 50, 40);
  g_autoptr(NpTrainingScore) score = NULL;
  g_autoptr(NpTrainingScore) back = NULL;
  g_autoptr(NpTrainingScore) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  add_circle (expert, "genicular artery", NP_STRUCTURE_VESSEL, 30, 20, 5, 2);
  score = score_of (expert, trainee, TRUE, 48);
  first = to_text (score);
  node = json_from_string (first, &error);
  g_assert_no_error (error);
  back = np_training_score_from_json (node, &error);
  g_assert_no_error (error);
  second = to_text (back);
  g_assert_cmpstr (first, ==, second);
  copy = np_training_score_copy (back);
  third = to_text (copy);
  g_assert_cmpstr (first, ==, third);

  /* A damaged attempt names the field. */
  json_object_set_string_member (json_node_get_object (node), "target_error", "five");
  g_clear_pointer (&back, np_training_score_free);
  back = np_training_score_from_json (node, &error);
  g_assert_null (back);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, "“target_error” must be a number");
}

static NpTrainingScore *
fake_score (gboolean calibrated,
            double   target_error,
            double   ratio)
{
  NpTrainingScore *score = np_training_score_new ();

  score->calibrated = calibrated;
  score->unit = calibrated ? "mm" : "px";
  score->target_error = target_error;
  score->score = 100 - target_error;
  score->has_path_length_ratio = ratio > 0;
  score->path_length_ratio = ratio;
  return score;
}

/* Target errors 2, 4, 4, 4, 5, 5, 7, 9 mm: mean 40 / 8 = 5; squared
 * deviations 9 + 1 + 1 + 1 + 0 + 0 + 4 + 16 = 32, sample SD √(32 / 7).
 * An uncalibrated attempt (50 px) and a skipped case (NULL) are left
 * out. Ratios 0.9, 1.05, 1.3 (the rest without a path): best 1.05 (closest
 * to 1), worst 1.3. */
static void
test_summary (void)
{
  const double errors[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
  const double ratios[] = { 0.9, 0, 1.05, 0, 0, 1.3, 0, 0 };
  g_autoptr(GPtrArray) scores =
    g_ptr_array_new_with_free_func ((GDestroyNotify) np_training_score_free);
  NpTrainingSummary summary;

  for (guint i = 0; i < G_N_ELEMENTS (errors); i++)
    g_ptr_array_add (scores, fake_score (TRUE, errors[i], ratios[i]));
  g_ptr_array_add (scores, fake_score (FALSE, 50, 0));
  g_ptr_array_add (scores, NULL);

  g_assert_true (np_training_summarize ((const NpTrainingScore *const *) scores->pdata,
                                        scores->len, NP_TRAINING_METRIC_TARGET_ERROR, &summary));
  g_assert_cmpuint (summary.n, ==, 8);
  g_assert_cmpfloat_with_epsilon (summary.mean, 5, TOL);
  g_assert_cmpfloat_with_epsilon (summary.sd, sqrt (32.0 / 7), TOL);
  g_assert_cmpfloat (summary.min, ==, 2);
  g_assert_cmpfloat (summary.max, ==, 9);
  g_assert_cmpfloat (summary.best, ==, 2);
  g_assert_cmpfloat (summary.worst, ==, 9);

  /* The overall score counts the uncalibrated attempt too: 9 values,
   * 100 − e; best is the highest. */
  g_assert_true (np_training_summarize ((const NpTrainingScore *const *) scores->pdata,
                                        scores->len, NP_TRAINING_METRIC_SCORE, &summary));
  g_assert_cmpuint (summary.n, ==, 9);
  g_assert_cmpfloat (summary.best, ==, 98);
  g_assert_cmpfloat (summary.worst, ==, 50);

  g_assert_true (np_training_summarize ((const NpTrainingScore *const *) scores->pdata,
                                        scores->len, NP_TRAINING_METRIC_PATH_LENGTH_RATIO,
                                        &summary));
  g_assert_cmpuint (summary.n, ==, 3);
  g_assert_cmpfloat (summary.best, ==, 1.05);
  g_assert_cmpfloat (summary.worst, ==, 1.3);
  g_assert_cmpfloat (summary.min, ==, 0.9);

  /* One value has no spread. */
  g_assert_true (np_training_summarize ((const NpTrainingScore *const *) scores->pdata, 1,
                                        NP_TRAINING_METRIC_TARGET_ERROR, &summary));
  g_assert_cmpfloat (summary.sd, ==, 0);

  g_assert_false (np_training_summarize ((const NpTrainingScore *const *) scores->pdata,
                                         scores->len, NP_TRAINING_METRIC_DEPTH_ERROR,
                                         &summary));
  g_assert_cmpuint (summary.n, ==, 0);
}

static void
test_metric_names (void)
{
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    {
      NpTrainingMetric back;

      g_assert_true (np_training_metric_from_string (np_training_metric_to_string (i), &back));
      g_assert_cmpuint (back, ==, i);
      g_assert_nonnull (np_training_metric_label (i));
    }
  g_assert_false (np_training_metric_from_string ("nonsense", &(NpTrainingMetric) { 0 }));
}

/* ---- Sessions ---------------------------------------------------------- */

static const char *const ten_cases[] = {
  "a/plan.json", "b/plan.json", "c/plan.json", "d/plan.json", "e/plan.json",
  "f/plan.json", "g/plan.json", "h/plan.json", "i/plan.json", "j/plan.json", NULL,
};

static char **
session_order (NpTrainingSession *session)
{
  guint n = np_training_session_get_n_cases (session);
  char **order = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    order[i] = g_strdup (np_training_session_get_case (session, i));
  return order;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
test_session_order (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTrainingSession) a = np_training_session_new (ten_cases, 42, &error);
  g_autoptr(NpTrainingSession) b = np_training_session_new (ten_cases, 42, &error);
  g_autoptr(NpTrainingSession) c = np_training_session_new (ten_cases, 43, &error);
  g_auto(GStrv) order_a = NULL;
  g_auto(GStrv) order_b = NULL;
  g_auto(GStrv) order_c = NULL;
  g_auto(GStrv) sorted = NULL;

  g_assert_no_error (error);
  order_a = session_order (a);
  order_b = session_order (b);
  order_c = session_order (c);

  /* Reproducible for a seed. */
  g_assert_true (g_strv_equal ((const char *const *) order_a, (const char *const *) order_b));
  /* Another seed shuffles differently (10! orders). */
  g_assert_false (g_strv_equal ((const char *const *) order_a, (const char *const *) order_c));
  /* A shuffle, not the input order. */
  g_assert_false (g_strv_equal ((const char *const *) order_a, ten_cases));
  /* A permutation: sorted, it is the input again. */
  sorted = g_strdupv (order_a);
  qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
  g_assert_true (g_strv_equal ((const char *const *) sorted, ten_cases));

  g_assert_cmpuint (np_training_session_get_seed (a), ==, 42);
}

static void
test_session_drawn (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTrainingSession) all = np_training_session_new (ten_cases, 42, &error);
  g_autoptr(NpTrainingSession) drawn = NULL;
  g_autoptr(NpTrainingSession) expected = NULL;
  g_autoptr(NpTrainingSession) one = NULL;
  g_autoptr(NpTrainingSession) every = NULL;
  g_auto(GStrv) order = NULL;
  g_auto(GStrv) sorted = NULL;
  const char *first_three[4] = { NULL };

  g_assert_no_error (error);

  /* Three of ten: the first three of the seed's shuffle of all ten, in the
   * order the same seed gives those three. */
  drawn = np_training_session_new_drawn (ten_cases, 3, 42, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    first_three[i] = np_training_session_get_case (all, i);
  expected = np_training_session_new (first_three, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_training_session_get_n_cases (drawn), ==, 3);
  g_assert_cmpuint (np_training_session_get_seed (drawn), ==, 42);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (np_training_session_get_case (drawn, i), ==,
                     np_training_session_get_case (expected, i));

  /* The count is clamped: none asks for one, too many for all ten. */
  one = np_training_session_new_drawn (ten_cases, 0, 42, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_training_session_get_n_cases (one), ==, 1);
  g_assert_cmpstr (np_training_session_get_case (one, 0), ==, first_three[0]);
  every = np_training_session_new_drawn (ten_cases, 20, 42, &error);
  g_assert_no_error (error);
  order = session_order (every);
  sorted = g_strdupv (order);
  qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
  g_assert_true (g_strv_equal ((const char *const *) sorted, ten_cases));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_session_flow (void)
{
  const char *const cases[] = { "x/plan.json", "y/plan.json", "z/plan.json", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTrainingSession) session = np_training_session_new (cases, 7, &error);
  g_autoptr(NpTrainingSession) empty = NULL;
  g_autoptr(NpTrainingScore) first = fake_score (TRUE, 10, 1.0);
  g_autoptr(NpTrainingScore) third = fake_score (TRUE, 30, 1.0);
  NpTrainingSummary summary;
  guint position_notes = 0, finished_notes = 0;

  g_assert_no_error (error);
  g_signal_connect (session, "notify::position", G_CALLBACK (count_notify_cb), &position_notes);
  g_signal_connect (session, "notify::finished", G_CALLBACK (count_notify_cb), &finished_notes);

  g_assert_cmpuint (np_training_session_get_position (session), ==, 0);
  g_assert_cmpstr (np_training_session_get_current_case (session), ==,
                   np_training_session_get_case (session, 0));
  g_assert_true (np_training_session_submit (session, first, &error));
  g_assert_no_error (error);
  /* One attempt per case. */
  g_assert_false (np_training_session_submit (session, first, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (np_training_session_next (session));       /* to case 2, skipped */
  g_assert_true (np_training_session_next (session));       /* to case 3 */
  g_assert_true (np_training_session_submit (session, third, &error));
  g_assert_false (np_training_session_next (session));      /* finished */
  g_assert_true (np_training_session_is_finished (session));
  g_assert_null (np_training_session_get_current_case (session));
  g_assert_false (np_training_session_next (session));
  g_assert_false (np_training_session_submit (session, third, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (position_notes, ==, 3);
  g_assert_cmpuint (finished_notes, ==, 1);

  g_assert_cmpuint (np_training_session_get_n_scored (session), ==, 2);
  g_assert_nonnull (np_training_session_get_score (session, 0));
  g_assert_null (np_training_session_get_score (session, 1));
  /* Scores 90 and 70: mean 80, SD √((10² + 10²) / 1) = √200. */
  g_assert_true (np_training_session_summarize (session, NP_TRAINING_METRIC_SCORE, &summary));
  g_assert_cmpuint (summary.n, ==, 2);
  g_assert_cmpfloat_with_epsilon (summary.mean, 80, TOL);
  g_assert_cmpfloat_with_epsilon (summary.sd, sqrt (200), TOL);
  g_assert_cmpfloat (summary.best, ==, 90);
  g_assert_cmpfloat (summary.worst, ==, 70);

  empty = np_training_session_new ((const char *const[]) { NULL }, 1, &error);
  g_assert_null (empty);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);

  g_assert_finalize_object (g_steal_pointer (&session));
}

/* Scoring needs both plans on one frame: equal SHA-256 when both have
 * one, else one frame file (a hard link is the same file), else one path. */
static void
test_share_frame (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("np-share-frame-XXXXXX", &error);
  g_autofree char *sub = NULL;
  g_autofree char *frame = NULL;
  g_autofree char *linked = NULL;
  g_autofree char *other = NULL;
  g_autofree char *expert_path = NULL;
  g_autofree char *trainee_path = NULL;
  g_autoptr(NpPlan) expert = np_plan_new ();
  g_autoptr(NpPlan) trainee = np_plan_new ();

  g_assert_no_error (error);
  sub = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  frame = g_build_filename (dir, "frame.png", NULL);
  linked = g_build_filename (sub, "linked.png", NULL);
  other = g_build_filename (sub, "frame.png", NULL);
  g_assert_true (g_file_set_contents (frame, "frame", -1, NULL));
  g_assert_true (g_file_set_contents (other, "another frame", -1, NULL));
  g_assert_cmpint (link (frame, linked), ==, 0);
  expert_path = g_build_filename (dir, "expert.json", NULL);
  trainee_path = g_build_filename (sub, "trainee.json", NULL);

  /* Different SHA-256: different frames, whatever the paths say. */
  np_plan_set_string (&expert->frame_path, "frame.png");
  np_plan_set_string (&trainee->frame_path, "../frame.png");
  np_plan_set_string (&expert->frame_sha256,
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  np_plan_set_string (&trainee->frame_sha256,
                      "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  g_assert_false (np_training_plans_share_frame (expert, expert_path, trainee, trainee_path,
                                                 &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "SHA-256 differ"));
  g_clear_error (&error);
  /* Equal SHA-256 (in either case): the same frame. */
  np_plan_set_string (&trainee->frame_sha256,
                      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  g_assert_true (np_training_plans_share_frame (expert, expert_path, trainee, trainee_path,
                                                &error));
  g_assert_no_error (error);

  /* Without a hash on one side: "../frame.png" from sub/ is frame.png. */
  np_plan_set_string (&trainee->frame_sha256, NULL);
  g_assert_true (np_training_plans_share_frame (expert, expert_path, trainee, trainee_path,
                                                &error));
  /* A hard link is the same file. */
  np_plan_set_string (&trainee->frame_path, "linked.png");
  g_assert_true (np_training_plans_share_frame (expert, expert_path, trainee, trainee_path,
                                                &error));
  g_assert_no_error (error);
  /* The same name in another folder is another frame. */
  np_plan_set_string (&trainee->frame_path, "frame.png");
  g_assert_false (np_training_plans_share_frame (expert, expert_path, trainee, trainee_path,
                                                 &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "are plans of different frames"));
  g_clear_error (&error);
  /* Neither frame present: the paths decide. */
  np_plan_set_string (&trainee->frame_path, "../missing.png");
  np_plan_set_string (&expert->frame_path, "missing.png");
  g_assert_true (np_training_plans_share_frame (expert, expert_path, trainee, trainee_path,
                                                &error));
  g_assert_no_error (error);

  g_assert_cmpint (g_unlink (linked), ==, 0);
  g_assert_cmpint (g_unlink (other), ==, 0);
  g_assert_cmpint (g_unlink (frame), ==, 0);
  g_assert_cmpint (g_rmdir (sub), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  np_gsl_init ();

  g_test_add_func ("/core/training/exact-hit", test_exact_hit);
  g_test_add_func ("/core/training/share-frame", test_share_frame);
  g_test_add_func ("/core/training/offset-3-4-5", test_offset_3_4_5);
  g_test_add_func ("/core/training/offset-3-4-5-out-of-plane", test_offset_3_4_5_out_of_plane);
  g_test_add_func ("/core/training/shorter-path-not-penalised", test_shorter_path_not_penalised);
  g_test_add_func ("/core/training/anisotropic-and-uncalibrated", test_anisotropic);
  g_test_add_func ("/core/training/vessel-crossed", test_vessel_crossed);
  g_test_add_func ("/core/training/margin-crossed", test_margin_crossed);
  g_test_add_func ("/core/training/structure-of-the-target", test_structure_of_the_target);
  g_test_add_func ("/core/training/depth-estimate", test_depth_estimate);
  g_test_add_func ("/core/training/trajectory-45", test_trajectory_45);
  g_test_add_func ("/core/training/swept-area", test_swept_area);
  g_test_add_func ("/core/training/missing-entry", test_missing_entry);
  g_test_add_func ("/core/training/region-and-default-radius", test_region_and_default_radius);
  g_test_add_func ("/core/training/refusals", test_refusals);
  g_test_add_func ("/core/training/json-round-trip", test_json_round_trip);
  g_test_add_func ("/core/training/summary", test_summary);
  g_test_add_func ("/core/training/metric-names", test_metric_names);
  g_test_add_func ("/core/training/session/order", test_session_order);
  g_test_add_func ("/core/training/session/drawn", test_session_drawn);
  g_test_add_func ("/core/training/session/flow", test_session_flow);

  return g_test_run ();
}
