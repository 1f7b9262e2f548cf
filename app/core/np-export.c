/* np-export.c: the annotated PNG, the PDF file and what they share
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "config.h"

#include "np-export-private.h"

#include "np-error.h"
#include "np-file.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-png.h"

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
 * frame is the imaging field and the 95 % intervals are estimated.
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

  np_planner_options_init (&options);
  options.has_field = TRUE;
  options.field = (NpImageRect) { 0, 0, np_frame_get_width (frame), np_frame_get_height (frame) };

  results = np_planner_compute (plan, &options, error);
  if (results == NULL)
    return NULL;
  if (!np_planner_estimate_uncertainty (plan, &options, results, error))
    return NULL;
  return g_steal_pointer (&results);
}

/* Returns FALSE, with @error set and job->results_problem saying why, when
 * no results were given and the planner refuses the plan. The job must be
 * cleared either way. */
gboolean
np_export_job_init (NpExportJob           *job,
                    NpFrame               *frame,
                    const NpPlan          *plan,
                    const NpPlanResults   *results,
                    const NpExportOptions *options,
                    GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  memset (job, 0, sizeof *job);
  job->frame = frame;
  job->plan = plan;
  if (options != NULL)
    job->options = *options;
  else
    np_export_options_init (&job->options);

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

  if (results != NULL)
    {
      job->results = results;
      return TRUE;
    }

  job->owned_results = np_export_compute_results (plan, frame, &local_error);
  job->results = job->owned_results;
  if (job->results != NULL)
    return TRUE;
  job->results_problem = g_strdup (local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
np_export_job_clear (NpExportJob *job)
{
  g_clear_pointer (&job->owned_results, np_plan_results_free);
  g_clear_pointer (&job->results_problem, g_free);
  g_clear_pointer (&job->date, g_free);
  g_clear_pointer (&job->software, g_free);
}

/* ------------------------------------------------------------------------ */
/* Words                                                                      */
/* ------------------------------------------------------------------------ */

const char *
np_export_site_name (NpSite site)
{
  static const char *const names[] = {
    [NP_SITE_KNEE] = "Knee", [NP_SITE_SHOULDER] = "Shoulder", [NP_SITE_HIP] = "Hip",
    [NP_SITE_TENDON] = "Tendon", [NP_SITE_LIGAMENT] = "Ligament",
    [NP_SITE_SOFT_TISSUE] = "Soft tissue",
  };
  return (guint) site < G_N_ELEMENTS (names) ? names[site] : "Unknown site";
}

const char *
np_export_side_name (NpSide side)
{
  switch (side)
    {
    case NP_SIDE_LEFT: return "left";
    case NP_SIDE_RIGHT: return "right";
    case NP_SIDE_UNSPECIFIED:
    default: return NULL;
    }
}

const char *
np_export_condition_name (NpCondition condition)
{
  static const char *const names[] = {
    [NP_CONDITION_UNSPECIFIED] = NULL,
    [NP_CONDITION_OSTEOARTHRITIS] = "Osteoarthritis",
    [NP_CONDITION_TENDON_TEAR] = "Tendon tear",
    [NP_CONDITION_LIGAMENT_INJURY] = "Ligament injury",
    [NP_CONDITION_CARTILAGE_DEFECT] = "Cartilage defect",
    [NP_CONDITION_CHRONIC_SOFT_TISSUE] = "Chronic soft-tissue condition",
  };
  return (guint) condition < G_N_ELEMENTS (names) ? names[condition] : NULL;
}

const char *
np_export_injectate_name (NpInjectate injectate)
{
  static const char *const names[] = {
    [NP_INJECTATE_UNSPECIFIED] = NULL,
    [NP_INJECTATE_BONE_MARROW_CONCENTRATE] = "Bone marrow concentrate",
    [NP_INJECTATE_ADIPOSE_CELLS] = "Adipose-derived cells",
    [NP_INJECTATE_PRP] = "Platelet-rich plasma (PRP)",
    [NP_INJECTATE_CORTICOSTEROID] = "Corticosteroid",
    [NP_INJECTATE_HYALURONIC_ACID] = "Hyaluronic acid",
    [NP_INJECTATE_OTHER] = "Other",
  };
  return (guint) injectate < G_N_ELEMENTS (names) ? names[injectate] : NULL;
}

const char *
np_export_technique_name (NpTechnique technique)
{
  switch (technique)
    {
    case NP_TECHNIQUE_IN_PLANE: return "In-plane";
    case NP_TECHNIQUE_OUT_OF_PLANE: return "Out-of-plane";
    case NP_TECHNIQUE_COAXIAL: return "Coaxial (down the beam)";
    default: return "Unknown technique";
    }
}

const char *
np_export_structure_kind_name (NpStructureKind kind)
{
  static const char *const names[] = {
    [NP_STRUCTURE_VESSEL] = "vessel", [NP_STRUCTURE_NERVE] = "nerve",
    [NP_STRUCTURE_TENDON] = "tendon", [NP_STRUCTURE_BONE] = "bone",
    [NP_STRUCTURE_CARTILAGE] = "cartilage", [NP_STRUCTURE_OTHER] = "structure",
  };
  return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : "structure";
}

/* "Knee, left", or "Knee" when the side is not stated. */
char *
np_export_site_and_side (const NpPlan *plan)
{
  const char *side = np_export_side_name (plan->side);

  if (side == NULL)
    return g_strdup (np_export_site_name (plan->site));
  return g_strdup_printf ("%s, %s", np_export_site_name (plan->site), side);
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
        g_string_append (text, results->gauges[i + 1] == 0 ? " or " : ", ");
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
  label = np_export_clean_text (c->label != NULL ? c->label
                                                 : np_export_structure_kind_name (c->kind));
  if (c->entered)
    return g_strdup_printf ("path crosses the %s", label);
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
/* The image                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * np_export_frame_surface:
 *
 * The frame as the clinician sees it: every sample through the window (the
 * identity for 8-bit frames by default), alpha over black.
 *
 * Returns: (transfer full) (nullable): an RGB24 image surface of the frame's size
 */
cairo_surface_t *
np_export_frame_surface (const NpExportJob  *job,
                         GError            **error)
{
  guint width = np_frame_get_width (job->frame);
  guint height = np_frame_get_height (job->frame);
  cairo_surface_t *surface;
  g_autofree guint8 *rgb = NULL;
  guint8 *data;
  int stride;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  rgb = g_try_malloc ((gsize) width * 3 * height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS || rgb == NULL)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "The frame (%u × %u pixels) is too large to export", width, height);
      return NULL;
    }

  np_window_level_render_rgb (job->options.window, job->frame, rgb, (gsize) width * 3);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (gpointer) (data + (gsize) y * (gsize) stride);
      const guint8 *in = rgb + (gsize) y * width * 3;

      for (guint x = 0; x < width; x++, in += 3)
        row[x] = 0xff000000u | ((guint32) in[0] << 16) | ((guint32) in[1] << 8) | in[2];
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* Draws the frame and the overlay in image space (one unit = one image
 * pixel). The overlay is the screen's, with the export options.
 * @page_units_per_px is 0 for the image at its own resolution; on a report
 * page it is the points per image pixel, so marks and labels keep a fixed
 * size on paper whatever the frame's resolution. */
void
np_export_draw_image (cairo_t           *cr,
                      cairo_surface_t   *frame_surface,
                      const NpExportJob *job,
                      double             page_units_per_px)
{
  double width = np_frame_get_width (job->frame);
  double height = np_frame_get_height (job->frame);
  NpOverlayOptions overlay;

  cairo_save (cr);
  cairo_set_source_surface (cr, frame_surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_restore (cr);

  np_overlay_options_for_export (&overlay, width, height);
  if (page_units_per_px > 0)
    {
      overlay.zoom = page_units_per_px;
      overlay.scale = 0.75;
      overlay.show_legend = TRUE;
    }
  np_overlay_draw (cr, job->plan, job->results, &overlay);
}

/* ------------------------------------------------------------------------ */
/* The caption band of the PNG                                                */
/* ------------------------------------------------------------------------ */

typedef struct
{
  GPtrArray *items;             /* char *, run together with separators */
  gboolean bold;
  double size;                  /* relative to the caption's font size */
  double grey;                  /* text brightness on the dark band */
} CaptionGroup;

static void
caption_group_clear (gpointer data)
{
  CaptionGroup *group = data;

  g_ptr_array_unref (group->items);
}

static CaptionGroup *
caption_add_group (GArray   *groups,
                   gboolean  bold,
                   double    size,
                   double    grey)
{
  CaptionGroup group = { g_ptr_array_new_with_free_func (g_free), bold, size, grey };

  g_array_append_val (groups, group);
  return &g_array_index (groups, CaptionGroup, groups->len - 1);
}

static void
add_item (CaptionGroup *group,
          char         *item)
{
  g_ptr_array_add (group->items, item);
}

static void
caption_results (CaptionGroup      *group,
                 const NpExportJob *job)
{
  const NpPlanResults *r = job->results;

  if (r == NULL)
    {
      add_item (group, g_strdup ("Results could not be computed"));
      return;
    }

  if (r->has_depth)
    {
      g_autofree char *v = np_export_format_length (r, r->depth);
      add_item (group, g_strdup_printf ("Depth: %s", v));
    }
  else if (r->has_two_views)
    add_item (group, g_strdup_printf ("Depth: %.1f mm", r->two_views.depth_mm));
  else if (job->plan->modality == NP_MODALITY_FLUOROSCOPY)
    add_item (group, g_strdup ("Depth: needs a second view"));
  else
    add_item (group, g_strdup ("Depth: —"));

  if (r->has_path)
    {
      g_autofree char *v = np_export_format_length (r, r->path_length);
      add_item (group, g_strdup_printf ("Path length: %s", v));
    }
  else if (np_export_is_down_the_beam (r))
    add_item (group, g_strdup ("Path: down the beam (coaxial)"));
  else if (r->has_projection)
    {
      g_autofree char *v = np_export_format_length (r, r->projected_path_length);
      add_item (group, g_strdup_printf ("Projected path: %s", v));
    }
  else
    add_item (group, g_strdup ("Path length: —"));

  if (r->has_angle)
    add_item (group, g_strdup_printf ("Angle: %.0f°", r->insertion_angle_deg));
  else if (r->has_projection && !np_export_is_down_the_beam (r))
    add_item (group, g_strdup_printf ("Projected angle: %.0f°", r->projected_angle_deg));
  else if (!r->has_projection)
    add_item (group, g_strdup ("Angle: —"));

  if (r->has_needle)
    {
      g_autofree char *needle = np_export_needle_text (r);
      add_item (group, g_strdup_printf ("Needle: %s", needle));
    }
  else if (!r->calibrated)
    add_item (group, g_strdup ("Needle: needs a calibration"));
  else
    add_item (group, g_strdup ("Needle: —"));

  if (r->nearest >= 0 && r->clearances != NULL && (guint) r->nearest < r->clearances->len)
    {
      g_autofree char *clearance = np_export_clearance_text (r, (guint) r->nearest);
      add_item (group, g_strdup_printf ("Min clearance: %s", clearance));
    }
  else
    add_item (group, g_strdup ("Min clearance: no structures marked"));
}

static GArray *
caption_groups (const NpExportJob *job)
{
  GArray *groups = g_array_new (FALSE, FALSE, sizeof (CaptionGroup));
  CaptionGroup *group;
  const NpPlan *plan = job->plan;

  g_array_set_clear_func (groups, caption_group_clear);

  group = caption_add_group (groups, TRUE, 1.0, 1.0);
  add_item (group, np_export_site_and_side (plan));
  add_item (group, g_strdup (job->date));
  if (plan->clinician != NULL && *plan->clinician != '\0')
    add_item (group, g_strdup_printf ("Clinician: %s", plan->clinician));
  if (!job->options.anonymise)
    {
      gboolean has_name = plan->patient_name != NULL && *plan->patient_name != '\0';
      gboolean has_id = plan->patient_id != NULL && *plan->patient_id != '\0';

      if (has_name && has_id)
        add_item (group, g_strdup_printf ("Patient: %s (ID %s)", plan->patient_name,
                                          plan->patient_id));
      else if (has_name)
        add_item (group, g_strdup_printf ("Patient: %s", plan->patient_name));
      else if (has_id)
        add_item (group, g_strdup_printf ("Patient ID: %s", plan->patient_id));
    }

  caption_results (caption_add_group (groups, FALSE, 1.0, 1.0), job);

  if (job->results != NULL && !job->results->calibrated)
    add_item (caption_add_group (groups, TRUE, 1.0, 1.0),
              g_strdup ("Not calibrated — values in px"));

  group = caption_add_group (groups, FALSE, 0.8, 0.72);
  add_item (group, g_strdup (job->software));
  add_item (group, g_strdup ("Planning aid, not a substitute for the clinician's judgement at "
                             "the procedure"));
  return groups;
}

#define CAPTION_SEPARATOR "   ·   "

/* Runs the group's items into lines no wider than @width. */
static GPtrArray *
caption_flow (cairo_t            *cr,
              const CaptionGroup *group,
              double              width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint i = 0; i < group->items->len; i++)
    {
      g_autofree char *item = np_export_clean_text (g_ptr_array_index (group->items, i));
      gsize before = line->len;

      g_strdelimit (item, "\n", ' ');
      if (line->len > 0)
        g_string_append (line, CAPTION_SEPARATOR);
      g_string_append (line, item);
      if (np_export_text_width (cr, line->str) <= width)
        continue;

      g_string_truncate (line, before);
      if (line->len > 0)
        g_ptr_array_add (lines, g_strdup (line->str));
      g_string_assign (line, "");
      if (np_export_text_width (cr, item) <= width)
        g_string_assign (line, item);
      else
        {
          g_autoptr(GPtrArray) pieces = np_export_wrap_text (cr, item, width);

          for (guint k = 0; k + 1 < pieces->len; k++)
            g_ptr_array_add (lines, g_strdup (g_ptr_array_index (pieces, k)));
          if (pieces->len > 0)
            g_string_assign (line, g_ptr_array_index (pieces, pieces->len - 1));
        }
    }
  if (line->len > 0)
    g_ptr_array_add (lines, g_strdup (line->str));
  return lines;
}

/* Lays out (and with @draw, draws) the caption band from @top; returns its
 * height in pixels. */
static double
caption_layout (cairo_t           *cr,
                const NpExportJob *job,
                double             width,
                double             font_size,
                double             top,
                gboolean           draw)
{
  g_autoptr(GArray) groups = caption_groups (job);
  double pad = 0.8 * font_size;
  double y = top + pad;

  for (guint i = 0; i < groups->len; i++)
    {
      const CaptionGroup *group = &g_array_index (groups, CaptionGroup, i);
      double size = font_size * group->size;
      double line_height = 1.45 * size;
      g_autoptr(GPtrArray) lines = NULL;
      cairo_font_extents_t font;

      np_export_set_font (cr, size, group->bold);
      cairo_font_extents (cr, &font);
      lines = caption_flow (cr, group, width - 2 * pad);
      for (guint k = 0; k < lines->len; k++)
        {
          if (draw)
            {
              double baseline = y + (line_height - font.ascent - font.descent) / 2 + font.ascent;

              cairo_set_source_rgb (cr, group->grey, group->grey, group->grey);
              cairo_move_to (cr, pad, baseline);
              cairo_show_text (cr, g_ptr_array_index (lines, k));
            }
          y += line_height;
        }
    }
  return y + pad - top;
}

/**
 * np_export_render_annotated:
 * @results: (nullable): the planner's results for @plan; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * The frame at its own resolution, through the window, with the overlay
 * burned in by np_overlay_draw() (export options), and a caption band below
 * with the case and the key results.
 *
 * Returns: (transfer full) (nullable): an 8-bit RGB frame, taller than
 *   @frame by the caption band, or %NULL with @error set
 */
NpFrame *
np_export_render_annotated (NpFrame                *frame,
                            const NpPlan           *plan,
                            const NpPlanResults    *results,
                            const NpExportOptions  *options,
                            GError                **error)
{
  NpExportJob job;
  NpFrame *annotated = NULL;
  cairo_surface_t *image = NULL;
  cairo_surface_t *out = NULL;
  cairo_t *cr = NULL;
  NpOverlayOptions overlay;
  guint width, height, band;
  double font_size;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  width = np_frame_get_width (frame);
  height = np_frame_get_height (frame);
  if (!np_export_job_init (&job, frame, plan, results, options, error))
    goto out;

  image = np_export_frame_surface (&job, error);
  if (image == NULL)
    goto out;
  cr = cairo_create (image);
  np_export_draw_image (cr, image, &job, 0.0);
  cairo_destroy (cr);

  /* The caption's text grows with the frame like the overlay's does. */
  np_overlay_options_for_export (&overlay, width, height);
  font_size = 13.0 * overlay.scale;

  /* Measure on a scratch surface, then draw on one of the final size. */
  out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cr = cairo_create (out);
  np_export_setup_text (cr);
  band = (guint) ceil (caption_layout (cr, &job, width, font_size, 0, FALSE));
  cairo_destroy (cr);
  cairo_surface_destroy (out);

  out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) (height + band));
  cr = cairo_create (out);
  np_export_setup_text (cr);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_paint (cr);
  cairo_rectangle (cr, 0, height, width, band);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  cairo_fill (cr);
  caption_layout (cr, &job, width, font_size, height, TRUE);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, "Could not draw the annotated image: %s",
                   cairo_status_to_string (cairo_status (cr)));
      goto out;
    }
  cairo_surface_flush (out);

  annotated = np_frame_new (width, height + band, 3, 8, error);
  if (annotated != NULL)
    {
      const guint8 *data = cairo_image_surface_get_data (out);
      int stride = cairo_image_surface_get_stride (out);
      guint8 *pixels = np_frame_get_data_mutable (annotated);
      gsize out_stride = np_frame_get_stride (annotated);

      for (guint y = 0; y < height + band; y++)
        {
          const guint8 *line = data + (gsize) y * (gsize) stride;
          const guint32 *row = (const guint32 *) (gconstpointer) line;
          guint8 *p = pixels + (gsize) y * out_stride;

          for (guint x = 0; x < width; x++, p += 3)
            {
              p[0] = (row[x] >> 16) & 0xff;
              p[1] = (row[x] >> 8) & 0xff;
              p[2] = row[x] & 0xff;
            }
        }
    }

out:
  g_clear_pointer (&cr, cairo_destroy);
  g_clear_pointer (&out, cairo_surface_destroy);
  g_clear_pointer (&image, cairo_surface_destroy);
  np_export_job_clear (&job);
  return annotated;
}

/* ------------------------------------------------------------------------ */
/* Files                                                                      */
/* ------------------------------------------------------------------------ */

/* The plan as stored in the record. Anonymised, the patient's name and ID are
 * cleared and the frame's file name, which often carries the patient's name,
 * becomes "frame" with its extension. */
static NpPlan *
plan_for_record (const NpPlan *plan,
                 gboolean      anonymise)
{
  NpPlan *copy = np_plan_copy (plan);

  if (anonymise)
    {
      const char *dot = copy->frame_path != NULL ? strrchr (copy->frame_path, '.') : NULL;
      g_autofree char *neutral = NULL;

      if (dot != NULL && strchr (dot, '/') == NULL && strlen (dot) <= 6)
        neutral = g_strconcat ("frame", dot, NULL);
      else
        neutral = g_strdup ("frame");
      np_plan_set_string (&copy->patient_name, NULL);
      np_plan_set_string (&copy->patient_id, NULL);
      np_plan_set_string (&copy->frame_path, neutral);
    }
  return copy;
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

static gboolean
is_same_file (const char *a,
              const char *b)
{
  GStatBuf sa, sb;

  if (a == NULL || b == NULL || g_stat (a, &sa) != 0 || g_stat (b, &sb) != 0)
    return FALSE;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The record must never replace what it was made from. Same inode, so hard
 * links, symlinks and "./x" spellings are all caught. */
static gboolean
check_destination (const NpExportJob  *job,
                   const char         *path,
                   GError            **error)
{
  g_autofree char *display = g_filename_display_name (path);
  const char *what = NULL;

  if (is_same_file (path, np_frame_get_source_path (job->frame)))
    what = "the frame";
  else if (is_same_file (path, job->options.plan_path))
    what = "the plan file";
  if (what == NULL)
    return TRUE;

  g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
               "Will not save over “%s”: it is %s the export is made from; choose another "
               "file name", display, what);
  return FALSE;
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
                   "The plan is too large to store in the image (%" G_GSIZE_FORMAT " bytes)",
                   text_length);
      return NULL;
    }

  while (offset + 8 <= size && memcmp (data + offset + 4, "IDAT", 4) != 0)
    offset += 12 + (gsize) read_be32 (data + offset);
  if (offset + 8 > size)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, "The encoded image has no pixel data");
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

/**
 * np_export_png:
 * @results: (nullable): the planner's results; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Writes the annotated image (np_export_render_annotated()) with the plan
 * and its results (iTXt "needleplan:plan") and the software version (iTXt
 * "Software"). Atomic: @path is replaced whole or left as it was. Refuses
 * to write over the frame or the plan file.
 */
gboolean
np_export_png (NpFrame                *frame,
               const NpPlan           *plan,
               const NpPlanResults    *results,
               const NpExportOptions  *options,
               const char             *path,
               GError                **error)
{
  NpExportJob job;
  g_autoptr(NpFrame) annotated = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autofree char *json = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!np_export_job_init (&job, frame, plan, results, options, error)
      || !check_destination (&job, path, error))
    goto out;

  annotated = np_export_render_annotated (frame, plan, job.results, &job.options, error);
  if (annotated == NULL)
    goto out;
  json = np_export_plan_json (plan, job.results, &job.options, error);
  if (json == NULL)
    goto out;

  np_frame_set_text (annotated, NP_EXPORT_KEY_SOFTWARE, job.software);
  /* zlib level 3 with the Sub filter: a third of the time of level 6 with
   * libpng's adaptive filters, and 6 % fewer bytes on an annotated
   * ultrasound frame (tools/bench, docs/performance.md). */
  encoded = np_png_encode_filtered (annotated, 3, NP_PNG_FILTER_SUB, error);
  if (encoded == NULL)
    goto out;
  png = insert_itxt (encoded, NP_EXPORT_KEY_PLAN, json, error);
  if (png == NULL)
    goto out;

  ok = np_file_write_atomic (path, g_bytes_get_data (png, NULL), g_bytes_get_size (png), error);

out:
  np_export_job_clear (&job);
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

/**
 * np_export_pdf:
 * @results: (nullable): the planner's results with intervals; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * Writes the report (np_export_draw_report_page() for every page) on the
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
  NpExportJob job;
  g_autoptr(GByteArray) bytes = NULL;
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  cairo_status_t status;
  g_autofree char *title = NULL;
  g_autofree char *site = NULL;
  double width, height;
  guint n_pages;
  gboolean ok = FALSE;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!np_export_job_init (&job, frame, plan, results, options, error)
      || !check_destination (&job, path, error))
    goto out;

  np_paper_get_size (job.options.paper, &width, &height);
  n_pages = np_export_report_n_pages (frame, plan, job.results, &job.options, width, height);

  bytes = g_byte_array_new ();
  surface = cairo_pdf_surface_create_for_stream (append_bytes_cb, bytes, width, height);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  /* Metadata never names the patient: it is shown by file managers. */
  site = np_export_site_and_side (plan);
  title = g_strdup_printf ("Injection plan report: %s, %s", site, job.date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, job.software);
  /* A given date also dates the file, so the same input gives the same bytes. */
  if (job.options.date != NULL && is_iso_date (job.date))
    {
      g_autofree char *created = g_strdup_printf ("%sT00:00:00Z", job.date);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
    }
  if (plan->clinician != NULL)
    {
      g_autofree char *clinician = np_export_clean_text (plan->clinician);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, clinician);
    }

  cr = cairo_create (surface);
  for (guint page = 0; page < n_pages; page++)
    {
      np_export_draw_report_page (cr, width, height, page, frame, plan, job.results, &job.options);
      cairo_show_page (cr);
    }
  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, "Cannot save “%s”: the report could not "
                   "be drawn (%s)", display, cairo_status_to_string (status));
      goto out;
    }

  ok = np_file_write_atomic (path, bytes->data, bytes->len, error);

out:
  np_export_job_clear (&job);
  return ok;
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
 * @extension: "png", ".pdf", ...
 *
 * A file name for an export: the patient ID (or name) when there is one and
 * @anonymise is %FALSE, then site and side, e.g. "12345-knee-left.pdf";
 * anonymised, never anything typed about the patient: "needleplan-knee-left.pdf".
 *
 * Returns: (transfer full): the file name, without a folder
 */
char *
np_export_suggest_filename (const NpPlan *plan,
                            gboolean      anonymise,
                            const char   *extension)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) suffix = g_string_new (NULL);
  const char *side;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (extension != NULL, NULL);

  if (!anonymise && plan->patient_id != NULL)
    append_slug (name, plan->patient_id);
  if (!anonymise && name->len == 0 && plan->patient_name != NULL)
    append_slug (name, plan->patient_name);
  if (name->len == 0)
    g_string_append (name, "needleplan");

  append_slug (name, np_site_to_string (plan->site));
  side = np_export_side_name (plan->side);
  if (side != NULL)
    append_slug (name, side);

  if (*extension == '.')
    extension++;
  append_slug (suffix, extension);
  if (suffix->len > 0)
    g_string_append_printf (name, ".%s", suffix->str);
  return g_string_free (g_steal_pointer (&name), FALSE);
}
