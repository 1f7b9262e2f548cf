/* np-structure-popover.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-approach.h"
#include "np-plan.h"

G_BEGIN_DECLS

#define NP_TYPE_STRUCTURE_POPOVER (np_structure_popover_get_type ())

G_DECLARE_FINAL_TYPE (NpStructurePopover, np_structure_popover, NP, STRUCTURE_POPOVER, GtkPopover)

GtkWidget       *np_structure_popover_new        (void);
void             np_structure_popover_prepare    (NpStructurePopover *self,
                                                  const NpApproach   *approach,
                                                  const char         *label,
                                                  NpStructureKind     kind,
                                                  double              margin_mm,
                                                  gboolean            closed,
                                                  gboolean            can_choose_closed,
                                                  gboolean            editing);
const char      *np_structure_popover_get_label  (NpStructurePopover *self);
NpStructureKind  np_structure_popover_get_kind   (NpStructurePopover *self);
double           np_structure_popover_get_margin (NpStructurePopover *self);
gboolean         np_structure_popover_get_closed (NpStructurePopover *self);
void             np_structure_popover_respond    (NpStructurePopover *self,
                                                  gboolean            accept);

G_END_DECLS
