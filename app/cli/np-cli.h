/* np-cli.h: shared helpers of the needleplan-cli verbs
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Exit codes: 0 success, 1 bad input (file or values), 2 bad usage. */
#define NP_CLI_EXIT_OK 0
#define NP_CLI_EXIT_INPUT 1
#define NP_CLI_EXIT_USAGE 2

typedef int (*NpCliVerbFunc) (int argc, char **argv);

typedef struct
{
  const char *name;
  const char *summary;
  NpCliVerbFunc run;
} NpCliVerb;

int       np_cli_fail            (int          exit_code,
                                  const char  *format,
                                  ...) G_GNUC_PRINTF (2, 3);
int       np_cli_fail_error      (int          exit_code,
                                  const GError *error);
gboolean  np_cli_parse_options   (GOptionContext *context,
                                  int         *argc,
                                  char      ***argv,
                                  int         *exit_code);
void      np_cli_print_json      (JsonNode    *node);
gboolean  np_cli_parse_double    (const char  *text,
                                  double      *value);
gboolean  np_cli_parse_points    (const char  *text,
                                  GArray     **points,
                                  GError     **error);

int np_cli_info (int argc, char **argv);
int np_cli_calibrate (int argc, char **argv);
int np_cli_plan (int argc, char **argv);
int np_cli_optimize (int argc, char **argv);
int np_cli_export (int argc, char **argv);
int np_cli_phantom (int argc, char **argv);
int np_cli_score (int argc, char **argv);
int np_cli_find (int argc, char **argv);
int np_cli_retrieve (int argc, char **argv);
int np_cli_send (int argc, char **argv);

gboolean np_cli_export_dicom (const char  *plan_path,
                              const char  *sc_path,
                              const char  *pdf_dicom_path,
                              gboolean     anonymise,
                              GError     **error);

G_END_DECLS
