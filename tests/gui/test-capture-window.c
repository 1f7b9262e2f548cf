/* test-capture-window.c — a NeedlePlan Secondary Capture opened in the
 * window reopens as its plan: on the source frame when it is found, on the
 * capture's own pixels otherwise, marks editable by real input
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-dicom-export.h"
#include "np-gui-test-util.h"
#include "np-plan-file.h"
#include "np-window.h"

#include <gdk/x11/gdkx.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static NpApplication *app;

static NpWindow *
new_window (void)
{
  NpWindow *window = np_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  return window;
}

static void
destroy_window (NpWindow *window)
{
  np_test_destroy_dialogs (GTK_WINDOW (window));
  np_document_set_dirty (np_window_get_document (window), FALSE);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
window_loaded (gpointer data)
{
  return !np_window_get_loading (NP_WINDOW (data));
}

static void
open_path (NpWindow   *window,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  np_window_open_file (window, file);
  np_test_wait_until (window_loaded, window);
  np_test_wait_window_idle (window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (np_window_get_canvas (window)));
  np_test_iterate (300);
}

/* Real input */

static void
pointer_to (NpWindow *window,
            int       x,
            int       y)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *wid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
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

/* The bundled knee case exported as a Secondary Capture, alone in a folder
 * of the test's cache directory. */
static char *
export_case (const char *folder_name)
{
  g_autofree char *plan_path = np_test_copy_case ("knee-us-01", "capture-case");
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), folder_name, NULL);
  g_autofree char *sc = g_build_filename (folder, "knee-sc.dcm", NULL);
  g_autofree char *frame_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = np_plan_file_load (plan_path, &error);
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  NpExportOptions options;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  frame_path = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_no_error (error);
  frame = np_frame_load (frame_path, &error);
  g_assert_no_error (error);
  results = np_export_compute_results (plan, frame, &error);
  g_assert_no_error (error);
  np_export_options_init (&options);
  /* The plan's own hint would find the copied case: this capture travels
   * without its source. */
  np_plan_set_string (&plan->frame_absolute_path, NULL);
  g_assert_true (np_dicom_export_sc (frame, plan, results, &options, sc, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&sc);
}

/* Alone, the capture is the frame (the 800 × 600 knee frame and its caption band):
 * the marks keep their coordinates, the note says the overlay is burned
 * in, and the target can be dragged. */
static void
test_on_capture (void)
{
  g_autofree char *sc = export_case ("capture-alone");
  g_autofree char *shown = NULL;
  g_autofree char *expected = realpath (sc, NULL);
  NpWindow *window = new_window ();
  NpDocument *document = np_window_get_document (window);
  const NpPlan *plan;
  NpFrame *frame;
  NpImagePoint start, moved;

  open_path (window, sc);
  shown = g_file_get_path (np_window_get_file (window));
  g_assert_cmpstr (shown, ==, expected);
  plan = np_document_get_plan (document);
  g_assert_true (plan->has_target);
  g_assert_cmpfloat_with_epsilon (plan->target.x, 328.24, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->target.y, 293.6, 1e-9);
  g_assert_cmpuint (plan->structures->len, >, 0);
  g_assert_cmpstr (plan->frame_path, ==, "knee-sc.dcm");
  frame = np_document_get_frame (document);
  g_assert_cmpuint (np_frame_get_width (frame), ==, 800);
  g_assert_cmpuint (np_frame_get_height (frame), >, 600);
  g_assert_nonnull (np_window_get_capture_note (window));
  g_assert_nonnull (strstr (np_window_get_capture_note (window), "burned into the image"));
  g_assert_nonnull (strstr (np_window_get_capture_note (window), "“frame.png” was not found"));

  if (!np_test_have_xdotool ())
    {
      g_test_message ("xdotool or an X display is missing: the drag is left out");
      destroy_window (window);
      return;
    }
  start = plan->target;
  drag (window, start, np_image_point (start.x, start.y + 40));
  moved = np_document_get_plan (document)->target;
  g_assert_cmpfloat (fabs (moved.y - (start.y + 40)), <,
                     2.0 / np_canvas_get_zoom (np_window_get_canvas (window)) + 0.01);
  g_assert_true (np_document_get_dirty (document));
  destroy_window (window);
}

/* With its source frame beside it (same checksum), the plan reopens there. */
static void
test_on_source (void)
{
  g_autofree char *sc = export_case ("capture-beside");
  g_autofree char *folder = g_path_get_dirname (sc);
  g_autofree char *case_frame = g_build_filename (g_get_user_cache_dir (), "capture-case",
                                                  "frame.png", NULL);
  g_autofree char *beside = g_build_filename (folder, "frame.png", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  NpWindow *window = new_window ();
  NpDocument *document = np_window_get_document (window);

  g_assert_true (g_file_get_contents (case_frame, &data, &length, NULL));
  g_assert_true (g_file_set_contents (beside, data, (gssize) length, NULL));
  expected = realpath (beside, NULL);

  open_path (window, sc);
  shown = g_file_get_path (np_window_get_file (window));
  g_assert_cmpstr (shown, ==, expected);
  g_assert_cmpuint (np_frame_get_width (np_document_get_frame (document)), ==, 800);
  g_assert_cmpuint (np_frame_get_height (np_document_get_frame (document)), ==, 600);
  g_assert_cmpfloat_with_epsilon (np_document_get_plan (document)->target.x, 328.24, 1e-9);
  g_assert_nonnull (strstr (np_window_get_capture_note (window), "on its source frame “frame.png”"));

  /* A plain frame opened next clears the note. */
  open_path (window, beside);
  g_assert_null (np_window_get_capture_note (window));
  destroy_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/capture/on-capture", test_on_capture);
  g_test_add_func ("/gui/capture/on-source", test_on_source);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
