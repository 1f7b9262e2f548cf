/* np-geometry.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-geometry.h"

#include <math.h>

/* Relative tolerance for "on the line" decisions; coordinates are at most a
 * few thousand units, so this is far below anything a click can resolve. */
#define NP_GEOMETRY_EPSILON 1e-12

static inline NpMmPoint
sub (NpMmPoint a,
     NpMmPoint b)
{
  return np_mm_point (a.x - b.x, a.y - b.y);
}

static inline double
dot (NpMmPoint a,
     NpMmPoint b)
{
  return a.x * b.x + a.y * b.y;
}

static inline double
cross (NpMmPoint a,
       NpMmPoint b)
{
  return a.x * b.y - a.y * b.x;
}

static inline NpMmPoint
lerp (NpMmPoint a,
      NpMmPoint b,
      double    t)
{
  return np_mm_point (a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
}

static inline NpMmPoint
unit (NpMmPoint v)
{
  double n = hypot (v.x, v.y);

  if (n == 0)
    return np_mm_point (1, 0);
  return np_mm_point (v.x / n, v.y / n);
}

double
np_geometry_distance (NpMmPoint a,
                      NpMmPoint b)
{
  return hypot (a.x - b.x, a.y - b.y);
}

/**
 * np_geometry_point_segment_distance:
 * @t: (out) (optional): position of the closest point, 0 at @a, 1 at @b
 */
double
np_geometry_point_segment_distance (NpMmPoint  p,
                                    NpMmPoint  a,
                                    NpMmPoint  b,
                                    double    *t)
{
  NpMmPoint ab = sub (b, a);
  double len2 = dot (ab, ab);
  double s = 0;

  if (len2 > 0)
    s = CLAMP (dot (sub (p, a), ab) / len2, 0.0, 1.0);
  if (t != NULL)
    *t = s;
  return np_geometry_distance (p, lerp (a, b, s));
}

/* Inclusive: touching counts as intersecting, because a needle that grazes a
 * vessel wall has zero clearance. */
gboolean
np_geometry_segments_intersect (NpMmPoint  a,
                                NpMmPoint  b,
                                NpMmPoint  c,
                                NpMmPoint  d,
                                NpMmPoint *at)
{
  NpMmPoint r = sub (b, a);
  NpMmPoint s = sub (d, c);
  NpMmPoint ca = sub (c, a);
  double denom = cross (r, s);
  double scale = MAX (dot (r, r), dot (s, s));
  double t, u;

  if (fabs (denom) <= NP_GEOMETRY_EPSILON * scale)
    {
      double rr = dot (r, r);
      double t0, t1;

      /* Parallel: they meet only when collinear and overlapping. */
      if (fabs (cross (ca, r)) > NP_GEOMETRY_EPSILON * MAX (scale, dot (ca, ca)))
        return FALSE;
      if (rr == 0)
        {
          double tt;

          if (np_geometry_point_segment_distance (a, c, d, &tt) > 0)
            return FALSE;
          if (at != NULL)
            *at = a;
          return TRUE;
        }
      t0 = dot (ca, r) / rr;
      t1 = dot (sub (d, a), r) / rr;
      if (t0 > t1)
        {
          double tmp = t0;
          t0 = t1;
          t1 = tmp;
        }
      if (t1 < 0 || t0 > 1)
        return FALSE;
      if (at != NULL)
        *at = lerp (a, b, CLAMP (t0, 0.0, 1.0));
      return TRUE;
    }

  t = cross (ca, s) / denom;
  u = cross (ca, r) / denom;
  if (t < -NP_GEOMETRY_EPSILON || t > 1 + NP_GEOMETRY_EPSILON
      || u < -NP_GEOMETRY_EPSILON || u > 1 + NP_GEOMETRY_EPSILON)
    return FALSE;
  if (at != NULL)
    *at = lerp (a, b, CLAMP (t, 0.0, 1.0));
  return TRUE;
}

/**
 * np_geometry_segment_segment_distance:
 * @on_ab: (out) (optional): closest point on segment ab
 * @on_cd: (out) (optional): closest point on segment cd
 */
double
np_geometry_segment_segment_distance (NpMmPoint  a,
                                      NpMmPoint  b,
                                      NpMmPoint  c,
                                      NpMmPoint  d,
                                      NpMmPoint *on_ab,
                                      NpMmPoint *on_cd)
{
  NpMmPoint at;
  double best, dist, t;
  NpMmPoint p_ab, p_cd;

  if (np_geometry_segments_intersect (a, b, c, d, &at))
    {
      if (on_ab != NULL)
        *on_ab = at;
      if (on_cd != NULL)
        *on_cd = at;
      return 0;
    }

  /* Segments that do not cross are closest at an endpoint of one of them. */
  best = np_geometry_point_segment_distance (a, c, d, &t);
  p_ab = a;
  p_cd = lerp (c, d, t);
  dist = np_geometry_point_segment_distance (b, c, d, &t);
  if (dist < best)
    {
      best = dist;
      p_ab = b;
      p_cd = lerp (c, d, t);
    }
  dist = np_geometry_point_segment_distance (c, a, b, &t);
  if (dist < best)
    {
      best = dist;
      p_ab = lerp (a, b, t);
      p_cd = c;
    }
  dist = np_geometry_point_segment_distance (d, a, b, &t);
  if (dist < best)
    {
      best = dist;
      p_ab = lerp (a, b, t);
      p_cd = d;
    }
  if (on_ab != NULL)
    *on_ab = p_ab;
  if (on_cd != NULL)
    *on_cd = p_cd;
  return best;
}

/* Even-odd rule; the outline is closed implicitly. */
gboolean
np_geometry_point_in_polygon (NpMmPoint        p,
                              const NpMmPoint *polygon,
                              guint            n_points)
{
  gboolean inside = FALSE;

  g_return_val_if_fail (polygon != NULL || n_points == 0, FALSE);

  if (n_points < 3)
    return FALSE;
  for (guint i = 0, j = n_points - 1; i < n_points; j = i++)
    {
      NpMmPoint pi = polygon[i];
      NpMmPoint pj = polygon[j];

      if ((pi.y > p.y) != (pj.y > p.y)
          && p.x < (pj.x - pi.x) * (p.y - pi.y) / (pj.y - pi.y) + pi.x)
        inside = !inside;
    }
  return inside;
}

/**
 * np_geometry_segment_polyline_distance:
 * @closed: TRUE for a polygon: the last point joins the first, and a segment
 *   with an end inside the polygon has distance 0
 *
 * Returns: the smallest distance between segment ab and the outline; 0 when
 *   they touch or cross. G_MAXDOUBLE for an empty outline.
 */
double
np_geometry_segment_polyline_distance (NpMmPoint        a,
                                       NpMmPoint        b,
                                       const NpMmPoint *points,
                                       guint            n_points,
                                       gboolean         closed,
                                       NpMmPoint       *on_ab,
                                       NpMmPoint       *on_polyline)
{
  double best = G_MAXDOUBLE;
  double best_squared = G_MAXDOUBLE;
  NpMmPoint best_ab = a, best_pl = a;
  NpMmPoint ab_lo = { MIN (a.x, b.x), MIN (a.y, b.y) };
  NpMmPoint ab_hi = { MAX (a.x, b.x), MAX (a.y, b.y) };
  double ab_x = b.x - a.x, ab_y = b.y - a.y;
  double ab_length_squared = ab_x * ab_x + ab_y * ab_y;
  guint n_edges;

  g_return_val_if_fail (points != NULL || n_points == 0, G_MAXDOUBLE);

  if (n_points == 0)
    return G_MAXDOUBLE;

  if (closed && n_points >= 3)
    {
      gboolean a_in = np_geometry_point_in_polygon (a, points, n_points);

      if (a_in || np_geometry_point_in_polygon (b, points, n_points))
        {
          if (on_ab != NULL)
            *on_ab = a_in ? a : b;
          if (on_polyline != NULL)
            *on_polyline = a_in ? a : b;
          return 0;
        }
    }

  if (n_points == 1)
    {
      double t;

      best = np_geometry_point_segment_distance (points[0], a, b, &t);
      best_squared = best * best;
      best_ab = lerp (a, b, t);
      best_pl = points[0];
    }

  n_edges = closed && n_points >= 3 ? n_points : n_points - 1;
  for (guint i = 0; i < n_edges; i++)
    {
      NpMmPoint c = points[i], d = points[(i + 1) % n_points];
      NpMmPoint p_ab, p_pl;
      double gap_x, gap_y, side_c, side_d, distance;

      /* Two lower bounds of the distance, both squared: the gap between the
       * bounding boxes, and, for an edge wholly on one side of the line
       * through ab, its nearer end's distance to that line. An edge that
       * cannot come closer than the best so far is skipped without the exact
       * test (the entry search calls this for thousands of candidate paths
       * against 128-sided outlines). */
      gap_x = MAX (0.0, MAX (ab_lo.x - MAX (c.x, d.x), MIN (c.x, d.x) - ab_hi.x));
      gap_y = MAX (0.0, MAX (ab_lo.y - MAX (c.y, d.y), MIN (c.y, d.y) - ab_hi.y));
      if (gap_x * gap_x + gap_y * gap_y >= best_squared)
        continue;
      side_c = ab_x * (c.y - a.y) - ab_y * (c.x - a.x);
      side_d = ab_x * (d.y - a.y) - ab_y * (d.x - a.x);
      if (ab_length_squared > 0 && ((side_c > 0 && side_d > 0) || (side_c < 0 && side_d < 0))
          && MIN (side_c * side_c, side_d * side_d) >= best_squared * ab_length_squared)
        continue;

      distance = np_geometry_segment_segment_distance (a, b, c, d, &p_ab, &p_pl);
      if (distance < best)
        {
          best = distance;
          best_squared = distance * distance;
          best_ab = p_ab;
          best_pl = p_pl;
          if (distance == 0)
            break;
        }
    }

  if (on_ab != NULL)
    *on_ab = best_ab;
  if (on_polyline != NULL)
    *on_polyline = best_pl;
  return best;
}

/**
 * np_geometry_polyline_closest:
 * @extend_ends: treat the first and last segments as rays running on past
 *   the ends (a skin line extended beyond the image)
 * @closest: (out) (optional): the closest point of the polyline
 * @tangent: (out) (optional): unit direction of the polyline there (at a
 *   vertex, the mean of the two segments' directions)
 * @arc_position: (out) (optional): arc length from the first point to
 *   @closest; negative before the start, beyond the length after the end
 *
 * Returns: the distance from @p, G_MAXDOUBLE for an empty polyline
 */
double
np_geometry_polyline_closest (NpMmPoint        p,
                              const NpMmPoint *points,
                              guint            n_points,
                              gboolean         extend_ends,
                              NpMmPoint       *closest,
                              NpMmPoint       *tangent,
                              double          *arc_position)
{
  double best = G_MAXDOUBLE;
  guint best_segment = 0;
  double best_t = 0;
  double best_arc = 0;
  double arc = 0;
  NpMmPoint best_point = p;
  NpMmPoint direction;

  g_return_val_if_fail (points != NULL || n_points == 0, G_MAXDOUBLE);

  if (n_points == 0)
    return G_MAXDOUBLE;
  if (n_points == 1)
    {
      if (closest != NULL)
        *closest = points[0];
      if (tangent != NULL)
        *tangent = np_mm_point (1, 0);
      if (arc_position != NULL)
        *arc_position = 0;
      return np_geometry_distance (p, points[0]);
    }

  for (guint i = 0; i + 1 < n_points; i++)
    {
      NpMmPoint a = points[i];
      NpMmPoint ab = sub (points[i + 1], a);
      double len2 = dot (ab, ab);
      double len = sqrt (len2);
      double t = len2 > 0 ? dot (sub (p, a), ab) / len2 : 0;
      double lower = extend_ends && i == 0 ? -G_MAXDOUBLE : 0;
      double upper = extend_ends && i + 2 == n_points ? G_MAXDOUBLE : 1;
      NpMmPoint q;
      double d;

      t = CLAMP (t, lower, upper);
      q = lerp (a, points[i + 1], t);
      d = np_geometry_distance (p, q);
      if (d < best)
        {
          best = d;
          best_segment = i;
          best_t = t;
          best_arc = arc + t * len;
          best_point = q;
        }
      arc += len;
    }

  direction = unit (sub (points[best_segment + 1], points[best_segment]));
  if ((best_t <= 0 && best_segment > 0) || (best_t >= 1 && best_segment + 2 < n_points))
    {
      /* At a vertex the skin bends: use the mean of both segments' directions. */
      NpMmPoint other = best_t <= 0
        ? unit (sub (points[best_segment], points[best_segment - 1]))
        : unit (sub (points[best_segment + 2], points[best_segment + 1]));

      direction = unit (np_mm_point (direction.x + other.x, direction.y + other.y));
    }

  if (closest != NULL)
    *closest = best_point;
  if (tangent != NULL)
    *tangent = direction;
  if (arc_position != NULL)
    *arc_position = best_arc;
  return best;
}

/**
 * np_geometry_polyline_at:
 * @arc_position: arc length from the first point; outside [0, length] the
 *   first or last segment is extended
 * @tangent: (out) (optional): unit direction of the polyline there
 */
NpMmPoint
np_geometry_polyline_at (const NpMmPoint *points,
                         guint            n_points,
                         double           arc_position,
                         NpMmPoint       *tangent)
{
  double arc = 0;

  g_return_val_if_fail (points != NULL && n_points >= 1, np_mm_point (0, 0));

  if (n_points == 1)
    {
      if (tangent != NULL)
        *tangent = np_mm_point (1, 0);
      return points[0];
    }

  for (guint i = 0; i + 1 < n_points; i++)
    {
      double len = np_geometry_distance (points[i], points[i + 1]);
      gboolean last = i + 2 == n_points;

      if (arc_position <= arc + len || last)
        {
          NpMmPoint direction = unit (sub (points[i + 1], points[i]));
          double along = arc_position - arc;

          if (tangent != NULL)
            *tangent = direction;
          return np_mm_point (points[i].x + along * direction.x,
                              points[i].y + along * direction.y);
        }
      arc += len;
    }
  g_assert_not_reached ();
}

double
np_geometry_polyline_length (const NpMmPoint *points,
                             guint            n_points)
{
  double length = 0;

  for (guint i = 0; i + 1 < n_points; i++)
    length += np_geometry_distance (points[i], points[i + 1]);
  return length;
}

/* Distance from a point in the first quadrant (x0, y0 >= 0) outside the
 * axis-aligned ellipse with semi-axes e0, e1 > 0. The closest point is
 * (e0² x0 / (t + e0²), e1² y0 / (t + e1²)) where t > 0 is the root of
 * F(t) = (e0 x0 / (t + e0²))² + (e1 y0 / (t + e1²))² − 1 (Eberly, "Distance
 * from a point to an ellipse"). F is convex and decreasing for t > 0, so
 * Newton's method from a start left of the root climbs to it monotonically. */
static double
quadrant_ellipse_distance (double  x0,
                           double  y0,
                           double  e0,
                           double  e1,
                           double *cx,
                           double *cy)
{
  double a2 = e0 * e0, b2 = e1 * e1;
  double t = MAX (0.0, MAX (e0 * x0 - a2, e1 * y0 - b2));

  for (int i = 0; i < 100; i++)
    {
      double r0 = e0 * x0 / (t + a2);
      double r1 = e1 * y0 / (t + b2);
      double f = r0 * r0 + r1 * r1 - 1;
      double df = -2 * (r0 * r0 / (t + a2) + r1 * r1 / (t + b2));
      double step;

      if (f <= 0 || df == 0)
        break;
      step = f / df;
      t -= step;
      if (fabs (step) <= 1e-14 * (1 + fabs (t)))
        break;
    }
  *cx = a2 * x0 / (t + a2);
  *cy = b2 * y0 / (t + b2);
  return hypot (x0 - *cx, y0 - *cy);
}

/**
 * np_geometry_point_ellipse_distance:
 * @radius_x: semi-axis along x (>= 0)
 * @radius_y: semi-axis along y (>= 0)
 * @closest: (out) (optional): closest point of the ellipse; @p itself when
 *   @p is inside
 *
 * Returns: the distance from @p to the filled, axis-aligned ellipse (0 inside)
 */
double
np_geometry_point_ellipse_distance (NpMmPoint  p,
                                    NpMmPoint  centre,
                                    double     radius_x,
                                    double     radius_y,
                                    NpMmPoint *closest)
{
  double x0 = fabs (p.x - centre.x);
  double y0 = fabs (p.y - centre.y);
  double cx, cy, d;

  g_return_val_if_fail (radius_x >= 0 && radius_y >= 0, G_MAXDOUBLE);

  /* A flat ellipse is a segment along its long axis. */
  if (radius_x == 0 || radius_y == 0)
    {
      NpMmPoint a = np_mm_point (centre.x - radius_x, centre.y - radius_y);
      NpMmPoint b = np_mm_point (centre.x + radius_x, centre.y + radius_y);
      double t;

      d = np_geometry_point_segment_distance (p, a, b, &t);
      if (closest != NULL)
        *closest = lerp (a, b, t);
      return d;
    }

  if ((x0 / radius_x) * (x0 / radius_x) + (y0 / radius_y) * (y0 / radius_y) <= 1)
    {
      if (closest != NULL)
        *closest = p;
      return 0;
    }

  d = quadrant_ellipse_distance (x0, y0, radius_x, radius_y, &cx, &cy);
  if (closest != NULL)
    *closest = np_mm_point (centre.x + copysign (cx, p.x - centre.x),
                            centre.y + copysign (cy, p.y - centre.y));
  return d;
}

/* In coordinates where the ellipse is the unit circle, the segment enters it
 * when its closest point to the origin lies within radius 1. */
gboolean
np_geometry_segment_enters_ellipse (NpMmPoint a,
                                    NpMmPoint b,
                                    NpMmPoint centre,
                                    double    radius_x,
                                    double    radius_y)
{
  NpMmPoint ua, ub;

  g_return_val_if_fail (radius_x >= 0 && radius_y >= 0, FALSE);

  if (radius_x == 0 || radius_y == 0)
    {
      NpMmPoint c = np_mm_point (centre.x - radius_x, centre.y - radius_y);
      NpMmPoint d = np_mm_point (centre.x + radius_x, centre.y + radius_y);

      return np_geometry_segments_intersect (a, b, c, d, NULL);
    }

  ua = np_mm_point ((a.x - centre.x) / radius_x, (a.y - centre.y) / radius_y);
  ub = np_mm_point ((b.x - centre.x) / radius_x, (b.y - centre.y) / radius_y);
  return np_geometry_point_segment_distance (np_mm_point (0, 0), ua, ub, NULL) <= 1;
}

/**
 * np_geometry_segment_ellipse_distance:
 *
 * Exact distance between segment ab and a filled axis-aligned ellipse (0 when
 * the segment enters it). The closest pair is either an endpoint of the
 * segment and its closest ellipse point, or an interior point of the segment
 * facing one of the two ellipse points whose tangent is parallel to the
 * segment; those two have the closed form ±(rx² nx, ry² ny) / √(rx² nx² +
 * ry² ny²) for a unit normal n of the segment. The minimum over these four
 * candidates is the distance.
 */
double
np_geometry_segment_ellipse_distance (NpMmPoint  a,
                                      NpMmPoint  b,
                                      NpMmPoint  centre,
                                      double     radius_x,
                                      double     radius_y,
                                      NpMmPoint *on_ab,
                                      NpMmPoint *on_ellipse)
{
  NpMmPoint best_ab = a, best_el = a, q;
  NpMmPoint n;
  double best, d, t, scale;

  g_return_val_if_fail (radius_x >= 0 && radius_y >= 0, G_MAXDOUBLE);

  if (np_geometry_segment_enters_ellipse (a, b, centre, radius_x, radius_y))
    {
      NpMmPoint inside = a;

      if (radius_x > 0 && radius_y > 0)
        {
          NpMmPoint ua = np_mm_point ((a.x - centre.x) / radius_x, (a.y - centre.y) / radius_y);
          NpMmPoint ub = np_mm_point ((b.x - centre.x) / radius_x, (b.y - centre.y) / radius_y);

          np_geometry_point_segment_distance (np_mm_point (0, 0), ua, ub, &t);
          inside = lerp (a, b, t);
        }
      if (on_ab != NULL)
        *on_ab = inside;
      if (on_ellipse != NULL)
        *on_ellipse = inside;
      return 0;
    }

  best = np_geometry_point_ellipse_distance (a, centre, radius_x, radius_y, &best_el);
  d = np_geometry_point_ellipse_distance (b, centre, radius_x, radius_y, &q);
  if (d < best)
    {
      best = d;
      best_ab = b;
      best_el = q;
    }

  n = unit (np_mm_point (-(b.y - a.y), b.x - a.x));
  scale = sqrt (radius_x * radius_x * n.x * n.x + radius_y * radius_y * n.y * n.y);
  if (scale > 0)
    for (int sign = -1; sign <= 1; sign += 2)
      {
        NpMmPoint e = np_mm_point (centre.x + sign * radius_x * radius_x * n.x / scale,
                                   centre.y + sign * radius_y * radius_y * n.y / scale);

        d = np_geometry_point_segment_distance (e, a, b, &t);
        if (d < best)
          {
            best = d;
            best_ab = lerp (a, b, t);
            best_el = e;
          }
      }

  if (on_ab != NULL)
    *on_ab = best_ab;
  if (on_ellipse != NULL)
    *on_ellipse = best_el;
  return best;
}

/**
 * np_geometry_circle_through_points:
 *
 * Closed-form algebraic circle (Kåsa): minimises Σ (x² + y² + D x + E y +
 * F)², the exact circumcircle for three points and for points on a circle.
 * Coordinates are centred on their mean so the 2 × 2 system stays well
 * conditioned. np_circle_fit is the geometric fit for noisy clicks.
 *
 * Returns: FALSE for fewer than three points or points on one line
 */
gboolean
np_geometry_circle_through_points (const NpMmPoint *points,
                                   guint            n_points,
                                   NpMmPoint       *centre,
                                   double          *radius)
{
  double mx = 0, my = 0;
  double suu = 0, svv = 0, suv = 0, suuu = 0, svvv = 0, suvv = 0, svuu = 0;
  double det, uc, vc, spread;

  g_return_val_if_fail (points != NULL || n_points == 0, FALSE);

  if (n_points < 3)
    return FALSE;

  for (guint i = 0; i < n_points; i++)
    {
      mx += points[i].x;
      my += points[i].y;
    }
  mx /= n_points;
  my /= n_points;

  for (guint i = 0; i < n_points; i++)
    {
      double u = points[i].x - mx;
      double v = points[i].y - my;

      suu += u * u;
      svv += v * v;
      suv += u * v;
      suuu += u * u * u;
      svvv += v * v * v;
      suvv += u * v * v;
      svuu += v * u * u;
    }

  /* With centred data the centre (uc, vc) solves
   *   suu uc + suv vc = (suuu + suvv) / 2
   *   suv uc + svv vc = (svvv + svuu) / 2 */
  det = suu * svv - suv * suv;
  spread = suu + svv;
  if (spread == 0 || fabs (det) <= 1e-12 * spread * spread)
    return FALSE;

  uc = ((suuu + suvv) * svv - (svvv + svuu) * suv) / (2 * det);
  vc = ((svvv + svuu) * suu - (suuu + suvv) * suv) / (2 * det);
  if (centre != NULL)
    *centre = np_mm_point (uc + mx, vc + my);
  if (radius != NULL)
    *radius = sqrt (uc * uc + vc * vc + spread / n_points);
  return TRUE;
}

/* Angle between two lines (not rays), in [0, 90] degrees. */
double
np_geometry_line_angle_deg (NpMmPoint direction_a,
                            NpMmPoint direction_b)
{
  return atan2 (fabs (cross (direction_a, direction_b)),
                fabs (dot (direction_a, direction_b))) * 180.0 / G_PI;
}

/**
 * np_geometry_clip_segment_to_rect:
 * @t_enter: (out): where the segment a→b enters the rectangle (0 when @a is in it)
 * @t_exit: (out): where it leaves (1 when @b is in it)
 *
 * Liang–Barsky clipping against [x0, x1] × [y0, y1].
 *
 * Returns: FALSE when the segment misses the rectangle
 */
gboolean
np_geometry_clip_segment_to_rect (NpMmPoint  a,
                                  NpMmPoint  b,
                                  double     x0,
                                  double     y0,
                                  double     x1,
                                  double     y1,
                                  double    *t_enter,
                                  double    *t_exit)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double p[4] = { -dx, dx, -dy, dy };
  double q[4] = { a.x - x0, x1 - a.x, a.y - y0, y1 - a.y };
  double t0 = 0, t1 = 1;

  for (int i = 0; i < 4; i++)
    {
      if (p[i] == 0)
        {
          if (q[i] < 0)
            return FALSE;
          continue;
        }
      if (p[i] < 0)
        t0 = MAX (t0, q[i] / p[i]);
      else
        t1 = MIN (t1, q[i] / p[i]);
    }
  if (t0 > t1)
    return FALSE;
  if (t_enter != NULL)
    *t_enter = t0;
  if (t_exit != NULL)
    *t_exit = t1;
  return TRUE;
}
