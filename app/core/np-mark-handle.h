/* np-mark-handle.h: which mark is under the pointer, and moving it
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-overlay.h"
#include "np-plan.h"

G_BEGIN_DECLS

/* The editing geometry of the planning tools, in image pixels: hit testing
 * (what a click lands on), moving a handle or a whole mark, deleting a mark
 * and putting a point on the skin line. Pure functions on a plan, so the
 * GUI's editor only turns events into calls and tests need no display. */

/* A handle of a mark: one of its points, or the whole mark (point = -1,
 * for dragging a structure or measurement by its outline). */
typedef struct
{
  NpOverlayMark mark;      /* NP_OVERLAY_MARK_NONE: nothing */
  guint index;             /* structure or measurement index; 0 otherwise */
  int point;               /* point of the mark, or -1 for the whole mark */
} NpMarkHandle;

/* Ellipse handles: the centre moves the ellipse, the other two set the radii. */
#define NP_MARK_ELLIPSE_CENTRE 0
#define NP_MARK_ELLIPSE_RADIUS_X 1
#define NP_MARK_ELLIPSE_RADIUS_Y 2

gboolean      np_mark_handle_find      (const NpPlan       *plan,
                                        NpImagePoint        at,
                                        double              tolerance_px,
                                        NpMarkHandle       *handle);
gboolean      np_mark_handle_get_point (const NpPlan       *plan,
                                        const NpMarkHandle *handle,
                                        NpImagePoint       *point);
gboolean      np_mark_handle_move      (NpPlan             *plan,
                                        const NpMarkHandle *handle,
                                        double              dx,
                                        double              dy);
gboolean      np_mark_remove           (NpPlan             *plan,
                                        NpOverlayMark       mark,
                                        guint               index);
const char   *np_mark_describe         (const NpPlan       *plan,
                                        NpOverlayMark       mark,
                                        guint               index);
gboolean      np_mark_snap_to_skin     (const NpPlan       *plan,
                                        NpImagePoint        point,
                                        NpImagePoint       *on_skin);

G_END_DECLS
