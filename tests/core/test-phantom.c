/* test-phantom.c: synthetic ultrasound and fluoroscopy cases
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-phantom.h"
#include "np-phantom-us.h"
#include "np-plan-file.h"
#include "np-planner.h"
#include "np-png.h"
#include "np-tissue-map.h"

#include <glib/gstdio.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

/* A scanner set by hand, without annotations, on a 400 × 300 frame. */
static void
scanner_by_hand (NpPhantomUs *us,
                 NpProbe      probe,
                 double       pixel_mm,
                 double       skin_x,
                 double       skin_y,
                 double       depth_mm)
{
  np_phantom_us_init (us, probe);
  us->width = 400;
  us->height = 300;
  us->pixel_mm = pixel_mm;
  us->skin_centre = np_image_point (skin_x, skin_y);
  us->depth_mm = depth_mm;
  us->annotate = FALSE;
}

static GArray *
samples_in_box (NpFrame *frame,
                guint    x0,
                guint    y0,
                guint    x1,
                guint    y1)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint y = y0; y < y1; y++)
    for (guint x = x0; x < x1; x++)
      {
        double v = np_frame_get_sample (frame, x, y, 0);
        g_array_append_val (values, v);
      }
  return values;
}

static double
box_mean (NpFrame *frame,
          guint    x0,
          guint    y0,
          guint    x1,
          guint    y1)
{
  g_autoptr(GArray) values = samples_in_box (frame, x0, y0, x1, y1);

  return gsl_stats_mean ((const double *) values->data, 1, values->len);
}

static gboolean
inside_polygon (const GArray *points,
                double        x,
                double        y)
{
  gboolean inside = FALSE;

  for (guint i = 0, j = points->len - 1; i < points->len; j = i++)
    {
      NpImagePoint a = g_array_index (points, NpImagePoint, i);
      NpImagePoint b = g_array_index (points, NpImagePoint, j);

      if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x)
        inside = !inside;
    }
  return inside;
}

static double
polygon_mean (NpFrame      *frame,
              const GArray *points)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint y = 0; y < np_frame_get_height (frame); y++)
    for (guint x = 0; x < np_frame_get_width (frame); x++)
      if (inside_polygon (points, x + 0.5, y + 0.5))
        {
          double v = np_frame_get_sample (frame, x, y, 0);
          g_array_append_val (values, v);
        }
  g_assert_cmpuint (values->len, >, 20);
  return gsl_stats_mean ((const double *) values->data, 1, values->len);
}

static NpPhantom *
generate (NpSite      site,
          NpModality  modality,
          NpView      view,
          guint32     seed)
{
  g_autoptr(GError) error = NULL;
  NpPhantomOptions options;
  NpPhantom *phantom;

  np_phantom_options_init (&options);
  options.site = site;
  options.modality = modality;
  options.view = view;
  options.seed = seed;
  phantom = np_phantom_generate (&options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (phantom);
  return phantom;
}

static JsonObject *
truth_member (const NpPhantom *phantom,
              const char      *name)
{
  return json_object_get_object_member (json_node_get_object (np_phantom_get_truth (phantom)),
                                        name);
}

static double
array_double (JsonObject *object,
              const char *member,
              guint       index)
{
  return json_array_get_double_element (json_object_get_array_member (object, member), index);
}

/* ---- ultrasound geometry ---------------------------------------------------- */

/* Pixel size 0.1 mm, skin at image y = 20 (the top edge of row 20), a bone
 * surface 15 mm below the skin: the surface is at y = 20 + 15 / 0.1 = 170,
 * the top edge of row 170, and its echo (a pulse of about 0.1 mm, starting
 * at the surface) is brightest in row 170. */
static void
test_us_depth_lands_on_row (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTissueMap) map = np_tissue_map_new (NP_TISSUE_MUSCLE, NP_TEXTURE_PLAIN, 0);
  g_autoptr(NpFrame) frame = NULL;
  g_autofree double *profile = NULL;
  NpPhantomUs us;
  guint brightest = 0;

  scanner_by_hand (&us, NP_PROBE_LINEAR, 0.1, 200, 20, 25);
  np_tissue_map_add_layer (map, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, 15, 100);
  frame = np_phantom_us_render (&us, map, 1, &error);
  g_assert_no_error (error);

  /* mean over the middle 200 columns, row by row */
  profile = g_new0 (double, us.height);
  for (guint y = 0; y < us.height; y++)
    {
      profile[y] = box_mean (frame, 100, y, 300, y + 1);
      if (profile[y] > profile[brightest])
        brightest = y;
    }
  g_assert_cmpuint (brightest, ==, 170);
  g_assert_cmpfloat (profile[170], >, 200);
  /* the same geometry from the scanner's own mapping */
  g_assert_cmpfloat_with_epsilon (np_phantom_us_to_image (&us, np_scan_point (0, 15)).y, 170,
                                  1e-9);
  np_phantom_us_clear (&us);
}

/* Curvilinear, pixel 0.25 mm, skin arc radius 40 mm (160 px) through
 * (200, 30), so the apex is at (200, 30 - 160) = (200, -130); sector 60°,
 * depth 40 mm (160 px). Hand-computed points:
 *   central column: row 29 (centre 29.5, above the skin) is outside, row 30
 *   (the skin echo) inside; row 189 (centre 189.5, depth 39.875 mm)
 *   inside, row 190 (depth 40.125 mm) outside;
 *   radius 60 mm = 240 px at 25° from the axis:
 *   (200 + 240 sin 25°, -130 + 240 cos 25°) = (301.4, 87.5): inside;
 *   at 35°: (200 + 240 sin 35°, -130 + 240 cos 35°) = (337.7, 66.6): outside. */
static void
test_us_sector_geometry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTissueMap) map = np_tissue_map_new (NP_TISSUE_MUSCLE, NP_TEXTURE_PLAIN, 0);
  g_autoptr(NpFrame) frame = NULL;
  NpPhantomUs us;

  scanner_by_hand (&us, NP_PROBE_CURVILINEAR, 0.25, 200, 30, 40);
  us.radius_mm = 40;
  us.sector_deg = 60;
  frame = np_phantom_us_render (&us, map, 2, &error);
  g_assert_no_error (error);

  g_assert_cmpfloat (box_mean (frame, 195, 29, 206, 30), ==, 0);
  g_assert_cmpfloat (box_mean (frame, 195, 30, 206, 31), >, 60);
  g_assert_cmpfloat (box_mean (frame, 190, 185, 211, 190), >, 10);
  g_assert_cmpfloat (box_mean (frame, 190, 190, 211, 195), ==, 0);
  g_assert_cmpfloat (box_mean (frame, 300, 86, 303, 89), >, 20);
  g_assert_cmpfloat (box_mean (frame, 336, 65, 339, 68), ==, 0);
  /* and the scanner's depth: 60 mm from the apex is 20 mm below the skin */
  g_assert_cmpfloat_with_epsilon (np_phantom_us_depth (&us, np_scan_point (60 * sin (G_PI / 7.2),
                                                                           60 * cos (G_PI / 7.2)
                                                                           - 40)),
                                  20, 1e-9);
  np_phantom_us_clear (&us);
}

/* ---- ultrasound appearance ------------------------------------------------- */

/* Fully developed speckle: many scatterers per resolution cell make the
 * envelope Rayleigh-distributed, whose contrast std / mean is
 * sqrt (4 / pi - 1) = 0.523; after log compression its standard deviation
 * is 5.57 dB whatever the mean (Burckhardt 1978; Wagner et al. 1983). With
 * 60 dB over 255 grey levels that is 5.57 × 255 / 60 = 23.7 levels. The
 * test accepts 18-30 levels and an amplitude contrast of 0.42-0.62 (after
 * undoing the log compression): the ranges leave room for the sampling of a
 * finite box and for the beam narrowing near the focus. */
static void
test_us_speckle_statistics (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTissueMap) map = np_tissue_map_new (NP_TISSUE_MUSCLE, NP_TEXTURE_PLAIN, 0);
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(GArray) grey = NULL;
  g_autofree double *amplitude = NULL;
  double sd_grey, contrast;
  NpPhantomUs us;

  scanner_by_hand (&us, NP_PROBE_LINEAR, 0.1, 200, 20, 25);
  us.focus_mm = 12;
  frame = np_phantom_us_render (&us, map, 3, &error);
  g_assert_no_error (error);

  /* 8-16 mm deep around the focus: rows 100-180, columns 100-300 */
  grey = samples_in_box (frame, 100, 100, 300, 180);
  sd_grey = gsl_stats_sd ((const double *) grey->data, 1, grey->len);
  amplitude = g_new (double, grey->len);
  for (guint i = 0; i < grey->len; i++)
    amplitude[i] = pow (10.0, (g_array_index (grey, double, i) / 255 * us.dynamic_range_db
                               - us.dynamic_range_db) / 20);
  contrast = gsl_stats_sd (amplitude, 1, grey->len) / gsl_stats_mean (amplitude, 1, grey->len);
  g_test_message ("speckle: %.1f grey levels, amplitude contrast %.3f", sd_grey, contrast);
  g_assert_cmpfloat (sd_grey, >, 18);
  g_assert_cmpfloat (sd_grey, <, 30);
  g_assert_cmpfloat (contrast, >, 0.42);
  g_assert_cmpfloat (contrast, <, 0.62);
  np_phantom_us_clear (&us);
}

/* Muscle with a bone block on the left (surface 10 mm deep, x < -3 mm) and
 * an effusion on the right (centre x = 10 mm, 8 mm deep, radii 5 × 3 mm).
 * Pixel 0.1 mm, skin at y = 20: the bone surface is row 120; the fluid
 * spans x 250-350, y 70-130. */
static void
test_us_fluid_bone_shadow (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTissueMap) map = np_tissue_map_new (NP_TISSUE_MUSCLE, NP_TEXTURE_PLAIN, 0);
  g_autoptr(NpFrame) frame = NULL;
  NpScanPoint block[] = { { -30, 10 }, { -3, 10 }, { -3, 60 }, { -30, 60 } };
  double fluid, muscle, bone_line = 0, shadow, beside;
  NpPhantomUs us;

  scanner_by_hand (&us, NP_PROBE_LINEAR, 0.1, 200, 20, 25);
  np_tissue_map_add_polygon (map, NP_TISSUE_BONE, NP_TEXTURE_PLAIN, 0, block,
                             G_N_ELEMENTS (block));
  np_tissue_map_add_ellipse (map, NP_TISSUE_FLUID, NP_TEXTURE_PLAIN, 0, np_scan_point (10, 8), 5,
                             3);
  frame = np_phantom_us_render (&us, map, 4, &error);
  g_assert_no_error (error);

  fluid = box_mean (frame, 280, 90, 320, 110);          /* x 8-12 mm, 7-9 mm deep */
  muscle = box_mean (frame, 40, 60, 150, 100);          /* x -16 to -5 mm, 4-8 mm deep */
  for (guint x = 40; x < 150; x++)
    {
      guint peak = 0;
      for (guint y = 116; y < 125; y++)
        peak = MAX (peak, np_frame_get_sample (frame, x, y, 0));
      bone_line += peak / 110.0;
    }
  shadow = box_mean (frame, 40, 170, 150, 240);         /* under the bone, 15-22 mm */
  beside = box_mean (frame, 230, 170, 370, 240);        /* same depth, x 3-17 mm */
  g_test_message ("fluid %.1f muscle %.1f bone line %.1f shadow %.1f beside %.1f", fluid, muscle,
                  bone_line, shadow, beside);

  g_assert_cmpfloat (fluid, <, 0.25 * muscle);
  g_assert_cmpfloat (bone_line, >, 200);
  g_assert_cmpfloat (bone_line, >, muscle);
  g_assert_cmpfloat (bone_line, >, beside);
  g_assert_cmpfloat (shadow, <, 0.2 * beside);
  np_phantom_us_clear (&us);
}

/* ---- generated cases --------------------------------------------------------- */

static void
test_case_knee_truth_and_pixels (void)
{
  g_autoptr(NpPhantom) phantom = generate (NP_SITE_KNEE, NP_MODALITY_ULTRASOUND, NP_VIEW_NONE, 1);
  const NpPlan *plan = np_phantom_get_plan (phantom);
  NpFrame *frame = np_phantom_get_frame (phantom);
  JsonObject *anatomy = truth_member (phantom, "anatomy");
  double pixel = np_phantom_get_pixel_size (phantom);
  double skin_y, fat_bottom, fluid, muscle, bone = 0;
  const NpStructure *femur = NULL;
  guint n_bone = 0;

  g_assert_cmpint (plan->skin_kind, ==, NP_SKIN_POLYLINE);
  skin_y = g_array_index (plan->skin_points, NpImagePoint, 0).y;
  /* a horizontal skin line: depth = (y - y_skin) × pixel size */
  g_assert_cmpfloat_with_epsilon ((plan->target.y - skin_y) * pixel,
                                  np_phantom_get_target_depth (phantom), 1e-9);
  g_assert_cmpfloat_with_epsilon (np_phantom_get_target_depth (phantom),
                                  json_object_get_double_member (anatomy, "target_depth_mm"), 1e-9);
  g_assert_cmpfloat (np_phantom_get_target_depth (phantom), >=, 10);
  g_assert_cmpfloat (np_phantom_get_target_depth (phantom), <=, 25);

  /* fluid darker than the muscle band 1-2.5 mm under the fat */
  fat_bottom = json_object_get_double_member (anatomy, "skin_thickness_mm")
               + json_object_get_double_member (anatomy, "subcutaneous_fat_mm");
  fluid = polygon_mean (frame, plan->target_region);
  muscle = box_mean (frame, 200, (guint) (skin_y + (fat_bottom + 1) / pixel), 600,
                     (guint) (skin_y + (fat_bottom + 2.5) / pixel));
  g_assert_cmpfloat (fluid, <, 0.35 * muscle);

  /* the femoral cortex is the brightest line of the frame */
  for (guint i = 0; i < plan->structures->len; i++)
    {
      const NpStructure *s = g_ptr_array_index (plan->structures, i);
      if (s->kind == NP_STRUCTURE_BONE)
        femur = s;
    }
  g_assert_nonnull (femur);
  for (guint i = 0; i < femur->points->len; i++)
    {
      NpImagePoint p = g_array_index (femur->points, NpImagePoint, i);
      guint peak = 0;

      if (p.x < 220 || p.x > 580)
        continue;
      for (int dy = -6; dy <= 6; dy++)
        peak = MAX (peak, np_frame_get_sample (frame, (guint) p.x, (guint) (p.y + dy), 0));
      bone += peak;
      n_bone++;
    }
  g_assert_cmpuint (n_bone, >, 5);
  g_assert_cmpfloat (bone / n_bone, >, 200);
  g_assert_cmpfloat (bone / n_bone, >, muscle);
}

static void
test_case_phys_and_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPhantom) phantom = generate (NP_SITE_HIP, NP_MODALITY_ULTRASOUND, NP_VIEW_NONE, 2);
  g_autofree char *dir = g_dir_make_tmp ("np-test-phantom-XXXXXX", &error);
  g_autofree char *frame_path = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *truth_path = NULL;
  g_autoptr(NpFrame) loaded = NULL;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  double mm_x = 0, mm_y = 0;
  gboolean matches = FALSE;

  g_assert_no_error (error);
  g_assert_true (np_phantom_write (phantom, dir, &error));
  g_assert_no_error (error);
  frame_path = g_build_filename (dir, NP_PHANTOM_FRAME_FILE, NULL);
  plan_path = g_build_filename (dir, NP_PHANTOM_PLAN_FILE, NULL);
  truth_path = g_build_filename (dir, NP_PHANTOM_TRUTH_FILE, NULL);

  /* pHYs holds whole pixels per metre; the generator's size is 1 / N mm */
  loaded = np_png_load (frame_path, &error);
  g_assert_no_error (error);
  g_assert_true (np_frame_get_declared_pixel_size (loaded, &mm_x, &mm_y));
  g_assert_cmpfloat (mm_x, ==, np_phantom_get_pixel_size (phantom));
  g_assert_cmpfloat (mm_y, ==, np_phantom_get_pixel_size (phantom));
  g_assert_cmpuint (np_frame_get_width (loaded), ==, 800);
  g_assert_cmpuint (np_frame_get_height (loaded), ==, 600);
  g_assert_cmpuint (np_frame_get_bit_depth (loaded), ==, 8);

  plan = np_plan_file_load (plan_path, &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_file_check_frame (plan, plan_path, &matches, &error));
  g_assert_no_error (error);
  g_assert_true (matches);
  g_assert_true (np_plan_equal (plan, np_phantom_get_plan (phantom)));
  g_assert_cmpint (plan->calibration->method, ==, NP_CALIBRATION_FILE);
  g_assert_cmpfloat (plan->calibration->mm_per_px_x, ==, mm_x);
  g_assert_cmpint (plan->skin_kind, ==, NP_SKIN_ARC);

  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (json_object_get_double_member (
                       json_object_get_object_member (json_node_get_object (
                                                        json_parser_get_root (parser)), "frame"),
                       "pixel_size_mm"), ==, mm_x);

  g_unlink (frame_path);
  g_unlink (plan_path);
  g_unlink (truth_path);
  g_rmdir (dir);
}

static GBytes *
case_bytes (const NpPhantom *phantom)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("np-test-phantom-XXXXXX", &error);
  GByteArray *all = g_byte_array_new ();
  const char *files[] = { NP_PHANTOM_FRAME_FILE, NP_PHANTOM_PLAN_FILE, NP_PHANTOM_TRUTH_FILE };

  g_assert_no_error (error);
  g_assert_true (np_phantom_write (phantom, dir, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autofree char *data = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (path, &data, &length, &error));
      g_byte_array_append (all, (const guint8 *) data, length);
      g_unlink (path);
    }
  g_rmdir (dir);
  return g_byte_array_free_to_bytes (all);
}

static void
test_case_determinism (void)
{
  static const struct { NpSite site; NpModality modality; NpView view; } cases[] = {
    { NP_SITE_SHOULDER, NP_MODALITY_ULTRASOUND, NP_VIEW_NONE },
    { NP_SITE_KNEE, NP_MODALITY_FLUOROSCOPY, NP_VIEW_LATERAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NpPhantom) a = generate (cases[i].site, cases[i].modality, cases[i].view, 5);
      g_autoptr(NpPhantom) b = generate (cases[i].site, cases[i].modality, cases[i].view, 5);
      g_autoptr(NpPhantom) other = generate (cases[i].site, cases[i].modality, cases[i].view, 6);
      g_autoptr(GBytes) bytes_a = case_bytes (a);
      g_autoptr(GBytes) bytes_b = case_bytes (b);
      g_autoptr(GBytes) bytes_other = case_bytes (other);
      g_autofree char *hash_a = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes_a);
      g_autofree char *hash_b = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes_b);
      g_autofree char *hash_other = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes_other);

      g_assert_cmpstr (hash_a, ==, hash_b);
      g_assert_cmpstr (hash_a, !=, hash_other);
    }
}

/* ---- fluoroscopy ----------------------------------------------------------------- */

/* The target is in the plane of the isocentre, where the magnification is
 * SID / SOD and one pixel is detector pixel × SOD / SID: its image position
 * is the frame centre plus its offset from the isocentre over that size.
 * (The knee's ball sits in air beside the knee, so its disc is clean.) */
static void
test_fluoro_geometry_and_sphere (void)
{
  g_autoptr(NpPhantom) phantom = generate (NP_SITE_KNEE, NP_MODALITY_FLUOROSCOPY, NP_VIEW_AP, 2);
  const NpPlan *plan = np_phantom_get_plan (phantom);
  NpFrame *frame = np_phantom_get_frame (phantom);
  JsonObject *scanner = truth_member (phantom, "scanner");
  JsonObject *sphere = truth_member (phantom, "calibration_sphere");
  JsonObject *root = json_node_get_object (np_phantom_get_truth (phantom));
  double sid = json_object_get_double_member (scanner, "sid_mm");
  double sod = json_object_get_double_member (scanner, "sod_mm");
  double detector = json_object_get_double_member (scanner, "detector_pixel_mm");
  double pixel = np_phantom_get_pixel_size (phantom);
  double target[3], iso[3], source[3], centre[3], along = 0, expected_px, dark = 0;
  double cx = array_double (sphere, "centre_px", 0), cy = array_double (sphere, "centre_px", 1);

  g_assert_cmpuint (np_frame_get_bit_depth (frame), ==, 16);
  g_assert_cmpfloat_with_epsilon (detector * sod / sid, pixel, 1e-12);
  for (guint i = 0; i < 3; i++)
    {
      target[i] = array_double (root, "target_3d_mm", i);
      iso[i] = array_double (scanner, "isocentre_mm", i);
      source[i] = array_double (scanner, "source_mm", i);
      centre[i] = array_double (sphere, "centre_3d_mm", i);
    }
  /* AP: image x = patient x, image y = -z, beam along y */
  g_assert_cmpfloat_with_epsilon (target[1], iso[1], 1e-9);
  g_assert_cmpfloat_with_epsilon (plan->target.x, 400 + (target[0] - iso[0]) / pixel, 1e-6);
  g_assert_cmpfloat_with_epsilon (plan->target.y, 300 - (target[2] - iso[2]) / pixel, 1e-6);

  /* The ball: 25 mm magnified by SID over its distance from the source
   * along the beam, on detector pixels. Its dark disc is counted with a
   * threshold halfway between its inside and the ring around it. */
  along = centre[1] - source[1];
  expected_px = 25.0 * (sid / along) / detector;
  {
    g_autoptr(GArray) inside = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) ring = g_array_new (FALSE, FALSE, sizeof (double));
    double r = expected_px / 2, threshold;

    for (int y = (int) (cy - r - 12); y <= (int) (cy + r + 12); y++)
      for (int x = (int) (cx - r - 12); x <= (int) (cx + r + 12); x++)
        {
          double d = hypot (x + 0.5 - cx, y + 0.5 - cy), v;

          if (x < 0 || y < 0 || x >= 800 || y >= 600)
            continue;
          v = np_frame_get_sample (frame, (guint) x, (guint) y, 0);
          if (d < r - 4)
            g_array_append_val (inside, v);
          else if (d > r + 4 && d < r + 10)
            g_array_append_val (ring, v);
        }
    threshold = (gsl_stats_mean ((const double *) inside->data, 1, inside->len)
                 + gsl_stats_mean ((const double *) ring->data, 1, ring->len)) / 2;
    for (int y = (int) (cy - r - 4); y <= (int) (cy + r + 4); y++)
      for (int x = (int) (cx - r - 4); x <= (int) (cx + r + 4); x++)
        if (x >= 0 && y >= 0 && x < 800 && y < 600
            && np_frame_get_sample (frame, (guint) x, (guint) y, 0) < threshold)
          dark++;
  }
  g_test_message ("sphere: %.1f px expected, %.1f px from its area", expected_px,
                  2 * sqrt (dark / G_PI));
  g_assert_cmpfloat (fabs (2 * sqrt (dark / G_PI) - expected_px), <, 0.02 * expected_px);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (sphere, "apparent_diameter_px"),
                                  expected_px, 0.01 * expected_px);
}

/* AP and lateral of one seed: one anatomy; the depth shows in the lateral,
 * as the distance from the target to the anterior skin line. */
static void
test_fluoro_two_views (void)
{
  g_autoptr(NpPhantom) ap = generate (NP_SITE_KNEE, NP_MODALITY_FLUOROSCOPY, NP_VIEW_AP, 4);
  g_autoptr(NpPhantom) lateral = generate (NP_SITE_KNEE, NP_MODALITY_FLUOROSCOPY,
                                           NP_VIEW_LATERAL, 4);
  const NpPlan *plan = np_phantom_get_plan (lateral);
  JsonObject *anatomy_ap = truth_member (ap, "anatomy");
  JsonObject *anatomy_lateral = truth_member (lateral, "anatomy");
  g_autoptr(GList) names = json_object_get_members (anatomy_ap);
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(GError) error = NULL;
  NpImagePoint a, b;
  double depth_px;

  for (GList *l = names; l != NULL; l = l->next)
    g_assert_cmpfloat (json_object_get_double_member (anatomy_ap, l->data), ==,
                       json_object_get_double_member (anatomy_lateral, l->data));
  g_assert_cmpuint (json_object_get_size (anatomy_ap), ==, json_object_get_size (anatomy_lateral));
  g_assert_cmpfloat (np_phantom_get_target_depth (ap), ==, np_phantom_get_target_depth (lateral));
  g_assert_cmpint (np_phantom_get_plan (ap)->skin_kind, ==, NP_SKIN_NONE);

  /* the skin line is vertical in the lateral view: depth = |x_skin - x_target| × pixel */
  g_assert_cmpint (plan->skin_kind, ==, NP_SKIN_POLYLINE);
  a = g_array_index (plan->skin_points, NpImagePoint, 0);
  b = g_array_index (plan->skin_points, NpImagePoint, plan->skin_points->len - 1);
  g_assert_cmpfloat_with_epsilon (a.x, b.x, 1e-6);
  depth_px = fabs (a.x - plan->target.x);
  g_assert_cmpfloat_with_epsilon (depth_px * np_phantom_get_pixel_size (lateral),
                                  np_phantom_get_target_depth (lateral), 1e-6);
  g_assert_cmpfloat_with_epsilon (plan->entry.x, a.x, 1e-6);
  g_assert_cmpfloat_with_epsilon (plan->entry.y, plan->target.y, 1e-6);

  /* and the planner, given both views, finds that depth */
  results = np_planner_compute_two_views (np_phantom_get_plan (ap), plan, NAN, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (results->has_depth);
  g_assert_cmpfloat_with_epsilon (results->depth, np_phantom_get_target_depth (lateral), 1e-6);
}

/* ---- errors ------------------------------------------------------------------------ */

static void
test_bad_options (void)
{
  NpPhantomOptions options;
  g_autoptr(GError) error = NULL;
  NpPhantom *phantom;

  np_phantom_options_init (&options);
  options.site = NP_SITE_TENDON;
  phantom = np_phantom_generate (&options, &error);
  g_assert_null (phantom);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  np_phantom_options_init (&options);
  options.site = NP_SITE_KNEE;
  options.approach = "subacromial";
  phantom = np_phantom_generate (&options, &error);
  g_assert_null (phantom);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "suprapatellar"));
  g_clear_error (&error);

  np_phantom_options_init (&options);
  options.modality = NP_MODALITY_FLUOROSCOPY;
  options.view = NP_VIEW_OBLIQUE;
  phantom = np_phantom_generate (&options, &error);
  g_assert_null (phantom);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
}

/* A folder under a regular file cannot be made: an error, and nothing left. */
static void
test_write_failure_leaves_nothing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPhantom) phantom = generate (NP_SITE_KNEE, NP_MODALITY_ULTRASOUND, NP_VIEW_NONE, 8);
  g_autofree char *dir = g_dir_make_tmp ("np-test-phantom-XXXXXX", &error);
  g_autofree char *file = g_build_filename (dir, "a-file", NULL);
  g_autofree char *target = g_build_filename (file, "case", NULL);
  g_autoptr(GDir) listing = NULL;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, "x", 1, &error));
  g_assert_false (np_phantom_write (phantom, target, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "case"));
  g_clear_error (&error);
  g_assert_false (np_phantom_write (phantom, file, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);

  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);
  g_unlink (file);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  np_gsl_init ();
  g_test_add_func ("/core/phantom/us/depth-lands-on-row", test_us_depth_lands_on_row);
  g_test_add_func ("/core/phantom/us/sector-geometry", test_us_sector_geometry);
  g_test_add_func ("/core/phantom/us/speckle-statistics", test_us_speckle_statistics);
  g_test_add_func ("/core/phantom/us/fluid-bone-shadow", test_us_fluid_bone_shadow);
  g_test_add_func ("/core/phantom/case/knee-truth-and-pixels", test_case_knee_truth_and_pixels);
  g_test_add_func ("/core/phantom/case/phys-and-files", test_case_phys_and_files);
  g_test_add_func ("/core/phantom/case/determinism", test_case_determinism);
  g_test_add_func ("/core/phantom/fluoro/geometry-and-sphere", test_fluoro_geometry_and_sphere);
  g_test_add_func ("/core/phantom/fluoro/two-views", test_fluoro_two_views);
  g_test_add_func ("/core/phantom/bad-options", test_bad_options);
  g_test_add_func ("/core/phantom/write-failure-leaves-nothing",
                   test_write_failure_leaves_nothing);
  return g_test_run ();
}
