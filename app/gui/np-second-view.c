/* np-second-view.c — the second fluoroscopy view of a pair, in its own window
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-second-view"

#include "np-second-view.h"

#include "np-error.h"
#include "np-frame.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-plan-labels.h"
#include "np-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* The other view of a fluoroscopy pair (AP with lateral), beside the main
 * window: its frame, its own target and entry marked with the same tools,
 * and guide lines at the heights of the first view's marks (both views look
 * along the patient's long axis, so a mark is at the same height in both,
 * up to each view's scale). The main window's analysis is paired with this
 * view's document, so depth and the 3-D path with their intervals appear in
 * the main side panel, live while either view is edited, and here too. The
 * pair (the other plan's path, the angle, mirroring) is recorded in the
 * first plan by undoable edits (docs/plan-format.md, "fluoroscopy"). */

struct _NpSecondView
{
  AdwWindow parent_instance;

  GtkWindow *parent;              /* unowned: the main window */
  NpPlanAnalysis *analysis;       /* the main window's */
  NpDocument *first;              /* its document */
  NpDocument *document;           /* this view's plan and frame */
  char *path;                     /* this view's plan file */
  NpCanvas *canvas;
  NpMarkEditor *editor;
  GtkToggleButton *target_button;
  GtkToggleButton *entry_button;
  GtkSpinButton *angle_spin;
  GtkSwitch *mirrored_switch;
  GtkSwitch *link_switch;
  GtkLabel *depth_label;
  GtkLabel *path_label;
  GtkLabel *note_label;
  NpPlanResults *own_results;     /* this view alone, for its overlay */
  gboolean syncing;
  gboolean closing;
};

G_DEFINE_FINAL_TYPE (NpSecondView, np_second_view, ADW_TYPE_WINDOW)

/* ---- The guide lines -------------------------------------------------- */

/* The row at the same height in the other view: from @from (whose frame
 * is @frame_from) to @to. With both views' geometry the height at the
 * isocentre is z = (y − c) · pixel · SOD / SID; with calibrations,
 * z = (y − h / 2) · mm per px about the frame's middle; without either, the
 * same fraction of the frame's height. */
static gboolean
map_height (const NpPlan *from,
            NpFrame      *frame_from,
            const NpPlan *to,
            NpFrame      *frame_to,
            double        y,
            double       *out)
{
  double h_from, h_to;

  if (frame_from == NULL || frame_to == NULL)
    return FALSE;
  h_from = np_frame_get_height (frame_from);
  h_to = np_frame_get_height (frame_to);
  if (from->has_geometry && to->has_geometry)
    {
      double z = (y - from->geometry.central_ray.y) * from->geometry.detector_pixel_mm[1]
                 * from->geometry.sod_mm / from->geometry.sid_mm;

      *out = to->geometry.central_ray.y
             + z * to->geometry.sid_mm / (to->geometry.sod_mm * to->geometry.detector_pixel_mm[1]);
    }
  else if (np_calibration_is_calibrated (from->calibration)
           && np_calibration_is_calibrated (to->calibration))
    *out = h_to / 2 + (y - h_from / 2) * from->calibration->mm_per_px_y
                      / to->calibration->mm_per_px_y;
  else
    *out = y * h_to / h_from;
  return isfinite (*out);
}

/* Image row of the height @first_y of the first view in this one. */
gboolean
np_second_view_guide_y (NpSecondView *self,
                        double        first_y,
                        double       *second_y)
{
  g_return_val_if_fail (NP_IS_SECOND_VIEW (self), FALSE);

  return map_height (np_document_get_plan (self->first), np_document_get_frame (self->first),
                     np_document_get_plan (self->document),
                     np_document_get_frame (self->document), first_y, second_y);
}

static void
guide_line (cairo_t    *cr,
            double      zoom,
            double      width,
            double      y,
            const char *label)
{
  const double dashes[] = { 6 / zoom, 4 / zoom };

  cairo_save (cr);
  cairo_set_source_rgba (cr, 1.0, 0.85, 0.2, 0.9);
  cairo_set_line_width (cr, 1.5 / zoom);
  cairo_set_dash (cr, dashes, 2, 0);
  cairo_move_to (cr, 0, y);
  cairo_line_to (cr, width, y);
  cairo_stroke (cr);
  cairo_set_font_size (cr, 12 / zoom);
  cairo_move_to (cr, 6 / zoom, y - 4 / zoom);
  cairo_show_text (cr, label);
  cairo_restore (cr);
}

/**
 * np_second_view_draw_first_guides:
 * @cr: in the first view's image pixels
 *
 * The other direction of the link: the heights of this view's target and
 * entry as guide lines on the first view's canvas.
 */
void
np_second_view_draw_first_guides (NpSecondView *self,
                                  cairo_t      *cr,
                                  double        zoom)
{
  const NpPlan *second;
  NpFrame *frame;
  double y;

  g_return_if_fail (NP_IS_SECOND_VIEW (self));

  second = np_document_get_plan (self->document);
  frame = np_document_get_frame (self->first);
  if (frame == NULL)
    return;
  if (second->has_target
      && map_height (second, np_document_get_frame (self->document),
                     np_document_get_plan (self->first), frame, second->target.y, &y))
    guide_line (cr, zoom, np_frame_get_width (frame), y, _("second view: target height"));
  if (second->has_entry && !(second->has_target && second->entry.y == second->target.y)
      && map_height (second, np_document_get_frame (self->document),
                     np_document_get_plan (self->first), frame, second->entry.y, &y))
    guide_line (cr, zoom, np_frame_get_width (frame), y, _("second view: entry height"));
}

static void
draw_guide (NpSecondView *self,
            cairo_t      *cr,
            double        zoom,
            double        first_y,
            const char   *label)
{
  NpFrame *frame = np_document_get_frame (self->document);
  double y;

  if (np_second_view_guide_y (self, first_y, &y))
    guide_line (cr, zoom, np_frame_get_width (frame), y, label);
}

static void
draw_overlay (cairo_t  *cr,
              double    zoom,
              gpointer  user_data)
{
  NpSecondView *self = NP_SECOND_VIEW (user_data);
  NpFrame *frame = np_document_get_frame (self->document);
  const NpPlan *first = np_document_get_plan (self->first);
  NpOverlayOptions options;

  if (frame == NULL)
    return;
  if (first->has_target)
    draw_guide (self, cr, zoom, first->target.y, _("first view: target height"));
  if (first->has_entry && !(first->has_target && first->entry.y == first->target.y))
    draw_guide (self, cr, zoom, first->entry.y, _("first view: entry height"));
  np_overlay_options_init (&options, np_frame_get_width (frame), np_frame_get_height (frame));
  options.zoom = zoom;
  options.selected = np_mark_editor_get_selection (self->editor, &options.selected_index);
  np_overlay_draw (cr, np_document_get_plan (self->document), self->own_results, &options);
  np_mark_editor_draw (self->editor, cr, zoom);
}

/* ---- Results and the pair --------------------------------------------- */

/* This view's own one-view results: clearances and labels on its overlay. */
static void
second_changed_cb (NpSecondView *self)
{
  NpFrame *frame = np_document_get_frame (self->document);
  const NpPlan *plan = np_document_get_plan (self->document);
  NpPlannerOptions options;

  g_clear_pointer (&self->own_results, np_plan_results_free);
  if (frame != NULL)
    {
      np_planner_options_init_for_frame (&options, plan, np_frame_get_width (frame),
                                         np_frame_get_height (frame));
      self->own_results = np_planner_compute (plan, &options, NULL);
    }
  np_canvas_queue_overlay_redraw (self->canvas);
  if (self->parent != NULL && NP_IS_WINDOW (self->parent))
    np_canvas_queue_overlay_redraw (np_window_get_canvas (NP_WINDOW (self->parent)));
}

static void
show_results (NpSecondView *self)
{
  const NpPlanResults *r = np_plan_analysis_get_results (self->analysis);
  g_autofree char *depth = NULL;
  g_autofree char *path = NULL;
  const char *note;

  if (r != NULL && r->has_two_views)
    {
      depth = r->has_depth_ci
        ? g_strdup_printf (_("%.1f mm (95 %% interval %.1f – %.1f mm)"), r->depth,
                           r->depth_ci95[0], r->depth_ci95[1])
        : g_strdup_printf (_("%.1f mm"), r->depth);
      path = r->has_path_ci
        ? g_strdup_printf (_("%.1f mm (95 %% interval %.1f – %.1f mm)"), r->path_length,
                           r->path_length_ci95[0], r->path_length_ci95[1])
        : g_strdup_printf (_("%.1f mm"), r->path_length);
      note = r->two_views.cone_beam
        ? _("Triangulated through both views’ cone beams (SID, SOD, detector pixel).")
        : _("Each view taken as a parallel projection at its calibrated plane; the intervals "
            "allow 40 mm off that plane.");
    }
  else
    {
      depth = g_strdup ("—");
      path = g_strdup ("—");
      note = _("Mark the target and the entry in both views.");
    }
  gtk_label_set_text (self->depth_label, depth);
  gtk_label_set_text (self->path_label, path);
  gtk_label_set_text (self->note_label, note);
}

static void
results_changed_cb (NpSecondView *self)
{
  show_results (self);
}

static void
sync_pair (NpSecondView *self)
{
  const NpPlan *first = np_document_get_plan (self->first);

  self->syncing = TRUE;
  if (first->second_view_path != NULL)
    {
      gtk_spin_button_set_value (self->angle_spin, first->second_view_angle_deg);
      gtk_switch_set_active (self->mirrored_switch, first->second_view_mirrored);
    }
  self->syncing = FALSE;
  np_canvas_queue_overlay_redraw (self->canvas);
}

/* Records (or updates) the pair in the first plan: an undoable edit. */
static void
record_pair (NpSecondView *self,
             double        angle_deg,
             gboolean      mirrored)
{
  const char *first_path = np_document_get_path (self->first);
  const NpPlan *first = np_document_get_plan (self->first);
  g_autofree char *relative = NULL;
  g_autoptr(NpPlan) plan = NULL;

  /* A plan not saved yet has no folder to be relative to. */
  if (first_path == NULL)
    return;
  relative = np_plan_file_relative_frame_path (first_path, self->path, NULL);
  if (relative == NULL)
    return;
  if (g_strcmp0 (first->second_view_path, relative) == 0
      && first->second_view_angle_deg == angle_deg && first->second_view_mirrored == mirrored)
    return;
  plan = np_document_dup_plan (self->first);
  np_plan_set_string (&plan->second_view_path, relative);
  plan->second_view_angle_deg = angle_deg;
  plan->second_view_mirrored = mirrored;
  np_document_edit (self->first, g_steal_pointer (&plan), _("Pair With Second View"));
}

static void
pair_changed_cb (NpSecondView *self)
{
  if (self->syncing)
    return;
  record_pair (self, gtk_spin_button_get_value (self->angle_spin),
               gtk_switch_get_active (self->mirrored_switch));
}

static void
first_changed_cb (NpSecondView *self)
{
  sync_pair (self);
}

static void
link_window_level (NpSecondView *self)
{
  NpCanvas *main_canvas;

  if (!gtk_switch_get_active (self->link_switch) || !NP_IS_WINDOW (self->parent))
    return;
  main_canvas = np_window_get_canvas (NP_WINDOW (self->parent));
  if (np_canvas_get_frame (main_canvas) != NULL && np_canvas_get_frame (self->canvas) != NULL)
    np_canvas_set_window_level (self->canvas, np_canvas_get_window_level (main_canvas));
}

static void
main_window_level_cb (NpSecondView *self)
{
  link_window_level (self);
}

/* ---- Tools -------------------------------------------------------------- */

static void
tool_toggled_cb (NpSecondView    *self,
                 GtkToggleButton *button)
{
  if (self->syncing)
    return;
  if (gtk_toggle_button_get_active (button))
    np_mark_editor_set_tool (self->editor, button == self->target_button ? NP_TOOL_TARGET
                                                                         : NP_TOOL_ENTRY);
  else if (!gtk_toggle_button_get_active (self->target_button)
           && !gtk_toggle_button_get_active (self->entry_button))
    np_mark_editor_set_tool (self->editor, NP_TOOL_PAN);
}

static void
editor_tool_cb (NpSecondView *self)
{
  NpTool tool = np_mark_editor_get_tool (self->editor);

  self->syncing = TRUE;
  gtk_toggle_button_set_active (self->target_button, tool == NP_TOOL_TARGET);
  gtk_toggle_button_set_active (self->entry_button, tool == NP_TOOL_ENTRY);
  self->syncing = FALSE;
}

/* ---- Saving and closing ----------------------------------------------- */

gboolean
np_second_view_save (NpSecondView  *self,
                     GError       **error)
{
  g_return_val_if_fail (NP_IS_SECOND_VIEW (self), FALSE);

  if (!np_plan_file_save (np_document_get_plan (self->document), NULL, self->path, error))
    return FALSE;
  np_document_set_dirty (self->document, FALSE);
  return TRUE;
}

static void
save_clicked_cb (NpSecondView *self)
{
  g_autoptr(GError) error = NULL;

  if (!np_second_view_save (self, &error))
    {
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
        adw_message_dialog_new (GTK_WINDOW (self), _("Second view not saved"), error->message));

      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
close_response_cb (NpSecondView *self,
                   const char   *response)
{
  if (g_strcmp0 (response, "save") == 0)
    {
      g_autoptr(GError) error = NULL;

      if (!np_second_view_save (self, &error))
        {
          g_warning ("The second view was not saved: %s", error->message);
          return;
        }
    }
  if (g_strcmp0 (response, "cancel") == 0)
    return;
  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_request_cb (NpSecondView *self)
{
  AdwMessageDialog *dialog;
  g_autofree char *name = NULL;

  if (self->closing || !np_document_get_dirty (self->document))
    {
      np_plan_analysis_set_second_view (self->analysis, NULL);
      if (self->parent != NULL && NP_IS_WINDOW (self->parent)
          && np_window_get_second_view (NP_WINDOW (self->parent)) == GTK_WIDGET (self))
        np_window_set_second_view (NP_WINDOW (self->parent), NULL);
      return FALSE;
    }
  name = g_path_get_basename (self->path);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Save the second view’s marks?"), NULL));
  adw_message_dialog_format_body (dialog, _("The target and entry marked in this view go into "
                                            "“%s”; unsaved, they are lost."), name);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_swapped (dialog, "response", G_CALLBACK (close_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* A new frame in the main window ends the pair. */
static void
first_frame_changed_cb (NpSecondView *self)
{
  self->closing = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- Construction ------------------------------------------------------ */

static GtkWidget *
switch_row (const char *title,
            const char *subtitle,
            GtkSwitch **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *out = GTK_SWITCH (toggle);
  return row;
}

static GtkWidget *
value_row (const char *title,
           GtkLabel  **out)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new ("—");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "np-result-value");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  *out = GTK_LABEL (label);
  return row;
}

static void
build (NpSecondView *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *column = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *pair = adw_preferences_group_new ();
  GtkWidget *results = adw_preferences_group_new ();
  GtkWidget *angle_row = adw_action_row_new ();
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));
  GtkWidget *tools = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *target = gtk_toggle_button_new_with_mnemonic (_("_Target"));
  GtkWidget *entry = gtk_toggle_button_new_with_mnemonic (_("_Entry"));

  gtk_widget_add_css_class (tools, "linked");
  gtk_box_append (GTK_BOX (tools), target);
  gtk_box_append (GTK_BOX (tools), entry);
  gtk_widget_set_tooltip_text (target, _("Mark the target in this view"));
  gtk_widget_set_tooltip_text (entry, _("Mark the skin entry in this view"));
  self->target_button = GTK_TOGGLE_BUTTON (target);
  self->entry_button = GTK_TOGGLE_BUTTON (entry);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), tools);
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_widget_set_tooltip_text (save, _("Save this view’s marks into its own plan file"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_box_append (GTK_BOX (toolbar), header);

  self->canvas = NP_CANVAS (np_canvas_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->canvas), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->canvas), TRUE);
  gtk_box_append (GTK_BOX (body), GTK_WIDGET (self->canvas));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (results), _("Depth from both views"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (results),
                             value_row (_("Depth"), &self->depth_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (results),
                             value_row (_("Path (3-D)"), &self->path_label));
  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_label_set_xalign (self->note_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (pair), _("The pair"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (angle_row), _("Angle between the views"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (angle_row),
                               _("about the long axis, degrees; AP with lateral is 90"));
  self->angle_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (-180, 180, 1));
  gtk_spin_button_set_value (self->angle_spin, 90);
  gtk_widget_set_valign (GTK_WIDGET (self->angle_spin), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (angle_row), GTK_WIDGET (self->angle_spin));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (pair), angle_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (pair),
                             switch_row (_("Mirrored"), _("this image is flipped left-right"),
                                         &self->mirrored_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (pair),
                             switch_row (_("Link window/level"),
                                         _("follow the main window’s brightness and contrast"),
                                         &self->link_switch));

  gtk_box_append (GTK_BOX (column), results);
  gtk_box_append (GTK_BOX (column), GTK_WIDGET (self->note_label));
  gtk_box_append (GTK_BOX (column), pair);
  gtk_widget_set_margin_start (column, 12);
  gtk_widget_set_margin_end (column, 12);
  gtk_widget_set_margin_top (column, 12);
  gtk_widget_set_margin_bottom (column, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), column);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scroller, 300, -1);
  gtk_box_append (GTK_BOX (body), scroller);
  gtk_box_append (GTK_BOX (toolbar), body);
  adw_window_set_content (ADW_WINDOW (self), toolbar);
  gtk_window_set_default_size (GTK_WINDOW (self), 1000, 640);

  g_signal_connect_swapped (save, "clicked", G_CALLBACK (save_clicked_cb), self);
  g_signal_connect_swapped (target, "toggled", G_CALLBACK (tool_toggled_cb), self);
  g_signal_connect_swapped (entry, "toggled", G_CALLBACK (tool_toggled_cb), self);
  g_signal_connect_swapped (self->angle_spin, "value-changed", G_CALLBACK (pair_changed_cb),
                            self);
  g_signal_connect_swapped (self->mirrored_switch, "notify::active",
                            G_CALLBACK (pair_changed_cb), self);
  g_signal_connect_swapped (self->link_switch, "notify::active",
                            G_CALLBACK (main_window_level_cb), self);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
}

static void
np_second_view_dispose (GObject *object)
{
  NpSecondView *self = NP_SECOND_VIEW (object);

  if (self->analysis != NULL)
    {
      if (np_plan_analysis_get_second_view (self->analysis) == self->document)
        np_plan_analysis_set_second_view (self->analysis, NULL);
      g_signal_handlers_disconnect_by_data (self->analysis, self);
    }
  if (self->first != NULL)
    g_signal_handlers_disconnect_by_data (self->first, self);
  if (self->parent != NULL && NP_IS_WINDOW (self->parent))
    g_signal_handlers_disconnect_by_data (np_window_get_canvas (NP_WINDOW (self->parent)), self);
  if (self->parent != NULL && NP_IS_WINDOW (self->parent)
      && np_window_get_second_view (NP_WINDOW (self->parent)) == GTK_WIDGET (self))
    np_window_set_second_view (NP_WINDOW (self->parent), NULL);
  if (self->parent != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->parent), (gpointer *) &self->parent);
  self->parent = NULL;
  g_clear_object (&self->editor);
  g_clear_object (&self->analysis);
  g_clear_object (&self->first);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (np_second_view_parent_class)->dispose (object);
}

static void
np_second_view_finalize (GObject *object)
{
  NpSecondView *self = NP_SECOND_VIEW (object);

  g_free (self->path);
  g_clear_pointer (&self->own_results, np_plan_results_free);

  G_OBJECT_CLASS (np_second_view_parent_class)->finalize (object);
}

static void
np_second_view_class_init (NpSecondViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = np_second_view_dispose;
  object_class->finalize = np_second_view_finalize;
}

static void
np_second_view_init (NpSecondView *self)
{
  build (self);
}

/**
 * np_second_view_new:
 * @parent: the main window
 * @analysis: its analysis (of the first view's document)
 * @plan_path: the second view's plan file
 *
 * Opens the second view's plan and frame and pairs them with @analysis.
 *
 * Returns: (transfer floating): the window, not shown yet, or %NULL with
 *   @error set when the plan or its frame cannot be read or is not a
 *   fluoroscopy view
 */
NpSecondView *
np_second_view_new (GtkWindow       *parent,
                    NpPlanAnalysis  *analysis,
                    const char      *plan_path,
                    GError         **error)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autofree char *frame_path = NULL;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  NpSecondView *self;
  const NpPlan *first;

  g_return_val_if_fail (NP_IS_PLAN_ANALYSIS (analysis), NULL);
  g_return_val_if_fail (plan_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plan = np_plan_file_load (plan_path, error);
  if (plan == NULL)
    return NULL;
  name = g_filename_display_name (plan_path);
  if (plan->modality != NP_MODALITY_FLUOROSCOPY)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” is not a fluoroscopy plan: only an X-ray view pairs with this one"),
                   name);
      return NULL;
    }
  frame_path = np_plan_file_resolve_frame (plan, plan_path, error);
  if (frame_path == NULL)
    return NULL;
  frame = np_frame_load (frame_path, error);
  if (frame == NULL)
    return NULL;

  self = g_object_new (NP_TYPE_SECOND_VIEW, NULL);
  self->parent = parent;
  if (parent != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (parent), (gpointer *) &self->parent);
      gtk_window_set_transient_for (GTK_WINDOW (self), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (self), TRUE);
    }
  self->analysis = g_object_ref (analysis);
  self->first = g_object_ref (np_plan_analysis_get_document (analysis));
  self->path = g_canonicalize_filename (plan_path, NULL);
  title = g_strdup_printf (_("Second View — %s"),
                           np_view_label (plan->view) != NULL ? np_view_label (plan->view) : "");
  gtk_window_set_title (GTK_WINDOW (self), title);
  self->document = np_document_new ();
  /* The document takes the plan, and forgets any path: set it after. */
  np_document_set_frame (self->document, frame, g_steal_pointer (&plan));
  np_document_set_path (self->document, self->path);
  np_canvas_set_frame (self->canvas, frame);
  self->editor = np_mark_editor_new (self->canvas, self->document);
  np_canvas_set_overlay_func (self->canvas, draw_overlay, self, NULL);

  first = np_document_get_plan (self->first);
  if (first->second_view_path == NULL)
    {
      /* AP with lateral is 90°; any other pair keeps 90 until it is set. */
      record_pair (self, 90, FALSE);
    }
  else
    record_pair (self, first->second_view_angle_deg, first->second_view_mirrored);
  sync_pair (self);

  g_signal_connect_object (self->editor, "notify::tool", G_CALLBACK (editor_tool_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first, "changed", G_CALLBACK (first_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->first, "frame-changed", G_CALLBACK (first_frame_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->document, "changed", G_CALLBACK (second_changed_cb), self,
                           G_CONNECT_SWAPPED);
  second_changed_cb (self);
  g_signal_connect_object (analysis, "notify::results", G_CALLBACK (results_changed_cb), self,
                           G_CONNECT_SWAPPED);
  if (parent != NULL && NP_IS_WINDOW (parent))
    {
      NpCanvas *main_canvas = np_window_get_canvas (NP_WINDOW (parent));

      g_signal_connect_object (main_canvas, "notify::window-center",
                               G_CALLBACK (main_window_level_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (main_canvas, "notify::window-width",
                               G_CALLBACK (main_window_level_cb), self, G_CONNECT_SWAPPED);
      np_window_set_second_view (NP_WINDOW (parent), GTK_WIDGET (self));
    }

  np_plan_analysis_set_second_view (analysis, self->document);
  show_results (self);
  return self;
}

/* ---- Finding and opening the partner ---------------------------------- */

/**
 * np_second_view_find_partner:
 * @plan: the first view's plan
 * @plan_path: (nullable): its file
 *
 * The second view this plan is paired with: the one it records, else the
 * case's partner by name, a sibling folder with "-ap" and "-lateral"
 * swapped (data/cases/hip-fluoro-01-ap and …-lateral).
 *
 * Returns: (transfer full) (nullable): its plan file, when it exists
 */
char *
np_second_view_find_partner (const NpPlan *plan,
                             const char   *plan_path)
{
  g_autofree char *folder = NULL;
  g_autofree char *case_name = NULL;
  g_autofree char *cases = NULL;
  g_autofree char *stem = NULL;
  const char *suffix, *other;

  g_return_val_if_fail (plan != NULL, NULL);

  if (plan_path == NULL)
    return NULL;
  folder = g_path_get_dirname (plan_path);
  if (plan->second_view_path != NULL)
    {
      g_autofree char *joined = g_build_filename (folder, plan->second_view_path, NULL);
      g_autofree char *path = g_canonicalize_filename (joined, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  case_name = g_path_get_basename (folder);
  cases = g_path_get_dirname (folder);
  if (g_str_has_suffix (case_name, "-ap"))
    suffix = "-ap", other = "-lateral";
  else if (g_str_has_suffix (case_name, "-lateral"))
    suffix = "-lateral", other = "-ap";
  else
    return NULL;
  stem = g_strndup (case_name, strlen (case_name) - strlen (suffix));
  {
    g_autofree char *partner = g_strconcat (stem, other, NULL);
    g_autofree char *base = g_path_get_basename (plan_path);
    g_autofree char *path = g_build_filename (cases, partner, base, NULL);

    if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
      return g_steal_pointer (&path);
  }
  return NULL;
}

/* Returns: (transfer none) (nullable): the second view open for @parent */
NpSecondView *
np_second_view_get_for (GtkWindow *parent)
{
  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);

  return NP_IS_WINDOW (parent) ? NP_SECOND_VIEW (np_window_get_second_view (NP_WINDOW (parent)))
                               : NULL;
}

static void
open_path (GtkWindow      *parent,
           NpPlanAnalysis *analysis,
           const char     *path)
{
  g_autoptr(GError) error = NULL;
  NpSecondView *view = np_second_view_new (parent, analysis, path, &error);

  if (view == NULL)
    {
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
        adw_message_dialog_new (parent, _("Cannot open the second view"), error->message));

      adw_message_dialog_add_response (dialog, "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  gtk_window_present (GTK_WINDOW (view));
}

typedef struct
{
  GtkWindow *parent;
  NpPlanAnalysis *analysis;
} ChooserData;

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     ChooserData     *data)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        open_path (data->parent, data->analysis, path);
    }
  g_object_unref (data->parent);
  g_object_unref (data->analysis);
  g_free (data);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

/**
 * np_second_view_open_for:
 * @parent: the main window
 * @analysis: its analysis
 *
 * Shows the second view of the plan in @analysis: the one already open,
 * else its partner (np_second_view_find_partner), else the plan the user
 * picks.
 */
void
np_second_view_open_for (GtkWindow      *parent,
                         NpPlanAnalysis *analysis)
{
  NpDocument *document;
  NpSecondView *open;
  g_autofree char *partner = NULL;
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  ChooserData *data;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (NP_IS_PLAN_ANALYSIS (analysis));

  open = np_second_view_get_for (parent);
  if (open != NULL)
    {
      gtk_window_present (GTK_WINDOW (open));
      return;
    }
  document = np_plan_analysis_get_document (analysis);
  partner = np_second_view_find_partner (np_document_get_plan (document),
                                         np_document_get_path (document));
  if (partner != NULL)
    {
      open_path (parent, analysis, partner);
      return;
    }

  chooser = gtk_file_chooser_native_new (_("Open the Second View’s Plan"), parent,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("NeedlePlan plans"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  data = g_new0 (ChooserData, 1);
  data->parent = g_object_ref (parent);
  data->analysis = g_object_ref (analysis);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

NpDocument *
np_second_view_get_document (NpSecondView *self)
{
  g_return_val_if_fail (NP_IS_SECOND_VIEW (self), NULL);

  return self->document;
}

NpCanvas *
np_second_view_get_canvas (NpSecondView *self)
{
  g_return_val_if_fail (NP_IS_SECOND_VIEW (self), NULL);

  return self->canvas;
}

NpMarkEditor *
np_second_view_get_mark_editor (NpSecondView *self)
{
  g_return_val_if_fail (NP_IS_SECOND_VIEW (self), NULL);

  return self->editor;
}

const char *
np_second_view_get_path (NpSecondView *self)
{
  g_return_val_if_fail (NP_IS_SECOND_VIEW (self), NULL);

  return self->path;
}

void
np_second_view_set_window_level_linked (NpSecondView *self,
                                        gboolean      linked)
{
  g_return_if_fail (NP_IS_SECOND_VIEW (self));

  gtk_switch_set_active (self->link_switch, linked);
  link_window_level (self);
}
