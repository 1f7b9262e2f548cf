/* np-plan-labels.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-plan-labels.h"

#include <glib/gi18n-lib.h>

/* Indexed by the enums of np-plan.h; the test checks that each table has
 * one entry per value. */

static const char *const modality_labels[] = { N_("Ultrasound"), N_("Fluoroscopy"), NULL };
static const char *const probe_labels[] = { N_("Linear"), N_("Curvilinear"), N_("Not stated"), NULL };
static const char *const site_labels[] = {
  N_("Knee"), N_("Shoulder"), N_("Hip"), N_("Tendon"), N_("Ligament"), N_("Soft tissue"), N_("Not stated"), NULL
};
static const char *const side_labels[] = { N_("Not stated"), N_("Left"), N_("Right"), NULL };
static const char *const condition_labels[] = {
  N_("Not stated"), N_("Osteoarthritis"), N_("Tendon tear"), N_("Ligament injury"), N_("Cartilage defect"),
  N_("Chronic soft-tissue condition"), NULL
};
static const char *const injectate_labels[] = {
  N_("Not stated"), N_("Bone marrow concentrate"), N_("Adipose-derived cells"),
  N_("Platelet-rich plasma (PRP)"), N_("Corticosteroid"), N_("Hyaluronic acid"), N_("Other"), NULL
};
static const char *const technique_labels[] = {
  N_("In-plane"), N_("Out-of-plane"), N_("Coaxial (down the beam)"), NULL
};
static const char *const view_labels[] = { N_("Not stated"), "AP", N_("Lateral"), N_("Oblique"), NULL };
static const char *const structure_kind_labels[] = {
  N_("Vessel"), N_("Nerve"), N_("Tendon"), N_("Bone"), N_("Cartilage"), N_("Other structure"), NULL
};

static const char *
lookup (const char *const *labels,
        guint              n_labels,
        int                value,
        const char        *fallback)
{
  /* n_labels counts the terminating NULL. */
  return value >= 0 && (guint) value + 1 < n_labels ? _(labels[value]) : _(fallback);
}

#define NP_DEFINE_LABELS(name, Type, table, fallback)                              \
  const char *                                                                     \
  np_##name##_label (Type value)                                                   \
  {                                                                                \
    return lookup (table, G_N_ELEMENTS (table), (int) value, fallback);            \
  }

NP_DEFINE_LABELS (modality, NpModality, modality_labels, N_("Unknown modality"))
NP_DEFINE_LABELS (probe, NpProbe, probe_labels, N_("Unknown probe"))
NP_DEFINE_LABELS (site, NpSite, site_labels, N_("Unknown site"))
NP_DEFINE_LABELS (side, NpSide, side_labels, N_("Not stated"))
NP_DEFINE_LABELS (condition, NpCondition, condition_labels, N_("Not stated"))
NP_DEFINE_LABELS (injectate, NpInjectate, injectate_labels, N_("Not stated"))
NP_DEFINE_LABELS (technique, NpTechnique, technique_labels, N_("Unknown technique"))
NP_DEFINE_LABELS (view, NpView, view_labels, N_("Not stated"))
NP_DEFINE_LABELS (structure_kind, NpStructureKind, structure_kind_labels, N_("Other structure"))

const char *const *np_modality_labels (void) { return modality_labels; }
const char *const *np_probe_labels (void) { return probe_labels; }
const char *const *np_site_labels (void) { return site_labels; }
const char *const *np_side_labels (void) { return side_labels; }
const char *const *np_condition_labels (void) { return condition_labels; }
const char *const *np_injectate_labels (void) { return injectate_labels; }
const char *const *np_technique_labels (void) { return technique_labels; }
const char *const *np_structure_kind_labels (void) { return structure_kind_labels; }
