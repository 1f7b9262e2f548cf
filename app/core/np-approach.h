/* np-approach.h: approach presets per site
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-plan.h"

G_BEGIN_DECLS

#define NP_APPROACH_MAX_GAUGES 4

/* One row of the preset table. NpPlan.approach holds the id. Angles are the
 * insertion angle between needle and skin (90 = perpendicular); margins are
 * the defaults given to a new structure of each kind. */
typedef struct
{
  const char *id;                    /* stable, stored in plan files */
  const char *name;                  /* for people: "Knee, lateral suprapatellar recess" */
  NpModality modality;
  NpSite site;
  gboolean any_site;                 /* fluoroscopy coaxial fits every site */
  NpTechnique technique;
  NpProbe probe;
  double angle_min_deg;
  double angle_max_deg;
  double preferred_angle_deg;        /* out-of-plane walk-down; the middle otherwise */
  double margin_mm[NP_STRUCTURE_OTHER + 1];   /* indexed by NpStructureKind */
  guint gauges[NP_APPROACH_MAX_GAUGES];       /* common gauges, 0-terminated */
  const char *note;                  /* one line of technique, shown to the clinician */
} NpApproach;

const NpApproach *np_approach_get_all        (guint             *n_approaches);
const NpApproach *np_approach_lookup         (const char        *id);
double            np_approach_default_margin (const NpApproach  *approach,
                                              NpStructureKind    kind);
const guint      *np_approach_gauges_for     (const NpApproach  *approach,
                                              NpSite             site,
                                              NpInjectate        injectate);
void              np_approach_angle_range    (const NpApproach  *approach,
                                              NpModality         modality,
                                              NpTechnique        technique,
                                              double            *angle_min_deg,
                                              double            *angle_max_deg);

G_END_DECLS
