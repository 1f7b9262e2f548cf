/* test-plan-analysis.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "np-plan-analysis.h"

/* A 100 × 80 px frame at 0.5 mm/px, linear probe, no skin line marked: the
 * skin is the top edge of the imaging field. Target (50, 40), entry (20, 0):
 * depth 40 px = 20 mm; the path is a 30-40-50 triangle, 50 px = 25 mm; its
 * angle to the horizontal skin is atan(40/30) = 53.130°. */

static NpDocument *
new_document (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (100, 80, 1, 8, &error);
  NpDocument *document = np_document_new ();
  g_autoptr(NpPlan) plan = np_plan_new ();

  g_assert_no_error (error);
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_KNOWN_DISTANCE, 0.5, 0.005);
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  np_document_set_frame (document, frame, g_steal_pointer (&plan));
  return document;
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
test_analysis_without_frame (void)
{
  g_autoptr(NpDocument) document = np_document_new ();
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (document);

  g_assert_null (np_plan_analysis_get_results (analysis));
  g_assert_null (np_plan_analysis_get_error (analysis));
  g_assert_false (np_plan_analysis_get_intervals_due (analysis));
  g_assert_null (np_plan_analysis_dup_results (analysis));
}

static void
test_analysis_follows_edits (void)
{
  g_autoptr(NpDocument) document = new_document ();
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (document);
  g_autoptr(NpPlan) plan = NULL;
  const NpPlanResults *results;
  guint notified = 0;

  results = np_plan_analysis_get_results (analysis);
  g_assert_nonnull (results);
  g_assert_true (results->calibrated);
  g_assert_true (results->has_depth);
  g_assert_cmpfloat_with_epsilon (results->depth, 20.0, 1e-9);
  g_assert_false (results->has_path);

  g_signal_connect (analysis, "notify::results", G_CALLBACK (count_cb), &notified);
  plan = np_document_dup_plan (document);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (20, 0);
  np_document_edit (document, g_steal_pointer (&plan), "Place entry");

  g_assert_cmpuint (notified, ==, 1);
  results = np_plan_analysis_get_results (analysis);
  g_assert_true (results->has_path);
  g_assert_cmpfloat_with_epsilon (results->path_length, 25.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->insertion_angle_deg, 53.130102354, 1e-6);

  /* Undo is an edit like any other. */
  g_assert_true (np_document_undo (document));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_false (np_plan_analysis_get_results (analysis)->has_path);
}

static void
test_analysis_field_of_view (void)
{
  g_autoptr(NpDocument) document = new_document ();
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (document);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);
  const NpPlannerOptions *options = np_plan_analysis_get_options (analysis);

  /* Without a calibrated region the whole frame is the imaging field. */
  g_assert_true (options->has_field);
  g_assert_cmpfloat (options->field.width, ==, 100);
  g_assert_cmpfloat (options->field.height, ==, 80);

  /* A calibration valid in a region makes that region the field. */
  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 10, 20, 80, 60 };
  np_document_edit (document, g_steal_pointer (&plan), "Calibrate");
  options = np_plan_analysis_get_options (analysis);
  g_assert_true (options->has_field);
  g_assert_cmpfloat (options->field.x, ==, 10);
  g_assert_cmpfloat (options->field.y, ==, 20);
  g_assert_cmpfloat (options->field.width, ==, 80);
  g_assert_cmpfloat (options->field.height, ==, 60);
}

static void
test_analysis_intervals_after_pause (void)
{
  g_autoptr(NpDocument) document = new_document ();
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (document);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);
  const NpPlanResults *results;

  np_plan_analysis_set_interval_delay (analysis, 0);
  plan->target = np_image_point (50, 60);
  np_document_edit (document, g_steal_pointer (&plan), "Move target");
  g_assert_true (np_plan_analysis_get_intervals_due (analysis));
  g_assert_false (np_plan_analysis_get_results (analysis)->has_depth_ci);

  while (np_plan_analysis_get_intervals_due (analysis))
    g_main_context_iteration (NULL, TRUE);

  results = np_plan_analysis_get_results (analysis);
  g_assert_true (results->has_depth_ci);
  /* 60 px at 0.5 mm/px: 30 mm, inside its own interval. */
  g_assert_cmpfloat_with_epsilon (results->depth, 30.0, 1e-9);
  g_assert_cmpfloat (results->depth_ci95[0], <=, 30.0);
  g_assert_cmpfloat (results->depth_ci95[1], >=, 30.0);
}

static void
test_analysis_snapshot_for_the_record (void)
{
  g_autoptr(NpDocument) document = new_document ();
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (document);
  g_autoptr(NpPlanResults) snapshot = NULL;
  g_autoptr(NpPlan) plan = NULL;

  /* An export right after an edit does not wait for the pause. */
  g_assert_true (np_plan_analysis_get_intervals_due (analysis));
  snapshot = np_plan_analysis_dup_results (analysis);
  g_assert_false (np_plan_analysis_get_intervals_due (analysis));
  g_assert_true (snapshot->has_depth_ci);
  g_assert_cmpfloat_with_epsilon (snapshot->depth, 20.0, 1e-9);

  /* The snapshot is a copy: later edits leave it alone. */
  plan = np_document_dup_plan (document);
  plan->target = np_image_point (50, 70);
  np_document_edit (document, g_steal_pointer (&plan), "Move target");
  g_assert_cmpfloat_with_epsilon (np_plan_analysis_get_results (analysis)->depth, 35.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (snapshot->depth, 20.0, 1e-9);
}

static void
test_analysis_recommend_entry (void)
{
  g_autoptr(NpDocument) document = new_document ();
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (document);
  g_autoptr(NpEntryRecommendation) recommendation = NULL;
  g_autoptr(GError) error = NULL;
  guint64 revision = np_document_get_revision (document);

  recommendation = np_plan_analysis_recommend_entry (analysis, &error);
  g_assert_no_error (error);
  g_assert_nonnull (recommendation);
  /* On the skin (the top edge), and the document is left as it was. */
  g_assert_cmpfloat_with_epsilon (recommendation->entry.y, 0.0, 1e-6);
  g_assert_cmpuint (np_document_get_revision (document), ==, revision);
}

static void
test_analysis_finalizes (void)
{
  NpDocument *document = new_document ();
  NpPlanAnalysis *analysis = np_plan_analysis_new (document);

  g_assert_true (np_plan_analysis_get_intervals_due (analysis));
  g_assert_finalize_object (analysis);
  g_assert_finalize_object (document);
}

/* A fluoroscopy pair (the geometry of test-planner-two-view's first case):
 * AP at 0.5 mm/px with entry (100, 100) and target (120, 140), lateral at
 * 0.25 mm/px with entry (200, 50) and target (320, 130): depth 120 px ·
 * 0.25 = 30 mm, path √(10² + 30² + 20²) = √1400 mm. Paired, the analysis
 * gives both at once, follows edits of the second view, and says why while
 * that view is not marked; unpaired, one view has no depth. */
static NpDocument *
fluoro_document (double       mm_per_px,
                 NpView       view,
                 NpImagePoint entry,
                 NpImagePoint target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (400, 300, 1, 8, &error);
  NpDocument *document = np_document_new ();
  g_autoptr(NpPlan) plan = np_plan_new ();

  g_assert_no_error (error);
  plan->modality = NP_MODALITY_FLUOROSCOPY;
  plan->technique = NP_TECHNIQUE_COAXIAL;
  plan->view = view;
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_SPHERE, mm_per_px, 0);
  plan->has_entry = plan->has_target = TRUE;
  plan->entry = entry;
  plan->target = target;
  np_document_set_frame (document, frame, g_steal_pointer (&plan));
  return document;
}

static void
test_analysis_second_view (void)
{
  g_autoptr(NpDocument) ap = fluoro_document (0.5, NP_VIEW_AP, np_image_point (100, 100),
                                              np_image_point (120, 140));
  g_autoptr(NpDocument) lateral = fluoro_document (0.25, NP_VIEW_LATERAL,
                                                   np_image_point (200, 50),
                                                   np_image_point (320, 130));
  g_autoptr(NpPlanAnalysis) analysis = np_plan_analysis_new (ap);
  g_autoptr(NpPlan) plan = NULL;
  const NpPlanResults *results;
  gboolean said_why = FALSE;

  g_assert_false (np_plan_analysis_get_results (analysis)->has_depth);

  np_plan_analysis_set_second_view (analysis, lateral);
  g_assert_true (np_plan_analysis_get_second_view (analysis) == lateral);
  results = np_plan_analysis_get_results (analysis);
  g_assert_true (results->has_two_views);
  g_assert_cmpfloat_with_epsilon (results->depth, 30, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->path_length, sqrt (1400), 1e-9);
  g_assert_true (results->has_depth_ci);

  /* The lateral target 8 px further (2 mm): depth 128 px · 0.25 = 32 mm. */
  plan = np_document_dup_plan (lateral);
  plan->target.x += 8;
  np_document_edit (lateral, g_steal_pointer (&plan), "Move target");
  g_assert_cmpfloat_with_epsilon (np_plan_analysis_get_results (analysis)->depth, 32, 1e-9);

  /* No entry in the second view: one view's results, saying why. */
  plan = np_document_dup_plan (lateral);
  plan->has_entry = FALSE;
  np_document_edit (lateral, g_steal_pointer (&plan), "Delete entry");
  results = np_plan_analysis_get_results (analysis);
  g_assert_false (results->has_two_views);
  for (guint i = 0; i < results->warnings->len; i++)
    said_why |= g_str_has_prefix (g_ptr_array_index (results->warnings, i), "Second view:");
  g_assert_true (said_why);

  np_plan_analysis_set_second_view (analysis, NULL);
  g_assert_null (np_plan_analysis_get_second_view (analysis));
  g_assert_false (np_plan_analysis_get_results (analysis)->has_depth);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/plan-analysis/without-frame", test_analysis_without_frame);
  g_test_add_func ("/core/plan-analysis/follows-edits", test_analysis_follows_edits);
  g_test_add_func ("/core/plan-analysis/field-of-view", test_analysis_field_of_view);
  g_test_add_func ("/core/plan-analysis/intervals-after-pause",
                   test_analysis_intervals_after_pause);
  g_test_add_func ("/core/plan-analysis/snapshot-for-the-record",
                   test_analysis_snapshot_for_the_record);
  g_test_add_func ("/core/plan-analysis/recommend-entry", test_analysis_recommend_entry);
  g_test_add_func ("/core/plan-analysis/finalizes", test_analysis_finalizes);
  g_test_add_func ("/core/plan-analysis/second-view", test_analysis_second_view);

  return g_test_run ();
}
