/* np-window.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

#include <glib/gi18n.h>

#include "np-autosave.h"
#include "np-export-actions.h"
#include "np-jpeg.h"
#include "np-second-view.h"
#include "np-training-view.h"

G_DEFINE_FINAL_TYPE (NpWindow, np_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_TOOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const plan_actions[] = {
  "win.save", "win.save-as", "win.new", "win.tool", "win.measure", "win.calibrate",
  "win.delete", "win.cancel", "win.finish", "win.recommend-entry", "win.edit-structure",
  "win.open-second-view",
};

static const char *const view_actions[] = {
  "view.zoom-in", "view.zoom-out", "view.zoom-fit", "view.zoom-actual",
  "view.window-preset", "view.window-reset",
};

/* Frame state */

void
_np_window_set_loading (NpWindow *self,
                        gboolean  loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* The plan's actions and keys act on the plan only while it is shown: in
 * Train mode Ctrl+S, Ctrl+Z, Delete and the tool letters would otherwise
 * change or save a plan the user cannot see. */
static void
update_view_actions (NpWindow *self)
{
  gboolean has_frame = np_window_has_frame (self) && !np_window_get_training (self);
  static const char *const export_actions[] = {
    "export-png", "export-pdf", "export-anonymised", "print",
  };

  for (guint i = 0; i < G_N_ELEMENTS (view_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), view_actions[i], has_frame);
  for (guint i = 0; i < G_N_ELEMENTS (plan_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), plan_actions[i], has_frame);
  for (guint i = 0; i < G_N_ELEMENTS (export_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), export_actions[i]);

      if (G_IS_SIMPLE_ACTION (action))
        g_simple_action_set_enabled (G_SIMPLE_ACTION (action), has_frame);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_button), has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_level_button), has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), has_frame);
}

static void
update_history_actions (NpWindow *self)
{
  const char *undo = np_document_get_undo_label (self->document);
  const char *redo = np_document_get_redo_label (self->document);
  g_autofree char *undo_tip = undo != NULL ? g_strdup_printf (_("Undo “%s” (Ctrl+Z)"), undo)
                                           : g_strdup (_("Nothing to undo (Ctrl+Z)"));
  g_autofree char *redo_tip = redo != NULL ? g_strdup_printf (_("Redo “%s” (Ctrl+Shift+Z)"), redo)
                                           : g_strdup (_("Nothing to redo (Ctrl+Shift+Z)"));
  gboolean planning = !np_window_get_training (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 planning && np_document_can_undo (self->document));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 planning && np_document_can_redo (self->document));
  /* The buttons say what they would undo, as text editors do. */
  gtk_widget_set_tooltip_text (self->undo_button, undo_tip);
  gtk_widget_set_tooltip_text (self->redo_button, redo_tip);
}

/**
 * _np_window_update_title:
 *
 * The title names the plan file, or the frame while the plan is unsaved,
 * with a "• " in front when there are unsaved changes.
 */
void
_np_window_update_title (NpWindow *self)
{
  NpFrame *frame = np_document_get_frame (self->document);
  const char *plan_path = np_document_get_path (self->document);
  gboolean dirty = np_document_get_dirty (self->document);
  g_autofree char *name = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *title = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GFile) parent = NULL;
  const char *format;

  if (frame == NULL || self->file == NULL)
    return;

  if (plan_path != NULL)
    {
      g_autofree char *basename = g_path_get_basename (plan_path);
      g_autofree char *dirname = g_path_get_dirname (plan_path);
      g_autofree char *folder_basename = g_path_get_basename (dirname);

      name = g_filename_display_name (basename);
      folder = g_filename_display_name (folder_basename);
    }
  else
    {
      g_autofree char *basename = g_file_get_basename (self->file);

      name = g_filename_display_name (basename);
      /* Case folders hold a "frame.png" each: the folder tells them apart. */
      parent = g_file_get_parent (self->file);
      if (parent != NULL)
        {
          g_autofree char *parent_basename = g_file_get_basename (parent);
          folder = g_filename_display_name (parent_basename);
        }
    }

  if (dirty)
    g_string_append (subtitle, _("Unsaved changes · "));
  if (self->frame_mismatch)
    g_string_append (subtitle, _("Frame differs from the plan’s · "));
  if (self->frame_unverified)
    g_string_append (subtitle, _("Frame not verified (no checksum in the plan) · "));
  if (folder != NULL)
    g_string_append_printf (subtitle, "%s · ", folder);
  g_string_append_printf (subtitle, "%u × %u px", np_frame_get_width (frame),
                          np_frame_get_height (frame));
  format = np_frame_get_source_format (frame);
  if (format != NULL)
    g_string_append_printf (subtitle, " · %s", format);

  shown = g_strdup_printf ("%s%s", dirty ? "• " : "", name);
  title = g_strdup_printf (_("%s — NeedlePlan"), shown);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, shown);
  adw_window_title_set_subtitle (self->window_title, subtitle->str);
}

/**
 * _np_window_show_frame:
 * @plan: (transfer full) (nullable): the frame's plan, or %NULL for a new one
 * @plan_path: (nullable): the plan's file
 *
 * Shows the frame of @image and starts the document over on it.
 */
void
_np_window_show_frame (NpWindow            *self,
                       GFile               *file,
                       const NpCanvasImage *image,
                       NpPlan              *plan,
                       const char          *plan_path)
{
  NpFrame *frame = image->frame;

  g_set_object (&self->file, file);

  np_canvas_set_image (self->canvas, image);
  np_status_bar_set_frame (self->status_bar, frame);
  np_status_bar_set_zoom (self->status_bar, np_canvas_get_zoom (self->canvas));
  np_status_bar_set_window_level (self->status_bar, np_canvas_get_window_level (self->canvas));

  np_document_set_frame (self->document, frame, plan);
  np_document_set_path (self->document, plan_path);
  _np_window_update_title (self);
  _np_window_offer_calibration (self, frame);

  gtk_stack_set_visible_child_name (self->view_stack, "frame");
  gtk_widget_set_visible (GTK_WIDGET (self->status_bar), TRUE);
  gtk_widget_set_visible (self->tool_column, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->side_panel), TRUE);
  update_view_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

  /* A plan reopens with its marks; a bare frame with a new plan. */
  if (plan_path != NULL)
    {
      g_autoptr(GFile) plan_file = g_file_new_for_path (plan_path);

      _np_window_add_to_recent (plan_file, "application/json");
    }
  else if (np_frame_get_dicom_info (frame) != NULL)
    _np_window_add_to_recent (file, "application/dicom");
  else
    _np_window_add_to_recent (file, g_strcmp0 (np_frame_get_source_format (frame),
                                               NP_JPEG_SOURCE_FORMAT) == 0 ? "image/jpeg"
                                                                           : "image/png");
}

/**
 * np_window_show_error:
 * @heading: what failed, in title case ("Could Not Save the Plan")
 * @error: its message names the file and the problem
 *
 * Shows a message dialog over the window.
 */
void
np_window_show_error (NpWindow     *self,
                      const char   *heading,
                      const GError *error)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (NP_IS_WINDOW (self));
  g_return_if_fail (heading != NULL);
  g_return_if_fail (error != NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading,
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * np_window_get_capture_note:
 *
 * Returns: (nullable): how the plan inside the NeedlePlan Secondary
 *   Capture last opened was reopened (on its source frame, on the
 *   capture's own pixels, or why not), in words; %NULL when the last file
 *   opened was not one
 */
const char *
np_window_get_capture_note (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);
  return self->capture_note;
}

/**
 * np_window_show_toast:
 *
 * Shows @text for a few seconds at the bottom of the window.
 */
void
np_window_show_toast (NpWindow   *self,
                      const char *text)
{
  g_return_if_fail (NP_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

/**
 * np_window_open_frame_with_plan:
 * @plan: (transfer full): the plan to show on the frame
 * @plan_path: (nullable): the file @plan belongs to; %NULL for a plan never
 *   saved
 *
 * Reads @frame_file in a worker thread and shows it with @plan, marked as
 * changed and not yet saved (a recovered plan). NpWindow:loading says when
 * it is done.
 */
void
np_window_open_frame_with_plan (NpWindow   *self,
                                GFile      *frame_file,
                                NpPlan     *plan,
                                const char *plan_path)
{
  g_return_if_fail (NP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (frame_file));
  g_return_if_fail (plan != NULL);

  _np_window_load_frame (self, frame_file, plan, plan_path, TRUE);
}

static gboolean
is_plan_file (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);

  return basename != NULL && (g_str_has_suffix (basename, ".json") ||
                              g_str_has_suffix (basename, ".JSON"));
}

/**
 * np_window_open_file:
 *
 * Opens a frame (PNG) with a new plan, or a plan file (JSON) with its frame.
 * Unsaved changes are offered for saving first. The frame loads in a worker
 * thread; on failure the window shows the loader's message (which names the
 * file and the problem) and keeps what it had. #NpWindow:loading is %TRUE
 * until the load finishes.
 */
void
np_window_open_file (NpWindow *self,
                     GFile    *file)
{
  g_return_if_fail (NP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _np_window_run_after_prompt (self, NP_PENDING_OPEN, file);
}

/* Called once unsaved changes are saved or discarded. */
void
_np_window_open_file_now (NpWindow *self,
                          GFile    *file)
{
  /* What the user opens is shown, also when asked for from Train mode. */
  gtk_stack_set_visible_child_name (self->mode_stack, "plan");
  if (is_plan_file (file))
    _np_window_open_plan (self, file);
  else
    _np_window_load_frame (self, file, NULL, NULL, FALSE);
}

/* Results */

/* What the canvas draws, in words for a screen reader: the marks, the
 * depth and path, the structures and the warnings. */
static char *
describe_plan (const NpPlan        *plan,
               const NpPlanResults *results)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_structures = plan->structures != NULL ? plan->structures->len : 0;

  if (plan->has_target)
    g_string_append_printf (text, _("Target at %.0f, %.0f px. "), plan->target.x, plan->target.y);
  else
    g_string_append (text, _("No target marked. "));
  if (plan->has_entry)
    g_string_append_printf (text, _("Entry at %.0f, %.0f px. "), plan->entry.x, plan->entry.y);
  else
    g_string_append (text, _("No entry marked. "));
  if (results != NULL && results->has_depth)
    g_string_append_printf (text, _("Target depth %.1f %s. "), results->depth, results->unit);
  if (results != NULL && results->has_path)
    g_string_append_printf (text, _("Needle path %.1f %s"), results->path_length, results->unit);
  if (results != NULL && results->has_path && results->has_angle)
    g_string_append_printf (text, _(" at %.0f° to the skin"), results->insertion_angle_deg);
  if (results != NULL && results->has_path)
    g_string_append (text, ". ");
  g_string_append_printf (text, ngettext ("%u structure to avoid. ", "%u structures to avoid. ",
                                          n_structures), n_structures);
  if (results != NULL && results->warnings != NULL && results->warnings->len > 0)
    {
      g_string_append (text, ngettext ("Warning: ", "Warnings: ", results->warnings->len));
      for (guint i = 0; i < results->warnings->len; i++)
        g_string_append_printf (text, "%s%s", i > 0 ? "; " : "",
                                (const char *) g_ptr_array_index (results->warnings, i));
      g_string_append (text, ".");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_canvas_description (NpWindow *self)
{
  g_autofree char *description = describe_plan (np_document_get_plan (self->document),
                                                np_plan_analysis_get_results (self->analysis));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

/* The analysis replaced or completed the results: the overlay shows them. */
static void
analysis_results_cb (NpWindow       *self,
                     GParamSpec     *pspec,
                     NpPlanAnalysis *analysis)
{
  np_canvas_queue_overlay_redraw (self->canvas);
  update_canvas_description (self);
}

/* Millimetres in the status line on a calibrated frame, unless the
 * preference asks for pixels only. */
static void
update_status_calibration (NpWindow *self)
{
  g_autofree char *units = self->settings != NULL
    ? g_settings_get_string (self->settings, "units") : g_strdup ("mm");

  np_status_bar_set_calibration (self->status_bar,
                                 g_str_equal (units, "px")
                                 ? NULL : np_document_get_plan (self->document)->calibration);
}

static void
document_changed_cb (NpWindow   *self,
                     NpDocument *document)
{
  np_canvas_queue_overlay_redraw (self->canvas);
  update_status_calibration (self);
  update_history_actions (self);
  _np_window_cine_sync (self);
  update_canvas_description (self);
}

static void
document_state_cb (NpWindow   *self,
                   GParamSpec *pspec,
                   NpDocument *document)
{
  update_history_actions (self);
  _np_window_update_title (self);
}

static void
draw_overlay (cairo_t  *cr,
              double    zoom,
              gpointer  user_data)
{
  NpWindow *self = NP_WINDOW (user_data);
  NpFrame *frame = np_document_get_frame (self->document);
  NpOverlayOptions options;

  if (frame == NULL)
    return;
  np_overlay_options_init (&options, np_frame_get_width (frame), np_frame_get_height (frame));
  options.zoom = zoom;
  options.selected = np_mark_editor_get_selection (self->mark_editor, &options.selected_index);
  np_overlay_draw (cr, np_document_get_plan (self->document),
                   np_plan_analysis_get_results (self->analysis), &options);
  np_mark_editor_draw (self->mark_editor, cr, zoom);
  _np_window_draw_calibration (self, cr, zoom);
  /* A paired second view: its marks' heights as guide lines here. */
  if (self->second_view != NULL)
    np_second_view_draw_first_guides (NP_SECOND_VIEW (self->second_view), cr, zoom);
}

/* Planning tools */

static void
tool_changed_cb (NpWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

/* Drag and drop */

static gboolean
drop_cb (NpWindow      *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GFile *file = NULL;
  guint count = 1;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      file = files->data;
      count = g_slist_length (files);
    }
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    file = g_value_get_object (value);

  if (file == NULL)
    return FALSE;

  np_window_open_file (self, file);
  if (count > 1)
    {
      g_autofree char *text =
        g_strdup_printf (_("Opened the first of %u files: a window shows one frame"), count);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
    }
  return TRUE;
}

/* Status bar */

static void
cursor_moved_cb (NpWindow *self,
                 double    x,
                 double    y,
                 gboolean  inside,
                 NpCanvas *canvas)
{
  np_status_bar_set_cursor (self->status_bar, np_image_point (x, y), inside);
}

static void
zoom_changed_cb (NpWindow   *self,
                 GParamSpec *pspec,
                 NpCanvas   *canvas)
{
  np_status_bar_set_zoom (self->status_bar, np_canvas_get_zoom (canvas));
}

static void
window_level_changed_cb (NpWindow   *self,
                         GParamSpec *pspec,
                         NpCanvas   *canvas)
{
  np_status_bar_set_window_level (self->status_bar, np_canvas_get_window_level (canvas));
}

/* GtkWindow */

static gboolean
np_window_close_request (GtkWindow *window)
{
  NpWindow *self = NP_WINDOW (window);
  int width, height;
  gboolean maximized = gtk_window_is_maximized (window);

  if (!self->close_confirmed && np_document_get_dirty (self->document))
    {
      _np_window_run_after_prompt (self, NP_PENDING_CLOSE, NULL);
      return TRUE;
    }

  /* The unmaximized size, so that unmaximizing next time gives it back. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  /* Within the schema's range (360 to 16384). */
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", CLAMP (width, 360, 16384));
      g_settings_set_int (self->settings, "window-height", CLAMP (height, 360, 16384));
    }

  return GTK_WINDOW_CLASS (np_window_parent_class)->close_request (window);
}

/* GObject */

static void
np_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NpWindow *self = NP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_TOOL:
      g_value_set_string (value, self->mark_editor != NULL
                                 ? np_tool_to_string (np_mark_editor_get_tool (self->mark_editor))
                                 : "pan");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  NpWindow *self = NP_WINDOW (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      {
        NpTool tool;

        if (np_tool_from_string (g_value_get_string (value), &tool))
          np_mark_editor_set_tool (self->mark_editor, tool);
        else
          g_warning ("Unknown tool “%s”", g_value_get_string (value));
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_dispose (GObject *object)
{
  NpWindow *self = NP_WINDOW (object);

  g_clear_handle_id (&self->deferred_init_idle, g_source_remove);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  /* Disposed on a clean close: the autosave file goes with it. */
  g_clear_object (&self->autosave);
  g_clear_pointer (&self->export_actions, np_export_actions_free);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->save_chooser));
  g_clear_object (&self->save_chooser);
  if (self->calibration_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->calibration_dialog));
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  if (self->analysis != NULL)
    g_signal_handlers_disconnect_by_data (self->analysis, self);
  /* The editor takes its controllers off the canvas before the canvas goes
   * (the side panel may hold it a little longer). */
  if (self->mark_editor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->mark_editor, self);
      g_object_run_dispose (G_OBJECT (self->mark_editor));
    }
  g_clear_object (&self->mark_editor);
  g_clear_pointer (&self->structure_popover, gtk_widget_unparent);
  _np_window_cine_dispose (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_WINDOW);

  g_clear_object (&self->file);
  g_clear_pointer (&self->frame_sha256, g_free);
  g_clear_object (&self->sample_file);
  g_clear_object (&self->settings);
  g_clear_object (&self->pending_file);
  g_clear_pointer (&self->capture_note, g_free);
  g_clear_object (&self->analysis);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (np_window_parent_class)->dispose (object);
}

static void
np_window_class_init (NpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->get_property = np_window_get_property;
  object_class->set_property = np_window_set_property;
  object_class->dispose = np_window_dispose;
  window_class->close_request = np_window_close_request;

  /**
   * NpWindow:loading:
   *
   * Whether a frame is being read.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NpWindow:tool:
   *
   * The planning tool ("pan", "target", "entry", "skin", "structure",
   * "measure", "calibrate"); the `win.tool` action and the tool column.
   */
  properties[PROP_TOOL] =
    g_param_spec_string ("tool", NULL, NULL, "pan",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_CANVAS);
  g_type_ensure (NP_TYPE_STATUS_BAR);
  g_type_ensure (NP_TYPE_SIDE_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, window_level_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, mode_switcher);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, train_page);
  /* Shown or hidden with the mode only (mode_changed_cb). */
  gtk_widget_class_bind_template_child_full (widget_class, "history_box", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "training_title", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, workspace);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, tool_column);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, open_sample_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, status_bar);

  _np_window_files_class_init (widget_class);
  gtk_widget_class_install_property_action (widget_class, "win.tool", "tool");
  _np_window_class_actions_init (widget_class);
  _np_window_class_cine_init (widget_class);
}

static void
autosave_failed_cb (NpWindow     *self,
                    const GError *error,
                    NpAutosave   *autosave)
{
  g_autofree char *text = g_strdup_printf (_("Autosave failed: %s"), error->message);

  np_window_show_toast (self, text);
}

/* Builds the training view inside its page the first time Train is shown:
 * the view reads the whole case library and draws thumbnails in a worker
 * thread, work that competed with the first frame of every launch. */
static void
mode_changed_cb (NpWindow *self)
{
  /* The plan's title and the header buttons that act on the plan or its
   * canvas, both hidden while training. */
  static const char *const plan_only[] = { "window_title", "save_button", "history_box",
                                           "zoom_button", "window_level_button",
                                           "export_button" };
  gboolean training = np_window_get_training (self);
  guint n_frames = self->cine != NULL ? np_cine_get_n_frames (self->cine) : 0;
  GtkWidget *view;

  update_view_actions (self);
  update_history_actions (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.frame-step", !training && n_frames > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.frame-play", !training && n_frames > 1);

  for (guint i = 0; i < G_N_ELEMENTS (plan_only); i++)
    gtk_widget_set_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                                       NP_TYPE_WINDOW,
                                                                       plan_only[i])),
                            !training);
  gtk_widget_set_visible (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (self),
                                                                     NP_TYPE_WINDOW,
                                                                     "training_title")),
                          training);

  if (!training || gtk_widget_get_first_child (self->train_page) != NULL)
    return;
  view = np_training_view_new ();
  gtk_widget_set_hexpand (view, TRUE);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (self->train_page), view);
}

/* What the first frame does not need (the sample library scan, the recent
 * files list) waits until the main loop is idle. */
static void
finish_deferred_init (NpWindow *self)
{
  g_clear_handle_id (&self->deferred_init_idle, g_source_remove);

  self->sample_file = _np_window_find_sample_file ();
  gtk_widget_set_visible (GTK_WIDGET (self->open_sample_button), self->sample_file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-sample", self->sample_file != NULL);

  _np_window_recent_init (self);
}

static gboolean
deferred_init_idle_cb (gpointer user_data)
{
  NpWindow *self = NP_WINDOW (user_data);

  self->deferred_init_idle = 0;
  finish_deferred_init (self);
  return G_SOURCE_REMOVE;
}

static void
np_window_init (NpWindow *self)
{
  GtkDropTarget *drop_target;
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->document = np_document_new ();
  /* Made before anything else listens to the document, so every view that
   * hears of an edit finds the new results already there. */
  self->analysis = np_plan_analysis_new (self->document);
  g_signal_connect_swapped (self->analysis, "notify::results", G_CALLBACK (analysis_results_cb),
                            self);
  g_signal_connect_swapped (self->document, "changed", G_CALLBACK (document_changed_cb), self);
  g_signal_connect_swapped (self->document, "notify::can-undo", G_CALLBACK (document_state_cb),
                            self);
  g_signal_connect_swapped (self->document, "notify::can-redo", G_CALLBACK (document_state_cb),
                            self);
  g_signal_connect_swapped (self->document, "notify::dirty", G_CALLBACK (document_state_cb),
                            self);
  g_signal_connect_swapped (self->document, "notify::path", G_CALLBACK (document_state_cb),
                            self);
  np_canvas_set_overlay_func (self->canvas, draw_overlay, self, NULL);

  self->mark_editor = np_mark_editor_new (self->canvas, self->document);
  g_signal_connect_swapped (self->mark_editor, "notify::tool", G_CALLBACK (tool_changed_cb), self);
  _np_window_actions_init (self);
  _np_window_cine_init (self);
  np_side_panel_bind (self->side_panel, self->analysis, self->mark_editor);

  gtk_widget_set_visible (GTK_WIDGET (self->open_sample_button), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-sample", FALSE);

  g_signal_connect_object (self->canvas, "cursor-moved", G_CALLBACK (cursor_moved_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::zoom", G_CALLBACK (zoom_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::window-center",
                           G_CALLBACK (window_level_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::window-width",
                           G_CALLBACK (window_level_changed_cb), self, G_CONNECT_SWAPPED);

  drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->workspace), GTK_EVENT_CONTROLLER (drop_target));

  self->deferred_init_idle = g_idle_add_full (G_PRIORITY_LOW, deferred_init_idle_cb, self, NULL);

  update_view_actions (self);
  update_history_actions (self);
  self->export_actions = np_export_actions_install (self);
  self->autosave = np_autosave_new (self->analysis, NULL);
  g_signal_connect_object (self->autosave, "failed", G_CALLBACK (autosave_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mode_stack, "notify::visible-child",
                           G_CALLBACK (mode_changed_cb), self, G_CONNECT_SWAPPED);
}

NpWindow *
np_window_new (NpApplication *application)
{
  NpWindow *self;

  g_return_val_if_fail (NP_IS_APPLICATION (application), NULL);

  self = g_object_new (NP_TYPE_WINDOW, "application", application, NULL);
  self->settings = g_object_ref (np_application_get_settings (application));
  g_signal_connect_object (self->settings, "changed::units",
                           G_CALLBACK (update_status_calibration), self, G_CONNECT_SWAPPED);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  return self;
}

gboolean
np_window_has_frame (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);

  return np_canvas_get_frame (self->canvas) != NULL;
}

/**
 * np_window_get_training:
 *
 * Returns: whether the window shows Train mode (the plan is hidden and its
 *   actions are off)
 */
gboolean
np_window_get_training (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);

  return self->mode_stack != NULL &&
         gtk_stack_get_visible_child (self->mode_stack) == self->train_page;
}

gboolean
np_window_get_loading (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), FALSE);

  return self->loading;
}

/**
 * np_window_get_file:
 *
 * Returns: (transfer none) (nullable): the file of the frame shown
 */
GFile *
np_window_get_file (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->file;
}

/**
 * np_window_get_canvas:
 *
 * Returns: (transfer none): the canvas
 */
NpCanvas *
np_window_get_canvas (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->canvas;
}

/**
 * np_window_get_status_bar:
 *
 * Returns: (transfer none): the status bar
 */
NpStatusBar *
np_window_get_status_bar (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->status_bar;
}

/**
 * np_window_get_sample_file:
 *
 * Returns: (transfer none) (nullable): the sample frame "Open Sample" opens
 */
GFile *
np_window_get_sample_file (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  if (self->deferred_init_idle != 0)
    finish_deferred_init (self);
  return self->sample_file;
}

/**
 * np_window_get_document:
 *
 * Returns: (transfer none): the document: frame, plan, undo, path, dirty flag
 */
NpDocument *
np_window_get_document (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->document;
}

/**
 * np_window_get_autosave:
 *
 * Returns: (transfer none) (nullable): what keeps the document's unsaved
 *   plan on disk; %NULL once the window is destroyed
 */
NpAutosave *
np_window_get_autosave (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->autosave;
}

/**
 * np_window_get_analysis:
 *
 * Returns: (transfer none): the planner's results of the document's plan,
 *   their options and intervals; every view reads them from here
 */
NpPlanAnalysis *
np_window_get_analysis (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->analysis;
}

GtkWidget *
np_window_get_second_view (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), NULL);

  return self->second_view;
}

void
np_window_set_second_view (NpWindow  *self,
                           GtkWidget *second_view)
{
  g_return_if_fail (NP_IS_WINDOW (self));

  self->second_view = second_view;
}
