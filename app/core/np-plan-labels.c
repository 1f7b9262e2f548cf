/* np-plan-labels.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-labels.h"

/* Indexed by the enums of np-plan.h; the test checks that each table has
 * one entry per value. */

static const char *const modality_labels[] = { "Ultrasound", "Fluoroscopy", NULL };
static const char *const probe_labels[] = { "Linear", "Curvilinear", "Not stated", NULL };
static const char *const site_labels[] = {
  "Knee", "Shoulder", "Hip", "Tendon", "Ligament", "Soft tissue", "Not stated", NULL
};
static const char *const side_labels[] = { "Not stated", "Left", "Right", NULL };
static const char *const condition_labels[] = {
  "Not stated", "Osteoarthritis", "Tendon tear", "Ligament injury", "Cartilage defect",
  "Chronic soft-tissue condition", NULL
};
static const char *const injectate_labels[] = {
  "Not stated", "Bone marrow concentrate", "Adipose-derived cells",
  "Platelet-rich plasma (PRP)", "Corticosteroid", "Hyaluronic acid", "Other", NULL
};
static const char *const technique_labels[] = {
  "In-plane", "Out-of-plane", "Coaxial (down the beam)", NULL
};
static const char *const view_labels[] = { "Not stated", "AP", "Lateral", "Oblique", NULL };
static const char *const structure_kind_labels[] = {
  "Vessel", "Nerve", "Tendon", "Bone", "Cartilage", "Other structure", NULL
};

static const char *
lookup (const char *const *labels,
        guint              n_labels,
        int                value,
        const char        *fallback)
{
  /* n_labels counts the terminating NULL. */
  return value >= 0 && (guint) value + 1 < n_labels ? labels[value] : fallback;
}

#define NP_DEFINE_LABELS(name, Type, table, fallback)                              \
  const char *                                                                     \
  np_##name##_label (Type value)                                                   \
  {                                                                                \
    return lookup (table, G_N_ELEMENTS (table), (int) value, fallback);            \
  }

NP_DEFINE_LABELS (modality, NpModality, modality_labels, "Unknown modality")
NP_DEFINE_LABELS (probe, NpProbe, probe_labels, "Unknown probe")
NP_DEFINE_LABELS (site, NpSite, site_labels, "Unknown site")
NP_DEFINE_LABELS (side, NpSide, side_labels, "Not stated")
NP_DEFINE_LABELS (condition, NpCondition, condition_labels, "Not stated")
NP_DEFINE_LABELS (injectate, NpInjectate, injectate_labels, "Not stated")
NP_DEFINE_LABELS (technique, NpTechnique, technique_labels, "Unknown technique")
NP_DEFINE_LABELS (view, NpView, view_labels, "Not stated")
NP_DEFINE_LABELS (structure_kind, NpStructureKind, structure_kind_labels, "Other structure")

const char *const *np_modality_labels (void) { return modality_labels; }
const char *const *np_probe_labels (void) { return probe_labels; }
const char *const *np_site_labels (void) { return site_labels; }
const char *const *np_side_labels (void) { return side_labels; }
const char *const *np_condition_labels (void) { return condition_labels; }
const char *const *np_injectate_labels (void) { return injectate_labels; }
const char *const *np_technique_labels (void) { return technique_labels; }
const char *const *np_structure_kind_labels (void) { return structure_kind_labels; }
