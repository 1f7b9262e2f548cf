/* np-window-level.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-window-level.h"

#include "np-error.h"

#include <gsl/gsl_histogram.h>
#include <math.h>
#include <string.h>

static NpWindowLevel
window_from_range (double low,
                   double high)
{
  NpWindowLevel window;

  /* A one-value frame still needs a non-zero width. */
  if (high <= low)
    high = low + 1.0;
  window.center = (low + high) / 2.0;
  window.width = high - low;
  return window;
}

/* Luminance of one pixel in raw sample units (grey frames: the grey value). */
static inline double
pixel_value (const NpFrame *frame,
             const guint8  *row,
             guint          x)
{
  guint channels = np_frame_get_channels (frame);

  if (np_frame_get_bit_depth (frame) == 16)
    {
      const guint16 *p = (const guint16 *) row + (gsize) x * channels;
      return channels >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : p[0];
    }
  else
    {
      const guint8 *p = row + (gsize) x * channels;
      return channels >= 3 ? 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] : p[0];
    }
}

/**
 * np_window_level_percentiles:
 * @low_fraction: e.g. 0.005 for the 0.5th percentile
 *
 * Reads the given percentiles of the frame's luminance from a histogram with
 * one bin per possible sample value (GSL).
 *
 * Returns: %FALSE if the histogram could not be built
 */
gboolean
np_window_level_percentiles (const NpFrame *frame,
                             double         low_fraction,
                             double         high_fraction,
                             double        *low_value,
                             double        *high_value)
{
  g_autoptr(GError) error = NULL;
  gsl_histogram *histogram;
  gsl_histogram_pdf *pdf;
  guint max_value = np_frame_get_max_value (frame);
  guint width = np_frame_get_width (frame);
  guint height = np_frame_get_height (frame);
  gboolean ok;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (low_fraction >= 0 && low_fraction < high_fraction && high_fraction <= 1,
                        FALSE);

  np_gsl_init ();
  histogram = gsl_histogram_alloc (max_value + 1);
  pdf = gsl_histogram_pdf_alloc (max_value + 1);
  if (histogram == NULL || pdf == NULL)
    {
      g_clear_pointer (&histogram, gsl_histogram_free);
      g_clear_pointer (&pdf, gsl_histogram_pdf_free);
      return FALSE;
    }
  gsl_histogram_set_ranges_uniform (histogram, 0.0, max_value + 1.0);

  /* Counting directly into the bins is exact for integer samples and much
   * faster than gsl_histogram_increment's range search on 16 M pixels. */
  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = np_frame_get_data (frame) + (gsize) y * np_frame_get_stride (frame);
      for (guint x = 0; x < width; x++)
        {
          size_t bin = (size_t) lround (pixel_value (frame, row, x));
          histogram->bin[MIN (bin, (size_t) max_value)] += 1.0;
        }
    }

  ok = np_error_from_gsl (gsl_histogram_pdf_init (pdf, histogram), "histogram", &error);
  if (ok)
    {
      /* The inverse CDF lands inside a bin; floor gives the sample value. */
      *low_value = floor (gsl_histogram_pdf_sample (pdf, low_fraction));
      *high_value = floor (gsl_histogram_pdf_sample (pdf, MIN (high_fraction, 1.0 - 1e-12)));
    }

  gsl_histogram_pdf_free (pdf);
  gsl_histogram_free (histogram);
  return ok;
}

NpWindowLevel
np_window_level_for_preset (const NpFrame  *frame,
                            NpWindowPreset  preset)
{
  double low = 0, high = 0;

  g_return_val_if_fail (frame != NULL, window_from_range (0, 255));

  switch (preset)
    {
    case NP_WINDOW_PRESET_FULL_RANGE:
      return window_from_range (0, np_frame_get_max_value (frame));

    case NP_WINDOW_PRESET_DATA_RANGE:
      if (np_window_level_percentiles (frame, 0.0, 1.0, &low, &high))
        return window_from_range (low, high + 1.0);
      break;

    case NP_WINDOW_PRESET_HIGH_CONTRAST:
      if (np_window_level_percentiles (frame, 0.05, 0.95, &low, &high))
        return window_from_range (low, high + 1.0);
      break;

    case NP_WINDOW_PRESET_AUTO:
    default:
      if (np_window_level_percentiles (frame, 0.005, 0.995, &low, &high))
        return window_from_range (low, high + 1.0);
      break;
    }

  return window_from_range (0, np_frame_get_max_value (frame));
}

/**
 * np_window_level_default:
 *
 * 8-bit frames are shown as stored (the scanner already mapped them for
 * display); 16-bit frames often use only a few hundred of 65536 values and
 * would look black, so they open with the automatic window.
 */
NpWindowLevel
np_window_level_default (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, window_from_range (0, 255));

  if (np_frame_get_bit_depth (frame) == 8)
    return window_from_range (0, 256);
  return np_window_level_for_preset (frame, NP_WINDOW_PRESET_AUTO);
}

guint8
np_window_level_map (NpWindowLevel window,
                     double        value)
{
  double width = MAX (window.width, 1.0);
  double t = (value - (window.center - width / 2.0)) / width;
  double out = floor (t * 256.0);

  return (guint8) CLAMP (out, 0.0, 255.0);
}

/**
 * np_window_level_render_rgb:
 * @rgb: destination, 3 bytes per pixel, at least @rgb_stride × height bytes
 *
 * Maps every sample through @window into 8-bit RGB for display. Grey is
 * replicated to the three channels; alpha is composited over black, like the
 * dark surround of the canvas.
 */
void
np_window_level_render_rgb (NpWindowLevel  window,
                            const NpFrame *frame,
                            guint8        *rgb,
                            gsize          rgb_stride)
{
  guint channels, width, height, n_levels;
  gboolean alpha;
  guint8 *lut;

  g_return_if_fail (frame != NULL);
  g_return_if_fail (rgb != NULL);

  channels = np_frame_get_channels (frame);
  width = np_frame_get_width (frame);
  height = np_frame_get_height (frame);
  alpha = np_frame_has_alpha (frame);
  n_levels = np_frame_get_max_value (frame) + 1;
  g_assert (n_levels >= 256); /* 8- or 16-bit samples: the alpha divisor below is never 0 */

  lut = g_malloc (n_levels);
  for (guint v = 0; v < n_levels; v++)
    lut[v] = np_window_level_map (window, v);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *row8 = np_frame_get_data (frame) + (gsize) y * np_frame_get_stride (frame);
      const guint16 *row16 = (const guint16 *) row8;
      guint8 *out = rgb + (gsize) y * rgb_stride;
      gboolean deep = np_frame_get_bit_depth (frame) == 16;

      for (guint x = 0; x < width; x++, out += 3)
        {
          gsize i = (gsize) x * channels;
          guint s0 = deep ? row16[i] : row8[i];

          if (channels <= 2)
            out[0] = out[1] = out[2] = lut[s0];
          else
            {
              out[0] = lut[s0];
              out[1] = lut[deep ? row16[i + 1] : row8[i + 1]];
              out[2] = lut[deep ? row16[i + 2] : row8[i + 2]];
            }

          if (alpha)
            {
              guint a = deep ? row16[i + channels - 1] : row8[i + channels - 1];
              guint amax = n_levels - 1;
              out[0] = (guint8) ((out[0] * a + amax / 2) / amax);
              out[1] = (guint8) ((out[1] * a + amax / 2) / amax);
              out[2] = (guint8) ((out[2] * a + amax / 2) / amax);
            }
        }
    }

  g_free (lut);
}
