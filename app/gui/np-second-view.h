/* np-second-view.h — the second fluoroscopy view of a pair, in its own window
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "np-canvas.h"
#include "np-document.h"
#include "np-mark-editor.h"
#include "np-plan-analysis.h"

G_BEGIN_DECLS

#define NP_TYPE_SECOND_VIEW (np_second_view_get_type ())

G_DECLARE_FINAL_TYPE (NpSecondView, np_second_view, NP, SECOND_VIEW, AdwWindow)

NpSecondView *np_second_view_new             (GtkWindow      *parent,
                                              NpPlanAnalysis *analysis,
                                              const char     *plan_path,
                                              GError        **error);
void          np_second_view_open_for        (GtkWindow      *parent,
                                              NpPlanAnalysis *analysis);
char         *np_second_view_find_partner    (const NpPlan   *plan,
                                              const char     *plan_path);
NpSecondView *np_second_view_get_for         (GtkWindow      *parent);

NpDocument   *np_second_view_get_document    (NpSecondView   *self);
NpCanvas     *np_second_view_get_canvas      (NpSecondView   *self);
NpMarkEditor *np_second_view_get_mark_editor (NpSecondView   *self);
const char   *np_second_view_get_path        (NpSecondView   *self);
gboolean      np_second_view_save            (NpSecondView   *self,
                                              GError        **error);
void          np_second_view_set_window_level_linked (NpSecondView *self,
                                                      gboolean      linked);
void          np_second_view_draw_first_guides (NpSecondView *self,
                                                cairo_t      *cr,
                                                double        zoom);
gboolean      np_second_view_guide_y         (NpSecondView   *self,
                                              double          first_y,
                                              double         *second_y);

G_END_DECLS
