/* np-export-actions.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-export-actions"

#include "config.h"

#include "np-export-actions.h"
#include "np-pacs-actions.h"

#include <glib/gi18n.h>

#include "np-window-private.h"

#include "np-error.h"
#include "np-export.h"
#include "np-planner.h"

#include <glib/gstdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

/* The files themselves are the core's (np_export_png, np_export_pdf, the
 * report pages); this file asks where to put them, runs the export off the
 * main thread and says how it went. docs/record-gui.md. */

#define PRINT_JOB_KEY "np-print-job"

struct _NpExportActions
{
  NpWindow *window;                 /* borrowed: the window holds this */

  /* Owned */
  GtkFileChooserNative *chooser;
  GtkPrintSettings *print_settings; /* the last print's, so the next starts from them */
  GtkPrintOperation *print_operation;
  GCancellable *cancellable;        /* cancelled when the window is destroyed */

  NpExportKind chooser_kind;
  gboolean chooser_anonymise;
  guint busy;                       /* exports running */
  /* The document revision + 1 at which the user chose to export without
   * site or side ("not recorded"); 0: not chosen. An edit asks again. */
  guint64 unrecorded_revision;
};


/* What an export needs, copied so the thread never shares with the window. */
typedef struct
{
  NpFrame *frame;
  NpPlan *plan;
  NpPlanResults *results;           /* the window's, with their intervals; NULL when refused */
  NpExportOptions options;          /* its plan_path points at plan_path */
  char *plan_path;
  char *path;
  NpExportKind kind;
  GApplication *application;        /* held until the file is written */
  GStrv warnings;                   /* what the user must know, e.g. a plan too large to embed */
} ExportJob;

typedef struct
{
  NpFrame *frame;
  NpPlan *plan;
  NpPlanResults *results;
  NpExportOptions options;
  char *plan_path;
  GPtrArray *pages;                 /* cairo_surface_t, recorded at begin-print */
  double pages_width, pages_height; /* the paper they were laid out on */
} PrintJob;

static const char *const export_action_names[] = {
  "export-png", "export-pdf", "export-anonymised", "print",
};

static NpExportActions *
get_state (NpWindow *window)
{
  return window->export_actions;
}

static void
export_job_free (ExportJob *job)
{
  g_clear_pointer (&job->frame, np_frame_unref);
  g_clear_pointer (&job->plan, np_plan_free);
  g_clear_pointer (&job->results, np_plan_results_free);
  g_free (job->plan_path);
  g_free (job->path);
  g_strfreev (job->warnings);
  if (job->application != NULL)
    g_application_release (job->application);
  g_clear_object (&job->application);
  g_free (job);
}

static void
print_job_free (PrintJob *job)
{
  g_clear_pointer (&job->frame, np_frame_unref);
  g_clear_pointer (&job->plan, np_plan_free);
  g_clear_pointer (&job->results, np_plan_results_free);
  g_clear_pointer (&job->pages, g_ptr_array_unref);
  g_free (job->plan_path);
  g_free (job);
}

/* Options shared by the files and the print */

/* A4, unless the last print or the locale says US Letter. */
static NpPaper
preferred_paper (NpExportActions *state)
{
  g_autoptr(GtkPaperSize) size = NULL;
  const char *name;

  if (state->print_settings != NULL)
    size = gtk_print_settings_get_paper_size (state->print_settings);
  name = size != NULL ? gtk_paper_size_get_name (size) : gtk_paper_size_get_default ();
  return g_str_has_prefix (name, GTK_PAPER_NAME_LETTER) ? NP_PAPER_LETTER : NP_PAPER_A4;
}

/* @plan_path must outlive @options. */
static void
fill_options (NpWindow        *window,
              NpExportOptions *options,
              gboolean         anonymise,
              const char      *plan_path)
{
  NpFrame *frame = np_document_get_frame (np_window_get_document (window));

  np_export_options_init (options);
  options->anonymise = anonymise;
  options->allow_unrecorded = get_state (window)->unrecorded_revision ==
                              np_document_get_revision (np_window_get_document (window)) + 1;
  options->paper = preferred_paper (get_state (window));
  options->plan_path = plan_path;
  /* The record shows a 16-bit frame the way the clinician was looking at it;
   * 8-bit frames go out as stored. */
  if (frame != NULL && np_frame_get_bit_depth (frame) > 8)
    {
      options->has_window = TRUE;
      options->window = np_canvas_get_window_level (np_window_get_canvas (window));
    }
}

/* Exporting files */

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  gboolean written;

  /* Without results (the planner refused the plan) the export runs the
   * planner itself, to say why in its error. */
  if (job->kind == NP_EXPORT_KIND_PNG)
    written = np_export_files (job->frame, job->plan, job->results, &job->options, job->path,
                               NULL, &job->warnings, &error);
  else
    written = np_export_pdf (job->frame, job->plan, job->results, &job->options, job->path,
                             &error);

  if (written)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The file was written, but not all of it as asked (a plan too large to
 * store in the image is left out of it): said in words, in a dialog that
 * stays until read, with what keeps the work safe. */
static void
warn_after_export (NpWindow        *window,
                   const ExportJob *job)
{
  NpDocument *document = np_window_get_document (window);
  g_autofree char *name = g_filename_display_basename (job->path);
  g_autofree char *joined = g_strjoinv ("\n\n", job->warnings);
  g_autoptr(GString) body = g_string_new (joined);
  g_autofree char *heading = g_strdup_printf (_("“%s” Was Saved With a Warning"), name);
  AdwMessageDialog *dialog;

  /* The image no longer carries the plan: the plan file is the record. */
  if (np_document_get_path (document) == NULL || np_document_get_dirty (document))
    g_string_append_printf (body, "\n\n%s",
                            _("The plan has unsaved changes and the image does not hold "
                              "them: save the plan (Ctrl+S) to keep your work."));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window), heading, body->str));
  adw_message_dialog_add_response (dialog, "close", _("_OK"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_done_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  NpWindow *window = NP_WINDOW (source_object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  NpExportActions *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  /* The window was closed meanwhile: nobody to tell. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  state->busy--;
  if (error != NULL)
    {
      g_info ("%s", error->message);
      np_window_show_error (window, job->kind == NP_EXPORT_KIND_PNG
                                    ? _("Could Not Export the Image")
                                    : _("Could Not Export the Report"), error);
      return;
    }

  name = g_filename_display_basename (job->path);
  text = g_strdup_printf (_("Saved %s"), name);
  np_window_show_toast (window, text);
  if (job->warnings != NULL && job->warnings[0] != NULL)
    warn_after_export (window, job);
}

/**
 * np_export_actions_export_to_file:
 * @anonymise: leave the patient's identifiers out (docs/export.md)
 *
 * Writes the annotated image or the report of @window's plan to @file in a
 * worker thread. Success shows a toast naming the file; failure a message
 * naming the file and the problem, and no file is left behind.
 */
void
np_export_actions_export_to_file (NpWindow     *window,
                                  NpExportKind  kind,
                                  gboolean      anonymise,
                                  GFile        *file)
{
  NpExportActions *state;
  NpDocument *document;
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  GtkApplication *application;
  ExportJob *job;

  g_return_if_fail (NP_IS_WINDOW (window));
  g_return_if_fail (G_IS_FILE (file));
  state = get_state (window);
  g_return_if_fail (state != NULL);
  document = np_window_get_document (window);
  g_return_if_fail (np_document_get_frame (document) != NULL);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autoptr(GError) error =
        g_error_new (NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                     _("Cannot save “%s”: NeedlePlan exports to local folders only"), name);

      np_window_show_error (window, _("Could Not Export"), error);
      return;
    }

  job = g_new0 (ExportJob, 1);
  job->frame = np_frame_ref (np_document_get_frame (document));
  job->plan = np_document_dup_plan (document);
  /* What the clinician sees is what goes to the record: the window's
   * results, not a second run of the planner. */
  job->results = np_plan_analysis_dup_results (np_window_get_analysis (window));
  job->plan_path = g_strdup (np_document_get_path (document));
  job->path = g_steal_pointer (&path);
  job->kind = kind;
  fill_options (window, &job->options, anonymise, job->plan_path);

  /* Quitting waits for the file: the write is atomic, but an interrupted
   * one would lose the export without a word. */
  application = gtk_window_get_application (GTK_WINDOW (window));
  if (application != NULL)
    {
      job->application = g_object_ref (G_APPLICATION (application));
      g_application_hold (job->application);
    }

  task = g_task_new (window, state->cancellable, export_done_cb, state);
  g_task_set_source_tag (task, np_export_actions_export_to_file);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  state->busy++;
  g_task_run_in_thread (task, export_thread);
}

/**
 * np_export_actions_is_busy:
 *
 * Returns: whether an export of @window is being written
 */
gboolean
np_export_actions_is_busy (NpWindow *window)
{
  NpExportActions *state;

  g_return_val_if_fail (NP_IS_WINDOW (window), FALSE);
  state = get_state (window);
  return state != NULL && state->busy > 0;
}

/* The save dialog */

static GFile *
default_folder (NpWindow *window)
{
  NpDocument *document = np_window_get_document (window);
  NpFrame *frame = np_document_get_frame (document);
  const char *candidates[] = {
    np_document_get_path (document),
    frame != NULL ? np_frame_get_source_path (frame) : NULL,
  };

  /* Next to the plan, or next to the frame when the plan is not saved;
   * never into a bundled case or a folder that cannot be written. */
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *folder = NULL;

      if (candidates[i] == NULL)
        continue;
      folder = g_path_get_dirname (candidates[i]);
      if (g_file_test (folder, G_FILE_TEST_IS_DIR) && !_np_window_is_bundled (folder) &&
          g_access (folder, W_OK) == 0)
        return g_file_new_for_path (folder);
    }
  if (candidates[0] != NULL || candidates[1] != NULL)
    {
      g_autofree char *documents = _np_window_documents_folder ();

      return g_file_new_for_path (documents);
    }
  return NULL;
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     NpExportActions *state)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  gtk_native_dialog_destroy (chooser);
  g_clear_object (&state->chooser);

  if (file != NULL)
    np_export_actions_export_to_file (state->window, state->chooser_kind,
                                      state->chooser_anonymise, file);
}

static void
open_chooser (NpExportActions *state,
              NpExportKind     kind,
              gboolean         anonymise)
{
  static const char *const titles[2][2] = {
    { N_("Export Annotated Image"), N_("Export Report") },
    { N_("Export Anonymised Image"), N_("Export Anonymised Report") },
  };
  const char *extension = kind == NP_EXPORT_KIND_PNG ? "png" : "pdf";
  const NpPlan *plan = np_document_get_plan (np_window_get_document (state->window));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GFile) folder = default_folder (state->window);
  g_autofree char *name = np_export_suggest_filename (plan, NULL, extension);

  if (state->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (state->chooser));
  g_clear_object (&state->chooser);

  state->chooser_kind = kind;
  state->chooser_anonymise = anonymise;
  state->chooser = gtk_file_chooser_native_new (_(titles[!!anonymise][kind]),
                                                GTK_WINDOW (state->window),
                                                GTK_FILE_CHOOSER_ACTION_SAVE,
                                                _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (state->chooser), TRUE);

  if (kind == NP_EXPORT_KIND_PNG)
    {
      gtk_file_filter_set_name (filter, _("PNG images"));
      gtk_file_filter_add_mime_type (filter, "image/png");
    }
  else
    {
      gtk_file_filter_set_name (filter, _("PDF documents"));
      gtk_file_filter_add_mime_type (filter, "application/pdf");
    }
  gtk_file_filter_add_suffix (filter, extension);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (state->chooser), filter);

  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (state->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (state->chooser), name);

  g_signal_connect (state->chooser, "response", G_CALLBACK (chooser_response_cb), state);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (state->chooser));
}

typedef struct
{
  NpWindow *window;
  char *action;
} UnrecordedRequest;

static void
unrecorded_request_free (gpointer data)
{
  UnrecordedRequest *request = data;

  g_free (request->action);
  g_free (request);
}

static void
unrecorded_response_cb (AdwMessageDialog  *dialog,
                        const char        *response,
                        UnrecordedRequest *request)
{
  NpWindow *window = request->window;

  if (!g_str_equal (response, "unrecorded"))
    return;
  get_state (window)->unrecorded_revision =
    np_document_get_revision (np_window_get_document (window)) + 1;
  g_action_group_activate_action (G_ACTION_GROUP (window), request->action, NULL);
}

/* A record names where the injection went: without site or side, ask
 * whether to choose them or to export them as "not recorded" (then
 * @action runs again). Returns whether the export may go on now. */
static gboolean
ensure_recorded (NpWindow   *window,
                 const char *action)
{
  NpExportOptions options;
  g_autoptr(GError) error = NULL;
  UnrecordedRequest *request;
  AdwMessageDialog *dialog;

  fill_options (window, &options, FALSE, NULL);
  if (np_export_check_recorded (np_document_get_plan (np_window_get_document (window)),
                                &options, &error))
    return TRUE;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (window),
                                                       _("Site or Side Not Recorded"),
                                                       error->message));
  gtk_window_set_title (GTK_WINDOW (dialog), _("Site or Side Not Recorded"));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Choose Them"), "unrecorded",
                                    _("Export as _Not Recorded"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "unrecorded",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  request = g_new0 (UnrecordedRequest, 1);
  request->window = window;
  request->action = g_strdup (action);
  g_signal_connect_data (dialog, "response", G_CALLBACK (unrecorded_response_cb), request,
                         (GClosureNotify) (void (*) (void)) unrecorded_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

static void
export_png_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  if (ensure_recorded (NP_WINDOW (user_data), "export-png"))
    open_chooser (get_state (NP_WINDOW (user_data)), NP_EXPORT_KIND_PNG, FALSE);
}

static void
export_pdf_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  if (ensure_recorded (NP_WINDOW (user_data), "export-pdf"))
    open_chooser (get_state (NP_WINDOW (user_data)), NP_EXPORT_KIND_PDF, FALSE);
}

/* Anonymising a plan that redacts nothing: the header band above the
 * imaging region, where scanners burn in name, date and exam number,
 * becomes a redaction, as an undoable edit the clinician sees on the
 * canvas and can adjust. */
static void
propose_redaction (NpWindow *window)
{
  NpDocument *document = np_window_get_document (window);
  NpFrame *frame = np_document_get_frame (document);
  g_autoptr(NpPlan) plan = NULL;
  gboolean unrecorded;
  NpImageRect band;

  if (frame == NULL || np_document_get_plan (document)->redactions->len > 0
      || !np_export_propose_redaction (np_document_get_plan (document),
                                       np_frame_get_width (frame), &band))
    return;
  plan = np_document_dup_plan (document);
  g_array_append_val (plan->redactions, band);
  unrecorded = get_state (window)->unrecorded_revision == np_document_get_revision (document) + 1;
  np_document_edit (document, g_steal_pointer (&plan), _("Redact header band"));
  /* The user's "not recorded" still holds: this edit was not theirs. */
  if (unrecorded)
    get_state (window)->unrecorded_revision = np_document_get_revision (document) + 1;
}

static void
anonymise_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       NpWindow         *window)
{
  NpExportActions *state = get_state (window);

  if (g_str_equal (response, "png") || g_str_equal (response, "pdf"))
    propose_redaction (window);
  if (g_str_equal (response, "png"))
    open_chooser (state, NP_EXPORT_KIND_PNG, TRUE);
  else if (g_str_equal (response, "pdf"))
    open_chooser (state, NP_EXPORT_KIND_PDF, TRUE);
}

static void
export_anonymised_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  NpWindow *window = NP_WINDOW (user_data);
  AdwMessageDialog *dialog;

  if (!ensure_recorded (window, "export-anonymised"))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (window), _("Export Anonymised"),
    _("The patient’s name and ID are left out of the image, the caption, the embedded plan and "
    "the file name. The plan’s redactions (the Redact tool, R) are blacked out in the pixels; "
    "without any, the header band above the imaging region is redacted.\n\nOther text burned "
    "into the frame’s pixels and what was typed into the title, notes and labels stay as they "
    "are: check them before sharing.")));
  /* Named, so that it can be found like any window (and by xdotool). */
  gtk_window_set_title (GTK_WINDOW (dialog), _("Export Anonymised"));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "png", _("_Image (PNG)"),
                                    "pdf", _("_Report (PDF)"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "pdf", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "pdf");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (anonymise_response_cb), window);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Printing */

/* The report is laid out once and every page recorded (np_export_record_report):
 * drawing page by page would lay the whole report out again for each page,
 * quadratic in its length. */
static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                PrintJob          *job)
{
  g_clear_pointer (&job->pages, g_ptr_array_unref);
  job->pages_width = gtk_print_context_get_width (context);
  job->pages_height = gtk_print_context_get_height (context);
  job->pages = np_export_record_report (job->pages_width, job->pages_height, job->frame,
                                        job->plan, job->results, &job->options);
  gtk_print_operation_set_n_pages (operation, job->pages != NULL && job->pages->len > 0
                                              ? (int) job->pages->len : 1);
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              PrintJob          *job)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double width = gtk_print_context_get_width (context);
  double height = gtk_print_context_get_height (context);

  /* Recorded on this paper: replayed, still vector. */
  if (job->pages != NULL && page_nr >= 0 && (guint) page_nr < job->pages->len
      && width == job->pages_width && height == job->pages_height)
    {
      cairo_save (cr);
      cairo_set_source_surface (cr, g_ptr_array_index (job->pages, page_nr), 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      return;
    }
  np_export_draw_report_page (cr, width, height, (guint) page_nr, job->frame, job->plan,
                              job->results, &job->options);
}

/* Print preview, in a window of our own: GTK's default runs an external
 * viewer, which a clinical workstation may not have. The pages are drawn
 * by the operation itself (begin-print, draw-page), so the preview is the
 * print. */

#define PREVIEW_PAGE_HEIGHT 720   /* widget pixels for the page at first */

typedef struct
{
  GtkPrintOperation *operation;        /* owned */
  GtkPrintOperationPreview *preview;   /* owned */
  GtkPrintContext *context;            /* owned */
  GtkWindow *window;                   /* the preview window; owns this */
  GtkDrawingArea *page_area;
  GtkLabel *page_label;
  GtkButton *previous_button;
  GtkButton *next_button;
  int n_pages;                         /* 0 until the operation is ready */
  int page;
  gboolean ended;
} PrintPreview;

static void
print_preview_free (PrintPreview *preview)
{
  if (!preview->ended)
    gtk_print_operation_preview_end_preview (preview->preview);
  g_clear_object (&preview->preview);
  g_clear_object (&preview->context);
  g_clear_object (&preview->operation);
  g_free (preview);
}

static void
update_preview_page (PrintPreview *preview)
{
  g_autofree char *text = NULL;

  if (preview->n_pages > 0)
    text = g_strdup_printf (_("Page %d of %d"), preview->page + 1, preview->n_pages);
  gtk_label_set_text (preview->page_label, text != NULL ? text : _("Laying out the pages…"));
  gtk_widget_set_sensitive (GTK_WIDGET (preview->previous_button), preview->page > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (preview->next_button),
                            preview->page + 1 < preview->n_pages);
  gtk_widget_queue_draw (GTK_WIDGET (preview->page_area));
}

static void
draw_preview_page (GtkDrawingArea *area,
                   cairo_t        *cr,
                   int             width,
                   int             height,
                   gpointer        user_data)
{
  PrintPreview *preview = user_data;
  double page_width = gtk_print_context_get_width (preview->context);
  double page_height = gtk_print_context_get_height (preview->context);
  double scale;

  if (preview->n_pages == 0 || page_width <= 0 || page_height <= 0)
    return;

  /* The whole page, centred, as large as the area allows. */
  scale = MIN (width / page_width, height / page_height);
  cairo_translate (cr, (width - page_width * scale) / 2, (height - page_height * scale) / 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, page_width * scale, page_height * scale);
  cairo_fill (cr);

  /* The operation draws in points on a context of 72 · scale dots per inch. */
  gtk_print_context_set_cairo_context (preview->context, cr, 72 * scale, 72 * scale);
  gtk_print_operation_preview_render_page (preview->preview, preview->page);
}

static void
preview_ready_cb (GtkPrintOperationPreview *operation_preview,
                  GtkPrintContext          *context,
                  PrintPreview             *preview)
{
  int n_pages = 0;
  double page_width = gtk_print_context_get_width (context);
  double page_height = gtk_print_context_get_height (context);

  g_object_get (preview->operation, "n-pages", &n_pages, NULL);
  preview->n_pages = MAX (n_pages, 1);
  if (page_width > 0 && page_height > 0)
    gtk_drawing_area_set_content_width (preview->page_area,
                                        (int) (PREVIEW_PAGE_HEIGHT * page_width / page_height));
  update_preview_page (preview);
}

static void
preview_step_cb (GtkButton    *button,
                 PrintPreview *preview)
{
  int step = button == preview->next_button ? 1 : -1;

  preview->page = CLAMP (preview->page + step, 0, MAX (preview->n_pages - 1, 0));
  update_preview_page (preview);
}

static gboolean
preview_cb (GtkPrintOperation        *operation,
            GtkPrintOperationPreview *operation_preview,
            GtkPrintContext          *context,
            GtkWindow                *parent,
            gpointer                  user_data)
{
  PrintPreview *preview = g_new0 (PrintPreview, 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_t *cr = cairo_create (surface);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *navigation = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  preview->operation = g_object_ref (operation);
  preview->preview = g_object_ref (operation_preview);
  preview->context = g_object_ref (context);

  /* The operation insists on a context before it lays out the pages. */
  gtk_print_context_set_cairo_context (context, cr, 72, 72);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  preview->window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (preview->window, _("Print Preview"));
  gtk_window_set_transient_for (preview->window, parent);
  gtk_window_set_modal (preview->window, TRUE);
  gtk_window_set_destroy_with_parent (preview->window, TRUE);
  gtk_window_set_default_size (preview->window, 640, PREVIEW_PAGE_HEIGHT + 100);

  preview->previous_button = GTK_BUTTON (gtk_button_new_from_icon_name ("go-previous-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (preview->previous_button), _("Previous page"));
  gtk_widget_set_name (GTK_WIDGET (preview->previous_button), "preview-previous");
  preview->next_button = GTK_BUTTON (gtk_button_new_from_icon_name ("go-next-symbolic"));
  gtk_widget_set_name (GTK_WIDGET (preview->next_button), "preview-next");
  gtk_widget_set_tooltip_text (GTK_WIDGET (preview->next_button), _("Next page"));
  gtk_widget_add_css_class (navigation, "linked");
  gtk_box_append (GTK_BOX (navigation), GTK_WIDGET (preview->previous_button));
  gtk_box_append (GTK_BOX (navigation), GTK_WIDGET (preview->next_button));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), navigation);
  preview->page_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (preview->page_label), "preview-page-label");
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (preview->page_label));

  preview->page_area = GTK_DRAWING_AREA (gtk_drawing_area_new ());
  gtk_widget_set_name (GTK_WIDGET (preview->page_area), "preview-page");
  gtk_drawing_area_set_content_height (preview->page_area, PREVIEW_PAGE_HEIGHT);
  gtk_widget_set_hexpand (GTK_WIDGET (preview->page_area), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (preview->page_area), TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (preview->page_area), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (preview->page_area), 12);
  gtk_drawing_area_set_draw_func (preview->page_area, draw_preview_page, preview, NULL);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (preview->page_area));

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (preview->window), box);

  g_signal_connect (preview->previous_button, "clicked", G_CALLBACK (preview_step_cb), preview);
  g_signal_connect (preview->next_button, "clicked", G_CALLBACK (preview_step_cb), preview);
  g_signal_connect (operation_preview, "ready", G_CALLBACK (preview_ready_cb), preview);
  /* Closing the window ends the preview (and the operation). */
  g_object_set_data_full (G_OBJECT (preview->window), "np-print-preview", preview,
                          (GDestroyNotify) print_preview_free);

  update_preview_page (preview);
  gtk_window_present (preview->window);
  return TRUE;
}

/**
 * np_export_actions_new_print_operation:
 *
 * A print operation for the report of @window's plan, laid out like the PDF
 * on whatever paper the page setup gives (A4, Letter, either orientation).
 * The caller runs it.
 *
 * Returns: (transfer full) (nullable): the operation, or %NULL with @error
 *   set when the planner refuses the plan
 */
GtkPrintOperation *
np_export_actions_new_print_operation (NpWindow  *window,
                                       GError   **error)
{
  NpDocument *document;
  NpExportActions *state;
  PrintJob *job;
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) page_setup = NULL;
  g_autofree char *job_name = NULL;

  g_return_val_if_fail (NP_IS_WINDOW (window), NULL);
  state = get_state (window);
  g_return_val_if_fail (state != NULL, NULL);
  document = np_window_get_document (window);
  g_return_val_if_fail (np_document_get_frame (document) != NULL, NULL);

  job = g_new0 (PrintJob, 1);
  job->frame = np_frame_ref (np_document_get_frame (document));
  job->plan = np_document_dup_plan (document);
  job->plan_path = g_strdup (np_document_get_path (document));
  job->results = np_plan_analysis_dup_results (np_window_get_analysis (window));
  if (job->results == NULL)
    {
      const char *why = np_plan_analysis_get_error (np_window_get_analysis (window));

      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("Cannot print the report: %s"),
                   why != NULL ? why : _("the plan has no results"));
      print_job_free (job);
      return NULL;
    }
  fill_options (window, &job->options, FALSE, job->plan_path);

  operation = gtk_print_operation_new ();
  /* The report has its own margins and draws in points from the corner of
   * the paper (np_export_draw_report_page). */
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  /* Print queues are often shared: the job's name never names the patient. */
  job_name = np_export_suggest_filename (job->plan, NULL, "pdf");
  gtk_print_operation_set_job_name (operation, job_name);

  page_setup = gtk_page_setup_new ();
  if (state->print_settings != NULL)
    {
      g_autoptr(GtkPaperSize) paper = gtk_print_settings_get_paper_size (state->print_settings);

      if (paper != NULL)
        gtk_page_setup_set_paper_size (page_setup, paper);
      gtk_page_setup_set_orientation (page_setup,
                                      gtk_print_settings_get_orientation (state->print_settings));
      gtk_print_operation_set_print_settings (operation, state->print_settings);
    }
  gtk_print_operation_set_default_page_setup (operation, page_setup);

  g_object_set_data_full (G_OBJECT (operation), PRINT_JOB_KEY, job,
                          (GDestroyNotify) print_job_free);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), job);
  g_signal_connect (operation, "preview", G_CALLBACK (preview_cb), NULL);
  return operation;
}

/* Handles the end of a print once, whether "done" or the return of
 * gtk_print_operation_run() reports it first. */
static void
finish_print (NpExportActions         *state,
              GtkPrintOperation       *operation,
              GtkPrintOperationResult  result,
              const GError            *run_error)
{
  g_autoptr(GError) error = NULL;

  if (state->print_operation != operation)
    return;

  if (result == GTK_PRINT_OPERATION_RESULT_APPLY)
    g_set_object (&state->print_settings, gtk_print_operation_get_print_settings (operation));
  else if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      if (run_error != NULL)
        error = g_error_copy (run_error);
      else
        gtk_print_operation_get_error (operation, &error);
      if (error != NULL)
        np_window_show_error (state->window, _("Could Not Print"), error);
    }
  g_clear_object (&state->print_operation);
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               NpExportActions         *state)
{
  finish_print (state, operation, result, NULL);
}

static void
print_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  NpWindow *window = NP_WINDOW (user_data);
  NpExportActions *state = get_state (window);
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  /* One print dialog at a time. */
  if (state->print_operation != NULL || !ensure_recorded (window, "print"))
    return;

  operation = np_export_actions_new_print_operation (window, &error);
  if (operation == NULL)
    {
      np_window_show_error (window, _("Could Not Print"), error);
      return;
    }
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (print_done_cb), state);
  g_set_object (&state->print_operation, operation);

  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                    GTK_WINDOW (window), &error);
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    finish_print (state, operation, result, error);
}

/* The window */

static const GActionEntry export_actions[] = {
  { "export-png", export_png_action, NULL, NULL, NULL, { 0 } },
  { "export-pdf", export_pdf_action, NULL, NULL, NULL, { 0 } },
  { "export-anonymised", export_anonymised_action, NULL, NULL, NULL, { 0 } },
  { "print", print_action, NULL, NULL, NULL, { 0 } },
};

static void
update_enabled (NpWindow *window)
{
  /* Off in Train mode, where the plan is hidden. */
  gboolean has_frame = np_document_get_frame (np_window_get_document (window)) != NULL &&
                       !np_window_get_training (window);

  for (guint i = 0; i < G_N_ELEMENTS (export_action_names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (window),
                                                    export_action_names[i]);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), has_frame);
    }
}

static void
frame_changed_cb (NpWindow   *window,
                  NpDocument *document)
{
  update_enabled (window);
}

/* The application is set after the window is constructed. */
static void
application_changed_cb (GtkWindow  *window,
                        GParamSpec *pspec)
{
  static const char *const export_png_accels[] = { "<Control>e", NULL };
  static const char *const print_accels[] = { "<Control>p", NULL };
  GtkApplication *application = gtk_window_get_application (window);

  if (application == NULL)
    return;
  gtk_application_set_accels_for_action (application, "win.export-png", export_png_accels);
  gtk_application_set_accels_for_action (application, "win.print", print_accels);
}

/**
 * np_export_actions_install:
 *
 * Adds `win.export-png` (Ctrl+E), `win.export-pdf`, `win.export-anonymised`
 * and `win.print` (Ctrl+P) to @window, enabled while a frame is open.
 *
 * Returns: (transfer full): their state, which the window holds and frees
 *   with np_export_actions_free() as it goes
 */
NpExportActions *
np_export_actions_install (NpWindow *window)
{
  NpExportActions *state;

  g_return_val_if_fail (NP_IS_WINDOW (window), NULL);

  state = g_new0 (NpExportActions, 1);
  state->window = window;
  state->cancellable = g_cancellable_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (window), export_actions,
                                   G_N_ELEMENTS (export_actions), window);
  g_signal_connect_object (np_window_get_document (window), "frame-changed",
                           G_CALLBACK (frame_changed_cb), window, G_CONNECT_SWAPPED);
  g_signal_connect (window, "notify::application", G_CALLBACK (application_changed_cb), NULL);
  application_changed_cb (GTK_WINDOW (window), NULL);
  update_enabled (window);
  /* The DICOM entries of the same menu (np-pacs-actions.c). */
  np_pacs_actions_install (window);
  return state;
}

/**
 * np_export_actions_free:
 *
 * Called by the window as it goes: exports still running are cancelled
 * (nobody is left to tell), the save dialog and a print in progress end.
 */
void
np_export_actions_free (NpExportActions *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->print_operation != NULL)
    {
      /* Its "done" would otherwise reach this state after it is gone. */
      g_signal_handlers_disconnect_by_data (self->print_operation, self);
      gtk_print_operation_cancel (self->print_operation);
    }
  g_clear_object (&self->print_operation);
  g_clear_object (&self->print_settings);
  g_clear_object (&self->cancellable);
  g_free (self);
}
