/* np-circle-fit.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-types.h"

G_BEGIN_DECLS

/* Three points define a circle; standard errors need at least four. */
#define NP_CIRCLE_FIT_MIN_POINTS 3

/* Geometric least-squares circle through image points: minimises the sum of
 * squared distances from the points to the circle. Used for the fluoroscopy
 * calibration sphere and for the skin arc of a curvilinear probe. */
typedef struct
{
  NpImagePoint centre;
  double radius_px;
  double se_centre_x_px;   /* standard errors from the covariance of the fit; */
  double se_centre_y_px;   /* 0 when unknown (exactly three points) */
  double se_radius_px;
  double rms_residual_px;  /* root mean square distance of the points to the circle */
  GArray *residuals_px;    /* double, signed distance of each input point (outside > 0) */
} NpCircleFit;

NpCircleFit *np_circle_fit      (const GArray      *points,
                                 GError           **error);
NpCircleFit *np_circle_fit_copy (const NpCircleFit *fit);
void         np_circle_fit_free (NpCircleFit       *fit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpCircleFit, np_circle_fit_free)

G_END_DECLS
