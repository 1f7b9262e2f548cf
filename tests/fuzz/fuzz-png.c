/* fuzz-png.c: the PNG loader on arbitrary bytes
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-png.h"
#include "np-window-level.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_png_load_from_memory (data, size, "fuzz.png", &error);

  if (frame != NULL)
    {
      /* Whatever loads must also survive display and re-encoding. */
      NpWindowLevel window = np_window_level_default (frame);
      gsize stride = (gsize) np_frame_get_width (frame) * 3;
      g_autofree guint8 *rgb = g_malloc (stride * np_frame_get_height (frame));
      g_autoptr(GBytes) png = NULL;

      np_window_level_render_rgb (window, frame, rgb, stride);
      png = np_png_encode (frame, 1, NULL);
      g_assert (png != NULL);
    }
  else
    g_assert (error != NULL && error->message[0] != '\0');
  return 0;
}
