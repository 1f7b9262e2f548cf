/* np-structure-popover.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-structure-popover"

#include "np-structure-popover.h"

#include <glib/gi18n.h>

/* Asks for a structure's label, kind and safety margin when its outline is
 * closed (or when the user edits one). The margin follows the kind's
 * default for the approach until the user types one. Closing the popover
 * without choosing keeps the structure: an outline is work, and undo
 * removes it in one step. */

struct _NpStructurePopover
{
  GtkPopover parent_instance;

  /* Template widgets */
  GtkLabel *heading;
  GtkEntry *label_entry;
  GtkDropDown *kind_dropdown;
  GtkSpinButton *margin_spin;
  GtkLabel *closed_label;
  GtkSwitch *closed_switch;
  GtkButton *discard_button;
  GtkButton *add_button;

  /* Borrowed: the preset table is static */
  const NpApproach *approach;

  gboolean margin_edited;
  gboolean setting;
  gboolean responded;
};

G_DEFINE_FINAL_TYPE (NpStructurePopover, np_structure_popover, GTK_TYPE_POPOVER)

enum {
  RESPONSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
kind_changed_cb (NpStructurePopover *self)
{
  if (self->setting || self->margin_edited)
    return;
  self->setting = TRUE;
  gtk_spin_button_set_value (self->margin_spin,
                             np_approach_default_margin (self->approach,
                                                         np_structure_popover_get_kind (self)));
  self->setting = FALSE;
}

static void
margin_changed_cb (NpStructurePopover *self)
{
  if (!self->setting)
    self->margin_edited = TRUE;
}

/**
 * np_structure_popover_respond:
 * @accept: add (or apply) the structure, or discard it
 *
 * Emits NpStructurePopover::response once and hides the popover.
 */
void
np_structure_popover_respond (NpStructurePopover *self,
                              gboolean            accept)
{
  g_return_if_fail (NP_IS_STRUCTURE_POPOVER (self));

  if (self->responded)
    return;
  self->responded = TRUE;
  g_signal_emit (self, signals[RESPONSE], 0, accept);
  gtk_popover_popdown (GTK_POPOVER (self));
}

static void
add_clicked_cb (NpStructurePopover *self)
{
  np_structure_popover_respond (self, TRUE);
}

static void
discard_clicked_cb (NpStructurePopover *self)
{
  np_structure_popover_respond (self, FALSE);
}

static void
closed_cb (NpStructurePopover *self)
{
  np_structure_popover_respond (self, TRUE);
}

/**
 * np_structure_popover_prepare:
 * @approach: (nullable): the plan's preset, for default margins
 * @can_choose_closed: show the closed / open switch (not for ellipses)
 * @editing: an existing structure: "Apply" and "Cancel" instead of "Add"
 *   and "Discard"
 *
 * Fills the fields before the popover is shown.
 */
void
np_structure_popover_prepare (NpStructurePopover *self,
                              const NpApproach   *approach,
                              const char         *label,
                              NpStructureKind     kind,
                              double              margin_mm,
                              gboolean            closed,
                              gboolean            can_choose_closed,
                              gboolean            editing)
{
  g_return_if_fail (NP_IS_STRUCTURE_POPOVER (self));

  self->approach = approach;
  self->setting = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->label_entry), label != NULL ? label : "");
  gtk_drop_down_set_selected (self->kind_dropdown, kind);
  gtk_spin_button_set_value (self->margin_spin, margin_mm);
  gtk_switch_set_active (self->closed_switch, closed);
  self->setting = FALSE;
  self->margin_edited = editing;
  self->responded = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->closed_switch), can_choose_closed);
  gtk_widget_set_visible (GTK_WIDGET (self->closed_label), can_choose_closed);
  gtk_label_set_text (self->heading, editing ? _("Edit Structure") : _("Structure to Avoid"));
  gtk_button_set_label (self->add_button, editing ? _("_Apply") : _("_Add"));
  gtk_button_set_label (self->discard_button, editing ? _("_Cancel") : _("_Discard"));
}

const char *
np_structure_popover_get_label (NpStructurePopover *self)
{
  g_return_val_if_fail (NP_IS_STRUCTURE_POPOVER (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->label_entry));
}

NpStructureKind
np_structure_popover_get_kind (NpStructurePopover *self)
{
  guint selected;

  g_return_val_if_fail (NP_IS_STRUCTURE_POPOVER (self), NP_STRUCTURE_OTHER);

  selected = gtk_drop_down_get_selected (self->kind_dropdown);
  return selected <= NP_STRUCTURE_OTHER ? (NpStructureKind) selected : NP_STRUCTURE_OTHER;
}

double
np_structure_popover_get_margin (NpStructurePopover *self)
{
  g_return_val_if_fail (NP_IS_STRUCTURE_POPOVER (self), 0);

  return gtk_spin_button_get_value (self->margin_spin);
}

gboolean
np_structure_popover_get_closed (NpStructurePopover *self)
{
  g_return_val_if_fail (NP_IS_STRUCTURE_POPOVER (self), TRUE);

  return gtk_switch_get_active (self->closed_switch);
}

static void
np_structure_popover_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), NP_TYPE_STRUCTURE_POPOVER);

  G_OBJECT_CLASS (np_structure_popover_parent_class)->dispose (object);
}

static void
np_structure_popover_class_init (NpStructurePopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_structure_popover_dispose;

  /**
   * NpStructurePopover::response:
   * The user chose: %TRUE to add (or apply), %FALSE to discard.
   */
  signals[RESPONSE] = g_signal_new ("response", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/"
                                               "np-structure-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, heading);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, label_entry);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, margin_spin);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, closed_label);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, closed_switch);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, discard_button);
  gtk_widget_class_bind_template_child (widget_class, NpStructurePopover, add_button);
}

static void
np_structure_popover_init (NpStructurePopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_button_set_use_underline (self->add_button, TRUE);
  gtk_button_set_use_underline (self->discard_button, TRUE);
  gtk_popover_set_default_widget (GTK_POPOVER (self), GTK_WIDGET (self->add_button));
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (kind_changed_cb),
                            self);
  g_signal_connect_swapped (self->margin_spin, "value-changed", G_CALLBACK (margin_changed_cb),
                            self);
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  g_signal_connect_swapped (self->discard_button, "clicked", G_CALLBACK (discard_clicked_cb),
                            self);
  g_signal_connect_swapped (self, "closed", G_CALLBACK (closed_cb), self);
}

GtkWidget *
np_structure_popover_new (void)
{
  return g_object_new (NP_TYPE_STRUCTURE_POPOVER, NULL);
}
