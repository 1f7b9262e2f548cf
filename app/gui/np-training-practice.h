/* np-training-practice.h: training mode's practice screen — one case on the
 * canvas, the trainee's marks, the depth estimate and the score panel
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-canvas.h"
#include "np-case-library.h"
#include "np-training-attempt.h"
#include "np-training-session.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAINING_PRACTICE (np_training_practice_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingPractice, np_training_practice, NP, TRAINING_PRACTICE, GtkWidget)

/* Widget pixels around a mark within which a press drags it. */
#define NP_TRAINING_PRACTICE_HANDLE_RADIUS 14.0

GtkWidget         *np_training_practice_new                (void);

void               np_training_practice_load               (NpTrainingPractice  *self,
                                                            const char          *plan_path,
                                                            const NpCase        *library_case,
                                                            const char          *progress,
                                                            gboolean             last);
void               np_training_practice_clear              (NpTrainingPractice  *self);
gboolean           np_training_practice_get_busy           (NpTrainingPractice  *self);
const char        *np_training_practice_get_case_path      (NpTrainingPractice  *self);
NpTrainingAttempt *np_training_practice_get_attempt        (NpTrainingPractice  *self);
NpCanvas          *np_training_practice_get_canvas         (NpTrainingPractice  *self);
void               np_training_practice_fit_view           (NpTrainingPractice  *self);

void               np_training_practice_set_tool           (NpTrainingPractice  *self,
                                                            NpTrainingMark       mark);
NpTrainingMark     np_training_practice_get_tool           (NpTrainingPractice  *self);
void               np_training_practice_place_mark         (NpTrainingPractice  *self,
                                                            NpTrainingMark       mark,
                                                            NpImagePoint         point);
gboolean           np_training_practice_get_can_submit     (NpTrainingPractice  *self);
void               np_training_practice_set_depth_estimate (NpTrainingPractice  *self,
                                                            gboolean             stated,
                                                            double               depth_mm);

gboolean           np_training_practice_submit             (NpTrainingPractice  *self,
                                                            NpTrainingSession   *session,
                                                            GError             **error);
gboolean           np_training_practice_get_submitted      (NpTrainingPractice  *self);

G_END_DECLS
