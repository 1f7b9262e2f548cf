/* test-frame.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-file.h"
#include "np-frame.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static void
test_frame_samples (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (3, 2, 1, 16, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_stride (frame), ==, 6);
  np_frame_set_sample (frame, 2, 1, 0, 40000);
  g_assert_cmpuint (np_frame_get_sample (frame, 2, 1, 0), ==, 40000);
  g_assert_cmpuint (np_frame_get_sample (frame, 0, 0, 0), ==, 0);
}

static void
test_frame_too_large (void)
{
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_frame_new (100000, 100000, 1, 8, &error);

  g_assert_null (frame);
  g_assert_error (error, g_quark_from_static_string ("np-error-quark"), 4);
  g_assert_nonnull (strstr (error->message, "100000 × 100000"));
}

/* A frame is read whole through one descriptor: what is not a regular
 * file is refused at once (a FIFO would block a read forever), and the size
 * limit holds for what is read, not only for what fstat said. */
static void
test_frame_read_refuses (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-frame-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.png", NULL);
  g_autofree char *big = g_build_filename (dir, "big.png", NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_nonnull (dir);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_null (np_frame_load (fifo, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  g_assert_null (np_frame_load (dir, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "it is a folder"));
  g_clear_error (&error);

  /* 11 bytes against a limit of 10; 10 bytes are read whole. */
  g_assert_true (g_file_set_contents (big, "0123456789A", 11, NULL));
  g_assert_null (np_file_read_image (big, 10, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_clear_error (&error);
  bytes = np_file_read_image (big, 11, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 11);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 11, "0123456789A", 11);

  g_unlink (fifo);
  g_unlink (big);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/frame/samples", test_frame_samples);
  g_test_add_func ("/core/frame/too-large", test_frame_too_large);
  g_test_add_func ("/core/frame/read-refuses", test_frame_read_refuses);
  return g_test_run ();
}
