/* np-pacs-query.c: a search of a PACS, by QIDO-RS or C-FIND, and its
 * retrieve by C-GET
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-pacs-query"

#include "config.h"

#include "np-pacs-query.h"

#include <string.h>

#include "np-capture-plan.h"
#include "np-dicom-helper.h"
#include "np-plan-file.h"
#include "np-dicom-protocol.h"
#include "np-dicomweb-client.h"
#include "np-error.h"
#include "np-pacs-cache.h"
#include <glib/gi18n-lib.h>

/* The most a search answers (QIDO-RS "limit"). */
#define QIDO_LIMIT 5000
/* What the core allows the importer beyond the PACS's own timeout, which
 * the importer applies to the association and to every message. */
#define DIMSE_GRACE_MS 5000

NpPacsQuery *
np_pacs_query_new (NpPacsLevel level)
{
  NpPacsQuery *query = g_new0 (NpPacsQuery, 1);

  query->level = level;
  return query;
}

void
np_pacs_query_free (NpPacsQuery *query)
{
  if (query == NULL)
    return;
  g_free (query->patient_name);
  g_free (query->patient_id);
  g_free (query->accession_number);
  g_free (query->study_date);
  g_free (query->study_uid);
  g_free (query->series_uid);
  g_free (query->sop_uid);
  g_free (query);
}

static gboolean
is_empty (const char *text)
{
  return text == NULL || *text == '\0';
}

/* YYYYMMDD (or YYYY-MM-DD) of a real calendar day, as YYYYMMDD. */
static char *
parse_date (const char *text)
{
  g_autofree char *digits = NULL;
  int year, month, day;

  if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
    digits = g_strdup_printf ("%.4s%.2s%.2s", text, text + 5, text + 8);
  else
    digits = g_strdup (text);
  if (strlen (digits) != 8)
    return NULL;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isdigit (digits[i]))
      return NULL;
  year = (int) g_ascii_strtoll (digits, NULL, 10) / 10000;
  month = (int) (g_ascii_strtoll (digits, NULL, 10) / 100 % 100);
  day = (int) (g_ascii_strtoll (digits, NULL, 10) % 100);
  if (year < 1 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;
  return g_steal_pointer (&digits);
}

/**
 * np_pacs_query_set_study_date:
 * @text: (nullable): "", a day (YYYYMMDD or YYYY-MM-DD) or a range of two
 *   days joined by "-" (YYYYMMDD-YYYYMMDD; either end may be left out)
 *
 * Returns: %FALSE with @error set when @text is none of these
 */
gboolean
np_pacs_query_set_study_date (NpPacsQuery  *query,
                              const char   *text,
                              GError      **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const char *dash;

  g_return_val_if_fail (query != NULL, FALSE);

  if (*stripped == '\0')
    {
      g_clear_pointer (&query->study_date, g_free);
      return TRUE;
    }
  /* A YYYY-MM-DD day has dashes of its own: only a dash at position 8 (or
   * first, or last) joins a range of YYYYMMDD days. */
  from = parse_date (stripped);
  if (from != NULL)
    {
      g_free (query->study_date);
      query->study_date = g_steal_pointer (&from);
      return TRUE;
    }
  dash = strchr (stripped, '-');
  if (dash != NULL && strchr (dash + 1, '-') == NULL)
    {
      g_autofree char *left = g_strndup (stripped, (gsize) (dash - stripped));
      const char *right = dash + 1;

      from = *left != '\0' ? parse_date (left) : g_strdup ("");
      to = *right != '\0' ? parse_date (right) : g_strdup ("");
      if (from != NULL && to != NULL && (*from != '\0' || *to != '\0')
          && (*from == '\0' || *to == '\0' || strcmp (from, to) <= 0))
        {
          g_free (query->study_date);
          query->study_date = g_strdup_printf ("%s-%s", from, to);
          return TRUE;
        }
    }
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
               _("The study date “%s” is not a day (YYYYMMDD or YYYY-MM-DD) or a range of days "
                 "(YYYYMMDD-YYYYMMDD, the first not after the second)"), stripped);
  return FALSE;
}

static gboolean
check_field (const char  *value,
             const char  *what,
             GError     **error)
{
  if (value == NULL || *value == '\0')
    return TRUE;
  if (!g_utf8_validate (value, -1, NULL) || strlen (value) > 64 || strchr (value, '\\') != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The %s to search for must be at most 64 characters, without a backslash"),
                   what);
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      {
        g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                     _("The %s to search for holds a control character"), what);
        return FALSE;
      }
  return TRUE;
}

/**
 * np_pacs_query_check:
 *
 * Every field fits a DICOM query key (64 characters, no backslash or
 * control character); series need their study, instances their series.
 */
gboolean
np_pacs_query_check (const NpPacsQuery  *query,
                     GError            **error)
{
  g_return_val_if_fail (query != NULL, FALSE);

  if (!check_field (query->patient_name, _("patient name"), error)
      || !check_field (query->patient_id, _("patient ID"), error)
      || !check_field (query->accession_number, _("accession number"), error))
    return FALSE;
  if ((query->level != NP_PACS_LEVEL_STUDY && !np_pacs_cache_is_uid (query->study_uid))
      || (query->level == NP_PACS_LEVEL_INSTANCE && !np_pacs_cache_is_uid (query->series_uid)
          && !np_pacs_cache_is_uid (query->sop_uid))
      || (!is_empty (query->sop_uid) && !np_pacs_cache_is_uid (query->sop_uid)))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("A search for series names its study, and one for instances its series, "
                     "by UID"));
      return FALSE;
    }
  return TRUE;
}

/**
 * np_pacs_query_dup_name_pattern:
 *
 * Returns: (transfer full) (nullable): the patient name as a DICOM pattern:
 *   "doe" becomes "doe*" (names are stored "Family^Given"), a name with a
 *   wildcard of its own (* or ?) stays; %NULL when empty
 */
char *
np_pacs_query_dup_name_pattern (const NpPacsQuery *query)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (query != NULL, NULL);

  if (is_empty (query->patient_name))
    return NULL;
  name = g_strstrip (g_strdup (query->patient_name));
  if (*name == '\0')
    return NULL;
  if (strpbrk (name, "*?") != NULL)
    return g_steal_pointer (&name);
  return g_strconcat (name, "*", NULL);
}

static void
append_parameter (GString    *url,
                  const char *name,
                  const char *value)
{
  g_autofree char *escaped = NULL;

  if (is_empty (value))
    return;
  escaped = g_uri_escape_string (value, "*?", FALSE);
  g_string_append_printf (url, "&%s=%s", name, escaped);
}

/**
 * np_pacs_query_to_qido:
 *
 * The QIDO-RS request (PS3.18 10.6), relative to the DICOMweb base URL:
 * "studies?…", "studies/UID/series?…" or "studies/UID/series/UID/instances?…".
 * Call np_pacs_query_check() first.
 *
 * Returns: (transfer full): the path and query string
 */
char *
np_pacs_query_to_qido (const NpPacsQuery *query)
{
  g_autofree char *pattern = NULL;
  GString *url = g_string_new (NULL);

  g_return_val_if_fail (query != NULL, NULL);

  switch (query->level)
    {
    case NP_PACS_LEVEL_STUDY:
      g_string_append_printf (url, "studies?limit=%d", QIDO_LIMIT);
      pattern = np_pacs_query_dup_name_pattern (query);
      append_parameter (url, "PatientName", pattern);
      append_parameter (url, "PatientID", query->patient_id);
      append_parameter (url, "AccessionNumber", query->accession_number);
      append_parameter (url, "StudyDate", query->study_date);
      g_string_append (url, "&includefield=00081030&includefield=00080061"
                       "&includefield=00201208&includefield=00100030");
      break;
    case NP_PACS_LEVEL_SERIES:
      g_string_append_printf (url, "studies/%s/series?limit=%d", query->study_uid, QIDO_LIMIT);
      g_string_append (url, "&includefield=0008103E&includefield=00200011"
                       "&includefield=00201209");
      break;
    case NP_PACS_LEVEL_INSTANCE:
      if (is_empty (query->series_uid))
        g_string_append_printf (url, "studies/%s/instances?limit=%d", query->study_uid,
                                QIDO_LIMIT);
      else
        g_string_append_printf (url, "studies/%s/series/%s/instances?limit=%d",
                                query->study_uid, query->series_uid, QIDO_LIMIT);
      append_parameter (url, "SOPInstanceUID", query->sop_uid);
      g_string_append (url, "&includefield=00200013&includefield=00280008");
      break;
    default:
      g_assert_not_reached ();
    }
  return g_string_free (url, FALSE);
}

static void
set_peer (JsonObject            *members,
          const NpPacsDimsePeer *peer)
{
  json_object_set_string_member (members, "host", peer->host);
  json_object_set_int_member (members, "port", peer->port);
  json_object_set_string_member (members, "calling_aet", peer->calling_aet);
  json_object_set_string_member (members, "called_aet", peer->called_aet);
  json_object_set_int_member (members, "timeout", peer->timeout_seconds);
}

/**
 * np_pacs_query_to_find_members:
 *
 * The importer's `find` request (docs/dicom.md) for @query on @peer.
 *
 * Returns: (transfer full): the request's members
 */
JsonObject *
np_pacs_query_to_find_members (const NpPacsQuery     *query,
                               const NpPacsDimsePeer *peer)
{
  static const char *const levels[] = { "STUDY", "SERIES", "IMAGE" };
  g_autofree char *pattern = NULL;
  JsonObject *members;

  g_return_val_if_fail (query != NULL && peer != NULL, NULL);

  members = json_object_new ();
  json_object_set_string_member (members, "request", "find");
  set_peer (members, peer);
  json_object_set_string_member (members, "level", levels[query->level]);
  pattern = np_pacs_query_dup_name_pattern (query);
  json_object_set_string_member (members, "patient_name", pattern != NULL ? pattern : "");
  json_object_set_string_member (members, "patient_id",
                                 query->patient_id != NULL ? query->patient_id : "");
  json_object_set_string_member (members, "accession_number",
                                 query->accession_number != NULL ? query->accession_number : "");
  json_object_set_string_member (members, "study_date",
                                 query->study_date != NULL ? query->study_date : "");
  json_object_set_string_member (members, "study_uid",
                                 query->study_uid != NULL ? query->study_uid : "");
  json_object_set_string_member (members, "series_uid",
                                 query->series_uid != NULL ? query->series_uid : "");
  json_object_set_string_member (members, "sop_uid",
                                 query->sop_uid != NULL ? query->sop_uid : "");
  return members;
}

static char *
peer_label (const NpPacsDimsePeer *peer)
{
  return g_strdup_printf (_("The PACS %s at %s:%u"), peer->called_aet, peer->host, peer->port);
}

static NpDicomHelper *
start_helper (const NpPacsDimsePeer *peer,
              GError               **error)
{
  g_autofree char *label = peer_label (peer);

  return np_dicom_helper_new (label, error);
}

static gboolean
check_peer (const NpPacsDimsePeer  *peer,
            GError                **error)
{
  if (is_empty (peer->host) || peer->port == 0 || peer->port > 65535
      || is_empty (peer->calling_aet) || is_empty (peer->called_aet)
      || peer->timeout_seconds == 0 || peer->timeout_seconds > 600)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The PACS needs a host, a port, both AE titles and a timeout of 1 to 600 s "
                     "for DICOM (C-FIND, C-GET)"));
      return FALSE;
    }
  return TRUE;
}

/**
 * np_pacs_query_find_dimse:
 *
 * Searches @peer by C-FIND (Study Root) through the importer process.
 *
 * Returns: (transfer full) (element-type NpPacsQueryResult) (nullable):
 *   the matches, or %NULL with @error set (the PACS unreachable, the
 *   association refused, the query refused), in words
 */
GPtrArray *
np_pacs_query_find_dimse (const NpPacsQuery      *query,
                          const NpPacsDimsePeer  *peer,
                          GError                **error)
{
  g_autoptr(JsonObject) members = NULL;
  g_autoptr(NpDicomHelper) helper = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(NpDicomMessage) reply = NULL;
  g_autofree char *label = NULL;
  GPtrArray *results;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (query != NULL && peer != NULL, NULL);

  if (!check_peer (peer, error) || !np_pacs_query_check (query, error))
    return NULL;
  helper = start_helper (peer, error);
  if (helper == NULL)
    return NULL;
  members = np_pacs_query_to_find_members (query, peer);
  reply = np_dicom_helper_request (helper, "find", members, NULL, _("while searching"),
                                   peer->timeout_seconds * 3000 + DIMSE_GRACE_MS, &answer, error);
  np_dicom_helper_close (helper);
  if (reply == NULL)
    return NULL;
  label = g_strdup_printf (_("the PACS %s"), peer->called_aet);
  data = g_bytes_get_data (answer, &length);
  results = np_pacs_query_result_list_parse (data != NULL ? data : "", (gssize) length,
                                             query->level, label, error);
  return results;
}

/**
 * np_pacs_query_get_dimse:
 * @instance: an instance-level match (its study, series, SOP class and
 *   instance UIDs)
 *
 * Retrieves one instance from @peer by C-GET through the importer process.
 *
 * Returns: (transfer full) (nullable): the DICOM file's bytes
 */
GBytes *
np_pacs_query_get_dimse (const NpPacsQueryResult  *instance,
                         const NpPacsDimsePeer    *peer,
                         GError                  **error)
{
  g_autoptr(JsonObject) members = json_object_new ();
  g_autoptr(NpDicomHelper) helper = NULL;
  g_autoptr(NpDicomMessage) reply = NULL;
  GBytes *file = NULL;

  g_return_val_if_fail (instance != NULL && peer != NULL, NULL);

  if (!check_peer (peer, error))
    return NULL;
  if (!np_pacs_cache_is_uid (instance->study_uid) || !np_pacs_cache_is_uid (instance->series_uid)
      || !np_pacs_cache_is_uid (instance->sop_uid)
      || !np_pacs_cache_is_uid (instance->sop_class_uid))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Cannot retrieve the instance: its study, series, SOP instance and SOP class "
                     "UIDs are not all known"));
      return NULL;
    }
  helper = start_helper (peer, error);
  if (helper == NULL)
    return NULL;
  set_peer (members, peer);
  json_object_set_string_member (members, "study_uid", instance->study_uid);
  json_object_set_string_member (members, "series_uid", instance->series_uid);
  json_object_set_string_member (members, "sop_uid", instance->sop_uid);
  json_object_set_string_member (members, "sop_class_uid", instance->sop_class_uid);
  reply = np_dicom_helper_request (helper, "get", members, NULL, _("while retrieving an instance"),
                                   peer->timeout_seconds * 3000 + DIMSE_GRACE_MS, &file, error);
  np_dicom_helper_close (helper);
  if (reply == NULL)
    {
      g_clear_pointer (&file, g_bytes_unref);
      return NULL;
    }
  return file;
}

static void
peer_from_destination (const NpPacsDestination *destination,
                       NpPacsDimsePeer         *peer)
{
  peer->host = destination->host;
  peer->port = destination->port;
  peer->calling_aet = destination->calling_aet;
  peer->called_aet = destination->called_aet;
  peer->timeout_seconds = destination->timeout_seconds;
}

static void
server_from_destination (const NpPacsDestination *destination,
                         const char              *password,
                         NpDicomwebServer        *server)
{
  server->base_url = destination->dicomweb_url;
  server->username = destination->username;
  server->password = password;
  server->timeout_seconds = destination->timeout_seconds;
}

/**
 * np_pacs_query_find:
 * @password: (nullable): the HTTP password of @destination's user
 *
 * Searches @destination: by QIDO-RS when it has a DICOMweb URL, else by
 * C-FIND.
 *
 * Returns: (transfer full) (element-type NpPacsQueryResult) (nullable):
 *   the matches, or %NULL with @error set
 */
GPtrArray *
np_pacs_query_find (const NpPacsQuery        *query,
                    const NpPacsDestination  *destination,
                    const char               *password,
                    GCancellable             *cancellable,
                    GError                  **error)
{
  g_return_val_if_fail (query != NULL && destination != NULL, NULL);

  if (np_pacs_destination_has_dicomweb (destination))
    {
      NpDicomwebServer server;

      server_from_destination (destination, password, &server);
      return np_dicomweb_client_find (&server, query, cancellable, error);
    }
  if (np_pacs_destination_has_dimse (destination))
    {
      NpPacsDimsePeer peer;

      peer_from_destination (destination, &peer);
      return np_pacs_query_find_dimse (query, &peer, error);
    }
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
               _("The PACS “%s” has neither a DICOMweb URL nor a DICOM AE title to search"),
               destination->name);
  return NULL;
}

/**
 * np_pacs_query_retrieve:
 * @instance: an instance-level match
 * @password: (nullable): the HTTP password of @destination's user
 *
 * Brings @instance into @cache (WADO-RS when @destination has a DICOMweb
 * URL, else C-GET), or finds it there from before.
 *
 * Returns: (transfer full) (nullable): the cached file's path
 */
char *
np_pacs_query_retrieve (const NpPacsQueryResult  *instance,
                        const NpPacsDestination  *destination,
                        const char               *password,
                        NpPacsCache              *cache,
                        GCancellable             *cancellable,
                        GError                  **error)
{
  g_autoptr(GBytes) file = NULL;
  char *cached;

  g_return_val_if_fail (instance != NULL && destination != NULL, NULL);
  g_return_val_if_fail (NP_IS_PACS_CACHE (cache), NULL);

  cached = np_pacs_cache_lookup (cache, instance->sop_uid);
  if (cached != NULL)
    return cached;
  if (np_pacs_destination_has_dicomweb (destination))
    {
      NpDicomwebServer server;

      server_from_destination (destination, password, &server);
      file = np_dicomweb_client_retrieve (&server, instance, cancellable, error);
    }
  else if (np_pacs_destination_has_dimse (destination))
    {
      NpPacsDimsePeer peer;

      peer_from_destination (destination, &peer);
      file = np_pacs_query_get_dimse (instance, &peer, error);
    }
  else
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                 _("The PACS “%s” has neither a DICOMweb URL nor a DICOM AE title to retrieve "
                   "from"),
                 destination->name);
  if (file == NULL)
    return NULL;
  return np_pacs_cache_store (cache, instance->sop_uid, file, error);
}

/**
 * np_pacs_query_retrieve_source:
 * @capture_path: a NeedlePlan Secondary Capture retrieved from @destination
 * @study_uid: the study it is in, where its source is looked for
 * @password: (nullable): the HTTP password of @destination's user
 *
 * Brings the source frame of the plan inside a NeedlePlan Secondary Capture
 * into @cache too, found in the capture's study by its SOP Instance UID, so
 * that the plan reopens on it (np_capture_plan_new()) rather than on the
 * capture's pixels.
 *
 * Returns: (transfer full) (nullable): the source's path in the cache, or
 *   %NULL with @error set: %NP_ERROR_NOT_SUPPORTED when the file holds no
 *   plan on a DICOM frame, %NP_ERROR_NOT_FOUND when the source is not in
 *   the study, or why the search or the retrieve failed
 */
char *
np_pacs_query_retrieve_source (const char               *capture_path,
                               const char               *study_uid,
                               const NpPacsDestination  *destination,
                               const char               *password,
                               NpPacsCache              *cache,
                               GCancellable             *cancellable,
                               GError                  **error)
{
  g_autoptr(NpDicomHelper) helper = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpPacsQuery) query = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *name = NULL;
  const NpDicomInfo *info;
  NpPacsQueryResult *source;

  g_return_val_if_fail (capture_path != NULL && destination != NULL, NULL);
  g_return_val_if_fail (NP_IS_PACS_CACHE (cache), NULL);

  name = g_filename_display_basename (capture_path);
  helper = np_dicom_helper_new (capture_path, error);
  if (helper == NULL || !np_dicom_helper_open (helper, error))
    return NULL;
  info = np_dicom_helper_get_info (helper);
  if (info->needleplan_plan != NULL)
    plan = np_plan_file_parse (info->needleplan_plan, -1, name, NULL);
  np_dicom_helper_close (helper);
  if (plan == NULL || !np_pacs_cache_is_uid (plan->dicom_sop_instance_uid))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("“%s” holds no NeedlePlan plan made on a DICOM frame"), name);
      return NULL;
    }
  {
    char *cached = np_pacs_cache_lookup (cache, plan->dicom_sop_instance_uid);

    if (cached != NULL)
      return cached;
  }

  query = np_pacs_query_new (NP_PACS_LEVEL_INSTANCE);
  query->study_uid = g_strdup (study_uid);
  query->sop_uid = g_strdup (plan->dicom_sop_instance_uid);
  found = np_pacs_query_find (query, destination, password, cancellable, error);
  if (found == NULL)
    return NULL;
  source = NULL;
  for (guint i = 0; i < found->len && source == NULL; i++)
    {
      NpPacsQueryResult *r = g_ptr_array_index (found, i);

      if (g_strcmp0 (r->sop_uid, plan->dicom_sop_instance_uid) == 0)
        source = r;
    }
  if (source == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("The source frame of the plan in “%s” (SOP Instance UID %s) is not in its "
                     "study on the PACS “%s”"), name, plan->dicom_sop_instance_uid,
                   destination->name);
      return NULL;
    }
  if (*source->study_uid == '\0')
    {
      g_free (source->study_uid);
      source->study_uid = g_strdup (study_uid);
    }
  return np_pacs_query_retrieve (source, destination, password, cache, cancellable, error);
}
