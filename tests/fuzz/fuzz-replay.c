/* fuzz-replay.c: runs a fuzz harness over files, without libFuzzer
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each argument is a file or a folder (read recursively). Every input is
 * one TAP case: it passes when the harness returns without crashing; the
 * sanitizers and valgrind turn memory errors into failures.
 */

#include <glib.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
collect (const char *path,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      collect (child, files);
    }
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint missing = 0;

  for (int i = 1; i < argc; i++)
    {
      if (!g_file_test (argv[i], G_FILE_TEST_EXISTS))
        {
          missing++;
          continue;
        }
      collect (argv[i], files);
    }
  g_ptr_array_sort (files, compare_paths);

  printf ("1..%u\n", files->len + (files->len == 0 ? 1 : 0));
  if (files->len == 0)
    {
      printf ("ok 1 # SKIP no corpus found (%u path(s) missing)\n", missing);
      return 0;
    }

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *data = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &data, &length, NULL))
        {
          printf ("not ok %u %s (unreadable)\n", i + 1, path);
          continue;
        }
      LLVMFuzzerTestOneInput ((const guint8 *) data, length);
      printf ("ok %u %s\n", i + 1, path);
      fflush (stdout);
    }
  return 0;
}
