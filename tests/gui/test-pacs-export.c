/* test-pacs-export.c — the export menu's DICOM entries: Image as DICOM and
 * Report as DICOM write the records chosen in the save dialog, with the
 * dialog's "Export anonymised" none of the patient's identifiers; Send to
 * PACS without a destination points to Preferences
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-gui-test-util.h"
#include "np-pacs-destination.h"
#include "np-window.h"

#include <string.h>

static NpApplication *app;

static NpWindow *
open_case (void)
{
  g_autofree char *plan_path = np_test_copy_case ("knee-us-01", "dicom-export-case");
  g_autoptr(GFile) file = g_file_new_for_path (plan_path);
  NpWindow *window = np_test_new_window (app);

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  g_assert_nonnull (np_document_get_frame (np_window_get_document (window)));
  return window;
}

static gboolean
chooser_is_shown (gpointer data)
{
  return np_test_find_dialog (GTK_WINDOW (data), GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

static gboolean
file_is_written (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* "DICM" at byte 128 and, in the file, the SOP Class UID given. */
static void
assert_dicom (const char *path,
              const char *sop_class_uid)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_cmpuint (length, >, 132);
  g_assert_cmpmem (data + 128, 4, "DICM", 4);
  g_assert_nonnull (memmem (data, length, sop_class_uid, strlen (sop_class_uid)));
}

static void
export_through_chooser (NpWindow   *window,
                        const char *action,
                        const char *name,
                        const char *sop_class_uid,
                        gboolean    anonymise)
{
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), "dicom-out", NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GFile) folder_file = g_file_new_for_path (folder);
  GtkFileChooser *chooser;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);
  np_test_wait_until (chooser_is_shown, window);
  chooser = GTK_FILE_CHOOSER (np_test_find_dialog (GTK_WINDOW (window),
                                                   GTK_TYPE_FILE_CHOOSER_DIALOG));
  np_test_iterate (200);
  g_assert_true (gtk_file_chooser_set_current_folder (chooser, folder_file, NULL));
  gtk_file_chooser_set_current_name (chooser, name);
  /* The choice is offered, unticked unless the user ticks it. */
  g_assert_cmpstr (gtk_file_chooser_get_choice (chooser, "anonymise"), ==, "false");
  if (anonymise)
    gtk_file_chooser_set_choice (chooser, "anonymise", "true");
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  np_test_wait_until (file_is_written, path);
  np_test_iterate (200);
  assert_dicom (path, sop_class_uid);
}

static void
test_export_dicom (void)
{
  NpWindow *window = open_case ();

  /* Secondary Capture Image Storage; Encapsulated PDF Storage. */
  export_through_chooser (window, "export-dicom", "image.dcm", "1.2.840.10008.5.1.4.1.1.7",
                          FALSE);
  export_through_chooser (window, "export-pdf-dicom", "report.dcm", "1.2.840.10008.5.1.4.1.1.104.1",
                          FALSE);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  np_test_destroy_window (GTK_WINDOW (window));
}

static gboolean
bytes_contain (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  return memmem (data, length, needle, strlen (needle)) != NULL;
}

/* The identifiers typed into the case, and their parts, appear in no byte
 * of the anonymised records (attributes, the plan copy, the PDF inside), nor
 * in what dcmdump reads from them; the same export not anonymised has them,
 * so the search would find them. */
static void
test_export_dicom_anonymised (void)
{
  NpWindow *window = open_case ();
  NpDocument *document = np_window_get_document (window);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), "dicom-out", NULL);
  /* Four bytes or more, never digits alone: those could occur by chance in
   * the pixels or the random 2.25 UIDs. */
  const char *const identifiers[] = { "Roe^Jane", "Jane", "QX-4711", "QX-4" };
  const char *const names[] = { "anonymised-image.dcm", "anonymised-report.dcm" };
  g_autofree char *plain = g_build_filename (folder, "named-image.dcm", NULL);
  g_autofree char *dcmdump = g_find_program_in_path ("dcmdump");

  np_plan_set_string (&plan->patient_name, "Roe^Jane");
  np_plan_set_string (&plan->patient_id, "QX-4711");
  np_document_edit (document, g_steal_pointer (&plan), "Patient");

  export_through_chooser (window, "export-dicom", "named-image.dcm", "1.2.840.10008.5.1.4.1.1.7",
                          FALSE);
  g_assert_true (bytes_contain (plain, "Roe^Jane"));
  g_assert_true (bytes_contain (plain, "QX-4711"));

  export_through_chooser (window, "export-dicom", names[0], "1.2.840.10008.5.1.4.1.1.7", TRUE);
  export_through_chooser (window, "export-pdf-dicom", names[1], "1.2.840.10008.5.1.4.1.1.104.1",
                          TRUE);
  g_assert_null (np_test_find_message_dialog (GTK_WINDOW (window)));
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (folder, names[i], NULL);
      g_autofree char *dump = NULL;

      for (gsize j = 0; j < G_N_ELEMENTS (identifiers); j++)
        g_assert_false (bytes_contain (path, identifiers[j]));
      if (dcmdump == NULL)
        continue;
      {
        const char *argv[] = { dcmdump, "+U8", "--print-all", path, NULL };
        int status = -1;

        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                     &dump, NULL, &status, NULL));
        g_assert_cmpint (status, ==, 0);
        g_assert_nonnull (strstr (dump, "(0010,0010)"));
        for (gsize j = 0; j < G_N_ELEMENTS (identifiers); j++)
          g_assert_null (strstr (dump, identifiers[j]));
      }
    }
  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_send_without_destination (void)
{
  NpWindow *window = open_case ();
  AdwMessageDialog *dialog;

  g_settings_reset (np_application_get_settings (app), NP_PACS_DESTINATIONS_KEY);
  g_action_group_activate_action (G_ACTION_GROUP (window), "send-to-pacs", NULL);
  dialog = np_test_find_message_dialog (GTK_WINDOW (window));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "No PACS Destination");
  g_assert_true (adw_message_dialog_has_response (dialog, "preferences"));
  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_disabled_without_frame (void)
{
  NpWindow *window = np_test_new_window (app);
  const char *const actions[] = { "export-dicom", "export-pdf-dicom", "send-to-pacs" };

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), actions[i]));
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();
  g_test_add_func ("/gui/pacs-export/disabled-without-frame", test_disabled_without_frame);
  g_test_add_func ("/gui/pacs-export/export-dicom", test_export_dicom);
  g_test_add_func ("/gui/pacs-export/export-dicom-anonymised", test_export_dicom_anonymised);
  g_test_add_func ("/gui/pacs-export/send-without-destination", test_send_without_destination);
  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
