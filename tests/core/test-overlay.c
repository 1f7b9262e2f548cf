/* test-overlay.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-overlay.h"
#include "np-planner.h"

#include <math.h>

#include <stdlib.h>

/* Draws @plan without results (no value labels) on a black 200 × 200
 * surface and returns it. */
static cairo_surface_t *
render (const NpPlan *plan)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 200);
  cairo_t *cr = cairo_create (surface);
  NpOverlayOptions options;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  np_overlay_options_init (&options, 200, 200);
  options.show_labels = FALSE;
  np_overlay_draw (cr, plan, NULL, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
pixel (cairo_surface_t *surface,
       int              x,
       int              y,
       guint           *r,
       guint           *g,
       guint           *b)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 v = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + x * 4);

  *r = (v >> 16) & 0xff;
  *g = (v >> 8) & 0xff;
  *b = v & 0xff;
}

static gboolean
is_black (cairo_surface_t *surface,
          int              x,
          int              y)
{
  guint r, g, b;

  pixel (surface, x, y, &r, &g, &b);
  return r == 0 && g == 0 && b == 0;
}

/* Entry (100, 50), target (100, 150): a vertical path. A vessel circle of
 * radius 10 px centred at (150, 100) with a 5 mm margin. */
static NpPlan *
make_plan (double sx,
           double sy)
{
  NpPlan *plan = np_plan_new ();
  NpStructure *vessel = np_structure_new ("artery", NP_STRUCTURE_VESSEL, NP_SHAPE_ELLIPSE, 5.0);

  plan->modality = NP_MODALITY_FLUOROSCOPY;
  plan->has_entry = TRUE;
  plan->entry = np_image_point (100, 50);
  plan->has_target = TRUE;
  plan->target = np_image_point (100, 150);
  np_structure_add_point (vessel, np_image_point (150, 100));
  np_structure_add_point (vessel, np_image_point (10, 10));
  g_ptr_array_add (plan->structures, vessel);
  if (sx > 0)
    {
      np_calibration_free (plan->calibration);
      plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, sx, 0);
      plan->calibration->mm_per_px_y = sy;
    }
  return plan;
}

static void
test_overlay_path_and_target (void)
{
  g_autoptr(NpPlan) plan = make_plan (0.5, 0.5);
  cairo_surface_t *surface = render (plan);
  guint r, g, b;

  /* The path's midpoint is drawn in the path colour (Okabe–Ito yellow,
   * 240, 228, 66). */
  pixel (surface, 100, 100, &r, &g, &b);
  g_assert_cmpuint (r, >, 200);
  g_assert_cmpuint (g, >, 200);
  g_assert_cmpuint (b, <, 120);
  /* The target's ring (radius 8 px) passes through (108, 150): orange. */
  pixel (surface, 108, 150, &r, &g, &b);
  g_assert_cmpuint (r, >, 180);
  g_assert_cmpuint (b, <, 60);
  /* Far from everything stays black. */
  g_assert_true (is_black (surface, 20, 180));
  cairo_surface_destroy (surface);
}

static void
test_overlay_margin_isotropic (void)
{
  /* 0.5 mm/px: the 5 mm margin is 10 px wide outside the 10 px radius, so
   * the band reaches 20 px from the centre. (135, 100) is 15 px from the
   * centre: inside the band; (125, 100) is 25 px away: outside. */
  g_autoptr(NpPlan) plan = make_plan (0.5, 0.5);
  cairo_surface_t *surface = render (plan);

  g_assert_false (is_black (surface, 135, 100));
  g_assert_true (is_black (surface, 125, 100));
  g_assert_false (is_black (surface, 150, 100)); /* the filled vessel */
  cairo_surface_destroy (surface);
}

static void
test_overlay_margin_anisotropic (void)
{
  /* sx = 0.5 mm/px, sy = 1.0 mm/px. The vessel is 10 × 10 px = 5 mm wide
   * and 10 mm tall. Along x the 5 mm margin is 10 px: it reaches x = 130,
   * so (132, 100) is inside. Along y it is 5 px: it reaches y = 85, so
   * (150, 87) is inside and (150, 83) outside. */
  g_autoptr(NpPlan) plan = make_plan (0.5, 1.0);
  cairo_surface_t *surface = render (plan);

  g_assert_false (is_black (surface, 132, 100));
  g_assert_false (is_black (surface, 150, 87));
  g_assert_true (is_black (surface, 150, 83));
  cairo_surface_destroy (surface);
}

static void
test_overlay_uncalibrated_has_no_margin (void)
{
  /* Without a calibration a margin in mm has no size in pixels: nothing is
   * drawn 5 px outside the outline. */
  g_autoptr(NpPlan) plan = make_plan (0, 0);
  cairo_surface_t *surface = render (plan);

  g_assert_true (is_black (surface, 135, 100));
  g_assert_false (is_black (surface, 150, 100));
  cairo_surface_destroy (surface);
}

/* Rows [first, last] holding pixels for which @match says yes, above @below. */
static gboolean
rows_matching (cairo_surface_t *surface,
               int              below,
               gboolean       (*match) (guint r, guint g, guint b),
               int             *first,
               int             *last)
{
  *first = G_MAXINT;
  *last = -1;
  for (int y = 0; y < below; y++)
    for (int x = 0; x < 200; x++)
      {
        guint r, g, b;

        pixel (surface, x, y, &r, &g, &b);
        if (match (r, g, b))
          {
            *first = MIN (*first, y);
            *last = MAX (*last, y);
          }
      }
  return *last >= 0;
}

/* Okabe–Ito bluish green (0, 158, 115). */
static gboolean
is_tendon_green (guint r, guint g, guint b)
{
  return r < 60 && g > 120 && b > 80 && b < 160;
}

/* Ivory (230, 224, 204). */
static gboolean
is_bone_ivory (guint r, guint g, guint b)
{
  return r > 200 && g > 200 && b > 170;
}

/* Two outlines whose topmost point is the same (100, 100): both labels ask
 * for the same place, centred 10 px above it. Both must be drawn, one
 * above the other, not on top of each other. */
static void
test_overlay_labels_do_not_cover_each_other (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  NpStructure *tendon = np_structure_new ("tendon", NP_STRUCTURE_TENDON, NP_SHAPE_POLYLINE, 0);
  NpStructure *bone = np_structure_new ("cortex", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 0);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 200, 200);
  cairo_t *cr = cairo_create (surface);
  NpOverlayOptions options;
  int tendon_first, tendon_last, bone_first, bone_last;

  np_structure_add_point (tendon, np_image_point (100, 100));
  np_structure_add_point (tendon, np_image_point (160, 190));
  np_structure_add_point (bone, np_image_point (100, 100));
  np_structure_add_point (bone, np_image_point (40, 190));
  g_ptr_array_add (plan->structures, tendon);
  g_ptr_array_add (plan->structures, bone);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  np_overlay_options_init (&options, 200, 200);
  options.show_labels = TRUE;
  options.show_legend = FALSE;
  np_overlay_draw (cr, plan, NULL, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* Above y = 96 only the labels are drawn (the outlines start at 100, 2 px wide). */
  g_assert_true (rows_matching (surface, 96, is_tendon_green, &tendon_first, &tendon_last));
  g_assert_true (rows_matching (surface, 96, is_bone_ivory, &bone_first, &bone_last));
  g_assert_true (tendon_last < bone_first || bone_last < tendon_first);
  /* The first label keeps its place: its text is centred about 90. */
  g_assert_cmpint (tendon_first, <, 90);
  g_assert_cmpint (tendon_last, >, 90);
  cairo_surface_destroy (surface);
}

/* Draws @plan with its labels and results on a black surface of
 * @surface_width × @surface_height for a frame of @width × @height. */
static cairo_surface_t *
render_labels (const NpPlan        *plan,
               const NpPlanResults *results,
               int                  surface_width,
               int                  surface_height,
               double               width,
               double               height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, surface_width,
                                                         surface_height);
  cairo_t *cr = cairo_create (surface);
  NpOverlayOptions options;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  np_overlay_options_init (&options, width, height);
  options.show_labels = TRUE;
  np_overlay_draw (cr, plan, results, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Hue in degrees (HSV) and luma (Rec. 601: what a greyscale print keeps)
 * of an 8-bit colour. */
static void
hue_and_luma (const double rgb[3],
              double      *hue,
              double      *luma)
{
  double r = rgb[0] / 255, g = rgb[1] / 255, b = rgb[2] / 255;
  double max = MAX (r, MAX (g, b)), min = MIN (r, MIN (g, b)), c = max - min;

  g_assert_cmpfloat (c, >, 0.1);  /* a colour, not a grey */
  if (max == r)
    *hue = 60 * fmod ((g - b) / c + 6, 6);
  else if (max == g)
    *hue = 60 * ((b - r) / c + 2);
  else
    *hue = 60 * ((r - g) / c + 4);
  *luma = 0.299 * r + 0.587 * g + 0.114 * b;
}

/* Draws @plan in @style at 4 × the screen size (wide strokes) on a
 * transparent 200 × 200 surface. */
static cairo_surface_t *
render_alpha (const NpPlan   *plan,
              NpOverlayStyle  style)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 200);
  cairo_t *cr = cairo_create (surface);
  NpOverlayOptions options;

  np_overlay_options_init (&options, 200, 200);
  options.show_labels = FALSE;
  options.scale = 4;
  options.style = style;
  np_overlay_draw (cr, plan, NULL, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Okabe–Ito vermillion (213, 94, 0), the warning colour. */
static gboolean
is_vermillion (guint r, guint g, guint b)
{
  return r > 180 && g > 60 && g < 130 && b < 40;
}

/* Reddish purple (204, 121, 167), a nerve's own colour. */
static gboolean
is_purple (guint r, guint g, guint b)
{
  return r > 170 && g > 90 && g < 150 && b > 130;
}

/* Pixels of the outline ring (radius 9.5–10.5 about (cx, cy)) that match. */
static guint
ring_count (cairo_surface_t *surface,
            int              cx,
            int              cy,
            gboolean       (*match) (guint r, guint g, guint b))
{
  guint n = 0;

  for (int y = cy - 11; y <= cy + 11; y++)
    for (int x = cx - 11; x <= cx + 11; x++)
      {
        double d = hypot (x - cx, y - cy);
        guint r, g, b;

        if (d < 9.5 || d > 10.5)
          continue;
        pixel (surface, x, y, &r, &g, &b);
        n += match (r, g, b);
      }
  return n;
}

/* The mean colour of the fully opaque pixels: where a stroke of the mark's
 * own colour covers the pixel (halos and fills are translucent). */
static void
opaque_colour (cairo_surface_t *surface,
               double           rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint n = 0;

  rgb[0] = rgb[1] = rgb[2] = 0;
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 200; x++)
      {
        guint32 v = *(const guint32 *) (data + y * stride + x * 4);

        if ((v >> 24) != 0xff)
          continue;
        rgb[0] += (v >> 16) & 0xff;
        rgb[1] += (v >> 8) & 0xff;
        rgb[2] += v & 0xff;
        n++;
      }
  g_assert_cmpuint (n, >, 100);
  for (guint i = 0; i < 3; i++)
    rgb[i] /= n;
}

/* How often the alpha changes by more than 20 along row @y from @x0 to @x1. */
static guint
alpha_changes (cairo_surface_t *surface,
               int              y,
               int              x0,
               int              x1)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint changes = 0;
  int last = -1;

  for (int x = x0; x <= x1; x++)
    {
      int a = *(const guint32 *) (data + y * stride + x * 4) >> 24;

      if (last >= 0 && abs (a - last) > 20)
        changes++;
      last = a;
    }
  return changes;
}

/* A tendon (bluish green) and a revealed expert answer are told apart by
 * hue and, printed in grey, by lightness; the answer's region is hatched
 * where a structure is an even tint. */
static void
test_overlay_expert_is_not_tendon (void)
{
  g_autoptr(NpPlan) tendon_plan = np_plan_new ();
  g_autoptr(NpPlan) answer = np_plan_new ();
  NpStructure *tendon = np_structure_new ("tendon", NP_STRUCTURE_TENDON, NP_SHAPE_ELLIPSE, 0);
  const NpImagePoint region[] = { { 40, 40 }, { 160, 40 }, { 160, 160 }, { 40, 160 } };
  cairo_surface_t *t, *e;
  double tendon_rgb[3], expert_rgb[3], tendon_hue, expert_hue, tendon_luma, expert_luma, d;

  /* An ellipse centred at (100, 100) with radii 70 × 50 px. */
  np_structure_add_point (tendon, np_image_point (100, 100));
  np_structure_add_point (tendon, np_image_point (70, 50));
  g_ptr_array_add (tendon_plan->structures, tendon);
  g_array_append_vals (answer->target_region, region, G_N_ELEMENTS (region));

  t = render_alpha (tendon_plan, NP_OVERLAY_STYLE_PLAN);
  e = render_alpha (answer, NP_OVERLAY_STYLE_EXPERT);
  opaque_colour (t, tendon_rgb);
  opaque_colour (e, expert_rgb);
  hue_and_luma (tendon_rgb, &tendon_hue, &tendon_luma);
  hue_and_luma (expert_rgb, &expert_hue, &expert_luma);

  /* Hue: at least 60° apart on the circle (bluish green is about 164°). */
  d = fabs (tendon_hue - expert_hue);
  d = MIN (d, 360 - d);
  g_assert_cmpfloat (tendon_hue, >, 150);
  g_assert_cmpfloat (tendon_hue, <, 180);
  g_assert_cmpfloat (d, >=, 60);
  /* Grey print: a fifth of the scale apart at least. */
  g_assert_cmpfloat (fabs (tendon_luma - expert_luma), >=, 0.2);

  /* Inside: the tendon's tint is even along the row through its centre
   * (x 40..160, clear of the outline at 30 and 170), the answer's region
   * is hatched, a line every 6 × 4 = 24 px along the diagonal, so the
   * row crosses 120 / (24 √2) ≈ 3.5 lines at least, each twice. */
  g_assert_cmpuint (alpha_changes (t, 100, 40, 160), ==, 0);
  g_assert_cmpuint (alpha_changes (e, 100, 50, 150), >=, 6);

  cairo_surface_destroy (t);
  cairo_surface_destroy (e);
}

/* Orange label pixels, target colour (230, 159, 0), in rows @y0..@y1 right
 * of @x0: the rightmost one's x, or -1. */
static int
label_right_edge (cairo_surface_t *surface,
                  int              x0,
                  int              y0,
                  int              y1)
{
  int right = -1;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x < cairo_image_surface_get_width (surface); x++)
      {
        guint r, g, b;

        pixel (surface, x, y, &r, &g, &b);
        if (r > 190 && g > 120 && g < 200 && b < 70)
          right = MAX (right, x);
      }
  return right;
}

/* Beside the expert's answer the trainee's target is labelled as theirs:
 * "your target · depth 40.0 mm", not the bare "target · depth 40.0 mm"
 * that would be read as the answer's depth. The label starts at the
 * target's x + 1.9 × the 8 px ring radius = x + 15.2 and is as wide as its
 * text in bold Sans 12 px, measured here with Cairo's own font metrics. */
static void
test_overlay_trainee_labels (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpPlanResults) results = np_plan_results_new ();
  cairo_surface_t *surfaces[2];
  const NpOverlayStyle styles[2] = { NP_OVERLAY_STYLE_PLAN, NP_OVERLAY_STYLE_TRAINEE };
  const char *const texts[2] = { "target · depth 40.0 mm", "your target · depth 40.0 mm" };
  double widths[2];
  int right[2];

  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0.2, 0);
  plan->has_target = TRUE;
  plan->target = np_image_point (40, 100);
  results->calibrated = TRUE;
  results->has_depth = TRUE;
  results->depth = 40.0;

  for (guint i = 0; i < 2; i++)
    {
      cairo_surface_t *measure = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
      cairo_t *cr = cairo_create (measure);
      cairo_text_extents_t extents;
      NpOverlayOptions options;

      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 12);
      cairo_text_extents (cr, texts[i], &extents);
      widths[i] = extents.width;
      cairo_destroy (cr);
      cairo_surface_destroy (measure);

      surfaces[i] = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 200);
      cr = cairo_create (surfaces[i]);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_paint (cr);
      np_overlay_options_init (&options, 400, 200);
      options.style = styles[i];
      np_overlay_draw (cr, plan, results, &options);
      cairo_destroy (cr);
      cairo_surface_flush (surfaces[i]);
      /* Right of the cross (arms to 40 + 12.8 and a halo), in the label's
       * rows: centred on y = 100 + 14. */
      right[i] = label_right_edge (surfaces[i], 55, 104, 124);
      g_assert_cmpint (right[i], >, 0);
      g_assert_cmpfloat (fabs (right[i] + 1 - (40 + 15.2 + widths[i])), <, 4);
      cairo_surface_destroy (surfaces[i]);
    }
  /* "your " makes the difference, many pixels wide. */
  g_assert_cmpfloat (widths[1] - widths[0], >, 20);
  g_assert_cmpint (right[1] - right[0], >, 20);
}

/* Sky-blue label pixels, the entry colour (86, 180, 233), in rows
 * @y0..@y1 between @x0 and @x1. */
static guint
count_entry_blue (cairo_surface_t *surface,
                  int              x0,
                  int              x1,
                  int              y0,
                  int              y1)
{
  guint n = 0;

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        guint r, g, b;

        pixel (surface, x, y, &r, &g, &b);
        if (r > 50 && r < 130 && g > 150 && g < 210 && b > 200)
          n++;
      }
  return n;
}

static void
test_overlay_crossed_in_warning_colour (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  NpStructure *crossed = np_structure_new ("median nerve", NP_STRUCTURE_NERVE, NP_SHAPE_ELLIPSE,
                                           2.0);
  NpStructure *clear = np_structure_new ("ulnar nerve", NP_STRUCTURE_NERVE, NP_SHAPE_ELLIPSE,
                                         2.0);
  cairo_surface_t *surface;

  /* 1 mm/px, vertical path x = 60 from (60,20) to (60,180). The median nerve
   * (radius 10 at (60,100)) lies on it; the ulnar nerve (radius 10 at
   * (160,100)) is 90 mm away. The first outline is drawn in the warning
   * colour, the second in its own (counted along each ring of radius 10). */
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 1.0, 0);
  plan->mark_error_px = 0;
  plan->has_entry = TRUE;
  plan->entry = np_image_point (60, 20);
  plan->has_target = TRUE;
  plan->target = np_image_point (60, 180);
  np_structure_add_point (crossed, np_image_point (60, 100));
  np_structure_add_point (crossed, np_image_point (10, 10));
  np_structure_add_point (clear, np_image_point (160, 100));
  np_structure_add_point (clear, np_image_point (10, 10));
  /* A structure not outlined yet comes first: the planner leaves it out of
   * the clearances, and the overlay must still colour the right outline. */
  g_ptr_array_add (plan->structures, np_structure_new ("not outlined", NP_STRUCTURE_VESSEL,
                                                       NP_SHAPE_POLYGON, 2.0));
  g_ptr_array_add (plan->structures, crossed);
  g_ptr_array_add (plan->structures, clear);
  results = np_planner_compute (plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_array_index (results->clearances, NpStructureClearance, 0).entered);

  surface = render_labels (plan, results, 200, 200, 200, 200);
  g_assert_cmpuint (ring_count (surface, 60, 100, is_vermillion), >, 8);
  g_assert_cmpuint (ring_count (surface, 60, 100, is_purple), ==, 0);
  g_assert_cmpuint (ring_count (surface, 160, 100, is_purple), >, 20);
  g_assert_cmpuint (ring_count (surface, 160, 100, is_vermillion), ==, 0);
  cairo_surface_destroy (surface);
}

/* Rows above @below (all columns) or columns from @from (all rows) that
 * hold anything but black. */
static gboolean
ink_above (cairo_surface_t *surface,
           int              below)
{
  for (int y = 0; y < below; y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      if (!is_black (surface, x, y))
        return TRUE;
  return FALSE;
}

static gboolean
ink_from_column (cairo_surface_t *surface,
                 int              from)
{
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = from; x < cairo_image_surface_get_width (surface); x++)
      if (!is_black (surface, x, y))
        return TRUE;
  return FALSE;
}

static void
test_overlay_labels_avoid_text_band_and_edges (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  NpStructure *top = np_structure_new ("suprapatellar recess", NP_STRUCTURE_OTHER,
                                       NP_SHAPE_ELLIPSE, 0);
  NpStructure *edge = np_structure_new ("popliteal artery", NP_STRUCTURE_VESSEL,
                                        NP_SHAPE_ELLIPSE, 0);
  cairo_surface_t *surface;

  /* A 200 × 150 frame: its text band is 8 % of 150 = 12 rows. An outline of
   * radius 4 at (100,24) reaches up to y = 20 (plus its 2 px stroke and
   * halo: 18), and its label would stand centred 10 px above that, about
   * rows 4–16, in the band: it is moved below the band, so rows 0–11 stay
   * black. A second outline of radius 2 at (190,100) (ink up to x = 194)
   * would have its label centred on x = 190, half of it past the frame's
   * right edge at 200: drawn on a 300-wide surface, nothing may reach
   * x ≥ 200, and on a 170-tall one nothing below the frame's 150 rows. */
  np_structure_add_point (top, np_image_point (100, 24));
  np_structure_add_point (top, np_image_point (4, 4));
  np_structure_add_point (edge, np_image_point (190, 100));
  np_structure_add_point (edge, np_image_point (2, 2));
  g_ptr_array_add (plan->structures, top);
  g_ptr_array_add (plan->structures, edge);

  surface = render_labels (plan, NULL, 300, 170, 200, 150);
  g_assert_false (ink_above (surface, 12));
  g_assert_false (ink_from_column (surface, 200));
  /* The labels are drawn: ink between the band and the first outline, and
   * left of the second outline's x = 188 on its rows. */
  {
    gboolean below_band = FALSE;

    for (int y = 12; y < 18 && !below_band; y++)
      for (int x = 40; x < 160; x++)
        below_band = below_band || !is_black (surface, x, y);
    g_assert_true (below_band);
  }
  for (int y = 150; y < 170; y++)
    for (int x = 0; x < 300; x++)
      g_assert_true (is_black (surface, x, y));
  cairo_surface_destroy (surface);
}

/* An in-plane entry beyond the right edge of a 200 px wide frame, at
 * (260, 40): its label goes left of it (towards the frame), in the rows
 * about 12 px above it, so that the view's edge does not cut it; one on
 * the frame, at (60, 40), keeps it on the right. */
static void
test_overlay_entry_label_beyond_frame (void)
{
  const double xs[2] = { 260, 60 };

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(NpPlan) plan = np_plan_new ();
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 200);
      cairo_t *cr = cairo_create (surface);
      NpOverlayOptions options;
      int x = (int) xs[i];

      plan->has_entry = TRUE;
      plan->entry = np_image_point (xs[i], 40);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_paint (cr);
      np_overlay_options_init (&options, 200, 200);
      np_overlay_draw (cr, plan, NULL, &options);
      cairo_destroy (cr);
      cairo_surface_flush (surface);

      /* The diamond spans x ± 7 (and its halo); the label's rows lie
       * above it, 28 ± 8. */
      if (i == 0)
        {
          g_assert_cmpuint (count_entry_blue (surface, x - 80, x - 12, 20, 34), >, 20);
          g_assert_cmpuint (count_entry_blue (surface, x + 12, 399, 0, 199), ==, 0);
        }
      else
        {
          g_assert_cmpuint (count_entry_blue (surface, x + 12, x + 80, 20, 34), >, 20);
          g_assert_cmpuint (count_entry_blue (surface, 0, x - 12, 0, 199), ==, 0);
        }
      cairo_surface_destroy (surface);
    }
}

/* The columns of tendon-green ink above y = 96 of a 300 × 200 surface on
 * which a tendon outline from (@x, 100) down to (@x, 190) is drawn with its
 * label, in a 200 × 200 frame. */
static void
label_columns (double  x,
               int    *min_x,
               int    *max_x)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  NpStructure *tendon = np_structure_new ("long tendon label", NP_STRUCTURE_TENDON,
                                          NP_SHAPE_POLYLINE, 0);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 300, 200);
  cairo_t *cr = cairo_create (surface);
  NpOverlayOptions options;

  np_structure_add_point (tendon, np_image_point (x, 100));
  np_structure_add_point (tendon, np_image_point (x, 190));
  g_ptr_array_add (plan->structures, tendon);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  np_overlay_options_init (&options, 200, 200);
  options.show_labels = TRUE;
  options.show_legend = FALSE;
  np_overlay_draw (cr, plan, NULL, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  *min_x = G_MAXINT;
  *max_x = -1;
  for (int y = 0; y < 96; y++)
    for (int col = 0; col < 300; col++)
      {
        guint r, g, b;

        pixel (surface, col, y, &r, &g, &b);
        if (is_tendon_green (r, g, b))
          {
            *min_x = MIN (*min_x, col);
            *max_x = MAX (*max_x, col);
          }
      }
  cairo_surface_destroy (surface);
}

/* A label asked for at the frame's right edge (centred above x = 195, it
 * would run far past the 200 px frame and be cut there) moves inside the
 * frame whole: as wide as the same label drawn in the middle, all of it
 * left of 200. */
static void
test_overlay_label_stays_inside_frame (void)
{
  int mid_min, mid_max, edge_min, edge_max;

  label_columns (100, &mid_min, &mid_max);
  g_assert_cmpint (mid_max, >, mid_min);
  /* Centred on 100 in the middle. */
  g_assert_cmpint (abs ((mid_min + mid_max) / 2 - 100), <=, 2);

  label_columns (195, &edge_min, &edge_max);
  g_assert_cmpint (edge_max, <, 200);
  g_assert_cmpint (abs ((edge_max - edge_min) - (mid_max - mid_min)), <=, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/overlay/path-and-target", test_overlay_path_and_target);
  g_test_add_func ("/core/overlay/crossed-in-warning-colour",
                   test_overlay_crossed_in_warning_colour);
  g_test_add_func ("/core/overlay/labels-avoid-text-band-and-edges",
                   test_overlay_labels_avoid_text_band_and_edges);
  g_test_add_func ("/core/overlay/expert-is-not-tendon", test_overlay_expert_is_not_tendon);
  g_test_add_func ("/core/overlay/trainee-labels", test_overlay_trainee_labels);
  g_test_add_func ("/core/overlay/entry-label-beyond-frame",
                   test_overlay_entry_label_beyond_frame);
  g_test_add_func ("/core/overlay/margin-isotropic", test_overlay_margin_isotropic);
  g_test_add_func ("/core/overlay/margin-anisotropic", test_overlay_margin_anisotropic);
  g_test_add_func ("/core/overlay/uncalibrated-no-margin", test_overlay_uncalibrated_has_no_margin);
  g_test_add_func ("/core/overlay/label-stays-inside-frame",
                   test_overlay_label_stays_inside_frame);
  g_test_add_func ("/core/overlay/labels-do-not-cover-each-other",
                   test_overlay_labels_do_not_cover_each_other);
  return g_test_run ();
}
