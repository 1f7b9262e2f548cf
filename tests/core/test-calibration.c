/* test-calibration.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-calibration.h"
#include "np-error.h"

#include <math.h>
#include <string.h>

static void
test_uncalibrated (void)
{
  g_autoptr(NpCalibration) calibration = np_calibration_new ();
  NpMmPoint mm;

  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_NONE);
  g_assert_false (np_calibration_is_calibrated (calibration));
  g_assert_nonnull (calibration->points);
  g_assert_cmpuint (calibration->points->len, ==, 0);

  /* Never a millimetre value without a calibration. */
  mm = np_calibration_to_mm (calibration, np_image_point (10, 20));
  g_assert_true (isnan (mm.x) && isnan (mm.y));
  g_assert_true (isnan (np_calibration_distance_mm (calibration, np_image_point (0, 0),
                                                    np_image_point (3, 4))));
}

static void
test_is_calibrated (void)
{
  g_autoptr(NpCalibration) zero = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0, 0);
  g_autoptr(NpCalibration) negative = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, -0.1, 0);
  g_autoptr(NpCalibration) none = np_calibration_new_uniform (NP_CALIBRATION_NONE, 0.1, 0);
  g_autoptr(NpCalibration) manual = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0.1, 0);

  g_assert_false (np_calibration_is_calibrated (zero));
  g_assert_false (np_calibration_is_calibrated (negative));
  g_assert_false (np_calibration_is_calibrated (none));
  g_assert_true (np_calibration_is_calibrated (manual));

  manual->mm_per_px_y = 0;
  g_assert_false (np_calibration_is_calibrated (manual));
}

static void
test_anisotropic (void)
{
  g_autoptr(NpCalibration) calibration = np_calibration_new ();
  NpMmPoint mm;
  NpImagePoint px;

  calibration->method = NP_CALIBRATION_MANUAL;
  calibration->mm_per_px_x = 0.2;
  calibration->mm_per_px_y = 0.3;

  /* (10, 20) px → (10 · 0.2, 20 · 0.3) = (2, 6) mm. */
  mm = np_calibration_to_mm (calibration, np_image_point (10, 20));
  g_assert_cmpfloat_with_epsilon (mm.x, 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (mm.y, 6.0, 1e-12);
  px = np_calibration_to_image (calibration, mm);
  g_assert_cmpfloat_with_epsilon (px.x, 10.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (px.y, 20.0, 1e-12);

  /* (0, 0) to (30, 40) px: 6 mm across and 12 mm down, sqrt (36 + 144) =
   * sqrt (180) = 6 sqrt (5) mm (not 50 px · anything). */
  g_assert_cmpfloat_with_epsilon (np_calibration_distance_mm (calibration, np_image_point (0, 0),
                                                              np_image_point (30, 40)),
                                  6 * sqrt (5.0), 1e-12);
}

static void
test_region (void)
{
  g_autoptr(NpCalibration) calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0.1, 0);

  g_assert_true (np_calibration_contains (calibration, np_image_point (-1000, 5000)));

  calibration->has_region = TRUE;
  calibration->region = (NpImageRect) { 10, 20, 100, 50 };
  g_assert_true (np_calibration_contains (calibration, np_image_point (10, 20)));
  g_assert_true (np_calibration_contains (calibration, np_image_point (110, 70)));
  g_assert_true (np_calibration_contains (calibration, np_image_point (60, 45)));
  g_assert_false (np_calibration_contains (calibration, np_image_point (110.5, 70)));
  g_assert_false (np_calibration_contains (calibration, np_image_point (5, 30)));
  g_assert_false (np_calibration_contains (calibration, np_image_point (50, 71)));
}

static void
test_method_strings (void)
{
  static const char *const ids[] = {
    "none", "known-distance", "depth-scale", "depth-setting", "file", "sphere", "geometry",
    "manual", "depth-scale-automatic",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      NpCalibrationMethod method = NP_CALIBRATION_NONE;
      const char *description = np_calibration_method_describe ((NpCalibrationMethod) i);

      g_assert_cmpstr (np_calibration_method_to_string ((NpCalibrationMethod) i), ==, ids[i]);
      g_assert_true (np_calibration_method_from_string (ids[i], &method));
      g_assert_cmpint (method, ==, i);
      g_assert_nonnull (description);
      g_assert_cmpuint (strlen (description), >, 5);
    }
  {
    NpCalibrationMethod method = NP_CALIBRATION_SPHERE;
    g_assert_false (np_calibration_method_from_string ("Sphere", &method));
    g_assert_false (np_calibration_method_from_string ("", &method));
    g_assert_false (np_calibration_method_from_string (NULL, &method));
    g_assert_cmpint (method, ==, NP_CALIBRATION_SPHERE);
  }
}

static void
test_copy_equal (void)
{
  g_autoptr(NpCalibration) a = np_calibration_new_uniform (NP_CALIBRATION_KNOWN_DISTANCE, 0.5,
                                                           0.01);
  g_autoptr(NpCalibration) b = NULL;
  NpImagePoint p = { 1, 2 };

  g_array_append_val (a->points, p);
  a->note = g_strdup ("caliper");
  b = np_calibration_copy (a);
  g_assert_true (np_calibration_equal (a, b));
  g_assert_true (a->points != b->points);
  g_assert_true (a->note != b->note);

  g_array_index (b->points, NpImagePoint, 0).y = 3;
  g_assert_false (np_calibration_equal (a, b));
  g_array_index (b->points, NpImagePoint, 0).y = 2;
  g_assert_true (np_calibration_equal (a, b));
  b->has_region = TRUE;
  g_assert_false (np_calibration_equal (a, b));
  b->has_region = FALSE;
  g_clear_pointer (&b->note, g_free);
  g_assert_false (np_calibration_equal (a, b));
}

static void
test_known_distance (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCalibration) calibration = NULL;

  /* (10, 10) to (40, 50): 30 px across, 40 px down, 50 px apart (3-4-5).
   * 25 mm / 50 px = 0.5 mm/px. With ±1 px per end, SE(d) = sqrt (2) px and
   * SE = 0.5 · sqrt (2) / 50 = 0.01 · sqrt (2) mm/px. */
  calibration = np_calibration_new_known_distance (np_image_point (10, 10),
                                                   np_image_point (40, 50), 25.0, 1.0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_KNOWN_DISTANCE);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_y, 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (calibration->se_mm_per_px_x, 0.01 * G_SQRT2, 1e-12);
  g_assert_cmpfloat (calibration->reference_mm, ==, 25.0);
  g_assert_cmpuint (calibration->points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (calibration->points, NpImagePoint, 1).y, ==, 50.0);
  g_assert_true (np_calibration_is_calibrated (calibration));
  /* The same pair now measures 25 mm. */
  g_assert_cmpfloat_with_epsilon (np_calibration_distance_mm (calibration, np_image_point (10, 10),
                                                              np_image_point (40, 50)),
                                  25.0, 1e-12);
}

static void
test_depth_setting (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCalibration) calibration = NULL;

  /* 40 mm over rows 100 to 900: 40 / 800 = 0.05 mm/px; with ±1 px per edge
   * SE = 0.05 · sqrt (2) / 800 mm/px. */
  calibration = np_calibration_new_depth_setting (40.0, 100, 900, 1.0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_DEPTH_SETTING);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_y, 0.05, 1e-12);
  g_assert_cmpfloat_with_epsilon (calibration->se_mm_per_px_y, 0.05 * G_SQRT2 / 800, 1e-15);
  g_assert_cmpfloat (calibration->reference_mm, ==, 40.0);
}

static void
test_depth_scale (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ticks = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  g_autoptr(NpTickFit) fit = NULL;
  g_autoptr(NpCalibration) calibration = NULL;

  /* Ticks every 50 px at 10 mm: 0.2 mm/px. */
  for (int i = 0; i < 5; i++)
    {
      NpImagePoint p = { 780, 40 + 50 * i };
      g_array_append_val (ticks, p);
    }
  calibration = np_calibration_new_depth_scale (ticks, 10.0, &fit, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_DEPTH_SCALE);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_y, 0.2, 1e-12);
  g_assert_cmpfloat (calibration->reference_mm, ==, 10.0);
  g_assert_cmpuint (calibration->points->len, ==, 5);
  g_assert_nonnull (fit);
  g_assert_cmpuint (fit->n_used, ==, 5);
}

static void
test_geometry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCalibration) calibration = NULL;

  /* Magnification SID / SOD = 1000 / 800 = 1.25, so a 0.2 mm detector pixel
   * covers 0.2 / 1.25 = 0.16 mm at the object. */
  calibration = np_calibration_new_geometry (0.2, 1000, 800, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_GEOMETRY);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 0.16, 1e-12);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_y, 0.16, 1e-12);
  g_assert_nonnull (strstr (calibration->note, "magnification 1.25"));
}

static GArray *
sphere_rim (void)
{
  /* Four points at 26 px on the axes and four at 24 px on the diagonals of
   * (50, 40). Symmetry keeps the centre, R is the mean distance 25, every
   * residual is ±1 so sigma² = 8 / (8 - 3) = 8/5. JᵀJ = diag (4, 4, 8)
   * (axes give 1 each to a or b, diagonals 1/2 each to both, every point 1
   * to R), so SE(R)² = (8/5) / 8 = 1/5. */
  g_autoptr(GArray) rim = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  double d = 24 / G_SQRT2;
  NpImagePoint points[] = {
    { 76, 40 }, { 24, 40 }, { 50, 66 }, { 50, 14 },
    { 50 + d, 40 + d }, { 50 - d, 40 + d }, { 50 + d, 40 - d }, { 50 - d, 40 - d },
  };

  g_array_append_vals (rim, points, G_N_ELEMENTS (points));
  return g_steal_pointer (&rim);
}

static void
test_sphere (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rim = sphere_rim ();
  g_autoptr(NpCircleFit) fit = NULL;
  g_autoptr(NpCalibration) calibration = NULL;

  /* A 25 mm sphere 50 px across: 0.5 mm/px. SE = 0.5 · SE(R) / R =
   * 0.5 · sqrt (1/5) / 25. */
  calibration = np_calibration_new_sphere (rim, NP_CALIBRATION_DEFAULT_SPHERE_MM, &fit, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_SPHERE);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 25.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->se_radius_px, sqrt (0.2), 1e-6);
  g_assert_cmpfloat_with_epsilon (calibration->mm_per_px_x, 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (calibration->se_mm_per_px_x, 0.5 * sqrt (0.2) / 25, 1e-9);
  g_assert_cmpfloat (calibration->reference_mm, ==, 25.0);
  g_assert_cmpuint (calibration->points->len, ==, 8);
}

static void
test_from_frame (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_frame_new (4, 4, 1, 8, &error);
  g_autoptr(NpCalibration) calibration = NULL;
  NpCalibration *missing;

  g_assert_no_error (error);
  np_frame_set_source_path (frame, "/tmp/scan.png");

  missing = np_calibration_new_from_frame (frame, &error);
  g_assert_null (missing);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "“scan.png” does not declare a pixel size"));
  g_clear_error (&error);

  np_frame_set_declared_pixel_size (frame, 0.1, 0.12);
  calibration = np_calibration_new_from_frame (frame, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_FILE);
  g_assert_cmpfloat (calibration->mm_per_px_x, ==, 0.1);
  g_assert_cmpfloat (calibration->mm_per_px_y, ==, 0.12);
  g_assert_null (strstr (calibration->note, "dpi"));
  g_clear_pointer (&calibration, np_calibration_free);

  /* 96 dpi is 25.4 / 96 = 0.264583 mm: a screen setting, flagged in the note. */
  np_frame_set_declared_pixel_size (frame, 25.4 / 96, 25.4 / 96);
  calibration = np_calibration_new_from_frame (frame, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (calibration->note, "96 dpi"));
  g_assert_true (np_calibration_is_calibrated (calibration));
}

static void
test_suspicious_dpi (void)
{
  /* 25.4 mm per inch: 72 → 0.3528, 96 → 0.2646, 150 → 0.1693, 300 → 0.0847. */
  g_assert_true (np_calibration_is_suspicious_dpi (0.3528));
  g_assert_true (np_calibration_is_suspicious_dpi (0.2646));
  g_assert_true (np_calibration_is_suspicious_dpi (0.1693));
  g_assert_true (np_calibration_is_suspicious_dpi (0.0847));
  /* pHYs stores whole pixels per metre: 96 dpi is written as 3780 px/m. */
  g_assert_true (np_calibration_is_suspicious_dpi (1000.0 / 3780));
  g_assert_false (np_calibration_is_suspicious_dpi (0.1));
  g_assert_false (np_calibration_is_suspicious_dpi (0.2));
  g_assert_false (np_calibration_is_suspicious_dpi (0.3));
}

static void
test_bad_input (void)
{
  g_autoptr(GArray) four = sphere_rim ();
  NpCalibration *calibration;
  g_autoptr(GError) error = NULL;

  calibration = np_calibration_new_known_distance (np_image_point (5, 5), np_image_point (5.5, 5),
                                                   10, 1, &error);
  g_assert_null (calibration);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "less than a pixel apart"));
  g_clear_error (&error);

  calibration = np_calibration_new_known_distance (np_image_point (0, 0), np_image_point (30, 40),
                                                   0, 1, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "known distance in millimetres must be a positive"));
  g_clear_error (&error);

  calibration = np_calibration_new_known_distance (np_image_point (NAN, 0),
                                                   np_image_point (30, 40), 10, 1, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "first point is not a usable image position"));
  g_clear_error (&error);

  calibration = np_calibration_new_depth_setting (40, 500, 100, 1, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "must be below its top"));
  g_clear_error (&error);

  calibration = np_calibration_new_geometry (0.2, 800, 1000, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "cannot be larger than the source-to-image"));
  g_clear_error (&error);

  calibration = np_calibration_new_geometry (0, 1000, 800, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "detector pixel size must be a positive number"));
  g_clear_error (&error);

  g_array_set_size (four, 4);
  calibration = np_calibration_new_sphere (four, 25, NULL, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "at least 5 points on the rim"));
  g_clear_error (&error);

  calibration = np_calibration_new_sphere (four, -25, NULL, &error);
  g_assert_null (calibration);
  g_assert_nonnull (strstr (error->message, "sphere diameter in millimetres must be a positive"));
}

/* An accepted automatic candidate: 0.25 ± 0.001 mm/px, ticks 5 mm apart at
 * (600, 40 + 20 i), the fourth flagged; a 400 × 500 rectangle at (100, 40).
 * The calibration keeps the three used ticks as points, 5 mm as reference,
 * the rectangle as region. A result that found nothing gives an error. */
static void
test_depth_scale_auto (void)
{
  g_autoptr(NpAutoCalibration) result = g_new0 (NpAutoCalibration, 1);
  g_autoptr(NpCalibration) calibration = NULL;
  g_autoptr(NpCalibration) none = NULL;
  g_autoptr(GError) error = NULL;

  result->found = TRUE;
  result->mm_per_px = 0.25;
  result->se_mm_per_px = 0.001;
  result->spacing_mm = 5;
  result->ticks = g_array_new (FALSE, TRUE, sizeof (NpAutoTick));
  for (int i = 0; i < 4; i++)
    {
      NpAutoTick tick = { { 600, 40 + 20 * i }, 8, TRUE, i, 0, i != 3 };
      g_array_append_val (result->ticks, tick);
    }
  result->n_flagged = 1;
  result->region.shape = NP_AUTO_REGION_RECTANGLE;
  result->region.rect = (NpImageRect) { 100, 40, 400, 500 };

  calibration = np_calibration_new_depth_scale_auto (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_DEPTH_SCALE_AUTO);
  g_assert_cmpfloat (calibration->mm_per_px_y, ==, 0.25);
  g_assert_cmpfloat (calibration->se_mm_per_px_x, ==, 0.001);
  g_assert_cmpfloat (calibration->reference_mm, ==, 5);
  g_assert_cmpuint (calibration->points->len, ==, 3);
  g_assert_cmpfloat (g_array_index (calibration->points, NpImagePoint, 2).y, ==, 80);
  g_assert_true (calibration->has_region);
  g_assert_cmpfloat (calibration->region.width, ==, 400);
  g_assert_nonnull (strstr (calibration->note, "3 ticks found in the frame, 1 flagged"));

  result->found = FALSE;
  result->mm_per_px = 0;
  result->reason = g_strdup ("too few ticks");
  none = np_calibration_new_depth_scale_auto (result, &error);
  g_assert_null (none);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "too few ticks"));
}

int
main (int    argc,
      char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/calibration/uncalibrated", test_uncalibrated);
  g_test_add_func ("/core/calibration/is-calibrated", test_is_calibrated);
  g_test_add_func ("/core/calibration/anisotropic", test_anisotropic);
  g_test_add_func ("/core/calibration/region", test_region);
  g_test_add_func ("/core/calibration/method-strings", test_method_strings);
  g_test_add_func ("/core/calibration/copy-equal", test_copy_equal);
  g_test_add_func ("/core/calibration/known-distance", test_known_distance);
  g_test_add_func ("/core/calibration/depth-setting", test_depth_setting);
  g_test_add_func ("/core/calibration/depth-scale", test_depth_scale);
  g_test_add_func ("/core/calibration/geometry", test_geometry);
  g_test_add_func ("/core/calibration/sphere", test_sphere);
  g_test_add_func ("/core/calibration/from-frame", test_from_frame);
  g_test_add_func ("/core/calibration/suspicious-dpi", test_suspicious_dpi);
  g_test_add_func ("/core/calibration/bad-input", test_bad_input);
  g_test_add_func ("/core/calibration/depth-scale-auto", test_depth_scale_auto);
  return g_test_run ();
}
