/* test-second-view.c — two-view fluoroscopy in the window (np-second-view.c),
 * and the other parts of issue 14 in the window: the calibration window's
 * fit drawn over its clicks, the tissue presets of the side panel
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real input through the X server (xdotool) on the bundled hip AP + lateral
 * cases: the lateral's marks are cleared, the second view is opened from
 * the side panel's button, the target and entry are marked there by clicks,
 * and the depth the main side panel shows is checked against
 * `needleplan-cli plan AP --second-view LATERAL` on the same files.
 */

#include "config.h"

#include <gdk/x11/gdkx.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "np-application.h"
#include "np-calibration-dialog.h"
#include "np-document.h"
#include "np-gui-test-util.h"
#include "np-plan-analysis.h"
#include "np-plan-file.h"
#include "np-second-view.h"
#include "np-side-panel.h"
#include "np-window.h"

static NpApplication *app;

/* A real left click at point (x, y) of @widget, which lies in @window. */
static void
real_click (GtkWindow *window,
            GtkWidget *widget,
            double     x,
            double     y)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *wid = g_strdup_printf ("%lu",
                                          (unsigned long) gdk_x11_surface_get_xid (surface));
  g_autofree char *xs = NULL;
  g_autofree char *ys = NULL;
  graphene_point_t in_window;
  double surface_x, surface_y;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (x, y), &in_window));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &surface_x, &surface_y);
  xs = g_strdup_printf ("%ld", lround (in_window.x + surface_x));
  ys = g_strdup_printf ("%ld", lround (in_window.y + surface_y));
  {
    const char *move[] = { "mousemove", "--sync", "--window", wid, xs, ys, NULL };
    const char *click[] = { "click", "1", NULL };

    np_test_xdotool (move);
    np_test_iterate (50);
    np_test_xdotool (click);
    np_test_iterate (400);
  }
}

static void
click_widget (GtkWindow *window,
              GtkWidget *widget)
{
  real_click (window, widget, gtk_widget_get_width (widget) / 2.0,
              gtk_widget_get_height (widget) / 2.0);
}

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
save_screenshot (GtkWindow  *window,
                 const char *name)
{
  const char *dir = g_getenv ("NP_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  /* Only when asked: tests write nowhere else by default. */
  if (dir == NULL || *dir == '\0')
    return;
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* `needleplan-cli plan AP --second-view LATERAL --json`: its depth and the
 * depth's 95 % interval. */
static void
cli_depth (const char *ap,
           const char *lateral,
           double     *depth,
           double      interval[2])
{
  const char *build = g_getenv ("NP_BUILD_DIR");
  g_autofree char *cli = NULL;
  const char *argv[] = { NULL, "plan", ap, "--second-view", lateral, "--json", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *ci;
  int status = 0;

  /* meson test sets it (tests/meson.build). */
  g_assert_nonnull (build);
  cli = g_build_filename (build, "app", "cli", "needleplan-cli", NULL);
  argv[0] = cli;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  if (json_object_has_member (root, "results"))
    root = json_object_get_object_member (root, "results");
  *depth = json_object_get_double_member (root, "depth_mm");
  ci = json_object_get_array_member (root, "depth_ci95_mm");
  interval[0] = json_array_get_double_element (ci, 0);
  interval[1] = json_array_get_double_element (ci, 1);
}

static gboolean
second_view_open (gpointer data)
{
  NpSecondView *view = np_second_view_get_for (GTK_WINDOW (data));

  return view != NULL && gtk_widget_get_mapped (GTK_WIDGET (view));
}

static gboolean
two_views_computed (gpointer data)
{
  const NpPlanResults *r = np_plan_analysis_get_results (NP_PLAN_ANALYSIS (data));

  return r != NULL && r->has_two_views && r->has_depth_ci;
}

static void
test_mark_both_views (void)
{
  g_autofree char *ap_path = np_test_copy_case ("hip-fluoro-01-ap",
                                                "second-view/hip-fluoro-01-ap");
  g_autofree char *lateral_path = np_test_copy_case ("hip-fluoro-01-lateral",
                                                     "second-view/hip-fluoro-01-lateral");
  g_autoptr(NpPlan) lateral = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (ap_path);
  NpImagePoint target, entry;
  double expert_depth, expert_ci[2], depth, ci[2];
  NpWindow *window;
  NpSidePanel *panel;
  NpSecondView *view;
  NpPlanAnalysis *analysis;
  GtkWidget *button;
  NpCanvas *canvas;
  const NpPlanResults *r;
  const char *value;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("needs xdotool and an X11 display for real input");
      return;
    }

  /* The CLI's answer on the expert marks; then the lateral is cleared. */
  cli_depth (ap_path, lateral_path, &expert_depth, expert_ci);
  lateral = np_plan_file_load (lateral_path, &error);
  g_assert_no_error (error);
  target = lateral->target;
  entry = lateral->entry;
  /* A fresh view: no marks, and no outlines whose handles a click on the
   * expert's target (on the femoral head's rim) would pick up instead. */
  lateral->has_target = lateral->has_entry = FALSE;
  g_ptr_array_set_size (lateral->structures, 0);
  g_array_set_size (lateral->skin_points, 0);
  lateral->skin_kind = NP_SKIN_NONE;
  g_assert_true (np_plan_file_save (lateral, NULL, lateral_path, &error));
  g_assert_no_error (error);

  window = np_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  np_test_iterate (200);
  panel = NP_SIDE_PANEL (np_test_template_child (window, "side_panel"));
  analysis = np_window_get_analysis (window);

  /* One view: no depth yet. */
  g_assert_false (np_plan_analysis_get_results (analysis)->has_two_views);

  button = find_button (GTK_WIDGET (panel), "_Second View…");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  /* The intervals' rows change the panel's height and move the button: the
   * click goes where it is once they are in (slow under the sanitizers). */
  np_plan_analysis_flush_intervals (analysis);
  np_test_iterate (500);
  click_widget (GTK_WINDOW (window), button);
  np_test_wait_until (second_view_open, window);
  view = np_second_view_get_for (GTK_WINDOW (window));
  g_assert_cmpstr (np_second_view_get_path (view), ==, lateral_path);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (view));
  np_test_iterate (300);

  /* The pair is recorded in the AP plan, AP with lateral at 90°. */
  {
    const NpPlan *ap = np_document_get_plan (np_window_get_document (window));

    g_assert_cmpstr (ap->second_view_path, ==, "../hip-fluoro-01-lateral/plan.json");
    g_assert_cmpfloat (ap->second_view_angle_deg, ==, 90);
  }
  /* The AP target's height is the lateral target's: the guide line lands
   * on it (both views' geometry). */
  {
    const NpPlan *ap = np_document_get_plan (np_window_get_document (window));
    double y;

    g_assert_true (np_second_view_guide_y (view, ap->target.y, &y));
    g_assert_cmpfloat_with_epsilon (y, target.y, 0.01);
  }

  /* Mark the target, then the entry, with the header's tools and clicks. */
  canvas = np_second_view_get_canvas (view);
  click_widget (GTK_WINDOW (view), find_button (GTK_WIDGET (view), "_Target"));
  g_assert_cmpint (np_mark_editor_get_tool (np_second_view_get_mark_editor (view)), ==,
                   NP_TOOL_TARGET);
  {
    NpWidgetPoint w = np_canvas_image_to_widget (canvas, target);

    real_click (GTK_WINDOW (view), GTK_WIDGET (canvas), w.x, w.y);
  }
  click_widget (GTK_WINDOW (view), find_button (GTK_WIDGET (view), "_Entry"));
  {
    NpWidgetPoint w = np_canvas_image_to_widget (canvas, entry);

    real_click (GTK_WINDOW (view), GTK_WIDGET (canvas), w.x, w.y);
  }
  g_assert_true (np_document_get_plan (np_second_view_get_document (view))->has_target);
  g_assert_true (np_document_get_plan (np_second_view_get_document (view))->has_entry);
  np_test_wait_until (two_views_computed, analysis);
  r = np_plan_analysis_get_results (analysis);
  g_assert_true (r->two_views.cone_beam);

  /* Clicks land within a screen pixel (about one image pixel, 0.22 mm at
   * the isocentre) of the expert marks: the depth agrees with the CLI's on
   * the expert marks within half a millimetre. */
  g_assert_cmpfloat_with_epsilon (r->depth, expert_depth, 0.5);
  value = np_side_panel_get_value_text (panel, "depth");
  g_assert_nonnull (value);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (value, NULL), r->depth, 0.051);
  g_assert_nonnull (strstr (np_side_panel_get_detail_text (panel, "depth"), "two views"));

  /* Saved, the same files give the CLI exactly the panel's depth. */
  click_widget (GTK_WINDOW (view), find_button (GTK_WIDGET (view), "_Save"));
  g_assert_false (np_document_get_dirty (np_second_view_get_document (view)));
  cli_depth (ap_path, lateral_path, &depth, ci);
  g_assert_cmpfloat_with_epsilon (depth, r->depth, 1e-9);
  g_assert_cmpfloat_with_epsilon (ci[0], r->depth_ci95[0], 1e-9);
  g_assert_cmpfloat_with_epsilon (ci[1], r->depth_ci95[1], 1e-9);

  /* For a person to look at: both windows, light and dark. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  np_test_iterate (300);
  save_screenshot (GTK_WINDOW (view), "second-view-light.png");
  save_screenshot (GTK_WINDOW (window), "second-view-main-light.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  np_test_iterate (300);
  save_screenshot (GTK_WINDOW (view), "second-view-dark.png");
  save_screenshot (GTK_WINDOW (window), "second-view-main-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_close (GTK_WINDOW (view));
  np_test_iterate (200);
  g_assert_null (np_second_view_get_for (GTK_WINDOW (window)));
  g_assert_false (np_plan_analysis_get_results (analysis)->has_two_views);

  np_test_destroy_dialogs (GTK_WINDOW (window));
  np_document_set_dirty (np_window_get_document (window), FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Whether any pixel of the canvas rendering within @radius of image point
 * @at is the fit's sky blue (86, 180, 233): blue well above red, where the
 * X-ray's greys have r = g = b and the clicks are yellow. */
static gboolean
fit_drawn_near (NpCanvas     *canvas,
                NpTestImage  *image,
                NpImagePoint  at,
                int           radius)
{
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, at);

  for (int dy = -radius; dy <= radius; dy++)
    for (int dx = -radius; dx <= radius; dx++)
      {
        int x = (int) lround (w.x) + dx, y = (int) lround (w.y) + dy;
        guint8 rgb[3];

        if (x < 0 || y < 0 || x >= image->width || y >= image->height)
          continue;
        np_test_image_pixel (image, x, y, rgb);
        if (rgb[2] > 150 && rgb[2] > rgb[0] + 80)
          return TRUE;
      }
  return FALSE;
}

static NpCalibrationDialog *
find_calibration_dialog (NpWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  NpCalibrationDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (NP_IS_CALIBRATION_DIALOG (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* The calibration window's fit is drawn over its clicks: eight clicks on a
 * circle of radius 60 px about (300, 300) show the fitted circle between
 * them (at 22.5°, where no click is); six depth-scale ticks 40 px apart
 * down x = 120 show the fitted scale between the clicks. */
static void
test_calibration_fit_drawn (void)
{
  g_autofree char *ap_path = np_test_copy_case ("hip-fluoro-01-ap", "calibration-fit/ap");
  g_autoptr(GFile) file = g_file_new_for_path (ap_path);
  NpWindow *window = np_window_new (app);
  NpCalibrationDialog *dialog;
  NpCanvas *canvas;
  g_autoptr(NpTestImage) image = NULL;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  canvas = np_window_get_canvas (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "view.zoom-actual", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.calibrate", NULL));
  np_test_iterate (200);
  dialog = find_calibration_dialog (window);
  g_assert_nonnull (dialog);

  np_calibration_dialog_set_method (dialog, NP_CALIBRATION_SPHERE);
  np_calibration_dialog_set_reference_mm (dialog, 20);
  for (int k = 0; k < 8; k++)
    np_calibration_dialog_add_point (dialog,
                                     np_image_point (300 + 60 * cos (k * G_PI / 4),
                                                     300 + 60 * sin (k * G_PI / 4)));
  g_assert_nonnull (np_calibration_dialog_get_calibration (dialog));
  np_test_iterate (200);
  image = np_test_render_widget (GTK_WIDGET (canvas));
  g_assert_true (fit_drawn_near (canvas, image,
                                 np_image_point (300 + 60 * cos (G_PI / 8),
                                                 300 + 60 * sin (G_PI / 8)), 2));
  /* Not everywhere: the middle of the circle stays the X-ray. */
  g_assert_false (fit_drawn_near (canvas, image, np_image_point (300, 300), 2));
  save_screenshot (GTK_WINDOW (window), "calibration-circle-fit.png");
  g_clear_pointer (&image, np_test_image_free);

  np_calibration_dialog_clear_points (dialog);
  np_calibration_dialog_set_method (dialog, NP_CALIBRATION_DEPTH_SCALE);
  np_calibration_dialog_set_tick_spacing_mm (dialog, 5);
  for (int k = 0; k < 6; k++)
    np_calibration_dialog_add_point (dialog, np_image_point (120, 100 + 40 * k));
  g_assert_nonnull (np_calibration_dialog_get_calibration (dialog));
  np_test_iterate (200);
  save_screenshot (GTK_WINDOW (window), "calibration-tick-fit.png");
  image = np_test_render_widget (GTK_WIDGET (canvas));
  /* The fitted scale, dashed, between two clicks' crosses (y = 120). */
  g_assert_true (fit_drawn_near (canvas, image, np_image_point (120, 120), 3));
  save_screenshot (GTK_WINDOW (window), "calibration-tick-fit.png");

  np_test_destroy_dialogs (GTK_WINDOW (window));
  np_document_set_dirty (np_window_get_document (window), FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static AdwComboRow *
find_combo_row (GtkWidget  *root,
                const char *title)
{
  if (ADW_IS_COMBO_ROW (root)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return ADW_COMBO_ROW (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwComboRow *found = find_combo_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The side panel's Tissue row: Muscle sets 1580 m/s and its SD 20 m/s in
 * one undoable edit (np-tissue-speed.c); undo puts back the plan's 1540 ±
 * 30 (Mixed soft tissue); a speed set by hand reads Custom. */
static void
test_tissue_presets (void)
{
  g_autofree char *path = np_test_copy_case ("knee-us-01", "tissue/knee-us-01");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NpWindow *window = np_window_new (app);
  NpDocument *document;
  AdwComboRow *row;
  g_autoptr(NpPlan) typed = NULL;
  const NpPlan *plan;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  document = np_window_get_document (window);
  row = find_combo_row (GTK_WIDGET (window), "Tissue");
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (row)),
                                               adw_combo_row_get_selected (row)),
                   ==, "Mixed soft tissue");

  /* Muscle is the third preset (mixed, fat, muscle, …). */
  adw_combo_row_set_selected (row, 2);
  np_test_iterate (50);
  plan = np_document_get_plan (document);
  g_assert_cmpfloat (plan->speed_of_sound_m_s, ==, 1580);
  g_assert_cmpfloat (plan->speed_of_sound_sd_m_s, ==, 20);
  g_assert_cmpstr (np_document_get_undo_label (document), ==, "Set tissue (Muscle)");

  g_assert_true (np_document_undo (document));
  np_test_iterate (50);
  plan = np_document_get_plan (document);
  g_assert_cmpfloat (plan->speed_of_sound_m_s, ==, 1540);
  g_assert_cmpfloat (plan->speed_of_sound_sd_m_s, ==, 30);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);

  typed = np_document_dup_plan (document);
  typed->speed_of_sound_m_s = 1555;
  np_document_edit (document, g_steal_pointer (&typed), "Set speed of sound");
  np_test_iterate (50);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (row)),
                                               adw_combo_row_get_selected (row)),
                   ==, "Custom");

  np_test_destroy_dialogs (GTK_WINDOW (window));
  np_document_set_dirty (document, FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/second-view/mark-both-views", test_mark_both_views);
  g_test_add_func ("/gui/second-view/calibration-fit-drawn", test_calibration_fit_drawn);
  g_test_add_func ("/gui/second-view/tissue-presets", test_tissue_presets);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
