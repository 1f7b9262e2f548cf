/* np-dicom-export.c: the annotated frame as a Secondary Capture and the
 * report as an Encapsulated PDF (docs/dicom.md, "Saving as DICOM")
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core decides every attribute and draws the pixels with the PNG
 * export's code; the importer process (needleplan-dicom, `write`) lays them
 * out with DCMTK and returns the file's bytes, which are staged and renamed
 * into place here, all files together or none.
 */

#define G_LOG_DOMAIN "np-core"

#include "np-dicom-export.h"

#include <glib/gi18n-lib.h>

#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-export-private.h"
#include "np-file.h"
#include "np-staged-file.h"

#include <string.h>

/* DICOM PN and LO hold 64 characters. */
#define MAX_TEXT_CHARS 64

/**
 * np_dicom_export_new_uid:
 *
 * A new UID in the "2.25." form: a random UUID written as one decimal
 * number (PS3.5 B.2), so no organisation root is needed.
 *
 * Returns: (transfer full): the UID
 */
char *
np_dicom_export_new_uid (void)
{
  g_autofree char *uuid = g_uuid_string_random ();
  guint32 limbs[4] = { 0 };
  char digits[48];
  guint n = 0, k = 0;
  gboolean nonzero;

  for (const char *p = uuid; *p != '\0'; p++)
    if (*p != '-')
      {
        limbs[k / 8] = (limbs[k / 8] << 4) | (guint32) g_ascii_xdigit_value (*p);
        k++;
      }
  /* Long division by 10 of the 128-bit number, most significant limb first. */
  do
    {
      guint64 remainder = 0;

      nonzero = FALSE;
      for (guint i = 0; i < 4; i++)
        {
          guint64 current = (remainder << 32) | limbs[i];
          limbs[i] = (guint32) (current / 10);
          remainder = current % 10;
          nonzero |= limbs[i] != 0;
        }
      digits[n++] = (char) ('0' + remainder);
    }
  while (nonzero);
  digits[n] = '\0';
  g_strreverse (digits);
  return g_strconcat ("2.25.", digits, NULL);
}

/* A value fit for a DICOM string: no backslash (the value separator), no
 * control characters, at most @max characters. */
static char *
dicom_text (const char *text,
            glong       max)
{
  g_autofree char *valid = NULL;
  char *clean;

  if (text == NULL)
    return g_strdup ("");
  valid = g_utf8_make_valid (text, -1);
  for (char *p = valid; *p != '\0'; p++)
    if (*p == '\\' || (guchar) *p < 0x20)
      *p = ' ';
  clean = g_utf8_substring (valid, 0, MIN (max, g_utf8_strlen (valid, -1)));
  return g_strstrip (clean);
}

static char *
digits_only (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* A DA value: ACR-NEMA's "1994.01.30" becomes 19940130; anything else
 * that is not eight digits is left out rather than copied invalid. */
static char *
dicom_date (const char *text)
{
  g_autofree char *digits = digits_only (text);

  return g_strdup (strlen (digits) == 8 ? digits : "");
}

/* The attributes both records share: patient, study, dates, software. */
static JsonObject *
common_members (const NpExportJob *job,
                const char        *study_uid)
{
  JsonObject *members = json_object_new ();
  const NpDicomInfo *info = np_frame_get_dicom_info (job->frame);
  gboolean anonymise = job->options.anonymise;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *content_date = NULL;
  g_autofree char *content_time = g_date_time_format (now, "%H%M%S");
  g_autofree char *software = dicom_text (job->software, MAX_TEXT_CHARS);
  g_autofree char *birth_date = NULL;
  g_autofree char *study_date = NULL;
  struct { const char *member; const char *value; } patient[] = {
    { "patient_name", NULL }, { "patient_id", NULL }, { "patient_birth_date", NULL },
    { "patient_sex", NULL }, { "study_date", NULL }, { "accession_number", NULL },
    { "referring_physician", NULL },
  };

  /* The report's date when one was given, so that the same input gives the
   * same dates. */
  content_date = job->options.date != NULL ? digits_only (job->options.date)
                                           : g_date_time_format (now, "%Y%m%d");
  if (!anonymise && info != NULL)
    {
      patient[0].value = info->patient_name;
      patient[1].value = info->patient_id;
      birth_date = dicom_date (info->patient_birth_date);
      study_date = dicom_date (info->study_date);
      patient[2].value = birth_date;
      patient[3].value = info->patient_sex;
      patient[4].value = study_date;
      patient[5].value = info->accession_number;
      patient[6].value = info->referring_physician;
    }
  else if (!anonymise)
    {
      patient[0].value = job->plan->patient_name;
      patient[1].value = job->plan->patient_id;
      patient[4].value = content_date;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (patient); i++)
    {
      g_autofree char *text = dicom_text (patient[i].value, MAX_TEXT_CHARS);
      json_object_set_string_member (members, patient[i].member, text);
    }
  /* A study of our own (a PNG or JPEG source, or anonymised) is dated and
   * named by the export. */
  if (info == NULL || anonymise)
    {
      json_object_set_string_member (members, "study_time", anonymise ? "" : content_time);
      json_object_set_string_member (members, "study_description",
                                     NP_DICOM_EXPORT_DOCUMENT_TITLE);
    }
  json_object_set_string_member (members, "study_instance_uid", study_uid);
  json_object_set_string_member (members, "content_date", content_date);
  json_object_set_string_member (members, "content_time", content_time);
  json_object_set_string_member (members, "software_versions", software);
  return members;
}

static GBytes *
write_record (NpDicomHelper *helper,
              JsonObject    *members,
              GBytes        *payload,
              const char    *path,
              GError       **error)
{
  GBytes *bytes = np_dicom_helper_write (helper, members, payload, error);

  if (bytes == NULL)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_prefix_error (error, _("Cannot save “%s” as DICOM: "), display);
    }
  return bytes;
}

/* The Secondary Capture: the annotated frame exactly as the PNG export
 * draws it, as RGB rows, with the plan JSON in the private block. */
static GBytes *
encode_sc (NpExportJob   *job,
           NpDicomHelper *helper,
           const char    *study_uid,
           const char    *path,
           GError       **error)
{
  g_autoptr(JsonObject) members = common_members (job, study_uid);
  const NpDicomInfo *info = np_frame_get_dicom_info (job->frame);
  g_autoptr(NpFrame) annotated = NULL;
  g_autofree char *json = NULL;
  g_autofree char *sop_uid = np_dicom_export_new_uid ();
  g_autofree char *series_uid = np_dicom_export_new_uid ();
  g_autoptr(GByteArray) payload = NULL;
  g_autoptr(GBytes) payload_bytes = NULL;
  guint width, height, channels;

  json = np_export_plan_json (job->plan, job->results, &job->options, error);
  if (json == NULL)
    return NULL;
  annotated = np_export_render_annotated (job->frame, job->plan, job->results, &job->options,
                                          error);
  if (annotated == NULL)
    return NULL;
  width = np_frame_get_width (annotated);
  height = np_frame_get_height (annotated);
  channels = np_frame_get_channels (annotated);
  g_return_val_if_fail (channels == 3 && np_frame_get_bit_depth (annotated) == 8, NULL);

  payload = g_byte_array_sized_new ((guint) (strlen (json) + (gsize) width * height * 3));
  g_byte_array_append (payload, (const guint8 *) json, (guint) strlen (json));
  for (guint y = 0; y < height; y++)
    g_byte_array_append (payload, np_frame_get_data (annotated) + y * np_frame_get_stride (annotated),
                         width * 3);
  payload_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&payload));

  json_object_set_string_member (members, "kind", "sc");
  json_object_set_string_member (members, "sop_instance_uid", sop_uid);
  json_object_set_string_member (members, "series_instance_uid", series_uid);
  json_object_set_string_member (members, "series_number", "9001");
  json_object_set_string_member (members, "series_description",
                                 NP_DICOM_EXPORT_SC_SERIES_DESCRIPTION);
  json_object_set_int_member (members, "rows", height);
  json_object_set_int_member (members, "columns", width);
  json_object_set_int_member (members, "plan_bytes", (gint64) strlen (json));
  /* General Series' Laterality (type 2C): the side planned on. */
  json_object_set_string_member (members, "laterality",
                                 job->plan->side == NP_SIDE_LEFT    ? "L"
                                 : job->plan->side == NP_SIDE_RIGHT ? "R"
                                                                    : "");
  /* An anonymised record does not point back at the patient's images. */
  if (info != NULL && !job->options.anonymise && info->sop_instance_uid[0] != '\0')
    {
      json_object_set_string_member (members, "source_sop_class_uid", info->sop_class_uid);
      json_object_set_string_member (members, "source_sop_instance_uid", info->sop_instance_uid);
      if (info->frames > 1 && job->plan->dicom_frame_number > 0)
        json_object_set_int_member (members, "source_frame", job->plan->dicom_frame_number);
    }
  return write_record (helper, members, payload_bytes, path, error);
}

static GBytes *
encode_pdf_record (NpExportJob   *job,
                   NpDicomHelper *helper,
                   const char    *study_uid,
                   const char    *path,
                   GError       **error)
{
  g_autoptr(JsonObject) members = common_members (job, study_uid);
  g_autofree char *sop_uid = np_dicom_export_new_uid ();
  g_autofree char *series_uid = np_dicom_export_new_uid ();
  g_autoptr(GBytes) pdf = NULL;

  pdf = np_export_encode_pdf (job, path, error);
  if (pdf == NULL)
    return NULL;
  json_object_set_string_member (members, "kind", "pdf");
  json_object_set_string_member (members, "sop_instance_uid", sop_uid);
  json_object_set_string_member (members, "series_instance_uid", series_uid);
  json_object_set_string_member (members, "series_number", "9002");
  json_object_set_string_member (members, "series_description",
                                 NP_DICOM_EXPORT_PDF_SERIES_DESCRIPTION);
  json_object_set_string_member (members, "document_title", NP_DICOM_EXPORT_DOCUMENT_TITLE);
  /* The report names the patient unless it is anonymised. */
  json_object_set_string_member (members, "burned_in", job->options.anonymise ? "NO" : "YES");
  return write_record (helper, members, pdf, path, error);
}

static gboolean
stage (GPtrArray   *staged,
       const char  *path,
       GBytes      *bytes,
       GError     **error)
{
  NpStagedFile *file = np_staged_file_new (path, g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), error);
  if (file == NULL)
    return FALSE;
  g_ptr_array_add (staged, file);
  return TRUE;
}

/**
 * np_dicom_export_files:
 * @png_path: (nullable): the annotated PNG, as np_export_files()
 * @pdf_path: (nullable): the report, as np_export_files()
 * @sc_path: (nullable): the annotated frame as a Secondary Capture
 * @pdf_dicom_path: (nullable): the report as an Encapsulated PDF
 * @warnings: (out) (optional) (transfer full): as np_export_files()
 *
 * Writes every requested file, all or none: the DICOM records are encoded
 * by a needleplan-dicom process started for the job, staged beside their
 * targets and renamed into place together with the PNG and the PDF. Both
 * records go into the source DICOM's study; for a PNG or JPEG source, or
 * anonymised, into one new study. No output may be the frame, the plan
 * file or another output.
 */
gboolean
np_dicom_export_files (NpFrame                *frame,
                       const NpPlan           *plan,
                       const NpPlanResults    *results,
                       const NpExportOptions  *options,
                       const char             *png_path,
                       const char             *pdf_path,
                       const char             *sc_path,
                       const char             *pdf_dicom_path,
                       char                 ***warnings,
                       GError                **error)
{
  NpExportJob job;
  const char *outputs[] = { png_path, pdf_path, sc_path, pdf_dicom_path };
  g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func ((GDestroyNotify) np_staged_file_free);
  g_autoptr(NpDicomHelper) helper = NULL;
  g_autoptr(GBytes) sc = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *study_uid = NULL;
  const NpDicomInfo *info;
  gboolean ok = FALSE;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (sc_path != NULL || pdf_dicom_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (warnings != NULL)
    *warnings = NULL;
  if (!np_export_job_init (&job, frame, plan, results, options, error))
    goto out;
  for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      if (outputs[i] == NULL)
        continue;
      if (!np_export_check_destination (&job, outputs[i], error))
        goto out;
      for (gsize j = i + 1; j < G_N_ELEMENTS (outputs); j++)
        if (outputs[j] != NULL
            && !np_file_check_output (outputs[j], outputs[i], _("also another file of the export"),
                                      error))
          goto out;
    }

  info = np_frame_get_dicom_info (frame);
  if (info != NULL && !job.options.anonymise && info->study_instance_uid[0] != '\0')
    study_uid = g_strdup (info->study_instance_uid);
  else
    study_uid = np_dicom_export_new_uid ();

  helper = np_dicom_helper_new (sc_path != NULL ? sc_path : pdf_dicom_path, error);
  if (helper == NULL)
    goto out;
  if (sc_path != NULL)
    {
      sc = encode_sc (&job, helper, study_uid, sc_path, error);
      if (sc == NULL || !stage (staged, sc_path, sc, error))
        goto out;
      g_clear_pointer (&sc, g_bytes_unref);
    }
  if (pdf_dicom_path != NULL)
    {
      pdf = encode_pdf_record (&job, helper, study_uid, pdf_dicom_path, error);
      if (pdf == NULL || !stage (staged, pdf_dicom_path, pdf, error))
        goto out;
      g_clear_pointer (&pdf, g_bytes_unref);
    }
  np_dicom_helper_close (helper);

  if (png_path != NULL || pdf_path != NULL)
    ok = np_export_files_with (frame, plan, results, options, png_path, pdf_path, staged,
                               warnings, error);
  else
    ok = np_staged_file_commit_all (staged, error);

out:
  if (helper != NULL)
    np_dicom_helper_close (helper);
  np_export_job_clear (&job);
  return ok;
}

/**
 * np_dicom_export_sc:
 * @results: (nullable): the planner's results; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Writes the annotated frame as a Secondary Capture with the plan inside
 * (np_dicom_export_files()).
 */
gboolean
np_dicom_export_sc (NpFrame                *frame,
                    const NpPlan           *plan,
                    const NpPlanResults    *results,
                    const NpExportOptions  *options,
                    const char             *path,
                    GError                **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  return np_dicom_export_files (frame, plan, results, options, NULL, NULL, path, NULL, NULL,
                                error);
}

/**
 * np_dicom_export_pdf:
 * @results: (nullable): the planner's results; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Writes the report as an Encapsulated PDF (np_dicom_export_files()).
 */
gboolean
np_dicom_export_pdf (NpFrame                *frame,
                     const NpPlan           *plan,
                     const NpPlanResults    *results,
                     const NpExportOptions  *options,
                     const char             *path,
                     GError                **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  return np_dicom_export_files (frame, plan, results, options, NULL, NULL, NULL, path, NULL,
                                error);
}
