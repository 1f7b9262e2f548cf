/* np-staged-file.c: a file written beside its target, renamed over it later
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-staged-file.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* The longest file name (one path component) of Linux file systems. */
#define NAME_BYTES_MAX 255

/* Saving goes through four steps, each able to fail without touching the
 * target: resolve the target (links followed, only a regular file or a new
 * name accepted), write a temporary file in the target's folder, flush it,
 * and only then rename it over the target. The temporary stays locked
 * (flock) while it is ours, so a later save can tell an abandoned one (its
 * writer was killed) from one being written right now. */
struct _NpStagedFile
{
  char *path;           /* as the caller named it, for messages */
  char *target;         /* links resolved */
  char *folder;
  char *temporary;
  int fd;               /* open and locked until commit or free */
  gboolean committed;
};

/* Why a path that exists cannot be replaced, or NULL when it can. */
static const char *
describe_kind (mode_t mode)
{
  if (S_ISREG (mode))
    return NULL;
  if (S_ISDIR (mode))
    return _("it is a folder");
  if (S_ISFIFO (mode))
    return _("it is a named pipe (FIFO), not a regular file");
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return _("it is a device, not a regular file");
  if (S_ISSOCK (mode))
    return _("it is a socket, not a regular file");
  return _("it is not a regular file");
}

static gboolean
fail (GError    **error,
      const char *path,
      const char *reason)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot save “%s”: %s"), display, reason);
  return FALSE;
}

/* The file a save of @path replaces (links followed), with its status in
 * @info when it exists. */
static char *
resolve_target (const char  *path,
                struct stat *info,
                gboolean    *exists,
                GError     **error)
{
  g_autofree char *target = NULL;
  const char *why;

  *exists = FALSE;
  if (lstat (path, info) != 0)
    {
      int saved_errno = errno;
      g_autofree char *folder = g_path_get_dirname (path);
      struct stat folder_info;

      if (saved_errno != ENOENT)
        {
          fail (error, path, np_file_describe_errno (saved_errno));
          return NULL;
        }
      if (stat (folder, &folder_info) != 0)
        {
          fail (error, path, np_file_describe_errno (errno));
          return NULL;
        }
      if (!S_ISDIR (folder_info.st_mode))
        {
          fail (error, path, _("part of the path is not a folder"));
          return NULL;
        }
      return g_strdup (path);
    }

  if (S_ISLNK (info->st_mode))
    {
      char *resolved = realpath (path, NULL);

      if (resolved == NULL)
        {
          fail (error, path, errno == ENOENT ? _("it is a symbolic link to a file that does not "
                                               "exist")
                                             : _("it is a symbolic link that cannot be followed"));
          return NULL;
        }
      target = g_strdup (resolved);
      free (resolved);
      if (stat (target, info) != 0)
        {
          fail (error, path, np_file_describe_errno (errno));
          return NULL;
        }
    }
  else
    target = g_strdup (path);

  why = describe_kind (info->st_mode);
  if (why != NULL)
    {
      fail (error, path, why);
      return NULL;
    }
  /* A read-only file is one its owner chose to keep; root could rename over
   * it, but should not either. */
  if ((info->st_mode & 0222) == 0)
    {
      fail (error, path, _("it is read-only"));
      return NULL;
    }
  *exists = TRUE;
  return g_steal_pointer (&target);
}

/* ".NAME.needleplan-XXXXXX", with NAME shortened and followed by a hash of
 * the whole name when the result would be longer than a file name can be. */
static char *
temporary_template (const char *folder,
                    const char *base)
{
  gsize fixed = 1 + strlen (NP_STAGED_FILE_MARKER) + 6;
  g_autofree char *name = NULL;

  if (strlen (base) + fixed <= NAME_BYTES_MAX)
    name = g_strconcat (".", base, NP_STAGED_FILE_MARKER, "XXXXXX", NULL);
  else
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, base, -1);
      gsize keep = NAME_BYTES_MAX - fixed - 9;

      /* Cut between characters, so the name stays readable. */
      while (keep > 0 && ((guchar) base[keep] & 0xc0) == 0x80)
        keep--;
      name = g_strdup_printf (".%.*s-%.8s%sXXXXXX", (int) keep, base, hash,
                              NP_STAGED_FILE_MARKER);
    }
  return g_build_filename (folder, name, NULL);
}

static gboolean
is_our_temporary_name (const char *name)
{
  gsize length = strlen (name);
  gsize marker = strlen (NP_STAGED_FILE_MARKER);

  return name[0] == '.' && length > 1 + marker + 6
         && strncmp (name + length - 6 - marker, NP_STAGED_FILE_MARKER, marker) == 0;
}

/**
 * np_staged_file_remove_stale:
 *
 * Removes temporary files of ours left in @folder by a save that was killed:
 * regular files named ".NAME.needleplan-XXXXXX", owned by this user and not
 * locked by a save in progress.
 *
 * Returns: how many were removed
 */
guint
np_staged_file_remove_stale (const char *folder)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (folder != NULL, 0);

  dir = g_dir_open (folder, 0, NULL);
  if (dir == NULL)
    return 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      struct stat info;
      int fd;

      if (!is_our_temporary_name (name))
        continue;
      path = g_build_filename (folder, name, NULL);
      fd = open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (fstat (fd, &info) == 0 && S_ISREG (info.st_mode) && info.st_uid == geteuid ()
          && flock (fd, LOCK_EX | LOCK_NB) == 0 && g_unlink (path) == 0)
        removed++;
      close (fd);
    }
  return removed;
}

static void
fsync_folder (const char *folder)
{
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  /* The rename is done; a folder that cannot be flushed (some network file
   * systems) only loses the guarantee across a power cut. */
  if (fd >= 0)
    {
      if (fsync (fd) != 0)
        g_debug ("Cannot flush the folder %s: %s", folder, g_strerror (errno));
      close (fd);
    }
}

static gboolean
write_all (int          fd,
           const void  *data,
           gsize        length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      gssize n = write (fd, p, MIN (length, (gsize) G_MAXSSIZE));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }
      p += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/**
 * np_staged_file_new:
 * @path: the file to replace or create; a symbolic link is followed and the
 *   file it names is replaced
 *
 * Writes @data to a new temporary file in the target's folder and flushes
 * it to disk; the target is not touched until np_staged_file_commit(). A
 * target that is not a regular file (a folder, FIFO, device or socket), a
 * dangling link and a read-only file are refused. A replaced file's
 * permissions and owner are kept; a new file gets the user's umask.
 * Abandoned temporaries of earlier saves in that folder are removed.
 *
 * Returns: (transfer full) (nullable): the staged file, or %NULL with
 *   @error set and nothing left behind
 */
NpStagedFile *
np_staged_file_new (const char  *path,
                    const void  *data,
                    gsize        length,
                    GError     **error)
{
  g_autoptr(NpStagedFile) staged = NULL;
  g_autofree char *base = NULL;
  struct stat info;
  gboolean exists;
  int saved_errno;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  staged = g_new0 (NpStagedFile, 1);
  staged->fd = -1;
  staged->path = g_strdup (path);
  staged->target = resolve_target (path, &info, &exists, error);
  if (staged->target == NULL)
    return NULL;
  base = g_path_get_basename (staged->target);
  staged->folder = g_path_get_dirname (staged->target);
  if (*base == '\0' || strcmp (base, "/") == 0 || strcmp (base, ".") == 0
      || strcmp (base, "..") == 0)
    {
      fail (error, path, _("it is a folder"));
      return NULL;
    }
  if (strlen (base) > NAME_BYTES_MAX)
    {
      fail (error, path, np_file_describe_errno (ENAMETOOLONG));
      return NULL;
    }

  np_staged_file_remove_stale (staged->folder);

  staged->temporary = temporary_template (staged->folder, base);
  /* open() applies the umask to 0666, as for any new file. */
  staged->fd = g_mkstemp_full (staged->temporary, O_WRONLY | O_CLOEXEC, 0666);
  if (staged->fd < 0)
    {
      saved_errno = errno;
      g_clear_pointer (&staged->temporary, g_free);
      fail (error, path, np_file_describe_errno (saved_errno));
      return NULL;
    }
  /* Taken at once: np_staged_file_remove_stale() leaves locked files alone. */
  if (flock (staged->fd, LOCK_EX) != 0)
    g_debug ("Cannot lock %s: %s", staged->temporary, g_strerror (errno));

  if (exists)
    {
      struct stat own;

      /* Only root can give a file away; another user's group-writable file
       * keeps at least its group. */
      if (fstat (staged->fd, &own) == 0 && (own.st_uid != info.st_uid || own.st_gid != info.st_gid)
          && fchown (staged->fd, info.st_uid, info.st_gid) != 0
          && fchown (staged->fd, (uid_t) -1, info.st_gid) != 0)
        g_debug ("Cannot keep the owner of %s: %s", staged->target, g_strerror (errno));
      if (fchmod (staged->fd, info.st_mode & 07777) != 0)
        {
          saved_errno = errno;
          fail (error, path, np_file_describe_errno (saved_errno));
          return NULL;
        }
    }

  if (!write_all (staged->fd, data, length) || fsync (staged->fd) != 0)
    {
      saved_errno = errno;
      fail (error, path, np_file_describe_errno (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&staged);
}

/* The target must still be a regular file, or not exist, right before the
 * rename: it may have been swapped for something else since it was staged. */
static gboolean
check_target_again (NpStagedFile  *staged,
                    GError       **error)
{
  struct stat info;
  const char *why;

  if (lstat (staged->target, &info) != 0)
    return errno == ENOENT ? TRUE : fail (error, staged->path, np_file_describe_errno (errno));
  why = S_ISLNK (info.st_mode) ? _("it was replaced by a symbolic link while saving")
                               : describe_kind (info.st_mode);
  return why == NULL ? TRUE : fail (error, staged->path, why);
}

/**
 * np_staged_file_commit:
 *
 * Renames the temporary file over the target and flushes the folder. On
 * failure the target is left as it was (and the temporary file is removed
 * by np_staged_file_free()).
 */
gboolean
np_staged_file_commit (NpStagedFile  *staged,
                       GError       **error)
{
  int saved_errno;

  g_return_val_if_fail (staged != NULL, FALSE);
  g_return_val_if_fail (!staged->committed && staged->temporary != NULL, FALSE);

  if (!check_target_again (staged, error))
    return FALSE;
  if (g_rename (staged->temporary, staged->target) != 0)
    {
      saved_errno = errno;
      return fail (error, staged->path, np_file_describe_errno (saved_errno));
    }
  staged->committed = TRUE;
  fsync_folder (staged->folder);
  close (staged->fd);
  staged->fd = -1;
  return TRUE;
}

/**
 * np_staged_file_commit_all:
 * @staged: (element-type NpStagedFile): files staged for one command
 *
 * Commits every file, after checking every target once more, so that one
 * command's outputs appear together or not at all. Only a rename failing
 * after an earlier one succeeded (the folder made unwritable in between)
 * can leave part of them written.
 */
gboolean
np_staged_file_commit_all (GPtrArray  *staged,
                           GError    **error)
{
  g_return_val_if_fail (staged != NULL, FALSE);

  for (guint i = 0; i < staged->len; i++)
    if (!check_target_again (g_ptr_array_index (staged, i), error))
      return FALSE;
  for (guint i = 0; i < staged->len; i++)
    if (!np_staged_file_commit (g_ptr_array_index (staged, i), error))
      return FALSE;
  return TRUE;
}

const char *
np_staged_file_get_target (const NpStagedFile *staged)
{
  g_return_val_if_fail (staged != NULL, NULL);
  return staged->target;
}

const char *
np_staged_file_get_temporary (const NpStagedFile *staged)
{
  g_return_val_if_fail (staged != NULL, NULL);
  return staged->temporary;
}

/* Removes the temporary file unless it was committed. */
void
np_staged_file_free (NpStagedFile *staged)
{
  if (staged == NULL)
    return;
  if (!staged->committed && staged->temporary != NULL)
    g_unlink (staged->temporary);
  if (staged->fd >= 0)
    close (staged->fd);
  g_free (staged->path);
  g_free (staged->target);
  g_free (staged->folder);
  g_free (staged->temporary);
  g_free (staged);
}
