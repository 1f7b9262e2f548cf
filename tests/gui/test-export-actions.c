/* test-export-actions.c — the window's Export menu and printing, driven
 * through the real actions, dialogs and print operation
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-export-actions.h"
#include "np-export.h"
#include "np-gui-test-util.h"
#include "np-plan-file.h"
#include "np-plan-labels.h"
#include "np-png.h"
#include "np-window.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define CASE_NAME "knee-us-01"

static NpApplication *app;

/* Helpers */

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

/* Until the export to @path is written or has failed with a message. */
static void
wait_for_export (NpWindow   *window,
                 const char *path)
{
  ExportWait wait = { window, path };

  np_test_wait_until (export_is_finished, &wait);
}

/* A folder of its own under the scratch cache. */
static char *
scratch_folder (const char *name)
{
  char *path = g_build_filename (g_get_user_cache_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0755), ==, 0);
  return path;
}

static NpWindow *
open_case (const char *folder_name)
{
  g_autofree char *plan_path = np_test_copy_case (CASE_NAME, folder_name);
  g_autoptr(GFile) file = g_file_new_for_path (plan_path);
  NpWindow *window = np_test_new_window (app);

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  g_assert_nonnull (np_document_get_frame (np_window_get_document (window)));
  g_assert_cmpstr (np_document_get_path (np_window_get_document (window)), ==, plan_path);
  return window;
}

static gboolean
chooser_is_shown (gpointer data)
{
  return np_test_find_dialog (GTK_WINDOW (data), GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

/* The save dialog the action opened (GtkFileChooserNative falls back to a
 * GtkFileChooserDialog without a portal): checks what it suggests, then
 * accepts @name in its folder as a user would. Returns the folder shown. */
static char *
accept_chooser (NpWindow   *window,
                const char *expected_name,
                const char *name)
{
  GtkFileChooser *chooser;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *current_name = NULL;

  np_test_wait_until (chooser_is_shown, window);
  chooser = GTK_FILE_CHOOSER (np_test_find_dialog (GTK_WINDOW (window),
                                                   GTK_TYPE_FILE_CHOOSER_DIALOG));
  current_name = gtk_file_chooser_get_current_name (chooser);
  g_assert_cmpstr (current_name, ==, expected_name);
  np_test_iterate (200);
  folder = gtk_file_chooser_get_current_folder (chooser);
  g_assert_nonnull (folder);

  gtk_file_chooser_set_current_name (chooser, name);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  return g_file_get_path (folder);
}

/* "2026-03-14-" + @rest, with today's date: what the save dialog suggests. */
static char *
today_name (const char *rest)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");

  return g_strdup_printf ("%s-%s", day, rest);
}

static char *
read_file (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, length, &error);
  g_assert_no_error (error);
  return contents;
}

static gboolean
bytes_contain (const char *data,
               gsize       length,
               const char *needle)
{
  return memmem (data, length, needle, strlen (needle)) != NULL;
}

/* Output of a program, or NULL (with the test skipped) when it is missing. */
static char *
run_tool (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;
  g_autofree char *program = g_find_program_in_path (argv[0]);

  if (program == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("%s is not installed (poppler-utils)", argv[0]);

      g_test_skip (reason);
      return NULL;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static guint
pdf_page_count (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = run_tool (argv);
  const char *line;

  if (info == NULL)
    return 0;
  line = strstr (info, "Pages:");
  g_assert_nonnull (line);
  return (guint) g_ascii_strtoull (line + strlen ("Pages:") + strspn (line + 6, " "), NULL, 10);
}

/* Tests */

static void
test_actions_follow_frame (void)
{
  g_auto(GStrv) export_accels = NULL;
  g_auto(GStrv) print_accels = NULL;
  const char *const names[] = { "export-png", "export-pdf", "export-anonymised", "print" };
  NpWindow *empty = np_test_new_window (app);
  NpWindow *window = open_case ("enabled");

  /* Nothing to export in an empty window; everything once a frame is open. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_assert_true (g_action_group_has_action (G_ACTION_GROUP (empty), names[i]));
      g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (empty), names[i]));
      g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), names[i]));
    }

  /* Set once a window exists (window actions need a window). */
  export_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.export-png");
  print_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.print");
  g_assert_cmpstrv (export_accels, ((const char *[]) { "<Control>e", NULL }));
  g_assert_cmpstrv (print_accels, ((const char *[]) { "<Control>p", NULL }));

  np_test_destroy_window (GTK_WINDOW (empty));
  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_export_png_round_trip (void)
{
  NpWindow *window = open_case ("png");
  NpDocument *document = np_window_get_document (window);
  NpFrame *frame = np_document_get_frame (document);
  g_autoptr(NpPlan) edited = np_document_dup_plan (document);
  g_autofree char *suggested = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *plan_dir = g_path_get_dirname (np_document_get_path (document));
  g_autofree char *out = NULL;
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(NpPlan) embedded = NULL;
  g_autoptr(GError) error = NULL;
  const char *text;

  /* An edit the file must carry: the target 10 px to the right. */
  edited->target.x += 10;
  np_document_edit (document, np_plan_copy (edited), "Move target");

  /* Ctrl+E's action: the dialog opens next to the plan with the suggested
   * name: today's date, site, side. */
  suggested = today_name ("knee-right.png");
  g_action_group_activate_action (G_ACTION_GROUP (window), "export-png", NULL);
  folder = accept_chooser (window, suggested, "exported.png");
  g_assert_cmpstr (folder, ==, plan_dir);
  out = g_build_filename (plan_dir, "exported.png", NULL);
  wait_for_export (window, out);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));

  /* The frame's own width on top, a caption band below; the plan in iTXt. */
  exported = np_png_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (exported), ==, np_frame_get_width (frame));
  g_assert_cmpuint (np_frame_get_height (exported), >, np_frame_get_height (frame));
  text = np_frame_get_text (exported, NP_EXPORT_KEY_PLAN);
  g_assert_nonnull (text);
  embedded = np_plan_file_parse (text, -1, "exported.png", &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (embedded, edited));

  /* Exporting is not saving: the plan still has unsaved changes. */
  g_assert_true (np_document_get_dirty (document));

  np_test_destroy_window (GTK_WINDOW (window));
}

/* The export carries the window's results, not a second opinion: with the
 * calibration valid only below a header band, the field of view (where an
 * in-plane needle comes into view), the depth and its interval in the
 * annotated PNG's record are the ones NpPlanAnalysis holds for the screen. */
static void
test_export_takes_the_windows_results (void)
{
  NpWindow *window = open_case ("analysis");
  NpDocument *document = np_window_get_document (window);
  NpPlanAnalysis *analysis = np_window_get_analysis (window);
  NpFrame *frame = np_document_get_frame (document);
  g_autoptr(NpPlan) edited = np_document_dup_plan (document);
  g_autofree char *plan_dir = g_path_get_dirname (np_document_get_path (document));
  g_autofree char *out = g_build_filename (plan_dir, "analysis.png", NULL);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const NpPlanResults *shown;
  JsonObject *results;
  JsonArray *array;
  double top;

  g_assert_true (edited->has_target && edited->has_entry);
  /* The region starts half way between the entry and the target, so the
   * needle comes into view below the entry. */
  top = floor ((edited->entry.y + edited->target.y) / 2);
  edited->calibration->has_region = TRUE;
  edited->calibration->region = (NpImageRect) { 0, top, np_frame_get_width (frame),
                                                np_frame_get_height (frame) - top };
  np_document_edit (document, g_steal_pointer (&edited), "Calibrate");

  shown = np_plan_analysis_get_results (analysis);
  g_assert_nonnull (shown);
  g_assert_cmpfloat (np_plan_analysis_get_options (analysis)->field.y, ==, top);
  g_assert_true (shown->has_fov_entry);
  g_assert_cmpfloat_with_epsilon (shown->fov_entry.y, top, 1e-9);

  np_export_actions_export_to_file (window, NP_EXPORT_KIND_PNG, FALSE, out_file);
  wait_for_export (window, out);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  /* The export asked for the intervals: the screen has them now too. */
  shown = np_plan_analysis_get_results (analysis);
  g_assert_true (shown->has_depth_ci);

  exported = np_png_load (out, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, np_frame_get_text (exported,
                                                                        NP_EXPORT_KEY_PLAN),
                                             -1, &error));
  g_assert_no_error (error);
  results = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                           "results");
  array = json_object_get_array_member (results, "fov_entry");
  g_assert_cmpfloat (json_array_get_double_element (array, 0), ==, shown->fov_entry.x);
  g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, shown->fov_entry.y);
  g_assert_cmpfloat (json_object_get_double_member (results, "depth_mm"), ==, shown->depth);
  array = json_object_get_array_member (results, "depth_ci95_mm");
  g_assert_cmpfloat (json_array_get_double_element (array, 0), ==, shown->depth_ci95[0]);
  g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, shown->depth_ci95[1]);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_export_anonymised_leaves_no_identifier (void)
{
  NpWindow *window = open_case ("anonymised");
  NpDocument *document = np_window_get_document (window);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);
  g_autofree char *plan_dir = g_path_get_dirname (np_document_get_path (document));
  g_autofree char *suggested = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *out = NULL;
  g_autofree char *bytes = NULL;
  AdwMessageDialog *dialog;
  gsize length = 0;

  np_plan_set_string (&plan->patient_name, "Roe^Jane");
  np_plan_set_string (&plan->patient_id, "MRN-4711");
  np_document_edit (document, g_steal_pointer (&plan), "Patient");

  /* The menu item asks which file first. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "export-anonymised", NULL);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Export Anonymised");
  adw_message_dialog_response (dialog, "pdf");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The suggested name has no identifier either (date, site, side); keep it. */
  suggested = today_name ("knee-right.pdf");
  g_assert_null (strstr (suggested, "4711"));
  g_assert_null (strstr (suggested, "roe"));
  folder = accept_chooser (window, suggested, suggested);
  g_assert_cmpstr (folder, ==, plan_dir);
  out = g_build_filename (plan_dir, suggested, NULL);
  wait_for_export (window, out);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  bytes = read_file (out, &length);
  g_assert_true (g_str_has_prefix (bytes, "%PDF-"));
  g_assert_false (bytes_contain (bytes, length, "Roe^Jane"));
  g_assert_false (bytes_contain (bytes, length, "MRN-4711"));
  {
    const char *argv[] = { "pdftotext", out, "-", NULL };
    g_autofree char *text = run_tool (argv);

    if (text != NULL)
      {
        g_assert_null (strstr (text, "Roe"));
        g_assert_null (strstr (text, "4711"));
        g_assert_nonnull (strstr (text, "anonymised"));
      }
  }

  np_test_destroy_window (GTK_WINDOW (window));
}

/* A new plan records no site or side until the clinician chooses them. */
static void
choose_site_and_side (NpWindow *window)
{
  NpDocument *document = np_window_get_document (window);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);

  plan->site = NP_SITE_KNEE;
  plan->side = NP_SIDE_LEFT;
  np_document_edit (document, g_steal_pointer (&plan), "Set site");
}

/* A new plan on a frame opens with site, side and probe not chosen (never
 * "Linear" for a probe nobody named); exporting it asks first, and "Export
 * as Not Recorded" goes on to the save dialog. */
static void
test_unrecorded_site_asks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (200, 150, 1, 8, &error);
  g_autofree char *folder = scratch_folder ("unrecorded");
  g_autofree char *frame_path = g_build_filename (folder, "frame.png", NULL);
  g_autoptr(GFile) frame_file = g_file_new_for_path (frame_path);
  const NpPlan *plan;
  AdwMessageDialog *dialog;
  NpWindow *window;

  g_assert_no_error (error);
  np_png_save (frame, frame_path, &error);
  g_assert_no_error (error);
  window = np_test_new_window (app);
  np_window_open_file (window, frame_file);
  np_test_wait_window_idle (window);

  plan = np_document_get_plan (np_window_get_document (window));
  g_assert_cmpint (plan->site, ==, NP_SITE_UNSPECIFIED);
  g_assert_cmpint (plan->side, ==, NP_SIDE_UNSPECIFIED);
  g_assert_cmpint (plan->probe, ==, NP_PROBE_UNSPECIFIED);
  g_assert_cmpstr (np_probe_label (plan->probe), ==, "Not stated");
  /* The side panel asks for them. */
  {
    GtkWidget *panel = np_test_template_child (window, "side_panel");

    g_assert_true (gtk_widget_has_css_class (np_test_template_child (panel, "site_row"),
                                             "warning"));
    g_assert_true (gtk_widget_has_css_class (np_test_template_child (panel, "side_row"),
                                             "warning"));
    g_assert_true (gtk_widget_has_css_class (np_test_template_child (panel, "probe_row"),
                                             "warning"));
    g_assert_true (g_str_has_prefix (adw_expander_row_get_subtitle (
                                       ADW_EXPANDER_ROW (np_test_template_child (panel,
                                                                                 "case_row"))),
                                     "Choose the site and side"));
  }

  g_action_group_activate_action (G_ACTION_GROUP (window), "export-pdf", NULL);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Site or Side Not Recorded");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "the site and the side"));
  g_assert_false (chooser_is_shown (window));
  adw_message_dialog_response (dialog, "unrecorded");
  gtk_window_destroy (GTK_WINDOW (dialog));
  np_test_wait_until (chooser_is_shown, window);
  gtk_dialog_response (GTK_DIALOG (np_test_find_dialog (GTK_WINDOW (window),
                                                        GTK_TYPE_FILE_CHOOSER_DIALOG)),
                       GTK_RESPONSE_CANCEL);
  np_test_iterate (50);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_sixteen_bit_through_window (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) deep = np_frame_new (200, 150, 1, 16, &error);
  g_autofree char *folder = scratch_folder ("sixteen");
  g_autofree char *frame_path = g_build_filename (folder, "deep.png", NULL);
  g_autofree char *out = g_build_filename (folder, "deep-annotated.png", NULL);
  g_autoptr(GFile) frame_file = g_file_new_for_path (frame_path);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(NpFrame) exported = NULL;
  NpWindow *window;

  /* Sample (x, y) = 300 x: 0 to 59 700 across the frame. */
  g_assert_no_error (error);
  for (guint y = 0; y < 150; y++)
    for (guint x = 0; x < 200; x++)
      np_frame_set_sample (deep, x, y, 0, 300 * x);
  np_png_save (deep, frame_path, &error);
  g_assert_no_error (error);

  window = np_test_new_window (app);
  np_window_open_file (window, frame_file);
  np_test_wait_window_idle (window);
  g_assert_nonnull (np_document_get_frame (np_window_get_document (window)));
  choose_site_and_side (window);

  /* The clinician narrows the window to 27 000 – 33 000 (centre 30 000,
   * width 6 000); the export shows the frame that way, not through the
   * default window. */
  np_canvas_set_window_level (np_window_get_canvas (window),
                              (NpWindowLevel) { .center = 30000, .width = 6000 });
  np_export_actions_export_to_file (window, NP_EXPORT_KIND_PNG, FALSE, out_file);
  wait_for_export (window, out);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));

  exported = np_png_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_bit_depth (exported), ==, 8);
  /* On row 100, away from the marks of a new plan: x = 50 is 15 000, below
   * the window: black; x = 150 is 45 000, above: white; x = 95 is 28 500,
   * (28 500 − 27 000) / 6 000 · 255 = 63.75; x = 100 is 30 000, the centre:
   * 127.5. */
  g_assert_cmpuint (np_frame_get_sample (exported, 50, 100, 0), ==, 0);
  g_assert_cmpuint (np_frame_get_sample (exported, 150, 100, 0), ==, 255);
  g_assert_cmpuint (np_frame_get_sample (exported, 95, 100, 0), >=, 63);
  g_assert_cmpuint (np_frame_get_sample (exported, 95, 100, 0), <=, 64);
  g_assert_cmpuint (np_frame_get_sample (exported, 100, 100, 0), >=, 127);
  g_assert_cmpuint (np_frame_get_sample (exported, 100, 100, 0), <=, 128);

  np_test_destroy_window (GTK_WINDOW (window));
}

/* Makes @folder unwritable even for root (an immutable folder), or returns
 * FALSE when this file system cannot. */
static gboolean
make_unwritable (const char *folder)
{
  g_autofree char *probe = g_build_filename (folder, "probe", NULL);
  int fd;

  g_assert_cmpint (g_chmod (folder, 0555), ==, 0);
  if (geteuid () == 0)
    {
      const char *argv[] = { "chattr", "+i", folder, NULL };
      int status = 0;

      if (!g_spawn_sync (NULL, (char **) argv, NULL,
                         G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                         G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) ||
          !g_spawn_check_wait_status (status, NULL))
        return FALSE;
    }
  fd = g_open (probe, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd >= 0)
    {
      close (fd);
      g_unlink (probe);
      return FALSE;
    }
  return TRUE;
}

static void
make_writable (const char *folder)
{
  if (geteuid () == 0)
    {
      const char *argv[] = { "chattr", "-i", folder, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL,
                    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, NULL, NULL, NULL, NULL);
    }
  g_chmod (folder, 0755);
}

static void
test_export_to_unwritable_folder (void)
{
  g_autofree char *folder = scratch_folder ("read-only");
  g_autofree char *target = g_build_filename (folder, "report.pdf", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (target);
  g_autoptr(GDir) dir = NULL;
  NpWindow *window;
  NpDocument *document;
  g_autoptr(NpPlan) plan = NULL;
  AdwMessageDialog *dialog;

  if (!make_unwritable (folder))
    {
      make_writable (folder);
      g_test_skip ("Cannot make a folder unwritable here (root without chattr support)");
      return;
    }

  window = open_case ("unwritable");
  document = np_window_get_document (window);
  plan = np_document_dup_plan (document);
  plan->target.y += 5;
  np_document_edit (document, g_steal_pointer (&plan), "Move target");

  np_export_actions_export_to_file (window, NP_EXPORT_KIND_PDF, FALSE, file);
  g_assert_true (np_export_actions_is_busy (window));
  wait_for_export (window, target);

  /* A message naming the file and why; no file, no temporary file. */
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Could Not Export the Report");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "report.pdf"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "ermission"));
  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  g_assert_true (np_document_get_dirty (document));

  make_writable (folder);
  np_test_destroy_window (GTK_WINDOW (window));
}

/* A plan too large for the PNG's text chunk (250 polylines of 1,000 points
 * with long coordinates: over 8 MiB of JSON, checked below; short labels,
 * as the canvas draws every label): the image is written without it, and a
 * dialog says so in words, with what keeps the work (the plan has unsaved
 * changes). */
static void
test_export_plan_too_large_to_embed (void)
{
  g_autofree char *folder = scratch_folder ("too-large");
  g_autofree char *target = g_build_filename (folder, "large.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (target);
  g_autofree char *json = NULL;
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = NULL;
  NpWindow *window = open_case ("too-large");
  NpDocument *document = np_window_get_document (window);
  AdwMessageDialog *dialog;
  const char *body;

  plan = np_document_dup_plan (document);
  for (guint i = 0; i < 250; i++)
    {
      NpStructure *structure = np_structure_new ("s", NP_STRUCTURE_OTHER, NP_SHAPE_POLYLINE, 1);

      for (guint j = 0; j < 1000; j++)
        np_structure_add_point (structure, np_image_point (5 + j * 0.25 + 0.123456789,
                                                           150 + i % 50 + 0.987654321));
      g_ptr_array_add (plan->structures, structure);
    }
  json = np_plan_file_to_json (plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json), >, NP_PNG_MAX_CHUNK_BYTES);
  np_document_edit (document, g_steal_pointer (&plan), "Add structures");

  np_export_actions_export_to_file (window, NP_EXPORT_KIND_PNG, FALSE, file);
  /* The dialog comes with the end of the export, in the same callback. */
  wait_for_export (window, target);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "“large.png” Was Saved With a Warning");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "too large to store in the image"));
  g_assert_nonnull (strstr (body, "save the plan (Ctrl+S) to keep your work"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The image is there, without the plan; the plan is still unsaved work. */
  exported = np_png_load (target, &error);
  g_assert_no_error (error);
  g_assert_null (np_frame_get_text (exported, NP_EXPORT_KEY_PLAN));
  g_assert_true (np_document_get_dirty (document));

  np_test_destroy_window (GTK_WINDOW (window));
}

/* Prints @window's report to a PDF file on @paper through the same print
 * operation the Print dialog runs. */
static void
print_to_file (NpWindow   *window,
               const char *paper,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkPrintOperation) operation = np_export_actions_new_print_operation (window, &error);
  g_autoptr(GtkPageSetup) page_setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) paper_size = gtk_paper_size_new (paper);

  g_assert_no_error (error);
  g_assert_nonnull (operation);
  gtk_page_setup_set_paper_size (page_setup, paper_size);
  gtk_print_operation_set_default_page_setup (operation, page_setup);
  gtk_print_operation_set_export_filename (operation, path);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                            GTK_WINDOW (window), &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
}

/* The page size pdfinfo reports, in points. */
static void
pdf_page_size (const char *path,
               double     *width,
               double     *height)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *info = run_tool (argv);
  const char *line = strstr (info, "Page size:");

  g_assert_nonnull (line);
  g_assert_cmpint (sscanf (line, "Page size: %lf x %lf", width, height), ==, 2);
}

static void
test_print_matches_pdf (void)
{
  NpWindow *window;
  NpDocument *document;
  g_autofree char *folder = NULL;
  const char *const papers[] = { GTK_PAPER_NAME_A4, GTK_PAPER_NAME_LETTER };
  const NpPaper np_papers[] = { NP_PAPER_A4, NP_PAPER_LETTER };
  /* A4 is 210 × 297 mm = 595.28 × 841.89 pt (mm / 25.4 · 72); Letter is
   * 8.5 × 11 in = 612 × 792 pt. */
  const double expected_size[][2] = { { 595.28, 841.89 }, { 612.0, 792.0 } };
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (pdfinfo == NULL || pdftotext == NULL)
    {
      g_test_skip ("pdfinfo and pdftotext are not installed (poppler-utils)");
      return;
    }

  window = open_case ("print");
  document = np_window_get_document (window);
  folder = g_path_get_dirname (np_document_get_path (document));

  for (guint i = 0; i < G_N_ELEMENTS (papers); i++)
    {
      g_autofree char *printed = g_strdup_printf ("%s/printed-%s.pdf", folder, papers[i]);
      g_autofree char *exported = g_strdup_printf ("%s/exported-%s.pdf", folder, papers[i]);
      const char *argv[] = { "pdftotext", printed, "-", NULL };
      g_autofree char *text = NULL;
      g_autofree char *flat = NULL;
      g_autoptr(GError) error = NULL;
      NpExportOptions options;
      double width = 0, height = 0;
      guint printed_pages, exported_pages;

      print_to_file (window, papers[i], printed);

      /* The same report written by the PDF export on the same paper: the
       * print breaks its pages at the same places. */
      np_export_options_init (&options);
      options.paper = np_papers[i];
      np_export_pdf (np_document_get_frame (document), np_document_get_plan (document), NULL,
                     &options, exported, &error);
      g_assert_no_error (error);
      printed_pages = pdf_page_count (printed);
      exported_pages = pdf_page_count (exported);
      g_assert_cmpuint (printed_pages, >=, 1);
      g_assert_cmpuint (printed_pages, ==, exported_pages);

      pdf_page_size (printed, &width, &height);
      g_assert_cmpfloat_with_epsilon (width, expected_size[i][0], 0.01);
      g_assert_cmpfloat_with_epsilon (height, expected_size[i][1], 0.01);

      /* The statement is on the page (pdftotext may break its lines). */
      text = run_tool (argv);
      flat = g_strdelimit (g_strdup (text), "\n", ' ');
      g_assert_nonnull (strstr (flat, "This plan is a planning aid."));
      g_assert_nonnull (strstr (flat, "Page 1 of"));
    }

  np_test_destroy_window (GTK_WINDOW (window));
}

static GtkWidget *
find_named_child (GtkWidget  *widget,
                  const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named_child (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWindow *
find_preview (NpWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (g_strcmp0 (gtk_window_get_title (l->data), "Print Preview") == 0 &&
        gtk_window_get_transient_for (l->data) == GTK_WINDOW (window) &&
        gtk_widget_get_mapped (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
preview_is_shown (gpointer data)
{
  return find_preview (NP_WINDOW (data)) != NULL;
}

static gboolean
preview_is_laid_out (gpointer data)
{
  GtkLabel *label = data;

  return g_str_has_prefix (gtk_label_get_text (label), "Page ");
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               gboolean                *done)
{
  *done = TRUE;
}

static gboolean
flag_is_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_print_preview (void)
{
  NpWindow *window = open_case ("preview");
  NpDocument *document = np_window_get_document (window);
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkPrintOperation) operation = np_export_actions_new_print_operation (window, &error);
  g_autoptr(GtkPageSetup) page_setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  g_autoptr(NpTestImage) image = NULL;
  g_autofree char *expected = NULL;
  GtkWindow *preview;
  GtkLabel *label;
  GtkWidget *page, *next;
  NpExportOptions options;
  double page_width, page_height;
  guint n_pages, white = 0, dark = 0, total = 0;
  gboolean done = FALSE;

  g_assert_no_error (error);
  gtk_page_setup_set_paper_size (page_setup, a4);
  gtk_print_operation_set_default_page_setup (operation, page_setup);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (print_done_cb), &done);

  /* The preview is our own window, drawn by the operation's pages. */
  gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PREVIEW, GTK_WINDOW (window),
                           &error);
  g_assert_no_error (error);
  np_test_wait_until (preview_is_shown, window);
  preview = find_preview (window);
  label = GTK_LABEL (find_named_child (GTK_WIDGET (preview), "preview-page-label"));
  page = find_named_child (GTK_WIDGET (preview), "preview-page");
  g_assert_nonnull (label);
  g_assert_nonnull (page);
  np_test_wait_until (preview_is_laid_out, label);

  /* As many pages as the report has on A4 (210 × 297 mm = 595.28 × 841.89 pt). */
  np_export_options_init (&options);
  page_width = 210 / 25.4 * 72;
  page_height = 297 / 25.4 * 72;
  n_pages = np_export_report_n_pages (np_document_get_frame (document),
                                      np_document_get_plan (document), NULL, &options,
                                      page_width, page_height);
  expected = g_strdup_printf ("Page 1 of %u", n_pages);
  g_assert_cmpstr (gtk_label_get_text (label), ==, expected);

  /* A white page with print on it: much of the area is paper, and the
   * annotated frame (dark ultrasound) and the text are on it too. */
  image = np_test_render_widget (page);
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        guint8 rgb[3];

        np_test_image_pixel (image, x, y, rgb);
        total++;
        if (rgb[0] > 240 && rgb[1] > 240 && rgb[2] > 240)
          white++;
        if (rgb[0] < 100 && rgb[1] < 100 && rgb[2] < 100)
          dark++;
      }
  g_assert_cmpuint (white, >, total / 4);
  g_assert_cmpuint (dark, >, total / 20);

  /* The next page, then closing the window ends the operation. */
  if (n_pages > 1)
    {
      g_autofree char *second = g_strdup_printf ("Page 2 of %u", n_pages);

      next = find_named_child (GTK_WIDGET (preview), "preview-next");
      g_assert_nonnull (next);
      g_signal_emit_by_name (next, "clicked");
      g_assert_cmpstr (gtk_label_get_text (label), ==, second);
    }
  gtk_window_destroy (preview);
  np_test_wait_until (flag_is_set, &done);

  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/export/actions-follow-frame", test_actions_follow_frame);
  g_test_add_func ("/gui/export/png-round-trip", test_export_png_round_trip);
  g_test_add_func ("/gui/export/takes-the-windows-results",
                   test_export_takes_the_windows_results);
  g_test_add_func ("/gui/export/anonymised-leaves-no-identifier",
                   test_export_anonymised_leaves_no_identifier);
  g_test_add_func ("/gui/export/sixteen-bit-through-window", test_sixteen_bit_through_window);
  g_test_add_func ("/gui/export/unrecorded-site-asks", test_unrecorded_site_asks);
  g_test_add_func ("/gui/export/unwritable-folder", test_export_to_unwritable_folder);
  g_test_add_func ("/gui/export/plan-too-large-to-embed", test_export_plan_too_large_to_embed);
  g_test_add_func ("/gui/export/print-matches-pdf", test_print_matches_pdf);
  g_test_add_func ("/gui/export/print-preview", test_print_preview);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
