/* np-staged-file.h: a file written beside its target, renamed over it later
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The marker in the names of our temporary files: ".NAME.needleplan-XXXXXX". */
#define NP_STAGED_FILE_MARKER ".needleplan-"

typedef struct _NpStagedFile NpStagedFile;

NpStagedFile *np_staged_file_new     (const char    *path,
                                      const void    *data,
                                      gsize          length,
                                      GError       **error);
gboolean      np_staged_file_commit  (NpStagedFile  *staged,
                                      GError       **error);
const char   *np_staged_file_get_target    (const NpStagedFile *staged);
const char   *np_staged_file_get_temporary (const NpStagedFile *staged);
void          np_staged_file_free    (NpStagedFile  *staged);

gboolean      np_staged_file_commit_all (GPtrArray   *staged,
                                         GError     **error);
guint         np_staged_file_remove_stale (const char *folder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpStagedFile, np_staged_file_free)

G_END_DECLS
