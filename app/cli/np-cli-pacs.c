/* np-cli-pacs.c: needleplan-cli find / retrieve — search a PACS and bring
 * an instance into the PACS cache (C-FIND and C-GET through the importer)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "np-dicomweb-client.h"
#include "np-error.h"
#include "np-pacs-destination.h"
#include "np-pacs-cache.h"
#include "np-pacs-query.h"
#include "np-terminal-text.h"

typedef struct
{
  char *host;
  int port;
  char *calling_aet;
  char *called_aet;
  int timeout;
  char *patient_name;
  char *patient_id;
  char *accession;
  char *date;
  char *study;
  char *series;
  char *instance;
  char *dicomweb;
  char *user;
  char *password_file;
  gboolean as_json;
} PacsOptions;

static void
pacs_options_clear (PacsOptions *options)
{
  g_free (options->host);
  g_free (options->calling_aet);
  g_free (options->called_aet);
  g_free (options->patient_name);
  g_free (options->patient_id);
  g_free (options->accession);
  g_free (options->date);
  g_free (options->study);
  g_free (options->series);
  g_free (options->instance);
  g_free (options->dicomweb);
  g_free (options->user);
  g_free (options->password_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PacsOptions, pacs_options_clear)

static void
add_peer_entries (GOptionContext *context,
                  PacsOptions    *options)
{
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &options->host, N_("The PACS's host name or address"),
      "HOST" },
    { "port", 0, 0, G_OPTION_ARG_INT, &options->port, N_("Its DICOM port (default 104)"),
      "PORT" },
    { "called-aet", 0, 0, G_OPTION_ARG_STRING, &options->called_aet, N_("Its AE title"), "AET" },
    { "aet", 0, 0, G_OPTION_ARG_STRING, &options->calling_aet,
      N_("NeedlePlan's own AE title (default NEEDLEPLAN)"), "AET" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &options->timeout,
      N_("Seconds for the association and each message (default 30)"), "S" },
    { "dicomweb", 0, 0, G_OPTION_ARG_STRING, &options->dicomweb,
      N_("Use DICOMweb (QIDO-RS, WADO-RS) at this base URL instead of DIMSE"), "URL" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &options->user, N_("DICOMweb: HTTP user"), "NAME" },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &options->password_file,
      N_("DICOMweb: a file whose first line is the HTTP password"), "FILE" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, NULL);
}

/* The DICOMweb server of --dicomweb, its password read from
 * --password-file (never from the command line, where ps shows it). */
static gboolean
make_server (const PacsOptions *options,
             NpDicomwebServer  *server,
             char             **password,
             int               *exit_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  *password = NULL;
  if (options->password_file != NULL)
    {
      if (!g_file_get_contents (options->password_file, &contents, NULL, &error))
        {
          *exit_code = np_cli_fail (NP_CLI_EXIT_INPUT, _("Cannot read the password file %s: %s"),
                                    options->password_file, error->message);
          return FALSE;
        }
      contents[strcspn (contents, "\r\n")] = '\0';
      *password = g_steal_pointer (&contents);
    }
  server->base_url = options->dicomweb;
  server->username = options->user;
  server->password = *password;
  server->timeout_seconds = (guint) CLAMP (options->timeout, 1, 600);
  return TRUE;
}

/* The PACS of the options as a destination, for the work the core does on
 * destinations (a plan's source frame). */
static NpPacsDestination *
destination_from_options (const PacsOptions     *options,
                          const NpPacsDimsePeer *peer)
{
  NpPacsDestination *destination = np_pacs_destination_new (options->dicomweb != NULL
                                                            ? options->dicomweb
                                                            : peer->called_aet);

  if (options->dicomweb != NULL)
    {
      destination->dicomweb_url = g_strdup (options->dicomweb);
      destination->username = g_strdup (options->user);
    }
  else
    {
      g_free (destination->calling_aet);
      destination->calling_aet = g_strdup (peer->calling_aet);
      destination->called_aet = g_strdup (peer->called_aet);
      destination->host = g_strdup (peer->host);
      destination->port = peer->port;
    }
  destination->timeout_seconds = (guint) CLAMP (options->timeout, 1, 600);
  return destination;
}

static gboolean
make_peer (const PacsOptions *options,
           NpPacsDimsePeer   *peer,
           int               *exit_code)
{
  if (options->host == NULL || options->called_aet == NULL)
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("name the PACS with --host and --called-aet, "
                                                     "or --dicomweb (see --help)"));
      return FALSE;
    }
  if (options->port < 1 || options->port > 65535 || options->timeout < 1
      || options->timeout > 600)
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("--port must be 1 to 65535 and --timeout "
                                                     "1 to 600 seconds"));
      return FALSE;
    }
  peer->host = options->host;
  peer->port = (guint) options->port;
  peer->calling_aet = options->calling_aet != NULL ? options->calling_aet : "NEEDLEPLAN";
  peer->called_aet = options->called_aet;
  peer->timeout_seconds = (guint) options->timeout;
  return TRUE;
}

static const char *
content_word (const NpPacsQueryResult *result)
{
  switch (np_pacs_query_result_get_content (result))
    {
    case NP_PACS_CONTENT_PLAN:
      return _("plan");
    case NP_PACS_CONTENT_REPORT:
      return _("report");
    case NP_PACS_CONTENT_IMAGES:
    default:
      return _("images");
    }
}

static void
print_row (const NpPacsQueryResult *r)
{
  g_autofree char *patient = np_pacs_query_result_dup_patient_display (r);
  g_autofree char *date = np_pacs_query_result_dup_date_display (r);
  g_autofree char *line = NULL;

  switch (r->level)
    {
    case NP_PACS_LEVEL_STUDY:
      line = g_strdup_printf ("%-10s  %-28s  %-10s  %-8s  %s  %s", date, patient,
                              r->accession_number, r->modalities, r->study_description,
                              r->study_uid);
      break;
    case NP_PACS_LEVEL_SERIES:
      line = g_strdup_printf ("%5d  %-3s  %-7s  %-32s  %4d  %s", r->series_number, r->modality,
                              content_word (r), r->series_description, r->series_instances,
                              r->series_uid);
      break;
    case NP_PACS_LEVEL_INSTANCE:
    default:
      line = g_strdup_printf ("%5d  %5d  %s  %s", r->instance_number, r->frames, r->sop_uid,
                              r->sop_class_uid);
      break;
    }
  {
    g_autofree char *safe = np_terminal_text (line, 0);
    printf ("%s\n", safe);
  }
}

static void
print_json (GPtrArray *results)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  static const char *const levels[] = { "study", "series", "instance" };
  static const char *const contents[] = { "images", "plan", "report" };

  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    {
      const NpPacsQueryResult *r = g_ptr_array_index (results, i);
      const struct { const char *name; const char *value; } strings[] = {
        { "patient_name", r->patient_name }, { "patient_id", r->patient_id },
        { "study_uid", r->study_uid }, { "study_date", r->study_date },
        { "accession_number", r->accession_number }, { "modalities", r->modalities },
        { "study_description", r->study_description }, { "series_uid", r->series_uid },
        { "modality", r->modality }, { "series_description", r->series_description },
        { "sop_uid", r->sop_uid }, { "sop_class_uid", r->sop_class_uid },
      };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "level");
      json_builder_add_string_value (builder, levels[r->level]);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, contents[np_pacs_query_result_get_content (r)]);
      for (gsize s = 0; s < G_N_ELEMENTS (strings); s++)
        {
          json_builder_set_member_name (builder, strings[s].name);
          json_builder_add_string_value (builder, strings[s].value);
        }
      json_builder_set_member_name (builder, "series_number");
      json_builder_add_int_value (builder, r->series_number);
      json_builder_set_member_name (builder, "instances");
      json_builder_add_int_value (builder, r->level == NP_PACS_LEVEL_STUDY ? r->study_instances
                                                                           : r->series_instances);
      json_builder_set_member_name (builder, "instance_number");
      json_builder_add_int_value (builder, r->instance_number);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  np_cli_print_json (root);
}

static void
init_options (PacsOptions *options)
{
  options->port = 104;
  options->timeout = 30;
}

int
np_cli_find (int    argc,
             char **argv)
{
  g_auto(PacsOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(NpPacsQuery) query = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  NpPacsDimsePeer peer = { 0 };
  NpDicomwebServer server = { 0 };
  NpPacsLevel level;
  int exit_code;

  init_options (&options);
  {
    GOptionEntry entries[] = {
      { "patient-name", 0, 0, G_OPTION_ARG_STRING, &options.patient_name,
        N_("Patient name; “doe” finds “Doe^John”"), "NAME" },
      { "patient-id", 0, 0, G_OPTION_ARG_STRING, &options.patient_id, N_("Patient ID"), "ID" },
      { "accession", 0, 0, G_OPTION_ARG_STRING, &options.accession, N_("Accession number"),
        "NUMBER" },
      { "date", 0, 0, G_OPTION_ARG_STRING, &options.date,
        N_("Study date YYYYMMDD or range YYYYMMDD-YYYYMMDD"), "DATE" },
      { "study", 0, 0, G_OPTION_ARG_STRING, &options.study,
        N_("List the series of this study"), "UID" },
      { "series", 0, 0, G_OPTION_ARG_STRING, &options.series,
        N_("With --study: list the instances of this series"), "UID" },
      { "json", 0, 0, G_OPTION_ARG_NONE, &options.as_json, N_("Print JSON for machines"), NULL },
      { NULL }
    };

    context = g_option_context_new (_("— search a PACS by C-FIND (or QIDO-RS with --dicomweb): studies by patient, "
                                      "accession and date;\nthe series of a study (NeedlePlan "
                                      "plans and reports named), the instances of a series"));
    g_option_context_add_main_entries (context, entries, NULL);
  }
  add_peer_entries (context, &options);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("find takes options only (see --help)"));
  if (options.dicomweb == NULL && !make_peer (&options, &peer, &exit_code))
    return exit_code;
  if (options.dicomweb != NULL && !make_server (&options, &server, &password, &exit_code))
    return exit_code;
  if (options.series != NULL && options.study == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--series needs --study"));

  level = options.series != NULL ? NP_PACS_LEVEL_INSTANCE
          : options.study != NULL ? NP_PACS_LEVEL_SERIES : NP_PACS_LEVEL_STUDY;
  query = np_pacs_query_new (level);
  query->patient_name = g_strdup (options.patient_name);
  query->patient_id = g_strdup (options.patient_id);
  query->accession_number = g_strdup (options.accession);
  query->study_uid = g_strdup (options.study);
  query->series_uid = g_strdup (options.series);
  if (!np_pacs_query_set_study_date (query, options.date, &error)
      || !np_pacs_query_check (query, &error))
    return np_cli_fail_error (NP_CLI_EXIT_USAGE, error);

  results = options.dicomweb != NULL ? np_dicomweb_client_find (&server, query, NULL, &error)
                                     : np_pacs_query_find_dimse (query, &peer, &error);
  if (results == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  if (options.as_json)
    print_json (results);
  else
    for (guint i = 0; i < results->len; i++)
      print_row (g_ptr_array_index (results, i));
  return NP_CLI_EXIT_OK;
}

int
np_cli_retrieve (int    argc,
                 char **argv)
{
  g_auto(PacsOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(NpPacsQuery) query = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(NpPacsCache) cache = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *shown = NULL;
  const NpPacsQueryResult *instance = NULL;
  g_autofree char *password = NULL;
  NpPacsDimsePeer peer = { 0 };
  NpDicomwebServer server = { 0 };
  const char *where;
  int exit_code;

  init_options (&options);
  {
    GOptionEntry entries[] = {
      { "study", 0, 0, G_OPTION_ARG_STRING, &options.study, N_("The study"), "UID" },
      { "series", 0, 0, G_OPTION_ARG_STRING, &options.series, N_("The series"), "UID" },
      { "instance", 0, 0, G_OPTION_ARG_STRING, &options.instance,
        N_("The SOP instance (default: the series' first)"), "UID" },
      { NULL }
    };

    context = g_option_context_new (_("— retrieve one instance by C-GET (or WADO-RS with --dicomweb) into NeedlePlan's PACS "
                                      "cache\n(under the user's cache folder, oldest files "
                                      "removed past 512 MB) and print its path"));
    g_option_context_add_main_entries (context, entries, NULL);
  }
  add_peer_entries (context, &options);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("retrieve takes options only (see --help)"));
  if (options.dicomweb == NULL && !make_peer (&options, &peer, &exit_code))
    return exit_code;
  if (options.dicomweb != NULL && !make_server (&options, &server, &password, &exit_code))
    return exit_code;
  where = options.dicomweb != NULL ? options.dicomweb : peer.called_aet;
  if (options.study == NULL || options.series == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("retrieve needs --study and --series"));

  /* The series' instances give the SOP class C-GET negotiates for. */
  query = np_pacs_query_new (NP_PACS_LEVEL_INSTANCE);
  query->study_uid = g_strdup (options.study);
  query->series_uid = g_strdup (options.series);
  if (!np_pacs_query_check (query, &error))
    return np_cli_fail_error (NP_CLI_EXIT_USAGE, error);
  results = options.dicomweb != NULL ? np_dicomweb_client_find (&server, query, NULL, &error)
                                     : np_pacs_query_find_dimse (query, &peer, &error);
  if (results == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  for (guint i = 0; i < results->len && instance == NULL; i++)
    {
      NpPacsQueryResult *r = g_ptr_array_index (results, i);

      if (options.instance == NULL || g_str_equal (r->sop_uid, options.instance))
        instance = r;
    }
  if (instance == NULL)
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("the PACS %s has no such instance in the series %s"),
                        where, options.series);
  {
    g_autoptr(NpPacsQueryResult) full = np_pacs_query_result_copy (instance);

    g_free (full->study_uid);
    full->study_uid = g_strdup (options.study);
    g_free (full->series_uid);
    full->series_uid = g_strdup (options.series);
    file = options.dicomweb != NULL ? np_dicomweb_client_retrieve (&server, full, NULL, &error)
                                    : np_pacs_query_get_dimse (full, &peer, &error);
    if (file == NULL)
      return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
    cache = np_pacs_cache_new_default ();
    path = np_pacs_cache_store (cache, full->sop_uid, file, &error);
  }
  if (path == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  shown = np_terminal_text (path, 0);
  printf ("%s\n", shown);

  /* A NeedlePlan plan: its source frame too, so that it reopens there. */
  {
    g_autoptr(NpPacsDestination) destination = destination_from_options (&options, &peer);
    g_autoptr(GError) source_error = NULL;
    g_autofree char *source = np_pacs_query_retrieve_source (path, options.study, destination,
                                                             password, cache, NULL,
                                                             &source_error);
    g_autofree char *shown_source = NULL;

    if (source != NULL)
      {
        shown_source = np_terminal_text (source, 0);
        printf (_("Source frame of the plan: %s\n"), shown_source);
      }
    else if (!g_error_matches (source_error, NP_ERROR, NP_ERROR_NOT_SUPPORTED))
      {
        shown_source = np_terminal_text (source_error->message, 0);
        printf (_("Source frame of the plan: not retrieved (%s)\n"), shown_source);
      }
  }
  return NP_CLI_EXIT_OK;
}
