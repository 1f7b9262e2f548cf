/* test-autosave-record.c — the autosave file written, read back, refused
 * when it is not ours, and found after a crash; no display needed
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-autosave-record.h"
#include "np-error.h"
#include "np-plan-file.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A temporary folder, removed with everything in it at the end of a test. */
typedef struct
{
  char *path;
} TempDir;

static void
temp_dir_setup (TempDir       *dir,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  dir->path = g_dir_make_tmp ("test-autosave-record-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
temp_dir_teardown (TempDir       *dir,
                   gconstpointer  data)
{
  remove_tree (dir->path);
  g_assert_false (g_file_test (dir->path, G_FILE_TEST_EXISTS));
  g_free (dir->path);
}

/* The plan of every test: a target at (120, 80) and an entry at (40, 10). */
static NpPlan *
new_plan (void)
{
  NpPlan *plan = np_plan_new ();

  plan->has_target = TRUE;
  plan->target = np_image_point (120, 80);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (40, 10);
  return plan;
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

/* An autosave file written by hand: @plan_text is a plan file's text (or
 * NULL for none), the rest as given. */
static char *
write_file (const char *folder,
            const char *name,
            const char *format,
            gint64      version,
            gint64      pid,
            const char *saved,
            const char *frame_path,
            const char *plan_path,
            const char *plan_text)
{
  g_autoptr(GString) text = g_string_new ("{\n");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (folder, name, NULL);

  g_string_append_printf (text, "  \"format\": \"%s\",\n  \"version\": %" G_GINT64_FORMAT ",\n"
                          "  \"pid\": %" G_GINT64_FORMAT ",\n", format, version, pid);
  if (saved != NULL)
    g_string_append_printf (text, "  \"saved\": \"%s\",\n", saved);
  if (frame_path != NULL)
    g_string_append_printf (text, "  \"frame_path\": \"%s\",\n", frame_path);
  if (plan_path != NULL)
    g_string_append_printf (text, "  \"plan_path\": \"%s\",\n", plan_path);
  if (plan_text != NULL)
    g_string_append_printf (text, "  \"plan\": %s,\n", plan_text);
  g_string_append (text, "  \"comment\": \"written by the test\"\n}\n");
  g_file_set_contents (path, text->str, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
plan_text (void)
{
  g_autoptr(NpPlan) plan = new_plan ();
  g_autoptr(GError) error = NULL;
  char *text;

  np_plan_set_string (&plan->frame_path, "frame.png");
  text = np_plan_file_to_json (plan, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Tests */

static void
test_round_trip (TempDir       *dir,
                 gconstpointer  data)
{
  /* The folder does not exist yet: saving makes it, for the user alone. */
  g_autofree char *folder = g_build_filename (dir->path, "state", "autosave", NULL);
  g_autofree char *path = g_build_filename (folder, "a.json", NULL);
  g_autofree char *frame_path = g_build_filename (dir->path, "knee", "frame.png", NULL);
  g_autofree char *plan_path = g_build_filename (dir->path, "knee", "plan.json", NULL);
  g_autoptr(NpPlan) plan = new_plan ();
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(NpAutosaveRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf info;

  np_plan_set_string (&plan->frame_path, "frame.png");
  record = np_autosave_record_new (path, plan, frame_path, plan_path);
  g_assert_cmpint (record->pid, ==, getpid ());
  g_assert_nonnull (record->saved);
  /* 2026-03-01 10:20:30.5 UTC, to read back to the half second. */
  g_date_time_unref (record->saved);
  record->saved = g_date_time_new_utc (2026, 3, 1, 10, 20, 30.5);

  g_assert_true (np_autosave_record_save (record, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (folder, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0700);

  loaded = np_autosave_record_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->path, ==, path);
  g_assert_cmpstr (loaded->frame_path, ==, frame_path);
  g_assert_cmpstr (loaded->plan_path, ==, plan_path);
  g_assert_cmpint (loaded->pid, ==, getpid ());
  g_assert_true (np_plan_equal (loaded->plan, plan));
  g_assert_cmpfloat (loaded->plan->target.x, ==, 120);
  g_assert_cmpfloat (loaded->plan->target.y, ==, 80);
  g_assert_nonnull (loaded->saved);
  g_assert_cmpint (g_date_time_get_year (loaded->saved), ==, 2026);
  g_assert_cmpint (g_date_time_get_month (loaded->saved), ==, 3);
  g_assert_cmpint (g_date_time_get_day_of_month (loaded->saved), ==, 1);
  g_assert_cmpint (g_date_time_get_hour (loaded->saved), ==, 10);
  g_assert_cmpint (g_date_time_get_minute (loaded->saved), ==, 20);
  g_assert_cmpfloat_with_epsilon (g_date_time_get_seconds (loaded->saved), 30.5, 1e-6);
}

/* Relative paths are made absolute against the working folder; a plan
 * that names no frame yet names it by the frame's file name. */
static void
test_paths (TempDir       *dir,
            gconstpointer  data)
{
  g_autofree char *path = g_build_filename (dir->path, "b.json", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *frame_path = g_build_filename (cwd, "case", "frame.png", NULL);
  g_autoptr(NpPlan) plan = new_plan ();
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(NpAutosaveRecord) loaded = NULL;
  g_autoptr(GError) error = NULL;

  record = np_autosave_record_new (path, plan, "case/./frame.png", NULL);
  g_assert_cmpstr (record->frame_path, ==, frame_path);
  g_assert_null (record->plan_path);
  g_assert_true (np_autosave_record_save (record, NULL, &error));
  g_assert_no_error (error);

  loaded = np_autosave_record_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->frame_path, ==, frame_path);
  g_assert_null (loaded->plan_path);
  g_assert_cmpstr (loaded->plan->frame_path, ==, "frame.png");
  g_assert_null (plan->frame_path);
}

/* A file written by hand: each member lands in its field; a plan path
 * that is not absolute is dropped. */
static void
test_read_by_hand (TempDir       *dir,
                   gconstpointer  data)
{
  g_autofree char *text = plan_text ();
  g_autofree char *path = write_file (dir->path, "c.json", "needleplan-autosave", 1, 4242,
                                      "2025-12-24T18:05:00Z", "/cases/knee/frame.png",
                                      "relative/plan.json", text);
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  record = np_autosave_record_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->frame_path, ==, "/cases/knee/frame.png");
  g_assert_null (record->plan_path);
  g_assert_cmpint (record->pid, ==, 4242);
  g_assert_cmpint (g_date_time_get_year (record->saved), ==, 2025);
  g_assert_cmpint (g_date_time_get_month (record->saved), ==, 12);
  g_assert_cmpint (g_date_time_get_day_of_month (record->saved), ==, 24);
  g_assert_cmpint (g_date_time_get_hour (record->saved), ==, 18);
  g_assert_cmpint (g_date_time_get_minute (record->saved), ==, 5);
  g_assert_true (record->plan->has_target);
  g_assert_cmpfloat (record->plan->target.x, ==, 120);
  g_assert_cmpfloat (record->plan->target.y, ==, 80);
  g_assert_cmpfloat (record->plan->entry.x, ==, 40);
  g_assert_cmpfloat (record->plan->entry.y, ==, 10);
}

static void
assert_refused (const char *path,
                int         code,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpAutosaveRecord) record = np_autosave_record_load (path, &error);
  g_autofree char *basename = g_path_get_basename (path);

  g_assert_null (record);
  g_assert_error (error, NP_ERROR, code);
  /* Every message names the file and the problem. */
  g_assert_nonnull (strstr (error->message, basename));
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_refused (TempDir       *dir,
              gconstpointer  data)
{
  g_autofree char *text = plan_text ();
  g_autofree char *foreign = write_file (dir->path, "foreign.json", "something-else", 1, 1, NULL,
                                         "/f.png", NULL, text);
  g_autofree char *newer = write_file (dir->path, "newer.json", "needleplan-autosave", 2, 1,
                                       NULL, "/f.png", NULL, text);
  g_autofree char *no_frame = write_file (dir->path, "no-frame.json", "needleplan-autosave", 1,
                                          1, NULL, NULL, NULL, text);
  g_autofree char *relative = write_file (dir->path, "relative.json", "needleplan-autosave", 1,
                                          1, NULL, "frame.png", NULL, text);
  g_autofree char *no_plan = write_file (dir->path, "no-plan.json", "needleplan-autosave", 1, 1,
                                         NULL, "/f.png", NULL, NULL);
  g_autofree char *broken = g_build_filename (dir->path, "broken.json", NULL);
  g_autofree char *huge = g_build_filename (dir->path, "huge.json", NULL);
  g_autofree char *missing = g_build_filename (dir->path, "missing.json", NULL);
  g_autoptr(GError) error = NULL;
  FILE *out;

  g_file_set_contents (broken, "{ \"format\": \"needleplan-autosave\", ", -1, &error);
  g_assert_no_error (error);
  /* 17 MiB: over a plan file's 16 MiB and the 64 KiB around it. */
  out = fopen (huge, "wb");
  g_assert_nonnull (out);
  g_assert_cmpint (fseek (out, 17 * 1024 * 1024 - 1, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc (' ', out), ==, ' ');
  fclose (out);

  assert_refused (foreign, NP_ERROR_NOT_SUPPORTED, "not a NeedlePlan autosave file");
  assert_refused (newer, NP_ERROR_NOT_SUPPORTED, "version 2 is not supported");
  assert_refused (no_frame, NP_ERROR_CORRUPT, "does not name the frame");
  assert_refused (relative, NP_ERROR_CORRUPT, "does not name the frame");
  assert_refused (no_plan, NP_ERROR_CORRUPT, "holds no plan");
  assert_refused (broken, NP_ERROR_CORRUPT, "not a JSON object");
  assert_refused (huge, NP_ERROR_TOO_LARGE, "too large");
  assert_refused (missing, NP_ERROR_IO, "Cannot read");
}

/* A folder inside a regular file cannot be made, not even by root. */
static void
test_save_fails (TempDir       *dir,
                 gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (dir->path, "blocker", NULL);
  g_autofree char *path = g_build_filename (blocker, "autosave", "d.json", NULL);
  g_autoptr(NpPlan) plan = new_plan ();
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (blocker, "not a folder\n", -1, &error);
  g_assert_no_error (error);
  record = np_autosave_record_new (path, plan, "/cases/frame.png", NULL);
  g_assert_false (np_autosave_record_save (record, NULL, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "autosave folder"));
  g_assert_nonnull (strstr (error->message, "blocker"));
}

/* Orphans: files whose writer no longer runs, newest first; this process's
 * own file, temporary files, other files and unreadable ones are not. */
static void
test_orphans (TempDir       *dir,
              gconstpointer  data)
{
  g_autofree char *text = plan_text ();
  GPid dead = dead_pid ();
  g_autofree char *older = write_file (dir->path, "older.json", "needleplan-autosave", 1, dead,
                                       "2026-01-01T09:00:00Z", "/cases/a/frame.png", NULL, text);
  g_autofree char *newer = write_file (dir->path, "newer.json", "needleplan-autosave", 1, dead,
                                       "2026-01-02T09:00:00Z", "/cases/b/frame.png", NULL, text);
  g_autofree char *ours = write_file (dir->path, "ours.json", "needleplan-autosave", 1, getpid (),
                                      "2026-01-03T09:00:00Z", "/cases/c/frame.png", NULL, text);
  g_autofree char *hidden = write_file (dir->path, ".tmp-1.json", "needleplan-autosave", 1, dead,
                                        "2026-01-04T09:00:00Z", "/cases/d/frame.png", NULL, text);
  g_autofree char *other = write_file (dir->path, "notes.txt", "needleplan-autosave", 1, dead,
                                       "2026-01-05T09:00:00Z", "/cases/e/frame.png", NULL, text);
  g_autofree char *broken = g_build_filename (dir->path, "broken.json", NULL);
  g_autofree char *nowhere = g_build_filename (dir->path, "nowhere", NULL);
  g_autoptr(GPtrArray) orphans = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GError) error = NULL;

  g_file_set_contents (broken, "[", -1, &error);
  g_assert_no_error (error);

  orphans = np_autosave_record_find_orphans (dir->path);
  g_assert_cmpuint (orphans->len, ==, 2);
  g_assert_cmpstr (((NpAutosaveRecord *) orphans->pdata[0])->path, ==, newer);
  g_assert_cmpstr (((NpAutosaveRecord *) orphans->pdata[0])->frame_path, ==,
                   "/cases/b/frame.png");
  g_assert_cmpstr (((NpAutosaveRecord *) orphans->pdata[1])->path, ==, older);
  /* Looking changes nothing. */
  g_assert_true (g_file_test (broken, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (ours, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (hidden, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));

  none = np_autosave_record_find_orphans (nowhere);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_default_directory (void)
{
  g_autofree char *directory = np_autosave_record_get_default_directory ();
  g_autofree char *expected = g_build_filename (g_get_user_state_dir (), "needleplan",
                                                "autosave", NULL);

  g_assert_cmpstr (directory, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/core/autosave-record/round-trip", TempDir, NULL, temp_dir_setup,
              test_round_trip, temp_dir_teardown);
  g_test_add ("/core/autosave-record/paths", TempDir, NULL, temp_dir_setup, test_paths,
              temp_dir_teardown);
  g_test_add ("/core/autosave-record/read-by-hand", TempDir, NULL, temp_dir_setup,
              test_read_by_hand, temp_dir_teardown);
  g_test_add ("/core/autosave-record/refused", TempDir, NULL, temp_dir_setup, test_refused,
              temp_dir_teardown);
  g_test_add ("/core/autosave-record/save-fails", TempDir, NULL, temp_dir_setup,
              test_save_fails, temp_dir_teardown);
  g_test_add ("/core/autosave-record/orphans", TempDir, NULL, temp_dir_setup, test_orphans,
              temp_dir_teardown);
  g_test_add_func ("/core/autosave-record/default-directory", test_default_directory);

  return g_test_run ();
}
