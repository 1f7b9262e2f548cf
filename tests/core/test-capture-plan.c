/* test-capture-plan.c: reopening the plan inside a NeedlePlan Secondary
 * Capture (np-capture-plan.c, docs/dicom.md "Reopening")
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-capture-plan.h"
#include "np-dicom-export.h"
#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-file.h"
#include "np-plan-file.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *tmp_dir;

static const char *
source_dir (void)
{
  const char *dir = g_getenv ("NP_SOURCE_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_SOURCE_DIR;
}

static char *
case_path (const char *name)
{
  return g_build_filename (source_dir (), "data", "cases", "knee-us-01", name, NULL);
}

static char *
real (const char *path)
{
  char *resolved = realpath (path, NULL);

  g_assert_nonnull (resolved);
  return resolved;
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (from, &data, &length, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) length, NULL));
}

/* The bundled knee case exported as a Secondary Capture into @dir. */
static char *
export_case (const char *dir)
{
  g_autofree char *plan_path = case_path ("plan.json");
  g_autofree char *frame_path = NULL;
  g_autofree char *sc = g_build_filename (dir, "knee-sc.dcm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = np_plan_file_load (plan_path, &error);
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  NpExportOptions options;

  g_assert_no_error (error);
  frame_path = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_no_error (error);
  frame = np_frame_load (frame_path, &error);
  g_assert_no_error (error);
  results = np_export_compute_results (plan, frame, &error);
  g_assert_no_error (error);
  np_export_options_init (&options);
  g_assert_true (np_dicom_export_sc (frame, plan, results, &options, sc, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&sc);
}

static NpCapturePlan *
reopen (const char   *sc,
        NpPacsCache  *cache,
        guint        *sc_width,
        guint        *sc_height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (sc, &error);
  NpCapturePlan *capture;

  g_assert_no_error (error);
  g_assert_true (np_dicom_helper_open (helper, &error));
  g_assert_no_error (error);
  capture = np_capture_plan_new (np_dicom_helper_get_info (helper), sc, cache, &error);
  g_assert_no_error (error);
  if (sc_width != NULL)
    *sc_width = np_dicom_helper_get_info (helper)->columns;
  if (sc_height != NULL)
    *sc_height = np_dicom_helper_get_info (helper)->rows;
  np_dicom_helper_close (helper);
  return capture;
}

/* The case's marks as its plan.json states them. */
static void
assert_case_marks (const NpPlan *plan)
{
  g_assert_true (plan->has_target);
  g_assert_cmpfloat_with_epsilon (plan->target.x, 328.24, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->target.y, 293.6, 1e-9);
  g_assert_true (plan->has_entry);
  g_assert_cmpfloat_with_epsilon (plan->entry.x, -206, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->entry.y, 44, 1e-9);
  g_assert_cmpuint (plan->skin_points->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (plan->skin_points, NpImagePoint, 1).x, 628,
                                  1e-9);
  /* 1/12 mm per pixel, from the frame's pHYs. */
  g_assert_cmpfloat_with_epsilon (plan->calibration->mm_per_px_x, 1.0 / 12.0, 1e-12);
}

/* Alone, the capture is the frame: its top rows are the source frame at
 * its own size, so the marks keep their coordinates; beside the source
 * frame (by the plan's relative path, same checksum) the plan is on that. */
static void
test_beside_and_alone (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "beside", NULL);
  g_autofree char *sc = NULL;
  g_autofree char *sc_real = NULL;
  g_autofree char *sc_sha = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *copy_real = NULL;
  g_autofree char *case_frame = case_path ("frame.png");
  g_autoptr(NpCapturePlan) alone = NULL;
  g_autoptr(NpCapturePlan) beside = NULL;
  g_autoptr(NpCapturePlan) edited = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(GError) error = NULL;
  guint width = 0, height = 0;
  FILE *f;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  sc = export_case (dir);
  sc_real = real (sc);
  sc_sha = np_file_sha256 (sc, &error);
  g_assert_no_error (error);

  alone = reopen (sc, NULL, &width, &height);
  g_assert_true (alone->on_capture);
  g_assert_cmpstr (alone->frame_path, ==, sc_real);
  g_assert_cmpuint (alone->frame_index, ==, 0);
  g_assert_cmpstr (alone->source_name, ==, "frame.png");
  g_assert_cmpstr (alone->plan->frame_path, ==, "knee-sc.dcm");
  g_assert_cmpstr (alone->plan->frame_sha256, ==, sc_sha);
  g_assert_true (g_str_has_prefix (alone->plan->dicom_sop_instance_uid, "2.25."));
  g_assert_cmpuint (alone->plan->dicom_frame_number, ==, 1);
  assert_case_marks (alone->plan);
  frame = np_frame_load (case_frame, &error);
  g_assert_no_error (error);
  /* Same width, taller by the caption band below. */
  g_assert_cmpuint (width, ==, np_frame_get_width (frame));
  g_assert_cmpuint (height, >, np_frame_get_height (frame));

  copy = g_build_filename (dir, "frame.png", NULL);
  copy_file (case_frame, copy);
  copy_real = real (copy);
  beside = reopen (sc, NULL, NULL, NULL);
  g_assert_false (beside->on_capture);
  g_assert_cmpstr (beside->frame_path, ==, copy_real);
  g_assert_cmpstr (beside->plan->frame_path, ==, "frame.png");
  g_assert_cmpstr (beside->plan->frame_sha256,
                   ==, "d3874f139777202aad256f6997e5e042c9f635ff438a759525cef726b0701530");
  g_assert_null (beside->plan->dicom_sop_instance_uid);
  assert_case_marks (beside->plan);

  /* Another image under the same name is not the source. */
  f = g_fopen (copy, "ab");
  g_assert_nonnull (f);
  fputc (0, f);
  fclose (f);
  edited = reopen (sc, NULL, NULL, NULL);
  g_assert_true (edited->on_capture);
  g_assert_cmpstr (edited->frame_path, ==, sc_real);
}

static NpDicomInfo *
info_with_plan (const char *json)
{
  NpDicomInfo *info = g_new0 (NpDicomInfo, 1);

  info->sop_instance_uid = g_strdup ("2.25.7");
  info->needleplan_plan_inside = TRUE;
  info->needleplan_plan = g_strdup (json);
  return info;
}

/* A DICOM source retrieved from the PACS before is found in the cache by
 * its SOP Instance UID, on the plan's frame (frame 2 = index 1). */
static void
test_cache (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "cache-case", NULL);
  g_autofree char *cache_dir = g_build_filename (dir, "cache", NULL);
  g_autofree char *plan_path = case_path ("plan.json");
  g_autofree char *sc = g_build_filename (dir, "sc.dcm", NULL);
  g_autofree char *json = NULL;
  g_autofree char *cached = NULL;
  g_autoptr(NpPacsCache) cache = np_pacs_cache_new (cache_dir, 1000000);
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpDicomInfo) info = NULL;
  g_autoptr(NpCapturePlan) found = NULL;
  g_autoptr(NpCapturePlan) missing = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("DICM", 4);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (sc, "capture", -1, NULL));
  plan = np_plan_file_load (plan_path, &error);
  g_assert_no_error (error);
  np_plan_set_string (&plan->frame_path, "elsewhere/source.dcm");
  np_plan_set_string (&plan->frame_sha256, NULL);
  np_plan_set_string (&plan->dicom_sop_instance_uid, "1.2.826.0.1.3680043.2.1125.9");
  plan->dicom_frame_number = 2;
  json = np_plan_file_to_json (plan, NULL, &error);
  g_assert_no_error (error);
  info = info_with_plan (json);

  missing = np_capture_plan_new (info, sc, cache, &error);
  g_assert_no_error (error);
  g_assert_true (missing->on_capture);
  g_assert_cmpstr (missing->source_name, ==, "source.dcm");
  g_assert_cmpstr (missing->plan->dicom_sop_instance_uid, ==, "2.25.7");
  g_assert_cmpuint (missing->plan->dicom_frame_number, ==, 1);

  cached = np_pacs_cache_store (cache, "1.2.826.0.1.3680043.2.1125.9", bytes, &error);
  g_assert_no_error (error);
  found = np_capture_plan_new (info, sc, cache, &error);
  g_assert_no_error (error);
  g_assert_false (found->on_capture);
  g_assert_cmpstr (found->frame_path, ==, cached);
  g_assert_cmpuint (found->frame_index, ==, 1);
  g_assert_cmpstr (found->plan->dicom_sop_instance_uid, ==, "1.2.826.0.1.3680043.2.1125.9");
  g_assert_cmpuint (found->plan->dicom_frame_number, ==, 2);
  assert_case_marks (found->plan);
}

static void
test_refusals (void)
{
  g_autoptr(NpDicomInfo) none = g_new0 (NpDicomInfo, 1);
  g_autoptr(NpDicomInfo) large = info_with_plan (NULL);
  g_autoptr(NpDicomInfo) broken = info_with_plan ("{\"format\": \"needleplan-plan\"");
  g_autoptr(NpCapturePlan) capture = NULL;
  g_autoptr(GError) error = NULL;

  capture = np_capture_plan_new (none, "/nowhere/plain.dcm", NULL, &error);
  g_assert_null (capture);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“plain.dcm” holds no NeedlePlan plan"));
  g_clear_error (&error);

  capture = np_capture_plan_new (large, "/nowhere/large.dcm", NULL, &error);
  g_assert_null (capture);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "large.dcm"));
  g_clear_error (&error);

  capture = np_capture_plan_new (broken, "/nowhere/broken.dcm", NULL, &error);
  g_assert_null (capture);
  g_assert_nonnull (error);
  g_assert_true (error->domain == NP_ERROR);
  g_assert_nonnull (strstr (error->message, "broken.dcm"));
}

/* The test's own folder, depth first. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-capture-plan-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/core/capture-plan/beside-and-alone", test_beside_and_alone);
  g_test_add_func ("/core/capture-plan/cache", test_cache);
  g_test_add_func ("/core/capture-plan/refusals", test_refusals);
  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
