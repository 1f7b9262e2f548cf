/* np-cli-info.c: needleplan-cli info FRAME
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include "np-auto-calibration.h"
#include "np-png.h"

#include <stdio.h>

static const char *
channels_name (guint channels)
{
  static const char *names[] = { "grey", "grey + alpha", "RGB", "RGBA" };
  return names[CLAMP (channels, 1u, 4u) - 1];
}

int
np_cli_info (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  gboolean as_json = FALSE;
  double mm_x = 0, mm_y = 0;
  gboolean has_size;
  g_autoptr(NpAutoCalibration) scale = NULL;
  int exit_code;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print JSON for machines", NULL },
    { NULL }
  };

  context = g_option_context_new ("FRAME — size, bit depth, colour type and declared pixel size");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!np_cli_parse_options (context, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return np_cli_fail (NP_CLI_EXIT_USAGE, "info takes exactly one FRAME (see --help)");

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
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, argv[1]);
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, np_frame_get_width (frame));
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, np_frame_get_height (frame));
      json_builder_set_member_name (builder, "bit_depth");
      json_builder_add_int_value (builder, np_frame_get_bit_depth (frame));
      json_builder_set_member_name (builder, "file_bit_depth");
      json_builder_add_int_value (builder, np_frame_get_source_bit_depth (frame));
      json_builder_set_member_name (builder, "channels");
      json_builder_add_int_value (builder, np_frame_get_channels (frame));
      json_builder_set_member_name (builder, "colour_type");
      json_builder_add_string_value (builder, channels_name (np_frame_get_channels (frame)));
      json_builder_set_member_name (builder, "file_format");
      json_builder_add_string_value (builder, np_frame_get_source_format (frame));
      json_builder_set_member_name (builder, "pixel_size_mm");
      if (has_size)
        {
          json_builder_begin_array (builder);
          json_builder_add_double_value (builder, mm_x);
          json_builder_add_double_value (builder, mm_y);
          json_builder_end_array (builder);
        }
      else
        json_builder_add_null_value (builder);
      /* a candidate read from the pixels, never applied by info */
      json_builder_set_member_name (builder, "depth_scale_found");
      if (scale->found)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "mm_per_px");
          json_builder_add_double_value (builder, scale->mm_per_px);
          json_builder_set_member_name (builder, "se_mm_per_px");
          json_builder_add_double_value (builder, scale->se_mm_per_px);
          json_builder_set_member_name (builder, "ticks");
          json_builder_add_int_value (builder, scale->ticks->len);
          json_builder_set_member_name (builder, "spacing_assumption");
          json_builder_add_string_value (builder, scale->assumption);
          json_builder_set_member_name (builder, "confidence");
          json_builder_add_string_value (builder, np_auto_confidence_to_string (scale->confidence));
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
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      np_cli_print_json (root);
      return NP_CLI_EXIT_OK;
    }

  printf ("File:        %s\n", argv[1]);
  printf ("Size:        %u × %u pixels\n", np_frame_get_width (frame), np_frame_get_height (frame));
  printf ("Stored as:   %s\n", np_frame_get_source_format (frame));
  printf ("Loaded as:   %u-bit %s\n", np_frame_get_bit_depth (frame),
          channels_name (np_frame_get_channels (frame)));
  if (has_size)
    printf ("Pixel size:  %.4f × %.4f mm (declared by the file, not yet confirmed)\n", mm_x, mm_y);
  else
    printf ("Pixel size:  not declared (measurements need a calibration)\n");
  if (scale->found)
    printf ("Depth scale: found in the pixels: %.4f mm/px ± %.2g from %u ticks (%s); a candidate, "
            "see calibrate --auto\n", scale->mm_per_px, scale->se_mm_per_px, scale->ticks->len,
            scale->assumption);
  else
    printf ("Depth scale: %s\n", scale->reason);
  return NP_CLI_EXIT_OK;
}
