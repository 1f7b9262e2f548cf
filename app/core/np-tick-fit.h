/* np-tick-fit.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-types.h"

G_BEGIN_DECLS

/* A depth-scale fit needs at least this many usable ticks. */
#define NP_TICK_FIT_MIN_TICKS 3

typedef enum
{
  NP_TICK_USED,          /* part of the fit */
  NP_TICK_DOUBLE_CLICK,  /* (almost) on top of the previous tick */
  NP_TICK_AFTER_GAP,     /* one or more ticks were skipped just before it */
  NP_TICK_OFF_SCALE,     /* its residual is too large for a click on a tick */
} NpTickStatus;

typedef struct
{
  NpImagePoint point;     /* as clicked */
  guint click_index;      /* 0-based position in the input */
  int tick_index;         /* tick number along the scale; the first tick is 0 */
  double position_px;     /* distance along the scale from the first tick */
  double residual_mm;     /* tick_index · spacing − fitted value (final fit) */
  double residual_px;     /* the same in pixels along the scale */
  NpTickStatus status;
  char *reason;           /* plain words; NULL for used ticks */
} NpTick;

/* Least-squares fit of depth-scale tick marks: tick_index · spacing_mm =
 * intercept_mm + mm_per_px · position_px, over the ticks that are not flagged. */
typedef struct _NpTickFit
{
  double spacing_mm;
  double mm_per_px;
  double se_mm_per_px;    /* from the regression; 0 when the ticks fit exactly */
  double intercept_mm;
  double rms_residual_mm; /* over the used ticks */
  guint n_used;
  guint n_flagged;
  double direction_x;     /* unit vector along the scale, pointing deeper */
  double direction_y;
  GArray *ticks;          /* NpTick, sorted along the scale */
} NpTickFit;

NpTickFit *np_tick_fit      (const GArray    *points,
                             double           spacing_mm,
                             GError         **error);
NpTickFit *np_tick_fit_copy (const NpTickFit *fit);
void       np_tick_fit_free (NpTickFit       *fit);
const char *np_tick_status_to_string (NpTickStatus status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTickFit, np_tick_fit_free)

G_END_DECLS
