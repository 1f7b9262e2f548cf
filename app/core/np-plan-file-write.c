/* np-plan-file-write.c: building a plan's JSON document and its stable text
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-file-private.h"

#include "np-json-text.h"
#include "np-json-util.h"

/* The case, the calibration and the marks each have their builder; the
 * small sections (frame, physics, expert) are written in place. A new format
 * version changes the part it concerns and NP_PLAN_VERSION. */

/* ---- Text -------------------------------------------------------------- */

static void
append_indent (GString *out,
               guint    depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static gboolean
is_scalar (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node);
}

/* Pretty JSON with members in insertion order and arrays of plain values
 * ([x, y]) on one line: stable, diffable and readable. */
static void
append_node (GString  *out,
             JsonNode *node,
             guint     depth)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        if (json_object_get_size (object) == 0)
          {
            g_string_append (out, "{}");
            break;
          }
        g_string_append (out, "{\n");
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append (out, ",\n");
            first = FALSE;
            append_indent (out, depth + 1);
            np_json_text_append_string (out, name);
            g_string_append (out, ": ");
            append_node (out, member, depth + 1);
          }
        g_string_append_c (out, '\n');
        append_indent (out, depth);
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);
        gboolean inline_values = TRUE;

        if (length == 0)
          {
            g_string_append (out, "[]");
            break;
          }
        for (guint i = 0; i < length && inline_values; i++)
          inline_values = is_scalar (json_array_get_element (array, i));

        g_string_append (out, inline_values ? "[" : "[\n");
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append (out, inline_values ? ", " : ",\n");
            if (!inline_values)
              append_indent (out, depth + 1);
            append_node (out, json_array_get_element (array, i), depth + 1);
          }
        if (!inline_values)
          {
            g_string_append_c (out, '\n');
            append_indent (out, depth);
          }
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          np_json_text_append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          np_json_text_append_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---- Sections ---------------------------------------------------------- */

/* format, version and the case: who, where, what. */
static void
build_case (JsonBuilder  *builder,
            const NpPlan *plan)
{
  np_json_add_string (builder, "format", NP_PLAN_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, NP_PLAN_VERSION);

  np_json_add_string (builder, "modality", np_modality_to_string (plan->modality));
  np_json_add_string (builder, "probe", np_probe_to_string (plan->probe));
  np_json_add_string (builder, "site", np_site_to_string (plan->site));
  np_json_add_string (builder, "side", np_side_to_string (plan->side));
  np_json_add_string (builder, "condition", np_condition_to_string (plan->condition));
  np_json_add_string (builder, "injectate", np_injectate_to_string (plan->injectate));
  np_json_add_number (builder, "volume_ml", plan->volume_ml);
  np_json_add_string (builder, "technique", np_technique_to_string (plan->technique));
  np_json_add_string (builder, "approach", plan->approach);
  np_json_add_string (builder, "view", np_view_to_string (plan->view));
  np_json_add_string (builder, "title", plan->title);
  np_json_add_string (builder, "clinician", plan->clinician);
  np_json_add_string (builder, "patient_name", plan->patient_name);
  np_json_add_string (builder, "patient_id", plan->patient_id);
  np_json_add_string (builder, "notes", plan->notes);
}

static void
build_calibration (JsonBuilder         *builder,
                   const NpCalibration *calibration)
{
  json_builder_set_member_name (builder, "calibration");
  json_builder_begin_object (builder);
  np_calibration_add_json_members (calibration, builder,
                                   NP_CALIBRATION_JSON_RECORD | NP_CALIBRATION_JSON_REGIONS);
  json_builder_end_object (builder);
}

static void
build_marks (JsonBuilder  *builder,
             const NpPlan *plan)
{
  json_builder_set_member_name (builder, "marks");
  json_builder_begin_object (builder);
  np_json_add_point (builder, "target", plan->has_target, plan->target);
  np_json_add_point (builder, "entry", plan->has_entry, plan->entry);

  json_builder_set_member_name (builder, "skin");
  json_builder_begin_object (builder);
  np_json_add_string (builder, "kind", np_skin_kind_to_string (plan->skin_kind));
  np_json_add_points (builder, "points", plan->skin_points);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "structures");
  json_builder_begin_array (builder);
  for (guint i = 0; plan->structures != NULL && i < plan->structures->len; i++)
    {
      const NpStructure *structure = g_ptr_array_index (plan->structures, i);

      json_builder_begin_object (builder);
      np_json_add_string (builder, "label", structure->label);
      np_json_add_string (builder, "kind", np_structure_kind_to_string (structure->kind));
      np_json_add_string (builder, "shape", np_shape_to_string (structure->shape));
      np_json_add_points (builder, "points", structure->points);
      np_json_add_number (builder, "margin_mm", structure->margin_mm);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "measurements");
  json_builder_begin_array (builder);
  for (guint i = 0; plan->measurements != NULL && i < plan->measurements->len; i++)
    {
      const NpMeasurement *m = &g_array_index (plan->measurements, NpMeasurement, i);

      json_builder_begin_object (builder);
      np_json_add_string (builder, "kind", np_measure_kind_to_string (m->kind));
      json_builder_set_member_name (builder, "points");
      json_builder_begin_array (builder);
      for (guint k = 0; k < m->n_points; k++)
        np_json_add_point_value (builder, m->points[k]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* The frame: where it is relative to the plan (".." allowed since version
 * 2), its checksum, where it was when saved, and for DICOM which instance
 * and frame. */
static void
build_frame (JsonBuilder  *builder,
             const NpPlan *plan)
{
  json_builder_set_member_name (builder, "frame");
  json_builder_begin_object (builder);
  np_json_add_string (builder, "path", plan->frame_path);
  np_json_add_string (builder, "sha256", plan->frame_sha256);
  np_json_add_string (builder, "absolute_path", plan->frame_absolute_path);
  json_builder_set_member_name (builder, "dicom");
  if (plan->dicom_frame_number > 0)
    {
      json_builder_begin_object (builder);
      np_json_add_string (builder, "sop_instance_uid", plan->dicom_sop_instance_uid);
      np_json_add_int (builder, "frame_number", plan->dicom_frame_number);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* Version 2: this view's cone-beam geometry and the view it is paired with. */
static void
build_fluoroscopy (JsonBuilder  *builder,
                   const NpPlan *plan)
{
  json_builder_set_member_name (builder, "fluoroscopy");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "geometry");
  if (plan->has_geometry)
    {
      json_builder_begin_object (builder);
      np_json_add_number (builder, "sid_mm", plan->geometry.sid_mm);
      np_json_add_number (builder, "sod_mm", plan->geometry.sod_mm);
      np_json_add_pair (builder, "detector_pixel_mm", TRUE, plan->geometry.detector_pixel_mm[0],
                        plan->geometry.detector_pixel_mm[1]);
      np_json_add_point (builder, "central_ray", TRUE, plan->geometry.central_ray);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "second_view");
  if (plan->second_view_path != NULL)
    {
      json_builder_begin_object (builder);
      np_json_add_string (builder, "plan", plan->second_view_path);
      np_json_add_number (builder, "angle_deg", plan->second_view_angle_deg);
      np_json_add_boolean (builder, "mirrored", plan->second_view_mirrored);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

/* ---- The document ------------------------------------------------------ */

/* The whole document, in the order a person reads it. */
JsonNode *
_np_plan_file_build (const NpPlan *plan,
                     JsonNode     *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  build_case (builder, plan);

  build_frame (builder, plan);

  build_calibration (builder, plan->calibration);

  json_builder_set_member_name (builder, "physics");
  json_builder_begin_object (builder);
  np_json_add_number (builder, "speed_of_sound_m_s", plan->speed_of_sound_m_s);
  np_json_add_number (builder, "speed_of_sound_sd_m_s", plan->speed_of_sound_sd_m_s);
  np_json_add_number (builder, "mark_error_px", plan->mark_error_px);
  json_builder_end_object (builder);

  build_marks (builder, plan);

  /* Only a fluoroscopy plan has a beam geometry and a second view. */
  if (plan->modality == NP_MODALITY_FLUOROSCOPY)
    build_fluoroscopy (builder, plan);

  json_builder_set_member_name (builder, "redactions");
  json_builder_begin_array (builder);
  for (guint i = 0; plan->redactions != NULL && i < plan->redactions->len; i++)
    {
      const NpImageRect *rect = &g_array_index (plan->redactions, NpImageRect, i);

      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, rect->x);
      json_builder_add_double_value (builder, rect->y);
      json_builder_add_double_value (builder, rect->width);
      json_builder_add_double_value (builder, rect->height);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "expert");
  json_builder_begin_object (builder);
  np_json_add_points (builder, "target_region", plan->target_region);
  json_builder_end_object (builder);

  if (results != NULL)
    {
      json_builder_set_member_name (builder, "results");
      json_builder_add_value (builder, json_node_copy (results));
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Two-space indents, one member a line, scalars' arrays on one line: the
 * same plan always gives the same bytes. */
char *
_np_plan_file_format (JsonNode *root)
{
  GString *out = g_string_new (NULL);

  append_node (out, root, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}
