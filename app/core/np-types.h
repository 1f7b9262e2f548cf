/* np-types.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Distinct value types for the three coordinate spaces, so that a pixel
 * position is never passed where millimetres are expected. */

/* Image space: origin at the top-left corner of the top-left pixel, x right,
 * y down; pixel (i, j) has its centre at (i + 0.5, j + 0.5). */
typedef struct
{
  double x;
  double y;
} NpImagePoint;

/* Physical space in millimetres: x_mm = x * sx, y_mm = y * sy. */
typedef struct
{
  double x;
  double y;
} NpMmPoint;

typedef struct
{
  double x;
  double y;
  double width;
  double height;
} NpImageRect;

typedef struct _NpFrame NpFrame;
typedef struct _NpCalibration NpCalibration;

static inline NpImagePoint
np_image_point (double x,
                double y)
{
  NpImagePoint p = { x, y };
  return p;
}

G_END_DECLS
