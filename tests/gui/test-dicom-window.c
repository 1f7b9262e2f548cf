/* test-dicom-window.c — DICOM and JPEG frames in the window: the frame
 * picker of a cine loop, hostile files, JPEG stills
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include <gdk/x11/gdkx.h>

#include "np-application.h"
#include "np-dicom-helper.h"
#include "np-document.h"
#include "np-gui-test-util.h"
#include "np-jpeg.h"
#include "np-plan-file.h"
#include "np-side-panel-private.h"
#include "np-window-private.h"
#include "np-window.h"

#define XA_FILE "dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm"
/* The importer's process name, as /proc shows it (15 characters). */
#define IMPORTER_COMM "needleplan-dico"

static NpApplication *app;

/* Helpers */

static char *
testdata_path (const char *relative)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");

  return g_build_filename (dir != NULL ? dir : NP_TESTDATA_DIR, relative, NULL);
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
}

typedef struct
{
  NpWindow *window;
  guint frame;
} FrameWait;

static gboolean
frame_shown (gpointer data)
{
  FrameWait *wait = data;

  return np_window_get_frame_number (wait->window) == wait->frame;
}

static void
wait_for_frame (NpWindow *window,
                guint     frame)
{
  FrameWait wait = { window, frame };

  np_test_wait_until (frame_shown, &wait);
  np_test_iterate (20);
}

/* This process's children running the importer, from /proc (read only). */
static guint
count_importers (void)
{
  g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  const char *tid;
  guint count = 0;

  g_assert_nonnull (tasks);
  while ((tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *children_path = g_build_filename ("/proc/self/task", tid, "children", NULL);
      g_autofree char *children = NULL;
      g_auto(GStrv) pids = NULL;

      if (!g_file_get_contents (children_path, &children, NULL, NULL))
        continue;
      pids = g_strsplit_set (g_strstrip (children), " ", -1);
      for (guint i = 0; pids[i] != NULL; i++)
        {
          g_autofree char *comm_path = NULL;
          g_autofree char *comm = NULL;

          if (pids[i][0] == '\0')
            continue;
          comm_path = g_build_filename ("/proc", pids[i], "comm", NULL);
          if (g_file_get_contents (comm_path, &comm, NULL, NULL) &&
              g_str_equal (g_strstrip (comm), IMPORTER_COMM))
            count++;
        }
    }
  return count;
}

static gboolean
no_importer (gpointer data)
{
  return count_importers () == 0;
}

static gboolean
process_gone (gpointer data)
{
  return kill (GPOINTER_TO_INT (data), 0) != 0 && errno == ESRCH;
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

/* The same frame read on its own, by a separate importer. */
static void
assert_frame_is (NpFrame    *shown,
                 const char *path,
                 guint       number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) expected = np_dicom_helper_load_frame (path, number - 1, &error);
  gsize size;

  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (shown), ==, np_frame_get_width (expected));
  g_assert_cmpuint (np_frame_get_height (shown), ==, np_frame_get_height (expected));
  g_assert_cmpuint (np_frame_get_stride (shown), ==, np_frame_get_stride (expected));
  size = np_frame_get_stride (shown) * np_frame_get_height (shown);
  g_assert_true (memcmp (np_frame_get_data (shown), np_frame_get_data (expected), size) == 0);
}

/* Places the target as the Target tool's click does: one edit of the plan. */
static void
place_target (NpWindow *window,
              double    x,
              double    y)
{
  NpDocument *document = np_window_get_document (window);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);

  plan->has_target = TRUE;
  plan->target = np_image_point (x, y);
  np_document_edit (document, g_steal_pointer (&plan), "Place target");
}

/* Real input through the X server */

static char *
window_id (NpWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

static void
real_key (NpWindow   *window,
          const char *name)
{
  g_autofree char *wid = window_id (window);
  const char *args[] = { "key", "--window", wid, name, NULL };

  np_test_xdotool (args);
}

/* A left click on image point (x, y) of the canvas. */
static void
real_click (NpWindow *window,
            double    x,
            double    y)
{
  NpCanvas *canvas = np_window_get_canvas (window);
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, np_image_point (x, y));
  g_autofree char *wid = window_id (window);
  g_autofree char *xs = NULL;
  g_autofree char *ys = NULL;
  graphene_point_t in_window;
  double surface_x, surface_y;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (w.x, w.y), &in_window));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &surface_x, &surface_y);
  xs = g_strdup_printf ("%ld", lround (in_window.x + surface_x));
  ys = g_strdup_printf ("%ld", lround (in_window.y + surface_y));
  {
    const char *move[] = { "mousemove", "--sync", "--window", wid, xs, ys, NULL };
    const char *click[] = { "click", "1", NULL };

    np_test_xdotool (move);
    np_test_iterate (30);
    np_test_xdotool (click);
    np_test_iterate (450);
  }
}

static gboolean
thumbnails_read (gpointer data)
{
  GtkWidget *box = data;

  for (GtkWidget *button = gtk_widget_get_first_child (box); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (gtk_picture_get_paintable (GTK_PICTURE (gtk_button_get_child (GTK_BUTTON (button)))) ==
        NULL)
      return FALSE;
  return TRUE;
}

/* Tests */

static void
test_thumbnails (void)
{
  g_autofree char *path = testdata_path (XA_FILE);
  NpWindow *window;
  GtkWidget *box, *third;
  guint count = 0;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }

  window = np_test_new_window (app);
  box = np_test_template_child (window, "thumbs_box");
  open_path (window, path);
  /* 24 thumbnails for 96 frames: every fourth frame, from the first. */
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count++;
  g_assert_cmpuint (count, ==, 24);
  np_test_wait_until (thumbnails_read, box);

  /* The third is frame 9 (frames 1, 5, 9, …); it is marked once shown. */
  third = gtk_widget_get_next_sibling (gtk_widget_get_next_sibling (gtk_widget_get_first_child (box)));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (third), ==, "Frame 9");
  g_assert_false (gtk_widget_has_css_class (third, "current"));
  g_signal_emit_by_name (third, "clicked");
  wait_for_frame (window, 9);
  g_assert_true (gtk_widget_has_css_class (third, "current"));
  g_assert_false (gtk_widget_has_css_class (gtk_widget_get_first_child (box), "current"));
  g_assert_cmpuint (np_document_get_plan (np_window_get_document (window))->dicom_frame_number,
                    ==, 9);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

static void
test_cine_keys_and_frame_5 (void)
{
  g_autofree char *path = testdata_path (XA_FILE);
  NpWindow *window;
  NpDocument *document;
  GtkWidget *canvas, *frame_bar;
  GtkLabel *label;
  NpFrame *first;
  GPid pid;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }

  window = np_test_new_window (app);
  document = np_window_get_document (window);
  canvas = GTK_WIDGET (np_window_get_canvas (window));
  frame_bar = np_test_template_child (window, "frame_bar");
  label = GTK_LABEL (np_test_template_child (window, "frame_label"));

  open_path (window, path);
  g_assert_null (find_message_dialog (window));
  g_assert_cmpuint (np_window_get_n_frames (window), ==, 96);
  g_assert_cmpuint (np_window_get_frame_number (window), ==, 1);
  g_assert_true (gtk_widget_get_visible (frame_bar));
  g_assert_cmpstr (gtk_label_get_text (label), ==, "Frame 1 of 96");
  g_assert_cmpuint (np_document_get_plan (document)->dicom_frame_number, ==, 1);
  g_assert_nonnull (np_document_get_plan (document)->dicom_sop_instance_uid);
  first = np_canvas_get_frame (NP_CANVAS (canvas));
  assert_frame_is (first, path, 1);
  pid = np_window_get_importer_pid (window);
  g_assert_cmpint (pid, >, 0);

  /* Four steps right: frame 5, read by the same importer. */
  gtk_widget_grab_focus (canvas);
  for (guint i = 2; i <= 5; i++)
    {
      np_test_press_key (canvas, GDK_KEY_Right, 0);
      wait_for_frame (window, i);
    }
  g_assert_cmpstr (gtk_label_get_text (label), ==, "Frame 5 of 96");
  assert_frame_is (np_canvas_get_frame (NP_CANVAS (canvas)), path, 5);
  g_assert_true (np_document_get_frame (document) == np_canvas_get_frame (NP_CANVAS (canvas)));
  g_assert_cmpint (np_window_get_importer_pid (window), ==, pid);

  /* The plan made on this still records it. */
  place_target (window, 256, 256);
  g_assert_true (np_document_get_plan (document)->has_target);
  g_assert_cmpuint (np_document_get_plan (document)->dicom_frame_number, ==, 5);

  /* Page Down is ten frames, Left one back, Home the first, End the last. */
  np_test_press_key (canvas, GDK_KEY_Page_Down, 0);
  wait_for_frame (window, 15);
  np_test_press_key (canvas, GDK_KEY_Left, 0);
  wait_for_frame (window, 14);
  g_assert_cmpuint (np_document_get_plan (document)->dicom_frame_number, ==, 14);
  /* The target stays where it was placed. */
  g_assert_true (np_document_get_plan (document)->has_target);
  g_assert_cmpfloat (np_document_get_plan (document)->target.x, ==, 256);
  np_test_press_key (canvas, GDK_KEY_End, 0);
  wait_for_frame (window, 96);
  np_test_press_key (canvas, GDK_KEY_Home, 0);
  wait_for_frame (window, 1);

  /* Undo walks back through the frames planned on: 96, then 14. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  wait_for_frame (window, 96);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL);
  wait_for_frame (window, 14);
  assert_frame_is (np_canvas_get_frame (NP_CANVAS (canvas)), path, 14);

  /* The window's importer stops with it. */
  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (process_gone, GINT_TO_POINTER (pid));
}

/* The same through the X server: arrow keys on the focused image, then the
 * Target tool's click. */
static void
test_real_keys_and_click (void)
{
  g_autofree char *path = testdata_path (XA_FILE);
  NpWindow *window;
  const NpPlan *plan;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }
  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = np_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  open_path (window, path);
  np_test_iterate (300);
  gtk_widget_grab_focus (GTK_WIDGET (np_window_get_canvas (window)));

  for (guint i = 2; i <= 5; i++)
    {
      real_key (window, "Right");
      wait_for_frame (window, i);
    }
  real_key (window, "t");
  np_test_iterate (50);
  real_click (window, 200, 300);

  plan = np_document_get_plan (np_window_get_document (window));
  g_assert_true (plan->has_target);
  /* Within a screen pixel of the point aimed at (the view is 1.17 × or less). */
  g_assert_cmpfloat (fabs (plan->target.x - 200), <=, 1.5);
  g_assert_cmpfloat (fabs (plan->target.y - 300), <=, 1.5);
  g_assert_cmpuint (plan->dicom_frame_number, ==, 5);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

static void
test_plan_reopens_on_its_frame (void)
{
  g_autofree char *path = testdata_path (XA_FILE);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  NpWindow *window;
  NpPlan *plan;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }

  window = np_test_new_window (app);
  plan = np_plan_new ();
  plan->dicom_frame_number = 5;
  plan->has_target = TRUE;
  plan->target = np_image_point (100, 120);
  np_window_open_frame_with_plan (window, file, plan, NULL);
  np_test_wait_until (window_loaded, window);
  np_test_wait_window_idle (window);

  g_assert_cmpuint (np_window_get_frame_number (window), ==, 5);
  assert_frame_is (np_canvas_get_frame (np_window_get_canvas (window)), path, 5);
  g_assert_cmpuint (np_document_get_plan (np_window_get_document (window))->dicom_frame_number,
                    ==, 5);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

static gboolean
chooser_is_shown (gpointer data)
{
  return np_test_find_dialog (GTK_WINDOW (data), GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

typedef struct
{
  GtkFileChooser *chooser;
  GFile *file;
} ChooserWait;

/* The chooser would save to @file: never anywhere else, outside the test's
 * folder. */
static gboolean
chooser_names (gpointer data)
{
  ChooserWait *wait = data;
  g_autoptr(GFile) chosen = gtk_file_chooser_get_file (wait->chooser);

  return chosen != NULL && g_file_equal (chosen, wait->file);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_IS_REGULAR);
}

/* A real window, mapped on the X server, at a size where the 512² frame is
 * shown at about 1.17× (see real_click). */
static NpWindow *
new_real_window (void)
{
  NpWindow *window = np_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 760);
  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  return window;
}

static void
assert_near (NpImagePoint point,
             double       x,
             double       y)
{
  g_assert_cmpfloat (fabs (point.x - x), <=, 1.5);
  g_assert_cmpfloat (fabs (point.y - y), <=, 1.5);
}

/* The whole round trip through files, with real input: open the cine, go
 * to frame 5 with the arrow key, mark the skin line, the entry and the
 * target with the tools' keys and clicks, save with Ctrl+S into the test's
 * folder, close the window; the plan FILE opened in a new window lands on
 * frame 5 with the marks. A plan whose SOP Instance UID is not the file's
 * opens with a warning naming the file. */
static void
test_plan_file_round_trip (void)
{
  g_autofree char *path = testdata_path (XA_FILE);
  g_autofree char *placeholder = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *other_path = NULL;
  g_autoptr(GFile) plan_file = NULL;
  g_autoptr(GFile) other_file = NULL;
  g_autoptr(NpPlan) saved = NULL;
  g_autoptr(GError) error = NULL;
  GtkFileChooser *chooser;
  AdwMessageDialog *dialog;
  const NpPlan *plan;
  NpWindow *window;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }
  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }
  placeholder = np_test_write_file ("round-trip-folder", "");
  folder = g_path_get_dirname (placeholder);
  plan_path = g_build_filename (folder, "cine-plan.json", NULL);
  other_path = g_build_filename (folder, "other-image-plan.json", NULL);

  window = new_real_window ();
  open_path (window, path);
  np_test_iterate (300);
  gtk_widget_grab_focus (GTK_WIDGET (np_window_get_canvas (window)));
  for (guint i = 2; i <= 5; i++)
    {
      real_key (window, "Right");
      wait_for_frame (window, i);
    }

  /* Skin line along row 40 (two clicks, Return), then the entry and the
   * target below it, away from the line's handles. An XA frame is
   * fluoroscopy: the entry is not snapped to the skin line. */
  real_key (window, "s");
  np_test_iterate (50);
  real_click (window, 40, 40);
  real_click (window, 470, 40);
  real_key (window, "Return");
  np_test_iterate (100);
  real_key (window, "e");
  np_test_iterate (50);
  real_click (window, 200, 90);
  real_key (window, "t");
  np_test_iterate (50);
  real_click (window, 260, 300);

  plan = np_document_get_plan (np_window_get_document (window));
  g_assert_cmpuint (plan->dicom_frame_number, ==, 5);
  g_assert_cmpint (plan->skin_kind, ==, NP_SKIN_POLYLINE);
  g_assert_cmpuint (plan->skin_points->len, ==, 2);
  assert_near (g_array_index (plan->skin_points, NpImagePoint, 0), 40, 40);
  assert_near (g_array_index (plan->skin_points, NpImagePoint, 1), 470, 40);
  g_assert_true (plan->has_entry);
  assert_near (plan->entry, 200, 90);
  g_assert_true (plan->has_target);
  assert_near (plan->target, 260, 300);
  g_assert_null (np_document_get_path (np_window_get_document (window)));

  /* Ctrl+S on a new plan asks where: the test's folder. */
  real_key (window, "ctrl+s");
  np_test_wait_until (chooser_is_shown, window);
  chooser = GTK_FILE_CHOOSER (np_test_find_dialog (GTK_WINDOW (window),
                                                   GTK_TYPE_FILE_CHOOSER_DIALOG));
  plan_file = g_file_new_for_path (plan_path);
  /* An absolute name: the chooser starts out in the read-only test data
   * around the frame, and the test writes only into its own folder. */
  gtk_file_chooser_set_current_name (chooser, plan_path);
  {
    ChooserWait wait = { chooser, plan_file };

    np_test_wait_until (chooser_names, &wait);
  }
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  np_test_wait_until (file_exists, plan_path);
  np_test_wait_window_idle (window);
  g_assert_cmpstr (np_document_get_path (np_window_get_document (window)), ==, plan_path);
  g_assert_false (np_document_get_dirty (np_window_get_document (window)));

  /* The file records the DICOM source: its UID and frame 5. */
  saved = np_plan_file_load (plan_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (saved->dicom_frame_number, ==, 5);
  g_assert_cmpstr (saved->dicom_sop_instance_uid, ==,
                   np_frame_get_dicom_info (np_document_get_frame (
                     np_window_get_document (window)))->sop_instance_uid);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);

  /* The plan file alone, in a new window. */
  window = new_real_window ();
  np_window_open_file (window, plan_file);
  np_test_wait_until (window_loaded, window);
  np_test_wait_window_idle (window);
  g_assert_null (find_message_dialog (window));
  g_assert_cmpuint (np_window_get_n_frames (window), ==, 96);
  g_assert_cmpuint (np_window_get_frame_number (window), ==, 5);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (np_test_template_child (window,
                                                                          "frame_label"))),
                   ==, "Frame 5 of 96");
  assert_frame_is (np_canvas_get_frame (np_window_get_canvas (window)), path, 5);
  plan = np_document_get_plan (np_window_get_document (window));
  g_assert_cmpuint (plan->dicom_frame_number, ==, 5);
  g_assert_cmpuint (plan->skin_points->len, ==, 2);
  assert_near (g_array_index (plan->skin_points, NpImagePoint, 0), 40, 40);
  assert_near (g_array_index (plan->skin_points, NpImagePoint, 1), 470, 40);
  assert_near (plan->entry, 200, 90);
  assert_near (plan->target, 260, 300);
  g_assert_false (np_document_get_dirty (np_window_get_document (window)));
  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);

  /* The same plan naming another image's SOP Instance UID: shown on its
   * frame, with a warning that names the file. */
  np_plan_set_string (&saved->dicom_sop_instance_uid, "1.2.3.4.5");
  g_assert_true (np_plan_file_save (saved, NULL, other_path, &error));
  g_assert_no_error (error);
  window = new_real_window ();
  other_file = g_file_new_for_path (other_path);
  np_window_open_file (window, other_file);
  np_test_wait_until (window_loaded, window);
  np_test_wait_window_idle (window);
  g_assert_cmpuint (np_window_get_frame_number (window), ==, 5);
  dialog = find_message_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Not the Image of This Plan");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "XA_Siemens_cardio_96frames_JPEG.dcm” is not the image "
                            "“other-image-plan.json” was made on"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "the plan’s is 1.2.3.4.5"));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
                              np_test_template_child (window, "window_title"))),
                            "Frame differs"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

/* The case details show the file's patient and study fields read-only, as
 * dcmdump prints them for the XA cine (no Study Description, no
 * manufacturer); the new plan's patient name and ID come from the file. A
 * JPEG still has none of these rows. */
static void
test_patient_study_fields (void)
{
  static const struct { const char *title; const char *value; } expected[N_DICOM_ROWS] = {
    { "Patient", "Rubo DEMO" },
    { "Patient ID", "556342B" },
    { "Birth date", "1995-10-25" },
    { "Sex", "male" },
    { "Study date", "1994-10-13" },
    { "Study", NULL },
    { "Accession number", NULL },
    { "Referring physician", NULL },
    { "Institution", NULL },
    { "Scanner", "XA" },
  };
  g_autofree char *path = testdata_path (XA_FILE);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);
  g_autofree char *jpeg = NULL;
  g_autoptr(GError) error = NULL;
  const NpPlan *plan;
  NpSidePanel *panel;
  NpWindow *window;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }

  window = np_test_new_window (app);
  panel = window->side_panel;
  open_path (window, path);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel->dicom_header_row)));
  for (guint i = 0; i < N_DICOM_ROWS; i++)
    {
      const char *title = NULL;
      const char *value = _np_side_panel_get_dicom_field (panel, i, &title);

      g_assert_cmpstr (title, ==, expected[i].title);
      g_assert_cmpstr (value, ==, expected[i].value);
    }
  /* Read-only: a label, not an entry. */
  g_assert_true (GTK_IS_LABEL (panel->dicom_values[0]));
  plan = np_document_get_plan (np_window_get_document (window));
  g_assert_cmpstr (plan->patient_name, ==, "Rubo DEMO");
  g_assert_cmpstr (plan->patient_id, ==, "556342B");

  /* A JPEG carries no patient record. */
  gdk_pixbuf_fill (pixbuf, 0x404040ff);
  jpeg = np_test_write_file ("fields.jpg", "");
  g_assert_true (gdk_pixbuf_save (pixbuf, jpeg, "jpeg", &error, NULL));
  g_assert_no_error (error);
  open_path (window, jpeg);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel->dicom_header_row)));
  for (guint i = 0; i < N_DICOM_ROWS; i++)
    g_assert_null (_np_side_panel_get_dicom_field (panel, i, NULL));
  g_assert_null (np_document_get_plan (np_window_get_document (window))->patient_name);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

static void
test_play_advances (void)
{
  g_autofree char *path = testdata_path (XA_FILE);
  NpWindow *window;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no multi-frame XA file");
      return;
    }

  window = np_test_new_window (app);
  open_path (window, path);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_k, 0);
  wait_for_frame (window, 4);
  np_test_press_key (GTK_WIDGET (window), GDK_KEY_k, 0);
  np_test_wait_window_idle (window);
  np_test_iterate (300);
  /* Paused: the plan records the still that stayed on screen. */
  g_assert_cmpuint (np_document_get_plan (np_window_get_document (window))->dicom_frame_number,
                    ==, np_window_get_frame_number (window));
  g_assert_cmpuint (np_window_get_frame_number (window), >=, 4);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

static void
test_bad_files_keep_plan (void)
{
  g_autofree char *bad_dir = testdata_path ("dicom/bad");
  g_autofree char *good = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) ramp = NULL;
  NpWindow *window;
  NpDocument *document;
  const char *name;
  guint refused = 0;

  dir = g_dir_open (bad_dir, 0, NULL);
  if (dir == NULL)
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no hostile DICOM files");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));

  ramp = np_frame_new (64, 48, 1, 8, &error);
  g_assert_no_error (error);
  good = np_test_save_frame (ramp, "good.png");

  window = np_test_new_window (app);
  document = np_window_get_document (window);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (bad_dir, names->pdata[i], NULL);
      g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
      g_autoptr(NpPlan) before = NULL;
      AdwMessageDialog *dialog;
      NpFrame *shown;

      /* A plan with a target, as if saved: opening another file asks nothing. */
      open_path (window, good);
      place_target (window, 10, 20);
      np_document_set_dirty (document, FALSE);
      before = np_document_dup_plan (document);
      shown = np_document_get_frame (document);

      open_path (window, path);
      dialog = find_message_dialog (window);
      if (dialog == NULL)
        {
          /* DCMTK reads a few of them (an odd pixel data length, a
           * sequence other readers reject): then they are shown. */
          g_test_message ("%s opens", (const char *) names->pdata[i]);
          g_assert_nonnull (np_frame_get_dicom_info (np_document_get_frame (document)));
          continue;
        }
      refused++;
      g_test_message ("%s: %s", (const char *) names->pdata[i],
                      adw_message_dialog_get_body (dialog));
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Open the Frame");
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), names->pdata[i]));
      /* The plan, its frame and the title are as they were. */
      g_assert_true (np_plan_equal (np_document_get_plan (document), before));
      g_assert_true (np_document_get_frame (document) == shown);
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "good.png — NeedlePlan");
      g_assert_cmpuint (np_window_get_n_frames (window), ==, 0);
      /* Only files that opened are offered again. */
      g_assert_false (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
      gtk_window_destroy (GTK_WINDOW (dialog));
      /* No importer is left behind, and the window still works. */
      np_test_wait_until (no_importer, NULL);
      g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));
    }
  /* Most of them are refused (METADATA.tsv: DCMTK fails on at least five). */
  g_assert_cmpuint (refused, >=, 5);

  np_test_destroy_window (GTK_WINDOW (window));
  np_test_wait_until (no_importer, NULL);
}

static void
test_jpeg_frame (void)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 80, 60);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;
  NpWindow *window;
  NpFrame *frame;

  /* A JPEG in the test's own folder: grey 128 everywhere. */
  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  path = np_test_write_file ("still.jpg", "");
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "95", NULL));
  g_assert_no_error (error);
  uri = g_filename_to_uri (path, NULL, NULL);

  window = np_test_new_window (app);
  open_path (window, path);
  g_assert_null (find_message_dialog (window));
  frame = np_document_get_frame (np_window_get_document (window));
  g_assert_nonnull (frame);
  g_assert_cmpuint (np_frame_get_width (frame), ==, 80);
  g_assert_cmpuint (np_frame_get_height (frame), ==, 60);
  g_assert_cmpstr (np_frame_get_source_format (frame), ==, NP_JPEG_SOURCE_FORMAT);
  /* Flat grey survives JPEG within a level or two. */
  g_assert_cmpint (abs ((int) np_frame_get_sample (frame, 40, 30, 0) - 128), <=, 2);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "still.jpg — NeedlePlan");
  g_assert_cmpuint (np_window_get_n_frames (window), ==, 0);
  g_assert_false (gtk_widget_get_visible (np_test_template_child (window, "frame_bar")));
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));

  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/dicom/cine-keys-and-frame-5", test_cine_keys_and_frame_5);
  g_test_add_func ("/gui/dicom/real-keys-and-click", test_real_keys_and_click);
  g_test_add_func ("/gui/dicom/plan-reopens-on-its-frame", test_plan_reopens_on_its_frame);
  g_test_add_func ("/gui/dicom/plan-file-round-trip", test_plan_file_round_trip);
  g_test_add_func ("/gui/dicom/patient-study-fields", test_patient_study_fields);
  g_test_add_func ("/gui/dicom/play-advances", test_play_advances);
  g_test_add_func ("/gui/dicom/thumbnails", test_thumbnails);
  g_test_add_func ("/gui/dicom/bad-files-keep-plan", test_bad_files_keep_plan);
  g_test_add_func ("/gui/dicom/jpeg-frame", test_jpeg_frame);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
