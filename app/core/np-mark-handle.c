/* np-mark-handle.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-mark-handle.h"

#include <glib/gi18n-lib.h>

#include "np-circle-fit.h"
#include "np-geometry.h"

#include <math.h>

/* Hit testing works on the screen, where image pixels are what the user
 * sees, so the plane geometry runs directly on image coordinates here. */
static NpMmPoint
plane (NpImagePoint p)
{
  return np_mm_point (p.x, p.y);
}

static double
distance (NpImagePoint a,
          NpImagePoint b)
{
  return hypot (a.x - b.x, a.y - b.y);
}

static const NpImagePoint *
points_of (const GArray *array)
{
  return (const NpImagePoint *) array->data;
}

/* Ellipse handles: centre, the end of the x radius, the end of the y radius. */
static gboolean
ellipse_handle (const NpStructure *structure,
                int                point,
                NpImagePoint      *at)
{
  const NpImagePoint *p = points_of (structure->points);

  if (structure->points->len < 2)
    return FALSE;
  switch (point)
    {
    case NP_MARK_ELLIPSE_CENTRE:
      *at = p[0];
      return TRUE;
    case NP_MARK_ELLIPSE_RADIUS_X:
      *at = np_image_point (p[0].x + p[1].x, p[0].y);
      return TRUE;
    case NP_MARK_ELLIPSE_RADIUS_Y:
      *at = np_image_point (p[0].x, p[0].y + p[1].y);
      return TRUE;
    default:
      return FALSE;
    }
}

static guint
structure_n_handles (const NpStructure *structure)
{
  if (structure->shape == NP_SHAPE_ELLIPSE)
    return structure->points->len >= 2 ? 3 : 0;
  return structure->points->len;
}

/**
 * np_mark_handle_get_point:
 *
 * Where @handle is on the image. For a whole mark (point -1) that is its
 * first point.
 *
 * Returns: %FALSE when the plan has no such handle
 */
gboolean
np_mark_handle_get_point (const NpPlan       *plan,
                          const NpMarkHandle *handle,
                          NpImagePoint       *point)
{
  int k;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (handle != NULL, FALSE);
  g_return_val_if_fail (point != NULL, FALSE);

  k = MAX (handle->point, 0);
  switch (handle->mark)
    {
    case NP_OVERLAY_MARK_TARGET:
      *point = plan->target;
      return plan->has_target;
    case NP_OVERLAY_MARK_ENTRY:
      *point = plan->entry;
      return plan->has_entry;
    case NP_OVERLAY_MARK_SKIN:
      if ((guint) k >= plan->skin_points->len)
        return FALSE;
      *point = points_of (plan->skin_points)[k];
      return TRUE;
    case NP_OVERLAY_MARK_STRUCTURE:
      {
        const NpStructure *structure;

        if (handle->index >= plan->structures->len)
          return FALSE;
        structure = g_ptr_array_index (plan->structures, handle->index);
        if (structure->shape == NP_SHAPE_ELLIPSE)
          return ellipse_handle (structure, k, point);
        if ((guint) k >= structure->points->len)
          return FALSE;
        *point = points_of (structure->points)[k];
        return TRUE;
      }
    case NP_OVERLAY_MARK_MEASUREMENT:
      {
        const NpMeasurement *m;

        if (handle->index >= plan->measurements->len)
          return FALSE;
        m = &g_array_index (plan->measurements, NpMeasurement, handle->index);
        if ((guint) k >= m->n_points)
          return FALSE;
        *point = m->points[k];
        return TRUE;
      }
    case NP_OVERLAY_MARK_NONE:
    default:
      return FALSE;
    }
}

static void
consider (NpMarkHandle *best,
          double       *best_distance,
          NpOverlayMark mark,
          guint         index,
          int           point,
          double        d)
{
  if (d < *best_distance)
    {
      *best_distance = d;
      best->mark = mark;
      best->index = index;
      best->point = point;
    }
}

static double
polyline_distance (NpImagePoint        at,
                   const NpImagePoint *p,
                   guint               n,
                   gboolean            closed)
{
  double best = G_MAXDOUBLE;

  if (n == 1)
    return distance (at, p[0]);
  for (guint i = 0; i + 1 < n; i++)
    best = MIN (best, np_geometry_point_segment_distance (plane (at), plane (p[i]),
                                                          plane (p[i + 1]), NULL));
  if (closed && n > 2)
    best = MIN (best, np_geometry_point_segment_distance (plane (at), plane (p[n - 1]),
                                                          plane (p[0]), NULL));
  return best;
}

/* Distance from @at to the structure's outline, 0 inside a closed shape. */
static double
structure_body_distance (const NpStructure *structure,
                         NpImagePoint       at)
{
  const NpImagePoint *p = points_of (structure->points);
  guint n = structure->points->len;

  if (n == 0)
    return G_MAXDOUBLE;
  if (structure->shape == NP_SHAPE_ELLIPSE)
    {
      double u, v;

      if (n < 2 || p[1].x <= 0 || p[1].y <= 0)
        return G_MAXDOUBLE;
      u = (at.x - p[0].x) / p[1].x;
      v = (at.y - p[0].y) / p[1].y;
      if (u * u + v * v <= 1.0)
        return 0.0;
      return np_geometry_point_ellipse_distance (plane (at), plane (p[0]), p[1].x, p[1].y, NULL);
    }
  if (structure->shape == NP_SHAPE_POLYGON && n > 2)
    {
      g_autofree NpMmPoint *polygon = g_new (NpMmPoint, n);

      for (guint i = 0; i < n; i++)
        polygon[i] = plane (p[i]);
      if (np_geometry_point_in_polygon (plane (at), polygon, n))
        return 0.0;
    }
  return polyline_distance (at, p, n, structure->shape == NP_SHAPE_POLYGON);
}

/**
 * np_mark_handle_find:
 * @tolerance_px: how far from a handle a click still takes it, in image
 *   pixels (a few screen pixels divided by the zoom)
 * @handle: (out): what is under @at
 *
 * Points (target, entry, measurement ends, structure vertices and ellipse
 * handles, skin points) come first: the nearest within @tolerance_px. Then
 * whole marks: a measurement or the skin line within @tolerance_px of its
 * line, a structure within it of its outline or inside it (the last drawn,
 * which is on top, first).
 *
 * Returns: %TRUE when something is under @at
 */
gboolean
np_mark_handle_find (const NpPlan *plan,
                     NpImagePoint  at,
                     double        tolerance_px,
                     NpMarkHandle *handle)
{
  NpMarkHandle best = { NP_OVERLAY_MARK_NONE, 0, -1 };
  double best_distance;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (handle != NULL, FALSE);
  g_return_val_if_fail (tolerance_px >= 0, FALSE);

  /* Just above the tolerance, so that a point exactly at it is taken. */
  best_distance = nextafter (tolerance_px, G_MAXDOUBLE);

  if (plan->has_target)
    consider (&best, &best_distance, NP_OVERLAY_MARK_TARGET, 0, 0, distance (at, plan->target));
  if (plan->has_entry)
    consider (&best, &best_distance, NP_OVERLAY_MARK_ENTRY, 0, 0, distance (at, plan->entry));
  for (guint i = 0; i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);

      for (guint k = 0; k < m->n_points && k < G_N_ELEMENTS (m->points); k++)
        consider (&best, &best_distance, NP_OVERLAY_MARK_MEASUREMENT, i, (int) k,
                  distance (at, m->points[k]));
    }
  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);
      guint n = structure_n_handles (structure);

      for (guint k = 0; k < n; k++)
        {
          NpMarkHandle candidate = { NP_OVERLAY_MARK_STRUCTURE, i, (int) k };
          NpImagePoint p;

          if (np_mark_handle_get_point (plan, &candidate, &p))
            consider (&best, &best_distance, NP_OVERLAY_MARK_STRUCTURE, i, (int) k,
                      distance (at, p));
        }
    }
  if (plan->skin_kind != NP_SKIN_NONE)
    for (guint k = 0; k < plan->skin_points->len; k++)
      consider (&best, &best_distance, NP_OVERLAY_MARK_SKIN, 0, (int) k,
                distance (at, points_of (plan->skin_points)[k]));

  if (best.mark != NP_OVERLAY_MARK_NONE)
    {
      *handle = best;
      return TRUE;
    }

  /* Whole marks. */
  best_distance = nextafter (tolerance_px, G_MAXDOUBLE);
  for (guint i = 0; i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);

      consider (&best, &best_distance, NP_OVERLAY_MARK_MEASUREMENT, i, -1,
                polyline_distance (at, m->points, MIN (m->n_points, G_N_ELEMENTS (m->points)),
                                   FALSE));
    }
  if (plan->skin_kind != NP_SKIN_NONE && plan->skin_points->len >= 2)
    consider (&best, &best_distance, NP_OVERLAY_MARK_SKIN, 0, -1,
              polyline_distance (at, points_of (plan->skin_points), plan->skin_points->len,
                                 FALSE));
  if (best.mark == NP_OVERLAY_MARK_NONE)
    for (guint i = plan->structures->len; i-- > 0;)
      {
        double d = structure_body_distance (g_ptr_array_index (plan->structures, i), at);

        if (d <= tolerance_px)
          {
            best = (NpMarkHandle) { NP_OVERLAY_MARK_STRUCTURE, i, -1 };
            break;
          }
      }

  *handle = best;
  return best.mark != NP_OVERLAY_MARK_NONE;
}

static void
translate_points (GArray *points,
                  double  dx,
                  double  dy)
{
  for (guint i = 0; i < points->len; i++)
    {
      NpImagePoint *p = &g_array_index (points, NpImagePoint, i);

      p->x += dx;
      p->y += dy;
    }
}

/* Radii below this would make an ellipse vanish under the cursor. */
#define MIN_RADIUS_PX 0.5

static gboolean
move_structure (NpStructure *structure,
                int          point,
                double       dx,
                double       dy)
{
  NpImagePoint *p = (NpImagePoint *) structure->points->data;

  if (structure->shape == NP_SHAPE_ELLIPSE)
    {
      if (structure->points->len < 2)
        return FALSE;
      switch (point)
        {
        case -1:
        case NP_MARK_ELLIPSE_CENTRE:
          p[0].x += dx;
          p[0].y += dy;
          return TRUE;
        case NP_MARK_ELLIPSE_RADIUS_X:
          p[1].x = MAX (fabs (p[1].x + dx), MIN_RADIUS_PX);
          return TRUE;
        case NP_MARK_ELLIPSE_RADIUS_Y:
          p[1].y = MAX (fabs (p[1].y + dy), MIN_RADIUS_PX);
          return TRUE;
        default:
          return FALSE;
        }
    }
  if (point < 0)
    {
      translate_points (structure->points, dx, dy);
      return TRUE;
    }
  if ((guint) point >= structure->points->len)
    return FALSE;
  p[point].x += dx;
  p[point].y += dy;
  return TRUE;
}

/**
 * np_mark_handle_move:
 *
 * Moves @handle of @plan by (@dx, @dy) image pixels: one point, or the
 * whole mark for point -1. An ellipse's radius handles change its radii
 * (never below half a pixel) and keep its centre.
 *
 * Returns: %FALSE when the plan has no such handle (nothing changed)
 */
gboolean
np_mark_handle_move (NpPlan             *plan,
                     const NpMarkHandle *handle,
                     double              dx,
                     double              dy)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (handle != NULL, FALSE);

  switch (handle->mark)
    {
    case NP_OVERLAY_MARK_TARGET:
      if (!plan->has_target)
        return FALSE;
      plan->target.x += dx;
      plan->target.y += dy;
      return TRUE;
    case NP_OVERLAY_MARK_ENTRY:
      if (!plan->has_entry)
        return FALSE;
      plan->entry.x += dx;
      plan->entry.y += dy;
      return TRUE;
    case NP_OVERLAY_MARK_SKIN:
      if (handle->point < 0)
        {
          translate_points (plan->skin_points, dx, dy);
          return plan->skin_points->len > 0;
        }
      if ((guint) handle->point >= plan->skin_points->len)
        return FALSE;
      g_array_index (plan->skin_points, NpImagePoint, handle->point).x += dx;
      g_array_index (plan->skin_points, NpImagePoint, handle->point).y += dy;
      return TRUE;
    case NP_OVERLAY_MARK_STRUCTURE:
      if (handle->index >= plan->structures->len)
        return FALSE;
      return move_structure (g_ptr_array_index (plan->structures, handle->index),
                             handle->point, dx, dy);
    case NP_OVERLAY_MARK_MEASUREMENT:
      {
        NpMeasurement *m;

        if (handle->index >= plan->measurements->len)
          return FALSE;
        m = &g_array_index (plan->measurements, NpMeasurement, handle->index);
        for (guint k = 0; k < m->n_points && k < G_N_ELEMENTS (m->points); k++)
          if (handle->point < 0 || (guint) handle->point == k)
            {
              m->points[k].x += dx;
              m->points[k].y += dy;
            }
        return handle->point < 0 || (guint) handle->point < m->n_points;
      }
    case NP_OVERLAY_MARK_NONE:
    default:
      return FALSE;
    }
}

/**
 * np_mark_remove:
 *
 * Deletes a mark: the target or entry, the whole skin line (back to the
 * default), a structure or a measurement.
 *
 * Returns: %FALSE when there was no such mark
 */
gboolean
np_mark_remove (NpPlan        *plan,
                NpOverlayMark  mark,
                guint          index)
{
  g_return_val_if_fail (plan != NULL, FALSE);

  switch (mark)
    {
    case NP_OVERLAY_MARK_TARGET:
      if (!plan->has_target)
        return FALSE;
      plan->has_target = FALSE;
      return TRUE;
    case NP_OVERLAY_MARK_ENTRY:
      if (!plan->has_entry)
        return FALSE;
      plan->has_entry = FALSE;
      return TRUE;
    case NP_OVERLAY_MARK_SKIN:
      if (plan->skin_kind == NP_SKIN_NONE && plan->skin_points->len == 0)
        return FALSE;
      plan->skin_kind = NP_SKIN_NONE;
      g_array_set_size (plan->skin_points, 0);
      return TRUE;
    case NP_OVERLAY_MARK_STRUCTURE:
      if (index >= plan->structures->len)
        return FALSE;
      g_ptr_array_remove_index (plan->structures, index);
      return TRUE;
    case NP_OVERLAY_MARK_MEASUREMENT:
      if (index >= plan->measurements->len)
        return FALSE;
      g_array_remove_index (plan->measurements, index);
      return TRUE;
    case NP_OVERLAY_MARK_NONE:
    default:
      return FALSE;
    }
}

/**
 * np_mark_describe:
 *
 * Returns: what the mark is, in a few lower-case words for the undo list
 *   ("target", "skin line", "structure")
 */
const char *
np_mark_describe (const NpPlan  *plan,
                  NpOverlayMark  mark,
                  guint          index)
{
  g_return_val_if_fail (plan != NULL, NULL);

  switch (mark)
    {
    case NP_OVERLAY_MARK_TARGET:
      return "target";
    case NP_OVERLAY_MARK_ENTRY:
      return "entry";
    case NP_OVERLAY_MARK_SKIN:
      return _("skin line");
    case NP_OVERLAY_MARK_STRUCTURE:
      if (index < plan->structures->len)
        {
          const NpStructure *structure = g_ptr_array_index (plan->structures, index);

          if (structure->label != NULL && *structure->label != '\0')
            return structure->label;
        }
      return "structure";
    case NP_OVERLAY_MARK_MEASUREMENT:
      if (index < plan->measurements->len)
        switch (g_array_index (plan->measurements, NpMeasurement, index).kind)
          {
          case NP_MEASURE_DISTANCE:
            return "distance";
          case NP_MEASURE_ANGLE:
            return "angle";
          case NP_MEASURE_DEPTH:
            return _("depth probe");
          default:
            break;
          }
      return "measurement";
    case NP_OVERLAY_MARK_NONE:
    default:
      return "nothing";
    }
}

/* The point on the infinite line through @a and @b nearest @p. */
static NpImagePoint
project_on_line (NpImagePoint p,
                 NpImagePoint a,
                 NpImagePoint b)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double length2 = dx * dx + dy * dy;
  double t;

  if (length2 == 0)
    return a;
  t = ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2;
  return np_image_point (a.x + t * dx, a.y + t * dy);
}

static gboolean
snap_to_arc (const NpPlan *plan,
             NpImagePoint  point,
             NpImagePoint *on_skin)
{
  const NpCalibration *calibration = plan->calibration;
  const NpImagePoint *p = points_of (plan->skin_points);
  guint n = plan->skin_points->len;
  gboolean calibrated = np_calibration_is_calibrated (calibration);
  /* Fitted in millimetre proportions, as the planner does, so the arc is
   * the same circle with anisotropic pixels. */
  double sx = calibrated ? calibration->mm_per_px_x : 1.0;
  double sy = calibrated ? calibration->mm_per_px_y : 1.0;
  g_autoptr(GArray) scaled = g_array_sized_new (FALSE, FALSE, sizeof (NpImagePoint), n);
  g_autoptr(NpCircleFit) fit = NULL;
  NpImagePoint centre, q;
  double radius, a_first, a_last, a_point, span, offset;

  for (guint i = 0; i < n; i++)
    {
      NpImagePoint s = np_image_point (p[i].x * sx, p[i].y * sy);
      g_array_append_val (scaled, s);
    }
  fit = np_circle_fit (scaled, NULL);
  if (fit != NULL)
    {
      centre = fit->centre;
      radius = fit->radius_px;
    }
  else
    {
      NpMmPoint mm_points[3] = {
        np_mm_point (p[0].x * sx, p[0].y * sy),
        np_mm_point (p[n / 2].x * sx, p[n / 2].y * sy),
        np_mm_point (p[n - 1].x * sx, p[n - 1].y * sy),
      };
      NpMmPoint c;

      if (!np_geometry_circle_through_points (mm_points, 3, &c, &radius))
        return FALSE;
      centre = np_image_point (c.x, c.y);
    }

  q = np_image_point (point.x * sx, point.y * sy);
  a_first = atan2 (p[0].y * sy - centre.y, p[0].x * sx - centre.x);
  a_last = atan2 (p[n - 1].y * sy - centre.y, p[n - 1].x * sx - centre.x);
  a_point = atan2 (q.y - centre.y, q.x - centre.x);
  /* Angles measured from the first end towards the last, the short way. */
  span = remainder (a_last - a_first, 2 * G_PI);
  offset = remainder (a_point - a_first, 2 * G_PI);
  if (span < 0)
    {
      span = -span;
      offset = -offset;
    }
  if (offset >= 0 && offset <= span)
    {
      double d = hypot (q.x - centre.x, q.y - centre.y);

      if (d == 0)
        return FALSE;
      *on_skin = np_image_point ((centre.x + (q.x - centre.x) * radius / d) / sx,
                                 (centre.y + (q.y - centre.y) * radius / d) / sy);
      return TRUE;
    }
  /* Beside the probe the skin runs on along the line through the arc's ends. */
  *on_skin = project_on_line (point, p[0], p[n - 1]);
  return TRUE;
}

/**
 * np_mark_snap_to_skin:
 * @on_skin: (out): the point of the skin line nearest @point
 *
 * Puts a clicked entry on the skin line the planner uses (docs/planner.md):
 * a marked polyline with its end segments extended, a marked arc and beside
 * it the line through its ends, or for an unmarked linear ultrasound frame
 * the top edge. Fluoroscopy has no skin line in one view.
 *
 * Returns: %FALSE when the plan has no skin line to snap to
 */
gboolean
np_mark_snap_to_skin (const NpPlan *plan,
                      NpImagePoint  point,
                      NpImagePoint *on_skin)
{
  const NpImagePoint *p;
  guint n;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (on_skin != NULL, FALSE);

  if (plan->modality != NP_MODALITY_ULTRASOUND)
    return FALSE;
  p = points_of (plan->skin_points);
  n = plan->skin_points->len;

  if (plan->skin_kind == NP_SKIN_ARC && n >= 3)
    return snap_to_arc (plan, point, on_skin);
  if (plan->skin_kind == NP_SKIN_POLYLINE && n >= 2)
    {
      g_autofree NpMmPoint *line = g_new (NpMmPoint, n);
      NpMmPoint closest;

      for (guint i = 0; i < n; i++)
        line[i] = plane (p[i]);
      np_geometry_polyline_closest (plane (point), line, n, TRUE, &closest, NULL, NULL);
      *on_skin = np_image_point (closest.x, closest.y);
      return TRUE;
    }
  /* The planner takes the top edge for any probe but a curvilinear one
   * (np-planner-space.c), so the entry snaps to what it measures from. */
  if (plan->skin_kind == NP_SKIN_NONE && plan->probe != NP_PROBE_CURVILINEAR)
    {
      *on_skin = np_image_point (point.x, 0.0);
      return TRUE;
    }
  return FALSE;
}
