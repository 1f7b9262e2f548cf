/* np-preferences-window.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NP_TYPE_PREFERENCES_WINDOW (np_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (NpPreferencesWindow, np_preferences_window, NP, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *np_preferences_window_new (GSettings *settings);

G_END_DECLS
