/* test-pacs-browser.c — the Open from PACS dialog without a PACS: its
 * shortcut, no destination set up, a study date that is no day, a PACS
 * that does not answer (the searches themselves: tests/pacs)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
#include "np-gui-test-util.h"
#include "np-pacs-browser.h"
#include "np-pacs-destination.h"
#include "np-window.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static NpApplication *app;

static void
set_destinations (NpPacsDestination *destination)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) np_pacs_destination_free);

  if (destination != NULL)
    g_ptr_array_add (list, destination);
  np_pacs_destination_list_save_settings (np_application_get_settings (app), list);
}

static NpPacsBrowser *
open_browser (NpWindow *window)
{
  NpPacsBrowser *browser;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-pacs", NULL));
  np_test_iterate (100);
  browser = NP_PACS_BROWSER (np_test_find_dialog (GTK_WINDOW (window), NP_TYPE_PACS_BROWSER));
  g_assert_nonnull (browser);
  np_test_wait_mapped (GTK_WIDGET (browser));
  return browser;
}

/* What a click does (activating a button clicks it only after a pause). */
static void
click (NpPacsBrowser *browser,
       const char    *name)
{
  g_signal_emit_by_name (np_test_template_child (browser, name), "clicked");
}

static const char *
status_text (NpPacsBrowser *browser)
{
  return gtk_label_get_text (GTK_LABEL (np_test_template_child (browser, "status_label")));
}

static void
test_shortcut (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app),
                                                                "win.open-pacs");

  guint key = 0;
  GdkModifierType modifiers = 0;

  g_assert_nonnull (accels);
  g_assert_nonnull (accels[0]);
  g_assert_true (gtk_accelerator_parse (accels[0], &key, &modifiers));
  g_assert_cmpuint (key, ==, GDK_KEY_o);
  g_assert_cmpuint (modifiers, ==, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
}

static void
test_no_destination (void)
{
  NpWindow *window = np_test_new_window (app);
  NpPacsBrowser *browser;

  set_destinations (NULL);
  browser = open_browser (window);
  g_assert_false (gtk_widget_get_sensitive (np_test_template_child (browser, "search_button")));
  g_assert_nonnull (strstr (status_text (browser), "No PACS is set up"));
  g_assert_false (gtk_widget_get_sensitive (np_test_template_child (browser, "open_button")));
  np_test_destroy_window (GTK_WINDOW (window));
}

static gboolean
browser_idle (gpointer data)
{
  return !np_pacs_browser_get_busy (NP_PACS_BROWSER (data));
}

/* A loopback port nobody listens on: bound, then released. */
static guint
closed_port (void)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  close (fd);
  return ntohs (address.sin_port);
}

static void
test_refusals (void)
{
  NpPacsDestination *destination = np_pacs_destination_new ("Nobody home");
  NpWindow *window = np_test_new_window (app);
  NpPacsBrowser *browser;

  destination->called_aet = g_strdup ("ARCHIVE");
  destination->host = g_strdup ("127.0.0.1");
  destination->port = closed_port ();
  destination->timeout_seconds = 5;
  set_destinations (destination);
  browser = open_browser (window);
  g_assert_true (gtk_widget_get_sensitive (np_test_template_child (browser, "search_button")));

  /* A date that is no day is refused before anything is asked. */
  gtk_editable_set_text (GTK_EDITABLE (np_test_template_child (browser, "date_entry")),
                         "2026-02-30");
  click (browser, "search_button");
  g_assert_false (np_pacs_browser_get_busy (browser));
  g_assert_nonnull (strstr (status_text (browser), "“2026-02-30” is not a day"));

  /* Nobody listening: the importer says so, in the status line. */
  gtk_editable_set_text (GTK_EDITABLE (np_test_template_child (browser, "date_entry")), "");
  click (browser, "search_button");
  np_test_wait_until (browser_idle, browser);
  g_assert_nonnull (strstr (status_text (browser), "The PACS ARCHIVE at 127.0.0.1:"));
  g_assert_nonnull (strstr (status_text (browser), "cannot be reached"));
  g_assert_cmpuint (np_pacs_browser_get_n_studies (browser), ==, 0);
  g_assert_true (gtk_widget_get_sensitive (np_test_template_child (browser, "search_button")));

  /* Closing it (Escape's action) leaves the window as it was. */
  gtk_widget_activate_action (GTK_WIDGET (browser), "window.close", NULL);
  np_test_iterate (100);
  g_assert_null (np_test_find_dialog (GTK_WINDOW (window), NP_TYPE_PACS_BROWSER));
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/pacs-browser/shortcut", test_shortcut);
  g_test_add_func ("/gui/pacs-browser/no-destination", test_no_destination);
  g_test_add_func ("/gui/pacs-browser/refusals", test_refusals);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
