/* np-training-history.c: finished training sessions, kept across restarts
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-training-history.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"
#include "np-json-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

/* Deeper nesting than this is not a history we wrote; refusing it keeps
 * json-glib's recursive parser away from hostile files. */
#define MAX_NESTING 32

struct _NpTrainingHistory
{
  char *path;
  GPtrArray *sessions;        /* NpTrainingHistorySession* */
};

static void
history_session_free (NpTrainingHistorySession *session)
{
  if (session == NULL)
    return;
  g_free (session->date);
  g_clear_pointer (&session->cases, g_ptr_array_unref);
  g_clear_pointer (&session->scores, g_ptr_array_unref);
  g_free (session);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTrainingHistorySession, history_session_free)

static NpTrainingHistorySession *
history_session_new (void)
{
  NpTrainingHistorySession *session = g_new0 (NpTrainingHistorySession, 1);

  session->cases = g_ptr_array_new_with_free_func (g_free);
  session->scores = g_ptr_array_new_with_free_func ((GDestroyNotify) np_training_score_free);
  return session;
}

/**
 * np_training_history_dup_default_path:
 *
 * Returns: (transfer full): g_get_user_data_dir()/needleplan/training-history.json
 */
char *
np_training_history_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "needleplan", NP_TRAINING_HISTORY_FILE, NULL);
}

/**
 * np_training_history_new:
 * @path: (nullable): the history file; %NULL for the default
 *
 * Returns: (transfer full): an empty history that will be saved to @path
 */
NpTrainingHistory *
np_training_history_new (const char *path)
{
  NpTrainingHistory *history = g_new0 (NpTrainingHistory, 1);

  history->path = path != NULL ? g_strdup (path) : np_training_history_dup_default_path ();
  history->sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) history_session_free);
  return history;
}

void
np_training_history_free (NpTrainingHistory *history)
{
  if (history == NULL)
    return;
  g_free (history->path);
  g_clear_pointer (&history->sessions, g_ptr_array_unref);
  g_free (history);
}

const char *
np_training_history_get_path (const NpTrainingHistory *history)
{
  g_return_val_if_fail (history != NULL, NULL);
  return history->path;
}

guint
np_training_history_get_n_sessions (const NpTrainingHistory *history)
{
  g_return_val_if_fail (history != NULL, 0);
  return history->sessions->len;
}

/**
 * np_training_history_get_session:
 *
 * Returns: (transfer none): session @index, oldest first
 */
const NpTrainingHistorySession *
np_training_history_get_session (const NpTrainingHistory *history,
                                 guint                    index)
{
  g_return_val_if_fail (history != NULL, NULL);
  g_return_val_if_fail (index < history->sessions->len, NULL);
  return g_ptr_array_index (history->sessions, index);
}

/* Statistics of @metric in session @index; see np_training_summarize(). */
gboolean
np_training_history_summarize (const NpTrainingHistory *history,
                               guint                    index,
                               NpTrainingMetric         metric,
                               NpTrainingSummary       *summary)
{
  const NpTrainingHistorySession *session;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (index < history->sessions->len, FALSE);

  session = g_ptr_array_index (history->sessions, index);
  return np_training_summarize ((const NpTrainingScore *const *) session->scores->pdata,
                                session->scores->len, metric, summary);
}

/* ---- Writing ----------------------------------------------------------- */

static void
add_summary (JsonBuilder             *builder,
             const NpTrainingSummary *summary)
{
  static const char *const names[] = { "mean", "sd", "min", "max", "best", "worst" };
  const double values[] = { summary->mean, summary->sd, summary->min, summary->max,
                            summary->best, summary->worst };

  json_builder_begin_object (builder);
  np_json_add_int (builder, "n", summary->n);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    np_json_add_number (builder, names[i], values[i]);
  json_builder_end_object (builder);
}

/**
 * np_training_history_to_json:
 *
 * The file's text. Each session carries its summary for other readers;
 * NeedlePlan recomputes it from the attempts on load.
 *
 * Returns: (transfer full): UTF-8 JSON ending in a newline
 */
char *
np_training_history_to_json (const NpTrainingHistory *history)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (history != NULL, NULL);

  json_builder_begin_object (builder);
  np_json_add_string (builder, "format", NP_TRAINING_HISTORY_FORMAT);
  np_json_add_int (builder, "version", NP_TRAINING_HISTORY_VERSION);
  json_builder_set_member_name (builder, "sessions");
  json_builder_begin_array (builder);
  for (guint s = 0; s < history->sessions->len; s++)
    {
      const NpTrainingHistorySession *session = g_ptr_array_index (history->sessions, s);

      json_builder_begin_object (builder);
      np_json_add_string (builder, "date", session->date);
      np_json_add_int (builder, "seed", session->seed);

      json_builder_set_member_name (builder, "cases");
      json_builder_begin_array (builder);
      for (guint i = 0; i < session->cases->len; i++)
        {
          const NpTrainingScore *score = g_ptr_array_index (session->scores, i);

          json_builder_begin_object (builder);
          np_json_add_string (builder, "plan", g_ptr_array_index (session->cases, i));
          json_builder_set_member_name (builder, "attempt");
          if (score != NULL)
            json_builder_add_value (builder, np_training_score_to_json (score));
          else
            json_builder_add_null_value (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      json_builder_set_member_name (builder, "summary");
      json_builder_begin_object (builder);
      for (guint m = 0; m < NP_TRAINING_N_METRICS; m++)
        {
          NpTrainingSummary summary;

          if (!np_training_history_summarize (history, s, m, &summary))
            continue;
          json_builder_set_member_name (builder, np_training_metric_to_string (m));
          add_summary (builder, &summary);
        }
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

/**
 * np_training_history_save:
 *
 * Writes the whole history atomically, creating its folder when needed.
 */
gboolean
np_training_history_save (const NpTrainingHistory  *history,
                          GError                  **error)
{
  g_autofree char *text = NULL;
  g_autofree char *folder = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  folder = g_path_get_dirname (history->path);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (folder);

      g_set_error (error, NP_ERROR, NP_ERROR_IO,
                   _("Cannot create the folder “%s” for the training history: %s"), display,
                   g_strerror (saved_errno));
      return FALSE;
    }
  text = np_training_history_to_json (history);
  return np_file_write_atomic (history->path, text, strlen (text), error);
}

/**
 * np_training_history_append:
 * @session: a session; its scored and skipped cases are recorded
 * @date: (nullable): the session's date; %NULL for the session's start
 *
 * Adds the session and saves the history. When saving fails the history
 * is left as it was, in memory and on disk.
 */
gboolean
np_training_history_append (NpTrainingHistory  *history,
                            NpTrainingSession  *session,
                            GDateTime          *date,
                            GError            **error)
{
  g_autoptr(NpTrainingHistorySession) entry = history_session_new ();
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (session), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  utc = g_date_time_to_utc (date != NULL ? date : np_training_session_get_started (session));
  entry->date = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  entry->seed = np_training_session_get_seed (session);
  for (guint i = 0; i < np_training_session_get_n_cases (session); i++)
    {
      const NpTrainingScore *score = np_training_session_get_score (session, i);

      g_ptr_array_add (entry->cases, g_strdup (np_training_session_get_case (session, i)));
      g_ptr_array_add (entry->scores, score != NULL ? np_training_score_copy (score) : NULL);
    }

  g_ptr_array_add (history->sessions, g_steal_pointer (&entry));
  if (!np_training_history_save (history, error))
    {
      g_ptr_array_remove_index (history->sessions, history->sessions->len - 1);
      return FALSE;
    }
  return TRUE;
}

/* ---- Reading ----------------------------------------------------------- */

/* Refuses nesting deeper than MAX_NESTING before json-glib recurses. */
static gboolean
nesting_ok (const char *data,
            gsize       length)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_NESTING)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean G_GNUC_PRINTF (3, 4)
corrupt (GError     **error,
         const char  *path,
         const char  *format,
         ...)
{
  g_autofree char *display = g_filename_display_name (path);
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
               _("The training history “%s” is damaged (%s). It was left as it is: move it "
               "aside or delete it to start a new history"), display, problem);
  return FALSE;
}

static gboolean
read_session (JsonNode           *node,
              guint               index,
              const char         *path,
              NpTrainingHistory  *history,
              GError            **error)
{
  g_autoptr(NpTrainingHistorySession) session = history_session_new ();
  g_autoptr(GDateTime) date = NULL;
  JsonObject *object;
  JsonNode *seed;
  JsonArray *cases;
  const char *text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, path, _("sessions[%u] is not an object"), index);
  object = json_node_get_object (node);

  text = np_json_get_string (object, "date");
  date = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  if (date == NULL)
    return corrupt (error, path, _("sessions[%u].date is not an ISO 8601 date"), index);
  session->date = g_strdup (text);

  seed = json_object_get_member (object, "seed");
  if (seed == NULL || !JSON_NODE_HOLDS_VALUE (seed)
      || json_node_get_value_type (seed) != G_TYPE_INT64
      || json_node_get_int (seed) < 0 || json_node_get_int (seed) > G_MAXUINT32)
    return corrupt (error, path, _("sessions[%u].seed is not a whole number from 0 to %u"), index,
                    G_MAXUINT32);
  session->seed = (guint32) json_node_get_int (seed);

  cases = np_json_get_array (object, "cases");
  if (cases == NULL)
    return corrupt (error, path, _("sessions[%u].cases is not a list"), index);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonNode *element = json_array_get_element (cases, i);
      g_autoptr(NpTrainingScore) score = NULL;
      g_autoptr(GError) local_error = NULL;
      JsonObject *item;
      JsonNode *attempt;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return corrupt (error, path, _("sessions[%u].cases[%u] is not an object"), index, i);
      item = json_node_get_object (element);
      text = np_json_get_string (item, "plan");
      if (text == NULL)
        return corrupt (error, path, _("sessions[%u].cases[%u].plan is not a path"), index, i);
      attempt = json_object_get_member (item, "attempt");
      if (attempt == NULL)
        return corrupt (error, path, _("sessions[%u].cases[%u].attempt is missing"), index, i);
      if (!JSON_NODE_HOLDS_NULL (attempt))
        {
          score = np_training_score_from_json (attempt, &local_error);
          if (score == NULL)
            return corrupt (error, path, _("sessions[%u].cases[%u].attempt: %s"), index, i,
                            local_error->message);
        }
      g_ptr_array_add (session->cases, g_strdup (text));
      g_ptr_array_add (session->scores, g_steal_pointer (&score));
    }

  g_ptr_array_add (history->sessions, g_steal_pointer (&session));
  return TRUE;
}

/**
 * np_training_history_load:
 * @path: (nullable): the history file; %NULL for the default
 *
 * A missing file gives an empty history (the first session creates it).
 * A damaged file fails with NP_ERROR_CORRUPT and is not touched; a file of
 * a newer version fails with NP_ERROR_NOT_SUPPORTED.
 *
 * Returns: (transfer full) (nullable): the history, or %NULL with @error set
 */
NpTrainingHistory *
np_training_history_load (const char  *path,
                          GError     **error)
{
  g_autoptr(NpTrainingHistory) history = np_training_history_new (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *display = NULL;
  JsonObject *root;
  JsonNode *node;
  JsonArray *sessions;
  GStatBuf st;
  gsize length;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (history->path);
  if (g_stat (history->path, &st) != 0)
    {
      if (errno == ENOENT)
        return g_steal_pointer (&history);
    }
  else if (S_ISREG (st.st_mode) && (guint64) st.st_size > NP_TRAINING_HISTORY_MAX_BYTES)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("The training history “%s” is larger than %d MB and was not read"),
                   display, NP_TRAINING_HISTORY_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (history->path, &data, &length, &local_error))
    {
      np_file_set_error_from_io (error, local_error, _("Cannot read the training history"),
                                 history->path);
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL))
    {
      corrupt (error, history->path, _("it is not UTF-8 text"));
      return NULL;
    }
  if (!nesting_ok (data, length))
    {
      corrupt (error, history->path, _("it is nested too deeply"));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      corrupt (error, history->path, _("not valid JSON: %s"), local_error->message);
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      corrupt (error, history->path, _("it is not a JSON object"));
      return NULL;
    }
  root = json_node_get_object (node);
  if (g_strcmp0 (np_json_get_string (root, "format"), NP_TRAINING_HISTORY_FORMAT) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("“%s” is not a NeedlePlan training history; it was left as it is"), display);
      return NULL;
    }
  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < 1)
    {
      corrupt (error, history->path, _("its version is not a whole number"));
      return NULL;
    }
  if (json_node_get_int (node) > NP_TRAINING_HISTORY_VERSION)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("The training history “%s” was written by a newer NeedlePlan (version "
                     "%lld); it was left as it is"), display,
                   (long long) json_node_get_int (node));
      return NULL;
    }

  sessions = np_json_get_array (root, "sessions");
  if (sessions == NULL)
    {
      corrupt (error, history->path, _("“sessions” is not a list"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    if (!read_session (json_array_get_element (sessions, i), i, history->path, history, error))
      return NULL;

  return g_steal_pointer (&history);
}

/* ---- CSV --------------------------------------------------------------- */

/* RFC 4180: a field with a comma, a quote or a line break is quoted, and
 * quotes inside are doubled. */
static void
append_field (GString    *out,
              const char *text,
              gboolean    last)
{
  if (text != NULL && strpbrk (text, ",\"\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else if (text != NULL)
    g_string_append (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}

/* Dot decimals whatever the locale; an empty field when not applicable. */
static void
append_number (GString    *out,
               gboolean    has_value,
               double      value,
               const char *format)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!has_value || !isfinite (value))
    {
      append_field (out, NULL, FALSE);
      return;
    }
  /* No "-0.00" for a value that rounds to zero. */
  g_ascii_formatd (buffer, sizeof buffer, format, value);
  if (strspn (buffer, "-0.") == strlen (buffer) && buffer[0] == '-')
    memmove (buffer, buffer + 1, strlen (buffer));
  append_field (out, buffer, FALSE);
}

static char *
join_names (const GPtrArray *names)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s%s", i == 0 ? "" : "; ",
                            (const char *) g_ptr_array_index (names, i));
  return g_string_free (out, FALSE);
}

static const char *const csv_columns[] = {
  "session", "date", "seed", "order", "case", "unit", "score", "target_error", "target_hit",
  "entry_deviation", "trajectory_deviation_deg", "depth_estimate_mm", "expert_depth_mm",
  "depth_error_mm", "depth_error_percent", "path_in_tissue", "expert_path_length",
  "path_length_ratio", "swept_area", "critical_error", "critical_structures",
};

/**
 * np_training_history_to_csv:
 *
 * One row per scored attempt, oldest session first, under a header row;
 * columns in docs/training.md. RFC 4180: CRLF line ends, quoted fields
 * where needed; numbers with a dot, empty where a metric does not apply.
 *
 * Returns: (transfer full): the CSV text
 */
char *
np_training_history_to_csv (const NpTrainingHistory *history)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (history != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (csv_columns); i++)
    append_field (out, csv_columns[i], i + 1 == G_N_ELEMENTS (csv_columns));

  for (guint s = 0; s < history->sessions->len; s++)
    {
      const NpTrainingHistorySession *session = g_ptr_array_index (history->sessions, s);

      for (guint i = 0; i < session->cases->len; i++)
        {
          const NpTrainingScore *score = g_ptr_array_index (session->scores, i);
          char number[32];
          g_autofree char *structures = NULL;

          if (score == NULL)
            continue;

          g_snprintf (number, sizeof number, "%u", s + 1);
          append_field (out, number, FALSE);
          append_field (out, session->date, FALSE);
          g_snprintf (number, sizeof number, "%" G_GUINT32_FORMAT, session->seed);
          append_field (out, number, FALSE);
          g_snprintf (number, sizeof number, "%u", i + 1);
          append_field (out, number, FALSE);
          append_field (out, g_ptr_array_index (session->cases, i), FALSE);
          append_field (out, score->unit, FALSE);
          append_number (out, TRUE, score->score, "%.1f");
          append_number (out, TRUE, score->target_error, "%.2f");
          append_field (out, score->target_hit ? "1" : "0", FALSE);
          append_number (out, score->has_entry_deviation, score->entry_deviation, "%.2f");
          append_number (out, score->has_trajectory_deviation, score->trajectory_deviation_deg,
                         "%.2f");
          append_number (out, score->has_depth_estimate, score->depth_estimate_mm, "%.2f");
          append_number (out, score->has_expert_depth, score->expert_depth_mm, "%.2f");
          append_number (out, score->has_depth_error, score->depth_error_mm, "%.2f");
          append_number (out, score->has_depth_error, score->depth_error_percent, "%.2f");
          append_number (out, score->has_path_in_tissue, score->path_in_tissue, "%.2f");
          append_number (out, score->has_expert_path, score->expert_path_length, "%.2f");
          append_number (out, score->has_path_length_ratio, score->path_length_ratio, "%.3f");
          append_number (out, score->has_swept_area, score->swept_area, "%.2f");
          append_field (out, score->critical_error ? "1" : "0", FALSE);
          structures = join_names (score->critical_structures);
          append_field (out, structures, TRUE);
        }
    }
  return g_string_free (out, FALSE);
}

/* Writes the CSV atomically: @path is replaced whole or left as it was. */
gboolean
np_training_history_export_csv (const NpTrainingHistory  *history,
                                const char               *path,
                                GError                  **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = np_training_history_to_csv (history);
  return np_file_write_atomic (path, text, strlen (text), error);
}
