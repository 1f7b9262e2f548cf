/* test-case-library.c: training cases found in folders
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-case-library.h"
#include "np-error.h"
#include "np-plan-file.h"
#include "np-png.h"

#include <glib/gstdio.h>
#include <string.h>

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

/* The difficulty rule at its edges (docs/training.md): depth easy up to
 * 25 mm, medium up to 45 mm; clearance easy from 5 mm, medium from 2 mm;
 * the harder of the two; unknown counts as medium. */
static void
test_difficulty_rule (void)
{
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 25, 0, FALSE, 0), ==,
                   NP_CASE_DIFFICULTY_EASY);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 25.1, 0, FALSE, 0), ==,
                   NP_CASE_DIFFICULTY_MEDIUM);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 45, 0, FALSE, 0), ==,
                   NP_CASE_DIFFICULTY_MEDIUM);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 45.1, 0, FALSE, 0), ==,
                   NP_CASE_DIFFICULTY_HARD);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 10, 1, TRUE, 5), ==,
                   NP_CASE_DIFFICULTY_EASY);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 10, 1, TRUE, 4.9), ==,
                   NP_CASE_DIFFICULTY_MEDIUM);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 10, 1, TRUE, 2), ==,
                   NP_CASE_DIFFICULTY_MEDIUM);
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 10, 1, TRUE, 1.9), ==,
                   NP_CASE_DIFFICULTY_HARD);
  /* Shallow but with a structure of unknown clearance: medium. */
  g_assert_cmpint (np_case_difficulty_from_measures (TRUE, 10, 2, FALSE, 0), ==,
                   NP_CASE_DIFFICULTY_MEDIUM);
  /* Depth unknown (uncalibrated, or one fluoroscopy view): medium at least. */
  g_assert_cmpint (np_case_difficulty_from_measures (FALSE, 0, 0, FALSE, 0), ==,
                   NP_CASE_DIFFICULTY_MEDIUM);
  g_assert_cmpint (np_case_difficulty_from_measures (FALSE, 0, 1, TRUE, 1), ==,
                   NP_CASE_DIFFICULTY_HARD);

  for (guint i = NP_CASE_DIFFICULTY_EASY; i <= NP_CASE_DIFFICULTY_HARD; i++)
    {
      NpCaseDifficulty back;

      g_assert_true (np_case_difficulty_from_string (np_case_difficulty_to_string (i), &back));
      g_assert_cmpint (back, ==, i);
    }
}

typedef struct
{
  NpSite site;
  gboolean calibrated;
  gboolean has_target;
  double target_y;          /* px at 1 mm/px below the top-edge skin: the depth */
  gboolean with_region;
  gboolean with_vessel;     /* radius 2 at (60, 15): 8 mm from the path x = 50 */
  gboolean write_frame;
} CaseSpec;

static void
write_case (const char     *base,
            const char     *sub,
            const char     *title,
            const CaseSpec *spec)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_build_filename (base, sub, NULL);
  g_autofree char *plan_path = g_build_filename (folder, "plan.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  np_plan_set_string (&plan->frame_path, "frame.png");
  np_plan_set_string (&plan->title, title);
  plan->site = spec->site;
  if (spec->calibrated)
    {
      np_calibration_free (plan->calibration);
      plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 1.0, 0);
    }
  plan->has_entry = TRUE;
  plan->entry = np_image_point (50, 0);
  plan->has_target = spec->has_target;
  plan->target = np_image_point (50, spec->target_y);
  if (spec->with_region)
    {
      /* A square around (50, target_y): its centroid is the target. */
      const NpImagePoint region[] = {
        { 47, spec->target_y - 3 }, { 53, spec->target_y - 3 },
        { 53, spec->target_y + 3 }, { 47, spec->target_y + 3 },
      };
      g_array_append_vals (plan->target_region, region, G_N_ELEMENTS (region));
    }
  if (spec->with_vessel)
    {
      NpStructure *vessel = np_structure_new ("vessel", NP_STRUCTURE_VESSEL, NP_SHAPE_ELLIPSE, 2);

      np_structure_add_point (vessel, np_image_point (60, 15));
      np_structure_add_point (vessel, np_image_point (2, 2));
      g_ptr_array_add (plan->structures, vessel);
    }
  g_assert_true (np_plan_file_save (plan, NULL, plan_path, &error));
  g_assert_no_error (error);

  if (spec->write_frame)
    {
      g_autofree char *frame_path = g_build_filename (folder, "frame.png", NULL);
      g_autoptr(NpFrame) frame = np_frame_new (4, 4, 1, 8, &error);

      g_assert_no_error (error);
      g_assert_true (np_png_save (frame, frame_path, &error));
      g_assert_no_error (error);
    }
}

static const NpCase *
find_case (GPtrArray  *cases,
           const char *title)
{
  for (guint i = 0; i < cases->len; i++)
    {
      const NpCase *c = g_ptr_array_index (cases, i);
      if (g_strcmp0 (c->title, title) == 0)
        return c;
    }
  g_error ("No case titled “%s” was found", title);
}

static void
test_scan (void)
{
  g_autofree char *root = g_dir_make_tmp ("test-case-library-XXXXXX", NULL);
  g_autofree char *library = g_build_filename (root, "cases", NULL);
  g_autofree char *user = g_build_filename (root, "user", NULL);
  g_autofree char *missing = g_build_filename (root, "not here", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GPtrArray) knees = NULL;
  g_autoptr(GPtrArray) hard = NULL;
  g_autoptr(GPtrArray) fluoro = NULL;
  g_autoptr(GError) error = NULL;
  const NpCase *c;
  NpCaseFilter filter = { 0 };

  /* Depth 15 mm, nothing to avoid: easy. */
  write_case (library, "knee",
              "Knee, shallow", &(CaseSpec) { NP_SITE_KNEE, TRUE, TRUE, 15, TRUE, FALSE, TRUE });
  /* Depth 30 mm (medium), a vessel 10 − 2 = 8 mm from the path (easy). */
  write_case (library, "shoulder",
              "Shoulder", &(CaseSpec) { NP_SITE_SHOULDER, TRUE, TRUE, 30, FALSE, TRUE, TRUE });
  /* Depth 50 mm, two folders down: hard. */
  write_case (library, "hip/deep",
              "Hip, deep", &(CaseSpec) { NP_SITE_HIP, TRUE, TRUE, 50, FALSE, FALSE, TRUE });
  /* Only a region, centred 18 mm deep: easy, in the user's folder. */
  write_case (user, "mine",
              "Region only", &(CaseSpec) { NP_SITE_KNEE, TRUE, FALSE, 18, TRUE, FALSE, TRUE });
  /* Uncalibrated: depth unknown, medium. */
  write_case (user, "uncalibrated",
              "Uncalibrated", &(CaseSpec) { NP_SITE_KNEE, FALSE, TRUE, 15, FALSE, FALSE, TRUE });
  /* Not cases: no answer; a missing frame; a file that is not a plan. */
  write_case (library, "no-answer",
              "No answer", &(CaseSpec) { NP_SITE_KNEE, TRUE, FALSE, 15, FALSE, FALSE, TRUE });
  write_case (library, "no-frame",
              "No frame", &(CaseSpec) { NP_SITE_KNEE, TRUE, TRUE, 15, FALSE, FALSE, FALSE });
  path = g_build_filename (library, "knee", "truth.json", NULL);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"needleplan-phantom-truth\"}", -1,
                                      NULL));

  /* The library twice: each plan once. A missing folder is no error. */
  cases = np_case_library_scan ((const char *const[]) { library, missing, user, library, NULL },
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, ==, 5);

  /* Sorted by title. */
  g_assert_cmpstr (((NpCase *) g_ptr_array_index (cases, 0))->title, ==, "Hip, deep");
  g_assert_cmpstr (((NpCase *) g_ptr_array_index (cases, 4))->title, ==, "Uncalibrated");

  c = find_case (cases, "Knee, shallow");
  g_assert_cmpint (c->site, ==, NP_SITE_KNEE);
  g_assert_cmpint (c->modality, ==, NP_MODALITY_ULTRASOUND);
  g_assert_true (c->has_depth);
  g_assert_cmpfloat_with_epsilon (c->depth_mm, 15, 1e-9);
  g_assert_cmpint (c->difficulty, ==, NP_CASE_DIFFICULTY_EASY);
  g_assert_true (g_path_is_absolute (c->plan_path));
  g_assert_true (g_str_has_suffix (c->frame_path, "knee/frame.png"));

  c = find_case (cases, "Shoulder");
  g_assert_true (c->has_clearance);
  g_assert_cmpfloat_with_epsilon (c->clearance_mm, 8, 1e-6);
  g_assert_cmpint (c->difficulty, ==, NP_CASE_DIFFICULTY_MEDIUM);

  c = find_case (cases, "Hip, deep");
  g_assert_cmpint (c->difficulty, ==, NP_CASE_DIFFICULTY_HARD);

  c = find_case (cases, "Region only");
  g_assert_cmpfloat_with_epsilon (c->depth_mm, 18, 1e-9);
  g_assert_cmpint (c->difficulty, ==, NP_CASE_DIFFICULTY_EASY);

  c = find_case (cases, "Uncalibrated");
  g_assert_false (c->has_depth);
  g_assert_cmpint (c->difficulty, ==, NP_CASE_DIFFICULTY_MEDIUM);

  filter.by_site = TRUE;
  filter.site = NP_SITE_KNEE;
  knees = np_case_library_filter (cases, &filter);
  g_assert_cmpuint (knees->len, ==, 3);
  filter.by_site = FALSE;
  filter.by_difficulty = TRUE;
  filter.difficulty = NP_CASE_DIFFICULTY_HARD;
  hard = np_case_library_filter (cases, &filter);
  g_assert_cmpuint (hard->len, ==, 1);
  g_assert_cmpstr (((NpCase *) g_ptr_array_index (hard, 0))->title, ==, "Hip, deep");
  filter.by_difficulty = FALSE;
  filter.by_modality = TRUE;
  filter.modality = NP_MODALITY_FLUOROSCOPY;
  fluoro = np_case_library_filter (cases, &filter);
  g_assert_cmpuint (fluoro->len, ==, 0);

  remove_tree (root);
}

static void
test_single_file_errors (void)
{
  g_autofree char *root = g_dir_make_tmp ("test-case-library-XXXXXX", NULL);
  g_autofree char *folder = g_build_filename (root, "no-frame", NULL);
  g_autofree char *plan_path = g_build_filename (folder, "plan.json", NULL);
  g_autoptr(NpCase) library_case = NULL;
  g_autoptr(GError) error = NULL;

  write_case (root, "no-frame", "No frame",
              &(CaseSpec) { NP_SITE_KNEE, TRUE, TRUE, 15, FALSE, FALSE, FALSE });
  library_case = np_case_new_from_file (plan_path, &error);
  g_assert_null (library_case);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "frame.png"));
  remove_tree (root);
}

/* The shipped cases, when the phantom generator has written them: every one
 * is a usable case. */
static void
test_shipped_cases (void)
{
  g_autofree char *cases_dir = g_build_filename (NP_SOURCE_DIR, "data", "cases", NULL);
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = g_dir_open (cases_dir, 0, NULL);
  guint folders = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    folders++;
  if (folders == 0)
    {
      g_test_skip ("data/cases holds no cases yet");
      return;
    }
  cases = np_case_library_scan ((const char *const[]) { cases_dir, NULL }, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cases->len, >, 0);
  for (guint i = 0; i < cases->len; i++)
    {
      const NpCase *c = g_ptr_array_index (cases, i);

      g_assert_true (g_file_test (c->frame_path, G_FILE_TEST_IS_REGULAR));
      g_assert_nonnull (c->title);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  np_gsl_init ();

  g_test_add_func ("/core/case-library/difficulty-rule", test_difficulty_rule);
  g_test_add_func ("/core/case-library/scan", test_scan);
  g_test_add_func ("/core/case-library/single-file-errors", test_single_file_errors);
  g_test_add_func ("/core/case-library/shipped-cases", test_shipped_cases);

  return g_test_run ();
}
