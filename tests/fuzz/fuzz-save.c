/* fuzz-save.c: the save and export path against random kinds of target
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is a script of saves into a private temporary folder. Every
 * save picks a kind of target (a regular file, a read-only file, a link to
 * a file, a FIFO, a link to a FIFO, a dangling link, a folder, a missing
 * folder, a read-only folder, a long name) and a way of writing (a plain
 * atomic save, or an export of a PNG, a PDF or both), then checks what must
 * hold whatever happened: a FIFO, link or folder is still what it was, a
 * failed save leaves a regular file's bytes and mode as they were, a
 * successful one leaves the new bytes with the old mode, and no temporary
 * file of ours is left behind. FIFOs stand in for device nodes: a test
 * never touches /dev.
 */

#include "np-error.h"
#include "np-export.h"
#include "np-file.h"
#include "np-staged-file.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

typedef enum
{
  TARGET_NEW,
  TARGET_REGULAR,
  TARGET_READ_ONLY,
  TARGET_LINK,
  TARGET_FIFO,
  TARGET_LINK_TO_FIFO,
  TARGET_DANGLING,
  TARGET_FOLDER,
  TARGET_MISSING_FOLDER,
  TARGET_READ_ONLY_FOLDER,
  TARGET_LONG_NAME,
  N_TARGETS
} TargetKind;

static char *root;

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat info;

      if (lstat (path, &info) == 0 && S_ISDIR (info.st_mode))
        {
          g_chmod (path, 0755);
          remove_tree (path);
        }
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
remove_root (void)
{
  if (root != NULL)
    remove_tree (root);
}

static gboolean
has_temporary (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (strstr (name, NP_STAGED_FILE_MARKER) != NULL)
      return TRUE;
  return FALSE;
}

static NpFrame *
small_frame (void)
{
  NpFrame *frame = np_frame_new (32, 24, 1, 8, NULL);

  for (guint y = 0; y < 24; y++)
    for (guint x = 0; x < 32; x++)
      np_frame_set_sample (frame, x, y, 0, (x * 8 + y) & 0xff);
  return frame;
}

static NpPlan *
small_plan (void)
{
  NpPlan *plan = np_plan_new ();

  plan->has_target = TRUE;
  plan->target = np_image_point (16, 16);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (4, 2);
  return plan;
}

/* Makes the target of kind @kind in @dir; returns the path to save to, and
 * in @real the file whose bytes a save changes (NULL when none exists). */
static char *
make_target (const char *dir,
             TargetKind  kind,
             guint       index,
             char      **real)
{
  g_autofree char *name = g_strdup_printf ("target-%u.out", index);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree char *other = g_strdup_printf ("%s.real", path);

  *real = NULL;
  switch (kind)
    {
    case TARGET_NEW:
      break;
    case TARGET_REGULAR:
    case TARGET_READ_ONLY:
      g_assert (g_file_set_contents (path, "earlier", 7, NULL));
      g_chmod (path, kind == TARGET_READ_ONLY ? 0444 : 0640);
      *real = g_strdup (path);
      break;
    case TARGET_LINK:
      g_assert (g_file_set_contents (other, "earlier", 7, NULL));
      g_chmod (other, 0600);
      g_assert (symlink (other, path) == 0);
      *real = g_strdup (other);
      break;
    case TARGET_FIFO:
      g_assert (mkfifo (path, 0644) == 0);
      break;
    case TARGET_LINK_TO_FIFO:
      g_assert (mkfifo (other, 0644) == 0);
      g_assert (symlink (other, path) == 0);
      break;
    case TARGET_DANGLING:
      g_assert (symlink ("nowhere/at-all", path) == 0);
      break;
    case TARGET_FOLDER:
      g_assert (g_mkdir (path, 0755) == 0);
      break;
    case TARGET_MISSING_FOLDER:
      g_free (path);
      path = g_build_filename (dir, "missing", name, NULL);
      break;
    case TARGET_READ_ONLY_FOLDER:
      {
        g_autofree char *folder = g_build_filename (dir, "locked", NULL);

        g_mkdir (folder, 0755);
        g_free (path);
        path = g_build_filename (folder, name, NULL);
        g_assert (g_file_set_contents (path, "earlier", 7, NULL));
        g_chmod (path, 0644);
        g_chmod (folder, 0555);
        *real = g_strdup (path);
      }
      break;
    case TARGET_LONG_NAME:
      {
        g_autofree char *long_name = g_strnfill (240 + index % 16, 'L');

        g_free (path);
        path = g_build_filename (dir, long_name, NULL);
        if (index % 2 == 0)
          {
            g_assert (g_file_set_contents (path, "earlier", 7, NULL));
            *real = g_strdup (path);
          }
      }
      break;
    case N_TARGETS:
    default:
      g_assert_not_reached ();
    }
  return path;
}

static void
check_after (TargetKind   kind,
             const char  *path,
             const char  *real,
             mode_t       mode_before,
             gboolean     saved,
             const void  *payload,
             gsize        length)
{
  struct stat info;

  switch (kind)
    {
    case TARGET_FIFO:
      g_assert (!saved && lstat (path, &info) == 0 && S_ISFIFO (info.st_mode));
      return;
    case TARGET_LINK_TO_FIFO:
      g_assert (!saved && lstat (path, &info) == 0 && S_ISLNK (info.st_mode));
      g_assert (stat (path, &info) == 0 && S_ISFIFO (info.st_mode));
      return;
    case TARGET_DANGLING:
      g_assert (!saved && lstat (path, &info) == 0 && S_ISLNK (info.st_mode));
      return;
    case TARGET_FOLDER:
      g_assert (!saved && lstat (path, &info) == 0 && S_ISDIR (info.st_mode));
      return;
    case TARGET_MISSING_FOLDER:
      g_assert (!saved && lstat (path, &info) != 0);
      return;
    case TARGET_READ_ONLY:
      g_assert (!saved);
      break;
    case TARGET_LINK:
      g_assert (lstat (path, &info) == 0 && S_ISLNK (info.st_mode));
      break;
    case TARGET_NEW:
    case TARGET_REGULAR:
    case TARGET_READ_ONLY_FOLDER:
    case TARGET_LONG_NAME:
    case N_TARGETS:
    default:
      break;
    }

  if (real != NULL)
    {
      g_autofree char *bytes = NULL;
      gsize got = 0;

      g_assert (g_file_get_contents (real, &bytes, &got, NULL));
      g_assert (stat (real, &info) == 0 && S_ISREG (info.st_mode));
      g_assert ((info.st_mode & 07777) == mode_before);
      if (!saved)
        g_assert (got == 7 && memcmp (bytes, "earlier", 7) == 0);
      else if (payload != NULL)
        g_assert (got == length && memcmp (bytes, payload, length) == 0);
    }
  else if (saved && payload != NULL)
    {
      g_autofree char *bytes = NULL;
      gsize got = 0;

      g_assert (g_file_get_contents (path, &bytes, &got, NULL));
      g_assert (got == length && memcmp (bytes, payload, length) == 0);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *dir = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlan) plan = NULL;
  guint index = 0;

  if (root == NULL)
    {
      root = g_dir_make_tmp ("np-fuzz-save-XXXXXX", NULL);
      g_assert (root != NULL);
      atexit (remove_root);
    }
  dir = g_build_filename (root, "case", NULL);
  remove_tree (dir);
  g_assert (g_mkdir (dir, 0755) == 0);

  /* Each step: kind, way of writing, payload length, payload. */
  while (size >= 3 && index < 8)
    {
      TargetKind kind = data[0] % N_TARGETS;
      guint way = data[1] % 8;
      gsize length = MIN ((gsize) data[2], size - 3);
      const guint8 *payload = data + 3;
      g_autofree char *path = NULL;
      g_autofree char *real = NULL;
      g_autofree char *folder = NULL;
      g_autoptr(GError) error = NULL;
      struct stat info;
      mode_t mode_before = 0;
      gboolean saved;

      path = make_target (dir, kind, index, &real);
      folder = g_path_get_dirname (path);
      if (real != NULL && stat (real, &info) == 0)
        mode_before = info.st_mode & 07777;

      if (way < 6)
        {
          saved = np_file_write_atomic (path, payload, length, &error);
          check_after (kind, path, real, mode_before, saved, payload, length);
        }
      else
        {
          NpExportOptions options;

          if (frame == NULL)
            {
              frame = small_frame ();
              plan = small_plan ();
            }
          np_export_options_init (&options);
          options.date = "2026-01-02";
          /* The plan names no side: write it anyway, so every run exercises
           * the writers rather than the refusal. */
          options.allow_unrecorded = TRUE;
          /* One path for the PNG, or the same kind for both files. */
          if (way == 6)
            saved = np_export_files (frame, plan, NULL, &options, path, NULL, NULL, &error);
          else
            {
              g_autofree char *pdf = g_strconcat (folder, "/report-", path + strlen (folder) + 1,
                                                  NULL);

              pdf[MIN (strlen (pdf), (gsize) strlen (folder) + 200)] = '\0';
              saved = np_export_files (frame, plan, NULL, &options, path, pdf, NULL, &error);
              /* Both or neither: the report has a new name of its own. */
              if (saved)
                g_assert (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
              else
                g_assert (!g_file_test (pdf, G_FILE_TEST_EXISTS));
            }
          check_after (kind, path, real, mode_before, saved, NULL, 0);
        }
      g_assert (saved == (error == NULL));
      if (error != NULL)
        g_assert (error->domain == NP_ERROR && error->message[0] != '\0');
      g_assert (!has_temporary (folder));
      g_assert (!has_temporary (dir));

      g_chmod (folder, 0755);
      data += 3 + length;
      size -= 3 + length;
      index++;
    }
  return 0;
}
