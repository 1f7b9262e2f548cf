/* np-pacs-preferences-page.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NP_TYPE_PACS_PREFERENCES_PAGE (np_pacs_preferences_page_get_type ())

G_DECLARE_FINAL_TYPE (NpPacsPreferencesPage, np_pacs_preferences_page, NP,
                      PACS_PREFERENCES_PAGE, AdwPreferencesPage)

GtkWidget *np_pacs_preferences_page_new (GSettings *settings);

G_END_DECLS
