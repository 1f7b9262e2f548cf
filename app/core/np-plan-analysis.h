/* np-plan-analysis.h — the one owner of the planner's results for a document
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-document.h"
#include "np-planner.h"

G_BEGIN_DECLS

#define NP_PLAN_ANALYSIS_INTERVAL_DELAY_MS 150

#define NP_TYPE_PLAN_ANALYSIS (np_plan_analysis_get_type ())

G_DECLARE_FINAL_TYPE (NpPlanAnalysis, np_plan_analysis, NP, PLAN_ANALYSIS, GObject)

NpPlanAnalysis         *np_plan_analysis_new               (NpDocument       *document);

NpDocument             *np_plan_analysis_get_document      (NpPlanAnalysis   *self);
const NpPlanResults    *np_plan_analysis_get_results       (NpPlanAnalysis   *self);
const char             *np_plan_analysis_get_error         (NpPlanAnalysis   *self);
const NpPlannerOptions *np_plan_analysis_get_options       (NpPlanAnalysis   *self);
gboolean                np_plan_analysis_get_intervals_due (NpPlanAnalysis   *self);
guint                   np_plan_analysis_get_interval_delay(NpPlanAnalysis   *self);
void                    np_plan_analysis_set_interval_delay(NpPlanAnalysis   *self,
                                                            guint             delay_ms);

void                    np_plan_analysis_flush_intervals   (NpPlanAnalysis   *self);
NpPlanResults          *np_plan_analysis_dup_results       (NpPlanAnalysis   *self);
NpEntryRecommendation  *np_plan_analysis_recommend_entry   (NpPlanAnalysis   *self,
                                                            GError          **error);
void                    np_plan_analysis_set_second_view   (NpPlanAnalysis   *self,
                                                            NpDocument       *second_view);
NpDocument             *np_plan_analysis_get_second_view   (NpPlanAnalysis   *self);

G_END_DECLS
