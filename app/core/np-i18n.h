/* np-i18n.h — where the message catalogues are
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *np_i18n_locale_dir (void);
void        np_i18n_init       (void);

G_END_DECLS
