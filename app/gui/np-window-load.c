/* np-window-load.c — reading a frame off the main thread
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

#include <glib/gi18n.h>

#include "np-application.h"
#include "np-auto-calibration.h"
#include "np-calibration.h"
#include "np-capture-plan.h"
#include "np-cine.h"
#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-file.h"
#include "np-plan-file.h"
#include "np-jpeg.h"
#include "np-png.h"
#include "np-prefetch.h"

#include <glib/gi18n.h>

/* Loading */

typedef struct
{
  GFile *file;             /* the frame */
  NpPlan *plan;            /* the plan it belongs to, or NULL for a new plan */
  char *plan_path;         /* where that plan is, or NULL */
  gboolean relocated;      /* the user located the frame: the plan changed */
  NpPrefetch *prefetch;    /* the frame read since start-up, or NULL */
} LoadRequest;

typedef struct
{
  NpFrame *frame;
  NpCanvasImage *image;    /* the frame made ready for the canvas, off the main thread */
  NpDicomHelper *helper;   /* the importer of a DICOM file, kept while it is open */
  char *sha256;            /* of the file as read, NULL when unknown */
  gboolean checked;        /* a plan's frame was compared with its SHA-256 */
  NpPlanFrameCheck check;
  char *source_mismatch;   /* why the file is not the DICOM image of the plan, or NULL */
  NpAutoCalibration *detection; /* the depth scale looked for here, or NULL */
  NpCapturePlan *capture;  /* the plan a NeedlePlan Secondary Capture carries, or NULL */
  GFile *source_file;      /* the capture's source frame, shown instead of it, or NULL */
  GError *capture_error;   /* why a capture's plan could not be reopened */
} LoadResult;

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->file);
  g_clear_pointer (&request->plan, np_plan_free);
  g_clear_pointer (&request->plan_path, g_free);
  g_clear_pointer (&request->prefetch, np_prefetch_unref);
  g_free (request);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->frame, np_frame_unref);
  g_clear_pointer (&result->image, np_canvas_image_free);
  g_clear_pointer (&result->sha256, g_free);
  g_clear_pointer (&result->source_mismatch, g_free);
  g_clear_pointer (&result->detection, np_auto_calibration_free);
  g_clear_pointer (&result->capture, np_capture_plan_free);
  g_clear_object (&result->source_file);
  g_clear_error (&result->capture_error);
  if (result->helper != NULL)
    np_dicom_helper_close (result->helper);
  g_clear_object (&result->helper);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

/* A DICOM file opens in an importer process of its own, kept for the
 * file's other frames; @index is the 0-based frame the plan names. */
static NpFrame *
load_dicom (const char     *path,
            guint           index,
            NpDicomHelper **helper_out,
            GError        **error)
{
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (path, error);
  NpFrame *frame;

  if (helper == NULL || !np_dicom_helper_open (helper, error))
    return NULL;
  if (index >= np_dicom_helper_get_info (helper)->frames)
    {
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("Cannot open “%s”: the plan was made on frame %u, but the file has %u frames"),
                   name, index + 1, np_dicom_helper_get_info (helper)->frames);
      np_dicom_helper_close (helper);
      return NULL;
    }
  frame = np_dicom_helper_read_frame (helper, index, error);
  if (frame == NULL)
    {
      /* No importer outlives a file that could not be shown. */
      np_dicom_helper_close (helper);
      return NULL;
    }
  *helper_out = g_steal_pointer (&helper);
  return frame;
}

static NpFrame *
load_frame (GFile          *file,
            guint           dicom_index,
            GCancellable   *cancellable,
            char          **sha256,
            NpDicomHelper **helper,
            GError        **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  NpFrame *frame;
  gsize length = 0;

  if (path != NULL)
    {
      /* The content decides, not the name: DICOM files often have none. */
      /* A PNG or JPEG is read once: the checksum is of the bytes decoded,
       * so the frame cannot be swapped between the two. */
      if (!np_dicom_helper_file_is_dicom (path))
        return np_frame_load_hashed (path, sha256, error);
      {
        struct stat pinned;
        /* The checksum is for the record: a frame that cannot be hashed is
         * still shown, and saved plans then say they have no checksum. It
         * is taken before the importer reads the file by its name, which
         * must then still lead to the bytes hashed. */
        g_autofree char *hashed = np_file_sha256_pinned (path, &pinned, NULL);

        frame = load_dicom (path, dicom_index, helper, error);
        if (frame != NULL && hashed != NULL && !np_file_still_pinned (path, &pinned, error))
          {
            g_clear_pointer (&frame, np_frame_unref);
            np_dicom_helper_close (*helper);
            g_clear_object (helper);
            return NULL;
          }
        if (frame != NULL)
          *sha256 = g_steal_pointer (&hashed);
      }
      return frame;
    }

  /* Not a local path (a network share, a document portal): read it whole,
   * after checking its size against the same limit the loader applies. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info != NULL &&
      (guint64) g_file_info_get_size (info) > MAX (NP_PNG_MAX_FILE_SIZE, NP_JPEG_MAX_FILE_SIZE))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("Cannot open “%s”: the file is larger than the %u MB limit"), name,
                   (guint) (MAX (NP_PNG_MAX_FILE_SIZE, NP_JPEG_MAX_FILE_SIZE) / (1024 * 1024)));
      return NULL;
    }
  if (info == NULL ||
      !g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot open “%s”: %s"), name,
                   local_error->message);
      return NULL;
    }
  frame = np_frame_load_from_memory ((const guint8 *) contents, length, name, error);
  if (frame != NULL)
    *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  return frame;
}

static void
close_helper (NpDicomHelper **helper)
{
  if (*helper != NULL)
    np_dicom_helper_close (*helper);
  g_clear_object (helper);
}

/* A NeedlePlan Secondary Capture opened as a frame reopens as the plan it
 * carries: on its source frame when that is found and reads, else on the
 * capture's own pixels (np-capture-plan.c). A plan that cannot be read
 * leaves the capture shown as an image, with the reason. */
static void
reopen_capture (GFile        *file,
                LoadResult   *result,
                GCancellable *cancellable)
{
  const NpDicomInfo *info = np_frame_get_dicom_info (result->frame);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(NpPacsCache) cache = NULL;
  g_autoptr(GFile) source = NULL;
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;
  NpDicomHelper *helper = NULL;
  NpFrame *frame;

  if (info == NULL || !info->needleplan_plan_inside || path == NULL)
    return;
  cache = np_pacs_cache_new_default ();
  result->capture = np_capture_plan_new (info, path, cache, &result->capture_error);
  if (result->capture == NULL || result->capture->on_capture)
    return;

  source = g_file_new_for_path (result->capture->frame_path);
  frame = load_frame (source, result->capture->frame_index, cancellable, &sha256, &helper, &error);
  if (frame == NULL)
    {
      g_info ("%s", error->message);
      g_clear_pointer (&result->capture, np_capture_plan_free);
      result->capture = np_capture_plan_new_on_capture (info, path, &result->capture_error);
      return;
    }
  close_helper (&result->helper);
  result->helper = helper;
  g_clear_pointer (&result->frame, np_frame_unref);
  result->frame = frame;
  g_free (result->sha256);
  result->sha256 = g_steal_pointer (&sha256);
  g_clear_pointer (&result->image, np_canvas_image_free);
  result->image = np_canvas_image_new_for_view (frame, NP_PREFETCH_VIEW_WIDTH,
                                                NP_PREFETCH_VIEW_HEIGHT);
  result->source_file = g_steal_pointer (&source);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  GError *error = NULL;

  if (request->prefetch != NULL)
    {
      if (!np_prefetch_finish (request->prefetch, &result->image, &result->sha256, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      result->frame = np_frame_ref (result->image->frame);
    }
  else
    {
      guint dicom_index = request->plan != NULL && request->plan->dicom_frame_number > 0
                          ? request->plan->dicom_frame_number - 1 : 0;

      result->frame = load_frame (request->file, dicom_index, cancellable, &result->sha256,
                                  &result->helper, &error);
      if (result->frame == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      result->image = np_canvas_image_new_for_view (result->frame, NP_PREFETCH_VIEW_WIDTH,
                                                    NP_PREFETCH_VIEW_HEIGHT);
    }
  /* The depth scale of a frame that may need one, here so that its offer
   * comes with the frame (issue 17: it costs about one PNG decode); not
   * for an open already replaced by another. */
  if (request->plan == NULL)
    reopen_capture (request->file, result, cancellable);
  if (!g_cancellable_is_cancelled (cancellable) && result->capture == NULL
      && (request->plan == NULL
          || (request->plan->modality == NP_MODALITY_ULTRASOUND
              && !np_calibration_is_calibrated (request->plan->calibration))))
    result->detection = np_auto_calibration_detect (result->frame, NULL);
  if (request->plan != NULL && request->plan_path != NULL)
    {
      g_autofree char *frame_path = g_file_get_path (request->file);
      g_autoptr(GError) source_error = NULL;

      /* Compared with the checksum of the bytes shown, not of the file
       * read once more. */
      result->checked = TRUE;
      result->check = np_plan_file_compare_frame (request->plan, result->sha256);
      /* The SOP Instance UID the plan records (core, as for the CLI). */
      if (frame_path != NULL
          && !np_plan_file_check_dicom_source (request->plan, request->plan_path, frame_path,
                                               np_frame_get_dicom_info (result->frame),
                                               &source_error))
        result->source_mismatch = g_strdup (source_error->message);
    }
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) load_result_free);
}

/* The file found for a plan is not the DICOM image it was made on (its SOP
 * Instance UID differs, or the plan's frame is past the file's end). */
static void
warn_source_mismatch (NpWindow   *self,
                      const char *problem)
{
  g_autofree char *body = g_strdup_printf (_("%s. The marks may not sit on the anatomy they "
                                             "were placed on: check every mark before relying "
                                             "on the plan."), problem);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Not the Image of This Plan"), body));
  adw_message_dialog_add_response (dialog, "close", _("_I Will Check the Marks"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Says in words how a Secondary Capture's plan was reopened; on the
 * capture's pixels the note stays until dismissed. */
static void
note_capture (NpWindow   *self,
              GFile      *file,
              LoadResult *loaded)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *display = g_filename_display_name (name);
  g_autofree char *note = NULL;
  AdwToast *toast;

  g_clear_pointer (&self->capture_note, g_free);
  if (loaded->capture_error != NULL)
    note = g_strdup_printf (_("The NeedlePlan plan inside “%s” cannot be reopened, so the file "
                              "is shown as an image: %s"), display,
                            loaded->capture_error->message);
  else if (loaded->capture != NULL && loaded->capture->on_capture)
    note = g_strdup_printf (_("The plan inside “%s” is open on the capture’s own pixels, since its "
                              "source frame “%s” was not found. The overlay and caption saved with "
                              "it are burned into the image; the marks drawn over them can be "
                              "edited."), display, loaded->capture->source_name);
  else if (loaded->capture != NULL)
    note = g_strdup_printf (_("The plan inside “%s” is open on its source frame “%s”."), display,
                            loaded->capture->source_name);
  if (note == NULL)
    return;
  /* A toast shows one line: the burned-in overlay comes first. */
  if (loaded->capture != NULL && loaded->capture->on_capture)
    {
      g_autofree char *line = g_strdup_printf (_("Overlay burned in: the plan is on “%s” itself "
                                                 "(source “%s” not found)"),
                                               display, loaded->capture->source_name);
      toast = adw_toast_new (line);
    }
  else
    toast = adw_toast_new (note);
  if (loaded->capture_error != NULL || loaded->capture->on_capture)
    adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  self->capture_note = g_steal_pointer (&note);
}

static void
load_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpWindow *self = NP_WINDOW (source_object);
  GTask *task = G_TASK (result);
  LoadRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(LoadResult) loaded = g_task_propagate_pointer (task, &error);
  GFile *shown;
  NpPlan *plan;

  /* A newer open replaced this one, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  _np_window_set_loading (self, FALSE);

  if (loaded == NULL)
    {
      g_info ("%s", error->message);
      _np_window_forget_recent (request->file);
      if (request->plan_path != NULL)
        {
          g_autoptr(GFile) plan_file = g_file_new_for_path (request->plan_path);

          _np_window_forget_recent (plan_file);
        }
      np_window_show_error (self, _("Could Not Open the Frame"), error);
      return;
    }

  shown = loaded->source_file != NULL ? loaded->source_file : request->file;
  if (request->plan != NULL)
    plan = g_steal_pointer (&request->plan);
  else if (loaded->capture != NULL)
    plan = g_steal_pointer (&loaded->capture->plan);
  else
    plan = _np_window_new_plan_for_frame (self, request->file, loaded->frame, loaded->sha256);
  _np_window_set_cine (self, loaded->helper, loaded->frame, plan);
  /* The window's cine keeps the importer running now. */
  g_clear_object (&loaded->helper);

  self->frame_mismatch = request->plan_path != NULL
                         && ((loaded->checked && loaded->check == NP_PLAN_FRAME_DIFFERS)
                             || loaded->source_mismatch != NULL);
  self->frame_unverified = request->plan_path != NULL && loaded->checked
                           && loaded->check == NP_PLAN_FRAME_UNVERIFIED;
  _np_window_set_calibration_detection (self, loaded->frame,
                                        g_steal_pointer (&loaded->detection));
  _np_window_show_frame (self, shown, loaded->image, plan, request->plan_path);
  note_capture (self, request->file, loaded);
  /* Saving records the checksum of what is shown, even if the file has
   * been replaced since. */
  g_free (self->frame_sha256);
  self->frame_sha256 = g_steal_pointer (&loaded->sha256);
  if (request->relocated)
    {
      /* The plan now names the located frame: saving it keeps that. */
      np_document_set_dirty (self->document, TRUE);
      _np_window_update_title (self);
    }
  /* Another image altogether says more than changed bytes: one warning. */
  if (loaded->source_mismatch != NULL)
    warn_source_mismatch (self, loaded->source_mismatch);
  else if (request->plan_path != NULL && loaded->checked
           && loaded->check != NP_PLAN_FRAME_MATCHES)
    _np_window_warn_frame_mismatch (self, request->plan_path, loaded->check);
}

/**
 * _np_window_load_frame:
 * @plan: (transfer full) (nullable): the plan of the frame, or %NULL to
 *   start a new plan on it
 * @plan_path: (nullable): where @plan is; its frame's SHA-256 is checked
 * @relocated: the user located a missing frame; the plan is marked changed
 *
 * Reads @frame_file in a worker thread and shows it with @plan.
 */
void
_np_window_load_frame (NpWindow   *self,
                       GFile      *frame_file,
                       NpPlan     *plan,
                       const char *plan_path,
                       gboolean    relocated)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request = g_new0 (LoadRequest, 1);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  request->file = g_object_ref (frame_file);
  request->plan = plan;
  request->plan_path = g_strdup (plan_path);
  request->relocated = relocated;
  /* The frame named on the command line was read while GTK started. */
  if (NP_IS_APPLICATION (application))
    request->prefetch = np_application_take_prefetch (NP_APPLICATION (application), frame_file);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->load_cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, _np_window_load_frame);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  _np_window_set_loading (self, TRUE);
  g_task_run_in_thread (task, load_thread);
}
