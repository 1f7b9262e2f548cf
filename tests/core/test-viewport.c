/* test-viewport.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-viewport.h"

#define EPS 1e-9

static void
test_viewport_pixel_centre (void)
{
  /* Zoom 4, image origin at widget (10, 20): the centre of pixel (0, 0) is
   * image point (0.5, 0.5), i.e. widget (10 + 0.5·4, 20 + 0.5·4) = (12, 22);
   * pixel (3, 1)'s centre (3.5, 1.5) lands on (10 + 14, 20 + 6) = (24, 26). */
  NpViewport viewport = { 4.0, 10.0, 20.0 };
  NpWidgetPoint w = np_viewport_to_widget (viewport, np_image_point (0.5, 0.5));
  NpImagePoint back;

  g_assert_cmpfloat_with_epsilon (w.x, 12.0, EPS);
  g_assert_cmpfloat_with_epsilon (w.y, 22.0, EPS);

  back = np_viewport_to_image (viewport, np_widget_point (24.0, 26.0));
  g_assert_cmpfloat_with_epsilon (back.x, 3.5, EPS);
  g_assert_cmpfloat_with_epsilon (back.y, 1.5, EPS);
}

static void
test_viewport_fit (void)
{
  NpViewport viewport;

  /* 1000 × 500 image, 600 × 400 widget, 50 px margin: room 500 × 300, so
   * zoom = min (500/1000, 300/500) = 0.5; the image is 500 × 250 on screen,
   * centred at ((600 - 500)/2, (400 - 250)/2) = (50, 75). */
  viewport = np_viewport_fit (1000, 500, 600, 400, 50);
  g_assert_cmpfloat_with_epsilon (viewport.zoom, 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, 50.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_y, 75.0, EPS);

  /* A 1024 × 768 ultrasound frame in 800 × 600 with no margin: both ratios
   * are 800/1024 = 600/768 = 0.78125, so it fills the widget exactly. */
  viewport = np_viewport_fit (1024, 768, 800, 600, 0);
  g_assert_cmpfloat_with_epsilon (viewport.zoom, 0.78125, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_y, 0.0, EPS);

  /* A 2 × 2 image in 1000 × 1000 would need zoom 500; it stops at the
   * 32× limit, 64 px wide, centred at (1000 - 64)/2 = 468. */
  viewport = np_viewport_fit (2, 2, 1000, 1000, 0);
  g_assert_cmpfloat_with_epsilon (viewport.zoom, NP_VIEWPORT_MAX_ZOOM, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, 468.0, EPS);
}

static void
test_viewport_zoom_at_anchor (void)
{
  /* Zoom 1, origin at (10, 20): widget (110, 220) shows image (100, 200).
   * Zooming to 2 around it must keep (100, 200) there, so the new origin is
   * (110 - 200, 220 - 400) = (-90, -180). */
  NpViewport viewport = { 1.0, 10.0, 20.0 };
  NpViewport zoomed = np_viewport_zoom_at (viewport, 2.0, np_widget_point (110, 220));
  NpImagePoint under;

  g_assert_cmpfloat_with_epsilon (zoomed.zoom, 2.0, EPS);
  g_assert_cmpfloat_with_epsilon (zoomed.offset_x, -90.0, EPS);
  g_assert_cmpfloat_with_epsilon (zoomed.offset_y, -180.0, EPS);

  under = np_viewport_to_image (zoomed, np_widget_point (110, 220));
  g_assert_cmpfloat_with_epsilon (under.x, 100.0, EPS);
  g_assert_cmpfloat_with_epsilon (under.y, 200.0, EPS);
}

static void
test_viewport_zoom_limits (void)
{
  NpViewport viewport = { 1.0, 0.0, 0.0 };

  g_assert_cmpfloat_with_epsilon (np_viewport_clamp_zoom (100.0), 32.0, EPS);
  g_assert_cmpfloat_with_epsilon (np_viewport_clamp_zoom (0.001), 0.02, EPS);
  g_assert_cmpfloat_with_epsilon (np_viewport_clamp_zoom (1.5), 1.5, EPS);

  /* Asking for 64× around widget (0, 0) gives 32× and keeps the origin at
   * (0, 0), because that is the point held fixed. */
  viewport = np_viewport_zoom_at (viewport, 64.0, np_widget_point (0, 0));
  g_assert_cmpfloat_with_epsilon (viewport.zoom, 32.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, 0.0, EPS);
}

static void
test_viewport_keep_visible (void)
{
  /* A 100 × 100 image at zoom 1 in a 200 × 200 widget, 32 px must stay in
   * view. Pushed to x = -90, only 10 px would show: the origin may go no
   * further left than 32 - 100 = -68. Pushed to y = 300 it is gone below:
   * the origin may go no lower than 200 - 32 = 168. */
  NpViewport viewport = { 1.0, -90.0, 300.0 };

  viewport = np_viewport_keep_visible (viewport, 100, 100, 200, 200, 32);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, -68.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_y, 168.0, EPS);

  /* A pan inside the limits is left alone: (5, 5) + (20, -3) = (25, 2). */
  viewport.offset_x = 5;
  viewport.offset_y = 5;
  viewport = np_viewport_keep_visible (np_viewport_pan (viewport, 20, -3), 100, 100, 200, 200, 32);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, 25.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_y, 2.0, EPS);

  /* A 10 × 10 image needs only its own 10 px in view: x may reach 0. */
  viewport.offset_x = -50;
  viewport = np_viewport_keep_visible (viewport, 10, 10, 200, 200, 32);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, 0.0, EPS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/viewport/pixel-centre", test_viewport_pixel_centre);
  g_test_add_func ("/core/viewport/fit", test_viewport_fit);
  g_test_add_func ("/core/viewport/zoom-at-anchor", test_viewport_zoom_at_anchor);
  g_test_add_func ("/core/viewport/zoom-limits", test_viewport_zoom_limits);
  g_test_add_func ("/core/viewport/keep-visible", test_viewport_keep_visible);
  return g_test_run ();
}
