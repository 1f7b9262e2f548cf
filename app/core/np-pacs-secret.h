/* np-pacs-secret.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  np_pacs_secret_available (void);
char     *np_pacs_secret_lookup    (const char  *destination,
                                    const char  *username,
                                    GError     **error);
gboolean  np_pacs_secret_store     (const char  *destination,
                                    const char  *username,
                                    const char  *password,
                                    GError     **error);
gboolean  np_pacs_secret_clear     (const char  *destination,
                                    const char  *username,
                                    GError     **error);

G_END_DECLS
