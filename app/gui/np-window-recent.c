/* np-window-recent.c — the sample library and the recent frames and plans
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* The name the recent-files list is kept under, to list only our frames. */
#define RECENT_APP_NAME "NeedlePlan"
#define RECENT_MAX_ITEMS 10
/* How deep under cases/ the sample frame may sit (cases/<case>/<frame>.png). */
#define SAMPLE_MAX_DEPTH 3

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
GFile *
_np_window_find_sample_file (void)
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

/* Only what NeedlePlan itself opened goes into this group: the file
 * choosers add what they save (exported PNG and PDF files) to the same
 * list under the application's name. */
#define RECENT_GROUP "needleplan-opened"
/* A folder shown in the menu longer than this keeps its last two parts. */
#define RECENT_FOLDER_MAX_CHARS 40

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

/* The folder of @path as a person reads it: "~" for the home folder, and
 * "…/cases/knee-us-01" when the whole path would be too long. */
static char *
folder_for_display (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *display = g_filename_display_name (folder);
  g_autofree char *home = g_filename_display_name (g_get_home_dir ());
  gsize home_length = strlen (home);
  g_auto(GStrv) parts = NULL;
  guint n;

  if (home_length > 1 && g_str_has_prefix (display, home) &&
      (display[home_length] == '/' || display[home_length] == '\0'))
    {
      char *shortened = g_strconcat ("~", display + home_length, NULL);

      g_free (display);
      display = shortened;
    }
  if (g_utf8_strlen (display, -1) <= RECENT_FOLDER_MAX_CHARS)
    return g_steal_pointer (&display);
  parts = g_strsplit (display, "/", -1);
  n = g_strv_length (parts);
  if (n < 3)
    return g_steal_pointer (&display);
  return g_strdup_printf ("…/%s/%s", parts[n - 2], parts[n - 1]);
}

/* Whether the recent item is still a file NeedlePlan can open: a local,
 * regular, readable file (a plan or frame deleted or moved since is not
 * listed). */
static gboolean
recent_item_openable (GtkRecentInfo *info)
{
  g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
  g_autofree char *path = g_file_get_path (file);

  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
         g_access (path, R_OK) == 0;
}

void
_np_window_rebuild_recent_menu (NpWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GMenuModel *model = gtk_menu_button_get_menu_model (self->recent_button);
  /* Refilled in place: a new model would replace the popover while the
   * button is being toggled to show it. */
  g_autoptr(GMenu) menu = G_IS_MENU (model) ? g_object_ref (G_MENU (model)) : g_menu_new ();
  GList *items = gtk_recent_manager_get_items (manager);
  GList *ours = NULL;
  guint count = 0;

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (gtk_recent_info_has_application (info, RECENT_APP_NAME) &&
          gtk_recent_info_has_group (info, RECENT_GROUP) && recent_item_openable (info))
        ours = g_list_prepend (ours, info);
    }
  ours = g_list_sort (ours, compare_recent_newest_first);
  g_menu_remove_all (menu);

  for (GList *l = ours; l != NULL && count < RECENT_MAX_ITEMS; l = l->next, count++)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GFile) file = g_file_new_for_uri (uri);
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *folder = folder_for_display (path);
      /* Two "plan.json" are told apart by their folders. */
      g_autofree char *text = g_strdup_printf (_("%s — %s"),
                                               gtk_recent_info_get_display_name (info), folder);
      g_autofree char *label = escape_mnemonic (text);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_string (uri));
      g_menu_append_item (menu, item);
    }

  if (model != G_MENU_MODEL (menu))
    gtk_menu_button_set_menu_model (self->recent_button, G_MENU_MODEL (menu));
  gtk_widget_set_sensitive (GTK_WIDGET (self->recent_button), count > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->recent_button),
                               count > 0 ? _("Recent frames and plans") : _("Nothing opened yet"));

  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
recent_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  /* Files deleted or moved since the list was made drop out now. */
  _np_window_rebuild_recent_menu (NP_WINDOW (user_data));
}

/* The list follows the recent-files store and is checked again each time
 * it is opened. */
void
_np_window_recent_init (NpWindow *self)
{
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (_np_window_rebuild_recent_menu), self, G_CONNECT_SWAPPED);
  gtk_menu_button_set_create_popup_func (self->recent_button, recent_popup_cb, self, NULL);
  _np_window_rebuild_recent_menu (self);
}

/* Called once @file opened and is shown. */
void
_np_window_add_to_recent (GFile      *file,
                          const char *mime_type)
{
  static const char *groups[] = { RECENT_GROUP, NULL };
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *) mime_type,
    .app_name = (char *) RECENT_APP_NAME,
    .app_exec = (char *) "needleplan %u",
    .groups = (char **) groups,
    .is_private = FALSE,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* A file that failed to open leaves the list: choosing it again would
 * only show the same error. */
void
_np_window_forget_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
}
