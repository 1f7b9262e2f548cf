/* np-training.c: the score of one training attempt against the expert plan
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-training.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-geometry.h"
#include "np-json-util.h"
#include "np-planner.h"

#include <glib/gstdio.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#define RAD_TO_DEG (180.0 / G_PI)

/* Penalty rates and caps (docs/training.md explains each). */
#define TARGET_POINTS_PER_TOLERANCE 10.0
#define TARGET_MAX_PENALTY 30.0
#define MISS_PENALTY 10.0
#define ENTRY_POINTS_PER_TOLERANCE 2.0
#define ENTRY_MAX_PENALTY 10.0
#define TRAJECTORY_POINTS_PER_DEGREE 0.5
#define TRAJECTORY_MAX_PENALTY 15.0
/* In plane the entry follows from the target and the direction, so its
 * points go to the direction instead of being taken twice. */
#define IN_PLANE_TRAJECTORY_MAX_PENALTY (TRAJECTORY_MAX_PENALTY + ENTRY_MAX_PENALTY)
#define DEPTH_POINTS_PER_PERCENT 0.25
#define DEPTH_MAX_PENALTY 10.0
#define LENGTH_POINTS_PER_RATIO 20.0
#define LENGTH_MAX_PENALTY 10.0

/* A region needs three corners to enclose anything. */
#define MIN_REGION_POINTS 3

typedef struct
{
  const char *id;
  const char *label;
  double max_penalty;
  gboolean higher_is_better;
  gboolean physical;
} MetricInfo;

static const MetricInfo metrics[NP_TRAINING_N_METRICS] = {
  [NP_TRAINING_METRIC_SCORE] = { "score", N_("Overall score"), 0, TRUE, FALSE },
  [NP_TRAINING_METRIC_TARGET_ERROR] = { "target_error", N_("Target error"), TARGET_MAX_PENALTY,
                                        FALSE, TRUE },
  [NP_TRAINING_METRIC_TARGET_HIT] = { "target_hit", N_("Target hit"), MISS_PENALTY, TRUE, FALSE },
  [NP_TRAINING_METRIC_ENTRY_DEVIATION] = { "entry_deviation", N_("Entry deviation"),
                                           ENTRY_MAX_PENALTY, FALSE, TRUE },
  [NP_TRAINING_METRIC_TRAJECTORY_DEVIATION] = { "trajectory_deviation_deg",
                                                N_("Trajectory deviation"),
                                                IN_PLANE_TRAJECTORY_MAX_PENALTY, FALSE, FALSE },
  [NP_TRAINING_METRIC_DEPTH_ERROR] = { "depth_error_percent", N_("Depth estimate error"),
                                       DEPTH_MAX_PENALTY, FALSE, FALSE },
  [NP_TRAINING_METRIC_PATH_LENGTH_RATIO] = { "path_length_ratio", N_("Path length vs expert"),
                                             LENGTH_MAX_PENALTY, FALSE, FALSE },
  [NP_TRAINING_METRIC_PATH_IN_TISSUE] = { "path_in_tissue", N_("Path in tissue"), 0, FALSE, TRUE },
  [NP_TRAINING_METRIC_SWEPT_AREA] = { "swept_area", N_("Area between paths"), 0, FALSE, TRUE },
  [NP_TRAINING_METRIC_CRITICAL_ERROR] = { "critical_error", N_("Critical error"), 100, FALSE, FALSE },
};

const char *
np_training_metric_to_string (NpTrainingMetric metric)
{
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, NULL);
  return metrics[metric].id;
}

gboolean
np_training_metric_from_string (const char       *text,
                                NpTrainingMetric *metric)
{
  g_return_val_if_fail (metric != NULL, FALSE);

  for (guint i = 0; text != NULL && i < NP_TRAINING_N_METRICS; i++)
    if (g_strcmp0 (text, metrics[i].id) == 0)
      {
        *metric = (NpTrainingMetric) i;
        return TRUE;
      }
  return FALSE;
}

const char *
np_training_metric_label (NpTrainingMetric metric)
{
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, NULL);
  return _(metrics[metric].label);
}

/* Most points the metric can take off; the critical error can take off
 * whatever lies above NP_TRAINING_CRITICAL_CAP. */
double
np_training_metric_max_penalty (NpTrainingMetric metric)
{
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, 0);
  if (metric == NP_TRAINING_METRIC_CRITICAL_ERROR)
    return 100 - NP_TRAINING_CRITICAL_CAP;
  return metrics[metric].max_penalty;
}

gboolean
np_training_metric_higher_is_better (NpTrainingMetric metric)
{
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, FALSE);
  return metrics[metric].higher_is_better;
}

/* Lengths and areas: only comparable across attempts when in millimetres. */
gboolean
np_training_metric_is_physical (NpTrainingMetric metric)
{
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, FALSE);
  return metrics[metric].physical;
}

/* ---- The score value --------------------------------------------------- */

NpTrainingScore *
np_training_score_new (void)
{
  NpTrainingScore *score = g_new0 (NpTrainingScore, 1);

  score->unit = "px";
  score->critical_structures = g_ptr_array_new_with_free_func (g_free);
  return score;
}

NpTrainingScore *
np_training_score_copy (const NpTrainingScore *score)
{
  NpTrainingScore *copy;

  g_return_val_if_fail (score != NULL, NULL);

  copy = g_new (NpTrainingScore, 1);
  *copy = *score;
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    copy->explanation[i] = g_strdup (score->explanation[i]);
  copy->critical_structures = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < score->critical_structures->len; i++)
    g_ptr_array_add (copy->critical_structures,
                     g_strdup (g_ptr_array_index (score->critical_structures, i)));
  return copy;
}

void
np_training_score_free (NpTrainingScore *score)
{
  if (score == NULL)
    return;
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    g_free (score->explanation[i]);
  g_clear_pointer (&score->critical_structures, g_ptr_array_unref);
  g_free (score);
}

/**
 * np_training_score_get_value:
 * @value: (out): the metric's number (see #NpTrainingMetric for units)
 *
 * Returns: %FALSE when the metric does not apply to this attempt
 */
gboolean
np_training_score_get_value (const NpTrainingScore *score,
                             NpTrainingMetric       metric,
                             double                *value)
{
  gboolean applies = TRUE;
  double v = NAN;

  g_return_val_if_fail (score != NULL, FALSE);
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, FALSE);

  switch (metric)
    {
    case NP_TRAINING_METRIC_SCORE:
      v = score->score;
      break;
    case NP_TRAINING_METRIC_TARGET_ERROR:
      v = score->target_error;
      break;
    case NP_TRAINING_METRIC_TARGET_HIT:
      v = score->target_hit ? 1 : 0;
      break;
    case NP_TRAINING_METRIC_ENTRY_DEVIATION:
      applies = score->has_entry_deviation;
      v = score->entry_deviation;
      break;
    case NP_TRAINING_METRIC_TRAJECTORY_DEVIATION:
      applies = score->has_trajectory_deviation;
      v = score->trajectory_deviation_deg;
      break;
    case NP_TRAINING_METRIC_DEPTH_ERROR:
      applies = score->has_depth_error;
      v = fabs (score->depth_error_percent);
      break;
    case NP_TRAINING_METRIC_PATH_LENGTH_RATIO:
      applies = score->has_path_length_ratio;
      v = score->path_length_ratio;
      break;
    case NP_TRAINING_METRIC_PATH_IN_TISSUE:
      applies = score->has_path_in_tissue;
      v = score->path_in_tissue;
      break;
    case NP_TRAINING_METRIC_SWEPT_AREA:
      applies = score->has_swept_area;
      v = score->swept_area;
      break;
    case NP_TRAINING_METRIC_CRITICAL_ERROR:
      v = score->critical_error ? 1 : 0;
      break;
    case NP_TRAINING_N_METRICS:
    default:
      g_return_val_if_reached (FALSE);
    }

  if (value != NULL)
    *value = applies ? v : NAN;
  return applies;
}

/* ---- Geometry ---------------------------------------------------------- */

/**
 * np_training_plan_has_answer:
 *
 * Returns: %TRUE when @plan can serve as an expert answer: it has a target
 *   or an acceptable target region of at least three points
 */
gboolean
np_training_plan_has_answer (const NpPlan *plan)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  return plan->has_target
         || (plan->target_region != NULL && plan->target_region->len >= MIN_REGION_POINTS);
}

/* The plan's frame path joined to the plan's folder, ".." and "." removed. */
static char *
frame_location (const NpPlan *plan,
                const char   *plan_path)
{
  g_autofree char *dir = g_path_get_dirname (plan_path);
  g_autofree char *base = g_canonicalize_filename (dir, NULL);

  return g_canonicalize_filename (plan->frame_path != NULL ? plan->frame_path : "", base);
}

/**
 * np_training_plans_share_frame:
 * @expert_path: where @expert was loaded from
 * @trainee_path: where @trainee was loaded from
 *
 * A trainee's plan scores only against the expert plan of the same frame:
 * the same frame SHA-256 when both plans record one; else the same frame
 * file (one device and inode, so links and ".." name it once) when both
 * frames are there, or the same path from the plans' folders when not
 * (scoring reads no frame).
 *
 * Returns: %TRUE when they share the frame; %FALSE with @error set when not
 */
gboolean
np_training_plans_share_frame (const NpPlan  *expert,
                               const char    *expert_path,
                               const NpPlan  *trainee,
                               const char    *trainee_path,
                               GError       **error)
{
  g_autofree char *expert_frame = NULL;
  g_autofree char *trainee_frame = NULL;
  g_autofree char *expert_display = NULL;
  g_autofree char *trainee_display = NULL;
  GStatBuf a, b;
  gboolean same;

  g_return_val_if_fail (expert != NULL && trainee != NULL, FALSE);
  g_return_val_if_fail (expert_path != NULL && trainee_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  expert_display = g_filename_display_name (expert_path);
  trainee_display = g_filename_display_name (trainee_path);
  if (expert->frame_sha256 != NULL && *expert->frame_sha256 != '\0'
      && trainee->frame_sha256 != NULL && *trainee->frame_sha256 != '\0')
    {
      if (g_ascii_strcasecmp (expert->frame_sha256, trainee->frame_sha256) == 0)
        return TRUE;
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” and “%s” are plans of different frames (their frames' SHA-256 "
                   "differ): score a trainee's plan of the case's own frame"),
                   trainee_display, expert_display);
      return FALSE;
    }
  expert_frame = frame_location (expert, expert_path);
  trainee_frame = frame_location (trainee, trainee_path);
  if (g_stat (expert_frame, &a) == 0 && g_stat (trainee_frame, &b) == 0)
    same = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  else
    same = strcmp (expert_frame, trainee_frame) == 0;
  if (same)
    return TRUE;
  {
    g_autofree char *t = g_filename_display_name (trainee_frame);
    g_autofree char *e = g_filename_display_name (expert_frame);

    g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                 _("“%s” and “%s” are plans of different frames (“%s” and “%s”): score a "
                 "trainee's plan of the case's own frame"), trainee_display, expert_display,
                 t, e);
  }
  return FALSE;
}

/* Area centroid of the region, or the mean of its corners when it has no
 * area (all corners on one line). */
static NpImagePoint
region_centroid (const GArray *region)
{
  const NpImagePoint *p = (const NpImagePoint *) region->data;
  double area2 = 0, cx = 0, cy = 0, mx = 0, my = 0;

  for (guint i = 0; i < region->len; i++)
    {
      const NpImagePoint *a = &p[i];
      const NpImagePoint *b = &p[(i + 1) % region->len];
      double w = a->x * b->y - b->x * a->y;

      area2 += w;
      cx += (a->x + b->x) * w;
      cy += (a->y + b->y) * w;
      mx += a->x;
      my += a->y;
    }
  if (fabs (area2) > 1e-12)
    return np_image_point (cx / (3 * area2), cy / (3 * area2));
  return np_image_point (mx / region->len, my / region->len);
}

/**
 * np_training_plan_get_answer:
 * @target: (out): the expert's target, or the centroid of the acceptable
 *   target region when the plan has no target
 *
 * Returns: %FALSE when @plan has no expert answer
 */
gboolean
np_training_plan_get_answer (const NpPlan *plan,
                             NpImagePoint *target)
{
  g_return_val_if_fail (plan != NULL, FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  if (!np_training_plan_has_answer (plan))
    return FALSE;
  *target = plan->has_target ? plan->target : region_centroid (plan->target_region);
  return TRUE;
}

typedef struct
{
  const NpCalibration *calibration;
  gboolean calibrated;
} Metric;

/* The expert's calibration in mm, or pixels unchanged. */
static NpMmPoint
to_space (const Metric *m,
          NpImagePoint  p)
{
  if (m->calibrated)
    return np_calibration_to_mm (m->calibration, p);
  return np_mm_point (p.x, p.y);
}

static double
triangle_area (NpMmPoint a,
               NpMmPoint b,
               NpMmPoint c)
{
  return fabs ((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y)) / 2;
}

/* Area of the quadrilateral p0 p1 p2 p3. When two opposite sides cross (the
 * paths cross each other, or one path runs the other way), the outline is a
 * bow tie and its area is that of its two triangles; the shoelace formula
 * would subtract one from the other. */
static double
quadrilateral_area (NpMmPoint p0,
                    NpMmPoint p1,
                    NpMmPoint p2,
                    NpMmPoint p3)
{
  NpMmPoint x;

  if (np_geometry_segments_intersect (p0, p1, p2, p3, &x))
    return triangle_area (p0, x, p3) + triangle_area (x, p1, p2);
  if (np_geometry_segments_intersect (p1, p2, p3, p0, &x))
    return triangle_area (p0, p1, x) + triangle_area (x, p2, p3);
  return fabs ((p0.x * p1.y - p1.x * p0.y) + (p1.x * p2.y - p2.x * p1.y)
               + (p2.x * p3.y - p3.x * p2.y) + (p3.x * p0.y - p0.x * p3.y)) / 2;
}

/* Angle between two directions (not lines): 180° when they oppose. */
static double
direction_angle_deg (NpMmPoint u,
                     NpMmPoint v)
{
  return atan2 (fabs (u.x * v.y - u.y * v.x), u.x * v.x + u.y * v.y) * RAD_TO_DEG;
}

/* A copy of the expert plan with the trainee's marks: the attempt is judged
 * on the case's own skin line, structures, calibration and technique, since
 * the trainee may not have marked any of them. */
static NpPlan *
attempt_plan (const NpPlan *expert,
              const NpPlan *trainee)
{
  NpPlan *plan = np_plan_copy (expert);

  plan->has_target = trainee->has_target;
  plan->target = trainee->target;
  plan->has_entry = trainee->has_entry;
  plan->entry = trainee->entry;
  return plan;
}

/* ---- Explanations ------------------------------------------------------ */

static void
explain (NpTrainingScore  *score,
         NpTrainingMetric  metric,
         const char       *format,
         ...) G_GNUC_PRINTF (3, 4);

static void
explain (NpTrainingScore  *score,
         NpTrainingMetric  metric,
         const char       *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_free (score->explanation[metric]);
  score->explanation[metric] = g_strdup_vprintf (format, args);
  va_end (args);
}

static void
explain_target (NpTrainingScore *score)
{
  const char *unit = score->unit;
  const char *where;
  g_autofree char *region = NULL;

  if (score->used_default_radius)
    region = g_strdup_printf (_("the %.0f %s the case accepts around the expert's target"),
                              score->acceptance_radius, unit);
  else
    region = g_strdup (_("the acceptable region"));

  where = score->target_hit ? "inside" : "outside";
  if (score->target_error == 0)
    explain (score, NP_TRAINING_METRIC_TARGET_ERROR, _("Your target is exactly the expert's."));
  else
    explain (score, NP_TRAINING_METRIC_TARGET_ERROR,
             _("Your target was %.1f %s from the expert's, %s %s.%s"), score->target_error, unit,
             where, region,
             score->calibrated ? ""
                               : _(" This case has no calibration, so distances are in pixels."));

  if (score->target_hit)
    explain (score, NP_TRAINING_METRIC_TARGET_HIT, _("Target hit: your target lies within %s."),
             region);
  else
    explain (score, NP_TRAINING_METRIC_TARGET_HIT,
             _("Target missed: your target lies outside %s (%.0f points off)."), region,
             score->penalty[NP_TRAINING_METRIC_TARGET_HIT]);
}

static void
explain_overall (NpTrainingScore *score)
{
  static const char *const reasons[NP_TRAINING_N_METRICS] = {
    [NP_TRAINING_METRIC_TARGET_ERROR] = N_("the target error"),
    [NP_TRAINING_METRIC_TARGET_HIT] = N_("missing the acceptable region"),
    [NP_TRAINING_METRIC_ENTRY_DEVIATION] = N_("the entry"),
    [NP_TRAINING_METRIC_TRAJECTORY_DEVIATION] = N_("the trajectory"),
    [NP_TRAINING_METRIC_DEPTH_ERROR] = N_("the depth estimate"),
    [NP_TRAINING_METRIC_PATH_LENGTH_RATIO] = N_("the path length"),
    [NP_TRAINING_METRIC_CRITICAL_ERROR] = N_("the critical error cap"),
  };
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean any = FALSE;

  /* %g of the score rounded to a tenth: "78", "66.7", as the CLI shows it. */
  g_string_append_printf (text, _("Overall %g out of 100."), round (score->score * 10) / 10);
  for (guint i = NP_TRAINING_METRIC_TARGET_ERROR; i < NP_TRAINING_N_METRICS; i++)
    {
      if (score->penalty[i] < 0.05 || reasons[i] == NULL)
        continue;
      g_string_append_printf (text, _("%s %.1f for %s"), any ? "," : _(" Points off:"),
                              score->penalty[i], _(reasons[i]));
      any = TRUE;
    }
  g_string_append (text, any ? "." : _(" Nothing taken off."));
  explain (score, NP_TRAINING_METRIC_SCORE, "%s", text->str);
}

/* ---- The score --------------------------------------------------------- */

/**
 * np_training_score_compute:
 * @expert: the case with its expert answer (target and/or target_region),
 *   skin line, structures and calibration
 * @trainee: the attempt: only its target and entry are used
 * @has_depth_estimate: whether the trainee stated a depth
 * @depth_estimate_mm: the stated depth of the target below the skin, mm
 *
 * Returns: (transfer full) (nullable): the score, or %NULL with @error set
 *   when the expert plan has no answer, the attempt has no target or the
 *   planner refuses the plan
 */
NpTrainingScore *
np_training_score_compute (const NpPlan  *expert,
                           const NpPlan  *trainee,
                           gboolean       has_depth_estimate,
                           double         depth_estimate_mm,
                           GError       **error)
{
  g_autoptr(NpTrainingScore) score = NULL;
  g_autoptr(NpPlan) expert_plan = NULL;
  g_autoptr(NpPlan) trainee_plan = NULL;
  g_autoptr(NpPlanResults) expert_results = NULL;
  g_autoptr(NpPlanResults) trainee_results = NULL;
  NpPlannerOptions options;
  Metric m;
  NpMmPoint target_e, target_t;
  double tolerance, entry_max, trajectory_max, total = 0;
  gboolean expert_has_path, in_plane;

  g_return_val_if_fail (expert != NULL && expert->calibration != NULL, NULL);
  g_return_val_if_fail (trainee != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!np_training_plan_has_answer (expert))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The expert plan has neither a target nor an acceptable target region, so "
                   "there is nothing to score against"));
      return NULL;
    }
  if (!trainee->has_target)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The attempt has no target: mark a target before it can be scored"));
      return NULL;
    }
  if (has_depth_estimate && !(isfinite (depth_estimate_mm) && depth_estimate_mm > 0))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The depth estimate must be a positive number of millimetres (it is %g)"),
                   depth_estimate_mm);
      return NULL;
    }

  score = np_training_score_new ();
  m.calibration = expert->calibration;
  m.calibrated = np_calibration_is_calibrated (expert->calibration);
  score->calibrated = m.calibrated;
  score->unit = m.calibrated ? "mm" : "px";
  tolerance = m.calibrated ? NP_TRAINING_TOLERANCE_MM : NP_TRAINING_TOLERANCE_PX;

  /* The planner runs on both with the expert's context. */
  expert_plan = np_plan_copy (expert);
  np_training_plan_get_answer (expert, &score->expert_target);
  expert_plan->has_target = TRUE;
  expert_plan->target = score->expert_target;
  trainee_plan = attempt_plan (expert, trainee);

  /* Scoring reads depth, path and clearances, which the field of view does
   * not change; no frame is known here. */
  np_planner_options_init_for_frame (&options, expert, 0, 0);
  expert_results = np_planner_compute (expert_plan, &options, error);
  if (expert_results == NULL)
    return NULL;
  trainee_results = np_planner_compute (trainee_plan, &options, error);
  if (trainee_results == NULL)
    return NULL;

  /* Target */
  target_e = to_space (&m, score->expert_target);
  target_t = to_space (&m, trainee->target);
  score->target_error = np_geometry_distance (target_e, target_t);
  if (expert->target_region != NULL && expert->target_region->len >= MIN_REGION_POINTS)
    {
      g_autoptr(GArray) region = g_array_sized_new (FALSE, FALSE, sizeof (NpMmPoint),
                                                    expert->target_region->len);

      for (guint i = 0; i < expert->target_region->len; i++)
        {
          NpMmPoint q = to_space (&m, g_array_index (expert->target_region, NpImagePoint, i));
          g_array_append_val (region, q);
        }
      score->target_hit = np_geometry_point_in_polygon (target_t, (const NpMmPoint *) region->data,
                                                        region->len);
    }
  else
    {
      score->used_default_radius = TRUE;
      score->acceptance_radius = tolerance;
      score->target_hit = score->target_error <= tolerance;
    }
  score->penalty[NP_TRAINING_METRIC_TARGET_ERROR] =
    MIN (TARGET_MAX_PENALTY, TARGET_POINTS_PER_TOLERANCE * score->target_error / tolerance);
  score->penalty[NP_TRAINING_METRIC_TARGET_HIT] = score->target_hit ? 0 : MISS_PENALTY;
  explain_target (score);

  /* Entry, trajectory and the area between the paths. In plane the needle
   * lies in the image and enters where its line meets the skin: the entry
   * follows from the target and the direction, both scored, so it is
   * reported and its points go to the direction (docs/training.md). */
  in_plane = expert->modality == NP_MODALITY_ULTRASOUND
             && expert->technique == NP_TECHNIQUE_IN_PLANE;
  entry_max = in_plane ? 0 : ENTRY_MAX_PENALTY;
  trajectory_max = in_plane ? IN_PLANE_TRAJECTORY_MAX_PENALTY : TRAJECTORY_MAX_PENALTY;
  if (expert->has_entry && trainee->has_entry)
    {
      NpMmPoint entry_e = to_space (&m, expert->entry);
      NpMmPoint entry_t = to_space (&m, trainee->entry);
      NpMmPoint dir_e = np_mm_point (target_e.x - entry_e.x, target_e.y - entry_e.y);
      NpMmPoint dir_t = np_mm_point (target_t.x - entry_t.x, target_t.y - entry_t.y);

      score->has_entry_deviation = TRUE;
      score->entry_deviation = np_geometry_distance (entry_e, entry_t);
      score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION] =
        MIN (entry_max, ENTRY_POINTS_PER_TOLERANCE * score->entry_deviation / tolerance);
      if (in_plane)
        explain (score, NP_TRAINING_METRIC_ENTRY_DEVIATION,
                 _("Your entry point was %.1f %s from the expert's (reported, not scored: in plane "
                 "the entry follows from your target and direction)."), score->entry_deviation,
                 score->unit);
      else
        explain (score, NP_TRAINING_METRIC_ENTRY_DEVIATION,
                 _("Your entry point was %.1f %s from the expert's."), score->entry_deviation,
                 score->unit);

      if (hypot (dir_e.x, dir_e.y) > 0 && hypot (dir_t.x, dir_t.y) > 0)
        {
          score->has_trajectory_deviation = TRUE;
          score->trajectory_deviation_deg = direction_angle_deg (dir_e, dir_t);
          score->penalty[NP_TRAINING_METRIC_TRAJECTORY_DEVIATION] =
            MIN (trajectory_max, TRAJECTORY_POINTS_PER_DEGREE * score->trajectory_deviation_deg);
          explain (score, NP_TRAINING_METRIC_TRAJECTORY_DEVIATION,
                   _("Your needle direction was %.1f° off the expert's."),
                   score->trajectory_deviation_deg);
        }
      else
        explain (score, NP_TRAINING_METRIC_TRAJECTORY_DEVIATION,
                 _("An entry on the target gives no direction, so the trajectory is not compared."));

      score->has_swept_area = TRUE;
      score->swept_area = quadrilateral_area (entry_e, target_e, target_t, entry_t);
      explain (score, NP_TRAINING_METRIC_SWEPT_AREA,
               _("%.0f %s² of tissue lie between your path and the expert's: what a needle would "
               "sweep moving from one to the other (reported, not scored)."),
               score->swept_area, score->unit);
    }
  else if (expert->has_entry)
    {
      score->penalty[NP_TRAINING_METRIC_ENTRY_DEVIATION] = entry_max;
      score->penalty[NP_TRAINING_METRIC_TRAJECTORY_DEVIATION] = trajectory_max;
      if (in_plane)
        explain (score, NP_TRAINING_METRIC_ENTRY_DEVIATION,
                 _("You marked no entry point; in plane it counts with the trajectory."));
      else
        explain (score, NP_TRAINING_METRIC_ENTRY_DEVIATION,
                 _("You marked no entry point, so the entry counts as fully off (%.0f points)."),
                 entry_max);
      explain (score, NP_TRAINING_METRIC_TRAJECTORY_DEVIATION,
               _("Without an entry there is no trajectory, so it counts as fully off (%.0f points)."),
               trajectory_max);
    }
  else
    {
      explain (score, NP_TRAINING_METRIC_ENTRY_DEVIATION,
               _("This case has no expert entry, so the entry is not scored."));
      explain (score, NP_TRAINING_METRIC_TRAJECTORY_DEVIATION,
               _("This case has no expert entry, so the trajectory is not scored."));
    }

  /* Depth estimate, against the expert target's depth below the skin */
  score->has_depth_estimate = has_depth_estimate;
  score->depth_estimate_mm = has_depth_estimate ? depth_estimate_mm : 0;
  if (expert_results->has_depth && expert_results->depth > 0 && m.calibrated)
    {
      score->has_expert_depth = TRUE;
      score->expert_depth_mm = expert_results->depth;
    }
  if (!has_depth_estimate)
    explain (score, NP_TRAINING_METRIC_DEPTH_ERROR,
             _("You gave no depth estimate, so depth is not scored."));
  else if (!m.calibrated)
    explain (score, NP_TRAINING_METRIC_DEPTH_ERROR,
             _("This case has no calibration, so a depth in millimetres cannot be checked."));
  else if (!score->has_expert_depth)
    explain (score, NP_TRAINING_METRIC_DEPTH_ERROR,
             _("The depth of this target cannot be measured on this frame (a single fluoroscopy "
             "view, or no skin line), so the estimate is not scored."));
  else
    {
      double reference = expert_results->depth;
      g_autofree char *yours = NULL;

      /* Both depths are named: the canvas shows the trainee's target's. */
      if (trainee_results->has_depth)
        yours = g_strdup_printf (_(" (your target %.1f mm)"), trainee_results->depth);
      score->has_depth_error = TRUE;
      score->depth_error_mm = depth_estimate_mm - reference;
      score->depth_error_percent = 100 * score->depth_error_mm / reference;
      score->penalty[NP_TRAINING_METRIC_DEPTH_ERROR] =
        MIN (DEPTH_MAX_PENALTY, DEPTH_POINTS_PER_PERCENT * fabs (score->depth_error_percent));
      if (fabs (score->depth_error_mm) < 0.05)
        explain (score, NP_TRAINING_METRIC_DEPTH_ERROR,
                 _("You estimated %.1f mm; the expert's target lies %.1f mm deep%s: spot on."),
                 depth_estimate_mm, reference, yours != NULL ? yours : "");
      else
        explain (score, NP_TRAINING_METRIC_DEPTH_ERROR,
                 _("You estimated %.1f mm; the expert's target lies %.1f mm deep%s: %.1f mm "
                 "(%.0f%%) too %s."),
                 depth_estimate_mm, reference, yours != NULL ? yours : "",
                 fabs (score->depth_error_mm), fabs (score->depth_error_percent),
                 score->depth_error_mm > 0 ? "deep" : "shallow");
    }

  /* Path in tissue, and its length against the expert's */
  expert_has_path = expert_results->has_path && expert_results->path_length > 0;
  if (trainee_results->has_path)
    {
      score->has_path_in_tissue = TRUE;
      score->path_in_tissue = trainee_results->path_length;
      explain (score, NP_TRAINING_METRIC_PATH_IN_TISSUE,
               _("Your needle travels %.1f %s through tissue to the target."), score->path_in_tissue,
               score->unit);
    }
  else
    explain (score, NP_TRAINING_METRIC_PATH_IN_TISSUE,
             trainee->has_entry ? _("A single fluoroscopy view shows no depth, so the path in "
                                  "tissue cannot be measured.")
                                : _("You marked no entry, so there is no needle path."));
  if (expert_has_path)
    {
      score->has_expert_path = TRUE;
      score->expert_path_length = expert_results->path_length;
    }
  if (expert_has_path && trainee_results->has_path)
    {
      score->has_path_length_ratio = TRUE;
      score->path_length_ratio = trainee_results->path_length / expert_results->path_length;
      /* Only a longer path costs: more tissue crossed and a longer needle.
       * A shorter one to the same target spares tissue; where it comes from
       * a wrong target or direction, those parts take the points. */
      score->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO] =
        MIN (LENGTH_MAX_PENALTY, LENGTH_POINTS_PER_RATIO * MAX (0, score->path_length_ratio - 1));
      explain (score, NP_TRAINING_METRIC_PATH_LENGTH_RATIO,
               _("Your path in tissue is %.1f %s, %.2f times the expert's %.1f %s%s."),
               score->path_in_tissue, score->unit, score->path_length_ratio,
               score->expert_path_length, score->unit,
               score->path_length_ratio < 1 ? _(" (shorter costs nothing)") : "");
    }
  else if (expert_has_path)
    {
      score->penalty[NP_TRAINING_METRIC_PATH_LENGTH_RATIO] = LENGTH_MAX_PENALTY;
      explain (score, NP_TRAINING_METRIC_PATH_LENGTH_RATIO,
               _("Without a path of yours its length cannot be compared, so it counts as fully "
               "off (%.0f points)."), LENGTH_MAX_PENALTY);
    }
  else
    explain (score, NP_TRAINING_METRIC_PATH_LENGTH_RATIO,
             _("The expert plan has no path here, so the path length is not compared."));

  /* Critical error: the trainee's path crosses a structure of the case or
   * comes inside its margin. A structure the expert's own path also enters
   * (a tendon injected into) is the target's, not an error. The clearance
   * lists of the two runs are parallel: same structures, same order. */
  {
    GArray *ct = trainee_results->clearances;
    GArray *ce = expert_results->clearances;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GString) list = g_string_new (NULL);
    gboolean any_margin_only = TRUE;

    for (guint i = 0; ct != NULL && i < ct->len; i++)
      {
        const NpStructureClearance *c = &g_array_index (ct, NpStructureClearance, i);
        const NpStructureClearance *e = ce != NULL && ce->len == ct->len
                                        ? &g_array_index (ce, NpStructureClearance, i) : NULL;

        if (!(c->entered || c->within_margin))
          continue;
        if (e != NULL && (e->entered || e->within_margin))
          continue;
        score->critical_error = TRUE;
        g_ptr_array_add (score->critical_structures, g_strdup (c->label));
        if (c->entered)
          any_margin_only = FALSE;
        g_ptr_array_add (names, g_strdup_printf ("%s%s", c->entered ? _("the ") : _("the margin of the "),
                                                 c->label));
      }
    for (guint i = 0; i < names->len; i++)
      g_string_append_printf (list, "%s%s", i == 0 ? "" : (i + 1 == names->len ? _(" and ") : ", "),
                              (const char *) g_ptr_array_index (names, i));
    if (score->critical_error)
      explain (score, NP_TRAINING_METRIC_CRITICAL_ERROR,
               _("Your path %s %s: a critical error, so the score is capped at %.0f."),
               any_margin_only ? _("comes inside") : "crosses", list->str,
               NP_TRAINING_CRITICAL_CAP);
    else if (ct != NULL && ct->len > 0)
      explain (score, NP_TRAINING_METRIC_CRITICAL_ERROR,
               _("Your path keeps clear of the structures to avoid%s."),
               m.calibrated ? _(" and their margins") : _(" (margins need a calibration)"));
    else if (expert->structures->len == 0)
      explain (score, NP_TRAINING_METRIC_CRITICAL_ERROR,
               _("This case marks no structures to avoid."));
    else
      explain (score, NP_TRAINING_METRIC_CRITICAL_ERROR,
               _("Without a path, structures cannot be checked."));
  }

  /* Overall: 100 minus the penalties, then the cap of a critical error. */
  for (guint i = NP_TRAINING_METRIC_TARGET_ERROR; i < NP_TRAINING_N_METRICS; i++)
    total += score->penalty[i];
  score->score = CLAMP (100 - total, 0, 100);
  if (score->critical_error && score->score > NP_TRAINING_CRITICAL_CAP)
    {
      score->penalty[NP_TRAINING_METRIC_CRITICAL_ERROR] = score->score - NP_TRAINING_CRITICAL_CAP;
      score->score = NP_TRAINING_CRITICAL_CAP;
    }
  explain_overall (score);

  return g_steal_pointer (&score);
}

/* ---- JSON -------------------------------------------------------------- */

/**
 * np_training_score_to_json:
 *
 * Every number of the score, with null where a metric does not apply, the
 * penalties and the explanations. np_training_score_from_json() reads it back.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
np_training_score_to_json (const NpTrainingScore *score)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (score != NULL, NULL);

  json_builder_begin_object (builder);
  np_json_add_number_or_null (builder, "score", TRUE, score->score);
  np_json_add_boolean (builder, "calibrated", score->calibrated);
  np_json_add_string (builder, "unit", score->unit);
  np_json_add_point (builder, "expert_target", TRUE, score->expert_target);

  np_json_add_number_or_null (builder, "target_error", TRUE, score->target_error);
  np_json_add_boolean (builder, "target_hit", score->target_hit);
  np_json_add_boolean (builder, "used_default_radius", score->used_default_radius);
  np_json_add_number_or_null (builder, "acceptance_radius", score->used_default_radius,
                              score->acceptance_radius);
  np_json_add_number_or_null (builder, "entry_deviation", score->has_entry_deviation,
                              score->entry_deviation);
  np_json_add_number_or_null (builder, "trajectory_deviation_deg", score->has_trajectory_deviation,
                              score->trajectory_deviation_deg);
  np_json_add_number_or_null (builder, "swept_area", score->has_swept_area, score->swept_area);
  np_json_add_number_or_null (builder, "depth_estimate_mm", score->has_depth_estimate,
                              score->depth_estimate_mm);
  np_json_add_number_or_null (builder, "expert_depth_mm", score->has_expert_depth,
                              score->expert_depth_mm);
  np_json_add_number_or_null (builder, "depth_error_mm", score->has_depth_error,
                              score->depth_error_mm);
  np_json_add_number_or_null (builder, "depth_error_percent", score->has_depth_error,
                              score->depth_error_percent);
  np_json_add_number_or_null (builder, "path_in_tissue", score->has_path_in_tissue,
                              score->path_in_tissue);
  np_json_add_number_or_null (builder, "expert_path_length", score->has_expert_path,
                              score->expert_path_length);
  np_json_add_number_or_null (builder, "path_length_ratio", score->has_path_length_ratio,
                              score->path_length_ratio);
  np_json_add_boolean (builder, "critical_error", score->critical_error);

  json_builder_set_member_name (builder, "critical_structures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < score->critical_structures->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (score->critical_structures, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "penalties");
  json_builder_begin_object (builder);
  for (guint i = NP_TRAINING_METRIC_TARGET_ERROR; i < NP_TRAINING_N_METRICS; i++)
    {
      json_builder_set_member_name (builder, metrics[i].id);
      json_builder_add_double_value (builder, score->penalty[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "explanations");
  json_builder_begin_object (builder);
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    if (score->explanation[i] != NULL)
      {
        json_builder_set_member_name (builder, metrics[i].id);
        json_builder_add_string_value (builder, score->explanation[i]);
      }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
node_number (JsonNode *node,
             double   *value)
{
  return np_json_node_get_number (node, value) && isfinite (*value);
}

/* A number member; with @has, null (or a missing member) gives *has = FALSE. */
static gboolean
read_number (JsonObject  *object,
             const char  *name,
             gboolean    *has,
             double      *value,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *value = 0;
  if (has != NULL)
    {
      *has = FALSE;
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        return TRUE;
    }
  if (!node_number (node, value))
    return np_json_field_error (error, NP_ERROR_CORRUPT, NULL, name,
                                node == NULL ? "is missing" : "must be a number");
  if (has != NULL)
    *has = TRUE;
  return TRUE;
}

static gboolean
read_boolean (JsonObject  *object,
              const char  *name,
              gboolean    *value,
              GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return np_json_field_error (error, NP_ERROR_CORRUPT, NULL, name,
                                node == NULL ? "is missing" : "must be true or false");
  *value = json_node_get_boolean (node);
  return TRUE;
}

static JsonObject *
read_object (JsonObject  *object,
             const char  *name,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      np_json_field_error (error, NP_ERROR_CORRUPT, NULL, name,
                           node == NULL ? "is missing" : "must be an object");
      return NULL;
    }
  return json_node_get_object (node);
}

/**
 * np_training_score_from_json:
 * @node: an object written by np_training_score_to_json()
 *
 * Returns: (transfer full) (nullable): the score, or %NULL with @error set
 *   (NP_ERROR_CORRUPT, naming the field) when a field is missing or wrong
 */
NpTrainingScore *
np_training_score_from_json (JsonNode  *node,
                             GError   **error)
{
  g_autoptr(NpTrainingScore) score = np_training_score_new ();
  JsonObject *object, *penalties, *explanations;
  JsonNode *member;
  JsonArray *array;
  const char *unit;
  gboolean has;
  double x, y;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("an attempt must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);

  if (!read_number (object, "score", NULL, &score->score, error)
      || !read_boolean (object, "calibrated", &score->calibrated, error))
    return NULL;
  if (!(score->score >= 0 && score->score <= 100))
    {
      np_json_field_error (error, NP_ERROR_CORRUPT, NULL, "score", "must lie between 0 and 100");
      return NULL;
    }
  unit = np_json_get_string (object, "unit");
  if (g_strcmp0 (unit, score->calibrated ? "mm" : "px") != 0)
    {
      np_json_field_error (error, NP_ERROR_CORRUPT, NULL, "unit",
                           "must be “%s” for %s attempt", score->calibrated ? "mm" : "px",
                           score->calibrated ? "a calibrated" : "an uncalibrated");
      return NULL;
    }
  score->unit = score->calibrated ? "mm" : "px";

  array = np_json_get_array (object, "expert_target");
  if (array == NULL || json_array_get_length (array) != 2
      || !node_number (json_array_get_element (array, 0), &x)
      || !node_number (json_array_get_element (array, 1), &y))
    {
      np_json_field_error (error, NP_ERROR_CORRUPT, NULL, "expert_target",
                           "must be two numbers [x, y]");
      return NULL;
    }
  score->expert_target = np_image_point (x, y);

  if (!read_number (object, "target_error", NULL, &score->target_error, error)
      || !read_boolean (object, "target_hit", &score->target_hit, error)
      || !read_boolean (object, "used_default_radius", &score->used_default_radius, error)
      || !read_number (object, "acceptance_radius", &has, &score->acceptance_radius, error)
      || !read_number (object, "entry_deviation", &score->has_entry_deviation,
                       &score->entry_deviation, error)
      || !read_number (object, "trajectory_deviation_deg", &score->has_trajectory_deviation,
                       &score->trajectory_deviation_deg, error)
      || !read_number (object, "swept_area", &score->has_swept_area, &score->swept_area, error)
      || !read_number (object, "depth_estimate_mm", &score->has_depth_estimate,
                       &score->depth_estimate_mm, error)
      || !read_number (object, "expert_depth_mm", &score->has_expert_depth,
                       &score->expert_depth_mm, error)
      || !read_number (object, "depth_error_mm", &score->has_depth_error,
                       &score->depth_error_mm, error)
      || !read_number (object, "depth_error_percent", &has, &score->depth_error_percent, error)
      || !read_number (object, "path_in_tissue", &score->has_path_in_tissue,
                       &score->path_in_tissue, error)
      || !read_number (object, "expert_path_length", &score->has_expert_path,
                       &score->expert_path_length, error)
      || !read_number (object, "path_length_ratio", &score->has_path_length_ratio,
                       &score->path_length_ratio, error)
      || !read_boolean (object, "critical_error", &score->critical_error, error))
    return NULL;
  if (has != score->has_depth_error)
    {
      np_json_field_error (error, NP_ERROR_CORRUPT, NULL, "depth_error_percent",
                           "must be given exactly when depth_error_mm is");
      return NULL;
    }

  array = np_json_get_array (object, "critical_structures");
  if (array == NULL)
    {
      np_json_field_error (error, NP_ERROR_CORRUPT, NULL, "critical_structures",
                           "must be a list of names");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          np_json_field_error (error, NP_ERROR_CORRUPT, NULL, "critical_structures",
                               "must be a list of names");
          return NULL;
        }
      g_ptr_array_add (score->critical_structures, g_strdup (json_node_get_string (element)));
    }

  penalties = read_object (object, "penalties", error);
  if (penalties == NULL)
    return NULL;
  for (guint i = NP_TRAINING_METRIC_TARGET_ERROR; i < NP_TRAINING_N_METRICS; i++)
    {
      if (!read_number (penalties, metrics[i].id, &has, &score->penalty[i], error))
        return NULL;
      if (score->penalty[i] < 0 || score->penalty[i] > 100)
        {
          np_json_field_error (error, NP_ERROR_CORRUPT, NULL, metrics[i].id,
                               "must be a penalty between 0 and 100 points");
          return NULL;
        }
    }

  explanations = read_object (object, "explanations", error);
  if (explanations == NULL)
    return NULL;
  for (guint i = 0; i < NP_TRAINING_N_METRICS; i++)
    {
      member = json_object_get_member (explanations, metrics[i].id);
      if (member == NULL || JSON_NODE_HOLDS_NULL (member))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          np_json_field_error (error, NP_ERROR_CORRUPT, NULL, metrics[i].id, "must be a sentence");
          return NULL;
        }
      score->explanation[i] = g_strdup (json_node_get_string (member));
    }

  return g_steal_pointer (&score);
}

/* ---- Statistics -------------------------------------------------------- */

/* How far from ideal: lower is better for every metric. */
static double
badness (NpTrainingMetric metric,
         double           value)
{
  if (metric == NP_TRAINING_METRIC_PATH_LENGTH_RATIO)
    return fabs (value - 1);
  return metrics[metric].higher_is_better ? -value : value;
}

/**
 * np_training_summarize:
 * @scores: (array length=n_scores): attempts; %NULL entries (skipped cases)
 *   are left out
 * @summary: (out): the statistics, n = 0 when no attempt has the metric
 *
 * Returns: %TRUE when at least one attempt has the metric
 */
gboolean
np_training_summarize (const NpTrainingScore *const *scores,
                       guint                         n_scores,
                       NpTrainingMetric              metric,
                       NpTrainingSummary            *summary)
{
  g_autofree double *values = NULL;
  gsize n = 0, best = 0, worst = 0;

  g_return_val_if_fail (scores != NULL || n_scores == 0, FALSE);
  g_return_val_if_fail ((guint) metric < NP_TRAINING_N_METRICS, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  memset (summary, 0, sizeof *summary);
  values = g_new (double, MAX (n_scores, 1u));
  for (guint i = 0; i < n_scores; i++)
    {
      double v;

      if (scores[i] == NULL || !np_training_score_get_value (scores[i], metric, &v))
        continue;
      if (metrics[metric].physical && !scores[i]->calibrated)
        continue;
      values[n++] = v;
    }
  if (n == 0)
    return FALSE;

  summary->n = n;
  summary->mean = gsl_stats_mean (values, 1, n);
  summary->sd = n > 1 ? gsl_stats_sd_m (values, 1, n, summary->mean) : 0;
  gsl_stats_minmax (&summary->min, &summary->max, values, 1, n);
  for (gsize i = 1; i < n; i++)
    {
      if (badness (metric, values[i]) < badness (metric, values[best]))
        best = i;
      if (badness (metric, values[i]) > badness (metric, values[worst]))
        worst = i;
    }
  summary->best = values[best];
  summary->worst = values[worst];
  return TRUE;
}
