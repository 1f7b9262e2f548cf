/* np-cli-score.c: needleplan-cli score EXPERT TRAINEE
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>

#include "np-plan-file.h"
#include "np-terminal-text.h"
#include "np-training.h"

#include <math.h>
#include <stdio.h>

/* "5.00 mm", "12.0°", "yes"; an em dash where the metric does not apply. */
static char *
format_value (const NpTrainingScore *score,
              NpTrainingMetric       metric)
{
  double value;

  if (!np_training_score_get_value (score, metric, &value))
    return g_strdup ("—");
  switch (metric)
    {
    case NP_TRAINING_METRIC_TARGET_HIT:
    case NP_TRAINING_METRIC_CRITICAL_ERROR:
      return g_strdup (value > 0 ? "yes" : "no");
    case NP_TRAINING_METRIC_TRAJECTORY_DEVIATION:
      return g_strdup_printf ("%.1f°", value);
    case NP_TRAINING_METRIC_DEPTH_ERROR:
      return g_strdup_printf ("%.1f %%", value);
    case NP_TRAINING_METRIC_PATH_LENGTH_RATIO:
      return g_strdup_printf ("%.3f", value);
    case NP_TRAINING_METRIC_SWEPT_AREA:
      return g_strdup_printf ("%.1f %s²", value, score->unit);
    case NP_TRAINING_METRIC_TARGET_ERROR:
    case NP_TRAINING_METRIC_ENTRY_DEVIATION:
    case NP_TRAINING_METRIC_PATH_IN_TISSUE:
      return g_strdup_printf ("%.2f %s", value, score->unit);
    case NP_TRAINING_METRIC_SCORE:
    case NP_TRAINING_N_METRICS:
    default:
      return g_strdup_printf ("%.1f", value);
    }
}

static void
print_text (const NpTrainingScore *score)
{
  /* Explanations quote the plans' labels, which come from the files. */
  g_autofree char *summary = np_terminal_text (score->explanation[NP_TRAINING_METRIC_SCORE], 1000);

  printf (_("Score: %g / 100%s\n"), round (score->score * 10) / 10,
          score->critical_error ? _(" (capped by a critical error)") : "");
  if (!score->calibrated)
    printf (_("The case has no calibration: distances are in pixels.\n"));
  printf ("%s\n\n", summary);

  for (guint i = NP_TRAINING_METRIC_TARGET_ERROR; i < NP_TRAINING_N_METRICS; i++)
    {
      g_autofree char *value = format_value (score, i);
      g_autofree char *penalty = NULL;
      g_autofree char *explanation = np_terminal_text (score->explanation[i], 1000);

      if (score->penalty[i] > 0)
        penalty = g_strdup_printf ("−%.1f", score->penalty[i]);
      if (penalty == NULL)
        penalty = g_strdup ("");
      /* %-Ns counts bytes: pad by hand so "°", "²" and "−" do not shift columns. */
      printf ("%-22s %s%*s %*s%s  %s\n", np_training_metric_label (i), value,
              (int) MAX (0, 12 - (glong) g_utf8_strlen (value, -1)), "",
              (int) MAX (0, 6 - (glong) g_utf8_strlen (penalty, -1)), "", penalty,
              explanation);
    }
}

int
np_cli_score (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) expert = NULL;
  g_autoptr(NpPlan) trainee = NULL;
  g_autoptr(NpTrainingScore) score = NULL;
  g_autofree char *depth_text = NULL;
  gboolean as_json = FALSE;
  double depth_mm = 0;
  int exit_code;
  GOptionEntry entries[] = {
    { "depth-estimate", 0, 0, G_OPTION_ARG_STRING, &depth_text,
      N_("The depth of the target the trainee estimated, in mm"), "MM" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON for machines"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("EXPERT TRAINEE — training score of one attempt"));
  g_option_context_set_description (context,
    _("EXPERT is the case's plan file with the expert answer (target and/or acceptable\n"
    "target region); TRAINEE is the trainee's plan file of the same frame. Only the\n"
    "trainee's target and entry are used: the case's skin line, structures and\n"
    "calibration come from EXPERT. The formula is in docs/training.md.\n"
    "Exit status: 0 scored, 1 bad input, 2 bad usage."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 3)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("score takes an EXPERT and a TRAINEE plan file "
                                           "(see --help)"));
  if (depth_text != NULL && (!np_cli_parse_double (depth_text, &depth_mm) || depth_mm <= 0))
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--depth-estimate must be a positive number of mm, "
                                           "not “%s”"), depth_text);

  expert = np_plan_file_load (argv[1], &error);
  if (expert == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  if (!np_training_plan_has_answer (expert))
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("“%s” has no expert answer (neither a target nor an "
                                           "acceptable target region)"), argv[1]);
  trainee = np_plan_file_load (argv[2], &error);
  if (trainee == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  if (!trainee->has_target)
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("“%s” has no target to score"), argv[2]);
  if (!np_training_plans_share_frame (expert, argv[1], trainee, argv[2], &error))
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  score = np_training_score_compute (expert, trainee, depth_text != NULL, depth_mm, &error);
  if (score == NULL)
    return np_cli_fail (NP_CLI_EXIT_INPUT, _("Cannot score “%s” against “%s”: %s"), argv[2],
                        argv[1], error->message);

  if (as_json)
    {
      g_autoptr(JsonNode) root = np_training_score_to_json (score);
      JsonObject *object = json_node_get_object (root);

      json_object_set_string_member (object, "expert", argv[1]);
      json_object_set_string_member (object, "trainee", argv[2]);
      np_cli_print_json (root);
    }
  else
    print_text (score);
  return NP_CLI_EXIT_OK;
}
