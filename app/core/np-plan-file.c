/* np-plan-file.c: the plan file's public functions: parse, load, to_json,
 * save, and finding and checking the frame a plan refers to. The rules are
 * in np-plan-file-check.c, the writer in np-plan-file-write.c and the reader
 * in np-plan-file-read.c.
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-file.h"

#include <glib/gi18n-lib.h>
#include "np-plan-file-private.h"

#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-file.h"
#include "np-frame.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The format is described in docs/plan-format.md and by
 * data/needleplan-plan.schema.json; keep the three in step. */

/**
 * np_plan_file_to_json:
 * @plan: the plan
 * @results: (nullable): a JSON object of computed results, stored for the
 *   record under "results" (it is recomputed, not trusted, on load)
 *
 * Checks the plan with the same rules as the reader, so a saved plan always
 * loads. The text is stable: saving a loaded plan gives the same bytes.
 *
 * Returns: (transfer full) (nullable): UTF-8 JSON ending in a newline, or
 *   %NULL with @error set
 */
char *
np_plan_file_to_json (const NpPlan  *plan,
                      JsonNode      *results,
                      GError       **error)
{
  const char *context = _("Cannot save the plan");
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (plan != NULL, NULL);
  g_return_val_if_fail (results == NULL || JSON_NODE_HOLDS_OBJECT (results), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_np_plan_file_check_enums (plan, context, error)
      || !_np_plan_file_check_plan (plan, context, error))
    return NULL;

  root = _np_plan_file_build (plan, results);
  return _np_plan_file_format (root);
}

/**
 * np_plan_file_save:
 * @results: (nullable): computed results for the record, see np_plan_file_to_json()
 *
 * Writes the plan atomically: @path is either replaced whole or left as it
 * was. The frame is never touched.
 */
gboolean
np_plan_file_save (const NpPlan  *plan,
                   JsonNode      *results,
                   const char    *path,
                   GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  text = np_plan_file_to_json (plan, results, error);
  if (text == NULL)
    return FALSE;
  return np_file_write_atomic (path, text, strlen (text), error);
}

/**
 * np_plan_file_parse:
 * @data: the file's bytes
 * @length: their number, or -1 when @data is nul-terminated
 * @display_name: the name used in error messages, e.g. "case.json"
 *
 * Reads a plan without trusting it: every type, range, enum string and the
 * format and version are checked, and each problem becomes a #GError naming
 * the file and the field.
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 */
NpPlan *
np_plan_file_parse (const char  *data,
                    gssize       length,
                    const char  *display_name,
                    GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *context = NULL;
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *node;
  gsize size;
  gint64 version;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  context = g_strdup_printf ("“%s”", display_name);
  size = length < 0 ? strlen (data) : (gsize) length;
  if (size > NP_PLAN_FILE_MAX_BYTES)
    {
      g_autofree char *shown = g_format_size (size);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("%s is %s, over the 16 MiB limit of a plan file"), context, shown);
      return NULL;
    }
  if (memchr (data, '\0', size) != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("%s is not a NeedlePlan plan: it holds binary data, not JSON text"), context);
      return NULL;
    }
  if (!_np_plan_file_prescan (data, size, context, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &json_error))
    {
      _np_plan_file_set_json_error (error, context, json_error);
      return NULL;
    }
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("%s is not a NeedlePlan plan: it holds no JSON object"), context);
      return NULL;
    }
  root = json_node_get_object (root_node);

  node = json_object_get_member (root, "format");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("%s is not a NeedlePlan plan: “format” is missing or not text"), context);
      return NULL;
    }
  if (strcmp (json_node_get_string (node), NP_PLAN_FORMAT) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("%s is not a NeedlePlan plan: its format is “%s”, not “%s”"), context,
                   json_node_get_string (node), NP_PLAN_FORMAT);
      return NULL;
    }

  node = json_object_get_member (root, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("%s: “version” must be a whole number"), context);
      return NULL;
    }
  version = json_node_get_int (node);
  if (version > NP_PLAN_VERSION)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "%s was made by a newer NeedlePlan; version %" G_GINT64_FORMAT
                   " is not supported (this NeedlePlan reads version %d)",
                   context, version, NP_PLAN_VERSION);
      return NULL;
    }

  return _np_plan_file_read (root, version, context, error);
}

/**
 * np_plan_file_load:
 *
 * Reads and parses the plan file at @path (at most 16 MiB).
 *
 * Returns: (transfer full) (nullable): the plan, or %NULL with @error set
 */
NpPlan *
np_plan_file_load (const char  *path,
                   GError     **error)
{
  g_autofree char *display = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) io_error = NULL;
  GStatBuf info;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (path);
  if (g_stat (path, &info) != 0)
    {
      np_file_set_error_from_errno (error, errno, _("Cannot open"), path);
      return NULL;
    }
  if (S_ISDIR (info.st_mode))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot open “%s”: it is a folder"), display);
      return NULL;
    }
  if (!S_ISREG (info.st_mode))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot open “%s”: it is not a regular file"),
                   display);
      return NULL;
    }
  if ((guint64) info.st_size > NP_PLAN_FILE_MAX_BYTES)
    {
      g_autofree char *shown = g_format_size ((guint64) info.st_size);
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("“%s” is %s, over the 16 MiB limit of a plan file"), display, shown);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &length, &io_error))
    {
      np_file_set_error_from_io (error, io_error, _("Cannot open"), path);
      return NULL;
    }
  return np_plan_file_parse (contents, (gssize) length, display, error);
}

/* The plan's folder, absolute: the frame's path is stored relative to it. */
static char *
plan_folder (const char *plan_path)
{
  g_autofree char *folder = g_path_get_dirname (plan_path);

  return g_canonicalize_filename (folder, NULL);
}

/* Opens @path (already resolved) and checks that it is a regular file whose
 * first bytes are a frame format NeedlePlan reads: PNG, JPEG or DICOM (with
 * or without the 128-byte preamble). A plan names its frame, so without
 * this a plan could point NeedlePlan at any file on the machine and learn
 * its SHA-256. Whatever is hashed afterwards is read through the returned
 * descriptor, the one checked here.
 *
 * Returns: the open descriptor, or -1 with @error set */
static int
open_frame_file (const char   *path,
                 const char   *plan_display,
                 struct stat  *info,
                 GError      **error)
{
  g_autofree char *display = g_filename_display_name (path);
  guint8 head[132] = { 0 };
  ssize_t got = 0;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, NP_ERROR, saved_errno == ENOENT ? NP_ERROR_NOT_FOUND : NP_ERROR_IO,
                   _("The frame “%s” of “%s” cannot be opened: %s"), display, plan_display,
                   g_strerror (saved_errno));
      return -1;
    }
  if (fstat (fd, info) != 0 || !S_ISREG (info->st_mode))
    {
      close (fd);
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” names “%s” as its frame, which is not a regular file"), plan_display,
                   display);
      return -1;
    }
  got = pread (fd, head, sizeof head, 0);
  if (got >= 8 && memcmp (head, "\x89PNG\r\n\x1a\n", 8) == 0)
    return fd;
  if (got >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff)
    return fd;
  if (got == (ssize_t) sizeof head && memcmp (head + 128, "DICM", 4) == 0)
    return fd;
  /* DICOM without a preamble starts with a group 0008 (or 0002) element. */
  if (got >= 4 && (head[0] == 0x08 || head[0] == 0x02) && head[1] == 0x00
      && head[3] == 0x00)
    return fd;
  close (fd);
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
               _("“%s” names “%s” as its frame, which is not a PNG, JPEG or DICOM image"),
               plan_display, display);
  return -1;
}

static gboolean
check_frame_file (const char  *path,
                  const char  *plan_display,
                  GError     **error)
{
  struct stat info;
  int fd = open_frame_file (path, plan_display, &info, error);

  if (fd < 0)
    return FALSE;
  close (fd);
  return TRUE;
}

/**
 * np_plan_file_resolve_frame:
 * @plan_path: where the plan file is (or will be)
 *
 * The frame's path is stored relative to the plan's folder, with ".." where
 * the frame is elsewhere (version 2). It is resolved (".." and symbolic
 * links), and what it names must be a regular file in a frame format
 * NeedlePlan reads before anything else happens to it.
 *
 * Returns: (transfer full) (nullable): the absolute path of the frame, or
 *   %NULL with @error set
 */
char *
np_plan_file_resolve_frame (const NpPlan  *plan,
                            const char    *plan_path,
                            GError       **error)
{
  g_autofree char *display = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *resolved = NULL;

  g_return_val_if_fail (plan != NULL && plan_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_basename (plan_path);
  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, _("“%s” refers to no frame"), display);
      return NULL;
    }
  if (g_path_is_absolute (plan->frame_path))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” refers to its frame by the absolute path “%s”; a plan must name its "
                   "frame relative to its own folder"),
                   display, plan->frame_path);
      return NULL;
    }

  folder = plan_folder (plan_path);
  joined = g_canonicalize_filename (plan->frame_path, folder);
  resolved = realpath (joined, NULL);
  if (resolved == NULL)
    {
      int saved_errno = errno;
      g_autofree char *frame_display = g_filename_display_name (joined);

      g_set_error (error, NP_ERROR, saved_errno == ENOENT ? NP_ERROR_NOT_FOUND : NP_ERROR_IO,
                   _("The frame “%s” of “%s” cannot be found: %s"), frame_display, display,
                   g_strerror (saved_errno));
      return NULL;
    }
  if (!check_frame_file (resolved, display, error))
    return NULL;
  return g_steal_pointer (&resolved);
}

/**
 * np_plan_file_check_frame:
 * @matches: (out): %TRUE when the frame's SHA-256 is the one the plan stores;
 *   %FALSE when it differs or the plan stores none (np_plan_file_compare_frame()
 *   tells the two apart)
 *
 * The frame is opened once: what is checked to be an image is what is hashed.
 *
 * Returns: %FALSE with @error set when the frame cannot be found or read
 */
gboolean
np_plan_file_check_frame (const NpPlan  *plan,
                          const char    *plan_path,
                          gboolean      *matches,
                          GError       **error)
{
  g_autofree char *frame = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *display = NULL;
  struct stat info;
  int fd;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (plan_path != NULL, FALSE);
  g_return_val_if_fail (matches != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *matches = FALSE;
  frame = np_plan_file_resolve_frame (plan, plan_path, error);
  if (frame == NULL)
    return FALSE;
  display = g_filename_display_basename (plan_path);
  fd = open_frame_file (frame, display, &info, error);
  if (fd < 0)
    return FALSE;
  sha256 = np_file_sha256_of_fd (fd, frame, error);
  close (fd);
  if (sha256 == NULL)
    return FALSE;
  *matches = np_plan_file_compare_frame (plan, sha256) == NP_PLAN_FRAME_MATCHES;
  return TRUE;
}

/**
 * np_plan_file_compare_frame:
 * @sha256: (nullable): the SHA-256 of the frame as read
 *
 * A plan that stores no SHA-256 (`"sha256": null`) is not a plan whose
 * frame matches: it cannot be verified, and says so.
 */
NpPlanFrameCheck
np_plan_file_compare_frame (const NpPlan *plan,
                            const char   *sha256)
{
  g_return_val_if_fail (plan != NULL, NP_PLAN_FRAME_UNVERIFIED);

  if (plan->frame_sha256 == NULL || *plan->frame_sha256 == '\0' || sha256 == NULL)
    return NP_PLAN_FRAME_UNVERIFIED;
  return g_ascii_strcasecmp (sha256, plan->frame_sha256) == 0 ? NP_PLAN_FRAME_MATCHES
                                                               : NP_PLAN_FRAME_DIFFERS;
}

/**
 * np_plan_file_describe_frame_check:
 * @frame_path: the frame, for its name
 *
 * One sentence for a terminal, a log or a batch report.
 *
 * Returns: (transfer full) (nullable): the words, or %NULL when the frame
 *   matches
 */
char *
np_plan_file_describe_frame_check (NpPlanFrameCheck  check,
                                   const char       *frame_path)
{
  g_autofree char *display = NULL;

  g_return_val_if_fail (frame_path != NULL, NULL);

  display = g_filename_display_basename (frame_path);
  switch (check)
    {
    case NP_PLAN_FRAME_DIFFERS:
      return g_strdup_printf (_("The frame “%s” is not the one the plan was made on (its SHA-256 "
                                "differs): check every mark"), display);
    case NP_PLAN_FRAME_UNVERIFIED:
      return g_strdup_printf (_("The frame “%s” cannot be verified: the plan records no SHA-256 "
                                "of the frame it was made on, so check every mark"), display);
    case NP_PLAN_FRAME_MATCHES:
    default:
      return NULL;
    }
}

/* A DICOM frame is decoded by the importer process, which opens it by its
 * name: it is hashed through the descriptor that was checked, and after the
 * importer has read it the name must still lead to that same, unchanged
 * file, or what was hashed may not be what was decoded. */
static NpFrame *
load_dicom_frame (const char  *path,
                  const char  *plan_display,
                  guint        index,
                  char       **sha256,
                  GError     **error)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autofree char *hashed = NULL;
  struct stat before, after, now;
  gboolean same;
  int fd;

  fd = open_frame_file (path, plan_display, &before, error);
  if (fd < 0)
    return NULL;
  hashed = np_file_sha256_of_fd (fd, path, error);
  if (hashed != NULL)
    frame = np_dicom_helper_load_frame (path, index, error);
  same = frame != NULL && fstat (fd, &after) == 0 && stat (path, &now) == 0
         && now.st_dev == before.st_dev && now.st_ino == before.st_ino
         && after.st_size == before.st_size
         && after.st_mtim.tv_sec == before.st_mtim.tv_sec
         && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec
         && after.st_ctim.tv_sec == before.st_ctim.tv_sec
         && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec;
  close (fd);
  if (frame == NULL)
    return NULL;
  if (!same)
    {
      g_autofree char *display = g_filename_display_name (path);
      g_set_error (error, NP_ERROR, NP_ERROR_IO,
                   _("The frame “%s” changed while it was being read; open the plan again"),
                   display);
      return NULL;
    }
  *sha256 = g_steal_pointer (&hashed);
  return g_steal_pointer (&frame);
}

/**
 * np_plan_file_load_frame:
 * @check: (out): whether the frame is the one the plan was made on
 * @sha256: (out) (optional): the frame's SHA-256
 *
 * Resolves the plan's frame (np_plan_file_resolve_frame()), reads it once
 * and hashes and decodes those same bytes, so the frame cannot be swapped
 * between the check and the pixels shown. A DICOM frame is read at the
 * plan's frame number.
 *
 * Returns: (transfer full) (nullable): the frame, its source path the
 *   resolved one
 */
NpFrame *
np_plan_file_load_frame (const NpPlan      *plan,
                         const char        *plan_path,
                         NpPlanFrameCheck  *check,
                         char             **sha256,
                         GError           **error)
{
  g_autofree char *resolved = NULL;
  g_autofree char *hashed = NULL;
  g_autofree char *display = NULL;
  NpFrame *frame;

  g_return_val_if_fail (plan != NULL && plan_path != NULL && check != NULL, NULL);
  g_return_val_if_fail (sha256 == NULL || *sha256 == NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *check = NP_PLAN_FRAME_UNVERIFIED;
  resolved = np_plan_file_resolve_frame (plan, plan_path, error);
  if (resolved == NULL)
    return NULL;
  display = g_filename_display_basename (plan_path);
  if (np_dicom_helper_file_is_dicom (resolved))
    frame = load_dicom_frame (resolved, display,
                              plan->dicom_frame_number > 0 ? plan->dicom_frame_number - 1 : 0,
                              &hashed, error);
  else
    frame = np_frame_load_hashed (resolved, &hashed, error);
  if (frame == NULL)
    return NULL;
  if (np_frame_get_source_path (frame) == NULL)
    np_frame_set_source_path (frame, resolved);
  *check = np_plan_file_compare_frame (plan, hashed);
  if (sha256 != NULL)
    *sha256 = g_steal_pointer (&hashed);
  return frame;
}

/**
 * np_plan_file_relative_frame_path:
 * @plan_path: where the plan is (or will be) saved
 * @frame_path: the frame's path
 *
 * The path to store in NpPlan.frame_path: @frame_path relative to the plan's
 * folder, with "/" between folders and ".." to climb out of it, so a plan
 * can be saved anywhere (plan format version 2).
 *
 * Returns: (transfer full) (nullable): the relative path, or %NULL with
 *   @error set
 */
char *
np_plan_file_relative_frame_path (const char  *plan_path,
                                  const char  *frame_path,
                                  GError     **error)
{
  g_autofree char *absolute_folder = NULL;
  g_autofree char *absolute_frame = NULL;
  g_auto(GStrv) folder_parts = NULL;
  g_auto(GStrv) frame_parts = NULL;
  g_autoptr(GString) relative = g_string_new (NULL);
  guint common = 0;

  g_return_val_if_fail (plan_path != NULL && frame_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  absolute_folder = plan_folder (plan_path);
  absolute_frame = g_canonicalize_filename (frame_path, NULL);
  folder_parts = g_strsplit (absolute_folder, G_DIR_SEPARATOR_S, -1);
  frame_parts = g_strsplit (absolute_frame, G_DIR_SEPARATOR_S, -1);

  while (folder_parts[common] != NULL && frame_parts[common] != NULL
         && frame_parts[common + 1] != NULL
         && g_str_equal (folder_parts[common], frame_parts[common]))
    common++;
  if (frame_parts[common] == NULL || *frame_parts[common] == '\0')
    {
      g_autofree char *frame_display = g_filename_display_name (frame_path);
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("“%s” is a folder, not a frame"),
                   frame_display);
      return NULL;
    }

  for (guint i = common; folder_parts[i] != NULL; i++)
    if (*folder_parts[i] != '\0')
      g_string_append (relative, "../");
  for (guint i = common; frame_parts[i] != NULL; i++)
    {
      if (*frame_parts[i] == '\0')
        continue;
      if (i > common && relative->len > 0 && relative->str[relative->len - 1] != '/')
        g_string_append_c (relative, '/');
      g_string_append (relative, frame_parts[i]);
    }
  return g_string_free (g_steal_pointer (&relative), FALSE);
}

/* A UID from the file is shown only when it is one (digits and dots): the
 * message may reach a terminal, and a file's bytes must not forge a line. */
static const char *
shown_uid (const char *uid)
{
  gsize length = strlen (uid);

  if (length == 0)
    return _("none");
  if (length > 64 || strspn (uid, "0123456789.") != length)
    return _("not a valid UID");
  return uid;
}

/**
 * np_plan_file_check_dicom_source:
 * @plan_path: (nullable): where @plan is, for the message
 * @frame_path: the frame file the plan's frame resolved to
 * @info: (nullable): the frame's DICOM header facts, %NULL when the frame is
 *   not a DICOM file
 *
 * A plan made on a DICOM image records its SOP Instance UID and frame
 * number (plan format 2); the file found for it must be that image. The
 * SHA-256 says whether the bytes changed; the UID says whether it is the
 * same image at all (a re-export by the scanner keeps it, a different
 * patient's file does not). A plan without a DICOM source passes.
 *
 * Returns: %FALSE with @error (%NP_ERROR_INVALID) naming the frame file and
 *   the plan when the file is not the image the plan was made on
 */
gboolean
np_plan_file_check_dicom_source (const NpPlan       *plan,
                                 const char         *plan_path,
                                 const char         *frame_path,
                                 const NpDicomInfo  *info,
                                 GError            **error)
{
  g_autofree char *frame_display = NULL;
  g_autofree char *plan_display = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (frame_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (plan->dicom_sop_instance_uid == NULL || *plan->dicom_sop_instance_uid == '\0')
    return TRUE;

  frame_display = g_filename_display_name (frame_path);
  plan_display = plan_path != NULL ? g_filename_display_basename (plan_path)
                                   : g_strdup (_("the plan"));
  if (info == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” is not the image “%s” was made on: the plan was made on the DICOM "
                     "image with SOP Instance UID %s, and “%s” is not a DICOM file"),
                   frame_display, plan_display, plan->dicom_sop_instance_uid, frame_display);
      return FALSE;
    }
  if (g_strcmp0 (info->sop_instance_uid, plan->dicom_sop_instance_uid) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” is not the image “%s” was made on: its SOP Instance UID is %s, the "
                     "plan’s is %s"), frame_display, plan_display,
                   shown_uid (info->sop_instance_uid), plan->dicom_sop_instance_uid);
      return FALSE;
    }
  if (plan->dicom_frame_number > info->frames)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” has %u frames, but “%s” was made on frame %u of it"), frame_display,
                   info->frames, plan_display, plan->dicom_frame_number);
      return FALSE;
    }
  return TRUE;
}
