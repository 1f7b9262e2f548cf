/* np-export-files.c: writing the files: the PNG with the plan in its record, the
 * PDF, and both at once
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "config.h"

#include "np-export-private.h"

#include <glib/gi18n-lib.h>
#include "np-plan-labels.h"

#include "np-error.h"
#include "np-file.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-png.h"
#include "np-staged-file.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

/* ------------------------------------------------------------------------ */
/* Files                                                                      */
/* ------------------------------------------------------------------------ */

/* The frame's extension in an anonymised plan: only one NeedlePlan reads
 * (in lower case), never whatever followed the last dot of a file name
 * ("scan.Smith"), which can be part of the name itself. */
static const char *
known_frame_extension (const char *frame_path)
{
  static const char *const known[] = { ".png", ".jpg", ".jpeg", ".dcm", ".dicom", NULL };
  const char *dot = frame_path != NULL ? strrchr (frame_path, '.') : NULL;

  if (dot == NULL || strchr (dot, '/') != NULL)
    return "";
  for (guint i = 0; known[i] != NULL; i++)
    if (g_ascii_strcasecmp (dot, known[i]) == 0)
      return known[i];
  return "";
}

/**
 * np_export_anonymise_plan:
 *
 * The plan every part of an anonymised export is made from (caption,
 * report, embedded plan): the patient's name and ID cleared; the frame's
 * file name, which often carries the patient's name, becomes "frame" with
 * its extension when that is a known image extension; the absolute path
 * of the frame, the DICOM SOP Instance UID and frame number (which lead
 * back to the patient's images) and the calibration's note (free text, which may name
 * the frame's file) are left out. The SHA-256 stays (docs/export.md).
 *
 * Returns: (transfer full): the anonymised copy
 */
NpPlan *
np_export_anonymise_plan (const NpPlan *plan)
{
  NpPlan *copy;
  g_autofree char *neutral = NULL;

  g_return_val_if_fail (plan != NULL, NULL);

  copy = np_plan_copy (plan);
  neutral = g_strconcat ("frame", known_frame_extension (copy->frame_path), NULL);
  np_plan_set_string (&copy->patient_name, NULL);
  np_plan_set_string (&copy->patient_id, NULL);
  np_plan_set_string (&copy->frame_path, neutral);
  np_plan_set_string (&copy->frame_absolute_path, NULL);
  /* The plan format holds the UID and the frame number only together. */
  np_plan_set_string (&copy->dicom_sop_instance_uid, NULL);
  copy->dicom_frame_number = 0;
  g_clear_pointer (&copy->calibration->note, g_free);
  return copy;
}

static NpPlan *
plan_for_record (const NpPlan *plan,
                 gboolean      anonymise)
{
  return anonymise ? np_export_anonymise_plan (plan) : np_plan_copy (plan);
}

/**
 * np_export_plan_json:
 * @results: (nullable): stored under "results"
 * @options: (nullable): only anonymise is used
 *
 * The plan file text embedded in the annotated PNG.
 *
 * Returns: (transfer full) (nullable): the JSON, or %NULL with @error set
 */
char *
np_export_plan_json (const NpPlan           *plan,
                     const NpPlanResults    *results,
                     const NpExportOptions  *options,
                     GError                **error)
{
  g_autoptr(NpPlan) record = NULL;
  g_autoptr(JsonNode) results_json = NULL;

  g_return_val_if_fail (plan != NULL, NULL);

  record = plan_for_record (plan, options != NULL && options->anonymise);
  if (results != NULL)
    results_json = np_planner_results_to_json (results);
  return np_plan_file_to_json (record, results_json, error);
}

/* The record must never replace what it was made from. Same inode, so hard
 * links, symlinks and "./x" spellings are all caught. */
gboolean
np_export_check_destination (const NpExportJob  *job,
                             const char         *path,
                             GError            **error)
{
  return np_file_check_output (path, np_frame_get_source_path (job->frame),
                               _("the frame the export is made from"), error)
         && np_file_check_output (path, job->options.plan_path,
                                  _("the plan file the export is made from"), error);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (out, bytes, 4);
}

/* Inserts an uncompressed iTXt chunk before the first IDAT. np_png_encode()
 * compresses long text; the plan is kept readable so that the record can be
 * inspected (and checked for identifiers) without tools. */
static GBytes *
insert_itxt (GBytes      *png,
             const char  *keyword,
             const char  *text,
             GError     **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (png, &size);
  gsize keyword_length = strlen (keyword);
  gsize text_length = strlen (text);
  gsize chunk_length = keyword_length + 5 + text_length;
  gsize offset = 8;
  gsize chunk_start;
  g_autoptr(GByteArray) out = NULL;

  if (chunk_length > NP_PNG_MAX_CHUNK_BYTES)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("The plan is too large to store in the image (%lu bytes)"),
                   (unsigned long) text_length);
      return NULL;
    }

  while (offset + 8 <= size && memcmp (data + offset + 4, "IDAT", 4) != 0)
    offset += 12 + (gsize) read_be32 (data + offset);
  if (offset + 8 > size)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("The encoded image has no pixel data"));
      return NULL;
    }

  out = g_byte_array_sized_new ((guint) (size + chunk_length + 12));
  g_byte_array_append (out, data, (guint) offset);
  append_be32 (out, (guint32) chunk_length);
  chunk_start = out->len;
  g_byte_array_append (out, (const guint8 *) "iTXt", 4);
  /* keyword \0, compression flag 0, method 0, empty language tag \0, empty
   * translated keyword \0, text */
  g_byte_array_append (out, (const guint8 *) keyword, (guint) keyword_length);
  g_byte_array_append (out, (const guint8 *) "\0\0\0\0\0", 5);
  g_byte_array_append (out, (const guint8 *) text, (guint) text_length);
  append_be32 (out, (guint32) crc32 (0L, out->data + chunk_start, (uInt) (4 + chunk_length)));
  g_byte_array_append (out, data + offset, (guint) (size - offset));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* The warning for a plan of @length bytes of JSON that a PNG text chunk
 * cannot hold, or NULL when it fits. */
static char *
embed_warning (gsize length)
{
  if (strlen (NP_EXPORT_KEY_PLAN) + 5 + length <= NP_PNG_MAX_CHUNK_BYTES)
    return NULL;
  return g_strdup_printf ("The plan (%" G_GSIZE_FORMAT " bytes) is too large to store in the "
                          "image (at most %u MiB); the image is written without it: keep the "
                          "plan file with it", length, NP_PNG_MAX_CHUNK_BYTES / (1024 * 1024));
}

/**
 * np_export_plan_fits_image:
 * @results: (nullable): stored with the plan
 * @options: (nullable): only anonymise is used
 * @warning: (out) (optional) (transfer full): when it does not fit, what
 *   the export will do instead
 *
 * Whether the plan fits the annotated PNG's text chunk, for saying so
 * before an export starts; np_export_png() leaves a plan that does not fit
 * out of the image.
 */
gboolean
np_export_plan_fits_image (const NpPlan           *plan,
                           const NpPlanResults    *results,
                           const NpExportOptions  *options,
                           char                  **warning)
{
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);

  if (warning != NULL)
    *warning = NULL;
  json = np_export_plan_json (plan, results, options, NULL);
  if (json == NULL)
    return TRUE;            /* the export itself reports why it cannot write */
  message = embed_warning (strlen (json));
  if (message == NULL)
    return TRUE;
  if (warning != NULL)
    *warning = g_steal_pointer (&message);
  return FALSE;
}

/* The annotated PNG's bytes. A plan too large for a PNG text chunk is left
 * out, which is decided before the image is drawn, with @warnings saying so. */
static GBytes *
encode_png (NpExportJob  *job,
            GPtrArray    *warnings,
            GError      **error)
{
  g_autoptr(NpFrame) annotated = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autofree char *json = NULL;
  char *warning;

  json = np_export_plan_json (job->plan, job->results, &job->options, error);
  if (json == NULL)
    return NULL;
  warning = embed_warning (strlen (json));
  if (warning != NULL)
    {
      g_ptr_array_add (warnings, g_steal_pointer (&warning));
      g_clear_pointer (&json, g_free);
    }

  annotated = np_export_render_annotated (job->frame, job->plan, job->results, &job->options,
                                          error);
  if (annotated == NULL)
    return NULL;
  np_frame_set_text (annotated, NP_EXPORT_KEY_SOFTWARE, job->software);
  /* zlib level 3 with the Sub filter: a third of the time of level 6 with
   * libpng's adaptive filters, and 6 % fewer bytes on an annotated
   * ultrasound frame (tools/bench, docs/performance.md). */
  encoded = np_png_encode_filtered (annotated, 3, NP_PNG_FILTER_SUB, error);
  if (encoded == NULL || json == NULL)
    return g_steal_pointer (&encoded);
  return insert_itxt (encoded, NP_EXPORT_KEY_PLAN, json, error);
}

/**
 * np_export_png:
 * @results: (nullable): the planner's results; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Writes the annotated image (np_export_render_annotated()) with the plan
 * and its results (iTXt "needleplan:plan") and the software version (iTXt
 * "Software"). Atomic: @path is replaced whole or left as it was. Refuses
 * to write over the frame or the plan file. np_export_files() writes
 * several files together and returns the warnings.
 */
gboolean
np_export_png (NpFrame                *frame,
               const NpPlan           *plan,
               const NpPlanResults    *results,
               const NpExportOptions  *options,
               const char             *path,
               GError                **error)
{
  g_auto(GStrv) warnings = NULL;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);

  ok = np_export_files (frame, plan, results, options, path, NULL, &warnings, error);
  for (guint i = 0; warnings != NULL && warnings[i] != NULL; i++)
    g_message ("%s", warnings[i]);
  return ok;
}

/* YYYY-MM-DD, the only date form PDF metadata can be built from here. */
static gboolean
is_iso_date (const char *text)
{
  for (guint i = 0; i < 10; i++)
    if (text[i] == '\0' || ((i == 4 || i == 7) ? text[i] != '-' : !g_ascii_isdigit (text[i])))
      return FALSE;
  return text[10] == '\0';
}

static cairo_status_t
append_bytes_cb (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The report's bytes; @path only names the file in messages. */
GBytes *
np_export_encode_pdf (NpExportJob  *job,
                      const char   *path,
                      GError      **error)
{
  g_autoptr(GByteArray) bytes = NULL;
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  cairo_status_t status;
  g_autofree char *title = NULL;
  g_autofree char *site = NULL;
  const NpPlan *plan = job->plan;
  double width, height;

  np_paper_get_size (job->options.paper, &width, &height);

  bytes = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (append_bytes_cb, bytes, width, height);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  /* Metadata never names the patient: it is shown by file managers. */
  site = np_export_site_and_side (plan);
  title = g_strdup_printf (_("Injection plan report: %s, %s"), site, job->date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, job->software);
  /* A given date also dates the file, so the same input gives the same bytes. */
  if (job->options.date != NULL && is_iso_date (job->date))
    {
      g_autofree char *created = g_strdup_printf ("%sT00:00:00Z", job->date);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    }
  if (plan->clinician != NULL)
    {
      g_autofree char *clinician = np_export_clean_text (plan->clinician);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, clinician);
    }

  cr = cairo_create (surface);
  np_export_draw_report (cr, width, height, job);
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Cannot save “%s”: the report could not "
                   "be drawn (%s)"), display, cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * np_export_pdf:
 * @results: (nullable): the planner's results with intervals; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Writes the report (np_export_draw_report(), every page in one pass) on the
 * options' paper. Cairo embeds the fonts it uses. Atomic, and refuses to
 * write over the frame or the plan file.
 */
gboolean
np_export_pdf (NpFrame                *frame,
               const NpPlan           *plan,
               const NpPlanResults    *results,
               const NpExportOptions  *options,
               const char             *path,
               GError                **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  return np_export_files (frame, plan, results, options, NULL, path, NULL, error);
}

/**
 * np_export_files:
 * @png_path: (nullable): where the annotated image goes
 * @pdf_path: (nullable): where the report goes
 * @warnings: (out) (optional) (transfer full): what the user should know
 *   about files that were written, e.g. a plan too large to embed; %NULL
 *   when there is nothing to say
 *
 * Writes the annotated image and the report together: both are drawn and
 * written to temporary files first, and renamed into place only when both
 * succeeded, so a failure leaves every file as it was. Neither may be the
 * frame, the plan file or the other output.
 */
gboolean
np_export_files (NpFrame                *frame,
                 const NpPlan           *plan,
                 const NpPlanResults    *results,
                 const NpExportOptions  *options,
                 const char             *png_path,
                 const char             *pdf_path,
                 char                 ***warnings,
                 GError                **error)
{
  g_return_val_if_fail (png_path != NULL || pdf_path != NULL, FALSE);

  return np_export_files_with (frame, plan, results, options, png_path, pdf_path, NULL, warnings,
                               error);
}

/* np_export_files(), with files already staged by the caller (the DICOM
 * records, np-dicom-export.c) committed together with the PNG and PDF, or
 * discarded with them. Either path may be NULL. */
gboolean
np_export_files_with (NpFrame                *frame,
                      const NpPlan           *plan,
                      const NpPlanResults    *results,
                      const NpExportOptions  *options,
                      const char             *png_path,
                      const char             *pdf_path,
                      GPtrArray              *also,
                      char                 ***warnings,
                      GError                **error)
{
  NpExportJob job;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) staged = g_ptr_array_new_with_free_func ((GDestroyNotify) np_staged_file_free);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GBytes) pdf = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (warnings != NULL)
    *warnings = NULL;
  memset (&job, 0, sizeof job);
  if (!np_export_check_recorded (plan, options, error)
      || !np_export_job_init (&job, frame, plan, results, options, error)
      || (png_path != NULL && !np_export_check_destination (&job, png_path, error))
      || (pdf_path != NULL && !np_export_check_destination (&job, pdf_path, error))
      || (png_path != NULL && pdf_path != NULL
          && !np_file_check_output (pdf_path, png_path, _("also the image's file name"), error)))
    goto out;
  if (job.second_problem != NULL)
    g_ptr_array_add (notes, g_strdup (job.second_problem));

  if (png_path != NULL)
    {
      NpStagedFile *file;

      png = encode_png (&job, notes, error);
      if (png == NULL)
        goto out;
      file = np_staged_file_new (png_path, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                 error);
      if (file == NULL)
        goto out;
      g_ptr_array_add (staged, file);
      g_clear_pointer (&png, g_bytes_unref);
    }
  if (pdf_path != NULL)
    {
      NpStagedFile *file;

      pdf = np_export_encode_pdf (&job, pdf_path, error);
      if (pdf == NULL)
        goto out;
      file = np_staged_file_new (pdf_path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                 error);
      if (file == NULL)
        goto out;
      g_ptr_array_add (staged, file);
    }
  if (also != NULL)
    {
      gsize n = 0;
      g_autofree gpointer *files = g_ptr_array_steal (also, &n);

      for (gsize i = 0; i < n; i++)
        g_ptr_array_add (staged, files[i]);
    }
  ok = np_staged_file_commit_all (staged, error);

out:
  if (ok && warnings != NULL && notes->len > 0)
    {
      g_ptr_array_add (notes, NULL);
      *warnings = (char **) g_ptr_array_free (g_steal_pointer (&notes), FALSE);
    }
  np_export_job_clear (&job);
  return ok;
}
