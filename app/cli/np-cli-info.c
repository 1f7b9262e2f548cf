/* np-cli-info.c: needleplan-cli info FRAME
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include <glib/gi18n.h>

#include "np-json-util.h"
#include "np-terminal-text.h"

#include <glib/gi18n.h>

#include "np-dicom-helper.h"
#include "np-auto-calibration.h"
#include "np-capture-plan.h"
#include "np-dicom-calibration.h"
#include "np-png.h"

#include <math.h>
#include <stdio.h>

static const char *
channels_name (guint channels)
{
  static const char *names[] = { "grey", "grey + alpha", "RGB", "RGBA" };
  return names[CLAMP (channels, 1u, 4u) - 1];
}

/* Four decimals as before, but never "0.0000": a pixel size under a
 * micrometre (a wrong pHYs, usually) keeps three significant digits. */
static char *
pixel_size_text (double mm)
{
  if (mm >= 0.001)
    return g_strdup_printf ("%.4f", mm);
  return g_strdup_printf ("%.3g", mm);
}

/* PS3.3 C.8.5.5.1.1 and C.8.5.5.1.2: the codes a region's kind is written in. */
static const char *
region_format_name (int code)
{
  static const char *names[] = { "none", "2-D", "M-mode", "spectral", "waveform", "graphics" };
  return code >= 0 && code < (int) G_N_ELEMENTS (names) ? names[code] : "unknown format";
}

static const char *
region_data_name (int code)
{
  static const char *names[] = { "none", "tissue", "colour flow", "PW Doppler", "CW Doppler",
                                 "Doppler mean", "Doppler variance", "Doppler mean & variance",
                                 "Doppler mean & power" };
  return code >= 0 && code < (int) G_N_ELEMENTS (names) ? names[code] : "other data";
}

static const char *
region_unit_name (int code)
{
  static const char *names[] = { "none", "percent", "dB", "cm", "s", "Hz", "dB/s", "cm/s",
                                 "cm²", "cm²/s", "cm³", "cm³/s", "degrees" };
  return code >= 0 && code < (int) G_N_ELEMENTS (names) ? names[code] : "unknown unit";
}

static void
print_field (const char *label,
             const char *value)
{
  /* Patient and study fields come from the file: shown terminal-safe. */
  if (value != NULL && value[0] != '\0')
    {
      g_autofree char *shown = np_terminal_text (value, 0);

      printf ("%-13s%s\n", label, shown);
    }
}

static void
print_dicom (const NpDicomInfo *info)
{
  g_autofree char *frames = g_strdup_printf ("%u", info->frames);

  print_field (_("Modality:"), info->modality);
  print_field (_("Transfer:"), info->transfer_syntax);
  print_field (_("Frames:"), frames);
  print_field (_("Photometric:"), info->photometric);
  if (!isnan (info->frame_time_ms))
    printf ("%-13s%.1f ms\n", _("Frame time:"), info->frame_time_ms);
  if (!isnan (info->window_center) && !isnan (info->window_width))
    printf (_("%-13scentre %g, width %g\n"), _("Window:"), info->window_center, info->window_width);
  if (!isnan (info->rescale_slope))
    printf (_("%-13s%g × value %+g\n"), _("Rescale:"), info->rescale_slope,
            isnan (info->rescale_intercept) ? 0.0 : info->rescale_intercept);
  for (guint i = 0; i < np_dicom_info_get_n_regions (info); i++)
    {
      const NpDicomRegion *region = np_dicom_info_get_region (info, i);

      printf ("Region %u:    x %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT ", y %" G_GINT64_FORMAT
              "–%" G_GINT64_FORMAT ", %s %s, %g %s × %g %s per pixel\n",
              i + 1, region->x0, region->x1, region->y0, region->y1,
              region_format_name (region->spatial_format), region_data_name (region->data_type),
              fabs (region->delta_x), region_unit_name (region->units_x),
              fabs (region->delta_y), region_unit_name (region->units_y));
    }
  if (!isnan (info->pixel_spacing[0]))
    printf (_("%-13s%g × %g mm (row × column)\n"), _("Pixel spacing:"), info->pixel_spacing[0],
            info->pixel_spacing[1]);
  if (!isnan (info->imager_pixel_spacing[0]))
    printf (_("%-13s%g × %g mm at the detector\n"), _("Imager spacing:"), info->imager_pixel_spacing[0],
            info->imager_pixel_spacing[1]);
  if (!isnan (info->magnification))
    printf ("%-13s%g\n", _("Magnification:"), info->magnification);
  if (!isnan (info->sid_mm))
    printf ("%-13s%g mm\n", "SID:", info->sid_mm);
  if (!isnan (info->sod_mm))
    printf ("%-13s%g mm\n", "SOD:", info->sod_mm);
  print_field (_("Patient:"), info->patient_name);
  print_field (_("Patient ID:"), info->patient_id);
  print_field (_("Born:"), info->patient_birth_date);
  print_field (_("Sex:"), info->patient_sex);
  print_field (_("Study date:"), info->study_date);
  print_field (_("Study:"), info->study_description);
  print_field (_("Accession:"), info->accession_number);
  print_field (_("Referrer:"), info->referring_physician);
  print_field (_("Institution:"), info->institution);
  print_field (_("SOP UID:"), info->sop_instance_uid);
  /* A Secondary Capture NeedlePlan wrote (docs/dicom.md). */
  if (info->needleplan_plan_inside)
    printf (_("NeedlePlan plan inside: yes\n"));
}

/* How the plan inside a NeedlePlan Secondary Capture would reopen. */
static void
print_capture_plan (const NpDicomInfo *info,
                    const char        *path)
{
  g_autoptr(NpPacsCache) cache = np_pacs_cache_new_default ();
  g_autoptr(NpCapturePlan) capture = NULL;
  g_autoptr(GError) error = NULL;

  if (!info->needleplan_plan_inside)
    return;
  capture = np_capture_plan_new (info, path, cache, &error);
  if (capture == NULL)
    {
      g_autofree char *reason = np_terminal_text (error->message, 0);

      printf (_("Plan reopens: no: %s\n"), reason);
    }
  else if (capture->on_capture)
    {
      g_autofree char *source = np_terminal_text (capture->source_name, 0);

      printf (_("Plan reopens: on this capture’s pixels, overlay burned in (source frame “%s” "
                "not found)\n"), source);
    }
  else
    {
      g_autofree char *source = np_terminal_text (capture->frame_path, 0);

      printf (_("Plan reopens: on its source frame %s\n"), source);
    }
}

/* The DICOM header's calibration as NeedlePlan judges it: what a new plan
 * on this frame starts with, and why each unused region is not used. */
static void
print_dicom_calibration (const NpFrame *frame)
{
  g_autoptr(NpDicomCalibration) dc =
    np_dicom_calibration_new (np_frame_get_dicom_info (frame), np_frame_get_width (frame),
                              np_frame_get_height (frame));

  if (dc->calibration != NULL)
    printf (_("Pixel size:  %.6g × %.6g mm/px %s (used by default for a new plan)\n"),
            dc->calibration->mm_per_px_x, dc->calibration->mm_per_px_y, dc->source);
  else
    printf (_("Pixel size:  none usable: %s (measurements need a calibration)\n"), dc->reason);
  for (guint i = 0; i < dc->regions->len; i++)
    {
      const NpDicomCalibrationRegion *r = &g_array_index (dc->regions,
                                                          NpDicomCalibrationRegion, i);

      if (r->problem != NULL)
        printf ("             %s\n", r->problem);
    }
}

int
np_cli_info (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  gboolean as_json = FALSE;
  int frame_number = 1;
  double mm_x = 0, mm_y = 0;
  gboolean has_size;
  g_autofree char *shown_path = NULL;
  g_autoptr(NpAutoCalibration) scale = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON for machines"), NULL },
    { "frame", 0, 0, G_OPTION_ARG_INT, &frame_number, N_("Frame of a DICOM cine (from 1)"), "N" },
    { NULL }
  };

  context = g_option_context_new (_("FRAME — size, bit depth, colour type and declared pixel size;\n"
                                  "for DICOM also modality, transfer syntax, frames, regions\n"
                                  "and patient/study fields"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("info takes exactly one FRAME (see --help)"));

  if (frame_number < 1)
    return np_cli_fail (NP_CLI_EXIT_USAGE, _("--frame counts from 1"));
  if (np_dicom_helper_file_is_dicom (argv[1]))
    frame = np_dicom_helper_load_frame (argv[1], (guint) frame_number - 1, &error);
  else
    frame = np_frame_load (argv[1], &error);
  if (frame == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  has_size = np_frame_get_declared_pixel_size (frame, &mm_x, &mm_y);
  scale = np_auto_calibration_detect (frame, &error);
  if (scale == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_auto(GStrv) keys = np_frame_dup_text_keys (frame);

      json_builder_begin_object (builder);
      np_json_add_string (builder, "path", argv[1]);
      np_json_add_int (builder, "width", np_frame_get_width (frame));
      np_json_add_int (builder, "height", np_frame_get_height (frame));
      np_json_add_int (builder, "bit_depth", np_frame_get_bit_depth (frame));
      np_json_add_int (builder, "file_bit_depth", np_frame_get_source_bit_depth (frame));
      np_json_add_int (builder, "channels", np_frame_get_channels (frame));
      np_json_add_string (builder, "colour_type", channels_name (np_frame_get_channels (frame)));
      np_json_add_string (builder, "file_format", np_frame_get_source_format (frame));
      np_json_add_pair (builder, "pixel_size_mm", has_size, mm_x, mm_y);
      /* a candidate read from the pixels, never applied by info */
      json_builder_set_member_name (builder, "depth_scale_found");
      if (scale->found)
        {
          json_builder_begin_object (builder);
          np_json_add_number (builder, "mm_per_px", scale->mm_per_px);
          np_json_add_number (builder, "se_mm_per_px", scale->se_mm_per_px);
          np_json_add_int (builder, "ticks", scale->ticks->len);
          np_json_add_string (builder, "spacing_assumption", scale->assumption);
          np_json_add_string (builder, "confidence",
                              np_auto_confidence_to_string (scale->confidence));
          np_json_add_string (builder, "cross_check", scale->cross_check);
          json_builder_set_member_name (builder, "disagreement");
          json_builder_add_boolean_value (builder, scale->disagreement);
          json_builder_end_object (builder);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_begin_object (builder);
      for (guint i = 0; keys[i] != NULL; i++)
        {
          json_builder_set_member_name (builder, keys[i]);
          json_builder_add_string_value (builder, np_frame_get_text (frame, keys[i]));
        }
      json_builder_end_object (builder);
      if (np_frame_get_dicom_info (frame) != NULL)
        {
          json_builder_set_member_name (builder, "frame");
          json_builder_add_int_value (builder, frame_number);
          json_builder_set_member_name (builder, "dicom");
          json_builder_add_value (builder, np_dicom_info_to_json (np_frame_get_dicom_info (frame),
                                                                  TRUE));
        }
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      np_cli_print_json (root);
      return NP_CLI_EXIT_OK;
    }

  shown_path = np_terminal_text (argv[1], 0);
  printf (_("File:        %s\n"), shown_path);
  printf (_("Size:        %u × %u pixels\n"), np_frame_get_width (frame), np_frame_get_height (frame));
  printf (_("Stored as:   %s\n"), np_frame_get_source_format (frame));
  printf (_("Loaded as:   %u-bit %s\n"), np_frame_get_bit_depth (frame),
          channels_name (np_frame_get_channels (frame)));
  if (np_frame_get_dicom_info (frame) != NULL)
    print_dicom_calibration (frame);
  else if (has_size)
    {
      g_autofree char *x = pixel_size_text (mm_x);
      g_autofree char *y = pixel_size_text (mm_y);

      printf (_("Pixel size:  %s × %s mm (declared by the file, not yet confirmed)\n"), x, y);
    }
  else
    printf (_("Pixel size:  not declared (measurements need a calibration)\n"));
  if (np_frame_get_dicom_info (frame) != NULL)
    {
      print_dicom (np_frame_get_dicom_info (frame));
      print_capture_plan (np_frame_get_dicom_info (frame), argv[1]);
    }
  if (scale->found)
    printf (_("Depth scale: found in the pixels: %.4f mm/px ± %.2g from %u ticks (%s); a candidate, "
            "see calibrate --auto\n"), scale->mm_per_px, scale->se_mm_per_px, scale->ticks->len,
            scale->assumption);
  else
    printf (_("Depth scale: %s\n"), scale->reason);
  /* a disagreement with another source is never left out */
  if (scale->found && scale->disagreement)
    printf ("             %s\n", scale->cross_check);
  return NP_CLI_EXIT_OK;
}
