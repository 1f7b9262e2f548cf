/* test-pacs-preferences.c — the PACS page of Preferences: add, refuse,
 * remove destinations; passwords never in the settings
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-gui-test-util.h"
#include "np-pacs-destination.h"
#include "np-preferences-window.h"

static NpApplication *app;

static GtkWidget *
find_named (GtkWidget  *root,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
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

static void
set_entry (GtkWindow  *window,
           const char *name,
           const char *text)
{
  GtkWidget *row = find_named (GTK_WIDGET (window), name);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static GtkWindow *
open_editor (GtkWidget *preferences)
{
  GtkWidget *add = find_named (preferences, "pacs-add");
  GtkWindow *editor;

  g_assert_nonnull (add);
  g_signal_emit_by_name (add, "clicked");
  editor = find_window ("Add PACS Destination");
  g_assert_nonnull (editor);
  return editor;
}

static void
test_add_refuse_remove (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *preferences = np_preferences_window_new (settings);
  g_autoptr(GPtrArray) list = NULL;
  GtkWindow *editor;
  GtkWidget *problem;
  NpPacsDestination *d;

  g_settings_reset (settings, NP_PACS_DESTINATIONS_KEY);
  gtk_window_present (GTK_WINDOW (preferences));

  /* A called AE title of 17 characters is refused, with the reason shown,
   * and nothing is saved. */
  editor = open_editor (preferences);
  set_entry (editor, "pacs-name", "Ward PACS");
  set_entry (editor, "pacs-called-aet", "SEVENTEEN_CHARSXX");
  set_entry (editor, "pacs-host", "pacs.example");
  set_entry (editor, "pacs-port", "4242");
  g_signal_emit_by_name (find_named (GTK_WIDGET (editor), "pacs-save"), "clicked");
  problem = find_named (GTK_WIDGET (editor), "pacs-problem");
  g_assert_true (gtk_widget_get_visible (problem));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "1 to 16 characters"));
  list = np_pacs_destination_list_load_settings (settings);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A password with no keyring in the session: refused, not written anywhere. */
  set_entry (editor, "pacs-called-aet", "ORTHANC");
  set_entry (editor, "pacs-password", "secret");
  g_signal_emit_by_name (find_named (GTK_WIDGET (editor), "pacs-save"), "clicked");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "no keyring"));
  list = np_pacs_destination_list_load_settings (settings);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Without the password: saved, every field as typed. */
  set_entry (editor, "pacs-password", "");
  set_entry (editor, "pacs-calling-aet", "NP_WS1");
  set_entry (editor, "pacs-timeout", "12");
  set_entry (editor, "pacs-dicomweb-url", "https://pacs.example/dicom-web");
  set_entry (editor, "pacs-username", "clin");
  g_signal_emit_by_name (find_named (GTK_WIDGET (editor), "pacs-save"), "clicked");
  np_test_iterate (50);
  g_assert_null (find_window ("Add PACS Destination"));
  list = np_pacs_destination_list_load_settings (settings);
  g_assert_cmpuint (list->len, ==, 1);
  d = g_ptr_array_index (list, 0);
  g_assert_cmpstr (d->name, ==, "Ward PACS");
  g_assert_cmpstr (d->calling_aet, ==, "NP_WS1");
  g_assert_cmpstr (d->called_aet, ==, "ORTHANC");
  g_assert_cmpstr (d->host, ==, "pacs.example");
  g_assert_cmpuint (d->port, ==, 4242);
  g_assert_cmpuint (d->timeout_seconds, ==, 12);
  g_assert_cmpstr (d->dicomweb_url, ==, "https://pacs.example/dicom-web");
  g_assert_cmpstr (d->username, ==, "clin");
  {
    g_autoptr(GVariant) value = g_settings_get_value (settings, NP_PACS_DESTINATIONS_KEY);
    g_autofree char *text = g_variant_print (value, FALSE);
    g_assert_null (strstr (text, "secret"));
  }
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A second one with the same name is refused. */
  editor = open_editor (preferences);
  set_entry (editor, "pacs-name", "Ward PACS");
  set_entry (editor, "pacs-dicomweb-url", "http://other.example/dicom-web");
  g_signal_emit_by_name (find_named (GTK_WIDGET (editor), "pacs-save"), "clicked");
  problem = find_named (GTK_WIDGET (editor), "pacs-problem");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (problem)), "already a destination"));
  gtk_window_destroy (editor);

  /* The list shows it; its Remove button empties the list again. */
  {
    GtkWidget *remove = NULL;

    np_test_iterate (50);
    for (GtkWidget *w = find_named (preferences, "pacs-add"); w != NULL && remove == NULL;
         w = gtk_widget_get_parent (w))
      if (ADW_IS_PREFERENCES_GROUP (w))
        {
          /* The trash button of the only row. */
          GtkWidget *stack[64];
          int top = 0;
          stack[top++] = w;
          while (top > 0 && remove == NULL)
            {
              GtkWidget *x = stack[--top];
              if (GTK_IS_BUTTON (x) && g_strcmp0 (gtk_widget_get_tooltip_text (x), "Remove") == 0)
                remove = x;
              for (GtkWidget *c = gtk_widget_get_first_child (x); c && top < 64;
                   c = gtk_widget_get_next_sibling (c))
                stack[top++] = c;
            }
        }
    g_assert_nonnull (remove);
    g_signal_emit_by_name (remove, "clicked");
  }
  list = np_pacs_destination_list_load_settings (settings);
  g_assert_cmpuint (list->len, ==, 0);

  gtk_window_destroy (GTK_WINDOW (preferences));
  g_settings_reset (settings, NP_PACS_DESTINATIONS_KEY);
}

int
main (int argc, char **argv)
{
  int status;

  /* No keyring: the test never touches a real one. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "", TRUE);
  g_setenv ("XDG_RUNTIME_DIR", "", TRUE);
  np_test_init (&argc, &argv);
  /* The application registers the UI resources the window's template needs. */
  app = np_test_application_new ();
  g_test_add_func ("/gui/pacs-preferences/add-refuse-remove", test_add_refuse_remove);
  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
