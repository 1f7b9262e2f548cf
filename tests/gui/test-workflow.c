/* test-workflow.c — a day in the clinic (issue 15) through the real window
 * and real X input (xdotool): Save As with "Include the frame", Save on a
 * bundled case, the recent-files list, the plan's keys in Train mode, the
 * PDF report's first page and the probe of the Philips curvilinear frame
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-calibration.h"
#include "np-export-actions.h"
#include "np-gui-test-util.h"
#include "np-training-view.h"
#include "np-window.h"

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static NpApplication *app;
static char *documents_dir;

/* Real input */

static char *
window_id (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  return g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));
}

/* xdotool key @keys to the window @widget is in. */
static void
send_key (GtkWidget  *widget,
          const char *keys)
{
  g_autofree char *wid = window_id (GTK_WIDGET (gtk_widget_get_native (widget)));
  const char *focus[] = { "windowfocus", "--sync", wid, NULL };
  const char *args[] = { "key", "--window", wid, keys, NULL };

  /* There is no window manager to give the focus back when a dialog
   * closes: the keys go where the user would have clicked first. */
  np_test_xdotool (focus);
  np_test_xdotool (args);
  np_test_iterate (200);
}

/* A click in the middle of @widget, through the X server. */
static void
click_widget (GtkWidget *widget)
{
  GtkWidget *native = GTK_WIDGET (gtk_widget_get_native (widget));
  g_autofree char *wid = window_id (native);
  graphene_point_t in_native;
  double surface_x, surface_y;
  g_autofree char *xs = NULL;
  g_autofree char *ys = NULL;

  g_assert_true (gtk_widget_compute_point (widget, native,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &in_native));
  gtk_native_get_surface_transform (GTK_NATIVE (native), &surface_x, &surface_y);
  xs = g_strdup_printf ("%ld", lround (in_native.x + surface_x));
  ys = g_strdup_printf ("%ld", lround (in_native.y + surface_y));
  {
    g_autofree char *near_x = g_strdup_printf ("%ld", lround (in_native.x + surface_x) + 3);
    const char *approach[] = { "mousemove", "--sync", "--window", wid, near_x, ys, NULL };
    const char *move[] = { "mousemove", "--sync", "--window", wid, xs, ys, NULL };
    const char *press[] = { "click", "1", NULL };

    /* A hand comes from somewhere: the widget sees the pointer enter. */
    np_test_xdotool (approach);
    np_test_iterate (30);
    np_test_xdotool (move);
    np_test_iterate (50);
    np_test_xdotool (press);
    /* Past the double-click time, so two clicks stay two clicks. */
    np_test_iterate (450);
  }
}

/* A screenshot of the whole screen into $NP_TEST_SCREENSHOT_DIR, when a
 * developer asks for one; nothing otherwise. */
static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("NP_TEST_SCREENSHOT_DIR");
  g_autofree char *import = g_find_program_in_path ("import");
  g_autofree char *path = NULL;

  if (dir == NULL || import == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  {
    const char *argv[] = { "import", "-window", "root", path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                  NULL);
  }
}

/* Helpers */

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

static void
open_path (NpWindow   *window,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (np_window_get_canvas (window)));
  np_test_iterate (200);
}

static char *
read_bytes (const char *path,
            gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

/* SHA-256 of a file, by GLib's own implementation. */
static char *
sha256_of (const char *path)
{
  gsize length = 0;
  g_autofree char *contents = read_bytes (path, &length);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
}

static void
assert_same_bytes (const char *a,
                   const char *b)
{
  gsize la = 0, lb = 0;
  g_autofree char *ca = read_bytes (a, &la);
  g_autofree char *cb = read_bytes (b, &lb);

  g_assert_cmpuint (la, ==, lb);
  g_assert_cmpmem (ca, la, cb, lb);
}

/* The plan file's "frame" object. */
static JsonObject *
plan_frame (JsonParser *parser,
            const char *plan_path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, plan_path, &error));
  g_assert_no_error (error);
  return json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                        "frame");
}

static gboolean
chooser_is_shown (gpointer data)
{
  return np_test_find_dialog (GTK_WINDOW (data), GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

static GtkFileChooser *
wait_for_chooser (NpWindow *window)
{
  GtkWindow *dialog;

  np_test_wait_until (chooser_is_shown, window);
  dialog = np_test_find_dialog (GTK_WINDOW (window), GTK_TYPE_FILE_CHOOSER_DIALOG);
  np_test_wait_mapped (GTK_WIDGET (dialog));
  np_test_iterate (300);
  return GTK_FILE_CHOOSER (dialog);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
message_dialog_shown (gpointer data)
{
  return np_test_find_message_dialog (GTK_WINDOW (data)) != NULL;
}

/* The check button of the chooser whose label starts with @prefix. */
static GtkWidget *
find_check_button (GtkWidget  *widget,
                   const char *prefix)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    {
      const char *label = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));

      if (label != NULL && g_str_has_prefix (label, prefix))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_check_button (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
make_folder (const char *name)
{
  char *folder = g_build_filename (g_get_user_cache_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  return folder;
}

/* Ctrl+Shift+S, the folder and name set, "Include the frame" ticked with a
 * click when @include, then a click on Save. */
static void
save_as_with_keys (NpWindow   *window,
                   const char *folder_path,
                   const char *name,
                   gboolean    include)
{
  g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
  g_autoptr(GError) error = NULL;
  GtkFileChooser *chooser;
  GtkWidget *check;

  send_key (GTK_WIDGET (window), "ctrl+shift+s");
  chooser = wait_for_chooser (window);
  check = find_check_button (GTK_WIDGET (chooser), "Include the frame");
  g_assert_nonnull (check);
  /* The frame is not a bundled one: the plan refers to it where it is,
   * unless asked. */
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  if (include)
    {
      click_widget (check);
      g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
    }
  gtk_file_chooser_set_current_folder (chooser, folder, &error);
  g_assert_no_error (error);
  gtk_file_chooser_set_current_name (chooser, name);
  np_test_iterate (200);
  if (include)
    screenshot ("save-as-include-frame.png");
  click_widget (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT));
}

/* Tests */

static char *list_folder (const char *folder);

/* A plan saved in a folder away from its frame names it with "..", keeps
 * its absolute path as a hint, copies nothing, and opens again. */
static void
test_save_elsewhere (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-02", "elsewhere-src");
  g_autofree char *source_folder = g_path_get_dirname (plan);
  g_autofree char *source_frame = g_build_filename (source_folder, "frame.png", NULL);
  g_autofree char *out = make_folder ("elsewhere-out/deeper");
  g_autofree char *saved = g_build_filename (out, "p.json", NULL);
  g_autofree char *names = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  NpWindow *window;
  JsonObject *frame;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  open_path (window, plan);
  save_as_with_keys (window, out, "p.json", FALSE);
  np_test_wait_until (file_exists, saved);
  np_test_iterate (200);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  frame = plan_frame (parser, saved);
  /* From .cache/elsewhere-out/deeper: up two folders, into elsewhere-src. */
  g_assert_cmpstr (json_object_get_string_member (frame, "path"), ==,
                   "../../elsewhere-src/frame.png");
  g_assert_cmpstr (json_object_get_string_member (frame, "absolute_path"), ==, source_frame);
  names = list_folder (out);
  g_assert_cmpstr (names, ==, "p.json ");
  destroy_window (window);

  window = new_window ();
  open_path (window, saved);
  g_assert_true (np_window_has_frame (window));
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  {
    g_autofree char *shown = g_file_get_path (np_window_get_file (window));

    g_assert_cmpstr (shown, ==, source_frame);
  }
  destroy_window (window);
}

/* "Include the frame" copies the frame beside the plan: a different file
 * of the frame's name is never replaced (the copy takes "frame-2.png"), a
 * file with the same bytes is reused, and the plan refers to the copy. */
static void
test_include_frame (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-02", "include-src");
  g_autofree char *source_folder = g_path_get_dirname (plan);
  g_autofree char *source_frame = g_build_filename (source_folder, "frame.png", NULL);
  g_autofree char *source_sha = sha256_of (source_frame);
  g_autofree char *out = make_folder ("include-out");
  g_autofree char *decoy = g_build_filename (out, "frame.png", NULL);
  g_autofree char *copy = g_build_filename (out, "frame-2.png", NULL);
  g_autofree char *saved = g_build_filename (out, "knee.json", NULL);
  g_autofree char *same = make_folder ("include-same");
  g_autofree char *same_frame = g_build_filename (same, "frame.png", NULL);
  g_autofree char *same_saved = g_build_filename (same, "knee.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  NpWindow *window;
  JsonObject *frame;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  /* Another image of the same name is already in the folder chosen. */
  g_file_set_contents (decoy, "another frame, not this plan's", -1, &error);
  g_assert_no_error (error);

  window = new_window ();
  open_path (window, plan);
  save_as_with_keys (window, out, "knee.json", TRUE);
  np_test_wait_until (file_exists, saved);
  np_test_iterate (200);

  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  {
    gsize length = 0;
    g_autofree char *kept = read_bytes (decoy, &length);

    g_assert_cmpstr (kept, ==, "another frame, not this plan's");
  }
  assert_same_bytes (copy, source_frame);
  frame = plan_frame (parser, saved);
  g_assert_cmpstr (json_object_get_string_member (frame, "path"), ==, "frame-2.png");
  g_assert_cmpstr (json_object_get_string_member (frame, "sha256"), ==, source_sha);
  g_assert_cmpstr (json_object_get_string_member (frame, "absolute_path"), ==, copy);
  /* The window works on the copy from now on. */
  {
    g_autofree char *shown = g_file_get_path (np_window_get_file (window));

    g_assert_cmpstr (shown, ==, copy);
  }
  g_assert_false (np_document_get_dirty (np_window_get_document (window)));
  destroy_window (window);

  /* A folder that already holds the same image under the frame's name:
   * reused, nothing new written. */
  {
    gsize length = 0;
    g_autofree char *bytes = read_bytes (source_frame, &length);

    g_file_set_contents (same_frame, bytes, (gssize) length, &error);
    g_assert_no_error (error);
  }
  window = new_window ();
  open_path (window, plan);
  save_as_with_keys (window, same, "knee.json", TRUE);
  np_test_wait_until (file_exists, same_saved);
  np_test_iterate (200);
  frame = plan_frame (parser, same_saved);
  g_assert_cmpstr (json_object_get_string_member (frame, "path"), ==, "frame.png");
  {
    g_autofree char *extra = g_build_filename (same, "frame-2.png", NULL);

    g_assert_false (g_file_test (extra, G_FILE_TEST_EXISTS));
  }
  /* The plan saved there opens on its frame. */
  destroy_window (window);
  window = new_window ();
  open_path (window, same_saved);
  g_assert_true (np_window_has_frame (window));
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  destroy_window (window);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The names in @folder, sorted, joined by spaces. */
static char *
list_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) joined = g_string_new (NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (joined, "%s ", (const char *) names->pdata[i]);
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* Save on a bundled case never writes into it: it asks where, in the
 * documents folder, under the case's name, with the frame included; a
 * folder inside the bundled cases is refused. */
static void
test_bundled_save (void)
{
  g_autofree char *case_dir = g_build_filename (NP_SOURCE_DIR, "data", "cases", "knee-us-01",
                                                NULL);
  g_autofree char *plan = g_build_filename (case_dir, "plan.json", NULL);
  g_autofree char *sha_before = NULL;
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  g_autofree char *sha_after = NULL;
  g_autofree char *saved = g_build_filename (documents_dir, "knee-us-01-plan.json", NULL);
  g_autofree char *copied_frame = g_build_filename (documents_dir, "frame.png", NULL);
  g_autofree char *bundled_frame = g_build_filename (case_dir, "frame.png", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  NpWindow *window;
  NpDocument *document;
  GtkFileChooser *chooser;
  AdwMessageDialog *message;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }
  if (!g_file_test (plan, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("the bundled case knee-us-01 is not in the source tree");
      return;
    }

  sha_before = sha256_of (plan);
  names_before = list_folder (case_dir);
  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, plan);
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->target.y += 5;
    np_document_edit (document, g_steal_pointer (&edited), "Move target");
  }

  /* Ctrl+E proposes the documents folder too, never the bundled case. */
  send_key (GTK_WIDGET (window), "ctrl+e");
  chooser = wait_for_chooser (window);
  {
    g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (chooser);
    g_autofree char *folder_path = g_file_get_path (folder);

    g_assert_cmpstr (folder_path, ==, documents_dir);
  }
  send_key (GTK_WIDGET (chooser), "Escape");
  np_test_iterate (300);
  g_assert_false (chooser_is_shown (window));

  /* Ctrl+S asks where, proposing the documents folder. */
  send_key (GTK_WIDGET (window), "ctrl+s");
  chooser = wait_for_chooser (window);
  {
    g_autoptr(GFile) folder = gtk_file_chooser_get_current_folder (chooser);
    g_autofree char *folder_path = g_file_get_path (folder);
    g_autofree char *name = gtk_file_chooser_get_current_name (chooser);
    GtkWidget *check = find_check_button (GTK_WIDGET (chooser), "Include the frame");

    g_assert_cmpstr (folder_path, ==, documents_dir);
    g_assert_cmpstr (name, ==, "knee-us-01-plan.json");
    g_assert_nonnull (check);
    g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  }
  screenshot ("save-bundled-case.png");
  /* Escape cancels: nothing written, the changes still unsaved. */
  send_key (GTK_WIDGET (chooser), "Escape");
  np_test_iterate (300);
  g_assert_false (chooser_is_shown (window));
  g_assert_true (np_document_get_dirty (document));

  /* A new file inside the bundled case is refused. */
  send_key (GTK_WIDGET (window), "ctrl+s");

  chooser = wait_for_chooser (window);
  {
    g_autoptr(GFile) folder = g_file_new_for_path (case_dir);

    gtk_file_chooser_set_current_folder (chooser, folder, &error);
    g_assert_no_error (error);
    gtk_file_chooser_set_current_name (chooser, "mine.json");
    np_test_iterate (200);
  }
  click_widget (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT));
  np_test_wait_until (message_dialog_shown, window);
  message = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, "Could Not Save the Plan");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "come with NeedlePlan"));
  send_key (GTK_WIDGET (message), "Return");
  np_test_destroy_dialogs (GTK_WINDOW (window));

  names_after = list_folder (case_dir);
  sha_after = sha256_of (plan);
  g_assert_cmpstr (names_after, ==, names_before);
  g_assert_cmpstr (sha_after, ==, sha_before);
  g_assert_true (np_document_get_dirty (document));

  /* Saved where proposed: the plan and a copy of its frame in the
   * documents folder. */
  send_key (GTK_WIDGET (window), "ctrl+s");
  chooser = wait_for_chooser (window);
  click_widget (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT));
  np_test_wait_until (file_exists, saved);
  np_test_iterate (200);
  g_assert_false (np_document_get_dirty (document));
  g_assert_cmpstr (np_document_get_path (document), ==, saved);
  assert_same_bytes (copied_frame, bundled_frame);
  g_assert_cmpstr (json_object_get_string_member (plan_frame (parser, saved), "path"), ==,
                   "frame.png");

  /* The user's copy is saved in place from now on: Ctrl+S asks nothing. */
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->target.y += 3;
    np_document_edit (document, g_steal_pointer (&edited), "Move target");
  }
  send_key (GTK_WIDGET (window), "ctrl+s");
  g_assert_false (chooser_is_shown (window));
  g_assert_false (np_document_get_dirty (document));

  {
    g_autofree char *sha_end = sha256_of (plan);

    g_assert_cmpstr (sha_end, ==, sha_before);
  }
  destroy_window (window);
}

/* A frame in a folder that cannot be written (a CD, a locked stick): Save
 * proposes the documents folder. */
static void
test_read_only_frame_folder (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-02", "read-only/case");
  g_autofree char *folder = g_path_get_dirname (plan);
  g_autofree char *frame_path = g_build_filename (folder, "frame.png", NULL);
  GtkFileChooser *chooser;
  NpWindow *window;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }
  if (geteuid () == 0)
    {
      g_test_skip ("run as root, every folder can be written: no read-only folder to try");
      return;
    }

  g_assert_cmpint (g_chmod (folder, 0555), ==, 0);
  window = new_window ();
  open_path (window, frame_path);
  send_key (GTK_WIDGET (window), "ctrl+s");
  chooser = wait_for_chooser (window);
  {
    g_autoptr(GFile) shown = gtk_file_chooser_get_current_folder (chooser);
    g_autofree char *shown_path = g_file_get_path (shown);
    g_autofree char *name = gtk_file_chooser_get_current_name (chooser);

    g_assert_cmpstr (shown_path, ==, documents_dir);
    g_assert_cmpstr (name, ==, "frame-plan.json");
  }
  send_key (GTK_WIDGET (chooser), "Escape");
  g_assert_cmpint (g_chmod (folder, 0755), ==, 0);
  destroy_window (window);
}

static guint
recent_items (NpWindow *window)
{
  GtkWidget *button = np_test_template_child (window, "recent_button");
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));

  return menu != NULL ? (guint) g_menu_model_get_n_items (menu) : 0;
}

static char *
recent_label (NpWindow *window,
              int       index)
{
  GtkWidget *button = np_test_template_child (window, "recent_button");
  GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  char *label = NULL;

  g_assert_true (g_menu_model_get_item_attribute (menu, index, "label", "s", &label));
  return label;
}

/* The first recent item is the plan opened last: earlier tests of this
 * program opened others. */
static gboolean
newest_is_b (gpointer data)
{
  g_autofree char *first = recent_items (data) > 0 ? recent_label (data, 0) : NULL;

  return g_strcmp0 (first, "plan.json — …/XDG__CACHE__HOME/recent-b") == 0;
}

/* Whether a menu item is labelled @label. */
static gboolean
recent_listed (NpWindow   *window,
               const char *label)
{
  for (guint i = 0; i < recent_items (window); i++)
    {
      g_autofree char *item = recent_label (window, (int) i);

      if (g_str_equal (item, label))
        return TRUE;
    }
  return FALSE;
}

/* Escape on the open menu, as a user closes it. */
static void
close_popover (GtkWidget *button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));

  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  send_key (GTK_WIDGET (popover), "Escape");
  np_test_iterate (300);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));
}

static gboolean
a_not_listed (gpointer data)
{
  return !recent_listed (data, "plan.json — …/XDG__CACHE__HOME/recent-a");
}

/* Two "plan.json" are told apart by their folders; a file deleted since,
 * one that failed to open and one a file chooser added (an export) are not
 * listed. */
static void
test_recent_folders (void)
{
  g_autofree char *plan_a = np_test_copy_case ("knee-us-01", "recent-a");
  g_autofree char *plan_b = np_test_copy_case ("knee-us-03", "recent-b");
  g_autofree char *broken = NULL;
  g_autofree char *export_path = NULL;
  NpWindow *window;
  GtkWidget *button;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  button = np_test_template_child (window, "recent_button");
  open_path (window, plan_a);
  np_test_iterate (1100);   /* the modification times, one second apart */
  open_path (window, plan_b);

  /* A PDF saved through a file chooser goes into the same store, under the
   * application's name, as GTK's chooser does it. */
  export_path = np_test_write_file ("report.pdf", "%PDF-1.4\n");
  {
    g_autoptr(GFile) file = g_file_new_for_path (export_path);
    g_autofree char *uri = g_file_get_uri (file);
    GtkRecentData data = {
      .mime_type = (char *) "application/pdf",
      .app_name = (char *) "NeedlePlan",
      .app_exec = (char *) "needleplan %u",
    };

    gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
  }
  /* A plan that does not open. */
  broken = np_test_write_file ("broken-plan.json", "{ \"format\": \"needleplan-plan\", ");
  {
    g_autoptr(GFile) file = g_file_new_for_path (broken);

    np_window_open_file (window, file);
    np_test_wait_until (message_dialog_shown, window);
    np_test_destroy_dialogs (GTK_WINDOW (window));
  }
  np_test_iterate (1500);

  /* Opened with a click: newest first, each with its folder (the last two
   * parts of a path over 40 characters). */
  click_widget (button);
  np_test_wait_until (newest_is_b, window);
  screenshot ("recent-files.png");
  {
    g_autofree char *first = recent_label (window, 0);
    g_autofree char *second = recent_label (window, 1);

    g_assert_cmpstr (first, ==, "plan.json — …/XDG__CACHE__HOME/recent-b");
    g_assert_cmpstr (second, ==, "plan.json — …/XDG__CACHE__HOME/recent-a");
  }
  {
    g_autofree char *scratch = g_path_get_dirname (export_path);
    g_autofree char *pdf = g_strdup_printf ("report.pdf — %s", scratch);
    g_autofree char *bad = g_strdup_printf ("broken-plan.json — %s", scratch);

    g_assert_false (recent_listed (window, pdf));
    g_assert_false (recent_listed (window, bad));
  }
  close_popover (button);

  /* Deleted since: dropped the next time the list is opened. */
  g_assert_cmpint (g_unlink (plan_b), ==, 0);
  click_widget (button);
  np_test_iterate (300);
  screenshot ("recent-files-after-delete.png");
  g_assert_false (recent_listed (window, "plan.json — …/XDG__CACHE__HOME/recent-b"));
  {
    g_autofree char *first = recent_label (window, 0);

    g_assert_cmpstr (first, ==, "plan.json — …/XDG__CACHE__HOME/recent-a");
  }
  close_popover (button);

  /* A listed plan that no longer opens leaves the list. */
  {
    g_autoptr(GFile) file = g_file_new_for_path (plan_a);
    g_autoptr(GError) error = NULL;

    g_file_set_contents (plan_a, "not a plan", -1, &error);
    g_assert_no_error (error);
    np_window_open_file (window, file);
    np_test_wait_until (message_dialog_shown, window);
    np_test_destroy_dialogs (GTK_WINDOW (window));
  }
  np_test_wait_until (a_not_listed, window);
  destroy_window (window);
}

/* A bare frame opens with site, side and probe unset; Ctrl+E then asks
 * for the site and side before any file dialog, and Escape leaves it. */
static void
test_unrecorded_site_with_keys (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-01", "unrecorded-keys");
  g_autofree char *folder = g_path_get_dirname (plan);
  g_autofree char *frame_path = g_build_filename (folder, "frame.png", NULL);
  g_autofree char *names_before = NULL;
  g_autofree char *names_after = NULL;
  const NpPlan *opened;
  AdwMessageDialog *dialog;
  NpWindow *window;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  open_path (window, frame_path);
  opened = np_document_get_plan (np_window_get_document (window));
  g_assert_cmpint (opened->site, ==, NP_SITE_UNSPECIFIED);
  g_assert_cmpint (opened->side, ==, NP_SIDE_UNSPECIFIED);
  g_assert_cmpint (opened->probe, ==, NP_PROBE_UNSPECIFIED);
  names_before = list_folder (folder);

  send_key (GTK_WIDGET (window), "ctrl+e");
  np_test_wait_until (message_dialog_shown, window);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Site or Side Not Recorded");
  g_assert_false (chooser_is_shown (window));
  np_test_wait_mapped (GTK_WIDGET (dialog));
  send_key (GTK_WIDGET (dialog), "Escape");
  np_test_iterate (300);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_false (chooser_is_shown (window));
  names_after = list_folder (folder);
  g_assert_cmpstr (names_after, ==, names_before);
  destroy_window (window);
}

/* The pHYs chunk of the PNG file @path, read from its bytes: pixels per
 * unit in x and y and the unit (1: the metre). FALSE when there is none. */
static gboolean
read_phys (const char *path,
           guint32    *x,
           guint32    *y,
           guint8     *unit)
{
  gsize length = 0;
  g_autofree char *bytes = read_bytes (path, &length);
  const guint8 *data = (const guint8 *) bytes;
  gsize at = 8;   /* after the signature */

  while (at + 12 <= length)
    {
      guint32 size = (guint32) data[at] << 24 | (guint32) data[at + 1] << 16 |
                     (guint32) data[at + 2] << 8 | data[at + 3];

      if (memcmp (data + at + 4, "pHYs", 4) == 0 && size == 9 && at + 17 <= length)
        {
          const guint8 *p = data + at + 8;

          *x = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
          *y = (guint32) p[4] << 24 | (guint32) p[5] << 16 | (guint32) p[6] << 8 | p[7];
          *unit = p[8];
          return TRUE;
        }
      at += 12 + (gsize) size;
    }
  return FALSE;
}

/* Ctrl+E: the name proposed holds the date, site and side, never the
 * patient's name or number; the annotated PNG carries the calibrated,
 * square pixel size in pHYs. */
static void
test_export_with_keys (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-01", "export-keys");
  g_autofree char *out = make_folder ("export-keys-out");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *expected_name = g_strdup_printf ("%s-knee-right.png", day);
  g_autofree char *exported = g_build_filename (out, expected_name, NULL);
  NpWindow *window;
  NpDocument *document;
  GtkFileChooser *chooser;
  double mm_per_px;
  guint32 x = 0, y = 0;
  guint8 unit = 0;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, plan);
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    np_plan_set_string (&edited->patient_name, "Quackenbush^Ada");
    np_plan_set_string (&edited->patient_id, "mrn-4471932");
    np_document_edit (document, g_steal_pointer (&edited), "Patient");
  }
  mm_per_px = np_document_get_plan (document)->calibration->mm_per_px_x;
  g_assert_cmpfloat (np_document_get_plan (document)->calibration->mm_per_px_y, ==, mm_per_px);

  send_key (GTK_WIDGET (window), "ctrl+e");
  chooser = wait_for_chooser (window);
  {
    g_autofree char *name = gtk_file_chooser_get_current_name (chooser);
    g_autoptr(GFile) folder = g_file_new_for_path (out);
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr (name, ==, expected_name);
    gtk_file_chooser_set_current_folder (chooser, folder, &error);
    g_assert_no_error (error);
    gtk_file_chooser_set_current_name (chooser, name);
    np_test_iterate (200);
  }
  click_widget (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT));
  np_test_wait_until (file_exists, exported);
  /* Written to a temporary name and renamed: complete once it is there. */
  np_test_iterate (300);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));

  /* 1000 mm in a metre over the pixel's size in mm, rounded. */
  g_assert_true (read_phys (exported, &x, &y, &unit));
  g_assert_cmpuint (unit, ==, 1);
  g_assert_cmpuint (x, ==, (guint32) lround (1000.0 / mm_per_px));
  g_assert_cmpuint (y, ==, x);
  destroy_window (window);
}

static gboolean
view_is_shown (gpointer data)
{
  GtkWidget *view = gtk_widget_get_first_child (GTK_WIDGET (data));

  return view != NULL && gtk_widget_get_mapped (view) &&
         !np_training_view_get_busy (NP_TRAINING_VIEW (view));
}

/* In Train mode the plan is hidden: Ctrl+Z, Ctrl+S, Delete and the tool
 * letters leave it alone. Back in Plan mode, Ctrl+Z undoes to the saved
 * state and "Unsaved changes" goes; Ctrl+Shift+Z brings it back. */
static void
test_train_mode_keys (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-03", "train-keys");
  g_autofree char *saved_sha = NULL;
  NpWindow *window;
  NpDocument *document;
  GtkWidget *switcher, *plan_button, *train_button;
  double saved_y, edited_y;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  document = np_window_get_document (window);
  open_path (window, plan);
  saved_y = np_document_get_plan (document)->target.y;
  saved_sha = sha256_of (plan);
  {
    g_autoptr(NpPlan) edited = np_document_dup_plan (document);

    edited->target.y += 11;
    np_document_edit (document, g_steal_pointer (&edited), "Move target");
  }
  edited_y = np_document_get_plan (document)->target.y;
  g_assert_true (np_document_get_dirty (document));

  switcher = np_test_template_child (window, "mode_switcher");
  plan_button = gtk_widget_get_first_child (switcher);
  train_button = gtk_widget_get_next_sibling (plan_button);
  click_widget (train_button);
  np_test_wait_until (view_is_shown, np_test_template_child (window, "train_page"));
  g_assert_true (np_window_get_training (window));

  send_key (GTK_WIDGET (window), "ctrl+z");
  send_key (GTK_WIDGET (window), "ctrl+s");
  send_key (GTK_WIDGET (window), "ctrl+shift+s");
  send_key (GTK_WIDGET (window), "Delete");
  send_key (GTK_WIDGET (window), "s");
  send_key (GTK_WIDGET (window), "ctrl+r");
  np_test_iterate (300);

  g_assert_false (chooser_is_shown (window));
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, edited_y);
  g_assert_true (np_document_get_dirty (document));
  {
    g_autofree char *sha_now = sha256_of (plan);

    g_assert_cmpstr (sha_now, ==, saved_sha);
  }

  /* Back to the plan: its keys work again. */
  click_widget (plan_button);
  np_test_iterate (300);
  g_assert_false (np_window_get_training (window));
  gtk_widget_grab_focus (GTK_WIDGET (np_window_get_canvas (window)));
  send_key (GTK_WIDGET (window), "ctrl+z");
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, saved_y);
  g_assert_false (np_document_get_dirty (document));
  send_key (GTK_WIDGET (window), "ctrl+shift+z");
  g_assert_cmpfloat (np_document_get_plan (document)->target.y, ==, edited_y);
  g_assert_true (np_document_get_dirty (document));
  send_key (GTK_WIDGET (window), "ctrl+s");
  g_assert_false (np_document_get_dirty (document));
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonArray *target;

    g_assert_true (json_parser_load_from_file (parser, plan, &error));
    g_assert_no_error (error);
    target = json_object_get_array_member (
      json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                     "marks"), "target");
    g_assert_cmpfloat (json_array_get_double_element (target, 1), ==, edited_y);
  }
  destroy_window (window);
}

/* The label showing @text inside @widget, or NULL. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
popover_is_shown (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (data));

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

typedef struct
{
  NpWindow *window;
  const char *path;
} ExportWait;

static gboolean
export_is_finished (gpointer data)
{
  ExportWait *wait = data;

  return !np_export_actions_is_busy (wait->window) &&
         (g_file_test (wait->path, G_FILE_TEST_EXISTS) ||
          np_test_find_message_dialog (GTK_WINDOW (wait->window)) != NULL);
}

/* The text of page @page of the PDF @path, or NULL (the test skipped) when
 * pdftotext is not installed. */
static char *
pdf_page_text (const char *path,
               guint       page)
{
  g_autofree char *program = g_find_program_in_path ("pdftotext");
  g_autofree char *number = g_strdup_printf ("%u", page);
  const char *argv[] = { "pdftotext", "-layout", "-f", number, "-l", number, path, "-", NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  if (program == NULL)
    {
      g_test_skip ("pdftotext is not installed (apt install poppler-utils)");
      return NULL;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* The rest of the line of @text where @label first starts a cell (at the
 * start of the line or after spaces), from @label on; NULL if none. */
static char *
cell_from (const char *text,
           const char *label)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *at = strstr (lines[i], label);

      if (at != NULL && (at == lines[i] || at[-1] == ' '))
        return g_strdup (at);
    }
  return NULL;
}

/* The export menu's "PDF Report…" with clicks, the proposed name kept: the
 * report's first page holds the case (with its Side row) and the results
 * table, the image scaled to leave room for them. */
static void
test_pdf_results_on_first_page (void)
{
  g_autofree char *plan = np_test_copy_case ("knee-us-01", "pdf-first-page");
  g_autofree char *out = make_folder ("pdf-first-page-out");
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *expected_name = g_strdup_printf ("%s-knee-right.pdf", day);
  g_autofree char *exported = g_build_filename (out, expected_name, NULL);
  g_autofree char *page1 = NULL;
  NpWindow *window;
  GtkWidget *export_button, *item;
  GtkFileChooser *chooser;

  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  open_path (window, plan);

  export_button = np_test_template_child (window, "export_button");
  click_widget (export_button);
  np_test_wait_until (popover_is_shown, export_button);
  np_test_iterate (200);
  item = find_label (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (export_button))),
                     "PDF Report…");
  g_assert_nonnull (item);
  click_widget (item);

  chooser = wait_for_chooser (window);
  {
    g_autofree char *name = gtk_file_chooser_get_current_name (chooser);
    g_autoptr(GFile) folder = g_file_new_for_path (out);
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr (name, ==, expected_name);
    gtk_file_chooser_set_current_folder (chooser, folder, &error);
    g_assert_no_error (error);
    gtk_file_chooser_set_current_name (chooser, name);
    np_test_iterate (200);
  }
  click_widget (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT));
  {
    ExportWait wait = { window, exported };

    np_test_wait_until (export_is_finished, &wait);
  }
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  g_assert_true (g_file_test (exported, G_FILE_TEST_IS_REGULAR));

  page1 = pdf_page_text (exported, 1);
  if (page1 == NULL)
    {
      destroy_window (window);
      return;
    }
  g_test_message ("page 1:\n%s", page1);
  {
    g_autofree char *side = cell_from (page1, "Side ");
    g_autofree char *results = cell_from (page1, "Results");
    g_autofree char *depth = cell_from (page1, "Target depth ");
    g_autofree char *path_length = cell_from (page1, "Path length ");

    /* The Side row holds the case's side, right. */
    g_assert_nonnull (side);
    g_assert_true (g_str_has_prefix (g_strstrip (side + strlen ("Side")), "Right"));
    g_assert_nonnull (results);
    g_assert_nonnull (depth);
    g_assert_nonnull (strstr (depth, " mm"));
    g_assert_nonnull (path_length);
  }
  destroy_window (window);
}

static gboolean
frame_is_open (gpointer data)
{
  NpWindow *window = data;

  return np_document_get_frame (np_window_get_document (window)) != NULL &&
         !np_window_get_loading (window);
}

static gboolean
chooser_has_file (gpointer data)
{
  g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (data));
  GFile *wanted = g_object_get_data (G_OBJECT (data), "np-test-wanted");

  return file != NULL && g_file_equal (file, wanted);
}

/* The Philips curvilinear frame (an RGB PNG with a colour bar, no probe
 * written in it) opened with Ctrl+O and a click on Open: the probe is not
 * said to be linear, neither in the plan nor in the side panel, which asks
 * for it. */
static void
test_philips_frame_not_linear (void)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : NP_TESTDATA_DIR, "frames",
                                            "us_Philips_palette_800x600_rgb.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GtkFileChooser *chooser;
  GtkWidget *panel, *probe_row;
  const NpPlan *opened;
  NpWindow *window;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip ("../shared/testdata is not here (a user's clone): no Philips frame");
      return;
    }
  if (!np_test_have_xdotool ())
    {
      g_test_skip ("xdotool or an X display is missing: no real input");
      return;
    }

  window = new_window ();
  send_key (GTK_WIDGET (window), "ctrl+o");
  chooser = wait_for_chooser (window);
  g_object_set_data_full (G_OBJECT (chooser), "np-test-wanted", g_object_ref (file),
                          g_object_unref);
  gtk_file_chooser_set_file (chooser, file, &error);
  g_assert_no_error (error);
  /* The chooser selects the file once it has listed its folder. */
  np_test_wait_until (chooser_has_file, chooser);
  np_test_iterate (200);
  click_widget (gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT));
  np_test_wait_until (frame_is_open, window);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (np_window_get_canvas (window)));
  np_test_iterate (200);
  screenshot ("philips-frame-opened.png");

  opened = np_document_get_plan (np_window_get_document (window));
  g_assert_cmpint (opened->modality, ==, NP_MODALITY_ULTRASOUND);
  g_assert_cmpint (opened->probe, !=, NP_PROBE_LINEAR);

  /* What the user reads: the Probe row of the case details. */
  panel = np_test_template_child (window, "side_panel");
  probe_row = np_test_template_child (panel, "probe_row");
  {
    GObject *item = adw_combo_row_get_selected_item (ADW_COMBO_ROW (probe_row));
    const char *shown;

    g_assert_true (GTK_IS_STRING_OBJECT (item));
    shown = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
    g_test_message ("Probe row: %s", shown);
    g_assert_cmpstr (shown, !=, "Linear");
    g_assert_true (g_str_equal (shown, "Not stated") || g_str_equal (shown, "Curvilinear"));
    /* Unset, it is marked for the user to choose. */
    if (g_str_equal (shown, "Not stated"))
      g_assert_true (gtk_widget_has_css_class (probe_row, "warning"));
  }
  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  np_test_init (&argc, &argv);
  /* The documents folder of the scratch home, read by GLib from
   * $XDG_CONFIG_HOME/user-dirs.dirs the first time it is asked for. */
  {
    g_autofree char *scratch = g_path_get_dirname (g_get_user_config_dir ());
    g_autofree char *dirs_file = g_build_filename (g_get_user_config_dir (), "user-dirs.dirs",
                                                   NULL);
    g_autofree char *contents = NULL;
    g_autoptr(GError) error = NULL;

    documents_dir = g_build_filename (scratch, "Documents", NULL);
    g_assert_cmpint (g_mkdir_with_parents (documents_dir, 0700), ==, 0);
    contents = g_strdup_printf ("XDG_DOCUMENTS_DIR=\"%s\"\n", documents_dir);
    g_file_set_contents (dirs_file, contents, -1, &error);
    g_assert_no_error (error);
  }
  app = np_test_application_new ();

  g_test_add_func ("/gui/workflow/save-elsewhere", test_save_elsewhere);
  g_test_add_func ("/gui/workflow/include-frame", test_include_frame);
  g_test_add_func ("/gui/workflow/bundled-save", test_bundled_save);
  g_test_add_func ("/gui/workflow/read-only-frame-folder", test_read_only_frame_folder);
  g_test_add_func ("/gui/workflow/recent-folders", test_recent_folders);
  g_test_add_func ("/gui/workflow/export-with-keys", test_export_with_keys);
  g_test_add_func ("/gui/workflow/unrecorded-site-with-keys", test_unrecorded_site_with_keys);
  g_test_add_func ("/gui/workflow/train-mode-keys", test_train_mode_keys);
  g_test_add_func ("/gui/workflow/pdf-results-on-first-page", test_pdf_results_on_first_page);
  g_test_add_func ("/gui/workflow/philips-frame-not-linear", test_philips_frame_not_linear);

  status = g_test_run ();
  g_clear_object (&app);
  g_clear_pointer (&documents_dir, g_free);
  np_test_finish ();
  return status;
}
