/* test-i18n.c — NeedlePlan in German: translated labels, decimal commas on
 * screen and in the report, and files that stay in the C locale
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-gui-test-util.h"

#include "np-document.h"
#include "np-export-actions.h"
#include "np-i18n.h"
#include "np-plan-analysis.h"
#include "np-plan-file.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#define CASE_NAME "knee-us-01"

static NpApplication *app;
static char *locale_dir;       /* the private LOCPATH, NULL when de_DE is installed */
static const char *no_german;  /* why the tests skip, NULL when German is set up */

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
        g_remove (child);
    }
  g_rmdir (path);
}

/* Debian's images compile only C.UTF-8: build de_DE.UTF-8 into a private
 * folder and point LOCPATH at it (as test-training-history does). Returns the
 * folder, or NULL when localedef cannot. */
static char *
compile_german_locale (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-i18n-locale-XXXXXX", NULL);
  g_autofree char *out = NULL;
  /* -c: write the locale even where localedef has warnings about it. */
  const char *argv[] = { "localedef", "-c", "-i", "de_DE", "-f", "UTF-8", NULL, NULL };
  int status = -1;

  if (dir == NULL)
    return NULL;
  out = g_build_filename (dir, "de_DE.UTF-8", NULL);
  argv[6] = out;
  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_file_test (out, G_FILE_TEST_IS_DIR))
    {
      remove_tree (dir);
      return NULL;
    }
  g_setenv ("LOCPATH", dir, TRUE);
  return g_steal_pointer (&dir);
}

/* German messages (LANGUAGE=de) and German numbers (LC_ALL=de_DE.UTF-8) from
 * the build tree's catalogue, before GTK starts. */
static void
set_up_german (void)
{
  const char *build_dir = g_getenv ("NP_BUILD_DIR");
  g_autofree char *po_dir = NULL;
  g_autofree char *mo = NULL;

  if (build_dir == NULL)
    {
      no_german = "NP_BUILD_DIR is not set (run the test through meson)";
      return;
    }
  po_dir = g_build_filename (build_dir, "po", NULL);
  mo = g_build_filename (po_dir, "de", "LC_MESSAGES", "needleplan.mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    {
      no_german = "the German catalogue is not built (ninja builds po/de/LC_MESSAGES)";
      return;
    }
  g_setenv ("NEEDLEPLAN_LOCALEDIR", po_dir, TRUE);
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("LANG", "de_DE.UTF-8", TRUE);
  g_setenv ("LC_ALL", "de_DE.UTF-8", TRUE);
  if (setlocale (LC_ALL, "") == NULL)
    {
      locale_dir = compile_german_locale ();
      if (locale_dir == NULL || setlocale (LC_ALL, "") == NULL)
        {
          no_german = "the de_DE.UTF-8 locale is not installed and localedef could not make it";
          g_setenv ("LC_ALL", "C.UTF-8", TRUE);
          setlocale (LC_ALL, "");
          return;
        }
    }
  np_i18n_init ();
  textdomain (GETTEXT_PACKAGE);
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *texts)
{
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_text (GTK_LABEL (widget))));
  if (ADW_IS_PREFERENCES_ROW (widget))
    g_ptr_array_add (texts, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, texts);
}

static gboolean
has_text (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

/* @value with one decimal the German way: "20,8". Built with the C locale's
 * formatter and the comma put in by hand, so the test does not use the code
 * path it checks. */
static char *
german_one_decimal (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buffer, sizeof buffer, "%.1f", value);
  return g_strdelimit (g_strdup (buffer), ".", ',');
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
  return window;
}

static gboolean
results_ready (gpointer data)
{
  const NpPlanResults *results = np_plan_analysis_get_results (np_window_get_analysis (data));

  return results != NULL && results->has_depth;
}

/* The window speaks German: the result rows' titles, the tool tips' labels
 * and the depth with a decimal comma in millimetres. */
static void
test_window_german (void)
{
  NpWindow *window;
  const NpPlanResults *results;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *depth = NULL;
  g_autofree char *expected = NULL;

  if (no_german != NULL)
    {
      g_test_skip (no_german);
      return;
    }
  window = open_case ("window");
  np_test_wait_until (results_ready, window);
  results = np_plan_analysis_get_results (np_window_get_analysis (window));
  g_assert_true (results->calibrated);
  np_test_iterate (100);

  collect_labels (GTK_WIDGET (window), texts);
  /* Titles from the C code (the results) and from the .ui templates. */
  g_assert_true (has_text (texts, "Zieltiefe"));
  g_assert_true (has_text (texts, "Länge des Stichwegs"));
  g_assert_true (has_text (texts, "Einstichwinkel"));
  g_assert_true (has_text (texts, "Ergebnisse"));
  g_assert_true (has_text (texts, "Schallgeschwindigkeit"));
  g_assert_false (has_text (texts, "Target depth"));

  /* Numbers for a person follow the locale; units stay mm. */
  depth = german_one_decimal (results->depth);
  expected = g_strdup_printf ("%s mm", depth);
  g_assert_nonnull (strchr (depth, ','));
  g_assert_true (has_text (texts, expected));
  np_test_destroy_window (GTK_WINDOW (window));
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

  return !np_export_actions_is_busy (wait->window) && g_file_test (wait->path, G_FILE_TEST_EXISTS);
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&out);
}

/* The report in German with decimal commas; the saved plan keeps points. */
static void
test_report_and_plan_german (void)
{
  NpWindow *window;
  NpDocument *document;
  const NpPlanResults *results;
  g_autofree char *folder = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *depth = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(NpPlan) reread = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRegex) comma_number = NULL;
  ExportWait wait;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (no_german != NULL)
    {
      g_test_skip (no_german);
      return;
    }
  if (pdftotext == NULL)
    {
      g_test_skip ("pdftotext is not installed (apt install poppler-utils)");
      return;
    }
  window = open_case ("report");
  document = np_window_get_document (window);
  np_test_wait_until (results_ready, window);
  results = np_plan_analysis_get_results (np_window_get_analysis (window));

  folder = g_build_filename (g_get_user_cache_dir (), "report-out", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  pdf = g_build_filename (folder, "bericht.pdf", NULL);
  file = g_file_new_for_path (pdf);
  np_export_actions_export_to_file (window, NP_EXPORT_KIND_PDF, FALSE, file);
  wait = (ExportWait) { window, pdf };
  np_test_wait_until (export_is_finished, &wait);

  text = pdf_text (pdf);
  g_assert_nonnull (strstr (text, "Injektionsplanbericht"));
  g_assert_nonnull (strstr (text, "Zieltiefe"));
  g_assert_nonnull (strstr (text, "Länge des Stichwegs"));
  g_assert_nonnull (strstr (text, "Kalibrierung"));
  g_assert_null (strstr (text, "Target depth"));
  depth = german_one_decimal (results->depth);
  g_assert_nonnull (strstr (text, depth));

  /* A plan file is for machines: the same numbers with points, read back
   * whatever the locale. */
  saved = g_build_filename (folder, "plan.json", NULL);
  g_assert_true (np_plan_file_save (np_document_get_plan (document), NULL, saved, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (saved, &json, NULL, &error));
  comma_number = g_regex_new ("[0-9],[0-9]", 0, 0, NULL);
  g_assert_false (g_regex_match (comma_number, json, 0, NULL));
  reread = np_plan_file_load (saved, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (reread->target.x, ==, np_document_get_plan (document)->target.x);
  g_assert_cmpfloat (reread->target.y, ==, np_document_get_plan (document)->target.y);
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  set_up_german ();
  np_test_init (&argc, &argv);
  app = np_test_application_new ();
  g_test_add_func ("/i18n/window-german", test_window_german);
  g_test_add_func ("/i18n/report-and-plan-german", test_report_and_plan_german);
  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  if (locale_dir != NULL)
    remove_tree (locale_dir);
  g_free (locale_dir);
  return status;
}
