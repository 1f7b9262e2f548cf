/* np-training-session.c: a sequence of training cases in seeded random order
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-training-session.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

struct _NpTrainingSession
{
  GObject parent_instance;

  /* owned */
  GPtrArray *cases;           /* char*, in the order practised */
  GPtrArray *scores;          /* NpTrainingScore* or NULL, parallel to cases */
  GDateTime *started;

  guint32 seed;
  guint position;
  guint n_scored;
};

G_DEFINE_FINAL_TYPE (NpTrainingSession, np_training_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SEED,
  PROP_POSITION,
  PROP_N_SCORED,
  PROP_FINISHED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
np_training_session_finalize (GObject *object)
{
  NpTrainingSession *self = NP_TRAINING_SESSION (object);

  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->scores, g_ptr_array_unref);
  g_clear_pointer (&self->started, g_date_time_unref);

  G_OBJECT_CLASS (np_training_session_parent_class)->finalize (object);
}

static void
np_training_session_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NpTrainingSession *self = NP_TRAINING_SESSION (object);

  switch (prop_id)
    {
    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case PROP_N_SCORED:
      g_value_set_uint (value, self->n_scored);
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, np_training_session_is_finished (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_training_session_class_init (NpTrainingSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = np_training_session_finalize;
  object_class->get_property = np_training_session_get_property;

  properties[PROP_SEED] =
    g_param_spec_uint ("seed", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SCORED] =
    g_param_spec_uint ("n-scored", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_training_session_init (NpTrainingSession *self)
{
  self->cases = g_ptr_array_new_with_free_func (g_free);
  self->scores = g_ptr_array_new_with_free_func ((GDestroyNotify) np_training_score_free);
  self->started = g_date_time_new_now_utc ();
}

/**
 * np_training_session_new:
 * @case_paths: (array zero-terminated=1): plan files of the cases, in any order
 * @seed: the shuffle's seed; the same cases and seed give the same order
 *
 * Returns: (transfer full) (nullable): the session at its first case, or
 *   %NULL with @error set when there is no case
 */
NpTrainingSession *
np_training_session_new (const char *const  *case_paths,
                         guint32             seed,
                         GError            **error)
{
  g_autoptr(NpTrainingSession) self = NULL;
  g_autofree guint *order = NULL;
  gsl_rng *rng;
  guint n;

  g_return_val_if_fail (case_paths != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = g_strv_length ((char **) case_paths);
  if (n == 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("A training session needs at least one case; none matches the choice"));
      return NULL;
    }

  order = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  rng = gsl_rng_alloc (gsl_rng_mt19937);
  if (rng == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC, _("Cannot start the random number generator"));
      return NULL;
    }
  gsl_rng_set (rng, seed);
  gsl_ran_shuffle (rng, order, n, sizeof (guint));
  gsl_rng_free (rng);

  self = g_object_new (NP_TYPE_TRAINING_SESSION, NULL);
  self->seed = seed;
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (self->cases, g_strdup (case_paths[order[i]]));
      g_ptr_array_add (self->scores, NULL);
    }
  return g_steal_pointer (&self);
}

/**
 * np_training_session_new_drawn:
 * @case_paths: (array zero-terminated=1): plan files of the cases to draw from
 * @n_cases: how many to practise; clamped to between one and all of them
 * @seed: the seed of the draw and of the order
 *
 * @case_paths are shuffled with @seed; the first @n_cases of that order make
 * the session, which orders them with the same seed. So the same cases,
 * count and seed always give the same session.
 *
 * Returns: (transfer full) (nullable): the session at its first case, or
 *   %NULL with @error set when there is no case
 */
NpTrainingSession *
np_training_session_new_drawn (const char *const  *case_paths,
                               guint               n_cases,
                               guint32             seed,
                               GError            **error)
{
  g_autoptr(NpTrainingSession) shuffle = NULL;
  g_autoptr(GStrvBuilder) chosen = g_strv_builder_new ();
  g_auto(GStrv) chosen_paths = NULL;

  g_return_val_if_fail (case_paths != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  shuffle = np_training_session_new (case_paths, seed, error);
  if (shuffle == NULL)
    return NULL;
  n_cases = CLAMP (n_cases, 1, shuffle->cases->len);
  for (guint i = 0; i < n_cases; i++)
    g_strv_builder_add (chosen, g_ptr_array_index (shuffle->cases, i));
  chosen_paths = g_strv_builder_end (chosen);
  return np_training_session_new ((const char *const *) chosen_paths, seed, error);
}

guint32
np_training_session_get_seed (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), 0);
  return self->seed;
}

/**
 * np_training_session_get_started:
 *
 * Returns: (transfer none): when the session was created, UTC
 */
GDateTime *
np_training_session_get_started (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), NULL);
  return self->started;
}

guint
np_training_session_get_n_cases (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), 0);
  return self->cases->len;
}

/* The plan path of the case at @index in session order. */
const char *
np_training_session_get_case (NpTrainingSession *self,
                              guint              index)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), NULL);
  g_return_val_if_fail (index < self->cases->len, NULL);
  return g_ptr_array_index (self->cases, index);
}

/* Index of the current case; equals the number of cases when finished. */
guint
np_training_session_get_position (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), 0);
  return self->position;
}

/**
 * np_training_session_get_current_case:
 *
 * Returns: (nullable): the plan path to practise now, %NULL when finished
 */
const char *
np_training_session_get_current_case (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), NULL);
  if (self->position >= self->cases->len)
    return NULL;
  return g_ptr_array_index (self->cases, self->position);
}

gboolean
np_training_session_is_finished (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), TRUE);
  return self->position >= self->cases->len;
}

/**
 * np_training_session_submit:
 * @score: the current case's score; the session keeps a copy
 *
 * Returns: %FALSE with @error set when the session is finished or the
 *   current case already has a score (one attempt per case)
 */
gboolean
np_training_session_submit (NpTrainingSession      *self,
                            const NpTrainingScore  *score,
                            GError                **error)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), FALSE);
  g_return_val_if_fail (score != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (np_training_session_is_finished (self))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The session is finished; start a new one to practise again"));
      return FALSE;
    }
  if (g_ptr_array_index (self->scores, self->position) != NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Case %u of the session is already scored; go on to the next case"),
                   self->position + 1);
      return FALSE;
    }

  g_ptr_array_index (self->scores, self->position) = np_training_score_copy (score);
  self->n_scored++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SCORED]);
  return TRUE;
}

/**
 * np_training_session_next:
 *
 * Moves to the next case; a case left without a score counts as skipped.
 *
 * Returns: %TRUE when there is a next case, %FALSE when the session is now
 *   (or already was) finished
 */
gboolean
np_training_session_next (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), FALSE);

  if (np_training_session_is_finished (self))
    return FALSE;
  self->position++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  if (np_training_session_is_finished (self))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
      return FALSE;
    }
  return TRUE;
}

guint
np_training_session_get_n_scored (NpTrainingSession *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), 0);
  return self->n_scored;
}

/**
 * np_training_session_get_score:
 *
 * Returns: (transfer none) (nullable): the score of the case at @index, or
 *   %NULL when it was skipped or not done yet
 */
const NpTrainingScore *
np_training_session_get_score (NpTrainingSession *self,
                               guint              index)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), NULL);
  g_return_val_if_fail (index < self->scores->len, NULL);
  return g_ptr_array_index (self->scores, index);
}

/* Statistics of @metric over the scored cases; see np_training_summarize(). */
gboolean
np_training_session_summarize (NpTrainingSession *self,
                               NpTrainingMetric   metric,
                               NpTrainingSummary *summary)
{
  g_return_val_if_fail (NP_IS_TRAINING_SESSION (self), FALSE);

  return np_training_summarize ((const NpTrainingScore *const *) self->scores->pdata,
                                self->scores->len, metric, summary);
}
