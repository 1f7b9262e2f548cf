/* np-dicomweb-client.c: QIDO-RS searches and WADO-RS retrieves over HTTP
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-dicomweb"

#include "config.h"

#include "np-dicomweb-client.h"

#include <string.h>

#include "np-error.h"
#include "np-http.h"
#include "np-pacs-cache.h"
#include <glib/gi18n-lib.h>

/* A rendered thumbnail is small; an instance may be a long cine loop. */
#define MAX_RENDERED_BYTES ((gsize) 16 * 1024 * 1024)
#define MAX_INSTANCE_BYTES ((gsize) 512 * 1024 * 1024)

static char *
join_url (const char *base,
          const char *path)
{
  gsize length = strlen (base);

  while (length > 0 && base[length - 1] == '/')
    length--;
  return g_strdup_printf ("%.*s/%s", (int) length, base, path);
}

static void
init_options (const NpDicomwebServer *server,
              NpHttpOptions          *options,
              gsize                   max_body)
{
  memset (options, 0, sizeof *options);
  options->username = server->username != NULL && *server->username != '\0'
                      ? server->username : NULL;
  options->password = options->username != NULL ? server->password : NULL;
  options->timeout_seconds = server->timeout_seconds;
  options->max_body_bytes = max_body;
}

/**
 * np_dicomweb_client_find:
 *
 * Searches by QIDO-RS (np_pacs_query_to_qido()). The HTTP status is checked
 * before the body is read.
 *
 * Returns: (transfer full) (element-type NpPacsQueryResult) (nullable): the
 *   matches, or %NULL with @error set
 */
GPtrArray *
np_dicomweb_client_find (const NpDicomwebServer  *server,
                         const NpPacsQuery       *query,
                         GCancellable            *cancellable,
                         GError                 **error)
{
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autoptr(NpHttpResponse) response = NULL;
  NpHttpOptions options;
  gsize length = 0;
  const char *body;

  g_return_val_if_fail (server != NULL && server->base_url != NULL, NULL);
  g_return_val_if_fail (query != NULL, NULL);

  if (!np_pacs_query_check (query, error))
    return NULL;
  path = np_pacs_query_to_qido (query);
  url = join_url (server->base_url, path);
  init_options (server, &options, 0);
  response = np_http_get (url, "application/dicom+json", &options, cancellable, error);
  if (response == NULL || !np_http_response_check (response, error))
    return NULL;
  body = g_bytes_get_data (response->body, &length);
  return np_pacs_query_result_list_parse (body != NULL ? body : "", (gssize) length, query->level,
                                          server->base_url, error);
}

static gboolean
check_instance (const NpPacsQueryResult  *instance,
                GError                  **error)
{
  if (!np_pacs_cache_is_uid (instance->study_uid) || !np_pacs_cache_is_uid (instance->series_uid)
      || !np_pacs_cache_is_uid (instance->sop_uid))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Cannot retrieve the instance: its study, series and SOP instance UIDs are "
                     "not all known"));
      return FALSE;
    }
  return TRUE;
}

static char *
instance_url (const NpDicomwebServer  *server,
              const NpPacsQueryResult *instance,
              const char              *suffix)
{
  g_autofree char *path = g_strdup_printf ("studies/%s/series/%s/instances/%s%s",
                                           instance->study_uid, instance->series_uid,
                                           instance->sop_uid, suffix);

  return join_url (server->base_url, path);
}

/* The value of a Content-Type parameter, unquoted. */
static char *
content_type_parameter (const char *content_type,
                        const char *name)
{
  g_auto(GStrv) parts = g_strsplit (content_type, ";", -1);

  for (guint i = 1; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);
      gsize name_length = strlen (name);

      if (g_ascii_strncasecmp (part, name, name_length) == 0 && part[name_length] == '=')
        {
          const char *value = part + name_length + 1;
          gsize length = strlen (value);

          if (length >= 2 && value[0] == '"' && value[length - 1] == '"')
            return g_strndup (value + 1, length - 2);
          return g_strdup (value);
        }
    }
  return NULL;
}

static const guint8 *
find_bytes (const guint8 *haystack,
            gsize         haystack_length,
            const char   *needle)
{
  return memmem (haystack, haystack_length, needle, strlen (needle));
}

/**
 * np_dicomweb_client_first_part:
 * @content_type: the response's Content-Type, multipart/related with a
 *   boundary (PS3.18 8.7.3.3)
 * @what: names the request in messages
 *
 * The body of the first part of a multipart response: the bytes after the
 * first "--boundary" line's headers (a blank line) up to the CRLF before the
 * next "--boundary".
 *
 * Returns: (transfer full) (nullable): the part's bytes
 */
GBytes *
np_dicomweb_client_first_part (const char  *content_type,
                               GBytes      *body,
                               const char  *what,
                               GError     **error)
{
  g_autofree char *boundary = NULL;
  g_autofree char *delimiter = NULL;
  g_autofree char *closing = NULL;
  const guint8 *data, *start, *headers_end, *end;
  gsize length = 0;

  g_return_val_if_fail (body != NULL && what != NULL, NULL);

  if (content_type == NULL || g_ascii_strncasecmp (content_type, "multipart/related", 17) != 0
      || (boundary = content_type_parameter (content_type, "boundary")) == NULL
      || *boundary == '\0')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("%s did not answer with multipart/related and a boundary (Content-Type %s)"),
                   what, content_type != NULL ? content_type : "none");
      return NULL;
    }
  delimiter = g_strconcat ("--", boundary, NULL);
  closing = g_strconcat ("\r\n--", boundary, NULL);
  data = g_bytes_get_data (body, &length);
  start = data != NULL ? find_bytes (data, length, delimiter) : NULL;
  if (start != NULL)
    {
      start += strlen (delimiter);
      headers_end = find_bytes (start, length - (gsize) (start - data), "\r\n\r\n");
      if (headers_end != NULL)
        {
          const guint8 *part = headers_end + 4;

          end = find_bytes (part, length - (gsize) (part - data), closing);
          if (end != NULL)
            return g_bytes_new_from_bytes (body, (gsize) (part - data), (gsize) (end - part));
        }
    }
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
               _("%s answered a multipart body without a complete first part"), what);
  return NULL;
}

/**
 * np_dicomweb_client_retrieve:
 *
 * Retrieves one instance by WADO-RS (application/dicom in a multipart
 * answer, as the server stores it).
 *
 * Returns: (transfer full) (nullable): the DICOM file's bytes
 */
GBytes *
np_dicomweb_client_retrieve (const NpDicomwebServer   *server,
                             const NpPacsQueryResult  *instance,
                             GCancellable             *cancellable,
                             GError                  **error)
{
  g_autofree char *url = NULL;
  g_autoptr(NpHttpResponse) response = NULL;
  NpHttpOptions options;

  g_return_val_if_fail (server != NULL && server->base_url != NULL, NULL);
  g_return_val_if_fail (instance != NULL, NULL);

  if (!check_instance (instance, error))
    return NULL;
  url = instance_url (server, instance, "");
  init_options (server, &options, MAX_INSTANCE_BYTES);
  response = np_http_get (url, "multipart/related; type=\"application/dicom\"; "
                          "transfer-syntax=*", &options, cancellable, error);
  if (response == NULL || !np_http_response_check (response, error))
    return NULL;
  return np_dicomweb_client_first_part (response->content_type, response->body, url, error);
}

/**
 * np_dicomweb_client_rendered:
 *
 * The server's rendering of an instance's first frame (WADO-RS
 * /rendered, PNG), for a thumbnail.
 *
 * Returns: (transfer full) (nullable): the PNG's bytes
 */
GBytes *
np_dicomweb_client_rendered (const NpDicomwebServer   *server,
                             const NpPacsQueryResult  *instance,
                             GCancellable             *cancellable,
                             GError                  **error)
{
  g_autofree char *url = NULL;
  g_autoptr(NpHttpResponse) response = NULL;
  NpHttpOptions options;

  g_return_val_if_fail (server != NULL && server->base_url != NULL, NULL);
  g_return_val_if_fail (instance != NULL, NULL);

  if (!check_instance (instance, error))
    return NULL;
  url = instance_url (server, instance, "/rendered");
  init_options (server, &options, MAX_RENDERED_BYTES);
  response = np_http_get (url, "image/png", &options, cancellable, error);
  if (response == NULL || !np_http_response_check (response, error))
    return NULL;
  return g_bytes_ref (response->body);
}
