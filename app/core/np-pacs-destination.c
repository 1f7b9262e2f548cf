/* np-pacs-destination.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GUI keeps the destinations in GSettings (key pacs-destinations, a list
 * of a{sv} dictionaries); the CLI reads the same key, or a key file given
 * with --pacs-config (one group per destination, the same key names), so
 * scripts and tests need no settings database. Passwords are in neither.
 */

#define G_LOG_DOMAIN "np-core"

#include "np-pacs-destination.h"

#include "np-error.h"

#include <string.h>
#include <glib/gi18n-lib.h>

NpPacsDestination *
np_pacs_destination_new (const char *name)
{
  NpPacsDestination *destination = g_new0 (NpPacsDestination, 1);

  destination->name = g_strdup (name ? name : "");
  destination->calling_aet = g_strdup (NP_PACS_DEFAULT_CALLING_AET);
  destination->port = 104;
  destination->timeout_seconds = NP_PACS_DEFAULT_TIMEOUT;
  return destination;
}

NpPacsDestination *
np_pacs_destination_copy (const NpPacsDestination *destination)
{
  NpPacsDestination *copy;

  g_return_val_if_fail (destination != NULL, NULL);

  copy = g_new0 (NpPacsDestination, 1);
  copy->name = g_strdup (destination->name);
  copy->calling_aet = g_strdup (destination->calling_aet);
  copy->called_aet = g_strdup (destination->called_aet);
  copy->host = g_strdup (destination->host);
  copy->port = destination->port;
  copy->timeout_seconds = destination->timeout_seconds;
  copy->dicomweb_url = g_strdup (destination->dicomweb_url);
  copy->username = g_strdup (destination->username);
  return copy;
}

void
np_pacs_destination_free (NpPacsDestination *destination)
{
  if (destination == NULL)
    return;
  g_free (destination->name);
  g_free (destination->calling_aet);
  g_free (destination->called_aet);
  g_free (destination->host);
  g_free (destination->dicomweb_url);
  g_free (destination->username);
  g_free (destination);
}

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

gboolean
np_pacs_destination_has_dimse (const NpPacsDestination *destination)
{
  g_return_val_if_fail (destination != NULL, FALSE);

  return is_set (destination->called_aet) && is_set (destination->host) && destination->port > 0;
}

gboolean
np_pacs_destination_has_dicomweb (const NpPacsDestination *destination)
{
  g_return_val_if_fail (destination != NULL, FALSE);

  return is_set (destination->dicomweb_url);
}

/* PS3.5: an AE title is 1 to 16 characters of the default repertoire, no
 * backslash, no control characters, not only spaces. */
static gboolean
check_aet (const char  *name,
           const char  *what,
           const char  *aet,
           GError     **error)
{
  gsize length = aet ? strlen (aet) : 0;
  gboolean blank = TRUE;

  if (length == 0 || length > 16)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s”: the %s must have 1 to 16 characters"), name, what);
      return FALSE;
    }
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) aet[i];

      if (c < 0x20 || c > 0x7e || c == '\\')
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("PACS destination “%s”: the %s “%s” may hold only printable ASCII "
                         "characters other than a backslash"), name, what, aet);
          return FALSE;
        }
      if (c != ' ')
        blank = FALSE;
    }
  if (blank)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s”: the %s is only spaces"), name, what);
      return FALSE;
    }
  return TRUE;
}

/**
 * np_pacs_destination_validate:
 *
 * Returns: %TRUE when the destination can be used: a name, and a complete
 * DIMSE part (AE titles, host, port) and/or a DICOMweb http(s) URL.
 */
gboolean
np_pacs_destination_validate (const NpPacsDestination  *destination,
                              GError                  **error)
{
  const char *name;

  g_return_val_if_fail (destination != NULL, FALSE);

  name = destination->name;
  if (!is_set (name))
    {
      g_set_error_literal (error, NP_ERROR, NP_ERROR_INVALID, _("A PACS destination needs a name"));
      return FALSE;
    }
  if (!is_set (destination->called_aet) && !is_set (destination->dicomweb_url))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s” has neither a DIMSE address (called AE title, host, "
                     "port) nor a DICOMweb URL"), name);
      return FALSE;
    }
  if (is_set (destination->called_aet))
    {
      if (!check_aet (name, _("called AE title"), destination->called_aet, error) ||
          !check_aet (name, _("calling AE title"), destination->calling_aet, error))
        return FALSE;
      if (!is_set (destination->host))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("PACS destination “%s”: the DIMSE host is missing"), name);
          return FALSE;
        }
      if (destination->port == 0 || destination->port > 65535)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("PACS destination “%s”: the port %u is not between 1 and 65535"),
                       name, destination->port);
          return FALSE;
        }
    }
  if (is_set (destination->dicomweb_url) &&
      !g_str_has_prefix (destination->dicomweb_url, "http://") &&
      !g_str_has_prefix (destination->dicomweb_url, "https://"))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s”: the DICOMweb URL “%s” does not start with http:// "
                     "or https://"), name, destination->dicomweb_url);
      return FALSE;
    }
  if (destination->timeout_seconds == 0 || destination->timeout_seconds > 3600)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("PACS destination “%s”: the time-out %u s is not between 1 and 3600 s"),
                   name, destination->timeout_seconds);
      return FALSE;
    }
  return TRUE;
}

/* One line for lists: "ORTHANC@pacs:4242, http://pacs:8042/dicom-web". */
char *
np_pacs_destination_describe (const NpPacsDestination *destination)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (destination != NULL, NULL);

  if (np_pacs_destination_has_dimse (destination))
    g_string_append_printf (text, "%s@%s:%u", destination->called_aet, destination->host,
                            destination->port);
  if (np_pacs_destination_has_dicomweb (destination))
    g_string_append_printf (text, "%s%s", text->len ? ", " : "", destination->dicomweb_url);
  return g_string_free (text, FALSE);
}

static void
add_string (GVariantBuilder *builder,
            const char      *key,
            const char      *value)
{
  if (is_set (value))
    g_variant_builder_add (builder, "{sv}", key, g_variant_new_string (value));
}

GVariant *
np_pacs_destination_to_variant (const NpPacsDestination *destination)
{
  GVariantBuilder builder;

  g_return_val_if_fail (destination != NULL, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  add_string (&builder, "name", destination->name);
  add_string (&builder, "calling-aet", destination->calling_aet);
  add_string (&builder, "called-aet", destination->called_aet);
  add_string (&builder, "host", destination->host);
  g_variant_builder_add (&builder, "{sv}", "port", g_variant_new_uint32 (destination->port));
  g_variant_builder_add (&builder, "{sv}", "timeout",
                         g_variant_new_uint32 (destination->timeout_seconds));
  add_string (&builder, "dicomweb-url", destination->dicomweb_url);
  add_string (&builder, "username", destination->username);
  return g_variant_builder_end (&builder);
}

static char *
lookup_string (GVariant   *dict,
               const char *key)
{
  const char *value = NULL;

  if (g_variant_lookup (dict, key, "&s", &value))
    return g_strdup (value);
  return NULL;
}

/* Keys of the wrong type are skipped, as if absent. */
NpPacsDestination *
np_pacs_destination_from_variant (GVariant *dict)
{
  NpPacsDestination *destination;
  char *calling;
  guint32 number;

  g_return_val_if_fail (dict != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT), NULL);

  destination = np_pacs_destination_new (NULL);
  g_free (destination->name);
  destination->name = lookup_string (dict, "name");
  if (destination->name == NULL)
    destination->name = g_strdup ("");
  calling = lookup_string (dict, "calling-aet");
  if (calling)
    {
      g_free (destination->calling_aet);
      destination->calling_aet = calling;
    }
  destination->called_aet = lookup_string (dict, "called-aet");
  destination->host = lookup_string (dict, "host");
  if (g_variant_lookup (dict, "port", "u", &number))
    destination->port = number;
  if (g_variant_lookup (dict, "timeout", "u", &number))
    destination->timeout_seconds = number;
  destination->dicomweb_url = lookup_string (dict, "dicomweb-url");
  destination->username = lookup_string (dict, "username");
  return destination;
}

GPtrArray *
np_pacs_destination_list_from_variant (GVariant *list)
{
  GPtrArray *destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_destination_free);
  GVariantIter iter;
  GVariant *child;

  g_return_val_if_fail (list != NULL, destinations);
  g_return_val_if_fail (g_variant_is_of_type (list, G_VARIANT_TYPE ("aa{sv}")), destinations);

  g_variant_iter_init (&iter, list);
  while ((child = g_variant_iter_next_value (&iter)))
    {
      g_ptr_array_add (destinations, np_pacs_destination_from_variant (child));
      g_variant_unref (child);
    }
  return destinations;
}

GVariant *
np_pacs_destination_list_to_variant (GPtrArray *destinations)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; destinations && i < destinations->len; i++)
    g_variant_builder_add_value (&builder,
                                 np_pacs_destination_to_variant (g_ptr_array_index (destinations, i)));
  return g_variant_builder_end (&builder);
}

GPtrArray *
np_pacs_destination_list_load_settings (GSettings *settings)
{
  g_autoptr(GVariant) list = NULL;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  list = g_settings_get_value (settings, NP_PACS_DESTINATIONS_KEY);
  return np_pacs_destination_list_from_variant (list);
}

void
np_pacs_destination_list_save_settings (GSettings *settings,
                                        GPtrArray *destinations)
{
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_set_value (settings, NP_PACS_DESTINATIONS_KEY,
                        np_pacs_destination_list_to_variant (destinations));
}

/**
 * np_pacs_destination_list_load_keyfile:
 * @path: a key file, one group per destination (the group is the name) with
 *   the keys calling-aet, called-aet, host, port, timeout, dicomweb-url,
 *   username
 *
 * Returns: the destinations, each validated, or %NULL with @error naming the
 * file and the problem.
 */
GPtrArray *
np_pacs_destination_list_load_keyfile (const char  *path,
                                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) destinations = NULL;
  g_auto(GStrv) groups = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, NP_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                   ? NP_ERROR_NOT_FOUND : NP_ERROR_CORRUPT,
                   _("Cannot read the PACS destinations in %s: %s"), path, local_error->message);
      return NULL;
    }

  destinations = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_destination_free);
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i]; i++)
    {
      g_autoptr(NpPacsDestination) destination = np_pacs_destination_new (groups[i]);
      g_autofree char *calling = g_key_file_get_string (keyfile, groups[i], "calling-aet", NULL);
      const char *numbers[] = { "port", "timeout" };
      guint *targets[] = { &destination->port, &destination->timeout_seconds };

      if (calling)
        {
          g_free (destination->calling_aet);
          destination->calling_aet = g_steal_pointer (&calling);
        }
      destination->called_aet = g_key_file_get_string (keyfile, groups[i], "called-aet", NULL);
      destination->host = g_key_file_get_string (keyfile, groups[i], "host", NULL);
      destination->dicomweb_url = g_key_file_get_string (keyfile, groups[i], "dicomweb-url", NULL);
      destination->username = g_key_file_get_string (keyfile, groups[i], "username", NULL);
      for (guint k = 0; k < G_N_ELEMENTS (numbers); k++)
        {
          g_autofree char *text = g_key_file_get_string (keyfile, groups[i], numbers[k], NULL);
          guint64 value;

          if (text == NULL)
            continue;
          if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &value, NULL))
            {
              g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                           _("%s: [%s] %s=%s is not a positive whole number"),
                           path, groups[i], numbers[k], text);
              return NULL;
            }
          *targets[k] = (guint) value;
        }
      if (g_key_file_has_key (keyfile, groups[i], "password", NULL))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("%s: [%s] holds a password; NeedlePlan reads passwords only from the "
                         "keyring or a password file, never from this file"), path, groups[i]);
          return NULL;
        }
      if (!np_pacs_destination_validate (destination, &local_error))
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID, "%s: %s", path, local_error->message);
          return NULL;
        }
      g_ptr_array_add (destinations, g_steal_pointer (&destination));
    }
  return g_steal_pointer (&destinations);
}

NpPacsDestination *
np_pacs_destination_list_find (GPtrArray  *destinations,
                               const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; destinations && i < destinations->len; i++)
    {
      NpPacsDestination *destination = g_ptr_array_index (destinations, i);

      if (g_strcmp0 (destination->name, name) == 0)
        return destination;
    }
  return NULL;
}
