/* test-window.c — the real application window, driven through its actions
 * and key bindings
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-gui-test-util.h"
#include "np-window.h"

#include <math.h>

#define EPS 1e-6

static NpApplication *app;

/* Helpers */

static void
open_path (NpWindow   *window,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  np_window_open_file (window, file);
  g_assert_true (np_window_get_loading (window));
  np_test_wait_window_idle (window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (np_window_get_canvas (window)));
}

static char *
testdata_path (const char *relative)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");

  return g_build_filename (dir != NULL ? dir : NP_TESTDATA_DIR, relative, NULL);
}

static guint
ramp_value (guint x,
            guint y)
{
  return (x * 7 + y * 3) % 256;
}

/* A 1024 × 768 8-bit grey frame on disk. */
static char *
save_ramp_frame (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (1024, 768, 1, 8, &error);

  g_assert_no_error (error);
  for (guint y = 0; y < 768; y++)
    for (guint x = 0; x < 1024; x++)
      np_frame_set_sample (frame, x, y, 0, ramp_value (x, y));
  return np_test_save_frame (frame, name);
}

/* The frame's rectangle on the rendered window. */
static graphene_rect_t
frame_rect_in_window (NpWindow *window)
{
  NpCanvas *canvas = np_window_get_canvas (window);
  NpFrame *frame = np_canvas_get_frame (canvas);
  graphene_rect_t canvas_bounds = np_test_bounds_in (GTK_WIDGET (canvas), GTK_WIDGET (window));
  NpWidgetPoint top_left = np_canvas_image_to_widget (canvas, np_image_point (0, 0));
  NpWidgetPoint bottom_right =
    np_canvas_image_to_widget (canvas, np_image_point (np_frame_get_width (frame),
                                                       np_frame_get_height (frame)));
  graphene_rect_t rect;

  graphene_rect_init (&rect, canvas_bounds.origin.x + top_left.x,
                      canvas_bounds.origin.y + top_left.y,
                      bottom_right.x - top_left.x, bottom_right.y - top_left.y);
  /* Only what is on screen. */
  graphene_rect_intersection (&rect, &canvas_bounds, &rect);
  return rect;
}

static AdwMessageDialog *
find_message_dialog (NpWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* Tests */

static void
test_empty_state (void)
{
  NpWindow *window = np_test_new_window (app);
  GtkStack *stack = GTK_STACK (np_test_template_child (window, "view_stack"));
  GFile *sample;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "NeedlePlan");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_false (np_window_has_frame (window));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (np_window_get_status_bar (window))));
  g_assert_false (gtk_widget_get_sensitive (np_test_template_child (window, "zoom_button")));
  g_assert_false (gtk_widget_get_sensitive (np_test_template_child (window,
                                                                    "window_level_button")));

  /* "Open Sample" is offered exactly when a sample frame exists (the
   * search waits until the window is idle; asking for the file ends it). */
  sample = np_window_get_sample_file (window);
  g_assert_cmpint (gtk_widget_get_visible (np_test_template_child (window,
                                                                   "open_sample_button")),
                   ==, sample != NULL);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_training_built_on_demand (void)
{
  NpWindow *window = np_test_new_window (app);
  GtkStack *stack = GTK_STACK (np_test_template_child (window, "mode_stack"));
  GtkWidget *train_page = np_test_template_child (window, "train_page");
  GtkWidget *view;

  /* Both modes are offered from the start... */
  g_assert_true (gtk_widget_get_visible (np_test_template_child (window, "mode_switcher")));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "plan");
  g_assert_true (gtk_stack_get_child_by_name (stack, "train") == train_page);
  /* ...but the training view (and its library scan) waits until asked for. */
  g_assert_null (gtk_widget_get_first_child (train_page));

  gtk_stack_set_visible_child_name (stack, "train");
  view = gtk_widget_get_first_child (train_page);
  g_assert_nonnull (view);
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (view), ==, "NpTrainingView");
  g_assert_null (gtk_widget_get_next_sibling (view));

  /* Back and forth keeps the one view (and the trainee's place in it). */
  gtk_stack_set_visible_child_name (stack, "plan");
  gtk_stack_set_visible_child_name (stack, "train");
  g_assert_true (gtk_widget_get_first_child (train_page) == view);
  g_assert_null (gtk_widget_get_next_sibling (view));

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_sixteen_bit_frame_visible (void)
{
  g_autofree char *path = testdata_path ("frames/XA1_WG04_16bit.png");
  g_autoptr(NpTestImage) image = NULL;
  NpWindow *window;
  NpCanvas *canvas;
  GtkStack *stack;
  graphene_rect_t frame_rect, canvas_bounds, surround;
  double frame_mean, surround_mean;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no XA1 frame");
      return;
    }

  window = np_test_new_window (app);
  canvas = np_window_get_canvas (window);
  open_path (window, path);

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "XA1_WG04_16bit.png — NeedlePlan");
  stack = GTK_STACK (np_test_template_child (window, "view_stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "frame");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (np_window_get_status_bar (window))));

  image = np_test_render_widget (GTK_WIDGET (window));
  frame_rect = frame_rect_in_window (window);
  canvas_bounds = np_test_bounds_in (GTK_WIDGET (canvas), GTK_WIDGET (window));

  /* The surround, left of the square frame in the wide window, is the dark
   * #141414 (20) of style.css, in the dark and the light style alike. */
  g_assert_cmpfloat (frame_rect.origin.x - canvas_bounds.origin.x, >, 20);
  /* Inset by 8 px: the tool column's border runs along the canvas's left edge. */
  graphene_rect_init (&surround, canvas_bounds.origin.x + 8, canvas_bounds.origin.y + 8,
                      frame_rect.origin.x - canvas_bounds.origin.x - 16,
                      canvas_bounds.size.height - 16);
  surround_mean = np_test_image_mean (image, &surround);
  g_assert_cmpfloat (fabs (surround_mean - 20.0), <, 1.0);

  /* Values 0–504 of 65535 would render black (504/65536 · 256 < 2); with
   * the automatic window the X-ray field (a disc filling 78 % of the
   * square) is mid-grey and bright, far above the surround. */
  frame_mean = np_test_image_mean (image, &frame_rect);
  g_assert_cmpfloat (frame_mean, >, 60.0);
  g_assert_cmpfloat (frame_mean, >, surround_mean + 40.0);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_window_presets_change_pixels (void)
{
  g_autofree char *path = testdata_path ("frames/XA1_WG04_16bit.png");
  NpWindow *window;
  NpCanvas *canvas;
  NpWindowLevel opened, full;
  double mean;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no XA1 frame");
      return;
    }

  window = np_test_new_window (app);
  canvas = np_window_get_canvas (window);
  open_path (window, path);
  opened = np_canvas_get_window_level (canvas);

  /* Full range: 0 to 65535, so a sample v shows as floor (v · 256 / 65535);
   * the brightest sample, 504, gives floor (1.97) = 1. Every screen pixel
   * of the frame is 0 or 1. */
  gtk_widget_activate_action (GTK_WIDGET (window), "view.window-preset", "s", "full-range");
  full = np_canvas_get_window_level (canvas);
  g_assert_cmpfloat_with_epsilon (full.width, 65535.0, 1.0);
  {
    g_autoptr(NpTestImage) image = np_test_render_widget (GTK_WIDGET (window));
    graphene_rect_t rect = frame_rect_in_window (window);

    mean = np_test_image_mean (image, &rect);
    g_assert_cmpfloat (mean, <=, 1.0);
  }

  /* Reset: the window the frame opened with, and a visible frame again. */
  gtk_widget_activate_action (GTK_WIDGET (window), "view.window-reset", NULL);
  g_assert_cmpfloat (np_canvas_get_window_level (canvas).center, ==, opened.center);
  g_assert_cmpfloat (np_canvas_get_window_level (canvas).width, ==, opened.width);
  {
    g_autoptr(NpTestImage) image = np_test_render_widget (GTK_WIDGET (window));
    graphene_rect_t rect = frame_rect_in_window (window);

    g_assert_cmpfloat (np_test_image_mean (image, &rect), >, 60.0);
  }

  /* High contrast (5th–95th percentile) is narrower than automatic
   * (0.5th–99.5th): more of the frame clips to black or white. */
  gtk_widget_activate_action (GTK_WIDGET (window), "view.window-preset", "s", "high-contrast");
  g_assert_cmpfloat (np_canvas_get_window_level (canvas).width, <, opened.width);

  np_test_destroy_window (GTK_WINDOW (window));
}

/* Which part of the window @widget is in: 0 header, 1 tools, 2 canvas,
 * 3 side panel, -1 elsewhere. */
static int
focus_region (NpWindow  *window,
              GtkWidget *widget)
{
  GtkWidget *parts[] = {
    gtk_widget_get_ancestor (np_test_template_child (window, "save_button"), ADW_TYPE_HEADER_BAR),
    np_test_template_child (window, "tool_column"),
    np_test_template_child (window, "canvas"),
    np_test_template_child (window, "side_panel"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      GtkWidget *part = parts[i];

      if (widget == part || gtk_widget_is_ancestor (widget, part))
        return (int) i;
    }
  return -1;
}

/* Tab walks the window as it reads: the header, the tools, the canvas,
 * then the side panel (issue 20), each reached. */
static void
test_focus_order (void)
{
  g_autofree char *path = save_ramp_frame ("focus.png");
  NpWindow *window = np_test_new_window (app);
  int first_visit[4] = { -1, -1, -1, -1 };
  int step = 0;

  open_path (window, path);
  gtk_widget_grab_focus (np_test_template_child (window, "save_button"));
  for (step = 0; step < 400; step++)
    {
      GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
      int region = focus != NULL ? focus_region (window, focus) : -1;

      if (region >= 0 && first_visit[region] < 0)
        first_visit[region] = step;
      if (first_visit[3] >= 0)
        break;
      if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
        break;
    }
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (first_visit[i], >=, 0);
  g_assert_cmpint (first_visit[0], <, first_visit[1]);
  g_assert_cmpint (first_visit[1], <, first_visit[2]);
  g_assert_cmpint (first_visit[2], <, first_visit[3]);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_zoom_keys (void)
{
  g_autofree char *path = save_ramp_frame ("ramp.png");
  NpWindow *window = np_test_new_window (app);
  NpCanvas *canvas = np_window_get_canvas (window);
  int width, height;
  double fitted;

  open_path (window, path);
  width = gtk_widget_get_width (GTK_WIDGET (canvas));
  height = gtk_widget_get_height (GTK_WIDGET (canvas));

  /* Fitted on open: the larger zoom at which 1024 × 768 fits the canvas
   * less 16 px on each side. */
  fitted = MIN ((width - 32.0) / 1024.0, (height - 32.0) / 768.0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), fitted, EPS);

  np_test_press_key (GTK_WIDGET (window), GDK_KEY_plus, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), fitted * G_SQRT2, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_minus, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), fitted, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_1, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), 1.0, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_equal, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), G_SQRT2, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_KP_Add, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), 2.0, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_KP_Subtract, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), G_SQRT2, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_0, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), fitted, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_plus, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), fitted * G_SQRT2, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_KP_0, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), fitted, EPS);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_KP_1, 0);
  g_assert_cmpfloat_with_epsilon (np_canvas_get_zoom (canvas), 1.0, EPS);

  /* The status line follows: "100 %" at actual size. */
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_1, 0);
  g_assert_cmpstr (np_status_bar_get_zoom_text (np_window_get_status_bar (window)), ==, "100 %");

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_corrupt_file_keeps_frame (void)
{
  g_autofree char *good = save_ramp_frame ("good.png");
  g_autofree char *bad = np_test_write_file ("bad.png", "This is not a PNG file.\n");
  g_autofree char *missing = g_build_filename (g_get_user_cache_dir (), "missing.png", NULL);

  NpWindow *window = np_test_new_window (app);
  NpCanvas *canvas = np_window_get_canvas (window);
  AdwMessageDialog *dialog;
  NpFrame *shown;
  double zoom;

  open_path (window, good);
  shown = np_canvas_get_frame (canvas);
  np_canvas_zoom_in (canvas);
  zoom = np_canvas_get_zoom (canvas);

  open_path (window, bad);
  dialog = find_message_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Frame");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "bad.png"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not a PNG or JPEG image"));

  /* The frame, its view and the title are as they were. */
  g_assert_true (np_canvas_get_frame (canvas) == shown);
  g_assert_cmpfloat (np_canvas_get_zoom (canvas), ==, zoom);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "good.png — NeedlePlan");
  gtk_window_destroy (GTK_WINDOW (dialog));

  open_path (window, missing);
  dialog = find_message_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "missing.png"));
  g_assert_true (np_canvas_get_frame (canvas) == shown);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
emit_motion_at_image_point (NpCanvas     *canvas,
                            NpImagePoint  point)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (canvas));
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, point);
  guint reached = 0;

  /* A real motion reaches every motion controller of the canvas (its own
   * and the planning tools'). */
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        {
          g_signal_emit_by_name (controller, "motion", w.x, w.y);
          reached++;
        }
    }
  g_assert_cmpuint (reached, >, 0);
}

static void
test_status_bar (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) deep = np_frame_new (64, 48, 1, 16, &error);
  g_autoptr(NpFrame) colour = np_frame_new (64, 48, 3, 8, NULL);
  g_autofree char *deep_path = NULL;
  g_autofree char *colour_path = NULL;
  NpWindow *window = np_test_new_window (app);
  NpCanvas *canvas = np_window_get_canvas (window);
  NpStatusBar *status_bar = np_window_get_status_bar (window);

  /* 16-bit grey, sample (x, y) = 1000 x + y; RGB, (x, y, 7). */
  g_assert_no_error (error);
  for (guint y = 0; y < 48; y++)
    for (guint x = 0; x < 64; x++)
      {
        np_frame_set_sample (deep, x, y, 0, 1000 * x + y);
        np_frame_set_sample (colour, x, y, 0, x);
        np_frame_set_sample (colour, x, y, 1, y);
        np_frame_set_sample (colour, x, y, 2, 7);
      }
  deep_path = np_test_save_frame (deep, "deep.png");
  colour_path = np_test_save_frame (colour, "colour.png");

  /* Image point (20.5, 10.5) is the centre of pixel (20, 10): raw value
   * 1000 · 20 + 10 = 20010, not a display value. */
  open_path (window, deep_path);
  emit_motion_at_image_point (canvas, np_image_point (20.5, 10.5));
  g_assert_cmpstr (np_status_bar_get_position_text (status_bar), ==, "20.5, 10.5 px");
  g_assert_cmpstr (np_status_bar_get_value_text (status_bar), ==, "20010");

  /* Point (3.9, 2.1) lies in pixel (3, 2). */
  open_path (window, colour_path);
  emit_motion_at_image_point (canvas, np_image_point (3.9, 2.1));
  g_assert_cmpstr (np_status_bar_get_position_text (status_bar), ==, "3.9, 2.1 px");
  g_assert_cmpstr (np_status_bar_get_value_text (status_bar), ==, "R 3  G 2  B 7");

  /* Off the frame: no position, no value. */
  emit_motion_at_image_point (canvas, np_image_point (-1, 5));
  g_assert_cmpstr (np_status_bar_get_position_text (status_bar), ==, "—");
  g_assert_cmpstr (np_status_bar_get_value_text (status_bar), ==, "—");

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_drop_files (void)
{
  g_autofree char *first = save_ramp_frame ("first.png");
  g_autofree char *second = save_ramp_frame ("second.png");
  NpWindow *window = np_test_new_window (app);
  g_autoptr(GListModel) controllers =
    gtk_widget_observe_controllers (np_test_template_child (window, "workspace"));
  GtkDropTarget *target = NULL;
  GSList *files = NULL;
  GValue value = G_VALUE_INIT;
  gboolean accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        target = GTK_DROP_TARGET (controller);
    }
  g_assert_nonnull (target);

  /* Two files dropped: the first opens. */
  files = g_slist_append (files, g_file_new_for_path (first));
  files = g_slist_append (files, g_file_new_for_path (second));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, files);
  g_signal_emit_by_name (target, "drop", &value, 100.0, 100.0, &accepted);
  g_value_unset (&value);

  g_assert_true (accepted);
  np_test_wait_window_idle (window);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "first.png — NeedlePlan");

  np_test_destroy_window (GTK_WINDOW (window));
}

static gboolean
recent_menu_lists (gpointer data)
{
  NpWindow *window = data;
  GtkMenuButton *button = GTK_MENU_BUTTON (np_test_template_child (window, "recent_button"));
  GMenuModel *menu = gtk_menu_button_get_menu_model (button);
  g_autofree char *uri = g_file_get_uri (np_window_get_file (window));

  for (int i = 0; menu != NULL && i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (menu, i, "target",
                                                                          G_VARIANT_TYPE_STRING);

      if (target != NULL && g_str_equal (g_variant_get_string (target, NULL), uri))
        return TRUE;
    }
  return FALSE;
}

static void
test_recent_menu (void)
{
  g_autofree char *path = save_ramp_frame ("recent_frame.png");
  NpWindow *window = np_test_new_window (app);
  GtkWidget *button = np_test_template_child (window, "recent_button");

  open_path (window, path);
  np_test_wait_until (recent_menu_lists, window);
  g_assert_true (gtk_widget_get_sensitive (button));

  /* Newest first; the label keeps its underscore rather than making it a
   * mnemonic, and names the folder (a scratch folder under /tmp, short
   * enough to be shown whole). */
  {
    GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
    g_autofree char *label = NULL;
    g_autofree char *folder = g_path_get_dirname (path);
    g_autofree char *expected = g_strdup_printf ("recent__frame.png — %s", folder);

    g_assert_true (g_menu_model_get_item_attribute (menu, 0, "label", "s", &label));
    g_assert_cmpstr (label, ==, expected);
  }

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_open_sample (void)
{
  NpWindow *window = np_test_new_window (app);
  GFile *sample = np_window_get_sample_file (window);

  if (sample == NULL)
    {
      /* No sample library: no button, nothing to open. */
      g_assert_false (gtk_widget_get_visible (np_test_template_child (window,
                                                                      "open_sample_button")));
      np_test_destroy_window (GTK_WINDOW (window));
      g_test_skip ("no sample frame under data/cases yet");
      return;
    }

  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-sample", NULL);
  np_test_wait_window_idle (window);
  g_assert_true (np_window_has_frame (window));
  g_assert_true (g_file_equal (np_window_get_file (window), sample));

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_size_saved (void)
{
  GSettings *settings = np_application_get_settings (app);
  NpWindow *window = np_test_new_window (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 650);
  gtk_window_close (GTK_WINDOW (window));

  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 650);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  /* The next window opens at that size. */
  window = np_test_new_window (app);
  {
    int width, height;

    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
    g_assert_cmpint (width, ==, 900);
    g_assert_cmpint (height, ==, 650);
  }
  np_test_destroy_window (GTK_WINDOW (window));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");
}

static gboolean
accel_listed (GHashTable      *listed,
              guint            keyval,
              GdkModifierType  modifiers)
{
  g_autofree char *name = gtk_accelerator_name (gdk_keyval_to_lower (keyval), modifiers);

  return g_hash_table_contains (listed, name);
}

static void
test_shortcuts_window_lists_every_key (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/org/needleplan/NeedlePlan/np-shortcuts.ui");
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GSList *objects = gtk_builder_get_objects (builder);
  NpWindow *window = np_test_new_window (app);
  g_autoptr(GListModel) window_controllers =
    gtk_widget_observe_controllers (GTK_WIDGET (window));
  /* The canvas has keys of its own (the frame picker's, while it has the focus). */
  g_autoptr(GListModel) canvas_controllers =
    gtk_widget_observe_controllers (GTK_WIDGET (np_window_get_canvas (window)));
  GListModel *all_controllers[] = { window_controllers, canvas_controllers };
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  guint checked = 0;

  /* Every accelerator the shortcuts window shows, normalised. */
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accelerator = NULL;
        g_auto(GStrv) parts = NULL;

        g_object_get (l->data, "accelerator", &accelerator, NULL);
        if (accelerator == NULL)
          continue;
        parts = g_strsplit (accelerator, " ", -1);
        for (guint i = 0; parts[i] != NULL; i++)
          {
            guint keyval;
            GdkModifierType modifiers;

            g_assert_true (gtk_accelerator_parse (parts[i], &keyval, &modifiers));
            g_hash_table_add (listed, gtk_accelerator_name (gdk_keyval_to_lower (keyval),
                                                            modifiers));
          }
      }
  g_slist_free (objects);

  /* Every key binding of the window and its canvas … */
  for (guint c = 0; c < G_N_ELEMENTS (all_controllers); c++)
  for (guint i = 0; i < g_list_model_get_n_items (all_controllers[c]); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (all_controllers[c], i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          /* Only ours, not GtkWindow's built-in ones (debugger, focus). */
          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action))
            continue;
          if (!g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                                 "view.") &&
              !g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                                 "win.") &&
              !g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                                 "tool."))
            continue;
          if (!accel_listed (listed, gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                             gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))))
            {
              g_autofree char *name = gtk_shortcut_trigger_to_string (trigger);
              g_error ("Key %s is not in the shortcuts window", name);
            }
          checked++;
        }
    }

  /* … and every accelerator of the application. */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                    actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          guint keyval;
          GdkModifierType modifiers;

          g_assert_true (gtk_accelerator_parse (accels[j], &keyval, &modifiers));
          if (!accel_listed (listed, keyval, modifiers))
            g_error ("%s (%s) is not in the shortcuts window", accels[j], actions[i]);
          checked++;
        }
    }

  /* At least the 9 zoom bindings, the 5 plan bindings (new, save, save as,
   * undo, redo) and the 6 application accelerators of the viewer; the
   * planning tools and export add more. */
  g_assert_cmpuint (checked, >=, 20);
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/window/empty-state", test_empty_state);
  g_test_add_func ("/gui/window/training-built-on-demand", test_training_built_on_demand);
  g_test_add_func ("/gui/window/sixteen-bit-frame-visible", test_sixteen_bit_frame_visible);
  g_test_add_func ("/gui/window/window-presets-change-pixels", test_window_presets_change_pixels);
  g_test_add_func ("/gui/window/zoom-keys", test_zoom_keys);
  g_test_add_func ("/gui/window/focus-order", test_focus_order);
  g_test_add_func ("/gui/window/corrupt-file-keeps-frame", test_corrupt_file_keeps_frame);
  g_test_add_func ("/gui/window/status-bar", test_status_bar);
  g_test_add_func ("/gui/window/drop-files", test_drop_files);
  g_test_add_func ("/gui/window/recent-menu", test_recent_menu);
  g_test_add_func ("/gui/window/open-sample", test_open_sample);
  g_test_add_func ("/gui/window/size-saved", test_size_saved);
  g_test_add_func ("/gui/window/shortcuts-window-lists-every-key",
                   test_shortcuts_window_lists_every_key);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
