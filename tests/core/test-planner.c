/* test-planner.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every expected value is derived by hand in the comment above its check.
 */

#include "np-error.h"
#include "np-plan-file.h"
#include "np-planner.h"

#include <math.h>
#include <string.h>

/* A linear-probe ultrasound plan, skin on the top edge (y = 0), square
 * pixels of @mm_per_px (0: not calibrated), no click error. */
static NpPlan *
plan_new (double mm_per_px)
{
  NpPlan *plan = np_plan_new ();

  if (mm_per_px > 0)
    {
      np_calibration_free (plan->calibration);
      plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, mm_per_px, 0);
    }
  plan->mark_error_px = 0;
  return plan;
}

static void
set_path (NpPlan *plan,
          double  entry_x,
          double  entry_y,
          double  target_x,
          double  target_y)
{
  plan->has_entry = TRUE;
  plan->entry = np_image_point (entry_x, entry_y);
  plan->has_target = TRUE;
  plan->target = np_image_point (target_x, target_y);
}

static NpStructure *
add_circle (NpPlan          *plan,
            const char      *label,
            NpStructureKind  kind,
            double           cx,
            double           cy,
            double           rx,
            double           ry,
            double           margin_mm)
{
  NpStructure *structure = np_structure_new (label, kind, NP_SHAPE_ELLIPSE, margin_mm);

  np_structure_add_point (structure, np_image_point (cx, cy));
  np_structure_add_point (structure, np_image_point (rx, ry));
  g_ptr_array_add (plan->structures, structure);
  return structure;
}

static NpStructure *
add_outline (NpPlan          *plan,
             const char      *label,
             NpStructureKind  kind,
             NpShape          shape,
             double           margin_mm,
             const double    *xy,
             guint            n_points)
{
  NpStructure *structure = np_structure_new (label, kind, shape, margin_mm);

  for (guint i = 0; i < n_points; i++)
    np_structure_add_point (structure, np_image_point (xy[2 * i], xy[2 * i + 1]));
  g_ptr_array_add (plan->structures, structure);
  return structure;
}

static NpPlanResults *
compute (const NpPlan *plan)
{
  g_autoptr(GError) error = NULL;
  NpPlanResults *results = np_planner_compute (plan, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static gboolean
has_warning (const NpPlanResults *results,
             const char          *text)
{
  for (guint i = 0; i < results->warnings->len; i++)
    if (strstr (g_ptr_array_index (results->warnings, i), text) != NULL)
      return TRUE;
  return FALSE;
}

static const NpStructureClearance *
clearance (const NpPlanResults *results,
           guint                i)
{
  g_assert_cmpuint (i, <, results->clearances->len);
  return &g_array_index (results->clearances, NpStructureClearance, i);
}

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
test_visibility_bands (void)
{
  /* Good ≤ 30°, caution above 30° up to 50° (30–40° decided as caution), poor above 50°. */
  g_assert_cmpint (np_planner_visibility_for_angle (30), ==, NP_VISIBILITY_GOOD);
  g_assert_cmpint (np_planner_visibility_for_angle (30.5), ==, NP_VISIBILITY_CAUTION);
  g_assert_cmpint (np_planner_visibility_for_angle (40), ==, NP_VISIBILITY_CAUTION);
  g_assert_cmpint (np_planner_visibility_for_angle (50), ==, NP_VISIBILITY_CAUTION);
  g_assert_cmpint (np_planner_visibility_for_angle (50.5), ==, NP_VISIBILITY_POOR);
  g_assert_cmpstr (np_visibility_to_string (NP_VISIBILITY_GOOD), ==, "good");
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
test_needle (void)
{
  double inch;

  /* Needle ≥ path + 10 mm: 28 + 10 = 38 exactly → 38 mm (1.5"); 29 + 10 = 39 → 50 mm. */
  g_assert_cmpuint (np_planner_needle_for_path (28, &inch), ==, 38);
  g_assert_cmpfloat (inch, ==, 1.5);
  g_assert_cmpuint (np_planner_needle_for_path (29, &inch), ==, 50);
  g_assert_cmpfloat (inch, ==, 2);
  /* 6 + 10 = 16 → 16 mm (5/8"); 15 + 10 = 25 → 25 mm; 168 + 10 = 178 → the longest. */
  g_assert_cmpuint (np_planner_needle_for_path (6, &inch), ==, 16);
  g_assert_cmpfloat (inch, ==, 0.625);
  g_assert_cmpuint (np_planner_needle_for_path (15, NULL), ==, 25);
  g_assert_cmpuint (np_planner_needle_for_path (168, &inch), ==, 178);
  g_assert_cmpfloat (inch, ==, 7);
  /* 168.5 + 10 > 178: none. */
  g_assert_cmpuint (np_planner_needle_for_path (168.5, NULL), ==, 0);

  {
    g_autoptr(NpPlan) plan = plan_new (1.0);
    g_autoptr(NpPlanResults) results = NULL;

    /* A 200 mm path: no needle, and a warning says so. */
    set_path (plan, 0, 0, 0, 200);
    results = compute (plan);
    g_assert_false (results->has_needle);
    g_assert_true (has_warning (results, "No standard needle is long enough"));
  }
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

/* Every member named *_mm anywhere in @node must be null. */
static void
assert_no_mm (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);

          if (g_str_has_suffix (l->data, "_mm"))
            {
              if (!JSON_NODE_HOLDS_NULL (member))
                g_error ("%s holds a value without a calibration", (const char *) l->data);
            }
          else
            assert_no_mm (member);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        assert_no_mm (json_array_get_element (array, i));
    }
}

static void
test_uncalibrated (void)
{
  g_autoptr(NpPlan) plan = plan_new (0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  NpMeasurement measure = { NP_MEASURE_DISTANCE, 2, { { 0, 0 }, { 30, 40 }, { 0, 0 } } };

  /* The 3-4-5 path without a calibration: 50 px, depth 40 px, no needle. */
  set_path (plan, 0, 0, 30, 40);
  plan->mark_error_px = 1;
  add_circle (plan, "vessel", NP_STRUCTURE_VESSEL, 60, 40, 5, 5, 5);
  g_array_append_val (plan->measurements, measure);
  results = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  g_assert_no_error (error);
  g_assert_false (results->calibrated);
  g_assert_cmpstr (results->unit, ==, "px");
  g_assert_cmpfloat_with_epsilon (results->path_length, 50, 1e-9);
  g_assert_false (results->has_needle);
  g_assert_false (clearance (results, 0)->within_margin);
  g_assert_true (has_warning (results, "Frame is not calibrated: values are in pixels"));

  json = np_planner_results_to_json (results);
  assert_no_mm (json);
  object = json_node_get_object (json);
  g_assert_false (json_object_get_boolean_member (object, "calibrated"));
  g_assert_cmpstr (json_object_get_string_member (object, "unit"), ==, "px");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "path_length_px"), 50,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "depth_px"), 40, 1e-9);
  g_assert_true (json_object_get_null_member (object, "needle_mm"));
  g_assert_nonnull (json_object_get_array_member (object, "depth_ci95_px"));
  /* Vessel at (60,40) r 5: the path ends at (30,40), 30 − 5 = 25 px away. */
  g_assert_cmpfloat_with_epsilon (
    json_object_get_double_member (json_object_get_object_member (object, "clearance_px"),
                                   "vessel"), 25, 1e-9);
  g_assert_cmpfloat_with_epsilon (
    json_object_get_double_member (json_array_get_object_element (
      json_object_get_array_member (object, "measurements"), 0), "value_px"), 50, 1e-9);
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

static NpEntryRecommendation *
recommend (const NpPlan           *plan,
           const NpPlannerOptions *options)
{
  g_autoptr(GError) error = NULL;
  NpEntryRecommendation *rec = np_planner_recommend_entry (plan, options, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rec);
  return rec;
}

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

static void
test_json (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  JsonArray *ci;

  set_path (plan, 0, 0, 30, 40);
  plan->mark_error_px = 1;
  add_circle (plan, "femoral artery", NP_STRUCTURE_VESSEL, 60, 40, 5, 5, 5);
  add_circle (plan, "femoral artery", NP_STRUCTURE_VESSEL, 90, 40, 5, 5, 5);
  results = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, NULL, results, &error));
  json = np_planner_results_to_json (results);
  object = json_node_get_object (json);

  /* 3-4-5 at 1 mm/px: 50 mm, 40 mm deep, 63 mm needle; the first vessel is
   * 30 − 5 = 25 mm from the target, the second (same label) 55 mm. */
  g_assert_true (json_object_get_boolean_member (object, "calibrated"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "path_length_mm"), 50,
                                  1e-9);
  g_assert_true (json_object_get_null_member (object, "path_length_px"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "depth_mm"), 40, 1e-9);
  g_assert_cmpint (json_object_get_int_member (object, "needle_mm"), ==, 63);
  g_assert_cmpfloat (json_object_get_double_member (object, "needle_inch"), ==, 2.5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "min_clearance_mm"), 25,
                                  1e-9);
  g_assert_cmpstr (json_object_get_string_member (object, "nearest_structure"), ==,
                   "femoral artery");
  g_assert_cmpfloat_with_epsilon (
    json_object_get_double_member (json_object_get_object_member (object, "clearance_mm"),
                                   "femoral artery (2)"), 55, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (object, "visibility"), ==, "poor");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "gauges")), >, 0);
  ci = json_object_get_array_member (object, "depth_ci95_mm");
  g_assert_cmpuint (json_array_get_length (ci), ==, 2);
  g_assert_cmpfloat (json_array_get_double_element (ci, 0), <, 40);
  g_assert_cmpfloat (json_array_get_double_element (ci, 1), >, 40);
  g_assert_nonnull (json_object_get_array_member (object, "path_length_ci95_mm"));
  g_assert_true (json_object_has_member (object, "fov_entry"));
  g_assert_nonnull (json_object_get_array_member (object, "warnings"));
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

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/path-3-4-5", test_path_3_4_5);
  g_test_add_func ("/core/planner/horizontal-skin", test_horizontal_skin);
  g_test_add_func ("/core/planner/anisotropic", test_anisotropic);
  g_test_add_func ("/core/planner/insertion-angle", test_insertion_angle);
  g_test_add_func ("/core/planner/visibility-bands", test_visibility_bands);
  g_test_add_func ("/core/planner/speed-of-sound", test_speed_of_sound);
  g_test_add_func ("/core/planner/circle-clearance", test_circle_clearance);
  g_test_add_func ("/core/planner/crossing", test_crossing);
  g_test_add_func ("/core/planner/needle", test_needle);
  g_test_add_func ("/core/planner/fov-entry", test_fov_entry);
  g_test_add_func ("/core/planner/walkdown", test_walkdown);
  g_test_add_func ("/core/planner/uncalibrated", test_uncalibrated);
  g_test_add_func ("/core/planner/outside-region", test_outside_region);
  g_test_add_func ("/core/planner/measurements", test_measurements);
  g_test_add_func ("/core/planner/uncertainty-speed", test_uncertainty_speed);
  g_test_add_func ("/core/planner/uncertainty-marks", test_uncertainty_marks);
  g_test_add_func ("/core/planner/uncertainty-combined", test_uncertainty_combined);
  g_test_add_func ("/core/planner/uncertainty-arc", test_uncertainty_arc);
  g_test_add_func ("/core/planner/recommend-vessel", test_recommend_vessel);
  g_test_add_func ("/core/planner/recommend-angle", test_recommend_angle);
  g_test_add_func ("/core/planner/recommend-probe-end", test_recommend_probe_end);
  g_test_add_func ("/core/planner/recommend-infeasible", test_recommend_infeasible);
  g_test_add_func ("/core/planner/recommend-bone", test_recommend_bone);
  g_test_add_func ("/core/planner/recommend-needs-marks", test_recommend_needs_marks);
  g_test_add_func ("/core/planner/two-views", test_two_views);
  g_test_add_func ("/core/planner/two-view-intervals", test_two_view_intervals);
  g_test_add_func ("/core/planner/fluoroscopy-plans", test_fluoroscopy_plans);
  g_test_add_func ("/core/planner/json", test_json);
  g_test_add_func ("/core/planner/invalid", test_invalid);
  g_test_add_func ("/core/planner/bundled-cases", test_bundled_cases);
  g_test_add_func ("/core/planner/performance", test_performance);
  return g_test_run ();
}
