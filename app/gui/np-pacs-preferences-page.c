/* np-pacs-preferences-page.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Preferences page that lists the PACS destinations (GSettings key
 * pacs-destinations) with Add, Edit and Remove. A destination's DICOMweb
 * password goes to the keyring (np-pacs-secret.c), never to the settings;
 * without a keyring the destination is still saved and the dialog says the
 * password was not. docs/pacs.md.
 */

#define G_LOG_DOMAIN "np-preferences"

#include "np-pacs-preferences-page.h"

#include "np-pacs-destination.h"
#include "np-pacs-secret.h"

#include <glib/gi18n.h>

struct _NpPacsPreferencesPage
{
  AdwPreferencesPage parent_instance;

  GSettings *settings;
  AdwPreferencesGroup *group;
  GPtrArray *rows;                  /* the destination rows shown, to remove them */
};

G_DEFINE_FINAL_TYPE (NpPacsPreferencesPage, np_pacs_preferences_page, ADW_TYPE_PREFERENCES_PAGE)

/* The editor of one destination */

typedef struct
{
  NpPacsPreferencesPage *page;
  int index;                        /* in the list; -1: a new destination */
  char *old_name;
  char *old_username;
  GtkWindow *window;
  AdwEntryRow *name, *calling, *called, *host, *port, *timeout, *url, *username;
  AdwPasswordEntryRow *password;
  GtkLabel *problem;
} Editor;

static void rebuild (NpPacsPreferencesPage *self);

static void
editor_free (Editor *editor)
{
  g_object_unref (editor->page);
  g_free (editor->old_name);
  g_free (editor->old_username);
  g_free (editor);
}

static AdwEntryRow *
add_entry (AdwPreferencesGroup *group,
           const char          *title,
           const char          *name,
           const char          *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  gtk_widget_set_name (row, name);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  adw_preferences_group_add (group, row);
  return ADW_ENTRY_ROW (row);
}

static char *
entry_text (AdwEntryRow *row)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));

  return g_strdup (g_strstrip (text));
}

static gboolean
parse_number (AdwEntryRow *row,
              const char  *what,
              guint       *value,
              GError     **error)
{
  g_autofree char *text = entry_text (row);
  guint64 number;

  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &number, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The %s “%s” is not a whole number from 1 to 65535"), what, text);
      return FALSE;
    }
  *value = (guint) number;
  return TRUE;
}

static void
save_clicked_cb (GtkButton *button,
                 Editor    *editor)
{
  NpPacsPreferencesPage *self = editor->page;
  g_autoptr(GPtrArray) list = np_pacs_destination_list_load_settings (self->settings);
  g_autoptr(NpPacsDestination) destination = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = entry_text (editor->name);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (editor->password));
  g_autofree char *kept = NULL;
  NpPacsDestination *existing;

  destination = np_pacs_destination_new (name);
  g_free (destination->calling_aet);
  destination->calling_aet = entry_text (editor->calling);
  destination->called_aet = entry_text (editor->called);
  destination->host = entry_text (editor->host);
  destination->dicomweb_url = entry_text (editor->url);
  destination->username = entry_text (editor->username);
  if (*destination->called_aet != '\0' &&
      !parse_number (editor->port, _("port"), &destination->port, &error))
    goto problem;
  if (!parse_number (editor->timeout, _("time-out"), &destination->timeout_seconds, &error))
    goto problem;
  if (!np_pacs_destination_validate (destination, &error))
    goto problem;
  existing = np_pacs_destination_list_find (list, destination->name);
  if (existing != NULL && (editor->index < 0 || g_ptr_array_index (list, editor->index) != existing))
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("There is already a destination named “%s”"), destination->name);
      goto problem;
    }

  /* The keyring first: a destination saved without its password would
   * fail later with a less helpful message. A rename keeps the saved
   * password unless a new one is typed. */
  if (editor->old_name != NULL && *password == '\0' &&
      (g_strcmp0 (editor->old_name, destination->name) != 0 ||
       g_strcmp0 (editor->old_username, destination->username) != 0))
    kept = np_pacs_secret_lookup (editor->old_name, editor->old_username, NULL);
  if (kept != NULL)
    password = kept;
  if (*password != '\0' && !np_pacs_secret_store (destination->name, destination->username,
                                                  password, &error))
    goto problem;
  if (editor->old_name != NULL &&
      (g_strcmp0 (editor->old_name, destination->name) != 0 ||
       g_strcmp0 (editor->old_username, destination->username) != 0))
    np_pacs_secret_clear (editor->old_name, editor->old_username, NULL);

  if (editor->index >= 0 && (guint) editor->index < list->len)
    {
      np_pacs_destination_free (g_ptr_array_index (list, editor->index));
      g_ptr_array_index (list, editor->index) = g_steal_pointer (&destination);
    }
  else
    g_ptr_array_add (list, g_steal_pointer (&destination));
  np_pacs_destination_list_save_settings (self->settings, list);
  gtk_window_destroy (editor->window);
  return;

problem:
  gtk_label_set_text (editor->problem, error->message);
  gtk_widget_set_visible (GTK_WIDGET (editor->problem), TRUE);
}

static void
open_editor (NpPacsPreferencesPage   *self,
             int                      index,
             const NpPacsDestination *destination)
{
  Editor *editor = g_new0 (Editor, 1);
  g_autoptr(NpPacsDestination) blank = np_pacs_destination_new ("");
  g_autofree char *port = NULL;
  g_autofree char *timeout = NULL;
  GtkWidget *window = adw_window_new ();
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *save = gtk_button_new_with_mnemonic (_("_Save"));
  GtkWidget *problem = gtk_label_new (NULL);
  AdwPreferencesGroup *general = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *dimse = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *web = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (destination == NULL)
    destination = blank;
  editor->page = g_object_ref (self);
  editor->index = index;
  editor->old_name = index >= 0 ? g_strdup (destination->name) : NULL;
  editor->old_username = index >= 0 ? g_strdup (destination->username) : NULL;
  editor->window = GTK_WINDOW (window);

  gtk_window_set_title (editor->window, index >= 0 ? _("Edit PACS Destination")
                                                   : _("Add PACS Destination"));
  gtk_window_set_modal (editor->window, TRUE);
  gtk_window_set_destroy_with_parent (editor->window, TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (editor->window, GTK_WINDOW (root));
  gtk_window_set_default_size (editor->window, 480, 640);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), save);
  gtk_widget_add_css_class (save, "suggested-action");
  gtk_widget_set_name (save, "pacs-save");
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  g_signal_connect (save, "clicked", G_CALLBACK (save_clicked_cb), editor);
  g_object_set_data_full (G_OBJECT (window), "np-editor", editor, (GDestroyNotify) editor_free);

  editor->name = add_entry (general, _("_Name"), "pacs-name", destination->name);
  adw_preferences_group_set_title (dimse, _("DIMSE (C-STORE, C-FIND, C-GET)"));
  adw_preferences_group_set_description (dimse, _("Leave the called AE title empty when the "
                                                  "PACS is reached by DICOMweb only."));
  editor->calling = add_entry (dimse, _("Calling AE title (this computer)"), "pacs-calling-aet",
                               destination->calling_aet);
  editor->called = add_entry (dimse, _("Called AE title (the PACS)"), "pacs-called-aet",
                              destination->called_aet);
  editor->host = add_entry (dimse, _("Host"), "pacs-host", destination->host);
  port = g_strdup_printf ("%u", destination->port);
  editor->port = add_entry (dimse, _("Port"), "pacs-port", port);
  timeout = g_strdup_printf ("%u", destination->timeout_seconds);
  editor->timeout = add_entry (dimse, _("Time-out (seconds)"), "pacs-timeout", timeout);
  adw_preferences_group_set_title (web, _("DICOMweb (STOW-RS, QIDO-RS, WADO-RS)"));
  adw_preferences_group_set_description (web, _("The password is kept in the keyring, not in "
                                                "NeedlePlan’s settings; leave it empty to keep "
                                                "the one saved."));
  editor->url = add_entry (web, _("Base URL"), "pacs-dicomweb-url", destination->dicomweb_url);
  editor->username = add_entry (web, _("User name"), "pacs-username", destination->username);
  editor->password = ADW_PASSWORD_ENTRY_ROW (adw_password_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (editor->password), _("Password"));
  gtk_widget_set_name (GTK_WIDGET (editor->password), "pacs-password");
  adw_preferences_group_add (web, GTK_WIDGET (editor->password));

  editor->problem = GTK_LABEL (problem);
  gtk_widget_set_name (problem, "pacs-problem");
  gtk_label_set_wrap (editor->problem, TRUE);
  gtk_label_set_xalign (editor->problem, 0);
  gtk_widget_add_css_class (problem, "error");
  gtk_widget_set_visible (problem, FALSE);
  adw_preferences_group_add (general, problem);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), general);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), dimse);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), web);
  gtk_box_append (GTK_BOX (content), header);
  gtk_box_append (GTK_BOX (content), page);
  gtk_widget_set_vexpand (page, TRUE);
  adw_window_set_content (ADW_WINDOW (window), content);
  gtk_window_present (editor->window);
}

/* The list */

static void
edit_clicked_cb (GtkButton             *button,
                 NpPacsPreferencesPage *self)
{
  g_autoptr(GPtrArray) list = np_pacs_destination_list_load_settings (self->settings);
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "np-index"));

  if (index < list->len)
    open_editor (self, (int) index, g_ptr_array_index (list, index));
}

static void
remove_clicked_cb (GtkButton             *button,
                   NpPacsPreferencesPage *self)
{
  g_autoptr(GPtrArray) list = np_pacs_destination_list_load_settings (self->settings);
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "np-index"));
  NpPacsDestination *destination;

  if (index >= list->len)
    return;
  destination = g_ptr_array_index (list, index);
  np_pacs_secret_clear (destination->name, destination->username, NULL);
  g_ptr_array_remove_index (list, index);
  np_pacs_destination_list_save_settings (self->settings, list);
}

static void
add_clicked_cb (GtkButton             *button,
                NpPacsPreferencesPage *self)
{
  open_editor (self, -1, NULL);
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            guint       index)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data (G_OBJECT (button), "np-index", GUINT_TO_POINTER (index));
  return button;
}

static void
rebuild (NpPacsPreferencesPage *self)
{
  g_autoptr(GPtrArray) list = np_pacs_destination_list_load_settings (self->settings);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < list->len; i++)
    {
      NpPacsDestination *destination = g_ptr_array_index (list, i);
      g_autofree char *where = np_pacs_destination_describe (destination);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *edit = row_button ("document-edit-symbolic", _("Edit"), i);
      GtkWidget *remove = row_button ("user-trash-symbolic", _("Remove"), i);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), destination->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      g_signal_connect (edit, "clicked", G_CALLBACK (edit_clicked_cb), self);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
  if (list->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No destinations yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Add the PACS that “Send to PACS” stores the image and the "
                                     "report on"));
      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
destinations_changed_cb (GSettings             *settings,
                         const char            *key,
                         NpPacsPreferencesPage *self)
{
  rebuild (self);
}

static void
np_pacs_preferences_page_dispose (GObject *object)
{
  NpPacsPreferencesPage *self = NP_PACS_PREFERENCES_PAGE (object);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  G_OBJECT_CLASS (np_pacs_preferences_page_parent_class)->dispose (object);
}

static void
np_pacs_preferences_page_class_init (NpPacsPreferencesPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = np_pacs_preferences_page_dispose;
}

static void
np_pacs_preferences_page_init (NpPacsPreferencesPage *self)
{
  GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");

  self->rows = g_ptr_array_new ();
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("PACS"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "network-server-symbolic");
  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Destinations"));
  adw_preferences_group_set_description (self->group,
                                         _("Where “Send to PACS” stores the annotated image and the "
                                           "report, by C-STORE or by DICOMweb."));
  gtk_widget_set_tooltip_text (add, _("Add a destination"));
  gtk_widget_set_name (add, "pacs-add");
  gtk_widget_add_css_class (add, "flat");
  adw_preferences_group_set_header_suffix (self->group, add);
  g_signal_connect (add, "clicked", G_CALLBACK (add_clicked_cb), self);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->group);
}

/**
 * np_pacs_preferences_page_new:
 * @settings: the application's settings (key pacs-destinations)
 */
GtkWidget *
np_pacs_preferences_page_new (GSettings *settings)
{
  NpPacsPreferencesPage *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (NP_TYPE_PACS_PREFERENCES_PAGE, NULL);
  self->settings = g_object_ref (settings);
  g_signal_connect (settings, "changed::" NP_PACS_DESTINATIONS_KEY,
                    G_CALLBACK (destinations_changed_cb), self);
  rebuild (self);
  return GTK_WIDGET (self);
}
