/* np-cli-phantom.c: needleplan-cli phantom — write a synthetic case
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>

#include "np-phantom.h"

#include <errno.h>
#include <stdio.h>

/* Strict: digits only, and it must fit the generator's 32-bit seed. */
static gboolean
parse_seed (const char *text,
            guint32    *seed)
{
  guint64 value;
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  errno = 0;
  value = g_ascii_strtoull (text, &end, 10);
  if (errno != 0 || *end != '\0' || value > G_MAXUINT32)
    return FALSE;
  *seed = (guint32) value;
  return TRUE;
}

/* A case written over another one would mix a new frame with whatever else
 * the folder holds; only an empty or new folder is taken without --force. */
static gboolean
folder_has_files (const char *path)
{
  g_autoptr(GDir) dir = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    return FALSE;
  dir = g_dir_open (path, 0, NULL);
  return dir != NULL && g_dir_read_name (dir) != NULL;
}

int
np_cli_phantom (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPhantom) phantom = NULL;
  g_autofree char *site = NULL;
  g_autofree char *modality = NULL;
  g_autofree char *view = NULL;
  g_autofree char *probe = NULL;
  g_autofree char *approach = NULL;
  g_autofree char *seed = NULL;
  g_autofree char *output = NULL;
  g_autofree char *approaches = np_phantom_describe_approaches ();
  g_autofree char *description = NULL;
  gboolean as_json = FALSE;
  gboolean force = FALSE;
  NpPhantomOptions options;
  int exit_code;
  GOptionEntry entries[] = {
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("knee, shoulder or hip"), "SITE" },
    { "modality", 0, 0, G_OPTION_ARG_STRING, &modality,
      N_("ultrasound (default) or fluoroscopy"), "MODALITY" },
    { "view", 0, 0, G_OPTION_ARG_STRING, &view, N_("fluoroscopy: ap (default) or lateral"), "VIEW" },
    { "probe", 0, 0, G_OPTION_ARG_STRING, &probe,
      N_("ultrasound: linear or curvilinear (default: the approach's usual probe)"), "PROBE" },
    { "approach", 0, 0, G_OPTION_ARG_STRING, &approach,
      N_("which approach of the site (see below)"), "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed,
      N_("draws the anatomy and the noise; the same seed gives the same bytes"), "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("folder for frame.png, plan.json and truth.json (created if missing)"), "DIR" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Write into a folder that already holds files (replacing the case's three)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the ground truth as JSON"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— write a synthetic case with known ground truth"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  description = g_strdup_printf (_("Approaches (--approach; the first is the default, except that "
                                 "a shoulder with --probe linear gets subacromial):\n%s\n"
                                 "Example: needleplan-cli phantom --site knee --seed 7 -o knee-07"),
                                 approaches);
  g_option_context_set_description (context, description);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("phantom takes no arguments besides its options, not "
                                           "“%s” (see --help)"), argv[1]);

  np_phantom_options_init (&options);
  if (site == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--site is missing: knee, shoulder or hip"));
  if (seed == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--seed is missing: give a whole number, e.g. --seed 1"));
  if (output == NULL)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("-o is missing: name the folder for the case"));

  if (!np_site_from_string (site, &options.site)
      || (options.site != NP_SITE_KNEE && options.site != NP_SITE_SHOULDER
          && options.site != NP_SITE_HIP))
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("unknown site “%s”: use knee, shoulder or hip"), site);
  if (modality != NULL && !np_modality_from_string (modality, &options.modality))
    return np_cli_fail (NP_CLI_EXIT_USAGE,
                        _("unknown modality “%s”: use ultrasound or fluoroscopy"), modality);
  if (!parse_seed (seed, &options.seed))
    return np_cli_fail (NP_CLI_EXIT_USAGE,
                        _("--seed “%s” is not a whole number from 0 to %u"), seed, G_MAXUINT32);
  if (probe != NULL)
    {
      if (options.modality != NP_MODALITY_ULTRASOUND)
        return np_cli_fail (NP_CLI_EXIT_USAGE,
                            _("--probe is for ultrasound; fluoroscopy takes --view"));
      if (!np_probe_from_string (probe, &options.probe))
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("unknown probe “%s”: use linear or curvilinear"),
                            probe);
      options.has_probe = TRUE;
    }
  if (view != NULL)
    {
      if (options.modality != NP_MODALITY_FLUOROSCOPY)
        return np_cli_fail (NP_CLI_EXIT_USAGE,
                            _("--view is for fluoroscopy; ultrasound takes --probe"));
      if (!np_view_from_string (view, &options.view)
          || (options.view != NP_VIEW_AP && options.view != NP_VIEW_LATERAL))
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("unknown view “%s”: use ap or lateral"), view);
    }
  options.approach = approach;

  if (!force && folder_has_files (output))
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("“%s” already holds files: choose an empty or new "
                        "folder, or give --force to replace the case in it"), output);

  phantom = np_phantom_generate (&options, &error);
  if (phantom == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  if (!np_phantom_write (phantom, output, &error))
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (as_json)
    np_cli_print_json (np_phantom_get_truth (phantom));
  else
    {
      const NpPlan *plan = np_phantom_get_plan (phantom);
      double depth = np_phantom_get_target_depth (phantom);

      printf (_("Wrote %s: %s %s, %s, seed %u; pixel %.4f mm; target depth %.2f mm%s\n"), output,
              np_site_to_string (plan->site), np_modality_to_string (plan->modality),
              plan->modality == NP_MODALITY_ULTRASOUND ? np_probe_to_string (plan->probe)
                                                       : np_view_to_string (plan->view),
              options.seed, np_phantom_get_pixel_size (phantom), depth,
              plan->modality == NP_MODALITY_FLUOROSCOPY ? _(" (from AP and lateral together)") : "");
    }
  return NP_CLI_EXIT_OK;
}
