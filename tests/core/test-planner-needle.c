/* test-planner-needle.c: needle table and in-plane visibility (np-planner-needle.c)
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

int
main (int argc, char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/planner/needle", test_needle);
  g_test_add_func ("/core/planner/visibility-bands", test_visibility_bands);
  return g_test_run ();
}
