/* test-pacs-query.c: PACS searches — the QIDO-RS request, the C-FIND
 * request's members, and the DICOM JSON answers both come back in
 * (np-pacs-query.c, np-pacs-query-result.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicomweb-client.h"
#include "np-error.h"
#include "np-pacs-query.h"

#include <string.h>

/* Two studies as a QIDO-RS server answers (PS3.18 F.2): names as PN
 * objects, counts as numbers or strings, several modalities, a value
 * without "Value", tags the list does not read. */
static const char studies_json[] =
  "[{\"00080020\":{\"vr\":\"DA\",\"Value\":[\"20260304\"]},"
  "\"00080050\":{\"vr\":\"SH\",\"Value\":[\"ACC-77\"]},"
  "\"00080061\":{\"vr\":\"CS\",\"Value\":[\"US\",\"OT\",\"DOC\"]},"
  "\"00081030\":{\"vr\":\"LO\"},"
  "\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Quill^Ada^M\"}]},"
  "\"00100020\":{\"vr\":\"LO\",\"Value\":[\"NPQ-1001\"]},"
  "\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4\"]},"
  "\"00201208\":{\"vr\":\"IS\",\"Value\":[3]},"
  "\"00080005\":{\"vr\":\"CS\",\"Value\":[\"ISO_IR 192\"]}},"
  "{\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Brook\"}]},"
  "\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.5\"]},"
  "\"00201208\":{\"vr\":\"IS\",\"Value\":[\"12\"]},"
  "\"00080020\":{\"vr\":\"DA\",\"Value\":[\"2026-3-4\"]}}]";

static void
test_parse_studies (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = np_pacs_query_result_list_parse (studies_json, -1,
                                                                  NP_PACS_LEVEL_STUDY,
                                                                  "the PACS “Test”", &error);
  const NpPacsQueryResult *a, *b;
  g_autofree char *a_patient = NULL;
  g_autofree char *a_date = NULL;
  g_autofree char *b_patient = NULL;
  g_autofree char *b_date = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 2);
  a = g_ptr_array_index (results, 0);
  b = g_ptr_array_index (results, 1);
  g_assert_cmpint (a->level, ==, NP_PACS_LEVEL_STUDY);
  g_assert_cmpstr (a->patient_name, ==, "Quill^Ada^M");
  g_assert_cmpstr (a->patient_id, ==, "NPQ-1001");
  g_assert_cmpstr (a->study_uid, ==, "1.2.3.4");
  g_assert_cmpstr (a->study_date, ==, "20260304");
  g_assert_cmpstr (a->accession_number, ==, "ACC-77");
  g_assert_cmpstr (a->modalities, ==, "US, OT, DOC");
  g_assert_cmpstr (a->study_description, ==, "");
  g_assert_cmpint (a->study_instances, ==, 3);
  g_assert_cmpint (a->series_number, ==, -1);
  g_assert_cmpint (np_pacs_query_result_get_content (a), ==, NP_PACS_CONTENT_IMAGES);
  a_patient = np_pacs_query_result_dup_patient_display (a);
  g_assert_cmpstr (a_patient, ==, "Quill, Ada M (NPQ-1001)");
  a_date = np_pacs_query_result_dup_date_display (a);
  g_assert_cmpstr (a_date, ==, "2026-03-04");

  g_assert_cmpstr (b->patient_name, ==, "Brook");
  g_assert_cmpstr (b->patient_id, ==, "");
  g_assert_cmpint (b->study_instances, ==, 12);
  b_patient = np_pacs_query_result_dup_patient_display (b);
  g_assert_cmpstr (b_patient, ==, "Brook");
  /* Not eight digits: shown as written. */
  b_date = np_pacs_query_result_dup_date_display (b);
  g_assert_cmpstr (b_date, ==, "2026-3-4");
}

/* The series of a study: NeedlePlan's Secondary Captures are plans, its
 * PDFs reports (by the series descriptions its export writes). */
static void
test_parse_series (void)
{
  static const char json[] =
    "[{\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.1\"]},"
    "\"00080060\":{\"vr\":\"CS\",\"Value\":[\"US\"]},"
    "\"00200011\":{\"vr\":\"IS\",\"Value\":[1]},"
    "\"00201209\":{\"vr\":\"IS\",\"Value\":[24]}},"
    "{\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.9001\"]},"
    "\"00080060\":{\"vr\":\"CS\",\"Value\":[\"OT\"]},"
    "\"0008103E\":{\"vr\":\"LO\",\"Value\":[\"NeedlePlan annotated frame\"]},"
    "\"00200011\":{\"vr\":\"IS\",\"Value\":[\"9001 \"]}},"
    "{\"0020000E\":{\"vr\":\"UI\",\"Value\":[\"1.2.3.4.9002\"]},"
    "\"00080060\":{\"vr\":\"CS\",\"Value\":[\"DOC\"]},"
    "\"0008103E\":{\"vr\":\"LO\",\"Value\":[\"NeedlePlan report\"]}}]";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = np_pacs_query_result_list_parse (json, -1, NP_PACS_LEVEL_SERIES,
                                                                  "the PACS", &error);
  const NpPacsQueryResult *images, *plan, *report;

  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 3);
  images = g_ptr_array_index (results, 0);
  plan = g_ptr_array_index (results, 1);
  report = g_ptr_array_index (results, 2);
  g_assert_cmpstr (images->modality, ==, "US");
  g_assert_cmpint (images->series_number, ==, 1);
  g_assert_cmpint (images->series_instances, ==, 24);
  g_assert_cmpint (np_pacs_query_result_get_content (images), ==, NP_PACS_CONTENT_IMAGES);
  g_assert_cmpint (plan->series_number, ==, 9001);
  g_assert_cmpint (np_pacs_query_result_get_content (plan), ==, NP_PACS_CONTENT_PLAN);
  g_assert_cmpint (np_pacs_query_result_get_content (report), ==, NP_PACS_CONTENT_REPORT);
  g_assert_cmpint (report->series_number, ==, -1);
}

static void
assert_corrupt (const char *json,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = np_pacs_query_result_list_parse (json, -1, NP_PACS_LEVEL_STUDY,
                                                                  "the PACS “Test”", &error);

  g_assert_null (results);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "the PACS “Test”"));
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
test_parse_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) empty = np_pacs_query_result_list_parse ("", 0, NP_PACS_LEVEL_STUDY,
                                                                "the PACS", &error);

  /* No body (HTTP 204) and an empty list are both no match. */
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);
  g_clear_pointer (&empty, g_ptr_array_unref);
  empty = np_pacs_query_result_list_parse ("[]", -1, NP_PACS_LEVEL_STUDY, "the PACS", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  assert_corrupt ("<html>502 Bad Gateway</html>", "is not JSON");
  assert_corrupt ("{\"0020000D\":{}}", "an array of matches");
  assert_corrupt ("[1]", "match 1 is not an object");
  assert_corrupt ("[{}, {\"00100010\":\"Doe\"}]", "match 2, 00100010 is not an object with a vr");
  assert_corrupt ("[{\"00100020\":{\"vr\":\"LO\",\"Value\":\"X\"}}]",
                  "00100020 has a Value that is not an array");
  assert_corrupt ("[{\"00100020\":{\"vr\":\"LO\",\"Value\":[[1]]}}]",
                  "neither text, a number nor a person name");
  assert_corrupt ("[{\"00201208\":{\"vr\":\"IS\",\"Value\":[\"many\"]}}]",
                  "00201208 is not a count");
  assert_corrupt ("[{\"00201208\":{\"vr\":\"IS\",\"Value\":[-4]}}]", "is not a count");
}

static void
test_study_date (void)
{
  g_autoptr(NpPacsQuery) query = np_pacs_query_new (NP_PACS_LEVEL_STUDY);
  g_autoptr(GError) error = NULL;
  const char *const bad[] = { "2026-02-30", "20261301", "2026", "yesterday", "20260305-20260301",
                              "-", "2026-03-01-2026-03-05", "20260229" };

  g_assert_true (np_pacs_query_set_study_date (query, "20260304", &error));
  g_assert_cmpstr (query->study_date, ==, "20260304");
  g_assert_true (np_pacs_query_set_study_date (query, " 2026-03-04 ", &error));
  g_assert_cmpstr (query->study_date, ==, "20260304");
  g_assert_true (np_pacs_query_set_study_date (query, "20260301-20260331", &error));
  g_assert_cmpstr (query->study_date, ==, "20260301-20260331");
  g_assert_true (np_pacs_query_set_study_date (query, "20260301-", &error));
  g_assert_cmpstr (query->study_date, ==, "20260301-");
  g_assert_true (np_pacs_query_set_study_date (query, "-20260331", &error));
  g_assert_cmpstr (query->study_date, ==, "-20260331");
  /* 2024 is a leap year, 2026 is not. */
  g_assert_true (np_pacs_query_set_study_date (query, "20240229", &error));
  g_assert_cmpstr (query->study_date, ==, "20240229");
  g_assert_true (np_pacs_query_set_study_date (query, "", &error));
  g_assert_null (query->study_date);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (np_pacs_query_set_study_date (query, bad[i], &error));
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
}

static void
test_qido (void)
{
  g_autoptr(NpPacsQuery) studies = np_pacs_query_new (NP_PACS_LEVEL_STUDY);
  g_autoptr(NpPacsQuery) series = np_pacs_query_new (NP_PACS_LEVEL_SERIES);
  g_autoptr(NpPacsQuery) instances = np_pacs_query_new (NP_PACS_LEVEL_INSTANCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *studies_url = NULL;
  g_autofree char *series_url = NULL;
  g_autofree char *instances_url = NULL;
  g_autofree char *all_url = NULL;
  g_autoptr(NpPacsQuery) all = np_pacs_query_new (NP_PACS_LEVEL_STUDY);

  studies->patient_name = g_strdup ("o'brien");
  studies->patient_id = g_strdup ("ID 7&8");
  studies->accession_number = g_strdup ("A/1");
  g_assert_true (np_pacs_query_set_study_date (studies, "20260301-20260331", &error));
  g_assert_true (np_pacs_query_check (studies, &error));
  studies_url = np_pacs_query_to_qido (studies);
  /* Space, &, ' and / escaped; the added * kept as a wildcard. */
  g_assert_cmpstr (studies_url, ==,
                   "studies?limit=5000&PatientName=o%27brien*&PatientID=ID%207%268"
                   "&AccessionNumber=A%2F1&StudyDate=20260301-20260331"
                   "&includefield=00081030&includefield=00080061&includefield=00201208"
                   "&includefield=00100030");

  all_url = np_pacs_query_to_qido (all);
  g_assert_cmpstr (all_url, ==, "studies?limit=5000&includefield=00081030&includefield=00080061"
                                "&includefield=00201208&includefield=00100030");

  series->study_uid = g_strdup ("1.2.3");
  g_assert_true (np_pacs_query_check (series, &error));
  series_url = np_pacs_query_to_qido (series);
  g_assert_cmpstr (series_url, ==, "studies/1.2.3/series?limit=5000&includefield=0008103E"
                                   "&includefield=00200011&includefield=00201209");

  instances->study_uid = g_strdup ("1.2.3");
  instances->series_uid = g_strdup ("1.2.3.4");
  g_assert_true (np_pacs_query_check (instances, &error));
  instances_url = np_pacs_query_to_qido (instances);
  g_assert_cmpstr (instances_url, ==, "studies/1.2.3/series/1.2.3.4/instances?limit=5000"
                                      "&includefield=00200013&includefield=00280008");
  g_assert_no_error (error);

  /* One instance of the study by its UID, in whatever series (a plan's
   * source frame). */
  {
    g_autoptr(NpPacsQuery) one = np_pacs_query_new (NP_PACS_LEVEL_INSTANCE);
    g_autofree char *one_url = NULL;

    one->study_uid = g_strdup ("1.2.3");
    one->sop_uid = g_strdup ("1.2.3.4.5");
    g_assert_true (np_pacs_query_check (one, &error));
    one_url = np_pacs_query_to_qido (one);
    g_assert_cmpstr (one_url, ==, "studies/1.2.3/instances?limit=5000&SOPInstanceUID=1.2.3.4.5"
                                  "&includefield=00200013&includefield=00280008");
    g_free (one->sop_uid);
    one->sop_uid = g_strdup ("1.2.3.4.5'");
    g_assert_false (np_pacs_query_check (one, &error));
    g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  }
}

static void
test_name_pattern (void)
{
  g_autoptr(NpPacsQuery) query = np_pacs_query_new (NP_PACS_LEVEL_STUDY);
  g_autofree char *plain = NULL;
  g_autofree char *wild = NULL;
  g_autofree char *single = NULL;

  g_assert_null (np_pacs_query_dup_name_pattern (query));
  query->patient_name = g_strdup ("  ");
  g_assert_null (np_pacs_query_dup_name_pattern (query));
  g_free (query->patient_name);
  query->patient_name = g_strdup (" Quill ");
  plain = np_pacs_query_dup_name_pattern (query);
  g_assert_cmpstr (plain, ==, "Quill*");
  g_free (query->patient_name);
  query->patient_name = g_strdup ("*^Ada");
  wild = np_pacs_query_dup_name_pattern (query);
  g_assert_cmpstr (wild, ==, "*^Ada");
  g_free (query->patient_name);
  query->patient_name = g_strdup ("Qu?ll^Ada");
  single = np_pacs_query_dup_name_pattern (query);
  g_assert_cmpstr (single, ==, "Qu?ll^Ada");
}

static void
test_find_members (void)
{
  g_autoptr(NpPacsQuery) query = np_pacs_query_new (NP_PACS_LEVEL_SERIES);
  NpPacsDimsePeer peer = { "pacs.example", 11112, "NEEDLEPLAN", "ARCHIVE", 20 };
  g_autoptr(JsonObject) members = NULL;

  query->study_uid = g_strdup ("1.2.3");
  query->patient_name = g_strdup ("doe");
  members = np_pacs_query_to_find_members (query, &peer);
  g_assert_cmpstr (json_object_get_string_member (members, "request"), ==, "find");
  g_assert_cmpstr (json_object_get_string_member (members, "level"), ==, "SERIES");
  g_assert_cmpstr (json_object_get_string_member (members, "host"), ==, "pacs.example");
  g_assert_cmpint (json_object_get_int_member (members, "port"), ==, 11112);
  g_assert_cmpstr (json_object_get_string_member (members, "calling_aet"), ==, "NEEDLEPLAN");
  g_assert_cmpstr (json_object_get_string_member (members, "called_aet"), ==, "ARCHIVE");
  g_assert_cmpint (json_object_get_int_member (members, "timeout"), ==, 20);
  g_assert_cmpstr (json_object_get_string_member (members, "study_uid"), ==, "1.2.3");
  g_assert_cmpstr (json_object_get_string_member (members, "series_uid"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (members, "patient_name"), ==, "doe*");
}

static void
test_check (void)
{
  g_autoptr(NpPacsQuery) query = np_pacs_query_new (NP_PACS_LEVEL_STUDY);
  g_autoptr(NpPacsQuery) series = np_pacs_query_new (NP_PACS_LEVEL_SERIES);
  g_autoptr(NpPacsQuery) instances = np_pacs_query_new (NP_PACS_LEVEL_INSTANCE);
  g_autoptr(GError) error = NULL;

  query->patient_id = g_strdup ("A\\B");
  g_assert_false (np_pacs_query_check (query, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "patient ID"));
  g_clear_error (&error);
  g_free (query->patient_id);
  query->patient_id = g_strnfill (65, 'x');
  g_assert_false (np_pacs_query_check (query, &error));
  g_clear_error (&error);
  g_free (query->patient_id);
  query->patient_id = g_strdup ("a\tb");
  g_assert_false (np_pacs_query_check (query, &error));
  g_assert_nonnull (strstr (error->message, "control character"));
  g_clear_error (&error);

  g_assert_false (np_pacs_query_check (series, &error));
  g_clear_error (&error);
  series->study_uid = g_strdup ("1.2/../3");
  g_assert_false (np_pacs_query_check (series, &error));
  g_clear_error (&error);
  instances->study_uid = g_strdup ("1.2.3");
  g_assert_false (np_pacs_query_check (instances, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
}

/* A WADO-RS answer: the part's body is what lies between the blank line
 * after its headers and the CRLF before the next delimiter. Here the body
 * is the 10 bytes "DICM\r\n--x-" (a CRLF and a dash inside the data, not
 * followed by the whole boundary). */
static void
test_multipart (void)
{
  static const char body[] =
    "preamble\r\n"
    "--b0und4ry\r\n"
    "Content-Type: application/dicom\r\n"
    "\r\n"
    "DICM\r\n--x-\r\n"
    "--b0und4ry--\r\n";
  g_autoptr(GBytes) bytes = g_bytes_new_static (body, sizeof body - 1);
  g_autoptr(GBytes) part = NULL;
  g_autoptr(GBytes) quoted = NULL;
  g_autoptr(GBytes) truncated = g_bytes_new_static (body, 60);
  g_autoptr(GError) error = NULL;

  part = np_dicomweb_client_first_part ("multipart/related; type=\"application/dicom\"; "
                                        "boundary=b0und4ry", bytes, "the server", &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (part, NULL), g_bytes_get_size (part), "DICM\r\n--x-", 10);
  quoted = np_dicomweb_client_first_part ("Multipart/Related; BOUNDARY=\"b0und4ry\"", bytes,
                                          "the server", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (quoted), ==, 10);

  g_assert_null (np_dicomweb_client_first_part ("application/dicom", bytes, "the server",
                                                &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "Content-Type application/dicom"));
  g_clear_error (&error);
  g_assert_null (np_dicomweb_client_first_part ("multipart/related; type=x", bytes, "the server",
                                                &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_clear_error (&error);
  /* Cut inside the data: no closing delimiter. */
  g_assert_null (np_dicomweb_client_first_part ("multipart/related; boundary=b0und4ry", truncated,
                                                "the server", &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "without a complete first part"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/pacs-query/parse-studies", test_parse_studies);
  g_test_add_func ("/core/pacs-query/parse-series", test_parse_series);
  g_test_add_func ("/core/pacs-query/parse-refusals", test_parse_refusals);
  g_test_add_func ("/core/pacs-query/study-date", test_study_date);
  g_test_add_func ("/core/pacs-query/qido", test_qido);
  g_test_add_func ("/core/pacs-query/name-pattern", test_name_pattern);
  g_test_add_func ("/core/pacs-query/find-members", test_find_members);
  g_test_add_func ("/core/pacs-query/check", test_check);
  g_test_add_func ("/core/pacs-query/multipart", test_multipart);
  return g_test_run ();
}
