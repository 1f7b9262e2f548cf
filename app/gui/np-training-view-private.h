/* np-training-view-private.h: what the training widgets share, and the
 * view's inside for tests
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-training-view.h"

#include "np-canvas.h"
#include "np-case-library.h"
#include "np-training-attempt.h"
#include "np-training-history.h"
#include "np-training.h"

G_BEGIN_DECLS

/* Shared by the library, the practice screen and the summary (code in
 * np-training-view.c). */

/* The metrics in the score panel and the summary, in display order. */
#define NP_TRAINING_VIEW_N_SHOWN_METRICS 9
extern const NpTrainingMetric _np_training_view_shown_metrics[NP_TRAINING_VIEW_N_SHOWN_METRICS];

char                    *_np_training_view_format_score       (double                   score);
void                     _np_training_view_show_error         (GtkWidget               *widget,
                                                               const char              *heading,
                                                               const GError            *error);

/* For tests: the inside of the view, which the window never needs. */

GtkWidget               *_np_training_view_get_child          (NpTrainingView          *self,
                                                               const char              *name);
void                     _np_training_view_set_filter         (NpTrainingView          *self,
                                                               const NpCaseFilter      *filter);
guint                    _np_training_view_get_n_shown_cases  (NpTrainingView          *self);
const NpCase            *_np_training_view_get_shown_case     (NpTrainingView          *self,
                                                               guint                    index);
const char              *_np_training_view_get_case_path      (NpTrainingView          *self);
NpCanvas                *_np_training_view_get_canvas         (NpTrainingView          *self);
NpTrainingMark           _np_training_view_get_tool           (NpTrainingView          *self);
void                     _np_training_view_place_mark         (NpTrainingView          *self,
                                                               NpTrainingMark           mark,
                                                               NpImagePoint             point);
gboolean                 _np_training_view_get_mark           (NpTrainingView          *self,
                                                               NpTrainingMark           mark,
                                                               NpImagePoint            *point);
gboolean                 _np_training_view_can_estimate_depth (NpTrainingView          *self);
void                     _np_training_view_set_depth_estimate (NpTrainingView          *self,
                                                               gboolean                 stated,
                                                               double                   depth_mm);
const NpTrainingScore   *_np_training_view_get_score          (NpTrainingView          *self);
const NpTrainingHistory *_np_training_view_get_history        (NpTrainingView          *self);

G_END_DECLS
