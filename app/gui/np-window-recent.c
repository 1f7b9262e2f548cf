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

void
_np_window_rebuild_recent_menu (NpWindow *self)
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
                               count > 0 ? _("Recent frames and plans") : _("Nothing opened yet"));

  g_list_free (ours);
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

void
_np_window_add_to_recent (GFile      *file,
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
