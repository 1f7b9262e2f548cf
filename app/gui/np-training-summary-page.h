/* np-training-summary-page.h: training mode's summary — a session's statistics,
 * the progress chart across sessions and where the history is kept
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-training-history.h"
#include "np-training-session.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAINING_SUMMARY_PAGE (np_training_summary_page_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingSummaryPage, np_training_summary_page, NP, TRAINING_SUMMARY_PAGE,
                      GtkWidget)

GtkWidget *np_training_summary_page_new           (void);

void       np_training_summary_page_set_history   (NpTrainingSummaryPage   *self,
                                                   const NpTrainingHistory *history,
                                                   const GError            *history_error);
void       np_training_summary_page_show_session  (NpTrainingSummaryPage   *self,
                                                   NpTrainingSession       *session,
                                                   const char *const       *titles,
                                                   gboolean                 single_case,
                                                   gboolean                 saved,
                                                   const GError            *save_error);
void       np_training_summary_page_show_progress (NpTrainingSummaryPage   *self);

G_END_DECLS
