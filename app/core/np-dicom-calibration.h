/* np-dicom-calibration.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-calibration.h"
#include "np-dicom-info.h"
#include "np-plan.h"

G_BEGIN_DECLS

/* One ultrasound region as the calibration judges it. */
typedef struct
{
  guint number;                    /* 1-based item of (0018,6011) */
  gboolean usable;                 /* 2D tissue in cm both ways, plausible size */
  NpImageRect bounds;              /* clamped to the frame; empty when outside it */
  double mm_per_px_x;              /* |PhysicalDelta| × 10; NAN when not in cm */
  double mm_per_px_y;
  char *description;               /* "region 1: 2D tissue, 0.383 × 0.383 mm/px" */
  char *problem;                   /* why not usable, or a remark (clamped); NULL when none */
} NpDicomCalibrationRegion;

/* The calibration a DICOM file carries, as a candidate like a PNG's pHYs:
 * every ultrasound region with its verdict, or the X-ray spacing used. */
typedef struct
{
  GArray *regions;                 /* NpDicomCalibrationRegion, every item */
  NpCalibration *calibration;      /* the candidate; NULL when the file gives none */
  char *source;                    /* "from the scanner's ultrasound region 1", or NULL */
  char *reason;                    /* why there is no candidate; NULL with one */
} NpDicomCalibration;

/* Pixel sizes outside this range are not an ultrasound or X-ray image. */
#define NP_DICOM_CALIBRATION_MIN_MM_PER_PX 0.005
#define NP_DICOM_CALIBRATION_MAX_MM_PER_PX 1.0

NpDicomCalibration *np_dicom_calibration_new  (const NpDicomInfo  *info,
                                               guint               frame_width,
                                               guint               frame_height);
void                np_dicom_calibration_free (NpDicomCalibration *self);
gboolean            np_dicom_fluoro_geometry  (const NpDicomInfo  *info,
                                               guint               frame_width,
                                               guint               frame_height,
                                               NpFluoroGeometry   *geometry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpDicomCalibration, np_dicom_calibration_free)

G_END_DECLS
