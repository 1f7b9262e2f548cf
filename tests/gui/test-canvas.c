/* test-canvas.c — NpCanvas in a plain window of known size
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-canvas.h"
#include "np-gui-test-util.h"

#include <math.h>

#define EPS 1e-6

typedef struct
{
  GtkWindow *window;
  NpCanvas *canvas;
} Fixture;

typedef struct
{
  int width;
  int height;
} Size;

static gboolean
canvas_has_size (gpointer data)
{
  Fixture *fixture = data;
  Size *want = g_object_get_data (G_OBJECT (fixture->canvas), "want-size");

  return gtk_widget_get_width (GTK_WIDGET (fixture->canvas)) == want->width &&
         gtk_widget_get_height (GTK_WIDGET (fixture->canvas)) == want->height;
}

/* A GtkWindow without a title bar has no client-side decorations, so its
 * only child gets exactly the window's size. */
static void
fixture_resize (Fixture *fixture,
                int      width,
                int      height)
{
  Size *want = g_new (Size, 1);

  want->width = width;
  want->height = height;
  g_object_set_data_full (G_OBJECT (fixture->canvas), "want-size", want, g_free);
  gtk_window_set_default_size (fixture->window, width, height);
  np_test_wait_until (canvas_has_size, fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->canvas = NP_CANVAS (np_canvas_new ());
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->canvas));
  gtk_window_present (fixture->window);
  fixture_resize (fixture, 800, 600);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gtk_window_destroy (fixture->window);
}

/* 8-bit grey; sample (x, y) = value_at (x, y). */
static NpFrame *
make_frame (guint   width,
            guint   height,
            guint   (*value_at) (guint x, guint y))
{
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_frame_new (width, height, 1, 8, &error);

  g_assert_no_error (error);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      np_frame_set_sample (frame, x, y, 0, value_at (x, y));
  return frame;
}

static guint
mid_grey (guint x,
          guint y)
{
  return 128;
}

static guint
checkerboard (guint x,
              guint y)
{
  return (x + y) % 2 ? 255 : 0;
}

static void
test_fit_known_size (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (1024, 768, mid_grey);
  NpViewport viewport;

  np_canvas_set_frame (fixture->canvas, frame);

  /* 800 × 600 canvas, 16 px margins: room 768 × 568. Zoom = min (768/1024,
   * 568/768) = min (0.75, 0.7395833) = 568/768. The frame is then
   * 1024 · 568/768 = 757.33 px wide, centred at (800 - 757.33)/2 = 21.33,
   * and 568 px high at (600 - 568)/2 = 16. */
  viewport = np_canvas_get_viewport (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), 568.0 / 768.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, (800.0 - 1024.0 * 568.0 / 768.0) / 2.0, EPS);
  g_assert_cmpfloat_with_epsilon (viewport.offset_y, 16.0, EPS);

  /* Still fitted after a resize to 1000 × 800: room 968 × 768, zoom =
   * min (968/1024, 768/768) = 0.9453125. */
  fixture_resize (fixture, 1000, 800);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), 0.9453125, EPS);

  /* Once the user zooms, a resize leaves the zoom alone. */
  np_canvas_zoom_in (fixture->canvas);
  fixture_resize (fixture, 800, 600);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), 0.9453125 * G_SQRT2, EPS);

  /* Fit again: back to 568/768. */
  np_canvas_zoom_fit (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), 568.0 / 768.0, EPS);
}

static void
test_zoom_steps_keep_centre (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (1024, 768, mid_grey);
  double fitted;
  NpImagePoint centre;

  np_canvas_set_frame (fixture->canvas, frame);
  fitted = np_canvas_get_zoom (fixture->canvas);

  /* The fitted frame is centred, so the view centre (400, 300) shows the
   * frame centre (512, 384). */
  centre = np_canvas_widget_to_image (fixture->canvas, 400, 300);
  g_assert_cmpfloat_with_epsilon (centre.x, 512.0, EPS);
  g_assert_cmpfloat_with_epsilon (centre.y, 384.0, EPS);

  np_canvas_zoom_in (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), fitted * G_SQRT2, EPS);
  np_canvas_zoom_out (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), fitted, EPS);

  /* Actual size, then two steps of √2 = 2×: the centre stays put each time. */
  np_canvas_zoom_actual_size (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), 1.0, EPS);
  np_canvas_zoom_in (fixture->canvas);
  np_canvas_zoom_in (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (fixture->canvas), 2.0, EPS);
  centre = np_canvas_widget_to_image (fixture->canvas, 400, 300);
  g_assert_cmpfloat_with_epsilon (centre.x, 512.0, EPS);
  g_assert_cmpfloat_with_epsilon (centre.y, 384.0, EPS);
}

static void
test_conversions (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (1024, 768, mid_grey);
  double zoom = 568.0 / 768.0;
  double left = (800.0 - 1024.0 * zoom) / 2.0;
  NpWidgetPoint corner;
  NpImagePoint back;

  np_canvas_set_frame (fixture->canvas, frame);

  /* Fitted as in /gui/canvas/fit-known-size: image (0, 0) is at widget
   * (21.33, 16) and image (1024, 768) at (21.33 + 757.33, 16 + 568). */
  corner = np_canvas_image_to_widget (fixture->canvas, np_image_point (0, 0));
  g_assert_cmpfloat_with_epsilon (corner.x, left, EPS);
  g_assert_cmpfloat_with_epsilon (corner.y, 16.0, EPS);
  corner = np_canvas_image_to_widget (fixture->canvas, np_image_point (1024, 768));
  g_assert_cmpfloat_with_epsilon (corner.x, left + 1024.0 * zoom, EPS);
  g_assert_cmpfloat_with_epsilon (corner.y, 584.0, EPS);

  back = np_canvas_widget_to_image (fixture->canvas, corner.x, corner.y);
  g_assert_cmpfloat_with_epsilon (back.x, 1024.0, EPS);
  g_assert_cmpfloat_with_epsilon (back.y, 768.0, EPS);
}

/* Renders the canvas and reads the screen pixel at the centre of image pixel
 * (i, j) displaced by (dx, dy) widget pixels. */
static guint8
grey_at (NpTestImage *image,
         NpCanvas    *canvas,
         guint        i,
         guint        j,
         double       dx,
         double       dy)
{
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, np_image_point (i + 0.5, j + 0.5));
  guint8 rgb[3];

  np_test_image_pixel (image, (int) floor (w.x + dx), (int) floor (w.y + dy), rgb);
  g_assert_cmpuint (rgb[0], ==, rgb[1]);
  g_assert_cmpuint (rgb[1], ==, rgb[2]);
  return rgb[0];
}

static void
test_nearest_above_100 (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (64, 48, checkerboard);
  g_autoptr(NpTestImage) image = NULL;

  np_canvas_set_frame (fixture->canvas, frame);
  np_canvas_set_zoom (fixture->canvas, 4.0);
  image = np_test_render_widget (GTK_WIDGET (fixture->canvas));

  /* At 400 % each image pixel is a 4 × 4 block. Sampled without smoothing,
   * every screen pixel within 1.5 px of a block's centre has exactly the
   * pixel's value, 0 or 255; linear sampling would mix in 37.5 % of the
   * neighbour (1.5 px = 0.375 image px) there. */
  for (guint j = 20; j < 28; j++)
    for (guint i = 28; i < 36; i++)
      {
        guint8 expected = checkerboard (i, j);

        g_assert_cmpuint (grey_at (image, fixture->canvas, i, j, 0, 0), ==, expected);
        g_assert_cmpuint (grey_at (image, fixture->canvas, i, j, -1.4, -1.4), ==, expected);
        g_assert_cmpuint (grey_at (image, fixture->canvas, i, j, 1.4, 1.4), ==, expected);
      }
}

static void
test_smooth_below_100 (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (64, 48, checkerboard);
  g_autoptr(NpTestImage) image = NULL;
  NpWidgetPoint centre;

  np_canvas_set_frame (fixture->canvas, frame);
  np_canvas_set_zoom (fixture->canvas, 0.5);
  image = np_test_render_widget (GTK_WIDGET (fixture->canvas));

  /* At 50 % each screen pixel covers 2 × 2 image pixels, two black and two
   * white: smoothed, they come out mid-grey (about 128); nearest-neighbour
   * sampling would show pure 0 or 255. */
  centre = np_canvas_image_to_widget (fixture->canvas, np_image_point (32, 24));
  for (int dy = -6; dy <= 6; dy++)
    for (int dx = -6; dx <= 6; dx++)
      {
        guint8 rgb[3];

        np_test_image_pixel (image, (int) centre.x + dx, (int) centre.y + dy, rgb);
        g_assert_cmpuint (rgb[0], >, 40);
        g_assert_cmpuint (rgb[0], <, 215);
      }
}

typedef struct
{
  double zoom_seen;
  guint calls;
  gboolean destroyed;
} OverlayState;

static void
draw_red_square (cairo_t  *cr,
                 double    zoom,
                 gpointer  user_data)
{
  OverlayState *state = user_data;

  state->zoom_seen = zoom;
  state->calls++;
  /* Image pixels 8 to 11 in x and y. */
  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_rectangle (cr, 8, 8, 4, 4);
  cairo_fill (cr);
}

static void
overlay_destroyed (gpointer user_data)
{
  ((OverlayState *) user_data)->destroyed = TRUE;
}

static void
test_overlay_in_image_coordinates (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (64, 48, mid_grey);
  g_autoptr(NpTestImage) image = NULL;
  OverlayState state = { 0, 0, FALSE };
  GdkTexture *texture;
  NpWidgetPoint inside, outside;
  guint8 rgb[3];

  np_canvas_set_frame (fixture->canvas, frame);
  np_canvas_set_zoom (fixture->canvas, 4.0);
  np_canvas_set_overlay_func (fixture->canvas, draw_red_square, &state, overlay_destroyed);
  texture = np_canvas_get_texture (fixture->canvas);
  image = np_test_render_widget (GTK_WIDGET (fixture->canvas));

  g_assert_cmpuint (state.calls, >=, 1);
  g_assert_cmpfloat_with_epsilon (state.zoom_seen, 4.0, EPS);

  /* Image point (10, 10) is inside the square, (6, 6) outside, on grey. */
  inside = np_canvas_image_to_widget (fixture->canvas, np_image_point (10, 10));
  outside = np_canvas_image_to_widget (fixture->canvas, np_image_point (6, 6));
  np_test_image_pixel (image, (int) inside.x, (int) inside.y, rgb);
  g_assert_cmpuint (rgb[0], ==, 255);
  g_assert_cmpuint (rgb[1], ==, 0);
  g_assert_cmpuint (rgb[2], ==, 0);
  np_test_image_pixel (image, (int) outside.x, (int) outside.y, rgb);
  g_assert_cmpuint (rgb[0], ==, 128);
  g_assert_cmpuint (rgb[1], ==, 128);

  /* An overlay redraw or a zoom reuses the frame's texture; a new window
   * makes a new one. */
  np_canvas_queue_overlay_redraw (fixture->canvas);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (fixture->canvas));
  g_assert_true (np_canvas_get_texture (fixture->canvas) == texture);
  np_canvas_zoom_in (fixture->canvas);
  g_assert_true (np_canvas_get_texture (fixture->canvas) == texture);
  np_canvas_set_window_level (fixture->canvas, (NpWindowLevel) { 100.0, 50.0 });
  g_assert_true (np_canvas_get_texture (fixture->canvas) != texture);

  np_canvas_set_overlay_func (fixture->canvas, NULL, NULL, NULL);
  g_assert_true (state.destroyed);
}

typedef struct
{
  double x;
  double y;
  gboolean inside;
  guint count;
} CursorState;

static void
cursor_moved_cb (NpCanvas *canvas,
                 double    x,
                 double    y,
                 gboolean  inside,
                 gpointer  user_data)
{
  CursorState *state = user_data;

  state->x = x;
  state->y = y;
  state->inside = inside;
  state->count++;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_cursor_moved (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (1024, 768, mid_grey);
  GtkEventController *motion = find_controller (GTK_WIDGET (fixture->canvas),
                                                GTK_TYPE_EVENT_CONTROLLER_MOTION);
  CursorState state = { 0, 0, FALSE, 0 };

  np_canvas_set_frame (fixture->canvas, frame);
  g_signal_connect (fixture->canvas, "cursor-moved", G_CALLBACK (cursor_moved_cb), &state);

  /* The view centre shows the frame centre (512, 384). */
  g_signal_emit_by_name (motion, "motion", 400.0, 300.0);
  g_assert_cmpuint (state.count, ==, 1);
  g_assert_cmpfloat_with_epsilon (state.x, 512.0, EPS);
  g_assert_cmpfloat_with_epsilon (state.y, 384.0, EPS);
  g_assert_true (state.inside);

  /* Widget (5, 5) is in the margin, left of and above the frame:
   * ((5 - 21.33) · 768/568, (5 - 16) · 768/568) = (-22.08, -14.87). */
  g_signal_emit_by_name (motion, "motion", 5.0, 5.0);
  g_assert_cmpfloat_with_epsilon (state.x, (5.0 - (800.0 - 1024.0 * 568.0 / 768.0) / 2.0) *
                                  768.0 / 568.0, EPS);
  g_assert_cmpfloat_with_epsilon (state.y, (5.0 - 16.0) * 768.0 / 568.0, EPS);
  g_assert_false (state.inside);

  /* Zooming under a still pointer reports the point again. */
  g_signal_emit_by_name (motion, "motion", 400.0, 300.0);
  np_canvas_zoom_in (fixture->canvas);
  g_assert_cmpuint (state.count, ==, 4);

  g_signal_emit_by_name (motion, "leave");
  g_assert_false (state.inside);

  g_signal_handlers_disconnect_by_func (fixture->canvas, cursor_moved_cb, &state);
}

static void
test_sixteen_bit_default_window (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (100, 10, 1, 16, &error);
  NpWindowLevel window;

  /* Values 1000 … 1999, ten of each: a 16-bit frame that would be black
   * (1999/65536 of full scale) without an automatic window. */
  g_assert_no_error (error);
  for (guint y = 0; y < 10; y++)
    for (guint x = 0; x < 100; x++)
      np_frame_set_sample (frame, x, y, 0, 1000 + y * 100 + x);

  np_canvas_set_frame (fixture->canvas, frame);
  window = np_canvas_get_window_level (fixture->canvas);

  /* The window spans the data (width about 1000 around 1500), not the
   * 65536 values of the bit depth. */
  g_assert_cmpfloat (window.width, <=, 1001.0);
  g_assert_cmpfloat (window.width, >=, 900.0);
  g_assert_cmpfloat (window.center, >=, 1450.0);
  g_assert_cmpfloat (window.center, <=, 1550.0);

  np_canvas_apply_window_preset (fixture->canvas, NP_WINDOW_PRESET_FULL_RANGE);
  window = np_canvas_get_window_level (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (window.width, 65535.0, EPS);

  np_canvas_reset_window_level (fixture->canvas);
  g_assert_cmpfloat (np_canvas_get_window_level (fixture->canvas).width, <=, 1001.0);
}

static guint
ramp (guint x,
      guint y)
{
  return 2 * x + y;
}

static gpointer
make_image_thread (gpointer frame)
{
  return np_canvas_image_new (frame);
}

/* The window loads frames in a worker thread and hands the canvas what it
 * made there; the canvas then shows exactly that, computing nothing. */
static void
test_image_made_in_a_thread (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_frame (100, 20, ramp);
  g_autoptr(NpCanvasImage) image = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) deep = np_frame_new (100, 1, 1, 16, &error);
  g_autoptr(NpCanvasImage) deep_image = NULL;
  g_autofree guint8 *pixels = g_malloc (100 * 20 * 4);
  NpWindowLevel window;

  g_assert_no_error (error);
  image = g_thread_join (g_thread_new ("image", make_image_thread, frame));
  g_assert_true (image->frame == frame);
  /* 8-bit frames open as stored: 0 black, 255 white, each value its own grey. */
  g_assert_cmpfloat_with_epsilon (image->window_level.center, 128.0, EPS);
  g_assert_cmpfloat_with_epsilon (image->window_level.width, 256.0, EPS);
  /* Values 0 (x = 0, y = 0) to 2 · 99 + 19 = 217. */
  g_assert_cmpfloat_with_epsilon (image->value_span, 218.0, EPS);
  g_assert_cmpint (gdk_texture_get_width (image->texture), ==, 100);
  g_assert_cmpint (gdk_texture_get_height (image->texture), ==, 20);
  gdk_texture_download (image->texture, pixels, 100 * 4);
  for (guint y = 0; y < 20; y++)
    for (guint x = 0; x < 100; x++)
      {
        const guint8 *p = pixels + (y * 100 + x) * 4;  /* B, G, R, A */

        g_assert_cmpuint (p[0], ==, ramp (x, y));
        g_assert_cmpuint (p[1], ==, ramp (x, y));
        g_assert_cmpuint (p[2], ==, ramp (x, y));
        g_assert_cmpuint (p[3], ==, 255);
      }

  np_canvas_set_image (fixture->canvas, image);
  g_assert_true (np_canvas_get_frame (fixture->canvas) == frame);
  g_assert_true (np_canvas_get_texture (fixture->canvas) == image->texture);
  window = np_canvas_get_window_level (fixture->canvas);
  g_assert_cmpfloat_with_epsilon (window.center, 128.0, EPS);
  g_assert_cmpfloat_with_epsilon (window.width, 256.0, EPS);

  /* A 16-bit frame using 0 to 990: the drag scale is its data range, not
   * the 65536 values of the bit depth. */
  for (guint x = 0; x < 100; x++)
    np_frame_set_sample (deep, x, 0, 0, 10 * x);
  deep_image = g_thread_join (g_thread_new ("image", make_image_thread, deep));
  g_assert_cmpfloat_with_epsilon (deep_image->value_span, 991.0, EPS);
  g_assert_cmpfloat (deep_image->window_level.width, <=, 991.0);
}


static void
test_display_factor (void)
{
  /* A 4096² frame in the default 1200 × 760 window: fitted it is drawn at
   * most 760/4096 = 0.186 of its size, so a copy a quarter the size
   * (1024 px, zoom 0.74 of it) still has a texel per screen pixel, an
   * eighth (512 px) would not. */
  g_assert_cmpuint (np_canvas_image_display_factor (4096, 4096, 1200, 760), ==, 4);
  /* 1920 × 1080 fits 1200 × 760 at 0.625 (more than a half): no copy. */
  g_assert_cmpuint (np_canvas_image_display_factor (1920, 1080, 1200, 760), ==, 1);
  /* 2048 × 1536 in 800 × 600: the width needs 2048/800 = 2.56, so 2. */
  g_assert_cmpuint (np_canvas_image_display_factor (2048, 1536, 800, 600), ==, 2);
  /* No view: the whole frame. */
  g_assert_cmpuint (np_canvas_image_display_factor (4096, 4096, 0, 0), ==, 1);
}

/* 16-bit checkerboard of 1000 and 3000. */
static NpFrame *
make_deep_checkerboard (guint width,
                        guint height)
{
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_frame_new (width, height, 1, 16, &error);

  g_assert_no_error (error);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      np_frame_set_sample (frame, x, y, 0, (x + y) % 2 ? 3000 : 1000);
  return frame;
}

static gboolean
full_texture_drawn (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(NpTestImage) image = np_test_render_widget (GTK_WIDGET (fixture->canvas));
  GdkTexture *drawn = np_canvas_get_drawn_texture (fixture->canvas);

  return drawn != NULL && gdk_texture_get_width (drawn) == 2048;
}

/* A frame much larger than the view opens with a reduced 8-bit copy; the
 * full-resolution texture follows for zooming in; past 100 % the frame's
 * own 16-bit samples decide every pixel. */
static void
test_display_copy_then_full (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_deep_checkerboard (2048, 1536);
  g_autoptr(NpCanvasImage) image = np_canvas_image_new_for_view (frame, 800, 600);
  g_autoptr(NpTestImage) rendered = NULL;
  g_autofree guint8 *pixels = NULL;
  NpWidgetPoint centre;

  /* Half the samples 1000, half 3000: the 0.5th percentile is 1000, the
   * 99.5th 3000, so the window runs from 1000 to 3001 (centre 2000.5,
   * width 2001), as np_window_level_default() says. */
  g_assert_cmpfloat_with_epsilon (image->window_level.center, 2000.5, EPS);
  g_assert_cmpfloat_with_epsilon (image->window_level.width, 2001.0, EPS);
  g_assert_cmpfloat_with_epsilon (np_window_level_default (frame).center, 2000.5, EPS);
  g_assert_cmpfloat_with_epsilon (image->value_span, 2001.0, EPS);

  /* Reduced twice: each display sample is the mean of two 1000s and two
   * 3000s, 2000, kept in 16 bits; through the window floor (999.5 / 2001 ·
   * 256) = 127. */
  g_assert_cmpuint (image->display_factor, ==, 2);
  g_assert_cmpuint (np_frame_get_width (image->display_frame), ==, 1024);
  g_assert_cmpuint (np_frame_get_height (image->display_frame), ==, 768);
  g_assert_cmpuint (np_frame_get_bit_depth (image->display_frame), ==, 16);
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 0, 0, 0), ==, 2000);
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 1023, 767, 0), ==, 2000);
  g_assert_cmpint (gdk_texture_get_width (image->texture), ==, 1024);
  pixels = g_malloc (1024 * 768 * 4);
  gdk_texture_download (image->texture, pixels, 1024 * 4);
  g_assert_cmpuint (pixels[0], ==, 127);
  g_assert_cmpuint (pixels[(767 * 1024 + 1023) * 4 + 2], ==, 127);
  /* The frame itself is untouched. */
  g_assert_cmpuint (np_frame_get_sample (frame, 0, 0, 0), ==, 1000);
  g_assert_cmpuint (np_frame_get_sample (frame, 1, 0, 0), ==, 3000);

  np_canvas_set_image (fixture->canvas, image);
  /* Fitted: (600 - 32) / 1536 = 0.37, the copy at 0.74 of its size. */
  rendered = np_test_render_widget (GTK_WIDGET (fixture->canvas));
  g_assert_true (np_canvas_get_drawn_texture (fixture->canvas) == image->texture);
  centre = np_canvas_image_to_widget (fixture->canvas, np_image_point (1024, 768));
  {
    guint8 rgb[3];

    np_test_image_pixel (rendered, (int) centre.x, (int) centre.y, rgb);
    g_assert_cmpuint (rgb[0], ==, 127);
  }

  /* At 70 % the copy would be drawn at 1.4 times its size: the full
   * texture replaces it once made. */
  np_canvas_set_zoom (fixture->canvas, 0.7);
  np_test_wait_until (full_texture_drawn, fixture);

  /* At 200 % every image pixel is a 2 × 2 block of its own value: 0 for
   * 1000, floor (1999.5 / 2001 · 256) = 255 for 3000, never the copy's 127. */
  np_canvas_set_zoom (fixture->canvas, 2.0);
  g_clear_pointer (&rendered, np_test_image_free);
  rendered = np_test_render_widget (GTK_WIDGET (fixture->canvas));
  g_assert_null (np_canvas_get_drawn_texture (fixture->canvas));
  for (guint j = 764; j < 772; j++)
    for (guint i = 1020; i < 1028; i++)
      g_assert_cmpuint (grey_at (rendered, fixture->canvas, i, j, 0, 0), ==,
                        (i + j) % 2 ? 255 : 0);
}

/* A window/level change while zoomed out redraws from the reduced copy
 * at once and never loses its 16 bits: 1000 and 3000 stay apart. */
static void
test_display_copy_window_level (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(NpFrame) frame = make_deep_checkerboard (2048, 1536);
  g_autoptr(NpCanvasImage) image = np_canvas_image_new_for_view (frame, 800, 600);
  g_autoptr(NpTestImage) rendered = NULL;
  NpWidgetPoint centre;
  guint8 rgb[3];

  np_canvas_set_image (fixture->canvas, image);
  /* Window 1900 to 2100: the mean 2000 maps to floor (100 / 200 · 256) = 128. */
  np_canvas_set_window_level (fixture->canvas, (NpWindowLevel) { 2000.0, 200.0 });
  rendered = np_test_render_widget (GTK_WIDGET (fixture->canvas));
  g_assert_nonnull (np_canvas_get_drawn_texture (fixture->canvas));
  g_assert_cmpint (gdk_texture_get_width (np_canvas_get_drawn_texture (fixture->canvas)), ==,
                   1024);
  centre = np_canvas_image_to_widget (fixture->canvas, np_image_point (1024, 768));
  np_test_image_pixel (rendered, (int) centre.x, (int) centre.y, rgb);
  g_assert_cmpuint (rgb[0], ==, 128);
}


/* The display copy of an RGB frame whose sides are no multiple of the
 * factor: each sample is the rounded mean of its block, partial blocks at
 * the right and bottom edges included. */
static void
test_display_copy_edges (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (9, 5, 3, 8, &error);
  g_autoptr(NpCanvasImage) image = NULL;

  g_assert_no_error (error);
  for (guint y = 0; y < 5; y++)
    for (guint x = 0; x < 9; x++)
      for (guint c = 0; c < 3; c++)
        np_frame_set_sample (frame, x, y, c, x + 10 * y + 50 * c);

  /* 9 ≥ 2 · 4 · 2 but not 2 · 8 · 2: factor 4, a 3 × 2 copy. */
  image = np_canvas_image_new_for_view (frame, 2, 2);
  g_assert_cmpuint (image->display_factor, ==, 4);
  g_assert_cmpuint (np_frame_get_width (image->display_frame), ==, 3);
  g_assert_cmpuint (np_frame_get_height (image->display_frame), ==, 2);
  g_assert_cmpuint (np_frame_get_channels (image->display_frame), ==, 3);
  /* Block x 0–3, y 0–3: mean x 1.5, mean y 1.5, so 1.5 + 15 (+ 50 c):
   * 16.5 rounds half up to 17. */
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 0, 0, 0), ==, 17);
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 0, 0, 2), ==, 117);
  /* Block x 4–7, y 4 only: mean x 5.5, y 4: 45.5 → 46. */
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 1, 1, 0), ==, 46);
  /* The corner block is the single pixel (8, 4): 48, 98, 148. */
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 2, 1, 0), ==, 48);
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 2, 1, 1), ==, 98);
  g_assert_cmpuint (np_frame_get_sample (image->display_frame, 2, 1, 2), ==, 148);
  /* 8-bit frames open as stored. */
  g_assert_cmpfloat_with_epsilon (image->window_level.center, 128.0, EPS);
  g_assert_cmpfloat_with_epsilon (image->window_level.width, 256.0, EPS);
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  gtk_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/gui/canvas/fit-known-size", test_fit_known_size);
  ADD ("/gui/canvas/zoom-steps-keep-centre", test_zoom_steps_keep_centre);
  ADD ("/gui/canvas/conversions", test_conversions);
  ADD ("/gui/canvas/nearest-above-100", test_nearest_above_100);
  ADD ("/gui/canvas/smooth-below-100", test_smooth_below_100);
  ADD ("/gui/canvas/overlay-in-image-coordinates", test_overlay_in_image_coordinates);
  ADD ("/gui/canvas/cursor-moved", test_cursor_moved);
  ADD ("/gui/canvas/sixteen-bit-default-window", test_sixteen_bit_default_window);
  ADD ("/gui/canvas/image-made-in-a-thread", test_image_made_in_a_thread);
  ADD ("/gui/canvas/display-copy-then-full", test_display_copy_then_full);
  ADD ("/gui/canvas/display-copy-window-level", test_display_copy_window_level);
#undef ADD
  g_test_add_func ("/gui/canvas/display-factor", test_display_factor);
  g_test_add_func ("/gui/canvas/display-copy-edges", test_display_copy_edges);

  status = g_test_run ();
  np_test_finish ();
  return status;
}
