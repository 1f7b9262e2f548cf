/* np-recovery.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-recovery"

#include "config.h"

#include "np-recovery.h"

#include <glib/gi18n.h>

#include "np-autosave.h"
#include "np-autosave-record.h"
#include "np-error.h"

#include <errno.h>
#include <glib/gstdio.h>

/* The files are found and read by the core (NpAutosaveRecord); this file
 * asks about each, and opens the one to recover through the window's
 * np_window_open_frame_with_plan(). docs/record-gui.md. */

static gboolean
offer_idle_cb (gpointer data)
{
  NpWindow *window = NP_WINDOW (data);

  if (!gtk_widget_in_destruction (GTK_WIDGET (window)))
    np_recovery_offer (window, NULL);
  return G_SOURCE_REMOVE;
}

static void
window_map_cb (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (widget, window_map_cb, NULL);
  /* Once the window is on screen: a dialog shown while its parent maps can
   * end up beneath it. */
  g_idle_add_full (G_PRIORITY_LOW, offer_idle_cb, g_object_ref (widget), g_object_unref);
}

/**
 * np_recovery_offer_when_shown:
 *
 * Offers recovery (np_recovery_offer() over the default folder) once
 * @window is on screen. The application calls it for its first window.
 */
void
np_recovery_offer_when_shown (NpWindow *window)
{
  g_return_if_fail (NP_IS_WINDOW (window));

  if (gtk_widget_get_mapped (GTK_WIDGET (window)))
    window_map_cb (GTK_WIDGET (window));
  else
    g_signal_connect_after (window, "map", G_CALLBACK (window_map_cb), NULL);
}


typedef struct
{
  NpWindow *window;        /* the window the dialogs sit over */
  GPtrArray *records;      /* NpAutosaveRecord*, offered in turn */
  guint next;
} Recovery;

typedef struct
{
  NpWindow *window;        /* owned: the window recovering */
  NpAutosaveRecord *record;
  gulong loading_handler;
  gulong destroy_handler;
  guint idle_source;
} PendingRecovery;

static void offer_next (Recovery *recovery);

static void
recovery_free (Recovery *recovery)
{
  g_clear_object (&recovery->window);
  g_clear_pointer (&recovery->records, g_ptr_array_unref);
  g_free (recovery);
}

static void
pending_recovery_free (PendingRecovery *pending)
{
  g_clear_signal_handler (&pending->loading_handler, pending->window);
  g_clear_signal_handler (&pending->destroy_handler, pending->window);
  g_clear_handle_id (&pending->idle_source, g_source_remove);
  g_clear_object (&pending->window);
  g_clear_pointer (&pending->record, np_autosave_record_free);
  g_free (pending);
}

static gboolean
same_file (const char *a,
           const char *b)
{
  g_autofree char *canonical_a = a != NULL ? g_canonicalize_filename (a, NULL) : NULL;
  g_autofree char *canonical_b = b != NULL ? g_canonicalize_filename (b, NULL) : NULL;

  return canonical_a != NULL && g_strcmp0 (canonical_a, canonical_b) == 0;
}

static gboolean
recovery_finish_cb (gpointer data)
{
  PendingRecovery *pending = data;
  NpWindow *window = pending->window;
  NpDocument *document = np_window_get_document (window);
  NpFrame *frame = np_document_get_frame (document);
  NpAutosave *autosave = np_window_get_autosave (window);
  g_autoptr(GError) error = NULL;

  pending->idle_source = 0;

  /* The frame could not be read: the window said why, and the autosave
   * file stays for the next start. */
  if (frame == NULL || !same_file (np_frame_get_source_path (frame), pending->record->frame_path))
    {
      pending_recovery_free (pending);
      return G_SOURCE_REMOVE;
    }

  /* The plan is in the window's own autosave file before the old one goes;
   * a plan the user already saved (a busy machine can run Ctrl+S before
   * this) is on disk as it is. */
  if (np_document_get_dirty (document) && autosave != NULL
      && !np_autosave_save_now (autosave, &error))
    np_window_show_error (window, _("Could Not Keep the Recovered Plan"), error);
  else
    {
      if (g_unlink (pending->record->path) != 0 && errno != ENOENT)
        g_info ("Cannot remove %s: %s", pending->record->path, g_strerror (errno));
      np_window_show_toast (window, _("Recovered the unsaved plan"));
    }
  pending_recovery_free (pending);
  return G_SOURCE_REMOVE;
}

static void
recovery_loaded_cb (NpWindow        *window,
                    GParamSpec      *pspec,
                    PendingRecovery *pending)
{
  if (np_window_get_loading (window))
    return;
  /* Loading ends before the window shows the frame and marks the plan
   * changed: look once it is done. */
  g_clear_signal_handler (&pending->loading_handler, window);
  if (pending->idle_source == 0)
    pending->idle_source = g_idle_add (recovery_finish_cb, pending);
}

/* @record: (transfer full) */
static void
recover (Recovery         *recovery,
         NpAutosaveRecord *record)
{
  NpWindow *window = recovery->window;
  g_autoptr(GFile) frame_file = g_file_new_for_path (record->frame_path);
  PendingRecovery *pending;

  if (!g_file_query_exists (frame_file, NULL))
    {
      g_autofree char *display = g_filename_display_name (record->frame_path);
      g_autoptr(GError) error =
        g_error_new (NP_ERROR, NP_ERROR_NOT_FOUND,
                     _("Cannot recover the plan: its frame “%s” is missing. The unsaved plan is "
                     "kept and offered again at the next start."), display);

      np_window_show_error (window, _("Could Not Recover the Plan"), error);
      np_autosave_record_free (record);
      return;
    }

  /* Never over a frame someone is looking at. */
  if (np_window_has_frame (window) || np_window_get_loading (window))
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));

      window = np_window_new (NP_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (window));
    }

  pending = g_new0 (PendingRecovery, 1);
  pending->window = g_object_ref (window);
  pending->record = record;
  pending->loading_handler = g_signal_connect (window, "notify::loading",
                                               G_CALLBACK (recovery_loaded_cb), pending);
  /* Closed before the frame was read: the autosave file stays. */
  pending->destroy_handler = g_signal_connect_swapped (window, "destroy",
                                                       G_CALLBACK (pending_recovery_free),
                                                       pending);
  /* Loaded like a located frame: the plan shows as changed, to be saved. */
  np_window_open_frame_with_plan (window, frame_file, np_plan_copy (record->plan),
                                  record->plan_path);
}

static void
recovery_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      Recovery         *recovery)
{
  NpAutosaveRecord *record = recovery->records->pdata[recovery->next - 1];

  if (g_str_equal (response, "recover"))
    {
      /* The recovery outlives the dialogs: it takes the record. */
      recovery->records->pdata[recovery->next - 1] = NULL;
      recover (recovery, record);
    }
  else if (g_str_equal (response, "discard"))
    {
      if (g_unlink (record->path) != 0 && errno != ENOENT)
        g_info ("Cannot remove %s: %s", record->path, g_strerror (errno));
    }
  /* Otherwise (Escape) the file stays and is offered at the next start. */
  offer_next (recovery);
}

static char *
describe_frame (const char *frame_path)
{
  g_autofree char *basename = g_filename_display_basename (frame_path);
  g_autofree char *dirname = g_path_get_dirname (frame_path);
  g_autofree char *folder = g_filename_display_basename (dirname);

  /* Case folders hold a "frame.png" each: the folder tells them apart. */
  if (g_strcmp0 (dirname, "/") == 0 || g_strcmp0 (dirname, ".") == 0)
    return g_steal_pointer (&basename);
  return g_strdup_printf ("%s/%s", folder, basename);
}

static void
offer_next (Recovery *recovery)
{
  NpAutosaveRecord *record;
  AdwMessageDialog *dialog;
  g_autofree char *frame = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;

  if (recovery->next >= recovery->records->len ||
      gtk_widget_in_destruction (GTK_WIDGET (recovery->window)))
    {
      recovery_free (recovery);
      return;
    }
  record = recovery->records->pdata[recovery->next++];
  frame = describe_frame (record->frame_path);
  if (record->saved != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (record->saved);

      when = g_date_time_format (local, _("\n\nLast kept automatically on %Y-%m-%d at %H:%M."));
    }
  body = g_strdup_printf (_("NeedlePlan closed unexpectedly. Recover the unsaved plan for “%s”?%s"),
                          frame, when != NULL ? when : "");

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (recovery->window),
                                                       _("Recover Unsaved Plan?"), body));
  /* Named, so that it can be found like any window (and by xdotool). */
  gtk_window_set_title (GTK_WINDOW (dialog), _("Recover Unsaved Plan"));
  adw_message_dialog_add_responses (dialog, "discard", _("_Discard"), "recover", _("_Recover"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "recover", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "recover");
  adw_message_dialog_set_close_response (dialog, "later");
  g_signal_connect (dialog, "response", G_CALLBACK (recovery_response_cb), recovery);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * np_recovery_offer:
 * @directory: (nullable): where to look; %NULL for the default
 *
 * Asks, one dialog per file over @window, whether to recover each plan
 * that a NeedlePlan which did not close cleanly left unsaved. Recover
 * opens the frame with the plan, marked as unsaved (in @window when it is
 * empty, else in a new window); Discard removes the file; closing the
 * dialog keeps the file for the next start.
 */
void
np_recovery_offer (NpWindow   *window,
                   const char *directory)
{
  g_autoptr(GPtrArray) records = NULL;
  Recovery *recovery;

  g_return_if_fail (NP_IS_WINDOW (window));

  records = np_autosave_record_find_orphans (directory);
  if (records->len == 0)
    return;

  recovery = g_new0 (Recovery, 1);
  recovery->window = g_object_ref (window);
  recovery->records = g_steal_pointer (&records);
  offer_next (recovery);
}
