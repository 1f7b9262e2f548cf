/* np-application.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-application"

#include "config.h"

#include "np-application.h"

#include <glib/gi18n.h>

#include "np-error.h"
#include "np-preferences-window.h"
#include "np-recovery.h"
#include "np-resources.h"
#include "np-window.h"

#include <stdlib.h>
#include <string.h>

struct _NpApplication
{
  AdwApplication parent_instance;

  /* Owned */
  GSettings *settings;

  gboolean recovery_offered;  /* over the first window: once per process */
  NpPrefetch *prefetch;        /* the frame named on the command line, until opened */
};

G_DEFINE_FINAL_TYPE (NpApplication, np_application, ADW_TYPE_APPLICATION)

/* Finds the schema where it is installed, or, for a binary run from the
 * build tree, where meson compiled it. */
static GSettings *
create_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaSource) build_source = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

#ifdef NP_BUILD_SCHEMA_DIR
  if (schema == NULL)
    {
      build_source = g_settings_schema_source_new_from_directory (NP_BUILD_SCHEMA_DIR, source,
                                                                  FALSE, NULL);
      if (build_source != NULL)
        schema = g_settings_schema_source_lookup (build_source, APP_ID, TRUE);
    }
#endif

  if (schema == NULL)
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
apply_style (NpApplication *self)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  g_autofree char *style = g_settings_get_string (self->settings, "style");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  /* Dark unless asked otherwise: clinicians read images in dim rooms. */
  if (g_strcmp0 (style, "light") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (style, "system") == 0)
    scheme = ADW_COLOR_SCHEME_DEFAULT;

  adw_style_manager_set_color_scheme (style_manager, scheme);
}

static void
style_changed_cb (NpApplication *self,
                  const char    *key,
                  GSettings     *settings)
{
  apply_style (self);
}

static NpWindow *
get_or_create_window (NpApplication *self,
                      gboolean       want_empty)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  NpWindow *window;

  /* Never replace a frame someone is looking at with a file from the shell. */
  if (NP_IS_WINDOW (active) && (!want_empty || !np_window_has_frame (NP_WINDOW (active))))
    return NP_WINDOW (active);
  window = np_window_new (self);
  /* Plans a crashed NeedlePlan left are offered over the first window. */
  if (!self->recovery_offered)
    {
      self->recovery_offered = TRUE;
      np_recovery_offer_when_shown (window);
    }
  return window;
}

/* Rendering */

static gboolean
has_gpu_device (const char *device_dir)
{
  g_autofree char *dri_dir = g_build_filename (device_dir, "dri", NULL);
  g_autofree char *nvidia = g_build_filename (device_dir, "nvidia0", NULL);
  g_autoptr(GDir) dir = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  /* The proprietary NVIDIA driver may have no DRM node of its own. */
  if (g_file_test (nvidia, G_FILE_TEST_EXISTS))
    return TRUE;
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD") || g_str_has_prefix (name, "card"))
      return TRUE;
  return FALSE;
}

static gboolean
debug_names_gl (const char *gdk_debug)
{
  g_auto(GStrv) words = NULL;

  if (gdk_debug == NULL)
    return FALSE;
  words = g_strsplit_set (gdk_debug, ":;, \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], "gl-"))
      return TRUE;
  return FALSE;
}

/**
 * np_application_avoid_software_gl:
 * @device_dir: where device nodes are, "/dev" outside tests
 *
 * Without a GPU, OpenGL is Mesa's rasteriser on the CPU: loading it and
 * compiling GTK's shaders adds about a quarter of a second to every launch
 * (measured by tools/bench), and every redraw runs on the CPU anyway, where
 * GTK's Cairo renderer is the faster of the two. So when @device_dir has no
 * GPU node, this turns GL off for GDK (GDK_DEBUG=gl-disable) and names the
 * Cairo renderer (GSK_RENDERER=cairo). A renderer or GL option the user
 * chose (GSK_RENDERER, a gl- word in GDK_DEBUG) is left alone. Call it
 * before GTK starts.
 *
 * Returns: %TRUE when GL was turned off
 */
gboolean
np_application_avoid_software_gl (const char *device_dir)
{
  const char *gdk_debug = g_getenv ("GDK_DEBUG");
  const char *software = g_getenv ("LIBGL_ALWAYS_SOFTWARE");
  g_autofree char *value = NULL;

  g_return_val_if_fail (device_dir != NULL, FALSE);

  if (g_getenv ("GSK_RENDERER") != NULL || debug_names_gl (gdk_debug))
    return FALSE;
  if (has_gpu_device (device_dir) &&
      (software == NULL || *software == '\0' || strcmp (software, "0") == 0))
    return FALSE;

  if (gdk_debug != NULL && *gdk_debug != '\0')
    value = g_strconcat (gdk_debug, ",gl-disable", NULL);
  else
    value = g_strdup ("gl-disable");
  g_setenv ("GDK_DEBUG", value, TRUE);
  /* Named, so GSK does not first try GL and log that it could not. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  return TRUE;
}

/* Actions */

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Close each window so that it saves its size; the app quits with the last. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The NeedlePlan authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", "NeedlePlan",
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The NeedlePlan authors"),
                         "developers", developers,
                         "copyright", _("© 2026 The NeedlePlan authors"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments",
                         _("Plans ultrasound- and fluoroscopy-guided injections on a still "
                         "frame: target, structures to avoid, needle path, depth and angle.\n\n"
                         "A planning aid for trained clinicians. It does not replace clinical "
                         "judgement or real-time imaging."),
                         NULL);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  NpApplication *self = NP_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *preferences = GTK_WINDOW (np_preferences_window_new (self->settings));

  gtk_window_set_transient_for (preferences, parent);
  gtk_window_present (preferences);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/org/needleplan/NeedlePlan/np-shortcuts.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  gtk_window_set_transient_for (shortcuts, gtk_application_get_active_window (app));
  gtk_window_present (shortcuts);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "shortcuts", shortcuts_action, NULL, NULL, NULL, { 0 } },
};

/* GApplication */

static gboolean
set_icon_idle_cb (gpointer user_data)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  /* Run from the build tree, the app icon is not installed yet. */
  if (!gtk_icon_theme_has_icon (theme, APP_ID))
    gtk_icon_theme_add_search_path (theme, SOURCE_DATADIR "/icons");
  /* Also given to the windows already shown. */
  gtk_window_set_default_icon_name (APP_ID);
  return G_SOURCE_REMOVE;
}

static void
np_application_startup (GApplication *application)
{
  NpApplication *self = NP_APPLICATION (application);
  GtkApplication *app = GTK_APPLICATION (application);
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.shortcuts", { "<Control>question", "<Control>slash", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.open-pacs", { "<Control><Shift>o", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  np_prefetch_trace ("startup: GApplication registered");
  G_APPLICATION_CLASS (np_application_parent_class)->startup (application);
  np_prefetch_trace ("startup: GTK and libadwaita initialised");

  np_gsl_init ();

  self->settings = create_settings ();
  if (self->settings == NULL)
    {
      g_printerr (_("NeedlePlan is not installed completely: the settings schema %s is missing. "
                  "Install it with “meson install”, or set GSETTINGS_SCHEMA_DIR to the build’s "
                  "data folder.\n"), APP_ID);
      exit (EXIT_FAILURE);
    }
  g_signal_connect_object (self->settings, "changed::style",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  apply_style (self);

  /* The window icon (an icon theme search, an SVG rendered by librsvg)
   * is not needed for the first frame. */
  g_idle_add_full (G_PRIORITY_LOW, set_icon_idle_cb, NULL, NULL);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  /* Keys with a modifier are global to the window; single keys (zoom, 0, 1)
   * are window bindings, so a text field later added still receives digits. */
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
  np_prefetch_trace ("startup: done");
}

static void
np_application_activate (GApplication *application)
{
  NpApplication *self = NP_APPLICATION (application);

  g_clear_pointer (&self->prefetch, np_prefetch_unref);
  gtk_window_present (GTK_WINDOW (get_or_create_window (self, FALSE)));
}

static void
np_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  NpApplication *self = NP_APPLICATION (application);

  /* One frame per window. */
  for (int i = 0; i < n_files; i++)
    {
      NpWindow *window = get_or_create_window (self, TRUE);

      np_prefetch_trace ("open: window built");
      np_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
      np_prefetch_trace ("open: window presented");
    }
  /* Only the launch that started this instance was prefetched. */
  g_clear_pointer (&self->prefetch, np_prefetch_unref);
}

static int
np_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("NeedlePlan %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
np_application_dispose (GObject *object)
{
  NpApplication *self = NP_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->prefetch, np_prefetch_unref);

  G_OBJECT_CLASS (np_application_parent_class)->dispose (object);
}

static void
np_application_class_init (NpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = np_application_dispose;
  app_class->startup = np_application_startup;
  app_class->activate = np_application_activate;
  app_class->open = np_application_open;
  app_class->handle_local_options = np_application_handle_local_options;

  np_register_resource ();
}

static void
np_application_init (NpApplication *self)
{
  static const GOptionEntry options[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[FRAME.png|.jpg|.dcm…]");
}

/**
 * np_application_new:
 *
 * The application: one process per user (a second launch passes its files to
 * the first), the resources under /org/needleplan/NeedlePlan (style.css is
 * loaded from there by AdwApplication).
 */
NpApplication *
np_application_new (void)
{
  return g_object_new (NP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/needleplan/NeedlePlan",
                       NULL);
}

/**
 * np_application_get_settings:
 *
 * Returns: (transfer none): the application's settings (valid after startup)
 */
GSettings *
np_application_get_settings (NpApplication *self)
{
  g_return_val_if_fail (NP_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * np_application_set_prefetch:
 * @prefetch: (transfer full) (nullable): the frame named on the command
 *   line, being read since main() started
 *
 * The first window that opens that file takes it instead of reading it
 * again; the application lets go of it once its first files are opened
 * (a second launch's files are not prefetched here: that process hands
 * them over and ends).
 */
void
np_application_set_prefetch (NpApplication *self,
                             NpPrefetch    *prefetch)
{
  g_return_if_fail (NP_IS_APPLICATION (self));

  g_clear_pointer (&self->prefetch, np_prefetch_unref);
  self->prefetch = prefetch;
}

gboolean
np_application_has_prefetch (NpApplication *self)
{
  g_return_val_if_fail (NP_IS_APPLICATION (self), FALSE);

  return self->prefetch != NULL;
}

/**
 * np_application_take_prefetch:
 *
 * Returns: (transfer full) (nullable): the prefetch of @file, or %NULL when
 *   @file is not the one prefetched
 */
NpPrefetch *
np_application_take_prefetch (NpApplication *self,
                              GFile         *file)
{
  g_return_val_if_fail (NP_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (self->prefetch == NULL || !g_file_equal (np_prefetch_get_file (self->prefetch), file))
    return NULL;
  return g_steal_pointer (&self->prefetch);
}
