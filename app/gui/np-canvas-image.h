/* np-canvas-image.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-frame.h"
#include "np-window-level.h"

G_BEGIN_DECLS

/* A frame made ready for NpCanvas: the window it opens with, its data range
 * and its pixels through that window as a texture. Making one costs a few
 * passes over every sample, so a loader makes it in its worker thread and
 * the main thread only hands it to the canvas. */
typedef struct
{
  NpFrame *frame;              /* owned reference */
  NpWindowLevel window_level;  /* np_window_level_default of the frame */
  double value_span;           /* data range, at least a 256th of the bit depth */
  GdkTexture *texture;         /* owned: the frame through window_level, RGB */
} NpCanvasImage;

NpCanvasImage *np_canvas_image_new            (NpFrame        *frame);
void           np_canvas_image_free           (NpCanvasImage  *image);
GdkTexture    *np_canvas_image_render_texture (const NpFrame  *frame,
                                               NpWindowLevel   window);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpCanvasImage, np_canvas_image_free)

G_END_DECLS
