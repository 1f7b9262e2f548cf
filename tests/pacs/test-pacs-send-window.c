/* test-pacs-send-window.c — "Send to PACS" in the real window, against the
 * Orthanc that tests/pacs/test-pacs-send-window.sh starts (its namespace,
 * its address in NP_PACS_*): a send that works leaves nothing in the
 * outbox; a refused one keeps the files, says why, and "Send Again" sends
 * them again.
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

static void
set_destination (const char *called_aet)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_destination_free);
  NpPacsDestination *d = np_pacs_destination_new ("Orthanc");

  g_free (d->calling_aet);
  d->calling_aet = g_strdup (g_getenv ("NP_PACS_CALLING_AET"));
  d->called_aet = g_strdup (called_aet);
  d->host = g_strdup ("127.0.0.1");
  d->port = (guint) g_ascii_strtoull (g_getenv ("NP_PACS_PORT"), NULL, 10);
  d->timeout_seconds = 10;
  g_ptr_array_add (list, d);
  np_pacs_destination_list_save_settings (np_application_get_settings (app), list);
}

static guint
outbox_files (void)
{
  g_autofree char *outbox = g_build_filename (g_get_user_cache_dir (), "needleplan", "outbox", NULL);
  g_autoptr(GDir) dir = g_dir_open (outbox, 0, NULL);
  const char *name;
  guint count = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *folder = g_build_filename (outbox, name, NULL);
      g_autoptr(GDir) inner = g_dir_open (folder, 0, NULL);

      while (inner != NULL && g_dir_read_name (inner) != NULL)
        count++;
    }
  return count;
}

static GtkWindow *
find_window (const char *title)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (gtk_widget_get_visible (l->data) && g_strcmp0 (gtk_window_get_title (l->data), title) == 0)
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static gboolean
send_finished (gpointer data)
{
  return find_window ("Sending to “Orthanc”") == NULL;
}

/* Chooses the only destination in the dialog and waits until the send is over. */
static void
send_to_pacs (NpWindow *window,
              gboolean  anonymise)
{
  AdwMessageDialog *dialog;
  GtkCheckButton *check;

  g_action_group_activate_action (G_ACTION_GROUP (window), "send-to-pacs", NULL);
  dialog = ADW_MESSAGE_DIALOG (find_window ("Send to PACS"));
  g_assert_nonnull (dialog);
  /* "Export anonymised" is offered, unticked. */
  check = GTK_CHECK_BUTTON (gtk_widget_get_last_child (adw_message_dialog_get_extra_child (dialog)));
  g_assert_cmpstr (gtk_widget_get_name (GTK_WIDGET (check)), ==, "pacs-anonymise");
  g_assert_false (gtk_check_button_get_active (check));
  gtk_check_button_set_active (check, anonymise);
  adw_message_dialog_response (dialog, "send");
  g_assert_nonnull (find_window ("Sending to “Orthanc”"));
  np_test_wait_until (send_finished, NULL);
  np_test_iterate (100);
}

static NpWindow *
open_case (void)
{
  g_autofree char *plan_path = np_test_copy_case ("knee-us-01", "pacs-case");
  g_autoptr(GFile) file = g_file_new_for_path (plan_path);
  NpWindow *window = np_test_new_window (app);

  np_window_open_file (window, file);
  np_test_wait_window_idle (window);
  g_assert_nonnull (np_document_get_frame (np_window_get_document (window)));
  return window;
}

static void
test_send (void)
{
  NpWindow *window = open_case ();

  set_destination (g_getenv ("NP_PACS_CALLED_AET"));
  send_to_pacs (window, FALSE);
  g_assert_null (find_window ("Could Not Send to PACS"));
  /* Stored: the outbox copies are gone. */
  g_assert_cmpuint (outbox_files (), ==, 0);
  np_test_destroy_window (GTK_WINDOW (window));
}

static void
test_refused_then_again (void)
{
  NpWindow *window = open_case ();
  AdwMessageDialog *dialog;
  const char *body;

  set_destination ("WRONG_AET");
  send_to_pacs (window, FALSE);
  dialog = ADW_MESSAGE_DIALOG (find_window ("Could Not Send to PACS"));
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "does not answer to the called AE title \"WRONG_AET\""));
  g_assert_nonnull (strstr (body, "kept in"));
  /* Nothing lost: the image and the report wait in the outbox. */
  g_assert_cmpuint (outbox_files (), ==, 2);

  /* Send Again: the same files, refused again for the same reason. */
  adw_message_dialog_response (dialog, "retry");
  np_test_iterate (50);
  np_test_wait_until (send_finished, NULL);
  np_test_iterate (100);
  dialog = ADW_MESSAGE_DIALOG (find_window ("Could Not Send to PACS"));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "WRONG_AET"));
  g_assert_cmpuint (outbox_files (), ==, 2);
  np_test_destroy_window (GTK_WINDOW (window));
}

/* Anonymised: the identifiers typed into the case do not reach the PACS
 * (test-pacs-send-window.sh searches what it holds); a study of its own. */
static void
test_send_anonymised (void)
{
  NpWindow *window = open_case ();
  NpDocument *document = np_window_get_document (window);
  g_autoptr(NpPlan) plan = np_document_dup_plan (document);
  guint kept;

  np_plan_set_string (&plan->patient_name, "Roe^Jane");
  np_plan_set_string (&plan->patient_id, "QX-4711");
  np_document_edit (document, g_steal_pointer (&plan), "Patient");
  kept = outbox_files ();     /* the refused case's, still waiting */

  set_destination (g_getenv ("NP_PACS_CALLED_AET"));
  send_to_pacs (window, TRUE);
  g_assert_null (find_window ("Could Not Send to PACS"));
  g_assert_cmpuint (outbox_files (), ==, kept);
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  if (g_getenv ("NP_PACS_PORT") == NULL)
    {
      g_printerr ("Run by test-pacs-send-window.sh, which starts the PACS and sets NP_PACS_*\n");
      return 77;
    }
  np_test_init (&argc, &argv);
  app = np_test_application_new ();
  g_test_add_func ("/pacs/window/send", test_send);
  g_test_add_func ("/pacs/window/refused-then-again", test_refused_then_again);
  g_test_add_func ("/pacs/window/send-anonymised", test_send_anonymised);
  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
