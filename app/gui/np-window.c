/* np-window.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window.h"

#include "np-error.h"
#include "np-png.h"

/* The name the recent-files list is kept under, to list only our frames. */
#define RECENT_APP_NAME "NeedlePlan"
#define RECENT_MAX_ITEMS 10
/* How deep under cases/ the sample frame may sit (cases/<case>/<frame>.png). */
#define SAMPLE_MAX_DEPTH 3

struct _NpWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkMenuButton *recent_button;
  GtkSpinner *loading_spinner;
  GtkMenuButton *zoom_button;
  GtkMenuButton *window_level_button;
  GtkBox *workspace;
  GtkStack *view_stack;
  GtkButton *open_sample_button;
  NpCanvas *canvas;
  NpStatusBar *status_bar;

  /* Owned */
  GSettings *settings;
  GFile *file;                   /* the frame shown, or NULL */
  GFile *sample_file;            /* the first sample frame found, or NULL */
  GCancellable *load_cancellable;
  GtkFileChooserNative *chooser;

  gboolean loading;
};

G_DEFINE_FINAL_TYPE (NpWindow, np_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
                               count > 0 ? "Recent frames" : "No recent frames yet");

  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
add_to_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *) "image/png",
    .app_name = (char *) RECENT_APP_NAME,
    .app_exec = (char *) "needleplan %u",
    .groups = NULL,
    .is_private = FALSE,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* Loading */

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

static NpFrame *
load_frame (GFile         *file,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (path != NULL)
    return np_png_load (path, error);

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
  return np_png_load_from_memory ((const guint8 *) contents, length, name, error);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  NpFrame *frame = load_frame (G_FILE (task_data), cancellable, &error);

  if (frame != NULL)
    g_task_return_pointer (task, frame, (GDestroyNotify) np_frame_unref);
  else
    g_task_return_error (task, error);
}

static void
update_view_actions (NpWindow *self)
{
  gboolean has_frame = np_window_has_frame (self);

  for (guint i = 0; i < G_N_ELEMENTS (view_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), view_actions[i], has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->zoom_button), has_frame);
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_level_button), has_frame);
}

static void
show_frame (NpWindow *self,
            GFile    *file,
            NpFrame  *frame)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *display_name = g_filename_display_name (basename);
  g_autofree char *title = g_strdup_printf ("%s — NeedlePlan", display_name);
  g_autofree char *subtitle = NULL;
  g_autofree char *folder = NULL;
  g_autoptr(GFile) parent = NULL;
  const char *format = np_frame_get_source_format (frame);

  g_set_object (&self->file, file);

  np_canvas_set_frame (self->canvas, frame);
  np_status_bar_set_frame (self->status_bar, frame);
  np_status_bar_set_zoom (self->status_bar, np_canvas_get_zoom (self->canvas));
  np_status_bar_set_window_level (self->status_bar, np_canvas_get_window_level (self->canvas));

  /* Case folders hold a "frame.png" each: the folder tells them apart. */
  parent = g_file_get_parent (file);
  if (parent != NULL)
    {
      g_autofree char *parent_basename = g_file_get_basename (parent);
      folder = g_filename_display_name (parent_basename);
    }
  subtitle = g_strdup_printf ("%s%s%u × %u px%s%s", folder != NULL ? folder : "",
                              folder != NULL ? " · " : "",
                              np_frame_get_width (frame), np_frame_get_height (frame),
                              format != NULL ? " · " : "", format != NULL ? format : "");
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, display_name);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  gtk_stack_set_visible_child_name (self->view_stack, "frame");
  gtk_widget_set_visible (GTK_WIDGET (self->status_bar), TRUE);
  update_view_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

  add_to_recent (file);
}

static void
show_error (NpWindow     *self,
            const GError *error)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       "Could Not Open the Frame",
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", "_Close");
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
load_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpWindow *self = NP_WINDOW (source_object);
  GTask *task = G_TASK (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = g_task_propagate_pointer (task, &error);

  /* A newer open replaced this one, or the window closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);
  set_loading (self, FALSE);

  if (frame == NULL)
    {
      g_info ("%s", error->message);
      show_error (self, error);
      return;
    }
  show_frame (self, G_FILE (g_task_get_task_data (task)), frame);
}

/**
 * np_window_open_file:
 *
 * Loads @file in a worker thread and shows it. On failure the window shows
 * the loader's message (which names the file and the problem) and keeps the
 * frame it had. #NpWindow:loading is %TRUE until the load finishes.
 */
void
np_window_open_file (NpWindow *self,
                     GFile    *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NP_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->load_cancellable, load_done_cb, NULL);
  g_task_set_source_tag (task, np_window_open_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  set_loading (self, TRUE);
  g_task_run_in_thread (task, load_thread);
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
  g_autoptr(GtkFileFilter) png_filter = gtk_file_filter_new ();
  g_autofree char *last_folder = g_settings_get_string (self->settings, "last-folder");

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }

  self->chooser = gtk_file_chooser_native_new ("Open Frame", GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               "_Open", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);

  gtk_file_filter_set_name (png_filter, "PNG images");
  gtk_file_filter_add_mime_type (png_filter, "image/png");
  gtk_file_filter_add_suffix (png_filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), png_filter);

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

  if (self->sample_file != NULL)
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_window_dispose (GObject *object)
{
  NpWindow *self = NP_WINDOW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_WINDOW);

  g_clear_object (&self->file);
  g_clear_object (&self->sample_file);
  g_clear_object (&self->settings);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_CANVAS);
  g_type_ensure (NP_TYPE_STATUS_BAR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, window_level_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, workspace);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, open_sample_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, status_bar);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
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
}

static void
np_window_init (NpWindow *self)
{
  GtkDropTarget *drop_target;
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->sample_file = find_sample_file ();
  gtk_widget_set_visible (GTK_WIDGET (self->open_sample_button), self->sample_file != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-sample", self->sample_file != NULL);

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

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (rebuild_recent_menu), self, G_CONNECT_SWAPPED);
  rebuild_recent_menu (self);

  update_view_actions (self);
}

NpWindow *
np_window_new (NpApplication *application)
{
  NpWindow *self;

  g_return_val_if_fail (NP_IS_APPLICATION (application), NULL);

  self = g_object_new (NP_TYPE_WINDOW, "application", application, NULL);
  self->settings = g_object_ref (np_application_get_settings (application));
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

  return self->sample_file;
}
