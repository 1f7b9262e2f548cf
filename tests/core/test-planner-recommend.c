/* test-planner-recommend.c: the recommended entry (np-planner-recommend.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected value is derived by hand in the comment above its check.
 */

#include "test-planner-util.h"

#include "np-error.h"
#include "np-approach.h"
#include "np-plan-file.h"

#include <math.h>
#include <string.h>

static void
test_recommend_vessel (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;

  /* Target (50,40), skin y = 0. A vessel r = 5 at (50,20) with a 5 mm margin
   * blocks the straight-down path: the path must stay 10 from (50,20). From
   * the target the centre is 20 away, so the shortest safe path is tangent
   * to that circle at 30° from vertical (sin 30° = 10/20): it meets the skin
   * at x = 50 ± 40 tan 30° = 50 ± 23.094011, length 40 / cos 30° =
   * 46.188022, at 60° to the skin. A technique whose range allows 60°
   * (coaxial: 0–90°) takes it. */
  plan->technique = NP_TECHNIQUE_COAXIAL;
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  add_circle (plan, "femoral artery", NP_STRUCTURE_VESSEL, 50, 20, 5, 5, 5);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 40 * tan (G_PI / 6), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->entry.y, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 80 / sqrt (3), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->insertion_angle_deg, 60, 1e-3);
  g_assert_cmpfloat_with_epsilon (rec->min_clearance, 5, 1e-4);
  g_assert_nonnull (strstr (rec->reason, "5 mm margin from the femoral artery"));

  /* In plane without a preset, 60° would be poorly visible: the range is
   * the visibility range 10–40°. The 40° path passes the centre at
   * 20 cos 40° = 15.32 > 10, so it keeps the margin (clearance 10.32 mm):
   * entry 40 / tan 40° = 47.670 to the side, 40 / sin 40° = 62.229 mm. */
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  g_clear_pointer (&rec, np_entry_recommendation_free);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 40 / tan (40 * G_PI / 180), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 40 / sin (40 * G_PI / 180), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->insertion_angle_deg, 40, 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->min_clearance, 20 * cos (40 * G_PI / 180) - 5, 1e-4);
  g_assert_nonnull (strstr (rec->reason, "10–40°"));

  /* Without the vessel the shortest path is straight down: (50,0), 40 mm. */
  plan->technique = NP_TECHNIQUE_COAXIAL;
  g_ptr_array_set_size (plan->structures, 0);
  g_clear_pointer (&rec, np_entry_recommendation_free);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (rec->entry.x, 50, 1e-6);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 40, 1e-6);
}

static void
test_recommend_angle (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;

  /* Knee lateral suprapatellar preset: 10–40° to the skin. Target 40 mm deep:
   * the shortest path at ≤ 40° is the 40° one, entering 40 / tan 40° =
   * 47.670 mm to the side, 40 / sin 40° = 62.229 mm long. */
  plan->approach = g_strdup ("knee-suprapatellar-lateral");
  plan->has_target = TRUE;
  plan->target = np_image_point (100, 40);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 100), 40 / tan (40 * G_PI / 180), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 40 / sin (40 * G_PI / 180), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->insertion_angle_deg, 40, 1e-4);
  g_assert_nonnull (strstr (rec->reason, "10–40°"));
}

static void
test_recommend_probe_end (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;
  NpPlannerOptions options;

  /* Field 100 wide: in plane the needle enters beyond x = 0 or x = 100. The
   * target (50,40) is nearest from either edge: √(50² + 40²) = 64.031 mm. */
  np_planner_options_init (&options);
  options.has_field = TRUE;
  options.field = (NpImageRect) { 0, 0, 100, 80 };
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  rec = recommend (plan, &options);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 50, 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->path_length, sqrt (4100), 1e-4);
  g_assert_nonnull (strstr (rec->reason, "end of the probe"));
}

static void
test_recommend_infeasible (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;
  const double wall[] = { -1000, 20, 1000, 20 };

  /* A bone cortex along y = 20 under the whole skin, margin 3 mm, target
   * below it at (50,40): every path crosses it. All entries fail the margin
   * by the same 3 mm; next the angle: in plane the range is 10–40°, so the
   * least-bad is the shortest path at 40°: 40 / tan 40° = 47.670 to the
   * side, 40 / sin 40° = 62.229 mm (a scan sample: within a 0.5 mm step). */
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  add_outline (plan, "bone cortex", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 3, wall, 2);
  rec = recommend (plan, NULL);
  g_assert_false (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 40 / tan (40 * G_PI / 180), 0.5);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 40 / sin (40 * G_PI / 180), 0.4);
  g_assert_cmpfloat (rec->insertion_angle_deg, <=, 40);
  g_assert_cmpfloat (rec->min_clearance, ==, 0);
  g_assert_nonnull (strstr (rec->reason, "the bone cortex cannot be cleared by its 3 mm margin"));
  g_assert_nonnull (strstr (rec->reason, "Least-bad entry shown"));
}

static void
test_recommend_bone (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;
  const double cortex[] = { 20, 20, 80, 20 };

  /* A bone cortex with margin 0 from (20,20) to (80,20) over the target
   * (50,40): the needle may not pass through it. The shortest path grazes an
   * end: through (20,20) the line from the target drops 20 over 30 across,
   * so it meets the skin at x = 50 − 2 · 30 = −10 (or 110 past the other
   * end), √(60² + 40²) = 72.111 mm at atan(40/60) = 33.69°. */
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  add_outline (plan, "bone cortex", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 0, cortex, 2);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 60, 1e-3);
  g_assert_cmpfloat_with_epsilon (rec->path_length, sqrt (5200), 1e-3);
  g_assert_cmpfloat_with_epsilon (rec->insertion_angle_deg, 33.69006753, 1e-3);

  /* A target on the cortex itself may be reached; in plane at 40° or
   * flatter (the visibility range): 20 / tan 40° = 23.835 to the side,
   * 20 / sin 40° = 31.114 mm. */
  plan->target = np_image_point (50, 20);
  g_clear_pointer (&rec, np_entry_recommendation_free);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 20 / tan (40 * G_PI / 180), 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 20 / sin (40 * G_PI / 180), 1e-4);
}

/* No clause of a reason is said twice. */
static void
assert_no_repetition (const char *reason)
{
  static const char *const clauses[] = { "stays within", "clears every", "keeps the",
                                         "enters at the end", "No entry" };

  for (guint i = 0; i < G_N_ELEMENTS (clauses); i++)
    {
      const char *first = strstr (reason, clauses[i]);

      if (first != NULL)
        g_assert_null (strstr (first + 1, clauses[i]));
    }
}

static void
test_recommend_steep_only (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;
  const double artery[] = { 70, 5, 1050, 5, 1050, 15, 70, 15 };
  const double vein[] = { -950, 5, 30, 5, 30, 15, -950, 15 };
  /* Target (50,40); on each side a vessel 10 mm thick (y 5–15) from 20 mm
   * beside the target outwards, margin 2 mm. A path at θ to the skin is at
   * 25 / tan θ beside the target at y = 15: at θ ≤ 40° that is ≥ 29.8 > 20,
   * inside a vessel. Steeper, the path rises outwards past the vessel's
   * inner top corner, (±20, −35) from the target, at a distance
   * 20 sin θ − 35 cos θ, which must be ≥ 2: √1625 sin(θ − atan(35/20)) = 2,
   * θ = 60.255° + asin(2/40.311) = 63.0990° (the inner bottom corner is
   * then 20 sin θ − 25 cos θ = 6.5 away). So no entry keeps the margins at
   * 40° or flatter; the flattest safe path is 63.10°, 40 / sin θ = 44.854
   * mm, entering 40 / tan θ = 20.294 beside the target: poorly visible, so
   * not feasible in plane, with the reason in words. */
  double theta = (atan2 (35, 20) + asin (2 / sqrt (1625))) * 180 / G_PI;

  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  add_outline (plan, "popliteal artery", NP_STRUCTURE_VESSEL, NP_SHAPE_POLYGON, 2, artery, 4);
  add_outline (plan, "popliteal vein", NP_STRUCTURE_VESSEL, NP_SHAPE_POLYGON, 2, vein, 4);
  rec = recommend (plan, NULL);
  g_assert_false (rec->feasible);
  g_assert_cmpfloat_with_epsilon (theta, 63.0990, 1e-4);
  g_assert_cmpfloat_with_epsilon (rec->insertion_angle_deg, theta, 1e-3);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 40 / sin (theta * G_PI / 180), 1e-3);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 50), 40 / tan (theta * G_PI / 180), 1e-3);
  g_assert_cmpfloat_with_epsilon (rec->min_clearance, 2, 1e-3);
  g_assert_nonnull (strstr (rec->reason, "No entry clears the popliteal "));
  g_assert_nonnull (strstr (rec->reason, " by 2 mm at 40° or flatter; the flattest safe path "
                                         "is 63° (44.9 mm), where the shaft is hard to see in "
                                         "plane (poor above 50°): consider out-of-plane."));
  assert_no_repetition (rec->reason);

  /* Out of plane keeps its own rule: steep is expected, and it says so. */
  plan->technique = NP_TECHNIQUE_OUT_OF_PLANE;
  g_clear_pointer (&rec, np_entry_recommendation_free);
  rec = recommend (plan, NULL);
  g_assert_nonnull (strstr (rec->reason, "Steep is expected out of plane"));
}

/* A recommendation a clinician would follow: in plane it is feasible and
 * within the range and never poorly visible, or it is flagged with the
 * constraint given up in words. */
static void
check_recommendation (const NpPlan                *plan,
                      const NpEntryRecommendation *rec)
{
  double lo, hi;

  np_approach_angle_range (np_approach_lookup (plan->approach), plan->modality,
                           plan->technique, &lo, &hi);
  if (plan->approach == NULL)
    hi = NP_PLANNER_IN_PLANE_MAX_DEG;
  hi = MIN (hi, NP_PLANNER_VISIBILITY_CAUTION_MAX_DEG);
  g_assert_nonnull (rec->reason);
  assert_no_repetition (rec->reason);
  if (rec->feasible)
    {
      g_autoptr(NpPlan) followed = np_plan_copy (plan);
      g_autoptr(NpPlanResults) results = NULL;

      g_assert_cmpfloat (rec->insertion_angle_deg, >=, lo - 1e-6);
      g_assert_cmpfloat (rec->insertion_angle_deg, <=, hi + 1e-6);
      /* The planner, given the entry, agrees: not poorly visible. */
      followed->has_entry = TRUE;
      followed->entry = rec->entry;
      results = compute (followed);
      g_assert_cmpint (results->visibility, !=, NP_VISIBILITY_POOR);
      g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, rec->insertion_angle_deg,
                                      1e-3);
    }
  else
    g_assert_true (strstr (rec->reason, "No entry") != NULL);
}

static void
test_recommend_bundled_cases (void)
{
  static const char *const cases[] = { "hip-us-01", "hip-us-02", "hip-us-03",
                                       "shoulder-glenohumeral-us-01",
                                       "shoulder-glenohumeral-us-02",
                                       "shoulder-subacromial-us-01",
                                       "shoulder-subacromial-us-02" };
  guint n_curvilinear = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (NP_SOURCE_DIR, "data", "cases", cases[i],
                                                "plan.json", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpPlan) plan = np_plan_file_load (path, &error);
      g_autoptr(NpEntryRecommendation) rec = NULL;

      g_assert_no_error (error);
      n_curvilinear += plan->probe == NP_PROBE_CURVILINEAR;
      rec = recommend (plan, NULL);
      g_test_message ("%s: %s", cases[i], rec->reason);
      check_recommendation (plan, rec);

      /* Without the preset the range is the visibility range, 10–40°. */
      g_clear_pointer (&plan->approach, g_free);
      g_clear_pointer (&rec, np_entry_recommendation_free);
      rec = recommend (plan, NULL);
      g_test_message ("%s without a preset: %s", cases[i], rec->reason);
      check_recommendation (plan, rec);
      if (rec->feasible)
        g_assert_cmpfloat (rec->insertion_angle_deg, <=, 40 + 1e-6);
    }
  g_assert_cmpuint (n_curvilinear, ==, 5);
}

static void
test_recommend_curvilinear_steep (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  /* A curvilinear probe: skin arc through (58,44), (100,50), (142,44), on the
   * circle of radius 150 about (100,−100) (offsets (∓42, 144) and (0, 150):
   * 7-24-25 × 6). Beside the probe the skin runs on straight through the two
   * ends: y = 44. In plane the needle enters beyond x = 58 or 142. Target
   * (100,150), 106 below that line. On each side a vessel 10 mm thick (y
   * 95–105) from 45 mm beside the target outwards, margin 5 mm. A path at θ
   * rises 55 to y = 95 over 55 / tan θ, which is ≥ 65.5 > 45 for θ ≤ 40°:
   * inside a vessel. Steeper, it must pass the inner top corner, (∓45, −55)
   * from the target, by 5: 45 sin θ − 55 cos θ = 5, θ = atan(55/45) +
   * asin(5/√5050) = 50.711° + 4.034° = 54.745°, entering 106 / tan θ =
   * 74.93 beside the target (x = 25.07, beyond the probe's end),
   * 106 / sin θ = 129.81 mm (the inner bottom corner is 45 (sin θ − cos θ) =
   * 10.8 away). So the shortest safe
   * path is steep: the recommendation is flagged, naming the vessels and
   * the 40° limit. */
  NpImagePoint arc[] = { { 58, 44 }, { 100, 50 }, { 142, 44 } };
  const double vein[] = { -900, 95, 55, 95, 55, 105, -900, 105 };
  const double artery[] = { 145, 95, 1100, 95, 1100, 105, 145, 105 };
  double theta = (atan2 (55, 45) + asin (5 / sqrt (5050))) * 180 / G_PI;

  plan->probe = NP_PROBE_CURVILINEAR;
  plan->skin_kind = NP_SKIN_ARC;
  g_array_append_vals (plan->skin_points, arc, G_N_ELEMENTS (arc));
  plan->has_target = TRUE;
  plan->target = np_image_point (100, 150);
  add_outline (plan, "circumflex vein", NP_STRUCTURE_VESSEL, NP_SHAPE_POLYGON, 5, vein, 4);
  add_outline (plan, "circumflex artery", NP_STRUCTURE_VESSEL, NP_SHAPE_POLYGON, 5, artery, 4);
  rec = recommend (plan, NULL);
  g_test_message ("%s", rec->reason);
  check_recommendation (plan, rec);
  g_assert_false (rec->feasible);
  g_assert_cmpfloat_with_epsilon (rec->insertion_angle_deg, theta, 1e-3);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 106 / sin (theta * G_PI / 180), 1e-2);
  g_assert_cmpfloat_with_epsilon (fabs (rec->entry.x - 100), 106 / tan (theta * G_PI / 180),
                                  1e-2);
  g_assert_cmpfloat_with_epsilon (rec->entry.y, 44, 1e-6);
  g_assert_cmpfloat_with_epsilon (rec->min_clearance, 5, 1e-3);
  g_assert_nonnull (strstr (rec->reason, "No entry clears the circumflex "));
  g_assert_nonnull (strstr (rec->reason, "by 5 mm at 40° or flatter; the flattest safe path is "
                                         "55° (129.8 mm), where the shaft is hard to see"));

  /* The entry lies on the skin's straight continuation beside the probe:
   * the planner says so, and measures the angle to that line. */
  plan->has_entry = TRUE;
  plan->entry = rec->entry;
  results = compute (plan);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, theta, 1e-3);
  g_assert_cmpfloat_with_epsilon (results->path_length, 106 / sin (theta * G_PI / 180), 1e-2);
  g_assert_true (has_warning (results, "beside the probe"));
}

static void
test_recommend_needs_marks (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(GError) error = NULL;
  NpEntryRecommendation *rec;

  rec = np_planner_recommend_entry (plan, NULL, &error);
  g_assert_null (rec);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/recommend-vessel", test_recommend_vessel);
  g_test_add_func ("/core/planner/recommend-angle", test_recommend_angle);
  g_test_add_func ("/core/planner/recommend-probe-end", test_recommend_probe_end);
  g_test_add_func ("/core/planner/recommend-infeasible", test_recommend_infeasible);
  g_test_add_func ("/core/planner/recommend-bone", test_recommend_bone);
  g_test_add_func ("/core/planner/recommend-needs-marks", test_recommend_needs_marks);
  g_test_add_func ("/core/planner/recommend-steep-only", test_recommend_steep_only);
  g_test_add_func ("/core/planner/recommend-bundled-cases", test_recommend_bundled_cases);
  g_test_add_func ("/core/planner/recommend-curvilinear-steep", test_recommend_curvilinear_steep);
  return g_test_run ();
}
