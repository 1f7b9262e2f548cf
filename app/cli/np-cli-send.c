/* np-cli-send.c: needleplan-cli send, a plan's record to a PACS
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "config.h"
#include "np-cli.h"

#include "np-error.h"
#include "np-pacs-destination.h"
#include "np-pacs-secret.h"
#include "np-pacs-send.h"
#include "np-terminal-text.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SUMMARY N_("PLAN --to NAME, or --files FILE… --to NAME — send to a PACS")

typedef struct
{
  char *to;
  char *via;
  char *pacs_config;
  char *password_file;
  char *keep;
  gboolean files;
  gboolean anonymise;
} Args;

static void
args_clear (Args *args)
{
  g_free (args->to);
  g_free (args->via);
  g_free (args->pacs_config);
  g_free (args->password_file);
  g_free (args->keep);
}

/* The destinations: the key file of --pacs-config, else the GUI's settings. */
static GPtrArray *
load_destinations (const Args  *args,
                   GError     **error)
{
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (args->pacs_config != NULL)
    return np_pacs_destination_list_load_keyfile (args->pacs_config, error);

  source = g_settings_schema_source_get_default ();
  schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  if (schema == NULL || !g_settings_schema_has_key (schema, NP_PACS_DESTINATIONS_KEY))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("No PACS destinations: NeedlePlan's settings schema (%s) is not installed; "
                     "give the destinations with --pacs-config FILE"), APP_ID);
      return NULL;
    }
  settings = g_settings_new (APP_ID);
  return np_pacs_destination_list_load_settings (settings);
}

static char *
read_password_file (const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  char *newline;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, _("Cannot read the password file %s: %s"),
                   path, local_error->message);
      return NULL;
    }
  /* The first line; a trailing newline is not part of the password. */
  newline = strpbrk (contents, "\r\n");
  if (newline)
    *newline = '\0';
  return g_steal_pointer (&contents);
}

static void
on_progress (guint       done,
             guint       total,
             const char *path,
             gpointer    user_data)
{
  const char *via = user_data;

  /* Only on a terminal: a script reads one line of error, or the results. */
  if (path == NULL || !isatty (STDERR_FILENO))
    return;
  fprintf (stderr, ngettext ("Sending %u file by %s (%u stored so far)…\n",
                             "Sending %u files by %s (%u stored so far)…\n", total),
           total, via, done);
}

static int
send_paths (const Args              *args,
            const NpPacsDestination *destination,
            NpPacsSendVia            via,
            const char              *password,
            const char * const      *paths,
            const char              *outbox)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) stored = NULL;
  g_auto(GStrv) warnings = NULL;
  NpPacsSendVia used = via;

  if (used == NP_PACS_SEND_AUTO)
    used = np_pacs_destination_has_dimse (destination) ? NP_PACS_SEND_DIMSE : NP_PACS_SEND_DICOMWEB;
  if (!np_pacs_send_files (destination, used, password, paths, on_progress,
                           (gpointer) np_pacs_send_via_name (used), NULL, &stored, &warnings,
                           &error))
    {
      if (outbox != NULL)
        {
          g_autofree char *message = g_strdup_printf (
            _("%s. The exported files are kept in %s: send them again with "
              "needleplan-cli send --files %s/*.dcm --to “%s”"),
            error->message, outbox, outbox, destination->name);
          return np_cli_fail (NP_CLI_EXIT_INPUT, "%s", message);
        }
      return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
    }
  for (guint i = 0; warnings && warnings[i]; i++)
    {
      g_autofree char *line = np_terminal_text (warnings[i], 1000);
      fprintf (stderr, _("needleplan-cli: warning: %s\n"), line);
    }
  for (guint i = 0; paths[i]; i++)
    {
      const char *uid = stored && i < g_strv_length (stored) ? stored[i] : "";
      if (uid && *uid)
        printf (_("Stored %s on “%s” by %s (SOP Instance UID %s)\n"), paths[i], destination->name,
                np_pacs_send_via_name (used), uid);
      else
        printf (_("Stored %s on “%s” by %s\n"), paths[i], destination->name,
                np_pacs_send_via_name (used));
    }
  return NP_CLI_EXIT_OK;
}

/* Removes the files this run exported, and their folder, after a send that worked. */
static void
remove_outbox (const char         *outbox,
               const char * const *paths)
{
  for (guint i = 0; paths[i]; i++)
    g_unlink (paths[i]);
  g_rmdir (outbox);
}

static int
run (const Args  *args,
     int          argc,
     char       **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) destinations = NULL;
  g_autofree char *password = NULL;
  g_autofree char *outbox = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  NpPacsDestination *destination;
  NpPacsSendVia via = NP_PACS_SEND_AUTO;
  int exit_code;

  if (args->to == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("say where to send: --to NAME (see --help)"));
  if (args->via != NULL && !np_pacs_send_via_parse (args->via, &via))
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--via must be auto, dimse or dicomweb, not “%s”"),
                        args->via);
  if (args->files)
    {
      if (argc < 2)
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--files needs at least one DICOM FILE (see --help)"));
      if (args->keep != NULL || args->anonymise)
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--keep and --anonymise go with a PLAN, not with "
                                                 "--files (see --help)"));
    }
  else if (argc != 2)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("send takes exactly one PLAN, or --files FILE… "
                                             "(see --help)"));

  destinations = load_destinations (args, &error);
  if (destinations == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  destination = np_pacs_destination_list_find (destinations, args->to);
  if (destination == NULL)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < destinations->len; i++)
        g_string_append_printf (names, "%s“%s”", i ? ", " : "",
                                ((NpPacsDestination *) g_ptr_array_index (destinations, i))->name);
      return np_cli_fail (NP_CLI_EXIT_INPUT, _("No PACS destination named “%s”; there are: %s"),
                          args->to, names->len ? names->str : _("none"));
    }
  if (!np_pacs_destination_validate (destination, &error))
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (args->password_file != NULL)
    {
      password = read_password_file (args->password_file, &error);
      if (password == NULL)
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
    }
  else if (destination->username && *destination->username && via != NP_PACS_SEND_DIMSE &&
           (via == NP_PACS_SEND_DICOMWEB || !np_pacs_destination_has_dimse (destination)))
    {
      password = np_pacs_secret_lookup (destination->name, destination->username, &error);
      if (error != NULL)
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
      if (password == NULL)
        return np_cli_fail (NP_CLI_EXIT_INPUT,
                            _("PACS destination “%s” has the user name “%s” but no password in the "
                              "keyring; give it with --password-file FILE"),
                            destination->name, destination->username);
    }

  if (args->files)
    {
      for (int i = 1; i < argc; i++)
        g_ptr_array_add (paths, g_strdup (argv[i]));
      g_ptr_array_add (paths, NULL);
      return send_paths (args, destination, via, password, (const char * const *) paths->pdata, NULL);
    }

  {
    g_autofree char *base = g_path_get_basename (argv[1]);
    char *dot = strrchr (base, '.');

    if (dot && dot != base)
      *dot = '\0';
    if (args->keep != NULL)
      {
        if (g_mkdir_with_parents (args->keep, 0700) != 0)
          return np_cli_fail (NP_CLI_EXIT_INPUT, _("Cannot make the folder %s: %s"), args->keep,
                              g_strerror (errno));
        outbox = g_strdup (args->keep);
      }
    else if ((outbox = np_pacs_send_outbox_new (&error)) == NULL)
      return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
    g_ptr_array_add (paths, g_strdup_printf ("%s/%s-annotated.dcm", outbox, base));
    g_ptr_array_add (paths, g_strdup_printf ("%s/%s-report.dcm", outbox, base));
    g_ptr_array_add (paths, NULL);
  }
  if (!np_cli_export_dicom (argv[1], g_ptr_array_index (paths, 0), g_ptr_array_index (paths, 1),
                            args->anonymise, &error))
    {
      if (args->keep == NULL)
        g_rmdir (outbox);
      return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
    }
  exit_code = send_paths (args, destination, via, password, (const char * const *) paths->pdata,
                          outbox);
  if (exit_code == NP_CLI_EXIT_OK && args->keep == NULL)
    remove_outbox (outbox, (const char * const *) paths->pdata);
  return exit_code;
}

int
np_cli_send (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  Args args = { 0 };
  int exit_code;
  GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &args.to, N_("The PACS destination's name"), "NAME" },
    { "via", 0, 0, G_OPTION_ARG_STRING, &args.via,
      N_("auto (DIMSE when the destination has it), dimse or dicomweb"), "HOW" },
    { "files", 0, 0, G_OPTION_ARG_NONE, &args.files,
      N_("Send DICOM files as they are (e.g. a kept export, again)"), NULL },
    { "anonymise", 0, 0, G_OPTION_ARG_NONE, &args.anonymise,
      N_("Leave the patient's identifiers out; new study and series"), NULL },
    { "anonymize", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &args.anonymise, NULL, NULL },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &args.keep,
      N_("Export into DIR and keep the files there"), "DIR" },
    { "pacs-config", 0, 0, G_OPTION_ARG_FILENAME, &args.pacs_config,
      N_("Read the destinations from this key file instead of the settings"), "FILE" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &args.password_file,
      N_("The DICOMweb password, on the first line of FILE (else the keyring)"), "FILE" },
    { NULL }
  };

  context = g_option_context_new (_(SUMMARY));
  g_option_context_set_description (context, _(
    "  needleplan-cli send PLAN --to NAME [--via dimse|dicomweb] [--anonymise] [--keep DIR]\n"
    "  needleplan-cli send --files FILE.dcm… --to NAME [--via dimse|dicomweb]\n"
    "\n"
    "Exports the plan's annotated image as a DICOM Secondary Capture (the plan inside)\n"
    "and its report as an Encapsulated PDF, in the source's study, and stores both on\n"
    "the PACS destination NAME: by C-STORE when it has a DIMSE address, else by STOW-RS.\n"
    "The destinations are the ones of NeedlePlan's Preferences (GSettings), or those of\n"
    "a key file given with --pacs-config (docs/pacs.md). The files are exported into\n"
    "the cache folder (~/.cache/needleplan/outbox) and removed once the PACS has them;\n"
    "when sending fails they stay there, and the message says how to send them again.\n"
    "The exit code is 1 when any file was not stored.\n"));
  g_option_context_add_main_entries (context, entries, NULL);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    {
      args_clear (&args);
      return exit_code;
    }
  exit_code = run (&args, argc, argv);
  args_clear (&args);
  return exit_code;
}
