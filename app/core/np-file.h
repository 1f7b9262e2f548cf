/* np-file.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sys/stat.h>

G_BEGIN_DECLS

gboolean  np_file_write_atomic       (const char   *path,
                                      const void   *data,
                                      gsize         length,
                                      GError      **error);
void      np_file_set_error_from_io  (GError      **error,
                                      const GError *io_error,
                                      const char   *action,
                                      const char   *path);
void      np_file_set_error_from_errno (GError    **error,
                                        int         saved_errno,
                                        const char *action,
                                        const char *path);
gboolean  np_file_same_file          (const char   *a,
                                      const char   *b);
gboolean  np_file_check_output       (const char   *output,
                                      const char   *input,
                                      const char   *what,
                                      GError      **error);
const char *np_file_describe_errno   (int           saved_errno);
char     *np_file_sha256_of_data     (const guint8 *data,
                                      gsize         length);
char     *np_file_sha256             (const char   *path,
                                      GError      **error);
GMappedFile *np_file_map_image       (const char   *path,
                                      gsize         max_size,
                                      GError      **error);
GMappedFile *np_file_map_regular     (const char   *path,
                                      const char   *action,
                                      GError      **error);
char     *np_file_copy_to_folder     (const char   *source,
                                      const char   *folder,
                                      gboolean     *created,
                                      GError      **error);
GBytes   *np_file_read_image         (const char   *path,
                                      gsize         max_size,
                                      GError      **error);
char     *np_file_sha256_of_fd       (int           fd,
                                      const char   *path,
                                      GError      **error);
char     *np_file_sha256_pinned      (const char   *path,
                                      struct stat  *pinned,
                                      GError      **error);
gboolean  np_file_still_pinned       (const char        *path,
                                      const struct stat *pinned,
                                      GError           **error);

G_END_DECLS
