/* np-window.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "np-application.h"
#include "np-canvas.h"
#include "np-status-bar.h"

G_BEGIN_DECLS

#define NP_TYPE_WINDOW (np_window_get_type ())

G_DECLARE_FINAL_TYPE (NpWindow, np_window, NP, WINDOW, AdwApplicationWindow)

NpWindow    *np_window_new            (NpApplication *application);
void         np_window_open_file      (NpWindow      *self,
                                       GFile         *file);
gboolean     np_window_has_frame      (NpWindow      *self);
gboolean     np_window_get_loading    (NpWindow      *self);
GFile       *np_window_get_file       (NpWindow      *self);
NpCanvas    *np_window_get_canvas     (NpWindow      *self);
NpStatusBar *np_window_get_status_bar (NpWindow      *self);
GFile       *np_window_get_sample_file(NpWindow      *self);

G_END_DECLS
