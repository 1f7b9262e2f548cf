/* np-prefetch.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-prefetch"

#include "np-prefetch.h"

#include "np-dicom-helper.h"

#include "np-file.h"
#include "np-frame.h"
#include "np-png.h"

#include <stdio.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

struct _NpPrefetch
{
  gatomicrefcount ref_count;
  GFile *file;
  char *path;
  int view_width;
  int view_height;

  /* Guarded by lock; the two threads each hold a reference until done. */
  GMutex lock;
  GCond done_cond;
  gboolean image_done;
  gboolean hash_done;
  gboolean taken;
  NpCanvasImage *image;
  char *sha256;
  GError *error;
};

static gint64 trace_start;

/**
 * np_prefetch_trace:
 * @what: the moment reached ("gtk initialised")
 *
 * With NP_TRACE_STARTUP set, prints the milliseconds since the first call
 * and @what to stderr: the start-up profile of docs/performance.md.
 */
void
np_prefetch_trace (const char *what)
{
  static int enabled = -1;
  gint64 now = g_get_monotonic_time ();

  if (enabled < 0)
    {
      enabled = g_getenv ("NP_TRACE_STARTUP") != NULL;
      trace_start = now;
    }
  if (enabled)
    fprintf (stderr, "needleplan: %7.1f ms  %s\n", (now - trace_start) / 1000.0, what);
}

typedef struct
{
  NpPrefetch *prefetch;
  GBytes *bytes;
} HashJob;

/* The checksum (for the plan's record) is of the bytes the decoder reads,
 * never of the path read again. Two cores have the main thread (GTK
 * starting) and the decoder to run first: the checksum takes the time
 * either leaves, the main thread's waits for the X server and for the
 * decoder. */
static gpointer
hash_thread (gpointer data)
{
  HashJob *job = data;
  NpPrefetch *self = job->prefetch;
  const guint8 *bytes;
  gsize length;
  char *sha256;

#ifdef __linux__
  /* On Linux the nice value is per thread. */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 19);
#endif
  bytes = g_bytes_get_data (job->bytes, &length);
  sha256 = np_file_sha256_of_data (bytes, length);

  np_prefetch_trace ("prefetch: checksum ready");
  g_mutex_lock (&self->lock);
  self->sha256 = sha256;
  self->hash_done = TRUE;
  g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->lock);
  g_bytes_unref (job->bytes);
  np_prefetch_unref (self);
  g_free (job);
  return NULL;
}

/* Reads the file once; the hash thread and the decoder share its bytes. */
static gpointer
decode_thread (gpointer data)
{
  NpPrefetch *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = np_frame_read (self->path, &error);
  g_autoptr(NpFrame) frame = NULL;
  NpCanvasImage *image = NULL;

  if (bytes != NULL)
    {
      g_autofree char *display = g_filename_display_name (self->path);
      HashJob *job = g_new0 (HashJob, 1);
      const guint8 *contents;
      gsize length;

      job->prefetch = np_prefetch_ref (self);
      job->bytes = g_bytes_ref (bytes);
      g_thread_unref (g_thread_new ("np-prefetch-hash", hash_thread, job));
      contents = g_bytes_get_data (bytes, &length);
      frame = np_frame_load_from_memory (contents, length, display, &error);
      if (frame != NULL)
        np_frame_set_source_path (frame, self->path);
    }
  else
    {
      /* Nothing to hash: the load fails with the read's error. */
      g_mutex_lock (&self->lock);
      self->hash_done = TRUE;
      g_mutex_unlock (&self->lock);
    }
  np_prefetch_trace ("prefetch: decoded");
  if (frame != NULL)
    image = np_canvas_image_new_for_view (frame, self->view_width, self->view_height);
  np_prefetch_trace ("prefetch: display texture ready");

  g_mutex_lock (&self->lock);
  self->image = image;
  self->error = g_steal_pointer (&error);
  self->image_done = TRUE;
  g_cond_broadcast (&self->done_cond);
  g_mutex_unlock (&self->lock);
  np_prefetch_unref (self);
  return NULL;
}

/**
 * np_prefetch_new:
 * @file: a frame with a local path
 * @view_width, @view_height: the largest view the frame is first shown in
 *
 * Starts reading @file in worker threads. Dropping the last reference does
 * not wait for them: they finish on their own and free what they made.
 *
 * Returns: (transfer full) (nullable): the prefetch, or %NULL when @file
 *   has no local path
 */
NpPrefetch *
np_prefetch_new (GFile *file,
                 int    view_width,
                 int    view_height)
{
  NpPrefetch *self;
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  /* A DICOM file is read by an importer process the window keeps for it. */
  if (path == NULL || np_dicom_helper_file_is_dicom (path))
    return NULL;

  self = g_new0 (NpPrefetch, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->file = g_object_ref (file);
  self->path = g_steal_pointer (&path);
  self->view_width = view_width;
  self->view_height = view_height;
  g_mutex_init (&self->lock);
  g_cond_init (&self->done_cond);

  g_thread_unref (g_thread_new ("np-prefetch", decode_thread, np_prefetch_ref (self)));
  return self;
}

static gboolean
is_png_name (const char *arg)
{
  g_autofree char *lower = g_ascii_strdown (arg, -1);

  return g_str_has_suffix (lower, ".png");
}

/**
 * np_prefetch_new_for_args:
 *
 * Prefetches the first PNG frame named in @argv (what GApplication will
 * pass to #GApplication::open), for the window's default size. Options and
 * plan files are left to the application.
 *
 * Returns: (transfer full) (nullable): the prefetch, or %NULL
 */
NpPrefetch *
np_prefetch_new_for_args (int    argc,
                          char **argv)
{
  gboolean options_ended = FALSE;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = NULL;

      if (!options_ended && g_strcmp0 (argv[i], "--") == 0)
        {
          options_ended = TRUE;
          continue;
        }
      if (!options_ended && argv[i][0] == '-')
        continue;
      if (!is_png_name (argv[i]))
        return NULL;
      file = g_file_new_for_commandline_arg (argv[i]);
      return np_prefetch_new (file, NP_PREFETCH_VIEW_WIDTH, NP_PREFETCH_VIEW_HEIGHT);
    }
  return NULL;
}

NpPrefetch *
np_prefetch_ref (NpPrefetch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
np_prefetch_unref (NpPrefetch *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->file);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->image, np_canvas_image_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_error (&self->error);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->done_cond);
  g_free (self);
}

/**
 * np_prefetch_get_file:
 *
 * Returns: (transfer none): the frame being read
 */
GFile *
np_prefetch_get_file (NpPrefetch *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->file;
}

/**
 * np_prefetch_is_done:
 *
 * Returns: whether the worker threads have finished (np_prefetch_finish()
 *   would not wait)
 */
gboolean
np_prefetch_is_done (NpPrefetch *self)
{
  gboolean done;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->lock);
  done = self->image_done && self->hash_done;
  g_mutex_unlock (&self->lock);
  return done;
}

/**
 * np_prefetch_finish:
 * @image: (out) (transfer full): the frame made ready for the canvas
 * @sha256: (out) (transfer full) (nullable): the file's checksum, %NULL
 *   when it could not be read again
 *
 * Waits for the worker threads, so call it from a thread of its own (the
 * window's loading task). Only one caller gets the result.
 *
 * Returns: %FALSE with @error set when the frame could not be read
 */
gboolean
np_prefetch_finish (NpPrefetch     *self,
                    NpCanvasImage **image,
                    char          **sha256,
                    GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (image != NULL && sha256 != NULL, FALSE);

  g_mutex_lock (&self->lock);
  while (!self->image_done || !self->hash_done)
    g_cond_wait (&self->done_cond, &self->lock);
  if (self->taken)
    {
      g_mutex_unlock (&self->lock);
      g_critical ("%s: the prefetched frame was already taken", G_STRFUNC);
      return FALSE;
    }
  self->taken = TRUE;
  ok = self->image != NULL;
  if (ok)
    {
      *image = g_steal_pointer (&self->image);
      *sha256 = g_steal_pointer (&self->sha256);
    }
  else
    g_propagate_error (error, g_steal_pointer (&self->error));
  g_mutex_unlock (&self->lock);
  return ok;
}
