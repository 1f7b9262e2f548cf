/* test-overlay.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-overlay.h"

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
  g_test_add_func ("/core/overlay/margin-isotropic", test_overlay_margin_isotropic);
  g_test_add_func ("/core/overlay/margin-anisotropic", test_overlay_margin_anisotropic);
  g_test_add_func ("/core/overlay/uncalibrated-no-margin", test_overlay_uncalibrated_has_no_margin);
  g_test_add_func ("/core/overlay/label-stays-inside-frame",
                   test_overlay_label_stays_inside_frame);
  g_test_add_func ("/core/overlay/labels-do-not-cover-each-other",
                   test_overlay_labels_do_not_cover_each_other);
  return g_test_run ();
}
