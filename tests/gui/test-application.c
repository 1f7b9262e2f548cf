/* test-application.c — NpApplication: style, dialogs, files from the shell
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "np-application.h"
#include "np-canvas.h"
#include "np-document.h"
#include "np-gui-test-util.h"
#include "np-preferences-window.h"
#include "np-window.h"

static NpApplication *app;

static gpointer
find_toplevel (GType type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  gpointer found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

static void
assert_setting (GSettings  *settings,
                const char *key,
                const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_assert_cmpstr (value, ==, expected);
}

static void
destroy_all_windows (void)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (toplevels);
}

static void
test_style (void)
{
  GSettings *settings = np_application_get_settings (app);
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  /* Dark by default: clinicians read images in dim rooms. */
  assert_setting (settings, "style", "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style_manager));

  g_settings_set_string (settings, "style", "light");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_assert_false (adw_style_manager_get_dark (style_manager));

  g_settings_set_string (settings, "style", "system");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==,
                   ADW_COLOR_SCHEME_DEFAULT);

  g_settings_reset (settings, "style");
  g_assert_true (adw_style_manager_get_dark (style_manager));
}

static void
test_about (void)
{
  AdwAboutWindow *about;

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "NeedlePlan");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  destroy_all_windows ();
}

static void
test_preferences (void)
{
  GSettings *settings = np_application_get_settings (app);
  NpPreferencesWindow *preferences;
  AdwComboRow *style_row, *units_row;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_toplevel (NP_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  style_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                            NP_TYPE_PREFERENCES_WINDOW,
                                                            "style_row"));
  units_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                            NP_TYPE_PREFERENCES_WINDOW,
                                                            "units_row"));

  /* Rows follow the schema's choices: dark, light, system; mm, px. */
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 0);
  adw_combo_row_set_selected (style_row, 1);
  assert_setting (settings, "style", "light");
  g_assert_false (adw_style_manager_get_dark (adw_style_manager_get_default ()));

  g_assert_cmpuint (adw_combo_row_get_selected (units_row), ==, 0);
  adw_combo_row_set_selected (units_row, 1);
  assert_setting (settings, "units", "px");

  /* And the other way round. */
  g_settings_set_string (settings, "style", "system");
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 2);

  destroy_all_windows ();
  g_settings_reset (settings, "style");
  g_settings_reset (settings, "units");
}

static void
test_shortcuts_window (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  g_assert_nonnull (find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW));
  destroy_all_windows ();
}

static gboolean
windows_idle (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (np_window_get_loading (l->data))
      return FALSE;
  return TRUE;
}

static void
test_open_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (40, 30, 1, 8, &error);
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  GFile *files[2];
  GList *windows;

  g_assert_no_error (error);
  first_path = np_test_save_frame (frame, "first.png");
  second_path = np_test_save_frame (frame, "second.png");
  files[0] = g_file_new_for_path (first_path);
  files[1] = g_file_new_for_path (second_path);

  /* Files from the command line (or a second launch) each get a window:
   * a frame someone is looking at is never replaced from the shell. */
  g_application_open (G_APPLICATION (app), files, 1, "");
  np_test_wait_until (windows_idle, NULL);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (g_file_equal (np_window_get_file (windows->data), files[0]));

  g_application_open (G_APPLICATION (app), files + 1, 1, "");
  np_test_wait_until (windows_idle, NULL);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 2);
  g_assert_cmpstr (gtk_window_get_title (windows->data), ==, "second.png — NeedlePlan");

  /* Activation presents the window there is rather than adding one. */
  g_application_activate (G_APPLICATION (app));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);

  destroy_all_windows ();
  g_object_unref (files[0]);
  g_object_unref (files[1]);
}


static gboolean
prefetch_done (gpointer prefetch)
{
  return np_prefetch_is_done (prefetch);
}

/* 16-bit grey, 40 × 30, sample (x, y) = base + x + 40 y: values an 8-bit
 * copy could not tell apart. */
static NpFrame *
make_deep_frame (guint base)
{
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_frame_new (40, 30, 1, 16, &error);

  g_assert_no_error (error);
  for (guint y = 0; y < 30; y++)
    for (guint x = 0; x < 40; x++)
      np_frame_set_sample (frame, x, y, 0, base + x + 40 * y);
  return frame;
}

/* The frame named on the command line is read while GTK starts; the window
 * that opens it takes what was read instead of reading the file again. */
static void
test_prefetch_hand_over (void)
{
  g_autoptr(NpFrame) first = make_deep_frame (1000);
  g_autoptr(NpFrame) second = make_deep_frame (30000);
  g_autofree char *path = np_test_save_frame (first, "prefetched.png");
  g_autofree char *contents = NULL;
  g_autofree char *first_sha256 = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  NpPrefetch *prefetch;
  NpFrame *shown;
  GList *windows;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  first_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents,
                                              length);

  prefetch = np_prefetch_new (file, 1200, 760);
  g_assert_nonnull (prefetch);
  np_test_wait_until (prefetch_done, prefetch);
  /* Replaced on disk once read: a window that read the file again would
   * show 30000 and more. */
  g_free (np_test_save_frame (second, "prefetched.png"));

  np_application_set_prefetch (app, prefetch);
  g_assert_true (np_application_has_prefetch (app));
  g_application_open (G_APPLICATION (app), &file, 1, "");
  np_test_wait_until (windows_idle, NULL);
  g_assert_false (np_application_has_prefetch (app));

  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (g_file_equal (np_window_get_file (windows->data), file));
  shown = np_canvas_get_frame (np_window_get_canvas (windows->data));
  /* All 16 bits, as in the file that was read. */
  g_assert_cmpuint (np_frame_get_bit_depth (shown), ==, 16);
  g_assert_cmpuint (np_frame_get_sample (shown, 0, 0, 0), ==, 1000);
  g_assert_cmpuint (np_frame_get_sample (shown, 1, 0, 0), ==, 1001);
  g_assert_cmpuint (np_frame_get_sample (shown, 39, 29, 0), ==, 1000 + 39 + 40 * 29);
  /* The new plan records the checksum of the bytes that were shown. */
  g_assert_cmpstr (np_document_get_plan (np_window_get_document (windows->data))->frame_sha256,
                   ==, first_sha256);
  /* Auto-windowed: 1200 values (1000 … 2199), the window spans them, not
   * the 65536 of the bit depth. */
  g_assert_cmpfloat (np_canvas_get_window_level (np_window_get_canvas (windows->data)).width,
                     <=, 1200.0);

  destroy_all_windows ();
}

/* A prefetch of another file is dropped, unused, at the first open: the
 * window reads the file it was asked for. */
static void
test_prefetch_other_file (void)
{
  g_autoptr(NpFrame) first = make_deep_frame (1000);
  g_autoptr(NpFrame) second = make_deep_frame (30000);
  g_autofree char *first_path = np_test_save_frame (first, "named.png");
  g_autofree char *second_path = np_test_save_frame (second, "opened.png");
  g_autoptr(GFile) first_file = g_file_new_for_path (first_path);
  g_autoptr(GFile) second_file = g_file_new_for_path (second_path);
  GList *windows;

  np_application_set_prefetch (app, np_prefetch_new (first_file, 1200, 760));
  g_application_open (G_APPLICATION (app), &second_file, 1, "");
  np_test_wait_until (windows_idle, NULL);
  g_assert_false (np_application_has_prefetch (app));

  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (np_frame_get_sample (np_canvas_get_frame (np_window_get_canvas (windows->data)),
                                         0, 0, 0), ==, 30000);
  destroy_all_windows ();

  /* Nor is it kept when the application is only activated (no file). */
  np_application_set_prefetch (app, np_prefetch_new (first_file, 1200, 760));
  g_application_activate (G_APPLICATION (app));
  g_assert_false (np_application_has_prefetch (app));
  destroy_all_windows ();
}

/* Which argument main() prefetches: the first PNG that GApplication will
 * open, after options; nothing for a plan or without a file. */
static void
test_prefetch_args (void)
{
  g_autoptr(NpFrame) frame = make_deep_frame (1000);
  g_autofree char *path = np_test_save_frame (frame, "-dash.png");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(NpPrefetch) prefetch = NULL;
  char *version[] = { "needleplan", "--version", NULL };
  char *plan[] = { "needleplan", "case.json", NULL };
  char *frame_after_option[] = { "needleplan", "--verbose", path, NULL };
  char *after_dashes[] = { "needleplan", "--", path, NULL };

  g_assert_null (np_prefetch_new_for_args (2, version));
  g_assert_null (np_prefetch_new_for_args (2, plan));

  prefetch = np_prefetch_new_for_args (3, frame_after_option);
  g_assert_nonnull (prefetch);
  g_assert_true (g_file_equal (np_prefetch_get_file (prefetch), file));
  g_clear_pointer (&prefetch, np_prefetch_unref);

  prefetch = np_prefetch_new_for_args (3, after_dashes);
  g_assert_nonnull (prefetch);
  g_assert_true (g_file_equal (np_prefetch_get_file (prefetch), file));
}

/* A device folder with @nodes (NULL-terminated names, "dri/..." allowed). */
static char *
make_device_dir (const char *const *nodes)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("needleplan-dev-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, nodes[i], NULL);
      g_autofree char *parent = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
      g_file_set_contents (path, "", 0, &error);
      g_assert_no_error (error);
    }
  return dir;
}

static void
remove_device_dir (const char *dir,
                   const char *const *nodes)
{
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, nodes[i], NULL);
      g_autofree char *parent = g_path_get_dirname (path);

      g_remove (path);
      if (g_strcmp0 (parent, dir) != 0)
        g_rmdir (parent);
    }
  g_rmdir (dir);
}

typedef struct {
  const char *gsk_renderer;
  const char *gdk_debug;
  const char *software;
  const char *nodes[3];
  gboolean turned_off;
  const char *gdk_debug_after;
} GlCase;

static void
test_software_gl (void)
{
  static const GlCase cases[] = {
    /* No GPU node: GL would be Mesa on the CPU. */
    { NULL, NULL, NULL, { NULL }, TRUE, "gl-disable" },
    { NULL, "no-portals", NULL, { NULL }, TRUE, "no-portals,gl-disable" },
    { NULL, "", NULL, { "dri/by-path" }, TRUE, "gl-disable" },
    /* A GPU: GTK's own choice stands. */
    { NULL, NULL, NULL, { "dri/renderD128" }, FALSE, NULL },
    { NULL, "no-portals", NULL, { "dri/card0" }, FALSE, "no-portals" },
    { NULL, NULL, NULL, { "nvidia0" }, FALSE, NULL },
    { NULL, NULL, "0", { "dri/renderD128" }, FALSE, NULL },
    /* A GPU, but Mesa told to rasterise on the CPU. */
    { NULL, NULL, "1", { "dri/renderD128" }, TRUE, "gl-disable" },
    /* The user's own choice of renderer or GL backend is kept. */
    { "gl", NULL, NULL, { NULL }, FALSE, NULL },
    { "cairo", NULL, NULL, { NULL }, FALSE, NULL },
    { NULL, "gl-glx", NULL, { NULL }, FALSE, "gl-glx" },
    { NULL, "misc:gl-egl", NULL, { NULL }, FALSE, "misc:gl-egl" },
  };
  g_autofree char *saved_renderer = g_strdup (g_getenv ("GSK_RENDERER"));
  g_autofree char *saved_debug = g_strdup (g_getenv ("GDK_DEBUG"));
  g_autofree char *saved_software = g_strdup (g_getenv ("LIBGL_ALWAYS_SOFTWARE"));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const GlCase *c = &cases[i];
      g_autofree char *dir = make_device_dir (c->nodes);
      const struct { const char *name; const char *value; } env[] = {
        { "GSK_RENDERER", c->gsk_renderer },
        { "GDK_DEBUG", c->gdk_debug },
        { "LIBGL_ALWAYS_SOFTWARE", c->software },
      };

      for (guint j = 0; j < G_N_ELEMENTS (env); j++)
        {
          if (env[j].value != NULL)
            g_setenv (env[j].name, env[j].value, TRUE);
          else
            g_unsetenv (env[j].name);
        }

      g_test_message ("case %u", i);
      g_assert_cmpint (np_application_avoid_software_gl (dir), ==, c->turned_off);
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, c->gdk_debug_after);
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, c->turned_off ? "cairo" : c->gsk_renderer);
      remove_device_dir (dir, c->nodes);
    }

  /* GTK started long ago; restoring the variables keeps the log honest. */
  if (saved_renderer != NULL)
    g_setenv ("GSK_RENDERER", saved_renderer, TRUE);
  else
    g_unsetenv ("GSK_RENDERER");
  if (saved_debug != NULL)
    g_setenv ("GDK_DEBUG", saved_debug, TRUE);
  else
    g_unsetenv ("GDK_DEBUG");
  if (saved_software != NULL)
    g_setenv ("LIBGL_ALWAYS_SOFTWARE", saved_software, TRUE);
  else
    g_unsetenv ("LIBGL_ALWAYS_SOFTWARE");
}

int
main (int argc, char **argv)
{
  int status;

  np_test_init (&argc, &argv);
  app = np_test_application_new ();

  g_test_add_func ("/gui/application/style", test_style);
  g_test_add_func ("/gui/application/about", test_about);
  g_test_add_func ("/gui/application/preferences", test_preferences);
  g_test_add_func ("/gui/application/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/gui/application/open-files", test_open_files);
  g_test_add_func ("/gui/application/software-gl", test_software_gl);
  g_test_add_func ("/gui/application/prefetch-hand-over", test_prefetch_hand_over);
  g_test_add_func ("/gui/application/prefetch-other-file", test_prefetch_other_file);
  g_test_add_func ("/gui/application/prefetch-args", test_prefetch_args);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
