/* np-training-attempt.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-training-attempt.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-mark-handle.h"

struct _NpTrainingAttempt
{
  GObject parent_instance;

  /* Owned */
  NpPlan *expert;                   /* the case with its answer: never drawn before submit */
  NpPlan *trainee;                  /* the case without answer or structures, with the marks */
  NpPlan *attempt;                  /* after submit: the case's structures with the marks */
  NpPlanResults *attempt_results;   /* after submit; NULL when the planner refused the path */
  NpPlan *answer;                   /* after submit: the expert's marks and region only */
  NpTrainingScore *score;           /* after submit */

  gboolean can_estimate_depth;
  gboolean submitted;
};

G_DEFINE_FINAL_TYPE (NpTrainingAttempt, np_training_attempt, G_TYPE_OBJECT)

static void
np_training_attempt_finalize (GObject *object)
{
  NpTrainingAttempt *self = NP_TRAINING_ATTEMPT (object);

  g_clear_pointer (&self->expert, np_plan_free);
  g_clear_pointer (&self->trainee, np_plan_free);
  g_clear_pointer (&self->attempt, np_plan_free);
  g_clear_pointer (&self->attempt_results, np_plan_results_free);
  g_clear_pointer (&self->answer, np_plan_free);
  g_clear_pointer (&self->score, np_training_score_free);

  G_OBJECT_CLASS (np_training_attempt_parent_class)->finalize (object);
}

static void
np_training_attempt_class_init (NpTrainingAttemptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = np_training_attempt_finalize;
}

static void
np_training_attempt_init (NpTrainingAttempt *self)
{
}

/* A copy of the case without its answer, its structures or measurements:
 * what the trainee's marks are drawn on before submitting. The skin line,
 * calibration and probe stay: they are part of the image, not the answer. */
static NpPlan *
blank_attempt (const NpPlan *expert)
{
  NpPlan *plan = np_plan_copy (expert);

  plan->has_target = FALSE;
  plan->has_entry = FALSE;
  g_ptr_array_set_size (plan->structures, 0);
  g_array_set_size (plan->measurements, 0);
  g_array_set_size (plan->target_region, 0);
  return plan;
}

/**
 * np_training_attempt_new:
 * @expert: a training case: a plan with an expert answer
 * @has_depth: whether the case can check a depth estimate (it is
 *   calibrated and its frame shows depth; #NpCase's has_depth)
 *
 * Returns: (transfer full) (nullable): a new attempt with no marks, or
 *   %NULL with @error set when @expert has no answer to score against
 */
NpTrainingAttempt *
np_training_attempt_new (const NpPlan  *expert,
                         gboolean       has_depth,
                         GError       **error)
{
  NpTrainingAttempt *self;

  g_return_val_if_fail (expert != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!np_training_plan_has_answer (expert))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The case has no expert answer (a target or an acceptable target region), "
                   "so it cannot be practised"));
      return NULL;
    }

  self = g_object_new (NP_TYPE_TRAINING_ATTEMPT, NULL);
  self->expert = np_plan_copy (expert);
  self->trainee = blank_attempt (expert);
  self->can_estimate_depth = has_depth;
  return self;
}

/**
 * np_training_attempt_get_expert:
 *
 * Returns: (transfer none): the case with its answer
 */
const NpPlan *
np_training_attempt_get_expert (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), NULL);

  return self->expert;
}

/**
 * np_training_attempt_get_trainee:
 *
 * Returns: (transfer none): the case without its answer, structures or
 *   measurements, with the trainee's marks
 */
const NpPlan *
np_training_attempt_get_trainee (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), NULL);

  return self->trainee;
}

/**
 * np_training_attempt_get_in_plane:
 *
 * Returns: whether the case is an in-plane ultrasound approach, whose entry
 *   lies at the end of the probe, in line with the skin line
 */
gboolean
np_training_attempt_get_in_plane (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), FALSE);

  return self->expert->modality == NP_MODALITY_ULTRASOUND &&
         self->expert->technique == NP_TECHNIQUE_IN_PLANE;
}

/**
 * np_training_attempt_get_side_room:
 *
 * Returns: the share of the frame's width the practice view leaves free on
 *   each side for the entry: 0 unless in-plane
 */
double
np_training_attempt_get_side_room (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), 0);

  if (!np_training_attempt_get_in_plane (self))
    return 0;
  return self->expert->probe == NP_PROBE_CURVILINEAR ? NP_TRAINING_IN_PLANE_CURVILINEAR_SIDE_ROOM
                                                     : NP_TRAINING_IN_PLANE_LINEAR_SIDE_ROOM;
}

/**
 * np_training_attempt_can_estimate_depth:
 *
 * Returns: whether a depth estimate is scored: the case is calibrated and
 *   its frame shows depth
 */
gboolean
np_training_attempt_can_estimate_depth (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), FALSE);

  return self->can_estimate_depth;
}

/**
 * np_training_attempt_set_mark:
 * @point: where, in image coordinates
 *
 * Places (or moves) the trainee's target or entry. Marks are locked once
 * the attempt is submitted.
 */
void
np_training_attempt_set_mark (NpTrainingAttempt *self,
                              NpTrainingMark     mark,
                              NpImagePoint       point)
{
  g_return_if_fail (NP_IS_TRAINING_ATTEMPT (self));
  g_return_if_fail (!self->submitted);

  if (mark == NP_TRAINING_MARK_TARGET)
    {
      self->trainee->has_target = TRUE;
      self->trainee->target = point;
    }
  else
    {
      self->trainee->has_entry = TRUE;
      self->trainee->entry = point;
    }
}

/**
 * np_training_attempt_get_mark:
 * @point: (out) (optional): where the mark is
 *
 * Returns: whether the trainee placed @mark
 */
gboolean
np_training_attempt_get_mark (NpTrainingAttempt *self,
                              NpTrainingMark     mark,
                              NpImagePoint      *point)
{
  gboolean placed;

  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), FALSE);

  placed = mark == NP_TRAINING_MARK_TARGET ? self->trainee->has_target : self->trainee->has_entry;
  if (placed && point != NULL)
    *point = mark == NP_TRAINING_MARK_TARGET ? self->trainee->target : self->trainee->entry;
  return placed;
}

/**
 * np_training_attempt_find_mark:
 * @at: where the pointer is, in image coordinates
 * @tolerance_px: how far from a mark a press still takes it, in image pixels
 * @mark: (out): the mark under @at
 *
 * Only the trainee's target and entry can be picked up: the skin line is
 * part of the image. The nearest within @tolerance_px wins.
 *
 * Returns: whether a mark is under @at
 */
gboolean
np_training_attempt_find_mark (NpTrainingAttempt *self,
                               NpImagePoint       at,
                               double             tolerance_px,
                               NpTrainingMark    *mark)
{
  g_autoptr(NpPlan) marks = NULL;
  NpMarkHandle handle;

  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), FALSE);
  g_return_val_if_fail (mark != NULL, FALSE);

  /* The marks alone, so that no skin point stands in the way. */
  marks = np_plan_new ();
  marks->has_target = self->trainee->has_target;
  marks->target = self->trainee->target;
  marks->has_entry = self->trainee->has_entry;
  marks->entry = self->trainee->entry;
  if (!np_mark_handle_find (marks, at, tolerance_px, &handle))
    return FALSE;
  *mark = handle.mark == NP_OVERLAY_MARK_TARGET ? NP_TRAINING_MARK_TARGET : NP_TRAINING_MARK_ENTRY;
  return TRUE;
}

/**
 * np_training_attempt_submit:
 * @depth_stated: whether the trainee stated a depth; ignored where the
 *   case cannot check one
 * @depth_mm: the depth stated
 * @options: (nullable): the planner's options for the attempt's results
 *   (the frame's field of view); %NULL for the defaults
 * @session: (nullable): the session that records the score
 *
 * Scores the marks against the expert's answer, records the score in
 * @session, and builds what is drawn now: the case's structures with the
 * trainee's marks and the planner's results on them (the region is the
 * expert's, drawn in its style), and the expert's marks.
 *
 * Returns: %FALSE with @error set when the attempt cannot be scored; the
 *   attempt is then unchanged
 */
gboolean
np_training_attempt_submit (NpTrainingAttempt       *self,
                            gboolean                 depth_stated,
                            double                   depth_mm,
                            const NpPlannerOptions  *options,
                            NpTrainingSession       *session,
                            GError                 **error)
{
  g_autoptr(NpTrainingScore) score = NULL;
  g_autoptr(GError) planner_error = NULL;
  NpPlannerOptions defaults;

  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), FALSE);
  g_return_val_if_fail (session == NULL || NP_IS_TRAINING_SESSION (session), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->submitted)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("There is no open attempt to submit"));
      return FALSE;
    }
  if (!self->trainee->has_target)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Place your target first: click where the needle tip should go"));
      return FALSE;
    }

  score = np_training_score_compute (self->expert, self->trainee,
                                     self->can_estimate_depth && depth_stated, depth_mm,
                                     error);
  if (score == NULL)
    return FALSE;
  if (session != NULL && !np_training_session_submit (session, score, error))
    return FALSE;

  self->attempt = np_plan_copy (self->expert);
  self->attempt->has_target = self->trainee->has_target;
  self->attempt->target = self->trainee->target;
  self->attempt->has_entry = self->trainee->has_entry;
  self->attempt->entry = self->trainee->entry;
  g_array_set_size (self->attempt->target_region, 0);

  if (options == NULL)
    {
      np_planner_options_init (&defaults);
      options = &defaults;
    }
  self->attempt_results = np_planner_compute (self->attempt, options, &planner_error);
  if (self->attempt_results == NULL)
    g_info ("The attempt's path is drawn without results: %s", planner_error->message);

  self->answer = np_plan_copy (self->expert);
  g_ptr_array_set_size (self->answer->structures, 0);
  g_array_set_size (self->answer->measurements, 0);
  g_array_set_size (self->answer->skin_points, 0);
  self->answer->skin_kind = NP_SKIN_NONE;

  self->score = g_steal_pointer (&score);
  self->submitted = TRUE;
  return TRUE;
}

gboolean
np_training_attempt_get_submitted (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), FALSE);

  return self->submitted;
}

/**
 * np_training_attempt_get_score:
 *
 * Returns: (transfer none) (nullable): the score, once submitted
 */
const NpTrainingScore *
np_training_attempt_get_score (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), NULL);

  return self->score;
}

/**
 * np_training_attempt_get_attempt_plan:
 *
 * Returns: (transfer none) (nullable): once submitted, the case's
 *   structures, skin line and calibration with the trainee's marks
 */
const NpPlan *
np_training_attempt_get_attempt_plan (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), NULL);

  return self->attempt;
}

/**
 * np_training_attempt_get_attempt_results:
 *
 * Returns: (transfer none) (nullable): the planner's results on the
 *   attempt plan; %NULL before submitting or when the planner refused it
 */
const NpPlanResults *
np_training_attempt_get_attempt_results (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), NULL);

  return self->attempt_results;
}

/**
 * np_training_attempt_get_answer_plan:
 *
 * Returns: (transfer none) (nullable): once submitted, the expert's target,
 *   entry and acceptable region, without structures or skin line
 */
const NpPlan *
np_training_attempt_get_answer_plan (NpTrainingAttempt *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_ATTEMPT (self), NULL);

  return self->answer;
}

/**
 * np_training_attempt_draw:
 * @options: the overlay's options (zoom, the selected mark)
 *
 * Before submitting, only the trainee's marks, without results: no number
 * before the depth estimate is given. After it, the attempt with the
 * case's structures and its results, its marks named the trainee's, then
 * the expert's answer above it in its own style, without labels (they would sit on the trainee's; the
 * score panel's legend names it).
 */
void
np_training_attempt_draw (NpTrainingAttempt      *self,
                          cairo_t                *cr,
                          const NpOverlayOptions *options)
{
  NpOverlayOptions trainee, expert;

  g_return_if_fail (NP_IS_TRAINING_ATTEMPT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (options != NULL);

  if (!self->submitted)
    {
      np_overlay_draw (cr, self->trainee, NULL, options);
      return;
    }
  /* Its labels say "your target · depth …": the score names the expert's. */
  trainee = *options;
  trainee.style = NP_OVERLAY_STYLE_TRAINEE;
  np_overlay_draw (cr, self->attempt, self->attempt_results, &trainee);
  expert = *options;
  expert.style = NP_OVERLAY_STYLE_EXPERT;
  expert.show_labels = FALSE;
  expert.selected = NP_OVERLAY_MARK_NONE;
  np_overlay_draw (cr, self->answer, NULL, &expert);
}
