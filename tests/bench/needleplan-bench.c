/* needleplan-bench.c: our operations against baselines in the same run
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a pass/fail test: prints, for each operation, the median of several
 * runs of ours and of a baseline doing the irreducible part of the same work,
 * and their ratio. Ratios travel between machines; absolute times do not.
 */

#include "config.h"

#include "np-frame.h"
#include "np-png.h"

#include <glib/gstdio.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*BenchFunc) (gpointer data);

static double
median_seconds (BenchFunc func,
                gpointer  data,
                guint     runs)
{
  g_autofree double *times = g_new (double, runs);

  func (data); /* warm the caches and the page cache */
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      func (data);
      times[i] = (g_get_monotonic_time () - start) / 1e6;
    }
  for (guint i = 1; i < runs; i++)
    for (guint j = i; j > 0 && times[j - 1] > times[j]; j--)
      {
        double t = times[j];
        times[j] = times[j - 1];
        times[j - 1] = t;
      }
  return times[runs / 2];
}

static void
report (const char *operation,
        double      ours,
        const char *baseline_name,
        double      baseline,
        const char *target)
{
  printf ("%-34s %10.3f ms  %-26s %10.3f ms  %6.2f×  %s\n", operation, ours * 1e3,
          baseline_name, baseline * 1e3, baseline > 0 ? ours / baseline : 0.0, target);
}

/* The bare libpng decode: the same file, the same transforms, no checks. */
static void
bare_libpng_decode (gpointer data)
{
  const char *path = data;
  FILE *fp = fopen (path, "rb");
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  png_bytep *rows;
  png_uint_32 height;
  size_t rowbytes;
  guint8 *pixels;

  if (fp == NULL || setjmp (png_jmpbuf (png)))
    abort ();
  png_init_io (png, fp);
  png_read_info (png, info);
  png_set_expand (png);
  if (png_get_bit_depth (png, info) == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  height = png_get_image_height (png, info);
  rowbytes = png_get_rowbytes (png, info);
  pixels = malloc (rowbytes * height);
  rows = malloc (sizeof *rows * height);
  for (png_uint_32 y = 0; y < height; y++)
    rows[y] = pixels + y * rowbytes;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  fclose (fp);
  free (rows);
  free (pixels);
}

static void
our_png_load (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_png_load (data, &error);

  if (frame == NULL)
    g_error ("%s", error->message);
}

/* A deterministic 16-bit test frame with structure, so zlib has real work. */
static NpFrame *
make_test_frame (guint width,
                 guint height,
                 guint channels,
                 guint depth)
{
  NpFrame *frame = np_frame_new (width, height, channels, depth, NULL);
  guint32 state = 12345;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < channels; c++)
        {
          state = state * 1664525u + 1013904223u;
          np_frame_set_sample (frame, x, y, c,
                               ((x * 7 + y * 3) % 200) * (depth == 16 ? 50 : 1)
                               + ((state >> 24) & 15));
        }
  return frame;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("needleplan-bench-XXXXXX", NULL);
  const guint runs = argc > 1 ? (guint) atoi (argv[1]) : 7;
  struct { const char *name; guint w, h, c, d; } frames[] = {
    { "load 1920×1080 grey 8-bit", 1920, 1080, 1, 8 },
    { "load 4096×4096 grey 16-bit", 4096, 4096, 1, 16 },
    { "load 1024×768 RGB 8-bit", 1024, 768, 3, 8 },
  };

  printf ("NeedlePlan %s benchmark, median of %u runs\n", PACKAGE_VERSION, runs);
  printf ("%-34s %13s  %-26s %13s  %7s  %s\n", "operation", "ours", "baseline", "", "ratio",
          "target");

  for (gsize i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autoptr(NpFrame) frame = make_test_frame (frames[i].w, frames[i].h, frames[i].c,
                                                  frames[i].d);
      g_autofree char *path = g_build_filename (tmpdir, "frame.png", NULL);

      if (!np_png_save (frame, path, NULL))
        g_error ("cannot write %s", path);
      report (frames[i].name, median_seconds (our_png_load, path, runs),
              "bare libpng decode", median_seconds (bare_libpng_decode, path, runs), "≤ 1.10×");
      g_unlink (path);
    }

  g_rmdir (tmpdir);
  return 0;
}
