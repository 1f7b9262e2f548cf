/* np-canvas-image.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-canvas-image"

#include "np-canvas-image.h"

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
 * np_canvas_image_new:
 *
 * Computes what NpCanvas needs to show @frame. Safe in any thread.
 *
 * Returns: (transfer full): the image; free with np_canvas_image_free()
 */
NpCanvasImage *
np_canvas_image_new (NpFrame *frame)
{
  NpCanvasImage *image;
  double floor_span, low, high;

  g_return_val_if_fail (frame != NULL, NULL);

  image = g_new0 (NpCanvasImage, 1);
  image->frame = np_frame_ref (frame);
  image->window_level = np_window_level_default (frame);
  /* A nearly flat frame still needs a drag that does something. */
  floor_span = (np_frame_get_max_value (frame) + 1.0) / 256.0;
  image->value_span = floor_span;
  if (np_window_level_percentiles (frame, 0.0, 1.0, &low, &high))
    image->value_span = MAX (high - low + 1.0, floor_span);
  image->texture = np_canvas_image_render_texture (frame, image->window_level);
  return image;
}

void
np_canvas_image_free (NpCanvasImage *image)
{
  if (image == NULL)
    return;
  g_clear_pointer (&image->frame, np_frame_unref);
  g_clear_object (&image->texture);
  g_free (image);
}
