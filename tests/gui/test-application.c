/* test-application.c — NpApplication: style, dialogs, files from the shell
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "np-application.h"
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

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  np_test_init (&argc, &argv);

  app = np_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/gui/application/style", test_style);
  g_test_add_func ("/gui/application/about", test_about);
  g_test_add_func ("/gui/application/preferences", test_preferences);
  g_test_add_func ("/gui/application/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/gui/application/open-files", test_open_files);

  status = g_test_run ();
  g_clear_object (&app);
  np_test_finish ();
  return status;
}
