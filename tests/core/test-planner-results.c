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
#include <string.h>

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
  /* Clicks only: the path's upper end is 50 + 1.96 √2 = 52.77 mm, and
   * 52.77 + 10 mm outside the skin still fits the 63 mm needle. */
  plan->speed_of_sound_sd_m_s = 0;
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
  /* The needle is chosen from the upper end of the path's interval. */
  g_assert_cmpstr (json_object_get_string_member (object, "needle_rule"), ==,
                   "path_length_ci95_upper");
  g_assert_cmpfloat (json_object_get_double_member (object, "needle_basis_mm"), ==,
                     json_array_get_double_element (
                       json_object_get_array_member (object, "path_length_ci95_mm"), 1));
  /* Angle atan(40/30) = 53.13° lies in its interval; each structure has a
   * clearance interval around its clearance (25 mm and 55 mm). */
  ci = json_object_get_array_member (object, "insertion_angle_ci95_deg");
  g_assert_cmpfloat (json_array_get_double_element (ci, 0), <, 53.13);
  g_assert_cmpfloat (json_array_get_double_element (ci, 1), >, 53.13);
  {
    JsonArray *structures = json_object_get_array_member (object, "structures");
    static const double clearance[] = { 25, 55 };

    for (guint i = 0; i < 2; i++)
      {
        JsonObject *st = json_array_get_object_element (structures, i);

        ci = json_object_get_array_member (st, "clearance_ci95_mm");
        g_assert_cmpfloat (json_array_get_double_element (ci, 0), <, clearance[i]);
        g_assert_cmpfloat (json_array_get_double_element (ci, 1), >, clearance[i]);
        g_assert_true (json_object_get_null_member (st, "clearance_ci95_px"));
        g_assert_false (json_object_get_boolean_member (st, "margin_at_risk"));
      }
  }
  g_assert_true (json_object_has_member (object, "fov_entry"));
  g_assert_nonnull (json_object_get_array_member (object, "warnings"));
}

/* A calibration valid in x 0–100, y 0–100 px at 1 mm/px; measurement 1
 * (10,10)–(50,40) inside (50 mm), measurement 2 (80,20)–(120,50) with its
 * second point at x = 120 outside (50 mm, flagged). The JSON says so per
 * measurement, and a copy of the results keeps every owned string. */
static void
test_json_measurement_outside_region (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlanResults) copy = NULL;
  g_autoptr(JsonNode) json = NULL;
  NpMeasurement inside = { NP_MEASURE_DISTANCE, 2, { { 10, 10 }, { 50, 40 }, { 0, 0 } } };
  NpMeasurement outside = { NP_MEASURE_DISTANCE, 2, { { 80, 20 }, { 120, 50 }, { 0, 0 } } };
  JsonArray *measurements;
  JsonObject *m;

  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 0, 0, 100, 100 };
  set_path (plan, 0, 0, 30, 40);
  add_circle (plan, "vessel", NP_STRUCTURE_VESSEL, 60, 40, 5, 5, 5);
  g_array_append_val (plan->measurements, inside);
  g_array_append_val (plan->measurements, outside);
  results = compute (plan);
  json = np_planner_results_to_json (results);
  measurements = json_object_get_array_member (json_node_get_object (json), "measurements");
  g_assert_cmpuint (json_array_get_length (measurements), ==, 2);

  m = json_array_get_object_element (measurements, 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (m, "value_mm"), 50, 1e-9);
  g_assert_false (json_object_get_boolean_member (m, "outside_region"));
  g_assert_true (json_object_get_null_member (m, "outside_region_reason"));

  m = json_array_get_object_element (measurements, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (m, "value_mm"), 50, 1e-9);
  g_assert_true (json_object_get_boolean_member (m, "outside_region"));
  g_assert_nonnull (strstr (json_object_get_string_member (m, "outside_region_reason"),
                            "point 2 of 2"));

  copy = np_plan_results_copy (results);
  g_assert_cmpuint (copy->measurements->len, ==, 2);
  g_assert_true (g_array_index (copy->measurements, NpMeasurementValue, 1).outside_region);
  g_assert_cmpstr (g_array_index (copy->measurements, NpMeasurementValue, 1).outside_reason, ==,
                   g_array_index (results->measurements, NpMeasurementValue, 1).outside_reason);
  g_assert_true (g_array_index (copy->measurements, NpMeasurementValue, 1).outside_reason
                 != g_array_index (results->measurements, NpMeasurementValue, 1).outside_reason);
  g_assert_cmpuint (copy->clearances->len, ==, 1);
  g_assert_cmpstr (g_array_index (copy->clearances, NpStructureClearance, 0).label, ==, "vessel");
  g_assert_cmpuint (copy->warnings->len, ==, results->warnings->len);
  g_assert_cmpfloat (copy->path_length, ==, results->path_length);
  g_assert_cmpint (copy->nearest, ==, results->nearest);
  g_assert_cmpstr (copy->unit, ==, "mm");
}

/* JSON has no NaN or infinity: a value that is not finite is written as
 * null and a warning counts it, so the text is always valid JSON. */
static void
test_json_nonfinite (void)
{
  g_autoptr(NpPlan) plan = plan_new (1.0);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *object;
  JsonArray *interval, *warnings;

  set_path (plan, 0, 0, 30, 40);
  results = compute (plan);
  /* A depth that could not be computed, and an interval with one end
   * infinite and the other NaN: three values, none finite. */
  results->depth = NAN;
  results->has_depth_ci = TRUE;
  results->depth_ci95[0] = -INFINITY;
  results->depth_ci95[1] = NAN;
  json = np_planner_results_to_json (results);
  text = json_to_string (json, TRUE);
  g_assert_null (strstr (text, "nan"));
  g_assert_null (strstr (text, "inf"));
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_get_null_member (object, "depth_mm"));
  interval = json_object_get_array_member (object, "depth_ci95_mm");
  g_assert_cmpuint (json_array_get_length (interval), ==, 2);
  g_assert_true (json_node_is_null (json_array_get_element (interval, 0)));
  g_assert_true (json_node_is_null (json_array_get_element (interval, 1)));
  warnings = json_object_get_array_member (object, "warnings");
  g_assert_cmpstr (json_array_get_string_element (warnings, json_array_get_length (warnings) - 1),
                   ==, "3 values could not be computed as a finite number and are written as "
                       "null");
}

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/uncalibrated", test_uncalibrated);
  g_test_add_func ("/core/planner/json", test_json);
  g_test_add_func ("/core/planner/json-nonfinite", test_json_nonfinite);
  g_test_add_func ("/core/planner/json-measurement-outside-region",
                   test_json_measurement_outside_region);
  return g_test_run ();
}
