/* np-cli-plan-private.h: what the plan and optimize verbs share
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-plan.h"
#include "np-planner.h"

G_BEGIN_DECLS

NpPlan  *np_cli_plan_load          (const char        *path,
                                    NpPlannerOptions  *options,
                                    GPtrArray         *notes,
                                    GError           **error);
gboolean np_cli_plan_parse_angle   (const char        *text,
                                    const char        *option,
                                    double             lower,
                                    double            *value,
                                    int               *exit_code);
void     np_cli_plan_add_notes     (NpPlanResults     *results,
                                    GPtrArray         *notes);

G_END_DECLS
