/* test-http.c — np-http against a one-connection server on loopback
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The server answers one request with @response (NULL: never answers, it
 * waits until the client goes) and keeps what it received. */
typedef struct
{
  int listener;
  guint16 port;
  const char *response;
  GString *request;
  GThread *thread;
} Server;

static gpointer
serve (gpointer data)
{
  Server *server = data;
  int fd = accept (server->listener, NULL, NULL);
  char buffer[65536];
  gssize n;
  gsize expected = G_MAXSIZE;

  if (fd < 0)
    return NULL;
  while ((n = read (fd, buffer, sizeof buffer)) > 0)
    {
      const char *end;

      g_string_append_len (server->request, buffer, n);
      end = strstr (server->request->str, "\r\n\r\n");
      if (end != NULL && expected == G_MAXSIZE)
        {
          const char *length = strcasestr (server->request->str, "\r\nContent-Length:");
          gsize body = length && length < end ? (gsize) g_ascii_strtoull (length + 17, NULL, 10) : 0;
          expected = (gsize) (end + 4 - server->request->str) + body;
        }
      if (server->request->len >= expected)
        break;
    }
  if (server->response != NULL)
    {
      gsize length = strlen (server->response);
      if (write (fd, server->response, length) != (gssize) length)
        g_warning ("the test server could not answer");
    }
  else
    while (read (fd, buffer, sizeof buffer) > 0)
      ;
  close (fd);
  return NULL;
}

static Server *
server_start (const char *response)
{
  Server *server = g_new0 (Server, 1);
  struct sockaddr_in address = { 0 };
  socklen_t size = sizeof address;

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  server->listener = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (server->listener, >=, 0);
  g_assert_cmpint (bind (server->listener, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (listen (server->listener, 1), ==, 0);
  g_assert_cmpint (getsockname (server->listener, (struct sockaddr *) &address, &size), ==, 0);
  server->port = ntohs (address.sin_port);
  server->response = response;
  server->request = g_string_new (NULL);
  server->thread = g_thread_new ("test-http-server", serve, server);
  return server;
}

static void
server_stop (Server *server)
{
  g_thread_join (server->thread);
  close (server->listener);
  g_string_free (server->request, TRUE);
  g_free (server);
}

static char *
url (Server     *server,
     const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->port, path);
}

/* A 2 MB POST: Expect cleared (no 100-continue wait), basic credentials,
 * every byte of the body; the answer's status, type and body. */
static void
test_post (void)
{
  Server *server = server_start ("HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\n"
                                 "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
  g_autofree char *address = url (server, "/dicom-web/studies");
  gsize size = 2 * 1024 * 1024;
  guint8 *data = g_malloc (size);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpResponse) response = NULL;
  /* base64 ("np:pass word") */
  const char *authorization = "Authorization: Basic bnA6cGFzcyB3b3Jk\r\n";
  NpHttpOptions options = { .username = "np", .password = "pass word" };
  const char *headers_end;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);
  body = g_bytes_new_take (data, size);
  response = np_http_post (address, "multipart/related; type=\"application/dicom\"; boundary=b",
                           body, "application/dicom+json", &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (response->content_type, ==, "application/dicom+json");
  g_assert_cmpuint (g_bytes_get_size (response->body), ==, 2);
  g_assert_true (np_http_response_check (response, NULL));

  headers_end = strstr (server->request->str, "\r\n\r\n");
  g_assert_nonnull (headers_end);
  g_assert_true (g_str_has_prefix (server->request->str, "POST /dicom-web/studies HTTP/1.1\r\n"));
  g_assert_nonnull (strstr (server->request->str, authorization));
  g_assert_nonnull (strstr (server->request->str,
                            "Content-Type: multipart/related; type=\"application/dicom\"; boundary=b\r\n"));
  g_assert_nonnull (strstr (server->request->str, "Accept: application/dicom+json\r\n"));
  g_assert_null (strcasestr (server->request->str, "Expect:"));
  g_assert_cmpuint (server->request->len - (gsize) (headers_end + 4 - server->request->str), ==, size);
  g_assert_cmpmem (headers_end + 4, size, g_bytes_get_data (body, NULL), size);
  server_stop (server);
}

static void
test_status_in_words (void)
{
  Server *server = server_start ("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n"
                                 "Connection: close\r\n\r\n");
  g_autofree char *address = url (server, "/system");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpResponse) response = np_http_get (address, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (response->status, ==, 401);
  g_assert_false (np_http_response_check (response, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, address));
  g_assert_nonnull (strstr (error->message, "refused the user name or password (HTTP 401)"));
  server_stop (server);
}

static void
test_refused (void)
{
  struct sockaddr_in address = { 0 };
  socklen_t size = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  g_autofree char *target = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpResponse) response = NULL;

  /* A port that was free a moment ago and has nobody listening. */
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &size), ==, 0);
  close (fd);
  target = g_strdup_printf ("http://127.0.0.1:%u/dicom-web/studies", ntohs (address.sin_port));
  response = np_http_get (target, NULL, NULL, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not running"));
  g_assert_nonnull (strstr (error->message, target));
}

static void
test_timeout (void)
{
  Server *server = server_start (NULL);
  g_autofree char *address = url (server, "/slow");
  g_autoptr(GError) error = NULL;
  NpHttpOptions options = { .timeout_seconds = 1 };
  g_autoptr(NpHttpResponse) response = np_http_get (address, NULL, &options, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, NP_ERROR, NP_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "did not answer within 1 s"));
  server_stop (server);
}

static void
test_too_large (void)
{
  g_autofree char *answer = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n"
                                             "Connection: close\r\n\r\n%01000d", 0);
  Server *server = server_start (answer);
  g_autofree char *address = url (server, "/big");
  g_autoptr(GError) error = NULL;
  NpHttpOptions options = { .max_body_bytes = 100 };
  g_autoptr(NpHttpResponse) response = np_http_get (address, NULL, &options, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  server_stop (server);
}

static void
test_bad_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpHttpResponse) response = np_http_get ("ftp://pacs.example/", NULL, NULL, NULL, &error);

  g_assert_null (response);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a usable http:// or https:// address"));
}

int
main (int argc, char **argv)
{
  /* Loopback only, never through a proxy the environment names. */
  const char *proxies[] = { "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                            "ALL_PROXY" };

  for (gsize i = 0; i < G_N_ELEMENTS (proxies); i++)
    g_unsetenv (proxies[i]);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http/post", test_post);
  g_test_add_func ("/http/status-in-words", test_status_in_words);
  g_test_add_func ("/http/refused", test_refused);
  g_test_add_func ("/http/timeout", test_timeout);
  g_test_add_func ("/http/too-large", test_too_large);
  g_test_add_func ("/http/bad-address", test_bad_address);
  return g_test_run ();
}
