/* test-training.c — training mode: the library, a scored attempt, the
 * expert overlay, sessions and the history across a restart
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <math.h>

#include "np-application.h"
#include "np-error.h"
#include "np-gui-test-util.h"
#include "np-plan-file.h"
#include "np-training-view-private.h"

/* The bundled case every test practises: an in-plane knee ultrasound,
 * calibrated (1/12 mm per px), expert entry (-206, 44), target (328.24, 293.6),
 * a quadriceps tendon ellipse centred at (375.4, 195.6) with radii (97.9, 24.5). */
#define KNEE_CASE "knee-us-01"
#define FLUORO_CASE "knee-fluoro-01-ap"

/* Light violet, the expert overlay's colour (np-overlay.h). */
static const guint8 EXPERT_RGB[3] = { NP_OVERLAY_EXPERT_R, NP_OVERLAY_EXPERT_G,
                                      NP_OVERLAY_EXPERT_B };

static NpApplication *app;

/* Helpers */

/* A widget of the view's template or of one of its pages', by its id. */
static GtkWidget *
view_child (NpTrainingView *view,
            const char     *name)
{
  GtkWidget *child = _np_training_view_get_child (view, name);

  g_assert_nonnull (child);
  return child;
}

static gboolean
widget_has_size (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

static gboolean
view_is_idle (gpointer data)
{
  return !np_training_view_get_busy (NP_TRAINING_VIEW (data));
}

/* A session started: its first case is on the practice page. */
static gboolean
view_is_practising (gpointer data)
{
  return np_training_view_get_page (NP_TRAINING_VIEW (data)) == NP_TRAINING_VIEW_PAGE_PRACTICE
         && !np_training_view_get_busy (NP_TRAINING_VIEW (data));
}

/* The view in a window of the size the brief asks to fit (1280 × 800), under
 * a toast overlay as in NpWindow. */
static NpTrainingView *
new_view (void)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *view = np_training_view_new ();

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), view);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (view);
  /* Mapping reads the library. */
  np_test_wait_until (view_is_idle, view);
  return NP_TRAINING_VIEW (view);
}

/* The view's window, with its dialogs. */
static void
destroy_view (NpTrainingView *view)
{
  np_test_destroy_window (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (view))));
}

/* The library card of a bundled case, by its folder name. */
static const NpCase *
find_case (NpTrainingView *view,
           const char     *folder)
{
  g_autofree char *suffix = g_strdup_printf (G_DIR_SEPARATOR_S "%s" G_DIR_SEPARATOR_S
                                             "plan.json", folder);

  for (guint i = 0; i < _np_training_view_get_n_shown_cases (view); i++)
    {
      const NpCase *library_case = _np_training_view_get_shown_case (view, i);

      if (g_str_has_suffix (library_case->plan_path, suffix))
        return library_case;
    }
  g_error ("The bundled case %s is not in the library", folder);
  return NULL;
}

static void
practise (NpTrainingView *view,
          const char     *folder)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (np_training_view_practise_case (view, find_case (view, folder)->plan_path,
                                                 &error));
  g_assert_no_error (error);
  np_test_wait_until (view_is_idle, view);
  g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_PRACTICE);
  /* Let the practice canvas get its size and initial view. */
  np_test_iterate (100);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (_np_training_view_get_canvas (view)));
}

static NpPlan *
load_expert (NpTrainingView *view)
{
  g_autoptr(GError) error = NULL;
  NpPlan *plan = np_plan_file_load (_np_training_view_get_case_path (view), &error);

  g_assert_no_error (error);
  return plan;
}

/* The view's left-button gesture on the practice canvas. */
static GtkGesture *
mark_gesture (NpTrainingView *view)
{
  NpCanvas *canvas = _np_training_view_get_canvas (view);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (canvas));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_PRIMARY)
        return GTK_GESTURE (controller);
    }
  g_assert_not_reached ();
}

/* A press at image point @at, moved by (@dx, @dy) widget pixels, released. */
static void
drag_at (NpTrainingView *view,
         NpImagePoint    at,
         double          dx,
         double          dy)
{
  GtkGesture *gesture = mark_gesture (view);
  NpWidgetPoint w = np_canvas_image_to_widget (_np_training_view_get_canvas (view), at);

  g_signal_emit_by_name (gesture, "drag-begin", w.x, w.y);
  if (dx != 0 || dy != 0)
    g_signal_emit_by_name (gesture, "drag-update", dx, dy);
  g_signal_emit_by_name (gesture, "drag-end", dx, dy);
}

/* Pixels of the expert colour (each channel within 24) in a square of
 * ±@radius widget pixels around image point @at, on a rendering of @view. */
static guint
count_expert_pixels (NpTrainingView *view,
                     NpImagePoint    at,
                     int             radius)
{
  NpCanvas *canvas = _np_training_view_get_canvas (view);
  g_autoptr(NpTestImage) image = np_test_render_widget (GTK_WIDGET (view));
  graphene_rect_t bounds = np_test_bounds_in (GTK_WIDGET (canvas), GTK_WIDGET (view));
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, at);
  int cx = (int) round (bounds.origin.x + w.x);
  int cy = (int) round (bounds.origin.y + w.y);
  guint count = 0;

  for (int y = MAX (0, cy - radius); y <= MIN (image->height - 1, cy + radius); y++)
    for (int x = MAX (0, cx - radius); x <= MIN (image->width - 1, cx + radius); x++)
      {
        guint8 rgb[3];

        np_test_image_pixel (image, x, y, rgb);
        if (abs (rgb[0] - EXPERT_RGB[0]) <= 24 && abs (rgb[1] - EXPERT_RGB[1]) <= 24 &&
            abs (rgb[2] - EXPERT_RGB[2]) <= 24)
          count++;
      }
  return count;
}

static void
assert_same_score (const NpTrainingScore *shown,
                   const NpTrainingScore *core)
{
  /* The view scores with the core on the same marks: the numbers are the
   * same computation, so equal to the last bit. */
  g_assert_cmpfloat (shown->score, ==, core->score);
  g_assert_cmpfloat (shown->target_error, ==, core->target_error);
  g_assert_cmpint (shown->target_hit, ==, core->target_hit);
  g_assert_cmpint (shown->has_entry_deviation, ==, core->has_entry_deviation);
  g_assert_cmpfloat (shown->entry_deviation, ==, core->entry_deviation);
  g_assert_cmpfloat (shown->trajectory_deviation_deg, ==, core->trajectory_deviation_deg);
  g_assert_cmpint (shown->has_depth_error, ==, core->has_depth_error);
  g_assert_cmpfloat (shown->depth_error_mm, ==, core->depth_error_mm);
  g_assert_cmpint (shown->critical_error, ==, core->critical_error);
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    {
      g_assert_cmpfloat (shown->penalty[i], ==, core->penalty[i]);
      g_assert_cmpstr (shown->explanation[i], ==, core->explanation[i]);
    }
}

/* Real input through the X server (xdotool), as in test-planning.c */

static char *
window_id (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

/* A click at the widget point (@x, @y) of @widget, through the X server. */
static void
click_widget_at (GtkWidget *widget,
                 double     x,
                 double     y)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  g_autofree char *wid = window_id (window);
  graphene_point_t in_window;
  double surface_x, surface_y;
  g_autofree char *xs = NULL;
  g_autofree char *ys = NULL;

  g_assert_true (gtk_widget_compute_point (widget, window, &GRAPHENE_POINT_INIT (x, y),
                                           &in_window));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &surface_x, &surface_y);
  xs = g_strdup_printf ("%ld", lround (in_window.x + surface_x));
  ys = g_strdup_printf ("%ld", lround (in_window.y + surface_y));
  {
    const char *move[] = { "mousemove", "--sync", "--window", wid, xs, ys, NULL };
    const char *press[] = { "click", "1", NULL };

    np_test_xdotool (move);
    np_test_iterate (30);
    np_test_xdotool (press);
    /* Past the double-click time, so two clicks stay two clicks. */
    np_test_iterate (450);
  }
}

static void
click_widget (GtkWidget *widget)
{
  click_widget_at (widget, gtk_widget_get_width (widget) / 2.0,
                   gtk_widget_get_height (widget) / 2.0);
}

static void
click_image_point (NpTrainingView *view,
                   NpImagePoint    at)
{
  NpCanvas *canvas = _np_training_view_get_canvas (view);
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, at);

  click_widget_at (GTK_WIDGET (canvas), w.x, w.y);
}

/* xdotool key (or type, with @verb) to @widget's window. */
static void
send_keys (GtkWidget  *widget,
           const char *verb,
           const char *keys)
{
  g_autofree char *wid = window_id (GTK_WIDGET (gtk_widget_get_root (widget)));
  const char *args[] = { verb, "--window", wid, keys, NULL };

  np_test_xdotool (args);
  np_test_iterate (150);
}

/* The practice canvas shows the whole 800 × 600 frame with @side of its
 * width free on either side, centred: by hand, the zoom is the smaller of
 * (W − 2 · 16) / (800 (1 + 2 side)) and (H − 2 · 16) / 600, and the frame
 * sits at (W − 800 zoom) / 2, (H − 600 zoom) / 2. */
static void
assert_fitted (NpTrainingView *view,
               double          side)
{
  NpCanvas *canvas = _np_training_view_get_canvas (view);
  NpViewport viewport = np_canvas_get_viewport (canvas);
  double w = gtk_widget_get_width (GTK_WIDGET (canvas));
  double h = gtk_widget_get_height (GTK_WIDGET (canvas));
  double zoom = MIN ((w - 32) / (800 * (1 + 2 * side)), (h - 32) / 600);

  g_assert_cmpfloat (w, >, 200);
  g_assert_cmpfloat_with_epsilon (viewport.zoom, zoom, 1e-9);
  g_assert_cmpfloat_with_epsilon (viewport.offset_x, (w - 800 * zoom) / 2, 1e-6);
  g_assert_cmpfloat_with_epsilon (viewport.offset_y, (h - 600 * zoom) / 2, 1e-6);
}

static gboolean
view_is_shown (gpointer data)
{
  GtkWidget *train_page = data;
  GtkWidget *view = gtk_widget_get_first_child (train_page);

  return view != NULL && gtk_widget_get_mapped (view) &&
         !np_training_view_get_busy (NP_TRAINING_VIEW (view));
}

/* Tests */

static void
test_library (void)
{
  NpTrainingView *view = new_view ();
  GtkFlowBox *flowbox = GTK_FLOW_BOX (view_child (view, "case_flowbox"));
  g_autofree char *user_cases = np_case_library_dup_user_dir ();
  const char *dirs[3] = { NULL, user_cases, NULL };
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  NpCaseFilter knee_us = { .by_site = TRUE, .site = NP_SITE_KNEE,
                           .by_modality = TRUE, .modality = NP_MODALITY_ULTRASOUND };
  NpCaseFilter hard = { .by_difficulty = TRUE, .difficulty = NP_CASE_DIFFICULTY_HARD };
  guint n_hard = 0, n_cards = 0;
  GtkWidget *child;

  g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_LIBRARY);

  /* The same folders the view reads (installed, else the source tree, then
   * the user's, empty here). */
  dirs[0] = g_file_test (PKGDATADIR "/cases", G_FILE_TEST_IS_DIR) ? PKGDATADIR "/cases"
                                                                   : SOURCE_DATADIR "/cases";
  cases = np_case_library_scan (dirs, &error);
  g_assert_no_error (error);
  /* data/cases holds 16 cases (three knee, three hip and four shoulder
   * ultrasound, six fluoroscopy views). */
  g_assert_cmpuint (cases->len, ==, 16);
  g_assert_cmpuint (_np_training_view_get_n_shown_cases (view), ==, cases->len);

  /* One card per case, each with the frame as a picture. */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (flowbox)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *card = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));

      g_assert_true (GTK_IS_PICTURE (gtk_widget_get_first_child (card)));
      n_cards++;
    }
  g_assert_cmpuint (n_cards, ==, 16);

  /* knee-us-01, -02 and -03. */
  _np_training_view_set_filter (view, &knee_us);
  g_assert_cmpuint (_np_training_view_get_n_shown_cases (view), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const NpCase *library_case = _np_training_view_get_shown_case (view, i);

      g_assert_cmpint (library_case->site, ==, NP_SITE_KNEE);
      g_assert_cmpint (library_case->modality, ==, NP_MODALITY_ULTRASOUND);
    }
  /* Sessions take at most the cases shown. */
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (view_child (view,
                                                                                "n_cases_spin"))),
                     ==, 3);

  for (guint i = 0; i < cases->len; i++)
    if (((NpCase *) g_ptr_array_index (cases, i))->difficulty == NP_CASE_DIFFICULTY_HARD)
      n_hard++;
  _np_training_view_set_filter (view, &hard);
  g_assert_cmpuint (_np_training_view_get_n_shown_cases (view), ==, n_hard);

  _np_training_view_set_filter (view, NULL);
  g_assert_cmpuint (_np_training_view_get_n_shown_cases (view), ==, 16);

  destroy_view (view);
}

static void
test_practice_score_and_overlay (void)
{
  NpTrainingView *view = new_view ();
  g_autoptr(NpPlan) expert = NULL;
  g_autoptr(NpPlan) trainee = np_plan_new ();
  g_autoptr(NpTrainingScore) core = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *score_text = NULL;
  const NpTrainingScore *shown;
  NpCanvas *canvas;
  NpImagePoint target_click, entry_click, target, entry;
  double zoom;
  guint rows = 0, expected_rows = 0;
  GtkWidget *child;

  practise (view, KNEE_CASE);
  expert = load_expert (view);
  canvas = _np_training_view_get_canvas (view);
  zoom = np_canvas_get_zoom (canvas);

  /* Nothing of the answer before submitting, and the depth can be stated
   * (the case is calibrated and the frame shows depth). */
  g_assert_false (np_training_view_get_submitted (view));
  g_assert_true (_np_training_view_can_estimate_depth (view));
  g_assert_true (gtk_widget_get_sensitive (view_child (view, "depth_spin")));
  g_assert_false (gtk_widget_is_visible (view_child (view, "score_box")));
  /* The buttons follow their actions. */
  g_assert_false (gtk_widget_get_sensitive (view_child (view, "submit_button")));

  /* T, then a click 30 px right of and 20 px below the expert target: the
   * target lands there, and the entry tool comes next. */
  np_test_press_key (GTK_WIDGET (view), GDK_KEY_t, 0);
  g_assert_cmpint (_np_training_view_get_tool (view), ==, NP_TRAINING_MARK_TARGET);
  target_click = np_image_point (expert->target.x + 30, expert->target.y + 20);
  drag_at (view, target_click, 0, 0);
  g_assert_true (_np_training_view_get_mark (view, NP_TRAINING_MARK_TARGET, &target));
  g_assert_cmpfloat_with_epsilon (target.x, target_click.x, 1e-9);
  g_assert_cmpfloat_with_epsilon (target.y, target_click.y, 1e-9);
  g_assert_cmpint (_np_training_view_get_tool (view), ==, NP_TRAINING_MARK_ENTRY);

  /* E, then a click on the skin line 56 px right of the expert entry. */
  np_test_press_key (GTK_WIDGET (view), GDK_KEY_e, 0);
  entry_click = np_image_point (expert->entry.x + 56, expert->entry.y);
  drag_at (view, entry_click, 0, 0);
  g_assert_true (_np_training_view_get_mark (view, NP_TRAINING_MARK_ENTRY, &entry));
  g_assert_cmpfloat_with_epsilon (entry.x, entry_click.x, 1e-9);

  /* Dragging the target 12 widget px left moves it 12 / zoom image px,
   * whatever the tool. */
  drag_at (view, target, -12, 0);
  g_assert_true (_np_training_view_get_mark (view, NP_TRAINING_MARK_TARGET, &target));
  g_assert_cmpfloat_with_epsilon (target.x, target_click.x - 12 / zoom, 1e-9);
  g_assert_cmpfloat_with_epsilon (target.y, target_click.y, 1e-9);
  g_assert_true (_np_training_view_get_mark (view, NP_TRAINING_MARK_ENTRY, &entry));
  g_assert_cmpfloat_with_epsilon (entry.x, entry_click.x, 1e-9);

  /* The trainee's marks are drawn in their own colours: no expert violet at
   * the expert target yet. */
  g_assert_cmpuint (count_expert_pixels (view, expert->target, 14), ==, 0);

  _np_training_view_set_depth_estimate (view, TRUE, 25.0);
  g_assert_true (gtk_widget_get_sensitive (view_child (view, "submit_button")));
  np_test_press_key (GTK_WIDGET (view), GDK_KEY_Return, 0);
  g_assert_true (np_training_view_get_submitted (view));

  /* The same marks and estimate scored by the core directly. */
  trainee->has_target = TRUE;
  trainee->target = target;
  trainee->has_entry = TRUE;
  trainee->entry = entry;
  core = np_training_score_compute (expert, trainee, TRUE, 25.0, &error);
  g_assert_no_error (error);
  shown = _np_training_view_get_score (view);
  g_assert_nonnull (shown);
  assert_same_score (shown, core);
  g_assert_true (shown->has_depth_estimate);
  /* And the session keeps it. */
  assert_same_score (np_training_session_get_score (np_training_view_get_session (view), 0),
                     core);

  /* The panel: the score to a tenth, one row per explained part, no banner
   * for this safe path (it stays below the tendon). */
  score_text = g_strdup_printf ("%g", round (core->score * 10) / 10);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (view_child (view, "score_label"))),
                   ==, score_text);
  g_assert_true (gtk_widget_is_visible (view_child (view, "score_box")));
  g_assert_false (gtk_widget_is_visible (view_child (view, "marking_box")));
  g_assert_false (core->critical_error);
  g_assert_false (gtk_widget_is_visible (view_child (view, "critical_banner")));
  for (guint i = NP_TRAINING_METRIC_TARGET_ERROR; i < NP_TRAINING_N_METRICS; i++)
    if (core->explanation[i] != NULL)
      expected_rows++;
  for (child = gtk_widget_get_first_child (view_child (view, "metrics_list"));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    rows++;
  g_assert_cmpuint (rows, ==, expected_rows);
  g_assert_cmpuint (rows, >=, 8);

  /* Now the expert's answer is drawn in violet at its target. */
  g_assert_cmpuint (count_expert_pixels (view, expert->target, 14), >, 20);

  /* Marks are locked, submitting again is not possible. */
  g_assert_false (gtk_widget_get_sensitive (view_child (view, "submit_button")));
  g_assert_false (gtk_widget_is_visible (view_child (view, "target_toggle")));
  g_assert_false (np_training_view_submit (view, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_cmpfloat (_np_training_view_get_score (view)->score, ==, core->score);

  destroy_view (view);
}

static void
test_critical_error_banner (void)
{
  NpTrainingView *view = new_view ();
  g_autoptr(NpPlan) expert = NULL;
  g_autoptr(NpPlan) trainee = np_plan_new ();
  g_autoptr(NpTrainingScore) core = NULL;
  g_autoptr(GError) error = NULL;
  const char *banner_text;

  practise (view, KNEE_CASE);
  expert = load_expert (view);

  /* Straight down at x = 375.4 from the skin (y = 44) to y = 300: through
   * the tendon's centre (375.4, 195.6), which the expert's path passes
   * below, so it is the trainee's mistake. */
  _np_training_view_place_mark (view, NP_TRAINING_MARK_TARGET, np_image_point (375.4, 300));
  _np_training_view_place_mark (view, NP_TRAINING_MARK_ENTRY, np_image_point (375.4, 44));
  g_assert_true (np_training_view_submit (view, &error));
  g_assert_no_error (error);

  trainee->has_target = TRUE;
  trainee->target = np_image_point (375.4, 300);
  trainee->has_entry = TRUE;
  trainee->entry = np_image_point (375.4, 44);
  core = np_training_score_compute (expert, trainee, FALSE, 0, &error);
  g_assert_no_error (error);
  assert_same_score (_np_training_view_get_score (view), core);

  g_assert_true (core->critical_error);
  g_assert_cmpfloat (core->score, <=, NP_TRAINING_CRITICAL_CAP);
  g_assert_true (gtk_widget_is_visible (view_child (view, "critical_banner")));
  banner_text = gtk_label_get_text (GTK_LABEL (view_child (view, "critical_label")));
  g_assert_true (g_str_has_prefix (banner_text, "Critical error\n"));
  g_assert_nonnull (strstr (banner_text, "quadriceps tendon"));
  g_assert_true (gtk_widget_has_css_class (view_child (view, "score_label"), "error"));

  destroy_view (view);
}

static void
test_depth_only_where_it_can_be_checked (void)
{
  NpTrainingView *view = new_view ();
  g_autoptr(GError) error = NULL;

  /* One fluoroscopy view has no depth: the field is off, and a depth set
   * anyway is not scored. */
  practise (view, FLUORO_CASE);
  g_assert_false (_np_training_view_can_estimate_depth (view));
  g_assert_false (gtk_widget_get_sensitive (view_child (view, "depth_spin")));
  g_assert_false (gtk_widget_get_sensitive (view_child (view, "depth_check")));

  _np_training_view_set_depth_estimate (view, TRUE, 30.0);
  _np_training_view_place_mark (view, NP_TRAINING_MARK_TARGET, np_image_point (400, 300));
  g_assert_true (np_training_view_submit (view, &error));
  g_assert_no_error (error);
  g_assert_false (_np_training_view_get_score (view)->has_depth_estimate);

  destroy_view (view);
}

static void
test_typed_depth_counts (void)
{
  NpTrainingView *view = new_view ();
  GtkWidget *spin, *check;
  g_autoptr(NpPlan) expert = NULL;
  g_autoptr(GError) error = NULL;
  const NpTrainingScore *score;

  practise (view, KNEE_CASE);
  expert = load_expert (view);
  spin = view_child (view, "depth_spin");
  check = view_child (view, "depth_check");
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));

  /* Typing a depth states it, even the value already shown, and counts
   * before the field has taken it (Submit straight after typing). */
  _np_training_view_set_depth_estimate (view, TRUE, 24);
  _np_training_view_set_depth_estimate (view, FALSE, 0);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 24);
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_editable_set_text (GTK_EDITABLE (spin), "24");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  gtk_editable_set_text (GTK_EDITABLE (spin), "27.5");

  _np_training_view_place_mark (view, NP_TRAINING_MARK_TARGET, expert->target);
  _np_training_view_place_mark (view, NP_TRAINING_MARK_ENTRY, expert->entry);
  g_assert_true (np_training_view_submit (view, &error));
  g_assert_no_error (error);
  score = _np_training_view_get_score (view);
  g_assert_true (score->has_depth_estimate);
  g_assert_cmpfloat (score->depth_estimate_mm, ==, 27.5);

  destroy_view (view);
}

static gboolean
on_summary (gpointer data)
{
  return np_training_view_get_page (NP_TRAINING_VIEW (data)) == NP_TRAINING_VIEW_PAGE_SUMMARY;
}

static void
test_session_and_history_restart (void)
{
  NpTrainingView *view = new_view ();
  NpCaseFilter knee_us = { .by_site = TRUE, .site = NP_SITE_KNEE,
                           .by_modality = TRUE, .modality = NP_MODALITY_ULTRASOUND };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shown_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(NpTrainingSession) shuffle = NULL;
  g_autoptr(NpTrainingSession) expected = NULL;
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();
  g_autoptr(NpTrainingHistory) on_disk = NULL;
  g_autofree char *history_path = NULL;
  NpTrainingSession *session;
  const NpTrainingHistory *history;
  const NpTrainingHistorySession *saved;
  guint n_before;
  double scores[2];

  history = _np_training_view_get_history (view);
  g_assert_nonnull (history);
  n_before = np_training_history_get_n_sessions (history);

  _np_training_view_set_filter (view, &knee_us);
  for (guint i = 0; i < _np_training_view_get_n_shown_cases (view); i++)
    g_ptr_array_add (shown_paths, g_strdup (_np_training_view_get_shown_case (view, i)->plan_path));
  g_ptr_array_add (shown_paths, NULL);

  g_assert_true (np_training_view_start_session (view, 2, 7, &error));
  g_assert_no_error (error);
  np_test_wait_until (view_is_idle, view);
  session = np_training_view_get_session (view);
  g_assert_cmpuint (np_training_session_get_seed (session), ==, 7);
  g_assert_cmpuint (np_training_session_get_n_cases (session), ==, 2);

  /* The documented order: the first two of the shown cases shuffled with
   * seed 7, ordered again with seed 7. */
  shuffle = np_training_session_new ((const char *const *) shown_paths->pdata, 7, &error);
  g_assert_no_error (error);
  g_ptr_array_add (chosen, (gpointer) np_training_session_get_case (shuffle, 0));
  g_ptr_array_add (chosen, (gpointer) np_training_session_get_case (shuffle, 1));
  g_ptr_array_add (chosen, NULL);
  expected = np_training_session_new ((const char *const *) chosen->pdata, 7, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (np_training_session_get_case (session, i), ==,
                     np_training_session_get_case (expected, i));

  /* Each case: the expert's own marks, submitted with Return, then N. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(NpPlan) expert = NULL;

      np_test_wait_until (view_is_idle, view);
      g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_PRACTICE);
      g_assert_cmpstr (_np_training_view_get_case_path (view), ==,
                       np_training_session_get_case (session, i));
      expert = load_expert (view);
      _np_training_view_place_mark (view, NP_TRAINING_MARK_TARGET, expert->target);
      _np_training_view_place_mark (view, NP_TRAINING_MARK_ENTRY, expert->entry);
      np_test_press_key (GTK_WIDGET (view), GDK_KEY_Return, 0);
      /* The expert's own marks lose nothing. */
      g_assert_cmpfloat_with_epsilon (_np_training_view_get_score (view)->score, 100.0, 1e-9);
      scores[i] = _np_training_view_get_score (view)->score;
      np_test_press_key (GTK_WIDGET (view), GDK_KEY_n, 0);
    }

  np_test_wait_until (on_summary, view);
  g_assert_true (np_training_session_is_finished (session));
  history = _np_training_view_get_history (view);
  g_assert_cmpuint (np_training_history_get_n_sessions (history), ==, n_before + 1);
  g_assert_true (gtk_widget_is_visible (view_child (view, "summary_table_frame")));
  g_assert_true (gtk_widget_get_sensitive (view_child (view, "export_button")));

  /* In the user's data folder (XDG_DATA_HOME, a scratch folder here). */
  history_path = g_build_filename (g_get_user_data_dir (), "needleplan",
                                   NP_TRAINING_HISTORY_FILE, NULL);
  g_assert_true (g_file_test (history_path, G_FILE_TEST_IS_REGULAR));
  destroy_view (view);

  /* A restart: a new view reads the history from disk. */
  view = new_view ();
  history = _np_training_view_get_history (view);
  g_assert_nonnull (history);
  g_assert_cmpuint (np_training_history_get_n_sessions (history), ==, n_before + 1);
  saved = np_training_history_get_session (history, n_before);
  g_assert_cmpuint (saved->seed, ==, 7);
  g_assert_cmpuint (saved->cases->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const NpTrainingScore *score = g_ptr_array_index (saved->scores, i);

      g_assert_cmpstr (g_ptr_array_index (saved->cases, i), ==,
                       np_training_session_get_case (expected, i));
      g_assert_nonnull (score);
      g_assert_cmpfloat_with_epsilon (score->score, scores[i], 1e-9);
    }

  /* The same as the core reads it. */
  on_disk = np_training_history_load (history_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_training_history_get_n_sessions (on_disk), ==, n_before + 1);

  /* The progress page draws the chart: more than one colour on it. */
  gtk_widget_activate_action (GTK_WIDGET (view), "training.show-progress", NULL);
  g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_SUMMARY);
  {
    GtkWidget *chart = view_child (view, "chart_area");
    g_autoptr(NpTestImage) image = NULL;
    guint8 first[3], rgb[3];
    gboolean varied = FALSE;

    np_test_wait_until (widget_has_size, chart);
    image = np_test_render_widget (chart);

    np_test_image_pixel (image, 0, 0, first);
    for (int y = 0; y < image->height && !varied; y += 3)
      for (int x = 0; x < image->width && !varied; x += 3)
        {
          np_test_image_pixel (image, x, y, rgb);
          varied = memcmp (rgb, first, 3) != 0;
        }
    g_assert_true (varied);
  }

  destroy_view (view);
}

static void
test_skip_and_end_session (void)
{
  NpTrainingView *view = new_view ();
  NpCaseFilter hip_us = { .by_site = TRUE, .site = NP_SITE_HIP,
                          .by_modality = TRUE, .modality = NP_MODALITY_ULTRASOUND };
  g_autoptr(GError) error = NULL;
  NpTrainingSession *session;
  guint n_before = np_training_history_get_n_sessions (_np_training_view_get_history (view));

  _np_training_view_set_filter (view, &hip_us);
  g_assert_true (np_training_view_start_session (view, 3, 11, &error));
  g_assert_no_error (error);
  np_test_wait_until (view_is_idle, view);
  session = g_object_ref (np_training_view_get_session (view));

  /* N without submitting skips the case. */
  np_test_press_key (GTK_WIDGET (view), GDK_KEY_n, 0);
  np_test_wait_until (view_is_idle, view);
  g_assert_cmpuint (np_training_session_get_position (session), ==, 1);
  g_assert_cmpuint (np_training_session_get_n_scored (session), ==, 0);

  /* Ending early with nothing scored adds nothing to the history. */
  gtk_widget_activate_action (GTK_WIDGET (view), "training.end-session", NULL);
  g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_SUMMARY);
  g_assert_true (np_training_session_is_finished (session));
  g_assert_cmpuint (np_training_history_get_n_sessions (_np_training_view_get_history (view)), ==,
                    n_before);
  g_assert_false (gtk_widget_is_visible (view_child (view, "summary_table_frame")));

  gtk_widget_activate_action (GTK_WIDGET (view), "training.show-library", NULL);
  g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_LIBRARY);
  g_assert_null (np_training_view_get_session (view));

  g_object_unref (session);
  destroy_view (view);
}

/* The training window as a trainee meets it, with real clicks and keys:
 * the header's Train switch hides the plan's title, Save, Undo and the
 * buttons acting on the hidden planning canvas; each case opens fitted
 * with an empty depth field; the depth sentence names the expert's and the
 * trainee's target; the summary lists each case with its score and says
 * what best and worst mean; Plan brings the header back. */
static void
test_window_train_mode (void)
{
  static const char *const plan_only[] = { "window_title", "save_button", "history_box",
                                           "zoom_button", "window_level_button",
                                           "export_button" };
  NpCaseFilter knee_us = { .by_site = TRUE, .site = NP_SITE_KNEE,
                           .by_modality = TRUE, .modality = NP_MODALITY_ULTRASOUND };
  NpWindow *window;
  GtkWidget *switcher, *train_button, *plan_button, *train_page, *spin, *check, *child;
  GtkGrid *cases_grid;
  NpTrainingView *view;
  NpTrainingSession *session;
  const char *depth_text;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = np_test_new_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  np_test_iterate (200);
  for (guint i = 0; i < G_N_ELEMENTS (plan_only); i++)
    g_assert_true (gtk_widget_get_mapped (np_test_template_child (window, plan_only[i])));
  g_assert_false (gtk_widget_get_visible (np_test_template_child (window, "training_title")));

  /* The switch: "Plan" then "Train". */
  switcher = np_test_template_child (window, "mode_switcher");
  plan_button = gtk_widget_get_first_child (switcher);
  train_button = gtk_widget_get_next_sibling (plan_button);
  click_widget (train_button);
  train_page = np_test_template_child (window, "train_page");
  np_test_wait_until (view_is_shown, train_page);
  view = NP_TRAINING_VIEW (gtk_widget_get_first_child (train_page));

  for (guint i = 0; i < G_N_ELEMENTS (plan_only); i++)
    if (gtk_widget_get_visible (np_test_template_child (window, plan_only[i])))
      g_error ("%s is still shown in Train mode", plan_only[i]);
  g_assert_true (gtk_widget_get_mapped (np_test_template_child (window, "training_title")));

  /* Two knee cases (all three are in-plane with a linear probe), seed 3,
   * started with a click on Start Session. */
  _np_training_view_set_filter (view, &knee_us);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (view_child (view, "n_cases_spin")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (view_child (view, "seed_spin")), 3);
  click_widget (view_child (view, "start_button"));
  /* The cases are made in a worker: wait for the page, not for idleness,
   * which holds before the worker has begun on a loaded machine. */
  np_test_wait_until (view_is_practising, view);
  g_assert_cmpint (np_training_view_get_page (view), ==, NP_TRAINING_VIEW_PAGE_PRACTICE);
  session = np_training_view_get_session (view);
  g_assert_cmpuint (np_training_session_get_n_cases (session), ==, 2);
  spin = view_child (view, "depth_spin");
  check = view_child (view, "depth_check");

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(NpPlan) expert = NULL;
      const NpTrainingScore *score;

      np_test_wait_until (view_is_idle, view);
      np_test_iterate (300);
      expert = load_expert (view);
      g_assert_cmpint (expert->technique, ==, NP_TECHNIQUE_IN_PLANE);
      g_assert_cmpint (expert->probe, ==, NP_PROBE_LINEAR);

      /* Fitted with 40 % of the frame's width free on either side, and an
       * empty depth field with nothing stated, for every case. */
      assert_fitted (view, NP_TRAINING_IN_PLANE_LINEAR_SIDE_ROOM);
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (spin)), ==, "");
      g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));

      /* T is the first tool: the target 10 px below the expert's, then the
       * expert's entry. */
      click_image_point (view, np_image_point (expert->target.x, expert->target.y + 10));
      click_image_point (view, expert->entry);
      g_assert_true (_np_training_view_get_mark (view, NP_TRAINING_MARK_ENTRY, NULL));

      /* A depth typed into the field states it; Return there submits. */
      /* On the field's text, left of its − and + buttons. */
      click_widget_at (spin, 20, gtk_widget_get_height (spin) / 2.0);
      send_keys (spin, "type", i == 0 ? "21.5" : "30");
      g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
      send_keys (spin, "key", "Return");
      g_assert_true (np_training_view_get_submitted (view));
      score = _np_training_view_get_score (view);
      g_assert_true (score->has_depth_error);
      g_assert_cmpfloat (score->depth_estimate_mm, ==, i == 0 ? 21.5 : 30);

      /* Whose depth is whose: each target's depth is its distance below
       * the skin, the line y = 44, at 1/12 mm per px. */
      depth_text = score->explanation[NP_TRAINING_METRIC_DEPTH_ERROR];
      g_assert_nonnull (strstr (depth_text, "the expert's target lies"));
      g_assert_cmpfloat_with_epsilon (score->expert_depth_mm, (expert->target.y - 44) / 12.0,
                                      1e-6);
      {
        g_autofree char *yours = NULL;
        NpImagePoint placed;

        /* Where the click put it: within a screen pixel of the point aimed at. */
        g_assert_true (_np_training_view_get_mark (view, NP_TRAINING_MARK_TARGET, &placed));
        g_assert_cmpfloat (fabs (placed.y - (expert->target.y + 10)), <=,
                           1 / np_canvas_get_zoom (_np_training_view_get_canvas (view)));
        yours = g_strdup_printf ("(your target %.1f mm)", (placed.y - 44) / 12.0);
        g_assert_nonnull (strstr (depth_text, yours));
      }

      if (i == 0)
        {
          /* A narrower window keeps the case fitted. */
          g_autofree char *wid = window_id (GTK_WIDGET (window));
          const char *size[] = { "windowsize", wid, "1100", "760", NULL };

          np_test_xdotool (size);
          np_test_iterate (500);
          assert_fitted (view, NP_TRAINING_IN_PLANE_LINEAR_SIDE_ROOM);
        }
      /* N: the next case, or the summary. */
      send_keys (GTK_WIDGET (window), "key", "n");
    }

  np_test_wait_until (on_summary, view);
  /* Each case with its score, in the session's order, under a heading row. */
  cases_grid = GTK_GRID (view_child (view, "cases_grid"));
  g_assert_true (gtk_widget_is_visible (GTK_WIDGET (cases_grid)));
  for (guint i = 0; i < 2; i++)
    {
      const NpTrainingScore *score = np_training_session_get_score (session, i);
      g_autofree char *value = g_strdup_printf ("%g", round (score->score * 10) / 10);
      g_autoptr(NpCase) library_case = np_case_new_from_file (np_training_session_get_case (session,
                                                                                        i),
                                                              NULL);
      GtkWidget *title_cell = gtk_grid_get_child_at (cases_grid, 1, i + 1);
      GtkWidget *score_cell = gtk_grid_get_child_at (cases_grid, 2, i + 1);

      g_assert_nonnull (library_case);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title_cell)), ==, library_case->title);
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (score_cell)), ==, value);
    }
  g_assert_null (gtk_grid_get_child_at (cases_grid, 0, 3));
  /* Best and worst say what they measure. */
  child = view_child (view, "best_worst_label");
  g_assert_true (gtk_widget_is_visible (child));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child)), "closest to"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child)), "smallest target error"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (
                     GTK_GRID (view_child (view, "summary_grid")), 4, 0))), ==, "Best attempt");

  /* Plan: the plan's header again. */
  click_widget (plan_button);
  np_test_iterate (200);
  for (guint i = 0; i < G_N_ELEMENTS (plan_only); i++)
    g_assert_true (gtk_widget_get_mapped (np_test_template_child (window, plan_only[i])));
  g_assert_false (gtk_widget_get_visible (np_test_template_child (window, "training_title")));

  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/training/library", test_library);
  g_test_add_func ("/gui/training/practice-score-and-overlay", test_practice_score_and_overlay);
  g_test_add_func ("/gui/training/critical-error-banner", test_critical_error_banner);
  g_test_add_func ("/gui/training/depth-only-where-it-can-be-checked",
                   test_depth_only_where_it_can_be_checked);
  g_test_add_func ("/gui/training/typed-depth-counts", test_typed_depth_counts);
  g_test_add_func ("/gui/training/session-and-history-restart", test_session_and_history_restart);
  g_test_add_func ("/gui/training/skip-and-end-session", test_skip_and_end_session);
  g_test_add_func ("/gui/training/window-train-mode", test_window_train_mode);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
