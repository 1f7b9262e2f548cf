/* np-pacs-send.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Sends DICOM files that are already on disk to a PACS destination: by
 * C-STORE through the DICOM helper (the core never links DCMTK), all files
 * in one association, or by STOW-RS in one multipart request. The files are never removed here:
 * whoever exported them keeps them until the send has worked, so a failed
 * send can be retried.
 */

#define G_LOG_DOMAIN "np-core"

#include "np-pacs-send.h"

#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-http.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

/* DICOM JSON tags of a STOW-RS response (PS3.18 §10.5.3). */
#define TAG_FAILED_SOP_SEQUENCE     "00081198"
#define TAG_REFERENCED_SOP_SEQUENCE "00081199"
#define TAG_FAILURE_REASON          "00081197"
#define TAG_WARNING_REASON          "00081196"
#define TAG_REFERENCED_SOP_INSTANCE "00081155"

const char *
np_pacs_send_via_name (NpPacsSendVia via)
{
  switch (via)
    {
    case NP_PACS_SEND_DIMSE:    return "C-STORE";
    case NP_PACS_SEND_DICOMWEB: return "STOW-RS";
    case NP_PACS_SEND_AUTO:
    default:                    return "auto";
    }
}

gboolean
np_pacs_send_via_parse (const char    *text,
                        NpPacsSendVia *via)
{
  g_return_val_if_fail (text != NULL && via != NULL, FALSE);

  if (g_ascii_strcasecmp (text, "auto") == 0)
    *via = NP_PACS_SEND_AUTO;
  else if (g_ascii_strcasecmp (text, "dimse") == 0 || g_ascii_strcasecmp (text, "c-store") == 0)
    *via = NP_PACS_SEND_DIMSE;
  else if (g_ascii_strcasecmp (text, "dicomweb") == 0 || g_ascii_strcasecmp (text, "stow") == 0 ||
           g_ascii_strcasecmp (text, "stow-rs") == 0)
    *via = NP_PACS_SEND_DICOMWEB;
  else
    return FALSE;
  return TRUE;
}

/* PS3.18 Table I.2-1 / PS3.4 C-STORE status codes, in words. */
char *
np_pacs_send_stow_failure_reason (guint code)
{
  const char *words;

  if ((code & 0xff00) == 0xa700)
    words = _("the PACS is out of resources (disk full?)");
  else if ((code & 0xff00) == 0xa900)
    words = _("the data set does not match its SOP class");
  else if (code == 0xc122)
    words = _("the PACS does not accept this transfer syntax");
  else if ((code & 0xf000) == 0xc000)
    words = _("the PACS cannot understand the file");
  else if (code == 0x0110)
    words = _("the PACS failed while processing it");
  else if (code == 0x0122)
    words = _("the PACS does not store this SOP class");
  else if (code == 0x0124)
    words = _("not authorised to store it");
  else if (code == 0x0111)
    words = _("an instance with this SOP Instance UID is already there");
  else
    words = _("the PACS gave no reason it names");
  return g_strdup_printf ("%s (status 0x%04X)", words, code);
}

/* Members of a server's JSON, of the expected type or NULL: a hostile or
 * broken server must not trip json-glib's assertions. */
static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
object_element (JsonArray *array,
                guint      index)
{
  JsonNode *node = array && index < json_array_get_length (array)
                   ? json_array_get_element (array, index) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
notify (NpPacsSendProgress  progress,
        gpointer            user_data,
        guint               done,
        guint               total,
        const char         *path,
        GCancellable       *cancellable,
        GError            **error)
{
  if (progress)
    progress (done, total, path, user_data);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
send_dimse (const NpPacsDestination   *destination,
            const char * const        *paths,
            guint                      total,
            NpPacsSendProgress         progress,
            gpointer                   user_data,
            GCancellable              *cancellable,
            GPtrArray                 *stored,
            GPtrArray                 *warnings,
            GError                   **error)
{
  /* Connection, association, each store and the release each have the
   * destination's time-out; the helper needs a moment to start. */
  guint timeout_ms = (destination->timeout_seconds * (3 + total) + 10) * 1000;
  g_autoptr(NpDicomHelper) helper = NULL;
  g_autoptr(NpDicomMessage) reply = NULL;
  g_autoptr(JsonObject) members = json_object_new ();
  JsonArray *results;

  for (guint i = 0; i < total; i++)
    if (!g_file_test (paths[i], G_FILE_TEST_IS_REGULAR))
      {
        g_autofree char *display = g_filename_display_name (paths[i]);
        g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, _("%s: no such file to send"), display);
        return FALSE;
      }
  if (!notify (progress, user_data, 0, total, paths[0], cancellable, error))
    return FALSE;

  /* One association for all the files, as dcmsend does: the helper answers
   * for each file. */
  helper = np_dicom_helper_new (paths[0], error);
  if (helper == NULL)
    return FALSE;
  json_object_set_string_member (members, "host", destination->host);
  json_object_set_int_member (members, "port", destination->port);
  json_object_set_string_member (members, "calling_aet", destination->calling_aet);
  json_object_set_string_member (members, "called_aet", destination->called_aet);
  json_object_set_int_member (members, "timeout", destination->timeout_seconds);
  json_object_set_int_member (members, "count", total);
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *key = g_strdup_printf ("path.%u", i);
      json_object_set_string_member (members, key, paths[i]);
    }
  reply = np_dicom_helper_request (helper, "send", members, NULL, _("while sending it"),
                                   timeout_ms, NULL, error);
  np_dicom_helper_close (helper);
  if (reply == NULL)
    return FALSE;

  results = array_member (np_dicom_message_get_object (reply), "results");
  if (results == NULL || json_array_get_length (results) != total)
    {
      g_autofree char *display = g_filename_display_name (paths[0]);
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("%s: the DICOM helper's answer to sending it lists no result for each file"),
                   display);
      return FALSE;
    }
  for (guint i = 0; i < total; i++)
    {
      JsonObject *result = object_element (results, i);
      g_autofree char *display = g_filename_display_name (paths[i]);
      const char *message = result ? json_object_get_string_member_with_default (result, "message", "")
                                   : "";

      if (result == NULL || !json_object_get_boolean_member_with_default (result, "stored", FALSE))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("%s: %s@%s:%u did not store it: %s"),
                       display, destination->called_aet, destination->host, destination->port,
                       *message ? message : "no reason given");
          return FALSE;
        }
      if (*message)
        g_ptr_array_add (warnings, g_strdup_printf ("%s: %s", display, message));
      g_ptr_array_add (stored, g_strdup (json_object_get_string_member_with_default (
                                           result, "sop_instance_uid", "")));
    }
  return TRUE;
}

/* The first string of a DICOM JSON attribute, or the first number as text. */
static char *
dicom_json_value (JsonObject *item,
                  const char *tag)
{
  JsonObject *attribute = object_member (item, tag);
  JsonArray *values;
  JsonNode *first;

  values = array_member (attribute, "Value");
  if (values == NULL || json_array_get_length (values) == 0)
    return NULL;
  first = json_array_get_element (values, 0);
  if (!JSON_NODE_HOLDS_VALUE (first))
    return NULL;
  if (json_node_get_value_type (first) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (first));
  if (json_node_get_value_type (first) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (first));
  return NULL;
}

static JsonArray *
dicom_json_sequence (JsonObject *object,
                     const char *tag)
{
  return array_member (object_member (object, tag), "Value");
}

/* Reads a STOW-RS response body: the stored instances and, for each failed
 * one, a sentence. Returns FALSE when the body is not the JSON we expect. */
static gboolean
parse_stow_response (GBytes    *body,
                     GPtrArray *stored,
                     GPtrArray *failures,
                     GPtrArray *warnings)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonNode *root;
  JsonObject *object;
  JsonArray *sequence;

  if (size == 0 || !json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  /* Some servers answer with an array of one data set. */
  if (JSON_NODE_HOLDS_ARRAY (root) && json_array_get_length (json_node_get_array (root)) == 1)
    root = json_array_get_element (json_node_get_array (root), 0);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);

  sequence = dicom_json_sequence (object, TAG_REFERENCED_SOP_SEQUENCE);
  for (guint i = 0; sequence && i < json_array_get_length (sequence); i++)
    {
      JsonObject *item = object_element (sequence, i);
      g_autofree char *uid = item ? dicom_json_value (item, TAG_REFERENCED_SOP_INSTANCE) : NULL;
      g_autofree char *warning = item ? dicom_json_value (item, TAG_WARNING_REASON) : NULL;

      g_ptr_array_add (stored, g_strdup (uid ? uid : ""));
      if (warning)
        g_ptr_array_add (warnings, g_strdup_printf (_("instance %s stored with a warning "
                                                      "(status %s)"),
                                                    uid ? uid : "?", warning));
    }
  sequence = dicom_json_sequence (object, TAG_FAILED_SOP_SEQUENCE);
  for (guint i = 0; sequence && i < json_array_get_length (sequence); i++)
    {
      JsonObject *item = object_element (sequence, i);
      g_autofree char *uid = item ? dicom_json_value (item, TAG_REFERENCED_SOP_INSTANCE) : NULL;
      g_autofree char *reason = item ? dicom_json_value (item, TAG_FAILURE_REASON) : NULL;
      g_autofree char *words = NULL;
      guint64 code = 0;

      if (reason && g_ascii_string_to_unsigned (reason, 10, 0, G_MAXUINT16, &code, NULL))
        words = np_pacs_send_stow_failure_reason ((guint) code);
      g_ptr_array_add (failures, g_strdup_printf (_("instance %s: %s"), uid ? uid : _("(no UID)"),
                                                  words ? words : _("no reason given")));
    }
  return TRUE;
}

static GBytes *
multipart_body (const char * const  *paths,
                guint                total,
                const char          *boundary,
                GError             **error)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  for (guint i = 0; i < total; i++)
    {
      g_autofree char *contents = NULL;
      g_autofree char *display = g_filename_display_name (paths[i]);
      g_autofree char *part = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize length = 0;

      if (!g_file_get_contents (paths[i], &contents, &length, &local_error))
        {
          g_set_error (error, NP_ERROR,
                       g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                       ? NP_ERROR_NOT_FOUND : NP_ERROR_IO,
                       _("%s: cannot read the file to send: %s"), display, local_error->message);
          return NULL;
        }
      if (length > NP_PACS_SEND_MAX_FILE_BYTES)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE, _("%s: larger than %u MiB, too large to send"), display,
                       (guint) (NP_PACS_SEND_MAX_FILE_BYTES >> 20));
          return NULL;
        }
      part = g_strdup_printf ("--%s\r\nContent-Type: application/dicom\r\n"
                              "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", boundary, length);
      g_byte_array_append (body, (const guint8 *) part, (guint) strlen (part));
      g_byte_array_append (body, (const guint8 *) contents, (guint) length);
      g_byte_array_append (body, (const guint8 *) "\r\n", 2);
    }
  {
    g_autofree char *end = g_strdup_printf ("--%s--\r\n", boundary);
    g_byte_array_append (body, (const guint8 *) end, (guint) strlen (end));
  }
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static char *
join_lines (GPtrArray *lines)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s%s", i ? "; " : "", (const char *) g_ptr_array_index (lines, i));
  return g_string_free (text, FALSE);
}

static gboolean
send_stow (const NpPacsDestination   *destination,
           const char                *password,
           const char * const        *paths,
           guint                      total,
           NpPacsSendProgress         progress,
           gpointer                   user_data,
           GCancellable              *cancellable,
           GPtrArray                 *stored,
           GPtrArray                 *warnings,
           GError                   **error)
{
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(NpHttpResponse) response = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) status_error = NULL;
  g_autofree char *boundary = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *url = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  NpHttpOptions options = { 0 };
  gboolean parsed;
  const char *base = destination->dicomweb_url;
  gsize base_length = strlen (base);

  if (!notify (progress, user_data, 0, total, paths[0], cancellable, error))
    return FALSE;
  boundary = g_strdup_printf ("needleplan-%s", uuid);
  body = multipart_body (paths, total, boundary, error);
  if (body == NULL)
    return FALSE;

  while (base_length > 0 && base[base_length - 1] == '/')
    base_length--;
  url = g_strdup_printf ("%.*s/studies", (int) base_length, base);
  content_type = g_strdup_printf ("multipart/related; type=\"application/dicom\"; boundary=%s",
                                  boundary);
  options.username = destination->username;
  options.password = password;
  options.timeout_seconds = destination->timeout_seconds;
  options.connect_timeout_seconds = destination->timeout_seconds;
  options.max_body_bytes = 16 * 1024 * 1024;
  response = np_http_post (url, content_type, body, "application/dicom+json", &options,
                           cancellable, error);
  if (response == NULL)
    return FALSE;

  /* The status first: a refused request's body is not a STOW response
   * (Orthanc answers a body that is not DICOM with 400 and an empty Failed
   * SOP Sequence). */
  if (!np_http_response_check (response, &status_error))
    {
      parsed = parse_stow_response (response->body, stored, failures, warnings);
      if (response->status == 400)
        g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                     _("%s did not accept what was sent as DICOM (HTTP 400)%s%s: check that the "
                       "files are DICOM files and not damaged"),
                     url, parsed && failures->len ? ": " : "",
                     parsed && failures->len ? (char *) g_ptr_array_index (failures, 0) : "");
      else if (parsed && failures->len > 0)
        {
          g_autofree char *reasons = join_lines (failures);

          g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("%s refused the files (HTTP %u): %s"),
                       url, response->status, reasons);
        }
      else
        g_propagate_error (error, g_steal_pointer (&status_error));
      return FALSE;
    }

  if (!parse_stow_response (response->body, stored, failures, warnings))
    {
      /* A success without the JSON body: trust the status, but say so. */
      g_ptr_array_add (warnings, g_strdup_printf (_("%s answered HTTP %u without a list of the "
                                                    "stored instances"), url, response->status));
      for (guint i = 0; i < total; i++)
        g_ptr_array_add (stored, g_strdup (""));
    }
  if (failures->len > 0)
    {
      g_autofree char *reasons = join_lines (failures);

      g_set_error (error, NP_ERROR, NP_ERROR_FAILED,
                   _("%s stored %u of %u files; it refused %s"), url, stored->len, total, reasons);
      return FALSE;
    }
  if (stored->len < total)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED,
                   _("%s reports %u of %u files stored and no reason for the others"),
                   url, stored->len, total);
      return FALSE;
    }
  return TRUE;
}

/**
 * np_pacs_send_files:
 * @destination: a valid destination
 * @via: DIMSE, DICOMweb or whichever the destination has (DIMSE first)
 * @password: (nullable): for DICOMweb with a user name
 * @paths: (array zero-terminated=1): the DICOM files to send
 * @stored_uids: (out) (optional): the SOP Instance UIDs the PACS stored
 * @warnings: (out) (optional): what was stored with a warning
 *
 * Returns: %TRUE when the PACS stored every file; otherwise @error says
 * which file, which server and why, in words. The files stay where they are.
 */
gboolean
np_pacs_send_files (const NpPacsDestination   *destination,
                    NpPacsSendVia              via,
                    const char                *password,
                    const char * const        *paths,
                    NpPacsSendProgress         progress,
                    gpointer                   user_data,
                    GCancellable              *cancellable,
                    char                    ***stored_uids,
                    char                    ***warnings,
                    GError                   **error)
{
  g_autoptr(GPtrArray) stored = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warning_list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  guint total;
  gboolean ok;

  g_return_val_if_fail (destination != NULL, FALSE);
  g_return_val_if_fail (paths != NULL && paths[0] != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!np_pacs_destination_validate (destination, error))
    return FALSE;
  if (via == NP_PACS_SEND_AUTO)
    via = np_pacs_destination_has_dimse (destination) ? NP_PACS_SEND_DIMSE : NP_PACS_SEND_DICOMWEB;
  if (via == NP_PACS_SEND_DIMSE && !np_pacs_destination_has_dimse (destination))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s” has no DIMSE address (called AE title, host, port) "
                     "for C-STORE"), destination->name);
      return FALSE;
    }
  if (via == NP_PACS_SEND_DICOMWEB && !np_pacs_destination_has_dicomweb (destination))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s” has no DICOMweb URL for STOW-RS"), destination->name);
      return FALSE;
    }

  total = g_strv_length ((char **) paths);
  if (via == NP_PACS_SEND_DIMSE)
    ok = send_dimse (destination, paths, total, progress, user_data, cancellable, stored,
                     warning_list, &local_error);
  else
    ok = send_stow (destination, password, paths, total, progress, user_data, cancellable, stored,
                    warning_list, &local_error);
  if (!ok)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Sending to PACS “%s” by %s failed: "), destination->name,
                                  np_pacs_send_via_name (via));
      return FALSE;
    }
  if (progress)
    progress (total, total, NULL, user_data);
  if (stored_uids)
    {
      g_ptr_array_add (stored, NULL);
      *stored_uids = (char **) g_ptr_array_free (g_steal_pointer (&stored), FALSE);
    }
  if (warnings)
    {
      g_ptr_array_add (warning_list, NULL);
      *warnings = (char **) g_ptr_array_free (g_steal_pointer (&warning_list), FALSE);
    }
  return TRUE;
}

/**
 * np_pacs_send_outbox_new:
 *
 * Makes a new folder under the user's cache directory
 * (needleplan/outbox/DATE-TIME-XXXXXX) for files exported to be sent: they
 * stay there when the send fails, for a retry, and never land among the
 * user's documents.
 *
 * Returns: (transfer full) (nullable): the folder's path
 */
char *
np_pacs_send_outbox_new (GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *outbox = g_build_filename (g_get_user_cache_dir (), "needleplan", "outbox", NULL);
  g_autofree char *template = NULL;
  int saved;

  if (g_mkdir_with_parents (outbox, 0700) != 0)
    {
      saved = errno;
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot make the folder %s for the files to "
                     "send: %s"), outbox, g_strerror (saved));
      return NULL;
    }
  template = g_strdup_printf ("%s/%s-XXXXXX", outbox, stamp);
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      saved = errno;
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot make a folder in %s for the files to "
                     "send: %s"), outbox, g_strerror (saved));
      return NULL;
    }
  return g_steal_pointer (&template);
}
