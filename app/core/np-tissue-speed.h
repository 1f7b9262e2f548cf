/* np-tissue-speed.h: speed of sound presets for the tissue a needle crosses
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A tissue's speed of sound and its uncertainty (the standard deviation of
 * a normal whose 95 % range covers the spread the literature reports), for
 * NpPlan.speed_of_sound_m_s and NpPlan.speed_of_sound_sd_m_s. Sources in
 * docs/planner.md. */
typedef struct
{
  const char *id;             /* "fat", "muscle", "tendon", "cartilage", "mixed" */
  const char *label;          /* words a person reads */
  double speed_m_s;
  double sd_m_s;
  const char *source;         /* where the value comes from */
} NpTissueSpeed;

const NpTissueSpeed *np_tissue_speed_presets (guint      *n_presets);
const NpTissueSpeed *np_tissue_speed_lookup  (const char *id);

G_END_DECLS
