/* np-pacs-actions.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The export menu's DICOM entries: the annotated frame as a Secondary
 * Capture, the report as an Encapsulated PDF (np-dicom-export.c), and "Send
 * to PACS", which exports both into the cache's outbox and sends them
 * (np-pacs-send.c) in a worker thread while a small window shows the
 * progress. A failed send keeps the files and offers to send them again.
 * docs/pacs.md.
 */

#define G_LOG_DOMAIN "np-pacs-actions"

#include "config.h"

#include "np-pacs-actions.h"

#include "np-window-private.h"

#include "np-dicom-export.h"
#include "np-error.h"
#include "np-export.h"
#include "np-pacs-destination.h"
#include "np-pacs-secret.h"
#include "np-pacs-send.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#define STATE_KEY "np-pacs-actions"
/* The save dialog's "Export anonymised" check: the same choice as the PNG
 * and PDF exports' (docs/export.md), for the DICOM records. */
#define ANONYMISE_CHOICE "anonymise"

struct _NpPacsActions
{
  NpWindow *window;                 /* borrowed: the window holds this */
  GCancellable *cancellable;        /* cancelled when the window goes */
  GtkFileChooserNative *chooser;
  gboolean chooser_pdf;
};

/* A DICOM export or a send, copied so the thread never shares with the window. */
typedef struct
{
  NpFrame *frame;
  NpPlan *plan;
  NpPlanResults *results;
  NpExportOptions options;
  char *plan_path;
  char *path;                       /* a single export's file */
  gboolean pdf;                     /* a single export: the Encapsulated PDF */

  /* Sending */
  NpPacsDestination *destination;
  char *outbox;                     /* where the exported files are kept */
  char **files;                     /* NULL: export first; else send these again */
  char **stored;
  char **warnings;
  GWeakRef progress_bar;            /* GtkProgressBar of the progress window */
  GWeakRef progress_label;
  GWeakRef progress_window;         /* destroyed when the job ends */
  GCancellable *cancellable;
  GApplication *application;
} Job;

static const char *const pacs_action_names[] = { "export-dicom", "export-pdf-dicom", "send-to-pacs" };

static void
close_progress (Job *job)
{
  g_autoptr(GtkWindow) progress = g_weak_ref_get (&job->progress_window);

  if (progress != NULL)
    gtk_window_destroy (progress);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->frame, np_frame_unref);
  g_clear_pointer (&job->plan, np_plan_free);
  g_clear_pointer (&job->results, np_plan_results_free);
  g_free (job->plan_path);
  g_free (job->path);
  g_clear_pointer (&job->destination, np_pacs_destination_free);
  g_free (job->outbox);
  g_strfreev (job->files);
  g_strfreev (job->stored);
  g_strfreev (job->warnings);
  g_weak_ref_clear (&job->progress_bar);
  g_weak_ref_clear (&job->progress_label);
  /* No GTK here: the last reference to the task may go in the worker
   * thread; send_done_cb closed the progress window. */
  g_weak_ref_clear (&job->progress_window);
  g_clear_object (&job->cancellable);
  if (job->application != NULL)
    {
      g_application_release (job->application);
      g_object_unref (job->application);
    }
  g_free (job);
}

static NpPacsActions *
get_state (NpWindow *window)
{
  return g_object_get_data (G_OBJECT (window), STATE_KEY);
}

/* The plan as the window shows it; NULL when there is no frame. */
static Job *
job_new (NpWindow *window)
{
  NpDocument *document = np_window_get_document (window);
  NpFrame *frame = np_document_get_frame (document);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (window));
  Job *job;

  if (frame == NULL)
    return NULL;
  job = g_new0 (Job, 1);
  job->frame = np_frame_ref (frame);
  job->plan = np_document_dup_plan (document);
  job->results = np_plan_analysis_dup_results (np_window_get_analysis (window));
  job->plan_path = g_strdup (np_document_get_path (document));
  np_export_options_init (&job->options);
  job->options.plan_path = job->plan_path;
  if (np_frame_get_bit_depth (frame) > 8)
    {
      job->options.has_window = TRUE;
      job->options.window = np_canvas_get_window_level (np_window_get_canvas (window));
    }
  g_weak_ref_init (&job->progress_bar, NULL);
  g_weak_ref_init (&job->progress_label, NULL);
  g_weak_ref_init (&job->progress_window, NULL);
  /* Quitting waits for the files: an interrupted write would lose them. */
  if (application != NULL)
    {
      job->application = g_object_ref (G_APPLICATION (application));
      g_application_hold (job->application);
    }
  return job;
}

/* Exporting one record */

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  gboolean written = job->pdf
    ? np_dicom_export_pdf (job->frame, job->plan, job->results, &job->options, job->path, &error)
    : np_dicom_export_sc (job->frame, job->plan, job->results, &job->options, job->path, &error);

  if (written)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  NpWindow *window = NP_WINDOW (source_object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        np_window_show_error (window, job->pdf ? _("Could Not Export the DICOM Report")
                                              : _("Could Not Export the DICOM Image"), error);
      return;
    }
  name = g_filename_display_basename (job->path);
  text = g_strdup_printf (_("Saved %s"), name);
  np_window_show_toast (window, text);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     NpPacsActions   *state)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GTask) task = NULL;
  gboolean anonymise = FALSE;
  Job *job;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      anonymise = g_strcmp0 (gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (chooser),
                                                          ANONYMISE_CHOICE), "true") == 0;
    }
  gtk_native_dialog_destroy (chooser);
  g_clear_object (&state->chooser);
  if (file == NULL)
    return;
  if (g_file_peek_path (file) == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autoptr(GError) error = g_error_new (NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                                             _("Cannot save “%s”: NeedlePlan exports to local "
                                               "folders only"), name);
      np_window_show_error (state->window, _("Could Not Export"), error);
      return;
    }
  job = job_new (state->window);
  if (job == NULL)
    return;
  job->path = g_file_get_path (file);
  job->pdf = state->chooser_pdf;
  job->options.anonymise = anonymise;
  task = g_task_new (state->window, state->cancellable, export_done_cb, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
open_chooser (NpWindow *window,
              gboolean  pdf)
{
  NpPacsActions *state = get_state (window);
  NpDocument *document = np_window_get_document (window);
  g_autofree char *name = np_export_suggest_filename (np_document_get_plan (document), NULL,
                                                      pdf ? "report.dcm" : "dcm");
  const char *plan_path = np_document_get_path (document);

  if (state->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (state->chooser));
      return;
    }
  state->chooser_pdf = pdf;
  state->chooser = gtk_file_chooser_native_new (pdf ? _("Export Report as DICOM")
                                                    : _("Export Image as DICOM"),
                                                GTK_WINDOW (window), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (state->chooser), name);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (state->chooser), ANONYMISE_CHOICE,
                               _("Export anonymised (no patient name or ID, new study)"),
                               NULL, NULL);
  if (plan_path != NULL)
    {
      g_autofree char *folder_path = g_path_get_dirname (plan_path);
      g_autoptr(GFile) folder = g_file_new_for_path (folder_path);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (state->chooser), folder, NULL);
    }
  g_signal_connect (state->chooser, "response", G_CALLBACK (chooser_response_cb), state);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (state->chooser));
}

static void
export_dicom_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  open_chooser (NP_WINDOW (user_data), FALSE);
}

static void
export_pdf_dicom_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  open_chooser (NP_WINDOW (user_data), TRUE);
}

/* Sending */

typedef struct
{
  Job *job;
  guint done;
  guint total;
  char *path;
} Progress;

static gboolean
show_progress (gpointer data)
{
  Progress *progress = data;
  g_autoptr(GtkProgressBar) bar = g_weak_ref_get (&progress->job->progress_bar);
  g_autoptr(GtkLabel) label = g_weak_ref_get (&progress->job->progress_label);

  if (bar != NULL && progress->total > 0)
    gtk_progress_bar_set_fraction (bar, (double) progress->done / progress->total);
  if (label != NULL && progress->path != NULL)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("Sending the file (%u of %u stored so far)…",
                                                         "Sending %2$u files (%1$u stored so far)…",
                                                         progress->total),
                                               progress->done, progress->total);
      gtk_label_set_text (label, text);
    }
  g_free (progress->path);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

/* Called in the worker thread; the job outlives every idle it queues,
 * since the task's completion is queued after them on the same context. */
static void
on_send_progress (guint       done,
                  guint       total,
                  const char *path,
                  gpointer    user_data)
{
  Progress *progress = g_new0 (Progress, 1);

  progress->job = user_data;
  progress->done = done;
  progress->total = total;
  progress->path = g_strdup (path);
  g_main_context_invoke (NULL, show_progress, progress);
  /* cppcheck-suppress memleak ; show_progress frees it on the main thread */
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  g_autofree char *password = NULL;

  if (job->files == NULL)
    {
      g_autofree char *sc = NULL;
      g_autofree char *pdf = NULL;
      g_autofree char *base = np_export_suggest_filename (job->plan, NULL, "");

      job->outbox = np_pacs_send_outbox_new (&error);
      if (job->outbox == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      /* "2026-03-14-knee-left." from the suggestion, without its dot. */
      if (g_str_has_suffix (base, "."))
        base[strlen (base) - 1] = '\0';
      sc = g_strdup_printf ("%s/%s-annotated.dcm", job->outbox, base);
      pdf = g_strdup_printf ("%s/%s-report.dcm", job->outbox, base);
      if (!np_dicom_export_files (job->frame, job->plan, job->results, &job->options, NULL, NULL,
                                  sc, pdf, NULL, &error))
        {
          g_rmdir (job->outbox);
          g_clear_pointer (&job->outbox, g_free);
          g_task_return_error (task, error);
          return;
        }
      job->files = g_new0 (char *, 3);
      job->files[0] = g_steal_pointer (&sc);
      job->files[1] = g_steal_pointer (&pdf);
    }

  if (job->destination->username && *job->destination->username &&
      np_pacs_destination_has_dicomweb (job->destination) &&
      !np_pacs_destination_has_dimse (job->destination))
    {
      password = np_pacs_secret_lookup (job->destination->name, job->destination->username, &error);
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (!np_pacs_send_files (job->destination, NP_PACS_SEND_AUTO, password,
                           (const char * const *) job->files, on_send_progress, job, cancellable,
                           &job->stored, &job->warnings, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Stored: the outbox copy is no longer needed. */
  for (guint i = 0; job->files[i] != NULL; i++)
    g_unlink (job->files[i]);
  if (job->outbox != NULL)
    g_rmdir (job->outbox);
  g_task_return_boolean (task, TRUE);
}

static void start_send (NpWindow *window, Job *job);

/* What "Send Again" needs of a failed send: the same files, same destination. */
typedef struct
{
  NpPacsDestination *destination;
  char **files;
  char *outbox;
} Retry;

static void
retry_free (Retry *retry)
{
  np_pacs_destination_free (retry->destination);
  g_strfreev (retry->files);
  g_free (retry->outbox);
  g_free (retry);
}

static void
failure_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Retry            *retry)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));
  Job *again;

  if (!g_str_equal (response, "retry") || !NP_IS_WINDOW (parent))
    return;
  /* The same files again, not a new export. */
  again = job_new (NP_WINDOW (parent));
  if (again == NULL)
    return;
  again->destination = np_pacs_destination_copy (retry->destination);
  again->files = g_strdupv (retry->files);
  again->outbox = g_strdup (retry->outbox);
  start_send (NP_WINDOW (parent), again);
}

static void
send_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpWindow *window = NP_WINDOW (source_object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;
  Retry *retry;
  guint count;

  close_progress (job);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *text = NULL;

      count = g_strv_length (job->files);
      text = g_strdup_printf (ngettext ("Sent to “%s”: %u file stored",
                                        "Sent to “%s”: %u files stored", count),
                              job->destination->name, count);
      np_window_show_toast (window, text);
      for (guint i = 0; job->warnings && job->warnings[i]; i++)
        g_message ("%s", job->warnings[i]);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !gtk_widget_get_visible (GTK_WIDGET (window)))
    return;

  if (job->files == NULL)
    {
      /* Nothing was exported, so there is nothing to send again. */
      np_window_show_error (window, _("Could Not Send to PACS"), error);
      return;
    }
  body = g_strdup_printf (_("%s\n\nThe exported files are kept in %s; nothing is lost. Check the "
                            "destination in Preferences, then send them again."),
                          error->message, job->outbox ? job->outbox : "");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window),
                                                       _("Could Not Send to PACS"), body));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Could Not Send to PACS"));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (dialog, "close", _("_Close"), "retry", _("_Send Again"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "retry", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "retry");
  adw_message_dialog_set_close_response (dialog, "close");
  retry = g_new0 (Retry, 1);
  retry->destination = np_pacs_destination_copy (job->destination);
  retry->files = g_strdupv (job->files);
  retry->outbox = g_strdup (job->outbox);
  g_object_set_data_full (G_OBJECT (dialog), "np-retry", retry, (GDestroyNotify) retry_free);
  g_signal_connect (dialog, "response", G_CALLBACK (failure_response_cb), retry);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_clicked_cb (GtkButton    *button,
                   GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
start_send (NpWindow *window,
            Job      *job)
{
  NpPacsActions *state = get_state (window);
  g_autoptr(GTask) task = NULL;
  g_autofree char *title = g_strdup_printf (_("Sending to “%s”"), job->destination->name);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *label = gtk_label_new (_("Exporting the image and the report…"));
  GtkWidget *bar = gtk_progress_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWindow *progress = GTK_WINDOW (adw_window_new ());

  job->cancellable = g_cancellable_new ();
  g_signal_connect_object (state->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                           job->cancellable, G_CONNECT_SWAPPED);

  gtk_window_set_title (progress, title);
  gtk_window_set_transient_for (progress, GTK_WINDOW (window));
  gtk_window_set_modal (progress, TRUE);
  gtk_window_set_deletable (progress, FALSE);
  gtk_window_set_destroy_with_parent (progress, TRUE);
  gtk_window_set_default_size (progress, 420, -1);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_halign (cancel, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), cancel);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), box);
  adw_window_set_content (ADW_WINDOW (progress), content);
  g_weak_ref_set (&job->progress_window, progress);
  g_weak_ref_set (&job->progress_bar, bar);
  g_weak_ref_set (&job->progress_label, label);
  g_signal_connect_object (cancel, "clicked", G_CALLBACK (cancel_clicked_cb), job->cancellable, 0);
  gtk_window_present (progress);

  task = g_task_new (window, job->cancellable, send_done_cb, NULL);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, send_thread);
}

static void
choose_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    NpWindow         *window)
{
  GtkDropDown *drop_down = g_object_get_data (G_OBJECT (dialog), "np-destinations");
  GtkCheckButton *anonymise = g_object_get_data (G_OBJECT (dialog), "np-anonymise");
  GPtrArray *destinations = g_object_get_data (G_OBJECT (dialog), "np-destination-list");
  guint index = drop_down ? gtk_drop_down_get_selected (drop_down) : GTK_INVALID_LIST_POSITION;
  Job *job;

  if (g_str_equal (response, "preferences"))
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL);
      return;
    }
  if (!g_str_equal (response, "send") || destinations == NULL || index >= destinations->len)
    return;
  job = job_new (window);
  if (job == NULL)
    return;
  job->destination = np_pacs_destination_copy (g_ptr_array_index (destinations, index));
  job->options.anonymise = anonymise != NULL && gtk_check_button_get_active (anonymise);
  start_send (window, job);
}

static void
send_to_pacs_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  NpWindow *window = NP_WINDOW (user_data);
  g_autoptr(GPtrArray) destinations = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  AdwMessageDialog *dialog;
  GtkWidget *drop_down;
  GtkWidget *anonymise;
  GtkWidget *box;

  destinations = window->settings ? np_pacs_destination_list_load_settings (window->settings) : NULL;
  if (destinations == NULL || destinations->len == 0)
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
        GTK_WINDOW (window), _("No PACS Destination"),
        _("Add the PACS to send to (its AE titles, host and port, or its DICOMweb address) in "
          "Preferences first.")));
      adw_message_dialog_add_responses (dialog, "close", _("_Close"), "preferences",
                                        _("Open _Preferences"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "preferences", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_close_response (dialog, "close");
      gtk_window_set_title (GTK_WINDOW (dialog), _("No PACS Destination"));
      g_signal_connect (dialog, "response", G_CALLBACK (choose_response_cb), window);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  for (guint i = 0; i < destinations->len; i++)
    {
      NpPacsDestination *destination = g_ptr_array_index (destinations, i);
      g_autofree char *where = np_pacs_destination_describe (destination);
      g_autofree char *item = g_strdup_printf ("%s (%s)", destination->name, where);
      gtk_string_list_append (names, item);
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (window), _("Send to PACS"),
    _("The annotated image (a DICOM Secondary Capture with the plan inside) and the report (an "
      "Encapsulated PDF) go into the frame’s study on the PACS.")));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Send to PACS"));
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_set_name (drop_down, "pacs-destination");
  anonymise = gtk_check_button_new_with_mnemonic (_("Export _anonymised: no patient name or "
                                                   "ID, a new study"));
  gtk_widget_set_name (anonymise, "pacs-anonymise");
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), drop_down);
  gtk_box_append (GTK_BOX (box), anonymise);
  adw_message_dialog_set_extra_child (dialog, box);
  g_object_set_data (G_OBJECT (dialog), "np-destinations", drop_down);
  g_object_set_data (G_OBJECT (dialog), "np-anonymise", anonymise);
  g_object_set_data_full (G_OBJECT (dialog), "np-destination-list",
                          g_steal_pointer (&destinations), (GDestroyNotify) g_ptr_array_unref);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "send", _("_Send"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (choose_response_cb), window);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry pacs_actions[] = {
  { "export-dicom", export_dicom_action, NULL, NULL, NULL, { 0 } },
  { "export-pdf-dicom", export_pdf_dicom_action, NULL, NULL, NULL, { 0 } },
  { "send-to-pacs", send_to_pacs_action, NULL, NULL, NULL, { 0 } },
};

static void
update_enabled (NpWindow *window)
{
  gboolean has_frame = np_document_get_frame (np_window_get_document (window)) != NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pacs_action_names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window), pacs_action_names[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), has_frame);
    }
}

static void
state_free (NpPacsActions *state)
{
  g_cancellable_cancel (state->cancellable);
  if (state->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (state->chooser));
  g_clear_object (&state->chooser);
  g_clear_object (&state->cancellable);
  g_free (state);
}

/**
 * np_pacs_actions_install:
 *
 * Adds `win.export-dicom`, `win.export-pdf-dicom` and `win.send-to-pacs` to
 * @window, enabled while a frame is open; their state goes with the window.
 */
void
np_pacs_actions_install (NpWindow *window)
{
  NpPacsActions *state;

  g_return_if_fail (NP_IS_WINDOW (window));

  state = g_new0 (NpPacsActions, 1);
  state->window = window;
  state->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (window), STATE_KEY, state, (GDestroyNotify) state_free);
  g_action_map_add_action_entries (G_ACTION_MAP (window), pacs_actions,
                                   G_N_ELEMENTS (pacs_actions), window);
  g_signal_connect_object (np_window_get_document (window), "frame-changed",
                           G_CALLBACK (update_enabled), window, G_CONNECT_SWAPPED);
  update_enabled (window);
}
