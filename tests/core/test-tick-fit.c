/* test-tick-fit.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-tick-fit.h"

#include <math.h>
#include <string.h>

static GArray *
points_from (const double *xy,
             guint         n)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));

  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = { xy[2 * i], xy[2 * i + 1] };
      g_array_append_val (points, p);
    }
  return points;
}

/* Vertical scale at x = 400, ticks at the given y. */
static GArray *
vertical_ticks (const double *ys,
                guint         n)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));

  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = { 400.0, ys[i] };
      g_array_append_val (points, p);
    }
  return points;
}

static const NpTick *
tick_for_click (const NpTickFit *fit,
                guint            click_index)
{
  for (guint i = 0; i < fit->ticks->len; i++)
    {
      const NpTick *tick = &g_array_index (fit->ticks, NpTick, i);
      if (tick->click_index == click_index)
        return tick;
    }
  g_assert_not_reached ();
}

static void
test_exact_slope (void)
{
  /* Ticks every 25 px, 5 mm apart: 5 / 25 = 0.2 mm/px, no scatter so SE 0. */
  static const double ys[] = { 50, 75, 100, 125, 150 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (fit->se_mm_per_px, 0.0, 1e-9);
  g_assert_cmpuint (fit->n_used, ==, 5);
  g_assert_cmpuint (fit->n_flagged, ==, 0);
  /* The scale points down the image. */
  g_assert_cmpfloat_with_epsilon (fit->direction_y, 1.0, 1e-12);
  for (guint i = 0; i < fit->ticks->len; i++)
    {
      const NpTick *tick = &g_array_index (fit->ticks, NpTick, i);
      g_assert_cmpint (tick->tick_index, ==, (int) i);
      g_assert_cmpfloat_with_epsilon (tick->residual_mm, 0.0, 1e-9);
      g_assert_null (tick->reason);
    }
}

/* Exact ticks and ticks with 1e-9 px noise, 3, 5 and 50 of them, on a
 * vertical and a 3-4-5 diagonal scale, 12.5 px apart for 2.5 mm: the fit
 * never fails and gives 0.2 mm/px. */
static void
test_exact_and_rounding_noise (void)
{
  static const guint counts[] = { 3, 5, 50 };
  static const double noises[] = { 0.0, 1e-9 };
  static const double directions[][2] = { { 0, 1 }, { 0.6, 0.8 } };
  g_autoptr(GRand) rand = g_rand_new_with_seed (25);

  for (guint a = 0; a < G_N_ELEMENTS (noises); a++)
    for (guint b = 0; b < G_N_ELEMENTS (counts); b++)
      for (guint c = 0; c < G_N_ELEMENTS (directions); c++)
        {
          g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
          g_autoptr(GError) error = NULL;
          g_autoptr(NpTickFit) fit = NULL;

          for (guint i = 0; i < counts[b]; i++)
            {
              NpImagePoint p = { 40 + 12.5 * i * directions[c][0]
                                 + noises[a] * g_rand_double_range (rand, -1, 1),
                                 30 + 12.5 * i * directions[c][1]
                                 + noises[a] * g_rand_double_range (rand, -1, 1) };
              g_array_append_val (points, p);
            }
          fit = np_tick_fit (points, 2.5, &error);
          g_assert_no_error (error);
          g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.2, 1e-9);
          g_assert_cmpuint (fit->n_used, ==, counts[b]);
          g_assert_cmpuint (fit->n_flagged, ==, 0);
          g_assert_cmpfloat (fit->rms_residual_mm, <, 1e-8);
        }
}

static void
test_any_click_order (void)
{
  /* The same five ticks clicked out of order give the same slope. */
  static const double ys[] = { 125, 50, 150, 75, 100 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.2, 1e-12);
  g_assert_cmpint (tick_for_click (fit, 1)->tick_index, ==, 0);
  g_assert_cmpint (tick_for_click (fit, 2)->tick_index, ==, 4);
}

static void
test_diagonal_scale (void)
{
  /* Steps of (15, 20) px are 25 px long (3-4-5 triangle); 10 mm per tick
   * gives 10 / 25 = 0.4 mm/px. */
  static const double xy[] = { 100, 100, 115, 120, 130, 140, 145, 160 };
  g_autoptr(GArray) points = points_from (xy, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 10.0, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.4, 1e-12);
  g_assert_cmpfloat_with_epsilon (fit->direction_x, 0.6, 1e-12);
  g_assert_cmpfloat_with_epsilon (fit->direction_y, 0.8, 1e-12);
}

static void
test_standard_error (void)
{
  /* Positions x = 0, 26, 49, 75, 100 px (from the first tick), depths
   * y = 0, 5, 10, 15, 20 mm. Closed-form OLS:
   *   x̄ = 250 / 5 = 50, dx = -50, -24, -1, 25, 50
   *   Sxx = 2500 + 576 + 1 + 625 + 2500 = 6202
   *   ȳ = 10, dy = -10, -5, 0, 5, 10, Syy = 250
   *   Sxy = 500 + 120 + 0 + 125 + 500 = 1245
   *   slope = Sxy / Sxx = 1245 / 6202
   *   SSR = Syy - Sxy² / Sxx = (250 · 6202 - 1245²) / 6202 = (1550500 - 1550025) / 6202
   *       = 475 / 6202
   *   sigma² = SSR / (n - 2) = 475 / (3 · 6202) = 475 / 18606
   *   SE² = sigma² / Sxx = 475 / (18606 · 6202) */
  static const double ys[] = { 60, 86, 109, 135, 160 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fit->n_flagged, ==, 0);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 1245.0 / 6202.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (fit->se_mm_per_px, sqrt (475.0 / (18606.0 * 6202.0)), 1e-12);
  /* RMS residual over the 5 ticks: sqrt (SSR / 5). */
  g_assert_cmpfloat_with_epsilon (fit->rms_residual_mm, sqrt (475.0 / 6202.0 / 5.0), 1e-12);
}

static void
test_outlier_flagged (void)
{
  /* Ticks every 25 px at 5 mm, but the fourth click (index 3) landed 10 px
   * low: 10 px is 2 mm at 0.2 mm/px, over the limit of max (0.5 mm, 3 px).
   * It is left out and the others fit 0.2 mm/px exactly. */
  static const double ys[] = { 0, 25, 50, 85, 100, 125 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, &error);
  const NpTick *outlier;

  g_assert_no_error (error);
  g_assert_cmpuint (fit->n_flagged, ==, 1);
  g_assert_cmpuint (fit->n_used, ==, 5);
  outlier = tick_for_click (fit, 3);
  g_assert_cmpint (outlier->status, ==, NP_TICK_OFF_SCALE);
  g_assert_cmpint (outlier->tick_index, ==, 3);
  g_assert_nonnull (strstr (outlier->reason, "off the fitted scale"));
  /* Against the final fit the click is 10 px deeper than tick 3 at 75 px. */
  g_assert_cmpfloat_with_epsilon (outlier->residual_px, -10.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (fit->se_mm_per_px, 0.0, 1e-9);
}

static void
test_double_click_flagged (void)
{
  /* The third click is 0.4 px from the second: one tick clicked twice. */
  static const double ys[] = { 200, 225, 225.4, 250, 275, 300 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, &error);
  const NpTick *twice;

  g_assert_no_error (error);
  g_assert_cmpuint (fit->n_flagged, ==, 1);
  twice = tick_for_click (fit, 2);
  g_assert_cmpint (twice->status, ==, NP_TICK_DOUBLE_CLICK);
  g_assert_nonnull (strstr (twice->reason, "double click"));
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.2, 1e-12);
  /* The later ticks keep their numbers: 250 px is tick 2. */
  g_assert_cmpint (tick_for_click (fit, 3)->tick_index, ==, 2);
}

static void
test_missed_tick_flagged (void)
{
  /* Tick 2 (at 50 px) was skipped: the gap before 75 px is twice the
   * spacing. The tick after the gap is flagged; the others keep their true
   * numbers (0, 1, 4, 5) and still fit 0.2 mm/px. */
  static const double ys[] = { 0, 25, 75, 100, 125 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, &error);
  const NpTick *after_gap;

  g_assert_no_error (error);
  after_gap = tick_for_click (fit, 2);
  g_assert_cmpint (after_gap->status, ==, NP_TICK_AFTER_GAP);
  g_assert_cmpint (after_gap->tick_index, ==, 3);
  g_assert_nonnull (strstr (after_gap->reason, "1 tick missed"));
  g_assert_cmpint (tick_for_click (fit, 4)->tick_index, ==, 5);
  g_assert_cmpuint (fit->n_used, ==, 4);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.2, 1e-12);
}

static void
test_real_linear_scale (void)
{
  /* The 12 depth ticks (0 to 11 cm, every 10 mm) on the right edge of
   * testdata/frames/us_Philips_palette_800x600_rgb.png, read off the pixels:
   * each tick is 3 rows tall, rows 96-98, 133-135, ..., 515-517, so a click
   * at the middle row's centre is y = 97.5, 134.5, ... The DICOM it came from
   * (dicom/us/OBXXXX1A.dcm) states PhysicalDeltaY = 0.026228787661969974 cm,
   * i.e. 0.26228787661969974 mm/px; the fit must agree within 0.5%. */
  static const double ys[] = {
    97.5, 134.5, 172.5, 211.5, 249.5, 287.5, 325.5, 363.5, 401.5, 439.5, 477.5, 516.5,
  };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 10.0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fit->n_flagged, ==, 0);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.26228787661969974,
                                  0.005 * 0.26228787661969974);
}

static void
test_real_sector_scale (void)
{
  /* The 15 depth dots along the right edge of the sector in
   * testdata/frames/us_EPIQ7C_gray8_1024x768.png, one per centimetre along
   * the beam: centres of the 4 × 3 px dots, read off the pixels (pixel
   * indices + 0.5). The DICOM (dicom/us/JPGLosslessP14SV1_1s_1f_8b.dcm)
   * states 0.025476696592378154 cm per pixel: 0.25476696592378154 mm/px. */
  static const double xy[] = {
    515, 84.5, 543, 112.5, 571, 140.5, 599, 167.5, 626, 195.5, 654, 223.5, 682, 251.5,
    710, 278.5, 737, 306.5, 765, 334.5, 793, 362.5, 821, 389.5, 848, 417.5, 876, 445.5,
    904, 473.5,
  };
  g_autoptr(GArray) points = points_from (xy, G_N_ELEMENTS (xy) / 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 10.0, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (fit->n_flagged, ==, 0);
  g_assert_cmpfloat_with_epsilon (fit->mm_per_px, 0.25476696592378154,
                                  0.005 * 0.25476696592378154);
}

static void
test_bad_input (void)
{
  static const double two[] = { 0, 25 };
  static const double same[] = { 10, 10, 10 };
  static const double crowded[] = { 0, 0.2, 0.4, 0.6 };
  static const double far[] = { 0, 25, 2e6 };
  /* Gaps 25 and 50 px: the fit through 0, 5, 10 mm leaves the middle tick
   * about 1.07 mm (over 0.5 mm) off, and two ticks cannot make a scale. */
  static const double uneven[] = { 0, 25, 75 };
  static const double good[] = { 0, 25, 50 };
  const struct
  {
    const double *ys;
    guint n;
    double spacing;
    const char *message;
  } cases[] = {
    { two, G_N_ELEMENTS (two), 5, "at least 3 ticks; 2 given" },
    { same, G_N_ELEMENTS (same), 5, "All ticks are at the same place" },
    { crowded, G_N_ELEMENTS (crowded), 5, "less than a pixel apart" },
    { far, G_N_ELEMENTS (far), 5, "Tick 3 is not a usable image position" },
    { uneven, G_N_ELEMENTS (uneven), 5, "Only 2 of the 3 ticks fit the scale" },
    { good, G_N_ELEMENTS (good), 0, "tick spacing must be a positive number" },
    { good, G_N_ELEMENTS (good), -5, "tick spacing must be a positive number" },
    { good, G_N_ELEMENTS (good), NAN, "tick spacing must be a positive number" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) points = vertical_ticks (cases[i].ys, cases[i].n);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpTickFit) fit = np_tick_fit (points, cases[i].spacing, &error);

      g_test_message ("case %u: %s", i, cases[i].message);
      g_assert_null (fit);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_copy (void)
{
  static const double ys[] = { 200, 225, 225.4, 250, 275 };
  g_autoptr(GArray) points = vertical_ticks (ys, G_N_ELEMENTS (ys));
  g_autoptr(NpTickFit) fit = np_tick_fit (points, 5.0, NULL);
  g_autoptr(NpTickFit) copy = np_tick_fit_copy (fit);

  g_assert_cmpfloat (copy->mm_per_px, ==, fit->mm_per_px);
  g_assert_cmpuint (copy->ticks->len, ==, fit->ticks->len);
  g_assert_cmpstr (tick_for_click (copy, 2)->reason, ==, tick_for_click (fit, 2)->reason);
  g_assert_true (tick_for_click (copy, 2)->reason != tick_for_click (fit, 2)->reason);
  g_assert_cmpstr (np_tick_status_to_string (NP_TICK_DOUBLE_CLICK), ==, "double-click");
}

int
main (int    argc,
      char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/tick-fit/exact-slope", test_exact_slope);
  g_test_add_func ("/core/tick-fit/exact-and-rounding-noise", test_exact_and_rounding_noise);
  g_test_add_func ("/core/tick-fit/any-click-order", test_any_click_order);
  g_test_add_func ("/core/tick-fit/diagonal-scale", test_diagonal_scale);
  g_test_add_func ("/core/tick-fit/standard-error", test_standard_error);
  g_test_add_func ("/core/tick-fit/outlier-flagged", test_outlier_flagged);
  g_test_add_func ("/core/tick-fit/double-click-flagged", test_double_click_flagged);
  g_test_add_func ("/core/tick-fit/missed-tick-flagged", test_missed_tick_flagged);
  g_test_add_func ("/core/tick-fit/real-linear-scale", test_real_linear_scale);
  g_test_add_func ("/core/tick-fit/real-sector-scale", test_real_sector_scale);
  g_test_add_func ("/core/tick-fit/bad-input", test_bad_input);
  g_test_add_func ("/core/tick-fit/copy", test_copy);
  return g_test_run ();
}
