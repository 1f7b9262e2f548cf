/* test-planner-util.h: plans and checks shared by the planner tests
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-planner.h"

/* A linear-probe ultrasound plan, skin on the top edge (y = 0), square
 * pixels of @mm_per_px (0: not calibrated), no click error. */
NpPlan *
plan_new (double mm_per_px);

void
set_path (NpPlan *plan,
          double  entry_x,
          double  entry_y,
          double  target_x,
          double  target_y);

NpStructure *
add_circle (NpPlan          *plan,
            const char      *label,
            NpStructureKind  kind,
            double           cx,
            double           cy,
            double           rx,
            double           ry,
            double           margin_mm);

NpStructure *
add_outline (NpPlan          *plan,
             const char      *label,
             NpStructureKind  kind,
             NpShape          shape,
             double           margin_mm,
             const double    *xy,
             guint            n_points);

NpPlanResults *
compute (const NpPlan *plan);

gboolean
has_warning (const NpPlanResults *results,
             const char          *text);

const NpStructureClearance *
clearance (const NpPlanResults *results,
           guint                i);

NpEntryRecommendation *
recommend (const NpPlan           *plan,
           const NpPlannerOptions *options);
