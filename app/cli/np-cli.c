/* np-cli.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>

#include "np-terminal-text.h"
#include "np-types.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Every failure ends in one line on stderr so scripts can log it. */
int
np_cli_fail (int         exit_code,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;
  g_autofree char *shown = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  /* The message names files and quotes values from them: one line, with
   * control characters escaped, whatever they hold. */
  shown = np_terminal_text (message, 4000);
  fprintf (stderr, "needleplan-cli: %s\n", shown);
  return exit_code;
}

int
np_cli_fail_error (int           exit_code,
                   const GError *error)
{
  return np_cli_fail (exit_code, "%s", error ? error->message : _("unknown error"));
}

/* Returns FALSE when the verb should stop (after --help, or on bad usage),
 * with *exit_code set. */
gboolean
np_cli_parse_options (GOptionContext   *context,
                      int              *argc,
                      char           ***argv,
                      int              *exit_code)
{
  g_autoptr(GError) error = NULL;

  *exit_code = NP_CLI_EXIT_OK;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("%s (see --help)"), error->message);
      return FALSE;
    }
  return TRUE;
}

void
np_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

/* A plain decimal number: [+-] digits [. digits] [e [+-] digits], with
 * digits on at least one side of the point. strtod alone also takes hex
 * ("0x10" = 16), "inf", "nan" and leading spaces, none of which a user
 * means as a millimetre value. */
static gboolean
is_decimal_number (const char *p)
{
  gboolean digits = FALSE;

  if (*p == '+' || *p == '-')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

/* Strict: the whole string must be a finite decimal number. */
gboolean
np_cli_parse_double (const char *text,
                     double     *value)
{
  char *end = NULL;
  double v;

  if (text == NULL || !is_decimal_number (text))
    return FALSE;
  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite (v))
    return FALSE;
  *value = v;
  return TRUE;
}

/**
 * np_cli_parse_points:
 * @text: "x1,y1 x2,y2 ..." (spaces or semicolons between points)
 * @points: (out): a GArray of NpImagePoint
 */
gboolean
np_cli_parse_points (const char  *text,
                     GArray     **points,
                     GError     **error)
{
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GArray) result = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));

  if (text == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("no points given"));
      return FALSE;
    }

  tokens = g_strsplit_set (text, " ;\t", -1);
  for (guint i = 0; tokens[i] != NULL; i++)
    {
      g_auto(GStrv) xy = NULL;
      NpImagePoint p;

      if (*tokens[i] == '\0')
        continue;
      xy = g_strsplit (tokens[i], ",", -1);
      if (g_strv_length (xy) != 2 || !np_cli_parse_double (xy[0], &p.x)
          || !np_cli_parse_double (xy[1], &p.y))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("“%s” is not a point; write x,y"), tokens[i]);
          return FALSE;
        }
      g_array_append_val (result, p);
    }

  *points = g_steal_pointer (&result);
  return TRUE;
}
