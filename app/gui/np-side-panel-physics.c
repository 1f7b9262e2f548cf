/* np-side-panel-physics.c — the tissue presets of the speed of sound
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-side-panel"

#include "np-side-panel-private.h"

#include "np-tissue-speed.h"

#include <glib/gi18n.h>

/* The row under "Speed of sound": a tissue sets the plan's speed and its
 * uncertainty together (np-tissue-speed.c, docs/planner.md) in one undoable
 * edit; "Custom" stands for any other pair, e.g. a typed speed. */

static char *
preset_subtitle (const NpTissueSpeed *preset)
{
  return g_strdup_printf (_("%.0f ± %.0f m/s (one SD) · %s"), preset->speed_m_s, preset->sd_m_s,
                          _(preset->source));
}

static void
tissue_changed_cb (AdwComboRow *row,
                   GParamSpec  *pspec,
                   NpSidePanel *self)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *description = NULL;
  const NpTissueSpeed *presets;
  guint n_presets, selected = adw_combo_row_get_selected (row);

  if (self->syncing || self->document == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  presets = np_tissue_speed_presets (&n_presets);
  /* The last item, "Custom", is what the plan already holds. */
  if (selected >= n_presets)
    return;
  plan = np_document_dup_plan (self->document);
  if (plan->speed_of_sound_m_s == presets[selected].speed_m_s
      && plan->speed_of_sound_sd_m_s == presets[selected].sd_m_s)
    return;
  plan->speed_of_sound_m_s = presets[selected].speed_m_s;
  plan->speed_of_sound_sd_m_s = presets[selected].sd_m_s;
  description = g_strdup_printf (_("Set tissue (%s)"), _(presets[selected].label));
  np_document_edit (self->document, g_steal_pointer (&plan), description);
}

/* Plan → row: the preset whose speed and SD the plan holds, else Custom
 * with the plan's own pair. Called while self->syncing. */
void
_np_side_panel_sync_tissue (NpSidePanel  *self,
                            const NpPlan *plan)
{
  const NpTissueSpeed *presets;
  guint n_presets, match;
  g_autofree char *subtitle = NULL;

  presets = np_tissue_speed_presets (&n_presets);
  for (match = 0; match < n_presets; match++)
    if (plan->speed_of_sound_m_s == presets[match].speed_m_s
        && plan->speed_of_sound_sd_m_s == presets[match].sd_m_s)
      break;
  if (adw_combo_row_get_selected (self->tissue_row) != match)
    adw_combo_row_set_selected (self->tissue_row, match);
  subtitle = match < n_presets
    ? preset_subtitle (&presets[match])
    : g_strdup_printf (_("%.0f ± %.0f m/s (one SD), set by hand"), plan->speed_of_sound_m_s,
                       plan->speed_of_sound_sd_m_s);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->tissue_row), subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->tissue_row),
                          plan->modality == NP_MODALITY_ULTRASOUND);
}

void
_np_side_panel_init_tissue (NpSidePanel *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const NpTissueSpeed *presets;
  guint n_presets;

  presets = np_tissue_speed_presets (&n_presets);
  for (guint i = 0; i < n_presets; i++)
    gtk_string_list_append (labels, _(presets[i].label));
  gtk_string_list_append (labels, _("Custom"));

  self->tissue_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tissue_row), _("Tissue"));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (self->tissue_row), 3);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tissue_row),
                               /* xgettext:no-c-format */
                               _("Sets the speed of sound and its uncertainty for the tissue "
                                 "the needle crosses; the 95 % intervals use both"));
  adw_combo_row_set_model (self->tissue_row, G_LIST_MODEL (labels));
  adw_expander_row_add_row (self->calibration_details_row, GTK_WIDGET (self->tissue_row));
  g_signal_connect (self->tissue_row, "notify::selected", G_CALLBACK (tissue_changed_cb), self);
}
