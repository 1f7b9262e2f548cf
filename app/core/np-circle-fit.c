/* np-circle-fit.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-circle-fit.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_matrix, gsl_matrix_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_vector, gsl_vector_free)

#define MAX_COORDINATE_PX 1e6
/* A radius beyond this is a straight line for any frame we open. */
#define MAX_RADIUS_PX 1e6
/* Smallest/largest spread of the points below this: they are on a line. */
#define COLLINEAR_RATIO 1e-10

/* The points, shifted to their mean and divided by their RMS spread, so the
 * fit works on numbers near 1 whatever the frame size. */
typedef struct
{
  const double *u;
  const double *v;
  gsize n;
} CircleData;

static int
circle_f (const gsl_vector *params,
          void             *user_data,
          gsl_vector       *f)
{
  const CircleData *data = user_data;
  double a = gsl_vector_get (params, 0);
  double b = gsl_vector_get (params, 1);
  double r = gsl_vector_get (params, 2);

  for (gsize i = 0; i < data->n; i++)
    gsl_vector_set (f, i, hypot (data->u[i] - a, data->v[i] - b) - r);
  return GSL_SUCCESS;
}

static int
circle_df (const gsl_vector *params,
           void             *user_data,
           gsl_matrix       *jacobian)
{
  const CircleData *data = user_data;
  double a = gsl_vector_get (params, 0);
  double b = gsl_vector_get (params, 1);

  for (gsize i = 0; i < data->n; i++)
    {
      double du = data->u[i] - a;
      double dv = data->v[i] - b;
      double d = hypot (du, dv);

      /* A point on the centre has no defined direction; it does not steer the centre. */
      gsl_matrix_set (jacobian, i, 0, d > 0 ? -du / d : 0.0);
      gsl_matrix_set (jacobian, i, 1, d > 0 ? -dv / d : 0.0);
      gsl_matrix_set (jacobian, i, 2, -1.0);
    }
  return GSL_SUCCESS;
}

/* Algebraic (Kåsa) fit: u² + v² + D u + E v + F = 0 in the least-squares
 * sense, linear in D, E, F. Biased for short arcs, but a good start. */
static gboolean
kasa_fit (const CircleData  *data,
          double            *a,
          double            *b,
          double            *r,
          GError           **error)
{
  g_autoptr(gsl_matrix) design = gsl_matrix_alloc (data->n, 3);
  g_autoptr(gsl_vector) rhs = gsl_vector_alloc (data->n);
  g_autoptr(gsl_vector) coef = gsl_vector_alloc (3);
  g_autoptr(gsl_matrix) cov = gsl_matrix_alloc (3, 3);
  gsl_multifit_linear_workspace *work = gsl_multifit_linear_alloc (data->n, 3);
  double chisq, d, e, f, r2;
  int status;

  for (gsize i = 0; i < data->n; i++)
    {
      gsl_matrix_set (design, i, 0, data->u[i]);
      gsl_matrix_set (design, i, 1, data->v[i]);
      gsl_matrix_set (design, i, 2, 1.0);
      gsl_vector_set (rhs, i, -(data->u[i] * data->u[i] + data->v[i] * data->v[i]));
    }
  status = gsl_multifit_linear (design, rhs, coef, cov, &chisq, work);
  gsl_multifit_linear_free (work);
  if (!np_error_from_gsl (status, _("The algebraic circle fit"), error))
    return FALSE;

  d = gsl_vector_get (coef, 0);
  e = gsl_vector_get (coef, 1);
  f = gsl_vector_get (coef, 2);
  *a = -d / 2;
  *b = -e / 2;
  r2 = *a * *a + *b * *b - f;
  if (!isfinite (r2) || r2 <= 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC,
                   _("No circle passes near these points; click points along one rim"));
      return FALSE;
    }
  *r = sqrt (r2);
  return TRUE;
}

/* The points are scaled to an RMS spread of 1, so these are relative to the
 * circle's size: far below any click error, far above double rounding. */
#define ROUNDING_RMS 1e-12
#define ROUNDING_GRADIENT 1e-10

static double
rms_norm (const gsl_vector *v)
{
  return gsl_blas_dnrm2 (v) / sqrt ((double) v->size);
}

/* Largest component of Jᵀ f over the number of points. */
static gboolean
gradient_at_rounding_level (gsl_multifit_nlinear_workspace *work)
{
  const gsl_matrix *jac = gsl_multifit_nlinear_jac (work);
  const gsl_vector *f = gsl_multifit_nlinear_residual (work);

  for (gsize j = 0; j < jac->size2; j++)
    {
      double g = 0;

      for (gsize i = 0; i < jac->size1; i++)
        g += gsl_matrix_get (jac, i, j) * gsl_vector_get (f, i);
      if (!isfinite (g) || fabs (g) / jac->size1 > ROUNDING_GRADIENT)
        return FALSE;
    }
  return TRUE;
}

static gboolean
geometric_fit (const CircleData  *data,
               double             params[3],
               double             se[3],
               double            *sum_squares,
               GError           **error)
{
  const gsl_multifit_nlinear_type *type = gsl_multifit_nlinear_trust;
  gsl_multifit_nlinear_parameters fit_params = gsl_multifit_nlinear_default_parameters ();
  gsl_multifit_nlinear_fdf fdf = { 0 };
  gsl_multifit_nlinear_workspace *work;
  gsl_vector_view start = gsl_vector_view_array (params, 3);
  g_autoptr(gsl_matrix) covar = gsl_matrix_alloc (3, 3);
  gsl_vector *position, *f;
  int status, info = 0;
  double chisq;

  fdf.f = circle_f;
  fdf.df = circle_df;
  fdf.n = data->n;
  fdf.p = 3;
  fdf.params = (void *) data;

  work = gsl_multifit_nlinear_alloc (type, &fit_params, data->n, 3);
  status = gsl_multifit_nlinear_init (&start.vector, &fdf, work);
  /* Points exactly on a circle: the algebraic start already has residuals at
   * rounding level, and the solver's step tests can never be met there (each
   * step is noise), so it would run out of iterations on perfect data. */
  if (status == GSL_SUCCESS && rms_norm (gsl_multifit_nlinear_residual (work)) > ROUNDING_RMS)
    {
      status = gsl_multifit_nlinear_driver (500, 1e-14, 1e-14, 0.0, NULL, NULL, &info, work);
      /* Out of iterations or no progress at a point where the gradient is at
       * rounding level is convergence: nothing is left to improve in double
       * precision. */
      if ((status == GSL_EMAXITER || status == GSL_ENOPROG)
          && gradient_at_rounding_level (work))
        status = GSL_SUCCESS;
    }
  if (status == GSL_SUCCESS)
    status = gsl_multifit_nlinear_covar (gsl_multifit_nlinear_jac (work), 0.0, covar);
  if (!np_error_from_gsl (status, _("The circle fit"), error))
    {
      gsl_multifit_nlinear_free (work);
      return FALSE;
    }

  position = gsl_multifit_nlinear_position (work);
  f = gsl_multifit_nlinear_residual (work);
  gsl_blas_ddot (f, f, &chisq);
  for (gsize i = 0; i < 3; i++)
    params[i] = gsl_vector_get (position, i);
  *sum_squares = chisq;

  /* sigma² = SSR / (n − 3) scales (JᵀJ)⁻¹ into the covariance of the
   * parameters; three points leave no degree of freedom to estimate it. */
  for (gsize i = 0; i < 3; i++)
    se[i] = data->n > 3 ? sqrt (chisq / (data->n - 3) * gsl_matrix_get (covar, i, i)) : 0.0;

  gsl_multifit_nlinear_free (work);
  return TRUE;
}

/**
 * np_circle_fit:
 * @points: (element-type NpImagePoint): at least three points along the rim
 *
 * Nonlinear least-squares (geometric) circle fit with gsl_multifit_nlinear,
 * started from the algebraic Kåsa fit.
 *
 * Returns: (transfer full) (nullable): the fit, or %NULL with @error set
 */
NpCircleFit *
np_circle_fit (const GArray  *points,
               GError       **error)
{
  g_autofree double *u = NULL;
  g_autofree double *v = NULL;
  CircleData data;
  NpCircleFit *fit;
  double mean_x = 0, mean_y = 0, scale = 0, suu = 0, svv = 0, suv = 0;
  double half_trace, det, spread_max, spread_min;
  double params[3], se[3] = { 0.0, 0.0, 0.0 }, sum_squares;
  guint n;

  g_return_val_if_fail (points != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = points->len;
  if (n < NP_CIRCLE_FIT_MIN_POINTS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("A circle fit needs at least %d points; %u given"), NP_CIRCLE_FIT_MIN_POINTS, n);
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      if (!isfinite (p.x) || !isfinite (p.y)
          || fabs (p.x) > MAX_COORDINATE_PX || fabs (p.y) > MAX_COORDINATE_PX)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("Point %u is not a usable image position"), i + 1);
          return NULL;
        }
      mean_x += p.x;
      mean_y += p.y;
    }
  mean_x /= n;
  mean_y /= n;

  u = g_new (double, n);
  v = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      u[i] = p.x - mean_x;
      v[i] = p.y - mean_y;
      suu += u[i] * u[i];
      svv += v[i] * v[i];
      suv += u[i] * v[i];
    }
  scale = sqrt ((suu + svv) / n);
  if (scale < 1e-9)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("All points are at the same place; click points around the rim"));
      return NULL;
    }

  /* Eigenvalues of the 2 × 2 scatter matrix: a tiny one means a line. */
  half_trace = (suu + svv) / 2;
  det = suu * svv - suv * suv;
  spread_max = half_trace + sqrt (MAX (half_trace * half_trace - det, 0.0));
  spread_min = det / spread_max;
  if (spread_min < COLLINEAR_RATIO * spread_max)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The points lie on a straight line; no circle passes through them"));
      return NULL;
    }

  for (guint i = 0; i < n; i++)
    {
      u[i] /= scale;
      v[i] /= scale;
    }
  data.u = u;
  data.v = v;
  data.n = n;

  if (!kasa_fit (&data, &params[0], &params[1], &params[2], error))
    return NULL;
  /* Three points determine the circle and the algebraic fit is already
   * exact; the solver can only fail to improve on it. */
  if (n == 3)
    sum_squares = 0.0;
  else if (!geometric_fit (&data, params, se, &sum_squares, error))
    return NULL;

  /* The geometric fit may flip to a negative radius; the circle is the same. */
  params[2] = fabs (params[2]);
  if (!isfinite (params[0]) || !isfinite (params[1]) || !isfinite (params[2])
      || params[2] * scale > MAX_RADIUS_PX || params[2] * scale <= 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC,
                   _("The points are too close to a straight line for a circle fit"));
      return NULL;
    }

  fit = g_new0 (NpCircleFit, 1);
  fit->centre.x = mean_x + params[0] * scale;
  fit->centre.y = mean_y + params[1] * scale;
  fit->radius_px = params[2] * scale;
  fit->se_centre_x_px = se[0] * scale;
  fit->se_centre_y_px = se[1] * scale;
  fit->se_radius_px = se[2] * scale;
  fit->residuals_px = g_array_sized_new (FALSE, FALSE, sizeof (double), n);
  sum_squares = 0.0;
  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      /* Recomputed in pixels so the sign convention does not depend on the
       * sign the solver left on the radius. */
      double residual = hypot (p.x - fit->centre.x, p.y - fit->centre.y) - fit->radius_px;
      g_array_append_val (fit->residuals_px, residual);
      sum_squares += residual * residual;
    }
  fit->rms_residual_px = sqrt (sum_squares / n);
  return fit;
}

/**
 * np_circle_fit_copy:
 *
 * Returns: (transfer full): a deep copy
 */
NpCircleFit *
np_circle_fit_copy (const NpCircleFit *fit)
{
  NpCircleFit *copy;

  g_return_val_if_fail (fit != NULL, NULL);

  copy = g_new0 (NpCircleFit, 1);
  *copy = *fit;
  copy->residuals_px = g_array_sized_new (FALSE, FALSE, sizeof (double), fit->residuals_px->len);
  g_array_append_vals (copy->residuals_px, fit->residuals_px->data, fit->residuals_px->len);
  return copy;
}

void
np_circle_fit_free (NpCircleFit *fit)
{
  if (fit == NULL)
    return;
  g_clear_pointer (&fit->residuals_px, g_array_unref);
  g_free (fit);
}
