/* test-phantom-calibration.c: calibrating from the depth scale drawn on the
 * bundled synthetic cases recovers the generator's pixel size
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ticks are found in the pixels the way a clinician finds them on the
 * screen — short grey dashes beside the image, one every 5 mm — and fitted
 * with the same depth-scale method the calibration tool uses. Nothing is
 * read from the generator but the truth to compare with.
 */

#include "np-calibration.h"
#include "np-png.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define TICK_SPACING_MM 5.0
#define MIN_RUN 4

/* A tick is a horizontal run of identical grey pixels; speckle never holds
 * one value over four pixels and the scale's digits are white. */
static gboolean
is_run_start (const NpFrame *frame,
              guint          x,
              guint          y)
{
  guint v = np_frame_get_sample (frame, x, y, 0);
  guint k;

  if (v < 40 || v > 220 || x + MIN_RUN > np_frame_get_width (frame))
    return FALSE;
  if (x > 0 && np_frame_get_sample (frame, x - 1, y, 0) == v)
    return FALSE;
  for (k = 1; k < MIN_RUN && np_frame_get_sample (frame, x + k, y, 0) == v; k++)
    ;
  return k == MIN_RUN;
}

static gboolean
row_has_tick (const NpFrame *frame,
              guint          y,
              guint          column)
{
  return is_run_start (frame, column, y) || (column > 0 && is_run_start (frame, column - 1, y))
         || is_run_start (frame, column + 1, y);
}

static GArray *
find_ticks (const NpFrame *frame)
{
  guint width = np_frame_get_width (frame);
  guint height = np_frame_get_height (frame);
  g_autofree guint *votes = g_new0 (guint, width);
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  guint column = 0;

  /* The scale stands right of the image: its column is where most runs in
   * the right part of the frame start. */
  for (guint y = 0; y < height; y++)
    for (guint x = width * 3 / 5; x + MIN_RUN <= width; x++)
      if (is_run_start (frame, x, y))
        votes[x]++;
  for (guint x = 1; x < width; x++)
    if (votes[x] > votes[column])
      column = x;

  /* A tick may be drawn over two rows: its position is their middle. */
  for (guint y = 0; y < height;)
    {
      guint first = y, n = 0;

      while (y < height && row_has_tick (frame, y, column))
        {
          n++;
          y++;
        }
      if (n > 0)
        {
          NpImagePoint p = { column + 0.5, first + n / 2.0 };
          g_array_append_val (ticks, p);
        }
      else
        y++;
    }
  return ticks;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
test_case (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *frame_path = g_build_filename (dir, "frame.png", NULL);
  g_autofree char *truth_path = g_build_filename (dir, "truth.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_png_load (frame_path, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) ticks = NULL;
  g_autoptr(NpCalibration) calibration = NULL;
  g_autoptr(NpTickFit) fit = NULL;
  JsonObject *root;
  double truth;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  truth = json_object_get_double_member (json_object_get_object_member (root, "frame"),
                                         "pixel_size_mm");

  ticks = find_ticks (frame);
  g_test_message ("%s: %u ticks", dir, ticks->len);
  /* Every case shows at least 3 cm of depth: seven ticks or more. */
  g_assert_cmpuint (ticks->len, >=, 7);

  calibration = np_calibration_new_depth_scale (ticks, TICK_SPACING_MM, &fit, &error);
  g_assert_no_error (error);
  g_assert_nonnull (calibration);
  g_test_message ("%s: %.6f mm/px, truth %.6f mm/px", dir, calibration->mm_per_px_y, truth);
  g_assert_cmpfloat (fabs (calibration->mm_per_px_y - truth) / truth, <, 0.005);
}

int
main (int argc, char **argv)
{
  g_autofree char *cases = g_build_filename (NP_SOURCE_DIR, "data", "cases", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_open (cases, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (strstr (name, "-us-") != NULL)
          g_ptr_array_add (names, g_build_filename (cases, name, NULL));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (names, i));
      g_autofree char *path = g_strdup_printf ("/core/phantom-calibration/%s", base);
      g_test_add_data_func (path, g_ptr_array_index (names, i), test_case);
    }
  return g_test_run ();
}
