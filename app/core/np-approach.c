/* np-approach.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-approach.h"

#include <glib/gi18n-lib.h>

#include <string.h>

/* Margins are indexed by NpStructureKind: vessel, nerve, tendon, bone,
 * cartilage, other. Bone is 0 where the needle is meant to reach the joint
 * line or touch bone as its end point; tendon is 0 where the usual path runs
 * through a muscle–tendon unit (infraspinatus in the posterior shoulder). */
static const NpApproach approaches[] = {
  {
    .id = "knee-suprapatellar-lateral",
    .name = N_("Knee, lateral suprapatellar recess, in-plane"),
    .modality = NP_MODALITY_ULTRASOUND, .site = NP_SITE_KNEE,
    .technique = NP_TECHNIQUE_IN_PLANE, .probe = NP_PROBE_LINEAR,
    .angle_min_deg = 10, .angle_max_deg = 40, .preferred_angle_deg = 25,
    .margin_mm = { 5, 5, 2, 0, 2, 2 },
    .gauges = { 18, 20, 22, 0 },
    .note = N_("Knee slightly flexed, probe transverse over the suprapatellar recess; "
            "needle from lateral, in plane, into the fluid under the quadriceps tendon."),
  },
  {
    .id = "shoulder-glenohumeral-posterior",
    .name = N_("Shoulder, posterior glenohumeral joint, in-plane"),
    .modality = NP_MODALITY_ULTRASOUND, .site = NP_SITE_SHOULDER,
    .technique = NP_TECHNIQUE_IN_PLANE, .probe = NP_PROBE_CURVILINEAR,
    .angle_min_deg = 15, .angle_max_deg = 45, .preferred_angle_deg = 30,
    .margin_mm = { 5, 5, 0, 0, 1, 0 },
    .gauges = { 20, 22, 0 },
    .note = N_("Probe along infraspinatus below the scapular spine; needle lateral to medial "
            "between the humeral head cartilage and the posterior labrum."),
  },
  {
    .id = "shoulder-subacromial",
    .name = N_("Shoulder, subacromial–subdeltoid bursa, in-plane"),
    .modality = NP_MODALITY_ULTRASOUND, .site = NP_SITE_SHOULDER,
    .technique = NP_TECHNIQUE_IN_PLANE, .probe = NP_PROBE_LINEAR,
    .angle_min_deg = 10, .angle_max_deg = 35, .preferred_angle_deg = 20,
    .margin_mm = { 3, 3, 1, 0, 0, 0 },
    .gauges = { 22, 25, 0 },
    .note = N_("Probe in the long axis of supraspinatus; needle lateral to medial into the "
            "bursa between deltoid and the tendon, not into the tendon."),
  },
  {
    .id = "hip-anterior-head-neck",
    .name = N_("Hip, anterior oblique to the femoral head–neck junction, in-plane"),
    .modality = NP_MODALITY_ULTRASOUND, .site = NP_SITE_HIP,
    .technique = NP_TECHNIQUE_IN_PLANE, .probe = NP_PROBE_CURVILINEAR,
    .angle_min_deg = 30, .angle_max_deg = 60, .preferred_angle_deg = 45,
    .margin_mm = { 10, 10, 0, 0, 0, 2 },
    .gauges = { 20, 22, 0 },
    .note = N_("Probe along the femoral neck; needle inferolateral to superomedial onto the "
            "head–neck junction; femoral artery, vein and nerve lie medial."),
  },
  {
    .id = "fluoroscopy-coaxial",
    .name = N_("Fluoroscopy, coaxial (down the beam) with a second view for depth"),
    .modality = NP_MODALITY_FLUOROSCOPY, .site = NP_SITE_HIP, .any_site = TRUE,
    .technique = NP_TECHNIQUE_COAXIAL, .probe = NP_PROBE_LINEAR,
    .angle_min_deg = 0, .angle_max_deg = 90, .preferred_angle_deg = 90,
    .margin_mm = { 5, 5, 0, 0, 0, 0 },
    .gauges = { 20, 22, 0 },
    .note = N_("Line the needle up with the beam over the target (hub over tip), advance, "
            "and check the depth on a second view before injecting."),
  },
};

/* Common gauges when no preset is chosen, indexed by NpSite. */
static const guint site_gauges[][NP_APPROACH_MAX_GAUGES] = {
  [NP_SITE_KNEE] = { 18, 20, 22, 0 },
  [NP_SITE_SHOULDER] = { 20, 22, 0 },
  [NP_SITE_HIP] = { 20, 22, 0 },
  [NP_SITE_TENDON] = { 22, 25, 0 },
  [NP_SITE_LIGAMENT] = { 22, 25, 0 },
  [NP_SITE_SOFT_TISSUE] = { 25, 27, 0 },
  [NP_SITE_UNSPECIFIED] = { 20, 22, 25, 0 },
};

/* Cell injectates (bone-marrow concentrate, adipose-derived cells) go through
 * a wider bore to limit shear on the cells, whatever the site. */
static const guint cell_gauges[NP_APPROACH_MAX_GAUGES] = { 18, 20, 22, 0 };

/* Default margin when no preset is chosen, indexed by NpStructureKind. */
static const double generic_margin_mm[NP_STRUCTURE_OTHER + 1] = { 5, 5, 2, 0, 2, 2 };

const NpApproach *
np_approach_get_all (guint *n_approaches)
{
  if (n_approaches != NULL)
    *n_approaches = G_N_ELEMENTS (approaches);
  return approaches;
}

/* Returns: (nullable): the preset, or NULL for NULL, "" or an unknown id */
const NpApproach *
np_approach_lookup (const char *id)
{
  if (id == NULL || *id == '\0')
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (approaches); i++)
    if (strcmp (approaches[i].id, id) == 0)
      return &approaches[i];
  return NULL;
}

double
np_approach_default_margin (const NpApproach *approach,
                            NpStructureKind   kind)
{
  g_return_val_if_fail (kind <= NP_STRUCTURE_OTHER, 0);

  return approach != NULL ? approach->margin_mm[kind] : generic_margin_mm[kind];
}

/* Returns: a 0-terminated list of needle gauges, thinnest last */
const guint *
np_approach_gauges_for (const NpApproach *approach,
                        NpSite            site,
                        NpInjectate       injectate)
{
  if (injectate == NP_INJECTATE_BONE_MARROW_CONCENTRATE
      || injectate == NP_INJECTATE_ADIPOSE_CELLS)
    return cell_gauges;
  if (approach != NULL)
    return approach->gauges;
  g_return_val_if_fail (site < G_N_ELEMENTS (site_gauges), site_gauges[NP_SITE_SOFT_TISSUE]);
  return site_gauges[site];
}

/* The preset's range; without one, an in-plane or out-of-plane ultrasound
 * needle flatter than 10° to the skin only tunnels under it, and a coaxial
 * fluoroscopic path has no in-image angle to constrain. */
void
np_approach_angle_range (const NpApproach *approach,
                         NpModality        modality,
                         NpTechnique       technique,
                         double           *angle_min_deg,
                         double           *angle_max_deg)
{
  double lo = 10, hi = 90;

  if (approach != NULL)
    {
      lo = approach->angle_min_deg;
      hi = approach->angle_max_deg;
    }
  else if (modality == NP_MODALITY_FLUOROSCOPY || technique == NP_TECHNIQUE_COAXIAL)
    lo = 0;

  if (angle_min_deg != NULL)
    *angle_min_deg = lo;
  if (angle_max_deg != NULL)
    *angle_max_deg = hi;
}
