/* np-dicom-helper.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The core's client for needleplan-dicom, the process that runs DCMTK on a
 * DICOM file. One helper serves one open file for as long as it is open.
 * Whatever the file does to DCMTK — crash, hang, allocate gigabytes — stays
 * in that process: it runs under an address-space and a CPU limit, every
 * request has a time limit, and a helper that passes one is killed by its
 * PID and reported as a GError naming the file.
 */

#define G_LOG_DOMAIN "np-core"

#include "config.h"

#include "np-dicom-helper.h"

#include <glib/gi18n-lib.h>

#include "np-dicom-protocol.h"
#include "np-error.h"
#include "np-frame.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define HELPER_NAME "needleplan-dicom"
#define DEBIAN_DICTIONARY "/usr/share/libdcmtk17/dicom.dic"
/* How long a helper gets to leave on its own after `close` or end of input. */
#define EXIT_GRACE_MS 500

struct _NpDicomHelper
{
  GObject parent_instance;

  char *path;
  char *display_name;
  GSubprocess *process;
  GPid pid;
  int fd;                       /* our end of the socket pair */
  guint open_timeout_ms;
  guint frame_timeout_ms;
  NpDicomInfo *info;
};

G_DEFINE_FINAL_TYPE (NpDicomHelper, np_dicom_helper, G_TYPE_OBJECT)

static void
np_dicom_helper_finalize (GObject *object)
{
  NpDicomHelper *self = NP_DICOM_HELPER (object);

  np_dicom_helper_close (self);
  g_free (self->path);
  g_free (self->display_name);
  g_clear_pointer (&self->info, np_dicom_info_free);

  G_OBJECT_CLASS (np_dicom_helper_parent_class)->finalize (object);
}

static void
np_dicom_helper_class_init (NpDicomHelperClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_dicom_helper_finalize;
}

static void
np_dicom_helper_init (NpDicomHelper *self)
{
  self->fd = -1;
  self->open_timeout_ms = NP_DICOM_HELPER_OPEN_TIMEOUT_MS;
  self->frame_timeout_ms = NP_DICOM_HELPER_FRAME_TIMEOUT_MS;
}

/**
 * np_dicom_helper_find_program:
 *
 * The importer is $NEEDLEPLAN_DICOM_HELPER when set; else the one in this
 * build tree, found from the running executable (app/cli, app/gui and the
 * tests' folders all sit below the build root); else the installed one in
 * libexecdir.
 *
 * Returns: (transfer full) (nullable): its path
 */
char *
np_dicom_helper_find_program (GError **error)
{
  const char *env = g_getenv ("NEEDLEPLAN_DICOM_HELPER");
  g_autofree char *self_exe = NULL;

  if (env != NULL && env[0] != '\0')
    {
      if (g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("NEEDLEPLAN_DICOM_HELPER names %s, which is not an executable"), env);
      return NULL;
    }

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      const char *const relative[] = {
        HELPER_NAME,
        "../dicom/" HELPER_NAME,
        "../../app/dicom/" HELPER_NAME,
        "../app/dicom/" HELPER_NAME,
      };

      for (gsize i = 0; i < G_N_ELEMENTS (relative); i++)
        {
          g_autofree char *candidate = g_build_filename (dir, relative[i], NULL);
          if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer (&candidate);
        }
    }

  if (g_file_test (NP_DICOM_HELPER_INSTALLED, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (NP_DICOM_HELPER_INSTALLED);

  g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
               _("the DICOM importer (%s) is not installed; looked next to the program and in %s"),
               HELPER_NAME, NP_DICOM_HELPER_INSTALLED);
  return NULL;
}

/**
 * np_dicom_helper_file_is_dicom:
 *
 * A Part 10 file has "DICM" after its 128-byte preamble; files without the
 * preamble (older exports) are recognised by a .dcm or .dicom name.
 *
 * Returns: TRUE when @path looks like a DICOM file
 */
gboolean
np_dicom_helper_file_is_dicom (const char *path)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autofree char *lower = NULL;
  guint8 head[132];
  gsize got = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  /* A FIFO or a device would block the read; the loaders refuse those. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".dcm") || g_str_has_suffix (lower, ".dicom"))
    return TRUE;
  file = g_file_new_for_path (path);
  stream = g_file_read (file, NULL, NULL);
  if (stream == NULL
      || !g_input_stream_read_all (G_INPUT_STREAM (stream), head, sizeof head, &got, NULL, NULL))
    return FALSE;
  return got == sizeof head && memcmp (head + 128, "DICM", 4) == 0;
}

/* Runs in the child between fork and exec: async-signal-safe calls only. */
static void
child_setup (gpointer data)
{
  struct rlimit cpu = { NP_DICOM_HELPER_CPU_SECONDS, NP_DICOM_HELPER_CPU_SECONDS + 5 };
  struct rlimit core = { 0, 0 };

#ifndef NP_DICOM_HELPER_SANITIZED
  /* A sanitizer reserves terabytes of address space up front; those builds
   * keep the CPU and time limits only. */
  struct rlimit address_space = { NP_DICOM_HELPER_ADDRESS_SPACE, NP_DICOM_HELPER_ADDRESS_SPACE };
  setrlimit (RLIMIT_AS, &address_space);
#endif
  setrlimit (RLIMIT_CPU, &cpu);
  /* A hostile file's crash should not leave a core dump of patient data. */
  setrlimit (RLIMIT_CORE, &core);
}

/**
 * np_dicom_helper_new:
 * @path: the DICOM file this helper will serve
 *
 * Starts the importer process with its limits. Nothing is read yet.
 *
 * Returns: (transfer full) (nullable): the helper
 */
NpDicomHelper *
np_dicom_helper_new (const char *path,
                     GError    **error)
{
  g_autoptr(NpDicomHelper) self = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *program = NULL;
  const char *identifier;
  int fds[2];
  int child_out;

  g_return_val_if_fail (path != NULL, NULL);

  program = np_dicom_helper_find_program (error);
  if (program == NULL)
    return NULL;

  self = g_object_new (NP_TYPE_DICOM_HELPER, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);

  /* A socket pair rather than two pipes: send() with MSG_NOSIGNAL reports a
   * dead helper as EPIPE instead of killing the app with SIGPIPE. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("cannot start the DICOM importer for %s: %s"),
                   self->display_name, g_strerror (errno));
      return NULL;
    }
  child_out = fcntl (fds[1], F_DUPFD_CLOEXEC, 0);
  if (child_out < 0)
    {
      int saved = errno;
      close (fds[0]);
      close (fds[1]);
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("cannot start the DICOM importer for %s: %s"),
                   self->display_name, g_strerror (saved));
      return NULL;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_stdin_fd (launcher, fds[1]);
  g_subprocess_launcher_take_stdout_fd (launcher, child_out);
  /* DCMTK reads its data dictionary at run time. */
  if (g_getenv ("DCMDICTPATH") == NULL && g_file_test (DEBIAN_DICTIONARY, G_FILE_TEST_EXISTS))
    g_subprocess_launcher_setenv (launcher, "DCMDICTPATH", DEBIAN_DICTIONARY, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  self->process = g_subprocess_launcher_spawn (launcher, error, program, NULL);
  if (self->process == NULL)
    {
      close (fds[0]);
      g_prefix_error (error, _("cannot start the DICOM importer for %s: "), self->display_name);
      return NULL;
    }
  self->fd = fds[0];
  identifier = g_subprocess_get_identifier (self->process);
  self->pid = identifier != NULL ? (GPid) g_ascii_strtoll (identifier, NULL, 10) : 0;
  return g_steal_pointer (&self);
}

typedef struct
{
  gboolean done;
  gboolean exited;
  gboolean timed_out;
} WaitState;

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  WaitState *state = data;

  /* FALSE only when cancelled: the process is still running. */
  state->exited = g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  state->done = TRUE;
}

static gboolean
wait_timeout_cb (gpointer data)
{
  WaitState *state = data;

  state->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for the process to end, up to timeout_ms; TRUE when it has. */
static gboolean
wait_for_exit (GSubprocess *process,
               guint        timeout_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  WaitState state = { FALSE, FALSE, FALSE };

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, cancellable, wait_done_cb, &state);
  g_source_set_callback (timeout, wait_timeout_cb, &state, NULL);
  g_source_attach (timeout, context);
  while (!state.done && !state.timed_out)
    g_main_context_iteration (context, TRUE);
  if (!state.done)
    {
      g_cancellable_cancel (cancellable);
      while (!state.done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);
  return state.exited;
}

/* Ends the process by its PID and reaps it; returns how it had ended. */
static char *
stop_process (NpDicomHelper *self,
              gboolean       kill_now)
{
  g_autoptr(GSubprocess) process = g_steal_pointer (&self->process);
  char *how = NULL;

  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (process == NULL)
    return NULL;

  if (kill_now || !wait_for_exit (process, EXIT_GRACE_MS))
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
      return NULL;
    }
  if (g_subprocess_get_if_signaled (process))
    {
      int sig = g_subprocess_get_term_sig (process);
      how = g_strdup_printf (_("signal %d, %s"), sig, g_strsignal (sig));
    }
  else if (g_subprocess_get_if_exited (process))
    how = g_strdup_printf (_("exit status %d"), g_subprocess_get_exit_status (process));
  return how;
}

typedef enum
{
  IO_OK,
  IO_CLOSED,
  IO_TIMEOUT,
  IO_FAILED,
} IoStatus;

static IoStatus
wait_fd (int     fd,
         short   events,
         gint64  deadline)
{
  for (;;)
    {
      struct pollfd pfd = { fd, events, 0 };
      gint64 left = deadline - g_get_monotonic_time ();
      int n;

      if (left <= 0)
        return IO_TIMEOUT;
      n = poll (&pfd, 1, (int) MIN ((left + 999) / 1000, G_MAXINT));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return IO_FAILED;
      if (n > 0)
        return IO_OK;
    }
}

static IoStatus
send_all (int          fd,
          const guint8 *data,
          gsize         size,
          gint64        deadline)
{
  while (size > 0)
    {
      IoStatus status = wait_fd (fd, POLLOUT, deadline);
      ssize_t n;

      if (status != IO_OK)
        return status;
      n = send (fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n < 0)
        return errno == EPIPE || errno == ECONNRESET ? IO_CLOSED : IO_FAILED;
      data += n;
      size -= (gsize) n;
    }
  return IO_OK;
}

static IoStatus
receive_all (int     fd,
             guint8 *data,
             gsize   size,
             gint64  deadline)
{
  while (size > 0)
    {
      IoStatus status = wait_fd (fd, POLLIN, deadline);
      ssize_t n;

      if (status != IO_OK)
        return status;
      n = recv (fd, data, size, MSG_DONTWAIT);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n == 0 || (n < 0 && errno == ECONNRESET))
        return IO_CLOSED;
      if (n < 0)
        return IO_FAILED;
      data += n;
      size -= (gsize) n;
    }
  return IO_OK;
}

/* Turns a transport failure into the error the user reads, and stops the
 * helper: after a crash, a timeout or garbage the stream cannot be trusted. */
static void
fail_transport (NpDicomHelper *self,
                IoStatus       status,
                const char    *doing,
                guint          timeout_ms,
                GError       **error)
{
  g_autofree char *how = NULL;

  switch (status)
    {
    case IO_TIMEOUT:
      stop_process (self, TRUE);
      g_set_error (error, NP_ERROR, NP_ERROR_TIMEOUT,
                   _("%s: the DICOM importer took longer than %g s %s and was stopped (timeout)"),
                   self->display_name, timeout_ms / 1000.0, doing);
      break;
    case IO_CLOSED:
      how = stop_process (self, FALSE);
      g_set_error (error, NP_ERROR, NP_ERROR_CRASHED,
                   _("%s: the DICOM importer crashed %s (%s)"), self->display_name, doing,
                   how != NULL ? how : _("it did not exit and was stopped"));
      break;
    case IO_OK:
    case IO_FAILED:
    default:
      stop_process (self, TRUE);
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("%s: the connection to the DICOM importer failed %s"),
                   self->display_name, doing);
      break;
    }
}

static NpError
error_code_from_helper (const char *code)
{
  static const struct { const char *code; NpError error; } codes[] = {
    { "not-found", NP_ERROR_NOT_FOUND },
    { "not-supported", NP_ERROR_NOT_SUPPORTED },
    { "corrupt", NP_ERROR_CORRUPT },
    { "too-large", NP_ERROR_TOO_LARGE },
    { "invalid", NP_ERROR_INVALID },
    { "io", NP_ERROR_IO },
    { "timeout", NP_ERROR_TIMEOUT },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    if (g_str_equal (code, codes[i].code))
      return codes[i].error;
  return NP_ERROR_FAILED;
}

/* Sends one request and reads one reply within timeout_ms. A reply with
 * status "error" becomes a GError; the helper stays up for the next one. */
static NpDicomMessage *
transact (NpDicomHelper *self,
          GBytes        *request,
          const char    *doing,
          guint          timeout_ms,
          GBytes       **payload,
          GError       **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_autoptr(NpDicomMessage) message = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GError) local_error = NULL;
  guint8 prefix[NP_DICOM_PROTOCOL_PREFIX_SIZE];
  gsize header_size = 0;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (request, &size);
  IoStatus status;

  if (self->process == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED,
                   _("%s: the DICOM importer for this file has stopped"), self->display_name);
      return NULL;
    }

  status = send_all (self->fd, data, size, deadline);
  if (status == IO_OK)
    status = receive_all (self->fd, prefix, sizeof prefix, deadline);
  if (status != IO_OK)
    {
      fail_transport (self, status, doing, timeout_ms, error);
      return NULL;
    }
  if (!np_dicom_protocol_parse_prefix (prefix, &header_size, &local_error))
    goto protocol_error;
  header = g_malloc (header_size);
  status = receive_all (self->fd, (guint8 *) header, header_size, deadline);
  if (status != IO_OK)
    {
      fail_transport (self, status, doing, timeout_ms, error);
      return NULL;
    }
  message = np_dicom_protocol_parse_header (header, header_size, &local_error);
  if (message == NULL)
    goto protocol_error;

  if (message->payload_size > 0 || payload != NULL)
    {
      guint8 *bytes = g_try_malloc (MAX (message->payload_size, 1));

      if (bytes == NULL)
        {
          stop_process (self, TRUE);
          g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                       "%s: not enough memory for the %" G_GSIZE_FORMAT " bytes of a frame",
                       self->display_name, message->payload_size);
          return NULL;
        }
      status = receive_all (self->fd, bytes, message->payload_size, deadline);
      if (status != IO_OK)
        {
          g_free (bytes);
          fail_transport (self, status, doing, timeout_ms, error);
          return NULL;
        }
      if (payload != NULL)
        *payload = g_bytes_new_take (bytes, message->payload_size);
      else
        g_free (bytes);
    }

  if (!message->ok)
    {
      g_set_error (error, NP_ERROR, error_code_from_helper (message->code), "%s: %s",
                   self->display_name, message->message);
      if (payload != NULL)
        g_clear_pointer (payload, g_bytes_unref);
      return NULL;
    }
  return g_steal_pointer (&message);

protocol_error:
  stop_process (self, TRUE);
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("%s: %s %s; it was stopped"),
               self->display_name, local_error->message, doing);
  return NULL;
}

/**
 * np_dicom_helper_open:
 *
 * Asks the helper to read the file's header. On failure the helper process
 * is stopped: it has nothing left to serve.
 *
 * Returns: TRUE when the file is a readable DICOM image
 */
gboolean
np_dicom_helper_open (NpDicomHelper *self,
                      GError       **error)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(NpDicomMessage) reply = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), FALSE);
  g_return_val_if_fail (self->info == NULL, FALSE);

  request = np_dicom_protocol_encode_request ("open", self->path, -1);
  reply = transact (self, request, _("while opening it"), self->open_timeout_ms, NULL, error);
  if (reply == NULL)
    {
      np_dicom_helper_close (self);
      return FALSE;
    }
  self->info = np_dicom_info_new_from_json (np_dicom_message_get_object (reply), &local_error);
  if (self->info == NULL)
    {
      stop_process (self, TRUE);
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, "%s: %s", self->display_name,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * np_dicom_helper_write:
 * @members: the record's attributes (np_dicom_protocol_encode_write())
 * @payload: the plan and pixels, or the PDF
 *
 * Asks the helper to encode a NeedlePlan record as DICOM. The helper's
 * path is the file the record is for: it only names it in messages, since
 * the bytes come back over the pipe for the caller to write atomically.
 *
 * Returns: (transfer full) (nullable): the DICOM file's bytes
 */
GBytes *
np_dicom_helper_write (NpDicomHelper *self,
                       JsonObject    *members,
                       GBytes        *payload,
                       GError       **error)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(NpDicomMessage) reply = NULL;
  GBytes *bytes = NULL;

  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), NULL);
  g_return_val_if_fail (members != NULL && payload != NULL, NULL);

  request = np_dicom_protocol_encode_write (members, payload);
  reply = transact (self, request, _("while writing it"), NP_DICOM_HELPER_WRITE_TIMEOUT_MS, &bytes,
                    error);
  if (reply == NULL)
    return NULL;
  return bytes;
}

/**
 * np_dicom_helper_request:
 * @request: the request's name
 * @members: its parameters (strings and integers)
 * @payload: (nullable): bytes sent after the header
 * @doing: how a failure message says what the helper was doing ("while sending it")
 * @timeout_ms: the time the whole exchange may take
 * @reply_payload: (out) (optional): the reply's payload
 *
 * Sends any request the helper serves (docs/dicom.md) and returns its reply;
 * an "error" reply becomes @error and the helper stays up.
 *
 * Returns: (transfer full) (nullable): the reply
 */
NpDicomMessage *
np_dicom_helper_request (NpDicomHelper *self,
                         const char    *request,
                         JsonObject    *members,
                         GBytes        *payload,
                         const char    *doing,
                         guint          timeout_ms,
                         GBytes       **reply_payload,
                         GError       **error)
{
  g_autoptr(GBytes) framed = NULL;

  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), NULL);
  g_return_val_if_fail (request != NULL && members != NULL, NULL);

  framed = np_dicom_protocol_encode_members (request, members, payload);
  return transact (self, framed, doing ? doing : "", timeout_ms, reply_payload, error);
}

/**
 * np_dicom_helper_get_info:
 *
 * Returns: (transfer none) (nullable): the header facts, after a successful
 * np_dicom_helper_open()
 */
const NpDicomInfo *
np_dicom_helper_get_info (NpDicomHelper *self)
{
  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), NULL);
  return self->info;
}

static gboolean
reply_int (JsonObject *object,
           const char *name,
           gint64     *value)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

/**
 * np_dicom_helper_read_frame:
 * @index: 0-based frame number
 *
 * Builds a frame: grey frames keep their stored bit depth (signed samples
 * are shifted by half the range into unsigned, noted in the frame's DICOM
 * facts as the sample offset), colour frames are RGB 8-bit. The frame
 * carries a copy of the file's facts (np_frame_get_dicom_info()).
 *
 * Returns: (transfer full) (nullable): the frame
 */
NpFrame *
np_dicom_helper_read_frame (NpDicomHelper *self,
                            guint          index,
                            GError       **error)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(NpDicomMessage) reply = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpDicomInfo) info = NULL;
  g_autofree char *doing = NULL;
  g_autofree char *format = NULL;
  JsonObject *object;
  JsonNode *signed_node;
  gint64 width = 0, height = 0, channels = 0, bits = 0, reply_index = -1;
  gboolean is_signed;
  const guint8 *data;
  gsize size = 0;

  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), NULL);
  g_return_val_if_fail (self->info != NULL, NULL);

  if (index >= self->info->frames)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, _("%s has %u frames; frame %u does not exist"),
                   self->display_name, self->info->frames, index + 1);
      return NULL;
    }

  doing = g_strdup_printf (_("while decoding frame %u"), index + 1);
  request = np_dicom_protocol_encode_request ("frame", NULL, index);
  reply = transact (self, request, doing, self->frame_timeout_ms, &payload, error);
  if (reply == NULL)
    return NULL;

  object = np_dicom_message_get_object (reply);
  signed_node = json_object_get_member (object, "signed");
  if (!reply_int (object, "index", &reply_index) || !reply_int (object, "width", &width)
      || !reply_int (object, "height", &height) || !reply_int (object, "channels", &channels)
      || !reply_int (object, "bits", &bits) || signed_node == NULL
      || !JSON_NODE_HOLDS_VALUE (signed_node)
      || json_node_get_value_type (signed_node) != G_TYPE_BOOLEAN
      || reply_index != index || width != self->info->columns || height != self->info->rows
      || channels != (self->info->delivered_rgb ? 3 : 1)
      || (channels == 3 ? bits != 8 : bits != self->info->bits_allocated)
      || (guint64) width * (guint64) height * (guint64) channels * (guint64) (bits / 8)
         != g_bytes_get_size (payload))
    {
      stop_process (self, TRUE);
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("%s: the DICOM importer's frame does not match the image's size and format; "
                   "it was stopped"), self->display_name);
      return NULL;
    }
  is_signed = json_node_get_boolean (signed_node);

  frame = np_frame_new ((guint) width, (guint) height, (guint) channels, (guint) bits, error);
  if (frame == NULL)
    {
      g_prefix_error (error, "%s: ", self->display_name);
      return NULL;
    }
  data = g_bytes_get_data (payload, &size);
  for (guint y = 0; y < (guint) height; y++)
    {
      guint8 *row = np_frame_get_data_mutable (frame) + y * np_frame_get_stride (frame);
      gsize row_samples = (gsize) width * (gsize) channels;

      if (bits == 8)
        {
          memcpy (row, data + y * row_samples, row_samples);
          if (is_signed)
            for (gsize i = 0; i < row_samples; i++)
              row[i] ^= 0x80;
        }
      else
        {
          guint16 *out = (guint16 *) row;
          const guint8 *in = data + y * row_samples * 2;
          for (gsize i = 0; i < row_samples; i++)
            {
              guint16 v = (guint16) (in[2 * i] | (in[2 * i + 1] << 8));
              /* Two's complement to offset binary: value + 32768. */
              out[i] = is_signed ? (guint16) (v ^ 0x8000) : v;
            }
        }
    }

  info = np_dicom_info_copy (self->info);
  info->sample_offset = is_signed ? (bits == 8 ? 128 : 32768) : 0;
  np_frame_set_source_path (frame, self->path);
  format = g_strdup_printf ("DICOM %s, %s", info->modality, info->transfer_syntax);
  np_frame_set_source_format (frame, format);
  np_frame_set_source_bit_depth (frame, info->delivered_rgb ? 8 : info->bits_stored);
  if (info->modality[0] != '\0')
    np_frame_set_text (frame, "Modality", info->modality);
  np_frame_set_dicom_info (frame, info);
  return g_steal_pointer (&frame);
}

/**
 * np_dicom_helper_close:
 *
 * Asks the helper to leave, and kills it by PID if it does not within half
 * a second. Safe to call more than once.
 */
void
np_dicom_helper_close (NpDicomHelper *self)
{
  g_return_if_fail (NP_IS_DICOM_HELPER (self));

  if (self->process == NULL)
    return;
  if (self->fd >= 0)
    {
      g_autoptr(GBytes) request = np_dicom_protocol_encode_request ("close", NULL, -1);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (request, &size);

      send_all (self->fd, data, size, g_get_monotonic_time () + EXIT_GRACE_MS * 1000);
      /* Closing our end ends the helper's input even if it missed `close`. */
      shutdown (self->fd, SHUT_WR);
    }
  g_free (stop_process (self, FALSE));
}

/**
 * np_dicom_helper_is_running:
 *
 * Returns: TRUE while the helper process is up and serving this file
 */
gboolean
np_dicom_helper_is_running (NpDicomHelper *self)
{
  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), FALSE);
  return self->process != NULL;
}

/**
 * np_dicom_helper_get_pid:
 *
 * Returns: the PID the helper process had when it started (tests check
 * that it is gone after a failure)
 */
GPid
np_dicom_helper_get_pid (NpDicomHelper *self)
{
  g_return_val_if_fail (NP_IS_DICOM_HELPER (self), 0);
  return self->pid;
}

/**
 * np_dicom_helper_set_timeouts:
 *
 * Replaces the per-request time limits (the tests shorten them).
 */
void
np_dicom_helper_set_timeouts (NpDicomHelper *self,
                              guint          open_ms,
                              guint          frame_ms)
{
  g_return_if_fail (NP_IS_DICOM_HELPER (self));
  g_return_if_fail (open_ms > 0 && frame_ms > 0);

  self->open_timeout_ms = open_ms;
  self->frame_timeout_ms = frame_ms;
}

/**
 * np_dicom_helper_load_frame:
 * @path: a DICOM file
 * @index: 0-based frame number
 *
 * Opens the file in a helper of its own, reads one frame and stops the
 * helper: for callers that need one still (the command line, the tests).
 *
 * Returns: (transfer full) (nullable): the frame, with the file's facts
 */
NpFrame *
np_dicom_helper_load_frame (const char *path,
                            guint       index,
                            GError    **error)
{
  g_autoptr(NpDicomHelper) helper = NULL;
  NpFrame *frame;

  g_return_val_if_fail (path != NULL, NULL);

  helper = np_dicom_helper_new (path, error);
  if (helper == NULL || !np_dicom_helper_open (helper, error))
    return NULL;
  frame = np_dicom_helper_read_frame (helper, index, error);
  np_dicom_helper_close (helper);
  return frame;
}
