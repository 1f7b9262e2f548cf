/* np-training-view.h: training mode — the case library, practice and the
 * session summary in one stack, with the session's actions
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-training-session.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAINING_VIEW (np_training_view_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingView, np_training_view, NP, TRAINING_VIEW, GtkWidget)

typedef enum
{
  NP_TRAINING_VIEW_PAGE_LIBRARY,   /* the cases, filters and "Start Session" */
  NP_TRAINING_VIEW_PAGE_PRACTICE,  /* one case: mark, submit, see the score */
  NP_TRAINING_VIEW_PAGE_SUMMARY,   /* the session's statistics and the progress chart */
} NpTrainingViewPage;

GtkWidget          *np_training_view_new            (void);

void                np_training_view_set_case_dirs  (NpTrainingView     *self,
                                                     const char *const  *dirs);
gboolean            np_training_view_get_busy       (NpTrainingView     *self);
NpTrainingViewPage  np_training_view_get_page       (NpTrainingView     *self);

gboolean            np_training_view_start_session  (NpTrainingView     *self,
                                                     guint               n_cases,
                                                     guint32             seed,
                                                     GError            **error);
gboolean            np_training_view_practise_case  (NpTrainingView     *self,
                                                     const char         *plan_path,
                                                     GError            **error);
NpTrainingSession  *np_training_view_get_session    (NpTrainingView     *self);

gboolean            np_training_view_submit         (NpTrainingView     *self,
                                                     GError            **error);
gboolean            np_training_view_get_submitted  (NpTrainingView     *self);
void                np_training_view_next           (NpTrainingView     *self);
void                np_training_view_end_session    (NpTrainingView     *self);

G_END_DECLS
