/* np-plan-file.c: the plan file's public functions: parse, load, to_json,
 * save, and finding and checking the frame a plan refers to. The rules are
 * in np-plan-file-check.c, the writer in np-plan-file-write.c and the reader
 * in np-plan-file-read.c.
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-file.h"
#include "np-plan-file-private.h"

#include "np-error.h"
#include "np-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

/* The format is described in docs/plan-format.md and by
 * data/needleplan-plan.schema.json; keep the three in step. */

/**
 * np_plan_file_to_json:
 * @plan: the plan
 * @results: (nullable): a JSON object of computed results, stored for the
 *   record under "results" (it is recomputed, not trusted, on load)
 *
 * Checks the plan with the same rules as the reader, so a saved plan always
 * loads. The text is stable: saving a loaded plan gives the same bytes.
 *
 * Returns: (transfer full) (nullable): UTF-8 JSON ending in a newline, or
 *   %NULL with @error set
 */
char *
np_plan_file_to_json (const NpPlan  *plan,
                      JsonNode      *results,
                      GError       **error)
{
  static const char context[] = "Cannot save the plan";
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (results == NULL || JSON_NODE_HOLDS_OBJECT (results), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_np_plan_file_check_enums (plan, context, error)
      || !_np_plan_file_check_plan (plan, context, error))
    return NULL;

  root = _np_plan_file_build (plan, results);
  return _np_plan_file_format (root);
}

/**
 * np_plan_file_save:
 * @results: (nullable): computed results for the record, see np_plan_file_to_json()
 *
 * Writes the plan atomically: @path is either replaced whole or left as it
 * was. The frame is never touched.
 */
gboolean
np_plan_file_save (const NpPlan  *plan,
                   JsonNode      *results,
                   const char    *path,
                   GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = np_plan_file_to_json (plan, results, error);
  if (text == NULL)
    return FALSE;
  return np_file_write_atomic (path, text, strlen (text), error);
}

/**
 * np_plan_file_parse:
 * @data: the file's bytes
 * @length: their number, or -1 when @data is nul-terminated
 * @display_name: the name used in error messages, e.g. "case.json"
 *
 * Reads a plan without trusting it: every type, range, enum string and the
 * format and version are checked, and each problem becomes a #GError naming
 * the file and the field.
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 */
NpPlan *
np_plan_file_parse (const char  *data,
                    gssize       length,
                    const char  *display_name,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *context = NULL;
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *node;
  gsize size;
  gint64 version;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  context = g_strdup_printf ("“%s”", display_name);
  size = length < 0 ? strlen (data) : (gsize) length;
  if (size > NP_PLAN_FILE_MAX_BYTES)
    {
      g_autofree char *shown = g_format_size (size);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "%s is %s, over the 16 MiB limit of a plan file", context, shown);
      return NULL;
    }
  if (memchr (data, '\0', size) != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "%s is not a NeedlePlan plan: it holds binary data, not JSON text", context);
      return NULL;
    }
  if (!_np_plan_file_prescan (data, size, context, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &json_error))
    {
      _np_plan_file_set_json_error (error, context, json_error);
      return NULL;
    }
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s is not a NeedlePlan plan: it holds no JSON object", context);
      return NULL;
    }
  root = json_node_get_object (root_node);

  node = json_object_get_member (root, "format");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s is not a NeedlePlan plan: “format” is missing or not text", context);
      return NULL;
    }
  if (strcmp (json_node_get_string (node), NP_PLAN_FORMAT) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s is not a NeedlePlan plan: its format is “%s”, not “%s”", context,
                   json_node_get_string (node), NP_PLAN_FORMAT);
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "%s: “version” must be a whole number", context);
      return NULL;
    }
  version = json_node_get_int (node);
  if (version > NP_PLAN_VERSION)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s was made by a newer NeedlePlan; version %" G_GINT64_FORMAT
                   " is not supported (this NeedlePlan reads version %d)",
                   context, version, NP_PLAN_VERSION);
      return NULL;
    }

  return _np_plan_file_read (root, version, context, error);
}

/**
 * np_plan_file_load:
 *
 * Reads and parses the plan file at @path (at most 16 MiB).
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 */
NpPlan *
np_plan_file_load (const char  *path,
                   GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) io_error = NULL;
  GStatBuf info;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (path);
  if (g_stat (path, &info) != 0)
    {
      np_file_set_error_from_errno (error, errno, "Cannot open", path);
      return NULL;
    }
  if (S_ISDIR (info.st_mode))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, "Cannot open “%s”: it is a folder", display);
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, "Cannot open “%s”: it is not a regular file",
                   display);
      return NULL;
    }
  if ((guint64) info.st_size > NP_PLAN_FILE_MAX_BYTES)
    {
      g_autofree char *shown = g_format_size ((guint64) info.st_size);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "“%s” is %s, over the 16 MiB limit of a plan file", display, shown);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, &io_error))
    {
      np_file_set_error_from_io (error, io_error, "Cannot open", path);
      return NULL;
    }
  return np_plan_file_parse (contents, (gssize) length, display, error);
}

/* The plan's folder, absolute: the frame's path is stored relative to it. */
static char *
plan_folder (const char *plan_path)
{
  g_autofree char *folder = g_path_get_dirname (plan_path);

  return g_canonicalize_filename (folder, NULL);
}

/**
 * np_plan_file_resolve_frame:
 * @plan_path: where the plan file is (or will be)
 *
 * The frame's path is stored relative to the plan's folder. Absolute paths
 * and paths with a ".." component are refused: a plan must not make
 * NeedlePlan open files outside its own folder.
 *
 * Returns: (transfer full) (nullable): the absolute path of the frame, or
 *   %NULL with @error set
 */
char *
np_plan_file_resolve_frame (const NpPlan  *plan,
                            const char    *plan_path,
                            GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (plan != NULL && plan_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (plan_path);
  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, "“%s” refers to no frame", display);
      return NULL;
    }
  if (g_path_is_absolute (plan->frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "“%s” refers to its frame by the absolute path “%s”; a plan must name its "
                   "frame relative to its own folder",
                   display, plan->frame_path);
      return NULL;
    }
  if (_np_plan_file_path_has_parent_component (plan->frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "“%s” refers to its frame as “%s”, which uses “..” to leave the plan's "
                   "folder; the frame must be in the plan's folder or below it",
                   display, plan->frame_path);
      return NULL;
    }

  folder = plan_folder (plan_path);
  return g_canonicalize_filename (plan->frame_path, folder);
}

/**
 * np_plan_file_check_frame:
 * @matches: (out): %TRUE when the frame's SHA-256 is the one the plan stores;
 *   %FALSE when it differs or the plan stores none
 *
 * Returns: %FALSE with @error set when the frame cannot be found or read
 */
gboolean
np_plan_file_check_frame (const NpPlan  *plan,
                          const char    *plan_path,
                          gboolean      *matches,
                          GError       **error)
{
  g_autofree char *frame = NULL;
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (plan_path != NULL, FALSE);
  g_return_val_if_fail (matches != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *matches = FALSE;
  frame = np_plan_file_resolve_frame (plan, plan_path, error);
  if (frame == NULL)
    return FALSE;
  sha256 = np_file_sha256 (frame, error);
  if (sha256 == NULL)
    return FALSE;
  *matches = plan->frame_sha256 != NULL && g_ascii_strcasecmp (sha256, plan->frame_sha256) == 0;
  return TRUE;
}

/**
 * np_plan_file_relative_frame_path:
 * @plan_path: where the plan is (or will be) saved
 * @frame_path: the frame's path
 *
 * The path to store in NpPlan.frame_path: @frame_path relative to the plan's
 * folder, with "/" between folders.
 *
 * Returns: (transfer full) (nullable): the relative path, or %NULL with
 *   @error set when the frame is not in the plan's folder or below it
 */
char *
np_plan_file_relative_frame_path (const char  *plan_path,
                                  const char  *frame_path,
                                  GError     **error)
{
  g_autofree char *absolute_folder = NULL;
  g_autofree char *absolute_frame = NULL;
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (plan_path != NULL && frame_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  absolute_folder = plan_folder (plan_path);
  absolute_frame = g_canonicalize_filename (frame_path, NULL);
  prefix = g_str_has_suffix (absolute_folder, G_DIR_SEPARATOR_S)
             ? g_strdup (absolute_folder)
             : g_strconcat (absolute_folder, G_DIR_SEPARATOR_S, NULL);

  if (!g_str_has_prefix (absolute_frame, prefix) || absolute_frame[strlen (prefix)] == '\0')
    {
      g_autofree char *frame_display = g_filename_display_name (frame_path);
      g_autofree char *folder_display = g_filename_display_name (absolute_folder);
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "The frame “%s” is not inside the plan's folder “%s”; save the plan next "
                   "to its frame or in a folder above it",
                   frame_display, folder_display);
      return NULL;
    }
  return g_strdup (absolute_frame + strlen (prefix));
}
