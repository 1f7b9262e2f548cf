/* np-canvas.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-canvas-image.h"
#include "np-frame.h"
#include "np-viewport.h"
#include "np-window-level.h"

G_BEGIN_DECLS

#define NP_TYPE_CANVAS (np_canvas_get_type ())

G_DECLARE_FINAL_TYPE (NpCanvas, np_canvas, NP, CANVAS, GtkWidget)

/**
 * NpCanvasOverlayFunc:
 * @cr: already transformed so that one unit is one image pixel and the
 *   origin is the image origin (see DESIGN.md, "Geometry conventions")
 * @zoom: widget pixels per image pixel, to keep line widths and handles a
 *   constant size on screen (a 2 px line is 2 / @zoom units wide)
 *
 * Draws the layer above the frame. Called on every redraw of the canvas.
 */
typedef void (*NpCanvasOverlayFunc) (cairo_t  *cr,
                                     double    zoom,
                                     gpointer  user_data);

/* Keyboard zoom step: two steps double the zoom. */
#define NP_CANVAS_ZOOM_STEP G_SQRT2

/* Widget pixels kept free around a fitted frame. */
#define NP_CANVAS_FIT_MARGIN 16.0

GtkWidget     *np_canvas_new                   (void);

NpFrame       *np_canvas_get_frame             (NpCanvas            *self);
void           np_canvas_set_frame             (NpCanvas            *self,
                                                NpFrame             *frame);
void           np_canvas_set_image             (NpCanvas            *self,
                                                const NpCanvasImage *image);
void           np_canvas_replace_image         (NpCanvas            *self,
                                                const NpCanvasImage *image);

double         np_canvas_get_zoom              (NpCanvas            *self);
void           np_canvas_set_zoom              (NpCanvas            *self,
                                                double               zoom);
void           np_canvas_zoom_in               (NpCanvas            *self);
void           np_canvas_zoom_out              (NpCanvas            *self);
void           np_canvas_zoom_fit              (NpCanvas            *self);
void           np_canvas_zoom_fit_with_room    (NpCanvas            *self,
                                                double               side_room);
void           np_canvas_zoom_actual_size      (NpCanvas            *self);
NpViewport     np_canvas_get_viewport          (NpCanvas            *self);

NpWindowLevel  np_canvas_get_window_level      (NpCanvas            *self);
void           np_canvas_set_window_level      (NpCanvas            *self,
                                                NpWindowLevel        window);
void           np_canvas_apply_window_preset   (NpCanvas            *self,
                                                NpWindowPreset       preset);
void           np_canvas_reset_window_level    (NpCanvas            *self);

NpImagePoint   np_canvas_widget_to_image       (NpCanvas            *self,
                                                double               widget_x,
                                                double               widget_y);
NpWidgetPoint  np_canvas_image_to_widget       (NpCanvas            *self,
                                                NpImagePoint         point);

GdkTexture    *np_canvas_get_texture           (NpCanvas            *self);
GdkTexture    *np_canvas_get_drawn_texture     (NpCanvas            *self);

void           np_canvas_set_overlay_func      (NpCanvas            *self,
                                                NpCanvasOverlayFunc  func,
                                                gpointer             user_data,
                                                GDestroyNotify       destroy);
void           np_canvas_queue_overlay_redraw  (NpCanvas            *self);

void           np_canvas_set_tool_cursor       (NpCanvas            *self,
                                                const char          *name);
gboolean       np_canvas_get_pan_key_held      (NpCanvas            *self);
void           np_canvas_pan_from              (NpCanvas            *self,
                                                NpViewport           start,
                                                double               offset_x,
                                                double               offset_y);

G_END_DECLS
