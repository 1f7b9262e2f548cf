/* np-cine.c — the frames of one open multi-frame DICOM file
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-cine"

#include "config.h"

#include <math.h>

#include "np-cine.h"

#include "np-prefetch.h"

/* A loop whose file states no frame time plays at 25 frames per second. */
#define DEFAULT_FRAME_INTERVAL_MS 40
/* Faster than this the eye sees nothing more, and the importer falls behind. */
#define MIN_FRAME_INTERVAL_MS 10

/* NpCine keeps one importer process for as long as its file is open: the
 * start-up of about 60 ms is paid once, not per frame. The importer answers
 * one request at a time and blocks up to its time limit, so every request
 * runs in a worker thread and the lock keeps them in turn. An importer that
 * crashed or was stopped on a time limit is replaced by a new one at the
 * next request. */
struct _NpCine
{
  GObject parent_instance;

  char *path;
  guint n_frames;
  guint frame_interval_ms;

  GMutex lock;
  NpDicomHelper *helper;   /* under lock */
};

G_DEFINE_FINAL_TYPE (NpCine, np_cine, G_TYPE_OBJECT)

static void
np_cine_finalize (GObject *object)
{
  NpCine *self = NP_CINE (object);

  /* Every worker holds a reference: none runs now. */
  if (self->helper != NULL)
    np_dicom_helper_close (self->helper);
  g_clear_object (&self->helper);
  g_mutex_clear (&self->lock);
  g_free (self->path);

  G_OBJECT_CLASS (np_cine_parent_class)->finalize (object);
}

static void
np_cine_class_init (NpCineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_cine_finalize;
}

static void
np_cine_init (NpCine *self)
{
  g_mutex_init (&self->lock);
}

/**
 * np_cine_new:
 * @helper: an importer that opened @path
 * @path: the DICOM file
 *
 * Returns: (transfer full): the file's frames, read through @helper
 */
NpCine *
np_cine_new (NpDicomHelper *helper,
             const char    *path)
{
  NpCine *self;
  const NpDicomInfo *info;

  g_return_val_if_fail (NP_IS_DICOM_HELPER (helper), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  info = np_dicom_helper_get_info (helper);
  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (NP_TYPE_CINE, NULL);
  self->helper = g_object_ref (helper);
  self->path = g_strdup (path);
  self->n_frames = MAX (info->frames, 1);
  if (isfinite (info->frame_time_ms) && info->frame_time_ms > 0)
    self->frame_interval_ms = MAX ((guint) (info->frame_time_ms + 0.5), MIN_FRAME_INTERVAL_MS);
  else
    self->frame_interval_ms = DEFAULT_FRAME_INTERVAL_MS;
  return self;
}

guint
np_cine_get_n_frames (NpCine *self)
{
  g_return_val_if_fail (NP_IS_CINE (self), 0);

  return self->n_frames;
}

/**
 * np_cine_get_frame_interval:
 *
 * Returns: milliseconds between frames when playing: the file's frame time,
 *   or 40 ms (25 per second) when it states none
 */
guint
np_cine_get_frame_interval (NpCine *self)
{
  g_return_val_if_fail (NP_IS_CINE (self), DEFAULT_FRAME_INTERVAL_MS);

  return self->frame_interval_ms;
}

const char *
np_cine_get_path (NpCine *self)
{
  g_return_val_if_fail (NP_IS_CINE (self), NULL);

  return self->path;
}

/**
 * np_cine_get_pid:
 *
 * Returns: the importer's process id, or 0 when none runs
 */
GPid
np_cine_get_pid (NpCine *self)
{
  GPid pid = 0;

  g_return_val_if_fail (NP_IS_CINE (self), 0);

  g_mutex_lock (&self->lock);
  if (self->helper != NULL && np_dicom_helper_is_running (self->helper))
    pid = np_dicom_helper_get_pid (self->helper);
  g_mutex_unlock (&self->lock);
  return pid;
}

typedef struct
{
  guint index;
  int view_width;          /* the canvas image is made for this view */
  int view_height;
  gboolean thumbnail;      /* return the texture only */
} ReadRequest;

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  NpCine *self = NP_CINE (source_object);
  ReadRequest *request = task_data;
  guint index = request->index;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpCanvasImage) image = NULL;
  GError *error = NULL;

  g_mutex_lock (&self->lock);
  /* Stepping quickly queues requests the window no longer wants. */
  if (g_task_return_error_if_cancelled (task))
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  if (self->helper == NULL || !np_dicom_helper_is_running (self->helper))
    {
      g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (self->path, &error);

      if (helper != NULL && !np_dicom_helper_open (helper, &error))
        g_clear_object (&helper);
      g_clear_object (&self->helper);
      self->helper = g_steal_pointer (&helper);
    }
  if (self->helper != NULL)
    frame = np_dicom_helper_read_frame (self->helper, index, &error);
  g_mutex_unlock (&self->lock);

  if (frame == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  image = np_canvas_image_new_for_view (frame, request->view_width, request->view_height);
  if (request->thumbnail)
    g_task_return_pointer (task, g_object_ref (image->texture), g_object_unref);
  else
    g_task_return_pointer (task, g_steal_pointer (&image), (GDestroyNotify) np_canvas_image_free);
}

static void
start_read (NpCine              *self,
            guint                index,
            int                  view_width,
            int                  view_height,
            gboolean             thumbnail,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ReadRequest *request = g_new0 (ReadRequest, 1);

  request->index = index;
  request->view_width = view_width;
  request->view_height = view_height;
  request->thumbnail = thumbnail;
  g_task_set_source_tag (task, thumbnail ? (gpointer) np_cine_read_thumbnail_async
                                         : (gpointer) np_cine_read_frame_async);
  g_task_set_task_data (task, request, g_free);
  g_task_run_in_thread (task, read_thread);
}

/**
 * np_cine_read_frame_async:
 * @index: 0-based frame
 *
 * Reads frame @index in a worker thread and makes it ready for the canvas.
 */
void
np_cine_read_frame_async (NpCine              *self,
                          guint                index,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (NP_IS_CINE (self));
  g_return_if_fail (index < self->n_frames);

  start_read (self, index, NP_PREFETCH_VIEW_WIDTH, NP_PREFETCH_VIEW_HEIGHT, FALSE, cancellable,
              callback, user_data);
}

/**
 * np_cine_read_frame_finish:
 *
 * Returns: (transfer full) (nullable): the frame made ready for the canvas
 */
NpCanvasImage *
np_cine_read_frame_finish (NpCine        *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * np_cine_read_thumbnail_async:
 * @index: 0-based frame
 * @height: the thumbnail's height in pixels, roughly (the frame is reduced
 *   by a whole factor)
 *
 * Reads frame @index in a worker thread and makes a small texture of it,
 * through the frame's own window. Each thumbnail is one request, so the
 * frames the user steps to wait for one thumbnail at most.
 */
void
np_cine_read_thumbnail_async (NpCine              *self,
                              guint                index,
                              int                  height,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (NP_IS_CINE (self));
  g_return_if_fail (index < self->n_frames);
  g_return_if_fail (height > 0);

  start_read (self, index, height * 4, height, TRUE, cancellable, callback, user_data);
}

/**
 * np_cine_read_thumbnail_finish:
 *
 * Returns: (transfer full) (nullable): the thumbnail
 */
GdkTexture *
np_cine_read_thumbnail_finish (NpCine        *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
