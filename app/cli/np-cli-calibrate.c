/* np-cli-calibrate.c: needleplan-cli calibrate (one method per run)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include "np-calibration.h"
#include "np-json-util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct
{
  char *ticks;
  char *spacing;
  char *circle;
  char *diameter;
  char *distance;
  char *mm;
  char *depth;
  char *rows;
  char *sid;
  char *sod;
  char *pixel;
  char *mark_error;
  gboolean as_json;
} CalibrateOptions;

static void
calibrate_options_clear (CalibrateOptions *options)
{
  g_free (options->ticks);
  g_free (options->spacing);
  g_free (options->circle);
  g_free (options->diameter);
  g_free (options->distance);
  g_free (options->mm);
  g_free (options->depth);
  g_free (options->rows);
  g_free (options->sid);
  g_free (options->sod);
  g_free (options->pixel);
  g_free (options->mark_error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CalibrateOptions, calibrate_options_clear)

/* Parses a required number option; on failure prints the message and sets
 * *exit_code. */
static gboolean
parse_number (const char *text,
              const char *option,
              const char *needed_by,
              double     *value,
              int        *exit_code)
{
  if (text == NULL)
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, "%s needs %s MM (see --help)", needed_by,
                                option);
      return FALSE;
    }
  if (!np_cli_parse_double (text, value))
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, "%s “%s” is not a number", option, text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_point_list (const char  *text,
                  const char  *option,
                  GArray     **points,
                  int         *exit_code)
{
  g_autoptr(GError) error = NULL;

  if (!np_cli_parse_points (text, points, &error))
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, "%s: %s", option, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
build_ticks (JsonBuilder     *builder,
             const NpTickFit *fit)
{
  json_builder_set_member_name (builder, "ticks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fit->ticks->len; i++)
    {
      const NpTick *tick = &g_array_index (fit->ticks, NpTick, i);

      json_builder_begin_object (builder);
      np_json_add_int (builder, "click", tick->click_index + 1);
      np_json_add_int (builder, "tick", tick->tick_index);
      np_json_add_point (builder, "point", TRUE, tick->point);
      np_json_add_number (builder, "position_px", tick->position_px);
      np_json_add_number (builder, "residual_px", tick->residual_px);
      np_json_add_number (builder, "residual_mm", tick->residual_mm);
      np_json_add_string (builder, "status", np_tick_status_to_string (tick->status));
      np_json_add_string (builder, "reason", tick->reason);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
build_circle (JsonBuilder       *builder,
              const NpCircleFit *fit)
{
  json_builder_set_member_name (builder, "circle");
  json_builder_begin_object (builder);
  np_json_add_point (builder, "centre", TRUE, fit->centre);
  np_json_add_pair (builder, "se_centre_px", TRUE, fit->se_centre_x_px, fit->se_centre_y_px);
  np_json_add_number (builder, "radius_px", fit->radius_px);
  np_json_add_number (builder, "se_radius_px", fit->se_radius_px);
  np_json_add_number (builder, "rms_residual_px", fit->rms_residual_px);
  json_builder_set_member_name (builder, "residuals_px");
  json_builder_begin_array (builder);
  for (guint i = 0; i < fit->residuals_px->len; i++)
    json_builder_add_double_value (builder, g_array_index (fit->residuals_px, double, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static void
print_json (const NpCalibration *calibration,
            const NpTickFit     *ticks,
            const NpCircleFit   *circle)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  np_calibration_add_json_members (calibration, builder, NP_CALIBRATION_JSON_REFERENCE);
  if (ticks != NULL)
    build_ticks (builder, ticks);
  if (circle != NULL)
    build_circle (builder, circle);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  np_cli_print_json (root);
}

/* Rounding noise of an exact fit (1e-17) reads better as 0. */
static double
clean (double value,
       double scale)
{
  return fabs (value) <= 1e-9 * fabs (scale) ? 0.0 : value;
}

static void
print_text (const NpCalibration *calibration,
            const NpTickFit     *ticks,
            const NpCircleFit   *circle)
{
  printf ("Method:      %s (%s)\n", np_calibration_method_to_string (calibration->method),
          np_calibration_method_describe (calibration->method));
  if (calibration->mm_per_px_x == calibration->mm_per_px_y)
    printf ("Pixel size:  %.6g mm/px", calibration->mm_per_px_x);
  else
    printf ("Pixel size:  %.6g × %.6g mm/px", calibration->mm_per_px_x, calibration->mm_per_px_y);
  if (calibration->se_mm_per_px_x > 0 || calibration->se_mm_per_px_y > 0)
    printf (" ± %.2g (standard error)\n",
            clean (MAX (calibration->se_mm_per_px_x, calibration->se_mm_per_px_y),
                   calibration->mm_per_px_x));
  else
    printf (" (standard error not known)\n");
  if (calibration->note != NULL)
    printf ("Note:        %s\n", calibration->note);

  if (ticks != NULL)
    {
      printf ("Ticks:       %u used, %u flagged, RMS residual %.3g mm\n", ticks->n_used,
              ticks->n_flagged, clean (ticks->rms_residual_mm, ticks->spacing_mm));
      printf ("  click  tick  position px  residual px  status\n");
      for (guint i = 0; i < ticks->ticks->len; i++)
        {
          const NpTick *tick = &g_array_index (ticks->ticks, NpTick, i);
          printf ("  %5u  %4d  %11.2f  %11.2f  %s\n", tick->click_index + 1, tick->tick_index,
                  tick->position_px,
                  clean (tick->residual_px, ticks->spacing_mm / ticks->mm_per_px),
                  np_tick_status_to_string (tick->status));
        }
      for (guint i = 0; i < ticks->ticks->len; i++)
        {
          const NpTick *tick = &g_array_index (ticks->ticks, NpTick, i);
          if (tick->reason != NULL)
            printf ("Flagged:     click %u (tick %d): %s\n", tick->click_index + 1,
                    tick->tick_index, tick->reason);
        }
    }

  if (circle != NULL)
    {
      printf ("Circle:      centre (%.3f, %.3f) px, radius %.3f ± %.2g px, RMS residual %.3g px\n",
              circle->centre.x, circle->centre.y, circle->radius_px,
              clean (circle->se_radius_px, circle->radius_px),
              clean (circle->rms_residual_px, circle->radius_px));
      printf ("Residuals:  ");
      for (guint i = 0; i < circle->residuals_px->len; i++)
        printf (" %.3f", clean (g_array_index (circle->residuals_px, double, i),
                                circle->radius_px));
      printf (" px\n");
    }
}

static const char description[] =
  "Methods (give exactly one):\n"
  "  --ticks \"x,y x,y …\" --spacing MM   least-squares fit of depth-scale ticks\n"
  "  --circle \"x,y …\" [--diameter MM]   circle fit of a calibration sphere (25 mm)\n"
  "  --distance \"x,y x,y\" --mm MM        two points a known distance apart\n"
  "  --depth MM --rows TOP,BOTTOM        depth setting over the imaging field's rows\n"
  "  --sid MM --sod MM --pixel MM        fluoroscopy geometry (pixel × SOD / SID)\n"
  "\n"
  "Points are image coordinates in pixels. Ticks that do not fit (double\n"
  "clicks, skipped ticks, stray clicks) are flagged with a reason and left out.";

int
np_cli_calibrate (int    argc,
                  char **argv)
{
  g_auto(CalibrateOptions) options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCalibration) calibration = NULL;
  g_autoptr(NpTickFit) tick_fit = NULL;
  g_autoptr(NpCircleFit) circle_fit = NULL;
  double mark_error = NP_CALIBRATION_DEFAULT_MARK_ERROR_PX;
  guint n_methods;
  int exit_code;
  GOptionEntry entries[] = {
    { "ticks", 0, 0, G_OPTION_ARG_STRING, &options.ticks, "Depth-scale ticks", "\"x,y …\"" },
    { "spacing", 0, 0, G_OPTION_ARG_STRING, &options.spacing, "Tick spacing", "MM" },
    { "circle", 0, 0, G_OPTION_ARG_STRING, &options.circle, "Points on a sphere's rim",
      "\"x,y …\"" },
    { "diameter", 0, 0, G_OPTION_ARG_STRING, &options.diameter, "Sphere diameter (25)", "MM" },
    { "distance", 0, 0, G_OPTION_ARG_STRING, &options.distance, "Two points", "\"x,y x,y\"" },
    { "mm", 0, 0, G_OPTION_ARG_STRING, &options.mm, "Their distance", "MM" },
    { "depth", 0, 0, G_OPTION_ARG_STRING, &options.depth, "Depth setting", "MM" },
    { "rows", 0, 0, G_OPTION_ARG_STRING, &options.rows, "Top and bottom of the field",
      "TOP,BOTTOM" },
    { "sid", 0, 0, G_OPTION_ARG_STRING, &options.sid, "Source-to-image distance", "MM" },
    { "sod", 0, 0, G_OPTION_ARG_STRING, &options.sod, "Source-to-object distance", "MM" },
    { "pixel", 0, 0, G_OPTION_ARG_STRING, &options.pixel, "Detector pixel size", "MM" },
    { "mark-error", 0, 0, G_OPTION_ARG_STRING, &options.mark_error,
      "Click error per point for --distance and --rows (1)", "PX" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.as_json, "Print JSON for machines", NULL },
    { NULL }
  };

  context = g_option_context_new ("— pixel size from clicked points or known geometry");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, "calibrate takes no arguments, only options: “%s” "
                        "(see --help)", argv[1]);

  n_methods = (options.ticks != NULL) + (options.circle != NULL) + (options.distance != NULL)
              + (options.depth != NULL) + (options.sid != NULL);
  if (n_methods != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, "give exactly one of --ticks, --circle, --distance, "
                        "--depth or --sid (see --help)");
  if (options.mark_error != NULL
      && !parse_number (options.mark_error, "--mark-error", "", &mark_error, &exit_code))
    return exit_code;

  if (options.ticks != NULL)
    {
      g_autoptr(GArray) points = NULL;
      double spacing;

      if (!parse_number (options.spacing, "--spacing", "--ticks", &spacing, &exit_code)
          || !parse_point_list (options.ticks, "--ticks", &points, &exit_code))
        return exit_code;
      calibration = np_calibration_new_depth_scale (points, spacing, &tick_fit, &error);
    }
  else if (options.circle != NULL)
    {
      g_autoptr(GArray) points = NULL;
      double diameter = NP_CALIBRATION_DEFAULT_SPHERE_MM;

      if ((options.diameter != NULL
           && !parse_number (options.diameter, "--diameter", "--circle", &diameter, &exit_code))
          || !parse_point_list (options.circle, "--circle", &points, &exit_code))
        return exit_code;
      calibration = np_calibration_new_sphere (points, diameter, &circle_fit, &error);
    }
  else if (options.distance != NULL)
    {
      g_autoptr(GArray) points = NULL;
      double mm;

      if (!parse_number (options.mm, "--mm", "--distance", &mm, &exit_code)
          || !parse_point_list (options.distance, "--distance", &points, &exit_code))
        return exit_code;
      if (points->len != 2)
        return np_cli_fail (NP_CLI_EXIT_USAGE, "--distance takes exactly two points, not %u",
                            points->len);
      calibration = np_calibration_new_known_distance (g_array_index (points, NpImagePoint, 0),
                                                       g_array_index (points, NpImagePoint, 1),
                                                       mm, mark_error, &error);
    }
  else if (options.depth != NULL)
    {
      g_auto(GStrv) rows = NULL;
      double depth, top, bottom;

      if (!parse_number (options.depth, "--depth", "", &depth, &exit_code))
        return exit_code;
      if (options.rows == NULL)
        return np_cli_fail (NP_CLI_EXIT_USAGE, "--depth needs --rows TOP,BOTTOM (see --help)");
      rows = g_strsplit (options.rows, ",", -1);
      if (g_strv_length (rows) != 2 || !np_cli_parse_double (g_strstrip (rows[0]), &top)
          || !np_cli_parse_double (g_strstrip (rows[1]), &bottom))
        return np_cli_fail (NP_CLI_EXIT_USAGE, "--rows “%s” is not two rows; write TOP,BOTTOM",
                            options.rows);
      calibration = np_calibration_new_depth_setting (depth, top, bottom, mark_error, &error);
    }
  else
    {
      double sid, sod, pixel;

      if (!parse_number (options.sid, "--sid", "", &sid, &exit_code)
          || !parse_number (options.sod, "--sod", "--sid", &sod, &exit_code)
          || !parse_number (options.pixel, "--pixel", "--sid", &pixel, &exit_code))
        return exit_code;
      calibration = np_calibration_new_geometry (pixel, sid, sod, &error);
    }

  if (calibration == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (options.as_json)
    print_json (calibration, tick_fit, circle_fit);
  else
    print_text (calibration, tick_fit, circle_fit);
  return NP_CLI_EXIT_OK;
}
