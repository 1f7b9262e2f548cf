/* test-approach.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-approach.h"
#include "np-planner.h"

#include <string.h>

static const char *const expected_ids[] = {
  "knee-suprapatellar-lateral",
  "shoulder-glenohumeral-posterior",
  "shoulder-subacromial",
  "hip-anterior-head-neck",
  "fluoroscopy-coaxial",
};

static void
test_table (void)
{
  guint n = 0;
  const NpApproach *all = np_approach_get_all (&n);

  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected_ids));
  for (guint i = 0; i < n; i++)
    {
      const NpApproach *a = &all[i];

      g_assert_cmpstr (a->id, ==, expected_ids[i]);
      g_assert_true (np_approach_lookup (a->id) == a);
      g_assert_nonnull (a->name);
      g_assert_nonnull (a->note);
      g_assert_cmpfloat (a->angle_min_deg, >=, 0);
      g_assert_cmpfloat (a->angle_min_deg, <, a->angle_max_deg);
      g_assert_cmpfloat (a->angle_max_deg, <=, 90);
      g_assert_cmpfloat (a->preferred_angle_deg, >=, a->angle_min_deg);
      g_assert_cmpfloat (a->preferred_angle_deg, <=, a->angle_max_deg);
      for (guint k = 0; k <= NP_STRUCTURE_OTHER; k++)
        g_assert_cmpfloat (a->margin_mm[k], >=, 0);
      /* Never within 3 mm of a vessel or nerve by default. */
      g_assert_cmpfloat (a->margin_mm[NP_STRUCTURE_VESSEL], >=, 3);
      g_assert_cmpfloat (a->margin_mm[NP_STRUCTURE_NERVE], >=, 3);
      g_assert_cmpuint (a->gauges[0], >, 0);
    }
  g_assert_null (np_approach_lookup ("elbow-lateral"));
  g_assert_null (np_approach_lookup (""));
  g_assert_null (np_approach_lookup (NULL));
}

static void
test_presets (void)
{
  const NpApproach *knee = np_approach_lookup ("knee-suprapatellar-lateral");
  const NpApproach *hip = np_approach_lookup ("hip-anterior-head-neck");
  const NpApproach *gh = np_approach_lookup ("shoulder-glenohumeral-posterior");
  const NpApproach *sa = np_approach_lookup ("shoulder-subacromial");
  const NpApproach *fluoro = np_approach_lookup ("fluoroscopy-coaxial");

  g_assert_cmpint (knee->site, ==, NP_SITE_KNEE);
  g_assert_cmpint (knee->technique, ==, NP_TECHNIQUE_IN_PLANE);
  g_assert_cmpint (knee->probe, ==, NP_PROBE_LINEAR);
  g_assert_cmpfloat (knee->angle_min_deg, ==, 10);
  g_assert_cmpfloat (knee->angle_max_deg, ==, 40);
  g_assert_cmpint (gh->site, ==, NP_SITE_SHOULDER);
  g_assert_cmpint (gh->probe, ==, NP_PROBE_CURVILINEAR);
  g_assert_cmpint (sa->site, ==, NP_SITE_SHOULDER);
  g_assert_cmpint (sa->probe, ==, NP_PROBE_LINEAR);
  /* The femoral vessels and nerve run medial to the hip target: widest margin. */
  g_assert_cmpint (hip->probe, ==, NP_PROBE_CURVILINEAR);
  g_assert_cmpfloat (np_approach_default_margin (hip, NP_STRUCTURE_VESSEL), ==, 10);
  g_assert_cmpfloat (np_approach_default_margin (hip, NP_STRUCTURE_NERVE), ==, 10);
  g_assert_cmpint (fluoro->modality, ==, NP_MODALITY_FLUOROSCOPY);
  g_assert_cmpint (fluoro->technique, ==, NP_TECHNIQUE_COAXIAL);
  g_assert_true (fluoro->any_site);
}

static void
test_defaults (void)
{
  double lo, hi;
  const guint *gauges;

  /* Without a preset: 5 mm from vessels; in plane 10–90°, coaxial 0–90°. */
  g_assert_cmpfloat (np_approach_default_margin (NULL, NP_STRUCTURE_VESSEL), ==, 5);
  np_approach_angle_range (NULL, NP_MODALITY_ULTRASOUND, NP_TECHNIQUE_IN_PLANE, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 10);
  g_assert_cmpfloat (hi, ==, 90);
  np_approach_angle_range (NULL, NP_MODALITY_FLUOROSCOPY, NP_TECHNIQUE_COAXIAL, &lo, &hi);
  g_assert_cmpfloat (lo, ==, 0);
  np_approach_angle_range (np_approach_lookup ("shoulder-subacromial"), NP_MODALITY_ULTRASOUND,
                           NP_TECHNIQUE_IN_PLANE, &lo, &hi);
  g_assert_cmpfloat (hi, ==, 35);

  /* Soft tissue: fine needles; cell injectates: a wide bore whatever the site. */
  gauges = np_approach_gauges_for (NULL, NP_SITE_SOFT_TISSUE, NP_INJECTATE_CORTICOSTEROID);
  g_assert_cmpuint (gauges[0], ==, 25);
  g_assert_cmpuint (gauges[1], ==, 27);
  g_assert_cmpuint (gauges[2], ==, 0);
  gauges = np_approach_gauges_for (np_approach_lookup ("shoulder-subacromial"), NP_SITE_SHOULDER,
                                   NP_INJECTATE_BONE_MARROW_CONCENTRATE);
  g_assert_cmpuint (gauges[0], ==, 18);
}

static void
test_plan_uses_preset (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;

  plan->approach = g_strdup ("hip-anterior-head-neck");
  results = np_planner_compute (plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (results->approach, ==, "hip-anterior-head-neck");
  g_assert_cmpuint (results->gauges[0], ==, 20);
  g_clear_pointer (&results, np_plan_results_free);

  np_plan_set_string (&plan->approach, "elbow-lateral");
  results = np_planner_compute (plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (results->approach);
  for (guint i = 0; i < results->warnings->len; i++)
    if (strstr (g_ptr_array_index (results->warnings, i), "Unknown approach “elbow-lateral”"))
      return;
  g_assert_not_reached ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/approach/table", test_table);
  g_test_add_func ("/core/approach/presets", test_presets);
  g_test_add_func ("/core/approach/defaults", test_defaults);
  g_test_add_func ("/core/approach/plan-uses-preset", test_plan_uses_preset);
  return g_test_run ();
}
