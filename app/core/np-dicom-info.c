/* np-dicom-info.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The facts the importer process reports about a DICOM file. The JSON comes
 * from another process that reads hostile files, so every member is checked
 * for its type and range before it is used.
 */

#define G_LOG_DOMAIN "np-core"

#include "np-dicom-info.h"

#include "np-error.h"

#include <math.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (NpDicomInfo, np_dicom_info, np_dicom_info_copy, np_dicom_info_free)

/* Offsets of the string members, so copy and free walk one list. */
#define STRING_MEMBER(name, field) { name, G_STRUCT_OFFSET (NpDicomInfo, field) }
static const struct
{
  const char *name;
  goffset     offset;
} string_members[] = {
  STRING_MEMBER ("photometric", photometric),
  STRING_MEMBER ("transfer_syntax_uid", transfer_syntax_uid),
  STRING_MEMBER ("transfer_syntax", transfer_syntax),
  STRING_MEMBER ("character_set", character_set),
  STRING_MEMBER ("modality", modality),
  STRING_MEMBER ("sop_class_uid", sop_class_uid),
  STRING_MEMBER ("sop_instance_uid", sop_instance_uid),
  STRING_MEMBER ("study_instance_uid", study_instance_uid),
  STRING_MEMBER ("series_instance_uid", series_instance_uid),
  STRING_MEMBER ("manufacturer", manufacturer),
  STRING_MEMBER ("model", model),
  STRING_MEMBER ("patient_name", patient_name),
  STRING_MEMBER ("patient_id", patient_id),
  STRING_MEMBER ("patient_birth_date", patient_birth_date),
  STRING_MEMBER ("patient_sex", patient_sex),
  STRING_MEMBER ("study_date", study_date),
  STRING_MEMBER ("study_description", study_description),
  STRING_MEMBER ("accession_number", accession_number),
  STRING_MEMBER ("referring_physician", referring_physician),
  STRING_MEMBER ("institution", institution),
};

/* The members that identify the patient or the study, left out of an
 * anonymous report. */
static const char *const patient_members[] = {
  "patient_name", "patient_id", "patient_birth_date", "patient_sex", "study_date",
  "study_description", "accession_number", "referring_physician", "institution",
};

#define DOUBLE_MEMBER(name, field) { name, G_STRUCT_OFFSET (NpDicomInfo, field) }
static const struct
{
  const char *name;
  goffset     offset;
} double_members[] = {
  DOUBLE_MEMBER ("frame_time", frame_time_ms),
  DOUBLE_MEMBER ("rescale_slope", rescale_slope),
  DOUBLE_MEMBER ("rescale_intercept", rescale_intercept),
  DOUBLE_MEMBER ("window_center", window_center),
  DOUBLE_MEMBER ("window_width", window_width),
  DOUBLE_MEMBER ("magnification", magnification),
  DOUBLE_MEMBER ("sid", sid_mm),
  DOUBLE_MEMBER ("sod", sod_mm),
};

#define STRING_AT(info, offset) G_STRUCT_MEMBER (char *, info, offset)
#define DOUBLE_AT(info, offset) G_STRUCT_MEMBER (double, info, offset)

static NpDicomInfo *
info_new (void)
{
  NpDicomInfo *info = g_new0 (NpDicomInfo, 1);

  for (gsize i = 0; i < G_N_ELEMENTS (double_members); i++)
    DOUBLE_AT (info, double_members[i].offset) = NAN;
  info->pixel_spacing[0] = info->pixel_spacing[1] = NAN;
  info->imager_pixel_spacing[0] = info->imager_pixel_spacing[1] = NAN;
  info->regions = g_array_new (FALSE, TRUE, sizeof (NpDicomRegion));
  return info;
}

static gboolean
fail (GError    **error,
      const char *member,
      const char *what)
{
  g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT,
               "the DICOM helper's reply has %s '%s'", what, member);
  return FALSE;
}

static gboolean
get_int (JsonObject *object,
         const char *member,
         gint64      min,
         gint64      max,
         gboolean    required,
         gint64     *out,
         GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return required ? fail (error, member, "no member") : TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fail (error, member, "a non-integer");
  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    return fail (error, member, "an out-of-range");
  return TRUE;
}

static gboolean
get_bool (JsonObject *object,
          const char *member,
          gboolean   *out,
          GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fail (error, member, "no boolean");
  *out = json_node_get_boolean (node);
  return TRUE;
}

/* A number (integer or not); absent or null leaves NAN. */
static gboolean
get_number (JsonNode   *node,
            const char *member,
            double     *out,
            GError    **error)
{
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return fail (error, member, "a non-number");
  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else
    return fail (error, member, "a non-number");
  return TRUE;
}

static gboolean
get_string (JsonObject *object,
            const char *member,
            gboolean    required,
            char      **out,
            GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    {
      if (required)
        return fail (error, member, "no member");
      *out = g_strdup ("");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (error, member, "a non-string");
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_pair (JsonObject *object,
          const char *member,
          double      out[2],
          GError    **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return fail (error, member, "a non-array");
  array = json_node_get_array (node);
  if (json_array_get_length (array) > 2)
    return fail (error, member, "an over-long");
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!get_number (json_array_get_element (array, i), member, &out[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
get_region (JsonNode      *node,
            NpDicomRegion *region,
            GError       **error)
{
  JsonObject *object;
  gint64 value;
  const struct { const char *name; gint64 *field; } bounds[] = {
    { "x0", &region->x0 }, { "y0", &region->y0 }, { "x1", &region->x1 }, { "y1", &region->y1 },
  };
  const struct { const char *name; int *field; } codes[] = {
    { "spatial_format", &region->spatial_format }, { "data_type", &region->data_type },
    { "units_x", &region->units_x }, { "units_y", &region->units_y },
  };

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, "regions", "a non-object item in");
  object = json_node_get_object (node);
  for (gsize i = 0; i < G_N_ELEMENTS (bounds); i++)
    {
      value = -1;
      if (!get_int (object, bounds[i].name, -1, G_MAXUINT32, FALSE, &value, error))
        return FALSE;
      *bounds[i].field = value;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      value = -1;
      if (!get_int (object, codes[i].name, -1, G_MAXUINT16, FALSE, &value, error))
        return FALSE;
      *codes[i].field = (int) value;
    }
  region->delta_x = region->delta_y = NAN;
  return get_number (json_object_get_member (object, "delta_x"), "delta_x", &region->delta_x, error)
         && get_number (json_object_get_member (object, "delta_y"), "delta_y", &region->delta_y,
                        error);
}

/**
 * np_dicom_info_new_from_json:
 * @object: the importer's reply to `open`
 *
 * Checks every member's type and range; a reply that breaks the protocol is
 * %NP_ERROR_CORRUPT.
 *
 * Returns: (transfer full) (nullable): the facts
 */
NpDicomInfo *
np_dicom_info_new_from_json (JsonObject *object,
                             GError    **error)
{
  g_autoptr(NpDicomInfo) info = info_new ();
  g_autofree char *delivered = NULL;
  const struct { const char *name; guint *field; gint64 min; gint64 max; } sizes[] = {
    { "rows", &info->rows, 1, G_MAXUINT16 },
    { "columns", &info->columns, 1, G_MAXUINT16 },
    { "frames", &info->frames, 1, G_MAXINT32 },
    { "samples_per_pixel", &info->samples_per_pixel, 1, 4 },
    { "bits_allocated", &info->bits_allocated, 1, 64 },
    { "bits_stored", &info->bits_stored, 1, 64 },
  };
  JsonNode *regions;

  g_return_val_if_fail (object != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gint64 value = 0;
      if (!get_int (object, sizes[i].name, sizes[i].min, sizes[i].max, TRUE, &value, error))
        return NULL;
      *sizes[i].field = (guint) value;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    {
      const char *name = string_members[i].name;
      gboolean required = g_str_equal (name, "photometric")
                          || g_str_equal (name, "transfer_syntax_uid");
      if (!get_string (object, name, required, &STRING_AT (info, string_members[i].offset), error))
        return NULL;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (double_members); i++)
    if (!get_number (json_object_get_member (object, double_members[i].name),
                     double_members[i].name, &DOUBLE_AT (info, double_members[i].offset), error))
      return NULL;
  if (!get_bool (object, "signed", &info->is_signed, error)
      || !get_bool (object, "invert", &info->invert, error)
      || !get_string (object, "delivered", TRUE, &delivered, error)
      || !get_pair (object, "pixel_spacing", info->pixel_spacing, error)
      || !get_pair (object, "imager_pixel_spacing", info->imager_pixel_spacing, error)
      || (json_object_has_member (object, "needleplan_plan_inside")
          && !get_bool (object, "needleplan_plan_inside", &info->needleplan_plan_inside, error)))
    return NULL;
  if (json_object_has_member (object, "needleplan_plan")
      && !get_string (object, "needleplan_plan", FALSE, &info->needleplan_plan, error))
    return NULL;
  if (g_str_equal (delivered, "rgb"))
    info->delivered_rgb = TRUE;
  else if (!g_str_equal (delivered, "grey"))
    {
      fail (error, "delivered", "an unknown");
      return NULL;
    }

  regions = json_object_get_member (object, "regions");
  if (regions != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (regions))
        {
          fail (error, "regions", "a non-array");
          return NULL;
        }
      array = json_node_get_array (regions);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          NpDicomRegion region = { 0 };
          if (!get_region (json_array_get_element (array, i), &region, error))
            return NULL;
          g_array_append_val (info->regions, region);
        }
    }
  return g_steal_pointer (&info);
}

NpDicomInfo *
np_dicom_info_copy (const NpDicomInfo *info)
{
  NpDicomInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    STRING_AT (copy, string_members[i].offset) = g_strdup (STRING_AT (info, string_members[i].offset));
  copy->regions = g_array_copy (info->regions);
  copy->needleplan_plan = g_strdup (info->needleplan_plan);
  return copy;
}

void
np_dicom_info_free (NpDicomInfo *info)
{
  if (info == NULL)
    return;
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    g_free (STRING_AT (info, string_members[i].offset));
  g_clear_pointer (&info->regions, g_array_unref);
  g_free (info->needleplan_plan);
  g_free (info);
}

guint
np_dicom_info_get_n_regions (const NpDicomInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->regions->len;
}

const NpDicomRegion *
np_dicom_info_get_region (const NpDicomInfo *info,
                          guint              index)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_return_val_if_fail (index < info->regions->len, NULL);
  return &g_array_index (info->regions, NpDicomRegion, index);
}

static void
add_number (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  if (isnan (value))
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

static gboolean
is_patient_member (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (patient_members); i++)
    if (g_str_equal (name, patient_members[i]))
      return TRUE;
  return FALSE;
}

/**
 * np_dicom_info_to_json:
 * @with_patient: FALSE leaves out the patient and study fields
 *
 * Returns: (transfer full): an object with the same member names the
 * importer uses
 */
JsonNode *
np_dicom_info_to_json (const NpDicomInfo *info,
                       gboolean           with_patient)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const struct { const char *name; guint value; } sizes[] = {
    { "rows", info->rows }, { "columns", info->columns }, { "frames", info->frames },
    { "samples_per_pixel", info->samples_per_pixel }, { "bits_allocated", info->bits_allocated },
    { "bits_stored", info->bits_stored },
  };

  g_return_val_if_fail (info != NULL, NULL);

  json_builder_begin_object (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      json_builder_set_member_name (builder, sizes[i].name);
      json_builder_add_int_value (builder, sizes[i].value);
    }
  json_builder_set_member_name (builder, "signed");
  json_builder_add_boolean_value (builder, info->is_signed);
  json_builder_set_member_name (builder, "delivered");
  json_builder_add_string_value (builder, info->delivered_rgb ? "rgb" : "grey");
  json_builder_set_member_name (builder, "invert");
  json_builder_add_boolean_value (builder, info->invert);
  for (gsize i = 0; i < G_N_ELEMENTS (string_members); i++)
    {
      if (!with_patient && is_patient_member (string_members[i].name))
        continue;
      json_builder_set_member_name (builder, string_members[i].name);
      json_builder_add_string_value (builder, STRING_AT (info, string_members[i].offset));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (double_members); i++)
    add_number (builder, double_members[i].name, DOUBLE_AT (info, double_members[i].offset));
  if (info->needleplan_plan_inside)
    {
      json_builder_set_member_name (builder, "needleplan_plan_inside");
      json_builder_add_boolean_value (builder, TRUE);
    }
  if (!isnan (info->pixel_spacing[0]))
    {
      json_builder_set_member_name (builder, "pixel_spacing");
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, info->pixel_spacing[0]);
      json_builder_add_double_value (builder, info->pixel_spacing[1]);
      json_builder_end_array (builder);
    }
  if (!isnan (info->imager_pixel_spacing[0]))
    {
      json_builder_set_member_name (builder, "imager_pixel_spacing");
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, info->imager_pixel_spacing[0]);
      json_builder_add_double_value (builder, info->imager_pixel_spacing[1]);
      json_builder_end_array (builder);
    }
  json_builder_set_member_name (builder, "regions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < info->regions->len; i++)
    {
      const NpDicomRegion *region = &g_array_index (info->regions, NpDicomRegion, i);
      const struct { const char *name; gint64 value; } ints[] = {
        { "x0", region->x0 }, { "y0", region->y0 }, { "x1", region->x1 }, { "y1", region->y1 },
        { "spatial_format", region->spatial_format }, { "data_type", region->data_type },
        { "units_x", region->units_x }, { "units_y", region->units_y },
      };
      json_builder_begin_object (builder);
      for (gsize k = 0; k < G_N_ELEMENTS (ints); k++)
        {
          json_builder_set_member_name (builder, ints[k].name);
          json_builder_add_int_value (builder, ints[k].value);
        }
      add_number (builder, "delta_x", region->delta_x);
      add_number (builder, "delta_y", region->delta_y);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * np_dicom_info_format_person_name:
 * @value: a Person Name (PN) value as the importer reports it
 *
 * "Family^Given^Middle^Prefix^Suffix" (PS3.5 6.2) as "Prefix Family, Given
 * Middle, Suffix": empty components are left out, and only the first
 * (alphabetic) representation before "=" is used.
 *
 * Returns: (transfer full): the name, "" when it has no component
 */
char *
np_dicom_info_format_person_name (const char *value)
{
  g_autofree char *alphabetic = NULL;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) given = NULL;
  GString *name;
  const char *part[5] = { "", "", "", "", "" };
  const char *equals;

  g_return_val_if_fail (value != NULL, NULL);

  given = g_string_new (NULL);
  name = g_string_new (NULL);
  equals = strchr (value, '=');
  alphabetic = equals != NULL ? g_strndup (value, equals - value) : g_strdup (value);
  parts = g_strsplit (alphabetic, "^", 5);
  for (guint i = 0; i < 5 && parts[i] != NULL; i++)
    part[i] = g_strstrip (parts[i]);

  for (guint i = 1; i <= 2; i++)
    if (*part[i] != '\0')
      g_string_append_printf (given, "%s%s", given->len > 0 ? " " : "", part[i]);
  if (*part[3] != '\0')
    g_string_append_printf (name, "%s ", part[3]);
  g_string_append (name, part[0]);
  if (given->len > 0)
    g_string_append_printf (name, "%s%s", *part[0] != '\0' ? ", " : "", given->str);
  if (*part[4] != '\0')
    g_string_append_printf (name, "%s%s", name->len > 0 ? ", " : "", part[4]);
  return g_strstrip (g_string_free (name, FALSE));
}

/**
 * np_dicom_info_format_date:
 * @value: a Date (DA) value, "YYYYMMDD" or the old ACR-NEMA "YYYY.MM.DD"
 *
 * Returns: (transfer full): "YYYY-MM-DD", or @value as it is when it is
 *   neither form
 */
char *
np_dicom_info_format_date (const char *value)
{
  gsize length;

  g_return_val_if_fail (value != NULL, g_strdup (""));

  length = strlen (value);
  if (length == 8 && strspn (value, "0123456789") == 8)
    return g_strdup_printf ("%.4s-%.2s-%.2s", value, value + 4, value + 6);
  if (length == 10 && value[4] == '.' && value[7] == '.' && strspn (value, "0123456789") == 4
      && strspn (value + 5, "0123456789") == 2 && strspn (value + 8, "0123456789") == 2)
    return g_strdup_printf ("%.4s-%.2s-%.2s", value, value + 5, value + 8);
  return g_strdup (value);
}

/**
 * np_dicom_info_describe_sex:
 * @value: a Patient's Sex (0010,0040) value: M, F or O
 *
 * Returns: "male", "female", "other", or @value itself for anything else
 */
const char *
np_dicom_info_describe_sex (const char *value)
{
  g_return_val_if_fail (value != NULL, "");

  if (g_str_equal (value, "M"))
    return "male";
  if (g_str_equal (value, "F"))
    return "female";
  if (g_str_equal (value, "O"))
    return "other";
  return value;
}
