/* test-plan-labels.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-plan-labels.h"

/* Each list has one word per enum value (the last value of each enum in
 * np-plan.h, plus one), so a value added to an enum without a word fails
 * here rather than showing an empty drop-down row. */
static void
test_labels_cover_every_value (void)
{
  g_assert_cmpuint (g_strv_length ((GStrv) np_modality_labels ()), ==,
                    NP_MODALITY_FLUOROSCOPY + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_probe_labels ()), ==, NP_PROBE_UNSPECIFIED + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_site_labels ()), ==, NP_SITE_UNSPECIFIED + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_side_labels ()), ==, NP_SIDE_RIGHT + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_condition_labels ()), ==,
                    NP_CONDITION_CHRONIC_SOFT_TISSUE + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_injectate_labels ()), ==, NP_INJECTATE_OTHER + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_technique_labels ()), ==,
                    NP_TECHNIQUE_COAXIAL + 1);
  g_assert_cmpuint (g_strv_length ((GStrv) np_structure_kind_labels ()), ==,
                    NP_STRUCTURE_OTHER + 1);
}

static void
test_labels_words (void)
{
  g_assert_cmpstr (np_site_label (NP_SITE_SOFT_TISSUE), ==, "Soft tissue");
  g_assert_cmpstr (np_site_label (NP_SITE_UNSPECIFIED), ==, "Not stated");
  g_assert_cmpstr (np_probe_label (NP_PROBE_UNSPECIFIED), ==, "Not stated");
  g_assert_cmpstr (np_side_label (NP_SIDE_UNSPECIFIED), ==, "Not stated");
  g_assert_cmpstr (np_side_label (NP_SIDE_LEFT), ==, "Left");
  g_assert_cmpstr (np_injectate_label (NP_INJECTATE_PRP), ==, "Platelet-rich plasma (PRP)");
  g_assert_cmpstr (np_condition_label (NP_CONDITION_UNSPECIFIED), ==, "Not stated");
  g_assert_cmpstr (np_technique_label (NP_TECHNIQUE_OUT_OF_PLANE), ==, "Out-of-plane");
  g_assert_cmpstr (np_view_label (NP_VIEW_LATERAL), ==, "Lateral");
  g_assert_cmpstr (np_structure_kind_label (NP_STRUCTURE_VESSEL), ==, "Vessel");
  /* The list and the single word agree. */
  for (guint i = 0; np_site_labels ()[i] != NULL; i++)
    g_assert_cmpstr (np_site_labels ()[i], ==, np_site_label ((NpSite) i));
}

static void
test_labels_out_of_range (void)
{
  /* A value a newer file might carry is named as unknown, never read past
   * the end of a table. */
  g_assert_cmpstr (np_site_label ((NpSite) 99), ==, "Unknown site");
  g_assert_cmpstr (np_side_label ((NpSide) -1), ==, "Not stated");
  g_assert_cmpstr (np_structure_kind_label ((NpStructureKind) 6), ==, "Other structure");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/plan-labels/cover-every-value", test_labels_cover_every_value);
  g_test_add_func ("/core/plan-labels/words", test_labels_words);
  g_test_add_func ("/core/plan-labels/out-of-range", test_labels_out_of_range);

  return g_test_run ();
}
