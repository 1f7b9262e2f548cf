/* test-training-history.c: the training history file, its CSV and its chart
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-png.h"
#include "np-training-history.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

/* The case of test-training.c: 1 mm per pixel, skin on the top edge, expert
 * entry (50, 0) and target (50, 40), acceptable region 47..53 × 37..43. */
static NpPlan *
make_expert (void)
{
  NpPlan *plan = np_plan_new ();
  const NpImagePoint region[] = { { 47, 37 }, { 53, 37 }, { 53, 43 }, { 47, 43 } };

  np_plan_set_string (&plan->frame_path, "frame.png");
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 1.0, 0);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (50, 0);
  plan->has_target = TRUE;
  plan->target = np_image_point (50, 40);
  g_array_append_vals (plan->target_region, region, G_N_ELEMENTS (region));
  return plan;
}

static NpTrainingScore *
score_attempt (double      entry_x,
               double      target_x,
               double      target_y,
               gboolean    has_depth,
               double      depth_mm,
               const char *vessel)
{
  g_autoptr(NpPlan) expert = make_expert ();
  g_autoptr(NpPlan) trainee = np_plan_new ();
  g_autoptr(GError) error = NULL;
  NpTrainingScore *score;

  if (vessel != NULL)
    {
      NpStructure *structure = np_structure_new (vessel, NP_STRUCTURE_VESSEL, NP_SHAPE_ELLIPSE,
                                                 2);

      np_structure_add_point (structure, np_image_point (30, 20));
      np_structure_add_point (structure, np_image_point (5, 5));
      g_ptr_array_add (expert->structures, structure);
    }
  trainee->has_entry = TRUE;
  trainee->entry = np_image_point (entry_x, target_y - 40);
  trainee->has_target = TRUE;
  trainee->target = np_image_point (target_x, target_y);
  score = np_training_score_compute (expert, trainee, has_depth, depth_mm, &error);
  g_assert_no_error (error);
  return score;
}

/* The 3-4-5 attempt of test-training.c: entry (53, 4), target (53, 44). */
static NpTrainingScore *
score_3_4_5 (void)
{
  return score_attempt (53, 53, 44, FALSE, 0, NULL);
}

/* The vessel attempt: entry (10, 0) to (50, 40) through a vessel, with a
 * depth estimate of 48 mm. */
static NpTrainingScore *
score_vessel (const char *label)
{
  return score_attempt (10, 50, 40, TRUE, 48, label);
}

/* A session of the given cases, each scored with the matching score (NULL
 * skips it). With one case the order is that case. */
static NpTrainingSession *
make_session (const char *const      *cases,
              guint32                 seed,
              NpTrainingScore *const *scores)
{
  g_autoptr(GError) error = NULL;
  NpTrainingSession *session = np_training_session_new (cases, seed, &error);
  guint i = 0;

  g_assert_no_error (error);
  do
    {
      if (scores[i] != NULL)
        {
          g_assert_true (np_training_session_submit (session, scores[i], &error));
          g_assert_no_error (error);
        }
      i++;
    }
  while (np_training_session_next (session));
  return session;
}

static GDateTime *
utc (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new_utc (year, month, day, hour, minute, 0);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* Two sessions: the 3-4-5 attempt on 15 April, the vessel attempt and a
 * skipped case on 16 April. */
static void
append_two_sessions (NpTrainingHistory *history)
{
  g_autoptr(NpTrainingScore) a = score_3_4_5 ();
  g_autoptr(NpTrainingScore) b = score_vessel ("genicular artery, superior");
  NpTrainingScore *first[] = { a };
  NpTrainingScore *second[] = { b };
  g_autoptr(NpTrainingSession) s1 = make_session ((const char *const[]) {
                                                    "cases/knee, left/plan.json", NULL },
                                                  7, first);
  g_autoptr(NpTrainingSession) s2 = make_session ((const char *const[]) {
                                                    "cases/hip \"A\"/plan.json", NULL },
                                                  8, second);
  g_autoptr(NpTrainingSession) s3 = NULL;
  NpTrainingScore *none[] = { NULL };
  g_autoptr(GDateTime) d1 = utc (2026, 4, 15, 9, 30);
  g_autoptr(GDateTime) d2 = utc (2026, 4, 16, 10, 0);
  g_autoptr(GDateTime) d3 = utc (2026, 4, 17, 8, 15);
  g_autoptr(GError) error = NULL;

  s3 = make_session ((const char *const[]) { "cases/skipped/plan.json", NULL }, 9, none);
  g_assert_true (np_training_history_append (history, s1, d1, &error));
  g_assert_no_error (error);
  g_assert_true (np_training_history_append (history, s2, d2, &error));
  g_assert_true (np_training_history_append (history, s3, d3, &error));
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

/* Save, then a new object reading the same file (a restart): the same data. */
static void
test_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-training-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "folder", NP_TRAINING_HISTORY_FILE, NULL);
  g_autoptr(NpTrainingHistory) history = NULL;
  g_autoptr(NpTrainingHistory) restarted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *reloaded = NULL;
  g_autofree char *csv_before = NULL;
  g_autofree char *csv_after = NULL;
  const NpTrainingHistorySession *session;
  const NpTrainingScore *score;
  NpTrainingSummary summary;

  /* No file yet: an empty history, nothing written. */
  history = np_training_history_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_training_history_get_n_sessions (history), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  append_two_sessions (history);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  saved = np_training_history_to_json (history);
  csv_before = np_training_history_to_csv (history);
  g_clear_pointer (&history, np_training_history_free);

  restarted = np_training_history_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (np_training_history_get_path (restarted), ==, path);
  g_assert_cmpuint (np_training_history_get_n_sessions (restarted), ==, 3);
  reloaded = np_training_history_to_json (restarted);
  g_assert_cmpstr (saved, ==, reloaded);
  csv_after = np_training_history_to_csv (restarted);
  g_assert_cmpstr (csv_before, ==, csv_after);

  session = np_training_history_get_session (restarted, 0);
  g_assert_cmpstr (session->date, ==, "2026-04-15T09:30:00Z");
  g_assert_cmpuint (session->seed, ==, 7);
  g_assert_cmpstr (g_ptr_array_index (session->cases, 0), ==, "cases/knee, left/plan.json");
  score = g_ptr_array_index (session->scores, 0);
  /* In plane the entry is not scored: 100 − (10 + 10) = 80. */
  g_assert_cmpfloat (score->score, ==, 80);
  g_assert_cmpfloat (score->target_error, ==, 5);
  g_assert_cmpstr (score->explanation[NP_TRAINING_METRIC_TARGET_ERROR], ==,
                   "Your target was 5.0 mm from the expert's, outside the acceptable region.");

  session = np_training_history_get_session (restarted, 1);
  score = g_ptr_array_index (session->scores, 0);
  g_assert_true (score->critical_error);
  g_assert_cmpstr (g_ptr_array_index (score->critical_structures, 0), ==,
                   "genicular artery, superior");

  session = np_training_history_get_session (restarted, 2);
  g_assert_null (g_ptr_array_index (session->scores, 0));
  g_assert_false (np_training_history_summarize (restarted, 2, NP_TRAINING_METRIC_SCORE,
                                                 &summary));
  g_assert_true (np_training_history_summarize (restarted, 1, NP_TRAINING_METRIC_SCORE,
                                                &summary));
  g_assert_cmpfloat (summary.mean, ==, 40);

  remove_tree (dir);
}

/* A damaged file: an error naming it, and the file exactly as it was. */
static void
check_refused (const char *dir,
               const char *text,
               int         code,
               const char *message_part)
{
  g_autofree char *path = g_build_filename (dir, NP_TRAINING_HISTORY_FILE, NULL);
  g_autoptr(NpTrainingHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  g_autofree char *display = g_filename_display_name (path);
  GStatBuf before_stat, after_stat;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_stat (path, &before_stat), ==, 0);

  history = np_training_history_load (path, &error);
  g_assert_null (history);
  g_assert_error (error, NP_ERROR, code);
  g_assert_nonnull (strstr (error->message, display));
  g_assert_nonnull (strstr (error->message, "left as it is"));
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” not in “%s”", message_part, error->message);

  after = read_text (path);
  g_assert_cmpstr (after, ==, text);
  g_assert_cmpint (g_stat (path, &after_stat), ==, 0);
  g_assert_cmpint (after_stat.st_mtime, ==, before_stat.st_mtime);
  g_assert_cmpint (after_stat.st_ino, ==, before_stat.st_ino);
}

static void
test_corrupt (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-training-history-XXXXXX", NULL);
  g_autofree char *good_path = g_build_filename (dir, "good.json", NULL);
  g_autoptr(NpTrainingHistory) good = np_training_history_new (good_path);
  g_autofree char *text = NULL;
  g_autofree char *cut = NULL;
  g_autoptr(GString) damaged = NULL;
  g_autofree char *deep = NULL;

  append_two_sessions (good);
  text = np_training_history_to_json (good);

  check_refused (dir, "{ this is not JSON", NP_ERROR_CORRUPT, "not valid JSON");
  cut = g_strndup (text, strlen (text) / 2);
  check_refused (dir, cut, NP_ERROR_CORRUPT, "not valid JSON");
  check_refused (dir, "[1, 2, 3]", NP_ERROR_CORRUPT, "not a JSON object");
  check_refused (dir, "{\"format\": \"needleplan-plan\", \"version\": 1}", NP_ERROR_NOT_SUPPORTED,
                 "not a NeedlePlan training history");
  check_refused (dir, "{\"format\": \"needleplan-training-history\", \"version\": 9, "
                      "\"sessions\": []}", NP_ERROR_NOT_SUPPORTED, "newer NeedlePlan");
  check_refused (dir, "{\"format\": \"needleplan-training-history\", \"version\": 1, "
                      "\"sessions\": [{\"date\": \"yesterday\", \"seed\": 1, \"cases\": []}]}",
                 NP_ERROR_CORRUPT, "sessions[0].date");

  /* A damaged attempt deep inside is named down to the field. */
  damaged = g_string_new (text);
  g_assert_cmpuint (g_string_replace (damaged, "\"target_error\" : 5.0,",
                                      "\"target_error\" : true,", 1), ==, 1);
  check_refused (dir, damaged->str, NP_ERROR_CORRUPT,
                 "sessions[0].cases[0].attempt: “target_error” must be a number");

  deep = g_strnfill (200, '[');
  check_refused (dir, deep, NP_ERROR_CORRUPT, "nested too deeply");

  remove_tree (dir);
}

/* When saving fails, the session is not kept in memory either. */
static void
test_append_failure (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-training-history-XXXXXX", NULL);
  g_autofree char *blocker = g_build_filename (dir, "not-a-folder", NULL);
  g_autofree char *path = g_build_filename (blocker, NP_TRAINING_HISTORY_FILE, NULL);
  g_autoptr(NpTrainingHistory) history = np_training_history_new (path);
  g_autoptr(NpTrainingScore) score = score_3_4_5 ();
  NpTrainingScore *scores[] = { score };
  g_autoptr(NpTrainingSession) session = make_session ((const char *const[]) { "a.json", NULL },
                                                       1, scores);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (blocker, "a file where the folder should be", -1, NULL));
  g_assert_false (np_training_history_append (history, session, NULL, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_cmpuint (np_training_history_get_n_sessions (history), ==, 0);
  remove_tree (dir);
}

/* Values by hand (see test-training.c for the geometry):
 * 3-4-5 attempt: score 80 (in plane the entry is reported, not scored:
 * 100 − (10 for 5 mm + 10 missed)), target error 5, missed, entry 5, 0°, no depth
 * estimate, expert depth 40, paths 40 and 40 (ratio 1), area 120.
 * Vessel attempt with a 48 mm estimate: capped at 40, target error 0, hit,
 * entry 40, 45°, estimate 48 against 40: +8 mm, +20 %; path 40√2 =
 * 56.5685… → 56.57, ratio √2 = 1.41421… → 1.414; area ½ · 40 · 40 = 800;
 * the structure's name holds a comma, the case's path a quote, so both are
 * quoted, the quote doubled. The skipped case of session 3 has no row. */
static const char expected_csv[] =
  "session,date,seed,order,case,unit,score,target_error,target_hit,entry_deviation,"
  "trajectory_deviation_deg,depth_estimate_mm,expert_depth_mm,depth_error_mm,"
  "depth_error_percent,path_in_tissue,expert_path_length,path_length_ratio,swept_area,"
  "critical_error,critical_structures\r\n"
  "1,2026-04-15T09:30:00Z,7,1,\"cases/knee, left/plan.json\",mm,80.0,5.00,0,5.00,0.00,,40.00,,,"
  "40.00,40.00,1.000,120.00,0,\r\n"
  "2,2026-04-16T10:00:00Z,8,1,\"cases/hip \"\"A\"\"/plan.json\",mm,40.0,0.00,1,40.00,45.00,"
  "48.00,40.00,8.00,20.00,56.57,40.00,1.414,800.00,1,\"genicular artery, superior\"\r\n";

static void
test_csv (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-training-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, NP_TRAINING_HISTORY_FILE, NULL);
  g_autofree char *csv_path = g_build_filename (dir, "attempts.csv", NULL);
  g_autoptr(NpTrainingHistory) history = np_training_history_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *written = NULL;

  append_two_sessions (history);
  csv = np_training_history_to_csv (history);
  g_assert_cmpstr (csv, ==, expected_csv);

  g_assert_true (np_training_history_export_csv (history, csv_path, &error));
  g_assert_no_error (error);
  written = read_text (csv_path);
  g_assert_cmpstr (written, ==, expected_csv);
  remove_tree (dir);
}

/* Debian's images carry the locale sources (package locales) but compile
 * only C.UTF-8: build de_DE.UTF-8 into a private folder and point LOCPATH
 * at it. Returns the folder, or NULL when localedef cannot. */
static char *
compile_comma_locale (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-locale-XXXXXX", NULL);
  g_autofree char *out = NULL;
  int status = -1;

  if (dir == NULL)
    return NULL;
  out = g_build_filename (dir, "de_DE.UTF-8", NULL);
  {
    /* -c: write the locale even where localedef has warnings about it. */
    const char *argv[] = { "localedef", "-c", "-i", "de_DE", "-f", "UTF-8", out, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) ||
        !g_file_test (out, G_FILE_TEST_IS_DIR))
      {
        remove_tree (dir);
        return NULL;
      }
  }
  g_setenv ("LOCPATH", dir, TRUE);
  return g_steal_pointer (&dir);
}

/* A locale with a decimal comma must not change the CSV. */
static void
test_csv_locale (void)
{
  static const char *const comma_locales[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                                               "nl_NL.UTF-8", NULL };
  g_autofree char *saved = g_strdup (setlocale (LC_NUMERIC, NULL));
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(NpTrainingHistory) history = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *locale_dir = NULL;
  gboolean found = FALSE;

  for (guint i = 0; comma_locales[i] != NULL && !found; i++)
    found = setlocale (LC_NUMERIC, comma_locales[i]) != NULL;
  if (!found && (locale_dir = compile_comma_locale ()) != NULL)
    found = setlocale (LC_NUMERIC, "de_DE.UTF-8") != NULL;
  if (!found)
    {
      g_test_skip ("no locale with a decimal comma is installed, and localedef could not "
                   "make one");
      return;
    }
  /* The premise: this locale writes 0.5 as "0,5". */
  g_assert_cmpstr (localeconv ()->decimal_point, ==, ",");
  dir = g_dir_make_tmp ("test-training-history-XXXXXX", NULL);
  path = g_build_filename (dir, NP_TRAINING_HISTORY_FILE, NULL);
  history = np_training_history_new (path);
  append_two_sessions (history);
  csv = np_training_history_to_csv (history);
  setlocale (LC_NUMERIC, saved);
  remove_tree (dir);
  if (locale_dir != NULL)
    {
      g_unsetenv ("LOCPATH");
      remove_tree (locale_dir);
    }
  g_assert_cmpstr (csv, ==, expected_csv);
}

/* main() points XDG_DATA_HOME at a temporary folder: the default history
 * lives there. */
static void
test_default_path (void)
{
  g_autofree char *expected = g_build_filename (g_getenv ("XDG_DATA_HOME"), "needleplan",
                                                "training-history.json", NULL);
  g_autofree char *path = np_training_history_dup_default_path ();
  g_autoptr(NpTrainingHistory) history = NULL;
  g_autoptr(NpTrainingHistory) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (path, ==, expected);
  history = np_training_history_load (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (np_training_history_get_path (history), ==, expected);
  append_two_sessions (history);
  again = np_training_history_load (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_training_history_get_n_sessions (again), ==, 3);
}

/* Ten sessions that improve, each of three attempts. */
static void
fill_progress (NpTrainingHistory *history)
{
  for (guint s = 0; s < 10; s++)
    {
      g_autoptr(NpTrainingScore) a = score_attempt (50 - 4.0 * (9 - s), 50 + 0.5 * (9 - s), 40,
                                                    FALSE, 0, NULL);
      g_autoptr(NpTrainingScore) b = score_attempt (50, 50 + 0.8 * (9 - s), 40 + 0.3 * (9 - s),
                                                    FALSE, 0, NULL);
      g_autoptr(NpTrainingScore) c = score_attempt (50 - (s == 3 ? 40 : s % 3), 50, 40, FALSE, 0,
                                                    s == 3 ? "genicular artery" : NULL);
      NpTrainingScore *scores[] = { a, b, c };
      g_autoptr(NpTrainingSession) session = make_session ((const char *const[]) {
                                                             "one", "two", "three", NULL },
                                                           s, scores);
      g_autoptr(GDateTime) date = utc (2026, 3, 2 + 3 * s, 9, 0);
      g_autoptr(GError) error = NULL;

      g_assert_true (np_training_history_append (history, session, date, &error));
      g_assert_no_error (error);
    }
}

static guint32
pixel_at (NpFrame *frame,
          guint    x,
          guint    y)
{
  const guint8 *p = np_frame_get_data (frame) + y * np_frame_get_stride (frame)
                    + x * np_frame_get_channels (frame);

  return (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
}

/* Renders the chart in both styles: the card colour fills the corners'
 * inside, the series colour appears, and an empty history still draws. Set
 * NP_TEST_OUTPUT_DIR to keep the PNGs for looking at. */
static void
test_chart (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-training-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, NP_TRAINING_HISTORY_FILE, NULL);
  g_autoptr(NpTrainingHistory) history = np_training_history_new (path);
  g_autoptr(NpTrainingHistory) empty = np_training_history_new (path);
  const char *keep = g_getenv ("NP_TEST_OUTPUT_DIR");
  const char *out_dir = keep != NULL ? keep : dir;
  struct { NpTrainingChartStyle style; const char *name; guint32 card, series; } styles[] = {
    { NP_TRAINING_CHART_LIGHT, "progress-light.png", 0xffffff, 0x1c71d8 },
    { NP_TRAINING_CHART_DARK, "progress-dark.png", 0x242424, 0x62a0ea },
  };

  fill_progress (history);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_autofree char *png = g_build_filename (out_dir, styles[i].name, NULL);
      g_autofree char *empty_png = g_strconcat (png, ".empty.png", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFrame) frame = NULL;
      gboolean series_seen = FALSE;

      g_assert_true (np_training_history_write_progress_png (history, png, 800, 450,
                                                             styles[i].style, &error));
      g_assert_no_error (error);
      frame = np_png_load (png, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (np_frame_get_width (frame), ==, 800);
      g_assert_cmpuint (np_frame_get_height (frame), ==, 450);
      g_assert_cmphex (pixel_at (frame, 10, 225), ==, styles[i].card);
      for (guint y = 0; y < 450 && !series_seen; y++)
        for (guint x = 0; x < 800 && !series_seen; x++)
          series_seen = pixel_at (frame, x, y) == styles[i].series;
      g_assert_true (series_seen);

      g_assert_true (np_training_history_write_progress_png (empty, empty_png, 400, 240,
                                                             styles[i].style, &error));
      g_assert_no_error (error);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *png = g_build_filename (dir, "tiny.png", NULL);

    g_assert_false (np_training_history_write_progress_png (history, png, 10, 10,
                                                            NP_TRAINING_CHART_LIGHT, &error));
    g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = g_dir_make_tmp ("test-training-history-data-XXXXXX", NULL);
  int status;

  /* The default history goes to this folder, never the user's: set before
   * anything asks GLib for the user data folder (it caches the answer). */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  np_gsl_init ();

  g_test_add_func ("/core/training-history/round-trip", test_round_trip);
  g_test_add_func ("/core/training-history/corrupt", test_corrupt);
  g_test_add_func ("/core/training-history/append-failure", test_append_failure);
  g_test_add_func ("/core/training-history/csv", test_csv);
  g_test_add_func ("/core/training-history/csv-locale", test_csv_locale);
  g_test_add_func ("/core/training-history/default-path", test_default_path);
  g_test_add_func ("/core/training-history/chart", test_chart);

  status = g_test_run ();
  /* Cairo keeps its font caches until told; freeing them keeps leak
   * checkers quiet about the text of the chart. */
  cairo_debug_reset_static_data ();
  remove_tree (data_home);
  return status;
}
