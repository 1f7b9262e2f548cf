/* np-pacs-cache.h: instances retrieved from a PACS, kept under a size limit
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* The default limit of the cache in the user's cache folder. */
#define NP_PACS_CACHE_DEFAULT_LIMIT ((guint64) 512 * 1024 * 1024)

#define NP_TYPE_PACS_CACHE (np_pacs_cache_get_type ())
G_DECLARE_FINAL_TYPE (NpPacsCache, np_pacs_cache, NP, PACS_CACHE, GObject)

NpPacsCache *np_pacs_cache_new           (const char   *directory,
                                          guint64       limit_bytes);
NpPacsCache *np_pacs_cache_new_default   (void);
char        *np_pacs_cache_dup_default_directory (void);
const char  *np_pacs_cache_get_directory (NpPacsCache  *self);
guint64      np_pacs_cache_get_limit     (NpPacsCache  *self);
char        *np_pacs_cache_lookup        (NpPacsCache  *self,
                                          const char   *sop_instance_uid);
char        *np_pacs_cache_store         (NpPacsCache  *self,
                                          const char   *sop_instance_uid,
                                          GBytes       *data,
                                          GError      **error);
guint64      np_pacs_cache_get_size      (NpPacsCache  *self);
guint        np_pacs_cache_trim          (NpPacsCache  *self,
                                          const char   *keep_uid);
gboolean     np_pacs_cache_is_uid        (const char   *text);

G_END_DECLS
