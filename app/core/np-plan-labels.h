/* np-plan-labels.h — the words a person reads for each plan enum
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-plan.h"

G_BEGIN_DECLS

/* One wording for the side panel, the training view, the report and the
 * CLI. The file strings (np_site_to_string and friends) are a different
 * thing: part of the plan format, never shown. Every function returns a
 * static string; "Not stated" stands for the unspecified values. */

const char         *np_modality_label       (NpModality       modality);
const char         *np_probe_label          (NpProbe          probe);
const char         *np_site_label           (NpSite           site);
const char         *np_side_label           (NpSide           side);
const char         *np_condition_label      (NpCondition      condition);
const char         *np_injectate_label      (NpInjectate      injectate);
const char         *np_technique_label      (NpTechnique      technique);
const char         *np_view_label           (NpView           view);
const char         *np_structure_kind_label (NpStructureKind  kind);

/* NULL-terminated lists in enum order, for drop-downs. */
const char *const  *np_modality_labels      (void);
const char *const  *np_probe_labels         (void);
const char *const  *np_site_labels          (void);
const char *const  *np_side_labels          (void);
const char *const  *np_condition_labels     (void);
const char *const  *np_injectate_labels     (void);
const char *const  *np_technique_labels     (void);
const char *const  *np_structure_kind_labels(void);

G_END_DECLS
