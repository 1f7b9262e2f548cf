/* np-pacs-cache.c: instances retrieved from a PACS, kept under a size limit
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-pacs-cache"

#include "config.h"

#include "np-pacs-cache.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "np-error.h"
#include <glib/gi18n-lib.h>

/* One file per instance, "<SOP Instance UID>.dcm", in a folder of the
 * user's cache directory: the retrieved files are copies the PACS holds,
 * so they may go at any time and never belong in the user's documents.
 * Only files of that form are counted or removed. */

#define SUFFIX ".dcm"

struct _NpPacsCache
{
  GObject parent_instance;

  char *directory;
  guint64 limit;
};

G_DEFINE_FINAL_TYPE (NpPacsCache, np_pacs_cache, G_TYPE_OBJECT)

typedef struct
{
  char *name;
  guint64 size;
  gint64 mtime_ns;
} Entry;

static void
entry_clear (Entry *entry)
{
  g_free (entry->name);
}

static void
np_pacs_cache_finalize (GObject *object)
{
  NpPacsCache *self = NP_PACS_CACHE (object);

  g_free (self->directory);
  G_OBJECT_CLASS (np_pacs_cache_parent_class)->finalize (object);
}

static void
np_pacs_cache_class_init (NpPacsCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_pacs_cache_finalize;
}

static void
np_pacs_cache_init (NpPacsCache *self)
{
  (void) self;
}

/**
 * np_pacs_cache_is_uid:
 *
 * A DICOM UID (PS3.5 9.1): 1 to 64 characters of digits and dots, starting
 * and ending with a digit, no empty component. Only such names become
 * file names in the cache.
 */
gboolean
np_pacs_cache_is_uid (const char *text)
{
  size_t length;

  if (text == NULL)
    return FALSE;
  length = strlen (text);
  if (length == 0 || length > 64 || text[0] == '.' || text[length - 1] == '.')
    return FALSE;
  for (size_t i = 0; i < length; i++)
    if (!(g_ascii_isdigit (text[i]) || (text[i] == '.' && text[i + 1] != '.')))
      return FALSE;
  return TRUE;
}

/**
 * np_pacs_cache_new:
 * @directory: the cache's folder; made when the first file is stored
 * @limit_bytes: the most the cached instances may take together
 */
NpPacsCache *
np_pacs_cache_new (const char *directory,
                   guint64     limit_bytes)
{
  NpPacsCache *self;

  g_return_val_if_fail (directory != NULL, NULL);

  self = g_object_new (NP_TYPE_PACS_CACHE, NULL);
  self->directory = g_strdup (directory);
  self->limit = limit_bytes;
  return self;
}

/**
 * np_pacs_cache_dup_default_directory:
 *
 * Returns: (transfer full): g_get_user_cache_dir()/needleplan/pacs
 */
char *
np_pacs_cache_dup_default_directory (void)
{
  return g_build_filename (g_get_user_cache_dir (), "needleplan", "pacs", NULL);
}

/**
 * np_pacs_cache_new_default:
 *
 * The cache in the user's cache folder with %NP_PACS_CACHE_DEFAULT_LIMIT.
 */
NpPacsCache *
np_pacs_cache_new_default (void)
{
  g_autofree char *directory = np_pacs_cache_dup_default_directory ();

  return np_pacs_cache_new (directory, NP_PACS_CACHE_DEFAULT_LIMIT);
}

const char *
np_pacs_cache_get_directory (NpPacsCache *self)
{
  g_return_val_if_fail (NP_IS_PACS_CACHE (self), NULL);
  return self->directory;
}

guint64
np_pacs_cache_get_limit (NpPacsCache *self)
{
  g_return_val_if_fail (NP_IS_PACS_CACHE (self), 0);
  return self->limit;
}

static char *
entry_path (NpPacsCache *self,
            const char  *uid)
{
  g_autofree char *name = g_strconcat (uid, SUFFIX, NULL);

  return g_build_filename (self->directory, name, NULL);
}

static gboolean
is_entry_name (const char *name)
{
  g_autofree char *uid = NULL;

  if (!g_str_has_suffix (name, SUFFIX))
    return FALSE;
  uid = g_strndup (name, strlen (name) - strlen (SUFFIX));
  return np_pacs_cache_is_uid (uid);
}

/* The cached instances, oldest first (by modification time, which a lookup
 * renews, so the least recently used go first). */
static GArray *
list_entries (NpPacsCache *self)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_autoptr(GDir) dir = g_dir_open (self->directory, 0, NULL);
  const char *name;

  g_array_set_clear_func (entries, (GDestroyNotify) entry_clear);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      GStatBuf st;
      Entry *entry;

      if (!is_entry_name (name))
        continue;
      path = g_build_filename (self->directory, name, NULL);
      if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      /* Filled in place: the array owns the name from the start. */
      g_array_set_size (entries, entries->len + 1);
      entry = &g_array_index (entries, Entry, entries->len - 1);
      entry->name = g_strdup (name);
      entry->size = (guint64) st.st_size;
      entry->mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
                        + st.st_mtim.tv_nsec;
    }
  return entries;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  if (ea->mtime_ns != eb->mtime_ns)
    return ea->mtime_ns < eb->mtime_ns ? -1 : 1;
  return strcmp (ea->name, eb->name);
}

/**
 * np_pacs_cache_get_size:
 *
 * Returns: the bytes the cached instances take together
 */
guint64
np_pacs_cache_get_size (NpPacsCache *self)
{
  g_autoptr(GArray) entries = NULL;
  guint64 total = 0;

  g_return_val_if_fail (NP_IS_PACS_CACHE (self), 0);

  entries = list_entries (self);
  for (guint i = 0; i < entries->len; i++)
    total += g_array_index (entries, Entry, i).size;
  return total;
}

/**
 * np_pacs_cache_trim:
 * @keep_uid: (nullable): an instance that stays whatever its age (the one
 *   just stored, about to be opened)
 *
 * Removes the oldest instances until the rest fit the limit.
 *
 * Returns: how many files were removed
 */
guint
np_pacs_cache_trim (NpPacsCache *self,
                    const char  *keep_uid)
{
  g_autoptr(GArray) entries = NULL;
  g_autofree char *keep_name = NULL;
  guint64 total = 0;
  guint removed = 0;

  g_return_val_if_fail (NP_IS_PACS_CACHE (self), 0);

  entries = list_entries (self);
  g_array_sort (entries, compare_entries);
  keep_name = keep_uid != NULL ? g_strconcat (keep_uid, SUFFIX, NULL) : NULL;
  for (guint i = 0; i < entries->len; i++)
    total += g_array_index (entries, Entry, i).size;
  for (guint i = 0; i < entries->len && total > self->limit; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *path = NULL;

      if (g_strcmp0 (entry->name, keep_name) == 0)
        continue;
      path = g_build_filename (self->directory, entry->name, NULL);
      if (g_unlink (path) != 0)
        {
          g_warning ("Cannot remove “%s” from the PACS cache: %s", path, g_strerror (errno));
          continue;
        }
      total -= entry->size;
      removed++;
    }
  return removed;
}

/**
 * np_pacs_cache_lookup:
 *
 * Finds an instance retrieved before and marks it as just used.
 *
 * Returns: (transfer full) (nullable): its path, or %NULL when it is not
 *   in the cache
 */
char *
np_pacs_cache_lookup (NpPacsCache *self,
                      const char  *sop_instance_uid)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (NP_IS_PACS_CACHE (self), NULL);

  if (!np_pacs_cache_is_uid (sop_instance_uid))
    return NULL;
  path = entry_path (self, sop_instance_uid);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return NULL;
  /* Now: the file is used, so it is the last to go. */
  utimensat (AT_FDCWD, path, NULL, 0);
  return g_steal_pointer (&path);
}

/**
 * np_pacs_cache_store:
 * @data: the instance's bytes (a DICOM file)
 *
 * Writes the instance (atomically) and trims the cache to its limit; the
 * new file stays even when it alone is over the limit, since it is about
 * to be opened.
 *
 * Returns: (transfer full) (nullable): the file's path, or %NULL with
 *   @error set
 */
char *
np_pacs_cache_store (NpPacsCache  *self,
                     const char   *sop_instance_uid,
                     GBytes       *data,
                     GError      **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;
  const char *bytes;

  g_return_val_if_fail (NP_IS_PACS_CACHE (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (!np_pacs_cache_is_uid (sop_instance_uid))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Cannot keep the retrieved instance: “%s” is not a SOP Instance UID"),
                   sop_instance_uid != NULL ? sop_instance_uid : "");
      return NULL;
    }
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot make the PACS cache folder “%s”: %s"),
                   self->directory, g_strerror (saved));
      return NULL;
    }
  path = entry_path (self, sop_instance_uid);
  bytes = g_bytes_get_data (data, &length);
  if (!g_file_set_contents_full (path, bytes, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot write “%s” into the PACS cache: %s"),
                   path, local_error->message);
      return NULL;
    }
  np_pacs_cache_trim (self, sop_instance_uid);
  return g_steal_pointer (&path);
}
