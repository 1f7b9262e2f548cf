/* np-cli-optimize.c: needleplan-cli optimize PLAN [-o OUT] [--json]
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>
#include "np-cli-plan-private.h"

#include "np-error.h"
#include "np-json-util.h"
#include "np-file.h"
#include "np-plan-file.h"
#include "np-terminal-text.h"

#include <math.h>
#include <stdio.h>

/* The frame path is stored relative to the plan file: saving elsewhere
 * rewrites it so the new file still finds its frame. */
static gboolean
move_frame_reference (NpPlan      *plan,
                      const char  *from_path,
                      const char  *to_path,
                      GError     **error)
{
  g_autofree char *frame = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *to_folder = g_path_get_dirname (to_path);

  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    return TRUE;
  /* Without this, a folder that is not there reads as "the frame is not
   * inside the plan's folder", which sends the user looking at the frame. */
  if (!g_file_test (to_folder, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (to_path);

      g_set_error (error, NP_ERROR, NP_ERROR_IO, _("Cannot save “%s”: %s"), display,
                   g_file_test (to_folder, G_FILE_TEST_EXISTS) ? _("part of the path is not a folder")
                                                               : _("no such file or folder"));
      return FALSE;
    }
  frame = np_plan_file_resolve_frame (plan, from_path, error);
  if (frame == NULL)
    return FALSE;
  relative = np_plan_file_relative_frame_path (to_path, frame, error);
  if (relative == NULL)
    return FALSE;
  np_plan_set_string (&plan->frame_path, relative);
  np_plan_set_string (&plan->frame_absolute_path, frame);
  return TRUE;
}

static void
print_json (const NpEntryRecommendation *rec,
            const char                  *out_path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gboolean calibrated = g_strcmp0 (rec->unit, "mm") == 0;

  json_builder_begin_object (builder);
  np_json_add_boolean (builder, "feasible", rec->feasible);
  np_json_add_boolean (builder, "calibrated", calibrated);
  np_json_add_string (builder, "unit", rec->unit);
  np_json_add_point (builder, "entry", TRUE, rec->entry);
  /* G_MAXDOUBLE stands for none (no structure to keep clear of): null. */
  np_json_add_length (builder, "path_length", calibrated,
                      rec->has_path && rec->path_length < G_MAXDOUBLE, rec->path_length);
  np_json_add_number_or_null (builder, "insertion_angle_deg", rec->has_path,
                              rec->insertion_angle_deg);
  np_json_add_length (builder, "min_clearance", calibrated, rec->min_clearance < G_MAXDOUBLE,
                      rec->min_clearance);
  np_json_add_string (builder, "reason", rec->reason);
  np_json_add_string (builder, "output", out_path);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  np_cli_print_json (root);
}

static void
print_text (const NpEntryRecommendation *rec,
            const char                  *out_path)
{
  /* The reason names structures by their labels, which come from the file. */
  g_autofree char *reason = np_terminal_text (rec->reason, 1000);

  if (!rec->feasible)
    printf (_("NO ENTRY SATISFIES EVERY CONSTRAINT; the least-bad one is shown.\n"));
  printf (_("Entry:   (%.2f, %.2f) px\n"), rec->entry.x, rec->entry.y);
  if (rec->has_path)
    printf (_("Path:    %.1f %s at %.1f° to the skin\n"), rec->path_length, rec->unit,
            rec->insertion_angle_deg);
  if (rec->min_clearance < G_MAXDOUBLE)
    printf (_("Nearest: %.1f %s from a structure\n"), rec->min_clearance, rec->unit);
  printf (_("Why:     %s\n"), reason);
  if (out_path != NULL)
    printf (_("Wrote:   %s\n"), out_path);
}

static const char description[] =
  N_("Finds the entry on the skin line (past the end of the probe for an in-plane\n"
  "approach) with the shortest path that keeps every structure's margin and the\n"
  "approach's angle range, and says why. With -o, writes the plan with that entry\n"
  "(atomically: OUT is either complete or untouched). When no entry satisfies\n"
  "everything, the least-bad one is shown and the failing constraint named.");

int
np_cli_optimize (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpEntryRecommendation) rec = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out_path = NULL;
  g_autofree char *walkdown_text = NULL;
  NpPlannerOptions options;
  gboolean as_json = FALSE;
  int exit_code;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("Write the optimised plan here"),
      "OUT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON for machines"), NULL },
    { "walkdown-angle", 0, 0, G_OPTION_ARG_STRING, &walkdown_text,
      N_("Out of plane: needle angle to the skin (the approach's, or 45)"), "DEG" },
    { NULL }
  };

  context = g_option_context_new (_("PLAN — recommend the entry point and say why"));
  g_option_context_set_description (context, _(description));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("optimize takes exactly one PLAN (see --help)"));

  plan = np_cli_plan_load (argv[1], &options, notes, &error);
  if (plan == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  if (walkdown_text != NULL
      && !np_cli_plan_parse_angle (walkdown_text, "--walkdown-angle", 0,
                                   &options.out_of_plane_angle_deg, &exit_code))
    return exit_code;

  rec = np_planner_recommend_entry (plan, &options, &error);
  if (rec == NULL)
    return np_cli_fail (NP_CLI_EXIT_INPUT, "%s: %s", argv[1], error->message);

  if (out_path != NULL)
    {
      g_autoptr(NpPlanResults) results = NULL;
      g_autoptr(JsonNode) results_json = NULL;

      g_autofree char *frame = NULL;

      /* Neither the plan read nor its frame is ever replaced by the output. */
      frame = plan->frame_path != NULL && *plan->frame_path != '\0'
              ? np_plan_file_resolve_frame (plan, argv[1], NULL) : NULL;
      if (!np_file_check_output (out_path, argv[1], _("the plan being optimised"), &error)
          || !np_file_check_output (out_path, frame, _("the plan's frame"), &error))
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
      plan->has_entry = TRUE;
      plan->entry = rec->entry;
      if (!move_frame_reference (plan, argv[1], out_path, &error))
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
      /* The file keeps the results for the record (recomputed on load). */
      results = np_planner_compute (plan, &options, &error);
      if (results == NULL || !np_planner_estimate_uncertainty (plan, &options, results, &error))
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
      np_cli_plan_add_notes (results, notes);
      results_json = np_planner_results_to_json (results);
      if (!np_plan_file_save (plan, results_json, out_path, &error))
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
    }

  if (as_json)
    print_json (rec, out_path);
  else
    print_text (rec, out_path);
  return NP_CLI_EXIT_OK;
}
