/* test-pacs-cache.c: the PACS cache's names, limit and eviction order
 * (np-pacs-cache.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-pacs-cache.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static char *tmp_dir;

static GBytes *
bytes_of (gsize size)
{
  return g_bytes_new_take (g_malloc0 (size), size);
}

static void
store (NpPacsCache *cache,
       const char  *uid,
       gsize        size)
{
  g_autoptr(GBytes) data = bytes_of (size);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = np_pacs_cache_store (cache, uid, data, &error);

  g_assert_no_error (error);
  g_assert_nonnull (path);
}

/* Sets a cached file's modification time to @seconds after the epoch. */
static void
set_age (NpPacsCache *cache,
         const char  *uid,
         time_t       seconds)
{
  g_autofree char *name = g_strconcat (uid, ".dcm", NULL);
  g_autofree char *path = g_build_filename (np_pacs_cache_get_directory (cache), name, NULL);
  struct timespec times[2] = { { seconds, 0 }, { seconds, 0 } };

  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

static gboolean
cached (NpPacsCache *cache,
        const char  *uid)
{
  g_autofree char *name = g_strconcat (uid, ".dcm", NULL);
  g_autofree char *path = g_build_filename (np_pacs_cache_get_directory (cache), name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_uid (void)
{
  g_autofree char *uid64 = g_strnfill (64, '1');
  g_autofree char *uid65 = g_strnfill (65, '1');

  g_assert_true (np_pacs_cache_is_uid ("1.2.840.10008.5.1.4.1.1.7"));
  g_assert_true (np_pacs_cache_is_uid ("2"));
  g_assert_true (np_pacs_cache_is_uid (uid64));
  g_assert_false (np_pacs_cache_is_uid (uid65));
  g_assert_false (np_pacs_cache_is_uid (""));
  g_assert_false (np_pacs_cache_is_uid (NULL));
  g_assert_false (np_pacs_cache_is_uid ("1..2"));
  g_assert_false (np_pacs_cache_is_uid (".1"));
  g_assert_false (np_pacs_cache_is_uid ("1."));
  g_assert_false (np_pacs_cache_is_uid ("1.2a"));
  g_assert_false (np_pacs_cache_is_uid ("../x"));
}

/* Sizes 400, 300 and 200 bytes, ages 1000, 2000 and 3000 s; a 600-byte
 * cache storing 200 more bytes holds 1100: the oldest go until the rest
 * fit, 400 (leaving 700), then 300 (leaving 400 ≤ 600). */
static void
test_evicts_oldest (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "oldest", NULL);
  g_autofree char *other = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *foreign = g_build_filename (dir, "scan.dcm", NULL);
  g_autoptr(NpPacsCache) roomy = np_pacs_cache_new (dir, 1000000);
  g_autoptr(NpPacsCache) small = np_pacs_cache_new (dir, 600);
  g_autoptr(NpPacsCache) smaller = np_pacs_cache_new (dir, 300);
  g_autoptr(NpPacsCache) tiny = np_pacs_cache_new (dir, 100);
  g_autofree char *found = NULL;

  g_assert_cmpuint (np_pacs_cache_get_size (roomy), ==, 0);
  store (roomy, "1.1", 400);
  store (roomy, "1.2", 300);
  store (roomy, "1.3", 200);
  /* Files that are not "<UID>.dcm" are neither counted nor removed. */
  g_assert_true (g_file_set_contents (other, "x", -1, NULL));
  g_assert_true (g_file_set_contents (foreign, "xxxxxxxxxx", -1, NULL));
  set_age (roomy, "1.1", 1000);
  set_age (roomy, "1.2", 2000);
  set_age (roomy, "1.3", 3000);
  g_assert_cmpuint (np_pacs_cache_get_size (roomy), ==, 900);

  store (small, "1.4", 200);
  g_assert_false (cached (small, "1.1"));
  g_assert_false (cached (small, "1.2"));
  g_assert_true (cached (small, "1.3"));
  g_assert_true (cached (small, "1.4"));
  g_assert_cmpuint (np_pacs_cache_get_size (small), ==, 400);

  /* A lookup renews: 1.3 is made older than 1.4, then used; over a 300-byte
   * limit (400 held) the least recently used, now 1.4, goes. */
  set_age (small, "1.3", 1000);
  set_age (small, "1.4", 2000);
  found = np_pacs_cache_lookup (small, "1.3");
  g_assert_nonnull (found);
  g_assert_null (np_pacs_cache_lookup (small, "1.1"));
  g_assert_cmpuint (np_pacs_cache_trim (smaller, NULL), ==, 1);
  g_assert_true (cached (small, "1.3"));
  g_assert_false (cached (small, "1.4"));

  /* The file just stored stays even when it alone is over the limit. */
  store (tiny, "1.5", 250);
  g_assert_false (cached (tiny, "1.3"));
  g_assert_true (cached (tiny, "1.5"));
  g_assert_cmpuint (np_pacs_cache_get_size (tiny), ==, 250);
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (foreign, G_FILE_TEST_EXISTS));
}

static void
test_refusals (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "refusals", NULL);
  g_autoptr(NpPacsCache) cache = np_pacs_cache_new (dir, 1000);
  g_autoptr(GBytes) data = bytes_of (10);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = np_pacs_cache_store (cache, "../escape", data, &error);
  g_autofree char *blocker = g_build_filename (tmp_dir, "blocker", NULL);
  g_autofree char *under = g_build_filename (blocker, "pacs", NULL);
  g_autoptr(NpPacsCache) blocked = np_pacs_cache_new (under, 1000);

  g_assert_null (path);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“../escape” is not a SOP Instance UID"));
  g_clear_error (&error);

  /* A file where the folder should be. */
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  path = np_pacs_cache_store (blocked, "1.2", data, &error);
  g_assert_null (path);
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, under));
}

static void
test_default_directory (void)
{
  g_autofree char *dir = np_pacs_cache_dup_default_directory ();
  g_autofree char *expected = g_build_filename (g_get_user_cache_dir (), "needleplan", "pacs",
                                                NULL);
  g_autoptr(NpPacsCache) cache = np_pacs_cache_new_default ();

  g_assert_cmpstr (dir, ==, expected);
  g_assert_cmpstr (np_pacs_cache_get_directory (cache), ==, expected);
  g_assert_cmpuint (np_pacs_cache_get_limit (cache), ==, 512u * 1024 * 1024);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-pacs-cache-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/core/pacs-cache/uid", test_uid);
  g_test_add_func ("/core/pacs-cache/evicts-oldest", test_evicts_oldest);
  g_test_add_func ("/core/pacs-cache/refusals", test_refusals);
  g_test_add_func ("/core/pacs-cache/default-directory", test_default_directory);
  status = g_test_run ();

  remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
