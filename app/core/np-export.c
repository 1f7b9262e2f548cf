/* np-export.c: what the PNG and PDF exports share: options, the job,
 * words for people, text layout and file names. The image is drawn in
 * np-export-image.c, the files written in np-export-files.c and the PDF
 * report laid out in np-export-report.c
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
/* Options                                                                    */
/* ------------------------------------------------------------------------ */

void
np_export_options_init (NpExportOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->paper = NP_PAPER_A4;
}

gboolean
np_paper_from_string (const char *text,
                      NpPaper    *paper)
{
  g_return_val_if_fail (paper != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (text, "a4") == 0)
    *paper = NP_PAPER_A4;
  else if (g_ascii_strcasecmp (text, "letter") == 0)
    *paper = NP_PAPER_LETTER;
  else
    return FALSE;
  return TRUE;
}

const char *
np_paper_to_string (NpPaper paper)
{
  return paper == NP_PAPER_LETTER ? "letter" : "a4";
}

/* In points: A4 is 210 × 297 mm, Letter 8.5 × 11 in. */
void
np_paper_get_size (NpPaper  paper,
                   double  *width_pt,
                   double  *height_pt)
{
  g_return_if_fail (width_pt != NULL && height_pt != NULL);

  if (paper == NP_PAPER_LETTER)
    {
      *width_pt = 8.5 * 72.0;
      *height_pt = 11.0 * 72.0;
    }
  else
    {
      *width_pt = 210.0 / 25.4 * 72.0;
      *height_pt = 297.0 / 25.4 * 72.0;
    }
}

/* ------------------------------------------------------------------------ */
/* The job: inputs with defaults resolved                                     */
/* ------------------------------------------------------------------------ */

/**
 * np_export_compute_results:
 *
 * The planner's results for @plan on @frame, the way exports need them: the
 * field of view by np_planner_options_init_for_frame() (the calibration's
 * region, else the frame), as on the screen and in `needleplan-cli plan`,
 * and the 95 % intervals estimated.
 *
 * Returns: (transfer full) (nullable): the results, or %NULL with @error set
 */
NpPlanResults *
np_export_compute_results (const NpPlan   *plan,
                           const NpFrame  *frame,
                           GError        **error)
{
  NpPlannerOptions options;
  g_autoptr(NpPlanResults) results = NULL;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (frame != NULL, NULL);

  np_planner_options_init_for_frame (&options, plan, np_frame_get_width (frame),
                                     np_frame_get_height (frame));

  results = np_planner_compute (plan, &options, error);
  if (results == NULL)
    return NULL;
  if (!np_planner_estimate_uncertainty (plan, &options, results, error))
    return NULL;
  return g_steal_pointer (&results);
}

/* The second view @plan records, loaded from beside options->plan_path:
 * its plan and frame in job->second_plan and job->second_frame, or
 * job->second_problem saying in words why it cannot be shown. */
static void
load_second_view (NpExportJob  *job,
                  const NpPlan *plan)
{
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) second = NULL;
  g_autofree char *view = NULL;
  NpPlanFrameCheck check;

  if (plan->modality != NP_MODALITY_FLUOROSCOPY || plan->second_view_path == NULL)
    return;
  if (job->options.plan_path == NULL)
    {
      job->second_problem = g_strdup_printf (_("The plan's second view “%s” is not shown: the plan "
                                             "was not exported from a file, so the second view "
                                             "cannot be found"), plan->second_view_path);
      return;
    }
  folder = g_path_get_dirname (job->options.plan_path);
  path = g_path_is_absolute (plan->second_view_path)
    ? g_strdup (plan->second_view_path)
    : g_build_filename (folder, plan->second_view_path, NULL);
  second = np_plan_file_load (path, &error);
  if (second != NULL)
    job->second_frame = np_plan_file_load_frame (second, path, &check, NULL, &error);
  if (second == NULL || job->second_frame == NULL)
    {
      job->second_problem = g_strdup_printf (_("The plan's second view “%s” is not shown: %s"),
                                             plan->second_view_path, error->message);
      return;
    }
  job->second_plan = g_steal_pointer (&second);
  view = g_utf8_strdown (np_view_label (job->second_plan->view), -1);
  job->second_caption = g_strdup_printf (_("Second view (%s, %g°%s)"),
                                         view,
                                         plan->second_view_angle_deg,
                                         plan->second_view_mirrored ? _(", mirrored") : "");
}

/* The two-view results of @plan with job->second_plan, intervals estimated. */
static NpPlanResults *
compute_two_view_results (const NpExportJob  *job,
                          const NpPlan       *plan,
                          GError            **error)
{
  NpPlannerOptions options;
  g_autoptr(NpPlanResults) results = NULL;

  np_planner_options_init_for_frame (&options, plan, np_frame_get_width (job->frame),
                                     np_frame_get_height (job->frame));
  results = np_planner_compute_two_views (plan, job->second_plan, plan->second_view_angle_deg,
                                          &options, error);
  if (results == NULL || !np_planner_estimate_uncertainty (plan, &options, results, error))
    return NULL;
  return g_steal_pointer (&results);
}

static gboolean
job_init (NpExportJob           *job,
          NpFrame               *frame,
          const NpPlan          *plan,
          const NpPlanResults   *results,
          const NpExportOptions *options,
          gboolean               with_second_view,
          GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  memset (job, 0, sizeof *job);
  job->image_scale = 1.0;
  job->frame = frame;
  job->plan = plan;
  if (options != NULL)
    job->options = *options;
  else
    np_export_options_init (&job->options);
  /* Every part of an anonymised export is drawn from the anonymised copy,
   * so nothing left out of one part can surface in another. */
  if (job->options.anonymise)
    {
      job->owned_plan = np_export_anonymise_plan (plan);
      job->plan = job->owned_plan;
    }

  if (job->options.date != NULL && *job->options.date != '\0')
    job->date = np_export_clean_text (job->options.date);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      job->date = g_date_time_format (now, "%Y-%m-%d");
    }
  job->software = g_strdup_printf ("NeedlePlan %s", job->options.software_version != NULL
                                                    ? job->options.software_version
                                                    : PACKAGE_VERSION);
  if (!job->options.has_window)
    {
      job->options.window = np_window_level_default (frame);
      job->options.has_window = TRUE;
    }

  if (with_second_view)
    load_second_view (job, plan);
  if (job->second_plan != NULL)
    {
      NpExportOptions second_options = job->options;
      g_autoptr(GError) second_error = NULL;

      /* Its own frame's window, and its own marks' one-view results. */
      second_options.has_window = FALSE;
      second_options.plan_path = NULL;
      job->second = g_new0 (NpExportJob, 1);
      if (!job_init (job->second, job->second_frame, job->second_plan, NULL, &second_options,
                     FALSE, &second_error))
        {
          job->second_problem = g_strdup_printf (_("The plan's second view “%s” is not shown: %s"),
                                                 plan->second_view_path, second_error->message);
          np_export_job_clear (job->second);
          g_clear_pointer (&job->second, g_free);
          g_clear_pointer (&job->second_caption, g_free);
        }
    }

  /* Results given without the pair (a window showing one view) are
   * replaced by the pair's, so the files show what the plan records. */
  if (results != NULL && (job->second == NULL || results->has_two_views))
    {
      job->results = results;
      return TRUE;
    }

  if (job->second != NULL)
    job->owned_results = compute_two_view_results (job, plan, &local_error);
  else
    job->owned_results = np_export_compute_results (plan, frame, &local_error);
  job->results = job->owned_results;
  if (job->results != NULL)
    return TRUE;
  job->results_problem = g_strdup (local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* Returns FALSE, with @error set and job->results_problem saying why, when
 * no results were given and the planner refuses the plan. The job must be
 * cleared either way. A fluoroscopy plan that records its second view
 * (options->plan_path locates it) brings it along: job->second, or
 * job->second_problem. */
gboolean
np_export_job_init (NpExportJob           *job,
                    NpFrame               *frame,
                    const NpPlan          *plan,
                    const NpPlanResults   *results,
                    const NpExportOptions *options,
                    GError               **error)
{
  return job_init (job, frame, plan, results, options, TRUE, error);
}

void
np_export_job_clear (NpExportJob *job)
{
  if (job->second != NULL)
    {
      np_export_job_clear (job->second);
      g_clear_pointer (&job->second, g_free);
    }
  g_clear_pointer (&job->second_frame, np_frame_unref);
  g_clear_pointer (&job->second_plan, np_plan_free);
  g_clear_pointer (&job->second_caption, g_free);
  g_clear_pointer (&job->second_problem, g_free);
  g_clear_pointer (&job->owned_results, np_plan_results_free);
  g_clear_pointer (&job->owned_plan, np_plan_free);
  g_clear_pointer (&job->results_problem, g_free);
  g_clear_pointer (&job->date, g_free);
  g_clear_pointer (&job->software, g_free);
}

/* ------------------------------------------------------------------------ */
/* Words                                                                      */
/* ------------------------------------------------------------------------ */

/* A structure's kind inside a sentence: "vessel", "other structure". */
char *
np_export_structure_kind_text (NpStructureKind kind)
{
  return g_utf8_strdown (np_structure_kind_label (kind), -1);
}

/* "Knee, left"; what was not chosen says so: "Knee, side not recorded",
 * "Site not recorded, left". */
char *
np_export_site_and_side (const NpPlan *plan)
{
  g_autofree char *side = NULL;
  const char *site = plan->site == NP_SITE_UNSPECIFIED ? _("Site not recorded")
                                                       : np_site_label (plan->site);

  if (plan->side == NP_SIDE_UNSPECIFIED)
    return g_strdup_printf (_("%s, side not recorded"), site);
  side = g_utf8_strdown (np_side_label (plan->side), -1);
  return g_strdup_printf ("%s, %s", site, side);
}

/**
 * np_export_propose_redaction:
 * @frame_width: the frame's width in pixels
 * @rect: (out): the proposed redaction
 *
 * Scanners burn the patient's name, the date and the exam number into the
 * header band above the imaging region. When the calibration knows that
 * region (typed, or found by the automatic calibration), the band from the
 * frame's top to the region's top, across the whole width, is the redaction
 * to propose when anonymising.
 *
 * Returns: whether there is a band to propose
 */
gboolean
np_export_propose_redaction (const NpPlan *plan,
                             guint         frame_width,
                             NpImageRect  *rect)
{
  const NpCalibration *cal;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  cal = plan->calibration;
  if (cal == NULL || !cal->has_region || cal->region.y < 1 || frame_width == 0)
    return FALSE;
  *rect = (NpImageRect) { 0, 0, frame_width, floor (cal->region.y) };
  return TRUE;
}

/**
 * np_export_check_recorded:
 * @options: (nullable): %NULL for the defaults
 *
 * A record of an injection names where it went: an export without the site
 * or the side is refused, unless the user chose to leave them out
 * (@options->allow_unrecorded), and then the record says "not recorded".
 * Nothing is ever filled in for the user.
 *
 * Returns: whether the plan may be exported
 */
gboolean
np_export_check_recorded (const NpPlan           *plan,
                          const NpExportOptions  *options,
                          GError                **error)
{
  const char *missing;

  g_return_val_if_fail (plan != NULL, FALSE);

  if (options != NULL && options->allow_unrecorded)
    return TRUE;
  if (plan->site == NP_SITE_UNSPECIFIED && plan->side == NP_SIDE_UNSPECIFIED)
    missing = _("the site and the side");
  else if (plan->site == NP_SITE_UNSPECIFIED)
    missing = _("the site");
  else if (plan->side == NP_SIDE_UNSPECIFIED)
    missing = _("the side");
  else
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
               _("The plan does not record %s of the injection: choose them in the Case section, "
               "or export them as not recorded"), missing);
  return FALSE;
}

/* Millimetres to a tenth; pixels whole, since a tenth of a pixel is noise. */
char *
np_export_format_length (const NpPlanResults *results,
                         double               value)
{
  if (results->calibrated)
    return g_strdup_printf ("%.1f mm", value);
  return g_strdup_printf ("%.0f px", value);
}

char *
np_export_format_interval (const NpPlanResults *results,
                           const double         interval[2])
{
  if (results->calibrated)
    return g_strdup_printf ("%.1f–%.1f mm", interval[0], interval[1]);
  return g_strdup_printf ("%.0f–%.0f px", interval[0], interval[1]);
}

/* A single fluoroscopic view with the entry on the target: the needle runs
 * along the beam and its projection is a point, with no length or angle. */
gboolean
np_export_is_down_the_beam (const NpPlanResults *results)
{
  return results->has_projection && !results->has_path
         && results->projected_path_length < 1e-9;
}

/* "38 mm (1.5 in)", or NULL without a recommendation. */
char *
np_export_needle_text (const NpPlanResults *results)
{
  if (results == NULL || !results->has_needle)
    return NULL;
  return g_strdup_printf ("%u mm (%g in)", results->needle_mm, results->needle_inch);
}

/* "22 G or 25 G", or NULL when the approach names none. */
char *
np_export_gauges_text (const NpPlanResults *results)
{
  GString *text;

  if (results == NULL || results->gauges == NULL || results->gauges[0] == 0)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; results->gauges[i] != 0; i++)
    {
      if (i > 0)
        g_string_append (text, results->gauges[i + 1] == 0 ? _(" or ") : ", ");
      g_string_append_printf (text, "%u G", results->gauges[i]);
    }
  return g_string_free (text, FALSE);
}

/* "4.1 mm (femoral artery)" or "path crosses the femoral artery". */
char *
np_export_clearance_text (const NpPlanResults *results,
                          guint                index)
{
  const NpStructureClearance *c;
  g_autofree char *label = NULL;
  g_autofree char *length = NULL;

  g_return_val_if_fail (results->clearances != NULL && index < results->clearances->len, NULL);

  c = &g_array_index (results->clearances, NpStructureClearance, index);
  label = c->label != NULL ? np_export_clean_text (c->label) : np_export_structure_kind_text (c->kind);
  if (c->entered)
    return g_strdup_printf (_("path crosses the %s"), label);
  length = np_export_format_length (results, c->clearance);
  return g_strdup_printf ("%s (%s)", length, label);
}

/* Valid UTF-8 without control characters other than newlines: the toy text
 * API draws neither, and an invalid string would put the context in an
 * error state for the rest of the page. */
char *
np_export_clean_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append_c (out, '\n');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                       */
/* ------------------------------------------------------------------------ */

void
np_export_setup_text (cairo_t *cr)
{
  cairo_font_options_t *font_options = cairo_font_options_create ();

  /* Unhinted metrics: widths are then the same on an image, a PDF and a
   * printer, so the page breaks of the PDF are those of the print. */
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (font_options, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options (cr, font_options);
  cairo_font_options_destroy (font_options);
}

void
np_export_set_font (cairo_t  *cr,
                    double    size,
                    gboolean  bold)
{
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

double
np_export_text_width (cairo_t    *cr,
                      const char *text)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  return extents.x_advance;
}

/* Appends @word to @lines in pieces no wider than @width, leaving the last
 * piece in @line. */
static void
break_long_word (cairo_t    *cr,
                 const char *word,
                 double      width,
                 GPtrArray  *lines,
                 GString    *line)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gsize before = line->len;

      g_string_append_len (line, p, g_utf8_next_char (p) - p);
      if (before > 0 && np_export_text_width (cr, line->str) > width)
        {
          g_string_truncate (line, before);
          g_ptr_array_add (lines, g_strdup (line->str));
          g_string_assign (line, "");
          g_string_append_len (line, p, g_utf8_next_char (p) - p);
        }
    }
}

/**
 * np_export_wrap_text:
 *
 * Breaks @text into lines no wider than @width with the current font, at
 * spaces, and inside words only when a word alone is too wide. Newlines
 * start a new line.
 *
 * Returns: (transfer full): the lines (char *), none for empty text
 */
GPtrArray *
np_export_wrap_text (cairo_t    *cr,
                     const char *text,
                     double      width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *clean = np_export_clean_text (text);
  g_auto(GStrv) paragraphs = NULL;

  if (*clean == '\0')
    return lines;

  paragraphs = g_strsplit (clean, "\n", -1);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (paragraphs[i], " ", -1);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint k = 0; words[k] != NULL; k++)
        {
          gsize before = line->len;

          if (*words[k] == '\0')
            continue;
          if (line->len > 0)
            g_string_append_c (line, ' ');
          g_string_append (line, words[k]);
          if (np_export_text_width (cr, line->str) <= width)
            continue;

          g_string_truncate (line, before);
          if (line->len > 0)
            {
              g_ptr_array_add (lines, g_strdup (line->str));
              g_string_assign (line, "");
            }
          if (np_export_text_width (cr, words[k]) <= width)
            g_string_assign (line, words[k]);
          else
            break_long_word (cr, words[k], width, lines, line);
        }
      g_ptr_array_add (lines, g_strdup (line->str));
    }
  return lines;
}

/* ------------------------------------------------------------------------ */
/* File names                                                                 */
/* ------------------------------------------------------------------------ */

/* Letters, digits, '.', '_' and '-' stay; every other run becomes one '-'. */
static void
append_slug (GString    *out,
             const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  gboolean dash = out->len > 0 && out->str[out->len - 1] != '-';

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || c == '_' || (c == '.' && out->len > 0))
        {
          if (dash)
            g_string_append_c (out, '-');
          dash = FALSE;
          g_string_append_unichar (out, g_unichar_tolower (c));
        }
      else
        dash = out->len > 0;
    }
}

/**
 * np_export_suggest_filename:
 * @date: (nullable): the day to name, %NULL for today
 * @extension: "png", ".pdf", ...
 *
 * A file name for an export: the date, then site and side, e.g.
 * "2026-03-14-knee-left.pdf". Never the patient's name or ID, anonymised or
 * not: a file name is seen in folder listings, mail attachments and print
 * queues that the record's access rules do not cover.
 *
 * Returns: (transfer full): the file name, without a folder
 */
char *
np_export_suggest_filename (const NpPlan *plan,
                            GDateTime    *date,
                            const char   *extension)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) suffix = g_string_new (NULL);
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *day = NULL;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (extension != NULL, NULL);

  if (date == NULL)
    date = now = g_date_time_new_now_local ();
  day = g_date_time_format (date, "%Y-%m-%d");
  g_string_append (name, day);

  append_slug (name, np_site_to_string (plan->site));
  if (plan->side != NP_SIDE_UNSPECIFIED)
    append_slug (name, np_side_to_string (plan->side));

  if (*extension == '.')
    extension++;
  append_slug (suffix, extension);
  if (suffix->len > 0)
    g_string_append_printf (name, ".%s", suffix->str);
  return g_string_free (g_steal_pointer (&name), FALSE);
}
