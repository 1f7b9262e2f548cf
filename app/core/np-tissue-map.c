/* np-tissue-map.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-tissue-map.h"

#include "np-phantom-private.h"

#include <math.h>

static const NpTissueProperties tissue_properties[NP_N_TISSUES] = {
  [NP_TISSUE_COUPLING] = { "coupling gel", 1.50, 0.0, 0.0 },
  [NP_TISSUE_SKIN] = { "skin", 1.60, 1.2, 2.5 },
  [NP_TISSUE_FAT] = { "fat", 1.38, 0.6, 0.22 },
  [NP_TISSUE_MUSCLE] = { "muscle", 1.70, 0.9, 1.0 },
  [NP_TISSUE_TENDON] = { "tendon", 1.75, 1.2, 4.0 },
  [NP_TISSUE_LIGAMENT] = { "ligament", 1.72, 1.1, 6.0 },
  [NP_TISSUE_FIBROCARTILAGE] = { "fibrocartilage", 1.80, 1.0, 9.0 },
  [NP_TISSUE_CARTILAGE] = { "hyaline cartilage", 1.85, 1.0, 0.006 },
  [NP_TISSUE_FLUID] = { "fluid", 1.50, 0.01, 0.00002 },
  [NP_TISSUE_BLOOD] = { "blood", 1.61, 0.15, 0.0002 },
  [NP_TISSUE_VESSEL_WALL] = { "vessel wall", 1.70, 1.0, 5.0 },
  [NP_TISSUE_BONE] = { "bone", 7.80, 20.0, 1.0 },
};

typedef enum
{
  SHAPE_LAYER,
  SHAPE_ELLIPSE,
  SHAPE_POLYGON,
} ShapeKind;

typedef struct
{
  ShapeKind kind;
  NpTissue tissue;
  NpTexture texture;
  double angle_rad;
  gboolean curved;              /* fibres run around fibre_centre */
  NpScanPoint fibre_centre;
  /* bounding box in scan space, for a cheap rejection */
  double x_min, x_max, z_min, z_max;
  /* layer */
  double depth_top, depth_bottom;
  /* ellipse */
  NpScanPoint centre;
  double radius_x, radius_z;
  /* polygon */
  NpScanPoint *points;
  guint n_points;
} Shape;

struct _NpTissueMap
{
  NpTissue base;
  NpTexture base_texture;
  double base_angle_rad;
  double relief_mm;
  guint32 relief_seed;
  GPtrArray *shapes;            /* Shape*, painted in order: later shapes cover earlier ones */
};

static void
shape_free (gpointer data)
{
  Shape *shape = data;

  g_free (shape->points);
  g_free (shape);
}

/**
 * np_tissue_map_new:
 * @base: the tissue everywhere no shape covers
 *
 * Returns: (transfer full): an empty map
 */
NpTissueMap *
np_tissue_map_new (NpTissue  base,
                   NpTexture base_texture,
                   double    base_angle_deg)
{
  NpTissueMap *map;

  g_return_val_if_fail (base < NP_N_TISSUES, NULL);

  map = g_new0 (NpTissueMap, 1);
  map->base = base;
  map->base_texture = base_texture;
  map->base_angle_rad = base_angle_deg * G_PI / 180.0;
  map->shapes = g_ptr_array_new_with_free_func (shape_free);
  return map;
}

void
np_tissue_map_free (NpTissueMap *map)
{
  if (map == NULL)
    return;
  g_ptr_array_unref (map->shapes);
  g_free (map);
}

guint
np_tissue_map_get_n_shapes (const NpTissueMap *map)
{
  g_return_val_if_fail (map != NULL, 0);
  return map->shapes->len;
}

static Shape *
shape_new (NpTissueMap *map,
           ShapeKind    kind,
           NpTissue     tissue,
           NpTexture    texture,
           double       angle_deg)
{
  Shape *shape = g_new0 (Shape, 1);

  shape->kind = kind;
  shape->tissue = tissue;
  shape->texture = texture;
  shape->angle_rad = angle_deg * G_PI / 180.0;
  shape->x_min = -G_MAXDOUBLE;
  shape->x_max = G_MAXDOUBLE;
  shape->z_min = -G_MAXDOUBLE;
  shape->z_max = G_MAXDOUBLE;
  g_ptr_array_add (map->shapes, shape);
  return shape;
}

/**
 * np_tissue_map_add_layer:
 *
 * A band between two depths below the skin. Depth follows the skin, so a
 * layer is flat under a linear probe and an arc under a curvilinear one.
 */
void
np_tissue_map_add_layer (NpTissueMap *map,
                         NpTissue     tissue,
                         NpTexture    texture,
                         double       angle_deg,
                         double       depth_top_mm,
                         double       depth_bottom_mm)
{
  Shape *shape;

  g_return_if_fail (map != NULL);
  g_return_if_fail (tissue < NP_N_TISSUES);
  g_return_if_fail (depth_top_mm <= depth_bottom_mm);

  shape = shape_new (map, SHAPE_LAYER, tissue, texture, angle_deg);
  shape->depth_top = depth_top_mm;
  shape->depth_bottom = depth_bottom_mm;
}

/* An axis-aligned ellipse in scan space. */
void
np_tissue_map_add_ellipse (NpTissueMap *map,
                           NpTissue     tissue,
                           NpTexture    texture,
                           double       angle_deg,
                           NpScanPoint  centre,
                           double       radius_x_mm,
                           double       radius_z_mm)
{
  Shape *shape;

  g_return_if_fail (map != NULL);
  g_return_if_fail (tissue < NP_N_TISSUES);
  g_return_if_fail (radius_x_mm > 0 && radius_z_mm > 0);

  shape = shape_new (map, SHAPE_ELLIPSE, tissue, texture, angle_deg);
  shape->centre = centre;
  shape->radius_x = radius_x_mm;
  shape->radius_z = radius_z_mm;
  shape->x_min = centre.x - radius_x_mm;
  shape->x_max = centre.x + radius_x_mm;
  shape->z_min = centre.z - radius_z_mm;
  shape->z_max = centre.z + radius_z_mm;
}

/* A closed polygon in scan space (even-odd rule). */
void
np_tissue_map_add_polygon (NpTissueMap       *map,
                           NpTissue           tissue,
                           NpTexture          texture,
                           double             angle_deg,
                           const NpScanPoint *points,
                           guint              n_points)
{
  Shape *shape;

  g_return_if_fail (map != NULL);
  g_return_if_fail (tissue < NP_N_TISSUES);
  g_return_if_fail (points != NULL && n_points >= 3);

  shape = shape_new (map, SHAPE_POLYGON, tissue, texture, angle_deg);
  shape->points = g_memdup2 (points, sizeof (NpScanPoint) * n_points);
  shape->n_points = n_points;
  shape->x_min = shape->x_max = points[0].x;
  shape->z_min = shape->z_max = points[0].z;
  for (guint i = 1; i < n_points; i++)
    {
      shape->x_min = MIN (shape->x_min, points[i].x);
      shape->x_max = MAX (shape->x_max, points[i].x);
      shape->z_min = MIN (shape->z_min, points[i].z);
      shape->z_max = MAX (shape->z_max, points[i].z);
    }
}

/**
 * np_tissue_map_curve_fibres:
 *
 * Makes the fibres of the last shape added run along circles around
 * @centre, as a tendon does over the dome of a bone; the shape's angle is
 * then ignored.
 */
void
np_tissue_map_curve_fibres (NpTissueMap *map,
                            NpScanPoint  centre)
{
  Shape *shape;

  g_return_if_fail (map != NULL);
  g_return_if_fail (map->shapes->len > 0);

  shape = g_ptr_array_index (map->shapes, map->shapes->len - 1);
  shape->curved = TRUE;
  shape->fibre_centre = centre;
}

static gboolean
polygon_contains (const Shape *shape,
                  NpScanPoint  p)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = shape->n_points - 1; i < shape->n_points; j = i++)
    {
      const NpScanPoint *a = &shape->points[i];
      const NpScanPoint *b = &shape->points[j];

      if ((a->z > p.z) != (b->z > p.z)
          && p.x < (b->x - a->x) * (p.z - a->z) / (b->z - a->z) + a->x)
        inside = !inside;
    }
  return inside;
}

/**
 * np_tissue_map_set_relief:
 * @amplitude_mm: largest shift of a layer boundary
 *
 * Makes the boundaries between layers undulate gently (over about 5 mm
 * across the probe) like real fascial planes, instead of ruler-straight.
 * The skin surface itself stays where it is.
 */
void
np_tissue_map_set_relief (NpTissueMap *map,
                          double       amplitude_mm,
                          guint32      seed)
{
  g_return_if_fail (map != NULL);
  g_return_if_fail (amplitude_mm >= 0);

  map->relief_mm = amplitude_mm;
  map->relief_seed = seed;
}

static double
boundary_depth (const NpTissueMap *map,
                double             depth_mm,
                double             x_mm)
{
  guint32 seed;

  if (map->relief_mm == 0 || depth_mm <= 0)
    return depth_mm;
  /* one noise curve per boundary, so the layers above and below share it */
  seed = map->relief_seed ^ ((guint32) floor (depth_mm * 100 + 0.5) * 0x9e3779b9u);
  return depth_mm + map->relief_mm * (2 * np_phantom_value_noise (seed, x_mm / 5.0, 0.5) - 1);
}

static gboolean
shape_contains (const NpTissueMap *map,
                const Shape       *shape,
                NpScanPoint        p,
                double             depth_mm)
{
  if (p.x < shape->x_min || p.x > shape->x_max || p.z < shape->z_min || p.z > shape->z_max)
    return FALSE;

  switch (shape->kind)
    {
    case SHAPE_LAYER:
      /* the relief only matters within its amplitude of a boundary */
      if (depth_mm < shape->depth_top - map->relief_mm
          || depth_mm >= shape->depth_bottom + map->relief_mm)
        return FALSE;
      if (depth_mm >= shape->depth_top + map->relief_mm
          && depth_mm < shape->depth_bottom - map->relief_mm)
        return TRUE;
      return depth_mm >= boundary_depth (map, shape->depth_top, p.x)
             && depth_mm < boundary_depth (map, shape->depth_bottom, p.x);
    case SHAPE_ELLIPSE:
      {
        double u = (p.x - shape->centre.x) / shape->radius_x;
        double v = (p.z - shape->centre.z) / shape->radius_z;
        return u * u + v * v <= 1.0;
      }
    case SHAPE_POLYGON:
      return polygon_contains (shape, p);
    default:
      g_assert_not_reached ();
    }
  return FALSE;
}

/**
 * np_tissue_map_lookup:
 * @depth_mm: depth of @point below the skin (the scanner knows the skin shape)
 *
 * The tissue at @point: the last shape that contains it, else the base.
 */
void
np_tissue_map_lookup (const NpTissueMap *map,
                      NpScanPoint        point,
                      double             depth_mm,
                      NpTissueSample    *sample)
{
  g_return_if_fail (map != NULL);
  g_return_if_fail (sample != NULL);

  /* Above the skin is the coupling gel, whatever the shapes say. */
  if (depth_mm < 0)
    {
      sample->tissue = NP_TISSUE_COUPLING;
      sample->texture = NP_TEXTURE_PLAIN;
      sample->fibre_angle_rad = 0;
      return;
    }

  for (guint i = map->shapes->len; i > 0; i--)
    {
      const Shape *shape = g_ptr_array_index (map->shapes, i - 1);

      if (!shape_contains (map, shape, point, depth_mm))
        continue;
      sample->tissue = shape->tissue;
      sample->texture = shape->texture;
      if (shape->curved)
        /* tangent of the circle through the point around the centre */
        sample->fibre_angle_rad = atan2 (point.z - shape->fibre_centre.z,
                                         point.x - shape->fibre_centre.x) + G_PI / 2;
      else
        sample->fibre_angle_rad = shape->angle_rad;
      return;
    }

  sample->tissue = map->base;
  sample->texture = map->base_texture;
  sample->fibre_angle_rad = map->base_angle_rad;
}

const NpTissueProperties *
np_tissue_get_properties (NpTissue tissue)
{
  g_return_val_if_fail (tissue < NP_N_TISSUES, &tissue_properties[NP_TISSUE_COUPLING]);
  return &tissue_properties[tissue];
}
