/* np-side-panel.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-document.h"
#include "np-mark-editor.h"
#include "np-plan-analysis.h"

G_BEGIN_DECLS

#define NP_TYPE_SIDE_PANEL (np_side_panel_get_type ())

G_DECLARE_FINAL_TYPE (NpSidePanel, np_side_panel, NP, SIDE_PANEL, GtkWidget)

/* Keys of the result rows, for np_side_panel_get_value_text(). */
#define NP_SIDE_PANEL_DEPTH "depth"
#define NP_SIDE_PANEL_PATH "path"
#define NP_SIDE_PANEL_ANGLE "angle"
#define NP_SIDE_PANEL_NEEDLE "needle"
#define NP_SIDE_PANEL_CLEARANCE "clearance"
#define NP_SIDE_PANEL_VISIBILITY "visibility"
#define NP_SIDE_PANEL_VIEW "view"
#define NP_SIDE_PANEL_WALKDOWN "walkdown"
#define NP_SIDE_PANEL_CALIBRATION "calibration"

GtkWidget  *np_side_panel_new                (void);
void        np_side_panel_bind               (NpSidePanel         *self,
                                              NpPlanAnalysis      *analysis,
                                              NpMarkEditor        *editor);
void        np_side_panel_set_recommendation (NpSidePanel         *self,
                                              const char          *text,
                                              gboolean             feasible);
const char *np_side_panel_get_value_text     (NpSidePanel         *self,
                                              const char          *key);
const char *np_side_panel_get_detail_text    (NpSidePanel         *self,
                                              const char          *key);
guint       np_side_panel_get_n_warnings     (NpSidePanel         *self);
gboolean    np_side_panel_get_uncalibrated_shown (NpSidePanel     *self);
gboolean    np_side_panel_get_speed_offered  (NpSidePanel         *self);

G_END_DECLS
