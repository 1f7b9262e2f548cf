/* np-window-actions.c — the window's actions, its planning tools and its keys
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

#include <glib/gi18n.h>

#include "np-approach.h"
#include "np-calibration-dialog.h"
#include "np-mark-handle.h"
#include "np-overlay.h"
#include "np-second-view.h"
#include "np-pacs-browser.h"
#include "np-pacs-destination.h"
#include "np-structure-popover.h"

/* Actions */

static const char *const frame_patterns[] = {
  "*.dcm", "*.DCM", "*.dicom", "*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG",
};

static void
chooser_response_cb (NpWindow             *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  if (file != NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);

      if (folder != NULL)
        {
          g_autofree char *uri = g_file_get_uri (folder);
          g_settings_set_string (self->settings, "last-folder", uri);
        }
      np_window_open_file (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

/* The "Open from PACS" dialog over the PACS destinations of Preferences. */
static void
open_pacs_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GPtrArray) destinations = np_pacs_destination_list_load_settings (self->settings);
  NpPacsBrowser *browser = np_pacs_browser_new (self, destinations);

  gtk_window_present (GTK_WINDOW (browser));
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GtkFileFilter) any_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) image_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) plan_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();
  g_autofree char *last_folder = g_settings_get_string (self->settings, "last-folder");

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new (_("Open Frame or Plan"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  /* By name: DICOM files often have no extension, so "All files" is
   * offered too and the loader tells the format from the content. */
  gtk_file_filter_set_name (any_filter, _("Frames and plans"));
  gtk_file_filter_set_name (image_filter, _("Frames (DICOM, PNG, JPEG)"));
  for (guint i = 0; i < G_N_ELEMENTS (frame_patterns); i++)
    {
      gtk_file_filter_add_pattern (any_filter, frame_patterns[i]);
      gtk_file_filter_add_pattern (image_filter, frame_patterns[i]);
    }
  gtk_file_filter_add_mime_type (any_filter, "application/dicom");
  gtk_file_filter_add_mime_type (image_filter, "application/dicom");
  gtk_file_filter_add_pattern (any_filter, "*.json");
  gtk_file_filter_add_pattern (any_filter, "*.JSON");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), any_filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), image_filter);
  gtk_file_filter_set_name (plan_filter, _("Plans (JSON)"));
  gtk_file_filter_add_pattern (plan_filter, "*.json");
  gtk_file_filter_add_pattern (plan_filter, "*.JSON");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), plan_filter);
  gtk_file_filter_set_name (all_filter, _("All files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all_filter);

  if (last_folder[0] != '\0')
    {
      g_autoptr(GFile) folder = g_file_new_for_uri (last_folder);

      if (g_file_query_exists (folder, NULL))
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }

  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GFile) folder = NULL;
  g_autoptr(GFile) plan = NULL;

  if (self->sample_file == NULL)
    return;
  /* A case folder's plan shows the sample planned. */
  folder = g_file_get_parent (self->sample_file);
  plan = folder != NULL ? g_file_get_child (folder, "plan.json") : NULL;
  if (plan != NULL && g_file_query_exists (plan, NULL))
    np_window_open_file (self, plan);
  else
    np_window_open_file (self, self->sample_file);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  np_window_open_file (NP_WINDOW (widget), file);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpCanvas *canvas = NP_WINDOW (widget)->canvas;

  if (g_str_equal (action_name, "view.zoom-in"))
    np_canvas_zoom_in (canvas);
  else if (g_str_equal (action_name, "view.zoom-out"))
    np_canvas_zoom_out (canvas);
  else if (g_str_equal (action_name, "view.zoom-fit"))
    np_canvas_zoom_fit (canvas);
  else
    np_canvas_zoom_actual_size (canvas);
}

static void
window_preset_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  static const struct {
    const char *name;
    NpWindowPreset preset;
  } presets[] = {
    { "auto", NP_WINDOW_PRESET_AUTO },
    { "data-range", NP_WINDOW_PRESET_DATA_RANGE },
    { "full-range", NP_WINDOW_PRESET_FULL_RANGE },
    { "high-contrast", NP_WINDOW_PRESET_HIGH_CONTRAST },
  };
  const char *name = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_str_equal (presets[i].name, name))
      {
        np_canvas_apply_window_preset (NP_WINDOW (widget)->canvas, presets[i].preset);
        return;
      }
  g_warning ("Unknown window/level preset “%s”", name);
}

static void
window_reset_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  np_canvas_reset_window_level (NP_WINDOW (widget)->canvas);
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  if (g_str_equal (action_name, "win.undo"))
    np_document_undo (self->document);
  else
    np_document_redo (self->document);
}

/* Planning tools */

static void
hint_changed_cb (NpWindow *self)
{
  const char *hint = np_mark_editor_get_hint (self->mark_editor);

  gtk_label_set_text (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL && *hint != '\0');
}

static void
measure_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  /* M again switches between distance, angle and depth. */
  if (np_mark_editor_get_tool (self->mark_editor) == NP_TOOL_MEASURE)
    np_mark_editor_set_measure_kind (self->mark_editor,
                                     (np_mark_editor_get_measure_kind (self->mark_editor) + 1) %
                                     (NP_MEASURE_DEPTH + 1));
  else
    np_mark_editor_set_tool (self->mark_editor, NP_TOOL_MEASURE);
}

static void
calibration_dialog_destroyed_cb (NpWindow  *self,
                                 GtkWidget *dialog)
{
  if (self->calibration_dialog == dialog)
    self->calibration_dialog = NULL;
  if (self->mark_editor != NULL)
    {
      np_mark_editor_set_calibration_points (self->mark_editor, NULL, FALSE);
      if (np_mark_editor_get_tool (self->mark_editor) == NP_TOOL_CALIBRATE)
        np_mark_editor_set_tool (self->mark_editor, NP_TOOL_PAN);
    }
}

static void
calibration_click_cb (NpWindow     *self,
                      double        x,
                      double        y,
                      NpMarkEditor *editor)
{
  if (self->calibration_dialog != NULL)
    np_calibration_dialog_add_point (NP_CALIBRATION_DIALOG (self->calibration_dialog),
                                     np_image_point (x, y));
}

/* The Calibrate tool and its window go together: either opens the other. */
static void
open_calibration_dialog (NpWindow *self)
{
  if (np_document_get_frame (self->document) == NULL)
    return;
  if (self->calibration_dialog == NULL)
    {
      self->calibration_dialog = np_calibration_dialog_new (GTK_WINDOW (self), self->document,
                                                            self->mark_editor);
      g_signal_connect_object (self->calibration_dialog, "destroy",
                               G_CALLBACK (calibration_dialog_destroyed_cb), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->calibration_dialog));
}

static void
tool_notify_cb (NpWindow *self)
{
  if (np_mark_editor_get_tool (self->mark_editor) == NP_TOOL_CALIBRATE)
    open_calibration_dialog (self);
}

static void
calibrate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  np_mark_editor_set_tool (self->mark_editor, NP_TOOL_CALIBRATE);
  open_calibration_dialog (self);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  if (g_str_equal (action_name, "win.delete"))
    np_mark_editor_delete_selection (self->mark_editor);
  else if (g_str_equal (action_name, "win.cancel"))
    np_mark_editor_cancel (self->mark_editor);
  else
    np_mark_editor_finish (self->mark_editor);
}

static void
structure_response_cb (NpWindow           *self,
                       gboolean            accept,
                       NpStructurePopover *popover)
{
  /* Keys go back to the canvas (tool letters, Delete), not the hidden entry. */
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  if (self->edited_structure >= 0)
    {
      guint index = (guint) self->edited_structure;
      g_autoptr(NpPlan) plan = NULL;
      NpStructure *structure;
      g_autofree char *description = NULL;

      self->edited_structure = -1;
      plan = np_document_dup_plan (self->document);
      if (!accept || index >= plan->structures->len)
        return;
      structure = g_ptr_array_index (plan->structures, index);
      np_plan_set_string (&structure->label, np_structure_popover_get_label (popover));
      structure->kind = np_structure_popover_get_kind (popover);
      structure->margin_mm = np_structure_popover_get_margin (popover);
      if (structure->shape != NP_SHAPE_ELLIPSE && structure->points->len >= 3)
        structure->shape = np_structure_popover_get_closed (popover) ? NP_SHAPE_POLYGON
                                                                     : NP_SHAPE_POLYLINE;
      description = g_strdup_printf (_("Edit %s"), structure->label != NULL && *structure->label
                                                ? structure->label : "structure");
      np_document_edit (self->document, g_steal_pointer (&plan), description);
      return;
    }
  if (!accept)
    {
      np_mark_editor_discard_structure (self->mark_editor);
      return;
    }
  np_mark_editor_commit_structure (self->mark_editor, np_structure_popover_get_label (popover),
                                   np_structure_popover_get_kind (popover),
                                   np_structure_popover_get_margin (popover),
                                   np_structure_popover_get_closed (popover));
}

static void
structure_closed_cb (NpWindow     *self,
                     gboolean      closed,
                     gboolean      ellipse,
                     double        x,
                     double        y,
                     NpMarkEditor *editor)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  const NpApproach *approach = np_approach_lookup (plan->approach);
  /* An ellipse is usually a vessel in cross-section; an outline is asked. */
  NpStructureKind kind = ellipse ? NP_STRUCTURE_VESSEL : NP_STRUCTURE_OTHER;
  GdkRectangle at = { (int) x, (int) y, 1, 1 };

  self->edited_structure = -1;
  np_structure_popover_prepare (NP_STRUCTURE_POPOVER (self->structure_popover), approach, NULL,
                                kind, np_approach_default_margin (approach, kind), closed,
                                !ellipse, FALSE);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->structure_popover), &at);
  gtk_popover_popup (GTK_POPOVER (self->structure_popover));
}

/* The popover of a new structure, for one already there: from the
 * structure list's edit button. */
static void
edit_structure_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  const NpPlan *plan = np_document_get_plan (self->document);
  guint index = g_variant_get_uint32 (parameter);
  const NpStructure *structure;
  NpMarkHandle whole = { NP_OVERLAY_MARK_STRUCTURE, index, -1 };
  NpImagePoint anchor;
  NpWidgetPoint at;
  GdkRectangle rect;

  if (index >= plan->structures->len || !np_mark_handle_get_point (plan, &whole, &anchor))
    return;
  structure = g_ptr_array_index (plan->structures, index);
  np_mark_editor_select (self->mark_editor, NP_OVERLAY_MARK_STRUCTURE, index);
  at = np_canvas_image_to_widget (self->canvas, anchor);
  /* Inside the canvas even when the structure is scrolled out of view. */
  rect = (GdkRectangle) { CLAMP ((int) at.x, 0, gtk_widget_get_width (GTK_WIDGET (self->canvas))),
                          CLAMP ((int) at.y, 0, gtk_widget_get_height (GTK_WIDGET (self->canvas))),
                          1, 1 };
  np_structure_popover_prepare (NP_STRUCTURE_POPOVER (self->structure_popover),
                                np_approach_lookup (plan->approach), structure->label,
                                structure->kind, structure->margin_mm,
                                structure->shape != NP_SHAPE_POLYLINE,
                                structure->shape != NP_SHAPE_ELLIPSE &&
                                structure->points->len >= 3, TRUE);
  self->edited_structure = (int) index;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->structure_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->structure_popover));
}

/* Fluoroscopy: the other view of the pair (np-second-view.c). */
static void
open_second_view_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  if (np_document_get_plan (self->document)->modality != NP_MODALITY_FLUOROSCOPY)
    return;
  np_second_view_open_for (GTK_WINDOW (self), self->analysis);
}

static void
recommend_entry_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(NpEntryRecommendation) recommendation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *text = NULL;

  recommendation = np_plan_analysis_recommend_entry (self->analysis, &error);
  if (recommendation == NULL)
    {
      np_window_show_error (self, _("Could Not Recommend an Entry"), error);
      return;
    }

  plan = np_document_dup_plan (self->document);
  plan->has_entry = TRUE;
  plan->entry = recommendation->entry;
  np_document_edit (self->document, g_steal_pointer (&plan),
                    recommendation->feasible ? _("Recommended entry") : _("Least-bad entry"));

  if (recommendation->feasible)
    text = g_strdup_printf (_("Entry moved: %s"), recommendation->reason);
  else
    text = g_strdup_printf (_("No entry meets every constraint: %s The entry shows the least-bad "
                            "option; Ctrl+Z puts yours back."), recommendation->reason);
  np_side_panel_set_recommendation (self->side_panel, text, recommendation->feasible);
  np_window_show_toast (self, recommendation->feasible ? _("Entry moved to the recommended point")
                                                       : _("No entry meets every constraint"));
}

/* Class and instance set-up */

static void
add_binding (GtkWidgetClass  *widget_class,
             guint            keyval,
             GdkModifierType  modifiers,
             const char      *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, modifiers, action, NULL);
}

void
_np_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-pacs", NULL, open_pacs_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.measure", NULL, measure_action);
  gtk_widget_class_install_action (widget_class, "win.calibrate", NULL, calibrate_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.finish", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.recommend-entry", NULL,
                                   recommend_entry_action);
  gtk_widget_class_install_action (widget_class, "win.open-second-view", NULL,
                                   open_second_view_action);
  gtk_widget_class_install_action (widget_class, "win.edit-structure", "u",
                                   edit_structure_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "view.zoom-actual", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "view.window-preset", "s",
                                   window_preset_action);
  gtk_widget_class_install_action (widget_class, "view.window-reset", NULL,
                                   window_reset_action);

  /* Single keys are bindings of the window, run after the focused widget
   * had its chance, so a text field keeps its digits and signs. Every one
   * is listed in ui/np-shortcuts.ui. */
  add_binding (widget_class, GDK_KEY_plus, 0, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_equal, 0, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_KP_Add, 0, "view.zoom-in");
  add_binding (widget_class, GDK_KEY_minus, 0, "view.zoom-out");
  add_binding (widget_class, GDK_KEY_KP_Subtract, 0, "view.zoom-out");
  add_binding (widget_class, GDK_KEY_0, 0, "view.zoom-fit");
  add_binding (widget_class, GDK_KEY_KP_0, 0, "view.zoom-fit");
  add_binding (widget_class, GDK_KEY_1, 0, "view.zoom-actual");
  add_binding (widget_class, GDK_KEY_KP_1, 0, "view.zoom-actual");
  add_binding (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo");
  add_binding (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo");
  add_binding (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save");
  add_binding (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-as");
  add_binding (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new");

  /* Tools: one letter each (A for "avoid"); M again switches the measurement. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "win.tool", "s", "pan");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, 0, "win.tool", "s", "target");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, 0, "win.tool", "s", "entry");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, 0, "win.tool", "s", "skin");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, 0, "win.tool", "s", "structure");
  add_binding (widget_class, GDK_KEY_m, 0, "win.measure");
  add_binding (widget_class, GDK_KEY_c, 0, "win.calibrate");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "win.tool", "s", "redact");
  add_binding (widget_class, GDK_KEY_Delete, 0, "win.delete");
  add_binding (widget_class, GDK_KEY_KP_Delete, 0, "win.delete");
  add_binding (widget_class, GDK_KEY_BackSpace, 0, "win.delete");
  add_binding (widget_class, GDK_KEY_Escape, 0, "win.cancel");
  add_binding (widget_class, GDK_KEY_Return, 0, "win.finish");
  add_binding (widget_class, GDK_KEY_KP_Enter, 0, "win.finish");
  add_binding (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.recommend-entry");
}

/* Connects the planning tools' signals and makes the structure popover. */
void
_np_window_actions_init (NpWindow *self)
{
  g_signal_connect_swapped (self->mark_editor, "notify::tool", G_CALLBACK (tool_notify_cb), self);
  g_signal_connect_swapped (self->mark_editor, "notify::hint", G_CALLBACK (hint_changed_cb),
                            self);
  g_signal_connect_swapped (self->mark_editor, "structure-closed",
                            G_CALLBACK (structure_closed_cb), self);
  g_signal_connect_swapped (self->mark_editor, "calibration-click",
                            G_CALLBACK (calibration_click_cb), self);
  hint_changed_cb (self);

  self->edited_structure = -1;
  self->structure_popover = np_structure_popover_new ();
  gtk_widget_set_parent (self->structure_popover, GTK_WIDGET (self->canvas));
  g_signal_connect_swapped (self->structure_popover, "response",
                            G_CALLBACK (structure_response_cb), self);
}
