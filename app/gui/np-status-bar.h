/* np-status-bar.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-calibration.h"
#include "np-frame.h"
#include "np-window-level.h"

G_BEGIN_DECLS

#define NP_TYPE_STATUS_BAR (np_status_bar_get_type ())

G_DECLARE_FINAL_TYPE (NpStatusBar, np_status_bar, NP, STATUS_BAR, GtkWidget)

GtkWidget  *np_status_bar_new              (void);
void        np_status_bar_set_frame        (NpStatusBar   *self,
                                            NpFrame       *frame);
void        np_status_bar_set_cursor       (NpStatusBar   *self,
                                            NpImagePoint   point,
                                            gboolean       inside);
void        np_status_bar_set_calibration  (NpStatusBar         *self,
                                            const NpCalibration *calibration);
void        np_status_bar_set_zoom         (NpStatusBar   *self,
                                            double         zoom);
void        np_status_bar_set_window_level (NpStatusBar   *self,
                                            NpWindowLevel  window);
const char *np_status_bar_get_position_text(NpStatusBar   *self);
const char *np_status_bar_get_value_text   (NpStatusBar   *self);
const char *np_status_bar_get_zoom_text    (NpStatusBar   *self);

G_END_DECLS
