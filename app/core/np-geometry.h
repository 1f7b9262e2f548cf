/* np-geometry.h: small pure helpers of plane geometry
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-types.h"

G_BEGIN_DECLS

/* Every function here works in one Euclidean plane. The planner calls them in
 * physical space (NpMmPoint: millimetres, or pixels with the identity map when
 * the frame has no calibration), so distances and angles honour anisotropic
 * pixel spacing. None of them allocates. */

static inline NpMmPoint
np_mm_point (double x,
             double y)
{
  NpMmPoint p = { x, y };
  return p;
}

double    np_geometry_distance               (NpMmPoint          a,
                                              NpMmPoint          b);
double    np_geometry_point_segment_distance (NpMmPoint          p,
                                              NpMmPoint          a,
                                              NpMmPoint          b,
                                              double            *t);
gboolean  np_geometry_segments_intersect     (NpMmPoint          a,
                                              NpMmPoint          b,
                                              NpMmPoint          c,
                                              NpMmPoint          d,
                                              NpMmPoint         *at);
double    np_geometry_segment_segment_distance (NpMmPoint        a,
                                              NpMmPoint          b,
                                              NpMmPoint          c,
                                              NpMmPoint          d,
                                              NpMmPoint         *on_ab,
                                              NpMmPoint         *on_cd);
gboolean  np_geometry_point_in_polygon       (NpMmPoint          p,
                                              const NpMmPoint   *polygon,
                                              guint              n_points);
double    np_geometry_segment_polyline_distance (NpMmPoint       a,
                                              NpMmPoint          b,
                                              const NpMmPoint   *points,
                                              guint              n_points,
                                              gboolean           closed,
                                              NpMmPoint         *on_ab,
                                              NpMmPoint         *on_polyline);
double    np_geometry_polyline_closest       (NpMmPoint          p,
                                              const NpMmPoint   *points,
                                              guint              n_points,
                                              gboolean           extend_ends,
                                              NpMmPoint         *closest,
                                              NpMmPoint         *tangent,
                                              double            *arc_position);
NpMmPoint np_geometry_polyline_at            (const NpMmPoint   *points,
                                              guint              n_points,
                                              double             arc_position,
                                              NpMmPoint         *tangent);
double    np_geometry_polyline_length        (const NpMmPoint   *points,
                                              guint              n_points);
double    np_geometry_point_ellipse_distance (NpMmPoint          p,
                                              NpMmPoint          centre,
                                              double             radius_x,
                                              double             radius_y,
                                              NpMmPoint         *closest);
gboolean  np_geometry_segment_enters_ellipse (NpMmPoint          a,
                                              NpMmPoint          b,
                                              NpMmPoint          centre,
                                              double             radius_x,
                                              double             radius_y);
double    np_geometry_segment_ellipse_distance (NpMmPoint        a,
                                              NpMmPoint          b,
                                              NpMmPoint          centre,
                                              double             radius_x,
                                              double             radius_y,
                                              NpMmPoint         *on_ab,
                                              NpMmPoint         *on_ellipse);
gboolean  np_geometry_circle_through_points  (const NpMmPoint   *points,
                                              guint              n_points,
                                              NpMmPoint         *centre,
                                              double            *radius);
double    np_geometry_line_angle_deg         (NpMmPoint          direction_a,
                                              NpMmPoint          direction_b);
gboolean  np_geometry_clip_segment_to_rect   (NpMmPoint          a,
                                              NpMmPoint          b,
                                              double             x0,
                                              double             y0,
                                              double             x1,
                                              double             y1,
                                              double            *t_enter,
                                              double            *t_exit);

G_END_DECLS
