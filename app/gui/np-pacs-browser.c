/* np-pacs-browser.c — the "Open from PACS" dialog: search a configured
 * PACS, list studies and their series with thumbnails (NeedlePlan's own
 * records named as plans and reports), open a series' first instance
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-pacs-browser"

#include "config.h"

#include "np-pacs-browser.h"

#include <glib/gi18n.h>

#include "np-canvas-image.h"
#include "np-dicom-helper.h"
#include "np-dicomweb-client.h"
#include "np-error.h"
#include "np-pacs-cache.h"
#include "np-pacs-destination.h"
#include "np-pacs-query.h"
#include "np-pacs-secret.h"

#define THUMBNAIL_SIZE 64

struct _NpPacsBrowser
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton *open_button;
  GtkSpinner *spinner;
  GtkDropDown *destination_dropdown;
  GtkEntry *patient_name_entry;
  GtkEntry *patient_id_entry;
  GtkEntry *accession_entry;
  GtkEntry *date_entry;
  GtkButton *search_button;
  GtkLabel *status_label;
  GtkListBox *studies_list;
  GtkListBox *series_list;

  /* Borrowed */
  NpWindow *window;

  /* Owned */
  GPtrArray *destinations;      /* NpPacsDestination */
  GPtrArray *studies;           /* NpPacsQueryResult, as listed */
  GPtrArray *series;            /* NpPacsQueryResult, as listed */
  GPtrArray *pictures;          /* GtkPicture of each series row, borrowed from the list */
  NpPacsCache *cache;
  GCancellable *cancellable;    /* the search, series list or open under way */
  GCancellable *thumbnails_cancellable;
  guint busy;
  guint n_thumbnails;
};

G_DEFINE_FINAL_TYPE (NpPacsBrowser, np_pacs_browser, ADW_TYPE_WINDOW)

typedef enum
{
  JOB_STUDIES,
  JOB_SERIES,
  JOB_OPEN,
  JOB_THUMBNAIL,
} JobKind;

/* One piece of network work, done in a worker thread. */
typedef struct
{
  JobKind kind;
  NpPacsDestination *destination;
  NpPacsQuery *query;             /* studies and series */
  NpPacsQueryResult *series;      /* open and thumbnail: the series */
  NpPacsCache *cache;
  guint index;                    /* thumbnail: the series row */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->destination, np_pacs_destination_free);
  g_clear_pointer (&job->query, np_pacs_query_free);
  g_clear_pointer (&job->series, np_pacs_query_result_free);
  g_clear_object (&job->cache);
  g_free (job);
}

static void
set_busy (NpPacsBrowser *self,
          gboolean       busy)
{
  self->busy = busy ? self->busy + 1 : self->busy - 1;
  /* Work that ends after the dialog closed has no spinner to stop. */
  if (self->spinner != NULL)
    gtk_spinner_set_spinning (self->spinner, self->busy > 0);
}

static void
set_status (NpPacsBrowser *self,
            const char    *text)
{
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
}

static NpPacsDestination *
dup_destination (NpPacsBrowser *self)
{
  guint selected = gtk_drop_down_get_selected (self->destination_dropdown);

  if (self->destinations == NULL || selected >= self->destinations->len)
    return NULL;
  return np_pacs_destination_copy (g_ptr_array_index (self->destinations, selected));
}

/* Worker thread */

static char *
lookup_password (const NpPacsDestination *destination)
{
  if (destination->username == NULL || *destination->username == '\0')
    return NULL;
  return np_pacs_secret_lookup (destination->name, destination->username, NULL);
}

/* The series' instances, the first (lowest instance number) first. */
static NpPacsQueryResult *
first_instance (const Job     *job,
                const char    *password,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(NpPacsQuery) query = np_pacs_query_new (NP_PACS_LEVEL_INSTANCE);
  g_autoptr(GPtrArray) instances = NULL;
  NpPacsQueryResult *first = NULL;

  query->study_uid = g_strdup (job->series->study_uid);
  query->series_uid = g_strdup (job->series->series_uid);
  instances = np_pacs_query_find (query, job->destination, password, cancellable, error);
  if (instances == NULL)
    return NULL;
  for (guint i = 0; i < instances->len; i++)
    {
      NpPacsQueryResult *r = g_ptr_array_index (instances, i);

      if (first == NULL || (r->instance_number >= 0 && r->instance_number < first->instance_number))
        first = r;
    }
  if (first == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("The series “%s” holds no instance"), job->series->series_description);
      return NULL;
    }
  first = np_pacs_query_result_copy (first);
  /* Instance answers need not repeat the study and series. */
  g_free (first->study_uid);
  first->study_uid = g_strdup (job->series->study_uid);
  g_free (first->series_uid);
  first->series_uid = g_strdup (job->series->series_uid);
  g_free (first->series_description);
  first->series_description = g_strdup (job->series->series_description);
  return first;
}

static GdkTexture *
make_thumbnail (const Job     *job,
                const char    *password,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(NpPacsQueryResult) instance = first_instance (job, password, cancellable, error);
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpCanvasImage) image = NULL;

  if (instance == NULL)
    return NULL;
  if (np_pacs_destination_has_dicomweb (job->destination))
    {
      NpDicomwebServer server = { job->destination->dicomweb_url, job->destination->username,
                                  password, job->destination->timeout_seconds };
      g_autoptr(GBytes) png = np_dicomweb_client_rendered (&server, instance, cancellable, error);

      if (png != NULL)
        frame = np_frame_load_from_memory (g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                           _("the PACS’s rendering"), error);
    }
  else
    {
      g_autofree char *path = np_pacs_query_retrieve (instance, job->destination, password,
                                                      job->cache, cancellable, error);

      if (path != NULL)
        frame = np_dicom_helper_load_frame (path, 0, error);
    }
  if (frame == NULL)
    return NULL;
  image = np_canvas_image_new_for_view (frame, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  return g_object_ref (image->texture);
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autofree char *password = lookup_password (job->destination);
  GError *error = NULL;

  switch (job->kind)
    {
    case JOB_STUDIES:
    case JOB_SERIES:
      {
        GPtrArray *results = np_pacs_query_find (job->query, job->destination, password,
                                                 cancellable, &error);
        if (results == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
      }
      break;
    case JOB_OPEN:
      {
        g_autoptr(NpPacsQueryResult) instance = first_instance (job, password, cancellable, &error);
        char *path = instance != NULL
                     ? np_pacs_query_retrieve (instance, job->destination, password, job->cache,
                                               cancellable, &error)
                     : NULL;

        /* A plan reopens on its source frame once that is in the cache too. */
        if (path != NULL && np_pacs_query_result_get_content (job->series) == NP_PACS_CONTENT_PLAN)
          {
            g_autoptr(GError) source_error = NULL;
            g_autofree char *source = np_pacs_query_retrieve_source (path, job->series->study_uid,
                                                                     job->destination, password,
                                                                     job->cache, cancellable,
                                                                     &source_error);
            if (source == NULL)
              g_info ("The plan's source frame stays where it is: %s", source_error->message);
          }
        if (path == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, path, g_free);
      }
      break;
    case JOB_THUMBNAIL:
      {
        GdkTexture *texture = make_thumbnail (job, password, cancellable, &error);
        if (texture == NULL)
          g_task_return_error (task, error);
        else
          g_task_return_pointer (task, texture, g_object_unref);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
run_job (NpPacsBrowser       *self,
         Job                 *job,
         GCancellable        *cancellable,
         GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, NULL);

  job->cache = g_object_ref (self->cache);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, job_thread);
}

/* Rows */

static GtkWidget *
study_row (const NpPacsQueryResult *study)
{
  g_autofree char *patient = np_pacs_query_result_dup_patient_display (study);
  g_autofree char *date = np_pacs_query_result_dup_date_display (study);
  g_autoptr(GString) subtitle = g_string_new (date);
  GtkWidget *row = adw_action_row_new ();

  if (*study->accession_number != '\0')
    g_string_append_printf (subtitle, _(" · accession %s"), study->accession_number);
  if (*study->modalities != '\0')
    g_string_append_printf (subtitle, " · %s", study->modalities);
  if (*study->study_description != '\0')
    g_string_append_printf (subtitle, " · %s", study->study_description);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 *patient != '\0' ? patient : _("Unnamed patient"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  return row;
}

static GtkWidget *
series_row (const NpPacsQueryResult *series,
            GtkWidget              **picture_out)
{
  NpPacsContent content = np_pacs_query_result_get_content (series);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *frame_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autoptr(GString) subtitle = g_string_new (series->modality);
  const char *title = series->series_description;

  if (series->series_number >= 0)
    g_string_append_printf (subtitle, _(" · series %d"), series->series_number);
  if (series->series_instances >= 0)
    {
      g_string_append (subtitle, " · ");
      g_string_append_printf (subtitle, ngettext ("%d instance", "%d instances",
                                                  (gulong) series->series_instances),
                              series->series_instances);
    }
  if (*title == '\0')
    title = _("Series without a description");

  /* A fixed box, so that the titles line up whatever the frames' shapes. */
  gtk_widget_set_size_request (frame_box, THUMBNAIL_SIZE, THUMBNAIL_SIZE);
  gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (picture, TRUE);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_box_append (GTK_BOX (frame_box), picture);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), frame_box);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (content != NP_PACS_CONTENT_IMAGES)
    {
      GtkWidget *tag = gtk_label_new (content == NP_PACS_CONTENT_PLAN ? C_("pacs content", "Plan")
                                                                   : C_("pacs content", "Report"));

      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (tag, content == NP_PACS_CONTENT_PLAN ? "accent" : "dim-label");
      gtk_widget_add_css_class (tag, "heading");
      gtk_widget_set_tooltip_text (tag, content == NP_PACS_CONTENT_PLAN
                                   ? _("A plan saved by NeedlePlan: it reopens with its marks")
                                   : _("A report saved by NeedlePlan (PDF)"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
    }
  *picture_out = picture;
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Thumbnails */

static void
thumbnail_done_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NpPacsBrowser *self = NP_PACS_BROWSER (source_object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), &error);

  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (texture == NULL)
    {
      /* A missing thumbnail is not worth a dialog: the row still opens. */
      g_info ("No thumbnail: %s", error->message);
      return;
    }
  if (job->index < self->pictures->len)
    {
      gtk_picture_set_paintable (g_ptr_array_index (self->pictures, job->index),
                                 GDK_PAINTABLE (texture));
      self->n_thumbnails++;
    }
}

static void
load_thumbnails (NpPacsBrowser *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      const NpPacsQueryResult *series = g_ptr_array_index (self->series, i);
      Job *job;

      /* A report is a PDF: nothing to show in a thumbnail. */
      if (np_pacs_query_result_get_content (series) == NP_PACS_CONTENT_REPORT)
        continue;
      job = g_new0 (Job, 1);
      job->kind = JOB_THUMBNAIL;
      job->destination = dup_destination (self);
      job->series = np_pacs_query_result_copy (series);
      job->index = i;
      if (job->destination == NULL)
        {
          job_free (job);
          return;
        }
      run_job (self, job, self->thumbnails_cancellable, thumbnail_done_cb);
    }
}

/* Series */

static void
series_done_cb (GObject      *source_object,
                GAsyncResult *result,
                gpointer      user_data)
{
  NpPacsBrowser *self = NP_PACS_BROWSER (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) series = g_task_propagate_pointer (G_TASK (result), &error);

  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (series == NULL)
    {
      set_status (self, error->message);
      return;
    }
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->pictures, 0);
  for (guint i = 0; i < series->len; i++)
    {
      NpPacsQueryResult *s = g_ptr_array_index (series, i);
      GtkWidget *picture = NULL;

      g_ptr_array_add (self->series, np_pacs_query_result_copy (s));
      gtk_list_box_append (self->series_list, series_row (s, &picture));
      g_ptr_array_add (self->pictures, picture);
    }
  if (series->len == 0)
    set_status (self, _("The study holds no series"));
  else
    {
      g_autofree char *listed = g_strdup_printf (ngettext ("%u series; double-click one, or select "
                                                           "it and press Open",
                                                           "%u series; double-click one, or select "
                                                           "it and press Open", series->len),
                                                 series->len);
      set_status (self, listed);
    }
  load_thumbnails (self);
}

static void
study_selected_cb (NpPacsBrowser *self,
                   GtkListBoxRow *row)
{
  const NpPacsQueryResult *study;
  Job *job;

  g_cancellable_cancel (self->thumbnails_cancellable);
  g_clear_object (&self->thumbnails_cancellable);
  self->thumbnails_cancellable = g_cancellable_new ();
  clear_list (self->series_list);
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->pictures, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), FALSE);
  if (row == NULL)
    return;
  study = g_ptr_array_index (self->studies, gtk_list_box_row_get_index (row));

  job = g_new0 (Job, 1);
  job->kind = JOB_SERIES;
  job->destination = dup_destination (self);
  job->query = np_pacs_query_new (NP_PACS_LEVEL_SERIES);
  job->query->study_uid = g_strdup (study->study_uid);
  if (job->destination == NULL)
    {
      job_free (job);
      return;
    }
  set_status (self, _("Listing the study’s series…"));
  run_job (self, job, self->thumbnails_cancellable, series_done_cb);
}

/* Studies */

static void
studies_done_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  NpPacsBrowser *self = NP_PACS_BROWSER (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) studies = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *found = NULL;

  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), TRUE);
  if (studies == NULL)
    {
      set_status (self, error->message);
      return;
    }
  for (guint i = 0; i < studies->len; i++)
    {
      NpPacsQueryResult *study = g_ptr_array_index (studies, i);

      g_ptr_array_add (self->studies, np_pacs_query_result_copy (study));
      gtk_list_box_append (self->studies_list, study_row (study));
    }
  found = g_strdup_printf (ngettext ("%u study found", "%u studies found", studies->len),
                           studies->len);
  set_status (self, studies->len == 0 ? _("No study matches the search") : found);
  if (studies->len == 1)
    gtk_list_box_select_row (self->studies_list,
                             gtk_list_box_get_row_at_index (self->studies_list, 0));
}

static void
search_cb (NpPacsBrowser *self)
{
  g_autoptr(NpPacsQuery) query = np_pacs_query_new (NP_PACS_LEVEL_STUDY);
  g_autoptr(GError) error = NULL;
  NpPacsDestination *destination = dup_destination (self);
  Job *job;

  if (destination == NULL)
    return;
  query->patient_name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->patient_name_entry)));
  query->patient_id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->patient_id_entry))));
  query->accession_number =
    g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->accession_entry))));
  if (!np_pacs_query_set_study_date (query, gtk_editable_get_text (GTK_EDITABLE (self->date_entry)),
                                     &error)
      || !np_pacs_query_check (query, &error))
    {
      np_pacs_destination_free (destination);
      set_status (self, error->message);
      return;
    }

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_cancellable_cancel (self->thumbnails_cancellable);
  g_clear_object (&self->thumbnails_cancellable);
  self->thumbnails_cancellable = g_cancellable_new ();
  clear_list (self->studies_list);
  clear_list (self->series_list);
  g_ptr_array_set_size (self->studies, 0);
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->pictures, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), FALSE);

  job = g_new0 (Job, 1);
  job->kind = JOB_STUDIES;
  job->destination = destination;
  job->query = g_steal_pointer (&query);
  set_status (self, _("Searching…"));
  run_job (self, job, self->cancellable, studies_done_cb);
}

/* Opening */

static void
open_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpPacsBrowser *self = NP_PACS_BROWSER (source_object);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GFile) file = NULL;

  set_busy (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), TRUE);
  if (path == NULL)
    {
      set_status (self, error->message);
      return;
    }
  file = g_file_new_for_path (path);
  np_window_open_file (self->window, file);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
open_series (NpPacsBrowser *self,
             guint          index)
{
  Job *job;

  if (index >= self->series->len)
    return;
  if (np_pacs_query_result_get_content (g_ptr_array_index (self->series, index))
      == NP_PACS_CONTENT_REPORT)
    {
      set_status (self, _("A report is a PDF document: NeedlePlan opens images and plans; "
                          "its plan is the study’s “Plan” series"));
      return;
    }
  job = g_new0 (Job, 1);
  job->kind = JOB_OPEN;
  job->destination = dup_destination (self);
  job->series = np_pacs_query_result_copy (g_ptr_array_index (self->series, index));
  if (job->destination == NULL)
    {
      job_free (job);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), FALSE);
  set_status (self, _("Retrieving…"));
  run_job (self, job, self->cancellable, open_done_cb);
}

static void
open_clicked_cb (NpPacsBrowser *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->series_list);

  if (row != NULL)
    open_series (self, (guint) gtk_list_box_row_get_index (row));
}

static void
series_activated_cb (NpPacsBrowser *self,
                     GtkListBoxRow *row)
{
  open_series (self, (guint) gtk_list_box_row_get_index (row));
}

static void
series_selected_cb (NpPacsBrowser *self,
                    GtkListBoxRow *row)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), row != NULL);
}

/* GObject */

static void
np_pacs_browser_dispose (GObject *object)
{
  NpPacsBrowser *self = NP_PACS_BROWSER (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->thumbnails_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->thumbnails_cancellable);
  g_clear_pointer (&self->destinations, g_ptr_array_unref);
  g_clear_pointer (&self->studies, g_ptr_array_unref);
  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->pictures, g_ptr_array_unref);
  g_clear_object (&self->cache);
  /* The lists unselect their rows as they go: nothing left to update. */
  if (self->studies_list != NULL)
    g_signal_handlers_disconnect_by_data (self->studies_list, self);
  if (self->series_list != NULL)
    g_signal_handlers_disconnect_by_data (self->series_list, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_PACS_BROWSER);
  G_OBJECT_CLASS (np_pacs_browser_parent_class)->dispose (object);
}

static void
np_pacs_browser_class_init (NpPacsBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_pacs_browser_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-pacs-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, open_button);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, spinner);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, destination_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, patient_name_entry);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, patient_id_entry);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, accession_entry);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, date_entry);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, search_button);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, status_label);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, studies_list);
  gtk_widget_class_bind_template_child (widget_class, NpPacsBrowser, series_list);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
np_pacs_browser_init (NpPacsBrowser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->studies = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_query_result_free);
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_query_result_free);
  self->pictures = g_ptr_array_new ();
  self->cache = np_pacs_cache_new_default ();
  self->thumbnails_cancellable = g_cancellable_new ();

  g_signal_connect_swapped (self->search_button, "clicked", G_CALLBACK (search_cb), self);
  g_signal_connect_swapped (self->open_button, "clicked", G_CALLBACK (open_clicked_cb), self);
  g_signal_connect_swapped (self->studies_list, "row-selected", G_CALLBACK (study_selected_cb),
                            self);
  g_signal_connect_swapped (self->series_list, "row-selected", G_CALLBACK (series_selected_cb),
                            self);
  g_signal_connect_swapped (self->series_list, "row-activated", G_CALLBACK (series_activated_cb),
                            self);
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->search_button));
}

/**
 * np_pacs_browser_new:
 * @destinations: (transfer none) (element-type NpPacsDestination): the
 *   PACS destinations set up in Preferences
 *
 * Opens what is chosen into @window.
 */
NpPacsBrowser *
np_pacs_browser_new (NpWindow  *window,
                     GPtrArray *destinations)
{
  NpPacsBrowser *self;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint usable = 0;

  g_return_val_if_fail (NP_IS_WINDOW (window), NULL);
  g_return_val_if_fail (destinations != NULL, NULL);

  self = g_object_new (NP_TYPE_PACS_BROWSER, "transient-for", window, NULL);
  self->window = window;
  self->destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_destination_free);
  for (guint i = 0; i < destinations->len; i++)
    {
      const NpPacsDestination *destination = g_ptr_array_index (destinations, i);

      /* Only one that can be searched is listed. */
      if (!np_pacs_destination_has_dicomweb (destination)
          && !np_pacs_destination_has_dimse (destination))
        continue;
      g_ptr_array_add (self->destinations, np_pacs_destination_copy (destination));
      gtk_string_list_append (names, destination->name);
      usable++;
    }
  gtk_drop_down_set_model (self->destination_dropdown, G_LIST_MODEL (names));
  if (usable == 0)
    {
      set_status (self, _("No PACS is set up: add one under Preferences → PACS"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), FALSE);
    }
  else
    set_status (self, _("Search by patient name or ID, accession number or study date; "
                        "leave every field empty to list every study"));
  return self;
}

gboolean
np_pacs_browser_get_busy (NpPacsBrowser *self)
{
  g_return_val_if_fail (NP_IS_PACS_BROWSER (self), FALSE);
  return self->busy > 0;
}

guint
np_pacs_browser_get_n_studies (NpPacsBrowser *self)
{
  g_return_val_if_fail (NP_IS_PACS_BROWSER (self), 0);
  return self->studies->len;
}

guint
np_pacs_browser_get_n_series (NpPacsBrowser *self)
{
  g_return_val_if_fail (NP_IS_PACS_BROWSER (self), 0);
  return self->series->len;
}

guint
np_pacs_browser_get_n_thumbnails (NpPacsBrowser *self)
{
  g_return_val_if_fail (NP_IS_PACS_BROWSER (self), 0);
  return self->n_thumbnails;
}

/**
 * np_pacs_browser_get_series:
 *
 * Returns: (transfer none) (nullable): the series listed at @index
 */
const NpPacsQueryResult *
np_pacs_browser_get_series (NpPacsBrowser *self,
                            guint          index)
{
  g_return_val_if_fail (NP_IS_PACS_BROWSER (self), NULL);
  return index < self->series->len ? g_ptr_array_index (self->series, index) : NULL;
}
