/* np-phantom-fluoro.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-phantom-fluoro.h"

#include "np-error.h"
#include "np-phantom-private.h"

#include <cairo.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* Most solids a group may hold; a ray meets each at most once. */
#define MAX_GROUP_SOLIDS 8

static NpVec3
vadd (NpVec3 a,
      NpVec3 b)
{
  return np_vec3 (a.x + b.x, a.y + b.y, a.z + b.z);
}

static NpVec3
vsub (NpVec3 a,
      NpVec3 b)
{
  return np_vec3 (a.x - b.x, a.y - b.y, a.z - b.z);
}

static NpVec3
vscale (NpVec3 a,
        double s)
{
  return np_vec3 (a.x * s, a.y * s, a.z * s);
}

static double
vdot (NpVec3 a,
      NpVec3 b)
{
  return a.x * b.x + a.y * b.y + a.z * b.z;
}

static NpVec3
vcross (NpVec3 a,
        NpVec3 b)
{
  return np_vec3 (a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x);
}

static NpVec3
vnormalize (NpVec3 a)
{
  return vscale (a, 1.0 / sqrt (vdot (a, a)));
}

/* ---- solids -------------------------------------------------------------- */

NpSolid
np_solid_ellipsoid (NpVec3 centre,
                    double rx,
                    double ry,
                    double rz,
                    double turn_about_z_deg)
{
  double a = turn_about_z_deg * G_PI / 180.0;
  NpSolid solid = { NP_SOLID_ELLIPSOID, centre,
                    { { cos (a), sin (a), 0 }, { -sin (a), cos (a), 0 }, { 0, 0, 1 } },
                    { rx, ry, rz } };
  return solid;
}

NpSolid
np_solid_sphere (NpVec3 centre,
                 double radius)
{
  return np_solid_ellipsoid (centre, radius, radius, radius, 0);
}

/* A cylinder from @from to @to; @radius_a lies as close to the x axis as
 * the cylinder's direction allows. */
NpSolid
np_solid_cylinder (NpVec3 from,
                   NpVec3 to,
                   double radius_a,
                   double radius_b)
{
  NpSolid solid = { 0 };
  NpVec3 along = vsub (to, from);
  double length = sqrt (vdot (along, along));
  NpVec3 helper;

  along = vscale (along, 1.0 / length);
  helper = fabs (along.y) < 0.9 ? np_vec3 (0, 1, 0) : np_vec3 (1, 0, 0);
  solid.kind = NP_SOLID_CYLINDER;
  solid.centre = vscale (vadd (from, to), 0.5);
  solid.axis[1] = vnormalize (vcross (along, vcross (helper, along)));
  solid.axis[0] = vcross (solid.axis[1], along);
  solid.axis[2] = along;
  solid.radius[0] = radius_a;
  solid.radius[1] = radius_b;
  solid.radius[2] = length / 2;
  return solid;
}

/* The same solid, smaller by @by_mm all round: the inside of a cortex. */
NpSolid
np_solid_shrunk (const NpSolid *solid,
                 double         by_mm)
{
  NpSolid inner = *solid;

  for (guint i = 0; i < 3; i++)
    inner.radius[i] = MAX (0.5, solid->radius[i] - by_mm);
  return inner;
}

/* Where the ray origin + t direction is inside @solid: [t0, t1]. */
static gboolean
solid_interval (const NpSolid *solid,
                NpVec3         origin,
                NpVec3         direction,
                double        *t0,
                double        *t1)
{
  NpVec3 rel = vsub (origin, solid->centre);
  double o[3], d[3], a, b, c, disc, root;

  for (guint i = 0; i < 3; i++)
    {
      o[i] = vdot (rel, solid->axis[i]) / solid->radius[i];
      d[i] = vdot (direction, solid->axis[i]) / solid->radius[i];
    }

  if (solid->kind == NP_SOLID_ELLIPSOID)
    {
      a = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      b = 2 * (o[0] * d[0] + o[1] * d[1] + o[2] * d[2]);
      c = o[0] * o[0] + o[1] * o[1] + o[2] * o[2] - 1;
      disc = b * b - 4 * a * c;
      if (disc <= 0)
        return FALSE;
      root = sqrt (disc);
      *t0 = (-b - root) / (2 * a);
      *t1 = (-b + root) / (2 * a);
      return TRUE;
    }

  /* cylinder: inside the elliptical tube and between the end planes */
  a = d[0] * d[0] + d[1] * d[1];
  b = 2 * (o[0] * d[0] + o[1] * d[1]);
  c = o[0] * o[0] + o[1] * o[1] - 1;
  if (a < 1e-12)
    {
      if (c > 0)
        return FALSE;
      *t0 = -G_MAXDOUBLE;
      *t1 = G_MAXDOUBLE;
    }
  else
    {
      disc = b * b - 4 * a * c;
      if (disc <= 0)
        return FALSE;
      root = sqrt (disc);
      *t0 = (-b - root) / (2 * a);
      *t1 = (-b + root) / (2 * a);
    }
  if (fabs (d[2]) < 1e-12)
    return fabs (o[2]) <= 1;
  {
    double s0 = (-1 - o[2]) / d[2], s1 = (1 - o[2]) / d[2];
    *t0 = MAX (*t0, MIN (s0, s1));
    *t1 = MIN (*t1, MAX (s0, s1));
  }
  return *t1 > *t0;
}

/* ---- the model ---------------------------------------------------------------- */

typedef struct
{
  double mu_shell;
  double mu_core;
  double texture;               /* trabecular mottle, a fraction of the group's attenuation */
  NpSolid outer[MAX_GROUP_SOLIDS];
  guint n_outer;
  NpSolid inner[MAX_GROUP_SOLIDS];
  guint n_inner;
} Group;

struct _NpPhantomFluoro
{
  GArray *groups;               /* Group */
};

NpPhantomFluoro *
np_phantom_fluoro_new (void)
{
  NpPhantomFluoro *model = g_new0 (NpPhantomFluoro, 1);

  model->groups = g_array_new (FALSE, TRUE, sizeof (Group));
  return model;
}

void
np_phantom_fluoro_free (NpPhantomFluoro *model)
{
  if (model == NULL)
    return;
  g_array_unref (model->groups);
  g_free (model);
}

guint
np_phantom_fluoro_add_group (NpPhantomFluoro *model,
                             double           mu_shell,
                             double           mu_core)
{
  Group group = { 0 };

  g_return_val_if_fail (model != NULL, 0);

  group.mu_shell = mu_shell;
  group.mu_core = mu_core;
  g_array_append_val (model->groups, group);
  return model->groups->len - 1;
}

/**
 * np_phantom_fluoro_set_texture:
 * @amount: relative variation of the group's attenuation, e.g. 0.15
 *
 * Gives a bone the mottled look of trabecular bone: its projected
 * attenuation varies by @amount over a few millimetres of the image.
 */
void
np_phantom_fluoro_set_texture (NpPhantomFluoro *model,
                               guint            group_index,
                               double           amount)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (group_index < model->groups->len);

  g_array_index (model->groups, Group, group_index).texture = amount;
}

void
np_phantom_fluoro_add_solid (NpPhantomFluoro *model,
                             guint            group_index,
                             gboolean         inner,
                             const NpSolid   *solid)
{
  Group *group;

  g_return_if_fail (model != NULL);
  g_return_if_fail (group_index < model->groups->len);
  g_return_if_fail (solid != NULL);

  group = &g_array_index (model->groups, Group, group_index);
  if (inner)
    {
      g_return_if_fail (group->n_inner < MAX_GROUP_SOLIDS);
      group->inner[group->n_inner++] = *solid;
    }
  else
    {
      g_return_if_fail (group->n_outer < MAX_GROUP_SOLIDS);
      group->outer[group->n_outer++] = *solid;
    }
}

typedef struct
{
  double t0, t1;
} Interval;

static int
compare_intervals (const void *a,
                   const void *b)
{
  const Interval *x = a, *y = b;

  return (x->t0 > y->t0) - (x->t0 < y->t0);
}

/* The union of the solids' intervals, sorted and disjoint; returns how many. */
static guint
union_intervals (const NpSolid *solids,
                 guint          n,
                 NpVec3         origin,
                 NpVec3         direction,
                 Interval      *out)
{
  guint count = 0, merged = 0;

  for (guint i = 0; i < n; i++)
    if (solid_interval (&solids[i], origin, direction, &out[count].t0, &out[count].t1))
      count++;
  if (count == 0)
    return 0;
  qsort (out, count, sizeof (Interval), compare_intervals);
  for (guint i = 1; i < count; i++)
    {
      if (out[i].t0 <= out[merged].t1)
        out[merged].t1 = MAX (out[merged].t1, out[i].t1);
      else
        out[++merged] = out[i];
    }
  return merged + 1;
}

static double
total_length (const Interval *intervals,
              guint           n)
{
  double sum = 0;

  for (guint i = 0; i < n; i++)
    sum += intervals[i].t1 - intervals[i].t0;
  return sum;
}

static double
overlap_length (const Interval *a,
                guint           na,
                const Interval *b,
                guint           nb)
{
  double sum = 0;

  for (guint i = 0; i < na; i++)
    for (guint j = 0; j < nb; j++)
      sum += MAX (0.0, MIN (a[i].t1, b[j].t1) - MAX (a[i].t0, b[j].t0));
  return sum;
}

/* The line integral, split into the part of the textured groups and the rest. */
static void
line_integral_parts (const NpPhantomFluoro *model,
                     NpVec3                 origin,
                     NpVec3                 direction,
                     double                *plain,
                     double                *textured)
{
  *plain = 0;
  *textured = 0;
  for (guint g = 0; g < model->groups->len; g++)
    {
      const Group *group = &g_array_index (model->groups, Group, g);
      Interval outer[MAX_GROUP_SOLIDS], inner[MAX_GROUP_SOLIDS];
      guint n_outer = union_intervals (group->outer, group->n_outer, origin, direction, outer);
      guint n_inner;
      double core, sum;

      if (n_outer == 0)
        continue;
      n_inner = union_intervals (group->inner, group->n_inner, origin, direction, inner);
      core = overlap_length (outer, n_outer, inner, n_inner);
      sum = group->mu_shell * (total_length (outer, n_outer) - core) + group->mu_core * core;
      if (group->texture > 0)
        *textured += sum * group->texture;
      *plain += sum;
    }
}

/**
 * np_phantom_fluoro_line_integral:
 * @direction: unit vector
 *
 * The sum of attenuation coefficient × path length along the whole line
 * (without texture).
 */
double
np_phantom_fluoro_line_integral (const NpPhantomFluoro *model,
                                 NpVec3                 origin,
                                 NpVec3                 direction)
{
  double plain, textured;

  line_integral_parts (model, origin, direction, &plain, &textured);
  return plain;
}

/* ---- the C-arm ------------------------------------------------------------------- */

void
np_carm_clear (NpCarm *carm)
{
  g_return_if_fail (carm != NULL);
  g_clear_pointer (&carm->header_left, g_free);
  g_clear_pointer (&carm->header_right, g_free);
  g_clear_pointer (&carm->marker, g_free);
}

NpVec3
np_carm_source (const NpCarm *carm)
{
  return vsub (carm->isocentre, vscale (carm->beam, carm->sod_mm));
}

/* Pixel size in the plane of the isocentre: detector pixel × SOD / SID. */
double
np_carm_pixel_mm (const NpCarm *carm)
{
  return carm->detector_pixel_mm * carm->sod_mm / carm->sid_mm;
}

/* SID over the distance from the source to @point along the beam. */
double
np_carm_magnification (const NpCarm *carm,
                       NpVec3        point)
{
  return carm->sid_mm / vdot (vsub (point, np_carm_source (carm)), carm->beam);
}

/* Central projection of @point onto the detector, in image pixels. */
NpImagePoint
np_carm_project (const NpCarm *carm,
                 NpVec3        point)
{
  NpVec3 source = np_carm_source (carm);
  NpVec3 rel = vsub (point, source);
  double scale = carm->sid_mm / vdot (rel, carm->beam) / carm->detector_pixel_mm;

  return np_image_point (carm->width / 2.0 + vdot (rel, carm->right) * scale,
                         carm->height / 2.0 + vdot (rel, carm->down) * scale);
}

static void
blur_rows_and_columns (double *image,
                       guint   width,
                       guint   height,
                       double  sigma)
{
  guint half = (guint) ceil (3 * sigma);
  g_autofree double *kernel = g_new (double, 2 * half + 1);
  g_autofree double *line = g_new (double, MAX (width, height));
  double sum = 0;

  if (sigma <= 0)
    return;
  for (guint k = 0; k <= 2 * half; k++)
    {
      double u = ((double) k - half) / sigma;
      kernel[k] = exp (-0.5 * u * u);
      sum += kernel[k];
    }
  for (guint k = 0; k <= 2 * half; k++)
    kernel[k] /= sum;

  for (guint y = 0; y < height; y++)
    {
      double *row = image + (gsize) y * width;
      memcpy (line, row, sizeof (double) * width);
      for (guint x = 0; x < width; x++)
        {
          double acc = 0;
          for (guint k = 0; k <= 2 * half; k++)
            {
              int xx = CLAMP ((int) x + (int) k - (int) half, 0, (int) width - 1);
              acc += kernel[k] * line[xx];
            }
          row[x] = acc;
        }
    }
  for (guint x = 0; x < width; x++)
    {
      for (guint y = 0; y < height; y++)
        line[y] = image[(gsize) y * width + x];
      for (guint y = 0; y < height; y++)
        {
          double acc = 0;
          for (guint k = 0; k <= 2 * half; k++)
            {
              int yy = CLAMP ((int) y + (int) k - (int) half, 0, (int) height - 1);
              acc += kernel[k] * line[yy];
            }
          image[(gsize) y * width + x] = acc;
        }
    }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gboolean
in_field (const NpCarm *carm,
          double        x,
          double        y)
{
  double dx = x - carm->width / 2.0, dy = y - carm->height / 2.0;

  return dx * dx + dy * dy <= carm->field_radius_px * carm->field_radius_px;
}

static void
draw_annotations (const NpCarm *carm,
                  NpFrame      *frame)
{
  cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, (int) carm->width,
                                                      (int) carm->height);
  cairo_t *cr = cairo_create (mask);

  cairo_set_source_rgba (cr, 0, 0, 0, 1);
  /* small, in the dark corners outside the round field */
  if (carm->header_left != NULL)
    np_phantom_draw_text (cr, 8, 8, 1, carm->header_left);
  if (carm->header_right != NULL)
    np_phantom_draw_text (cr, carm->width - 8 - np_phantom_text_width (carm->header_right, 1), 8,
                          1, carm->header_right);
  if (carm->marker != NULL)
    np_phantom_draw_text (cr, 24, carm->height - 24 - 7 * 5, 5, carm->marker);
  cairo_destroy (cr);
  cairo_surface_flush (mask);
  np_phantom_apply_overlay (frame, mask, carm->offset + carm->saturation);
  cairo_surface_destroy (mask);
}

/**
 * np_phantom_fluoro_render:
 * @seed: seeds the quantum noise
 *
 * Projects @model from the point source: line integrals of attenuation,
 * blurred by the focal spot and the detector; the exposure is set like an
 * automatic exposure control, for carm->photons quanta behind the middle of
 * the field; every pixel then gets Poisson quantum noise. Dense structures
 * are dark, as on a fluoroscopy monitor. The 16-bit frame holds detector
 * counts plus the dark offset; its declared pixel size is the one in the
 * plane of the isocentre.
 *
 * Returns: (transfer full): a 16-bit grey frame
 */
NpFrame *
np_phantom_fluoro_render (const NpPhantomFluoro  *model,
                          const NpCarm           *carm,
                          guint32                 seed,
                          GError                **error)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(gsl_rng) rng = NULL;
  g_autofree double *integral = NULL;
  NpVec3 source, detector_centre;
  double reference, exposure, scatter;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (carm != NULL, NULL);
  g_return_val_if_fail (carm->sid_mm > carm->sod_mm && carm->sod_mm > 0, NULL);
  g_return_val_if_fail (carm->offset + carm->saturation <= 65535, NULL);

  frame = np_frame_new (carm->width, carm->height, 1, 16, error);
  if (frame == NULL)
    return NULL;

  source = np_carm_source (carm);
  detector_centre = vadd (source, vscale (carm->beam, carm->sid_mm));
  integral = g_new (double, (gsize) carm->width * carm->height);
  for (guint y = 0; y < carm->height; y++)
    for (guint x = 0; x < carm->width; x++)
      {
        NpVec3 pixel = vadd (detector_centre,
                             vadd (vscale (carm->right, (x + 0.5 - carm->width / 2.0)
                                                        * carm->detector_pixel_mm),
                                   vscale (carm->down, (y + 0.5 - carm->height / 2.0)
                                                       * carm->detector_pixel_mm)));
        NpVec3 direction = vnormalize (vsub (pixel, source));
        double plain, textured, mottle;

        line_integral_parts (model, source, direction, &plain, &textured);
        /* trabecular mottle: value noise at about 1 and 3 mm on the detector */
        mottle = 0.65 * np_phantom_value_noise (seed ^ 0x2545f491u, x / 11.0, y / 11.0)
                 + 0.35 * np_phantom_value_noise (seed ^ 0x9e3779b9u, x / 4.0, y / 4.0) - 0.5;
        integral[(gsize) y * carm->width + x] = plain + 2 * mottle * textured;
      }
  blur_rows_and_columns (integral, carm->width, carm->height, carm->blur_px);

  /* Automatic exposure: the median attenuation over the middle fifth of
   * the field sets the tube output, so a metal ball there does not flood
   * the rest of the image. */
  {
    g_autoptr(GArray) middle = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint y = carm->height * 2 / 5; y < carm->height * 3 / 5; y++)
      g_array_append_vals (middle, integral + (gsize) y * carm->width + carm->width * 2 / 5,
                           carm->width * 3 / 5 - carm->width * 2 / 5);
    g_array_sort (middle, compare_doubles);
    reference = g_array_index (middle, double, middle->len / 2);
  }
  exposure = carm->photons * exp (reference);
  scatter = carm->scatter_fraction * carm->photons;

  rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);
  for (guint y = 0; y < carm->height; y++)
    for (guint x = 0; x < carm->width; x++)
      {
        double expected, falloff, dx, dy;
        guint counts;

        if (!in_field (carm, x + 0.5, y + 0.5))
          {
            np_frame_set_sample (frame, x, y, 0, carm->offset);
            continue;
          }
        /* an image intensifier is brighter in the middle than at the rim */
        dx = (x + 0.5 - carm->width / 2.0) / carm->field_radius_px;
        dy = (y + 0.5 - carm->height / 2.0) / carm->field_radius_px;
        falloff = 1 - carm->vignetting * (dx * dx + dy * dy);
        expected = (exposure * exp (-integral[(gsize) y * carm->width + x]) + scatter) * falloff;
        /* beyond saturation the count no longer matters: skip the draw */
        counts = expected > 4.0 * carm->saturation ? carm->saturation
                                                   : gsl_ran_poisson (rng, expected);
        np_frame_set_sample (frame, x, y, 0, carm->offset + MIN (counts, carm->saturation));
      }

  draw_annotations (carm, frame);
  np_frame_set_declared_pixel_size (frame, np_carm_pixel_mm (carm), np_carm_pixel_mm (carm));
  return g_steal_pointer (&frame);
}
