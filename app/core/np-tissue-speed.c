/* np-tissue-speed.c: speed of sound presets for the tissue a needle crosses
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-tissue-speed.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* Round values from the compilations of measured tissue speeds (Duck,
 * Physical Properties of Tissue, 1990, ch. 4; ICRU Report 61, 1998); the SD
 * makes the 95 % range (± 1.96 SD) span the reported values. "mixed" is the
 * scanners' own 1540 m/s with the spread of soft tissue between fat and
 * muscle, the plan's default. */
static const NpTissueSpeed presets[] = {
  { "mixed", N_("Mixed soft tissue"), 1540, 30,
    N_("scanner convention; 1481–1599 m/s spans soft tissue from fat to muscle") },
  { "fat", N_("Fat"), 1450, 15, "Duck 1990, ICRU 61: 1420–1480 m/s" },
  { "muscle", N_("Muscle"), 1580, 20, "Duck 1990, ICRU 61: 1540–1620 m/s" },
  { "tendon", N_("Tendon"), 1700, 50,
    N_("Duck 1990: 1600–1800 m/s (along and across the fibres)") },
  { "cartilage", N_("Cartilage"), 1650, 40,
    N_("Duck 1990; Töyräs et al., Ultrasound Med Biol 2003: 1570–1730 m/s (articular)") },
};

/**
 * np_tissue_speed_presets:
 * @n_presets: (out): how many
 *
 * Returns: (array length=n_presets) (transfer none): the presets, "mixed"
 *   (the default) first
 */
const NpTissueSpeed *
np_tissue_speed_presets (guint *n_presets)
{
  g_return_val_if_fail (n_presets != NULL, NULL);

  *n_presets = G_N_ELEMENTS (presets);
  return presets;
}

/**
 * np_tissue_speed_lookup:
 *
 * Returns: (transfer none) (nullable): the preset called @id, or %NULL
 */
const NpTissueSpeed *
np_tissue_speed_lookup (const char *id)
{
  if (id == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (presets); i++)
    if (strcmp (presets[i].id, id) == 0)
      return &presets[i];
  return NULL;
}
