/* np-dicom-protocol.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The pipe protocol with needleplan-dicom (docs/dicom.md): a 4-byte
 * little-endian header length, a UTF-8 JSON object, then as many payload
 * bytes as the header's "payload" member states. */
#define NP_DICOM_PROTOCOL_MAX_HEADER  ((gsize) 1024 * 1024)
/* 8192 × 8192 RGB: the largest frame the importer sends. */
#define NP_DICOM_PROTOCOL_MAX_PAYLOAD ((gsize) 8192 * 8192 * 3)
#define NP_DICOM_PROTOCOL_PREFIX_SIZE 4

/* One reply: the checked header object and the payload size it states. */
typedef struct
{
  JsonNode *root;
  gboolean  ok;          /* "status" is "ok" */
  char     *code;        /* error replies: a short code, e.g. "corrupt" */
  char     *message;     /* error replies: what went wrong */
  gsize     payload_size;
} NpDicomMessage;

void            np_dicom_message_free              (NpDicomMessage *message);
JsonObject     *np_dicom_message_get_object        (const NpDicomMessage *message);

GBytes         *np_dicom_protocol_encode_request   (const char    *request,
                                                    const char    *path,
                                                    gint64         index);
GBytes         *np_dicom_protocol_encode_write     (JsonObject    *members,
                                                    GBytes        *payload);
GBytes         *np_dicom_protocol_encode_members   (const char    *request,
                                                    JsonObject    *members,
                                                    GBytes        *payload);
gboolean        np_dicom_protocol_parse_prefix     (const guint8  *prefix,
                                                    gsize         *header_size,
                                                    GError       **error);
NpDicomMessage *np_dicom_protocol_parse_header     (const char    *data,
                                                    gsize          size,
                                                    GError       **error);
NpDicomMessage *np_dicom_protocol_parse            (const guint8  *data,
                                                    gsize          size,
                                                    GBytes       **payload,
                                                    GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpDicomMessage, np_dicom_message_free)

G_END_DECLS
