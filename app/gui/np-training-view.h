/* np-training-view.h: training mode — case library, practice, session summary
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-canvas.h"
#include "np-case-library.h"
#include "np-training-history.h"
#include "np-training-session.h"
#include "np-training.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAINING_VIEW (np_training_view_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingView, np_training_view, NP, TRAINING_VIEW, GtkWidget)

typedef enum
{
  NP_TRAINING_VIEW_PAGE_LIBRARY,   /* the cases, filters and "Start Session" */
  NP_TRAINING_VIEW_PAGE_PRACTICE,  /* one case: mark, submit, see the score */
  NP_TRAINING_VIEW_PAGE_SUMMARY,   /* the session's statistics and the progress chart */
} NpTrainingViewPage;

/* The mark the next click on the practice canvas places. */
typedef enum
{
  NP_TRAINING_MARK_TARGET,
  NP_TRAINING_MARK_ENTRY,
} NpTrainingMark;

/* Cases per session when the library has at least this many. */
#define NP_TRAINING_VIEW_DEFAULT_SESSION_CASES 5
/* Widget pixels around a mark within which a press drags it. */
#define NP_TRAINING_VIEW_HANDLE_RADIUS 14.0

GtkWidget             *np_training_view_new                (void);

void                   np_training_view_set_case_dirs      (NpTrainingView          *self,
                                                            const char *const       *dirs);
gboolean               np_training_view_get_busy           (NpTrainingView          *self);
NpTrainingViewPage     np_training_view_get_page           (NpTrainingView          *self);

void                   np_training_view_set_filter         (NpTrainingView          *self,
                                                            const NpCaseFilter      *filter);
guint                  np_training_view_get_n_shown_cases  (NpTrainingView          *self);
const NpCase          *np_training_view_get_shown_case     (NpTrainingView          *self,
                                                            guint                    index);

gboolean               np_training_view_start_session      (NpTrainingView          *self,
                                                            guint                    n_cases,
                                                            guint32                  seed,
                                                            GError                 **error);
gboolean               np_training_view_practise_case      (NpTrainingView          *self,
                                                            const char              *plan_path,
                                                            GError                 **error);
NpTrainingSession     *np_training_view_get_session        (NpTrainingView          *self);
const char            *np_training_view_get_case_path      (NpTrainingView          *self);

NpCanvas              *np_training_view_get_canvas         (NpTrainingView          *self);
void                   np_training_view_set_tool           (NpTrainingView          *self,
                                                            NpTrainingMark           mark);
NpTrainingMark         np_training_view_get_tool           (NpTrainingView          *self);
void                   np_training_view_place_mark         (NpTrainingView          *self,
                                                            NpTrainingMark           mark,
                                                            NpImagePoint             point);
gboolean               np_training_view_get_mark           (NpTrainingView          *self,
                                                            NpTrainingMark           mark,
                                                            NpImagePoint            *point);
gboolean               np_training_view_can_estimate_depth (NpTrainingView          *self);
void                   np_training_view_set_depth_estimate (NpTrainingView          *self,
                                                            gboolean                 stated,
                                                            double                   depth_mm);

gboolean               np_training_view_submit             (NpTrainingView          *self,
                                                            GError                 **error);
gboolean               np_training_view_get_submitted      (NpTrainingView          *self);
const NpTrainingScore *np_training_view_get_score          (NpTrainingView          *self);
void                   np_training_view_next               (NpTrainingView          *self);
void                   np_training_view_end_session        (NpTrainingView          *self);

const NpTrainingHistory *np_training_view_get_history      (NpTrainingView          *self);

G_END_DECLS
