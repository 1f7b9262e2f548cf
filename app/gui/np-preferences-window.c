/* np-preferences-window.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-preferences"

#include "np-preferences-window.h"

#include "np-pacs-preferences-page.h"

struct _NpPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* Template widgets */
  AdwComboRow *style_row;
  AdwComboRow *units_row;

  /* Owned */
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (NpPreferencesWindow, np_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The combo rows list the choices of each key in schema order. */
static const char *const style_choices[] = { "dark", "light", "system", NULL };
static const char *const units_choices[] = { "mm", "px", NULL };

static gboolean
choice_to_index (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  const char *const *choices = user_data;
  const char *choice = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], choice))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_choice (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  const char *const *choices = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[index]);
}

static void
np_preferences_window_constructed (GObject *object)
{
  NpPreferencesWindow *self = NP_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (np_preferences_window_parent_class)->constructed (object);

  g_settings_bind_with_mapping (self->settings, "style", self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_to_index, index_to_choice,
                                (gpointer) style_choices, NULL);
  g_settings_bind_with_mapping (self->settings, "units", self->units_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, choice_to_index, index_to_choice,
                                (gpointer) units_choices, NULL);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self),
                              ADW_PREFERENCES_PAGE (np_pacs_preferences_page_new (self->settings)));
}

static void
np_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  NpPreferencesWindow *self = NP_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_preferences_window_dispose (GObject *object)
{
  NpPreferencesWindow *self = NP_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (np_preferences_window_parent_class)->dispose (object);
}

static void
np_preferences_window_class_init (NpPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = np_preferences_window_constructed;
  object_class->set_property = np_preferences_window_set_property;
  object_class->dispose = np_preferences_window_dispose;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/org/needleplan/NeedlePlan/np-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, NpPreferencesWindow, units_row);
}

static void
np_preferences_window_init (NpPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * np_preferences_window_new:
 * @settings: the application's settings, changed as the user picks
 */
GtkWidget *
np_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (NP_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
