/* test-auto-calibration.c: the depth scale, imaging region and skin line
 * read from the pixels, on frames nobody tuned the detector for
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-auto-calibration.h"
#include "np-error.h"
#include "np-frame.h"
#include "np-jpeg.h"
#include "np-dicom-helper.h"
#include "np-phantom.h"
#include "np-phantom-private.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <valgrind/valgrind.h>
#include <string.h>

/* Truth of the two real frames: the DICOM ultrasound regions they were
 * exported from (../shared/testdata/dicom/METADATA.tsv, PhysicalDeltaX in cm
 * × 10). */
#define PHILIPS_MM_PER_PX 0.26228787661969974
#define EPIQ_MM_PER_PX 0.25476696592378154

static char *tmp_dir;

static const char *
testdata_dir (void)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_TESTDATA_DIR;
}

static const char *
source_dir (void)
{
  const char *dir = g_getenv ("NP_SOURCE_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_SOURCE_DIR;
}

static gboolean
have_testdata (void)
{
  if (g_file_test (testdata_dir (), G_FILE_TEST_IS_DIR))
    return TRUE;
  g_test_skip ("the shared test data (../shared/testdata) is not there");
  return FALSE;
}

static NpFrame *
load_real (const char *name)
{
  g_autofree char *path = g_build_filename (testdata_dir (), "frames", name, NULL);
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_frame_load (path, &error);

  g_assert_no_error (error);
  return frame;
}

static double
relative_error (double value,
                double truth)
{
  return fabs (value - truth) / truth;
}

static NpAutoCalibration *
detect (const NpFrame *frame)
{
  g_autoptr(GError) error = NULL;
  NpAutoCalibration *result = np_auto_calibration_detect (frame, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* ---- The two real frames ------------------------------------------------ */

/* @printed: the depth the frame shows in its top-left readout, read by eye
 * from the image ("11cm", "16cm"); @region_agrees: whether the image area
 * found is as deep as the printed depth. */
static void
check_real (const char *name,
            double      truth,
            NpAutoRegionShape shape,
            const char *printed,
            double      printed_mm,
            gboolean    region_agrees)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpAutoCalibration) result = NULL;

  if (!have_testdata ())
    return;
  frame = load_real (name);
  result = detect (frame);
  g_assert_true (result->found);
  g_test_message ("%s: %.6f mm/px (truth %.6f), %u ticks, %s; %s", name, result->mm_per_px,
                  truth, result->ticks->len, result->assumption, result->cross_check);
  g_assert_cmpfloat (relative_error (result->mm_per_px, truth), <, 0.005);
  g_assert_cmpfloat (result->se_mm_per_px, >, 0);
  g_assert_cmpfloat (result->se_mm_per_px, <, 0.005 * result->mm_per_px);
  g_assert_cmpuint (result->ticks->len, >=, 5);
  g_assert_cmpint (result->region.shape, ==, shape);
  g_assert_nonnull (result->assumption);
  /* the depth printed on the frame is read */
  g_assert_cmpfloat (result->printed_depth_mm, ==, printed_mm);
  g_assert_cmpstr (result->printed_depth_text, ==, printed);
  g_assert_false (result->disagreement != !region_agrees);
  if (!region_agrees)
    {
      g_autofree char *expected = g_strdup_printf ("DISAGREES with the depth printed on the "
                                                   "frame (“%s”)", printed);
      g_assert_nonnull (strstr (result->cross_check, expected));
    }
  else
    g_assert_nonnull (strstr (result->cross_check, "agrees with the depth printed"));
  /* the DICOM region agrees, and a 3 % different source is reported */
  g_assert_true (np_auto_calibration_cross_check (result, truth, "the DICOM ultrasound region"));
  g_assert_false (result->disagreement != !region_agrees);
  g_assert_false (np_auto_calibration_cross_check (result, truth * 1.03, "a typed-in value"));
  g_assert_true (result->disagreement);
  g_assert_nonnull (strstr (result->cross_check, "DISAGREES with a typed-in value"));
}

/* The CX50 prints "11cm"; its image fades out early, the scale runs from
 * the skin line (row ≈ 97 under the apex) 11 cm down. */
static void
test_real_philips (void)
{
  check_real ("us_Philips_palette_800x600_rgb.png", PHILIPS_MM_PER_PX, NP_AUTO_REGION_SECTOR,
              "11cm", 110, TRUE);
}

/* The EPIQ prints "16cm" (from the apex, where its dots start); the image
 * area found ends where the texture ends against black (about 581 px from
 * the apex: the speckle fades out short of 16 cm = 628 px) and starts where
 * its dark near field brightens (about 200 px), 9.7 cm: the check says it
 * disagrees. */
static void
test_real_epiq (void)
{
  check_real ("us_EPIQ7C_gray8_1024x768.png", EPIQ_MM_PER_PX, NP_AUTO_REGION_SECTOR, "16cm", 160,
              FALSE);
}

/* The real files as DICOM (through the importer): their ultrasound region
 * 1 is the cross-check, and it agrees (0.262288 and 0.254767 mm/px). */
static void
test_real_dicom_region (void)
{
  const char *files[] = { "OBXXXX1A.dcm", "JPGLosslessP14SV1_1s_1f_8b.dcm" };
  const double truth[] = { PHILIPS_MM_PER_PX, EPIQ_MM_PER_PX };

  if (!have_testdata ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (testdata_dir (), "dicom", "us", files[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (path, 0, &error);
      g_autoptr(NpAutoCalibration) result = NULL;

      g_assert_no_error (error);
      result = detect (frame);
      g_test_message ("%s: %s", files[i], result->cross_check);
      g_assert_true (result->found);
      g_assert_cmpfloat_with_epsilon (result->dicom_mm_per_px, truth[i], 1e-6);
      g_assert_nonnull (strstr (result->cross_check,
                                "agrees with the DICOM ultrasound region 1 ("));
    }
}

/* ---- Synthetic frames with known geometry -------------------------------- */

/* Checks a result against a phantom's scanner truth: pixel size within
 * 0.5 %, region within 3 px, skin within 1 px. */
static void
check_against_truth (const char              *what,
                     const NpAutoCalibration *result,
                     JsonObject              *scanner)
{
  double px = json_object_get_double_member (scanner, "pixel_size_mm");
  const char *probe = json_object_get_string_member (scanner, "probe");
  double depth_px = json_object_get_double_member (scanner, "depth_mm") / px;
  JsonArray *skin_centre = json_object_get_array_member (scanner, "skin_centre_px");
  double skin_x = json_array_get_double_element (skin_centre, 0);
  double skin_y = json_array_get_double_element (skin_centre, 1);
  const NpAutoRegion *region = &result->region;
  g_autoptr(GArray) skin = NULL;

  if (!result->found)
    g_error ("%s: %s", what, result->reason);
  g_test_message ("%s: %.6f mm/px, truth %.6f", what, result->mm_per_px, px);
  g_assert_cmpfloat (relative_error (result->mm_per_px, px), <, 0.005);
  g_assert_true (result->has_skin);
  skin = np_auto_calibration_dup_skin (result, 21);

  if (g_strcmp0 (probe, "linear") == 0)
    {
      double half = json_object_get_double_member (scanner, "footprint_mm") / 2 / px;

      g_test_message ("%s: region error left %.2f right %.2f top %.2f bottom %.2f px", what,
                      region->rect.x - (skin_x - half),
                      region->rect.x + region->rect.width - (skin_x + half),
                      region->rect.y - skin_y,
                      region->rect.y + region->rect.height - (skin_y + depth_px));
      g_assert_cmpint (region->shape, ==, NP_AUTO_REGION_RECTANGLE);
      g_assert_cmpfloat (fabs (region->rect.x - (skin_x - half)), <, 3);
      g_assert_cmpfloat (fabs (region->rect.x + region->rect.width - (skin_x + half)), <, 3);
      g_assert_cmpfloat (fabs (region->rect.y - skin_y), <, 3);
      g_assert_cmpfloat (fabs (region->rect.y + region->rect.height - (skin_y + depth_px)), <, 3);
      /* the skin line is the field's top edge */
      for (guint i = 0; i < skin->len; i++)
        g_assert_cmpfloat (fabs (g_array_index (skin, NpImagePoint, i).y - skin_y), <, 1);
    }
  else
    {
      JsonArray *apex = json_object_get_array_member (scanner, "apex_px");
      double ax = json_array_get_double_element (apex, 0);
      double ay = json_array_get_double_element (apex, 1);
      double r_skin = json_object_get_double_member (scanner, "skin_radius_px");
      double half = json_object_get_double_member (scanner, "sector_deg") * G_PI / 360;

      g_test_message ("%s: region error apex %.2f %.2f near %.2f far %.2f px", what,
                      region->apex.x - ax, region->apex.y - ay, region->near_radius_px - r_skin,
                      region->far_radius_px - (r_skin + depth_px));
      g_assert_cmpint (region->shape, ==, NP_AUTO_REGION_SECTOR);
      g_assert_cmpfloat (fabs (region->apex.x - ax), <, 3);
      g_assert_cmpfloat (fabs (region->apex.y - ay), <, 3);
      g_assert_cmpfloat (fabs (region->far_radius_px - (r_skin + depth_px)), <, 3);
      /* the edges: at the far arc they are within 3 px of the true corners */
      g_assert_cmpfloat (fabs (region->apex.x + region->far_radius_px * region->left_dx
                               - (ax - (r_skin + depth_px) * sin (half))), <, 3);
      g_assert_cmpfloat (fabs (region->apex.x + region->far_radius_px * region->right_dx
                               - (ax + (r_skin + depth_px) * sin (half))), <, 3);
      /* every point of the proposed skin arc within 1 px of the true one */
      for (guint i = 0; i < skin->len; i++)
        {
          const NpImagePoint *p = &g_array_index (skin, NpImagePoint, i);
          g_assert_cmpfloat (fabs (hypot (p->x - ax, p->y - ay) - r_skin), <, 1);
        }
      /* and at the centre of the probe face */
      g_assert_cmpfloat (fabs (ay + r_skin - skin_y), <, 1e-9);
    }
  /* the header's "D 4.5CM" is the generator's depth, and the image area
   * found is that deep by the scale */
  g_test_message ("%s: %s", what, result->cross_check);
  g_assert_cmpfloat_with_epsilon (result->printed_depth_mm,
                                  json_object_get_double_member (scanner, "depth_mm"), 1e-9);
  g_assert_false (result->disagreement);
  g_assert_nonnull (strstr (result->cross_check, "agrees with the depth printed on the frame"));
}

static void
test_bundled_case (gconstpointer data)
{
  const char *dir = data;
  g_autofree char *frame_path = g_build_filename (dir, "frame.png", NULL);
  g_autofree char *truth_path = g_build_filename (dir, "truth.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_load (frame_path, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(NpAutoCalibration) result = NULL;
  JsonObject *root;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, truth_path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  result = detect (frame);
  check_against_truth (dir, result, json_object_get_object_member (root, "scanner"));
}

/* 50 fresh phantoms: seeds fixed here, every site, both probes. Under
 * valgrind the first 6 (every site with both probes): the memory checks
 * learn nothing more from the other 44, which take a quarter of an hour
 * there; the accuracy is checked on all 50 in every other run. */
static void
test_fresh_phantoms (void)
{
  const NpSite sites[] = { NP_SITE_KNEE, NP_SITE_SHOULDER, NP_SITE_HIP };
  guint n_phantoms = RUNNING_ON_VALGRIND ? 6 : 50;

  for (guint i = 0; i < n_phantoms; i++)
    {
      NpPhantomOptions options;
      g_autoptr(NpPhantom) phantom = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(NpAutoCalibration) result = NULL;
      g_autofree char *what = NULL;
      JsonNode *truth;

      np_phantom_options_init (&options);
      options.site = sites[i % 3];
      options.modality = NP_MODALITY_ULTRASOUND;
      options.has_probe = TRUE;
      options.probe = (i / 3) % 2 == 0 ? NP_PROBE_LINEAR : NP_PROBE_CURVILINEAR;
      options.seed = 4001 + 37 * i;
      phantom = np_phantom_generate (&options, &error);
      g_assert_no_error (error);
      what = g_strdup_printf ("phantom %u (%s, %s, seed %u)", i, np_site_to_string (options.site),
                              options.probe == NP_PROBE_LINEAR ? "linear" : "curvilinear",
                              options.seed);
      result = detect (np_phantom_get_frame (phantom));
      truth = np_phantom_get_truth (phantom);
      check_against_truth (what, result,
                           json_object_get_object_member (json_node_get_object (truth),
                                                          "scanner"));
    }
}

/* ---- Frames that hold no ultrasound: never a calibration ------------------ */

static void
assert_no_scale (const char    *what,
                 const NpFrame *frame)
{
  g_autoptr(NpAutoCalibration) result = detect (frame);

  if (result->found)
    g_error ("%s: a depth scale of %.4f mm/px was found in a frame without one", what,
             result->mm_per_px);
  g_assert_nonnull (result->reason);
  g_assert_true (g_str_has_prefix (result->reason, "no depth scale found"));
  g_assert_cmpint (result->confidence, ==, NP_AUTO_CONFIDENCE_NONE);
}

static void
test_pngsuite (void)
{
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint n = 0;

  if (!have_testdata ())
    return;
  dir_path = g_build_filename (testdata_dir (), "pngsuite", NULL);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autoptr(NpFrame) frame = NULL;

      if (!g_str_has_suffix (name, ".png"))
        continue;
      frame = np_frame_load (path, NULL);
      if (frame == NULL)
        continue;   /* the suite's broken files */
      assert_no_scale (name, frame);
      n++;
    }
  g_assert_cmpuint (n, >, 100);
}

static void
test_fluoroscopy (void)
{
  g_autofree char *cases = g_build_filename (source_dir (), "data", "cases", NULL);
  g_autoptr(GDir) dir = g_dir_open (cases, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (cases, name, "frame.png", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFrame) frame = NULL;

      if (strstr (name, "fluoro") == NULL)
        continue;
      frame = np_frame_load (path, &error);
      g_assert_no_error (error);
      assert_no_scale (name, frame);
      n++;
    }
  g_assert_cmpuint (n, >=, 6);
  if (have_testdata ())
    {
      g_autoptr(NpFrame) xa = load_real ("XA1_WG04_16bit.png");
      assert_no_scale ("XA1_WG04_16bit.png", xa);
    }
}

static void
test_noise (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (800, 600, 1, 8, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);

  for (guint y = 0; y < 600; y++)
    for (guint x = 0; x < 800; x++)
      np_frame_set_sample (frame, x, y, 0, (guint) g_rand_int_range (rand, 0, 256));
  assert_no_scale ("uniform noise", frame);
}

/* A dashed line on black: short bright bars every 25 px, like the ticks of
 * a depth scale, but no ultrasound image beside them. */
static void
test_dashed_line (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (800, 600, 1, 8, NULL);

  for (guint y = 20; y < 580; y += 25)
    for (guint x = 700; x < 706; x++)
      np_frame_set_sample (frame, x, y, 0, 255);
  assert_no_scale ("dashed line", frame);
}

/* Every pixel layout and degenerate sizes: an answer, never a crash. */
static void
test_odd_frames (void)
{
  const guint sizes[][2] = { { 1, 1 }, { 7, 3 }, { 3, 500 }, { 2000, 4 }, { 64, 64 } };
  const guint layouts[][2] = { { 1, 8 }, { 2, 8 }, { 3, 8 }, { 4, 8 }, { 1, 16 }, { 3, 16 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint j = 0; j < G_N_ELEMENTS (layouts); j++)
      {
        g_autoptr(NpFrame) frame = np_frame_new (sizes[i][0], sizes[i][1], layouts[j][0],
                                                 layouts[j][1], NULL);
        g_autoptr(GRand) rand = g_rand_new_with_seed (i * 10 + j);
        g_autofree char *what = g_strdup_printf ("%u × %u, %u channels, %u bits", sizes[i][0],
                                                 sizes[i][1], layouts[j][0], layouts[j][1]);

        for (guint y = 0; y < sizes[i][1]; y++)
          for (guint x = 0; x < sizes[i][0]; x++)
            for (guint c = 0; c < layouts[j][0]; c++)
              np_frame_set_sample (frame, x, y, c,
                                   g_rand_int_range (rand, 0, (gint32) np_frame_get_max_value (frame)
                                                             + 1));
        assert_no_scale (what, frame);
      }
}

/* ---- Robustness: the right answer within 1 % or no answer ---------------- */

/* Area-averaging resample (4 × 4 bilinear samples per output pixel). */
static NpFrame *
rescale (const NpFrame *frame,
         double         factor)
{
  guint w = (guint) lround (np_frame_get_width (frame) * factor);
  guint h = (guint) lround (np_frame_get_height (frame) * factor);
  guint channels = np_frame_get_channels (frame);
  double fx = np_frame_get_width (frame) / (double) w, fy = np_frame_get_height (frame) / (double) h;
  NpFrame *out = np_frame_new (w, h, channels, 8, NULL);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      for (guint c = 0; c < channels; c++)
        {
          double sum = 0;
          for (int j = 0; j < 4; j++)
            for (int i = 0; i < 4; i++)
              {
                double sx = (x + (i + 0.5) / 4) * fx - 0.5, sy = (y + (j + 0.5) / 4) * fy - 0.5;
                int x0 = CLAMP ((int) floor (sx), 0, (int) np_frame_get_width (frame) - 1);
                int y0 = CLAMP ((int) floor (sy), 0, (int) np_frame_get_height (frame) - 1);
                int x1 = MIN (x0 + 1, (int) np_frame_get_width (frame) - 1);
                int y1 = MIN (y0 + 1, (int) np_frame_get_height (frame) - 1);
                double ax = CLAMP (sx - x0, 0, 1), ay = CLAMP (sy - y0, 0, 1);
                sum += (1 - ay) * ((1 - ax) * np_frame_get_sample (frame, x0, y0, c)
                                   + ax * np_frame_get_sample (frame, x1, y0, c))
                       + ay * ((1 - ax) * np_frame_get_sample (frame, x0, y1, c)
                               + ax * np_frame_get_sample (frame, x1, y1, c));
              }
          np_frame_set_sample (out, x, y, c, (guint) CLAMP (lround (sum / 16), 0, 255));
        }
  return out;
}

static void
assert_right_or_nothing (const char    *what,
                         const NpFrame *frame,
                         double         truth)
{
  g_autoptr(NpAutoCalibration) result = detect (frame);

  if (!result->found)
    {
      g_test_message ("%s: %s", what, result->reason);
      g_assert_true (g_str_has_prefix (result->reason, "no depth scale found"));
      return;
    }
  g_test_message ("%s: %.6f mm/px, truth %.6f (%+.2f %%)", what, result->mm_per_px, truth,
                  100 * (result->mm_per_px - truth) / truth);
  g_assert_cmpfloat (relative_error (result->mm_per_px, truth), <, 0.01);
}

static void
test_robustness (void)
{
  const struct { const char *name; double truth; } frames[] = {
    { "us_Philips_palette_800x600_rgb.png", PHILIPS_MM_PER_PX },
    { "us_EPIQ7C_gray8_1024x768.png", EPIQ_MM_PER_PX },
  };
  const double factors[] = { 0.5, 0.75, 1.5 };

  if (!have_testdata ())
    return;
  for (guint f = 0; f < G_N_ELEMENTS (frames); f++)
    {
      g_autoptr(NpFrame) frame = load_real (frames[f].name);
      guint w = np_frame_get_width (frame), h = np_frame_get_height (frame);

      for (guint k = 0; k < G_N_ELEMENTS (factors); k++)
        {
          g_autoptr(NpFrame) scaled = rescale (frame, factors[k]);
          g_autofree char *what = g_strdup_printf ("%s × %.2f", frames[f].name, factors[k]);
          /* the scale's pixel count changes by the row ratio */
          double truth = frames[f].truth * h / np_frame_get_height (scaled);
          assert_right_or_nothing (what, scaled, truth);
        }

      /* JPEG at quality 50, through the loader the app uses */
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) jpeg = np_jpeg_encode (frame, 50, &error);
        g_autoptr(NpFrame) decoded = NULL;
        g_autofree char *what = g_strdup_printf ("%s as JPEG q50", frames[f].name);

        g_assert_no_error (error);
        decoded = np_frame_load_from_memory (g_bytes_get_data (jpeg, NULL),
                                             g_bytes_get_size (jpeg), "q50.jpg", &error);
        g_assert_no_error (error);
        assert_right_or_nothing (what, decoded, frames[f].truth);
      }

      /* added Gaussian noise, σ = 12 grey levels, fixed seed */
      {
        g_autoptr(NpFrame) noisy = np_frame_new (w, h, np_frame_get_channels (frame), 8, NULL);
        g_autoptr(GRand) rand = g_rand_new_with_seed (1234);
        g_autofree char *what = g_strdup_printf ("%s with noise", frames[f].name);

        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            {
              /* Box-Muller from two uniform draws */
              double u1 = g_rand_double_range (rand, 1e-12, 1), u2 = g_rand_double (rand);
              double n = 12 * sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
              for (guint c = 0; c < np_frame_get_channels (frame); c++)
                np_frame_set_sample (noisy, x, y, c,
                                     (guint) CLAMP (lround (np_frame_get_sample (frame, x, y, c)
                                                            + n), 0, 255));
            }
        assert_right_or_nothing (what, noisy, frames[f].truth);
      }

      /* cropped so that the scale is cut part-way: the top 55 % of rows */
      {
        guint ch = h * 55 / 100;
        g_autoptr(NpFrame) cropped = np_frame_new (w, ch, np_frame_get_channels (frame), 8, NULL);
        g_autofree char *what = g_strdup_printf ("%s cropped", frames[f].name);

        for (guint y = 0; y < ch; y++)
          memcpy (np_frame_get_data_mutable (cropped) + y * np_frame_get_stride (cropped),
                  np_frame_get_data (frame) + y * np_frame_get_stride (frame),
                  np_frame_get_stride (cropped));
        assert_right_or_nothing (what, cropped, frames[f].truth);
      }
    }
}

/* ---- DICOM ultrasound files, converted by DCMTK's dcmj2pnm ---------------- */

typedef enum { RULER, NO_RULER, PARTIAL_RULER } RulerKind;

/* Which frame shows a ruler was decided by looking at the converted images;
 * the truth is the file's ultrasound region (PhysicalDeltaX cm × 10). */
static const struct
{
  const char *file;
  RulerKind kind;
  double mm_per_px;
} dicom_cases[] = {
  { "OBXXXX1A.dcm", RULER, 0.26228787661969974 },
  { "OBXXXX1A_rle.dcm", RULER, 0.26228787661969974 },
  { "JPGLosslessP14SV1_1s_1f_8b.dcm", RULER, 0.25476696592378154 },
  /* SonoSite: no depth marks at all */
  { "examples_ybr_color.dcm", NO_RULER, 0.51049705594778061 },
  /* Medistim flow: no tissue depth scale */
  { "JPEGLosslessP14SV1_3s_2f_u_08_08.dcm", NO_RULER, 0.027742814617576421 },
  /* ACUSON: only a few marks of the scale show */
  { "IM00001.implicit_little_endian.dcm", PARTIAL_RULER, 0.2293750081863255 },
  { "JPEGExtended_3s_1f_u_08_08.dcm", PARTIAL_RULER, 0.041753652736770448 },
};

static void
test_dicom (void)
{
  g_autofree char *dcmj2pnm = g_find_program_in_path ("dcmj2pnm");

  if (!have_testdata ())
    return;
  if (dcmj2pnm == NULL)
    {
      g_test_skip ("dcmj2pnm (package dcmtk) is not installed");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (dicom_cases); i++)
    {
      g_autofree char *in = g_build_filename (testdata_dir (), "dicom", "us", dicom_cases[i].file,
                                              NULL);
      g_autofree char *out = g_build_filename (tmp_dir, "dicom.png", NULL);
      const char *argv[] = { dcmj2pnm, "--write-png", in, out, NULL };
      g_autoptr(GError) error = NULL;
      g_autoptr(NpFrame) frame = NULL;
      g_autoptr(NpAutoCalibration) result = NULL;
      int wait_status = 0;

      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                                   | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                                   &wait_status, &error));
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
      frame = np_frame_load (out, &error);
      g_assert_no_error (error);
      g_unlink (out);
      result = detect (frame);
      g_test_message ("%s: %s %.6f (region %.6f)", dicom_cases[i].file,
                      result->found ? "found" : result->reason, result->mm_per_px,
                      dicom_cases[i].mm_per_px);
      switch (dicom_cases[i].kind)
        {
        case RULER:
          g_assert_true (result->found);
          g_assert_cmpfloat (relative_error (result->mm_per_px, dicom_cases[i].mm_per_px), <,
                             0.005);
          break;
        case NO_RULER:
          g_assert_false (result->found);
          g_assert_true (g_str_has_prefix (result->reason, "no depth scale found"));
          break;
        case PARTIAL_RULER:
          if (result->found)
            g_assert_cmpfloat (relative_error (result->mm_per_px, dicom_cases[i].mm_per_px), <,
                               0.005);
          break;
        }
    }
}

/* ---- The depth printed on the frame ------------------------------------- */

/* Draws @mask's ink (an A8 surface of the frame's size) into a grey frame. */
static void
paint_mask (NpFrame         *frame,
            cairo_surface_t *mask)
{
  guint8 *data = np_frame_get_data_mutable (frame);
  const guint8 *alpha;
  gsize stride = np_frame_get_stride (frame);
  int mask_stride;

  cairo_surface_flush (mask);
  alpha = cairo_image_surface_get_data (mask);
  mask_stride = cairo_image_surface_get_stride (mask);
  for (guint y = 0; y < np_frame_get_height (frame); y++)
    for (guint x = 0; x < np_frame_get_width (frame); x++)
      data[y * stride + x] = MAX (data[y * stride + x], alpha[y * mask_stride + x]);
}

/* A black frame with @words in DejaVu Sans, digits about 14 px tall. */
static NpFrame *
frame_with_words (const char *const *words)
{
  NpFrame *frame = np_frame_new (400, 200, 1, 8, NULL);
  cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, 400, 200);
  cairo_t *cr = cairo_create (mask);

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 20);
  for (guint i = 0; words[i] != NULL; i++)
    {
      cairo_move_to (cr, 20, 40 + 40 * i);
      cairo_show_text (cr, words[i]);
    }
  cairo_destroy (cr);
  paint_mask (frame, mask);
  cairo_surface_destroy (mask);
  return frame;
}

/* A readout like "7cm" is read; a measurement with a space before its
 * unit, two decimals, or two different depths are not. */
static void
test_printed_depth_words (void)
{
  const struct
  {
    const char *words[3];
    double mm;             /* 0: not read */
    const char *note;
  } cases[] = {
    { { "7cm", NULL }, 70, NULL },
    { { "Gen", "12cm", NULL }, 120, NULL },
    { { "4.5cm", NULL }, 45, NULL },
    { { "3.3 cm", NULL }, 0, "printed depth not read" },
    { { "1.06cm", NULL }, 0, "printed depth not read" },
    { { "12cm", "15cm", NULL }, 0, "printed depth not read: the frame shows different depths "
                                   "(12cm, 15cm)" },
    { { NULL }, 0, "printed depth not read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NpFrame) frame = frame_with_words (cases[i].words);
      g_autoptr(NpAutoCalibration) result = detect (frame);

      g_test_message ("case %u: %.1f mm, %s", i, result->printed_depth_mm,
                      result->printed_depth_note ? result->printed_depth_note : "read");
      /* no scale in these frames: nothing to calibrate, the reading stays */
      g_assert_false (result->found);
      g_assert_cmpfloat (result->printed_depth_mm, ==, cases[i].mm);
      g_assert_cmpstr (result->printed_depth_note, ==, cases[i].note);
    }
}

/* knee-us-01 with its header's "D 4.5CM" replaced by "D 9.0CM": the scale
 * (5 mm per 60 px) makes the 540 px deep field 45.0 mm, half the printed
 * depth: -50.0 %, reported, and the candidate stays as it was. */
static void
test_printed_depth_disagrees (void)
{
  g_autofree char *path = g_build_filename (source_dir (), "data", "cases", "knee-us-01",
                                            "frame.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_load (path, &error);
  g_autoptr(NpAutoCalibration) result = NULL;
  cairo_surface_t *mask;
  cairo_t *cr;
  guint8 *data;

  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_channels (frame), ==, 1);
  /* the header rows, above the field's top edge at row 44 */
  data = np_frame_get_data_mutable (frame);
  for (guint y = 0; y < 30; y++)
    memset (data + y * np_frame_get_stride (frame), 0, np_frame_get_width (frame));
  mask = cairo_image_surface_create (CAIRO_FORMAT_A8, (int) np_frame_get_width (frame),
                                     (int) np_frame_get_height (frame));
  cr = cairo_create (mask);
  np_phantom_draw_text (cr, np_frame_get_width (frame) - 10 - np_phantom_text_width ("D 9.0CM", 2),
                        10, 2, "D 9.0CM");
  cairo_destroy (cr);
  paint_mask (frame, mask);
  cairo_surface_destroy (mask);

  result = detect (frame);
  g_test_message ("%s", result->cross_check);
  g_assert_true (result->found);
  g_assert_cmpfloat_with_epsilon (result->mm_per_px, 5.0 / 60.0, 5.0 / 60.0 * 1e-3);
  g_assert_cmpfloat (result->printed_depth_mm, ==, 90);
  g_assert_true (result->disagreement);
  g_assert_nonnull (strstr (result->cross_check, "DISAGREES with the depth printed on the frame "
                                                 "(“9.0cm”): the image area is 45.0 mm deep by "
                                                 "this scale, -50.0 %"));
}

/* ---- The sector's arcs by least squares ----------------------------------- */

/* A sector drawn exactly: apex (320, 20), edges 30° either side of straight
 * down, near arc r = 80 px, far arc r = 400 px about the apex, no ticks. Each
 * pixel is lit by the fraction of its 8 × 8 sub-pixel centres inside the
 * sector (anti-aliased), times a fine texture of 100–130 so that it reads as
 * speckle. An anti-aliased straight edge is half lit exactly on the edge,
 * and a profile's half-level crossing finds it to within the sub-sampling
 * step (1/8 px) plus the texture's pull on the half level (its ±15 around
 * the mean 115 shifts the crossing of a 1 px ramp by at most 15/115 px):
 * under 0.3 px per arc point. Curvature over one pixel of a 80 px arc is
 * 1/(2 · 80) px. So the fitted radii lie within 0.3 px of 80 and 400 when
 * the apex is right, and the apex (two lines of ~300 such points) is within
 * a few tenths: the radii are asserted within 0.6 px, the arc points' RMS
 * distance from the fitted arcs under 0.3 px (not 0: the texture). */
static void
test_sector_arcs (void)
{
  const double ax = 320, ay = 20, half = 30 * G_PI / 180, r_near = 80, r_far = 400;
  g_autoptr(NpFrame) frame = np_frame_new (640, 440, 1, 8, NULL);
  g_autoptr(NpAutoCalibration) result = NULL;
  const NpAutoRegion *region;

  for (guint y = 0; y < 440; y++)
    for (guint x = 0; x < 640; x++)
      {
        guint inside = 0;
        for (guint j = 0; j < 8; j++)
          for (guint i = 0; i < 8; i++)
            {
              double dx = x + (i + 0.5) / 8 - ax, dy = y + (j + 0.5) / 8 - ay;
              double r = hypot (dx, dy);
              inside += r >= r_near && r <= r_far && dy > 0 && fabs (dx) <= dy * tan (half);
            }
        if (inside > 0)
          np_frame_set_sample (frame, x, y, 0,
                               (guint) lround ((100 + 5 * ((x * 7 + y * 13) % 7)) * inside / 64.0));
      }
  result = detect (frame);
  region = &result->region;
  g_test_message ("sector: apex (%.3f, %.3f), near %.3f (%u points, RMS %.3f), far %.3f "
                  "(%u points, RMS %.3f)", region->apex.x, region->apex.y, region->near_radius_px,
                  region->near_points, region->near_rms_px, region->far_radius_px,
                  region->far_points, region->far_rms_px);
  g_assert_cmpint (region->shape, ==, NP_AUTO_REGION_SECTOR);
  g_assert_cmpfloat (fabs (region->apex.x - ax), <, 0.6);
  g_assert_cmpfloat (fabs (region->apex.y - ay), <, 0.6);
  /* 16 directions over the near arc's middle half, 4 next to each edge on the far one */
  g_assert_cmpuint (region->near_points, ==, 16);
  g_assert_cmpuint (region->far_points, ==, 8);
  g_assert_cmpfloat (fabs (region->near_radius_px - r_near), <, 0.6);
  g_assert_cmpfloat (fabs (region->far_radius_px - r_far), <, 0.6);
  g_assert_cmpfloat (region->near_rms_px, <, 0.3);
  g_assert_cmpfloat (region->far_rms_px, <, 0.3);
  /* the edges are straight: their points, found to the whole pixel (RMS
   * rounding 1/√12 ≈ 0.29 px, a partly lit pixel may count one more or
   * less), lie on the fitted lines */
  g_assert_cmpfloat (region->edge_rms_px, <, 0.6);
  g_assert_cmpfloat (fabs (region->left_dx + sin (half)), <, 0.005);
  g_assert_cmpfloat (fabs (region->right_dx - sin (half)), <, 0.005);
}

/* The same sector, but its outer corners black beyond r = 300 px (the
 * directions within 12° of either edge, as deep echoes fade at the sides of
 * a phased-array image): the edges end at 300 px, the texture in the middle
 * goes on to the far arc at 400 px. The far arc is where the texture ends:
 * of the 64 directions between 5 % and 95 % of the sector's angle, those
 * beyond the dark corners (60° − 2 · 12° of the 54° they span: 2/3) reach
 * 400 px, so the upper quartile does too. A direction's texture ends where
 * the 4 × 4 box at its point (pixels (int) x − 2 … (int) x + 1, so pixel
 * centres down to 2.5 px back along each axis) no longer holds the two
 * textured pixels (100–130) that lift its mean to 10: up to 2.5 px past the
 * arc straight down, hypot (2.5, 2.5) ≈ 3.5 px diagonally: between 400 and
 * 403.5 px. */
static void
test_sector_faded_corners (void)
{
  const double ax = 320, ay = 20, half = 30 * G_PI / 180, r_near = 80, r_far = 400;
  const double corner = 12 * G_PI / 180;
  g_autoptr(NpFrame) frame = np_frame_new (640, 440, 1, 8, NULL);
  g_autoptr(NpAutoCalibration) result = NULL;
  const NpAutoRegion *region;

  for (guint y = 0; y < 440; y++)
    for (guint x = 0; x < 640; x++)
      {
        double dx = x + 0.5 - ax, dy = y + 0.5 - ay, r = hypot (dx, dy);
        double angle = atan2 (fabs (dx), dy);

        if (r >= r_near && r <= r_far && dy > 0 && angle <= half
            && (r <= 300 || angle < half - corner))
          np_frame_set_sample (frame, x, y, 0, 100 + 5 * ((x * 7 + y * 13) % 7));
      }
  result = detect (frame);
  region = &result->region;
  g_test_message ("faded corners: apex (%.3f, %.3f), near %.3f, far %.3f", region->apex.x,
                  region->apex.y, region->near_radius_px, region->far_radius_px);
  g_assert_cmpint (region->shape, ==, NP_AUTO_REGION_SECTOR);
  g_assert_true (region->far_from_texture);
  g_assert_cmpfloat (region->far_radius_px, >=, r_far);
  g_assert_cmpfloat (region->far_radius_px, <=, r_far + 3.5);
  /* no far-arc points next to the edges to fit: they are black there */
  g_assert_cmpuint (region->far_points, ==, 0);
  g_assert_cmpfloat (fabs (region->near_radius_px - r_near), <, 1);
}

/* ---- The value type ------------------------------------------------------ */

static void
test_copy (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpAutoCalibration) result = NULL;
  g_autoptr(NpAutoCalibration) copy = NULL;
  g_autofree char *dir = g_build_filename (source_dir (), "data", "cases", "knee-us-01",
                                           "frame.png", NULL);
  g_autoptr(GError) error = NULL;

  frame = np_frame_load (dir, &error);
  g_assert_no_error (error);
  result = detect (frame);
  copy = np_auto_calibration_copy (result);
  g_assert_true (copy->found);
  g_assert_cmpfloat (copy->mm_per_px, ==, result->mm_per_px);
  g_assert_cmpuint (copy->ticks->len, ==, result->ticks->len);
  g_assert_true (copy->ticks != result->ticks);
  g_assert_cmpstr (copy->assumption, ==, result->assumption);
  /* the knee's scale: long ticks every centimetre, short ones between */
  g_assert_cmpfloat (result->spacing_mm, ==, 5.0);
  g_assert_true (g_array_index (result->ticks, NpAutoTick, 0).major);
  g_assert_false (g_array_index (result->ticks, NpAutoTick, 1).major);
  g_assert_true (G_TYPE_IS_BOXED (NP_TYPE_AUTO_CALIBRATION));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cases_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int status;

  g_test_init (&argc, &argv, NULL);
  np_gsl_init ();
  tmp_dir = g_dir_make_tmp ("np-test-auto-calibration-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/core/auto-calibration/real/philips", test_real_philips);
  g_test_add_func ("/core/auto-calibration/real/epiq", test_real_epiq);
  g_test_add_func ("/core/auto-calibration/real/dicom-region", test_real_dicom_region);
  g_test_add_func ("/core/auto-calibration/printed-depth/words", test_printed_depth_words);
  g_test_add_func ("/core/auto-calibration/printed-depth/disagrees", test_printed_depth_disagrees);
  cases_dir = g_build_filename (source_dir (), "data", "cases", NULL);
  dir = g_dir_open (cases_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, "-us-") != NULL)
      g_ptr_array_add (cases, g_build_filename (cases_dir, name, NULL));
  g_ptr_array_sort (cases, compare_names);
  for (guint i = 0; i < cases->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/auto-calibration/case/%s",
                                               strrchr (g_ptr_array_index (cases, i), '/') + 1);
      g_test_add_data_func (path, g_ptr_array_index (cases, i), test_bundled_case);
    }
  g_test_add_func ("/core/auto-calibration/fresh-phantoms", test_fresh_phantoms);
  g_test_add_func ("/core/auto-calibration/none/pngsuite", test_pngsuite);
  g_test_add_func ("/core/auto-calibration/none/fluoroscopy", test_fluoroscopy);
  g_test_add_func ("/core/auto-calibration/none/noise", test_noise);
  g_test_add_func ("/core/auto-calibration/none/dashed-line", test_dashed_line);
  g_test_add_func ("/core/auto-calibration/none/odd-frames", test_odd_frames);
  g_test_add_func ("/core/auto-calibration/robustness", test_robustness);
  g_test_add_func ("/core/auto-calibration/dicom", test_dicom);
  g_test_add_func ("/core/auto-calibration/copy", test_copy);
  g_test_add_func ("/core/auto-calibration/sector-arcs", test_sector_arcs);
  g_test_add_func ("/core/auto-calibration/sector-faded-corners", test_sector_faded_corners);

  status = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
