/* np-window.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

#include "np-autosave.h"
#include "np-approach.h"
#include "np-calibration-dialog.h"
#include "np-error.h"
#include "np-mark-handle.h"
#include "np-structure-popover.h"
#include "np-export-actions.h"
#include "np-file.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-png.h"
#include "np-prefetch.h"
#include "np-training-view.h"

/* The name the recent-files list is kept under, to list only our frames. */
#define RECENT_APP_NAME "NeedlePlan"
#define RECENT_MAX_ITEMS 10
/* How deep under cases/ the sample frame may sit (cases/<case>/<frame>.png). */
#define SAMPLE_MAX_DEPTH 3
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
};

static const char *const view_actions[] = {
  "view.zoom-in", "view.zoom-out", "view.zoom-fit", "view.zoom-actual",
  "view.window-preset", "view.window-reset",
};

/* Sample library */

static gboolean
has_png_suffix (const char *name)
{
  return g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".PNG");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

/* The first PNG in name order, depth first, or NULL. */
static char *
find_first_png (const char *dir_path,
                guint       depth)
{
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, names->pdata[i], NULL);

      if (has_png_suffix (names->pdata[i]) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  if (depth == 0)
    return NULL;
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, names->pdata[i], NULL);
      char *found = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        found = find_first_png (path, depth - 1);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The installed sample library first; the source tree's when run from a build. */
static GFile *
find_sample_file (void)
{
  static const char *const roots[] = { PKGDATADIR "/cases", SOURCE_DATADIR "/cases" };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autofree char *path = find_first_png (roots[i], SAMPLE_MAX_DEPTH);

      if (path != NULL)
        return g_file_new_for_path (path);
    }
  return NULL;
}

/* Recent frames */

static int
compare_recent_newest_first (gconstpointer a,
                             gconstpointer b)
{
  GtkRecentInfo *info_a = (GtkRecentInfo *) a;
  GtkRecentInfo *info_b = (GtkRecentInfo *) b;

  return g_date_time_compare (gtk_recent_info_get_modified (info_b),
                              gtk_recent_info_get_modified (info_a));
}

static char *
escape_mnemonic (const char *label)
{
  g_auto(GStrv) parts = g_strsplit (label, "_", -1);

  return g_strjoinv ("__", parts);
}

static void
rebuild_recent_menu (NpWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  g_autoptr(GMenu) menu = g_menu_new ();
  GList *items = gtk_recent_manager_get_items (manager);
  GList *ours = NULL;
  guint count = 0;

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (gtk_recent_info_has_application (info, RECENT_APP_NAME) &&
          gtk_recent_info_exists (info))
        ours = g_list_prepend (ours, info);
    }
  ours = g_list_sort (ours, compare_recent_newest_first);

  for (GList *l = ours; l != NULL && count < RECENT_MAX_ITEMS; l = l->next, count++)
    {
      GtkRecentInfo *info = l->data;
      g_autofree char *label = escape_mnemonic (gtk_recent_info_get_display_name (info));
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      const char *uri = gtk_recent_info_get_uri (info);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (uri));
      g_menu_append_item (menu, item);
    }

  gtk_menu_button_set_menu_model (self->recent_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_button), count > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->recent_button),
                               count > 0 ? "Recent frames and plans" : "Nothing opened yet");

  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
add_to_recent (GFile      *file,
               const char *mime_type)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *) mime_type,
    .app_name = (char *) RECENT_APP_NAME,
    .app_exec = (char *) "needleplan %u",
    .groups = NULL,
    .is_private = FALSE,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* Frame state */

static void
set_loading (NpWindow *self,
             gboolean  loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_widget_set_visible (GTK_WIDGET (self->loading_spinner), loading);
  gtk_spinner_set_spinning (self->loading_spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Loading */

typedef struct
{
  GFile *file;             /* the frame */
  NpPlan *plan;            /* the plan it belongs to, or NULL for a new plan */
  char *plan_path;         /* where that plan is, or NULL */
  gboolean relocated;      /* the user located the frame: the plan changed */
  NpPrefetch *prefetch;    /* the frame read since start-up, or NULL */
} LoadRequest;

typedef struct
{
  NpFrame *frame;
  NpCanvasImage *image;    /* the frame made ready for the canvas, off the main thread */
  char *sha256;            /* of the file as read, NULL when unknown */
  gboolean checked;        /* a plan's frame was compared with its SHA-256 */
  gboolean matches;
} LoadResult;

static void
load_request_free (LoadRequest *request)
{
  g_clear_object (&request->file);
  g_clear_pointer (&request->plan, np_plan_free);
  g_clear_pointer (&request->plan_path, g_free);
  g_clear_pointer (&request->prefetch, np_prefetch_unref);
  g_free (request);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->frame, np_frame_unref);
  g_clear_pointer (&result->image, np_canvas_image_free);
  g_clear_pointer (&result->sha256, g_free);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadResult, load_result_free)

static NpFrame *
load_frame (GFile         *file,
            GCancellable  *cancellable,
            char         **sha256,
            GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  NpFrame *frame;
  gsize length = 0;

  if (path != NULL)
    {
      frame = np_png_load (path, error);
      /* The checksum is for the record: a frame that cannot be hashed is
       * still shown, and saved plans then say they have no checksum. */
      if (frame != NULL)
        *sha256 = np_file_sha256 (path, NULL);
      return frame;
    }

  /* Not a local path (a network share, a document portal): read it whole,
   * after checking its size against the same limit the loader applies. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &local_error);
  if (info != NULL && (guint64) g_file_info_get_size (info) > NP_PNG_MAX_FILE_SIZE)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "Cannot open “%s”: the file is larger than the %u MB limit", name,
                   (guint) (NP_PNG_MAX_FILE_SIZE / (1024 * 1024)));
      return NULL;
    }
  if (info == NULL ||
      !g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_IO, "Cannot open “%s”: %s", name,
                   local_error->message);
      return NULL;
    }
  frame = np_png_load_from_memory ((const guint8 *) contents, length, name, error);
  if (frame != NULL)
    *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
  return frame;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  g_autoptr(LoadResult) result = g_new0 (LoadResult, 1);
  GError *error = NULL;

  if (request->prefetch != NULL)
    {
      if (!np_prefetch_finish (request->prefetch, &result->image, &result->sha256, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      result->frame = np_frame_ref (result->image->frame);
    }
  else
    {
      result->frame = load_frame (request->file, cancellable, &result->sha256, &error);
      if (result->frame == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      result->image = np_canvas_image_new_for_view (result->frame, NP_PREFETCH_VIEW_WIDTH,
                                                    NP_PREFETCH_VIEW_HEIGHT);
    }
  if (request->plan != NULL && request->plan_path != NULL)
    result->checked = np_plan_file_check_frame (request->plan, request->plan_path,
                                                &result->matches, NULL);
  g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) load_result_free);
}

static void
update_view_actions (NpWindow *self)
{
  gboolean has_frame = np_window_has_frame (self);

  for (guint i = 0; i < G_N_ELEMENTS (view_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), view_actions[i], has_frame);
  for (guint i = 0; i < G_N_ELEMENTS (plan_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), plan_actions[i], has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_button), has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_level_button), has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), has_frame);
}

static void
update_history_actions (NpWindow *self)
{
  const char *undo = np_document_get_undo_label (self->document);
  const char *redo = np_document_get_redo_label (self->document);
  g_autofree char *undo_tip = undo != NULL ? g_strdup_printf ("Undo “%s” (Ctrl+Z)", undo)
                                           : g_strdup ("Nothing to undo (Ctrl+Z)");
  g_autofree char *redo_tip = redo != NULL ? g_strdup_printf ("Redo “%s” (Ctrl+Shift+Z)", redo)
                                           : g_strdup ("Nothing to redo (Ctrl+Shift+Z)");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 np_document_can_undo (self->document));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 np_document_can_redo (self->document));
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
    g_string_append (subtitle, "Unsaved changes · ");
  if (self->frame_mismatch)
    g_string_append (subtitle, "Frame differs from the plan’s · ");
  if (folder != NULL)
    g_string_append_printf (subtitle, "%s · ", folder);
  g_string_append_printf (subtitle, "%u × %u px", np_frame_get_width (frame),
                          np_frame_get_height (frame));
  format = np_frame_get_source_format (frame);
  if (format != NULL)
    g_string_append_printf (subtitle, " · %s", format);

  shown = g_strdup_printf ("%s%s", dirty ? "• " : "", name);
  title = g_strdup_printf ("%s — NeedlePlan", shown);
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

      add_to_recent (plan_file, "application/json");
    }
  else
    add_to_recent (file, "image/png");
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
  adw_message_dialog_add_response (dialog, "close", "_Close");
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
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

static void
load_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpWindow *self = NP_WINDOW (source_object);
  GTask *task = G_TASK (result);
  LoadRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(LoadResult) loaded = g_task_propagate_pointer (task, &error);
  NpPlan *plan;

  /* A newer open replaced this one, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  set_loading (self, FALSE);

  if (loaded == NULL)
    {
      g_info ("%s", error->message);
      np_window_show_error (self, "Could Not Open the Frame", error);
      return;
    }

  if (request->plan != NULL)
    plan = g_steal_pointer (&request->plan);
  else
    plan = _np_window_new_plan_for_frame (self, request->file, loaded->frame, loaded->sha256);

  self->frame_mismatch = request->plan_path != NULL && loaded->checked && !loaded->matches;
  _np_window_show_frame (self, request->file, loaded->image, plan, request->plan_path);
  if (request->relocated)
    {
      /* The plan now names the located frame: saving it keeps that. */
      np_document_set_dirty (self->document, TRUE);
      _np_window_update_title (self);
    }
  if (request->plan_path != NULL && loaded->checked && !loaded->matches)
    _np_window_warn_frame_mismatch (self, request->plan_path);
}

/**
 * _np_window_load_frame:
 * @plan: (transfer full) (nullable): the plan of the frame, or %NULL to
 *   start a new plan on it
 * @plan_path: (nullable): where @plan is; its frame's SHA-256 is checked
 * @relocated: the user located a missing frame; the plan is marked changed
 *
 * Reads @frame_file in a worker thread and shows it with @plan.
 */
void
_np_window_load_frame (NpWindow   *self,
                       GFile      *frame_file,
                       NpPlan     *plan,
                       const char *plan_path,
                       gboolean    relocated)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request = g_new0 (LoadRequest, 1);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  request->file = g_object_ref (frame_file);
  request->plan = plan;
  request->plan_path = g_strdup (plan_path);
  request->relocated = relocated;
  /* The frame named on the command line was read while GTK started. */
  if (NP_IS_APPLICATION (application))
    request->prefetch = np_application_take_prefetch (NP_APPLICATION (application), frame_file);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->load_cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, _np_window_load_frame);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  set_loading (self, TRUE);
  g_task_run_in_thread (task, load_thread);
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
  if (is_plan_file (file))
    _np_window_open_plan (self, file);
  else
    _np_window_load_frame (self, file, NULL, NULL, FALSE);
}

/* Results */

/* The analysis replaced or completed the results: the overlay shows them. */
static void
analysis_results_cb (NpWindow       *self,
                     GParamSpec     *pspec,
                     NpPlanAnalysis *analysis)
{
  np_canvas_queue_overlay_redraw (self->canvas);
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
}

/* Actions */

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

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  g_autoptr(GtkFileFilter) any_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) png_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) plan_filter = gtk_file_filter_new ();
  g_autofree char *last_folder = g_settings_get_string (self->settings, "last-folder");

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new ("Open Frame or Plan", GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               "_Open", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (any_filter, "Frames and plans");
  gtk_file_filter_add_mime_type (any_filter, "image/png");
  gtk_file_filter_add_suffix (any_filter, "png");
  gtk_file_filter_add_suffix (any_filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), any_filter);
  gtk_file_filter_set_name (png_filter, "Frames (PNG images)");
  gtk_file_filter_add_mime_type (png_filter, "image/png");
  gtk_file_filter_add_suffix (png_filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), png_filter);
  gtk_file_filter_set_name (plan_filter, "Plans (JSON)");
  gtk_file_filter_add_suffix (plan_filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), plan_filter);

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
tool_changed_cb (NpWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

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
      description = g_strdup_printf ("Edit %s", structure->label != NULL && *structure->label
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
      np_window_show_error (self, "Could Not Recommend an Entry", error);
      return;
    }

  plan = np_document_dup_plan (self->document);
  plan->has_entry = TRUE;
  plan->entry = recommendation->entry;
  np_document_edit (self->document, g_steal_pointer (&plan),
                    recommendation->feasible ? "Recommended entry" : "Least-bad entry");

  if (recommendation->feasible)
    text = g_strdup_printf ("Entry moved: %s", recommendation->reason);
  else
    text = g_strdup_printf ("No entry meets every constraint: %s The entry shows the least-bad "
                            "option; Ctrl+Z puts yours back.", recommendation->reason);
  np_side_panel_set_recommendation (self->side_panel, text, recommendation->feasible);
  np_window_show_toast (self, recommendation->feasible ? "Entry moved to the recommended point"
                                                       : "No entry meets every constraint");
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
        g_strdup_printf ("Opened the first of %u files: a window shows one frame", count);
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

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_WINDOW);

  g_clear_object (&self->file);
  g_clear_object (&self->sample_file);
  g_clear_object (&self->settings);
  g_clear_object (&self->pending_file);
  g_clear_object (&self->analysis);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (np_window_parent_class)->dispose (object);
}

static void
add_binding (GtkWidgetClass  *widget_class,
             guint            keyval,
             GdkModifierType  modifiers,
             const char      *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, modifiers, action, NULL);
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
  gtk_widget_class_bind_template_child (widget_class, NpWindow, workspace);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, tool_column);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, hint_label);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, side_panel);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, open_sample_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, status_bar);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, history_action);
  _np_window_files_class_init (widget_class);
  gtk_widget_class_install_property_action (widget_class, "win.tool", "tool");
  gtk_widget_class_install_action (widget_class, "win.measure", NULL, measure_action);
  gtk_widget_class_install_action (widget_class, "win.calibrate", NULL, calibrate_action);
  gtk_widget_class_install_action (widget_class, "win.delete", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.finish", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "win.recommend-entry", NULL,
                                   recommend_entry_action);
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
  add_binding (widget_class, GDK_KEY_Delete, 0, "win.delete");
  add_binding (widget_class, GDK_KEY_KP_Delete, 0, "win.delete");
  add_binding (widget_class, GDK_KEY_BackSpace, 0, "win.delete");
  add_binding (widget_class, GDK_KEY_Escape, 0, "win.cancel");
  add_binding (widget_class, GDK_KEY_Return, 0, "win.finish");
  add_binding (widget_class, GDK_KEY_KP_Enter, 0, "win.finish");
  add_binding (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.recommend-entry");
}

static void
autosave_failed_cb (NpWindow     *self,
                    const GError *error,
                    NpAutosave   *autosave)
{
  g_autofree char *text = g_strdup_printf ("Autosave failed: %s", error->message);

  np_window_show_toast (self, text);
}

/* Builds the training view inside its page the first time Train is shown:
 * the view reads the whole case library and draws thumbnails in a worker
 * thread, work that competed with the first frame of every launch. */
static void
mode_changed_cb (NpWindow *self)
{
  GtkWidget *view;

  if (gtk_stack_get_visible_child (self->mode_stack) != self->train_page ||
      gtk_widget_get_first_child (self->train_page) != NULL)
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

  self->sample_file = find_sample_file ();
  gtk_widget_set_visible (GTK_WIDGET (self->open_sample_button), self->sample_file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-sample", self->sample_file != NULL);

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);
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
  g_signal_connect_swapped (self->mark_editor, "notify::tool", G_CALLBACK (tool_notify_cb), self);
  g_signal_connect_swapped (self->mark_editor, "notify::hint", G_CALLBACK (hint_changed_cb),
                            self);
  g_signal_connect_swapped (self->mark_editor, "structure-closed",
                            G_CALLBACK (structure_closed_cb), self);
  g_signal_connect_swapped (self->mark_editor, "calibration-click",
                            G_CALLBACK (calibration_click_cb), self);
  hint_changed_cb (self);
  np_side_panel_bind (self->side_panel, self->analysis, self->mark_editor);

  self->edited_structure = -1;
  self->structure_popover = np_structure_popover_new ();
  gtk_widget_set_parent (self->structure_popover, GTK_WIDGET (self->canvas));
  g_signal_connect_swapped (self->structure_popover, "response",
                            G_CALLBACK (structure_response_cb), self);

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
