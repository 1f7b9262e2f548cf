/* np-dicomweb-client.h: QIDO-RS searches and WADO-RS retrieves over HTTP
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "np-pacs-query.h"

G_BEGIN_DECLS

/* Where DICOMweb requests go: the base URL (…/dicom-web) and, when the
 * server asks for them, HTTP basic credentials. */
typedef struct
{
  const char *base_url;
  const char *username;
  const char *password;
  guint       timeout_seconds;
} NpDicomwebServer;

GPtrArray *np_dicomweb_client_find      (const NpDicomwebServer  *server,
                                         const NpPacsQuery       *query,
                                         GCancellable            *cancellable,
                                         GError                 **error);
GBytes    *np_dicomweb_client_retrieve  (const NpDicomwebServer  *server,
                                         const NpPacsQueryResult *instance,
                                         GCancellable            *cancellable,
                                         GError                 **error);
GBytes    *np_dicomweb_client_rendered  (const NpDicomwebServer  *server,
                                         const NpPacsQueryResult *instance,
                                         GCancellable            *cancellable,
                                         GError                 **error);
GBytes    *np_dicomweb_client_first_part (const char            *content_type,
                                          GBytes                *body,
                                          const char            *what,
                                          GError               **error);

G_END_DECLS
