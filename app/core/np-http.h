/* np-http.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a request may carry besides its URL; a NULL NpHttpOptions means no
 * credentials and the default limits. */
typedef struct
{
  const char *username;           /* HTTP basic authentication; NULL: none */
  const char *password;
  guint       timeout_seconds;    /* the whole request; 0: 120 s */
  guint       connect_timeout_seconds; /* 0: 10 s */
  gsize       max_body_bytes;     /* the response body; 0: 512 MiB */
} NpHttpOptions;

typedef struct
{
  guint   status;                 /* the HTTP status code */
  char   *content_type;           /* the Content-Type header, or NULL */
  GBytes *body;                   /* never NULL; may be empty */
  char   *url;                    /* the URL asked for, for messages */
} NpHttpResponse;

NpHttpResponse *np_http_get             (const char           *url,
                                         const char           *accept,
                                         const NpHttpOptions  *options,
                                         GCancellable         *cancellable,
                                         GError              **error);
NpHttpResponse *np_http_post            (const char           *url,
                                         const char           *content_type,
                                         GBytes               *body,
                                         const char           *accept,
                                         const NpHttpOptions  *options,
                                         GCancellable         *cancellable,
                                         GError              **error);
gboolean        np_http_response_check  (const NpHttpResponse *response,
                                         GError              **error);
const char     *np_http_status_words    (guint                 status);
void            np_http_response_free   (NpHttpResponse       *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpHttpResponse, np_http_response_free)

G_END_DECLS
