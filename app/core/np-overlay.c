/* np-overlay.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-overlay.h"

#include <glib/gi18n-lib.h>

#include "np-circle-fit.h"

#include <math.h>
#include <string.h>

/* Okabe–Ito colours: distinguishable with every common colour-vision
 * deficiency, and each drawn with a dark halo so it reads on bright bone and
 * on black fluid alike. */
typedef struct { double r, g, b; } Rgb;

static const Rgb COLOR_PATH = { 0.941, 0.894, 0.259 };      /* yellow */
static const Rgb COLOR_TARGET = { 0.902, 0.624, 0.000 };    /* orange */
static const Rgb COLOR_ENTRY = { 0.337, 0.706, 0.914 };     /* sky blue */
static const Rgb COLOR_SKIN = { 0.337, 0.706, 0.914 };
static const Rgb COLOR_DANGER = { 0.835, 0.369, 0.000 };    /* vermillion */
/* Not an Okabe–Ito colour: the eight are taken by marks and structures, and
 * the answer must not read as a tendon (np-overlay.h). */
static const Rgb COLOR_EXPERT = { NP_OVERLAY_EXPERT_R / 255.0, NP_OVERLAY_EXPERT_G / 255.0,
                                  NP_OVERLAY_EXPERT_B / 255.0 };  /* light violet */
static const Rgb COLOR_TEXT = { 1.000, 1.000, 1.000 };
static const Rgb COLOR_HALO = { 0.000, 0.000, 0.000 };
static const Rgb COLOR_KIND[] = {
  [NP_STRUCTURE_VESSEL] = { 0.835, 0.369, 0.000 },          /* vermillion */
  [NP_STRUCTURE_NERVE] = { 0.800, 0.475, 0.655 },           /* reddish purple */
  [NP_STRUCTURE_TENDON] = { 0.000, 0.620, 0.451 },          /* bluish green */
  [NP_STRUCTURE_BONE] = { 0.900, 0.880, 0.800 },            /* ivory */
  [NP_STRUCTURE_CARTILAGE] = { 0.450, 0.650, 1.000 },       /* light blue */
  [NP_STRUCTURE_OTHER] = { 0.700, 0.700, 0.700 },
};

typedef struct
{
  cairo_t *cr;
  const NpPlan *plan;
  const NpPlanResults *results;
  const NpOverlayOptions *options;
  double u;                 /* one screen pixel in image pixels */
  gboolean expert;
  gboolean trainee;         /* labels name the marks the trainee's */
  gboolean calibrated;
  double sx, sy;            /* mm per px, y scaled for the tissue speed of sound */
  GArray *labels;           /* cairo_rectangle_t: where labels stand so far */
} Ctx;

/* Scanners burn the probe, depth and gain into a bright band at the top of
 * the frame; 8 % of the height covers it on the frames we have seen (about
 * 48 px of the Philips 800 × 600 frame). */
#define NP_OVERLAY_TEXT_BAND_FRACTION 0.08

typedef enum
{
  LABEL_MOVABLE,            /* moves up or down a line to stay clear of earlier labels */
  LABEL_OPTIONAL,           /* a path tick's number: left out rather than moved off its tick */
} LabelKind;

static void
set_rgb (Ctx       *ctx,
         const Rgb *color,
         double     alpha)
{
  cairo_set_source_rgba (ctx->cr, color->r, color->g, color->b, alpha);
}

static const Rgb *
plan_color (Ctx       *ctx,
            const Rgb *color)
{
  return ctx->expert ? &COLOR_EXPERT : color;
}

/* Strokes the current path with a dark halo under the colour. */
static void
stroke_halo (Ctx       *ctx,
             const Rgb *color,
             double     width)
{
  cairo_t *cr = ctx->cr;

  cairo_set_line_width (cr, width + 2.0 * ctx->u);
  set_rgb (ctx, &COLOR_HALO, 0.65);
  cairo_stroke_preserve (cr);
  cairo_set_line_width (cr, width);
  set_rgb (ctx, color, 1.0);
  cairo_stroke (cr);
}

static void
set_dash (Ctx    *ctx,
          double  on,
          double  off)
{
  double dashes[2] = { on * ctx->u, off * ctx->u };
  cairo_set_dash (ctx->cr, dashes, 2, 0);
}

/* PDF, PostScript and SVG keep text outlines as curves; everything else
 * (the screen, PNG export) ends up as pixels. */
static gboolean
is_vector_target (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_SCRIPT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The halo as eight copies of the glyphs shifted by its half width, in one
 * call. Cairo 1.16 strokes glyph outlines slowly (about 0.4 ms a label on a
 * 1920 × 1080 frame, most of a drag step's 2 ms when a plan shows a dozen
 * labels) but draws glyphs from its cache; this looks the same at 0.5 alpha
 * per copy, where three or more copies overlap to the stroked halo's 0.85. */
static void
show_glyphs_with_halo (Ctx        *ctx,
                       double      x,
                       double      y,
                       const char *text,
                       const Rgb  *color,
                       double      half_width)
{
  cairo_t *cr = ctx->cr;
  cairo_glyph_t *glyphs = NULL;
  g_autofree cairo_glyph_t *halo = NULL;
  int n_glyphs = 0;

  if (cairo_scaled_font_text_to_glyphs (cairo_get_scaled_font (cr), x, y, text, -1, &glyphs,
                                        &n_glyphs, NULL, NULL, NULL) != CAIRO_STATUS_SUCCESS)
    return;
  halo = g_new (cairo_glyph_t, 8 * (gsize) n_glyphs);
  for (guint k = 0; k < 8; k++)
    {
      double dx = half_width * cos (k * G_PI / 4), dy = half_width * sin (k * G_PI / 4);

      for (int i = 0; i < n_glyphs; i++)
        {
          halo[k * n_glyphs + i] = glyphs[i];
          halo[k * n_glyphs + i].x += dx;
          halo[k * n_glyphs + i].y += dy;
        }
    }
  set_rgb (ctx, &COLOR_HALO, 0.5);
  cairo_show_glyphs (cr, halo, 8 * n_glyphs);
  set_rgb (ctx, color, 1.0);
  cairo_show_glyphs (cr, glyphs, n_glyphs);
  cairo_glyph_free (glyphs);
}

/* Text centred (align 0.5), left (0) or right (1) of x, baseline-centred on
 * y, with a halo. */
/* Every label's face: bold sans at @size screen pixels. */
static void
set_label_font (Ctx    *ctx,
                double  size)
{
  cairo_select_font_face (ctx->cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (ctx->cr, size * ctx->u);
}

static void
draw_text (Ctx        *ctx,
           double      x,
           double      y,
           double      align,
           const char *text,
           const Rgb  *color,
           double      size)
{
  cairo_t *cr = ctx->cr;
  cairo_text_extents_t extents;
  double origin_x, origin_y;

  cairo_save (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  set_label_font (ctx, size);
  cairo_text_extents (cr, text, &extents);
  origin_x = x - extents.x_bearing - align * extents.width;
  origin_y = y - extents.y_bearing - extents.height / 2.0;
  if (!is_vector_target (cr))
    {
      show_glyphs_with_halo (ctx, origin_x, origin_y, text, color, 1.75 * ctx->u);
      cairo_restore (cr);
      return;
    }
  cairo_move_to (cr, origin_x, origin_y);
  cairo_text_path (cr, text);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 3.5 * ctx->u);
  set_rgb (ctx, &COLOR_HALO, 0.85);
  cairo_stroke_preserve (cr);
  set_rgb (ctx, color, 1.0);
  cairo_fill (cr);
  cairo_restore (cr);
}

static gboolean
label_overlaps (Ctx                     *ctx,
                const cairo_rectangle_t *box)
{
  for (guint i = 0; i < ctx->labels->len; i++)
    {
      const cairo_rectangle_t *other = &g_array_index (ctx->labels, cairo_rectangle_t, i);

      if (box->x < other->x + other->width && other->x < box->x + box->width
          && box->y < other->y + other->height && other->y < box->y + box->height)
        return TRUE;
    }
  return FALSE;
}

/* @start moved so that [start, start + size] lies in [lo, hi] where it
 * fits; an unknown frame size (hi ≤ lo) leaves it alone. */
static double
keep_inside (double start,
             double size,
             double lo,
             double hi)
{
  if (hi <= lo || size > hi - lo)
    return start;
  return CLAMP (start, lo, hi - size);
}

/* Top of a label box of @height asked at @top: inside the frame, and below
 * the burned-in text band where the frame has room for it there. */
static double
label_top (Ctx    *ctx,
           double  top,
           double  height)
{
  double frame = ctx->options->image_height;
  double band = ctx->options->text_band_height;

  if (band > 0 && (frame <= 0 || band + height <= frame))
    top = MAX (top, band);
  return keep_inside (top, height, 0, frame);
}

/* draw_text for a label among others: two labels never cover each other
 * (a clinician must read both). A movable label tries a line up, a line
 * down, then two, then three; where all are taken it stays where it was
 * asked to be. */
static void
draw_label (Ctx        *ctx,
            double      x,
            double      y,
            double      align,
            const char *text,
            const Rgb  *color,
            double      size,
            LabelKind   kind)
{
  static const int steps[] = { 0, -1, 1, -2, 2, -3, 3 };
  cairo_t *cr = ctx->cr;
  cairo_text_extents_t extents;
  double pad = 2 * ctx->u;
  cairo_rectangle_t box;
  double step, top;
  gboolean placed = FALSE;

  cairo_save (cr);
  set_label_font (ctx, size);
  cairo_text_extents (cr, text, &extents);
  cairo_restore (cr);

  /* The ink box draw_text fills, with room for the halo. */
  box.x = x - align * extents.width - pad;
  box.width = extents.width + 2 * pad;
  box.height = extents.height + 2 * pad;
  box.x = keep_inside (box.x, box.width, 0, ctx->options->image_width);
  step = box.height + ctx->u;
  /* Lines up and down are counted from where the frame lets the label
   * stand (below the text band, inside the image), so a label pushed down
   * there still has its alternatives. */
  top = label_top (ctx, y - extents.height / 2 - pad, box.height);
  for (guint i = 0; i < (kind == LABEL_MOVABLE ? G_N_ELEMENTS (steps) : 1) && !placed; i++)
    {
      box.y = label_top (ctx, top + steps[i] * step, box.height);
      placed = !label_overlaps (ctx, &box);
    }
  if (!placed)
    {
      if (kind == LABEL_OPTIONAL)
        return;
      box.y = top;
    }
  g_array_append_val (ctx->labels, box);
  draw_text (ctx, box.x + pad + align * extents.width, box.y + pad + extents.height / 2, align,
             text, color, size);
}

static char *
format_length (Ctx    *ctx,
               double  value)
{
  if (ctx->calibrated)
    return g_strdup_printf ("%.1f mm", value);
  return g_strdup_printf ("%.0f px", value);
}

static gboolean
point_is_finite (NpImagePoint p)
{
  return isfinite (p.x) && isfinite (p.y);
}

/* Adds the outline of @structure to the path, in image space, or in mm
 * space when @mm is TRUE (the CTM must then map mm to image px). */
static void
structure_path (Ctx               *ctx,
                const NpStructure *structure,
                gboolean           mm)
{
  cairo_t *cr = ctx->cr;
  const NpImagePoint *p = (const NpImagePoint *) structure->points->data;
  guint n = structure->points->len;
  double fx = mm ? ctx->sx : 1.0;
  double fy = mm ? ctx->sy : 1.0;

  cairo_new_path (cr);
  if (structure->shape == NP_SHAPE_ELLIPSE)
    {
      if (n < 2 || p[1].x <= 0 || p[1].y <= 0)
        return;
      cairo_save (cr);
      cairo_translate (cr, p[0].x * fx, p[0].y * fy);
      cairo_scale (cr, p[1].x * fx, p[1].y * fy);
      cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
      cairo_restore (cr);
      cairo_close_path (cr);
      return;
    }

  for (guint i = 0; i < n; i++)
    cairo_line_to (cr, p[i].x * fx, p[i].y * fy);
  if (structure->shape == NP_SHAPE_POLYGON && n > 2)
    cairo_close_path (cr);
}

/* The planner checks only structures with an outline (an ellipse needs its
 * centre and radii, any other shape a point), and lists their clearances in
 * order: structure @index's entry is the count of checked ones before it. */
static gboolean
structure_is_checked (const NpStructure *structure)
{
  guint n = structure->points != NULL ? structure->points->len : 0;

  return structure->shape == NP_SHAPE_ELLIPSE ? n >= 2 : n >= 1;
}

/* The path crosses the structure or enters its margin. */
static gboolean
structure_is_crossed (Ctx  *ctx,
                      guint index)
{
  const NpStructureClearance *c;
  guint k = 0;

  if (ctx->results == NULL || ctx->results->clearances == NULL
      || !structure_is_checked (g_ptr_array_index (ctx->plan->structures, index)))
    return FALSE;
  for (guint i = 0; i < index; i++)
    k += structure_is_checked (g_ptr_array_index (ctx->plan->structures, i));
  if (k >= ctx->results->clearances->len)
    return FALSE;
  c = &g_array_index (ctx->results->clearances, NpStructureClearance, k);
  return c->entered || c->within_margin;
}

static NpImagePoint
structure_label_anchor (const NpStructure *structure)
{
  const NpImagePoint *p = (const NpImagePoint *) structure->points->data;
  NpImagePoint anchor = p[0];

  if (structure->shape == NP_SHAPE_ELLIPSE && structure->points->len >= 2)
    {
      anchor.y = p[0].y - p[1].y;
      return anchor;
    }
  /* Topmost point: labels above the outline stay clear of the path below. */
  for (guint i = 1; i < structure->points->len; i++)
    if (p[i].y < anchor.y)
      anchor = p[i];
  return anchor;
}

static void
draw_structures (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;

  for (guint i = 0; i < ctx->plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (ctx->plan->structures, i);
      const Rgb *color = plan_color (ctx, &COLOR_KIND[MIN (structure->kind, NP_STRUCTURE_OTHER)]);
      gboolean crossed = structure_is_crossed (ctx, i);
      gboolean selected = ctx->options->selected == NP_OVERLAY_MARK_STRUCTURE
                          && ctx->options->selected_index == i;

      if (structure->points->len == 0)
        continue;

      /* The margin band is drawn in millimetre space so that it is exact
       * for anisotropic pixels; without a calibration a margin in mm has
       * no size on the image and is not drawn. */
      if (ctx->calibrated && structure->margin_mm > 0)
        {
          cairo_save (cr);
          cairo_scale (cr, 1.0 / ctx->sx, 1.0 / ctx->sy);
          structure_path (ctx, structure, TRUE);
          cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_set_line_width (cr, 2.0 * structure->margin_mm);
          set_rgb (ctx, crossed ? &COLOR_DANGER : color, crossed ? 0.35 : 0.18);
          cairo_stroke (cr);
          cairo_restore (cr);
        }

      /* A crossed structure (or one whose margin the path enters) is drawn
       * in the warning colour, outline, fill and label, not only named in
       * the panel. */
      if (crossed)
        color = &COLOR_DANGER;
      structure_path (ctx, structure, FALSE);
      if (structure->shape != NP_SHAPE_POLYLINE)
        {
          set_rgb (ctx, color, crossed ? 0.32 : 0.22);
          cairo_fill_preserve (cr);
        }
      if (ctx->expert)
        set_dash (ctx, 6, 4);
      stroke_halo (ctx, crossed ? &COLOR_DANGER : color,
                   (selected ? 3.5 : crossed ? 3.0 : 2.0) * ctx->u);
      cairo_set_dash (cr, NULL, 0, 0);

      if (selected && structure->shape != NP_SHAPE_ELLIPSE)
        {
          const NpImagePoint *p = (const NpImagePoint *) structure->points->data;
          for (guint k = 0; k < structure->points->len; k++)
            {
              cairo_new_path (cr);
              cairo_arc (cr, p[k].x, p[k].y, 4 * ctx->u, 0, 2 * G_PI);
              set_rgb (ctx, color, 1.0);
              cairo_fill (cr);
            }
        }

      if (ctx->options->show_labels && structure->label != NULL && *structure->label != '\0')
        {
          NpImagePoint anchor = structure_label_anchor (structure);
          draw_label (ctx, anchor.x, anchor.y - 10 * ctx->u, 0.5, structure->label, color, 12,
                      LABEL_MOVABLE);
        }
    }
}

/* The skin as drawn and its tangent at @at (image space, unit length). */
static gboolean
skin_circle (Ctx          *ctx,
             NpImagePoint *centre,
             double       *radius)
{
  g_autoptr(NpCircleFit) fit = NULL;

  if (ctx->plan->skin_kind != NP_SKIN_ARC || ctx->plan->skin_points->len < 3)
    return FALSE;
  fit = np_circle_fit (ctx->plan->skin_points, NULL);
  if (fit == NULL)
    return FALSE;
  *centre = fit->centre;
  *radius = fit->radius_px;
  return TRUE;
}

static void
draw_skin (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  const GArray *points = ctx->plan->skin_points;
  const NpImagePoint *p = (const NpImagePoint *) points->data;
  NpImagePoint centre;
  double radius;

  cairo_new_path (cr);
  if (skin_circle (ctx, &centre, &radius))
    {
      double a0 = G_MAXDOUBLE, a1 = -G_MAXDOUBLE;
      for (guint i = 0; i < points->len; i++)
        {
          double a = atan2 (p[i].y - centre.y, p[i].x - centre.x);
          a0 = MIN (a0, a);
          a1 = MAX (a1, a);
        }
      cairo_arc (cr, centre.x, centre.y, radius, a0, a1);
      /* An entry beside the probe: the skin runs on straight through the
       * arc's two ends, and the angle and depths are taken to that line, so
       * it is drawn from the arc's end to the entry. */
      if (ctx->plan->has_entry && point_is_finite (ctx->plan->entry))
        {
          NpImagePoint e0 = { centre.x + radius * cos (a0), centre.y + radius * sin (a0) };
          NpImagePoint e1 = { centre.x + radius * cos (a1), centre.y + radius * sin (a1) };
          double dx = e1.x - e0.x, dy = e1.y - e0.y, len2 = dx * dx + dy * dy;
          double t = len2 > 0 ? ((ctx->plan->entry.x - e0.x) * dx
                                 + (ctx->plan->entry.y - e0.y) * dy) / len2 : 0.5;

          if (t < 0 || t > 1)
            {
              NpImagePoint end = t < 0 ? e0 : e1;

              cairo_move_to (cr, end.x, end.y);
              cairo_line_to (cr, e0.x + t * dx, e0.y + t * dy);
            }
        }
    }
  else if (ctx->plan->skin_kind == NP_SKIN_POLYLINE && points->len >= 2)
    {
      for (guint i = 0; i < points->len; i++)
        cairo_line_to (cr, p[i].x, p[i].y);
    }
  else
    return; /* the default skin (top edge) is the image border itself */

  set_dash (ctx, 8, 5);
  stroke_halo (ctx, plan_color (ctx, &COLOR_SKIN), 2.0 * ctx->u);
  cairo_set_dash (cr, NULL, 0, 0);

  if (ctx->options->selected == NP_OVERLAY_MARK_SKIN)
    for (guint i = 0; i < points->len; i++)
      {
        cairo_new_path (cr);
        cairo_arc (cr, p[i].x, p[i].y, 4 * ctx->u, 0, 2 * G_PI);
        set_rgb (ctx, &COLOR_SKIN, 1.0);
        cairo_fill (cr);
      }
}

static void
draw_target_region (Ctx *ctx)
{
  const GArray *region = ctx->plan->target_region;
  const NpImagePoint *p = (const NpImagePoint *) region->data;

  if (region->len < 3)
    return;
  cairo_new_path (ctx->cr);
  for (guint i = 0; i < region->len; i++)
    cairo_line_to (ctx->cr, p[i].x, p[i].y);
  cairo_close_path (ctx->cr);
  if (ctx->expert)
    {
      /* Hatched, not tinted: a tint reads like a structure's fill, a hatch
       * stays the answer's in grey print too. */
      double x0, y0, x1, y1, step = 6 * ctx->u;

      cairo_save (ctx->cr);
      cairo_clip_preserve (ctx->cr);
      cairo_path_extents (ctx->cr, &x0, &y0, &x1, &y1);
      cairo_new_path (ctx->cr);
      for (double d = x0 - (y1 - y0); d < x1; d += step)
        {
          cairo_move_to (ctx->cr, d, y1);
          cairo_line_to (ctx->cr, d + (y1 - y0), y0);
        }
      cairo_set_line_width (ctx->cr, 1.5 * ctx->u);
      set_rgb (ctx, &COLOR_EXPERT, 0.55);
      cairo_stroke (ctx->cr);
      cairo_restore (ctx->cr);
      cairo_new_path (ctx->cr);
      for (guint i = 0; i < region->len; i++)
        cairo_line_to (ctx->cr, p[i].x, p[i].y);
      cairo_close_path (ctx->cr);
    }
  else
    {
      set_rgb (ctx, plan_color (ctx, &COLOR_TARGET), 0.15);
      cairo_fill_preserve (ctx->cr);
    }
  set_dash (ctx, 3, 3);
  stroke_halo (ctx, plan_color (ctx, &COLOR_TARGET), 1.5 * ctx->u);
  cairo_set_dash (ctx->cr, NULL, 0, 0);
}

/* Skin tangent at the entry, pointing to the side of the target. */
static gboolean
entry_tangent (Ctx    *ctx,
               double *tx,
               double *ty)
{
  const GArray *points = ctx->plan->skin_points;
  const NpImagePoint *p = (const NpImagePoint *) points->data;
  NpImagePoint e = ctx->plan->entry;
  NpImagePoint centre;
  double radius, dx = ctx->plan->target.x - e.x, dy = ctx->plan->target.y - e.y;

  *tx = 1.0;
  *ty = 0.0;
  if (skin_circle (ctx, &centre, &radius))
    {
      double rx = e.x - centre.x, ry = e.y - centre.y, len = hypot (rx, ry);
      if (len <= 0)
        return FALSE;
      *tx = -ry / len;
      *ty = rx / len;
    }
  else if (ctx->plan->skin_kind == NP_SKIN_POLYLINE && points->len >= 2)
    {
      double best = G_MAXDOUBLE;
      for (guint i = 0; i + 1 < points->len; i++)
        {
          double sx = p[i + 1].x - p[i].x, sy = p[i + 1].y - p[i].y;
          double len2 = sx * sx + sy * sy, t, cx, cy, d;
          if (len2 <= 0)
            continue;
          t = CLAMP (((e.x - p[i].x) * sx + (e.y - p[i].y) * sy) / len2, 0.0, 1.0);
          cx = p[i].x + t * sx;
          cy = p[i].y + t * sy;
          d = hypot (e.x - cx, e.y - cy);
          if (d < best)
            {
              best = d;
              *tx = sx / sqrt (len2);
              *ty = sy / sqrt (len2);
            }
        }
    }
  if (*tx * dx + *ty * dy < 0)
    {
      *tx = -*tx;
      *ty = -*ty;
    }
  return TRUE;
}

static void
draw_path (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  const NpPlanResults *results = ctx->results;
  NpImagePoint e = ctx->plan->entry, t = ctx->plan->target;
  double dx = t.x - e.x, dy = t.y - e.y, len_px = hypot (dx, dy);
  const Rgb *color = plan_color (ctx, &COLOR_PATH);

  if (len_px <= 0)
    return;

  cairo_new_path (cr);
  cairo_move_to (cr, e.x, e.y);
  cairo_line_to (cr, t.x, t.y);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (ctx->expert)
    set_dash (ctx, 10, 6);
  stroke_halo (ctx, color, 2.5 * ctx->u);
  cairo_set_dash (cr, NULL, 0, 0);

  /* Needle-length ticks every 5 mm from the entry, labelled every 10 mm:
   * only with a calibration, since a tick every "5 px" would read as mm. */
  if (ctx->calibrated && results != NULL && results->has_path && results->path_length > 0)
    {
      double nx = -dy / len_px, ny = dx / len_px;
      for (guint k = 1; k * 5.0 < results->path_length; k++)
        {
          double f = k * 5.0 / results->path_length;
          double cx = e.x + f * dx, cy = e.y + f * dy;
          double half = (k % 2 == 0 ? 7.0 : 4.0) * ctx->u;

          cairo_new_path (cr);
          cairo_move_to (cr, cx - nx * half, cy - ny * half);
          cairo_line_to (cr, cx + nx * half, cy + ny * half);
          stroke_halo (ctx, color, 1.5 * ctx->u);
          if (k % 2 == 0 && ctx->options->show_labels)
            {
              g_autofree char *label = g_strdup_printf ("%u", k * 5);
              draw_label (ctx, cx + nx * 16 * ctx->u, cy + ny * 16 * ctx->u, 0.5, label, color,
                          10, LABEL_OPTIONAL);
            }
        }
    }

  if (ctx->options->show_labels && results != NULL && results->has_path)
    {
      g_autofree char *length = format_length (ctx, results->path_length);
      g_autofree char *label = g_strdup_printf ("%s %s", ctx->trainee ? _("your path") : "path",
                                                length);
      double mx = (e.x + t.x) / 2, my = (e.y + t.y) / 2;
      double nx = -dy / len_px, ny = dx / len_px;
      /* Put the label on the side of the path away from the image centre's
       * top, where the skin and its labels sit. */
      if (ny < 0)
        {
          nx = -nx;
          ny = -ny;
        }
      draw_label (ctx, mx - nx * 30 * ctx->u, my - ny * 30 * ctx->u, 0.5, label, color, 12,
                  LABEL_MOVABLE);
    }
}

static void
draw_angle (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  NpImagePoint e = ctx->plan->entry, t = ctx->plan->target;
  double tx, ty, a_skin, a_path, a0, a1, r = 34 * ctx->u;
  g_autofree char *label = NULL;

  if (ctx->results == NULL || !ctx->results->has_angle || !entry_tangent (ctx, &tx, &ty))
    return;

  a_skin = atan2 (ty, tx);
  a_path = atan2 (t.y - e.y, t.x - e.x);
  a0 = a_skin;
  a1 = a_path;
  /* Sweep the short way round. */
  while (a1 - a0 > G_PI)
    a1 -= 2 * G_PI;
  while (a0 - a1 > G_PI)
    a1 += 2 * G_PI;

  cairo_new_path (cr);
  cairo_move_to (cr, e.x, e.y);
  cairo_line_to (cr, e.x + tx * r * 1.3, e.y + ty * r * 1.3);
  stroke_halo (ctx, plan_color (ctx, &COLOR_TEXT), 1.0 * ctx->u);
  cairo_new_path (cr);
  if (a1 >= a0)
    cairo_arc (cr, e.x, e.y, r, a0, a1);
  else
    cairo_arc_negative (cr, e.x, e.y, r, a0, a1);
  stroke_halo (ctx, plan_color (ctx, &COLOR_TEXT), 1.5 * ctx->u);

  if (ctx->options->show_labels)
    {
      double am = (a0 + a1) / 2;
      label = g_strdup_printf ("%.0f°", ctx->results->insertion_angle_deg);
      draw_label (ctx, e.x + cos (am) * (r + 16 * ctx->u), e.y + sin (am) * (r + 16 * ctx->u),
                  0.5, label, plan_color (ctx, &COLOR_TEXT), 12, LABEL_MOVABLE);
    }
}

static void
draw_clearance (Ctx *ctx)
{
  const NpStructureClearance *c;
  const NpPlanResults *results = ctx->results;
  g_autofree char *value = NULL;
  const Rgb *color;

  if (results == NULL || results->clearances == NULL || results->nearest < 0
      || (guint) results->nearest >= results->clearances->len || !results->has_path)
    return;
  c = &g_array_index (results->clearances, NpStructureClearance, results->nearest);
  if (c->entered || !point_is_finite (c->on_path) || !point_is_finite (c->on_structure))
    return;

  color = c->within_margin ? &COLOR_DANGER : plan_color (ctx, &COLOR_TEXT);
  cairo_new_path (ctx->cr);
  cairo_move_to (ctx->cr, c->on_path.x, c->on_path.y);
  cairo_line_to (ctx->cr, c->on_structure.x, c->on_structure.y);
  set_dash (ctx, 4, 3);
  stroke_halo (ctx, color, 1.5 * ctx->u);
  cairo_set_dash (ctx->cr, NULL, 0, 0);

  if (ctx->options->show_labels)
    {
      value = format_length (ctx, c->clearance);
      draw_label (ctx, (c->on_path.x + c->on_structure.x) / 2 + 8 * ctx->u,
                  (c->on_path.y + c->on_structure.y) / 2, 0.0, value, color, 11, LABEL_MOVABLE);
    }
}

static void
draw_fov_entry (Ctx *ctx)
{
  const NpPlanResults *results = ctx->results;
  NpImagePoint p;
  double s = 6 * ctx->u;

  if (results == NULL || !results->has_fov_entry || !point_is_finite (results->fov_entry))
    return;
  p = results->fov_entry;
  cairo_new_path (ctx->cr);
  cairo_move_to (ctx->cr, p.x - s, p.y - s);
  cairo_line_to (ctx->cr, p.x + s, p.y + s);
  cairo_move_to (ctx->cr, p.x + s, p.y - s);
  cairo_line_to (ctx->cr, p.x - s, p.y + s);
  stroke_halo (ctx, plan_color (ctx, &COLOR_PATH), 2.0 * ctx->u);
  if (ctx->options->show_labels)
    draw_label (ctx, p.x + 10 * ctx->u, p.y + 12 * ctx->u, 0.0, _("needle in view"),
                plan_color (ctx, &COLOR_PATH), 10, LABEL_MOVABLE);
}

static void
draw_entry (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  NpImagePoint e = ctx->plan->entry;
  double s = (ctx->options->selected == NP_OVERLAY_MARK_ENTRY ? 9 : 7) * ctx->u;

  cairo_new_path (cr);
  cairo_move_to (cr, e.x, e.y - s);
  cairo_line_to (cr, e.x + s, e.y);
  cairo_line_to (cr, e.x, e.y + s);
  cairo_line_to (cr, e.x - s, e.y);
  cairo_close_path (cr);
  set_rgb (ctx, plan_color (ctx, &COLOR_ENTRY), 0.9);
  cairo_fill_preserve (cr);
  stroke_halo (ctx, plan_color (ctx, &COLOR_ENTRY), 1.0 * ctx->u);
  /* An in-plane entry beyond the frame's right edge has the label on its
   * left, towards the frame, where the view has room for it. */
  if (ctx->options->show_labels)
    {
      gboolean left = ctx->options->image_width > 0 && e.x > ctx->options->image_width;

      draw_label (ctx, e.x + (left ? -12 : 12) * ctx->u, e.y - 12 * ctx->u, left ? 1.0 : 0.0,
                  ctx->expert ? _("expert entry") : ctx->trainee ? _("your entry") : "entry",
                  plan_color (ctx, &COLOR_ENTRY), 11, LABEL_MOVABLE);
    }
}

static void
draw_target (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  NpImagePoint t = ctx->plan->target;
  gboolean selected = ctx->options->selected == NP_OVERLAY_MARK_TARGET;
  double r = (selected ? 10 : 8) * ctx->u;
  const Rgb *color = plan_color (ctx, &COLOR_TARGET);

  cairo_new_path (cr);
  cairo_arc (cr, t.x, t.y, r, 0, 2 * G_PI);
  stroke_halo (ctx, color, (selected ? 3.0 : 2.0) * ctx->u);
  cairo_new_path (cr);
  cairo_move_to (cr, t.x - r * 1.6, t.y);
  cairo_line_to (cr, t.x - r * 0.5, t.y);
  cairo_move_to (cr, t.x + r * 0.5, t.y);
  cairo_line_to (cr, t.x + r * 1.6, t.y);
  cairo_move_to (cr, t.x, t.y - r * 1.6);
  cairo_line_to (cr, t.x, t.y - r * 0.5);
  cairo_move_to (cr, t.x, t.y + r * 0.5);
  cairo_line_to (cr, t.x, t.y + r * 1.6);
  stroke_halo (ctx, color, 1.5 * ctx->u);
  cairo_new_path (cr);
  cairo_arc (cr, t.x, t.y, 1.5 * ctx->u, 0, 2 * G_PI);
  set_rgb (ctx, color, 1.0);
  cairo_fill (cr);

  if (ctx->options->show_labels)
    {
      g_autofree char *label = NULL;
      /* Whose target: beside an expert's answer a bare "target · depth"
       * would be read as the answer's depth. */
      const char *name = ctx->expert ? _("expert target") : ctx->trainee ? _("your target") : "target";

      if (ctx->results != NULL && ctx->results->has_depth)
        {
          g_autofree char *depth = format_length (ctx, ctx->results->depth);
          label = g_strdup_printf (_("%s · depth %s"), name, depth);
        }
      else
        label = g_strdup (name);
      draw_label (ctx, t.x + r * 1.9, t.y + 14 * ctx->u, 0.0, label, color, 12, LABEL_MOVABLE);
    }
}

static void
draw_measurements (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  const GArray *measurements = ctx->plan->measurements;

  for (guint i = 0; i < measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (measurements, NpMeasurement, i);
      const NpMeasurementValue *v = NULL;
      g_autofree char *label = NULL;
      gboolean selected = ctx->options->selected == NP_OVERLAY_MARK_MEASUREMENT
                          && ctx->options->selected_index == i;
      const Rgb *color = plan_color (ctx, &COLOR_TEXT);
      NpImagePoint anchor = m->points[0];

      if (ctx->results != NULL && ctx->results->measurements != NULL
          && i < ctx->results->measurements->len)
        v = &g_array_index (ctx->results->measurements, NpMeasurementValue, i);

      cairo_new_path (cr);
      for (guint k = 0; k < MIN (m->n_points, 3u); k++)
        cairo_line_to (cr, m->points[k].x, m->points[k].y);
      if (m->n_points >= 2)
        stroke_halo (ctx, color, (selected ? 2.5 : 1.5) * ctx->u);
      for (guint k = 0; k < MIN (m->n_points, 3u); k++)
        {
          cairo_new_path (cr);
          cairo_arc (cr, m->points[k].x, m->points[k].y, (selected ? 4.5 : 3.0) * ctx->u, 0,
                     2 * G_PI);
          set_rgb (ctx, color, 1.0);
          cairo_fill_preserve (cr);
          stroke_halo (ctx, color, 0.5 * ctx->u);
        }

      if (v == NULL || !ctx->options->show_labels)
        continue;
      if (!v->valid)
        {
          /* The region rule: shown in px, with the reason in the side panel. */
          if (!isfinite (v->value_px) || m->n_points < 2)
            continue;
          label = g_strdup_printf (_("%.0f px · not in one calibrated region"), v->value_px);
          draw_label (ctx, (m->points[0].x + m->points[1].x) / 2 + 10 * ctx->u,
                      (m->points[0].y + m->points[1].y) / 2 - 10 * ctx->u, 0.0, label,
                      plan_color (ctx, &COLOR_DANGER), 11, LABEL_MOVABLE);
          g_free (label);
          continue;
        }
      switch (m->kind)
        {
        case NP_MEASURE_ANGLE:
          label = g_strdup_printf ("%.1f°", v->value);
          anchor = m->points[1];
          break;
        case NP_MEASURE_DEPTH:
          {
            g_autofree char *depth = format_length (ctx, v->value);
            label = g_strdup_printf (_("depth %s"), depth);
          }
          break;
        case NP_MEASURE_DISTANCE:
        default:
          label = format_length (ctx, v->value);
          if (m->n_points >= 2)
            {
              anchor.x = (m->points[0].x + m->points[1].x) / 2;
              anchor.y = (m->points[0].y + m->points[1].y) / 2;
            }
          break;
        }
      if (v->outside_region)
        {
          /* The planner's judgement, said where the value is read. */
          char *flagged = g_strconcat (label, _(" · outside the calibrated region"), NULL);

          g_free (label);
          label = flagged;
          color = plan_color (ctx, &COLOR_DANGER);
        }
      draw_label (ctx, anchor.x + 10 * ctx->u, anchor.y - 10 * ctx->u, 0.0, label, color, 11,
                  LABEL_MOVABLE);
    }
}

static void
legend_row (Ctx        *ctx,
            double      x,
            double      y,
            const Rgb  *color,
            const char *symbol,
            const char *text)
{
  cairo_t *cr = ctx->cr;
  double u = ctx->u;

  cairo_new_path (cr);
  if (g_str_equal (symbol, "line"))
    {
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 16 * u, y);
      stroke_halo (ctx, color, 2.5 * u);
    }
  else if (g_str_equal (symbol, "dash"))
    {
      cairo_move_to (cr, x, y);
      cairo_line_to (cr, x + 16 * u, y);
      set_dash (ctx, 4, 3);
      stroke_halo (ctx, color, 2.0 * u);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else if (g_str_equal (symbol, "ring"))
    {
      cairo_arc (cr, x + 8 * u, y, 5 * u, 0, 2 * G_PI);
      stroke_halo (ctx, color, 2.0 * u);
    }
  else
    {
      cairo_rectangle (cr, x + 2 * u, y - 6 * u, 12 * u, 12 * u);
      set_rgb (ctx, color, 0.45);
      cairo_fill_preserve (cr);
      stroke_halo (ctx, color, 1.5 * u);
    }
  draw_text (ctx, x + 24 * u, y, 0.0, text, &COLOR_TEXT, 11);
}

static void
draw_legend (Ctx *ctx)
{
  cairo_t *cr = ctx->cr;
  double u = ctx->u, row = 18 * u, x, y;
  gboolean kinds[NP_STRUCTURE_OTHER + 1] = { FALSE };
  guint n_rows = 3;

  for (guint i = 0; i < ctx->plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (ctx->plan->structures, i);
      NpStructureKind kind = MIN (s->kind, NP_STRUCTURE_OTHER);
      if (!kinds[kind])
        n_rows++;
      kinds[kind] = TRUE;
    }
  if (ctx->plan->skin_kind != NP_SKIN_NONE)
    n_rows++;

  /* Bottom right: deep tissue, away from the skin and the entry. */
  x = ctx->options->image_width - 160 * u;
  y = ctx->options->image_height - (n_rows + 0.6) * row - 10 * u;
  cairo_new_path (cr);
  cairo_rectangle (cr, x, y, 150 * u, (n_rows + 0.6) * row);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.55);
  cairo_fill (cr);

  x += 8 * u;
  y += row * 0.8;
  legend_row (ctx, x, y, plan_color (ctx, &COLOR_TARGET), "ring", "target");
  y += row;
  legend_row (ctx, x, y, plan_color (ctx, &COLOR_ENTRY), "box", "entry");
  y += row;
  legend_row (ctx, x, y, plan_color (ctx, &COLOR_PATH), "line",
              ctx->calibrated ? _("path, ticks 5 mm") : "path");
  y += row;
  if (ctx->plan->skin_kind != NP_SKIN_NONE)
    {
      legend_row (ctx, x, y, plan_color (ctx, &COLOR_SKIN), "dash", _("skin line"));
      y += row;
    }
  for (guint k = 0; k <= NP_STRUCTURE_OTHER; k++)
    if (kinds[k])
      {
        legend_row (ctx, x, y, plan_color (ctx, &COLOR_KIND[k]), "box",
                    np_structure_kind_to_string (k));
        y += row;
      }
}

void
np_overlay_options_init (NpOverlayOptions *options,
                         double            image_width,
                         double            image_height)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->zoom = 1.0;
  options->scale = 1.0;
  options->style = NP_OVERLAY_STYLE_PLAN;
  options->show_labels = TRUE;
  options->show_legend = FALSE;
  options->selected = NP_OVERLAY_MARK_NONE;
  options->image_width = image_width;
  options->image_height = image_height;
  options->text_band_height = NP_OVERLAY_TEXT_BAND_FRACTION * MAX (image_height, 0.0);
}

/* Export at native resolution: strokes and text grow with the frame so a
 * 4K frame printed on A4 reads like an 800-pixel one on screen. */
void
np_overlay_options_for_export (NpOverlayOptions *options,
                               double            image_width,
                               double            image_height)
{
  np_overlay_options_init (options, image_width, image_height);
  options->scale = MAX (1.0, MAX (image_width, image_height) / 900.0);
  /* On a small frame the legend would hide the anatomy; the caption and the
   * report name the marks instead. */
  options->show_legend = MIN (image_width, image_height) >= 480;
}

/**
 * np_overlay_draw:
 * @cr: a context whose user space is image space (1 unit = 1 image pixel)
 * @results: (nullable): the planner's results for @plan
 *
 * Draws the marks, the path and the results of @plan.
 */
void
np_overlay_draw (cairo_t                *cr,
                 const NpPlan           *plan,
                 const NpPlanResults    *results,
                 const NpOverlayOptions *options)
{
  Ctx ctx = { 0 };

  g_return_if_fail (cr != NULL);
  g_return_if_fail (plan != NULL);
  g_return_if_fail (options != NULL && options->zoom > 0 && options->scale > 0);

  ctx.cr = cr;
  ctx.plan = plan;
  ctx.results = results;
  ctx.options = options;
  ctx.u = options->scale / options->zoom;
  ctx.expert = options->style == NP_OVERLAY_STYLE_EXPERT;
  ctx.trainee = options->style == NP_OVERLAY_STYLE_TRAINEE;
  ctx.calibrated = np_calibration_is_calibrated (plan->calibration)
                   && (results == NULL || results->calibrated);
  ctx.sx = plan->calibration->mm_per_px_x;
  ctx.sy = plan->calibration->mm_per_px_y;
  ctx.labels = g_array_new (FALSE, FALSE, sizeof (cairo_rectangle_t));
  /* No label may cover the target's cross (arms 1.6 × its 8 px radius) or
   * the entry's diamond (9 px when selected); their own labels start
   * beyond these boxes. */
  if (plan->has_target)
    g_array_append_val (ctx.labels, ((cairo_rectangle_t) { plan->target.x - 13 * ctx.u,
                                                           plan->target.y - 13 * ctx.u,
                                                           26 * ctx.u, 26 * ctx.u }));
  if (plan->has_entry)
    g_array_append_val (ctx.labels, ((cairo_rectangle_t) { plan->entry.x - 9 * ctx.u,
                                                           plan->entry.y - 9 * ctx.u,
                                                           18 * ctx.u, 18 * ctx.u }));
  if (plan->modality == NP_MODALITY_ULTRASOUND && plan->speed_of_sound_m_s > 0)
    ctx.sy *= plan->speed_of_sound_m_s / NP_PLANNER_SPEED_ASSUMED_M_S;

  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* Cairo's fast antialiasing (16 coverage levels instead of 256) looks the
   * same at 1:1 (43 dB PSNR against the default on the benchmark's plan)
   * and takes a fifth off every redraw, which keeps a drag step within
   * 2 ms. Text keeps the font's own antialiasing. */
  if (!is_vector_target (cr))
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);

  /* Outlines traced past the frame (a bone continuing out of the field)
   * stop at its edge; the path may still start beyond it (in-plane entry). */
  cairo_save (cr);
  if (options->image_width > 0 && options->image_height > 0)
    {
      cairo_rectangle (cr, 0, 0, options->image_width, options->image_height);
      cairo_clip (cr);
    }
  draw_structures (&ctx);
  cairo_restore (cr);
  draw_skin (&ctx);
  draw_target_region (&ctx);
  draw_measurements (&ctx);
  if (plan->has_entry && plan->has_target)
    {
      draw_path (&ctx);
      draw_angle (&ctx);
      draw_clearance (&ctx);
    }
  draw_fov_entry (&ctx);
  if (plan->has_entry)
    draw_entry (&ctx);
  if (plan->has_target)
    draw_target (&ctx);
  if (options->show_legend)
    draw_legend (&ctx);

  cairo_restore (cr);
  g_array_unref (ctx.labels);
}
