/* test-frame.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-frame.h"

#include <string.h>

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/frame/samples", test_frame_samples);
  g_test_add_func ("/core/frame/too-large", test_frame_too_large);
  return g_test_run ();
}
