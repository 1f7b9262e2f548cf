/* np-pacs-actions.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-window.h"

G_BEGIN_DECLS

typedef struct _NpPacsActions NpPacsActions;

void np_pacs_actions_install (NpWindow *window);

G_END_DECLS
