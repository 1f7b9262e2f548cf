/* np-dicom-protocol.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure encoding and checking of the messages exchanged with the DICOM
 * importer. The importer runs DCMTK on hostile files, so its replies are
 * treated as hostile too: lengths are capped, the header must be UTF-8 JSON
 * of the expected shape, and the payload size must match what arrives.
 */

#define G_LOG_DOMAIN "np-core"

#include "np-dicom-protocol.h"

#include "np-error.h"

#include <string.h>

void
np_dicom_message_free (NpDicomMessage *message)
{
  if (message == NULL)
    return;
  g_clear_pointer (&message->root, json_node_unref);
  g_free (message->code);
  g_free (message->message);
  g_free (message);
}

JsonObject *
np_dicom_message_get_object (const NpDicomMessage *message)
{
  g_return_val_if_fail (message != NULL, NULL);
  return json_node_get_object (message->root);
}

/**
 * np_dicom_protocol_encode_request:
 * @request: "open", "frame" or "close"
 * @path: (nullable): the file, for "open"
 * @index: the 0-based frame, for "frame"; ignored when negative
 *
 * Returns: (transfer full): the framed request
 */
GBytes *
np_dicom_protocol_encode_request (const char *request,
                                  const char *path,
                                  gint64      index)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  gsize length = 0;
  guint8 *buffer;

  g_return_val_if_fail (request != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "request");
  json_builder_add_string_value (builder, request);
  if (path != NULL)
    {
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, path);
    }
  if (index >= 0)
    {
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, index);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, &length);

  buffer = g_malloc (NP_DICOM_PROTOCOL_PREFIX_SIZE + length);
  buffer[0] = (guint8) (length & 0xff);
  buffer[1] = (guint8) ((length >> 8) & 0xff);
  buffer[2] = (guint8) ((length >> 16) & 0xff);
  buffer[3] = (guint8) ((length >> 24) & 0xff);
  memcpy (buffer + NP_DICOM_PROTOCOL_PREFIX_SIZE, json, length);
  return g_bytes_new_take (buffer, NP_DICOM_PROTOCOL_PREFIX_SIZE + length);
}

/**
 * np_dicom_protocol_encode_members:
 * @request: the request's name ("write", "send", …)
 * @members: the request's parameters, strings and integers only (the
 *   importer reads a flat object)
 * @payload: (nullable): the bytes that follow the header
 *
 * Frames a request: @members plus "request" and "payload", then the payload.
 *
 * Returns: (transfer full): the framed request
 */
GBytes *
np_dicom_protocol_encode_members (const char *request,
                                  JsonObject *members,
                                  GBytes     *payload)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GList) names = NULL;
  g_autofree char *json = NULL;
  gsize length = 0;
  gsize payload_size = 0;
  const guint8 *payload_data = NULL;
  guint8 *buffer;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (members != NULL, NULL);

  if (payload != NULL)
    payload_data = g_bytes_get_data (payload, &payload_size);
  json_object_set_string_member (object, "request", request);
  names = json_object_get_members (members);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (object, l->data,
                            json_node_copy (json_object_get_member (members, l->data)));
  json_object_set_int_member (object, "payload", (gint64) payload_size);
  json_node_set_object (root, object);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, &length);

  buffer = g_malloc (NP_DICOM_PROTOCOL_PREFIX_SIZE + length + payload_size);
  buffer[0] = (guint8) (length & 0xff);
  buffer[1] = (guint8) ((length >> 8) & 0xff);
  buffer[2] = (guint8) ((length >> 16) & 0xff);
  buffer[3] = (guint8) ((length >> 24) & 0xff);
  memcpy (buffer + NP_DICOM_PROTOCOL_PREFIX_SIZE, json, length);
  if (payload_size > 0)
    memcpy (buffer + NP_DICOM_PROTOCOL_PREFIX_SIZE + length, payload_data, payload_size);
  return g_bytes_new_take (buffer, NP_DICOM_PROTOCOL_PREFIX_SIZE + length + payload_size);
}

/**
 * np_dicom_protocol_encode_write:
 * @members: the record's attributes
 * @payload: the bytes that follow the header
 *
 * Frames a `write` request (np_dicom_protocol_encode_members()).
 *
 * Returns: (transfer full): the framed request
 */
GBytes *
np_dicom_protocol_encode_write (JsonObject *members,
                                GBytes     *payload)
{
  g_return_val_if_fail (payload != NULL, NULL);

  return np_dicom_protocol_encode_members ("write", members, payload);
}

/**
 * np_dicom_protocol_parse_prefix:
 * @prefix: 4 bytes
 * @header_size: (out): the header length they state
 *
 * Returns: FALSE (%NP_ERROR_CORRUPT) for an empty or over-long header
 */
gboolean
np_dicom_protocol_parse_prefix (const guint8 *prefix,
                                gsize        *header_size,
                                GError      **error)
{
  guint32 length;

  g_return_val_if_fail (prefix != NULL, FALSE);
  g_return_val_if_fail (header_size != NULL, FALSE);

  length = (guint32) prefix[0] | ((guint32) prefix[1] << 8) | ((guint32) prefix[2] << 16)
           | ((guint32) prefix[3] << 24);
  if (length == 0 || length > NP_DICOM_PROTOCOL_MAX_HEADER)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper sent a header of %u bytes (1 to %u are accepted)",
                   length, (guint) NP_DICOM_PROTOCOL_MAX_HEADER);
      return FALSE;
    }
  *header_size = length;
  return TRUE;
}

/* json-glib parses nested arrays and objects recursively; a header of a
 * million '[' would exhaust the core's stack. Replies nest two levels. */
#define MAX_JSON_DEPTH 16

static gboolean
nesting_within (const char *data,
                gsize       size,
                guint       max_depth)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < size; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
member_string (JsonObject *object,
               const char *name,
               const char **out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *out = json_node_get_string (node);
  return TRUE;
}

/**
 * np_dicom_protocol_parse_header:
 * @data: the header bytes (not NUL-terminated)
 *
 * Checks that the header is UTF-8 JSON, an object with "status" "ok" or
 * "error"; an error carries string "code" and "message"; "payload", when
 * present, is an integer within %NP_DICOM_PROTOCOL_MAX_PAYLOAD.
 *
 * Returns: (transfer full) (nullable): the message
 */
NpDicomMessage *
np_dicom_protocol_parse_header (const char *data,
                                gsize       size,
                                GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(NpDicomMessage) message = g_new0 (NpDicomMessage, 1);
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *payload;
  const char *status = NULL;
  const char *code = NULL;
  const char *text = NULL;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (size == 0 || size > NP_DICOM_PROTOCOL_MAX_HEADER)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper sent a header of %" G_GSIZE_FORMAT " bytes", size);
      return NULL;
    }
  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_CORRUPT,
                           "the DICOM helper sent a header that is not UTF-8");
      return NULL;
    }
  if (!nesting_within (data, size, MAX_JSON_DEPTH))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper sent a header nested deeper than %d levels", MAX_JSON_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper sent a header that is not JSON: %s", local_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_CORRUPT,
                           "the DICOM helper sent a header that is not a JSON object");
      return NULL;
    }
  message->root = json_node_ref (json_parser_get_root (parser));
  object = json_node_get_object (message->root);

  if (!member_string (object, "status", &status)
      || (!g_str_equal (status, "ok") && !g_str_equal (status, "error")))
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_CORRUPT,
                           "the DICOM helper sent a header without a valid status");
      return NULL;
    }
  message->ok = g_str_equal (status, "ok");
  if (!message->ok)
    {
      if (!member_string (object, "code", &code) || !member_string (object, "message", &text)
          || text[0] == '\0')
        {
          g_set_error_literal (error, NP_ERROR, NP_ERROR_CORRUPT,
                               "the DICOM helper sent an error without a code and a message");
          return NULL;
        }
      message->code = g_strdup (code);
      message->message = g_strdup (text);
    }

  payload = json_object_get_member (object, "payload");
  if (payload != NULL)
    {
      gint64 value;

      if (!JSON_NODE_HOLDS_VALUE (payload) || json_node_get_value_type (payload) != G_TYPE_INT64)
        {
          g_set_error_literal (error, NP_ERROR, NP_ERROR_CORRUPT,
                               "the DICOM helper sent a payload size that is not an integer");
          return NULL;
        }
      value = json_node_get_int (payload);
      if (value < 0 || (guint64) value > NP_DICOM_PROTOCOL_MAX_PAYLOAD)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                       "the DICOM helper announced a payload of %" G_GINT64_FORMAT
                       " bytes (up to %" G_GSIZE_FORMAT " are accepted)",
                       value, NP_DICOM_PROTOCOL_MAX_PAYLOAD);
          return NULL;
        }
      if (!message->ok && value != 0)
        {
          g_set_error_literal (error, NP_ERROR, NP_ERROR_CORRUPT,
                               "the DICOM helper sent an error with a payload");
          return NULL;
        }
      message->payload_size = (gsize) value;
    }
  return g_steal_pointer (&message);
}

/**
 * np_dicom_protocol_parse:
 * @data: exactly one message: prefix, header and payload
 * @payload: (out) (optional) (transfer full): the payload bytes
 *
 * The whole-buffer form of the checks (the fuzz harness and the tests use
 * it; the client reads the same three parts from the pipe). Bytes missing or
 * left over are %NP_ERROR_CORRUPT.
 *
 * Returns: (transfer full) (nullable): the message
 */
NpDicomMessage *
np_dicom_protocol_parse (const guint8 *data,
                         gsize         size,
                         GBytes      **payload,
                         GError      **error)
{
  g_autoptr(NpDicomMessage) message = NULL;
  gsize header_size = 0;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (size < NP_DICOM_PROTOCOL_PREFIX_SIZE)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper's message is cut short (%" G_GSIZE_FORMAT " bytes)", size);
      return NULL;
    }
  if (!np_dicom_protocol_parse_prefix (data, &header_size, error))
    return NULL;
  if (size - NP_DICOM_PROTOCOL_PREFIX_SIZE < header_size)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper's header is cut short (%" G_GSIZE_FORMAT " of %"
                   G_GSIZE_FORMAT " bytes)", size - NP_DICOM_PROTOCOL_PREFIX_SIZE, header_size);
      return NULL;
    }
  message = np_dicom_protocol_parse_header ((const char *) data + NP_DICOM_PROTOCOL_PREFIX_SIZE,
                                            header_size, error);
  if (message == NULL)
    return NULL;
  if (size - NP_DICOM_PROTOCOL_PREFIX_SIZE - header_size != message->payload_size)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   "the DICOM helper announced %" G_GSIZE_FORMAT " payload bytes and sent %"
                   G_GSIZE_FORMAT, message->payload_size,
                   size - NP_DICOM_PROTOCOL_PREFIX_SIZE - header_size);
      return NULL;
    }
  if (payload != NULL)
    *payload = g_bytes_new (data + NP_DICOM_PROTOCOL_PREFIX_SIZE + header_size,
                            message->payload_size);
  return g_steal_pointer (&message);
}
