/* test-calibration-regions.c: the file's calibration and the region rule
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Synthetic regions are worked out by hand in the comments; the real files'
 * truth is ../shared/testdata/dicom/METADATA.tsv (PhysicalDelta and bounds
 * as dcmdump shows them).
 */

#define G_LOG_DOMAIN "test-calibration-regions"

#include "test-planner-util.h"

#include "np-dicom-calibration.h"
#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-frame.h"

#include <math.h>
#include <string.h>

static void
add_region (NpDicomInfo *info,
            gint64 x0, gint64 y0, gint64 x1, gint64 y1,
            int format, int type, int units_x, int units_y,
            double delta_x, double delta_y)
{
  NpDicomRegion r = { x0, y0, x1, y1, format, type, units_x, units_y, delta_x, delta_y };

  g_array_append_val (info->regions, r);
}

static NpDicomInfo *
info_new (const char *modality)
{
  NpDicomInfo *info = g_new0 (NpDicomInfo, 1);

  info->modality = g_strdup (modality);
  info->regions = g_array_new (FALSE, FALSE, sizeof (NpDicomRegion));
  for (guint i = 0; i < 2; i++)
    info->pixel_spacing[i] = info->imager_pixel_spacing[i] = NAN;
  info->magnification = info->sid_mm = info->sod_mm = NAN;
  return info;
}

/* An 800 × 600 frame with four regions:
 * 1. 2D tissue in cm, x 100–399, y 50–449, Δ −0.02 / 0.02 cm: 0.2 mm/px
 *    (the negative delta counts by its size), bounds {100, 50, 300, 400};
 * 2. 2D tissue in cm, x 400–820, y 50–449, Δ 0.025 cm: 0.25 mm/px, cut to
 *    the frame's last column 799: bounds {400, 50, 400, 400};
 * 3. a PW Doppler spectrum (format 3, type 3), units cm/s and s: listed only;
 * 4. 2D tissue in cm with Δ 0.5 cm = 5 mm/px: implausible, not used. */
static NpDicomInfo *
synthetic_info (void)
{
  NpDicomInfo *info = info_new ("US");

  add_region (info, 100, 50, 399, 449, 1, 1, 3, 3, -0.02, 0.02);
  add_region (info, 400, 50, 820, 449, 1, 1, 3, 3, 0.025, 0.025);
  add_region (info, 100, 460, 700, 590, 3, 3, 4, 7, 0.01, 2.0);
  add_region (info, 0, 0, 50, 40, 1, 1, 3, 3, 0.5, 0.5);
  return info;
}

static void
test_ultrasound_regions (void)
{
  g_autoptr(NpDicomInfo) info = synthetic_info ();
  g_autoptr(NpDicomCalibration) dc = np_dicom_calibration_new (info, 800, 600);
  const NpDicomCalibrationRegion *r;
  const NpCalibrationRegion *c;

  g_assert_cmpuint (dc->regions->len, ==, 4);
  g_assert_nonnull (dc->calibration);
  g_assert_null (dc->reason);
  g_assert_cmpstr (dc->source, ==, "from the scanner's ultrasound regions 1 and 2");
  g_assert_cmpint (dc->calibration->method, ==, NP_CALIBRATION_FILE);
  g_assert_cmpuint (np_calibration_get_n_regions (dc->calibration), ==, 2);
  /* The single-region fields repeat region 1. */
  g_assert_cmpfloat_with_epsilon (dc->calibration->mm_per_px_x, 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (dc->calibration->mm_per_px_y, 0.2, 1e-12);
  g_assert_true (dc->calibration->has_region);

  r = &g_array_index (dc->regions, NpDicomCalibrationRegion, 0);
  g_assert_true (r->usable);
  g_assert_null (r->problem);
  g_assert_cmpfloat (r->bounds.x, ==, 100);
  g_assert_cmpfloat (r->bounds.width, ==, 300);
  g_assert_cmpfloat (r->bounds.height, ==, 400);

  r = &g_array_index (dc->regions, NpDicomCalibrationRegion, 1);
  g_assert_true (r->usable);
  g_assert_nonnull (strstr (r->problem, "cut to it"));
  c = np_calibration_get_region (dc->calibration, 1);
  g_assert_cmpuint (c->number, ==, 2);
  g_assert_cmpfloat (c->bounds.x, ==, 400);
  g_assert_cmpfloat (c->bounds.width, ==, 400);
  g_assert_cmpfloat_with_epsilon (c->mm_per_px_x, 0.25, 1e-12);

  r = &g_array_index (dc->regions, NpDicomCalibrationRegion, 2);
  g_assert_false (r->usable);
  g_assert_nonnull (strstr (r->problem, "spectral PW Doppler"));
  g_assert_nonnull (strstr (r->problem, "never used for millimetres"));

  r = &g_array_index (dc->regions, NpDicomCalibrationRegion, 3);
  g_assert_false (r->usable);
  g_assert_nonnull (strstr (r->problem, "5 × 5 mm/px, outside the plausible"));
}

static void
test_ultrasound_no_usable_region (void)
{
  g_autoptr(NpDicomInfo) info = info_new ("US");
  g_autoptr(NpDicomCalibration) none = np_dicom_calibration_new (info, 640, 480);
  g_autoptr(NpDicomCalibration) unitless = NULL;

  g_assert_null (none->calibration);
  g_assert_cmpstr (none->reason, ==, "the file has no ultrasound regions");

  add_region (info, 0, 0, 639, 479, 1, 1, 0, 0, 0.03, 0.03);
  unitless = np_dicom_calibration_new (info, 640, 480);
  g_assert_null (unitless->calibration);
  g_assert_nonnull (strstr (g_array_index (unitless->regions, NpDicomCalibrationRegion,
                                           0).problem, "not give its pixel size in centimetres"));
}

/* X-ray, 1000 × 1000: Pixel Spacing 0.3 (rows) / 0.2 (columns) is used as
 * it stands; Imager Pixel Spacing 0.4 with factor 1.25 gives 0.32; with SID
 * 1000 and SOD 750 instead, 0.4 × 0.75 = 0.3; alone it is not used. */
static void
test_xray_spacing (void)
{
  g_autoptr(NpDicomInfo) info = info_new ("XA");
  NpDicomCalibration *dc;

  dc = np_dicom_calibration_new (info, 1000, 1000);
  g_assert_null (dc->calibration);
  g_assert_cmpstr (dc->reason, ==, "the file gives no pixel spacing");
  np_dicom_calibration_free (dc);

  info->imager_pixel_spacing[0] = info->imager_pixel_spacing[1] = 0.4;
  dc = np_dicom_calibration_new (info, 1000, 1000);
  g_assert_null (dc->calibration);
  g_assert_nonnull (strstr (dc->reason, "spacing at the detector"));
  np_dicom_calibration_free (dc);

  info->sid_mm = 1000;
  info->sod_mm = 750;
  dc = np_dicom_calibration_new (info, 1000, 1000);
  g_assert_cmpfloat_with_epsilon (dc->calibration->mm_per_px_x, 0.3, 1e-12);
  g_assert_nonnull (strstr (dc->source, "SOD / SID"));
  np_dicom_calibration_free (dc);

  info->magnification = 1.25;
  dc = np_dicom_calibration_new (info, 1000, 1000);
  g_assert_cmpfloat_with_epsilon (dc->calibration->mm_per_px_x, 0.32, 1e-12);
  g_assert_nonnull (strstr (dc->source, "Magnification Factor"));
  np_dicom_calibration_free (dc);

  info->pixel_spacing[0] = 0.3;
  info->pixel_spacing[1] = 0.2;
  dc = np_dicom_calibration_new (info, 1000, 1000);
  g_assert_cmpfloat_with_epsilon (dc->calibration->mm_per_px_x, 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (dc->calibration->mm_per_px_y, 0.3, 1e-12);
  g_assert_nonnull (strstr (dc->source, "Pixel Spacing (0028,0030)"));
  np_dicom_calibration_free (dc);
}

/* The C-arm geometry of an X-ray header, worked out by hand: source to
 * detector 1000 mm, to the patient 750 mm; Imager Pixel Spacing is row
 * then column, so 0.2 mm between rows is y and 0.15 mm between columns is
 * x; the central ray through the centre of 1024 × 768 is (512, 384). */
static void
test_xray_geometry (void)
{
  g_autoptr(NpDicomInfo) info = info_new ("XA");
  NpFluoroGeometry geometry = { 0 };

  info->sid_mm = 1000;
  info->sod_mm = 750;
  info->imager_pixel_spacing[0] = 0.2;
  info->imager_pixel_spacing[1] = 0.15;
  g_assert_true (np_dicom_fluoro_geometry (info, 1024, 768, &geometry));
  g_assert_cmpfloat (geometry.sid_mm, ==, 1000);
  g_assert_cmpfloat (geometry.sod_mm, ==, 750);
  g_assert_cmpfloat (geometry.detector_pixel_mm[0], ==, 0.15);
  g_assert_cmpfloat (geometry.detector_pixel_mm[1], ==, 0.2);
  g_assert_cmpfloat (geometry.central_ray.x, ==, 512);
  g_assert_cmpfloat (geometry.central_ray.y, ==, 384);

  /* The patient beyond the detector, a missing distance or spacing: none. */
  info->sod_mm = 1000;
  g_assert_false (np_dicom_fluoro_geometry (info, 1024, 768, &geometry));
  info->sod_mm = NAN;
  g_assert_false (np_dicom_fluoro_geometry (info, 1024, 768, &geometry));
  info->sod_mm = 750;
  info->imager_pixel_spacing[1] = NAN;
  g_assert_false (np_dicom_fluoro_geometry (info, 1024, 768, &geometry));
}

static void
test_find_region (void)
{
  g_autoptr(NpDicomInfo) info = synthetic_info ();
  g_autoptr(NpDicomCalibration) dc = np_dicom_calibration_new (info, 800, 600);
  NpImagePoint in1[] = { { 150, 100 }, { 350, 400 } };
  NpImagePoint edge[] = { { 100, 50 }, { 400, 450 } };     /* region 1's corners */
  NpImagePoint split[] = { { 350, 100 }, { 450, 100 } };
  NpImagePoint out[] = { { 150, 100 }, { 50, 100 } };
  g_autofree char *why_split = NULL;
  g_autofree char *why_out = NULL;

  g_assert_cmpint (np_calibration_find_region (dc->calibration, in1, 2, NULL), ==, 0);
  g_assert_cmpint (np_calibration_find_region (dc->calibration, edge, 2, NULL), ==, 0);
  g_assert_cmpint (np_calibration_find_region (dc->calibration, split, 2, &why_split), ==, -1);
  g_assert_nonnull (strstr (why_split, "different ultrasound regions"));
  g_assert_cmpint (np_calibration_find_region (dc->calibration, out, 2, &why_out), ==, -1);
  g_assert_nonnull (strstr (why_out, "point 2 of 2 lies outside every"));

  /* Contained: in either region (region 2 spans x 400–800), not between. */
  g_assert_true (np_calibration_contains (dc->calibration, np_image_point (150, 100)));
  g_assert_true (np_calibration_contains (dc->calibration, np_image_point (799.5, 449.5)));
  g_assert_false (np_calibration_contains (dc->calibration, np_image_point (50, 100)));
  g_assert_false (np_calibration_contains (dc->calibration, np_image_point (450, 455)));
}

static void
test_copy_equal (void)
{
  g_autoptr(NpDicomInfo) info = synthetic_info ();
  g_autoptr(NpDicomCalibration) dc = np_dicom_calibration_new (info, 800, 600);
  g_autoptr(NpCalibration) copy = np_calibration_copy (dc->calibration);

  g_assert_true (np_calibration_equal (copy, dc->calibration));
  g_array_index (copy->regions, NpCalibrationRegion, 1).mm_per_px_x = 0.3;
  g_assert_false (np_calibration_equal (copy, dc->calibration));
}

static NpPlan *
synthetic_plan (void)
{
  g_autoptr(NpDicomInfo) info = synthetic_info ();
  g_autoptr(NpDicomCalibration) dc = np_dicom_calibration_new (info, 800, 600);
  NpPlan *plan = plan_new (0);

  np_calibration_free (plan->calibration);
  plan->calibration = g_steal_pointer (&dc->calibration);
  return plan;
}

static const NpMeasurementValue *
value_at (const NpPlanResults *results,
          guint                i)
{
  g_assert_cmpuint (i, <, results->measurements->len);
  return &g_array_index (results->measurements, NpMeasurementValue, i);
}

/* Distances, no target yet:
 * A (150,100)–(350,250) in region 1: 200 × 0.2 = 40, 150 × 0.2 = 30 → 50 mm;
 * B (500,100)–(740,280) in region 2 at its own 0.25: 60 and 45 → 75 mm;
 * C (350,100)–(450,100) spans regions 1 and 2: 100 px, no mm;
 * D (50,100)–(150,100) starts outside every region: 100 px, no mm. */
static void
test_rule_measurements (void)
{
  g_autoptr(NpPlan) plan = synthetic_plan ();
  g_autoptr(NpPlanResults) results = NULL;
  NpMeasurement m[] = {
    { NP_MEASURE_DISTANCE, 2, { { 150, 100 }, { 350, 250 }, { 0, 0 } } },
    { NP_MEASURE_DISTANCE, 2, { { 500, 100 }, { 740, 280 }, { 0, 0 } } },
    { NP_MEASURE_DISTANCE, 2, { { 350, 100 }, { 450, 100 }, { 0, 0 } } },
    { NP_MEASURE_DISTANCE, 2, { { 50, 100 }, { 150, 100 }, { 0, 0 } } },
  };
  const NpMeasurementValue *v;

  g_array_append_vals (plan->measurements, m, G_N_ELEMENTS (m));
  results = compute (plan);
  g_assert_true (results->calibrated);
  g_assert_cmpstr (results->unit, ==, "mm");

  v = value_at (results, 0);
  g_assert_true (v->valid);
  g_assert_false (v->outside_region);
  g_assert_cmpfloat_with_epsilon (v->value, 50, 1e-9);

  v = value_at (results, 1);
  g_assert_true (v->valid);
  g_assert_false (v->outside_region);
  g_assert_cmpfloat_with_epsilon (v->value, 75, 1e-9);

  v = value_at (results, 2);
  g_assert_false (v->valid);
  g_assert_true (v->outside_region);
  g_assert_cmpfloat_with_epsilon (v->value_px, 100, 1e-9);
  g_assert_nonnull (strstr (v->outside_reason, "different ultrasound regions"));
  g_assert_true (has_warning (results, "Measurement 3 (distance) is in px"));

  v = value_at (results, 3);
  g_assert_false (v->valid);
  g_assert_true (v->outside_region);
  g_assert_cmpfloat_with_epsilon (v->value_px, 100, 1e-9);
  g_assert_nonnull (strstr (v->outside_reason, "point 1 of 2 lies outside every"));
}

/* Depth below the top edge (the default linear skin), c = 1540 m/s:
 * target (200,250) and entry (200,50) in region 1: 250 × 0.2 = 50 mm;
 * target (500,250), entry (600,50) in region 2: 250 × 0.25 = 62.5 mm;
 * target in region 2, entry in region 1: the plan in px, depth 250 px. */
static void
test_rule_plan (void)
{
  g_autoptr(NpPlan) plan = synthetic_plan ();
  NpPlanResults *results;

  set_path (plan, 200, 50, 200, 250);
  results = compute (plan);
  g_assert_true (results->calibrated);
  g_assert_true (results->has_depth);
  g_assert_cmpfloat_with_epsilon (results->depth, 50, 1e-9);
  np_plan_results_free (results);

  set_path (plan, 600, 50, 500, 250);
  results = compute (plan);
  g_assert_true (results->calibrated);
  g_assert_cmpfloat_with_epsilon (results->depth, 62.5, 1e-9);
  np_plan_results_free (results);

  set_path (plan, 200, 50, 500, 250);
  results = compute (plan);
  g_assert_false (results->calibrated);
  g_assert_cmpstr (results->unit, ==, "px");
  g_assert_cmpfloat_with_epsilon (results->depth, 250, 1e-9);
  g_assert_true (has_warning (results, "Values are in pixels: the target, entry and skin line "
                                       "are not in one ultrasound region"));
  np_plan_results_free (results);
}

/* The uncertainty follows the same rule. No click error; the tissue speed
 * runs over 1450–1600 m/s, so a depth of 62.5 mm (region 2) lies in
 * 62.5 × [1450, 1600] / 1540 = [58.85, 64.94] mm, never around region 1's
 * 50 mm; spanning two regions the depth is 250 px, and px do not depend on
 * the speed. */
static void
test_rule_uncertainty (void)
{
  g_autoptr(NpPlan) plan = synthetic_plan ();
  g_autoptr(GError) error = NULL;
  NpPlannerOptions options;
  NpPlanResults *results;

  np_planner_options_init (&options);
  set_path (plan, 600, 50, 500, 250);
  results = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, &options, results, &error));
  g_assert_no_error (error);
  g_assert_true (results->has_depth_ci);
  g_assert_cmpfloat (results->depth_ci95[0], >, 58.8);
  g_assert_cmpfloat (results->depth_ci95[1], <, 65.0);
  g_assert_cmpfloat (results->depth_ci95[0], <, 62.5);
  g_assert_cmpfloat (results->depth_ci95[1], >, 62.5);
  np_plan_results_free (results);

  set_path (plan, 200, 50, 500, 250);
  results = compute (plan);
  g_assert_true (np_planner_estimate_uncertainty (plan, &options, results, &error));
  g_assert_no_error (error);
  g_assert_false (results->calibrated);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[0], 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (results->depth_ci95[1], 250, 1e-9);
  np_plan_results_free (results);
}

/* ---- Real files ------------------------------------------------------- */

static NpFrame *
load_shared (const char *relative)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");
  g_autofree char *path = g_build_filename (dir != NULL && *dir != '\0' ? dir : NP_TESTDATA_DIR,
                                            relative, NULL);
  g_autoptr(GError) error = NULL;
  NpFrame *frame;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *why = g_strdup_printf ("no shared test data: %s is absent", path);
      g_test_skip (why);
      return NULL;
    }
  frame = np_dicom_helper_load_frame (path, 0, &error);
  g_assert_no_error (error);
  return frame;
}

static NpPlan *
plan_for_file (NpFrame *frame)
{
  g_autoptr(NpDicomCalibration) dc =
    np_dicom_calibration_new (np_frame_get_dicom_info (frame), np_frame_get_width (frame),
                              np_frame_get_height (frame));
  NpPlan *plan = plan_new (0);

  g_assert_nonnull (dc->calibration);
  np_calibration_free (plan->calibration);
  plan->calibration = g_steal_pointer (&dc->calibration);
  return plan;
}

/* ALOKA SSD-4000, 640 × 480: two side-by-side 2D tissue regions x 32–335
 * and x 336–639, y 24–415, Δ 0.038265306502580643 cm = 0.38265306502580643
 * mm/px; a third region without units is not used.
 * (100,100)–(250,300) in the left panel: 150, 200 → 250 px → 95.663 mm;
 * (300,100)–(400,100) crosses into the right panel: 100 px;
 * (10,10)–(100,100) starts above and left of both: 127.28 px. */
static void
test_aloka (void)
{
  g_autoptr(NpFrame) frame = load_shared ("dicom/us/gdcm-US-ALOKA-16.dcm");
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  NpMeasurement m[] = {
    { NP_MEASURE_DISTANCE, 2, { { 100, 100 }, { 250, 300 }, { 0, 0 } } },
    { NP_MEASURE_DISTANCE, 2, { { 300, 100 }, { 400, 100 }, { 0, 0 } } },
    { NP_MEASURE_DISTANCE, 2, { { 10, 10 }, { 100, 100 }, { 0, 0 } } },
  };
  const NpCalibrationRegion *right;

  if (frame == NULL)
    return;
  plan = plan_for_file (frame);
  g_assert_cmpuint (np_calibration_get_n_regions (plan->calibration), ==, 2);
  right = np_calibration_get_region (plan->calibration, 1);
  g_assert_cmpfloat (right->bounds.x, ==, 336);
  g_assert_cmpfloat (right->bounds.width, ==, 304);
  g_assert_cmpfloat (right->bounds.height, ==, 392);
  g_assert_cmpfloat_with_epsilon (right->mm_per_px_y, 0.38265306502580643, 1e-12);

  g_array_append_vals (plan->measurements, m, G_N_ELEMENTS (m));
  results = compute (plan);
  g_assert_true (value_at (results, 0)->valid);
  g_assert_cmpfloat_with_epsilon (value_at (results, 0)->value, 250 * 0.38265306502580643, 1e-9);
  g_assert_false (value_at (results, 1)->valid);
  g_assert_cmpfloat_with_epsilon (value_at (results, 1)->value_px, 100, 1e-9);
  g_assert_nonnull (strstr (value_at (results, 1)->outside_reason, "different"));
  g_assert_false (value_at (results, 2)->valid);
  g_assert_cmpfloat_with_epsilon (value_at (results, 2)->value_px, 90 * G_SQRT2, 1e-9);
  g_assert_nonnull (strstr (value_at (results, 2)->outside_reason, "outside every"));
}

/* Philips CX50, 800 × 600: region 1 is 2D tissue x 120–800 (cut to 799),
 * y 60–518, Δ 0.026228787661969974 cm; region 2 a waveform, not used.
 * (200,100)–(500,500): 300, 400 → 500 px → 131.144 mm;
 * (200,540)–(200,100) starts in the waveform strip: 440 px. */
static void
test_obxxxx1a (void)
{
  g_autoptr(NpFrame) frame = load_shared ("dicom/us/OBXXXX1A.dcm");
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  NpMeasurement m[] = {
    { NP_MEASURE_DISTANCE, 2, { { 200, 100 }, { 500, 500 }, { 0, 0 } } },
    { NP_MEASURE_DISTANCE, 2, { { 200, 540 }, { 200, 100 }, { 0, 0 } } },
  };

  if (frame == NULL)
    return;
  plan = plan_for_file (frame);
  g_assert_cmpuint (np_calibration_get_n_regions (plan->calibration), ==, 1);
  g_assert_cmpfloat (plan->calibration->region.width, ==, 680);
  g_assert_cmpfloat (plan->calibration->region.height, ==, 459);

  g_array_append_vals (plan->measurements, m, G_N_ELEMENTS (m));
  results = compute (plan);
  g_assert_true (value_at (results, 0)->valid);
  g_assert_cmpfloat_with_epsilon (value_at (results, 0)->value, 5000 * 0.026228787661969974,
                                  1e-9);
  g_assert_false (value_at (results, 1)->valid);
  g_assert_cmpfloat_with_epsilon (value_at (results, 1)->value_px, 440, 1e-9);
}

/* The frame's file calibration (what the side panel offers and a new plan
 * starts with): the regions for ALOKA; for the XA cine, which carries no
 * spacing tag, an error that says so. */
static void
test_from_frame (void)
{
  g_autoptr(NpFrame) aloka = load_shared ("dicom/us/gdcm-US-ALOKA-16.dcm");
  g_autoptr(NpFrame) xa = NULL;
  g_autoptr(NpCalibration) calibration = NULL;
  g_autoptr(NpCalibration) none = NULL;
  g_autoptr(GError) error = NULL;

  if (aloka == NULL)
    return;
  calibration = np_calibration_new_from_frame (aloka, &error);
  g_assert_no_error (error);
  g_assert_cmpint (calibration->method, ==, NP_CALIBRATION_FILE);
  g_assert_cmpuint (np_calibration_get_n_regions (calibration), ==, 2);
  g_assert_true (g_str_has_prefix (calibration->note,
                                   "from the scanner's ultrasound regions 1 and 2"));

  xa = load_shared ("dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm");
  if (xa == NULL)
    return;
  none = np_calibration_new_from_frame (xa, &error);
  g_assert_null (none);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "gives no usable pixel size: the file gives no "
                                            "pixel spacing"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/calibration-regions/ultrasound", test_ultrasound_regions);
  g_test_add_func ("/calibration-regions/ultrasound-none", test_ultrasound_no_usable_region);
  g_test_add_func ("/calibration-regions/xray", test_xray_spacing);
  g_test_add_func ("/calibration-regions/xray-geometry", test_xray_geometry);
  g_test_add_func ("/calibration-regions/find", test_find_region);
  g_test_add_func ("/calibration-regions/copy-equal", test_copy_equal);
  g_test_add_func ("/calibration-regions/rule-measurements", test_rule_measurements);
  g_test_add_func ("/calibration-regions/rule-plan", test_rule_plan);
  g_test_add_func ("/calibration-regions/rule-uncertainty", test_rule_uncertainty);
  g_test_add_func ("/calibration-regions/aloka", test_aloka);
  g_test_add_func ("/calibration-regions/obxxxx1a", test_obxxxx1a);
  g_test_add_func ("/calibration-regions/from-frame", test_from_frame);
  return g_test_run ();
}
