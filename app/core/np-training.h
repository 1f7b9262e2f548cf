/* np-training.h: the score of one training attempt against the expert plan
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "np-plan.h"

G_BEGIN_DECLS

/* The formula and the reasons for every constant are in docs/training.md.
 *
 * Distances are measured in the EXPERT plan's calibration (x · sx, y · sy).
 * Without a calibration they are in pixels, the score says so
 * (calibrated = FALSE, unit = "px") and no millimetre value is given. */

/* One tolerance unit: the default radius of the acceptable target region
 * and the unit of the distance penalties. */
#define NP_TRAINING_TOLERANCE_MM 5.0
#define NP_TRAINING_TOLERANCE_PX 20.0
/* A critical error caps the overall score here. */
#define NP_TRAINING_CRITICAL_CAP 40.0

/* Every number a score reports, in display order. The same ids name the
 * fields of the JSON, the columns of the CSV and the summaries. */
typedef enum
{
  NP_TRAINING_METRIC_SCORE,                 /* overall, 0–100 */
  NP_TRAINING_METRIC_TARGET_ERROR,          /* unit */
  NP_TRAINING_METRIC_TARGET_HIT,            /* 1 inside the acceptable region, else 0 */
  NP_TRAINING_METRIC_ENTRY_DEVIATION,       /* unit */
  NP_TRAINING_METRIC_TRAJECTORY_DEVIATION,  /* degrees, 0–180 */
  NP_TRAINING_METRIC_DEPTH_ERROR,           /* |estimate − depth| / depth, percent */
  NP_TRAINING_METRIC_PATH_LENGTH_RATIO,     /* trainee / expert path in tissue */
  NP_TRAINING_METRIC_PATH_IN_TISSUE,        /* unit */
  NP_TRAINING_METRIC_SWEPT_AREA,            /* unit² */
  NP_TRAINING_METRIC_CRITICAL_ERROR,        /* 1 when a structure or margin is crossed */
  NP_TRAINING_N_METRICS
} NpTrainingMetric;

typedef struct
{
  gboolean calibrated;              /* the expert's calibration gives mm */
  const char *unit;                 /* "mm" or "px", static */

  double score;                     /* 0–100 */
  /* Points taken off by each part; they add up to 100 − score. Parts that
   * are reported but not scored have 0. */
  double penalty[NP_TRAINING_N_METRICS];
  /* One sentence per metric in plain words; NULL where nothing applies. */
  char *explanation[NP_TRAINING_N_METRICS];

  NpImagePoint expert_target;       /* the expert's target (or its region's centroid) */
  double target_error;              /* unit */
  gboolean target_hit;              /* inside the acceptable target region */
  gboolean used_default_radius;     /* no region polygon: within one tolerance */
  double acceptance_radius;         /* unit; the default radius, when used */

  gboolean has_entry_deviation;     /* both marked an entry */
  double entry_deviation;           /* unit */
  gboolean has_trajectory_deviation;
  double trajectory_deviation_deg;  /* angle between the entry → target directions */
  gboolean has_swept_area;
  double swept_area;                /* unit²: polygon entry_e, target_e, target_t, entry_t */

  gboolean has_depth_estimate;      /* the trainee stated a depth */
  double depth_estimate_mm;
  gboolean has_expert_depth;        /* calibrated and the frame shows depth */
  double expert_depth_mm;           /* the expert target's depth below the skin */
  gboolean has_depth_error;         /* stated and the expert depth known */
  double depth_error_mm;            /* signed: estimate − depth */
  double depth_error_percent;       /* signed, of the expert depth */

  gboolean has_path_in_tissue;
  double path_in_tissue;            /* unit; the trainee's entry → target in the body */
  gboolean has_expert_path;
  double expert_path_length;        /* unit */
  gboolean has_path_length_ratio;
  double path_length_ratio;         /* trainee / expert */

  gboolean critical_error;
  GPtrArray *critical_structures;   /* char*: labels of the structures crossed */
} NpTrainingScore;

NpTrainingScore *np_training_score_new       (void);
NpTrainingScore *np_training_score_copy      (const NpTrainingScore  *score);
void             np_training_score_free      (NpTrainingScore        *score);

NpTrainingScore *np_training_score_compute   (const NpPlan           *expert,
                                              const NpPlan           *trainee,
                                              gboolean                has_depth_estimate,
                                              double                  depth_estimate_mm,
                                              GError                **error);

gboolean         np_training_score_get_value (const NpTrainingScore  *score,
                                              NpTrainingMetric        metric,
                                              double                 *value);

JsonNode        *np_training_score_to_json   (const NpTrainingScore  *score);
NpTrainingScore *np_training_score_from_json (JsonNode               *node,
                                              GError                **error);

gboolean         np_training_plan_has_answer (const NpPlan           *plan);
gboolean         np_training_plans_share_frame (const NpPlan         *expert,
                                                const char           *expert_path,
                                                const NpPlan         *trainee,
                                                const char           *trainee_path,
                                                GError              **error);
gboolean         np_training_plan_get_answer (const NpPlan           *plan,
                                              NpImagePoint           *target);

const char      *np_training_metric_to_string     (NpTrainingMetric metric);
gboolean         np_training_metric_from_string   (const char      *text,
                                                   NpTrainingMetric *metric);
const char      *np_training_metric_label         (NpTrainingMetric metric);
double           np_training_metric_max_penalty   (NpTrainingMetric metric);
gboolean         np_training_metric_higher_is_better (NpTrainingMetric metric);
gboolean         np_training_metric_is_physical   (NpTrainingMetric metric);

/* Statistics of one metric over attempts (GSL). Physical metrics (lengths
 * and areas) only count attempts measured in millimetres. sd is the sample
 * standard deviation (n − 1), 0 for a single value. best and worst follow
 * the metric's direction; for the path length ratio, closest to and
 * furthest from 1. */
typedef struct
{
  guint n;
  double mean;
  double sd;
  double min;
  double max;
  double best;
  double worst;
} NpTrainingSummary;

gboolean         np_training_summarize       (const NpTrainingScore *const *scores,
                                              guint                   n_scores,
                                              NpTrainingMetric        metric,
                                              NpTrainingSummary      *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTrainingScore, np_training_score_free)

G_END_DECLS
