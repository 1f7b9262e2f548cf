/* np-canvas-private.h: what the files of NpCanvas share
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-canvas.h"

G_BEGIN_DECLS

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_WINDOW_LEVEL,
} DragMode;

struct _NpCanvas
{
  GtkWidget parent_instance;

  /* Owned */
  NpFrame *frame;
  GdkTexture *texture;              /* the frame through the window, uploaded once; made in a
                                     * thread after the first draw when there is a display copy */
  NpFrame *display_frame;           /* the frame reduced display_factor times, or NULL */
  GdkTexture *display_texture;      /* display_frame through the window: the fitted view */
  guint display_factor;
  guint texture_generation;         /* bumped whenever the textures go stale */
  guint full_texture_idle;
  gboolean full_texture_running;
  GdkTexture *drawn_texture;        /* which of the two the last draw below 100 % used */
  gboolean traced_paint;
  cairo_surface_t *nearest_surface; /* the same pixels, drawn unsmoothed at 100 % and above */
  cairo_surface_t *display_surface; /* display_texture's pixels, for the Cairo renderer */
  GskRenderNode *image_node;        /* the frame as last drawn, reused for overlay redraws */
  NpViewport image_node_viewport;
  int image_node_width;
  int image_node_height;
  NpCanvasOverlayFunc overlay_func;
  gpointer overlay_data;
  GDestroyNotify overlay_destroy;

  /* View state */
  NpViewport viewport;
  gboolean fit_to_view;             /* re-fit on resize until the user zooms or pans */
  double fit_side_room;             /* share of the frame's width fitted free on each side */
  NpWindowLevel window_level;
  double value_span;                /* data range: scales window/level drags */

  /* Input state */
  DragMode drag_mode;
  NpViewport drag_start_viewport;
  NpWindowLevel drag_start_window;
  double pinch_start_zoom;
  gboolean space_held;
  gboolean pointer_inside;
  char *tool_cursor;                /* what the planning tool shows, or NULL */
  NpWidgetPoint pointer;
};

/* np-canvas.c */
void      _np_canvas_invalidate_image_node  (NpCanvas    *self);
gboolean  _np_canvas_viewport_equal         (NpViewport   a,
                                             NpViewport   b);

/* np-canvas-draw.c */
void      _np_canvas_ensure_texture         (NpCanvas    *self);
void      _np_canvas_snapshot               (GtkWidget   *widget,
                                             GtkSnapshot *snapshot);

G_END_DECLS
