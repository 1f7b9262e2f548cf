/* fuzz-dicom-protocol.c: the core's parser for the DICOM importer's replies
 * on arbitrary bytes (the importer runs DCMTK on hostile files, so its
 * output is hostile too)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicom-info.h"
#include "np-dicom-protocol.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(NpDicomMessage) message = np_dicom_protocol_parse (data, size, &payload, &error);

  if (message == NULL)
    {
      g_assert (error != NULL && error->message[0] != '\0');
      g_assert (payload == NULL);
      return 0;
    }
  g_assert (g_bytes_get_size (payload) == message->payload_size);
  g_assert (message->ok || (message->code != NULL && message->message[0] != '\0'));
  if (message->ok)
    {
      /* Whatever the reply, the facts parser either accepts it whole or
       * says why; an accepted one copies and serialises. */
      g_autoptr(GError) info_error = NULL;
      g_autoptr(NpDicomInfo) info = np_dicom_info_new_from_json (np_dicom_message_get_object (message),
                                                                 &info_error);
      if (info != NULL)
        {
          g_autoptr(NpDicomInfo) copy = np_dicom_info_copy (info);
          g_autoptr(JsonNode) json = np_dicom_info_to_json (copy, TRUE);

          g_assert (copy->rows == info->rows && copy->regions->len == info->regions->len);
          g_assert (JSON_NODE_HOLDS_OBJECT (json));
        }
      else
        g_assert (info_error != NULL);
    }
  return 0;
}
