/* np-auto-calibration-private.h: what the files of NpAutoCalibration share
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-auto-calibration.h"

G_BEGIN_DECLS

/* The frame reduced to one 8-bit brightness per pixel. */
typedef struct
{
  guint width, height;
  guint8 *lum;   /* brightest channel, 8 bits */
} Image;

static inline guint8
lum_at (const Image *image,
        int          x,
        int          y)
{
  if (x < 0 || y < 0 || x >= (int) image->width || y >= (int) image->height)
    return 0;
  return image->lum[(gsize) y * image->width + x];
}

/* np-auto-calibration.c */
void    _np_auto_calibration_set_not_found  (NpAutoCalibration *result,
                                             const char        *reason);

/* np-auto-calibration-region.c */
double  _np_auto_calibration_median         (GArray            *values);
double  _np_auto_calibration_lum_sample     (const Image       *image,
                                             double             x,
                                             double             y);
void    _np_auto_calibration_find_region    (const Image       *image,
                                             NpAutoCalibration *result);
void    _np_auto_calibration_refine_region  (const Image       *image,
                                             NpAutoCalibration *result);

/* np-auto-calibration-ticks.c */
void    _np_auto_calibration_find_scale     (const Image       *image,
                                             NpAutoCalibration *result);

/* np-auto-calibration-depth.c */
double  _np_auto_calibration_read_depth     (const Image       *image,
                                             const NpAutoRegion *region,
                                             char             **text_out,
                                             char             **why);

G_END_DECLS
