/* np-pacs-secret.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DICOMweb passwords in the desktop keyring (libsecret), keyed by the
 * destination's name and the user name, never in GSettings. Without a
 * session bus (CI, a console, ssh) there is no keyring: lookups then find
 * nothing rather than starting one, and storing says why it cannot.
 */

#define G_LOG_DOMAIN "np-core"

#include "np-pacs-secret.h"

#include "np-error.h"

#include <libsecret/secret.h>
#include <glib/gi18n-lib.h>

static const SecretSchema *
pacs_schema (void)
{
  static const SecretSchema schema = {
    "org.needleplan.NeedlePlan.PacsPassword", SECRET_SCHEMA_NONE,
    {
      { "destination", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* Whether a session bus is there to ask; without one GDBus would try to
 * autolaunch a bus (or fail slowly), which a keyring lookup must not do. */
gboolean
np_pacs_secret_available (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *bus = NULL;

  if (address && *address)
    return TRUE;
  if (runtime == NULL || *runtime == '\0')
    return FALSE;
  bus = g_build_filename (runtime, "bus", NULL);
  return g_file_test (bus, G_FILE_TEST_EXISTS);
}

static void
set_keyring_error (const char  *what,
                   const char  *destination,
                   GError      *cause,
                   GError     **error)
{
  g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Could not %s the password of PACS destination “%s” "
                 "in the keyring: %s"), what, destination,
               cause ? cause->message : _("no keyring"));
}

/**
 * np_pacs_secret_lookup:
 *
 * Returns: the password, or %NULL: with @error unset when none is stored or
 * there is no keyring, with @error set when the keyring failed.
 */
char *
np_pacs_secret_lookup (const char  *destination,
                       const char  *username,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *secret, *password;

  g_return_val_if_fail (destination != NULL, NULL);

  if (!np_pacs_secret_available ())
    return NULL;
  secret = secret_password_lookup_sync (pacs_schema (), NULL, &local_error,
                                        "destination", destination,
                                        "username", username ? username : "", NULL);
  if (local_error)
    {
      /* No secret service on the bus is the same as no keyring. */
      if (g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
          g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
          g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND))
        return NULL;
      set_keyring_error (C_("keyring", "read"), destination, local_error, error);
      return NULL;
    }
  password = g_strdup (secret);
  secret_password_free (secret);
  return password;
}

gboolean
np_pacs_secret_store (const char  *destination,
                      const char  *username,
                      const char  *password,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *label = NULL;

  g_return_val_if_fail (destination != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!np_pacs_secret_available ())
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Could not save the password of PACS destination “%s”: there is no "
                     "keyring in this session (no D-Bus session bus)"), destination);
      return FALSE;
    }
  label = g_strdup_printf (_("NeedlePlan PACS password for %s"), destination);
  if (!secret_password_store_sync (pacs_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                                   NULL, &local_error,
                                   "destination", destination,
                                   "username", username ? username : "", NULL))
    {
      set_keyring_error (C_("keyring", "save"), destination, local_error, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
np_pacs_secret_clear (const char  *destination,
                      const char  *username,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (destination != NULL, FALSE);

  if (!np_pacs_secret_available ())
    return TRUE;
  secret_password_clear_sync (pacs_schema (), NULL, &local_error,
                              "destination", destination,
                              "username", username ? username : "", NULL);
  if (local_error &&
      !g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) &&
      !g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) &&
      !g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND))
    {
      set_keyring_error (C_("keyring", "remove"), destination, local_error, error);
      return FALSE;
    }
  return TRUE;
}
