/* np-side-panel.c: NpSidePanel: the case, the calibration, the structures and
 * measurements, and edits of them; the results rows and the warnings are in
 * np-side-panel-results.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-side-panel"

#include "np-side-panel-private.h"

#include <glib/gi18n.h>

#include "np-plan-labels.h"

#include <adwaita.h>
#include <math.h>

#include "np-approach.h"
#include "np-calibration.h"
#include "np-mark-handle.h"

/* The panel right of the canvas: the case, the calibration, the results
 * with their intervals, the warnings, the structures and measurements.
 * It shows the document and the results of its NpPlanAnalysis and turns edits of the
 * case fields into document edits; it computes nothing itself. Lengths are
 * in the results' unit: px on an uncalibrated frame, never a guessed mm. */

G_DEFINE_FINAL_TYPE (NpSidePanel, np_side_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RETURN_FOCUS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Plan → widgets */

static void
set_combo (AdwComboRow *row,
           guint        selected)
{
  if (adw_combo_row_get_selected (row) != selected)
    adw_combo_row_set_selected (row, selected);
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (row));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  /* Leave a field alone while the user types in it. */
  if (focus != NULL && (focus == GTK_WIDGET (row) ||
                        gtk_widget_is_ancestor (focus, GTK_WIDGET (row))))
    return;
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text != NULL ? text : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static gboolean
approach_fits (const NpApproach *approach,
               const NpPlan     *plan)
{
  return approach->modality == plan->modality &&
         (approach->any_site || approach->site == plan->site);
}

/* The presets that fit the site and modality, "None" first. */
static void
sync_approaches (NpSidePanel  *self,
                 const NpPlan *plan)
{
  g_autoptr(GString) signature = g_string_new (NULL);
  g_autoptr(GString) current = g_string_new (NULL);
  const NpApproach *approaches;
  guint n_approaches = 0;
  guint selected = 0;

  approaches = np_approach_get_all (&n_approaches);
  for (guint i = 0; i < n_approaches; i++)
    if (approach_fits (&approaches[i], plan))
      g_string_append_printf (signature, "%s;", approaches[i].id);
  for (guint i = 1; i < self->approach_ids->len; i++)
    g_string_append_printf (current, "%s;", (char *) g_ptr_array_index (self->approach_ids, i));

  if (!g_str_equal (signature->str, current->str) || self->approach_ids->len == 0)
    {
      g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

      g_ptr_array_set_size (self->approach_ids, 0);
      g_ptr_array_add (self->approach_ids, NULL);
      gtk_string_list_append (model, _("None"));
      for (guint i = 0; i < n_approaches; i++)
        if (approach_fits (&approaches[i], plan))
          {
            g_ptr_array_add (self->approach_ids, g_strdup (approaches[i].id));
            gtk_string_list_append (model, _(approaches[i].name));
          }
      adw_combo_row_set_model (self->approach_row, G_LIST_MODEL (model));
    }

  for (guint i = 1; i < self->approach_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->approach_ids, i), plan->approach) == 0)
      selected = i;
  set_combo (self->approach_row, selected);
  {
    const NpApproach *approach = np_approach_lookup (plan->approach);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->approach_row),
                                 approach != NULL ? _(approach->note) : NULL);
  }
}

/* A row still waiting for the user's choice: marked, and says so. */
static void
ask (GtkWidget *row,
     gboolean   unset)
{
  if (unset)
    gtk_widget_add_css_class (row, "warning");
  else
    gtk_widget_remove_css_class (row, "warning");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), unset ? _("Not chosen yet") : NULL);
}

static void
sync_case (NpSidePanel  *self,
           const NpPlan *plan)
{
  const NpApproach *approach = np_approach_lookup (plan->approach);
  g_autofree char *summary = NULL;

  set_combo (self->modality_row, plan->modality);
  set_combo (self->probe_row, plan->probe);
  gtk_widget_set_sensitive (GTK_WIDGET (self->probe_row),
                            plan->modality == NP_MODALITY_ULTRASOUND);
  set_combo (self->site_row, plan->site);
  set_combo (self->side_row, plan->side);
  set_combo (self->condition_row, plan->condition);
  set_combo (self->technique_row, plan->technique);
  set_combo (self->injectate_row, plan->injectate);
  sync_approaches (self, plan);
  if (gtk_spin_button_get_value (self->volume_spin) != plan->volume_ml)
    gtk_spin_button_set_value (self->volume_spin, plan->volume_ml);
  set_entry (self->clinician_row, plan->clinician);
  set_entry (self->patient_name_row, plan->patient_name);
  set_entry (self->patient_id_row, plan->patient_id);

  /* Nothing is guessed for the record: what is not chosen yet is asked for
   * in the case's summary and on its rows (the section stays as the user
   * left it: the results must not move away on every edit). */
  ask (GTK_WIDGET (self->site_row), plan->site == NP_SITE_UNSPECIFIED);
  ask (GTK_WIDGET (self->side_row), plan->side == NP_SIDE_UNSPECIFIED);
  ask (GTK_WIDGET (self->probe_row), plan->modality == NP_MODALITY_ULTRASOUND &&
                                     plan->probe == NP_PROBE_UNSPECIFIED);
  if (plan->site == NP_SITE_UNSPECIFIED || plan->side == NP_SIDE_UNSPECIFIED)
    {
      summary = g_strdup_printf (_("Choose the %s · %s"),
                                 plan->site == NP_SITE_UNSPECIFIED
                                 ? (plan->side == NP_SIDE_UNSPECIFIED ? _("site and side") : "site")
                                 : "side",
                                 np_modality_label (plan->modality));
    }
  else
    summary = g_strdup_printf ("%s, %s · %s · %s", np_site_label (plan->site),
                               np_side_label (plan->side), np_modality_label (plan->modality),
                               approach != NULL ? np_technique_label (approach->technique)
                                                : np_technique_label (plan->technique));
  adw_expander_row_set_subtitle (self->case_row, summary);
}

static void
sync_calibration (NpSidePanel  *self,
                  const NpPlan *plan)
{
  const NpCalibration *calibration = plan->calibration;
  gboolean calibrated = np_calibration_is_calibrated (calibration);
  gboolean ultrasound = plan->modality == NP_MODALITY_ULTRASOUND;
  g_autofree char *value = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *region = NULL;
  g_autofree char *speed = NULL;
  GtkWidget *value_label = GTK_WIDGET (self->calibration_value);

  gtk_widget_set_visible (self->uncalibrated_banner, !calibrated);
  if (calibrated)
    {
      g_autofree char *se = NULL;

      if (calibration->mm_per_px_x == calibration->mm_per_px_y)
        {
          value = g_strdup_printf ("%.4f mm/px", calibration->mm_per_px_x);
          se = calibration->se_mm_per_px_x > 0
            ? g_strdup_printf (_("± %.4f mm/px (standard error)"), calibration->se_mm_per_px_x)
            : g_strdup (_("standard error not known"));
        }
      else
        {
          value = g_strdup_printf ("%.4f × %.4f", calibration->mm_per_px_x,
                                   calibration->mm_per_px_y);
          se = g_strdup_printf (_("mm/px in x × y · ± %.4f × %.4f"), calibration->se_mm_per_px_x,
                                calibration->se_mm_per_px_y);
        }
      subtitle = g_strdup_printf ("%s\n%s", se,
                                  np_calibration_method_describe (calibration->method));
      gtk_widget_remove_css_class (value_label, "error");
    }
  else
    {
      value = g_strdup (_("Not calibrated"));
      subtitle = g_strdup (_("Measurements are in px (image pixels). Calibrate to see millimetres."));
      gtk_widget_add_css_class (value_label, "error");
    }
  gtk_label_set_text (self->calibration_value, value);
  adw_action_row_set_subtitle (self->calibration_row, subtitle);
  /* The note is for the record; the row keeps to the numbers. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->calibration_row),
                               calibrated ? calibration->note : NULL);

  if (np_calibration_get_n_regions (calibration) > 1)
    region = g_strdup_printf (_("%u ultrasound regions of the scanner, each with its own pixel "
                              "size; a value is in mm only inside one of them"),
                              np_calibration_get_n_regions (calibration));
  else if (np_calibration_get_n_regions (calibration) == 1)
    region = g_strdup_printf (_("The scanner's ultrasound region, x %.0f – %.0f px, y %.0f – %.0f "
                              "px; a value reaching outside it is in px"),
                              calibration->region.x,
                              calibration->region.x + calibration->region.width,
                              calibration->region.y,
                              calibration->region.y + calibration->region.height);
  else if (calibration->has_region)
    region = g_strdup_printf (_("x %.0f – %.0f px, y %.0f – %.0f px; measurements outside it are "
                              "flagged"), calibration->region.x,
                              calibration->region.x + calibration->region.width,
                              calibration->region.y,
                              calibration->region.y + calibration->region.height);
  else
    region = g_strdup (calibrated ? _("The whole frame") : "—");
  adw_action_row_set_subtitle (self->region_row, region);

  /* The file's pixel size is an offer, not a default. */
  if (self->file_calibration != NULL)
    {
      double mm = self->file_calibration->mm_per_px_x;
      gboolean suspicious = np_calibration_is_suspicious_dpi (mm);
      gboolean in_use = calibration->method == NP_CALIBRATION_FILE &&
                        calibration->mm_per_px_x == self->file_calibration->mm_per_px_x &&
                        calibration->mm_per_px_y == self->file_calibration->mm_per_px_y;
      g_autofree char *offer = NULL;

      /* A scanner's own calibration says where it comes from, not its dpi. */
      if (self->file_is_dicom)
        offer = g_strdup_printf ("%.4f mm/px %s%s", mm, self->file_calibration->note,
                                 in_use ? _(" · in use") : "");
      else
        offer = g_strdup_printf ("%.4f mm/px (%.0f dpi)%s%s", mm, 25.4 / mm,
                                 suspicious ? _(" — a usual screen or print resolution, most "
                                              "likely not a calibration of this image") : "",
                                 in_use ? _(" · in use") : "");
      suspicious = suspicious && !self->file_is_dicom;
      adw_action_row_set_subtitle (self->file_calibration_row, offer);
      gtk_widget_set_visible (GTK_WIDGET (self->file_calibration_row), TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->file_calibration_button), !in_use);
      if (suspicious)
        gtk_widget_add_css_class (GTK_WIDGET (self->file_calibration_row), "np-suspicious");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->file_calibration_row), "np-suspicious");
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->file_calibration_row), FALSE);

  if (gtk_spin_button_get_value (self->speed_spin) != plan->speed_of_sound_m_s)
    gtk_spin_button_set_value (self->speed_spin, plan->speed_of_sound_m_s);
  gtk_widget_set_sensitive (GTK_WIDGET (self->speed_spin), ultrasound);
  /* An X-ray has no speed of sound: the row is not offered at all. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->calibration_details_row),
                                 ultrasound ? _("Region and speed of sound") : _("Valid region"));
  gtk_widget_set_visible (GTK_WIDGET (self->speed_row), ultrasound);
  gtk_widget_set_visible (GTK_WIDGET (self->speed_note), ultrasound);
  _np_side_panel_sync_tissue (self, plan);
  if (!ultrasound)
    speed = g_strdup (_("Fluoroscopy: the speed of sound does not apply."));
  else if (fabs (plan->speed_of_sound_m_s - NP_PLANNER_SPEED_ASSUMED_M_S) < 0.5)
    speed = g_strdup (_("Depths are scaled by c / 1540 m/s. At 1540 m/s, the speed the scanner "
                      "assumes, they are as the scanner shows them."));
  else
    speed = g_strdup_printf (_("Depths are scaled by c / 1540 m/s: at %.0f m/s every depth is "
                             "multiplied by %.3f."), plan->speed_of_sound_m_s,
                             plan->speed_of_sound_m_s / NP_PLANNER_SPEED_ASSUMED_M_S);
  gtk_label_set_text (self->speed_note, speed);
}

static GtkWidget *
delete_button (const char *tooltip)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static void
delete_mark_cb (GtkButton   *button,
                NpSidePanel *self)
{
  NpOverlayMark mark = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "np-mark"));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "np-index"));

  np_mark_editor_select (self->editor, mark, index);
  np_mark_editor_delete_selection (self->editor);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
empty_row (GtkListBox *list,
           const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_top (label, 10);
  gtk_widget_set_margin_bottom (label, 10);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_box_append (list, label);
  gtk_list_box_row_set_activatable (gtk_list_box_get_row_at_index (list, 0), FALSE);
  gtk_list_box_row_set_selectable (gtk_list_box_get_row_at_index (list, 0), FALSE);
}

static void
sync_structures (NpSidePanel  *self,
                 const NpPlan *plan)
{
  g_autoptr(GString) signature = g_string_new (NULL);

  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (plan->structures, i);
      g_string_append_printf (signature, "%s|%d|%g;", s->label != NULL ? s->label : "", s->kind,
                              s->margin_mm);
    }
  if (self->structures_signature != NULL && g_str_equal (signature->str,
                                                         self->structures_signature))
    return;
  g_free (self->structures_signature);
  self->structures_signature = g_strdup (signature->str);

  clear_list (self->structures_list);
  if (plan->structures->len == 0)
    empty_row (self->structures_list, _("None yet. Outline vessels, nerves and bone with the "
               "Avoid tool (A)."));
  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (plan->structures, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = delete_button (_("Delete this structure"));
      GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
      g_autofree char *subtitle = g_strdup_printf (_("%s · margin %.1f mm"), np_structure_kind_label (s->kind),
                                                   s->margin_mm);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     s->label != NULL && *s->label != '\0' ? s->label
                                                                           : np_structure_kind_label (s->kind));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      g_object_set_data (G_OBJECT (button), "np-mark",
                         GUINT_TO_POINTER (NP_OVERLAY_MARK_STRUCTURE));
      g_object_set_data (G_OBJECT (button), "np-index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (delete_mark_cb), self);
      gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (edit, _("Change its label, kind or margin"));
      gtk_widget_add_css_class (edit, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "win.edit-structure");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "u", i);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->structures_list, row);
    }
}

static void
sync_measurements (NpSidePanel  *self,
                   const NpPlan *plan)
{
  g_autoptr(GString) signature = g_string_new (NULL);

  for (guint i = 0; i < plan->measurements->len; i++)
    g_string_append_printf (signature, "%d;",
                            g_array_index (plan->measurements, NpMeasurement, i).kind);
  if (self->measurements_signature != NULL &&
      g_str_equal (signature->str, self->measurements_signature))
    return;
  g_free (self->measurements_signature);
  self->measurements_signature = g_strdup (signature->str);

  clear_list (self->measurements_list);
  gtk_widget_set_visible (GTK_WIDGET (self->measurements_group), plan->measurements->len > 0);
  for (guint i = 0; i < plan->measurements->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = delete_button (_("Delete this measurement"));
      const char *what = np_mark_describe (plan, NP_OVERLAY_MARK_MEASUREMENT, i);
      g_autofree char *title = g_strdup_printf ("%u. %c%s", i + 1, g_ascii_toupper (what[0]),
                                                what + 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), "—");
      g_object_set_data (G_OBJECT (button), "np-mark",
                         GUINT_TO_POINTER (NP_OVERLAY_MARK_MEASUREMENT));
      g_object_set_data (G_OBJECT (button), "np-index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (delete_mark_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_list_box_append (self->measurements_list, row);
    }
}

static void
sync_selection (NpSidePanel *self)
{
  guint index = 0;
  NpOverlayMark mark = np_mark_editor_get_selection (self->editor, &index);
  GtkListBoxRow *row;

  self->syncing = TRUE;
  row = mark == NP_OVERLAY_MARK_STRUCTURE
    ? gtk_list_box_get_row_at_index (self->structures_list, index) : NULL;
  gtk_list_box_select_row (self->structures_list,
                           row != NULL && gtk_list_box_row_get_selectable (row) ? row : NULL);
  row = mark == NP_OVERLAY_MARK_MEASUREMENT
    ? gtk_list_box_get_row_at_index (self->measurements_list, index) : NULL;
  gtk_list_box_select_row (self->measurements_list, row);
  self->syncing = FALSE;
}

static void
document_changed_cb (NpSidePanel *self,
                     NpDocument  *document)
{
  const NpPlan *plan = np_document_get_plan (document);

  self->syncing = TRUE;
  sync_case (self, plan);
  sync_calibration (self, plan);
  sync_structures (self, plan);
  sync_measurements (self, plan);
  self->syncing = FALSE;
  sync_selection (self);

  if (np_document_get_revision (document) != self->recommendation_revision)
    gtk_widget_set_visible (GTK_WIDGET (self->recommend_label), FALSE);
}

static void
frame_changed_cb (NpSidePanel *self,
                  NpDocument  *document)
{
  NpFrame *frame = np_document_get_frame (document);

  g_clear_pointer (&self->file_calibration, np_calibration_free);
  if (frame != NULL)
    self->file_calibration = np_calibration_new_from_frame (frame, NULL);
  self->file_is_dicom = frame != NULL && np_frame_get_dicom_info (frame) != NULL;
  _np_side_panel_show_dicom (self, frame != NULL ? np_frame_get_dicom_info (frame) : NULL);
  g_clear_pointer (&self->structures_signature, g_free);
  g_clear_pointer (&self->measurements_signature, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->recommend_label), FALSE);
}

/* Widgets → plan */

static void
edit (NpSidePanel *self,
      NpPlan      *plan,
      const char  *description)
{
  np_document_edit (self->document, plan, description);
}

static void
combo_changed_cb (AdwComboRow *row,
                  GParamSpec  *pspec,
                  NpSidePanel *self)
{
  g_autoptr(NpPlan) plan = NULL;
  guint selected = adw_combo_row_get_selected (row);
  const char *description;

  if (self->syncing || self->document == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;
  plan = np_document_dup_plan (self->document);

  if (row == self->modality_row)
    {
      plan->modality = selected;
      description = _("Set modality");
    }
  else if (row == self->probe_row)
    {
      plan->probe = selected;
      description = _("Set probe");
    }
  else if (row == self->site_row)
    {
      plan->site = selected;
      description = _("Set site");
    }
  else if (row == self->side_row)
    {
      plan->side = selected;
      description = _("Set side");
    }
  else if (row == self->condition_row)
    {
      plan->condition = selected;
      description = _("Set condition");
    }
  else if (row == self->technique_row)
    {
      plan->technique = selected;
      description = _("Set technique");
    }
  else if (row == self->injectate_row)
    {
      plan->injectate = selected;
      description = _("Set injectate");
    }
  else if (row == self->approach_row)
    {
      const char *id = selected < self->approach_ids->len
        ? g_ptr_array_index (self->approach_ids, selected) : NULL;
      const NpApproach *approach = np_approach_lookup (id);

      np_plan_set_string (&plan->approach, id);
      /* A preset brings its technique and probe. */
      if (approach != NULL)
        {
          plan->technique = approach->technique;
          if (plan->modality == NP_MODALITY_ULTRASOUND)
            plan->probe = approach->probe;
        }
      description = _("Set approach");
    }
  else
    g_return_if_reached ();

  /* A preset that no longer fits the site or modality is dropped in the same step. */
  if (row == self->site_row || row == self->modality_row)
    {
      const NpApproach *approach = np_approach_lookup (plan->approach);

      if (approach != NULL && !approach_fits (approach, plan))
        np_plan_set_string (&plan->approach, NULL);
      if (row == self->modality_row)
        plan->technique = plan->modality == NP_MODALITY_FLUOROSCOPY ? NP_TECHNIQUE_COAXIAL
                                                                    : NP_TECHNIQUE_IN_PLANE;
    }
  edit (self, g_steal_pointer (&plan), description);
}

static void
volume_changed_cb (GtkSpinButton *spin,
                   NpSidePanel   *self)
{
  g_autoptr(NpPlan) plan = NULL;

  if (self->syncing || self->document == NULL)
    return;
  plan = np_document_dup_plan (self->document);
  plan->volume_ml = gtk_spin_button_get_value (spin);
  edit (self, g_steal_pointer (&plan), _("Set volume"));
}

static void
speed_changed_cb (GtkSpinButton *spin,
                  NpSidePanel   *self)
{
  g_autoptr(NpPlan) plan = NULL;

  if (self->syncing || self->document == NULL)
    return;
  plan = np_document_dup_plan (self->document);
  plan->speed_of_sound_m_s = gtk_spin_button_get_value (spin);
  edit (self, g_steal_pointer (&plan), _("Set speed of sound"));
}

/* A field that was applied gives the keyboard back, so the next tool key
 * (T, E, S…) chooses a tool instead of being typed into the name. Without a
 * widget to return to, nothing keeps the focus and the window's keys work. */
static void
return_focus (NpSidePanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->return_focus != NULL && gtk_widget_get_mapped (self->return_focus) &&
      gtk_widget_grab_focus (self->return_focus))
    return;
  if (root != NULL)
    gtk_root_set_focus (root, NULL);
}

/* "apply" (the button, or Enter after a change) and "entry-activated"
 * (Enter on an unchanged field): apply, an unchanged field being no edit,
 * and hand the keyboard back. */
static void
entry_applied_cb (AdwEntryRow *row,
                  NpSidePanel *self)
{
  g_autoptr(NpPlan) plan = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  const char *value = text[0] != '\0' ? text : NULL;

  if (self->syncing || self->document == NULL)
    return;
  plan = np_document_dup_plan (self->document);
  if (row == self->clinician_row)
    np_plan_set_string (&plan->clinician, value);
  else if (row == self->patient_name_row)
    np_plan_set_string (&plan->patient_name, value);
  else
    np_plan_set_string (&plan->patient_id, value);
  edit (self, g_steal_pointer (&plan), row == self->clinician_row ? _("Set clinician")
                                                                  : _("Set patient"));
  return_focus (self);
}

static void
spin_activated_cb (GtkText     *text,
                   NpSidePanel *self)
{
  /* The spin button took the typed value in its own handler, which ran
   * first: it connected earlier. */
  return_focus (self);
}

static void
use_file_calibration_cb (GtkButton   *button,
                         NpSidePanel *self)
{
  g_autoptr(NpPlan) plan = NULL;

  if (self->file_calibration == NULL || self->document == NULL)
    return;
  plan = np_document_dup_plan (self->document);
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_copy (self->file_calibration);
  edit (self, g_steal_pointer (&plan), _("Use pixel size from file"));
}

static void
structure_activated_cb (GtkListBox    *list,
                        GtkListBoxRow *row,
                        NpSidePanel   *self)
{
  if (self->syncing || self->editor == NULL)
    return;
  np_mark_editor_select (self->editor,
                         list == self->structures_list ? NP_OVERLAY_MARK_STRUCTURE
                                                       : NP_OVERLAY_MARK_MEASUREMENT,
                         (guint) gtk_list_box_row_get_index (row));
}

/* Public */

/**
 * np_side_panel_bind:
 * @analysis: (transfer none): the results shown, and the document whose
 *   plan is shown and edited
 * @editor: (transfer none): selection of structures and measurements
 */
void
np_side_panel_bind (NpSidePanel    *self,
                    NpPlanAnalysis *analysis,
                    NpMarkEditor   *editor)
{
  NpDocument *document;

  g_return_if_fail (NP_IS_SIDE_PANEL (self));
  g_return_if_fail (NP_IS_PLAN_ANALYSIS (analysis));
  g_return_if_fail (NP_IS_MARK_EDITOR (editor));
  g_return_if_fail (self->document == NULL);

  document = np_plan_analysis_get_document (analysis);
  self->analysis = g_object_ref (analysis);
  self->document = g_object_ref (document);
  self->editor = g_object_ref (editor);
  g_signal_connect_object (document, "changed", G_CALLBACK (document_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (document, "frame-changed", G_CALLBACK (frame_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (analysis, "notify::results",
                           G_CALLBACK (_np_side_panel_show_results), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (editor, "selection-changed", G_CALLBACK (sync_selection), self,
                           G_CONNECT_SWAPPED);
  frame_changed_cb (self, document);
  document_changed_cb (self, document);
  _np_side_panel_show_results (self);
}

/**
 * np_side_panel_get_value_text:
 * @key: NP_SIDE_PANEL_DEPTH, …
 *
 * Returns: the value the row shows ("20.8 mm", "—")
 */
const char *
np_side_panel_get_value_text (NpSidePanel *self,
                              const char  *key)
{
  g_return_val_if_fail (NP_IS_SIDE_PANEL (self), NULL);

  if (g_str_equal (key, NP_SIDE_PANEL_CALIBRATION))
    return gtk_label_get_text (self->calibration_value);
  for (guint i = 0; i < N_RESULT_ROWS; i++)
    if (g_str_equal (self->rows[i].key, key))
      return gtk_label_get_text (self->rows[i].value);
  g_return_val_if_reached (NULL);
}

/**
 * np_side_panel_get_detail_text:
 *
 * Returns: the line under the value (its interval, the structure, …)
 */
const char *
np_side_panel_get_detail_text (NpSidePanel *self,
                               const char  *key)
{
  g_return_val_if_fail (NP_IS_SIDE_PANEL (self), NULL);

  if (g_str_equal (key, NP_SIDE_PANEL_CALIBRATION))
    return adw_action_row_get_subtitle (self->calibration_row);
  for (guint i = 0; i < N_RESULT_ROWS; i++)
    if (g_str_equal (self->rows[i].key, key))
      return adw_action_row_get_subtitle (self->rows[i].row);
  g_return_val_if_reached (NULL);
}

guint
np_side_panel_get_n_warnings (NpSidePanel *self)
{
  g_return_val_if_fail (NP_IS_SIDE_PANEL (self), 0);

  return self->n_warnings;
}

/**
 * np_side_panel_get_speed_offered:
 *
 * Returns: whether the speed of sound is offered (ultrasound only: an X-ray
 *   has none)
 */
gboolean
np_side_panel_get_speed_offered (NpSidePanel *self)
{
  g_return_val_if_fail (NP_IS_SIDE_PANEL (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->speed_row));
}

/**
 * np_side_panel_get_uncalibrated_shown:
 *
 * Returns: whether the "Not calibrated — measurements in px" banner is up
 */
gboolean
np_side_panel_get_uncalibrated_shown (NpSidePanel *self)
{
  g_return_val_if_fail (NP_IS_SIDE_PANEL (self), FALSE);

  return gtk_widget_get_visible (self->uncalibrated_banner);
}

/* GObject */

static void
np_side_panel_dispose (GObject *object)
{
  NpSidePanel *self = NP_SIDE_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_SIDE_PANEL);
  g_clear_object (&self->document);
  g_clear_object (&self->analysis);
  g_clear_object (&self->editor);
  g_clear_weak_pointer (&self->return_focus);
  g_clear_pointer (&self->file_calibration, np_calibration_free);
  g_clear_pointer (&self->approach_ids, g_ptr_array_unref);
  g_clear_pointer (&self->structures_signature, g_free);
  g_clear_pointer (&self->measurements_signature, g_free);
  g_clear_pointer (&self->warnings_signature, g_free);

  G_OBJECT_CLASS (np_side_panel_parent_class)->dispose (object);
}

static void
np_side_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NpSidePanel *self = NP_SIDE_PANEL (object);

  switch (prop_id)
    {
    case PROP_RETURN_FOCUS:
      g_value_set_object (value, self->return_focus);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_side_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  NpSidePanel *self = NP_SIDE_PANEL (object);

  switch (prop_id)
    {
    case PROP_RETURN_FOCUS:
      if (g_set_weak_pointer (&self->return_focus, g_value_get_object (value)))
        g_object_notify_by_pspec (object, properties[PROP_RETURN_FOCUS]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_side_panel_class_init (NpSidePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_side_panel_dispose;
  object_class->get_property = np_side_panel_get_property;
  object_class->set_property = np_side_panel_set_property;

  /**
   * NpSidePanel:return-focus:
   *
   * The widget that gets the keyboard after Enter in a field (the canvas).
   */
  properties[PROP_RETURN_FOCUS] =
    g_param_spec_object ("return-focus", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-side-panel.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-side-panel");

  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, uncalibrated_banner);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, case_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, modality_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, probe_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, site_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, side_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, condition_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, approach_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, technique_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, injectate_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, volume_spin);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, clinician_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, patient_name_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, patient_id_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, calibration_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, calibration_value);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, file_calibration_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, file_calibration_button);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, region_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, speed_spin);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, speed_note);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, calibration_details_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, speed_row);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, results_group);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, recommend_label);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, warnings_group);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, structures_group);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, structures_list);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, measurements_group);
  gtk_widget_class_bind_template_child (widget_class, NpSidePanel, measurements_list);
}

static void
set_model (AdwComboRow       *row,
           const char *const *names)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    gtk_string_list_append (model, _(names[i]));
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
}

static void
np_side_panel_init (NpSidePanel *self)
{
  AdwComboRow *combos[8];

  gtk_widget_init_template (GTK_WIDGET (self));
  self->approach_ids = g_ptr_array_new_with_free_func (g_free);

  self->syncing = TRUE;
  set_model (self->modality_row, np_modality_labels ());
  set_model (self->probe_row, np_probe_labels ());
  set_model (self->site_row, np_site_labels ());
  set_model (self->side_row, np_side_labels ());
  set_model (self->condition_row, np_condition_labels ());
  set_model (self->technique_row, np_technique_labels ());
  set_model (self->injectate_row, np_injectate_labels ());
  self->syncing = FALSE;

  combos[0] = self->modality_row;
  combos[1] = self->probe_row;
  combos[2] = self->site_row;
  combos[3] = self->side_row;
  combos[4] = self->condition_row;
  combos[5] = self->approach_row;
  combos[6] = self->technique_row;
  combos[7] = self->injectate_row;
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    g_signal_connect (combos[i], "notify::selected", G_CALLBACK (combo_changed_cb), self);
  g_signal_connect (self->volume_spin, "value-changed", G_CALLBACK (volume_changed_cb), self);
  g_signal_connect (self->speed_spin, "value-changed", G_CALLBACK (speed_changed_cb), self);
  g_signal_connect (self->clinician_row, "apply", G_CALLBACK (entry_applied_cb), self);
  g_signal_connect (self->patient_name_row, "apply", G_CALLBACK (entry_applied_cb), self);
  g_signal_connect (self->patient_id_row, "apply", G_CALLBACK (entry_applied_cb), self);
  g_signal_connect (self->clinician_row, "entry-activated", G_CALLBACK (entry_applied_cb), self);
  g_signal_connect (self->patient_name_row, "entry-activated", G_CALLBACK (entry_applied_cb),
                    self);
  g_signal_connect (self->patient_id_row, "entry-activated", G_CALLBACK (entry_applied_cb),
                    self);
  /* GTK 4.8's spin button has no "activate" of its own: its text has. */
  g_signal_connect_after (gtk_editable_get_delegate (GTK_EDITABLE (self->volume_spin)),
                          "activate", G_CALLBACK (spin_activated_cb), self);
  g_signal_connect_after (gtk_editable_get_delegate (GTK_EDITABLE (self->speed_spin)),
                          "activate", G_CALLBACK (spin_activated_cb), self);
  g_signal_connect (self->file_calibration_button, "clicked",
                    G_CALLBACK (use_file_calibration_cb), self);
  g_signal_connect (self->structures_list, "row-activated", G_CALLBACK (structure_activated_cb),
                    self);
  g_signal_connect (self->measurements_list, "row-activated",
                    G_CALLBACK (structure_activated_cb), self);

  _np_side_panel_init_results (self);
  _np_side_panel_init_dicom (self);
  _np_side_panel_init_tissue (self);
  gtk_widget_set_visible (GTK_WIDGET (self->measurements_group), FALSE);
}

GtkWidget *
np_side_panel_new (void)
{
  return g_object_new (NP_TYPE_SIDE_PANEL, NULL);
}
