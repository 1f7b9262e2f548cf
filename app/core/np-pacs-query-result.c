/* np-pacs-query-result.c: one study, series or instance a PACS found
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-pacs-query"

#include "config.h"

#include "np-pacs-query-result.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "np-dicom-export.h"
#include "np-error.h"
#include <glib/gi18n-lib.h>

/* A search answers at most this many matches (QIDO-RS "limit", and the
 * C-FIND answer is cut there too); values longer than this are cut. */
#define MAX_RESULTS 5000u
#define MAX_VALUE_BYTES 1024

#define SECONDARY_CAPTURE_SOP_CLASS "1.2.840.10008.5.1.4.1.1.7"
#define ENCAPSULATED_PDF_SOP_CLASS  "1.2.840.10008.5.1.4.1.1.104.1"

G_DEFINE_BOXED_TYPE (NpPacsQueryResult, np_pacs_query_result,
                     np_pacs_query_result_copy, np_pacs_query_result_free)

/* The string members, for copy and free. */
static const gsize string_members[] = {
  G_STRUCT_OFFSET (NpPacsQueryResult, patient_name),
  G_STRUCT_OFFSET (NpPacsQueryResult, patient_id),
  G_STRUCT_OFFSET (NpPacsQueryResult, patient_birth_date),
  G_STRUCT_OFFSET (NpPacsQueryResult, study_uid),
  G_STRUCT_OFFSET (NpPacsQueryResult, study_date),
  G_STRUCT_OFFSET (NpPacsQueryResult, study_time),
  G_STRUCT_OFFSET (NpPacsQueryResult, study_description),
  G_STRUCT_OFFSET (NpPacsQueryResult, accession_number),
  G_STRUCT_OFFSET (NpPacsQueryResult, modalities),
  G_STRUCT_OFFSET (NpPacsQueryResult, series_uid),
  G_STRUCT_OFFSET (NpPacsQueryResult, modality),
  G_STRUCT_OFFSET (NpPacsQueryResult, series_description),
  G_STRUCT_OFFSET (NpPacsQueryResult, sop_uid),
  G_STRUCT_OFFSET (NpPacsQueryResult, sop_class_uid),
};

#define STRING_AT(result, offset) G_STRUCT_MEMBER (char *, (result), (offset))

/* Tags the list reads, by their DICOM JSON keys. */
typedef struct
{
  const char *key;
  gsize       offset;
  gboolean    is_count;
} Field;

static const Field fields[] = {
  { "00100010", G_STRUCT_OFFSET (NpPacsQueryResult, patient_name), FALSE },
  { "00100020", G_STRUCT_OFFSET (NpPacsQueryResult, patient_id), FALSE },
  { "00100030", G_STRUCT_OFFSET (NpPacsQueryResult, patient_birth_date), FALSE },
  { "0020000D", G_STRUCT_OFFSET (NpPacsQueryResult, study_uid), FALSE },
  { "00080020", G_STRUCT_OFFSET (NpPacsQueryResult, study_date), FALSE },
  { "00080030", G_STRUCT_OFFSET (NpPacsQueryResult, study_time), FALSE },
  { "00081030", G_STRUCT_OFFSET (NpPacsQueryResult, study_description), FALSE },
  { "00080050", G_STRUCT_OFFSET (NpPacsQueryResult, accession_number), FALSE },
  { "00080061", G_STRUCT_OFFSET (NpPacsQueryResult, modalities), FALSE },
  { "00201208", G_STRUCT_OFFSET (NpPacsQueryResult, study_instances), TRUE },
  { "0020000E", G_STRUCT_OFFSET (NpPacsQueryResult, series_uid), FALSE },
  { "00080060", G_STRUCT_OFFSET (NpPacsQueryResult, modality), FALSE },
  { "0008103E", G_STRUCT_OFFSET (NpPacsQueryResult, series_description), FALSE },
  { "00200011", G_STRUCT_OFFSET (NpPacsQueryResult, series_number), TRUE },
  { "00201209", G_STRUCT_OFFSET (NpPacsQueryResult, series_instances), TRUE },
  { "00080018", G_STRUCT_OFFSET (NpPacsQueryResult, sop_uid), FALSE },
  { "00080016", G_STRUCT_OFFSET (NpPacsQueryResult, sop_class_uid), FALSE },
  { "00200013", G_STRUCT_OFFSET (NpPacsQueryResult, instance_number), TRUE },
  { "00280008", G_STRUCT_OFFSET (NpPacsQueryResult, frames), TRUE },
};

NpPacsQueryResult *
np_pacs_query_result_new (NpPacsLevel level)
{
  NpPacsQueryResult *result = g_new0 (NpPacsQueryResult, 1);

  result->level = level;
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    STRING_AT (result, string_members[i]) = g_strdup ("");
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].is_count)
      G_STRUCT_MEMBER (int, result, fields[i].offset) = -1;
  return result;
}

NpPacsQueryResult *
np_pacs_query_result_copy (const NpPacsQueryResult *result)
{
  NpPacsQueryResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_memdup2 (result, sizeof *result);
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    STRING_AT (copy, string_members[i]) = g_strdup (STRING_AT (result, string_members[i]));
  return copy;
}

void
np_pacs_query_result_free (NpPacsQueryResult *result)
{
  if (result == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    g_free (STRING_AT (result, string_members[i]));
  g_free (result);
}

/**
 * np_pacs_query_result_get_content:
 *
 * NeedlePlan's records are known by the series description its export
 * writes (docs/dicom.md): a series (or an instance of it) of Secondary
 * Captures is a plan, of Encapsulated PDFs a report.
 */
NpPacsContent
np_pacs_query_result_get_content (const NpPacsQueryResult *result)
{
  g_return_val_if_fail (result != NULL, NP_PACS_CONTENT_IMAGES);

  if (result->level == NP_PACS_LEVEL_STUDY)
    return NP_PACS_CONTENT_IMAGES;
  if (g_str_equal (result->series_description, NP_DICOM_EXPORT_SC_SERIES_DESCRIPTION)
      && (result->level == NP_PACS_LEVEL_SERIES
          || g_str_equal (result->sop_class_uid, SECONDARY_CAPTURE_SOP_CLASS)))
    return NP_PACS_CONTENT_PLAN;
  if (g_str_equal (result->series_description, NP_DICOM_EXPORT_PDF_SERIES_DESCRIPTION)
      || g_str_equal (result->sop_class_uid, ENCAPSULATED_PDF_SOP_CLASS))
    return NP_PACS_CONTENT_REPORT;
  return NP_PACS_CONTENT_IMAGES;
}

/**
 * np_pacs_query_result_dup_patient_display:
 *
 * "Family^Given^Middle" as "Family, Given Middle"; the ID in brackets.
 */
char *
np_pacs_query_result_dup_patient_display (const NpPacsQueryResult *result)
{
  g_auto(GStrv) parts = NULL;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (result != NULL, NULL);

  parts = g_strsplit (result->patient_name, "^", 5);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      if (text->len > 0)
        g_string_append (text, i == 1 ? ", " : " ");
      g_string_append (text, parts[i]);
    }
  if (*result->patient_id != '\0')
    g_string_append_printf (text, text->len > 0 ? " (%s)" : "%s", result->patient_id);
  return g_string_free (text, FALSE);
}

/**
 * np_pacs_query_result_dup_date_display:
 *
 * The study date YYYYMMDD as YYYY-MM-DD, or as written when it is not one.
 */
char *
np_pacs_query_result_dup_date_display (const NpPacsQueryResult *result)
{
  const char *d;

  g_return_val_if_fail (result != NULL, NULL);

  d = result->study_date;
  if (strlen (d) != 8)
    return g_strdup (d);
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isdigit (d[i]))
      return g_strdup (d);
  return g_strdup_printf ("%.4s-%.2s-%.2s", d, d + 4, d + 6);
}

static gboolean
corrupt (GError    **error,
         const char *source,
         guint       index,
         const char *key,
         const char *problem)
{
  if (key != NULL)
    g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                 _("The answer of %s is not a DICOM JSON list: match %u, %s %s"), source, index + 1,
                 key, problem);
  else
    g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                 _("The answer of %s is not a DICOM JSON list: match %u %s"), source, index + 1,
                 problem);
  return FALSE;
}

/* One value as text: a string, a number, or a person name's Alphabetic
 * group. */
static char *
value_text (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *name = json_node_get_object (node);
      JsonNode *alphabetic = json_object_get_member (name, "Alphabetic");

      if (alphabetic == NULL)
        return g_strdup ("");
      if (JSON_NODE_HOLDS_VALUE (alphabetic)
          && json_node_get_value_type (alphabetic) == G_TYPE_STRING)
        return g_strdup (json_node_get_string (alphabetic));
    }
  return NULL;
}

static char *
cut (char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_free (text);
      return g_strdup ("");
    }
  if (strlen (text) > MAX_VALUE_BYTES)
    {
      const char *end = g_utf8_find_prev_char (text, text + MAX_VALUE_BYTES + 1);
      char *shorter = g_strndup (text, (gsize) (end - text));

      g_free (text);
      return shorter;
    }
  return text;
}

static gboolean
read_field (NpPacsQueryResult *result,
            const Field       *field,
            JsonObject        *element,
            const char        *source,
            guint              index,
            GError           **error)
{
  JsonNode *values = json_object_get_member (element, "Value");
  GString *joined = g_string_new (NULL);
  g_autofree char *text = NULL;
  JsonArray *array;

  if (values == NULL || JSON_NODE_HOLDS_NULL (values))
    {
      g_string_free (joined, TRUE);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (values))
    {
      g_string_free (joined, TRUE);
      return corrupt (error, source, index, field->key, _("has a Value that is not an array"));
    }
  array = json_node_get_array (values);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *one = value_text (json_array_get_element (array, i));

      if (one == NULL)
        {
          g_string_free (joined, TRUE);
          return corrupt (error, source, index, field->key,
                          _("has a value that is neither text, a number nor a person name"));
        }
      /* Several values only make sense for the modalities of a study. */
      if (i > 0 && field->offset != G_STRUCT_OFFSET (NpPacsQueryResult, modalities))
        break;
      if (i > 0)
        g_string_append (joined, ", ");
      g_string_append (joined, one);
    }
  text = cut (g_string_free (joined, FALSE));
  if (field->is_count)
    {
      gint64 number = 0;

      g_strstrip (text);
      if (*text == '\0')
        return TRUE;
      if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT, &number, NULL))
        return corrupt (error, source, index, field->key, _("is not a count"));
      G_STRUCT_MEMBER (int, result, field->offset) = (int) number;
      return TRUE;
    }
  g_free (STRING_AT (result, field->offset));
  STRING_AT (result, field->offset) = g_strdup (g_strstrip (text));
  return TRUE;
}

/**
 * np_pacs_query_result_list_parse:
 * @json: a QIDO-RS answer (application/dicom+json) or the importer's C-FIND
 *   answer, which has the same form
 * @level: the level that was searched
 * @source: names the server in messages, e.g. "the PACS “Radiology”"
 *
 * Returns: (transfer full) (element-type NpPacsQueryResult) (nullable):
 *   the matches in the answer's order, or %NULL with @error set
 */
GPtrArray *
np_pacs_query_result_list_parse (const char   *json,
                                 gssize        length,
                                 NpPacsLevel   level,
                                 const char   *source,
                                 GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (source != NULL, NULL);

  /* An empty body is how some servers say "no match" (HTTP 204). */
  if (length == 0 || (length < 0 && *json == '\0'))
    return g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_query_result_free);
  if (!json_parser_load_from_data (parser, json, length, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("The answer of %s is not JSON: %s"), source,
                   local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("The answer of %s is not a DICOM JSON list (an array of matches)"), source);
      return NULL;
    }
  array = json_node_get_array (root);
  if (json_array_get_length (array) > MAX_RESULTS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("%s found %u matches; narrow the search (at most %u are listed)"), source,
                   json_array_get_length (array), MAX_RESULTS);
      return NULL;
    }

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_query_result_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(NpPacsQueryResult) result = np_pacs_query_result_new (level);
      JsonObject *match;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          corrupt (error, source, i, NULL, _("is not an object"));
          return NULL;
        }
      match = json_node_get_object (node);
      for (gsize f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          JsonNode *element = json_object_get_member (match, fields[f].key);

          if (element == NULL || JSON_NODE_HOLDS_NULL (element))
            continue;
          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              corrupt (error, source, i, fields[f].key, _("is not an object with a vr"));
              return NULL;
            }
          if (!read_field (result, &fields[f], json_node_get_object (element), source, i, error))
            return NULL;
        }
      g_ptr_array_add (results, g_steal_pointer (&result));
    }
  return g_steal_pointer (&results);
}
