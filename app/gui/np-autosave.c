/* np-autosave.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-autosave"

#include "config.h"

#include "np-autosave.h"

#include "np-autosave-record.h"
#include "np-planner.h"

#include <errno.h>
#include <glib/gstdio.h>

/* What goes into the file is the core's (NpAutosaveRecord); this object
 * only decides when to write it and when to remove it. */

struct _NpAutosave
{
  GObject parent_instance;

  /* Owned */
  NpDocument *document;
  NpPlanAnalysis *analysis;
  char *path;

  guint idle_source;        /* NP_AUTOSAVE_IDLE_MS after the last edit */
  guint max_delay_source;   /* NP_AUTOSAVE_MAX_DELAY_MS after the first unsaved edit */
  guint64 written_revision; /* the document revision on disk; 0: no file */
  gboolean written;
  gboolean failing;         /* the last write failed; reported once */
};

G_DEFINE_FINAL_TYPE (NpAutosave, np_autosave, G_TYPE_OBJECT)

enum {
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Writing */

static void
clear_timers (NpAutosave *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->max_delay_source, g_source_remove);
}

/* Whether the document holds work that is not on disk and can be brought
 * back: without the frame's file there is nothing to recover onto. */
static gboolean
has_unsaved_work (NpAutosave *self)
{
  NpFrame *frame = np_document_get_frame (self->document);

  return frame != NULL && np_frame_get_source_path (frame) != NULL &&
         np_document_get_dirty (self->document);
}

/**
 * np_autosave_save_now:
 *
 * Writes the document's plan now if it has unsaved changes not written yet.
 *
 * Returns: %FALSE with @error set when the file could not be written
 */
gboolean
np_autosave_save_now (NpAutosave  *self,
                      GError     **error)
{
  const NpPlan *plan;
  NpFrame *frame;
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  const NpPlanResults *current;
  guint64 revision;

  g_return_val_if_fail (NP_IS_AUTOSAVE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  clear_timers (self);
  if (!has_unsaved_work (self))
    return TRUE;
  revision = np_document_get_revision (self->document);
  if (self->written && revision == self->written_revision)
    return TRUE;

  plan = np_document_get_plan (self->document);
  frame = np_document_get_frame (self->document);
  record = np_autosave_record_new (self->path, plan, np_frame_get_source_path (frame),
                                   np_document_get_path (self->document));
  /* The results go into the file as they go into a saved plan, for whoever
   * reads it; they are recomputed, not trusted, on recovery. The intervals
   * are not waited for: a Monte Carlo every few seconds would cost more than
   * the autosave is worth. */
  current = np_plan_analysis_get_results (self->analysis);
  results = current != NULL ? np_plan_results_copy (current) : NULL;
  if (!np_autosave_record_save (record, results, error))
    return FALSE;

  self->written = TRUE;
  self->written_revision = revision;
  return TRUE;
}

static void
write_now (NpAutosave *self)
{
  g_autoptr(GError) error = NULL;

  if (np_autosave_save_now (self, &error))
    {
      self->failing = FALSE;
      return;
    }
  g_info ("Autosave failed: %s", error->message);
  /* A full disk would otherwise be reported every few seconds. */
  if (!self->failing)
    g_signal_emit (self, signals[FAILED], 0, error);
  self->failing = TRUE;
}

static gboolean
idle_timer_cb (gpointer data)
{
  NpAutosave *self = NP_AUTOSAVE (data);

  /* write_now clears the other timer too. */
  self->idle_source = 0;
  write_now (self);
  return G_SOURCE_REMOVE;
}

static gboolean
max_delay_timer_cb (gpointer data)
{
  NpAutosave *self = NP_AUTOSAVE (data);

  self->max_delay_source = 0;
  write_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (NpAutosave *self)
{
  if (!has_unsaved_work (self))
    return;
  g_clear_handle_id (&self->idle_source, g_source_remove);
  self->idle_source = g_timeout_add (NP_AUTOSAVE_IDLE_MS, idle_timer_cb, self);
  if (self->max_delay_source == 0)
    self->max_delay_source = g_timeout_add (NP_AUTOSAVE_MAX_DELAY_MS, max_delay_timer_cb,
                                            self);
}

/**
 * np_autosave_discard:
 *
 * Removes the autosave file (the plan was saved, or the user closed it).
 */
void
np_autosave_discard (NpAutosave *self)
{
  g_return_if_fail (NP_IS_AUTOSAVE (self));

  clear_timers (self);
  if (g_unlink (self->path) != 0 && errno != ENOENT)
    g_info ("Cannot remove the autosave file %s: %s", self->path, g_strerror (errno));
  self->written = FALSE;
  self->written_revision = 0;
}

static void
document_changed_cb (NpAutosave *self,
                     NpDocument *document)
{
  schedule (self);
}

static void
document_dirty_cb (NpAutosave *self,
                   GParamSpec *pspec,
                   NpDocument *document)
{
  /* Clean: saved, or started over on another frame. */
  if (np_document_get_dirty (document))
    schedule (self);
  else
    np_autosave_discard (self);
}

/* GObject */

static void
np_autosave_dispose (GObject *object)
{
  NpAutosave *self = NP_AUTOSAVE (object);

  /* Disposed on a clean close or quit: the user saved or chose to discard. */
  if (self->document != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document, self);
      np_autosave_discard (self);
    }
  g_clear_object (&self->document);
  g_clear_object (&self->analysis);

  G_OBJECT_CLASS (np_autosave_parent_class)->dispose (object);
}

static void
np_autosave_finalize (GObject *object)
{
  NpAutosave *self = NP_AUTOSAVE (object);

  g_free (self->path);

  G_OBJECT_CLASS (np_autosave_parent_class)->finalize (object);
}

static void
np_autosave_class_init (NpAutosaveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_autosave_dispose;
  object_class->finalize = np_autosave_finalize;

  /**
   * NpAutosave::failed:
   * A write failed (the state folder is full or not writable); emitted once
   * until a write succeeds again.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
np_autosave_init (NpAutosave *self)
{
}

/**
 * np_autosave_new:
 * @directory: (nullable): where to write; %NULL for
 *   np_autosave_record_get_default_directory()
 *
 * Keeps the unsaved plan of @analysis's document, with its results, in
 * `DIRECTORY/<random id>.json` while it has unsaved changes, and removes the
 * file when the document is saved, starts over, or this object is disposed.
 */
NpAutosave *
np_autosave_new (NpPlanAnalysis *analysis,
                 const char     *directory)
{
  NpAutosave *self;
  NpDocument *document;
  g_autofree char *default_directory = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("%s.json", uuid);

  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (analysis), NULL);

  document = np_plan_analysis_get_document (analysis);
  if (directory == NULL)
    directory = default_directory = np_autosave_record_get_default_directory ();

  self = g_object_new (NP_TYPE_AUTOSAVE, NULL);
  self->analysis = g_object_ref (analysis);
  self->document = g_object_ref (document);
  self->path = g_build_filename (directory, name, NULL);
  g_signal_connect_swapped (document, "changed", G_CALLBACK (document_changed_cb), self);
  g_signal_connect_swapped (document, "notify::dirty", G_CALLBACK (document_dirty_cb), self);
  return self;
}

/**
 * np_autosave_get_document:
 *
 * Returns: (transfer none): the document kept
 */
NpDocument *
np_autosave_get_document (NpAutosave *self)
{
  g_return_val_if_fail (NP_IS_AUTOSAVE (self), NULL);

  return self->document;
}

/**
 * np_autosave_get_path:
 *
 * Returns: the file the plan is written to (it exists only while there are
 *   unsaved changes)
 */
const char *
np_autosave_get_path (NpAutosave *self)
{
  g_return_val_if_fail (NP_IS_AUTOSAVE (self), NULL);

  return self->path;
}
