/* test-pacs-open-gui.c — the real window against a real PACS: Open from
 * PACS searches by patient ID, lists the study and its series with a
 * thumbnail, opens the instance; a plan is made on it, saved as a
 * Secondary Capture and sent back by C-STORE; once the script sees it in
 * the study, the plan is listed and reopens on its source frame
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by test-pacs-open.sh inside the Orthanc namespace under Xvfb, with
 * NP_PACS_PORT, NP_PACS_AET (the server's), NP_PACS_CLIENT_AET,
 * NP_PACS_PATIENT_ID, NP_PACS_SOURCE (the stored file, to compare),
 * NP_PACS_SC_OUT (where to write the capture) and optionally
 * NP_PACS_SCREENSHOTS (a folder for the dialog in light and dark).
 */

#include "config.h"

#include "np-application.h"
#include "np-dicom-export.h"
#include "np-dicom-helper.h"
#include "np-gui-test-util.h"
#include "np-pacs-browser.h"
#include "np-pacs-destination.h"
#include "np-pacs-send.h"
#include "np-window.h"

#include <string.h>

static NpApplication *app;

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this through test-pacs-open.sh", name);
  return value;
}

static gboolean
browser_idle (gpointer data)
{
  return !np_pacs_browser_get_busy (NP_PACS_BROWSER (data));
}

static gboolean
series_listed (gpointer data)
{
  return np_pacs_browser_get_n_series (NP_PACS_BROWSER (data)) > 0
         && !np_pacs_browser_get_busy (NP_PACS_BROWSER (data));
}

static gboolean
window_has_pacs_file (gpointer data)
{
  NpWindow *window = NP_WINDOW (data);
  GFile *file = np_window_get_file (window);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

  return !np_window_get_loading (window) && path != NULL && strstr (path, "/needleplan/pacs/") != NULL;
}

/* The dialog as the screen shows it, into @dir/NAME.png. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("NP_PACS_SCREENSHOTS");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;

  if (dir == NULL || *dir == '\0')
    return;
  np_test_iterate (300);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  texture = gsk_renderer_render_texture (renderer, node, NULL);
  gsk_renderer_unrealize (renderer);
  gsk_render_node_unref (node);
  file_name = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* The fixture's Orthanc over DICOM, as Preferences would hold it. */
static NpPacsDestination *
test_destination (void)
{
  NpPacsDestination *destination = np_pacs_destination_new ("Test PACS");

  g_free (destination->calling_aet);
  destination->calling_aet = g_strdup (env ("NP_PACS_CLIENT_AET"));
  destination->called_aet = g_strdup (env ("NP_PACS_AET"));
  destination->host = g_strdup ("127.0.0.1");
  destination->port = (guint) g_ascii_strtoull (env ("NP_PACS_PORT"), NULL, 10);
  destination->timeout_seconds = 20;
  return destination;
}

static NpPacsBrowser *
open_browser (NpWindow *window)
{
  g_autoptr(GPtrArray) destinations = g_ptr_array_new_with_free_func (
    (GDestroyNotify) np_pacs_destination_free);
  NpPacsBrowser *browser;

  g_ptr_array_add (destinations, test_destination ());
  np_pacs_destination_list_save_settings (np_application_get_settings (app), destinations);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-pacs", NULL));
  np_test_iterate (100);
  browser = NP_PACS_BROWSER (np_test_find_dialog (GTK_WINDOW (window), NP_TYPE_PACS_BROWSER));
  g_assert_nonnull (browser);
  np_test_wait_mapped (GTK_WIDGET (browser));

  gtk_editable_set_text (GTK_EDITABLE (np_test_template_child (browser, "patient_id_entry")),
                         env ("NP_PACS_PATIENT_ID"));
  gtk_widget_activate (np_test_template_child (browser, "search_button"));
  /* One study matches: it is selected, its series listed, their thumbnails read. */
  np_test_wait_until (series_listed, browser);
  np_test_wait_until (browser_idle, browser);
  return browser;
}

static void
screenshots (NpPacsBrowser *browser,
             const char    *name)
{
  g_autofree char *light = g_strconcat (name, "-light", NULL);
  g_autofree char *dark = g_strconcat (name, "-dark", NULL);

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  screenshot (GTK_WIDGET (browser), light);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot (GTK_WIDGET (browser), dark);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static void
open_row (NpPacsBrowser *browser,
          guint          index)
{
  GtkListBox *series = GTK_LIST_BOX (np_test_template_child (browser, "series_list"));

  gtk_list_box_select_row (series, gtk_list_box_get_row_at_index (series, (int) index));
  gtk_widget_activate (np_test_template_child (browser, "open_button"));
}

static void
test_open_plan_send (void)
{
  NpWindow *window;
  NpPacsBrowser *browser;
  g_autoptr(NpFrame) source = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  NpDocument *document;
  NpFrame *frame;
  NpExportOptions options;

  window = np_test_new_window (app);
  browser = open_browser (window);
  g_assert_cmpuint (np_pacs_browser_get_n_studies (browser), ==, 1);
  g_assert_cmpuint (np_pacs_browser_get_n_series (browser), ==, 1);
  g_assert_cmpuint (np_pacs_browser_get_n_thumbnails (browser), ==, 1);
  screenshots (browser, "open-from-pacs");
  open_row (browser, 0);
  np_test_wait_until (window_has_pacs_file, window);
  np_test_wait_window_idle (window);

  /* The instance in the window is the one stored: same size and pixels. */
  document = np_window_get_document (window);
  frame = np_document_get_frame (document);
  source = np_dicom_helper_load_frame (env ("NP_PACS_SOURCE"), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (frame), ==, np_frame_get_width (source));
  g_assert_cmpuint (np_frame_get_height (frame), ==, np_frame_get_height (source));
  g_assert_cmpuint (np_frame_get_channels (frame), ==, np_frame_get_channels (source));
  for (guint y = 0; y < np_frame_get_height (frame); y += 37)
    g_assert_cmpmem (np_frame_get_data (frame) + y * np_frame_get_stride (frame),
                     np_frame_get_stride (frame),
                     np_frame_get_data (source) + y * np_frame_get_stride (source),
                     np_frame_get_stride (source));

  /* Plan on it: a target and an entry, one undoable edit. */
  plan = np_document_dup_plan (document);
  plan->has_target = TRUE;
  plan->target = np_image_point (np_frame_get_width (frame) / 2.0, np_frame_get_height (frame) / 2.0);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (np_frame_get_width (frame) / 4.0, 10);
  np_document_edit (document, np_plan_copy (plan), "Place target and entry");
  g_assert_true (np_document_can_undo (document));

  results = np_export_compute_results (plan, frame, &error);
  g_assert_no_error (error);
  np_export_options_init (&options);
  g_assert_true (np_dicom_export_sc (frame, plan, results, &options, env ("NP_PACS_SC_OUT"),
                                     &error));
  g_assert_no_error (error);

  /* Back into the PACS by C-STORE, with the send code of "Send to PACS". */
  {
    g_autoptr(NpPacsDestination) destination = test_destination ();
    const char *paths[] = { env ("NP_PACS_SC_OUT"), NULL };
    g_auto(GStrv) stored = NULL;
    g_auto(GStrv) warnings = NULL;

    g_assert_true (np_pacs_send_files (destination, NP_PACS_SEND_DIMSE, NULL, paths, NULL, NULL,
                                       NULL, &stored, &warnings, &error));
    g_assert_no_error (error);
    g_assert_nonnull (stored);
    g_assert_cmpuint (g_strv_length (stored), ==, 1);
    g_assert_true (g_str_has_prefix (stored[0], "2.25."));
  }

  np_document_set_dirty (document, FALSE);
  np_test_destroy_window (GTK_WINDOW (window));
}

static gboolean
plan_on_source (gpointer data)
{
  NpWindow *window = NP_WINDOW (data);
  const char *note = np_window_get_capture_note (window);

  return !np_window_get_loading (window) && note != NULL;
}

/* After the script stored the plan: the study lists it as a plan, and
 * opening it reopens the plan, marks and all, on its source frame, which
 * the dialog brought from the PACS along with it. */
static void
test_reopen_plan (void)
{
  NpWindow *window;
  NpPacsBrowser *browser;
  const NpPacsQueryResult *plan_series = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *expected_name = NULL;
  const NpPlan *plan;
  NpFrame *frame;
  guint plan_index = 0;

  if (g_getenv ("NP_PACS_EXPECT_PLAN") == NULL)
    {
      g_test_skip ("test-pacs-open.sh runs this once the plan is in the PACS");
      return;
    }
  window = np_test_new_window (app);
  browser = open_browser (window);
  g_assert_cmpuint (np_pacs_browser_get_n_series (browser), ==, 2);
  for (guint i = 0; i < 2; i++)
    if (np_pacs_query_result_get_content (np_pacs_browser_get_series (browser, i))
        == NP_PACS_CONTENT_PLAN)
      {
        plan_series = np_pacs_browser_get_series (browser, i);
        plan_index = i;
      }
  g_assert_nonnull (plan_series);
  /* Both have thumbnails: the source's frame and the plan's capture. */
  g_assert_cmpuint (np_pacs_browser_get_n_thumbnails (browser), ==, 2);
  screenshots (browser, "open-from-pacs-plan");
  open_row (browser, plan_index);
  np_test_wait_until (plan_on_source, window);
  np_test_wait_window_idle (window);

  g_assert_nonnull (strstr (np_window_get_capture_note (window), "on its source frame"));
  shown = g_file_get_path (np_window_get_file (window));
  expected_name = g_strconcat ("/needleplan/pacs/", env ("NP_PACS_SOURCE_UID"), ".dcm", NULL);
  g_assert_true (g_str_has_suffix (shown, expected_name));
  frame = np_document_get_frame (np_window_get_document (window));
  plan = np_document_get_plan (np_window_get_document (window));
  /* The marks test_open_plan_send placed: the centre and (w/4, 10). */
  g_assert_true (plan->has_target && plan->has_entry);
  g_assert_cmpfloat_with_epsilon (plan->target.x, np_frame_get_width (frame) / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->target.y, np_frame_get_height (frame) / 2.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->entry.x, np_frame_get_width (frame) / 4.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->entry.y, 10, 1e-9);

  np_document_set_dirty (np_window_get_document (window), FALSE);
  np_test_destroy_window (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();
  g_test_add_func ("/pacs/open-gui/open-plan-send", test_open_plan_send);
  g_test_add_func ("/pacs/open-gui/reopen-plan", test_reopen_plan);
  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
