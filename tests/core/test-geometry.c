/* test-geometry.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-geometry.h"

#include <math.h>

#define P(x, y) np_mm_point ((x), (y))

static void
test_point_segment (void)
{
  double t;

  /* (3, 4) above the segment (0,0)–(10,0): foot (3, 0), distance 4, t = 3/10. */
  g_assert_cmpfloat_with_epsilon (np_geometry_point_segment_distance (P (3, 4), P (0, 0),
                                                                      P (10, 0), &t), 4, 1e-12);
  g_assert_cmpfloat_with_epsilon (t, 0.3, 1e-12);
  /* (13, 4) is past the end (10, 0): a 3-4-5 triangle, distance 5, t = 1. */
  g_assert_cmpfloat_with_epsilon (np_geometry_point_segment_distance (P (13, 4), P (0, 0),
                                                                      P (10, 0), &t), 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (t, 1, 1e-12);
  /* A degenerate segment is a point: (3, 4) from the origin is 5. */
  g_assert_cmpfloat_with_epsilon (np_geometry_point_segment_distance (P (3, 4), P (0, 0),
                                                                      P (0, 0), NULL), 5, 1e-12);
}

static void
test_segments_intersect (void)
{
  NpMmPoint at;

  /* The diagonals of the square (0,0)–(10,10) meet at its centre. */
  g_assert_true (np_geometry_segments_intersect (P (0, 0), P (10, 10), P (0, 10), P (10, 0), &at));
  g_assert_cmpfloat_with_epsilon (at.x, 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (at.y, 5, 1e-12);
  /* Parallel lines 1 apart never meet. */
  g_assert_false (np_geometry_segments_intersect (P (0, 0), P (10, 0), P (0, 1), P (10, 1), NULL));
  /* Collinear, overlapping from x = 2: they meet, first at (2, 0). */
  g_assert_true (np_geometry_segments_intersect (P (0, 0), P (4, 0), P (2, 0), P (6, 0), &at));
  g_assert_cmpfloat_with_epsilon (at.x, 2, 1e-12);
  /* Collinear but apart. */
  g_assert_false (np_geometry_segments_intersect (P (0, 0), P (1, 0), P (2, 0), P (6, 0), NULL));
  /* A T: the end of one touches the middle of the other (a graze counts). */
  g_assert_true (np_geometry_segments_intersect (P (0, 0), P (4, 0), P (2, 0), P (2, 5), NULL));
  /* Lines that cross beyond the segments' ends do not count. */
  g_assert_false (np_geometry_segments_intersect (P (0, 0), P (1, 1), P (3, 0), P (2, 1), NULL));
}

static void
test_segment_segment_distance (void)
{
  NpMmPoint a, b;

  /* (3,4)–(3,9) stands 4 above the segment (0,0)–(10,0): closest (3,0)–(3,4). */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_segment_distance (P (0, 0), P (10, 0),
                                                                        P (3, 4), P (3, 9),
                                                                        &a, &b), 4, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.x, 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.y, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (b.y, 4, 1e-12);
  /* End to end: (0,10) and (3,14) are a 3-4-5 triangle apart. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_segment_distance (P (0, 0), P (0, 10),
                                                                        P (3, 14), P (10, 20),
                                                                        NULL, NULL), 5, 1e-12);
  /* Crossing segments are 0 apart. */
  g_assert_cmpfloat (np_geometry_segment_segment_distance (P (0, 0), P (10, 10), P (0, 10),
                                                           P (10, 0), NULL, NULL), ==, 0);
}

static void
test_point_in_polygon (void)
{
  const NpMmPoint square[] = { P (0, 0), P (10, 0), P (10, 10), P (0, 10) };
  /* An L: the square without its top-right quarter (5..10, 0..5). */
  const NpMmPoint ell[] = { P (0, 0), P (5, 0), P (5, 5), P (10, 5), P (10, 10), P (0, 10) };

  g_assert_true (np_geometry_point_in_polygon (P (5, 5), square, 4));
  g_assert_false (np_geometry_point_in_polygon (P (15, 5), square, 4));
  g_assert_true (np_geometry_point_in_polygon (P (2, 2), ell, 6));
  g_assert_false (np_geometry_point_in_polygon (P (8, 2), ell, 6));
  g_assert_true (np_geometry_point_in_polygon (P (8, 8), ell, 6));
  g_assert_false (np_geometry_point_in_polygon (P (1, 1), square, 2));
}

static void
test_segment_polyline (void)
{
  const NpMmPoint square[] = { P (0, 0), P (10, 0), P (10, 10), P (0, 10) };

  /* A segment wholly inside a polygon touches no edge but is inside: 0. */
  g_assert_cmpfloat (np_geometry_segment_polyline_distance (P (2, 2), P (8, 8), square, 4, TRUE,
                                                            NULL, NULL), ==, 0);
  /* As an open polyline the edge x = 0 is missing: (2,2) is 2 from y = 0
   * and (8,8) is 2 from x = 10 and from y = 10. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_polyline_distance (P (2, 2), P (8, 8), square,
                                                                         4, FALSE, NULL, NULL),
                                  2, 1e-12);
  /* Outside, 5 to the right of the edge x = 10. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_polyline_distance (P (15, -5), P (15, 20),
                                                                         square, 4, TRUE, NULL,
                                                                         NULL), 5, 1e-12);
}

static void
test_polyline_closest (void)
{
  const NpMmPoint line[] = { P (0, 0), P (10, 0), P (10, 10) };
  NpMmPoint closest, tangent;
  double arc;

  /* (5, 3) over the first segment: 3 away, 5 along, direction +x. */
  g_assert_cmpfloat_with_epsilon (np_geometry_polyline_closest (P (5, 3), line, 3, FALSE, &closest,
                                                                &tangent, &arc), 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (arc, 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (tangent.x, 1, 1e-12);
  /* (13, 5) beside the second segment: 3 away, 10 + 5 along, direction +y. */
  g_assert_cmpfloat_with_epsilon (np_geometry_polyline_closest (P (13, 5), line, 3, FALSE, &closest,
                                                                &tangent, &arc), 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (arc, 15, 1e-12);
  g_assert_cmpfloat_with_epsilon (tangent.y, 1, 1e-12);
  /* (-4, 3) before the start: 5 from (0,0) (3-4-5), but 3 from the extended line at arc −4. */
  g_assert_cmpfloat_with_epsilon (np_geometry_polyline_closest (P (-4, 3), line, 3, FALSE, NULL,
                                                                NULL, NULL), 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (np_geometry_polyline_closest (P (-4, 3), line, 3, TRUE, NULL,
                                                                NULL, &arc), 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (arc, -4, 1e-12);
  /* (12, -2) is nearest the corner (10, 0): √8 away; the tangent there is the
   * mean of +x and +y, (1, 1)/√2. */
  g_assert_cmpfloat_with_epsilon (np_geometry_polyline_closest (P (12, -2), line, 3, FALSE,
                                                                &closest, &tangent, &arc),
                                  sqrt (8), 1e-12);
  g_assert_cmpfloat_with_epsilon (closest.x, 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (tangent.x, G_SQRT2 / 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (tangent.y, G_SQRT2 / 2, 1e-12);
}

static void
test_polyline_at (void)
{
  const NpMmPoint line[] = { P (0, 0), P (10, 0), P (10, 10) };
  NpMmPoint p, tangent;

  p = np_geometry_polyline_at (line, 3, 15, &tangent);
  g_assert_cmpfloat_with_epsilon (p.x, 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (p.y, 5, 1e-12);
  g_assert_cmpfloat_with_epsilon (tangent.y, 1, 1e-12);
  /* Before the start and after the end the end segments are extended. */
  p = np_geometry_polyline_at (line, 3, -2, NULL);
  g_assert_cmpfloat_with_epsilon (p.x, -2, 1e-12);
  g_assert_cmpfloat_with_epsilon (p.y, 0, 1e-12);
  p = np_geometry_polyline_at (line, 3, 25, NULL);
  g_assert_cmpfloat_with_epsilon (p.x, 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (p.y, 15, 1e-12);
  g_assert_cmpfloat_with_epsilon (np_geometry_polyline_length (line, 3), 20, 1e-12);
}

static void
test_point_ellipse (void)
{
  NpMmPoint q;
  double d;

  /* Circle of radius 5: (6, 8) is 10 from the centre, so 5 from the rim,
   * nearest at (3, 4). */
  d = np_geometry_point_ellipse_distance (P (6, 8), P (0, 0), 5, 5, &q);
  g_assert_cmpfloat_with_epsilon (d, 5, 1e-9);
  g_assert_cmpfloat_with_epsilon (q.x, 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (q.y, 4, 1e-9);
  /* Ellipse with semi-axes 4 and 2 centred on (1, 1): on the axes the
   * nearest points are the vertices. */
  g_assert_cmpfloat_with_epsilon (np_geometry_point_ellipse_distance (P (11, 1), P (1, 1), 4, 2,
                                                                      &q), 6, 1e-9);
  g_assert_cmpfloat_with_epsilon (q.x, 5, 1e-9);
  g_assert_cmpfloat_with_epsilon (np_geometry_point_ellipse_distance (P (1, -4), P (1, 1), 4, 2,
                                                                      &q), 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (q.y, -1, 1e-9);
  /* Inside: 0. */
  g_assert_cmpfloat (np_geometry_point_ellipse_distance (P (2, 1), P (1, 1), 4, 2, NULL), ==, 0);

  /* Off the axes the nearest point q must lie on the ellipse and the line
   * p − q must be along the ellipse normal (qx / a², qy / b²). */
  d = np_geometry_point_ellipse_distance (P (7, 5), P (0, 0), 4, 2, &q);
  g_assert_cmpfloat_with_epsilon (q.x * q.x / 16 + q.y * q.y / 4, 1, 1e-9);
  g_assert_cmpfloat_with_epsilon ((7 - q.x) * (q.y / 4) - (5 - q.y) * (q.x / 16), 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (d, hypot (7 - q.x, 5 - q.y), 1e-12);
}

static void
test_segment_ellipse (void)
{
  NpMmPoint on_ab, on_el;

  /* Circle r = 10 at (30, 50) beside the segment x = 0, y 0..100: 30 − 10. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_ellipse_distance (P (0, 0), P (0, 100),
                                                                        P (30, 50), 10, 10,
                                                                        &on_ab, &on_el),
                                  20, 1e-9);
  g_assert_cmpfloat_with_epsilon (on_ab.y, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (on_el.x, 20, 1e-9);
  g_assert_false (np_geometry_segment_enters_ellipse (P (0, 0), P (0, 100), P (30, 50), 10, 10));
  /* Through it: 0. */
  g_assert_true (np_geometry_segment_enters_ellipse (P (30, 0), P (30, 100), P (30, 50), 10, 10));
  g_assert_cmpfloat (np_geometry_segment_ellipse_distance (P (30, 0), P (30, 100), P (30, 50), 10,
                                                           10, NULL, NULL), ==, 0);
  /* Segment ending 20 short of the centre of a circle r = 10: its end is 10 away. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_ellipse_distance (P (0, 0), P (0, 30),
                                                                        P (0, 50), 10, 10,
                                                                        NULL, NULL), 10, 1e-9);
  /* A flat ellipse (20 by 5) under the line y = 10: its top (0, 5) is 5 away. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_ellipse_distance (P (-50, 10), P (50, 10),
                                                                        P (0, 0), 20, 5,
                                                                        &on_ab, &on_el), 5, 1e-9);
  g_assert_cmpfloat_with_epsilon (on_el.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (on_el.y, 5, 1e-9);
  /* The line x + y = 20 is 20/√2 from the origin; minus the radius 5. */
  g_assert_cmpfloat_with_epsilon (np_geometry_segment_ellipse_distance (P (20, 0), P (0, 20),
                                                                        P (0, 0), 5, 5, NULL, NULL),
                                  20 / G_SQRT2 - 5, 1e-9);
}

static void
test_line_angle (void)
{
  g_assert_cmpfloat_with_epsilon (np_geometry_line_angle_deg (P (1, 0), P (0, 1)), 90, 1e-12);
  g_assert_cmpfloat_with_epsilon (np_geometry_line_angle_deg (P (1, 1), P (1, 0)), 45, 1e-12);
  /* Lines, not rays: opposite directions are the same line. */
  g_assert_cmpfloat_with_epsilon (np_geometry_line_angle_deg (P (-1, 0), P (1, 0)), 0, 1e-12);
  /* 3-4-5: atan(4/3) = 53.130102°. */
  g_assert_cmpfloat_with_epsilon (np_geometry_line_angle_deg (P (3, 4), P (1, 0)), 53.13010235,
                                  1e-8);
}

static void
test_clip (void)
{
  double t0, t1;

  /* From x = −10 to 10 at y = 5 into [0,10]²: enters halfway, ends inside. */
  g_assert_true (np_geometry_clip_segment_to_rect (P (-10, 5), P (10, 5), 0, 0, 10, 10, &t0, &t1));
  g_assert_cmpfloat_with_epsilon (t0, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (t1, 1, 1e-12);
  g_assert_false (np_geometry_clip_segment_to_rect (P (-10, -5), P (10, -5), 0, 0, 10, 10, NULL,
                                                    NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/geometry/point-segment", test_point_segment);
  g_test_add_func ("/core/geometry/segments-intersect", test_segments_intersect);
  g_test_add_func ("/core/geometry/segment-segment", test_segment_segment_distance);
  g_test_add_func ("/core/geometry/point-in-polygon", test_point_in_polygon);
  g_test_add_func ("/core/geometry/segment-polyline", test_segment_polyline);
  g_test_add_func ("/core/geometry/polyline-closest", test_polyline_closest);
  g_test_add_func ("/core/geometry/polyline-at", test_polyline_at);
  g_test_add_func ("/core/geometry/point-ellipse", test_point_ellipse);
  g_test_add_func ("/core/geometry/segment-ellipse", test_segment_ellipse);
  g_test_add_func ("/core/geometry/line-angle", test_line_angle);
  g_test_add_func ("/core/geometry/clip", test_clip);
  return g_test_run ();
}
