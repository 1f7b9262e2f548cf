/* np-application.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "np-prefetch.h"

G_BEGIN_DECLS

#define NP_TYPE_APPLICATION (np_application_get_type ())

G_DECLARE_FINAL_TYPE (NpApplication, np_application, NP, APPLICATION, AdwApplication)

NpApplication *np_application_new                  (void);
GSettings     *np_application_get_settings         (NpApplication *self);
gboolean       np_application_avoid_software_gl    (const char    *device_dir);
void           np_application_set_prefetch         (NpApplication *self,
                                                    NpPrefetch    *prefetch);
gboolean       np_application_has_prefetch         (NpApplication *self);
NpPrefetch    *np_application_take_prefetch        (NpApplication *self,
                                                    GFile         *file);

G_END_DECLS
