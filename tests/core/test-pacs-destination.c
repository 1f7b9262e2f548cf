/* test-pacs-destination.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-pacs-destination.h"
#include "np-pacs-secret.h"

#include <glib/gstdio.h>

static char *
write_keyfile (const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("np-pacs-XXXXXX.ini", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_keyfile (void)
{
  g_autofree char *path = write_keyfile (
    "[Ward PACS]\ncalling-aet=NP_WS1\ncalled-aet=ORTHANC\nhost=pacs.example\nport=4242\n"
    "timeout=12\n\n[Web only]\ndicomweb-url=https://pacs.example/dicom-web\nusername=clin\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = np_pacs_destination_list_load_keyfile (path, &error);
  NpPacsDestination *ward, *web;

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  ward = np_pacs_destination_list_find (list, "Ward PACS");
  g_assert_nonnull (ward);
  g_assert_cmpstr (ward->calling_aet, ==, "NP_WS1");
  g_assert_cmpstr (ward->called_aet, ==, "ORTHANC");
  g_assert_cmpstr (ward->host, ==, "pacs.example");
  g_assert_cmpuint (ward->port, ==, 4242);
  g_assert_cmpuint (ward->timeout_seconds, ==, 12);
  g_assert_true (np_pacs_destination_has_dimse (ward));
  g_assert_false (np_pacs_destination_has_dicomweb (ward));

  web = np_pacs_destination_list_find (list, "Web only");
  g_assert_nonnull (web);
  /* Defaults: our AE title and 30 s. */
  g_assert_cmpstr (web->calling_aet, ==, "NEEDLEPLAN");
  g_assert_cmpuint (web->timeout_seconds, ==, 30);
  g_assert_false (np_pacs_destination_has_dimse (web));
  g_assert_true (np_pacs_destination_has_dicomweb (web));
  g_assert_cmpstr (web->username, ==, "clin");
  g_assert_null (np_pacs_destination_list_find (list, "ward pacs"));
  g_unlink (path);
}

static void
test_keyfile_errors (void)
{
  struct { const char *text; const char *expected; } cases[] = {
    { "[A]\ncalled-aet=THIS_AE_TITLE_IS_TOO_LONG\nhost=h\nport=104\n", "1 to 16 characters" },
    { "[A]\ncalled-aet=BACK\\\\SLASH\nhost=h\nport=104\n", "other than a backslash" },
    { "[A]\ncalled-aet=PACS\nport=104\n", "host is missing" },
    { "[A]\ncalled-aet=PACS\nhost=h\nport=70000\n", "not between 1 and 65535" },
    { "[A]\ncalled-aet=PACS\nhost=h\nport=-3\n", "not a positive whole number" },
    { "[A]\ndicomweb-url=ftp://h/dicom-web\n", "does not start with http://" },
    { "[A]\nhost=h\n", "neither a DIMSE address" },
    { "[A]\ndicomweb-url=http://h/\npassword=secret\n", "never from this file" },
    { "not a key file\n", "Cannot read the PACS destinations" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_keyfile (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) list = np_pacs_destination_list_load_keyfile (path, &error);

      g_assert_null (list);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
      g_assert_nonnull (strstr (error->message, path));
      g_unlink (path);
    }
}

static void
test_variant_round_trip (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) np_pacs_destination_free);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GVariant) variant = NULL;
  NpPacsDestination *d = np_pacs_destination_new ("Orthanc");
  NpPacsDestination *e;

  d->called_aet = g_strdup ("ORTHANC");
  d->host = g_strdup ("127.0.0.1");
  d->port = 4242;
  d->timeout_seconds = 7;
  d->dicomweb_url = g_strdup ("http://127.0.0.1:8042/dicom-web");
  d->username = g_strdup ("np");
  g_ptr_array_add (list, d);

  variant = g_variant_ref_sink (np_pacs_destination_list_to_variant (list));
  g_assert_true (g_variant_is_of_type (variant, G_VARIANT_TYPE ("aa{sv}")));
  back = np_pacs_destination_list_from_variant (variant);
  g_assert_cmpuint (back->len, ==, 1);
  e = g_ptr_array_index (back, 0);
  g_assert_cmpstr (e->name, ==, "Orthanc");
  g_assert_cmpstr (e->calling_aet, ==, "NEEDLEPLAN");
  g_assert_cmpstr (e->called_aet, ==, "ORTHANC");
  g_assert_cmpstr (e->host, ==, "127.0.0.1");
  g_assert_cmpuint (e->port, ==, 4242);
  g_assert_cmpuint (e->timeout_seconds, ==, 7);
  g_assert_cmpstr (e->dicomweb_url, ==, "http://127.0.0.1:8042/dicom-web");
  g_assert_cmpstr (e->username, ==, "np");
  g_assert_true (np_pacs_destination_validate (e, NULL));
}

/* Without a session bus there is no keyring: nothing found, no error, and
 * storing says why it cannot. */
static void
test_secret_without_bus (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "", TRUE);
  g_setenv ("XDG_RUNTIME_DIR", "", TRUE);
  g_assert_false (np_pacs_secret_available ());
  password = np_pacs_secret_lookup ("Orthanc", "np", &error);
  g_assert_no_error (error);
  g_assert_null (password);
  g_assert_false (np_pacs_secret_store ("Orthanc", "np", "secret", &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "no keyring"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pacs-destination/keyfile", test_keyfile);
  g_test_add_func ("/pacs-destination/keyfile-errors", test_keyfile_errors);
  g_test_add_func ("/pacs-destination/variant-round-trip", test_variant_round_trip);
  g_test_add_func ("/pacs-destination/secret-without-bus", test_secret_without_bus);
  return g_test_run ();
}
