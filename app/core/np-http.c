/* np-http.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A small libcurl wrapper for DICOMweb (STOW-RS, QIDO-RS, WADO-RS): one
 * blocking request per call (run it in a thread from the GUI), transport
 * failures and refusals as GErrors in words. The caller checks the status
 * (np_http_response_check) before it reads the body: a failed STOW answers
 * 400 with a body that is not what a success would carry.
 */

#define G_LOG_DOMAIN "np-core"

#include "config.h"
#include "np-http.h"

#include "np-error.h"

#include <curl/curl.h>
#include <glib/gi18n-lib.h>

#define NP_HTTP_DEFAULT_TIMEOUT          120
#define NP_HTTP_DEFAULT_CONNECT_TIMEOUT  10
#define NP_HTTP_DEFAULT_MAX_BODY         ((gsize) 512 * 1024 * 1024)

typedef struct
{
  GByteArray   *body;
  gsize         max_body;
  gboolean      too_large;
  char         *content_type;
  GCancellable *cancellable;
} Transfer;

static void
ensure_curl (void)
{
  static gsize initialized = 0;

  /* curl_global_init is not thread-safe; the first request may come from a
   * worker thread. */
  if (g_once_init_enter (&initialized))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&initialized, 1);
    }
}

static size_t
on_body (char   *data,
         size_t  size,
         size_t  count,
         void   *user_data)
{
  Transfer *transfer = user_data;
  gsize length = size * count;

  if (transfer->body->len + length > transfer->max_body)
    {
      transfer->too_large = TRUE;
      return 0;   /* makes curl stop with CURLE_WRITE_ERROR */
    }
  g_byte_array_append (transfer->body, (const guint8 *) data, length);
  return length;
}

static size_t
on_header (char   *data,
           size_t  size,
           size_t  count,
           void   *user_data)
{
  Transfer *transfer = user_data;
  gsize length = size * count;
  static const char name[] = "content-type:";

  if (length > sizeof name - 1 && g_ascii_strncasecmp (data, name, sizeof name - 1) == 0)
    {
      g_autofree char *value = g_strndup (data + sizeof name - 1, length - (sizeof name - 1));

      g_free (transfer->content_type);
      transfer->content_type = g_strdup (g_strstrip (value));
    }
  return length;
}

static int
on_progress (void       *user_data,
             curl_off_t  download_total,
             curl_off_t  downloaded,
             curl_off_t  upload_total,
             curl_off_t  uploaded)
{
  Transfer *transfer = user_data;

  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

/* The failure in words, naming the URL; @detail is curl's own buffer. */
static void
set_transport_error (CURLcode     code,
                     const char  *url,
                     const char  *detail,
                     guint        timeout,
                     GError     **error)
{
  const char *extra = (detail && *detail) ? detail : curl_easy_strerror (code);

  switch (code)
    {
    case CURLE_COULDNT_CONNECT:
      g_set_error (error, NP_ERROR, NP_ERROR_IO,
                   _("Could not connect to %s: the server is not running or refuses "
                     "connections (%s)"), url, extra);
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("Could not find the server of %s: check the host name (%s)"), url, extra);
      break;
    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, NP_ERROR, NP_ERROR_TIMEOUT,
                   _("%s did not answer within %u s"), url, timeout);
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("The request to %s was cancelled"), url);
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      g_set_error (error, NP_ERROR, NP_ERROR_IO,
                   _("The secure connection to %s failed: %s"), url, extra);
      break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” is not a usable http:// or https:// address"), url);
      break;
    default:
      g_set_error (error, NP_ERROR, NP_ERROR_IO,
                   _("The request to %s failed: %s"), url, extra);
      break;
    }
}

static NpHttpResponse *
perform (const char           *method,
         const char           *url,
         const char           *content_type,
         GBytes               *body,
         const char           *accept,
         const NpHttpOptions  *options,
         GCancellable         *cancellable,
         GError              **error)
{
  NpHttpOptions defaults = { 0 };
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autofree char *content_type_header = NULL;
  g_autofree char *accept_header = NULL;
  char detail[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  Transfer transfer = { 0 };
  NpHttpResponse *response;
  guint timeout, connect_timeout;
  long status = 0;
  CURLcode code;
  CURL *curl;

  if (options == NULL)
    options = &defaults;
  timeout = options->timeout_seconds ? options->timeout_seconds : NP_HTTP_DEFAULT_TIMEOUT;
  connect_timeout = options->connect_timeout_seconds
                    ? options->connect_timeout_seconds : NP_HTTP_DEFAULT_CONNECT_TIMEOUT;

  if (!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” is not a usable http:// or https:// address"), url);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  ensure_curl ();
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED,
                   _("Could not start a request to %s (out of memory)"), url);
      return NULL;
    }

  transfer.body = received;
  transfer.max_body = options->max_body_bytes ? options->max_body_bytes : NP_HTTP_DEFAULT_MAX_BODY;
  transfer.cancellable = cancellable;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, detail);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) timeout);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) connect_timeout);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "NeedlePlan/" PACKAGE_VERSION);
  if (options->username && *options->username)
    {
      curl_easy_setopt (curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
      curl_easy_setopt (curl, CURLOPT_USERNAME, options->username);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, options->password ? options->password : "");
    }

  /* Without this every body over 1 MB waits a second for a 100-continue
   * that Orthanc never sends. */
  headers = curl_slist_append (headers, "Expect:");
  if (accept)
    {
      accept_header = g_strdup_printf ("Accept: %s", accept);
      headers = curl_slist_append (headers, accept_header);
    }
  if (g_strcmp0 (method, "POST") == 0)
    {
      gsize size = 0;
      const void *data = body ? g_bytes_get_data (body, &size) : NULL;

      content_type_header = g_strdup_printf ("Content-Type: %s",
                                             content_type ? content_type : "application/octet-stream");
      headers = curl_slist_append (headers, content_type_header);
      curl_easy_setopt (curl, CURLOPT_POST, 1L);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, data ? data : "");
    }
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  code = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);

  if (transfer.too_large)
    {
      g_free (transfer.content_type);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("The answer from %s is larger than %u MiB"),
                   url, (guint) (transfer.max_body / (1024 * 1024)));
      return NULL;
    }
  if (code != CURLE_OK)
    {
      g_free (transfer.content_type);
      set_transport_error (code, url, detail, timeout, error);
      return NULL;
    }

  response = g_new0 (NpHttpResponse, 1);
  response->status = (guint) status;
  response->content_type = transfer.content_type;
  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&received));
  response->url = g_strdup (url);
  return response;
}

/**
 * np_http_get:
 * @url: an http:// or https:// address
 * @accept: (nullable): the Accept header
 *
 * Returns: the response whatever its status, or %NULL with @error set when
 * no answer came (server down, timeout, bad address, cancelled).
 */
NpHttpResponse *
np_http_get (const char           *url,
             const char           *accept,
             const NpHttpOptions  *options,
             GCancellable         *cancellable,
             GError              **error)
{
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return perform ("GET", url, NULL, NULL, accept, options, cancellable, error);
}

/**
 * np_http_post:
 * @content_type: the body's Content-Type (with its parameters)
 * @body: the body, sent as it is
 *
 * Returns: as np_http_get().
 */
NpHttpResponse *
np_http_post (const char           *url,
              const char           *content_type,
              GBytes               *body,
              const char           *accept,
              const NpHttpOptions  *options,
              GCancellable         *cancellable,
              GError              **error)
{
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return perform ("POST", url, content_type, body, accept, options, cancellable, error);
}

/* The status in words for a message; NULL for one without a common meaning. */
const char *
np_http_status_words (guint status)
{
  switch (status)
    {
    case 400: return _("the server did not accept the request");
    case 401: return _("the server refused the user name or password");
    case 403: return _("the server does not allow this user to do that");
    case 404: return _("there is nothing at this address (check the base URL)");
    case 405: return _("the server does not accept this kind of request here (check the base URL)");
    case 408: return _("the server gave up waiting for the request");
    case 409: return _("the server refused the data");
    case 413: return _("the server finds the data too large");
    case 415: return _("the server does not accept this type of data");
    case 500: return _("the server failed with an internal error");
    case 502:
    case 504: return _("a gateway in front of the server could not reach it");
    case 503: return _("the server is not available now");
    default:  return NULL;
    }
}

/**
 * np_http_response_check:
 *
 * Returns: %TRUE for a 2xx status; otherwise %FALSE with @error saying what
 * the status means and naming the URL.
 */
gboolean
np_http_response_check (const NpHttpResponse  *response,
                        GError               **error)
{
  const char *words;
  NpError code;

  g_return_val_if_fail (response != NULL, FALSE);

  if (response->status >= 200 && response->status < 300)
    return TRUE;

  words = np_http_status_words (response->status);
  switch (response->status)
    {
    case 404: code = NP_ERROR_NOT_FOUND; break;
    case 413: code = NP_ERROR_TOO_LARGE; break;
    case 415: code = NP_ERROR_NOT_SUPPORTED; break;
    case 400:
    case 409: code = NP_ERROR_INVALID; break;
    default:  code = NP_ERROR_FAILED; break;
    }
  if (words)
    g_set_error (error, NP_ERROR, code, "%s: %s (HTTP %u)", response->url, words, response->status);
  else
    g_set_error (error, NP_ERROR, code, _("%s answered HTTP %u"), response->url, response->status);
  return FALSE;
}

void
np_http_response_free (NpHttpResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_bytes_unref (response->body);
  g_free (response->url);
  g_free (response);
}
