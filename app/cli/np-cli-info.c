/* np-cli-info.c: needleplan-cli info FRAME
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan-cli"

#include "np-cli.h"

#include "np-json-util.h"
#include "np-terminal-text.h"

#include "np-png.h"

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
  g_autofree char *shown_path = NULL;
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

  frame = np_png_load (argv[1], &error);
  if (frame == NULL)
    return np_cli_fail_error (NP_CLI_EXIT_INPUT, error);

  has_size = np_frame_get_declared_pixel_size (frame, &mm_x, &mm_y);

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

  shown_path = np_terminal_text (argv[1], 0);
  printf ("File:        %s\n", shown_path);
  printf ("Size:        %u × %u pixels\n", np_frame_get_width (frame), np_frame_get_height (frame));
  printf ("Stored as:   %s\n", np_frame_get_source_format (frame));
  printf ("Loaded as:   %u-bit %s\n", np_frame_get_bit_depth (frame),
          channels_name (np_frame_get_channels (frame)));
  if (has_size)
    {
      g_autofree char *x = pixel_size_text (mm_x);
      g_autofree char *y = pixel_size_text (mm_y);

      printf ("Pixel size:  %s × %s mm (declared by the file, not yet confirmed)\n", x, y);
    }
  else
    printf ("Pixel size:  not declared (measurements need a calibration)\n");
  return NP_CLI_EXIT_OK;
}
