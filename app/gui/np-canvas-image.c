/* np-canvas-image.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-canvas-image"

#include "np-canvas-image.h"

#include "np-error.h"

#include <gsl/gsl_histogram.h>
#include <math.h>
#include <string.h>

/**
 * np_canvas_image_render_texture:
 *
 * The frame through @window as an RGB texture (grey expanded, alpha laid
 * over black). Safe in any thread.
 *
 * Returns: (transfer full): the texture
 */
GdkTexture *
np_canvas_image_render_texture (const NpFrame *frame,
                                NpWindowLevel  window)
{
  guint width, height;
  gsize stride;
  guint8 *rgb;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (frame != NULL, NULL);

  width = np_frame_get_width (frame);
  height = np_frame_get_height (frame);
  /* Rows padded to 4 bytes, the alignment GL uploads expect by default. */
  stride = ((gsize) width * 3 + 3) & ~(gsize) 3;
  rgb = g_malloc (stride * height);
  np_window_level_render_rgb (window, frame, rgb, stride);
  bytes = g_bytes_new_take (rgb, stride * height);
  return gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, bytes, stride);
}

/**
 * np_canvas_image_render_display_texture:
 * @surface: (out) (transfer full): the same pixels as a Cairo image surface
 *
 * As np_canvas_image_render_texture(), in the layout of a Cairo RGB24
 * surface, returned both as that surface and as a texture sharing its
 * pixels (GDK_MEMORY_DEFAULT, opaque). GTK's Cairo renderer would turn a
 * texture into a new surface at every draw; the canvas draws the surface
 * itself and gives other renderers the texture. A third more memory than
 * RGB, so only for what fits the view. Safe in any thread.
 *
 * Returns: (transfer full): the texture
 */
GdkTexture *
np_canvas_image_render_display_texture (const NpFrame    *frame,
                                        NpWindowLevel     window,
                                        cairo_surface_t **surface)
{
  guint width, height;
  gsize stride;
  guint8 *pixels;
  cairo_surface_t *image;
  GBytes *bytes;
  GdkTexture *texture;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (surface != NULL, NULL);

  width = np_frame_get_width (frame);
  height = np_frame_get_height (frame);
  image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  /* Within the loader's size limit, only a failed allocation stops it. */
  g_assert (cairo_surface_status (image) == CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (image);
  pixels = cairo_image_surface_get_data (image);
  stride = (gsize) cairo_image_surface_get_stride (image);

  /* RGB at the start of each row, then spread to B, G, R, opaque A from the
   * right, where no pixel still to be read is overwritten. */
  np_window_level_render_rgb (window, frame, pixels, stride);
  for (guint y = 0; y < height; y++)
    {
      guint8 *row = pixels + (gsize) y * stride;

      for (guint x = width; x-- > 0;)
        {
          guint8 r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];

          row[4 * x] = b;
          row[4 * x + 1] = g;
          row[4 * x + 2] = r;
          row[4 * x + 3] = 255;
        }
    }
  cairo_surface_mark_dirty (image);

  /* The texture keeps the surface (and so its pixels) alive. */
  bytes = g_bytes_new_with_free_func (pixels, stride * height,
                                      (GDestroyNotify) cairo_surface_destroy,
                                      cairo_surface_reference (image));
  texture = gdk_memory_texture_new ((int) width, (int) height, GDK_MEMORY_DEFAULT, bytes, stride);
  g_bytes_unref (bytes);
  *surface = image;
  return texture;
}

/* Beyond this the reduced copy would be blurrier than a fitted view needs
 * only for frames larger than the loader accepts. */
#define MAX_DISPLAY_FACTOR 16

/**
 * np_canvas_image_display_factor:
 * @view_width, @view_height: the largest view the frame is fitted into;
 *   0 for the whole frame
 *
 * Fitted, a frame is drawn at zoom min (view / frame) or less, so a copy
 * reduced k times still has at least one texel per screen pixel while
 * k ≤ max (frame / view). Returns the largest such power of two.
 *
 * Returns: the reduction, 1 for none
 */
guint
np_canvas_image_display_factor (guint frame_width,
                                guint frame_height,
                                int   view_width,
                                int   view_height)
{
  guint factor = 1;

  if (view_width <= 0 || view_height <= 0)
    return 1;
  while (factor < MAX_DISPLAY_FACTOR &&
         ((guint64) frame_width >= (guint64) 2 * factor * (guint) view_width ||
          (guint64) frame_height >= (guint64) 2 * factor * (guint) view_height))
    factor *= 2;
  return factor;
}

/* Writes the means of one band of @factor source rows (@rows_in of them
 * summed in @sums) into row @y of @display. */
static void
flush_display_row (NpFrame       *display,
                   guint          y,
                   guint32       *sums,
                   guint          frame_width,
                   guint          factor,
                   guint          rows_in)
{
  guint channels = np_frame_get_channels (display);
  guint width = np_frame_get_width (display);
  gboolean deep = np_frame_get_bit_depth (display) == 16;
  guint8 *row8 = np_frame_get_data_mutable (display) + (gsize) y * np_frame_get_stride (display);
  guint16 *row16 = (guint16 *) row8;

  for (guint dx = 0; dx < width; dx++)
    {
      guint n = rows_in * MIN (factor, frame_width - dx * factor);

      for (guint c = 0; c < channels; c++)
        {
          gsize i = (gsize) dx * channels + c;
          guint32 mean = (sums[i] + n / 2) / n;

          if (deep)
            row16[i] = (guint16) mean;
          else
            row8[i] = (guint8) mean;
        }
    }
  memset (sums, 0, (gsize) width * channels * sizeof (guint32));
}

/* One pass over every sample: the histogram of luminance (one bin per
 * sample value, as np_window_level_percentiles counts it) and, when
 * @display is given, the sums of each factor × factor block for its means. */
static void
scan_frame (const NpFrame *frame,
            guint          factor,
            NpFrame       *display,
            guint32       *counts)
{
  guint width = np_frame_get_width (frame);
  guint height = np_frame_get_height (frame);
  guint channels = np_frame_get_channels (frame);
  guint max_value = np_frame_get_max_value (frame);
  gboolean deep = np_frame_get_bit_depth (frame) == 16;
  guint shift = (guint) g_bit_nth_lsf (factor, -1);
  g_autofree guint32 *sums = NULL;

  if (display != NULL)
    sums = g_new0 (guint32, (gsize) np_frame_get_width (display) * channels);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *row8 = np_frame_get_data (frame) + (gsize) y * np_frame_get_stride (frame);
      const guint16 *row16 = (const guint16 *) row8;

      if (channels == 1 && deep)
        {
          /* The common fluoroscopy frame, kept tight. */
          for (guint x = 0; x < width; x++)
            counts[row16[x]]++;
          if (sums != NULL)
            for (guint x = 0; x < width; x++)
              sums[x >> shift] += row16[x];
        }
      else if (channels == 1)
        {
          for (guint x = 0; x < width; x++)
            counts[row8[x]]++;
          if (sums != NULL)
            for (guint x = 0; x < width; x++)
              sums[x >> shift] += row8[x];
        }
      else
        for (guint x = 0; x < width; x++)
          {
            gsize i = (gsize) x * channels;
            guint s[4] = { 0, 0, 0, 0 };
            size_t bin;

            for (guint c = 0; c < channels; c++)
              s[c] = deep ? row16[i + c] : row8[i + c];
            bin = channels >= 3 ? (size_t) lround (0.299 * s[0] + 0.587 * s[1] + 0.114 * s[2])
                                : s[0];
            counts[MIN (bin, (size_t) max_value)]++;
            if (sums != NULL)
              for (guint c = 0; c < channels; c++)
                sums[(gsize) (x >> shift) * channels + c] += s[c];
          }

      if (sums != NULL && (y % factor == factor - 1 || y == height - 1))
        flush_display_row (display, y >> shift, sums, width, factor, y % factor + 1);
    }
}

/* The same percentiles as np_window_level_percentiles(), from counts. */
static gboolean
percentiles_from_counts (const guint32 *counts,
                         guint          n_bins,
                         double         low_fraction,
                         double         high_fraction,
                         double        *low_value,
                         double        *high_value)
{
  g_autoptr(GError) error = NULL;
  gsl_histogram *histogram;
  gsl_histogram_pdf *pdf;
  gboolean ok;

  np_gsl_init ();
  histogram = gsl_histogram_alloc (n_bins);
  pdf = gsl_histogram_pdf_alloc (n_bins);
  if (histogram == NULL || pdf == NULL)
    {
      g_clear_pointer (&histogram, gsl_histogram_free);
      g_clear_pointer (&pdf, gsl_histogram_pdf_free);
      return FALSE;
    }
  gsl_histogram_set_ranges_uniform (histogram, 0.0, n_bins);
  for (guint i = 0; i < n_bins; i++)
    histogram->bin[i] = counts[i];
  ok = np_error_from_gsl (gsl_histogram_pdf_init (pdf, histogram), "histogram", &error);
  if (ok)
    {
      *low_value = floor (gsl_histogram_pdf_sample (pdf, low_fraction));
      *high_value = floor (gsl_histogram_pdf_sample (pdf, MIN (high_fraction, 1.0 - 1e-12)));
    }
  gsl_histogram_pdf_free (pdf);
  gsl_histogram_free (histogram);
  return ok;
}

/**
 * np_canvas_image_new:
 *
 * Computes what NpCanvas needs to show @frame at full resolution. Safe in
 * any thread.
 *
 * Returns: (transfer full): the image; free with np_canvas_image_free()
 */
NpCanvasImage *
np_canvas_image_new (NpFrame *frame)
{
  return np_canvas_image_new_for_view (frame, 0, 0);
}

/**
 * np_canvas_image_new_for_view:
 * @view_width, @view_height: the largest view @frame is first fitted into,
 *   or 0 for a full-resolution texture
 *
 * Computes what NpCanvas needs to show @frame fitted into such a view: the
 * opening window (np_window_level_default(), from the same histogram), the
 * data range and a texture of at least one texel per screen pixel, all from
 * one pass over the samples. Safe in any thread.
 *
 * Returns: (transfer full): the image; free with np_canvas_image_free()
 */
NpCanvasImage *
np_canvas_image_new_for_view (NpFrame *frame,
                              int      view_width,
                              int      view_height)
{
  NpCanvasImage *image;
  guint n_bins;
  g_autofree guint32 *counts = NULL;
  double floor_span, low, high;

  g_return_val_if_fail (frame != NULL, NULL);

  image = g_new0 (NpCanvasImage, 1);
  image->frame = np_frame_ref (frame);
  image->display_factor = np_canvas_image_display_factor (np_frame_get_width (frame),
                                                          np_frame_get_height (frame),
                                                          view_width, view_height);
  if (image->display_factor > 1)
    {
      guint factor = image->display_factor;

      /* Within the loader's size limit, so it cannot fail. */
      image->display_frame = np_frame_new ((np_frame_get_width (frame) + factor - 1) / factor,
                                           (np_frame_get_height (frame) + factor - 1) / factor,
                                           np_frame_get_channels (frame),
                                           np_frame_get_bit_depth (frame), NULL);
      g_assert (image->display_frame != NULL);
    }

  n_bins = np_frame_get_max_value (frame) + 1;
  counts = g_new0 (guint32, n_bins);
  scan_frame (frame, image->display_factor, image->display_frame, counts);

  if (np_frame_get_bit_depth (frame) == 8)
    image->window_level = np_window_level_default (frame);
  else if (percentiles_from_counts (counts, n_bins, 0.005, 0.995, &low, &high))
    image->window_level = (NpWindowLevel) { (low + high + 1.0) / 2.0, high + 1.0 - low };
  else
    image->window_level = np_window_level_for_preset (frame, NP_WINDOW_PRESET_FULL_RANGE);

  /* A nearly flat frame still needs a drag that does something. */
  floor_span = n_bins / 256.0;
  image->value_span = floor_span;
  if (percentiles_from_counts (counts, n_bins, 0.0, 1.0, &low, &high))
    image->value_span = MAX (high - low + 1.0, floor_span);

  image->texture = np_canvas_image_render_display_texture (image->display_frame != NULL
                                                             ? image->display_frame : frame,
                                                           image->window_level,
                                                           &image->surface);
  return image;
}

void
np_canvas_image_free (NpCanvasImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->frame, np_frame_unref);
  g_clear_pointer (&image->display_frame, np_frame_unref);
  g_clear_pointer (&image->surface, cairo_surface_destroy);
  g_clear_object (&image->texture);
  g_free (image);
}
