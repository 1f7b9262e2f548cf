/* test-overlay.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-overlay.h"
#include "np-planner.h"

#include <math.h>

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/overlay/path-and-target", test_overlay_path_and_target);
  g_test_add_func ("/core/overlay/crossed-in-warning-colour",
                   test_overlay_crossed_in_warning_colour);
  g_test_add_func ("/core/overlay/labels-avoid-text-band-and-edges",
                   test_overlay_labels_avoid_text_band_and_edges);
  g_test_add_func ("/core/overlay/margin-isotropic", test_overlay_margin_isotropic);
  g_test_add_func ("/core/overlay/margin-anisotropic", test_overlay_margin_anisotropic);
  g_test_add_func ("/core/overlay/uncalibrated-no-margin", test_overlay_uncalibrated_has_no_margin);
  g_test_add_func ("/core/overlay/labels-do-not-cover-each-other",
                   test_overlay_labels_do_not_cover_each_other);
  return g_test_run ();
}
