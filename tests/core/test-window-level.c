/* test-window-level.c: mapping raw samples to display grey
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window-level"

#include "np-window-level.h"

#include <string.h>

static NpFrame *
new_frame (guint width,
           guint height,
           guint channels,
           guint bit_depth)
{
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_frame_new (width, height, channels, bit_depth, &error);

  g_assert_no_error (error);
  return frame;
}

/* 300 pixels of 16-bit grey with values 1000, 1001, ..., 1299: each value
 * holds 1/300 of the frame. */
static NpFrame *
new_ramp16 (void)
{
  NpFrame *frame = new_frame (300, 1, 1, 16);

  for (guint x = 0; x < 300; x++)
    np_frame_set_sample (frame, x, 0, 0, 1000 + x);
  return frame;
}

static void
test_window_level_identity8 (void)
{
  NpWindowLevel window = { .center = 128, .width = 256 };
  g_autoptr(NpFrame) frame = new_frame (4, 1, 1, 8);
  NpWindowLevel fallback;

  /* The window spans [0, 256): t = v / 256, out = floor (256 t) = v. */
  for (guint v = 0; v < 256; v++)
    g_assert_cmpuint (np_window_level_map (window, v), ==, v);

  /* An 8-bit frame opens exactly so: shown as stored. */
  fallback = np_window_level_default (frame);
  g_assert_cmpfloat (fallback.center, ==, 128);
  g_assert_cmpfloat (fallback.width, ==, 256);
}

static void
test_window_level_clamp (void)
{
  /* Center 100, width 50: the window is [75, 125). 75 → 0; the middle,
   * 100, is t = 0.5 → 128; 125 and above → 255; below 75 → 0. */
  NpWindowLevel window = { .center = 100, .width = 50 };

  g_assert_cmpuint (np_window_level_map (window, 0), ==, 0);
  g_assert_cmpuint (np_window_level_map (window, 74), ==, 0);
  g_assert_cmpuint (np_window_level_map (window, 75), ==, 0);
  g_assert_cmpuint (np_window_level_map (window, 100), ==, 128);
  g_assert_cmpuint (np_window_level_map (window, 125), ==, 255);
  g_assert_cmpuint (np_window_level_map (window, 60000), ==, 255);
  /* One step of 50 raw units spans 256 / 50 = 5.12 display levels:
   * 76 → floor (5.12) = 5. */
  g_assert_cmpuint (np_window_level_map (window, 76), ==, 5);
}

static void
test_window_level_full_range (void)
{
  g_autoptr(NpFrame) frame8 = new_frame (2, 2, 1, 8);
  g_autoptr(NpFrame) frame16 = new_frame (2, 2, 1, 16);
  NpWindowLevel window;

  /* Full range of 8 bits: 0..255, center 127.5, width 255. */
  window = np_window_level_for_preset (frame8, NP_WINDOW_PRESET_FULL_RANGE);
  g_assert_cmpfloat (window.center, ==, 127.5);
  g_assert_cmpfloat (window.width, ==, 255);

  /* 16 bits: 0..65535, center 32767.5, width 65535; the top value maps to
   * floor (256 · 65535 / 65535) = 256 → clamped to 255, 0 to 0. */
  window = np_window_level_for_preset (frame16, NP_WINDOW_PRESET_FULL_RANGE);
  g_assert_cmpfloat (window.center, ==, 32767.5);
  g_assert_cmpfloat (window.width, ==, 65535);
  g_assert_cmpuint (np_window_level_map (window, 0), ==, 0);
  g_assert_cmpuint (np_window_level_map (window, 65535), ==, 255);
  /* 32768 / 65535 · 256 = 128.0039 → 128. */
  g_assert_cmpuint (np_window_level_map (window, 32768), ==, 128);
}

static void
test_window_level_percentiles16 (void)
{
  g_autoptr(NpFrame) frame = new_ramp16 ();
  double low = 0, high = 0;

  /* Fraction f lands in the bin of the ceil (300 f)-th smallest value:
   * 0.0505 · 300 = 15.15 → the 16th value, 1015; 0.9505 · 300 = 285.15 →
   * 1285. (Fractions that fall inside a bin avoid rounding at bin edges.) */
  g_assert_true (np_window_level_percentiles (frame, 0.0505, 0.9505, &low, &high));
  g_assert_cmpfloat (low, ==, 1015);
  g_assert_cmpfloat (high, ==, 1285);

  /* 0 and 1: the darkest and brightest samples. */
  g_assert_true (np_window_level_percentiles (frame, 0.0, 1.0, &low, &high));
  g_assert_cmpfloat (low, ==, 1000);
  g_assert_cmpfloat (high, ==, 1299);
}

static void
test_window_level_presets16 (void)
{
  g_autoptr(NpFrame) frame = new_ramp16 ();
  NpWindowLevel window;

  /* Auto: 0.5th percentile 0.005 · 300 = 1.5 → 1001; 99.5th 298.5 → 1298.
   * The window covers [1001, 1299): center 1150, width 298. */
  window = np_window_level_for_preset (frame, NP_WINDOW_PRESET_AUTO);
  g_assert_cmpfloat (window.center, ==, 1150);
  g_assert_cmpfloat (window.width, ==, 298);

  /* A 16-bit frame opens with the automatic window, not the black 0..65535. */
  window = np_window_level_default (frame);
  g_assert_cmpfloat (window.center, ==, 1150);
  g_assert_cmpfloat (window.width, ==, 298);

  /* Data range: [1000, 1300): center 1150, width 300. */
  window = np_window_level_for_preset (frame, NP_WINDOW_PRESET_DATA_RANGE);
  g_assert_cmpfloat (window.center, ==, 1150);
  g_assert_cmpfloat (window.width, ==, 300);
  g_assert_cmpuint (np_window_level_map (window, 1000), ==, 0);
  g_assert_cmpuint (np_window_level_map (window, 1299), ==, 255);
  /* 1150 is half way: floor (150 / 300 · 256) = 128. */
  g_assert_cmpuint (np_window_level_map (window, 1150), ==, 128);
}

static void
test_window_level_flat_frame (void)
{
  g_autoptr(NpFrame) frame = new_frame (3, 3, 1, 16);
  NpWindowLevel window;

  /* Every pixel 500: data range [500, 501) still has width 1, not 0. */
  for (guint y = 0; y < 3; y++)
    for (guint x = 0; x < 3; x++)
      np_frame_set_sample (frame, x, y, 0, 500);
  window = np_window_level_for_preset (frame, NP_WINDOW_PRESET_DATA_RANGE);
  g_assert_cmpfloat (window.center, ==, 500.5);
  g_assert_cmpfloat (window.width, ==, 1);
}

static void
test_window_level_render_gray_alpha (void)
{
  g_autoptr(NpFrame) frame = new_frame (3, 1, 2, 8);
  NpWindowLevel window = { .center = 128, .width = 256 };
  guint8 rgb[3 * 3];

  /* Grey 200 over black: alpha 255 → 200; 0 → 0;
   * 128 → (200 · 128 + 127) / 255 = 25727 / 255 = 100 (integer division). */
  for (guint x = 0; x < 3; x++)
    np_frame_set_sample (frame, x, 0, 0, 200);
  np_frame_set_sample (frame, 0, 0, 1, 255);
  np_frame_set_sample (frame, 1, 0, 1, 0);
  np_frame_set_sample (frame, 2, 0, 1, 128);

  np_window_level_render_rgb (window, frame, rgb, sizeof rgb);
  for (guint c = 0; c < 3; c++)
    {
      g_assert_cmpuint (rgb[0 + c], ==, 200);
      g_assert_cmpuint (rgb[3 + c], ==, 0);
      g_assert_cmpuint (rgb[6 + c], ==, 100);
    }
}

static void
test_window_level_render_gray_alpha16 (void)
{
  g_autoptr(NpFrame) frame = new_frame (1, 1, 2, 16);
  g_autoptr(NpFrame) probe = new_frame (1, 1, 1, 16);
  NpWindowLevel window = np_window_level_for_preset (probe, NP_WINDOW_PRESET_FULL_RANGE);
  guint8 rgb[3];

  /* 65535 maps to 255; alpha 32768 of 65535:
   * (255 · 32768 + 32767) / 65535 = 8388607 / 65535 = 128 (integer). */
  np_frame_set_sample (frame, 0, 0, 0, 65535);
  np_frame_set_sample (frame, 0, 0, 1, 32768);
  np_window_level_render_rgb (window, frame, rgb, sizeof rgb);
  g_assert_cmpuint (rgb[0], ==, 128);
  g_assert_cmpuint (rgb[1], ==, 128);
  g_assert_cmpuint (rgb[2], ==, 128);
}

static void
test_window_level_render_rgb_stride (void)
{
  g_autoptr(NpFrame) frame = new_frame (1, 2, 3, 8);
  NpWindowLevel window = { .center = 128, .width = 256 };
  /* Stride 5: 3 bytes of pixel, 2 of padding that must stay untouched. */
  guint8 rgb[10];

  memset (rgb, 0xEE, sizeof rgb);
  np_frame_set_sample (frame, 0, 0, 0, 10);
  np_frame_set_sample (frame, 0, 0, 1, 20);
  np_frame_set_sample (frame, 0, 0, 2, 30);
  np_frame_set_sample (frame, 0, 1, 0, 255);
  np_window_level_render_rgb (window, frame, rgb, 5);
  g_assert_cmpuint (rgb[0], ==, 10);
  g_assert_cmpuint (rgb[1], ==, 20);
  g_assert_cmpuint (rgb[2], ==, 30);
  g_assert_cmpuint (rgb[3], ==, 0xEE);
  g_assert_cmpuint (rgb[4], ==, 0xEE);
  g_assert_cmpuint (rgb[5], ==, 255);
  g_assert_cmpuint (rgb[6], ==, 0);
  g_assert_cmpuint (rgb[7], ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/window-level/identity8", test_window_level_identity8);
  g_test_add_func ("/core/window-level/clamp", test_window_level_clamp);
  g_test_add_func ("/core/window-level/full-range", test_window_level_full_range);
  g_test_add_func ("/core/window-level/percentiles16", test_window_level_percentiles16);
  g_test_add_func ("/core/window-level/presets16", test_window_level_presets16);
  g_test_add_func ("/core/window-level/flat-frame", test_window_level_flat_frame);
  g_test_add_func ("/core/window-level/render-gray-alpha", test_window_level_render_gray_alpha);
  g_test_add_func ("/core/window-level/render-gray-alpha16",
                   test_window_level_render_gray_alpha16);
  g_test_add_func ("/core/window-level/render-rgb-stride", test_window_level_render_rgb_stride);
  return g_test_run ();
}
