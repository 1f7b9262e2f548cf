/* np-cli-plan.c: needleplan-cli plan PLAN [--json]
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>
#include "np-cli-plan-private.h"

#include "np-terminal-text.h"

#include <glib/gi18n.h>

#include "np-approach.h"
#include "np-capture-plan.h"
#include "np-dicom-helper.h"
#include "np-json-util.h"
#include "np-plan-file.h"
#include "np-plan-labels.h"
#include "np-png.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

/* A NeedlePlan Secondary Capture given as the plan: the plan inside it, on
 * its source frame when found (np-capture-plan.c), else on its own pixels. */
static NpPlan *
load_capture (const char        *path,
              NpPlannerOptions  *options,
              GPtrArray         *notes,
              GError           **error)
{
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (path, error);
  g_autoptr(NpPacsCache) cache = np_pacs_cache_new_default ();
  g_autoptr(NpCapturePlan) capture = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(GError) frame_error = NULL;
  g_autofree char *name = g_filename_display_basename (path);

  if (helper == NULL || !np_dicom_helper_open (helper, error))
    return NULL;
  capture = np_capture_plan_new (np_dicom_helper_get_info (helper), path, cache, error);
  np_dicom_helper_close (helper);
  if (capture == NULL)
    return NULL;
  np_planner_options_init_for_frame (options, capture->plan, 0, 0);
  if (np_dicom_helper_file_is_dicom (capture->frame_path))
    frame = np_dicom_helper_load_frame (capture->frame_path, capture->frame_index, &frame_error);
  else
    frame = np_frame_load (capture->frame_path, &frame_error);
  if (frame == NULL)
    g_ptr_array_add (notes, g_strdup_printf (_("The frame could not be read (%s); the field of "
                                               "view is not known"), frame_error->message));
  else
    np_planner_options_init_for_frame (options, capture->plan, np_frame_get_width (frame),
                                       np_frame_get_height (frame));
  if (capture->on_capture)
    g_ptr_array_add (notes, g_strdup_printf (_("The plan inside the Secondary Capture “%s” is "
                                               "measured on the capture’s own pixels: its source "
                                               "frame “%s” was not found"),
                                             name, capture->source_name));
  else
    g_ptr_array_add (notes, g_strdup_printf (_("The plan inside the Secondary Capture “%s” is on "
                                               "its source frame “%s”"),
                                             name, capture->frame_path));
  return g_steal_pointer (&capture->plan);
}

/**
 * np_cli_plan_load:
 * @options: (out caller-allocates): np_planner_options_init_for_frame() of
 *   the plan and its frame (the calibration's region, else the frame's size,
 *   as the field of view)
 * @notes: (element-type utf8): problems with the frame, in plain words
 *
 * The frame is only read for its size and checked against the plan's
 * SHA-256: planning works from the marks, so a missing frame is a note, not
 * an error.
 */
NpPlan *
np_cli_plan_load (const char        *path,
                  NpPlannerOptions  *options,
                  GPtrArray         *notes,
                  GError           **error)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) frame_error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  NpPlanFrameCheck check = NP_PLAN_FRAME_UNVERIFIED;

  np_planner_options_init (options);
  if (np_dicom_helper_file_is_dicom (path))
    return load_capture (path, options, notes, error);
  plan = np_plan_file_load (path, error);
  if (plan == NULL)
    return NULL;
  /* Until the frame is read its size is not known. */
  np_planner_options_init_for_frame (options, plan, 0, 0);
  if (plan->frame_path == NULL || *plan->frame_path == '\0')
    return g_steal_pointer (&plan);

  /* Read once: the bytes hashed are the bytes decoded. A DICOM frame is
   * read for its size and its header's calibration. */
  frame = np_plan_file_load_frame (plan, path, &check, NULL, &frame_error);
  if (frame == NULL)
    {
      g_ptr_array_add (notes, g_strdup_printf (_("The frame could not be read (%s); the field of "
                                               "view is not known"), frame_error->message));
      return g_steal_pointer (&plan);
    }
  np_planner_options_init_for_frame (options, plan, np_frame_get_width (frame),
                                     np_frame_get_height (frame));
  if (check != NP_PLAN_FRAME_MATCHES)
    g_ptr_array_add (notes, np_plan_file_describe_frame_check (check,
                                                               np_frame_get_source_path (frame)));
  g_clear_error (&frame_error);
  if (!np_plan_file_check_dicom_source (plan, path, np_frame_get_source_path (frame),
                                        np_frame_get_dicom_info (frame), &frame_error))
    g_ptr_array_add (notes, g_strdup (frame_error->message));
  /* The plan file is the record: the DICOM header's calibration is named,
   * never applied behind it (docs/calibration.md). */
  if (!np_calibration_is_calibrated (plan->calibration)
      && np_frame_get_dicom_info (frame) != NULL)
    {
      g_autoptr(NpCalibration) scanner = np_calibration_new_from_frame (frame, NULL);

      if (scanner != NULL)
        g_ptr_array_add (notes, g_strdup_printf (_("The plan has no calibration, so values are "
                                                 "in px; the frame's DICOM header gives %.4f × "
                                                 "%.4f mm/px %s: use it in NeedlePlan's "
                                                 "Calibration section to plan in mm"),
                                                 scanner->mm_per_px_x, scanner->mm_per_px_y,
                                                 scanner->note));
    }
  return g_steal_pointer (&plan);
}

/* An angle option in (lower, 90] degrees. */
gboolean
np_cli_plan_parse_angle (const char *text,
                         const char *option,
                         double      lower,
                         double     *value,
                         int        *exit_code)
{
  if (!np_cli_parse_double (text, value) || *value <= lower || *value > 90)
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("%s “%s” must be an angle above %g° and up "
                                "to 90°"), option, text, lower);
      return FALSE;
    }
  return TRUE;
}

void
np_cli_plan_add_notes (NpPlanResults *results,
                       GPtrArray     *notes)
{
  for (guint i = 0; i < notes->len; i++)
    g_ptr_array_add (results->warnings, g_strdup (g_ptr_array_index (notes, i)));
}

/* The calibration behind the numbers; pixel sizes only when calibrated. */
static void
add_calibration (JsonBuilder         *builder,
                 const NpCalibration *calibration)
{
  json_builder_set_member_name (builder, "calibration");
  json_builder_begin_object (builder);
  np_calibration_add_json_members (calibration, builder,
                                   NP_CALIBRATION_JSON_DESCRIPTION | NP_CALIBRATION_JSON_REGION |
                                   NP_CALIBRATION_JSON_REGIONS |
                                   NP_CALIBRATION_JSON_NULL_UNCALIBRATED);
  json_builder_end_object (builder);
}

static void
print_json (const char             *path,
            const NpPlan           *plan,
            const NpPlannerOptions *options,
            const NpPlanResults    *results)
{
  g_autoptr(JsonNode) root = np_planner_results_to_json (results);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) extra = NULL;
  JsonObject *object = json_node_get_object (root);
  JsonObject *extra_object;
  g_autoptr(GList) members = NULL;

  json_builder_begin_object (builder);
  np_json_add_string (builder, "plan", path);
  np_json_add_string (builder, "modality", np_modality_to_string (plan->modality));
  np_json_add_string (builder, "technique", np_technique_to_string (plan->technique));
  add_calibration (builder, plan->calibration);
  np_json_add_rect (builder, "field_of_view", options->has_field, &options->field);
  json_builder_end_object (builder);

  extra = json_builder_get_root (builder);
  extra_object = json_node_get_object (extra);
  members = json_object_get_members (extra_object);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (object, l->data,
                            json_node_copy (json_object_get_member (extra_object, l->data)));
  np_cli_print_json (root);
}

/* "12.3 mm", or "12.3 px" uncalibrated: the unit always comes from the results. */
static char *
length_text (const NpPlanResults *results,
             gboolean             has,
             double               value)
{
  if (!has || !isfinite (value))
    return g_strdup ("—");
  return g_strdup_printf ("%.1f %s", value, results->unit);
}

static char *
interval_text (gboolean      has,
               const double  interval[2])
{
  if (!has)
    return g_strdup ("");
  return g_strdup_printf ("[%.1f, %.1f]", interval[0], interval[1]);
}

static void
print_row (const char *name,
           const char *value,
           const char *monte_carlo,
           const char *propagated)
{
  const char *cells[] = { name, value, monte_carlo };
  const int widths[] = { 18, 16, 18 };
  g_autoptr(GString) line = g_string_new ("  ");

  /* Padded by characters, not bytes: "°" is two bytes in UTF-8. */
  for (guint i = 0; i < G_N_ELEMENTS (cells); i++)
    {
      glong n = g_utf8_strlen (cells[i], -1);

      g_string_append (line, cells[i]);
      for (glong k = n; k < widths[i] + 1; k++)
        g_string_append_c (line, ' ');
    }
  g_string_append (line, propagated);
  /* Trailing blanks of empty columns are noise in logs and diffs. */
  printf ("%s\n", g_strchomp (line->str));
}

static void
print_text (const char          *path,
            const NpPlan        *plan,
            const NpPlanResults *results)
{
  const NpCalibration *cal = plan->calibration;
  const NpApproach *approach = np_approach_lookup (plan->approach);
  g_autofree char *depth = length_text (results, results->has_depth, results->depth);
  g_autofree char *length = length_text (results, results->has_path, results->path_length);
  g_autofree char *depth_mc = interval_text (results->has_depth_ci, results->depth_ci95);
  g_autofree char *depth_fo = interval_text (results->has_depth_ci,
                                             results->depth_ci95_propagated);
  g_autofree char *length_mc = interval_text (results->has_path_ci, results->path_length_ci95);
  g_autofree char *length_fo = interval_text (results->has_path_ci,
                                              results->path_length_ci95_propagated);
  g_autofree char *angle = results->has_angle
    ? g_strdup_printf ("%.1f°", results->insertion_angle_deg) : g_strdup ("—");
  g_autofree char *angle_mc = results->has_angle_ci
    ? g_strdup_printf ("[%.1f°, %.1f°]", results->insertion_angle_ci95[0],
                       results->insertion_angle_ci95[1]) : g_strdup ("");
  g_autofree char *angle_fo = results->has_angle_ci
    ? g_strdup_printf ("[%.1f°, %.1f°]", results->insertion_angle_ci95_propagated[0],
                       results->insertion_angle_ci95_propagated[1]) : g_strdup ("");

  g_autofree char *shown_path = np_terminal_text (path, 0);

  printf (_("Plan:          %s\n"), shown_path);
  printf (_("Site:          %s, side %s\n"), np_site_label (plan->site),
          np_side_label (plan->side));
  if (plan->modality == NP_MODALITY_ULTRASOUND)
    printf (_("Modality:      %s, %s probe, %s\n"), np_modality_label (plan->modality),
            np_probe_label (plan->probe), np_technique_label (plan->technique));
  else
    printf (_("Modality:      %s, %s, %s\n"), np_modality_label (plan->modality),
            np_view_label (plan->view), np_technique_label (plan->technique));
  if (approach != NULL)
    printf (_("Approach:      %s\n"), _(approach->name));
  printf (_("Calibration:   %s (%s)\n"), np_calibration_method_to_string (cal->method),
          np_calibration_method_describe (cal->method));
  if (results->calibrated)
    printf (_("Pixel size:    %.6g × %.6g mm/px ± %.2g × %.2g (standard error)\n"),
            cal->mm_per_px_x, cal->mm_per_px_y, cal->se_mm_per_px_x, cal->se_mm_per_px_y);
  else
    printf (_("Pixel size:    NOT CALIBRATED: every value below is in pixels\n"));
  if (results->speed_of_sound_m_s > 0)
    printf (_("Tissue speed:  %g ± %g m/s (SD; the image assumes 1540 m/s)\n"),
            results->speed_of_sound_m_s, plan->speed_of_sound_sd_m_s);

  printf ("\n");
  print_row (_("Result"), _("Value"), _("95% Monte Carlo"), /* xgettext:no-c-format */ _("95% propagated"));
  print_row (_("Depth"), depth, depth_mc, depth_fo);
  print_row (_("Path length"), length, length_mc, length_fo);
  print_row (_("Insertion angle"), angle, angle_mc, angle_fo);
  if (results->has_projection)
    {
      g_autofree char *projected = length_text (results, TRUE, results->projected_path_length);
      g_autofree char *projected_angle = g_strdup_printf ("%.1f°", results->projected_angle_deg);

      print_row (_("Projected path"), projected, "", "");
      print_row (_("Projected angle"), projected_angle, "", "");
    }
  if (results->has_two_views)
    {
      g_autofree char *residual = g_strdup_printf ("%.2f mm", results->two_views.rms_residual_mm);

      print_row (_("Two-view residual"), residual, "", "");
      print_row (_("Two-view model"), results->two_views.cone_beam
                 ? _("cone beam (both views' SID, SOD, detector pixel)")
                 : _("parallel projections at the calibrated planes"), "", "");
    }
  if (np_visibility_to_string (results->visibility) != NULL)
    print_row (_("Visibility"), np_visibility_to_string (results->visibility), "", "");
  if (results->has_fov_entry)
    {
      g_autofree char *at = g_strdup_printf ("(%.1f, %.1f) px", results->fov_entry.x,
                                             results->fov_entry.y);
      g_autofree char *from = length_text (results, TRUE, results->fov_entry_depth);

      print_row (_("Comes into view"), at, "", "");
      print_row (_("Visible from depth"), from, "", "");
    }
  if (results->has_walkdown)
    {
      g_autofree char *offset = length_text (results, TRUE, results->walkdown_offset);
      g_autofree char *angle_text = g_strdup_printf ("%.0f°", results->walkdown_angle_deg);

      print_row (_("Walk-down angle"), angle_text, "", "");
      print_row (_("Entry from probe"), offset, "", "");
    }
  if (results->has_needle)
    {
      g_autofree char *needle = g_strdup_printf (_("%u mm (%g in)"), results->needle_mm,
                                                 results->needle_inch);

      g_autofree char *basis = g_strdup_printf (_("covers %s %.1f mm + 10 mm"),
                                                results->needle_from_interval
                                                ? /* xgettext:no-c-format */ _("the path's 95% upper end") : _("the path"),
                                                results->needle_basis);

      print_row (_("Needle"), needle, basis, "");
    }
  if (results->gauges != NULL && results->gauges[0] != 0)
    {
      g_autoptr(GString) gauges = g_string_new (NULL);

      for (guint i = 0; results->gauges[i] != 0; i++)
        g_string_append_printf (gauges, "%s%u G", i > 0 ? ", " : "", results->gauges[i]);
      print_row (_("Gauges"), gauges->str, "", "");
    }
  if (results->has_depth_ci)
    printf (_("  (Monte Carlo: %u samples, seed %llu)\n"), results->mc_samples,
            (unsigned long long) results->mc_seed);

  if (results->clearances->len > 0)
    {
      printf (_("\nStructures (clearance to the path)\n"));
      for (guint i = 0; i < results->clearances->len; i++)
        {
          const NpStructureClearance *c = &g_array_index (results->clearances,
                                                          NpStructureClearance, i);
          g_autofree char *value = length_text (results, TRUE, c->clearance);
          g_autofree char *margin = results->calibrated
            ? g_strdup_printf (_("margin %g mm"), c->margin_mm)
            : g_strdup (_("margin not checked"));
          const char *status = c->entered ? "CROSSED"
                               : c->within_margin ? _("WITHIN MARGIN")
                               : c->margin_at_risk ? /* xgettext:no-c-format */ _("MARGIN AT RISK (95% interval)")
                               : results->calibrated ? "clear" : "";
          g_autofree char *ci = c->has_ci
            ? g_strdup_printf (" [%.1f, %.1f]", c->clearance_ci95[0], c->clearance_ci95[1])
            : g_strdup ("");

          g_autofree char *label = np_terminal_text (c->label, 60);
          g_autofree char *line = g_strdup_printf ("  %-28s %-10s%s %-19s %s%s", label, value,
                                                   ci, margin, status,
                                                   (int) i == results->nearest ? _(" (nearest)") : "");

          printf ("%s\n", g_strchomp (line));
        }
    }

  if (results->measurements->len > 0)
    {
      printf (_("\nMeasurements\n"));
      for (guint i = 0; i < results->measurements->len; i++)
        {
          const NpMeasurementValue *m = &g_array_index (results->measurements,
                                                        NpMeasurementValue, i);
          g_autofree char *value = !m->valid && isfinite (m->value_px)
                                   ? g_strdup_printf ("%.1f px", m->value_px)
                                   : !m->valid ? g_strdup ("—")
                                   : m->kind == NP_MEASURE_ANGLE
                                   ? g_strdup_printf ("%.1f°", m->value)
                                   : length_text (results, TRUE, m->value);

          /* The region rule keeps it out of mm: say why on the same line. */
          const char *why = m->outside_region && !m->valid ? m->outside_reason : NULL;

          printf ("  %-3u %-10s %s%s%s%s\n", i + 1, np_measure_kind_to_string (m->kind), value,
                  m->outside_region ? _("  OUTSIDE the calibrated region") : "",
                  why != NULL ? ": " : "", why != NULL ? why : "");
        }
    }

  if (results->warnings->len > 0)
    {
      printf (_("\nWarnings\n"));
      for (guint i = 0; i < results->warnings->len; i++)
        {
          g_autofree char *warning = np_terminal_text (g_ptr_array_index (results->warnings, i),
                                                       1000);
          printf ("  - %s\n", warning);
        }
    }
}

static const char description[] =
  /* xgettext:no-c-format */ N_("Computes depth, path length, insertion angle, clearance to every structure,\n"
  "visibility, the needle, and 95% intervals (seeded Monte Carlo and first-order\n"
  "propagation). Without a calibration every value is in pixels.\n"
  "\n"
  "Fluoroscopy: --second-view gives depth and 3-D path length from two views\n"
  "(the angle between them is 90° for AP + lateral, else give --view-angle);\n"
  "a plan that records its pair uses it without the option.");

int
np_cli_plan (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpPlan) second = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *samples_text = NULL;
  g_autofree char *seed_text = NULL;
  g_autofree char *second_path = NULL;
  g_autofree char *view_angle_text = NULL;
  g_autofree char *walkdown_text = NULL;
  NpPlannerOptions options;
  gboolean as_json = FALSE;
  double view_angle = NAN;
  int exit_code;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON for machines"), NULL },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &samples_text, N_("Monte Carlo samples (2000)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, N_("Monte Carlo seed"), "N" },
    { "second-view", 0, 0, G_OPTION_ARG_FILENAME, &second_path,
      N_("Fluoroscopy: a plan of the same entry and target in a second view"), "PLAN" },
    { "view-angle", 0, 0, G_OPTION_ARG_STRING, &view_angle_text,
      N_("Angle between the two views (90 for AP + lateral)"), "DEG" },
    { "walkdown-angle", 0, 0, G_OPTION_ARG_STRING, &walkdown_text,
      N_("Out of plane: needle angle to the skin (the approach's, or 45)"), "DEG" },
    { NULL }
  };

  context = g_option_context_new (_("PLAN — depth, path, angle, clearance, needle and intervals"));
  g_option_context_set_description (context, _(description));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("plan takes exactly one PLAN (see --help)"));

  plan = np_cli_plan_load (argv[1], &options, notes, &error);
  if (plan == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (samples_text != NULL)
    {
      double samples;

      if (!np_cli_parse_double (samples_text, &samples) || samples != floor (samples)
          || samples < 100 || samples > 1e6)
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--samples “%s” must be a whole number from 100 "
                            "to 1000000"), samples_text);
      options.mc_samples = (guint) samples;
    }
  if (seed_text != NULL)
    {
      guint64 seed;

      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--seed “%s” is not a whole number"), seed_text);
      options.seed = seed;
    }
  if (walkdown_text != NULL
      && !np_cli_plan_parse_angle (walkdown_text, "--walkdown-angle", 0,
                                   &options.out_of_plane_angle_deg, &exit_code))
    return exit_code;
  if (view_angle_text != NULL
      && (!np_cli_parse_double (view_angle_text, &view_angle) || fabs (view_angle) > 180))
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--view-angle “%s” must be an angle in degrees"),
                        view_angle_text);

  /* A plan that records its pair (fluoroscopy.second_view) brings it along. */
  if (second_path == NULL && plan->modality == NP_MODALITY_FLUOROSCOPY
      && plan->second_view_path != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (argv[1]);
      g_autofree char *joined = g_build_filename (folder, plan->second_view_path, NULL);

      if (g_file_test (joined, G_FILE_TEST_IS_REGULAR))
        {
          second_path = g_steal_pointer (&joined);
          g_ptr_array_add (notes, g_strdup_printf (_("Depth from the plan's pair with %s"),
                                                   plan->second_view_path));
        }
      else
        g_ptr_array_add (notes, g_strdup_printf (_("The plan's second view %s is not there: "
                                                   "one view only"), plan->second_view_path));
    }
  if (second_path != NULL)
    {
      NpPlannerOptions second_options;

      second = np_cli_plan_load (second_path, &second_options, notes, &error);
      if (second == NULL)
        return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
      results = np_planner_compute_two_views (plan, second, view_angle, &options, &error);
    }
  else
    results = np_planner_compute (plan, &options, &error);
  if (results == NULL || !np_planner_estimate_uncertainty (plan, &options, results, &error))
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  np_cli_plan_add_notes (results, notes);

  if (as_json)
    print_json (argv[1], plan, &options, results);
  else
    print_text (argv[1], plan, results);
  return NP_CLI_EXIT_OK;
}
