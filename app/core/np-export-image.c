/* np-export-image.c: the annotated image: the frame drawn with the overlay, and the
 * PNG's caption band
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
/* The image                                                                  */
/* ------------------------------------------------------------------------ */

/* Cairo's image surfaces stop at 32767 pixels a side. */
#define SURFACE_MAX_SIDE 32767

/* Box-averages the RGB rendering @rgb of a @width × @height frame by @k in
 * both directions into @surface. */
static void
reduce_into_surface (const guint8    *rgb,
                     guint            width,
                     guint            height,
                     guint            k,
                     cairo_surface_t *surface)
{
  guint out_width = (guint) cairo_image_surface_get_width (surface);
  guint out_height = (guint) cairo_image_surface_get_height (surface);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  for (guint oy = 0; oy < out_height; oy++)
    {
      guint32 *row = (guint32 *) (gpointer) (data + (gsize) oy * (gsize) stride);

      for (guint ox = 0; ox < out_width; ox++)
        {
          guint64 sum[3] = { 0, 0, 0 };
          guint x_end = MIN (width, (ox + 1) * k);
          guint y_end = MIN (height, (oy + 1) * k);
          /* The last row and column of boxes may be cut short by the edge. */
          guint64 n = MAX (1u, (guint64) (x_end - ox * k) * (y_end - oy * k));

          for (guint y = oy * k; y < y_end; y++)
            for (guint x = ox * k; x < x_end; x++)
              {
                const guint8 *in = rgb + ((gsize) y * width + x) * 3;

                sum[0] += in[0];
                sum[1] += in[1];
                sum[2] += in[2];
              }
          row[ox] = 0xff000000u | ((guint32) ((sum[0] + n / 2) / n) << 16)
                    | ((guint32) ((sum[1] + n / 2) / n) << 8) | (guint32) ((sum[2] + n / 2) / n);
        }
    }
}

/* Blacks out the plan's redactions in the frame's pixels themselves, before
 * anything is drawn or encoded: a black box drawn over the image would
 * leave the pixels below it in a PDF. Every pixel the rectangle touches
 * goes, so no edge of a letter survives. */
static void
burn_redactions (const NpPlan *plan,
                 guint8       *rgb,
                 guint         width,
                 guint         height)
{
  for (guint i = 0; plan->redactions != NULL && i < plan->redactions->len; i++)
    {
      const NpImageRect *r = &g_array_index (plan->redactions, NpImageRect, i);
      double x0 = CLAMP (floor (r->x), 0, width), x1 = CLAMP (ceil (r->x + r->width), 0, width);
      double y0 = CLAMP (floor (r->y), 0, height), y1 = CLAMP (ceil (r->y + r->height), 0, height);

      if (!(x1 > x0) || !(y1 > y0))
        continue;
      for (guint y = (guint) y0; y < (guint) y1; y++)
        memset (rgb + ((gsize) y * width + (gsize) x0) * 3, 0, (gsize) (x1 - x0) * 3);
    }
}

/**
 * np_export_frame_surface:
 *
 * The frame as the clinician sees it: every sample through the window (the
 * identity for 8-bit frames by default), alpha over black; anonymised, with
 * the plan's redactions burned in black. A frame wider
 * or taller than a Cairo surface can be is reduced by a whole factor
 * (box average) until it fits; np_export_draw_image() scales it back.
 *
 * Returns: (transfer full) (nullable): an RGB24 image surface of the
 *   frame's size, or of the frame's size divided by a whole factor
 */
cairo_surface_t *
np_export_frame_surface (const NpExportJob  *job,
                         GError            **error)
{
  guint width = np_frame_get_width (job->frame);
  guint height = np_frame_get_height (job->frame);
  guint k = 1;
  cairo_surface_t *surface;
  g_autofree guint8 *rgb = NULL;
  guint8 *data;
  int stride;

  while ((width + k - 1) / k > SURFACE_MAX_SIDE || (height + k - 1) / k > SURFACE_MAX_SIDE)
    k++;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ((width + k - 1) / k),
                                        (int) ((height + k - 1) / k));
  rgb = g_try_malloc ((gsize) width * 3 * height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS || rgb == NULL)
    {
      cairo_surface_destroy (surface);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("The frame (%u × %u pixels) is too large to export"), width, height);
      return NULL;
    }

  np_window_level_render_rgb (job->options.window, job->frame, rgb, (gsize) width * 3);
  if (job->options.anonymise)
    burn_redactions (job->plan, rgb, width, height);

  cairo_surface_flush (surface);
  if (k > 1)
    {
      reduce_into_surface (rgb, width, height, k, surface);
      cairo_surface_mark_dirty (surface);
      return surface;
    }
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
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  /* A reduced surface (np_export_frame_surface()) is drawn at the frame's size. */
  cairo_scale (cr, width / cairo_image_surface_get_width (frame_surface),
               height / cairo_image_surface_get_height (frame_surface));
  cairo_set_source_surface (cr, frame_surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
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
      add_item (group, g_strdup (_("Results could not be computed")));
      return;
    }

  if (r->has_depth)
    {
      g_autofree char *v = np_export_format_length (r, r->depth);
      add_item (group, g_strdup_printf (_("Depth: %s"), v));
    }
  else if (r->has_two_views)
    add_item (group, g_strdup_printf (_("Depth: %.1f mm"), r->two_views.depth_mm));
  else if (r->second_view_of_pair)
    add_item (group, g_strdup (_("Depth: from this view and its AP view together")));
  else if (job->plan->modality == NP_MODALITY_FLUOROSCOPY)
    add_item (group, g_strdup (_("Depth: needs a second view")));
  else
    add_item (group, g_strdup (_("Depth: —")));

  if (r->has_path)
    {
      g_autofree char *v = np_export_format_length (r, r->path_length);
      add_item (group, g_strdup_printf (_("Path length: %s"), v));
    }
  else if (np_export_is_down_the_beam (r))
    add_item (group, g_strdup (_("Path: down the beam (coaxial)")));
  else if (r->has_projection)
    {
      g_autofree char *v = np_export_format_length (r, r->projected_path_length);
      add_item (group, g_strdup_printf (_("Projected path: %s"), v));
    }
  else
    add_item (group, g_strdup (_("Path length: —")));

  if (r->has_angle)
    add_item (group, g_strdup_printf (_("Angle: %.0f°"), r->insertion_angle_deg));
  else if (r->has_projection && !np_export_is_down_the_beam (r))
    add_item (group, g_strdup_printf (_("Projected angle: %.0f°"), r->projected_angle_deg));
  else if (!r->has_projection)
    add_item (group, g_strdup (_("Angle: —")));

  if (r->has_needle)
    {
      g_autofree char *needle = np_export_needle_text (r);
      add_item (group, g_strdup_printf (_("Needle: %s"), needle));
    }
  else if (!r->calibrated)
    add_item (group, g_strdup (_("Needle: needs a calibration")));
  else
    add_item (group, g_strdup (_("Needle: —")));

  if (np_visibility_to_string (r->visibility) != NULL)
    add_item (group, g_strdup_printf (_("Needle visibility: %s"),
                                      np_visibility_to_string (r->visibility)));

  if (r->nearest >= 0 && r->clearances != NULL && (guint) r->nearest < r->clearances->len)
    {
      g_autofree char *clearance = np_export_clearance_text (r, (guint) r->nearest);
      add_item (group, g_strdup_printf (_("Min clearance: %s"), clearance));
    }
  else
    add_item (group, g_strdup (_("Min clearance: no structures marked")));
}

/* "Calibration: <method>, 0.1500 mm/px ± 0.0010" (across and down when the
 * pixels are not square). */
static char *
calibration_text (const NpCalibration *cal)
{
  const char *method = np_calibration_method_describe (cal->method);
  g_autofree char *size = NULL;

  if (cal->mm_per_px_x == cal->mm_per_px_y && cal->se_mm_per_px_x == cal->se_mm_per_px_y)
    size = cal->se_mm_per_px_x > 0
           ? g_strdup_printf ("%.4f mm/px ± %.4f", cal->mm_per_px_x, cal->se_mm_per_px_x)
           : g_strdup_printf ("%.4f mm/px", cal->mm_per_px_x);
  else
    size = g_strdup_printf ("%.4f × %.4f mm/px (across × down)", cal->mm_per_px_x,
                            cal->mm_per_px_y);
  return g_strdup_printf (_("Calibration: %s, %s"), method, size);
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
    add_item (group, g_strdup_printf (_("Clinician: %s"), plan->clinician));
  if (!job->options.anonymise)
    {
      gboolean has_name = plan->patient_name != NULL && *plan->patient_name != '\0';
      gboolean has_id = plan->patient_id != NULL && *plan->patient_id != '\0';

      if (has_name && has_id)
        add_item (group, g_strdup_printf (_("Patient: %s (ID %s)"), plan->patient_name,
                                          plan->patient_id));
      else if (has_name)
        add_item (group, g_strdup_printf (_("Patient: %s"), plan->patient_name));
      else if (has_id)
        add_item (group, g_strdup_printf (_("Patient ID: %s"), plan->patient_id));
    }

  caption_results (caption_add_group (groups, FALSE, 1.0, 1.0), job);
  if (job->second != NULL)
    add_item (caption_add_group (groups, FALSE, 0.9, 0.9),
              g_strdup_printf (_("Right: %s"), job->second_caption));
  else if (job->second_problem != NULL)
    add_item (caption_add_group (groups, TRUE, 1.0, 1.0), g_strdup (job->second_problem));

  if (job->results != NULL && !job->results->calibrated)
    add_item (caption_add_group (groups, TRUE, 1.0, 1.0),
              g_strdup (_("Not calibrated — values in px")));
  else if (np_calibration_is_calibrated (plan->calibration))
    add_item (caption_add_group (groups, FALSE, 0.9, 0.9), calibration_text (plan->calibration));

  /* The warnings the report lists, so the image alone does not look safer
   * than the plan is. */
  group = NULL;
  for (guint i = 0; job->results != NULL && job->results->warnings != NULL
                    && i < job->results->warnings->len; i++)
    {
      if (group == NULL)
        group = caption_add_group (groups, TRUE, 1.0, 1.0);
      add_item (group, g_strdup_printf (_("Warning: %s"),
                                        (const char *) g_ptr_array_index (job->results->warnings,
                                                                          i)));
    }
  group = NULL;
  for (guint i = 0; job->results != NULL && job->results->measurements != NULL
                    && i < job->results->measurements->len; i++)
    {
      const NpMeasurementValue *m = &g_array_index (job->results->measurements,
                                                    NpMeasurementValue, i);

      if (!m->outside_region)
        continue;
      if (group == NULL)
        group = caption_add_group (groups, TRUE, 1.0, 1.0);
      add_item (group, g_strdup_printf (_("Measurement %u (%s) outside the calibrated region"), i + 1,
                                        np_measure_kind_to_string (m->kind)));
    }

  if (job->image_scale < 1.0)
    add_item (caption_add_group (groups, TRUE, 1.0, 1.0),
              g_strdup_printf (_("Image scaled to %.1f %% to stay within the %u-megapixel limit "
                               "with this caption"), floor (job->image_scale * 1000) / 10,
                               (guint) (NP_FRAME_MAX_PIXELS / (1024 * 1024))));

  group = caption_add_group (groups, FALSE, 0.8, 0.72);
  add_item (group, g_strdup (job->software));
  add_item (group, g_strdup (_("Planning aid, not a substitute for the clinician's judgement at "
                             "the procedure")));
  return groups;
}

GStrv
np_export_caption_items (const NpExportJob *job)
{
  g_autoptr(GArray) groups = caption_groups (job);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < groups->len; i++)
    {
      const CaptionGroup *group = &g_array_index (groups, CaptionGroup, i);

      for (guint j = 0; j < group->items->len; j++)
        g_strv_builder_add (builder, g_ptr_array_index (group->items, j));
    }
  return g_strv_builder_end (builder);
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

/* The caption band's height for an image @width × @height pixels. */
static guint
caption_band_height (const NpExportJob *job,
                     guint              width,
                     guint              height,
                     double            *font_size)
{
  NpOverlayOptions overlay;
  cairo_surface_t *scratch;
  cairo_t *cr;
  double band;

  /* The caption's text grows with the frame like the overlay's does. */
  np_overlay_options_for_export (&overlay, width, height);
  *font_size = 13.0 * overlay.scale;
  scratch = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cr = cairo_create (scratch);
  np_export_setup_text (cr);
  band = caption_layout (cr, job, width, *font_size, 0, FALSE);
  cairo_destroy (cr);
  cairo_surface_destroy (scratch);
  return (guint) ceil (band);
}

/* The calibrated pixel size when it is the same across and down (after the
 * speed-of-sound scaling of depths), for the PNG's pHYs chunk; a viewer
 * that reads it measures in millimetres. Rectangular pixels have no
 * single size to write, and an uncalibrated frame none at all. */
static gboolean
square_pixel_size (const NpPlan *plan,
                   double       *mm_per_px)
{
  const NpCalibration *cal = plan->calibration;
  double sx, sy;

  if (cal == NULL || !np_calibration_is_calibrated (cal))
    return FALSE;
  sx = cal->mm_per_px_x;
  sy = cal->mm_per_px_y;
  if (plan->modality == NP_MODALITY_ULTRASOUND)
    sy *= plan->speed_of_sound_m_s / NP_PLANNER_SPEED_ASSUMED_M_S;
  if (!(sx > 0) || fabs (sx - sy) > 1e-9 * sx)
    return FALSE;
  *mm_per_px = sx;
  return TRUE;
}

/**
 * np_export_render_annotated:
 * @results: (nullable): the planner's results for @plan; %NULL computes them
 * @options: (nullable): %NULL for the defaults
 *
 * The frame at its own resolution, through the window, with the overlay
 * burned in by np_overlay_draw() (export options), and a caption band below
 * with the case, the key results, the needle's visibility, the calibration
 * and every warning. A calibrated frame with square pixels declares its
 * pixel size (pHYs when encoded). A frame near the size limit (an
 * 8192 × 8192 frame) whose band would take the image over
 * %NP_FRAME_MAX_PIXELS is scaled down just enough, and the caption says
 * so, so that the annotated image opens like any frame. A frame wider or
 * taller than 32767 pixels, the most Cairo draws, is refused: its PDF
 * report shows it scaled.
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
  guint frame_width, frame_height;
  guint first_width = 0, second_width = 0;
  guint width, height, band;
  double font_size;
  double scale = 1.0;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!np_export_job_init (&job, frame, plan, results, options, error))
    goto out;
  /* The second view the plan records stands to the right of the first, at
   * its own resolution, both from the top. */
  first_width = np_frame_get_width (frame);
  frame_width = width = first_width;
  frame_height = height = np_frame_get_height (frame);
  if (job.second != NULL)
    {
      second_width = np_frame_get_width (job.second_frame);
      frame_width = width = first_width + second_width;
      frame_height = height = MAX (frame_height, np_frame_get_height (job.second_frame));
    }

  band = caption_band_height (&job, width, height, &font_size);
  if (width > SURFACE_MAX_SIDE || (guint64) height + band > SURFACE_MAX_SIDE)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("The frame (%u × %u pixels) is too large for an annotated image, which can be "
                   "at most %u pixels wide and tall with its caption; export the PDF report, "
                   "which shows it scaled"), frame_width, frame_height, (guint) SURFACE_MAX_SIDE);
      goto out;
    }
  /* Shrink until image and band fit the pixel limit; the band shrinks with
   * the image, so a few steps settle it. */
  while ((guint64) width * (height + band) > NP_FRAME_MAX_PIXELS)
    {
      scale *= MIN (0.999, sqrt ((double) NP_FRAME_MAX_PIXELS
                                 / ((double) width * (double) (height + band))));
      width = MAX (1u, (guint) floor (frame_width * scale));
      height = MAX (1u, (guint) floor (frame_height * scale));
      job.image_scale = scale;
      band = caption_band_height (&job, width, height, &font_size);
    }

  image = np_export_frame_surface (&job, error);
  if (image == NULL)
    goto out;

  out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) (height + band));
  cr = cairo_create (out);
  /* The overlay with the screen's font options, as the canvas draws it;
   * the caption with the export's. */
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_scale (cr, (double) width / frame_width, (double) height / frame_height);
  if (job.second != NULL)
    {
      /* Black where the shorter view leaves room. */
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_paint (cr);
    }
  np_export_draw_image (cr, image, &job, 0.0);
  if (job.second != NULL)
    {
      cairo_surface_t *second = np_export_frame_surface (job.second, error);

      if (second == NULL)
        goto out;
      cairo_translate (cr, first_width, 0);
      np_export_draw_image (cr, second, job.second, 0.0);
      cairo_surface_destroy (second);
    }
  cairo_restore (cr);
  np_export_setup_text (cr);
  cairo_rectangle (cr, 0, height, width, band);
  cairo_set_source_rgb (cr, 0.12, 0.12, 0.12);
  cairo_fill (cr);
  caption_layout (cr, &job, width, font_size, height, TRUE);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("Could not draw the annotated image: %s"),
                   cairo_status_to_string (cairo_status (cr)));
      goto out;
    }
  cairo_surface_flush (out);
  g_clear_pointer (&image, cairo_surface_destroy);

  annotated = np_frame_new (width, height + band, 3, 8, error);
  if (annotated != NULL)
    {
      const guint8 *data = cairo_image_surface_get_data (out);
      int stride = cairo_image_surface_get_stride (out);
      guint8 *pixels = np_frame_get_data_mutable (annotated);
      gsize out_stride = np_frame_get_stride (annotated);

      double mm_per_px;

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
      /* Two views side by side have no single pixel size. */
      if (job.second == NULL && square_pixel_size (plan, &mm_per_px))
        {
          /* The image's own pixels, scaled down with the image. */
          mm_per_px *= (double) frame_width / width;
          np_frame_set_declared_pixel_size (annotated, mm_per_px, mm_per_px);
        }
    }

out:
  g_clear_pointer (&cr, cairo_destroy);
  g_clear_pointer (&out, cairo_surface_destroy);
  g_clear_pointer (&image, cairo_surface_destroy);
  np_export_job_clear (&job);
  return annotated;
}
