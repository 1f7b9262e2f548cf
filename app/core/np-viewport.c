/* np-viewport.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-viewport.h"

#include <math.h>

double
np_viewport_clamp_zoom (double zoom)
{
  if (!isfinite (zoom))
    return 1.0;
  return CLAMP (zoom, NP_VIEWPORT_MIN_ZOOM, NP_VIEWPORT_MAX_ZOOM);
}

NpImagePoint
np_viewport_to_image (NpViewport    viewport,
                      NpWidgetPoint point)
{
  g_return_val_if_fail (viewport.zoom > 0, np_image_point (0, 0));

  return np_image_point ((point.x - viewport.offset_x) / viewport.zoom,
                         (point.y - viewport.offset_y) / viewport.zoom);
}

NpWidgetPoint
np_viewport_to_widget (NpViewport   viewport,
                       NpImagePoint point)
{
  return np_widget_point (point.x * viewport.zoom + viewport.offset_x,
                          point.y * viewport.zoom + viewport.offset_y);
}

/**
 * np_viewport_fit:
 * @margin: widget pixels kept free on every side, so marks on the frame's
 *   edge (a skin line along the top) stay visible and grabbable
 *
 * The largest zoom at which the whole image fits, centred.
 */
NpViewport
np_viewport_fit (double image_width,
                 double image_height,
                 double widget_width,
                 double widget_height,
                 double margin)
{
  NpViewport viewport = { 1.0, 0.0, 0.0 };
  double room_x, room_y;

  g_return_val_if_fail (image_width > 0 && image_height > 0, viewport);

  room_x = MAX (widget_width - 2 * margin, 1.0);
  room_y = MAX (widget_height - 2 * margin, 1.0);
  viewport.zoom = np_viewport_clamp_zoom (MIN (room_x / image_width, room_y / image_height));
  viewport.offset_x = (widget_width - image_width * viewport.zoom) / 2.0;
  viewport.offset_y = (widget_height - image_height * viewport.zoom) / 2.0;
  return viewport;
}

/**
 * np_viewport_zoom_at:
 * @anchor: the widget point that keeps showing the same image point
 *
 * Changes the zoom (clamped to the limits) around @anchor: the image point
 * under the cursor stays under the cursor.
 */
NpViewport
np_viewport_zoom_at (NpViewport    viewport,
                     double        zoom,
                     NpWidgetPoint anchor)
{
  NpImagePoint fixed = np_viewport_to_image (viewport, anchor);
  NpViewport result;

  result.zoom = np_viewport_clamp_zoom (zoom);
  result.offset_x = anchor.x - fixed.x * result.zoom;
  result.offset_y = anchor.y - fixed.y * result.zoom;
  return result;
}

NpViewport
np_viewport_pan (NpViewport viewport,
                 double     dx,
                 double     dy)
{
  viewport.offset_x += dx;
  viewport.offset_y += dy;
  return viewport;
}

static double
keep_axis_visible (double offset,
                   double image_extent,
                   double widget_extent,
                   double min_visible)
{
  /* The overlap of [offset, offset + image_extent] and [0, widget_extent]
   * must be at least this long; a small image or widget needs less. */
  double need = MIN (min_visible, MIN (image_extent, widget_extent));

  return CLAMP (offset, need - image_extent, widget_extent - need);
}

/**
 * np_viewport_keep_visible:
 * @min_visible: widget pixels of the image that must stay in view on each axis
 *
 * Limits panning so the frame cannot be lost off the side of the view.
 */
NpViewport
np_viewport_keep_visible (NpViewport viewport,
                          double     image_width,
                          double     image_height,
                          double     widget_width,
                          double     widget_height,
                          double     min_visible)
{
  viewport.offset_x = keep_axis_visible (viewport.offset_x, image_width * viewport.zoom,
                                         widget_width, min_visible);
  viewport.offset_y = keep_axis_visible (viewport.offset_y, image_height * viewport.zoom,
                                         widget_height, min_visible);
  return viewport;
}
