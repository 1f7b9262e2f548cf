/* np-training-attempt.h: one trainee's attempt at one training case
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <glib-object.h>

#include "np-overlay.h"
#include "np-plan.h"
#include "np-planner.h"
#include "np-training-session.h"
#include "np-training.h"

G_BEGIN_DECLS

/* What the practice screen shows and scores, without a display: the case
 * stripped of its answer for marking, the trainee's target and entry, and
 * after submitting the score, the attempt (the case's structures with the
 * trainee's marks, and the planner's results on it) and the expert's
 * answer drawn above it. */

#define NP_TYPE_TRAINING_ATTEMPT (np_training_attempt_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingAttempt, np_training_attempt, NP, TRAINING_ATTEMPT, GObject)

/* The mark the next click on the practice canvas places. */
typedef enum
{
  NP_TRAINING_MARK_TARGET,
  NP_TRAINING_MARK_ENTRY,
} NpTrainingMark;

/* An in-plane needle enters beyond the end of the probe. A linear probe's
 * image ends there, so the entry lies off the frame: the practice view
 * leaves this share of the frame's width free on each side, so the entry can
 * be clicked without zooming out first. A curvilinear image fans out from
 * the probe, whose ends lie near the frame's edges: a little room is enough.
 * The room is the same for every case of a kind, so it gives nothing of the
 * answer away. */
#define NP_TRAINING_IN_PLANE_LINEAR_SIDE_ROOM 0.4
#define NP_TRAINING_IN_PLANE_CURVILINEAR_SIDE_ROOM 0.05

NpTrainingAttempt     *np_training_attempt_new             (const NpPlan           *expert,
                                                            gboolean                has_depth,
                                                            GError                **error);

const NpPlan          *np_training_attempt_get_expert      (NpTrainingAttempt      *self);
const NpPlan          *np_training_attempt_get_trainee     (NpTrainingAttempt      *self);
gboolean               np_training_attempt_get_in_plane    (NpTrainingAttempt      *self);
double                 np_training_attempt_get_side_room   (NpTrainingAttempt      *self);
gboolean               np_training_attempt_can_estimate_depth
                                                           (NpTrainingAttempt      *self);

void                   np_training_attempt_set_mark        (NpTrainingAttempt      *self,
                                                            NpTrainingMark          mark,
                                                            NpImagePoint            point);
gboolean               np_training_attempt_get_mark        (NpTrainingAttempt      *self,
                                                            NpTrainingMark          mark,
                                                            NpImagePoint           *point);
gboolean               np_training_attempt_find_mark       (NpTrainingAttempt      *self,
                                                            NpImagePoint            at,
                                                            double                  tolerance_px,
                                                            NpTrainingMark         *mark);

gboolean               np_training_attempt_submit          (NpTrainingAttempt      *self,
                                                            gboolean                depth_stated,
                                                            double                  depth_mm,
                                                            const NpPlannerOptions *options,
                                                            NpTrainingSession      *session,
                                                            GError                **error);
gboolean               np_training_attempt_get_submitted   (NpTrainingAttempt      *self);
const NpTrainingScore *np_training_attempt_get_score       (NpTrainingAttempt      *self);
const NpPlan          *np_training_attempt_get_attempt_plan
                                                           (NpTrainingAttempt      *self);
const NpPlanResults   *np_training_attempt_get_attempt_results
                                                           (NpTrainingAttempt      *self);
const NpPlan          *np_training_attempt_get_answer_plan (NpTrainingAttempt      *self);

void                   np_training_attempt_draw            (NpTrainingAttempt      *self,
                                                            cairo_t                *cr,
                                                            const NpOverlayOptions *options);

G_END_DECLS
