/* np-viewport.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-types.h"

G_BEGIN_DECLS

/* Zoom limits of every view: 2 % shows an 8192-pixel frame in 164 widget
 * pixels; 3200 % makes one image pixel 32 widget pixels wide. */
#define NP_VIEWPORT_MIN_ZOOM 0.02
#define NP_VIEWPORT_MAX_ZOOM 32.0

/* A position in a widget, in widget (logical screen) pixels from its top-left
 * corner. Kept apart from NpImagePoint so the two are never mixed up. */
typedef struct
{
  double x;
  double y;
} NpWidgetPoint;

/* How a view shows image space: widget = image × zoom + offset. A value. */
typedef struct
{
  double zoom;      /* widget pixels per image pixel */
  double offset_x;  /* widget position of the image origin */
  double offset_y;
} NpViewport;

static inline NpWidgetPoint
np_widget_point (double x,
                 double y)
{
  NpWidgetPoint p = { x, y };
  return p;
}

double        np_viewport_clamp_zoom   (double        zoom);
NpImagePoint  np_viewport_to_image     (NpViewport    viewport,
                                        NpWidgetPoint point);
NpWidgetPoint np_viewport_to_widget    (NpViewport    viewport,
                                        NpImagePoint  point);
NpViewport    np_viewport_fit          (double        image_width,
                                        double        image_height,
                                        double        widget_width,
                                        double        widget_height,
                                        double        margin);
NpViewport    np_viewport_zoom_at      (NpViewport    viewport,
                                        double        zoom,
                                        NpWidgetPoint anchor);
NpViewport    np_viewport_pan          (NpViewport    viewport,
                                        double        dx,
                                        double        dy);
NpViewport    np_viewport_keep_visible (NpViewport    viewport,
                                        double        image_width,
                                        double        image_height,
                                        double        widget_width,
                                        double        widget_height,
                                        double        min_visible);

G_END_DECLS
