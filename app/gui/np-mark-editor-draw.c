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

          cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
          cairo_set_font_size (cr, 12 * u);
          cairo_move_to (cr, c[i].x + 9 * u, c[i].y - 5 * u);
          cairo_text_path (cr, label);
          halo_stroke (cr, 0.941, 0.894, 0.259, 0.01 * u);
          cairo_move_to (cr, c[i].x + 9 * u, c[i].y - 5 * u);
          cairo_set_source_rgb (cr, 0.941, 0.894, 0.259);
          cairo_show_text (cr, label);
        }
    }
  cairo_restore (cr);
}
