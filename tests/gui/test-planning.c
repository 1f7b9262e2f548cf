/* test-planning.c — the planning tools and the side panel of the real
 * window, driven through its actions and through real X input (xdotool)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-calibration-dialog.h"
#include "np-export.h"
#include "np-gui-test-util.h"
#include "np-mark-editor.h"
#include "np-png.h"
#include "np-side-panel.h"
#include "np-window.h"
#include "np-window-private.h"

#include <gdk/x11/gdkx.h>
#include <json-glib/json-glib.h>
#include <math.h>

static NpApplication *app;

/* Helpers */

static NpWindow *
new_window (void)
{
  NpWindow *window = np_window_new (app);

  /* Room for the tool column, the canvas and the side panel, inside the
   * 1280 × 800 screen the tests run on. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  return window;
}

static void
destroy_window (NpWindow *window)
{
  np_test_destroy_dialogs (GTK_WINDOW (window));
  /* Unsaved marks would ask first; a test discards them. */
  np_document_set_dirty (np_window_get_document (window), FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static NpSidePanel *
side_panel (NpWindow *window)
{
  return NP_SIDE_PANEL (np_test_template_child (window, "side_panel"));
}

static void
open_path (NpWindow   *window,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (np_window_get_canvas (window)));
  /* Layout of the side panel and the fitted frame. */
  np_test_iterate (100);
}

static char *
source_path (const char *relative)
{
  const char *dir = g_getenv ("NP_SOURCE_DIR");

  return g_build_filename (dir != NULL ? dir : NP_SOURCE_DIR, relative, NULL);
}

static double
value_of (const char *text)
{
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  g_assert_true (end != text);
  return value;
}

/* Real input */

static char *
window_id (NpWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

static void
pointer_to (NpWindow *window,
            int       x,
            int       y)
{
  g_autofree char *wid = window_id (window);
  g_autofree char *xs = g_strdup_printf ("%d", x);
  g_autofree char *ys = g_strdup_printf ("%d", y);
  const char *args[] = { "mousemove", "--sync", "--window", wid, xs, ys, NULL };

  np_test_xdotool (args);
}

static void
button (const char *what)
{
  const char *args[] = { what, "1", NULL };

  np_test_xdotool (args);
}

static void
key (NpWindow   *window,
     const char *name)
{
  g_autofree char *wid = window_id (window);
  const char *args[] = { "key", "--window", wid, name, NULL };

  np_test_xdotool (args);
}

/* A left-button drag in steps, as a hand would do it. */
static void
drag (NpWindow     *window,
      NpImagePoint  from,
      NpImagePoint  to)
{
  int x0, y0, x1, y1;

  np_test_image_point_in_window (window, from, &x0, &y0);
  np_test_image_point_in_window (window, to, &x1, &y1);
  pointer_to (window, x0, y0);
  np_test_iterate (50);
  button ("mousedown");
  np_test_iterate (50);
  for (int i = 1; i <= 8; i++)
    {
      pointer_to (window, x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8);
      np_test_iterate (20);
    }
  button ("mouseup");
  np_test_iterate (100);
}

static void
click (NpWindow     *window,
       NpImagePoint  at)
{
  int x, y;

  np_test_image_point_in_window (window, at, &x, &y);
  pointer_to (window, x, y);
  np_test_iterate (30);
  button ("click");
  /* Past the double-click time, so two clicks stay two clicks. */
  np_test_iterate (450);
}

/* Truth of the bundled synthetic cases */

typedef struct
{
  double depth_mm;
  double pixel_size_mm;
  const char *modality;
} Truth;

static gboolean
read_truth (const char *case_dir,
            Truth      *truth,
            JsonParser *parser)
{
  g_autofree char *path = g_build_filename (case_dir, "truth.json", NULL);
  g_autoptr(GError) error = NULL;
  JsonObject *root, *target, *frame, *generator;

  if (!json_parser_load_from_file (parser, path, &error))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  target = json_object_get_object_member (root, "target");
  frame = json_object_get_object_member (root, "frame");
  generator = json_object_get_object_member (root, "generator");
  truth->modality = json_object_get_string_member (generator, "modality");
  truth->pixel_size_mm = json_object_get_double_member (frame, "pixel_size_mm");
  truth->depth_mm = json_object_has_member (target, "depth_mm")
    ? json_object_get_double_member (target, "depth_mm") : NAN;
  return TRUE;
}

/* Tests */

/* Every bundled ultrasound case: the results panel shows the generator's
 * target depth within max(0.5 mm, 1 px), in mm, with its interval. */
static void
test_case_depths (void)
{
  g_autofree char *cases = source_path ("data/cases");
  g_autoptr(GDir) dir = g_dir_open (cases, 0, NULL);
  NpWindow *window = new_window ();
  const char *name;
  guint checked = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *case_dir = g_build_filename (cases, name, NULL);
      g_autofree char *plan = g_build_filename (case_dir, "plan.json", NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *depth_text, *detail;
      Truth truth;
      double tolerance;

      if (!g_file_test (plan, G_FILE_TEST_EXISTS) || !read_truth (case_dir, &truth, parser) ||
          g_strcmp0 (truth.modality, "ultrasound") != 0 || isnan (truth.depth_mm))
        continue;

      open_path (window, plan);
      depth_text = np_side_panel_get_value_text (side_panel (window), NP_SIDE_PANEL_DEPTH);
      g_assert_true (g_str_has_suffix (depth_text, " mm"));
      tolerance = MAX (0.5, truth.pixel_size_mm);
      if (fabs (value_of (depth_text) - truth.depth_mm) > tolerance)
        g_error ("%s: the panel shows a depth of %s, the generator's truth is %.2f mm", name,
                 depth_text, truth.depth_mm);

      /* The interval arrives once the plan has been still for a moment. */
      np_test_iterate (400);
      detail = np_side_panel_get_detail_text (side_panel (window), NP_SIDE_PANEL_DEPTH);
      g_assert_true (g_str_has_prefix (detail, "95 % interval"));
      g_assert_false (np_side_panel_get_uncalibrated_shown (side_panel (window)));
      checked++;
    }
  /* knee, hip and shoulder (two approaches): ten ultrasound cases. */
  g_assert_cmpuint (checked, >=, 6);
  destroy_window (window);
}

static double
mean_of_region (NpTestImage *image,
                double       x,
                double       y,
                double       half)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x - half, y - half, 2 * half, 2 * half);

  return np_test_image_mean (image, &rect);
}

/* Dragging the target with the mouse moves it, updates the results while
 * the overlay follows; one undo step puts it back, redo again. */
static void
test_drag_target_undo_redo (void)
{
  g_autofree char *plan_path = source_path ("data/cases/knee-us-01/plan.json");
  g_autofree char *depth_before = NULL;
  g_autofree char *depth_after = NULL;
  g_autoptr(NpTestImage) before = NULL;
  g_autoptr(NpTestImage) after = NULL;
  NpWindow *window;
  NpDocument *document;
  NpCanvas *canvas;
  NpImagePoint start, moved;
  NpWidgetPoint old_widget, new_widget;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  canvas = np_window_get_canvas (window);
  open_path (window, plan_path);
  /* Let the fitted view settle before aiming at the target on screen. */
  np_test_iterate (300);

  start = np_document_get_plan (document)->target;
  depth_before = g_strdup (np_side_panel_get_value_text (side_panel (window),
                                                         NP_SIDE_PANEL_DEPTH));
  before = np_test_render_widget (GTK_WIDGET (canvas));

  /* 40 image px straight down: the skin is the horizontal line y = 44, so
   * the depth grows by 40 px × 0.0833 mm/px = 3.33 mm. */
  drag (window, start, np_image_point (start.x, start.y + 40));
  moved = np_document_get_plan (document)->target;
  g_assert_cmpfloat (fabs (moved.y - (start.y + 40)), <, 2.0 / np_canvas_get_zoom (canvas) + 0.01);
  g_assert_cmpfloat (fabs (moved.x - start.x), <, 2.0 / np_canvas_get_zoom (canvas) + 0.01);
  g_assert_true (np_document_get_dirty (document));

  depth_after = g_strdup (np_side_panel_get_value_text (side_panel (window),
                                                        NP_SIDE_PANEL_DEPTH));
  g_assert_cmpstr (depth_after, !=, depth_before);
  g_assert_cmpfloat (fabs (value_of (depth_after) - value_of (depth_before) -
                           (moved.y - start.y) / 12.0), <, 0.11);

  /* The target mark left its old place and drew at the new one. */
  after = np_test_render_widget (GTK_WIDGET (canvas));
  old_widget = np_canvas_image_to_widget (canvas, start);
  new_widget = np_canvas_image_to_widget (canvas, moved);
  g_assert_cmpfloat (fabs (mean_of_region (before, old_widget.x, old_widget.y, 6) -
                           mean_of_region (after, old_widget.x, old_widget.y, 6)), >, 3.0);
  g_assert_cmpfloat (fabs (mean_of_region (before, new_widget.x, new_widget.y, 6) -
                           mean_of_region (after, new_widget.x, new_widget.y, 6)), >, 3.0);

  /* One drag, one undo step. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, start.y);
  g_assert_cmpstr (np_side_panel_get_value_text (side_panel (window), NP_SIDE_PANEL_DEPTH), ==,
                   depth_before);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, moved.y);
  g_assert_cmpstr (np_side_panel_get_value_text (side_panel (window), NP_SIDE_PANEL_DEPTH), ==,
                   depth_after);

  destroy_window (window);
}

/* Escape in the middle of a drag puts the mark back and leaves no undo step. */
static void
test_escape_cancels_drag (void)
{
  g_autofree char *plan_path = source_path ("data/cases/knee-us-01/plan.json");
  NpWindow *window;
  NpDocument *document;
  NpImagePoint start;
  int x, y;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, plan_path);
  start = np_document_get_plan (document)->target;

  np_test_image_point_in_window (window, start, &x, &y);
  pointer_to (window, x, y);
  np_test_iterate (50);
  button ("mousedown");
  np_test_iterate (50);
  for (int i = 1; i <= 5; i++)
    {
      pointer_to (window, x + 6 * i, y + 4 * i);
      np_test_iterate (20);
    }
  g_assert_cmpfloat (np_document_get_plan (document)->target.x, >, start.x);
  key (window, "Escape");
  np_test_iterate (50);
  button ("mouseup");
  np_test_iterate (100);

  g_assert_cmpfloat (np_document_get_plan (document)->target.x, ==, start.x);
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, start.y);
  g_assert_false (np_document_can_undo (document));

  destroy_window (window);
}

static gboolean
structure_selected (NpWindow *window)
{
  guint index = 0;

  return np_mark_editor_get_selection (window->mark_editor, &index) == NP_OVERLAY_MARK_STRUCTURE;
}

/* Real input goes through the X server: on a loaded machine it can take
 * longer than any fixed pause, so wait for its effect (at most 5 s). */
static gboolean
wait_for_selection (NpWindow *window)
{
  /* Long enough for a loaded machine; it returns as soon as the label shows. */
  for (guint waited = 0; waited < 30000 && !structure_selected (window); waited += 20)
    np_test_iterate (20);
  return structure_selected (window);
}

static gboolean
wait_for_structure_count (NpDocument *document,
                          guint       count)
{
  for (guint waited = 0; waited < 5000 && np_document_get_plan (document)->structures->len != count;
       waited += 20)
    np_test_iterate (20);
  return np_document_get_plan (document)->structures->len == count;
}

/* A click on a structure selects it; Delete removes it as one undoable edit. */
static void
test_select_and_delete (void)
{
  g_autofree char *plan_path = source_path ("data/cases/knee-us-01/plan.json");
  NpWindow *window;
  NpDocument *document;
  const NpStructure *tendon;
  NpImagePoint centre;
  guint before;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, plan_path);

  before = np_document_get_plan (document)->structures->len;
  tendon = g_ptr_array_index (np_document_get_plan (document)->structures, 0);
  g_assert_cmpint (tendon->shape, ==, NP_SHAPE_ELLIPSE);
  centre = g_array_index (tendon->points, NpImagePoint, 0);

  /* Inside the ellipse, off its centre handle: selects the whole structure. */
  click (window, np_image_point (centre.x + 30, centre.y + 5));
  g_assert_true (wait_for_selection (window));
  key (window, "Delete");
  g_assert_true (wait_for_structure_count (document, before - 1));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (np_document_get_plan (document)->structures->len, ==, before);

  destroy_window (window);
}

/* A 600 × 400 grey frame without calibration, saved for the test. */
static char *
save_plain_frame (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (600, 400, 1, 8, &error);

  g_assert_no_error (error);
  for (guint y = 0; y < 400; y++)
    for (guint x = 0; x < 600; x++)
      np_frame_set_sample (frame, x, y, 0, 40 + (x + y) % 60);
  return np_test_save_frame (frame, name);
}

/* A real click in the middle of @widget (a tool button, a field). */
static void
click_widget (NpWindow  *window,
              GtkWidget *widget)
{
  graphene_rect_t bounds = np_test_bounds_in (widget, GTK_WIDGET (window));
  double surface_x, surface_y;

  gtk_native_get_surface_transform (GTK_NATIVE (window), &surface_x, &surface_y);
  pointer_to (window, (int) lround (bounds.origin.x + bounds.size.width / 2 + surface_x),
              (int) lround (bounds.origin.y + bounds.size.height / 2 + surface_y));
  np_test_iterate (30);
  button ("click");
  np_test_iterate (450);
}

/* The tool column's button for @tool (its action target). */
static GtkWidget *
tool_button (NpWindow   *window,
             const char *tool)
{
  GtkWidget *column = np_test_template_child (window, "tool_column");

  for (GtkWidget *child = gtk_widget_get_first_child (column); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GVariant *target;

      if (!GTK_IS_ACTIONABLE (child))
        continue;
      target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (child));
      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING) &&
          g_str_equal (g_variant_get_string (target, NULL), tool))
        return child;
    }
  g_error ("no tool button for %s", tool);
  return NULL;
}

static gboolean
wait_for_skin_points (NpDocument *document,
                      guint       count)
{
  for (guint waited = 0; waited < 5000 && np_document_get_plan (document)->skin_points->len != count;
       waited += 20)
    np_test_iterate (20);
  return np_document_get_plan (document)->skin_points->len == count;
}

/* Each stored point is where the click was, to the screen pixel. */
static void
assert_points (NpWindow           *window,
               const GArray       *stored,
               const NpImagePoint *clicked,
               guint               n)
{
  double tolerance = 1.0 / np_canvas_get_zoom (np_window_get_canvas (window)) + 0.01;

  g_assert_cmpuint (stored->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = g_array_index (stored, NpImagePoint, i);

      g_assert_cmpfloat (fabs (p.x - clicked[i].x), <=, tolerance);
      g_assert_cmpfloat (fabs (p.y - clicked[i].y), <=, tolerance);
    }
}

/* Drawing with clicks: Return (a real key through the X server) finishes
 * the skin line, keypad Enter the structure outline, and a double click
 * finishes without storing its point twice. The tool is picked with the
 * mouse on its button, as a new user does, so the button has the focus. */
static void
test_enter_finishes_drawing (void)
{
  g_autofree char *path = save_plain_frame ("enter.png");
  const NpImagePoint skin[] = { { 100.5, 50.5 }, { 300.5, 40.5 }, { 500.5, 60.5 } };
  const NpImagePoint outline[] = {
    { 200.5, 200.5 }, { 300.5, 200.5 }, { 300.5, 300.5 }, { 200.5, 300.5 },
  };
  const NpImagePoint second_skin[] = { { 80.5, 30.5 }, { 250.5, 25.5 }, { 520.5, 35.5 } };
  NpWindow *window;
  NpDocument *document;
  const NpStructure *structure;
  guint before;
  int x, y;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, path);

  click_widget (window, tool_button (window, "skin"));
  for (guint i = 0; i < G_N_ELEMENTS (skin); i++)
    click (window, skin[i]);
  g_assert_true (np_mark_editor_has_draft (window->mark_editor));
  key (window, "Return");
  g_assert_true (wait_for_skin_points (document, G_N_ELEMENTS (skin)));
  assert_points (window, np_document_get_plan (document)->skin_points, skin, G_N_ELEMENTS (skin));
  g_assert_false (np_mark_editor_has_draft (window->mark_editor));
  g_assert_cmpstr (np_document_get_undo_label (document), ==, "Mark skin line");

  /* Structure: four clicks, keypad Enter asks for the label; Return adds it. */
  before = np_document_get_plan (document)->structures->len;
  click_widget (window, tool_button (window, "structure"));
  for (guint i = 0; i < G_N_ELEMENTS (outline); i++)
    click (window, outline[i]);
  key (window, "KP_Enter");
  for (guint waited = 0; waited < 5000 && (window->structure_popover == NULL ||
                                           !gtk_widget_get_visible (window->structure_popover));
       waited += 20)
    np_test_iterate (20);
  g_assert_nonnull (window->structure_popover);
  g_assert_true (gtk_widget_get_visible (window->structure_popover));
  key (window, "Return");
  g_assert_true (wait_for_structure_count (document, before + 1));
  structure = g_ptr_array_index (np_document_get_plan (document)->structures, before);
  assert_points (window, structure->points, outline, G_N_ELEMENTS (outline));

  /* Double click on the last point: three points, not four. */
  click_widget (window, tool_button (window, "skin"));
  click (window, second_skin[0]);
  click (window, second_skin[1]);
  np_test_image_point_in_window (window, second_skin[2], &x, &y);
  pointer_to (window, x, y);
  np_test_iterate (30);
  {
    const char *args[] = { "click", "--repeat", "2", "--delay", "80", "1", NULL };

    np_test_xdotool (args);
  }
  for (guint waited = 0; waited < 5000 &&
       fabs (g_array_index (np_document_get_plan (document)->skin_points, NpImagePoint, 0).x -
             second_skin[0].x) > 1.5; waited += 20)
    np_test_iterate (20);
  np_test_iterate (100);
  assert_points (window, np_document_get_plan (document)->skin_points, second_skin,
                 G_N_ELEMENTS (second_skin));
  g_assert_false (np_mark_editor_has_draft (window->mark_editor));

  destroy_window (window);
}

static char *
current_tool (NpWindow *window)
{
  char *tool = NULL;

  g_object_get (window, "tool", &tool, NULL);
  return tool;
}

static gboolean
wait_for_tool (NpWindow   *window,
               const char *expected)
{
  for (guint waited = 0; waited < 5000; waited += 20)
    {
      g_autofree char *tool = current_tool (window);

      if (g_strcmp0 (tool, expected) == 0)
        return TRUE;
      np_test_iterate (20);
    }
  return FALSE;
}

static gboolean
wait_for_undo_label (NpDocument *document,
                     const char *expected)
{
  for (guint waited = 0; waited < 5000 &&
       g_strcmp0 (np_document_get_undo_label (document), expected) != 0; waited += 20)
    np_test_iterate (20);
  return g_strcmp0 (np_document_get_undo_label (document), expected) == 0;
}

/* Enter in the Clinician field applies it and gives the keyboard back to
 * the canvas: the next tool key picks the tool, the name stays as typed.
 * Then, in every tool, Ctrl+Z undoes and Escape cancels, as real keys. */
static void
test_field_enter_returns_keys (void)
{
  g_autofree char *plan_path = source_path ("data/cases/knee-us-01/plan.json");
  const char *tools[][2] = {
    { "t", "target" }, { "e", "entry" }, { "s", "skin" }, { "a", "structure" }, { "m", "measure" },
  };
  NpWindow *window;
  NpDocument *document;
  GtkWidget *panel, *clinician;
  GtkWidget *focus;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, plan_path);
  panel = GTK_WIDGET (side_panel (window));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (np_test_template_child (panel, "case_row")),
                                 TRUE);
  clinician = np_test_template_child (panel, "clinician_row");
  np_test_iterate (200);
  gtk_widget_grab_focus (clinician);
  np_test_iterate (50);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, clinician));

  {
    const char *args[] = { "type", "--delay", "30", "Dr Lee", NULL };

    np_test_xdotool (args);
  }
  key (window, "Return");
  g_assert_true (wait_for_undo_label (document, "Set clinician"));
  g_assert_cmpstr (np_document_get_plan (document)->clinician, ==, "Dr Lee");
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_true (focus == GTK_WIDGET (np_window_get_canvas (window)));

  /* T now chooses the Target tool; nothing reaches the field. */
  key (window, "t");
  g_assert_true (wait_for_tool (window, "target"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (clinician)), ==, "Dr Lee");
  g_assert_cmpstr (np_document_get_plan (document)->clinician, ==, "Dr Lee");

  /* Every tool: an edit, Ctrl+Z undoes it, Escape goes back to Pan. */
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autoptr(NpPlan) edited = np_document_dup_plan (document);
      double before = edited->target.x;

      key (window, tools[i][0]);
      g_assert_true (wait_for_tool (window, tools[i][1]));
      edited->target.x += 3;
      np_document_edit (document, g_steal_pointer (&edited), "Nudge target");
      key (window, "ctrl+z");
      g_assert_true (wait_for_undo_label (document, "Set clinician"));
      g_assert_cmpfloat (np_document_get_plan (document)->target.x, ==, before);
      key (window, "Escape");
      g_assert_true (wait_for_tool (window, "pan"));
    }

  /* A skin line half drawn: Escape drops the draft, Delete the selection. */
  key (window, "s");
  g_assert_true (wait_for_tool (window, "skin"));
  click (window, np_image_point (100.5, 44.5));
  g_assert_true (np_mark_editor_has_draft (window->mark_editor));
  key (window, "Escape");
  for (guint waited = 0; waited < 5000 && np_mark_editor_has_draft (window->mark_editor);
       waited += 20)
    np_test_iterate (20);
  g_assert_false (np_mark_editor_has_draft (window->mark_editor));

  destroy_window (window);
}

/* The Redact tool, picked on its button: a real drag from (100.5, 20.5) to
 * (300.5, 60.5) stores the rectangle of every pixel it touches, about
 * x 100–301, y 20–61 (to a screen pixel), as one undoable edit; an
 * anonymised export of the plan is black there and keeps the frame's grey
 * (40 + (x + y) mod 60, never 0) below it. */
static void
test_redact_tool (void)
{
  g_autofree char *path = save_plain_frame ("redact.png");
  g_autoptr(NpFrame) annotated = NULL;
  g_autoptr(GError) error = NULL;
  NpExportOptions options;
  const NpImageRect *rect;
  NpWindow *window;
  NpDocument *document;
  double tolerance;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, path);
  click_widget (window, tool_button (window, "redact"));
  g_assert_true (wait_for_tool (window, "redact"));
  drag (window, np_image_point (100.5, 20.5), np_image_point (300.5, 60.5));
  g_assert_true (wait_for_undo_label (document, "Redact area"));

  tolerance = 1.0 / np_canvas_get_zoom (np_window_get_canvas (window)) + 1.01;
  g_assert_cmpuint (np_document_get_plan (document)->redactions->len, ==, 1);
  rect = &g_array_index (np_document_get_plan (document)->redactions, NpImageRect, 0);
  g_assert_cmpfloat (fabs (rect->x - 100), <=, tolerance);
  g_assert_cmpfloat (fabs (rect->y - 20), <=, tolerance);
  g_assert_cmpfloat (fabs (rect->x + rect->width - 301), <=, tolerance);
  g_assert_cmpfloat (fabs (rect->y + rect->height - 61), <=, tolerance);

  np_export_options_init (&options);
  options.anonymise = TRUE;
  annotated = np_export_render_annotated (np_document_get_frame (document),
                                          np_document_get_plan (document), NULL, &options,
                                          &error);
  g_assert_no_error (error);
  for (guint y = 25; y < 55; y++)
    for (guint x = 105; x < 295; x++)
      g_assert_cmpuint (np_frame_get_sample (annotated, x, y, 0), ==, 0);
  g_assert_cmpuint (np_frame_get_sample (annotated, 200, 80, 0), ==, 40 + (200 + 80) % 60);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (np_document_get_plan (document)->redactions->len, ==, 0);
  destroy_window (window);
}

/* Without a calibration every length is in px and the panel says so. */
static void
test_uncalibrated_shows_px (void)
{
  g_autofree char *path = save_plain_frame ("plain.png");
  NpWindow *window = new_window ();
  NpDocument *document = np_window_get_document (window);
  const NpPlan *plan;
  const char *depth;

  open_path (window, path);
  g_assert_true (np_side_panel_get_uncalibrated_shown (side_panel (window)));
  g_assert_cmpstr (np_side_panel_get_value_text (side_panel (window),
                                                 NP_SIDE_PANEL_CALIBRATION), ==,
                   "Not calibrated");

  if (np_test_have_xdotool ())
    {
      /* T, then a click on (300.5, 150.5): with the linear probe's default
       * skin at the top edge y = 0, the depth is 150.5 px. */
      key (window, "t");
      np_test_iterate (50);
      click (window, np_image_point (300.5, 150.5));
    }
  else
    {
      g_autoptr(NpPlan) edited = np_document_dup_plan (document);

      edited->has_target = TRUE;
      edited->target = np_image_point (300.5, 150.5);
      np_document_edit (document, g_steal_pointer (&edited), "Place target");
    }
  plan = np_document_get_plan (document);
  g_assert_true (plan->has_target);
  depth = np_side_panel_get_value_text (side_panel (window), NP_SIDE_PANEL_DEPTH);
  g_assert_true (g_str_has_suffix (depth, " px"));
  g_assert_null (strstr (depth, "mm"));
  /* The click lands within a screen pixel of the point. */
  g_assert_cmpfloat (fabs (value_of (depth) - plan->target.y), <, 0.051);
  g_assert_cmpfloat (fabs (plan->target.y - 150.5),
                     <=, 1.0 / np_canvas_get_zoom (np_window_get_canvas (window)) + 0.01);
  /* No needle can be chosen without millimetres. */
  g_assert_cmpstr (np_side_panel_get_value_text (side_panel (window), NP_SIDE_PANEL_NEEDLE), ==,
                   "—");

  destroy_window (window);
}

static NpCalibrationDialog *
find_calibration_dialog (NpWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  NpCalibrationDialog *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (NP_IS_CALIBRATION_DIALOG (l->data) &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

/* Known distance: two clicks 240 px right and 320 px down of each other
 * at 100 % zoom are 400 image px apart (3-4-5); 20 mm between them gives
 * 20 / 400 = 0.05 mm per px. */
static void
test_calibrate_known_distance (void)
{
  g_autofree char *path = save_plain_frame ("calibrate.png");
  NpWindow *window;
  NpDocument *document;
  NpCalibrationDialog *dialog;
  const NpCalibration *calibration;
  const char *depth;
  int x0, y0;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, path);
  /* 100 %: one screen pixel is one image pixel, so the clicks' distance is
   * exact whatever the view's offset. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "view.zoom-actual", NULL));
  np_test_iterate (100);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.calibrate", NULL));
  np_test_iterate (200);
  dialog = find_calibration_dialog (window);
  g_assert_nonnull (dialog);
  np_calibration_dialog_set_method (dialog, NP_CALIBRATION_KNOWN_DISTANCE);
  np_calibration_dialog_set_reference_mm (dialog, 20.0);

  /* Right of the calibration window, which a test display without a
   * window manager puts at the top-left corner of the screen. */
  np_test_image_point_in_window (window, np_image_point (330, 30), &x0, &y0);
  pointer_to (window, x0, y0);
  np_test_iterate (30);
  button ("click");
  np_test_iterate (450);
  pointer_to (window, x0 + 240, y0 + 320);
  np_test_iterate (30);
  button ("click");
  np_test_iterate (200);

  calibration = np_calibration_dialog_get_calibration (dialog);
  g_assert_nonnull (calibration);
  /* GTK hands pointer positions through single-precision transforms:
   * 1e-6 of relative error, far below a click's. */
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 0.05, 1e-6);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_y, 0.05, 1e-6);
  g_assert_true (np_calibration_dialog_apply (dialog));
  np_test_iterate (100);

  calibration = np_document_get_plan (document)->calibration;
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_KNOWN_DISTANCE);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 0.05, 1e-6);
  g_assert_false (np_side_panel_get_uncalibrated_shown (side_panel (window)));
  g_assert_cmpstr (np_side_panel_get_value_text (side_panel (window),
                                                 NP_SIDE_PANEL_CALIBRATION), ==,
                   "0.0500 mm/px");

  /* A target at row 200.5 is now 200.5 × 0.05 = 10.0 mm deep (top-edge skin). */
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->has_target = TRUE;
    edited->target = np_image_point (300.5, 200.5);
    np_document_edit (document, g_steal_pointer (&edited), "Place target");
  }
  depth = np_side_panel_get_value_text (side_panel (window), NP_SIDE_PANEL_DEPTH);
  g_assert_cmpstr (depth, ==, "10.0 mm");

  /* Undo takes the calibration back out. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (np_side_panel_get_uncalibrated_shown (side_panel (window)));

  destroy_window (window);
}

/* X-ray frames: no speed of sound is offered; the lateral view of a pair
 * does not ask for a second view (it is one), the AP view alone does. */
static void
test_fluoroscopy_panel (void)
{
  static const char *const names[] = { "hip-fluoro-01-lateral", "hip-fluoro-01-ap",
                                       "hip-us-01" };
  NpWindow *window = new_window ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *plan = g_build_filename ("data", "cases", names[i], "plan.json", NULL);
      g_autofree char *path = source_path (plan);
      const char *detail;

      open_path (window, path);
      np_test_iterate (100);
      detail = np_side_panel_get_detail_text (side_panel (window), NP_SIDE_PANEL_DEPTH);
      if (i == 2)
        {
          g_assert_true (np_side_panel_get_speed_offered (side_panel (window)));
          continue;
        }
      g_assert_false (np_side_panel_get_speed_offered (side_panel (window)));
      if (i == 0)
        {
          g_assert_null (strstr (detail, "needs a second view"));
          g_assert_nonnull (strstr (detail, "its AP view"));
        }
      else
        g_assert_nonnull (strstr (detail, "needs a second view"));
    }
  destroy_window (window);
}

/* Recommend Entry moves the entry as one undoable edit and says why. */
static void
test_recommend_entry (void)
{
  g_autofree char *plan_path = source_path ("data/cases/knee-us-01/plan.json");
  NpWindow *window = new_window ();
  NpDocument *document = np_window_get_document (window);
  NpImagePoint entry;

  open_path (window, plan_path);
  entry = np_document_get_plan (document)->entry;
  /* Move the entry far off first, so the recommendation has to move it. */
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->entry = np_image_point (600, 44);
    np_document_edit (document, g_steal_pointer (&edited), "Move entry");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.recommend-entry", NULL));
  g_assert_cmpfloat (np_document_get_plan (document)->entry.x, !=, 600);
  g_assert_cmpstr (np_document_get_undo_label (document), ==, "Recommended entry");
  /* On the skin line y = 44. */
  g_assert_cmpfloat (fabs (np_document_get_plan (document)->entry.y - 44), <, 0.5);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpfloat (np_document_get_plan (document)->entry.x, ==, 600);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpfloat (np_document_get_plan (document)->entry.x, ==, entry.x);

  destroy_window (window);
}

/* The tool letters choose the tool; M again switches the measurement;
 * Escape goes back to Pan. */
static void
test_tool_keys (void)
{
  g_autofree char *path = save_plain_frame ("tools.png");
  NpWindow *window = new_window ();
  g_autofree char *tool = NULL;

  open_path (window, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.tool", "s", "skin"));
  g_object_get (window, "tool", &tool, NULL);
  g_assert_cmpstr (tool, ==, "skin");
  g_clear_pointer (&tool, g_free);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.measure", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.measure", NULL));
  g_object_get (window, "tool", &tool, NULL);
  g_assert_cmpstr (tool, ==, "measure");
  g_clear_pointer (&tool, g_free);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  g_object_get (window, "tool", &tool, NULL);
  g_assert_cmpstr (tool, ==, "pan");

  destroy_window (window);
}

static gboolean
message_dialog_shown (gpointer data)
{
  return np_test_find_message_dialog (GTK_WINDOW (data)) != NULL;
}

/* A copy of a bundled case's plan (and frame) in a scratch folder. */
static char *
copy_case (const char *case_name,
           const char *folder_name,
           gboolean    with_frame)
{
  g_autofree char *relative = g_build_filename ("data", "cases", case_name, NULL);
  g_autofree char *case_dir = source_path (relative);
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), folder_name, NULL);
  const char *names[] = { "plan.json", with_frame ? "frame.png" : NULL };

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names) && names[i] != NULL; i++)
    {
      g_autofree char *from = g_build_filename (case_dir, names[i], NULL);
      g_autofree char *to = g_build_filename (folder, names[i], NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &contents, &length, &error));
      g_assert_true (g_file_set_contents (to, contents, length, &error));
    }
  return g_build_filename (folder, "plan.json", NULL);
}

/* A plan whose frame is gone: the dialog says so and offers to locate it. */
static void
test_missing_frame (void)
{
  g_autofree char *plan = copy_case ("knee-us-02", "missing-frame", FALSE);
  g_autoptr(GFile) file = g_file_new_for_path (plan);
  NpWindow *window = new_window ();
  AdwMessageDialog *dialog;

  np_window_open_file (window, file);
  np_test_wait_until (message_dialog_shown, window);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Frame Not Found");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "frame.png"));
  g_assert_true (adw_message_dialog_has_response (dialog, "locate"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "locate"), ==,
                   "_Locate Frame…");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_false (np_window_has_frame (window));

  destroy_window (window);
}

/* A frame that is not the one the plan was made on: a warning, and the
 * plan still opens so the clinician can check it. */
static void
test_changed_frame_warned (void)
{
  g_autofree char *plan = copy_case ("knee-us-02", "changed-frame", TRUE);
  g_autofree char *folder = g_path_get_dirname (plan);
  g_autofree char *frame = g_build_filename (folder, "frame.png", NULL);
  g_autoptr(NpFrame) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (plan);
  NpWindow *window = new_window ();
  AdwMessageDialog *dialog;

  /* Replace the frame by another image of the same size. */
  other = np_frame_new (800, 600, 1, 8, &error);
  g_assert_no_error (error);
  g_assert_true (np_png_save (other, frame, &error));
  g_assert_no_error (error);

  np_window_open_file (window, file);
  np_test_wait_until (message_dialog_shown, window);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Frame Has Changed");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "SHA-256"));
  g_assert_true (np_window_has_frame (window));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
                              np_test_template_child (window, "window_title"))),
                            "Frame differs"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  destroy_window (window);
}

/* A plan that records no SHA-256 of its frame ("sha256": null) is not a
 * changed frame: its own warning says the frame cannot be verified. */
static void
test_unverified_frame_warned (void)
{
  g_autofree char *plan_path = copy_case ("knee-us-02", "unverified-frame", TRUE);
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (plan_path);
  NpWindow *window = NULL;
  AdwMessageDialog *dialog;
  const char *subtitle;

  plan = np_plan_file_load (plan_path, &error);
  g_assert_no_error (error);
  np_plan_set_string (&plan->frame_sha256, NULL);
  g_assert_true (np_plan_file_save (plan, NULL, plan_path, &error));
  g_assert_no_error (error);

  window = new_window ();
  np_window_open_file (window, file);
  np_test_wait_until (message_dialog_shown, window);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Frame Cannot Be Verified");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "does not record a checksum (SHA-256) of its frame"));
  g_assert_true (np_window_has_frame (window));
  subtitle = adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
                np_test_template_child (window, "window_title")));
  g_assert_nonnull (strstr (subtitle, "Frame not verified"));
  g_assert_null (strstr (subtitle, "Frame differs"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  destroy_window (window);
}

/* Save writes the plan (with its results) where it came from and clears
 * the "•"; New asks first when there are unsaved changes. */
static void
test_save_and_new (void)
{
  g_autofree char *plan = copy_case ("knee-us-03", "save", TRUE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  NpWindow *window = new_window ();
  NpDocument *document = np_window_get_document (window);
  AdwMessageDialog *dialog;
  JsonObject *root;

  open_path (window, plan);
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->target.y += 12;
    np_document_edit (document, g_steal_pointer (&edited), "Move target");
  }
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• plan.json"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL));
  g_assert_false (np_document_get_dirty (document));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "plan.json — NeedlePlan");

  /* The file holds the moved target and the results for the record. */
  g_assert_true (json_parser_load_from_file (parser, plan, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (root, "results"));
  g_assert_cmpfloat (json_array_get_double_element (
                       json_object_get_array_member (json_object_get_object_member (root,
                                                                                    "marks"),
                                                     "target"), 1),
                     ==, np_document_get_plan (document)->target.y);

  /* Undo back to the saved plan clears "Unsaved changes", redo sets it again. */
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->target.y += 7;
    np_document_edit (document, g_steal_pointer (&edited), "Move target");
  }
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• plan.json"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "plan.json — NeedlePlan");
  g_assert_null (strstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
                           np_test_template_child (window, "window_title"))),
                         "Unsaved changes"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• plan.json"));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
                              np_test_template_child (window, "window_title"))),
                            "Unsaved changes"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));

  /* New with unsaved changes: Save / Discard / Cancel. Cancel keeps them. */
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->target.x += 5;
    np_document_edit (document, g_steal_pointer (&edited), "Move target");
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (np_document_get_plan (document)->has_target);

  /* Discard: a new, empty plan on the same frame. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL));
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  adw_message_dialog_response (dialog, "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_false (np_document_get_plan (document)->has_target);
  g_assert_null (np_document_get_path (document));
  g_assert_true (np_window_has_frame (window));

  destroy_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/planning/case-depths", test_case_depths);
  g_test_add_func ("/gui/planning/drag-target-undo-redo", test_drag_target_undo_redo);
  g_test_add_func ("/gui/planning/escape-cancels-drag", test_escape_cancels_drag);
  g_test_add_func ("/gui/planning/select-and-delete", test_select_and_delete);
  g_test_add_func ("/gui/planning/uncalibrated-shows-px", test_uncalibrated_shows_px);
  g_test_add_func ("/gui/planning/calibrate-known-distance", test_calibrate_known_distance);
  g_test_add_func ("/gui/planning/recommend-entry", test_recommend_entry);
  g_test_add_func ("/gui/planning/fluoroscopy-panel", test_fluoroscopy_panel);
  g_test_add_func ("/gui/planning/tool-keys", test_tool_keys);
  g_test_add_func ("/gui/planning/enter-finishes-drawing", test_enter_finishes_drawing);
  g_test_add_func ("/gui/planning/field-enter-returns-keys", test_field_enter_returns_keys);
  g_test_add_func ("/gui/planning/redact-tool", test_redact_tool);
  g_test_add_func ("/gui/planning/missing-frame", test_missing_frame);
  g_test_add_func ("/gui/planning/changed-frame-warned", test_changed_frame_warned);
  g_test_add_func ("/gui/planning/unverified-frame-warned", test_unverified_frame_warned);
  g_test_add_func ("/gui/planning/save-and-new", test_save_and_new);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
