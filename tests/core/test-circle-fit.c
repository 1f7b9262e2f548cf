/* test-circle-fit.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-circle-fit.h"
#include "np-error.h"

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

static void
test_exact_circle (void)
{
  /* Centre (50, 40), radius 25: offsets (±25, 0), (0, 25), (15, 20),
   * (-20, 15), (15, -20) all have length 25 (3-4-5 triangles × 5). */
  static const double xy[] = { 75, 40, 25, 40, 50, 65, 65, 60, 30, 55, 65, 20 };
  g_autoptr(GArray) points = points_from (xy, 6);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCircleFit) fit = np_circle_fit (points, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->centre.x, 50.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->centre.y, 40.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 25.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->rms_residual_px, 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->se_radius_px, 0.0, 1e-6);
  g_assert_cmpuint (fit->residuals_px->len, ==, 6);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (g_array_index (fit->residuals_px, double, i), 0.0, 1e-6);
}

/* Points at angles start + span · i / (n − 1) on the circle centre (cx, cy),
 * radius r, each coordinate moved by a seeded normal of sd px (0: exact up
 * to the rounding of cos and sin). */
static GArray *
points_on_circle (double cx,
                  double cy,
                  double r,
                  double start,
                  double span,
                  guint  n,
                  double sd,
                  GRand *rand)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));

  for (guint i = 0; i < n; i++)
    {
      double angle = start + span * i / (n - 1);
      NpImagePoint p = { cx + r * cos (angle), cy + r * sin (angle) };

      if (sd > 0)
        {
          /* Box–Muller from the seeded GRand. */
          double u1 = g_rand_double_range (rand, 1e-300, 1.0), u2 = g_rand_double (rand);
          p.x += sd * sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
          p.y += sd * sqrt (-2 * log (u1)) * sin (2 * G_PI * u2);
        }
      g_array_append_val (points, p);
    }
  return points;
}

static void
test_exact_radius_62_5 (void)
{
  /* The reported failure: seven points exactly on a circle of radius 62.5 px
   * (centre (300, 200); offsets from 3-4-5 and 7-24-25 triangles scaled to
   * 62.5: (62.5, 0), (60, 17.5), (50, 37.5), (37.5, 50), (17.5, 60),
   * (0, 62.5), (-37.5, 50)). Every residual is exactly 0. */
  static const double xy[] = { 362.5, 200, 360, 217.5, 350, 237.5, 337.5, 250,
                               317.5, 260, 300, 262.5, 262.5, 250 };
  g_autoptr(GArray) points = points_from (xy, 7);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCircleFit) fit = np_circle_fit (points, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->centre.x, 300.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit->centre.y, 200.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 62.5, 1e-9);
  g_assert_cmpfloat (fit->rms_residual_px, <, 1e-9);
}

/* Exact points (up to the rounding of cos and sin) and 1e-9 px noise, 3, 5,
 * 7 and 50 points, over many placements, arcs from 29° to the full circle:
 * the fit never fails and lands on the circle it was drawn from. */
static void
test_exact_and_rounding_noise (void)
{
  static const guint counts[] = { 3, 5, 7, 50 };
  static const double noises[] = { 0.0, 1e-9 };
  static const double centres[][2] = { { 100, 100 }, { 300, 200 }, { 512, 384 }, { 64, 64 } };
  static const double starts[] = { 0.0, 0.3, 1.0, 2.0 };
  static const double spans[] = { 0.5, 1.0, 2.0, 3.0, 6.2 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (62);
  guint n_fits = 0;

  for (guint a = 0; a < G_N_ELEMENTS (noises); a++)
    for (guint b = 0; b < G_N_ELEMENTS (counts); b++)
      for (guint c = 0; c < G_N_ELEMENTS (centres); c++)
        for (guint d = 0; d < G_N_ELEMENTS (starts); d++)
          for (guint e = 0; e < G_N_ELEMENTS (spans); e++)
            {
              g_autoptr(GArray) points = points_on_circle (centres[c][0], centres[c][1], 62.5,
                                                           starts[d], spans[e], counts[b],
                                                           noises[a], rand);
              g_autoptr(GError) error = NULL;
              g_autoptr(NpCircleFit) fit = np_circle_fit (points, &error);

              g_assert_no_error (error);
              /* 1e-9 px noise on a 0.5 rad arc moves the centre by at most
               * about 1e-9 / (1 − cos 0.25) ≈ 3e-8 px; 1e-6 is far above. */
              g_assert_cmpfloat_with_epsilon (fit->centre.x, centres[c][0], 1e-6);
              g_assert_cmpfloat_with_epsilon (fit->centre.y, centres[c][1], 1e-6);
              g_assert_cmpfloat_with_epsilon (fit->radius_px, 62.5, 1e-6);
              g_assert_cmpfloat (fit->rms_residual_px, <, 1e-7);
              n_fits++;
            }
  g_assert_cmpuint (n_fits, ==, 2 * 4 * 4 * 4 * 5);
}

static void
test_three_points (void)
{
  /* Three points fix the circle; no degree of freedom is left for the SE. */
  static const double xy[] = { 75, 40, 50, 65, 25, 40 };
  g_autoptr(GArray) points = points_from (xy, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCircleFit) fit = np_circle_fit (points, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->centre.x, 50.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->centre.y, 40.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 25.0, 1e-6);
  g_assert_cmpfloat (fit->se_radius_px, ==, 0.0);
}

static void
test_short_arc (void)
{
  /* A 20° arc of a 1000 px circle centred at (400, 1300), as a curvilinear
   * probe's skin line: the algebraic start is biased on short arcs, the
   * geometric fit must still land on the circle. */
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCircleFit) fit = NULL;

  for (int degrees = 80; degrees <= 100; degrees += 5)
    {
      double angle = degrees * G_PI / 180.0;
      NpImagePoint p = { 400 + 1000 * cos (angle), 1300 - 1000 * sin (angle) };
      g_array_append_val (points, p);
    }
  fit = np_circle_fit (points, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->centre.x, 400.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->centre.y, 1300.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 1000.0, 1e-6);
}

static void
test_standard_errors (void)
{
  /* Points at distance 26 on the x axis and 24 on the y axis of (50, 40).
   * By the two mirror symmetries the centre stays at (50, 40); the radius
   * minimising sum (d - R)² is the mean distance, 25, so every residual is
   * ±1: RMS 1, sigma² = SSR / (n - 3) = 4 / 1 = 4.
   * Jacobian rows (d/da, d/db, d/dR) of d_i - R at the solution:
   *   (76, 40): (-1, 0, -1)   (24, 40): (1, 0, -1)
   *   (50, 64): (0, -1, -1)   (50, 16): (0, 1, -1)
   * JᵀJ = diag (2, 2, 4), so cov = sigma² · diag (1/2, 1/2, 1/4):
   *   SE(a) = SE(b) = sqrt (2), SE(R) = 1. */
  static const double xy[] = { 76, 40, 24, 40, 50, 64, 50, 16 };
  g_autoptr(GArray) points = points_from (xy, 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCircleFit) fit = np_circle_fit (points, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->centre.x, 50.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->centre.y, 40.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 25.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->rms_residual_px, 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->se_centre_x_px, G_SQRT2, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->se_centre_y_px, G_SQRT2, 1e-6);
  g_assert_cmpfloat_with_epsilon (fit->se_radius_px, 1.0, 1e-6);
  /* Outside the circle is positive. */
  g_assert_cmpfloat_with_epsilon (g_array_index (fit->residuals_px, double, 0), 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_array_index (fit->residuals_px, double, 2), -1.0, 1e-6);
}

static void
test_bad_input (void)
{
  static const double two[] = { 0, 0, 10, 10 };
  static const double line[] = { 0, 0, 10, 10, 20, 20, 30, 30 };
  static const double same[] = { 5, 5, 5, 5, 5, 5 };
  static const double far[] = { 0, 0, 10, 0, 0, 3e6 };
  const struct
  {
    const double *xy;
    guint n;
    const char *message;
  } cases[] = {
    { two, 2, "at least 3 points; 2 given" },
    { line, 4, "lie on a straight line" },
    { same, 3, "All points are at the same place" },
    { far, 3, "Point 3 is not a usable image position" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GArray) points = points_from (cases[i].xy, cases[i].n);
      g_autoptr(GError) error = NULL;
      g_autoptr(NpCircleFit) fit = np_circle_fit (points, &error);

      g_test_message ("case %u: %s", i, cases[i].message);
      g_assert_null (fit);
      g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_copy (void)
{
  static const double xy[] = { 76, 40, 24, 40, 50, 64, 50, 16 };
  g_autoptr(GArray) points = points_from (xy, 4);
  g_autoptr(NpCircleFit) fit = np_circle_fit (points, NULL);
  g_autoptr(NpCircleFit) copy = np_circle_fit_copy (fit);

  g_assert_cmpfloat (copy->radius_px, ==, fit->radius_px);
  g_assert_cmpuint (copy->residuals_px->len, ==, 4);
  g_assert_true (copy->residuals_px != fit->residuals_px);
}

/* (100, 50), (190, 20) and (10, 20) all lie 150 px from (100, -100):
 * 90² + 120² = 150². The solver used to stop with "exceeded max number of
 * iterations" on this exact start. */
static void
test_three_points_far_centre (void)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCircleFit) fit = NULL;
  NpImagePoint p[] = { { 100, 50 }, { 190, 20 }, { 10, 20 } };

  g_array_append_vals (points, p, 3);
  fit = np_circle_fit (points, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (fit->centre.x, 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit->centre.y, -100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit->radius_px, 150.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (fit->rms_residual_px, 0.0, 1e-9);
}

int
main (int    argc,
      char **argv)
{
  np_gsl_init ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/circle-fit/exact-circle", test_exact_circle);
  g_test_add_func ("/core/circle-fit/exact-radius-62.5", test_exact_radius_62_5);
  g_test_add_func ("/core/circle-fit/exact-and-rounding-noise", test_exact_and_rounding_noise);
  g_test_add_func ("/core/circle-fit/three-points", test_three_points);
  g_test_add_func ("/core/circle-fit/three-points-far-centre", test_three_points_far_centre);
  g_test_add_func ("/core/circle-fit/short-arc", test_short_arc);
  g_test_add_func ("/core/circle-fit/standard-errors", test_standard_errors);
  g_test_add_func ("/core/circle-fit/bad-input", test_bad_input);
  g_test_add_func ("/core/circle-fit/copy", test_copy);
  return g_test_run ();
}
