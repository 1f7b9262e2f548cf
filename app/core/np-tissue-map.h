/* np-tissue-map.h: labelled tissue geometry of a synthetic ultrasound scan
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Scan space, in millimetres: x runs across the probe face (0 at its
 * centre, positive to the right of the image), z runs down from the skin at
 * the centre of the probe. It is the physical space of the phantom before it
 * is placed on the frame; np-phantom-us.h maps it to image pixels. */
typedef struct
{
  double x;
  double z;
} NpScanPoint;

static inline NpScanPoint
np_scan_point (double x,
               double z)
{
  NpScanPoint p = { x, z };
  return p;
}

typedef enum
{
  NP_TISSUE_COUPLING,        /* gel between probe and skin: anechoic, lossless */
  NP_TISSUE_SKIN,
  NP_TISSUE_FAT,
  NP_TISSUE_MUSCLE,
  NP_TISSUE_TENDON,
  NP_TISSUE_LIGAMENT,        /* joint capsule, fascia */
  NP_TISSUE_FIBROCARTILAGE,  /* labrum */
  NP_TISSUE_CARTILAGE,       /* hyaline: anechoic */
  NP_TISSUE_FLUID,           /* effusion, bursa */
  NP_TISSUE_BLOOD,
  NP_TISSUE_VESSEL_WALL,
  NP_TISSUE_BONE,
  NP_N_TISSUES
} NpTissue;

/* Acoustic properties; values from the ultrasound physics literature
 * (Duck, "Physical properties of tissue", 1990; Szabo, "Diagnostic
 * ultrasound imaging", 2014), rounded. */
typedef struct
{
  const char *name;
  double impedance_mrayl;          /* acoustic impedance, 10^6 kg m^-2 s^-1 */
  double attenuation_db_cm_mhz;    /* one way */
  double backscatter;              /* diffuse scatter power relative to muscle */
} NpTissueProperties;

/* How the scatterer strength varies inside a tissue. */
typedef enum
{
  NP_TEXTURE_PLAIN,          /* uniform: fully developed speckle only */
  NP_TEXTURE_FIBRILLAR,      /* tendon in long axis: parallel bright strands */
  NP_TEXTURE_PUNCTATE,       /* tendon in short axis: bright dots */
  NP_TEXTURE_FASCICLES,      /* muscle: dark fascicles between bright perimysium lines */
  NP_TEXTURE_SEPTA,          /* fat: dark lobules with thin bright septa */
} NpTexture;

typedef struct
{
  NpTissue tissue;
  NpTexture texture;
  double fibre_angle_rad;    /* direction of fibres at this point, 0 = along x */
} NpTissueSample;

typedef struct _NpTissueMap NpTissueMap;

NpTissueMap *np_tissue_map_new            (NpTissue            base,
                                           NpTexture           base_texture,
                                           double              base_angle_deg);
void         np_tissue_map_free           (NpTissueMap        *map);
guint        np_tissue_map_get_n_shapes   (const NpTissueMap  *map);

void         np_tissue_map_add_layer      (NpTissueMap        *map,
                                           NpTissue            tissue,
                                           NpTexture           texture,
                                           double              angle_deg,
                                           double              depth_top_mm,
                                           double              depth_bottom_mm);
void         np_tissue_map_add_ellipse    (NpTissueMap        *map,
                                           NpTissue            tissue,
                                           NpTexture           texture,
                                           double              angle_deg,
                                           NpScanPoint         centre,
                                           double              radius_x_mm,
                                           double              radius_z_mm);
void         np_tissue_map_add_polygon    (NpTissueMap        *map,
                                           NpTissue            tissue,
                                           NpTexture           texture,
                                           double              angle_deg,
                                           const NpScanPoint  *points,
                                           guint               n_points);
void         np_tissue_map_set_relief     (NpTissueMap        *map,
                                           double              amplitude_mm,
                                           guint32             seed);
void         np_tissue_map_curve_fibres   (NpTissueMap        *map,
                                           NpScanPoint         centre);

void         np_tissue_map_lookup         (const NpTissueMap  *map,
                                           NpScanPoint         point,
                                           double              depth_mm,
                                           NpTissueSample     *sample);

const NpTissueProperties *np_tissue_get_properties (NpTissue tissue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTissueMap, np_tissue_map_free)

G_END_DECLS
