/* fuzz-jpeg.c: the JPEG loader (and the PNG/JPEG dispatch) on arbitrary bytes
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-jpeg.h"
#include "np-window-level.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) frame_error = NULL;
  g_autoptr(NpFrame) frame = np_jpeg_load_from_memory (data, size, "fuzz.jpg", &error);
  g_autoptr(NpFrame) dispatched = np_frame_load_from_memory (data, size, "fuzz.jpg",
                                                             &frame_error);

  if (frame != NULL)
    {
      /* Whatever loads must also survive display and re-encoding. */
      NpWindowLevel window = np_window_level_default (frame);
      gsize stride = (gsize) np_frame_get_width (frame) * 3;
      g_autofree guint8 *rgb = g_malloc (stride * np_frame_get_height (frame));
      g_autoptr(GBytes) jpeg = NULL;

      g_assert (np_frame_get_bit_depth (frame) == 8);
      g_assert (np_frame_get_channels (frame) == 1 || np_frame_get_channels (frame) == 3);
      np_window_level_render_rgb (window, frame, rgb, stride);
      jpeg = np_jpeg_encode (frame, 75, NULL);
      g_assert (jpeg != NULL);
    }
  else
    g_assert (error != NULL && error->message[0] != '\0');
  g_assert ((dispatched != NULL) != (frame_error != NULL));
  return 0;
}
