/* np-mark-editor-draw.c: what NpMarkEditor draws above the overlay: clicked
 * points, the rubber band, a Shift-drag ellipse and the calibration clicks
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-mark-editor"

#include "np-mark-editor-private.h"

#include <math.h>

static void
halo_stroke (cairo_t *cr,
             double   r,
             double   g,
             double   b,
             double   width)
{
  cairo_save (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
  cairo_set_line_width (cr, width * 2.5);
  cairo_stroke_preserve (cr);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, r, g, b);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

static void
dot (cairo_t      *cr,
     NpImagePoint  p,
     double        radius,
     double        r,
     double        g,
     double        b)
{
  cairo_new_path (cr);
  cairo_arc (cr, p.x, p.y, radius, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
  cairo_fill_preserve (cr);
  cairo_new_path (cr);
  cairo_arc (cr, p.x, p.y, radius * 0.65, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, r, g, b);
  cairo_fill (cr);
}

/* Text at (x, y) (its baseline's start), moved inside the frame so that no
 * label is cut at the canvas edge. */
static void
label_inside (NpMarkEditor *self,
              cairo_t      *cr,
              double        x,
              double        y,
              const char   *text,
              double        u,
              double        r,
              double        g,
              double        b)
{
  NpFrame *frame = np_canvas_get_frame (self->canvas);
  cairo_text_extents_t extents;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 12 * u);
  cairo_text_extents (cr, text, &extents);
  if (frame != NULL)
    {
      double width = np_frame_get_width (frame), height = np_frame_get_height (frame);

      x = CLAMP (x, 2 * u - extents.x_bearing,
                 MAX (2 * u, width - extents.x_advance - 2 * u));
      y = CLAMP (y, 2 * u - extents.y_bearing,
                 MAX (-extents.y_bearing, height - (extents.height + extents.y_bearing) - 2 * u));
    }
  cairo_new_path (cr);
  cairo_move_to (cr, x, y);
  cairo_text_path (cr, text);
  halo_stroke (cr, r, g, b, 0.01 * u);
  cairo_move_to (cr, x, y);
  cairo_set_source_rgb (cr, r, g, b);
  cairo_show_text (cr, text);
}

/* The calibration's fit over its clicks: for a depth scale, the scale line
 * with a bar at every fitted tick position and each click joined to its
 * tick's fitted position, labelled with the residual (flagged ticks in
 * vermillion); for a sphere, the fitted circle and each click's distance
 * to it. */
static void
draw_calibration_fit (NpMarkEditor *self,
                      cairo_t      *cr,
                      double        u)
{
  const double fit_r = 0.337, fit_g = 0.706, fit_b = 0.914;   /* sky blue */
  const double bad_r = 0.835, bad_g = 0.369, bad_b = 0.0;     /* vermillion */
  const double dashes[] = { 5 * u, 3 * u };

  if (self->calibration_circle != NULL)
    {
      const NpCircleFit *c = self->calibration_circle;

      cairo_new_path (cr);
      cairo_arc (cr, c->centre.x, c->centre.y, c->radius_px, 0, 2 * G_PI);
      cairo_set_dash (cr, dashes, 2, 0);
      halo_stroke (cr, fit_r, fit_g, fit_b, 1.5 * u);
      cairo_set_dash (cr, NULL, 0, 0);
      for (guint i = 0; i < self->calibration_points->len && c->residuals_px != NULL
                        && i < c->residuals_px->len; i++)
        {
          NpImagePoint p = g_array_index (self->calibration_points, NpImagePoint, i);
          double d = hypot (p.x - c->centre.x, p.y - c->centre.y);
          double residual = g_array_index (c->residuals_px, double, i);
          /* A residual at rounding level reads 0, not −0.00. */
          g_autofree char *text = g_strdup_printf ("%+.2f px",
                                                   fabs (residual) < 0.005 ? 0.0 : residual);
          NpImagePoint on;

          if (d <= 0)
            continue;
          on = np_image_point (c->centre.x + (p.x - c->centre.x) * c->radius_px / d,
                               c->centre.y + (p.y - c->centre.y) * c->radius_px / d);
          cairo_new_path (cr);
          cairo_move_to (cr, p.x, p.y);
          cairo_line_to (cr, on.x, on.y);
          halo_stroke (cr, fit_r, fit_g, fit_b, 1.5 * u);
          label_inside (self, cr, p.x + 9 * u, p.y + 14 * u, text, u, fit_r, fit_g, fit_b);
        }
    }

  if (self->calibration_ticks != NULL && self->calibration_ticks->ticks->len > 0
      && self->calibration_ticks->mm_per_px > 0)
    {
      const NpTickFit *fit = self->calibration_ticks;
      const NpTick *first = &g_array_index (fit->ticks, NpTick, 0);
      double dx = fit->direction_x, dy = fit->direction_y;
      /* The scale's origin: where position 0 lies, on the first tick. */
      NpImagePoint origin = np_image_point (first->point.x - dx * first->position_px,
                                            first->point.y - dy * first->position_px);
      int lo = G_MAXINT, hi = G_MININT;
      double arm = 8 * u;

      for (guint i = 0; i < fit->ticks->len; i++)
        {
          const NpTick *t = &g_array_index (fit->ticks, NpTick, i);

          lo = MIN (lo, t->tick_index);
          hi = MAX (hi, t->tick_index);
        }
      /* The fitted scale, tick lo to tick hi, with a bar at each tick. */
      {
        double a = (lo * fit->spacing_mm - fit->intercept_mm) / fit->mm_per_px;
        double z = (hi * fit->spacing_mm - fit->intercept_mm) / fit->mm_per_px;

        cairo_new_path (cr);
        cairo_move_to (cr, origin.x + dx * a, origin.y + dy * a);
        cairo_line_to (cr, origin.x + dx * z, origin.y + dy * z);
        cairo_set_dash (cr, dashes, 2, 0);
        halo_stroke (cr, fit_r, fit_g, fit_b, 1.5 * u);
        cairo_set_dash (cr, NULL, 0, 0);
      }
      for (int k = lo; k <= hi && hi - lo < 1000; k++)
        {
          double s = (k * fit->spacing_mm - fit->intercept_mm) / fit->mm_per_px;
          NpImagePoint q = np_image_point (origin.x + dx * s, origin.y + dy * s);

          cairo_new_path (cr);
          cairo_move_to (cr, q.x + dy * arm, q.y - dx * arm);
          cairo_line_to (cr, q.x - dy * arm, q.y + dx * arm);
          halo_stroke (cr, fit_r, fit_g, fit_b, 1.5 * u);
        }
      for (guint i = 0; i < fit->ticks->len; i++)
        {
          const NpTick *t = &g_array_index (fit->ticks, NpTick, i);
          double s = (t->tick_index * fit->spacing_mm - fit->intercept_mm) / fit->mm_per_px;
          NpImagePoint q = np_image_point (origin.x + dx * s, origin.y + dy * s);
          gboolean used = t->status == NP_TICK_USED;
          g_autofree char *text = used
            ? g_strdup_printf ("%+.2f mm", fabs (t->residual_mm) < 0.005 ? 0.0 : t->residual_mm)
            : g_strdup_printf ("%u: %s", t->click_index + 1, np_tick_status_to_string (t->status));

          cairo_new_path (cr);
          cairo_move_to (cr, t->point.x, t->point.y);
          cairo_line_to (cr, q.x, q.y);
          halo_stroke (cr, used ? fit_r : bad_r, used ? fit_g : bad_g, used ? fit_b : bad_b,
                       1.5 * u);
          label_inside (self, cr, t->point.x + 9 * u, t->point.y + 14 * u, text, u,
                        used ? fit_r : bad_r, used ? fit_g : bad_g, used ? fit_b : bad_b);
        }
    }
}

/* Okabe–Ito, as the overlay: sky blue for the skin, vermillion for
 * structures, yellow for measurements and calibration clicks. */
static void
draft_color (NpMarkEditor *self,
             double       *r,
             double       *g,
             double       *b)
{
  switch (self->tool)
    {
    case NP_TOOL_SKIN:
      *r = 0.337, *g = 0.706, *b = 0.914;
      break;
    case NP_TOOL_STRUCTURE:
      *r = 0.835, *g = 0.369, *b = 0.000;
      break;
    default:
      *r = 0.941, *g = 0.894, *b = 0.259;
      break;
    }
}

/**
 * np_mark_editor_draw:
 *
 * Draws what is being drawn and not yet a mark of the plan (clicked points,
 * the rubber band to the pointer, a Shift-drag ellipse, the calibration
 * window's clicks), above the plan's overlay. @cr is in image pixels.
 */
void
np_mark_editor_draw (NpMarkEditor *self,
                     cairo_t      *cr,
                     double        zoom_factor)
{
  double u = 1.0 / zoom_factor;
  double r, g, b;
  const NpImagePoint *p = (const NpImagePoint *) self->draft->data;
  guint n = self->draft->len;

  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  draft_color (self, &r, &g, &b);

  /* Redactions show on screen only (the export burns them in when it
   * anonymises): a dark veil, so the text under them stays checkable. */
  {
    const GArray *redactions = np_document_get_plan (self->document)->redactions;
    double dashes[] = { 4 * u, 3 * u };

    for (guint i = 0; redactions != NULL && i < redactions->len; i++)
      {
        const NpImageRect *rect = &g_array_index (redactions, NpImageRect, i);

        cairo_rectangle (cr, rect->x, rect->y, rect->width, rect->height);
        cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
        cairo_fill_preserve (cr);
        cairo_set_dash (cr, dashes, 2, 0);
        cairo_set_line_width (cr, 1.5 * u);
        cairo_set_source_rgb (cr, 1, 1, 1);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
      }
  }
  if (self->redact_draft)
    {
      double dashes[] = { 4 * u, 3 * u };

      cairo_rectangle (cr, MIN (self->ellipse_a.x, self->ellipse_b.x),
                       MIN (self->ellipse_a.y, self->ellipse_b.y),
                       fabs (self->ellipse_b.x - self->ellipse_a.x),
                       fabs (self->ellipse_b.y - self->ellipse_a.y));
      cairo_set_dash (cr, dashes, 2, 0);
      halo_stroke (cr, 1, 1, 1, 1.5 * u);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  if (self->ellipse_draft)
    {
      double cx = (self->ellipse_a.x + self->ellipse_b.x) / 2;
      double cy = (self->ellipse_a.y + self->ellipse_b.y) / 2;
      double rx = MAX (fabs (self->ellipse_b.x - self->ellipse_a.x) / 2, u);
      double ry = MAX (fabs (self->ellipse_b.y - self->ellipse_a.y) / 2, u);

      cairo_new_path (cr);
      cairo_save (cr);
      cairo_translate (cr, cx, cy);
      cairo_scale (cr, rx, ry);
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_restore (cr);
      halo_stroke (cr, r, g, b, 2 * u);
    }

  if (n > 0)
    {
      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        cairo_line_to (cr, p[i].x, p[i].y);
      if (self->awaiting_details && self->tool == NP_TOOL_STRUCTURE && n >= 3)
        cairo_close_path (cr);
      else if (self->pointer_inside && !self->awaiting_details)
        cairo_line_to (cr, self->pointer.x, self->pointer.y);
      if (n > 1 || self->pointer_inside)
        {
          double dashes[] = { 6 * u, 4 * u };

          cairo_set_dash (cr, dashes, 2, 0);
          halo_stroke (cr, r, g, b, 2 * u);
          cairo_set_dash (cr, NULL, 0, 0);
        }
      for (guint i = 0; i < n; i++)
        dot (cr, p[i], (i == 0 && self->tool == NP_TOOL_STRUCTURE && n >= 3 ? 7 : 5) * u,
             r, g, b);
    }

  /* The keyboard cursor: a white crosshair with a gap at its point. */
  if (self->key_cursor_shown && self->tool != NP_TOOL_PAN)
    {
      NpImagePoint k = self->key_cursor;
      double gap = 3 * u, arm = 12 * u;

      cairo_new_path (cr);
      cairo_move_to (cr, k.x - arm, k.y);
      cairo_line_to (cr, k.x - gap, k.y);
      cairo_move_to (cr, k.x + gap, k.y);
      cairo_line_to (cr, k.x + arm, k.y);
      cairo_move_to (cr, k.x, k.y - arm);
      cairo_line_to (cr, k.x, k.y - gap);
      cairo_move_to (cr, k.x, k.y + gap);
      cairo_line_to (cr, k.x, k.y + arm);
      halo_stroke (cr, 1, 1, 1, 1.5 * u);
    }

  if (self->calibration_points != NULL && self->calibration_points->len > 0)
    {
      const NpImagePoint *c = (const NpImagePoint *) self->calibration_points->data;
      guint count = self->calibration_points->len;

      if (self->calibration_joined && count >= 2)
        {
          cairo_new_path (cr);
          for (guint i = 0; i < count; i++)
            cairo_line_to (cr, c[i].x, c[i].y);
          halo_stroke (cr, 0.941, 0.894, 0.259, 1.5 * u);
        }
      draw_calibration_fit (self, cr, u);
      for (guint i = 0; i < count; i++)
        {
          g_autofree char *label = g_strdup_printf ("%u", i + 1);
          double arm = 7 * u;

          cairo_new_path (cr);
          cairo_move_to (cr, c[i].x - arm, c[i].y);
          cairo_line_to (cr, c[i].x + arm, c[i].y);
          cairo_move_to (cr, c[i].x, c[i].y - arm);
          cairo_line_to (cr, c[i].x, c[i].y + arm);
          halo_stroke (cr, 0.941, 0.894, 0.259, 1.5 * u);

          label_inside (self, cr, c[i].x + 9 * u, c[i].y - 5 * u, label, u,
                        0.941, 0.894, 0.259);
        }
    }
  cairo_restore (cr);
}
