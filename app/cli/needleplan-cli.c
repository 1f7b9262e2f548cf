/* needleplan-cli.c: NeedlePlan's core without a display
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "config.h"

#include "np-cli.h"
#include "np-error.h"
#include "np-i18n.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

static const NpCliVerb verbs[] = {
  { "info", N_("size, bit depth, colour type and declared pixel size of a frame"), np_cli_info },
  { "calibrate", N_("pixel size from depth-scale ticks, a sphere, a distance…"), np_cli_calibrate },
  { "plan", /* xgettext:no-c-format */ N_("depth, path, angle, clearance, needle and 95% intervals of a plan"), np_cli_plan },
  { "optimize", N_("recommend the entry point of a plan and say why"), np_cli_optimize },
  { "export", N_("annotated PNG or PDF report of a plan, or of a folder of plans"), np_cli_export },
  { "phantom", N_("a synthetic ultrasound or fluoroscopy case with known truth"), np_cli_phantom },
  { "score", N_("training score of a trainee's plan against the expert plan"), np_cli_score },
  { "find", N_("search a PACS (C-FIND, QIDO-RS): studies, series, plans"), np_cli_find },
  { "retrieve", N_("bring one instance from a PACS (C-GET, WADO-RS) into the cache"), np_cli_retrieve },
  { "send", N_("a plan's annotated image and report to a PACS (C-STORE or STOW-RS)"), np_cli_send },
};

static void
print_usage (FILE *out)
{
  fprintf (out, _("Usage: needleplan-cli VERB [OPTIONS] ARGS\n\nVerbs:\n"));
  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    fprintf (out, "  %-10s %s\n", verbs[i].name, _(verbs[i].summary));
  fprintf (out, _("\nRun 'needleplan-cli VERB --help' for the options of a verb.\n"
                "Exit status: 0 success, 1 bad input, 2 bad usage.\n"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in files and on the command line always use a dot. */
  setlocale (LC_NUMERIC, "C");
  np_i18n_init ();
  textdomain (GETTEXT_PACKAGE);
  np_gsl_init ();

  if (argc < 2)
    {
      print_usage (stderr);
      return NP_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return NP_CLI_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("needleplan-cli %s\n", PACKAGE_VERSION);
      return NP_CLI_EXIT_OK;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (argv[1], verbs[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("needleplan-cli %s", verbs[i].name);
        g_set_prgname (prgname);
        return verbs[i].run (argc - 1, argv + 1);
      }

  return np_cli_fail (NP_CLI_EXIT_USAGE, _("unknown verb “%s” (see --help)"), argv[1]);
}
