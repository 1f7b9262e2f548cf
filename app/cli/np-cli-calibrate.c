/* np-cli-calibrate.c: needleplan-cli calibrate (one method per run)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>

#include "np-auto-calibration.h"
#include "np-calibration.h"
#include "np-dicom-helper.h"
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
  char *auto_frame;
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
  g_free (options->auto_frame);
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
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("%s needs %s MM (see --help)"), needed_by,
                                option);
      return FALSE;
    }
  if (!np_cli_parse_double (text, value))
    {
      *exit_code = np_cli_fail (NP_CLI_EXIT_USAGE, _("%s “%s” is not a number"), option, text);
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
  printf (_("Method:      %s (%s)\n"), np_calibration_method_to_string (calibration->method),
          np_calibration_method_describe (calibration->method));
  if (calibration->mm_per_px_x == calibration->mm_per_px_y)
    printf (_("Pixel size:  %.6g mm/px"), calibration->mm_per_px_x);
  else
    printf (_("Pixel size:  %.6g × %.6g mm/px"), calibration->mm_per_px_x, calibration->mm_per_px_y);
  if (calibration->se_mm_per_px_x > 0 || calibration->se_mm_per_px_y > 0)
    printf (_(" ± %.2g (standard error)\n"),
            clean (MAX (calibration->se_mm_per_px_x, calibration->se_mm_per_px_y),
                   calibration->mm_per_px_x));
  else
    printf (_(" (standard error not known)\n"));
  if (calibration->note != NULL)
    printf (_("Note:        %s\n"), calibration->note);

  if (ticks != NULL)
    {
      printf (_("Ticks:       %u used, %u flagged, RMS residual %.3g mm\n"), ticks->n_used,
              ticks->n_flagged, clean (ticks->rms_residual_mm, ticks->spacing_mm));
      printf (_("  click  tick  position px  residual px  status\n"));
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
            printf (_("Flagged:     click %u (tick %d): %s\n"), tick->click_index + 1,
                    tick->tick_index, tick->reason);
        }
    }

  if (circle != NULL)
    {
      printf (_("Circle:      centre (%.3f, %.3f) px, radius %.3f ± %.2g px, RMS residual %.3g px\n"),
              circle->centre.x, circle->centre.y, circle->radius_px,
              clean (circle->se_radius_px, circle->radius_px),
              clean (circle->rms_residual_px, circle->radius_px));
      printf (_("Residuals:  "));
      for (guint i = 0; i < circle->residuals_px->len; i++)
        printf (" %.3f", clean (g_array_index (circle->residuals_px, double, i),
                                circle->radius_px));
      printf (" px\n");
    }
}

static const char *
auto_shape_name (NpAutoRegionShape shape)
{
  switch (shape)
    {
    case NP_AUTO_REGION_RECTANGLE: return "rectangle";
    case NP_AUTO_REGION_SECTOR: return "sector";
    case NP_AUTO_REGION_OTHER: return "other";
    default: return "none";
    }
}

static void
build_auto (JsonBuilder             *builder,
            const NpAutoCalibration *result)
{
  const NpAutoRegion *region = &result->region;
  gboolean rectangle = region->shape == NP_AUTO_REGION_RECTANGLE;
  gboolean sector = region->shape == NP_AUTO_REGION_SECTOR;

  np_json_add_string (builder, "method", "depth-scale-automatic");
  np_json_add_boolean (builder, "found", result->found);
  np_json_add_string (builder, "reason", result->reason);
  if (result->found)
    {
      np_json_add_number (builder, "mm_per_px", result->mm_per_px);
      np_json_add_number (builder, "se_mm_per_px", result->se_mm_per_px);
      np_json_add_number (builder, "rms_residual_px", result->rms_residual_px);
      np_json_add_number (builder, "tick_step_px", result->tick_step_px);
      np_json_add_number (builder, "autocorrelation_step_px", result->autocorrelation_step_px);
      np_json_add_number (builder, "spacing_mm", result->spacing_mm);
      np_json_add_string (builder, "spacing_assumption", result->assumption);
      json_builder_set_member_name (builder, "ticks");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->ticks->len; i++)
        {
          const NpAutoTick *tick = &g_array_index (result->ticks, NpAutoTick, i);

          json_builder_begin_object (builder);
          np_json_add_point (builder, "point", TRUE, tick->point);
          np_json_add_int (builder, "index", tick->index);
          np_json_add_boolean (builder, "major", tick->major);
          np_json_add_boolean (builder, "used", tick->used);
          np_json_add_number (builder, "residual_px", tick->residual_px);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  np_json_add_string (builder, "confidence", np_auto_confidence_to_string (result->confidence));
  np_json_add_string (builder, "cross_check", result->cross_check);
  json_builder_set_member_name (builder, "disagreement");
  json_builder_add_boolean_value (builder, result->disagreement);
  np_json_add_number_or_null (builder, "region_depth_mm", result->region_depth_mm > 0,
                              result->region_depth_mm);
  np_json_add_number_or_null (builder, "printed_depth_mm", result->printed_depth_mm > 0,
                              result->printed_depth_mm);
  np_json_add_string (builder, "printed_depth_text", result->printed_depth_text);
  np_json_add_string (builder, "printed_depth_note", result->printed_depth_note);
  np_json_add_number_or_null (builder, "dicom_mm_per_px", result->dicom_mm_per_px > 0,
                              result->dicom_mm_per_px);

  json_builder_set_member_name (builder, "region");
  json_builder_begin_object (builder);
  np_json_add_string (builder, "shape", auto_shape_name (region->shape));
  np_json_add_string (builder, "probe", rectangle ? "linear" : sector ? "curvilinear" : "unknown");
  if (rectangle || region->shape == NP_AUTO_REGION_OTHER)
    np_json_add_rect (builder, "rect", TRUE, &region->rect);
  if (sector)
    {
      np_json_add_pair (builder, "apex", TRUE, region->apex.x, region->apex.y);
      np_json_add_pair (builder, "left_edge", TRUE, region->left_dx, region->left_dy);
      np_json_add_pair (builder, "right_edge", TRUE, region->right_dx, region->right_dy);
      np_json_add_number (builder, "near_radius_px", region->near_radius_px);
      np_json_add_number (builder, "far_radius_px", region->far_radius_px);
      /* the arcs' least-squares fits about the apex */
      np_json_add_number (builder, "near_arc_points", region->near_points);
      np_json_add_number (builder, "far_arc_points", region->far_points);
      np_json_add_number (builder, "far_rms_px", region->far_rms_px);
    }
  if (rectangle || sector)
    {
      np_json_add_number (builder, "edge_rms_px", region->edge_rms_px);
      np_json_add_number (builder, "near_rms_px", region->near_rms_px);
    }
  json_builder_end_object (builder);
  if (result->has_skin)
    {
      g_autoptr(GArray) skin = np_auto_calibration_dup_skin (result, 9);

      np_json_add_points (builder, "skin_line_proposed", skin);
    }
  else
    {
      json_builder_set_member_name (builder, "skin_line_proposed");
      json_builder_add_null_value (builder);
    }
}

static void
print_auto_text (const char              *path,
                 const NpAutoCalibration *result)
{
  const NpAutoRegion *region = &result->region;

  printf (_("Frame:       %s\n"), path);
  if (result->found)
    {
      printf (_("Method:      depth scale (automatic), a candidate to confirm\n"));
      printf (_("Pixel size:  %.6g mm/px ± %.2g (standard error)\n"), result->mm_per_px,
              result->se_mm_per_px);
      printf (_("Assumption:  %s\n"), result->assumption);
      printf (_("Ticks:       %u found, %u flagged, %.2f px apart, RMS residual %.3f px\n"),
              result->ticks->len, result->n_flagged, result->tick_step_px,
              result->rms_residual_px);
      printf (_("Period:      %.2f px by autocorrelation of the brightness along the scale\n"),
              result->autocorrelation_step_px);
      printf (_("Confidence:  %s\n"), np_auto_confidence_to_string (result->confidence));
      printf (_("  tick        x        y  major  residual px\n"));
      for (guint i = 0; i < result->ticks->len; i++)
        {
          const NpAutoTick *tick = &g_array_index (result->ticks, NpAutoTick, i);
          g_autofree char *residual = tick->used ? g_strdup_printf ("%11.3f", tick->residual_px)
                                                 : g_strdup (_("    flagged"));

          printf ("  %4d  %7.2f  %7.2f  %5s  %s\n", tick->index, tick->point.x, tick->point.y,
                  tick->major ? "yes" : "no", residual);
        }
    }
  printf (_("Region:      %s\n"), np_auto_region_shape_to_string (region->shape));
  if (region->shape == NP_AUTO_REGION_RECTANGLE)
    printf (_("             x %.1f–%.1f, y %.1f–%.1f px, edge RMS %.2f px\n"), region->rect.x,
            region->rect.x + region->rect.width, region->rect.y,
            region->rect.y + region->rect.height, region->edge_rms_px);
  else if (region->shape == NP_AUTO_REGION_SECTOR)
    {
      printf (_("             apex (%.1f, %.1f) px, radii %.1f–%.1f px, edge RMS %.2f px, "
              "near-arc RMS %.2f px\n"), region->apex.x, region->apex.y, region->near_radius_px,
              region->far_radius_px, region->edge_rms_px, region->near_rms_px);
      if (region->far_points > 0)
        printf (_("             arcs fitted about the apex by least squares: near %u points, "
                  "far %u points, far-arc RMS %.2f px\n"), region->near_points,
                region->far_points, region->far_rms_px);
      else
        printf (_("             arcs fitted about the apex by least squares: near %u points, "
                  "far arc too faint to fit\n"), region->near_points);
    }
  if (result->has_skin)
    printf (_("Skin line:   proposed at the near edge of the image area (not yet accepted)\n"));
  if (result->cross_check != NULL)
    printf (_("Check:       %s\n"), result->cross_check);
}

static int
calibrate_auto (const char *path,
                gboolean    as_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpAutoCalibration) result = NULL;

  /* a DICOM frame: its ultrasound regions are a cross-check */
  if (np_dicom_helper_file_is_dicom (path))
    frame = np_dicom_helper_load_frame (path, 0, &error);
  else
    frame = np_frame_load (path, &error);
  if (frame == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);
  result = np_auto_calibration_detect (frame, &error);
  if (result == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "frame");
      json_builder_add_string_value (builder, path);
      build_auto (builder, result);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      np_cli_print_json (root);
    }
  else if (result->found)
    print_auto_text (path, result);
  /* No scale: one line on stderr (with --json the evidence is printed too,
   * found false, for scripts that want the region and the reason). */
  if (!result->found)
    return np_cli_fail (NP_CLI_EXIT_INPUT, "%s: %s", path, result->reason);
  return NP_CLI_EXIT_OK;
}

static const char description[] =
  N_("Methods (give exactly one):\n"
  "  --ticks \"x,y x,y …\" --spacing MM   least-squares fit of depth-scale ticks\n"
  "  --circle \"x,y …\" [--diameter MM]   circle fit of a calibration sphere (25 mm)\n"
  "  --distance \"x,y x,y\" --mm MM        two points a known distance apart\n"
  "  --depth MM --rows TOP,BOTTOM        depth setting over the imaging field's rows\n"
  "  --sid MM --sod MM --pixel MM        fluoroscopy geometry (pixel × SOD / SID)\n"
  "  --auto FRAME                        find the depth scale in the frame's pixels\n"
  "\n"
  "Points are image coordinates in pixels. Ticks that do not fit (double\n"
  "clicks, skipped ticks, stray clicks) are flagged with a reason and left out.");

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
    { "ticks", 0, 0, G_OPTION_ARG_STRING, &options.ticks, N_("Depth-scale ticks"), "\"x,y …\"" },
    { "spacing", 0, 0, G_OPTION_ARG_STRING, &options.spacing, N_("Tick spacing"), "MM" },
    { "circle", 0, 0, G_OPTION_ARG_STRING, &options.circle, N_("Points on a sphere's rim"),
      "\"x,y …\"" },
    { "diameter", 0, 0, G_OPTION_ARG_STRING, &options.diameter, N_("Sphere diameter (25)"), "MM" },
    { "distance", 0, 0, G_OPTION_ARG_STRING, &options.distance, N_("Two points"), "\"x,y x,y\"" },
    { "mm", 0, 0, G_OPTION_ARG_STRING, &options.mm, N_("Their distance"), "MM" },
    { "depth", 0, 0, G_OPTION_ARG_STRING, &options.depth, N_("Depth setting"), "MM" },
    { "rows", 0, 0, G_OPTION_ARG_STRING, &options.rows, N_("Top and bottom of the field"),
      "TOP,BOTTOM" },
    { "sid", 0, 0, G_OPTION_ARG_STRING, &options.sid, N_("Source-to-image distance"), "MM" },
    { "sod", 0, 0, G_OPTION_ARG_STRING, &options.sod, N_("Source-to-object distance"), "MM" },
    { "pixel", 0, 0, G_OPTION_ARG_STRING, &options.pixel, N_("Detector pixel size"), "MM" },
    { "mark-error", 0, 0, G_OPTION_ARG_STRING, &options.mark_error,
      N_("Click error per point for --distance and --rows (1)"), "PX" },
    { "auto", 0, 0, G_OPTION_ARG_FILENAME, &options.auto_frame,
      N_("Find the depth scale, imaging region and skin line in a frame"), "FRAME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options.as_json, N_("Print JSON for machines"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— pixel size from clicked points or known geometry"));
  g_option_context_set_description (context, _(description));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("calibrate takes no arguments, only options: “%s” "
                        "(see --help)"), argv[1]);

  n_methods = (options.ticks != NULL) + (options.circle != NULL) + (options.distance != NULL)
              + (options.depth != NULL) + (options.sid != NULL) + (options.auto_frame != NULL);
  if (n_methods != 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("give exactly one of --ticks, --circle, --distance, "
                        "--depth, --sid or --auto (see --help)"));
  if (options.auto_frame != NULL)
    return calibrate_auto (options.auto_frame, options.as_json);
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
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--distance takes exactly two points, not %u"),
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
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--depth needs --rows TOP,BOTTOM (see --help)"));
      rows = g_strsplit (options.rows, ",", -1);
      if (g_strv_length (rows) != 2 || !np_cli_parse_double (g_strstrip (rows[0]), &top)
          || !np_cli_parse_double (g_strstrip (rows[1]), &bottom))
        return np_cli_fail (NP_CLI_EXIT_USAGE, _("--rows “%s” is not two rows; write TOP,BOTTOM"),
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
