/* np-pacs-browser.h — the "Open from PACS" dialog
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "np-pacs-query-result.h"
#include "np-window.h"

G_BEGIN_DECLS

#define NP_TYPE_PACS_BROWSER (np_pacs_browser_get_type ())

G_DECLARE_FINAL_TYPE (NpPacsBrowser, np_pacs_browser, NP, PACS_BROWSER, AdwWindow)

NpPacsBrowser *np_pacs_browser_new          (NpWindow      *window,
                                             GPtrArray     *destinations);
gboolean       np_pacs_browser_get_busy     (NpPacsBrowser *self);
guint          np_pacs_browser_get_n_studies (NpPacsBrowser *self);
guint          np_pacs_browser_get_n_series (NpPacsBrowser *self);
guint          np_pacs_browser_get_n_thumbnails (NpPacsBrowser *self);
const NpPacsQueryResult *
               np_pacs_browser_get_series   (NpPacsBrowser *self,
                                             guint          index);

G_END_DECLS
