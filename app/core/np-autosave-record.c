/* np-autosave-record.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-autosave-record.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"
#include "np-json-util.h"
#include "np-plan-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* An autosave file holds a few kilobytes of JSON; anything much larger is
 * not ours. */
#define MAX_AUTOSAVE_BYTES (NP_PLAN_FILE_MAX_BYTES + 64 * 1024)

/**
 * np_autosave_record_get_default_directory:
 *
 * Returns: (transfer full): `$XDG_STATE_HOME/needleplan/autosave` (by
 *   default ~/.local/state/needleplan/autosave)
 */
char *
np_autosave_record_get_default_directory (void)
{
  return g_build_filename (g_get_user_state_dir (), "needleplan", "autosave", NULL);
}

static char *
absolute_path (const char *path)
{
  return path != NULL ? g_canonicalize_filename (path, NULL) : NULL;
}

/**
 * np_autosave_record_new:
 * @path: the autosave file
 * @frame_path: the frame the plan is drawn on
 * @plan_path: (nullable): the plan's own file, %NULL for a plan never saved
 *
 * A record of @plan as this process keeps it now: both paths made
 * absolute, the time now and this process's ID.
 *
 * Returns: (transfer full): the record
 */
NpAutosaveRecord *
np_autosave_record_new (const char   *path,
                        const NpPlan *plan,
                        const char   *frame_path,
                        const char   *plan_path)
{
  NpAutosaveRecord *record;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (frame_path != NULL, NULL);

  record = g_new0 (NpAutosaveRecord, 1);
  record->path = g_strdup (path);
  record->frame_path = absolute_path (frame_path);
  record->plan_path = absolute_path (plan_path);
  record->plan = np_plan_copy (plan);
  record->saved = g_date_time_new_now_utc ();
  record->pid = getpid ();
  return record;
}

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

/* Writing */

/**
 * np_autosave_record_to_json:
 * @results: (nullable): the plan's results, stored for whoever reads the
 *   file like in a saved plan; recomputed, not trusted, on recovery
 *
 * Returns: (transfer full) (nullable): the file's text, or %NULL with
 *   @error set when the plan cannot be written (np_plan_file_to_json())
 */
char *
np_autosave_record_to_json (const NpAutosaveRecord  *record,
                            const NpPlanResults     *results,
                            GError                 **error)
{
  const NpPlan *plan;
  g_autoptr(NpPlan) named = NULL;
  g_autoptr(JsonNode) results_node = NULL;
  g_autofree char *plan_json = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (record != NULL, NULL);
  g_return_val_if_fail (record->plan != NULL, NULL);
  g_return_val_if_fail (record->frame_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A plan file names its frame (relative to the plan); a plan not given
   * one yet names it by its file name, as a new plan next to it would. */
  plan = record->plan;
  if (plan->frame_path == NULL)
    {
      g_autofree char *basename = g_path_get_basename (record->frame_path);

      named = np_plan_copy (plan);
      np_plan_set_string (&named->frame_path, basename);
      plan = named;
    }
  if (results != NULL)
    results_node = np_planner_results_to_json (results);
  plan_json = np_plan_file_to_json (plan, results_node, error);
  if (plan_json == NULL)
    return NULL;
  if (!json_parser_load_from_data (parser, plan_json, -1, error))
    return NULL;
  if (record->saved != NULL)
    saved = g_date_time_format_iso8601 (record->saved);

  json_builder_begin_object (builder);
  np_json_add_string (builder, "format", NP_AUTOSAVE_FORMAT);
  np_json_add_int (builder, "version", NP_AUTOSAVE_VERSION);
  np_json_add_int (builder, "pid", record->pid);
  np_json_add_string (builder, "saved", saved);
  np_json_add_string (builder, "frame_path", record->frame_path);
  np_json_add_string (builder, "plan_path", record->plan_path);
  json_builder_set_member_name (builder, "plan");
  json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

/**
 * np_autosave_record_save:
 *
 * Writes @record to its path atomically, creating the folder (readable by
 * the user only) when needed.
 *
 * Returns: %FALSE with @error set when the file could not be written
 */
gboolean
np_autosave_record_save (const NpAutosaveRecord  *record,
                         const NpPlanResults     *results,
                         GError                 **error)
{
  g_autofree char *text = NULL;
  g_autofree char *directory = NULL;

  g_return_val_if_fail (record != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = np_autosave_record_to_json (record, results, error);
  if (text == NULL)
    return FALSE;
  directory = g_path_get_dirname (record->path);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      np_file_set_error_from_errno (error, errno, _("Cannot create the autosave folder"),
                                    directory);
      return FALSE;
    }
  return np_file_write_atomic (record->path, text, strlen (text), error);
}

/* Reading back */

/**
 * np_autosave_record_load:
 *
 * Reads an autosave file written by np_autosave_record_save(). A plan path
 * that is not absolute is dropped (the plan then counts as never saved).
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
  JsonObject *plan_object;
  const char *frame_path, *plan_path, *saved;
  gint64 version = -1;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (path);
  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL,
                            &local_error);
  if (info != NULL && g_file_info_get_size (info) > MAX_AUTOSAVE_BYTES)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("Cannot read the autosave file “%s”: it is too large"), display);
      return NULL;
    }
  if (info == NULL || !g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot read the autosave file “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("Cannot read the autosave file “%s”: it is not a JSON object"), display);
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (np_json_get_string (root, "format"), NP_AUTOSAVE_FORMAT) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Cannot read the autosave file “%s”: it is not a NeedlePlan autosave file"),
                   display);
      return NULL;
    }
  if (!np_json_get_int (root, "version", &version) || version != NP_AUTOSAVE_VERSION)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Cannot read the autosave file “%s”: version %lld is not supported"), display,
                   (long long) version);
      return NULL;
    }
  frame_path = np_json_get_string (root, "frame_path");
  if (frame_path == NULL || !g_path_is_absolute (frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("Cannot read the autosave file “%s”: it does not name the frame"), display);
      return NULL;
    }
  plan_path = np_json_get_string (root, "plan_path");
  if (plan_path != NULL && !g_path_is_absolute (plan_path))
    plan_path = NULL;
  plan_object = np_json_get_object (root, "plan");
  if (plan_object == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("Cannot read the autosave file “%s”: it holds no plan"), display);
      return NULL;
    }

  record = g_new0 (NpAutosaveRecord, 1);
  plan_json = json_to_string (json_object_get_member (root, "plan"), FALSE);
  record->plan = np_plan_file_parse (plan_json, -1, display, error);
  if (record->plan == NULL)
    return NULL;
  record->path = g_strdup (path);
  record->frame_path = g_strdup (frame_path);
  record->plan_path = g_strdup (plan_path);
  if (!np_json_get_int (root, "pid", &record->pid))
    record->pid = -1;
  saved = np_json_get_string (root, "saved");
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
 * np_autosave_record_find_orphans:
 * @directory: (nullable): where to look; %NULL for the default
 *
 * The autosave files left by a NeedlePlan that did not close cleanly
 * (crashed, killed, or the machine went down), newest first. Files that
 * cannot be read are skipped and left alone.
 *
 * Returns: (transfer full) (element-type NpAutosaveRecord): the records
 */
GPtrArray *
np_autosave_record_find_orphans (const char *directory)
{
  g_autofree char *default_directory = NULL;
  g_autoptr(GPtrArray) records =
    g_ptr_array_new_with_free_func ((GDestroyNotify) np_autosave_record_free);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (directory == NULL)
    directory = default_directory = np_autosave_record_get_default_directory ();

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
