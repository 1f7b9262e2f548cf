/* np-autosave.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-autosave"

#include "config.h"

#include "np-autosave.h"

#include "np-error.h"
#include "np-file.h"
#include "np-plan-file.h"
#include "np-planner.h"
#include "np-window-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* An autosave file holds a few kilobytes of JSON; anything much larger is
 * not ours. */
#define MAX_AUTOSAVE_BYTES (NP_PLAN_FILE_MAX_BYTES + 64 * 1024)

#define WINDOW_DATA_KEY "np-autosave"

struct _NpAutosave
{
  GObject parent_instance;

  /* Owned */
  NpDocument *document;
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

/**
 * np_autosave_get_default_directory:
 *
 * Returns: (transfer full): `$XDG_STATE_HOME/needleplan/autosave` (by
 *   default ~/.local/state/needleplan/autosave)
 */
char *
np_autosave_get_default_directory (void)
{
  return g_build_filename (g_get_user_state_dir (), "needleplan", "autosave", NULL);
}

/* Writing */

static void
clear_timers (NpAutosave *self)
{
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->max_delay_source, g_source_remove);
}

static char *
absolute_path (const char *path)
{
  return path != NULL ? g_canonicalize_filename (path, NULL) : NULL;
}

/* The planner's results go into the file like they go into a saved plan,
 * for whoever reads it; they are recomputed, not trusted, on recovery. The
 * intervals are left out: a Monte Carlo every few seconds would cost more
 * than the autosave is worth. */
static JsonNode *
compute_results (const NpPlan *plan,
                 NpFrame      *frame)
{
  NpPlannerOptions options;
  g_autoptr(NpPlanResults) results = NULL;

  np_planner_options_init (&options);
  if (!plan->calibration->has_region)
    {
      options.has_field = TRUE;
      options.field = (NpImageRect) { 0, 0, np_frame_get_width (frame),
                                      np_frame_get_height (frame) };
    }
  results = np_planner_compute (plan, &options, NULL);
  return results != NULL ? np_planner_results_to_json (results) : NULL;
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
serialise (NpAutosave  *self,
           GError     **error)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  NpFrame *frame = np_document_get_frame (self->document);
  g_autofree char *frame_path = absolute_path (np_frame_get_source_path (frame));
  g_autofree char *plan_path = absolute_path (np_document_get_path (self->document));
  g_autoptr(JsonNode) results = compute_results (plan, frame);
  g_autofree char *plan_json = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *saved = g_date_time_format_iso8601 (now);
  g_autoptr(NpPlan) named = NULL;

  /* A plan file names its frame (relative to the plan); a plan not given
   * one yet names it by its file name, as a new plan next to it would. */
  if (plan->frame_path == NULL)
    {
      g_autofree char *basename = g_path_get_basename (frame_path);

      named = np_plan_copy (plan);
      np_plan_set_string (&named->frame_path, basename);
      plan = named;
    }
  plan_json = np_plan_file_to_json (plan, results, error);
  if (plan_json == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, plan_json, -1, error))
    return NULL;

  json_builder_begin_object (builder);
  add_string_member (builder, "format", NP_AUTOSAVE_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, NP_AUTOSAVE_VERSION);
  json_builder_set_member_name (builder, "pid");
  json_builder_add_int_value (builder, getpid ());
  add_string_member (builder, "saved", saved);
  add_string_member (builder, "frame_path", frame_path);
  add_string_member (builder, "plan_path", plan_path);
  json_builder_set_member_name (builder, "plan");
  json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
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
  g_autofree char *text = NULL;
  g_autofree char *directory = NULL;
  guint64 revision;

  g_return_val_if_fail (NP_IS_AUTOSAVE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  clear_timers (self);
  if (!has_unsaved_work (self))
    return TRUE;
  revision = np_document_get_revision (self->document);
  if (self->written && revision == self->written_revision)
    return TRUE;

  text = serialise (self, error);
  if (text == NULL)
    return FALSE;
  directory = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;
      g_autoptr(GError) io_error = g_error_new_literal (G_FILE_ERROR,
                                                        g_file_error_from_errno (saved_errno),
                                                        g_strerror (saved_errno));

      np_file_set_error_from_io (error, io_error, "Cannot create the autosave folder", directory);
      return FALSE;
    }
  if (!np_file_write_atomic (self->path, text, strlen (text), error))
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
 *   np_autosave_get_default_directory()
 *
 * Keeps @document's unsaved plan in `DIRECTORY/<random id>.json` while it
 * has unsaved changes, and removes the file when the document is saved,
 * starts over, or this object is disposed.
 */
NpAutosave *
np_autosave_new (NpDocument *document,
                 const char *directory)
{
  NpAutosave *self;
  g_autofree char *default_directory = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *name = g_strdup_printf ("%s.json", uuid);

  g_return_val_if_fail (NP_IS_DOCUMENT (document), NULL);

  if (directory == NULL)
    directory = default_directory = np_autosave_get_default_directory ();

  self = g_object_new (NP_TYPE_AUTOSAVE, NULL);
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

/* Reading back */

void
np_autosave_record_free (NpAutosaveRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->path);
  g_free (record->frame_path);
  g_free (record->plan_path);
  g_clear_pointer (&record->plan, np_plan_free);
  g_clear_pointer (&record->saved, g_date_time_unref);
  g_free (record);
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
get_int_member (JsonObject *object,
                const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

/**
 * np_autosave_record_load:
 *
 * Reads an autosave file written by np_autosave_save_now().
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error set
 */
NpAutosaveRecord *
np_autosave_record_load (const char  *path,
                         GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *plan_json = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(NpAutosaveRecord) record = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  JsonObject *root;
  JsonNode *plan_node;
  const char *format, *frame_path, *plan_path, *saved;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  display = g_filename_display_basename (path);
  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL,
                            &local_error);
  if (info != NULL && g_file_info_get_size (info) > MAX_AUTOSAVE_BYTES)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "Cannot read the autosave file “%s”: it is too large", display);
      return NULL;
    }
  if (info == NULL || !g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, "Cannot read the autosave file “%s”: %s",
                   display, local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "Cannot read the autosave file “%s”: it is not a JSON object", display);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  format = get_string_member (root, "format");
  if (g_strcmp0 (format, NP_AUTOSAVE_FORMAT) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "Cannot read the autosave file “%s”: it is not a NeedlePlan autosave file",
                   display);
      return NULL;
    }
  if (get_int_member (root, "version") != NP_AUTOSAVE_VERSION)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "Cannot read the autosave file “%s”: version %" G_GINT64_FORMAT
                   " is not supported", display, get_int_member (root, "version"));
      return NULL;
    }
  frame_path = get_string_member (root, "frame_path");
  if (frame_path == NULL || !g_path_is_absolute (frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "Cannot read the autosave file “%s”: it does not name the frame", display);
      return NULL;
    }
  plan_path = get_string_member (root, "plan_path");
  if (plan_path != NULL && !g_path_is_absolute (plan_path))
    plan_path = NULL;
  plan_node = json_object_get_member (root, "plan");
  if (plan_node == NULL || !JSON_NODE_HOLDS_OBJECT (plan_node))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "Cannot read the autosave file “%s”: it holds no plan", display);
      return NULL;
    }

  record = g_new0 (NpAutosaveRecord, 1);
  plan_json = json_to_string (plan_node, FALSE);
  record->plan = np_plan_file_parse (plan_json, -1, display, error);
  if (record->plan == NULL)
    return NULL;
  record->path = g_strdup (path);
  record->frame_path = g_strdup (frame_path);
  record->plan_path = g_strdup (plan_path);
  record->pid = get_int_member (root, "pid");
  saved = get_string_member (root, "saved");
  if (saved != NULL)
    record->saved = g_date_time_new_from_iso8601 (saved, NULL);
  return g_steal_pointer (&record);
}

static char *
read_comm (const char *pid_dir)
{
  g_autofree char *path = g_build_filename ("/proc", pid_dir, "comm", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return g_strstrip (contents);
}

/* Whether the NeedlePlan that wrote a file still runs (its file is then not
 * an orphan: a second NeedlePlan started without the session bus). */
static gboolean
writer_is_running (gint64 pid)
{
  g_autofree char *pid_dir = NULL;
  g_autofree char *their_comm = NULL;
  g_autofree char *our_comm = NULL;

  if (pid <= 0 || pid > G_MAXINT)
    return FALSE;
  if (pid == getpid ())
    return TRUE;
  if (kill ((pid_t) pid, 0) != 0 && errno != EPERM)
    return FALSE;

  /* The number may have gone to another program since the crash. */
  pid_dir = g_strdup_printf ("%" G_GINT64_FORMAT, pid);
  their_comm = read_comm (pid_dir);
  our_comm = read_comm ("self");
  if (their_comm != NULL && our_comm != NULL)
    return g_str_equal (their_comm, our_comm);
  return TRUE;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const NpAutosaveRecord *ra = *(const NpAutosaveRecord **) a;
  const NpAutosaveRecord *rb = *(const NpAutosaveRecord **) b;

  if (ra->saved == NULL || rb->saved == NULL)
    return (ra->saved == NULL) - (rb->saved == NULL);
  return g_date_time_compare (rb->saved, ra->saved);
}

/**
 * np_autosave_find_orphans:
 * @directory: (nullable): where to look; %NULL for the default
 *
 * The autosave files left by a NeedlePlan that did not close cleanly
 * (crashed, killed, or the machine went down), newest first. Files that
 * cannot be read are skipped and left alone.
 *
 * Returns: (transfer full) (element-type NpAutosaveRecord): the records
 */
GPtrArray *
np_autosave_find_orphans (const char *directory)
{
  g_autofree char *default_directory = NULL;
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) np_autosave_record_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (directory == NULL)
    directory = default_directory = np_autosave_get_default_directory ();

  dir = g_dir_open (directory, 0, NULL);
  if (dir == NULL)
    return g_steal_pointer (&records);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      NpAutosaveRecord *record;

      /* Temporary files of an interrupted atomic write start with a dot. */
      if (name[0] == '.' || !g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (directory, name, NULL);
      record = np_autosave_record_load (path, &error);
      if (record == NULL)
        {
          g_info ("%s", error->message);
          continue;
        }
      if (writer_is_running (record->pid))
        {
          np_autosave_record_free (record);
          continue;
        }
      g_ptr_array_add (records, record);
    }

  g_ptr_array_sort (records, compare_newest_first);
  return g_steal_pointer (&records);
}

/* The window side */

static void
autosave_failed_cb (NpWindow     *window,
                    const GError *error,
                    NpAutosave   *autosave)
{
  g_autofree char *text = g_strdup_printf ("Autosave failed: %s", error->message);

  np_window_show_toast (window, text);
}

static void
window_destroy_cb (GtkWidget *window)
{
  /* Unref now rather than at finalize: a clean close removes the file. */
  g_object_set_data (G_OBJECT (window), WINDOW_DATA_KEY, NULL);
}

static gboolean recovery_offered;

static gboolean
offer_recovery_idle_cb (gpointer data)
{
  NpWindow *window = NP_WINDOW (data);

  if (!gtk_widget_in_destruction (GTK_WIDGET (window)))
    np_autosave_offer_recovery (window, NULL);
  return G_SOURCE_REMOVE;
}

static void
window_map_cb (GtkWidget *widget)
{
  g_signal_handlers_disconnect_by_func (widget, window_map_cb, NULL);
  if (recovery_offered)
    return;
  recovery_offered = TRUE;
  /* Once the window is on screen: a dialog shown while its parent maps can
   * end up beneath it. */
  g_idle_add_full (G_PRIORITY_LOW, offer_recovery_idle_cb, g_object_ref (widget),
                   g_object_unref);
}

/**
 * np_autosave_attach:
 *
 * Keeps @window's document autosaved, and offers recovery of the plans a
 * crashed NeedlePlan left over the first window of this process shown.
 */
void
np_autosave_attach (NpWindow *window)
{
  NpAutosave *autosave;

  g_return_if_fail (NP_IS_WINDOW (window));

  autosave = np_autosave_new (np_window_get_document (window), NULL);
  g_object_set_data_full (G_OBJECT (window), WINDOW_DATA_KEY, autosave, g_object_unref);
  g_signal_connect_object (autosave, "failed", G_CALLBACK (autosave_failed_cb), window,
                           G_CONNECT_SWAPPED);
  g_signal_connect (window, "destroy", G_CALLBACK (window_destroy_cb), NULL);
  if (!recovery_offered)
    g_signal_connect_after (window, "map", G_CALLBACK (window_map_cb), NULL);
}

/**
 * np_autosave_get_for_window:
 *
 * Returns: (transfer none) (nullable): the window's autosave, %NULL once
 *   the window is destroyed
 */
NpAutosave *
np_autosave_get_for_window (NpWindow *window)
{
  g_return_val_if_fail (NP_IS_WINDOW (window), NULL);

  return g_object_get_data (G_OBJECT (window), WINDOW_DATA_KEY);
}

/* Recovery */

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
  g_autofree char *canonical_a = absolute_path (a);
  g_autofree char *canonical_b = absolute_path (b);

  return canonical_a != NULL && g_strcmp0 (canonical_a, canonical_b) == 0;
}

static gboolean
recovery_finish_cb (gpointer data)
{
  PendingRecovery *pending = data;
  NpWindow *window = pending->window;
  NpDocument *document = np_window_get_document (window);
  NpFrame *frame = np_document_get_frame (document);
  NpAutosave *autosave = np_autosave_get_for_window (window);
  g_autoptr(GError) error = NULL;

  pending->idle_source = 0;

  /* The frame could not be read: the window said why, and the autosave
   * file stays for the next start. */
  if (frame == NULL || !np_document_get_dirty (document) ||
      !same_file (np_frame_get_source_path (frame), pending->record->frame_path))
    {
      pending_recovery_free (pending);
      return G_SOURCE_REMOVE;
    }

  /* The plan is in the window's own autosave file before the old one goes. */
  if (autosave != NULL && !np_autosave_save_now (autosave, &error))
    np_window_show_error (window, "Could Not Keep the Recovered Plan", error);
  else
    {
      if (g_unlink (pending->record->path) != 0 && errno != ENOENT)
        g_info ("Cannot remove %s: %s", pending->record->path, g_strerror (errno));
      np_window_show_toast (window, "Recovered the unsaved plan");
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
                     "Cannot recover the plan: its frame “%s” is missing. The unsaved plan is "
                     "kept and offered again at the next start.", display);

      np_window_show_error (window, "Could Not Recover the Plan", error);
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
  np_window_load_frame (window, frame_file, np_plan_copy (record->plan), record->plan_path,
                        TRUE);
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

      when = g_date_time_format (local, "\n\nLast kept automatically on %Y-%m-%d at %H:%M.");
    }
  body = g_strdup_printf ("NeedlePlan closed unexpectedly. Recover the unsaved plan for “%s”?%s",
                          frame, when != NULL ? when : "");

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (recovery->window),
                                                       "Recover Unsaved Plan?", body));
  /* Named, so that it can be found like any window (and by xdotool). */
  gtk_window_set_title (GTK_WINDOW (dialog), "Recover Unsaved Plan");
  adw_message_dialog_add_responses (dialog, "discard", "_Discard", "recover", "_Recover", NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "recover", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "recover");
  adw_message_dialog_set_close_response (dialog, "later");
  g_signal_connect (dialog, "response", G_CALLBACK (recovery_response_cb), recovery);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * np_autosave_offer_recovery:
 * @directory: (nullable): where to look; %NULL for the default
 *
 * Asks, one dialog per file over @window, whether to recover each plan
 * that a NeedlePlan which did not close cleanly left unsaved. Recover
 * opens the frame with the plan, marked as unsaved (in @window when it is
 * empty, else in a new window); Discard removes the file; closing the
 * dialog keeps the file for the next start.
 */
void
np_autosave_offer_recovery (NpWindow   *window,
                            const char *directory)
{
  g_autoptr(GPtrArray) records = NULL;
  Recovery *recovery;

  g_return_if_fail (NP_IS_WINDOW (window));

  records = np_autosave_find_orphans (directory);
  if (records->len == 0)
    return;

  recovery = g_new0 (Recovery, 1);
  recovery->window = g_object_ref (window);
  recovery->records = g_steal_pointer (&records);
  offer_next (recovery);
}
