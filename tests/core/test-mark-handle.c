/* test-mark-handle.c — hit testing, moving and deleting marks, snapping to
 * the skin line
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-mark-handle.h"

#include <math.h>

#define EPS 1e-9

static NpPlan *
plan_with_marks (void)
{
  NpPlan *plan = np_plan_new ();
  NpStructure *square = np_structure_new ("square", NP_STRUCTURE_BONE, NP_SHAPE_POLYGON, 0);
  NpStructure *vessel = np_structure_new ("artery", NP_STRUCTURE_VESSEL, NP_SHAPE_ELLIPSE, 3);
  NpMeasurement distance = { NP_MEASURE_DISTANCE, 2, { { 300, 300 }, { 340, 330 } } };

  plan->has_target = TRUE;
  plan->target = np_image_point (100, 100);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (10, 0);
  /* Square 200..240 × 200..240. */
  np_structure_add_point (square, np_image_point (200, 200));
  np_structure_add_point (square, np_image_point (240, 200));
  np_structure_add_point (square, np_image_point (240, 240));
  np_structure_add_point (square, np_image_point (200, 240));
  g_ptr_array_add (plan->structures, square);
  /* Ellipse centred at (400, 100), radii 20 and 10. */
  np_structure_add_point (vessel, np_image_point (400, 100));
  np_structure_add_point (vessel, np_image_point (20, 10));
  g_ptr_array_add (plan->structures, vessel);
  g_array_append_val (plan->measurements, distance);
  return plan;
}

static void
test_find_points (void)
{
  g_autoptr(NpPlan) plan = plan_with_marks ();
  NpMarkHandle handle;

  /* 3-4-5: (103, 104) is 5 px from the target; a tolerance of 5 takes it,
   * 4.9 does not. */
  g_assert_true (np_mark_handle_find (plan, np_image_point (103, 104), 5.0, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_TARGET);
  g_assert_cmpint (handle.point, ==, 0);
  g_assert_false (np_mark_handle_find (plan, np_image_point (103, 104), 4.9, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_NONE);

  /* Second vertex of the square. */
  g_assert_true (np_mark_handle_find (plan, np_image_point (241, 201), 3.0, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_STRUCTURE);
  g_assert_cmpuint (handle.index, ==, 0);
  g_assert_cmpint (handle.point, ==, 1);

  /* The ellipse's x-radius handle is at (420, 100), its y one at (400, 110). */
  g_assert_true (np_mark_handle_find (plan, np_image_point (421, 100), 3.0, &handle));
  g_assert_cmpuint (handle.index, ==, 1);
  g_assert_cmpint (handle.point, ==, NP_MARK_ELLIPSE_RADIUS_X);
  g_assert_true (np_mark_handle_find (plan, np_image_point (400, 112), 3.0, &handle));
  g_assert_cmpint (handle.point, ==, NP_MARK_ELLIPSE_RADIUS_Y);

  /* The measurement's far end. */
  g_assert_true (np_mark_handle_find (plan, np_image_point (340, 331), 3.0, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_MEASUREMENT);
  g_assert_cmpint (handle.point, ==, 1);
}

static void
test_find_nearest_wins (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  NpMarkHandle handle;

  /* Target and entry 4 px apart; a click 1 px from the entry takes it even
   * though the target is within the tolerance too. */
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 50);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (54, 50);
  g_assert_true (np_mark_handle_find (plan, np_image_point (53, 50), 6.0, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_ENTRY);
}

static void
test_find_bodies (void)
{
  g_autoptr(NpPlan) plan = plan_with_marks ();
  NpMarkHandle handle;

  /* Inside the square, far from its corners: the whole structure. */
  g_assert_true (np_mark_handle_find (plan, np_image_point (220, 220), 3.0, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_STRUCTURE);
  g_assert_cmpuint (handle.index, ==, 0);
  g_assert_cmpint (handle.point, ==, -1);

  /* Inside the ellipse: (405, 103) has (5/20)² + (3/10)² = 0.1525 < 1. */
  g_assert_true (np_mark_handle_find (plan, np_image_point (405, 103), 3.0, &handle));
  g_assert_cmpuint (handle.index, ==, 1);
  g_assert_cmpint (handle.point, ==, -1);

  /* On the measurement line: its middle (320, 315), moved 2 px along the
   * normal (−3, 4)/5 to (318.8, 316.6), is 2 px from the line. */
  g_assert_true (np_mark_handle_find (plan, np_image_point (318.8, 316.6), 2.5, &handle));
  g_assert_cmpint (handle.mark, ==, NP_OVERLAY_MARK_MEASUREMENT);
  g_assert_cmpint (handle.point, ==, -1);
  g_assert_false (np_mark_handle_find (plan, np_image_point (318.8, 316.6), 1.5, &handle));

  /* Empty space. */
  g_assert_false (np_mark_handle_find (plan, np_image_point (600, 600), 3.0, &handle));
}

static void
test_move (void)
{
  g_autoptr(NpPlan) plan = plan_with_marks ();
  NpMarkHandle target = { NP_OVERLAY_MARK_TARGET, 0, 0 };
  NpMarkHandle square = { NP_OVERLAY_MARK_STRUCTURE, 0, -1 };
  NpMarkHandle corner = { NP_OVERLAY_MARK_STRUCTURE, 0, 2 };
  NpMarkHandle radius_x = { NP_OVERLAY_MARK_STRUCTURE, 1, NP_MARK_ELLIPSE_RADIUS_X };
  NpMarkHandle radius_y = { NP_OVERLAY_MARK_STRUCTURE, 1, NP_MARK_ELLIPSE_RADIUS_Y };
  NpMarkHandle missing = { NP_OVERLAY_MARK_STRUCTURE, 7, 0 };
  const NpStructure *s0, *s1;
  NpImagePoint p;

  g_assert_true (np_mark_handle_move (plan, &target, 3, -4));
  g_assert_cmpfloat_with_epsilon (plan->target.x, 103, EPS);
  g_assert_cmpfloat_with_epsilon (plan->target.y, 96, EPS);

  /* The whole square by (10, 5): its first corner (200, 200) → (210, 205). */
  g_assert_true (np_mark_handle_move (plan, &square, 10, 5));
  s0 = g_ptr_array_index (plan->structures, 0);
  g_assert_cmpfloat_with_epsilon (g_array_index (s0->points, NpImagePoint, 0).x, 210, EPS);
  g_assert_cmpfloat_with_epsilon (g_array_index (s0->points, NpImagePoint, 3).y, 245, EPS);

  /* One corner only: (250, 245) → (252, 245); its neighbour stays. */
  g_assert_true (np_mark_handle_move (plan, &corner, 2, 0));
  g_assert_cmpfloat_with_epsilon (g_array_index (s0->points, NpImagePoint, 2).x, 252, EPS);
  g_assert_cmpfloat_with_epsilon (g_array_index (s0->points, NpImagePoint, 1).x, 250, EPS);

  /* Radius handles: x radius 20 + 5 = 25; y radius 10 − 30 = −20 → 20 (the
   * handle went through the centre to the other side); the centre stays. */
  g_assert_true (np_mark_handle_move (plan, &radius_x, 5, 99));
  g_assert_true (np_mark_handle_move (plan, &radius_y, 99, -30));
  s1 = g_ptr_array_index (plan->structures, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (s1->points, NpImagePoint, 1).x, 25, EPS);
  g_assert_cmpfloat_with_epsilon (g_array_index (s1->points, NpImagePoint, 1).y, 20, EPS);
  g_assert_true (np_mark_handle_get_point (plan, &radius_x, &p));
  g_assert_cmpfloat_with_epsilon (p.x, 425, EPS);
  g_assert_cmpfloat_with_epsilon (p.y, 100, EPS);

  g_assert_false (np_mark_handle_move (plan, &missing, 1, 1));
}

static void
test_remove (void)
{
  g_autoptr(NpPlan) plan = plan_with_marks ();

  g_assert_true (np_mark_remove (plan, NP_OVERLAY_MARK_STRUCTURE, 0));
  g_assert_cmpuint (plan->structures->len, ==, 1);
  g_assert_cmpstr (((NpStructure *) g_ptr_array_index (plan->structures, 0))->label, ==,
                   "artery");
  g_assert_cmpstr (np_mark_describe (plan, NP_OVERLAY_MARK_STRUCTURE, 0), ==, "artery");
  g_assert_true (np_mark_remove (plan, NP_OVERLAY_MARK_TARGET, 0));
  g_assert_false (plan->has_target);
  g_assert_false (np_mark_remove (plan, NP_OVERLAY_MARK_TARGET, 0));
  g_assert_true (np_mark_remove (plan, NP_OVERLAY_MARK_MEASUREMENT, 0));
  g_assert_cmpuint (plan->measurements->len, ==, 0);
  g_assert_false (np_mark_remove (plan, NP_OVERLAY_MARK_MEASUREMENT, 0));
  g_assert_false (np_mark_remove (plan, NP_OVERLAY_MARK_SKIN, 0));
}

static void
test_snap_top_edge_and_polyline (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  NpImagePoint on_skin;
  NpImagePoint a = np_image_point (100, 40), b = np_image_point (300, 40);

  /* Linear probe, no skin marked: the top edge y = 0. */
  g_assert_true (np_mark_snap_to_skin (plan, np_image_point (57, 33), &on_skin));
  g_assert_cmpfloat_with_epsilon (on_skin.x, 57, EPS);
  g_assert_cmpfloat_with_epsilon (on_skin.y, 0, EPS);

  /* A horizontal skin at y = 40 from x = 100 to 300; a click left of it
   * lands on its extension (in-plane entries lie beyond the probe). */
  plan->skin_kind = NP_SKIN_POLYLINE;
  g_array_append_val (plan->skin_points, a);
  g_array_append_val (plan->skin_points, b);
  g_assert_true (np_mark_snap_to_skin (plan, np_image_point (-50, 47), &on_skin));
  g_assert_cmpfloat_with_epsilon (on_skin.x, -50, EPS);
  g_assert_cmpfloat_with_epsilon (on_skin.y, 40, EPS);

  /* Fluoroscopy: one projection has no skin line. */
  plan->modality = NP_MODALITY_FLUOROSCOPY;
  g_assert_false (np_mark_snap_to_skin (plan, np_image_point (5, 5), &on_skin));
}

static void
test_snap_arc (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  NpImagePoint on_skin;
  /* Arc of the circle centred (200, −100) with radius 200, through
   * (200, 100) and the points at ±30° from straight down:
   * (200 ± 200 sin 30°, −100 + 200 cos 30°) = (100 / 300, 73.205…). */
  double c30 = 200 * cos (G_PI / 6);
  NpImagePoint points[] = {
    { 100, -100 + c30 }, { 200, 100 }, { 300, -100 + c30 },
  };

  plan->probe = NP_PROBE_CURVILINEAR;
  plan->skin_kind = NP_SKIN_ARC;
  g_array_append_vals (plan->skin_points, points, 3);

  /* (200, 150), straight under the centre, lands on (200, 100). */
  g_assert_true (np_mark_snap_to_skin (plan, np_image_point (200, 150), &on_skin));
  g_assert_cmpfloat_with_epsilon (on_skin.x, 200, 1e-6);
  g_assert_cmpfloat_with_epsilon (on_skin.y, 100, 1e-6);

  /* At 15° from straight down, 250 px from the centre: on the circle at
   * (200 + 200 sin 15°, −100 + 200 cos 15°). */
  g_assert_true (np_mark_snap_to_skin (plan,
                                       np_image_point (200 + 250 * sin (G_PI / 12),
                                                       -100 + 250 * cos (G_PI / 12)),
                                       &on_skin));
  g_assert_cmpfloat_with_epsilon (on_skin.x, 200 + 200 * sin (G_PI / 12), 1e-6);
  g_assert_cmpfloat_with_epsilon (on_skin.y, -100 + 200 * cos (G_PI / 12), 1e-6);

  /* Beside the probe (left of the first end): the line through the two ends,
   * y = 73.205…, so (0, 90) lands on (0, 73.205…). */
  g_assert_true (np_mark_snap_to_skin (plan, np_image_point (0, 90), &on_skin));
  g_assert_cmpfloat_with_epsilon (on_skin.x, 0, 1e-6);
  g_assert_cmpfloat_with_epsilon (on_skin.y, -100 + c30, 1e-6);

  /* Curvilinear without a marked arc: nothing to snap to. */
  g_array_set_size (plan->skin_points, 0);
  plan->skin_kind = NP_SKIN_NONE;
  g_assert_false (np_mark_snap_to_skin (plan, np_image_point (0, 90), &on_skin));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/mark-handle/find-points", test_find_points);
  g_test_add_func ("/core/mark-handle/find-nearest-wins", test_find_nearest_wins);
  g_test_add_func ("/core/mark-handle/find-bodies", test_find_bodies);
  g_test_add_func ("/core/mark-handle/move", test_move);
  g_test_add_func ("/core/mark-handle/remove", test_remove);
  g_test_add_func ("/core/mark-handle/snap-top-edge-and-polyline", test_snap_top_edge_and_polyline);
  g_test_add_func ("/core/mark-handle/snap-arc", test_snap_arc);

  return g_test_run ();
}
