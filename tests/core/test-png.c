/* test-png.c: the PNG loader and encoder
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-png"

#include "np-error.h"
#include "np-png.h"

#include <glib/gstdio.h>
#include <png.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

/* Every file a test writes goes here; main () removes the folder. */
static char *tmp_dir;

static const char *
testdata_dir (void)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_TESTDATA_DIR;
}

/* ---- Writing test images with libpng itself --------------------------- */

/* One image as it is stored in the file: @rows holds the packed rows exactly
 * as PNG lays them out (sub-byte samples packed MSB first, 16-bit samples big
 * endian), so each expected value below can be read off these bytes. */
typedef struct
{
  guint width;
  guint height;
  int bit_depth;
  int color_type;
  int interlace;
  const guint8 *rows;
  const png_color *palette;
  int n_palette;
  const guint8 *trans_alpha;
  int n_trans;
  const png_color_16 *trans_color;
  gboolean has_phys;
  png_uint_32 phys_x;
  png_uint_32 phys_y;
  int phys_unit;
  const png_text *text;       /* written before the image data */
  int n_text;
  const png_text *end_text;   /* written after it */
  int n_end_text;
} PngSpec;

static void
spec_write_error_cb (png_structp     png,
                     png_const_charp message)
{
  g_error ("libpng could not write a test image: %s", message);
}

static void
spec_write_data_cb (png_structp png,
                    png_bytep   data,
                    size_t      length)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint) length);
}

static void
spec_flush_cb (png_structp png)
{
}

static gsize
spec_row_bytes (const PngSpec *spec)
{
  guint samples_per_pixel;

  switch (spec->color_type)
    {
    case PNG_COLOR_TYPE_GRAY_ALPHA: samples_per_pixel = 2; break;
    case PNG_COLOR_TYPE_RGB: samples_per_pixel = 3; break;
    case PNG_COLOR_TYPE_RGB_ALPHA: samples_per_pixel = 4; break;
    default: samples_per_pixel = 1; break;
    }
  return ((gsize) spec->width * samples_per_pixel * spec->bit_depth + 7) / 8;
}

static GBytes *
spec_encode (const PngSpec *spec)
{
  GByteArray *out = g_byte_array_new ();
  png_structp png;
  png_infop info;
  g_autofree png_bytep *rows = g_new (png_bytep, spec->height);
  gsize row_bytes = spec_row_bytes (spec);

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, spec_write_error_cb, NULL);
  info = png_create_info_struct (png);
  png_set_write_fn (png, out, spec_write_data_cb, spec_flush_cb);
  png_set_IHDR (png, info, spec->width, spec->height, spec->bit_depth, spec->color_type,
                spec->interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (spec->palette != NULL)
    png_set_PLTE (png, info, spec->palette, spec->n_palette);
  if (spec->trans_alpha != NULL || spec->trans_color != NULL)
    png_set_tRNS (png, info, spec->trans_alpha, spec->n_trans, spec->trans_color);
  if (spec->has_phys)
    png_set_pHYs (png, info, spec->phys_x, spec->phys_y, spec->phys_unit);
  if (spec->n_text > 0)
    png_set_text (png, info, spec->text, spec->n_text);
  png_write_info (png, info);

  for (guint y = 0; y < spec->height; y++)
    rows[y] = (png_bytep) spec->rows + y * row_bytes;
  if (spec->interlace != PNG_INTERLACE_NONE)
    png_set_interlace_handling (png);
  png_write_image (png, rows);

  /* Text set after png_write_info goes after the image data. */
  if (spec->n_end_text > 0)
    png_set_text (png, info, spec->end_text, spec->n_end_text);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return g_byte_array_free_to_bytes (out);
}

static char *
write_temp_file (const char   *name,
                 const void   *data,
                 gsize         length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_file_set_contents (path, data, (gssize) length, &error);
  g_assert_no_error (error);
  return path;
}

/* Writes @spec to a file and loads it through np_png_load, as the app does. */
static NpFrame *
load_spec (const PngSpec *spec)
{
  g_autoptr(GBytes) bytes = spec_encode (spec);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_temp_file ("spec.png", g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes));
  NpFrame *frame = np_png_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (frame);
  g_assert_cmpstr (np_frame_get_source_path (frame), ==, path);
  g_unlink (path);
  return frame;
}

static void
assert_pixel (const NpFrame *frame,
              guint          x,
              guint          y,
              guint          n_samples,
              const guint   *expected)
{
  g_assert_cmpuint (np_frame_get_channels (frame), ==, n_samples);
  for (guint c = 0; c < n_samples; c++)
    g_assert_cmpuint (np_frame_get_sample (frame, x, y, c), ==, expected[c]);
}

#define ASSERT_PIXEL(frame, x, y, ...) \
  G_STMT_START { \
    const guint expected_[] = { __VA_ARGS__ }; \
    assert_pixel ((frame), (x), (y), G_N_ELEMENTS (expected_), expected_); \
  } G_STMT_END

static void
assert_layout (const NpFrame *frame,
               guint          width,
               guint          height,
               guint          channels,
               guint          bit_depth,
               guint          source_bit_depth)
{
  g_assert_cmpuint (np_frame_get_width (frame), ==, width);
  g_assert_cmpuint (np_frame_get_height (frame), ==, height);
  g_assert_cmpuint (np_frame_get_channels (frame), ==, channels);
  g_assert_cmpuint (np_frame_get_bit_depth (frame), ==, bit_depth);
  g_assert_cmpuint (np_frame_get_source_bit_depth (frame), ==, source_bit_depth);
}

/* ---- Colour types and bit depths --------------------------------------- */

static void
test_png_gray1 (void)
{
  /* 0xA5 = 1010 0101, 0x0F = 0000 1111; a 1-bit 1 is white, 255. */
  static const guint8 rows[] = { 0xA5, 0x0F };
  PngSpec spec = { .width = 8, .height = 2, .bit_depth = 1, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);
  static const guint row0[] = { 255, 0, 255, 0, 0, 255, 0, 255 };
  static const guint row1[] = { 0, 0, 0, 0, 255, 255, 255, 255 };

  assert_layout (frame, 8, 2, 1, 8, 1);
  g_assert_true (np_frame_is_gray (frame));
  for (guint x = 0; x < 8; x++)
    {
      ASSERT_PIXEL (frame, x, 0, row0[x]);
      ASSERT_PIXEL (frame, x, 1, row1[x]);
    }
}

static void
test_png_gray2 (void)
{
  /* 0x1B = 00 01 10 11: levels 0..3, each step 255 / 3 = 85. */
  static const guint8 rows[] = { 0x1B };
  PngSpec spec = { .width = 4, .height = 1, .bit_depth = 2, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 4, 1, 1, 8, 2);
  ASSERT_PIXEL (frame, 0, 0, 0);
  ASSERT_PIXEL (frame, 1, 0, 85);
  ASSERT_PIXEL (frame, 2, 0, 170);
  ASSERT_PIXEL (frame, 3, 0, 255);
}

static void
test_png_gray4 (void)
{
  /* 0x01 0x8F = levels 0, 1, 8, 15; each step 255 / 15 = 17. */
  static const guint8 rows[] = { 0x01, 0x8F };
  PngSpec spec = { .width = 4, .height = 1, .bit_depth = 4, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 4, 1, 1, 8, 4);
  ASSERT_PIXEL (frame, 0, 0, 0);
  ASSERT_PIXEL (frame, 1, 0, 17);
  ASSERT_PIXEL (frame, 2, 0, 136);
  ASSERT_PIXEL (frame, 3, 0, 255);
}

static void
test_png_gray8 (void)
{
  static const guint8 rows[] = { 0, 128, 255,
                                 7, 64, 200 };
  PngSpec spec = { .width = 3, .height = 2, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 3, 2, 1, 8, 8);
  ASSERT_PIXEL (frame, 0, 0, 0);
  ASSERT_PIXEL (frame, 1, 0, 128);
  ASSERT_PIXEL (frame, 2, 0, 255);
  ASSERT_PIXEL (frame, 0, 1, 7);
  ASSERT_PIXEL (frame, 1, 1, 64);
  ASSERT_PIXEL (frame, 2, 1, 200);
  g_assert_cmpstr (np_frame_get_source_format (frame), ==, "8-bit grey");
  g_assert_false (np_frame_get_declared_pixel_size (frame, NULL, NULL));
}

static void
test_png_gray16 (void)
{
  /* Big endian in the file: 0x1234 = 4660, 0xFFFE = 65534, 0x0001 = 1. */
  static const guint8 rows[] = { 0x12, 0x34, 0xFF, 0xFE, 0x00, 0x01 };
  PngSpec spec = { .width = 3, .height = 1, .bit_depth = 16, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);
  const guint16 *samples;

  assert_layout (frame, 3, 1, 1, 16, 16);
  g_assert_cmpuint (np_frame_get_max_value (frame), ==, 65535);
  ASSERT_PIXEL (frame, 0, 0, 4660);
  ASSERT_PIXEL (frame, 1, 0, 65534);
  ASSERT_PIXEL (frame, 2, 0, 1);

  /* Kept at 16 bits in host order: the raw buffer holds native guint16. */
  samples = (const guint16 *) np_frame_get_data (frame);
  g_assert_cmpuint (samples[0], ==, 4660);
  g_assert_cmpuint (samples[2], ==, 1);
}

static void
test_png_gray_alpha8 (void)
{
  static const guint8 rows[] = { 10, 200, 255, 0 };
  PngSpec spec = { .width = 2, .height = 1, .bit_depth = 8,
                   .color_type = PNG_COLOR_TYPE_GRAY_ALPHA, .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 1, 2, 8, 8);
  g_assert_true (np_frame_is_gray (frame));
  g_assert_true (np_frame_has_alpha (frame));
  ASSERT_PIXEL (frame, 0, 0, 10, 200);
  ASSERT_PIXEL (frame, 1, 0, 255, 0);
}

static void
test_png_gray_alpha16 (void)
{
  /* 0x0102 = 258, 0xFFFF = 65535; 0x8000 = 32768, 0x00FF = 255. */
  static const guint8 rows[] = { 0x01, 0x02, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0xFF };
  PngSpec spec = { .width = 2, .height = 1, .bit_depth = 16,
                   .color_type = PNG_COLOR_TYPE_GRAY_ALPHA, .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 1, 2, 16, 16);
  ASSERT_PIXEL (frame, 0, 0, 258, 65535);
  ASSERT_PIXEL (frame, 1, 0, 32768, 255);
}

static void
test_png_rgb8 (void)
{
  static const guint8 rows[] = { 255, 0, 0,   1, 2, 3,
                                 0, 255, 0,   250, 128, 64 };
  PngSpec spec = { .width = 2, .height = 2, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 2, 3, 8, 8);
  g_assert_false (np_frame_is_gray (frame));
  g_assert_false (np_frame_has_alpha (frame));
  ASSERT_PIXEL (frame, 0, 0, 255, 0, 0);
  ASSERT_PIXEL (frame, 1, 0, 1, 2, 3);
  ASSERT_PIXEL (frame, 0, 1, 0, 255, 0);
  ASSERT_PIXEL (frame, 1, 1, 250, 128, 64);
}

static void
test_png_rgb16 (void)
{
  /* 0x0001 = 1, 0x0100 = 256, 0xABCD = 43981. */
  static const guint8 rows[] = { 0x00, 0x01, 0x01, 0x00, 0xAB, 0xCD };
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 16, .color_type = PNG_COLOR_TYPE_RGB,
                   .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 1, 1, 3, 16, 16);
  ASSERT_PIXEL (frame, 0, 0, 1, 256, 43981);
}

static void
test_png_rgba8 (void)
{
  static const guint8 rows[] = { 10, 20, 30, 40,   255, 254, 253, 0 };
  PngSpec spec = { .width = 2, .height = 1, .bit_depth = 8,
                   .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 1, 4, 8, 8);
  g_assert_true (np_frame_has_alpha (frame));
  ASSERT_PIXEL (frame, 0, 0, 10, 20, 30, 40);
  ASSERT_PIXEL (frame, 1, 0, 255, 254, 253, 0);
}

static void
test_png_rgba16 (void)
{
  /* 0x8000 = 32768, 0x0000 = 0, 0xFFFF = 65535, 0x7FFF = 32767. */
  static const guint8 rows[] = { 0x80, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x7F, 0xFF };
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 16,
                   .color_type = PNG_COLOR_TYPE_RGB_ALPHA, .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 1, 1, 4, 16, 16);
  ASSERT_PIXEL (frame, 0, 0, 32768, 0, 65535, 32767);
}

static const png_color test_palette[] = {
  { 0, 0, 0 }, { 255, 128, 0 }, { 10, 20, 30 },
};

static void
test_png_palette (void)
{
  /* 4-bit indices 2, 1, 0 (+ padding nibble): 0x21 0x00. */
  static const guint8 rows[] = { 0x21, 0x00 };
  PngSpec spec = { .width = 3, .height = 1, .bit_depth = 4, .color_type = PNG_COLOR_TYPE_PALETTE,
                   .rows = rows, .palette = test_palette, .n_palette = 3 };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  /* A palette becomes RGB; the file's bit depth is still reported. */
  assert_layout (frame, 3, 1, 3, 8, 4);
  ASSERT_PIXEL (frame, 0, 0, 10, 20, 30);
  ASSERT_PIXEL (frame, 1, 0, 255, 128, 0);
  ASSERT_PIXEL (frame, 2, 0, 0, 0, 0);
}

static void
test_png_palette_trns (void)
{
  /* tRNS gives entries 0 and 1 alpha 0 and 128; entry 2 is past its end,
   * so it is opaque (255). 8-bit indices 0, 1, 2. */
  static const guint8 rows[] = { 0, 1, 2 };
  static const guint8 alpha[] = { 0, 128 };
  PngSpec spec = { .width = 3, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_PALETTE,
                   .rows = rows, .palette = test_palette, .n_palette = 3,
                   .trans_alpha = alpha, .n_trans = 2 };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 3, 1, 4, 8, 8);
  ASSERT_PIXEL (frame, 0, 0, 0, 0, 0, 0);
  ASSERT_PIXEL (frame, 1, 0, 255, 128, 0, 128);
  ASSERT_PIXEL (frame, 2, 0, 10, 20, 30, 255);
}

static void
test_png_gray_trns (void)
{
  /* tRNS marks grey 50 as transparent: 50 → (50, 0), 51 → (51, 255). */
  static const guint8 rows[] = { 50, 51 };
  png_color_16 key = { .gray = 50 };
  PngSpec spec = { .width = 2, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .trans_color = &key };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 1, 2, 8, 8);
  ASSERT_PIXEL (frame, 0, 0, 50, 0);
  ASSERT_PIXEL (frame, 1, 0, 51, 255);
}

static void
test_png_gray2_trns (void)
{
  /* The tRNS key is compared in the file's 2-bit levels, before expansion:
   * levels 0..3 (0x1B) with level 1 transparent → 85 gets alpha 0. */
  static const guint8 rows[] = { 0x1B };
  png_color_16 key = { .gray = 1 };
  PngSpec spec = { .width = 4, .height = 1, .bit_depth = 2, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .trans_color = &key };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 4, 1, 2, 8, 2);
  ASSERT_PIXEL (frame, 0, 0, 0, 255);
  ASSERT_PIXEL (frame, 1, 0, 85, 0);
  ASSERT_PIXEL (frame, 2, 0, 170, 255);
  ASSERT_PIXEL (frame, 3, 0, 255, 255);
}

static void
test_png_gray16_trns (void)
{
  /* 16-bit grey with key 1000 (0x03E8) → 16-bit grey + alpha. */
  static const guint8 rows[] = { 0x03, 0xE8, 0x03, 0xE9 };
  png_color_16 key = { .gray = 1000 };
  PngSpec spec = { .width = 2, .height = 1, .bit_depth = 16, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .trans_color = &key };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 1, 2, 16, 16);
  ASSERT_PIXEL (frame, 0, 0, 1000, 0);
  ASSERT_PIXEL (frame, 1, 0, 1001, 65535);
}

static void
test_png_rgb_trns (void)
{
  static const guint8 rows[] = { 1, 2, 3,   1, 2, 4 };
  png_color_16 key = { .red = 1, .green = 2, .blue = 3 };
  PngSpec spec = { .width = 2, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_RGB,
                   .rows = rows, .trans_color = &key };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 2, 1, 4, 8, 8);
  ASSERT_PIXEL (frame, 0, 0, 1, 2, 3, 0);
  ASSERT_PIXEL (frame, 1, 0, 1, 2, 4, 255);
}

/* Adam7 with an odd 9 × 7 size exercises every pass, including partial ones. */
static void
check_interlaced_matches (int       color_type,
                          int       bit_depth,
                          guint     samples_per_pixel)
{
  enum { WIDTH = 9, HEIGHT = 7 };
  gsize row_bytes = (gsize) WIDTH * samples_per_pixel * bit_depth / 8;
  g_autofree guint8 *rows = g_malloc (row_bytes * HEIGHT);
  PngSpec spec = { .width = WIDTH, .height = HEIGHT, .bit_depth = bit_depth,
                   .color_type = color_type, .rows = rows };
  g_autoptr(NpFrame) plain = NULL;
  g_autoptr(NpFrame) interlaced = NULL;

  /* Every byte different: b = 7 i + 3 (mod 256), i the byte index. */
  for (gsize i = 0; i < row_bytes * HEIGHT; i++)
    rows[i] = (guint8) (7 * i + 3);

  plain = load_spec (&spec);
  spec.interlace = PNG_INTERLACE_ADAM7;
  interlaced = load_spec (&spec);

  g_assert_cmpstr (np_frame_get_source_format (interlaced), !=,
                   np_frame_get_source_format (plain));
  g_assert_nonnull (strstr (np_frame_get_source_format (interlaced), "interlaced"));
  assert_layout (interlaced, WIDTH, HEIGHT, samples_per_pixel, bit_depth, bit_depth);
  for (guint y = 0; y < HEIGHT; y++)
    for (guint x = 0; x < WIDTH; x++)
      for (guint c = 0; c < samples_per_pixel; c++)
        {
          gsize i = (y * WIDTH + x) * samples_per_pixel + c;
          guint expected = bit_depth == 8 ? rows[i]
                                          : ((guint) rows[2 * i] << 8) | rows[2 * i + 1];

          g_assert_cmpuint (np_frame_get_sample (plain, x, y, c), ==, expected);
          g_assert_cmpuint (np_frame_get_sample (interlaced, x, y, c), ==, expected);
        }
}

static void
test_png_interlaced (void)
{
  check_interlaced_matches (PNG_COLOR_TYPE_GRAY, 8, 1);
  check_interlaced_matches (PNG_COLOR_TYPE_GRAY, 16, 1);
  check_interlaced_matches (PNG_COLOR_TYPE_RGB, 8, 3);
  check_interlaced_matches (PNG_COLOR_TYPE_RGB_ALPHA, 16, 4);
}

static void
test_png_interlaced_gray1 (void)
{
  /* 1-bit Adam7, 10 × 3: rows 0xF0 0xC0, 0x0F 0x00, 0xAA 0x80. */
  static const guint8 rows[] = { 0xF0, 0xC0, 0x0F, 0x00, 0xAA, 0x80 };
  static const guint expected[3][10] = {
    { 255, 255, 255, 255, 0, 0, 0, 0, 255, 255 },
    { 0, 0, 0, 0, 255, 255, 255, 255, 0, 0 },
    { 255, 0, 255, 0, 255, 0, 255, 0, 255, 0 },
  };
  PngSpec spec = { .width = 10, .height = 3, .bit_depth = 1, .color_type = PNG_COLOR_TYPE_GRAY,
                   .interlace = PNG_INTERLACE_ADAM7, .rows = rows };
  g_autoptr(NpFrame) frame = load_spec (&spec);

  assert_layout (frame, 10, 3, 1, 8, 1);
  for (guint y = 0; y < 3; y++)
    for (guint x = 0; x < 10; x++)
      ASSERT_PIXEL (frame, x, y, expected[y][x]);
}

/* ---- Metadata ----------------------------------------------------------- */

static void
test_png_phys (void)
{
  static const guint8 rows[] = { 0 };
  /* 10000 px/m → 1000 mm / 10000 px = 0.1 mm; 20000 px/m → 0.05 mm. */
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .has_phys = TRUE, .phys_x = 10000, .phys_y = 20000,
                   .phys_unit = PNG_RESOLUTION_METER };
  g_autoptr(NpFrame) frame = load_spec (&spec);
  g_autoptr(NpFrame) unitless = NULL;
  double mm_x = 0, mm_y = 0;

  g_assert_true (np_frame_get_declared_pixel_size (frame, &mm_x, &mm_y));
  g_assert_cmpfloat_with_epsilon (mm_x, 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (mm_y, 0.05, 1e-12);

  /* A pHYs without a unit only gives the aspect ratio: no size in mm. */
  spec.phys_unit = PNG_RESOLUTION_UNKNOWN;
  unitless = load_spec (&spec);
  g_assert_false (np_frame_get_declared_pixel_size (unitless, &mm_x, &mm_y));
}

static void
test_png_text (void)
{
  static const guint8 rows[] = { 0 };
  /* tEXt and zTXt are Latin-1 ("caf\xe9" is "café"); iTXt is UTF-8. */
  png_text text[] = {
    { .compression = PNG_TEXT_COMPRESSION_NONE, .key = "Comment", .text = "caf\xe9 au lait" },
    { .compression = PNG_TEXT_COMPRESSION_zTXt, .key = "Description", .text = "knee, lateral" },
    { .compression = PNG_ITXT_COMPRESSION_NONE, .key = "Title", .lang = "de",
      .text = "Knie – Längsschnitt" },
  };
  png_text end_text[] = {
    { .compression = PNG_ITXT_COMPRESSION_zTXt, .key = "Author", .text = "Dr. Ø" },
  };
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .text = text, .n_text = G_N_ELEMENTS (text),
                   .end_text = end_text, .n_end_text = G_N_ELEMENTS (end_text) };
  g_autoptr(NpFrame) frame = load_spec (&spec);
  g_auto(GStrv) keys = np_frame_dup_text_keys (frame);

  g_assert_cmpstr (np_frame_get_text (frame, "Comment"), ==, "café au lait");
  g_assert_cmpstr (np_frame_get_text (frame, "Description"), ==, "knee, lateral");
  g_assert_cmpstr (np_frame_get_text (frame, "Title"), ==, "Knie – Längsschnitt");
  g_assert_cmpstr (np_frame_get_text (frame, "Author"), ==, "Dr. Ø");
  g_assert_cmpuint (g_strv_length (keys), ==, 4);
}

static void
test_png_text_invalid_utf8 (void)
{
  static const guint8 rows[] = { 0 };
  /* An iTXt claims UTF-8 but a broken writer put Latin-1 in it; the frame
   * must still hold valid UTF-8 (it reaches JSON and GTK labels). */
  png_text text[] = {
    { .compression = PNG_ITXT_COMPRESSION_NONE, .key = "Comment", .text = "caf\xe9" },
  };
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .text = text, .n_text = 1 };
  g_autoptr(NpFrame) frame = load_spec (&spec);
  const char *value = np_frame_get_text (frame, "Comment");

  g_assert_nonnull (value);
  g_assert_true (g_utf8_validate (value, -1, NULL));
  g_assert_true (g_str_has_prefix (value, "caf"));
}

/* ---- Encode → load --------------------------------------------------------- */

static guint
round_trip_value (guint x,
                  guint y,
                  guint c,
                  guint bit_depth)
{
  if (bit_depth == 8)
    return (x * 37 + y * 11 + c * 53) % 256;
  return (x * 9001 + y * 313 + c * 4099) % 65536;
}

static void
test_png_round_trip (void)
{
  for (guint channels = 1; channels <= 4; channels++)
    for (guint bit_depth = 8; bit_depth <= 16; bit_depth += 8)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(NpFrame) frame = np_frame_new (5, 3, channels, bit_depth, &error);
        g_autoptr(NpFrame) loaded = NULL;
        g_autoptr(GBytes) bytes = NULL;
        double mm_x = 0, mm_y = 0;

        g_assert_no_error (error);
        for (guint y = 0; y < 3; y++)
          for (guint x = 0; x < 5; x++)
            for (guint c = 0; c < channels; c++)
              np_frame_set_sample (frame, x, y, c, round_trip_value (x, y, c, bit_depth));
        /* 0.25 mm ↔ 4000 px/m and 0.125 mm ↔ 8000 px/m are exact both ways. */
        np_frame_set_declared_pixel_size (frame, 0.25, 0.125);
        np_frame_set_text (frame, "Comment", "Ultraschall – Knie, lateral");
        np_frame_set_text (frame, "Software", "NeedlePlan");

        bytes = np_png_encode (frame, 6, &error);
        g_assert_no_error (error);
        loaded = np_png_load_from_memory (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                          "round-trip.png", &error);
        g_assert_no_error (error);

        assert_layout (loaded, 5, 3, channels, bit_depth, bit_depth);
        for (guint y = 0; y < 3; y++)
          for (guint x = 0; x < 5; x++)
            for (guint c = 0; c < channels; c++)
              g_assert_cmpuint (np_frame_get_sample (loaded, x, y, c), ==,
                                round_trip_value (x, y, c, bit_depth));
        g_assert_true (np_frame_get_declared_pixel_size (loaded, &mm_x, &mm_y));
        g_assert_cmpfloat (mm_x, ==, 0.25);
        g_assert_cmpfloat (mm_y, ==, 0.125);
        g_assert_cmpstr (np_frame_get_text (loaded, "Comment"), ==, "Ultraschall – Knie, lateral");
        g_assert_cmpstr (np_frame_get_text (loaded, "Software"), ==, "NeedlePlan");
      }
}

/* Every filter the export may choose gives back the same samples, 8- and
 * 16-bit, grey and RGB. */
static void
test_png_encode_filters (void)
{
  static const NpPngFilter filters[] = { NP_PNG_FILTER_ADAPTIVE, NP_PNG_FILTER_SUB,
                                         NP_PNG_FILTER_UP };

  for (guint depth = 8; depth <= 16; depth += 8)
    for (guint channels = 1; channels <= 3; channels += 2)
      for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(NpFrame) frame = np_frame_new (64, 16, channels, depth, &error);
          g_autoptr(NpFrame) loaded = NULL;
          g_autoptr(GBytes) bytes = NULL;

          g_assert_no_error (error);
          for (guint y = 0; y < 16; y++)
            for (guint x = 0; x < 64; x++)
              for (guint c = 0; c < channels; c++)
                np_frame_set_sample (frame, x, y, c, (3 * x + 5 * y + 7 * c) % 256);
          bytes = np_png_encode_filtered (frame, 3, filters[f], &error);
          g_assert_no_error (error);
          loaded = np_png_load_from_memory (g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes), "filtered.png", &error);
          g_assert_no_error (error);
          for (guint y = 0; y < 16; y++)
            for (guint x = 0; x < 64; x++)
              for (guint c = 0; c < channels; c++)
                g_assert_cmpuint (np_frame_get_sample (loaded, x, y, c), ==,
                                  (3 * x + 5 * y + 7 * c) % 256);
        }
}

static NpFrame *
encode_and_load (const NpFrame *frame)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = np_png_encode (frame, 6, &error);
  NpFrame *loaded;

  g_assert_no_error (error);
  loaded = np_png_load_from_memory (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                    "encoded.png", &error);
  g_assert_no_error (error);
  return loaded;
}

static void
test_png_phys_limits (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpFrame) tiny = NULL;
  g_autoptr(NpFrame) coarse = NULL;
  double mm_x = 0, mm_y = 0;

  frame = np_frame_new (1, 1, 1, 8, NULL);
  /* 1e-9 mm per pixel would be 10^12 px/m, beyond pHYs's 2^31 - 1: the size
   * is left out rather than written wrong. */
  np_frame_set_declared_pixel_size (frame, 1e-9, 1e-9);
  tiny = encode_and_load (frame);
  g_assert_false (np_frame_get_declared_pixel_size (tiny, &mm_x, &mm_y));

  /* 0.3 mm → 3333.3 px/m, stored as 3333 → 1000 / 3333 = 0.30003 mm. */
  np_frame_set_declared_pixel_size (frame, 0.3, 0.3);
  coarse = encode_and_load (frame);
  g_assert_true (np_frame_get_declared_pixel_size (coarse, &mm_x, &mm_y));
  g_assert_cmpfloat_with_epsilon (mm_x, 1000.0 / 3333.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (mm_y, 1000.0 / 3333.0, 1e-12);
}

static void
test_png_text_keywords (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (1, 1, 1, 8, NULL);
  g_autoptr(NpFrame) loaded = NULL;
  g_auto(GStrv) keys = NULL;

  /* PNG keywords are Latin-1: "Größe" is stored as 47 72 F6 DF 65 and must
   * come back as the same UTF-8; "Ω" has no Latin-1 form and is dropped. */
  np_frame_set_text (frame, "Größe", "12 cm");
  np_frame_set_text (frame, "Ω", "ohm");
  loaded = encode_and_load (frame);
  keys = np_frame_dup_text_keys (loaded);
  g_assert_cmpuint (g_strv_length (keys), ==, 1);
  g_assert_cmpstr (keys[0], ==, "Größe");
  g_assert_cmpstr (np_frame_get_text (loaded, "Größe"), ==, "12 cm");
}

static void
test_png_save_load (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (2, 2, 1, 16, &error);
  g_autoptr(NpFrame) loaded = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "saved.png", NULL);

  g_assert_no_error (error);
  np_frame_set_sample (frame, 1, 1, 0, 40000);
  g_assert_true (np_png_save (frame, path, &error));
  g_assert_no_error (error);
  loaded = np_png_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_sample (loaded, 1, 1, 0), ==, 40000);
  g_assert_cmpuint (np_frame_get_sample (loaded, 0, 0, 0), ==, 0);
  g_unlink (path);
}

/* ---- Hand-made chunks for hostile files ------------------------------------ */

static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static void
append_be32 (GByteArray *out,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (out, bytes, 4);
}

static void
append_chunk (GByteArray   *out,
              const char   *type,
              const guint8 *data,
              gsize         length)
{
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  if (length > 0)
    crc = crc32 (crc, data, (uInt) length);
  append_be32 (out, (guint32) length);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (out, data, (guint) length);
  append_be32 (out, (guint32) crc);
}

static void
append_ihdr (GByteArray *out,
             guint32     width,
             guint32     height,
             guint8      bit_depth,
             guint8      color_type)
{
  guint8 ihdr[13] = {
    width >> 24, width >> 16, width >> 8, width,
    height >> 24, height >> 16, height >> 8, height,
    bit_depth, color_type, 0, 0, 0,
  };

  append_chunk (out, "IHDR", ihdr, sizeof ihdr);
}

/* A PNG of @width × @height grey 8 whose IDAT is the zlib stream of
 * @n_zero_bytes zero bytes. */
static GByteArray *
make_zero_idat_png (guint32 width,
                    guint32 height,
                    gsize   n_zero_bytes)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GByteArray) compressed = g_byte_array_new ();
  static const guint8 zeros[65536];
  guint8 buffer[65536];
  z_stream stream = { 0 };
  int status;

  g_assert_cmpint (deflateInit (&stream, 9), ==, Z_OK);
  do
    {
      gsize chunk = MIN (n_zero_bytes, sizeof zeros);

      n_zero_bytes -= chunk;
      stream.next_in = (Bytef *) zeros;
      stream.avail_in = (uInt) chunk;
      do
        {
          stream.next_out = buffer;
          stream.avail_out = sizeof buffer;
          status = deflate (&stream, n_zero_bytes == 0 ? Z_FINISH : Z_NO_FLUSH);
          g_assert_cmpint (status, !=, Z_STREAM_ERROR);
          g_byte_array_append (compressed, buffer, sizeof buffer - stream.avail_out);
        }
      while (stream.avail_out == 0);
    }
  while (n_zero_bytes > 0);
  g_assert_cmpint (status, ==, Z_STREAM_END);
  deflateEnd (&stream);

  g_byte_array_append (out, png_signature, sizeof png_signature);
  append_ihdr (out, width, height, 8, PNG_COLOR_TYPE_GRAY);
  append_chunk (out, "IDAT", compressed->data, compressed->len);
  append_chunk (out, "IEND", NULL, 0);
  return out;
}

static GError *
load_bytes_from_file (const char   *name,
                      const guint8 *data,
                      gsize         length)
{
  g_autofree char *path = write_temp_file (name, data, length);
  g_autoptr(NpFrame) frame = NULL;
  GError *error = NULL;

  frame = np_png_load (path, &error);
  g_assert_null (frame);
  g_assert_nonnull (error);
  g_assert_true (error->domain == NP_ERROR);
  /* Every message names the file in the house style. */
  g_assert_true (g_str_has_prefix (error->message, "Cannot open “"));
  g_assert_nonnull (strstr (error->message, name));
  g_unlink (path);
  return error;
}

/* ---- Limits and corrupt files ---------------------------------------------- */

static void
test_png_too_large (void)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  static const guint8 idat[] = { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

  /* 100000 × 100000 = 10 gigapixels, far over 64 Mi pixels; refused from the
   * header, before any pixel memory exists. */
  g_byte_array_append (png, png_signature, sizeof png_signature);
  append_ihdr (png, 100000, 100000, 8, PNG_COLOR_TYPE_GRAY);
  append_chunk (png, "IDAT", idat, sizeof idat);
  append_chunk (png, "IEND", NULL, 0);

  error = load_bytes_from_file ("huge.png", png->data, png->len);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "100000 × 100000"));
  g_assert_nonnull (strstr (error->message, "megapixel"));
}

static void
test_png_too_large_by_one (void)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  static const guint8 idat[] = { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

  /* 1 × (64 Mi + 1) = 67108865 pixels: one over the limit. */
  g_byte_array_append (png, png_signature, sizeof png_signature);
  append_ihdr (png, 1, 67108865, 8, PNG_COLOR_TYPE_GRAY);
  append_chunk (png, "IDAT", idat, sizeof idat);
  append_chunk (png, "IEND", NULL, 0);

  error = load_bytes_from_file ("tall.png", png->data, png->len);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "1 × 67108865"));
}

static void
test_png_bad_header (void)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  static const guint8 idat[] = { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

  /* Width 0 is not a valid image. */
  g_byte_array_append (png, png_signature, sizeof png_signature);
  append_ihdr (png, 0, 16, 8, PNG_COLOR_TYPE_GRAY);
  append_chunk (png, "IDAT", idat, sizeof idat);
  append_chunk (png, "IEND", NULL, 0);

  error = load_bytes_from_file ("zero-width.png", png->data, png->len);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "header"));
}

/* A deterministic, poorly compressible 64 × 64 RGB image as PNG bytes. */
static GBytes *
make_noise_png (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (64, 64, 3, 8, &error);
  guint32 state = 12345;
  GBytes *bytes;

  g_assert_no_error (error);
  for (guint y = 0; y < 64; y++)
    for (guint x = 0; x < 64; x++)
      for (guint c = 0; c < 3; c++)
        {
          state = state * 1103515245u + 12345u;
          np_frame_set_sample (frame, x, y, c, (state >> 16) & 0xFF);
        }
  bytes = np_png_encode (frame, 9, &error);
  g_assert_no_error (error);
  return bytes;
}

static void
test_png_truncated (void)
{
  g_autoptr(GBytes) bytes = make_noise_png ();
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  g_autoptr(GError) half = NULL;
  g_autoptr(GError) no_iend = NULL;

  /* Cut in the middle of the image data. */
  half = load_bytes_from_file ("half.png", data, length / 2);
  g_assert_error (half, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (half->message, "truncated"));

  /* Cut exactly before IEND (its 12 bytes: length, type, CRC). */
  g_assert_cmpmem (data + length - 8, 4, "IEND", 4);
  no_iend = load_bytes_from_file ("no-iend.png", data, length - 12);
  g_assert_error (no_iend, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (no_iend->message, "truncated"));
}

static void
test_png_short_image_data (void)
{
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  static const guint8 idat[] = { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };

  /* 8192 × 8192 grey is exactly at the limit, but 8 bytes of zlib can never
   * hold 64 MiB (deflate expands at most about 1032:1), so the loader can
   * refuse the file without allocating the frame. */
  g_byte_array_append (png, png_signature, sizeof png_signature);
  append_ihdr (png, 8192, 8192, 8, PNG_COLOR_TYPE_GRAY);
  append_chunk (png, "IDAT", idat, sizeof idat);
  append_chunk (png, "IEND", NULL, 0);

  error = load_bytes_from_file ("short-data.png", png->data, png->len);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "truncated"));
}

static void
test_png_not_png (void)
{
  static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;";
  static const guint8 jpeg[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0 };
  g_autoptr(GError) gif_error = load_bytes_from_file ("image.gif", (const guint8 *) gif,
                                                      sizeof gif - 1);
  g_autoptr(GError) jpeg_error = load_bytes_from_file ("scan.png", jpeg, sizeof jpeg);
  g_autoptr(GError) short_error = load_bytes_from_file ("short.png", png_signature, 4);

  g_assert_error (gif_error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (gif_error->message, "not a PNG image"));
  g_assert_nonnull (strstr (jpeg_error->message, "not a PNG image"));
  g_assert_nonnull (strstr (short_error->message, "not a PNG image"));
}

static void
test_png_empty (void)
{
  g_autoptr(GError) error = load_bytes_from_file ("empty.png", (const guint8 *) "", 0);

  g_assert_nonnull (strstr (error->message, "empty"));
}

static void
test_png_signature_only (void)
{
  g_autoptr(GError) error = load_bytes_from_file ("signature-only.png", png_signature,
                                                  sizeof png_signature);

  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "truncated"));
}

static void
test_png_directory (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "folder.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;

  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  frame = np_png_load (path, &error);
  g_assert_null (frame);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Cannot open “"));
  g_assert_nonnull (strstr (error->message, "folder.png"));
  g_assert_nonnull (strstr (error->message, "folder, not an image"));
  g_rmdir (path);
}

static void
test_png_missing (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-frame.png", NULL);
  g_autofree char *expected = g_strdup_printf ("Cannot open “%s”: no such file", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_png_load (path, &error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, expected);
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return usage.ru_maxrss;
}

static void
test_png_zlib_bomb (void)
{
  /* A 1 × 1 image (2 bytes of filtered data) whose IDAT inflates to 64 MiB.
   * The loader may accept the one pixel or refuse the file, but it must not
   * inflate the whole stream into memory. Run in a fresh process so the peak
   * resident size measures this load alone. */
  if (g_test_subprocess ())
    {
      g_autoptr(GByteArray) png = make_zero_idat_png (1, 1, 64u * 1024 * 1024);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFrame) frame = NULL;
      long before = peak_rss_kib ();

      frame = np_png_load_from_memory (png->data, png->len, "bomb.png", &error);
      if (frame != NULL)
        {
          g_assert_cmpuint (np_frame_get_width (frame), ==, 1);
          g_assert_cmpuint (np_frame_get_height (frame), ==, 1);
          g_assert_cmpuint (np_frame_get_sample (frame, 0, 0, 0), ==, 0);
        }
      else
        g_assert_true (g_str_has_prefix (error->message, "Cannot open “bomb.png”: "));
      /* 16 MiB of head room against the 64 MiB the stream would inflate to. */
      g_assert_cmpint (peak_rss_kib () - before, <, 16 * 1024);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_png_ztxt_bomb (void)
{
  static const guint8 rows[] = { 42 };
  g_autofree char *huge = g_malloc (16u * 1024 * 1024 + 1);
  png_text text[] = {
    { .compression = PNG_TEXT_COMPRESSION_zTXt, .key = "Comment", .text = huge },
    { .compression = PNG_TEXT_COMPRESSION_NONE, .key = "Title", .text = "kept" },
  };
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .text = text, .n_text = G_N_ELEMENTS (text) };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;

  /* 16 MiB of 'A' compresses to about 16 KiB but would inflate past the
   * 8 MiB chunk limit: the text is dropped, the image still loads. */
  memset (huge, 'A', 16u * 1024 * 1024);
  huge[16u * 1024 * 1024] = '\0';
  bytes = spec_encode (&spec);
  g_assert_cmpuint (g_bytes_get_size (bytes), <, 1024 * 1024);

  frame = np_png_load_from_memory (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   "ztxt-bomb.png", &error);
  g_assert_no_error (error);
  ASSERT_PIXEL (frame, 0, 0, 42);
  g_assert_null (np_frame_get_text (frame, "Comment"));
  g_assert_cmpstr (np_frame_get_text (frame, "Title"), ==, "kept");
}

/* Many text chunks, each far under the 8 MiB chunk limit, together over the
 * 32 MiB budget for all text: @n zTXt comments of 1 MiB of 'B' each. */
static GBytes *
encode_many_ztxt (guint n)
{
  static const guint8 rows[] = { 42 };
  g_autofree char *comment = g_malloc (1024 * 1024 + 1);
  g_autofree png_text *text = g_new0 (png_text, n);
  g_auto(GStrv) keys = g_new0 (char *, n + 1);
  PngSpec spec = { .width = 1, .height = 1, .bit_depth = 8, .color_type = PNG_COLOR_TYPE_GRAY,
                   .rows = rows, .text = text, .n_text = (int) n };

  memset (comment, 'B', 1024 * 1024);
  comment[1024 * 1024] = '\0';
  for (guint i = 0; i < n; i++)
    {
      keys[i] = g_strdup_printf ("Comment%u", i);
      text[i] = (png_text) { .compression = PNG_TEXT_COMPRESSION_zTXt, .key = keys[i],
                             .text = comment };
    }
  return spec_encode (&spec);
}

static void
test_png_ztxt_total_budget (void)
{
  g_autoptr(GBytes) over = encode_many_ztxt (40);
  g_autoptr(GBytes) under = encode_many_ztxt (24);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;

  /* 40 × 1 MiB = 40 MiB of text from about 40 KiB of file. */
  g_assert_cmpuint (g_bytes_get_size (over), <, 1024 * 1024);
  frame = np_png_load_from_memory (g_bytes_get_data (over, NULL), g_bytes_get_size (over),
                                   "many-ztxt.png", &error);
  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "Cannot open “many-ztxt.png”: its text chunks hold more "
                   "than 32 MiB of text once decompressed");
  g_clear_error (&error);

  /* 24 MiB is within the budget: every comment is kept whole. */
  frame = np_png_load_from_memory (g_bytes_get_data (under, NULL), g_bytes_get_size (under),
                                   "some-ztxt.png", &error);
  g_assert_no_error (error);
  ASSERT_PIXEL (frame, 0, 0, 42);
  g_assert_cmpuint (strlen (np_frame_get_text (frame, "Comment0")), ==, 1024 * 1024);
  g_assert_cmpuint (strlen (np_frame_get_text (frame, "Comment23")), ==, 1024 * 1024);
}

/* ---- Conformance: PngSuite and libpng's test images ----------------------- */

/* Relative path → "OK\tdetail" or "FAIL\tdetail" from the TSV that records
 * what Debian 12's libpng 1.6.39 does with each file. */
static GHashTable *expectations;

static gboolean
load_expectations (void)
{
  g_autofree char *path = g_build_filename (testdata_dir (), "EXPECTED_libpng-1.6.39.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;
  expectations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');

      if (lines[i][0] == '#' || tab == NULL)
        continue;
      g_hash_table_insert (expectations, g_strndup (lines[i], tab - lines[i]), g_strdup (tab + 1));
    }
  return TRUE;
}

static guint
channels_for_color_type (int      color_type,
                         gboolean with_alpha)
{
  switch (color_type)
    {
    case PNG_COLOR_TYPE_GRAY: return with_alpha ? 2 : 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB:
    case PNG_COLOR_TYPE_PALETTE: return with_alpha ? 4 : 3;
    default: return 4;
    }
}

static void
test_png_conformance_file (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *path = g_build_filename (testdata_dir (), relative, NULL);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  const char *expected = g_hash_table_lookup (expectations, relative);

  if (expected == NULL)
    {
      g_test_fail_printf ("%s has no entry in EXPECTED_libpng-1.6.39.tsv", relative);
      return;
    }

  frame = np_png_load (path, &error);
  if (g_str_has_prefix (expected, "OK\t"))
    {
      guint width = 0, height = 0, bit_depth = 0, color_type = 0, interlace = 0;

      g_assert_no_error (error);
      g_assert_cmpint (sscanf (expected + 3, "%ux%u bd=%u ct=%u il=%u", &width, &height,
                               &bit_depth, &color_type, &interlace), ==, 5);
      g_assert_cmpuint (np_frame_get_width (frame), ==, width);
      g_assert_cmpuint (np_frame_get_height (frame), ==, height);
      g_assert_cmpuint (np_frame_get_source_bit_depth (frame), ==, bit_depth);
      g_assert_cmpuint (np_frame_get_bit_depth (frame), ==, bit_depth == 16 ? 16 : 8);
      /* Colour stays colour, grey stays grey; tRNS may add an alpha channel. */
      g_assert_true (np_frame_get_channels (frame)
                     == channels_for_color_type (color_type, FALSE)
                     || np_frame_get_channels (frame)
                     == channels_for_color_type (color_type, TRUE));
      g_assert_cmpint (np_frame_is_gray (frame), ==,
                       color_type == PNG_COLOR_TYPE_GRAY
                       || color_type == PNG_COLOR_TYPE_GRAY_ALPHA);
    }
  else
    {
      g_assert_true (g_str_has_prefix (expected, "FAIL\t"));
      g_assert_null (frame);
      g_assert_nonnull (error);
      g_assert_true (error->domain == NP_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "Cannot open “"));
      g_assert_nonnull (strstr (error->message, basename));
      /* One line a clinician can read, not a libpng internals dump. */
      g_assert_null (strchr (error->message, '\n'));
    }
}

static NpFrame *
load_suite_file (const char *name)
{
  g_autofree char *path = g_build_filename (testdata_dir (), "pngsuite", name, NULL);
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_png_load (path, &error);

  g_assert_no_error (error);
  return frame;
}

static void
test_png_suite_samples (void)
{
  g_autoptr(NpFrame) g01 = NULL;
  g_autoptr(NpFrame) g02 = NULL;
  g_autoptr(NpFrame) g04 = NULL;
  g_autoptr(NpFrame) g08 = NULL;
  g_autoptr(NpFrame) g16 = NULL;
  g_autoptr(NpFrame) c08 = NULL;

  if (!g_file_test (testdata_dir (), G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no shared test data (NP_TESTDATA_DIR)");
      return;
    }

  /* Read off the stored rows of each file (filter byte, then samples):
   * basn0g01 row 0 is FF FF FF FE (unfiltered): white except x = 31. */
  g01 = load_suite_file ("basn0g01.png");
  ASSERT_PIXEL (g01, 0, 0, 255);
  ASSERT_PIXEL (g01, 30, 0, 255);
  ASSERT_PIXEL (g01, 31, 0, 0);

  /* basn0g02 row 0 is 00 55 AA FF: 2-bit levels 0,0,0,0 1,1,1,1 2,2,2,2 3,3,3,3,
   * so x = 4..7 is level 1 = 85 and x = 12 is level 3 = 255. */
  g02 = load_suite_file ("basn0g02.png");
  ASSERT_PIXEL (g02, 3, 0, 0);
  ASSERT_PIXEL (g02, 4, 0, 85);
  ASSERT_PIXEL (g02, 8, 0, 170);
  ASSERT_PIXEL (g02, 12, 0, 255);
  ASSERT_PIXEL (g02, 16, 0, 0);

  /* basn0g04 row 0 is 00 00 11 11 22 22 ...: level floor (x / 4), × 17. */
  g04 = load_suite_file ("basn0g04.png");
  ASSERT_PIXEL (g04, 0, 0, 0);
  ASSERT_PIXEL (g04, 4, 0, 17);
  ASSERT_PIXEL (g04, 31, 0, 119);

  /* basn0g08 row 0 uses the Sub filter with deltas 0, 1, 1, ...: value x.
   * Row 1 starts at 32 with the same deltas: 32 + x. */
  g08 = load_suite_file ("basn0g08.png");
  for (guint x = 0; x < 32; x++)
    {
      ASSERT_PIXEL (g08, x, 0, x);
      ASSERT_PIXEL (g08, x, 1, 32 + x);
    }

  /* basn0g16 row 0, Sub filter on byte pairs: 00 00, then 09 00 for pixels
   * 1..28, so p = 0x0900 x = 2304 x; pixel 29 adds F4 FF to FC 00 bytewise
   * mod 256: F0 FF = 61695. */
  g16 = load_suite_file ("basn0g16.png");
  for (guint x = 0; x <= 28; x++)
    ASSERT_PIXEL (g16, x, 0, 2304 * x);
  ASSERT_PIXEL (g16, 29, 0, 61695);

  /* basn2c08 row 0, Sub filter: (255, 255, 255), then + (0, 0, 255) per
   * pixel, i.e. blue falls by one: (255, 255, 255 − x). */
  c08 = load_suite_file ("basn2c08.png");
  ASSERT_PIXEL (c08, 0, 0, 255, 255, 255);
  ASSERT_PIXEL (c08, 1, 0, 255, 255, 254);
  ASSERT_PIXEL (c08, 31, 0, 255, 255, 224);
}

static void
assert_same_pixels (const char *name_a,
                    const char *name_b)
{
  g_autoptr(NpFrame) a = load_suite_file (name_a);
  g_autoptr(NpFrame) b = load_suite_file (name_b);
  gsize row_bytes;

  g_assert_cmpuint (np_frame_get_width (a), ==, np_frame_get_width (b));
  g_assert_cmpuint (np_frame_get_height (a), ==, np_frame_get_height (b));
  g_assert_cmpuint (np_frame_get_channels (a), ==, np_frame_get_channels (b));
  g_assert_cmpuint (np_frame_get_bit_depth (a), ==, np_frame_get_bit_depth (b));
  row_bytes = (gsize) np_frame_get_width (a) * np_frame_get_channels (a)
              * np_frame_get_bit_depth (a) / 8;
  for (guint y = 0; y < np_frame_get_height (a); y++)
    if (memcmp (np_frame_get_data (a) + y * np_frame_get_stride (a),
                np_frame_get_data (b) + y * np_frame_get_stride (b), row_bytes) != 0)
      {
        g_test_fail_printf ("%s and %s differ in row %u", name_a, name_b, y);
        return;
      }
}

static void
test_png_suite_identities (void)
{
  /* PngSuite stores the same picture several ways: interlaced (basi, sNNi)
   * and not (basn, sNNn), at each zlib level (z00-z09) and split over 1, 2,
   * 4 or 9 IDAT chunks (oi1-oi9). Whatever the encoding, the pixels must
   * come out the same. (The filter series f00-f04 is not one picture: each
   * image shows its own filter number.) */
  static const char *const basic[] = {
    "0g01", "0g02", "0g04", "0g08", "0g16", "2c08", "2c16", "3p01", "3p02", "3p04", "3p08",
    "4a08", "4a16", "6a08", "6a16",
  };
  static const char *const sizes[] = {
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "32", "33", "34", "35", "36", "37",
    "38", "39", "40",
  };

  if (!g_file_test (testdata_dir (), G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no shared test data (NP_TESTDATA_DIR)");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (basic); i++)
    {
      g_autofree char *plain = g_strdup_printf ("basn%s.png", basic[i]);
      g_autofree char *interlaced = g_strdup_printf ("basi%s.png", basic[i]);
      assert_same_pixels (plain, interlaced);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      const char *depth = i < 4 ? "3p01" : i < 9 ? "3p02" : "3p04";
      g_autofree char *plain = g_strdup_printf ("s%sn%s.png", sizes[i], depth);
      g_autofree char *interlaced = g_strdup_printf ("s%si%s.png", sizes[i], depth);
      assert_same_pixels (plain, interlaced);
    }
  assert_same_pixels ("z00n2c08.png", "z03n2c08.png");
  assert_same_pixels ("z00n2c08.png", "z06n2c08.png");
  assert_same_pixels ("z00n2c08.png", "z09n2c08.png");
  assert_same_pixels ("basn0g16.png", "oi1n0g16.png");
  assert_same_pixels ("basn0g16.png", "oi2n0g16.png");
  assert_same_pixels ("basn0g16.png", "oi4n0g16.png");
  assert_same_pixels ("basn0g16.png", "oi9n0g16.png");
  assert_same_pixels ("basn2c16.png", "oi1n2c16.png");
  assert_same_pixels ("basn2c16.png", "oi9n2c16.png");
}

static void
test_png_conformance_missing (void)
{
  g_test_skip ("no shared test data: NP_TESTDATA_DIR has no EXPECTED_libpng-1.6.39.tsv");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* One test case per file, so each file is counted and named on failure. */
static void
add_conformance_tests (GPtrArray *owned_paths)
{
  static const char *const folders[] = {
    "pngsuite", "libpng-testpngs/badpal", "libpng-testpngs/crashers",
  };

  if (!load_expectations ())
    {
      g_test_add_func ("/core/png/conformance", test_png_conformance_missing);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *dir_path = g_build_filename (testdata_dir (), folders[i], NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        continue;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (g_str_has_suffix (name, ".png"))
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);

      for (guint j = 0; j < names->len; j++)
        {
          const char *file = g_ptr_array_index (names, j);
          char *relative = g_build_filename (folders[i], file, NULL);
          g_autofree char *test_path = g_strconcat ("/core/png/conformance/", relative, NULL);

          g_ptr_array_add (owned_paths, relative);
          g_test_add_data_func (test_path, relative, test_png_conformance_file);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) conformance_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-test-png-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/core/png/gray1", test_png_gray1);
  g_test_add_func ("/core/png/gray2", test_png_gray2);
  g_test_add_func ("/core/png/gray4", test_png_gray4);
  g_test_add_func ("/core/png/gray8", test_png_gray8);
  g_test_add_func ("/core/png/gray16", test_png_gray16);
  g_test_add_func ("/core/png/gray-alpha8", test_png_gray_alpha8);
  g_test_add_func ("/core/png/gray-alpha16", test_png_gray_alpha16);
  g_test_add_func ("/core/png/rgb8", test_png_rgb8);
  g_test_add_func ("/core/png/rgb16", test_png_rgb16);
  g_test_add_func ("/core/png/rgba8", test_png_rgba8);
  g_test_add_func ("/core/png/rgba16", test_png_rgba16);
  g_test_add_func ("/core/png/palette", test_png_palette);
  g_test_add_func ("/core/png/palette-trns", test_png_palette_trns);
  g_test_add_func ("/core/png/gray-trns", test_png_gray_trns);
  g_test_add_func ("/core/png/gray2-trns", test_png_gray2_trns);
  g_test_add_func ("/core/png/gray16-trns", test_png_gray16_trns);
  g_test_add_func ("/core/png/rgb-trns", test_png_rgb_trns);
  g_test_add_func ("/core/png/interlaced", test_png_interlaced);
  g_test_add_func ("/core/png/interlaced-gray1", test_png_interlaced_gray1);
  g_test_add_func ("/core/png/phys", test_png_phys);
  g_test_add_func ("/core/png/text", test_png_text);
  g_test_add_func ("/core/png/text-invalid-utf8", test_png_text_invalid_utf8);
  g_test_add_func ("/core/png/round-trip", test_png_round_trip);
  g_test_add_func ("/core/png/save-load", test_png_save_load);
  g_test_add_func ("/core/png/phys-limits", test_png_phys_limits);
  g_test_add_func ("/core/png/text-keywords", test_png_text_keywords);
  g_test_add_func ("/core/png/too-large", test_png_too_large);
  g_test_add_func ("/core/png/too-large-by-one", test_png_too_large_by_one);
  g_test_add_func ("/core/png/bad-header", test_png_bad_header);
  g_test_add_func ("/core/png/truncated", test_png_truncated);
  g_test_add_func ("/core/png/short-image-data", test_png_short_image_data);
  g_test_add_func ("/core/png/not-png", test_png_not_png);
  g_test_add_func ("/core/png/empty", test_png_empty);
  g_test_add_func ("/core/png/signature-only", test_png_signature_only);
  g_test_add_func ("/core/png/directory", test_png_directory);
  g_test_add_func ("/core/png/missing", test_png_missing);
  g_test_add_func ("/core/png/zlib-bomb", test_png_zlib_bomb);
  g_test_add_func ("/core/png/ztxt-bomb", test_png_ztxt_bomb);
  g_test_add_func ("/core/png/ztxt-total-budget", test_png_ztxt_total_budget);
  g_test_add_func ("/core/png/encode-filters", test_png_encode_filters);
  g_test_add_func ("/core/png/suite-samples", test_png_suite_samples);
  g_test_add_func ("/core/png/suite-identities", test_png_suite_identities);
  add_conformance_tests (conformance_paths);

  status = g_test_run ();

  g_clear_pointer (&expectations, g_hash_table_unref);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
