/* np-phantom.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-phantom.h"

#include "np-json-text.h"

#include "np-error.h"
#include "np-file.h"
#include "np-phantom-private.h"
#include "np-plan-file.h"
#include "np-png.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

/* zlib level of the frames: fixed, so a case regenerates to the same bytes */
#define PNG_COMPRESSION 6

struct _NpPhantom
{
  NpFrame *frame;
  NpPlan *plan;
  JsonNode *truth;
  GBytes *png;                  /* the encoded frame, hashed in the plan */
  double pixel_mm;
  double target_depth_mm;
};

/* What the generator can make. The preset ids are np-approach.c's, stored
 * in the plan; --approach takes them or the short names. */
typedef struct
{
  const char *preset_id;
  const char *names;            /* ';'-separated; the first is the short name */
  NpSite site;
  NpModality modality;
  NpProbe probe;                /* the usual probe */
  NpCondition condition;
  const char *title;
} PhantomApproach;

static const PhantomApproach phantom_approaches[] = {
  { "knee-suprapatellar-lateral", "suprapatellar", NP_SITE_KNEE, NP_MODALITY_ULTRASOUND,
    NP_PROBE_LINEAR, NP_CONDITION_OSTEOARTHRITIS, "knee effusion, suprapatellar recess" },
  { "shoulder-glenohumeral-posterior", "glenohumeral;posterior", NP_SITE_SHOULDER,
    NP_MODALITY_ULTRASOUND, NP_PROBE_CURVILINEAR, NP_CONDITION_OSTEOARTHRITIS,
    "shoulder, posterior glenohumeral joint" },
  { "shoulder-subacromial", "subacromial", NP_SITE_SHOULDER, NP_MODALITY_ULTRASOUND,
    NP_PROBE_LINEAR, NP_CONDITION_CHRONIC_SOFT_TISSUE,
    "shoulder, subacromial-subdeltoid bursa" },
  { "hip-anterior-head-neck", "anterior;head-neck", NP_SITE_HIP, NP_MODALITY_ULTRASOUND,
    NP_PROBE_CURVILINEAR, NP_CONDITION_OSTEOARTHRITIS,
    "hip, anterior recess at the head-neck junction" },
  { "fluoroscopy-coaxial", "coaxial;anterolateral", NP_SITE_KNEE, NP_MODALITY_FLUOROSCOPY,
    NP_PROBE_LINEAR, NP_CONDITION_OSTEOARTHRITIS, "knee, anterolateral joint line" },
  { "fluoroscopy-coaxial", "coaxial;anterior", NP_SITE_SHOULDER, NP_MODALITY_FLUOROSCOPY,
    NP_PROBE_LINEAR, NP_CONDITION_OSTEOARTHRITIS, "shoulder, anterior glenohumeral joint" },
  { "fluoroscopy-coaxial", "coaxial;anterior", NP_SITE_HIP, NP_MODALITY_FLUOROSCOPY,
    NP_PROBE_LINEAR, NP_CONDITION_OSTEOARTHRITIS, "hip, femoral head-neck junction" },
};

void
np_phantom_options_init (NpPhantomOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->site = NP_SITE_KNEE;
  options->modality = NP_MODALITY_ULTRASOUND;
  options->probe = NP_PROBE_LINEAR;
  options->view = NP_VIEW_NONE;
}

static gboolean
approach_matches (const PhantomApproach *approach,
                  const char            *name)
{
  g_auto(GStrv) names = NULL;

  if (g_str_equal (name, approach->preset_id))
    return TRUE;
  names = g_strsplit (approach->names, ";", -1);
  return g_strv_contains ((const char *const *) names, name);
}

static char *
list_approaches (NpSite     site,
                 NpModality modality)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (phantom_approaches); i++)
    {
      const PhantomApproach *a = &phantom_approaches[i];
      g_auto(GStrv) names = NULL;

      if (a->site != site || a->modality != modality)
        continue;
      names = g_strsplit (a->names, ";", 2);
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", names[0]);
    }
  return g_string_free (out, FALSE);
}

static const PhantomApproach *
resolve_approach (const NpPhantomOptions  *options,
                  GError                 **error)
{
  const char *modality = options->modality == NP_MODALITY_ULTRASOUND ? "ultrasound"
                                                                      : "fluoroscopy";

  if (options->site != NP_SITE_KNEE && options->site != NP_SITE_SHOULDER
      && options->site != NP_SITE_HIP)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   "there is no phantom of the %s; the sites are knee, shoulder and hip",
                   np_site_to_string (options->site));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (phantom_approaches); i++)
    {
      const PhantomApproach *a = &phantom_approaches[i];

      if (a->site != options->site || a->modality != options->modality)
        continue;
      if (options->approach != NULL)
        {
          if (approach_matches (a, options->approach))
            return a;
          continue;
        }
      /* Default: the shoulder's bursa needs a linear probe, its joint a
       * curvilinear one; every other site has a single approach. */
      if (options->site == NP_SITE_SHOULDER && options->modality == NP_MODALITY_ULTRASOUND
          && options->has_probe && options->probe == NP_PROBE_LINEAR
          && !g_str_equal (a->preset_id, "shoulder-subacromial"))
        continue;
      return a;
    }

  {
    g_autofree char *known = list_approaches (options->site, options->modality);
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                 "“%s” is not an approach of the %s %s phantom (known: %s)",
                 options->approach ? options->approach : "", np_site_to_string (options->site),
                 modality, known);
  }
  return NULL;
}

/**
 * np_phantom_describe_approaches:
 *
 * Returns: (transfer full): one line per site and modality, for --help
 */
char *
np_phantom_describe_approaches (void)
{
  GString *out = g_string_new (NULL);
  static const NpSite sites[] = { NP_SITE_KNEE, NP_SITE_SHOULDER, NP_SITE_HIP };

  for (guint m = 0; m < 2; m++)
    for (guint s = 0; s < G_N_ELEMENTS (sites); s++)
      {
        g_autofree char *names = list_approaches (sites[s], m);
        g_string_append_printf (out, "  %-9s %-12s %s\n", np_site_to_string (sites[s]),
                                m == NP_MODALITY_ULTRASOUND ? "ultrasound" : "fluoroscopy",
                                names);
      }
  return g_string_free (out, FALSE);
}

/* ---- case helpers -------------------------------------------------------- */

double
np_phantom_case_draw (NpPhantomCase *phantom_case,
                      const char    *name,
                      double         lo,
                      double         hi,
                      guint          per_unit)
{
  double value = np_phantom_sample (phantom_case->rng, lo, MAX (lo, hi), per_unit);

  np_phantom_case_record (phantom_case, name, value);
  return value;
}

void
np_phantom_case_record (NpPhantomCase *phantom_case,
                        const char    *name,
                        double         value)
{
  NpPhantomParam param = { name, value };

  g_array_append_val (phantom_case->params, param);
}

/* ---- clearance ------------------------------------------------------------ */

static double
point_segment_distance (NpImagePoint p,
                        NpImagePoint a,
                        NpImagePoint b)
{
  double dx = b.x - a.x, dy = b.y - a.y;
  double length2 = dx * dx + dy * dy;
  double t = length2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

static double
cross (NpImagePoint o,
       NpImagePoint a,
       NpImagePoint b)
{
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

static double
segment_distance (NpImagePoint a,
                  NpImagePoint b,
                  NpImagePoint c,
                  NpImagePoint d)
{
  double d1 = cross (a, b, c), d2 = cross (a, b, d);
  double d3 = cross (c, d, a), d4 = cross (c, d, b);

  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return 0;
  return MIN (MIN (point_segment_distance (a, c, d), point_segment_distance (b, c, d)),
              MIN (point_segment_distance (c, a, b), point_segment_distance (d, a, b)));
}

static gboolean
polygon_contains (const GArray *points,
                  NpImagePoint  p)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = points->len - 1; i < points->len; j = i++)
    {
      NpImagePoint a = g_array_index (points, NpImagePoint, i);
      NpImagePoint b = g_array_index (points, NpImagePoint, j);

      if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
        inside = !inside;
    }
  return inside;
}

double
np_phantom_clearance_mm (const NpStructure *structure,
                         NpImagePoint       a,
                         NpImagePoint       b,
                         double             pixel_mm)
{
  g_autoptr(GArray) outline = NULL;
  gboolean closed = structure->shape != NP_SHAPE_POLYLINE;
  double best = G_MAXDOUBLE;

  g_return_val_if_fail (structure->points->len >= 2, 0);

  if (structure->shape == NP_SHAPE_ELLIPSE)
    {
      NpImagePoint centre = g_array_index (structure->points, NpImagePoint, 0);
      NpImagePoint radii = g_array_index (structure->points, NpImagePoint, 1);

      outline = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
      for (guint k = 0; k < 180; k++)
        {
          double angle = k * 2 * G_PI / 180;
          NpImagePoint p = { centre.x + radii.x * cos (angle), centre.y + radii.y * sin (angle) };
          g_array_append_val (outline, p);
        }
    }
  else
    outline = g_array_ref (structure->points);

  if (closed && (polygon_contains (outline, a) || polygon_contains (outline, b)))
    return 0;
  for (guint i = 0; i + 1 < outline->len + (closed ? 1 : 0); i++)
    {
      NpImagePoint c = g_array_index (outline, NpImagePoint, i);
      NpImagePoint d = g_array_index (outline, NpImagePoint, (i + 1) % outline->len);
      best = MIN (best, segment_distance (a, b, c, d));
    }
  return best * pixel_mm;
}

/* ---- ground truth ---------------------------------------------------------- */

/* Same style as plan files: members in order, the shortest decimal that
 * reads back exactly, short arrays of numbers on one line. */


static void
append_node (GString  *out,
             JsonNode *node,
             guint     depth)
{
  if (JSON_NODE_HOLDS_NULL (node))
    g_string_append (out, "null");
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);

      if (type == G_TYPE_INT64)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
      else if (type == G_TYPE_DOUBLE)
        np_json_text_append_double (out, json_node_get_double (node));
      else if (type == G_TYPE_BOOLEAN)
        g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      else
        np_json_text_append_string (out, json_node_get_string (node));
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);
      gboolean inline_values = TRUE;

      for (guint i = 0; i < length && inline_values; i++)
        inline_values = JSON_NODE_HOLDS_VALUE (json_array_get_element (array, i));
      g_string_append (out, inline_values || length == 0 ? "[" : "[\n");
      for (guint i = 0; i < length; i++)
        {
          if (i > 0)
            g_string_append (out, inline_values ? ", " : ",\n");
          if (!inline_values)
            g_string_append_printf (out, "%*s", 2 * (depth + 1), "");
          append_node (out, json_array_get_element (array, i), depth + 1);
        }
      if (!inline_values && length > 0)
        g_string_append_printf (out, "\n%*s", 2 * depth, "");
      g_string_append_c (out, ']');
    }
  else
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;
      gboolean first = TRUE;

      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          g_string_append_printf (out, "%s\n%*s", first ? "" : ",", 2 * (depth + 1), "");
          np_json_text_append_string (out, name);
          g_string_append (out, ": ");
          append_node (out, member, depth + 1);
          first = FALSE;
        }
      if (!first)
        g_string_append_printf (out, "\n%*s", 2 * depth, "");
      g_string_append_c (out, '}');
    }
}

static JsonArray *
point_array (NpImagePoint p)
{
  JsonArray *array = json_array_new ();

  json_array_add_double_element (array, p.x);
  json_array_add_double_element (array, p.y);
  return array;
}

static JsonArray *
points_array (const GArray *points)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < points->len; i++)
    json_array_add_array_element (array, point_array (g_array_index (points, NpImagePoint, i)));
  return array;
}

static JsonNode *
build_truth (const NpPhantomCase    *c,
             const NpPhantomOptions *options,
             const char             *approach_name,
             const char             *sha256)
{
  const NpPlan *plan = c->plan;
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *generator = json_object_new ();
  JsonObject *frame = json_object_new ();
  JsonObject *anatomy = json_object_new ();
  JsonObject *target = json_object_new ();
  JsonObject *skin = json_object_new ();
  JsonArray *structures = json_array_new ();
  JsonNode *node;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_set_string_member (root, "format", NP_PHANTOM_TRUTH_FORMAT);
  json_object_set_int_member (root, "version", NP_PHANTOM_TRUTH_VERSION);

  json_object_set_string_member (generator, "site", np_site_to_string (plan->site));
  json_object_set_string_member (generator, "modality", np_modality_to_string (plan->modality));
  if (plan->modality == NP_MODALITY_ULTRASOUND)
    json_object_set_string_member (generator, "probe", np_probe_to_string (plan->probe));
  else
    json_object_set_string_member (generator, "view", np_view_to_string (plan->view));
  json_object_set_string_member (generator, "approach", approach_name);
  json_object_set_string_member (generator, "preset", plan->approach);
  json_object_set_int_member (generator, "seed", options->seed);
  json_object_set_string_member (generator, "side", np_side_to_string (plan->side));
  json_object_set_object_member (root, "generator", generator);

  json_object_set_string_member (frame, "path", NP_PHANTOM_FRAME_FILE);
  json_object_set_string_member (frame, "sha256", sha256);
  json_object_set_int_member (frame, "width", np_frame_get_width (c->frame));
  json_object_set_int_member (frame, "height", np_frame_get_height (c->frame));
  json_object_set_int_member (frame, "bit_depth", np_frame_get_bit_depth (c->frame));
  json_object_set_double_member (frame, "pixel_size_mm", c->pixel_mm);
  json_object_set_object_member (root, "frame", frame);

  json_object_set_object_member (root, "scanner", json_object_ref (c->scanner));

  for (guint i = 0; i < c->params->len; i++)
    {
      const NpPhantomParam *param = &g_array_index (c->params, NpPhantomParam, i);
      json_object_set_double_member (anatomy, param->name, param->value);
    }
  json_object_set_object_member (root, "anatomy", anatomy);

  json_object_set_array_member (target, "image_px", point_array (plan->target));
  /* One fluoroscopic view has no depth: the truth says so, and gives the
   * depth the AP and lateral views of the seed give together. */
  if (plan->modality == NP_MODALITY_ULTRASOUND)
    json_object_set_double_member (target, "depth_mm", c->target_depth_mm);
  else
    {
      json_object_set_null_member (target, "depth_mm");
      json_object_set_double_member (target, "depth_from_two_views_mm", c->target_depth_mm);
    }
  json_object_set_object_member (root, "target", target);
  if (plan->has_entry)
    json_object_set_array_member (root, "entry_px", point_array (plan->entry));
  else
    json_object_set_null_member (root, "entry_px");
  json_object_set_array_member (root, "target_region_px", points_array (plan->target_region));

  json_object_set_string_member (skin, "kind", np_skin_kind_to_string (plan->skin_kind));
  json_object_set_array_member (skin, "points_px", points_array (plan->skin_points));
  json_object_set_object_member (root, "skin", skin);

  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (plan->structures, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "label", s->label);
      json_object_set_string_member (o, "kind", np_structure_kind_to_string (s->kind));
      json_object_set_string_member (o, "shape", np_shape_to_string (s->shape));
      json_object_set_double_member (o, "margin_mm", s->margin_mm);
      json_object_set_array_member (o, "points_px", points_array (s->points));
      json_array_add_object_element (structures, o);
    }
  json_object_set_array_member (root, "structures", structures);

  json_object_iter_init_ordered (&iter, c->extra);
  while (json_object_iter_next_ordered (&iter, &name, &member))
    json_object_set_member (root, name, json_node_copy (member));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, root);
  return node;
}

/* ---- generation ------------------------------------------------------------- */

static void
phantom_case_clear (NpPhantomCase *c)
{
  g_clear_pointer (&c->rng, gsl_rng_free);
  g_clear_pointer (&c->params, g_array_unref);
  g_clear_pointer (&c->plan, np_plan_free);
  g_clear_pointer (&c->frame, np_frame_unref);
  g_clear_pointer (&c->scanner, json_object_unref);
  g_clear_pointer (&c->extra, json_object_unref);
}

/**
 * np_phantom_generate:
 *
 * Draws one case: anatomy from @options->seed within the ranges of the
 * site's template, the frame, the expert plan and the ground truth. The
 * same options always give the same bytes.
 *
 * Returns: (transfer full) (nullable): the case
 */
NpPhantom *
np_phantom_generate (const NpPhantomOptions  *options,
                     GError                 **error)
{
  const PhantomApproach *approach;
  NpPhantomCase c = { 0 };
  g_autoptr(NpPhantom) phantom = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *short_name = NULL;
  NpView view = options->view;
  gboolean ok;

  g_return_val_if_fail (options != NULL, NULL);

  approach = resolve_approach (options, error);
  if (approach == NULL)
    return NULL;
  if (options->modality == NP_MODALITY_FLUOROSCOPY)
    {
      if (view == NP_VIEW_NONE)
        view = NP_VIEW_AP;
      if (view != NP_VIEW_AP && view != NP_VIEW_LATERAL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                       "the fluoroscopy phantom has AP and lateral views, not “%s”",
                       np_view_to_string (view));
          return NULL;
        }
    }
  {
    g_auto(GStrv) names = g_strsplit (approach->names, ";", 2);
    short_name = g_strdup (names[0]);
  }

  np_gsl_init ();
  c.seed = options->seed;
  c.rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (c.rng, options->seed);
  c.side = gsl_rng_uniform (c.rng) < 0.5 ? NP_SIDE_RIGHT : NP_SIDE_LEFT;
  c.approach_id = approach->preset_id;
  c.params = g_array_new (FALSE, FALSE, sizeof (NpPhantomParam));
  c.target_depth_mm = NAN;
  c.plan = np_plan_new ();

  c.plan->site = approach->site;
  c.plan->side = c.side;
  c.plan->condition = approach->condition;
  np_plan_set_string (&c.plan->approach, approach->preset_id);
  {
    const char *view_name = options->modality != NP_MODALITY_FLUOROSCOPY ? ""
                            : view == NP_VIEW_AP ? ", AP view" : ", lateral view";
    g_autofree char *title = g_strdup_printf ("Synthetic case: %s%s (seed %u)", approach->title,
                                              view_name, options->seed);
    np_plan_set_string (&c.plan->title, title);
  }
  np_plan_set_string (&c.plan->clinician, "NeedlePlan phantom generator (expert answer)");
  np_plan_set_string (&c.plan->notes,
                      "Synthetic frame with known geometry, made by needleplan-cli phantom. "
                      "The marks are the expert answer; truth.json holds the exact generator "
                      "parameters.");
  np_plan_set_string (&c.plan->frame_path, NP_PHANTOM_FRAME_FILE);

  if (options->modality == NP_MODALITY_ULTRASOUND)
    ok = np_phantom_build_ultrasound (&c, options->has_probe ? options->probe : approach->probe,
                                      error);
  else
    {
      c.plan->view = view;
      ok = np_phantom_build_fluoroscopy (&c, view, error);
    }
  if (!ok)
    {
      phantom_case_clear (&c);
      return NULL;
    }

  np_calibration_free (c.plan->calibration);
  c.plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_FILE, c.pixel_mm, 0);
  c.plan->calibration->note = g_strdup ("true pixel size of the synthetic frame (PNG pHYs)");

  phantom = g_new0 (NpPhantom, 1);
  phantom->png = np_png_encode (c.frame, PNG_COMPRESSION, error);
  if (phantom->png == NULL)
    {
      phantom_case_clear (&c);
      return NULL;
    }
  sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, phantom->png);
  np_plan_set_string (&c.plan->frame_sha256, sha256);

  phantom->truth = build_truth (&c, options, short_name, sha256);
  phantom->frame = g_steal_pointer (&c.frame);
  phantom->plan = g_steal_pointer (&c.plan);
  phantom->pixel_mm = c.pixel_mm;
  phantom->target_depth_mm = c.target_depth_mm;
  phantom_case_clear (&c);
  return g_steal_pointer (&phantom);
}

void
np_phantom_free (NpPhantom *phantom)
{
  if (phantom == NULL)
    return;
  g_clear_pointer (&phantom->frame, np_frame_unref);
  g_clear_pointer (&phantom->plan, np_plan_free);
  g_clear_pointer (&phantom->truth, json_node_unref);
  g_clear_pointer (&phantom->png, g_bytes_unref);
  g_free (phantom);
}

NpFrame *
np_phantom_get_frame (const NpPhantom *phantom)
{
  g_return_val_if_fail (phantom != NULL, NULL);
  return phantom->frame;
}

const NpPlan *
np_phantom_get_plan (const NpPhantom *phantom)
{
  g_return_val_if_fail (phantom != NULL, NULL);
  return phantom->plan;
}

JsonNode *
np_phantom_get_truth (const NpPhantom *phantom)
{
  g_return_val_if_fail (phantom != NULL, NULL);
  return phantom->truth;
}

double
np_phantom_get_pixel_size (const NpPhantom *phantom)
{
  g_return_val_if_fail (phantom != NULL, 0);
  return phantom->pixel_mm;
}

/* The true depth of the target below the skin: for ultrasound what the
 * frame shows, for fluoroscopy what the AP and lateral views give together
 * (along the AP beam). */
double
np_phantom_get_target_depth (const NpPhantom *phantom)
{
  g_return_val_if_fail (phantom != NULL, 0);
  return phantom->target_depth_mm;
}

/* ---- writing ------------------------------------------------------------------ */

static const char *const case_files[] = {
  NP_PHANTOM_FRAME_FILE, NP_PHANTOM_PLAN_FILE, NP_PHANTOM_TRUTH_FILE,
};

static void
remove_staging (const char *staging)
{
  for (guint i = 0; i < G_N_ELEMENTS (case_files); i++)
    {
      g_autofree char *path = g_build_filename (staging, case_files[i], NULL);
      g_unlink (path);
    }
  g_rmdir (staging);
}

static gboolean
write_staged (const NpPhantom  *phantom,
              const char       *staging,
              GError          **error)
{
  g_autofree char *frame_path = g_build_filename (staging, NP_PHANTOM_FRAME_FILE, NULL);
  g_autofree char *plan_path = g_build_filename (staging, NP_PHANTOM_PLAN_FILE, NULL);
  g_autofree char *truth_path = g_build_filename (staging, NP_PHANTOM_TRUTH_FILE, NULL);
  g_autoptr(GString) truth = g_string_new (NULL);

  append_node (truth, phantom->truth, 0);
  g_string_append_c (truth, '\n');

  return np_file_write_atomic (frame_path, g_bytes_get_data (phantom->png, NULL),
                               g_bytes_get_size (phantom->png), error)
         && np_plan_file_save (phantom->plan, NULL, plan_path, error)
         && np_file_write_atomic (truth_path, truth->str, truth->len, error);
}

/**
 * np_phantom_write:
 * @directory: created if missing
 *
 * Writes frame.png, plan.json and truth.json into @directory. All three are
 * written into a hidden folder inside @directory first and moved in only
 * when all succeeded, so a failure leaves no partial case behind.
 */
gboolean
np_phantom_write (const NpPhantom  *phantom,
                  const char       *directory,
                  GError          **error)
{
  g_autofree char *display = NULL;
  g_autofree char *staging = NULL;
  g_autoptr(GError) staged_error = NULL;
  gboolean created = FALSE;
  int saved_errno;

  g_return_val_if_fail (phantom != NULL, FALSE);
  g_return_val_if_fail (directory != NULL, FALSE);

  display = g_filename_display_name (directory);
  if (!g_file_test (directory, G_FILE_TEST_EXISTS))
    {
      if (g_mkdir_with_parents (directory, 0755) != 0)
        {
          saved_errno = errno;
          g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot create the case folder “%s”: %s"),
                       display, g_strerror (saved_errno));
          return FALSE;
        }
      created = TRUE;
    }
  else if (!g_file_test (directory, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO,
                   _("Cannot write the case into “%s”: it is a file, not a folder"), display);
      return FALSE;
    }

  staging = g_build_filename (directory, ".phantom-XXXXXX", NULL);
  if (g_mkdtemp (staging) == NULL)
    {
      saved_errno = errno;
      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot write into the case folder “%s”: %s"),
                   display, g_strerror (saved_errno));
      if (created)
        g_rmdir (directory);
      return FALSE;
    }

  if (!write_staged (phantom, staging, &staged_error))
    {
      /* Name the file the user asked for, not the hidden staging folder. */
      g_autofree char *staging_display = g_filename_display_name (staging);
      g_autoptr(GString) message = g_string_new (staged_error->message);

      g_string_replace (message, staging_display, display, 0);
      g_set_error_literal (error, staged_error->domain, staged_error->code, message->str);
      remove_staging (staging);
      if (created)
        g_rmdir (directory);
      return FALSE;
    }

  /* Only regular files are replaced (a FIFO or device node named like a
   * case file is never renamed over), and that is known before any move. */
  for (guint i = 0; i < G_N_ELEMENTS (case_files); i++)
    {
      g_autofree char *to = g_build_filename (directory, case_files[i], NULL);
      GStatBuf info;

      if (g_lstat (to, &info) == 0 && !S_ISREG (info.st_mode))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot write the case into “%s”: its "
                         "“%s” is not a regular file"), display, case_files[i]);
          remove_staging (staging);
          return FALSE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (case_files); i++)
    {
      g_autofree char *from = g_build_filename (staging, case_files[i], NULL);
      g_autofree char *to = g_build_filename (directory, case_files[i], NULL);

      if (g_rename (from, to) != 0)
        {
          saved_errno = errno;
          g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot move “%s” into “%s”: %s"),
                       case_files[i], display, g_strerror (saved_errno));
          /* take back what was moved, so the case is all or nothing */
          for (guint k = 0; k < i; k++)
            {
              g_autofree char *moved = g_build_filename (directory, case_files[k], NULL);
              g_unlink (moved);
            }
          remove_staging (staging);
          if (created)
            g_rmdir (directory);
          return FALSE;
        }
    }
  g_rmdir (staging);
  return TRUE;
}
