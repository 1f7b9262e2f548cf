/* test-autosave.c — unsaved plans kept in the state folder, removed on a
 * clean save or close, and recovered after a crash
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-autosave.h"
#include "np-error.h"
#include "np-gui-test-util.h"
#include "np-plan-file.h"
#include "np-png.h"
#include "np-recovery.h"
#include "np-window.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CASE_NAME "knee-us-01"

static NpApplication *app;

/* Helpers */

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
file_is_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
open_path (NpWindow   *window,
           const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  g_assert_nonnull (np_document_get_frame (np_window_get_document (window)));
}

static NpWindow *
open_case (const char *folder_name)
{
  g_autofree char *plan_path = np_test_copy_case (CASE_NAME, folder_name);
  NpWindow *window = np_test_new_window (app);

  open_path (window, plan_path);
  return window;
}

/* One undoable edit: the target @dx px to the right. */
static void
move_target (NpWindow *window,
             double    dx)
{
  NpDocument *document = np_window_get_document (window);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);

  plan->target.x += dx;
  np_document_edit (document, g_steal_pointer (&plan), "Move target");
}

static const char *
autosave_path (NpWindow *window)
{
  NpAutosave *autosave = np_window_get_autosave (window);

  g_assert_nonnull (autosave);
  return np_autosave_get_path (autosave);
}

/* The ID of a process that has ended (and was reaped). */
static GPid
dead_pid (void)
{
  const char *argv[] = { "/bin/true", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid = 0;
  int status = 0;

  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return pid;
}

/* Copies the autosave file at @from to @to as if the process @pid had
 * written it (a NeedlePlan that was killed). */
static void
write_orphan (const char *from,
              const char *to,
              GPid        pid)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, from, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (root, "pid", pid);
  text = json_to_string (json_parser_get_root (parser), TRUE);
  g_file_set_contents (to, text, -1, &error);
  g_assert_no_error (error);
}

static gboolean
document_is_dirty (gpointer data)
{
  NpWindow *window = data;

  return !np_window_get_loading (window) &&
         np_document_get_frame (np_window_get_document (window)) != NULL &&
         np_document_get_dirty (np_window_get_document (window));
}

/* Tests */

static void
test_written_when_idle (void)
{
  NpWindow *window = open_case ("idle");
  NpDocument *document = np_window_get_document (window);
  const char *path = autosave_path (window);
  g_autofree char *state_dir = g_build_filename (g_getenv ("XDG_STATE_HOME"), "needleplan",
                                                 "autosave", NULL);
  g_autofree char *frame_path = NULL;
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 edited_at;
  double waited;

  /* Under $XDG_STATE_HOME/needleplan/autosave. */
  g_assert_true (g_str_has_prefix (path, state_dir));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Nothing while the plan is as saved; written NP_AUTOSAVE_IDLE_MS after
   * the last of a burst of edits. */
  np_test_iterate (NP_AUTOSAVE_IDLE_MS + 500);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < 3; i++)
    {
      move_target (window, 2);
      np_test_iterate (300);
    }
  move_target (window, 2);
  edited_at = g_get_monotonic_time ();
  np_test_wait_until (file_exists, (gpointer) path);
  waited = (g_get_monotonic_time () - edited_at) / 1000.0;
  g_assert_cmpfloat (waited, >=, NP_AUTOSAVE_IDLE_MS - 50);
  g_assert_cmpfloat (waited, <, NP_AUTOSAVE_IDLE_MS + 2000);

  /* It holds the plan as edited, the frame's absolute path, the plan file
   * and this process. */
  record = np_autosave_record_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (record->plan, np_document_get_plan (document)));
  frame_path = g_build_filename (g_get_user_cache_dir (), "idle", "frame.png", NULL);
  g_assert_cmpstr (record->frame_path, ==, frame_path);
  g_assert_cmpstr (record->plan_path, ==, np_document_get_path (document));
  g_assert_cmpint (record->pid, ==, getpid ());
  g_assert_nonnull (record->saved);

  /* A file this process is writing is not offered for recovery. */
  {
    g_autoptr(GPtrArray) orphans = np_autosave_record_find_orphans (NULL);

    g_assert_cmpuint (orphans->len, ==, 0);
  }

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_written_while_editing (void)
{
  NpWindow *window = open_case ("editing");
  const char *path = autosave_path (window);
  gint64 started = g_get_monotonic_time ();
  gint64 last_edit = started;
  gint64 longest_gap = 0;
  double waited;

  /* Edits every 500 ms never leave it idle for 2 s: the file is written
   * NP_AUTOSAVE_MAX_DELAY_MS after the first of them anyway. */
  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      gint64 now = g_get_monotonic_time ();

      longest_gap = MAX (longest_gap, now - last_edit);
      last_edit = now;
      move_target (window, 1);
      np_test_iterate (500);
      g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
    }
  /* The pause after the last edit counts as a gap too. */
  longest_gap = MAX (longest_gap, g_get_monotonic_time () - last_edit);
  waited = (g_get_monotonic_time () - started) / 1000.0;
  g_assert_cmpfloat (waited, <, NP_AUTOSAVE_MAX_DELAY_MS + 2000);
  /* Only if the machine kept up (not under valgrind): otherwise a gap of
   * 2 s let the idle write happen first, as it should. */
  if (longest_gap < (NP_AUTOSAVE_IDLE_MS - 500) * 1000)
    g_assert_cmpfloat (waited, >=, NP_AUTOSAVE_MAX_DELAY_MS - 50);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_removed_on_save (void)
{
  NpWindow *window = open_case ("save");
  NpDocument *document = np_window_get_document (window);
  const char *path = autosave_path (window);
  g_autoptr(NpPlan) saved = NULL;
  g_autoptr(GError) error = NULL;

  move_target (window, 4);
  np_test_wait_until (file_exists, (gpointer) path);

  /* Ctrl+S writes the plan where it came from: the autosave goes. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  g_assert_false (np_document_get_dirty (document));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  saved = np_plan_file_load (np_document_get_path (document), &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (saved, np_document_get_plan (document)));

  /* An edit after the save starts a new one. */
  move_target (window, 4);
  np_test_wait_until (file_exists, (gpointer) path);

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_removed_on_close (void)
{
  NpWindow *window = open_case ("close");
  g_autofree char *path = g_strdup (autosave_path (window));

  move_target (window, 3);
  np_test_wait_until (file_exists, path);

  /* Closed on purpose (the unsaved-changes prompt answered Discard, here
   * the window is destroyed): nothing to recover next time. */
  np_test_destroy_window (GTK_WINDOW (window));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* A window edits a case and keeps its autosave; a copy of that file then
 * stands for one a killed NeedlePlan left. Returns the copy's path; @edited
 * gets the plan as edited. */
static char *
leave_orphan (const char  *folder_name,
              NpPlan     **edited)
{
  NpWindow *window = open_case (folder_name);
  const char *path = autosave_path (window);
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *name = g_strdup_printf ("orphan-%s.json", folder_name);
  char *orphan = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  move_target (window, 12);
  g_assert_true (np_autosave_save_now (np_window_get_autosave (window), &error));
  g_assert_no_error (error);
  write_orphan (path, orphan, dead_pid ());
  *edited = np_document_dup_plan (np_window_get_document (window));
  np_test_destroy_window (GTK_WINDOW (window));
  return orphan;
}

static void
test_recover (void)
{
  g_autoptr(NpPlan) edited = NULL;
  g_autofree char *orphan = leave_orphan ("recover", &edited);
  g_autofree char *plan_path = g_build_filename (g_get_user_cache_dir (), "recover", "plan.json",
                                                 NULL);
  g_autoptr(GPtrArray) orphans = np_autosave_record_find_orphans (NULL);
  NpWindow *window = np_test_new_window (app);
  NpDocument *document = np_window_get_document (window);
  AdwMessageDialog *dialog;

  g_assert_cmpuint (orphans->len, ==, 1);
  g_assert_cmpstr (((NpAutosaveRecord *) orphans->pdata[0])->path, ==, orphan);

  /* Asked over the empty window, naming the case folder and the frame. */
  np_recovery_offer (window, NULL);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Recover Unsaved Plan?");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog),
                                   "NeedlePlan closed unexpectedly. Recover the unsaved plan for "
                                   "“recover/frame.png”?"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "recover");
  adw_message_dialog_response (dialog, "recover");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The frame opens in this window with the edited plan, marked unsaved,
   * belonging to its plan file; the orphan is replaced by this window's
   * own autosave. */
  np_test_wait_until (document_is_dirty, window);
  np_test_wait_until (file_is_gone, orphan);
  g_assert_true (np_plan_equal (np_document_get_plan (document), edited));
  g_assert_cmpstr (np_document_get_path (document), ==, plan_path);
  g_assert_true (g_file_test (autosave_path (window), G_FILE_TEST_EXISTS));

  /* Saved, it is the plan as it was before the crash. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.save", NULL);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(NpPlan) saved = np_plan_file_load (plan_path, &error);

    g_assert_no_error (error);
    g_assert_true (np_plan_equal (saved, edited));
  }
  g_assert_false (g_file_test (autosave_path (window), G_FILE_TEST_EXISTS));

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_discard (void)
{
  g_autoptr(NpPlan) edited = NULL;
  g_autofree char *orphan = leave_orphan ("discard", &edited);
  NpWindow *window = np_test_new_window (app);
  AdwMessageDialog *dialog;

  np_recovery_offer (window, NULL);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_false (np_window_has_frame (window));
  g_assert_false (np_window_get_loading (window));

  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_keep_for_later (void)
{
  g_autoptr(NpPlan) edited = NULL;
  g_autofree char *orphan = leave_orphan ("later", &edited);
  NpWindow *window = np_test_new_window (app);
  AdwMessageDialog *dialog;

  /* Escape closes the question without an answer: asked again next time. */
  np_recovery_offer (window, NULL);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, adw_message_dialog_get_close_response (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (g_file_test (orphan, G_FILE_TEST_EXISTS));
  g_assert_false (np_window_has_frame (window));

  g_unlink (orphan);
  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_unreadable_files_skipped (void)
{
  g_autofree char *directory = np_autosave_record_get_default_directory ();
  g_autofree char *broken = g_build_filename (directory, "broken.json", NULL);
  g_autofree char *foreign = g_build_filename (directory, "foreign.json", NULL);
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpAutosaveRecord) record = NULL;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_file_set_contents (broken, "{ \"format\": \"needleplan-autosave\", ", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (foreign, "{ \"format\": \"something-else\", \"version\": 1 }", -1, &error);
  g_assert_no_error (error);

  record = np_autosave_record_load (foreign, &error);
  g_assert_null (record);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "foreign.json"));

  /* Neither is offered, and neither is deleted. */
  orphans = np_autosave_record_find_orphans (NULL);
  g_assert_cmpuint (orphans->len, ==, 0);
  g_assert_true (g_file_test (broken, G_FILE_TEST_EXISTS));
  g_unlink (broken);
  g_unlink (foreign);
}

static void
count_failure_cb (NpAutosave   *autosave,
                  const GError *error,
                  guint        *count)
{
  g_assert_nonnull (strstr (error->message, "autosave folder"));
  (*count)++;
}

static void
test_failure_reported_once (void)
{
  g_autofree char *frame_path = g_build_filename (NP_SOURCE_DIR, "data", "cases", CASE_NAME,
                                                  "frame.png", NULL);
  /* A folder inside a regular file cannot be made, not even by root. */
  g_autofree char *blocker = g_build_filename (g_get_user_cache_dir (), "blocker", NULL);
  g_autofree char *directory = g_build_filename (blocker, "autosave", NULL);
  g_autoptr(NpDocument) document = np_document_new ();
  g_autoptr(NpPlanAnalysis) analysis = NULL;
  g_autoptr(NpAutosave) autosave = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(GError) error = NULL;
  guint failures = 0;

  g_file_set_contents (blocker, "not a folder\n", -1, &error);
  g_assert_no_error (error);
  frame = np_png_load (frame_path, &error);
  g_assert_no_error (error);
  analysis = np_plan_analysis_new (document);
  autosave = np_autosave_new (analysis, directory);
  g_signal_connect (autosave, "failed", G_CALLBACK (count_failure_cb), &failures);
  np_document_set_frame (document, frame, NULL);

  /* Said once, not after every edit. */
  for (guint i = 0; i < 2; i++)
    {
      plan->has_target = TRUE;
      plan->target = np_image_point (100 + i, 100);
      np_document_edit (document, np_plan_copy (plan), "Move target");
      np_test_iterate (NP_AUTOSAVE_IDLE_MS + 500);
    }
  g_assert_cmpuint (failures, ==, 1);

  /* Asked directly, the error names the folder. */
  plan->target.x += 1;
  np_document_edit (document, np_plan_copy (plan), "Move target");
  g_assert_false (np_autosave_save_now (autosave, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "blocker"));
  g_unlink (blocker);
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/autosave/written-when-idle", test_written_when_idle);
  g_test_add_func ("/gui/autosave/written-while-editing", test_written_while_editing);
  g_test_add_func ("/gui/autosave/removed-on-save", test_removed_on_save);
  g_test_add_func ("/gui/autosave/removed-on-close", test_removed_on_close);
  g_test_add_func ("/gui/autosave/recover", test_recover);
  g_test_add_func ("/gui/autosave/discard", test_discard);
  g_test_add_func ("/gui/autosave/keep-for-later", test_keep_for_later);
  g_test_add_func ("/gui/autosave/unreadable-files-skipped", test_unreadable_files_skipped);
  g_test_add_func ("/gui/autosave/failure-reported-once", test_failure_reported_once);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
