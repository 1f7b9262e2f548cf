/* test-dicom-export.c: the annotated frame as a Secondary Capture and the
 * report as an Encapsulated PDF (np-dicom-export.c, docs/dicom.md)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Checks the files with tools that are not ours: dicom3tools' dciodvfy for
 * the IODs and DCMTK's dcmdump for the attributes; the pixels and the plan
 * are read back through the importer.
 */

#include "np-dicom-export.h"
#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-plan-file.h"
#include "np-png.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

/* What dcmodify writes into the test's copy of the source DICOM; neither
 * may appear anywhere in an anonymised export. */
#define PATIENT_NAME "Quillfeather^Ottoline"
#define PATIENT_NAME_WORD "Quillfeather"
#define PATIENT_ID "NPX-735190"

static char *tmp_dir;

static const char *
testdata_dir (void)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_TESTDATA_DIR;
}

static const char *
source_dir (void)
{
  const char *dir = g_getenv ("NP_SOURCE_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_SOURCE_DIR;
}

/* Runs a tool; returns its stdout and stderr together, NULL when it could
 * not run or failed (unless @allow_failure). */
static char *
tool_output (const char *const *argv,
             gboolean           allow_failure)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                     &status, &error))
    return NULL;
  if (!allow_failure && !g_spawn_check_wait_status (status, NULL))
    return NULL;
  return g_strconcat (out, err, NULL);
}

static gboolean
have_tools (void)
{
  const char *const tools[] = { "dciodvfy", "dcmdump", "dcmodify" };

  for (gsize i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);
      if (path == NULL)
        {
          g_autofree char *why = g_strdup_printf ("%s is not installed (packages dicom3tools, "
                                                  "dcmtk)", tools[i]);
          g_test_skip (why);
          return FALSE;
        }
    }
  return TRUE;
}

/* dciodvfy prints "Error - …" for every violation of the IOD; warnings
 * (e.g. about our private tag) are allowed. */
static void
assert_valid_iod (const char *path)
{
  const char *const argv[] = { "dciodvfy", path, NULL };
  g_autofree char *report = tool_output (argv, TRUE);
  g_auto(GStrv) lines = NULL;

  g_assert_nonnull (report);
  lines = g_strsplit (report, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Error"))
      g_error ("dciodvfy %s: %s", path, lines[i]);
}

static char *
dump (const char *path)
{
  const char *const argv[] = { "dcmdump", "+L", path, NULL };
  char *text = tool_output (argv, FALSE);

  g_assert_nonnull (text);
  return text;
}

/* The value dcmdump shows for the first element named @name: a line is
 * "(gggg,eeee) VR value  # length, vm Name", the value in brackets or, for
 * a known UID, "=Name". */
static char *
dumped_value (const char *text,
              const char *name)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autofree char *suffix = g_strconcat (" ", name, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *vr = strstr (line, ") ");
      char *hash = strstr (line, " #");
      char *value;

      if (!g_str_has_suffix (line, suffix) || vr == NULL || hash == NULL || hash < vr + 5)
        continue;
      *hash = '\0';
      value = g_strstrip (vr + 5);
      if (value[0] == '[' && value[strlen (value) - 1] == ']')
        return g_strndup (value + 1, strlen (value) - 2);
      return g_strdup (value);
    }
  return NULL;
}

static void
assert_dumped (const char *text,
               const char *name,
               const char *expected)
{
  g_autofree char *value = dumped_value (text, name);

  g_assert_cmpstr (value, ==, expected);
}

/* Every pixel of the Secondary Capture, read back through the importer,
 * equals the annotated PNG's. */
static void
assert_same_pixels (const char *sc_path,
                    const char *png_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) sc = np_dicom_helper_load_frame (sc_path, 0, &error);
  g_autoptr(NpFrame) png = NULL;

  g_assert_no_error (error);
  png = np_png_load (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (sc), ==, np_frame_get_width (png));
  g_assert_cmpuint (np_frame_get_height (sc), ==, np_frame_get_height (png));
  g_assert_cmpuint (np_frame_get_channels (sc), ==, 3);
  g_assert_cmpuint (np_frame_get_channels (png), ==, 3);
  for (guint y = 0; y < np_frame_get_height (sc); y++)
    g_assert_cmpmem (np_frame_get_data (sc) + y * np_frame_get_stride (sc),
                     np_frame_get_width (sc) * 3,
                     np_frame_get_data (png) + y * np_frame_get_stride (png),
                     np_frame_get_width (png) * 3);
}

/* The plan inside the Secondary Capture is the plan the export stores. */
static void
assert_plan_inside (const char            *sc_path,
                    const NpPlan          *plan,
                    const NpPlanResults   *results,
                    const NpExportOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (sc_path, &error);
  g_autofree char *expected_json = NULL;
  g_autoptr(NpPlan) expected = NULL;
  g_autoptr(NpPlan) inside = NULL;
  const NpDicomInfo *info;

  g_assert_no_error (error);
  g_assert_true (np_dicom_helper_open (helper, &error));
  g_assert_no_error (error);
  info = np_dicom_helper_get_info (helper);
  g_assert_true (info->needleplan_plan_inside);
  g_assert_nonnull (info->needleplan_plan);
  inside = np_plan_file_parse (info->needleplan_plan, -1, "the SC's plan", &error);
  g_assert_no_error (error);
  expected_json = np_export_plan_json (plan, results, options, &error);
  g_assert_no_error (error);
  expected = np_plan_file_parse (expected_json, -1, "the exported plan", &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (inside, expected));
  np_dicom_helper_close (helper);
}

static void
assert_absent (const char *path,
               const char *text)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  if (memmem (data, length, text, strlen (text)) != NULL)
    g_error ("%s contains “%s”", path, text);
}

/* Every pixel of @rect (whole pixels: x0 ≤ x < x0 + width) is black in the
 * record, and the source frame is not black there (else the check proves
 * nothing). */
static void
assert_redacted (const char        *sc_path,
                 NpFrame           *source,
                 const NpImageRect *rect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) record = np_dicom_helper_load_frame (sc_path, 0, &error);
  guint x0 = (guint) rect->x, y0 = (guint) rect->y;
  guint x1 = x0 + (guint) rect->width, y1 = y0 + (guint) rect->height;
  guint source_lit = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_channels (record), ==, 3);
  for (guint y = y0; y < y1; y++)
    for (guint x = x0; x < x1; x++)
      {
        const guint8 *px = np_frame_get_data (record) + y * np_frame_get_stride (record) + x * 3;
        const guint8 *sp = np_frame_get_data (source) + y * np_frame_get_stride (source)
                           + x * np_frame_get_channels (source) * (np_frame_get_bit_depth (source) / 8);

        g_assert_cmpuint (px[0] | px[1] | px[2], ==, 0);
        source_lit += sp[0] != 0;
      }
  g_assert_cmpuint (source_lit, >, 0);
}

static NpPlan *
load_case (NpFrame       **frame,
           NpPlanResults **results)
{
  g_autofree char *plan_path = g_build_filename (source_dir (), "data", "cases", "knee-us-01",
                                                 "plan.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *frame_path = NULL;
  NpPlan *plan = np_plan_file_load (plan_path, &error);

  g_assert_no_error (error);
  frame_path = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_no_error (error);
  *frame = np_frame_load (frame_path, &error);
  g_assert_no_error (error);
  *results = np_export_compute_results (plan, *frame, &error);
  g_assert_no_error (error);
  return plan;
}

/* A PNG source: a new study, the case's details, no source reference. */
static void
test_png_source (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (tmp_dir, "knee.png", NULL);
  g_autofree char *sc = g_build_filename (tmp_dir, "knee-sc.dcm", NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "knee-pdf.dcm", NULL);
  g_autofree char *sc_dump = NULL;
  g_autofree char *pdf_dump = NULL;
  g_autofree char *study = NULL;
  g_autofree char *sop = NULL;
  NpExportOptions options;

  if (!have_tools ())
    return;
  plan = load_case (&frame, &results);
  np_export_options_init (&options);
  options.date = "2026-03-04";
  g_assert_true (np_dicom_export_files (frame, plan, results, &options, png, NULL, sc, pdf,
                                        NULL, &error));
  g_assert_no_error (error);

  assert_valid_iod (sc);
  assert_valid_iod (pdf);
  sc_dump = dump (sc);
  pdf_dump = dump (pdf);
  assert_dumped (sc_dump, "SOPClassUID", "=SecondaryCaptureImageStorage");
  assert_dumped (sc_dump, "ImageType", "DERIVED\\SECONDARY");
  assert_dumped (sc_dump, "BurnedInAnnotation", "YES");
  assert_dumped (sc_dump, "ConversionType", "WSD");
  assert_dumped (sc_dump, "SeriesDescription", "NeedlePlan annotated frame");
  assert_dumped (sc_dump, "PhotometricInterpretation", "RGB");
  assert_dumped (sc_dump, "ContentDate", "20260304");
  assert_dumped (sc_dump, "PrivateCreator", "NEEDLEPLAN 1");
  /* The case's plan is of the right knee. */
  assert_dumped (sc_dump, "Laterality", "R");
  g_assert_null (strstr (sc_dump, "SourceImageSequence"));
  sop = dumped_value (sc_dump, "SOPInstanceUID");
  g_assert_true (g_str_has_prefix (sop, "2.25."));
  study = dumped_value (sc_dump, "StudyInstanceUID");
  g_assert_true (g_str_has_prefix (study, "2.25."));

  assert_dumped (pdf_dump, "SOPClassUID", "=EncapsulatedPDFStorage");
  assert_dumped (pdf_dump, "DocumentTitle", "Injection plan");
  assert_dumped (pdf_dump, "MIMETypeOfEncapsulatedDocument", "application/pdf");
  assert_dumped (pdf_dump, "StudyInstanceUID", study);
  {
    g_autofree char *sc_series = dumped_value (sc_dump, "SeriesInstanceUID");
    g_autofree char *pdf_series = dumped_value (pdf_dump, "SeriesInstanceUID");
    g_assert_cmpstr (sc_series, !=, pdf_series);
  }

  assert_same_pixels (sc, png);
  assert_plan_inside (sc, plan, results, &options);
}

/* A copy of OBXXXX1A.dcm with a known patient, and a plan on it beside it
 * (frame path relative to the plan). */
static NpPlan *
dicom_case_from (const char     *source_name,
                 guint           frame_number,
                 const char     *name,
                 NpFrame       **frame,
                 NpPlanResults **results)
{
  g_autofree char *source = g_build_filename (testdata_dir (), "dicom", "us", source_name, NULL);
  g_autofree char *dcm_name = g_strconcat (name, ".dcm", NULL);
  g_autofree char *copy = g_build_filename (tmp_dir, dcm_name, NULL);
  g_autofree char *plan_name = g_strconcat (name, ".json", NULL);
  g_autofree char *plan_path = g_build_filename (tmp_dir, plan_name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (source);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) knee = NULL;
  g_autoptr(NpFrame) knee_frame = NULL;
  g_autoptr(NpPlanResults) knee_results = NULL;
  g_autofree char *frame_path = NULL;
  NpPlan *plan;
  const NpDicomInfo *info;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (copy, 0644), ==, 0);
  {
    const char *const argv[] = { "dcmodify", "-nb", "-i", "(0010,0010)=" PATIENT_NAME,
                                 "-i", "(0010,0020)=" PATIENT_ID, copy, NULL };
    g_autofree char *out = tool_output (argv, FALSE);
    g_assert_nonnull (out);
  }

  /* The knee case's marks and calibration, on the DICOM frame. */
  knee = load_case (&knee_frame, &knee_results);
  np_plan_set_string (&knee->patient_name, "Quillfeather, Ottoline");
  np_plan_set_string (&knee->patient_id, PATIENT_ID);
  np_plan_set_string (&knee->frame_path, dcm_name);
  np_plan_set_string (&knee->frame_sha256, NULL);
  np_plan_set_string (&knee->frame_absolute_path, NULL);
  *frame = np_dicom_helper_load_frame (copy, frame_number - 1, &error);
  g_assert_no_error (error);
  info = np_frame_get_dicom_info (*frame);
  g_assert_nonnull (info);
  np_plan_set_string (&knee->dicom_sop_instance_uid, info->sop_instance_uid);
  knee->dicom_frame_number = frame_number;
  g_assert_true (np_plan_file_save (knee, NULL, plan_path, &error));
  g_assert_no_error (error);

  plan = np_plan_file_load (plan_path, &error);
  g_assert_no_error (error);
  frame_path = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GFile) resolved = g_file_new_for_path (frame_path);
    g_assert_true (g_file_equal (to, resolved));
  }
  *results = np_export_compute_results (plan, *frame, &error);
  g_assert_no_error (error);
  return plan;
}

static NpPlan *
dicom_case (const char     *name,
            NpFrame       **frame,
            NpPlanResults **results)
{
  return dicom_case_from ("OBXXXX1A.dcm", 1, name, frame, results);
}

/* A plan on frame 3 of a 10-frame cine: the reference names the frame.
 * The file's Study Date is written the ACR-NEMA way, 1994.01.30, which the
 * record writes as the DA 19940130. (dciodvfy is not run: the source's own
 * UIDs, carried over, have an illegal root.) */
static void
test_cine_source (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sc = g_build_filename (tmp_dir, "cine-sc.dcm", NULL);
  g_autofree char *sc_dump = NULL;
  NpExportOptions options;

  if (!have_tools ())
    return;
  plan = dicom_case_from ("US-PAL-8-10x-echo.dcm", 3, "cine", &frame, &results);
  g_assert_cmpuint (np_frame_get_dicom_info (frame)->frames, ==, 10);
  np_export_options_init (&options);
  g_assert_true (np_dicom_export_sc (frame, plan, results, &options, sc, &error));
  g_assert_no_error (error);
  sc_dump = dump (sc);
  assert_dumped (sc_dump, "ReferencedFrameNumber", "3");
  assert_dumped (sc_dump, "ReferencedSOPClassUID", "=UltrasoundMultiframeImageStorage");
  assert_dumped (sc_dump, "StudyDate", "19940130");
}

/* A DICOM source: the source's study and patient, a reference to it. */
static void
test_dicom_source (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (tmp_dir, "ob.png", NULL);
  g_autofree char *sc = g_build_filename (tmp_dir, "ob-sc.dcm", NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "ob-pdf.dcm", NULL);
  g_autofree char *sc_dump = NULL;
  g_autofree char *pdf_dump = NULL;
  const NpDicomInfo *info;
  NpExportOptions options;

  if (!have_tools ())
    return;
  plan = dicom_case ("ob", &frame, &results);
  info = np_frame_get_dicom_info (frame);
  np_export_options_init (&options);
  g_assert_true (np_dicom_export_files (frame, plan, results, &options, png, NULL, sc, pdf,
                                        NULL, &error));
  g_assert_no_error (error);

  assert_valid_iod (sc);
  assert_valid_iod (pdf);
  sc_dump = dump (sc);
  pdf_dump = dump (pdf);
  assert_dumped (sc_dump, "StudyInstanceUID", info->study_instance_uid);
  assert_dumped (pdf_dump, "StudyInstanceUID", info->study_instance_uid);
  assert_dumped (sc_dump, "PatientName", PATIENT_NAME);
  assert_dumped (sc_dump, "PatientID", PATIENT_ID);
  g_assert_nonnull (strstr (sc_dump, "SourceImageSequence"));
  assert_dumped (sc_dump, "ReferencedSOPInstanceUID", info->sop_instance_uid);
  assert_dumped (sc_dump, "ReferencedSOPClassUID", "=UltrasoundImageStorage");
  {
    g_autofree char *series = dumped_value (sc_dump, "SeriesInstanceUID");
    g_autofree char *sop = dumped_value (sc_dump, "SOPInstanceUID");
    g_assert_cmpstr (series, !=, info->series_instance_uid);
    g_assert_true (g_str_has_prefix (sop, "2.25."));
  }
  assert_same_pixels (sc, png);
  assert_plan_inside (sc, plan, results, &options);
}

/* Anonymised: no byte of any file names the patient or carries the
 * source's Study, Series or SOP Instance UID; a new study; the plan's
 * redaction is black in the Secondary Capture's pixels. */
static void
test_anonymised (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_build_filename (tmp_dir, "anon.png", NULL);
  g_autofree char *report = g_build_filename (tmp_dir, "anon.pdf", NULL);
  g_autofree char *sc = g_build_filename (tmp_dir, "anon-sc.dcm", NULL);
  g_autofree char *pdf = g_build_filename (tmp_dir, "anon-pdf.dcm", NULL);
  g_autofree char *source = g_build_filename (tmp_dir, "named.dcm", NULL);
  const char *const files[] = { png, report, sc, pdf };
  const char *const secrets[] = { PATIENT_NAME_WORD, "Ottoline", PATIENT_ID };
  g_autofree char *sc_dump = NULL;
  g_autofree char *pdf_dump = NULL;
  g_autofree char *sc_study = NULL;
  const NpDicomInfo *info;
  NpExportOptions options;
  gboolean exported;

  if (!have_tools ())
    return;
  plan = dicom_case ("named", &frame, &results);
  info = np_frame_get_dicom_info (frame);
  g_assert_cmpstr (info->patient_name, ==, PATIENT_NAME);
  /* The source itself does carry the identifiers the grep looks for. */
  {
    g_autofree char *data = NULL;
    gsize length = 0;
    g_assert_true (g_file_get_contents (source, &data, &length, NULL));
    g_assert_nonnull (memmem (data, length, PATIENT_ID, strlen (PATIENT_ID)));
  }

  /* A redaction over the top right corner, where the source has its
   * annotation text and the plan draws nothing. */
  {
    guint w = np_frame_get_width (frame);
    NpImageRect rect = { (double) w - 100, 4, 80, 24 };
    g_array_append_val (plan->redactions, rect);
  }

  np_export_options_init (&options);
  options.anonymise = TRUE;
  exported = np_dicom_export_files (frame, plan, results, &options, png, report, sc, pdf, NULL,
                                    &error);
  g_assert_no_error (error);
  g_assert_true (exported);
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      for (gsize k = 0; k < G_N_ELEMENTS (secrets); k++)
        assert_absent (files[i], secrets[k]);
      assert_absent (files[i], info->sop_instance_uid);
      assert_absent (files[i], info->series_instance_uid);
      assert_absent (files[i], info->study_instance_uid);
    }
  assert_redacted (sc, frame, &g_array_index (plan->redactions, NpImageRect, 0));

  assert_valid_iod (sc);
  assert_valid_iod (pdf);
  sc_dump = dump (sc);
  pdf_dump = dump (pdf);
  sc_study = dumped_value (sc_dump, "StudyInstanceUID");
  g_assert_cmpstr (sc_study, !=, info->study_instance_uid);
  g_assert_true (g_str_has_prefix (sc_study, "2.25."));
  assert_dumped (pdf_dump, "StudyInstanceUID", sc_study);
  g_assert_null (strstr (sc_dump, "SourceImageSequence"));
  assert_same_pixels (sc, png);
  assert_plan_inside (sc, plan, results, &options);
}

/* 2.25 UIDs: digits only, no leading zero, within 64 characters, new
 * each time. */
static void
test_uid (void)
{
  g_autofree char *a = np_dicom_export_new_uid ();
  g_autofree char *b = np_dicom_export_new_uid ();

  g_assert_true (g_str_has_prefix (a, "2.25."));
  g_assert_cmpuint (strlen (a), <=, 5 + 39);
  g_assert_true (a[5] != '0' || a[6] == '\0');
  for (const char *p = a + 5; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p));
  g_assert_cmpstr (a, !=, b);
}

/* The importer refuses a write whose payload does not match the image
 * size it states (10 × 10 RGB is 300 bytes, not 5) or that is not a PDF,
 * and keeps serving. */
static void
test_write_refused (void)
{
  static const guint8 bytes[5] = { 1, 2, 3, 4, 5 };
  g_autofree char *target = g_build_filename (tmp_dir, "refused.dcm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (target, &error);
  g_autoptr(JsonObject) members = json_object_new ();
  g_autoptr(GBytes) payload = g_bytes_new_static (bytes, sizeof bytes);
  g_autoptr(GBytes) written = NULL;

  g_assert_no_error (error);
  json_object_set_string_member (members, "kind", "sc");
  json_object_set_int_member (members, "rows", 10);
  json_object_set_int_member (members, "columns", 10);
  json_object_set_int_member (members, "plan_bytes", 0);
  written = np_dicom_helper_write (helper, members, payload, &error);
  g_assert_null (written);
  g_assert_error (error, NP_ERROR, NP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "does not match the payload"));
  g_clear_error (&error);

  json_object_set_string_member (members, "kind", "pdf");
  written = np_dicom_helper_write (helper, members, payload, &error);
  g_assert_null (written);
  g_assert_nonnull (strstr (error->message, "not a PDF document"));
  g_assert_true (np_dicom_helper_is_running (helper));
  np_dicom_helper_close (helper);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
}

static void
skip_no_testdata (void)
{
  g_test_skip ("no shared test data: NP_TESTDATA_DIR has no dicom/us/OBXXXX1A.dcm");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *metadata = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-test-dicom-export-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/dicom-export/uid", test_uid);
  g_test_add_func ("/dicom-export/write-refused", test_write_refused);
  g_test_add_func ("/dicom-export/png-source", test_png_source);
  metadata = g_build_filename (testdata_dir (), "dicom", "us", "OBXXXX1A.dcm", NULL);
  if (g_file_test (metadata, G_FILE_TEST_EXISTS))
    {
      g_test_add_func ("/dicom-export/dicom-source", test_dicom_source);
      g_test_add_func ("/dicom-export/anonymised", test_anonymised);
      g_test_add_func ("/dicom-export/cine-source", test_cine_source);
    }
  else
    {
      g_test_add_func ("/dicom-export/dicom-source", skip_no_testdata);
      g_test_add_func ("/dicom-export/anonymised", skip_no_testdata);
      g_test_add_func ("/dicom-export/cine-source", skip_no_testdata);
    }
  status = g_test_run ();

  {
    g_autoptr(GFile) dir = g_file_new_for_path (tmp_dir);
    g_autoptr(GFileEnumerator) children =
      g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *child;

    while (children != NULL && (child = g_file_enumerator_next_file (children, NULL, NULL)))
      {
        g_autofree char *path = g_build_filename (tmp_dir, g_file_info_get_name (child), NULL);
        g_unlink (path);
        g_object_unref (child);
      }
    g_rmdir (tmp_dir);
  }
  g_free (tmp_dir);
  return status;
}
