/* test-planner-results.c: results JSON and units (np-planner-results.c)
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

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/uncalibrated", test_uncalibrated);
  g_test_add_func ("/core/planner/json", test_json);
  return g_test_run ();
}
