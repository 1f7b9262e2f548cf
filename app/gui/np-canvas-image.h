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
 * and what fits the view through that window as a texture. Making one costs
 * a pass over every sample, so a loader makes it in its worker thread and
 * the main thread only hands it to the canvas.
 *
 * A frame much larger than the view gets a display copy reduced
 * display_factor times (each sample the mean of a factor × factor block, in
 * the frame's own format and bit depth) and its texture is that copy's: the
 * fitted frame never needs more texels than that, and the full-resolution
 * texture is made later, for zooming in. The frame's data are untouched. */
typedef struct
{
  NpFrame *frame;              /* owned reference */
  NpWindowLevel window_level;  /* np_window_level_default of the frame */
  double value_span;           /* data range, at least a 256th of the bit depth */
  guint display_factor;        /* 1: texture is the whole frame */
  NpFrame *display_frame;      /* owned: the reduced copy, NULL when display_factor is 1 */
  GdkTexture *texture;         /* owned: display_frame (or frame) through window_level */
  cairo_surface_t *surface;    /* owned: the texture's pixels, for Cairo */
} NpCanvasImage;

NpCanvasImage *np_canvas_image_new            (NpFrame        *frame);
NpCanvasImage *np_canvas_image_new_for_view   (NpFrame        *frame,
                                               int             view_width,
                                               int             view_height);
guint          np_canvas_image_display_factor (guint           frame_width,
                                               guint           frame_height,
                                               int             view_width,
                                               int             view_height);
void           np_canvas_image_free           (NpCanvasImage  *image);
GdkTexture    *np_canvas_image_render_texture (const NpFrame  *frame,
                                               NpWindowLevel   window);
GdkTexture    *np_canvas_image_render_display_texture (const NpFrame    *frame,
                                                       NpWindowLevel     window,
                                                       cairo_surface_t **surface);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpCanvasImage, np_canvas_image_free)

G_END_DECLS
