/* np-training-session.h: a sequence of training cases in seeded random order
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-training.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAINING_SESSION (np_training_session_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingSession, np_training_session, NP, TRAINING_SESSION, GObject)

/* The order is a GSL shuffle (MT19937 seeded with the seed), so the same
 * cases and seed always give the same order. The trainee works through it
 * with submit (score the current case) and next (move on, scored or
 * skipped). Properties "position", "n-scored" and "finished" notify. */

NpTrainingSession     *np_training_session_new              (const char *const  *case_paths,
                                                             guint32             seed,
                                                             GError            **error);
NpTrainingSession     *np_training_session_new_drawn        (const char *const  *case_paths,
                                                             guint               n_cases,
                                                             guint32             seed,
                                                             GError            **error);

guint32                np_training_session_get_seed         (NpTrainingSession  *self);
GDateTime             *np_training_session_get_started      (NpTrainingSession  *self);
guint                  np_training_session_get_n_cases      (NpTrainingSession  *self);
const char            *np_training_session_get_case         (NpTrainingSession  *self,
                                                             guint               index);
guint                  np_training_session_get_position     (NpTrainingSession  *self);
const char            *np_training_session_get_current_case (NpTrainingSession  *self);
gboolean               np_training_session_is_finished      (NpTrainingSession  *self);

gboolean               np_training_session_submit           (NpTrainingSession      *self,
                                                             const NpTrainingScore  *score,
                                                             GError                **error);
gboolean               np_training_session_next             (NpTrainingSession  *self);

guint                  np_training_session_get_n_scored     (NpTrainingSession  *self);
const NpTrainingScore *np_training_session_get_score        (NpTrainingSession  *self,
                                                             guint               index);
gboolean               np_training_session_summarize        (NpTrainingSession  *self,
                                                             NpTrainingMetric    metric,
                                                             NpTrainingSummary  *summary);

G_END_DECLS
