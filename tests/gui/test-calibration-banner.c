/* test-calibration-banner.c — the depth scale found in an uncalibrated
 * ultrasound frame, offered over the canvas
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The bundled knee-us-01 frame is drawn by the phantom generator with a
 * depth scale of long ticks every 1 cm and short ticks halfway, 60 px apart
 * at 1/12 mm per px (its plan's calibration): 5 mm over 60 px is
 * 0.0833 mm/px, and its ruler shows ten ticks (rows 44 to 584).
 */

#include "config.h"

#include "np-calibration-banner.h"
#include "np-gui-test-util.h"
#include "np-window.h"

#include <string.h>

static NpApplication *app;

static NpCalibrationBanner *
find_banner (GtkWidget *widget)
{
  if (NP_IS_CALIBRATION_BANNER (widget))
    return NP_CALIBRATION_BANNER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      NpCalibrationBanner *found = find_banner (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
save_screenshot (NpWindow   *window,
                 const char *name)
{
  const char *dir = g_getenv ("NP_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  /* Only when asked: tests write nowhere else by default. */
  if (dir == NULL || *dir == '\0')
    return;
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Open knee-us-01's frame without its plan: the banner offers 0.083 mm/px
 * from 10 ticks 5 mm apart; Use sets it as one undoable edit (method
 * depth-scale-automatic, the ticks as points), Ctrl+Z takes it back and the
 * offer returns; Use Skin Line marks the top edge of the imaging field. */
static void
test_offer_use_undo (void)
{
  g_autofree char *plan_path = np_test_copy_case ("knee-us-01", "banner");
  g_autofree char *folder = g_path_get_dirname (plan_path);
  g_autofree char *frame_path = g_build_filename (folder, "frame.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (frame_path);
  NpWindow *window = np_test_new_window (app);
  NpDocument *document = np_window_get_document (window);
  NpCalibrationBanner *banner;
  const NpCalibration *calibration;
  AdwMessageDialog *dialog;
  g_autofree char *text = NULL;

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  g_assert_false (np_calibration_is_calibrated (np_document_get_plan (document)->calibration));
  /* Detection ran in the thread that loaded the frame: the offer is up as
   * soon as the frame is, with no further wait. */
  banner = find_banner (GTK_WIDGET (window));
  g_assert_nonnull (banner);
  g_assert_true (np_calibration_banner_is_shown (banner));
  text = g_strdup (np_calibration_banner_get_text (banner));
  g_assert_cmpstr (text, ==, "Depth scale found: 0.083 mm/px from 10 ticks 5 mm apart");

  /* Show draws on the canvas; the screenshot is for a person to look at. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (find_button (GTK_WIDGET (banner), "_Show")),
                                TRUE);
  np_test_iterate (300);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  save_screenshot (window, "calibration-banner.png");

  g_signal_emit_by_name (find_button (GTK_WIDGET (banner), "_Use"), "clicked");
  calibration = np_document_get_plan (document)->calibration;
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_DEPTH_SCALE_AUTO);
  g_assert_cmpstr (np_calibration_method_to_string (calibration->method), ==,
                   "depth-scale-automatic");
  /* 5 mm per 60 px, to the fit's precision. */
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 5.0 / 60.0, 5.0 / 60.0 * 1e-3);
  g_assert_cmpuint (calibration->points->len, ==, 10);
  g_assert_cmpstr (np_document_get_undo_label (document), ==, "Use the depth scale found");
  /* The scale is taken; the skin line is still on offer. */
  g_assert_nonnull (strstr (np_calibration_banner_get_text (banner), "Skin line found"));

  np_test_press_key (GTK_WIDGET (window), GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_false (np_calibration_is_calibrated (np_document_get_plan (document)->calibration));
  g_assert_cmpstr (np_calibration_banner_get_text (banner), ==, text);
  g_assert_false (np_document_can_undo (document));

  g_signal_emit_by_name (find_button (GTK_WIDGET (banner), "Use _Skin Line"), "clicked");
  g_assert_cmpint (np_document_get_plan (document)->skin_kind, ==, NP_SKIN_POLYLINE);
  g_assert_cmpuint (np_document_get_plan (document)->skin_points->len, ==, 2);
  /* The ruler's first tick and the field's top edge are both row 44. */
  g_assert_cmpfloat_with_epsilon (g_array_index (np_document_get_plan (document)->skin_points,
                                                 NpImagePoint, 0).y, 44, 1.0);

  /* A new plan on the same frame (changes discarded) is uncalibrated again,
   * with no skin line: the whole offer returns. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (np_document_get_plan (document)->skin_kind, ==, NP_SKIN_NONE);
  /* The frame's detection is kept: the offer is back at once. */
  g_assert_true (np_calibration_banner_is_shown (banner));
  g_assert_cmpstr (np_calibration_banner_get_text (banner), ==, text);

  g_signal_emit_by_name (find_button (GTK_WIDGET (banner), "_Dismiss"), "clicked");
  g_assert_false (np_calibration_banner_is_shown (banner));

  np_document_set_dirty (document, FALSE);
  np_test_destroy_window (GTK_WINDOW (window));
}

/* A plan that is calibrated already gets no offer. */
static void
test_no_offer_when_calibrated (void)
{
  g_autofree char *plan_path = np_test_copy_case ("knee-us-01", "banner-calibrated");
  g_autoptr(GFile) file = g_file_new_for_path (plan_path);
  NpWindow *window = np_test_new_window (app);
  NpCalibrationBanner *banner;

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  np_test_iterate (200);
  g_assert_true (np_calibration_is_calibrated (
    np_document_get_plan (np_window_get_document (window))->calibration));
  banner = find_banner (GTK_WIDGET (window));
  g_assert_true (banner == NULL || !np_calibration_banner_is_shown (banner));
  np_test_destroy_window (GTK_WINDOW (window));
}

/* The EPIQ 7C frame (shared test data) prints "16cm", but the image area
 * found is 7.6 cm deep by its scale: the banner says so with the offer. */
static void
test_disagreement_shown (void)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : NP_TESTDATA_DIR, "frames",
                                            "us_EPIQ7C_gray8_1024x768.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NpWindow *window;
  NpCalibrationBanner *banner;
  const char *text;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no EPIQ 7C frame");
      return;
    }
  window = np_test_new_window (app);
  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  banner = find_banner (GTK_WIDGET (window));
  g_assert_nonnull (banner);
  g_assert_true (np_calibration_banner_is_shown (banner));
  text = np_calibration_banner_get_text (banner);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Depth scale found: 0.255 mm/px from 6 ticks 1 cm apart"));
  g_assert_nonnull (strstr (text, "DISAGREES with the depth printed on the frame (“16cm”)"));
  np_document_set_dirty (np_window_get_document (window), FALSE);
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/calibration-banner/offer-use-undo", test_offer_use_undo);
  g_test_add_func ("/gui/calibration-banner/disagreement-shown", test_disagreement_shown);
  g_test_add_func ("/gui/calibration-banner/no-offer-when-calibrated",
                   test_no_offer_when_calibrated);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
