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

#include <math.h>
#include <string.h>

static void
test_recommend_vessel (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpEntryRecommendation) rec = NULL;

  /* Target (50,40), skin y = 0. A vessel r = 5 at (50,20) with a 5 mm margin
   * blocks the straight-down path: the path must stay 10 from (50,20). From
   * the target the centre is 20 away, so the best path is tangent to that
   * circle at 30° from vertical (sin 30° = 10/20). It meets the skin at
   * x = 50 ± 40 tan 30° = 50 ± 23.094011, length 40 / cos 30° = 46.188022,
   * at 60° to the skin. */
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

  /* Without the vessel the shortest path is straight down: (50,0), 40 mm. */
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
   * by the same 3 mm, so the least-bad one is the shortest: straight down
   * from (50,0), 40 mm. */
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  add_outline (plan, "bone cortex", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 3, wall, 2);
  rec = recommend (plan, NULL);
  g_assert_false (rec->feasible);
  g_assert_cmpfloat_with_epsilon (rec->entry.x, 50, 0.5);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 40, 0.01);
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

  /* A target on the cortex itself may be reached: straight down, 20 mm. */
  plan->target = np_image_point (50, 20);
  g_clear_pointer (&rec, np_entry_recommendation_free);
  rec = recommend (plan, NULL);
  g_assert_true (rec->feasible);
  g_assert_cmpfloat_with_epsilon (rec->entry.x, 50, 1e-6);
  g_assert_cmpfloat_with_epsilon (rec->path_length, 20, 1e-6);
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
  return g_test_run ();
}
