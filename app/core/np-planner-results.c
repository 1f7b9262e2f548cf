/* np-planner-results.c: NpPlanResults: allocation and its JSON form
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include "np-json-util.h"

#include <math.h>

/* ------------------------------------------------------------------------ */
/* Results                                                                    */
/* ------------------------------------------------------------------------ */

static void
clearance_clear (gpointer data)
{
  NpStructureClearance *clearance = data;

  g_free (clearance->label);
}

static void
measurement_value_clear (gpointer data)
{
  NpMeasurementValue *value = data;

  g_free (value->outside_reason);
}

/**
 * np_plan_results_new:
 *
 * Returns: (transfer full): empty results (nothing computed)
 */
NpPlanResults *
np_plan_results_new (void)
{
  NpPlanResults *results = g_new0 (NpPlanResults, 1);

  results->unit = "px";
  results->nearest = -1;
  results->visibility = NP_VISIBILITY_NOT_APPLICABLE;
  results->clearances = g_array_new (FALSE, TRUE, sizeof (NpStructureClearance));
  g_array_set_clear_func (results->clearances, clearance_clear);
  results->measurements = g_array_new (FALSE, TRUE, sizeof (NpMeasurementValue));
  g_array_set_clear_func (results->measurements, measurement_value_clear);
  results->warnings = g_ptr_array_new_with_free_func (g_free);
  return results;
}

void
np_plan_results_free (NpPlanResults *results)
{
  if (results == NULL)
    return;
  g_clear_pointer (&results->clearances, g_array_unref);
  g_clear_pointer (&results->measurements, g_array_unref);
  g_clear_pointer (&results->warnings, g_ptr_array_unref);
  g_free (results);
}

/**
 * np_plan_results_copy:
 *
 * A deep copy: a view or an export may keep it while the planner moves on.
 * unit, approach and gauges point to static data and are shared.
 *
 * Returns: (transfer full): the copy
 */
NpPlanResults *
np_plan_results_copy (const NpPlanResults *results)
{
  NpPlanResults *copy;

  g_return_val_if_fail (results != NULL, NULL);

  copy = np_plan_results_new ();
  {
    /* Scalars and static strings at once; the owned arrays of the new
     * results are kept and filled below. */
    GArray *clearances = copy->clearances;
    GArray *measurements = copy->measurements;
    GPtrArray *warnings = copy->warnings;

    *copy = *results;
    copy->clearances = clearances;
    copy->measurements = measurements;
    copy->warnings = warnings;
  }
  for (guint i = 0; results->clearances != NULL && i < results->clearances->len; i++)
    {
      NpStructureClearance c = g_array_index (results->clearances, NpStructureClearance, i);

      c.label = g_strdup (c.label);
      g_array_append_val (copy->clearances, c);
    }
  for (guint i = 0; results->measurements != NULL && i < results->measurements->len; i++)
    {
      NpMeasurementValue m = g_array_index (results->measurements, NpMeasurementValue, i);

      m.outside_reason = g_strdup (m.outside_reason);
      g_array_append_val (copy->measurements, m);
    }
  for (guint i = 0; results->warnings != NULL && i < results->warnings->len; i++)
    g_ptr_array_add (copy->warnings, g_strdup (g_ptr_array_index (results->warnings, i)));
  return copy;
}

G_DEFINE_BOXED_TYPE (NpPlanResults, np_plan_results, np_plan_results_copy, np_plan_results_free)

/* ------------------------------------------------------------------------ */
/* JSON                                                                       */
/* ------------------------------------------------------------------------ */

/* An interval under NAME_mm when calibrated and NAME_px when not; the other
 * key is null, so no millimetre value ever appears without a calibration. */
static void
add_interval (JsonBuilder         *builder,
              const NpPlanResults *results,
              const char          *name,
              gboolean             has,
              const double         interval[2])
{
  g_autofree char *mm = g_strconcat (name, "_mm", NULL);
  g_autofree char *px = g_strconcat (name, "_px", NULL);

  np_json_add_pair (builder, mm, has && results->calibrated, interval[0], interval[1]);
  np_json_add_pair (builder, px, has && !results->calibrated, interval[0], interval[1]);
}

/* What dominates an interval, in words; null without one. */
static void
add_source (JsonBuilder         *builder,
            const NpPlanResults *results,
            const char          *name,
            gboolean             has,
            NpIntervalSource     source)
{
  g_autofree char *words = has ? np_planner_interval_source_describe (results, source) : NULL;

  json_builder_set_member_name (builder, name);
  if (words != NULL)
    json_builder_add_string_value (builder, words);
  else
    json_builder_add_null_value (builder);
}

static const char *
measure_kind_name (NpMeasureKind kind)
{
  const char *name = np_measure_kind_to_string (kind);
  return name != NULL ? name : "unknown";
}

/**
 * np_planner_results_to_json:
 *
 * Lengths are under *_mm keys when calibrated and *_px keys when not; the
 * keys of the other unit are present and null (documented in
 * docs/planner.md).
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
np_planner_results_to_json (const NpPlanResults *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  const NpStructureClearance *nearest = NULL;
  gboolean cal;

  g_return_val_if_fail (results != NULL, NULL);

  cal = results->calibrated;
  if (results->nearest >= 0 && (guint) results->nearest < results->clearances->len)
    nearest = &g_array_index (results->clearances, NpStructureClearance, results->nearest);

  /* Object keys must be unique: a repeated label gets " (2)", " (3)". */
  for (guint i = 0; i < results->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, i);
      char *key = g_strdup (c->label);

      for (int k = 2; g_hash_table_contains (names, key); k++)
        {
          g_free (key);
          key = g_strdup_printf ("%s (%d)", c->label, k);
        }
      g_hash_table_add (names, g_strdup (key));
      g_ptr_array_add (keys, key);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "calibrated");
  json_builder_add_boolean_value (builder, cal);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, results->unit);
  json_builder_set_member_name (builder, "approach");
  if (results->approach != NULL)
    json_builder_add_string_value (builder, results->approach);
  else
    json_builder_add_null_value (builder);
  np_json_add_number_or_null (builder, "speed_of_sound_m_s", results->speed_of_sound_m_s > 0,
                      results->speed_of_sound_m_s);

  np_json_add_length (builder, "depth", results->calibrated, results->has_depth, results->depth);
  np_json_add_point (builder, "skin_foot", results->has_depth, results->skin_foot);
  np_json_add_length (builder, "path_length", results->calibrated,
                      results->has_path, results->path_length);
  np_json_add_number_or_null (builder, "insertion_angle_deg", results->has_angle,
                      results->insertion_angle_deg);
  np_json_add_length (builder, "projected_path_length", results->calibrated,
                      results->has_projection,
              results->projected_path_length);
  np_json_add_number_or_null (builder, "projected_angle_deg", results->has_projection,
                      results->projected_angle_deg);

  for (int unit = 0; unit < 2; unit++)
    {
      json_builder_set_member_name (builder, unit == 0 ? "clearance_mm" : "clearance_px");
      if (cal != (unit == 0))
        {
          json_builder_add_null_value (builder);
          continue;
        }
      json_builder_begin_object (builder);
      for (guint i = 0; i < results->clearances->len; i++)
        {
          json_builder_set_member_name (builder, g_ptr_array_index (keys, i));
          np_json_add_double_value (builder, g_array_index (results->clearances,
                                                                 NpStructureClearance,
                                                                 i).clearance);
        }
      json_builder_end_object (builder);
    }
  np_json_add_length (builder, "min_clearance", results->calibrated, nearest != NULL,
              nearest != NULL ? nearest->clearance : NAN);
  json_builder_set_member_name (builder, "nearest_structure");
  if (nearest != NULL)
    json_builder_add_string_value (builder, g_ptr_array_index (keys, results->nearest));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "structures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, g_ptr_array_index (keys, i));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, np_structure_kind_to_string (c->kind));
      np_json_add_length (builder, "clearance", results->calibrated, TRUE, c->clearance);
      add_interval (builder, results, "clearance_ci95", c->has_ci, c->clearance_ci95);
      add_source (builder, results, "clearance_ci95_source", c->has_ci, c->ci_source);
      json_builder_set_member_name (builder, "margin_at_risk");
      json_builder_add_boolean_value (builder, c->margin_at_risk);
      /* A margin is only meaningful, and only shown, in millimetres. */
      np_json_add_number_or_null (builder, "margin_mm", cal, c->margin_mm);
      json_builder_set_member_name (builder, "entered");
      json_builder_add_boolean_value (builder, c->entered);
      json_builder_set_member_name (builder, "within_margin");
      if (cal)
        json_builder_add_boolean_value (builder, c->within_margin);
      else
        json_builder_add_null_value (builder);
      np_json_add_point (builder, "on_path", TRUE, c->on_path);
      np_json_add_point (builder, "on_structure", TRUE, c->on_structure);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "crosses");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->clearances->len; i++)
    {
      const NpStructureClearance *c = &g_array_index (results->clearances, NpStructureClearance, i);

      if (c->entered || c->within_margin)
        json_builder_add_string_value (builder, g_ptr_array_index (keys, i));
    }
  json_builder_end_array (builder);

  np_json_add_point (builder, "fov_entry", results->has_fov_entry, results->fov_entry);
  np_json_add_length (builder, "fov_entry_depth", results->calibrated, results->has_fov_entry,
              results->fov_entry_depth);
  json_builder_set_member_name (builder, "visibility");
  if (np_visibility_to_string (results->visibility) != NULL)
    json_builder_add_string_value (builder, np_visibility_to_string (results->visibility));
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "walkdown");
  if (results->has_walkdown)
    {
      json_builder_begin_object (builder);
      np_json_add_number_or_null (builder, "angle_deg", TRUE, results->walkdown_angle_deg);
      np_json_add_length (builder, "offset", results->calibrated, TRUE, results->walkdown_offset);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  np_json_add_number_or_null (builder, "needle_mm", results->has_needle, results->needle_mm);
  np_json_add_number_or_null (builder, "needle_inch", results->has_needle, results->needle_inch);
  /* needle_mm covers needle_basis + 10 mm: the upper end of the path's 95 %
   * interval ("path_length_ci95_upper") once known, else the path. */
  json_builder_set_member_name (builder, "needle_rule");
  if (results->has_needle)
    json_builder_add_string_value (builder, results->needle_from_interval
                                            ? "path_length_ci95_upper" : "path_length");
  else
    json_builder_add_null_value (builder);
  np_json_add_length (builder, "needle_basis", results->calibrated,
                      results->has_needle, results->needle_basis);
  json_builder_set_member_name (builder, "gauges");
  json_builder_begin_array (builder);
  for (guint i = 0; results->gauges != NULL && results->gauges[i] != 0; i++)
    {
      g_autofree char *gauge = g_strdup_printf ("%u G", results->gauges[i]);
      json_builder_add_string_value (builder, gauge);
    }
  json_builder_end_array (builder);

  add_interval (builder, results, "depth_ci95", results->has_depth_ci, results->depth_ci95);
  add_interval (builder, results, "path_length_ci95", results->has_path_ci,
                results->path_length_ci95);
  add_interval (builder, results, "depth_ci95_propagated", results->has_depth_ci,
                results->depth_ci95_propagated);
  add_interval (builder, results, "path_length_ci95_propagated", results->has_path_ci,
                results->path_length_ci95_propagated);
  np_json_add_pair (builder, "insertion_angle_ci95_deg", results->has_angle_ci,
                    results->insertion_angle_ci95[0], results->insertion_angle_ci95[1]);
  np_json_add_pair (builder, "insertion_angle_ci95_propagated_deg", results->has_angle_ci,
                    results->insertion_angle_ci95_propagated[0],
                    results->insertion_angle_ci95_propagated[1]);
  add_source (builder, results, "depth_ci95_source", results->has_depth_ci,
              results->depth_ci_source);
  add_source (builder, results, "path_length_ci95_source", results->has_path_ci,
              results->path_ci_source);
  add_source (builder, results, "insertion_angle_ci95_source", results->has_angle_ci,
              results->angle_ci_source);
  np_json_add_number_or_null (builder, "speed_of_sound_sd_m_s", results->has_depth_ci
                      && results->speed_of_sound_m_s > 0, results->speed_of_sound_sd_m_s);
  json_builder_set_member_name (builder, "monte_carlo");
  if (results->has_depth_ci)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "samples");
      json_builder_add_int_value (builder, results->mc_samples);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, (gint64) results->mc_seed);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "two_views");
  if (results->has_two_views)
    {
      json_builder_begin_object (builder);
      np_json_add_number_or_null (builder, "angle_deg", TRUE, results->views_angle_deg);
      np_json_add_number_or_null (builder, "depth_mm", TRUE, results->two_views.depth_mm);
      np_json_add_number_or_null (builder, "path_length_mm", TRUE,
                                  results->two_views.path_length_mm);
      np_json_add_number_or_null (builder, "rms_residual_mm", TRUE,
                                  results->two_views.rms_residual_mm);
      /* Triangulated through both views' cone beams, not parallel projections. */
      np_json_add_boolean (builder, "cone_beam", results->two_views.cone_beam);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "measurements");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->measurements->len; i++)
    {
      const NpMeasurementValue *m = &g_array_index (results->measurements, NpMeasurementValue, i);
      gboolean is_angle = m->kind == NP_MEASURE_ANGLE;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, measure_kind_name (m->kind));
      if (is_angle)
        np_json_add_number_or_null (builder, "value_deg", m->valid, m->value);
      else
        np_json_add_length (builder, "value", results->calibrated, m->valid, m->value);
      if (!is_angle && !m->valid && isfinite (m->value_px))
        np_json_add_number_or_null (builder, "value_px", TRUE, m->value_px);
      json_builder_set_member_name (builder, "outside_region");
      json_builder_add_boolean_value (builder, m->outside_region);
      json_builder_set_member_name (builder, "outside_region_reason");
      if (m->outside_reason != NULL)
        json_builder_add_string_value (builder, m->outside_reason);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (results->warnings, i));
  /* The values above that were not finite are null; say so. */
  if (np_json_count_nonfinite (builder) > 0)
    {
      g_autofree char *text =
        g_strdup_printf (_("%u value%s could not be computed as a finite number and %s written "
                         "as null"), np_json_count_nonfinite (builder),
                         np_json_count_nonfinite (builder) == 1 ? "" : "s",
                         np_json_count_nonfinite (builder) == 1 ? "is" : "are");

      json_builder_add_string_value (builder, text);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
