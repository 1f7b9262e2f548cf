/* test-jpeg.c: JPEG still frames and opening a frame by its first bytes
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-frame.h"
#include "np-jpeg.h"
#include "np-png.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <jpeglib.h>

/* Every file a test writes goes here; main () removes the folder. */
static char *tmp_dir;

/* Writes a JPEG with libjpeg itself (not with the code under test). The
 * pixels are flat 16 × 16 blocks, which JPEG at quality 100 keeps to within
 * a grey level or two, so the expected values can be read off @value. */
static GBytes *
make_jpeg (guint          width,
           guint          height,
           J_COLOR_SPACE  space,
           int            components,
           guint8       (*value) (guint x, guint y, int c))
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  unsigned char *out = NULL;
  unsigned long size = 0;
  g_autofree guint8 *row = g_malloc ((gsize) width * components);
  GBytes *bytes;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = components;
  cinfo.in_color_space = space;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 100, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < height)
    {
      JSAMPROW rowp = row;
      for (guint x = 0; x < width; x++)
        for (int c = 0; c < components; c++)
          row[x * components + c] = value (x, cinfo.next_scanline, c);
      jpeg_write_scanlines (&cinfo, &rowp, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (out, size);
  free (out);
  return bytes;
}

static guint8
grey_blocks (guint x, guint y, int c)
{
  (void) c;
  return (guint8) (16 * ((x / 16) + 4 * (y / 16)));
}

static guint8
colour_blocks (guint x, guint y, int c)
{
  /* left half red, right half blue, bottom half adds green */
  const guint8 left[3] = { 200, 0, 0 }, right[3] = { 0, 0, 200 };
  guint8 v = x < 32 ? left[c] : right[c];
  return c == 1 && y >= 32 ? 150 : v;
}

static guint8
cmyk_value (guint x, guint y, int c)
{
  (void) x;
  (void) y;
  return (guint8) (60 * c);
}

static char *
write_file (const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);
  return path;
}

static void
test_jpeg_grey (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (64, 48, JCS_GRAYSCALE, 1, grey_blocks);
  g_autofree char *path = write_file ("grey.jpg", jpeg);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_load (path, &error);
  double sx, sy;

  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (frame), ==, 64);
  g_assert_cmpuint (np_frame_get_height (frame), ==, 48);
  g_assert_cmpuint (np_frame_get_channels (frame), ==, 1);
  g_assert_cmpuint (np_frame_get_bit_depth (frame), ==, 8);
  g_assert_cmpstr (np_frame_get_source_format (frame), ==,
                   "JPEG image (no calibration in the file)");
  g_assert_cmpstr (np_frame_get_source_path (frame), ==, path);
  g_assert_false (np_frame_get_declared_pixel_size (frame, &sx, &sy));
  /* block (1, 0) is 16, block (3, 2) is 16 · (3 + 8) = 176 */
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 20, 5, 0) - 16), <=, 2);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 56, 40, 0) - 176), <=, 2);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 0, 0, 0) - 0), <=, 2);
}

static void
test_jpeg_colour (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (64, 64, JCS_RGB, 3, colour_blocks);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_load_from_memory (g_bytes_get_data (jpeg, NULL),
                                                        g_bytes_get_size (jpeg), "colour.jpg",
                                                        &error);

  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_channels (frame), ==, 3);
  /* away from the block edges (chroma is subsampled 2 × 2) */
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 10, 10, 0) - 200), <=, 4);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 10, 10, 1) - 0), <=, 4);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 50, 10, 2) - 200), <=, 4);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 50, 50, 1) - 150), <=, 4);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 50, 50, 0) - 0), <=, 4);
}

static void
test_jpeg_cmyk (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (16, 16, JCS_CMYK, 4, cmyk_value);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_jpeg_load_from_memory (g_bytes_get_data (jpeg, NULL),
                                                       g_bytes_get_size (jpeg), "print.jpg",
                                                       &error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "print.jpg"));
  g_assert_nonnull (strstr (error->message, "CMYK"));
}

static guint8
noise_value (guint x, guint y, int c)
{
  (void) c;
  return (guint8) ((x * 7919u + y * 104729u + (x * y) % 251u) & 0xff);
}

static void
test_jpeg_truncated (void)
{
  /* noise compresses badly, so most of the file is scan data */
  g_autoptr(GBytes) jpeg = make_jpeg (128, 96, JCS_GRAYSCALE, 1, noise_value);
  gsize length = g_bytes_get_size (jpeg);
  /* cut in the middle of the scan data, and just before the end marker */
  const gsize cuts[] = { length / 2, length - 2 };

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFrame) frame = np_frame_load_from_memory (g_bytes_get_data (jpeg, NULL),
                                                            cuts[i], "cut.jpg", &error);
      if (frame != NULL)
        {
          /* Losing only the end marker loses no pixel: libjpeg may accept
           * it, and the image must then be whole. */
          g_assert_cmpuint (cuts[i], ==, length - 2);
          g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 120, 90, 0)
                                - noise_value (120, 90, 0)), <=, 8);
          continue;
        }
      g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
      g_assert_nonnull (strstr (error->message, "cut.jpg"));
      g_assert_nonnull (strstr (error->message, "truncated"));
    }
}

/* The frame header (SOF0) declares 65000 × 65000 pixels: refused from the
 * header, before any pixel memory. */
static void
test_jpeg_huge_header (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (16, 16, JCS_GRAYSCALE, 1, grey_blocks);
  gsize length;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (jpeg), &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  gboolean patched = FALSE;

  /* SOF0: FF C0, length (2), precision (1), height (2), width (2) */
  for (gsize i = 2; i + 9 < length && !patched; i++)
    if (data[i] == 0xFF && data[i + 1] == 0xC0)
      {
        data[i + 5] = 0xFD;
        data[i + 6] = 0xE8;
        data[i + 7] = 0xFD;
        data[i + 8] = 0xE8;
        patched = TRUE;
      }
  g_assert_true (patched);
  frame = np_frame_load_from_memory (data, length, "huge.jpg", &error);
  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.jpg"));
  g_assert_nonnull (strstr (error->message, "65000 × 65000"));
  g_free (data);
}

/* 4000 × 4000 pixels (under the size limit) declared by a 600-byte file:
 * far too little data for that size. */
static void
test_jpeg_too_little_data (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (16, 16, JCS_GRAYSCALE, 1, grey_blocks);
  gsize length;
  guint8 *data = g_bytes_unref_to_data (g_bytes_ref (jpeg), &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;

  for (gsize i = 2; i + 9 < length; i++)
    if (data[i] == 0xFF && data[i + 1] == 0xC0)
      {
        data[i + 5] = 0x0F;
        data[i + 6] = 0xA0;
        data[i + 7] = 0x0F;
        data[i + 8] = 0xA0;
        break;
      }
  frame = np_frame_load_from_memory (data, length, "small.jpg", &error);
  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_free (data);
}

/* Padding between the image data and the end marker (some scanners write
 * it) leaves every pixel intact: the frame opens. */
static void
test_jpeg_extraneous_bytes (void)
{
  g_autoptr(GBytes) jpeg = make_jpeg (64, 48, JCS_GRAYSCALE, 1, grey_blocks);
  gsize length = g_bytes_get_size (jpeg);
  const guint8 *data = g_bytes_get_data (jpeg, NULL);
  g_autoptr(GByteArray) padded = g_byte_array_new ();
  static const guint8 padding[] = { 0x00, 0x11, 0x22, 0x33 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;

  g_assert_cmpuint (data[length - 2], ==, 0xFF);
  g_assert_cmpuint (data[length - 1], ==, 0xD9);
  g_byte_array_append (padded, data, (guint) length - 2);
  g_byte_array_append (padded, padding, sizeof padding);
  g_byte_array_append (padded, data + length - 2, 2);
  frame = np_frame_load_from_memory (padded->data, padded->len, "padded.jpg", &error);
  g_assert_no_error (error);
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 56, 40, 0) - 176), <=, 2);
}

static void
test_jpeg_not_an_image (void)
{
  static const guint8 text[] = "just some text, not an image";
  static const guint8 fake[] = { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) fake_error = NULL;
  g_autoptr(GError) empty_error = NULL;
  g_autoptr(NpFrame) frame = np_frame_load_from_memory (text, sizeof text, "x.jpg", &error);
  g_autoptr(NpFrame) fake_frame = np_frame_load_from_memory (fake, sizeof fake, "y.jpg",
                                                             &fake_error);
  g_autoptr(NpFrame) empty = np_frame_load_from_memory (text, 0, "z.jpg", &empty_error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "not a PNG or JPEG image"));
  g_assert_null (fake_frame);
  g_assert_error (fake_error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (fake_error->message, "y.jpg"));
  g_assert_null (empty);
  g_assert_nonnull (strstr (empty_error->message, "empty"));
}

/* A PNG named .jpg opens as the PNG it is; a JPEG named .png as a JPEG. */
static void
test_frame_sniffs_content (void)
{
  g_autoptr(NpFrame) png = np_frame_new (4, 3, 1, 8, NULL);
  g_autoptr(GBytes) png_bytes = NULL;
  g_autoptr(GBytes) jpeg = make_jpeg (32, 32, JCS_GRAYSCALE, 1, grey_blocks);
  g_autofree char *png_path = NULL;
  g_autofree char *jpeg_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) a = NULL;
  g_autoptr(NpFrame) b = NULL;

  np_frame_set_sample (png, 1, 1, 0, 77);
  png_bytes = np_png_encode (png, 6, &error);
  g_assert_no_error (error);
  png_path = write_file ("really-a-png.jpg", png_bytes);
  jpeg_path = write_file ("really-a-jpeg.png", jpeg);

  a = np_frame_load (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_sample (a, 1, 1, 0), ==, 77);
  g_assert_null (strstr (np_frame_get_source_format (a), "JPEG"));
  b = np_frame_load (jpeg_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (np_frame_get_source_format (b), ==, NP_JPEG_SOURCE_FORMAT);
}

static void
test_jpeg_encode_round_trip (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (32, 32, 1, 8, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(NpFrame) loaded = NULL;
  g_autoptr(GError) error = NULL;

  for (guint y = 0; y < 32; y++)
    for (guint x = 0; x < 32; x++)
      np_frame_set_sample (frame, x, y, 0, grey_blocks (x, y, 0));
  bytes = np_jpeg_encode (frame, 95, &error);
  g_assert_no_error (error);
  loaded = np_jpeg_load_from_memory (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     "rt.jpg", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_channels (loaded), ==, 1);
  /* block (1, 1): 16 · (1 + 4) = 80 */
  g_assert_cmpint (abs ((int) np_frame_get_sample (loaded, 24, 24, 0) - 80), <=, 3);
}

static void
test_frame_load_missing (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "no-such-frame.jpg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_load (path, &error);

  g_assert_null (frame);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-frame.jpg"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-test-jpeg-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/core/jpeg/grey", test_jpeg_grey);
  g_test_add_func ("/core/jpeg/colour", test_jpeg_colour);
  g_test_add_func ("/core/jpeg/cmyk-refused", test_jpeg_cmyk);
  g_test_add_func ("/core/jpeg/truncated", test_jpeg_truncated);
  g_test_add_func ("/core/jpeg/huge-header", test_jpeg_huge_header);
  g_test_add_func ("/core/jpeg/too-little-data", test_jpeg_too_little_data);
  g_test_add_func ("/core/jpeg/extraneous-bytes", test_jpeg_extraneous_bytes);
  g_test_add_func ("/core/jpeg/not-an-image", test_jpeg_not_an_image);
  g_test_add_func ("/core/jpeg/encode-round-trip", test_jpeg_encode_round_trip);
  g_test_add_func ("/core/frame/load-sniffs-content", test_frame_sniffs_content);
  g_test_add_func ("/core/frame/load-missing", test_frame_load_missing);

  status = g_test_run ();

  dir = g_dir_open (tmp_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
