/* np-recovery.h: offering the plans a crashed NeedlePlan left unsaved
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-window.h"

G_BEGIN_DECLS

void np_recovery_offer            (NpWindow   *window,
                                   const char *directory);
void np_recovery_offer_when_shown (NpWindow   *window);

G_END_DECLS
