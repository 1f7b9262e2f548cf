/* np-plan-analysis.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-analysis.h"

#include <math.h>
#include <glib/gi18n-lib.h>

/* Every view of a plan (canvas overlay, side panel, status line, autosave,
 * exports) reads the planner's results from here, so they are computed
 * once per edit with one set of options and can never disagree. The 95 %
 * intervals take a Monte Carlo run, too slow for every step of a drag: they
 * follow a short pause after the last edit, or at once when someone needs
 * the complete results (a save, an export). */

struct _NpPlanAnalysis
{
  GObject parent_instance;

  /* owned */
  NpDocument *document;
  NpPlanResults *results;        /* NULL without a frame, or when not computable */
  char *error;                   /* why there are no results, or NULL */
  NpPlannerOptions options;

  guint interval_source;
  guint interval_delay_ms;

  NpDocument *second_view;       /* the paired fluoroscopy view, or NULL */
};

G_DEFINE_FINAL_TYPE (NpPlanAnalysis, np_plan_analysis, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_RESULTS,
  PROP_ERROR,
  PROP_INTERVALS_DUE,
  PROP_INTERVAL_DELAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
intervals_missing (const NpPlanResults *results)
{
  return results != NULL && !results->has_depth_ci && !results->has_path_ci;
}

static void
estimate_intervals (NpPlanAnalysis *self)
{
  g_autoptr(GError) error = NULL;

  if (!np_planner_estimate_uncertainty (np_document_get_plan (self->document),
                                        &self->options, self->results, &error))
    g_info ("No uncertainty: %s", error->message);
}

static gboolean
interval_timeout_cb (gpointer data)
{
  NpPlanAnalysis *self = NP_PLAN_ANALYSIS (data);

  self->interval_source = 0;
  np_plan_analysis_flush_intervals (self);
  return G_SOURCE_REMOVE;
}

static void
recompute (NpPlanAnalysis *self)
{
  NpFrame *frame = np_document_get_frame (self->document);
  const NpPlan *plan = np_document_get_plan (self->document);
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_pointer (&self->results, np_plan_results_free);
  g_clear_pointer (&self->error, g_free);

  np_planner_options_init_for_frame (&self->options, plan,
                                     frame != NULL ? np_frame_get_width (frame) : 0,
                                     frame != NULL ? np_frame_get_height (frame) : 0);
  if (frame != NULL && self->second_view != NULL
      && plan->modality == NP_MODALITY_FLUOROSCOPY)
    {
      /* Depth and path from both views, with their intervals at once; a
       * second view not marked yet leaves the one-view results, saying why. */
      self->results = np_planner_compute_two_views (plan,
                                                    np_document_get_plan (self->second_view),
                                                    NAN, &self->options, &error);
      if (self->results == NULL)
        {
          g_autofree char *why = g_strdup_printf (_("Second view: %s"), error->message);

          g_clear_error (&error);
          self->results = np_planner_compute (plan, &self->options, &error);
          if (self->results != NULL)
            g_ptr_array_add (self->results->warnings, g_steal_pointer (&why));
        }
      if (self->results == NULL)
        self->error = g_strdup (error->message);
    }
  else if (frame != NULL)
    {
      self->results = np_planner_compute (plan, &self->options, &error);
      if (self->results == NULL)
        self->error = g_strdup (error->message);
    }

  if (self->results != NULL && !self->results->has_two_views)
    self->interval_source = g_timeout_add (self->interval_delay_ms, interval_timeout_cb, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVALS_DUE]);
}

static void
document_changed_cb (NpPlanAnalysis *self,
                     NpDocument     *document)
{
  recompute (self);
}

static void
np_plan_analysis_constructed (GObject *object)
{
  NpPlanAnalysis *self = NP_PLAN_ANALYSIS (object);

  G_OBJECT_CLASS (np_plan_analysis_parent_class)->constructed (object);

  g_signal_connect_object (self->document, "changed", G_CALLBACK (document_changed_cb), self,
                           G_CONNECT_SWAPPED);
  recompute (self);
}

static void
np_plan_analysis_dispose (GObject *object)
{
  NpPlanAnalysis *self = NP_PLAN_ANALYSIS (object);

  g_clear_handle_id (&self->interval_source, g_source_remove);
  if (self->second_view != NULL)
    g_signal_handlers_disconnect_by_data (self->second_view, self);
  g_clear_object (&self->second_view);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (np_plan_analysis_parent_class)->dispose (object);
}

static void
np_plan_analysis_finalize (GObject *object)
{
  NpPlanAnalysis *self = NP_PLAN_ANALYSIS (object);

  g_clear_pointer (&self->results, np_plan_results_free);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (np_plan_analysis_parent_class)->finalize (object);
}

static void
np_plan_analysis_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NpPlanAnalysis *self = NP_PLAN_ANALYSIS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_RESULTS:
      g_value_set_boxed (value, self->results);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_INTERVALS_DUE:
      g_value_set_boolean (value, np_plan_analysis_get_intervals_due (self));
      break;
    case PROP_INTERVAL_DELAY:
      g_value_set_uint (value, self->interval_delay_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_plan_analysis_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  NpPlanAnalysis *self = NP_PLAN_ANALYSIS (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;
    case PROP_INTERVAL_DELAY:
      np_plan_analysis_set_interval_delay (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_plan_analysis_class_init (NpPlanAnalysisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = np_plan_analysis_constructed;
  object_class->dispose = np_plan_analysis_dispose;
  object_class->finalize = np_plan_analysis_finalize;
  object_class->get_property = np_plan_analysis_get_property;
  object_class->set_property = np_plan_analysis_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, NP_TYPE_DOCUMENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Replaced (and notified) on every edit, and again when the intervals
   * arrive; a view holding the pointer must drop it on the notification. */
  properties[PROP_RESULTS] =
    g_param_spec_boxed ("results", NULL, NULL, NP_TYPE_PLAN_RESULTS,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVALS_DUE] =
    g_param_spec_boolean ("intervals-due", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERVAL_DELAY] =
    g_param_spec_uint ("interval-delay", NULL, NULL, 0, 60000, NP_PLAN_ANALYSIS_INTERVAL_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
np_plan_analysis_init (NpPlanAnalysis *self)
{
  self->interval_delay_ms = NP_PLAN_ANALYSIS_INTERVAL_DELAY_MS;
  np_planner_options_init (&self->options);
}

/**
 * np_plan_analysis_new:
 * @document: the document whose plan to analyse
 *
 * Returns: (transfer full): an analysis that follows every edit of @document
 */
NpPlanAnalysis *
np_plan_analysis_new (NpDocument *document)
{
  g_return_val_if_fail (NP_IS_DOCUMENT (document), NULL);

  return g_object_new (NP_TYPE_PLAN_ANALYSIS, "document", document, NULL);
}

NpDocument *
np_plan_analysis_get_document (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  return self->document;
}

/**
 * np_plan_analysis_get_results:
 *
 * Returns: (transfer none) (nullable): the results of the document's current
 *   plan, valid until the next notify::results
 */
const NpPlanResults *
np_plan_analysis_get_results (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  return self->results;
}

/**
 * np_plan_analysis_get_error:
 *
 * Returns: (transfer none) (nullable): why the plan has no results (a frame
 *   is open but the planner refused the plan), or %NULL
 */
const char *
np_plan_analysis_get_error (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  return self->error;
}

/**
 * np_plan_analysis_get_options:
 *
 * Returns: (transfer none): the planner options the results were computed
 *   with, derived from the frame and the calibration
 */
const NpPlannerOptions *
np_plan_analysis_get_options (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  return &self->options;
}

/* TRUE while results exist whose 95 % intervals are still to come. */
gboolean
np_plan_analysis_get_intervals_due (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), FALSE);

  return self->interval_source != 0;
}

guint
np_plan_analysis_get_interval_delay (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), 0);

  return self->interval_delay_ms;
}

/* The pause after the last edit before the intervals are estimated. */
void
np_plan_analysis_set_interval_delay (NpPlanAnalysis *self,
                                     guint           delay_ms)
{
  g_return_if_fail (NP_IS_PLAN_ANALYSIS (self));

  if (self->interval_delay_ms == delay_ms)
    return;
  self->interval_delay_ms = delay_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL_DELAY]);
}

/**
 * np_plan_analysis_flush_intervals:
 *
 * Estimates the 95 % intervals now if they are still due, so that a save or
 * an export holds them.
 */
void
np_plan_analysis_flush_intervals (NpPlanAnalysis *self)
{
  g_return_if_fail (NP_IS_PLAN_ANALYSIS (self));

  g_clear_handle_id (&self->interval_source, g_source_remove);
  if (!intervals_missing (self->results))
    return;

  estimate_intervals (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVALS_DUE]);
}

/**
 * np_plan_analysis_dup_results:
 *
 * The complete results for the record: the intervals are estimated first
 * if they are still due. Exports and saves take this snapshot instead of
 * running the planner again.
 *
 * Returns: (transfer full) (nullable): a copy of the current results
 */
NpPlanResults *
np_plan_analysis_dup_results (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  np_plan_analysis_flush_intervals (self);
  return self->results != NULL ? np_plan_results_copy (self->results) : NULL;
}

/**
 * np_plan_analysis_recommend_entry:
 *
 * Recommends an entry for the document's current plan with the same options
 * as its results. The document is not changed.
 *
 * Returns: (transfer full) (nullable): the recommendation, or %NULL with
 *   @error set
 */
NpEntryRecommendation *
np_plan_analysis_recommend_entry (NpPlanAnalysis  *self,
                                  GError         **error)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  return np_planner_recommend_entry (np_document_get_plan (self->document), &self->options,
                                     error);
}

/**
 * np_plan_analysis_set_second_view:
 * @second_view: (nullable): the document of the same entry and target in a
 *   second fluoroscopy view, or %NULL for one view
 *
 * Pairs the plan with a second view: depth and 3-D path length then come
 * from both (np_planner_compute_two_views) and are recomputed when either
 * document changes.
 */
void
np_plan_analysis_set_second_view (NpPlanAnalysis *self,
                                  NpDocument     *second_view)
{
  g_return_if_fail (NP_IS_PLAN_ANALYSIS (self));
  g_return_if_fail (second_view == NULL || NP_IS_DOCUMENT (second_view));

  if (self->second_view == second_view)
    return;
  if (self->second_view != NULL)
    g_signal_handlers_disconnect_by_data (self->second_view, self);
  g_set_object (&self->second_view, second_view);
  if (second_view != NULL)
    g_signal_connect_object (second_view, "changed", G_CALLBACK (document_changed_cb), self,
                             G_CONNECT_SWAPPED);
  recompute (self);
}

/* Returns: (transfer none) (nullable): the paired second view's document */
NpDocument *
np_plan_analysis_get_second_view (NpPlanAnalysis *self)
{
  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (self), NULL);

  return self->second_view;
}
