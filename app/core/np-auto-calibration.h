/* np-auto-calibration.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-frame.h"
#include "np-tick-fit.h"
#include "np-types.h"

G_BEGIN_DECLS

/* The shape of the imaging region, which also tells the probe type. */
typedef enum
{
  NP_AUTO_REGION_NONE,       /* no ultrasound image area found */
  NP_AUTO_REGION_RECTANGLE,  /* linear probe */
  NP_AUTO_REGION_SECTOR,     /* curvilinear or phased-array probe */
  NP_AUTO_REGION_OTHER,      /* an image area whose edges fit neither */
} NpAutoRegionShape;

typedef enum
{
  NP_AUTO_CONFIDENCE_NONE,   /* no depth scale found */
  NP_AUTO_CONFIDENCE_MEDIUM, /* a scale, but short or with flagged ticks */
  NP_AUTO_CONFIDENCE_HIGH,
} NpAutoConfidence;

/* One detected tick mark. */
typedef struct
{
  NpImagePoint point;   /* sub-pixel centre */
  double length_px;     /* extent across the scale */
  gboolean major;       /* a long tick (or every tick when all are alike) */
  int index;            /* position along the scale, 0 at the first tick */
  double residual_px;   /* from the tick fit; 0 for flagged ticks */
  gboolean used;        /* FALSE when the tick fit flagged it */
} NpAutoTick;

typedef struct
{
  NpAutoRegionShape shape;
  /* Rectangle (linear probe): the field's bounds. */
  NpImageRect rect;
  /* Sector: apex, the edge lines' directions (unit vectors pointing away
   * from the apex, left and right) and the near (skin) and far radii. */
  NpImagePoint apex;
  double left_dx, left_dy, right_dx, right_dy;
  double near_radius_px;
  double far_radius_px;
  double edge_rms_px;   /* RMS distance of edge points from the fitted lines */
  double near_rms_px;   /* RMS distance of near-boundary points from the fit */
  double far_rms_px;    /* sector: RMS distance of far-arc points from the fit */
  guint near_points;    /* sector: arc points in the near and far arcs' fits */
  guint far_points;
  double area_fraction; /* of the frame */
  gboolean far_from_scale; /* the image fades out before its far boundary,
                              which is taken from the deepest tick */
  gboolean far_from_texture; /* sector: the edges fade before the far arc,
                                which is where the texture ends */
} NpAutoRegion;

/* A calibration candidate read from the pixels, with its evidence. It is a
 * proposal: nothing applies it without the user. */
typedef struct _NpAutoCalibration
{
  gboolean found;            /* a depth scale was found */
  char *reason;              /* why not, in plain words (when !found) */
  double mm_per_px;          /* 0 when !found: never a number to take */
  double se_mm_per_px;
  double rms_residual_px;
  double tick_step_px;       /* between neighbouring ticks */
  double autocorrelation_step_px; /* the period of the brightness along the
                                     scale, an independent check of the step */
  double spacing_mm;         /* assumed distance between neighbouring ticks */
  char *assumption;          /* the spacing assumption in words */
  NpAutoConfidence confidence;
  GArray *ticks;             /* NpAutoTick, along the scale, deeper last */
  guint n_flagged;
  NpAutoRegion region;
  gboolean has_skin;         /* a proposed skin line (near boundary) */
  double skin_y;             /* rectangle: the skin row (image y) */
  char *cross_check;         /* (nullable) agreement with other sources */
  gboolean disagreement;     /* another source differs by more than 2 % */
  double region_depth_mm;    /* the image area's depth by this scale; 0 unknown */
  double printed_depth_mm;   /* the depth printed on the frame; 0 when not read */
  char *printed_depth_text;  /* (nullable) what was read, e.g. "11cm" */
  char *printed_depth_note;  /* (nullable) why it was not read */
  double dicom_mm_per_px;    /* the DICOM ultrasound region's; 0 without one */
} NpAutoCalibration;

#define NP_TYPE_AUTO_CALIBRATION (np_auto_calibration_get_type ())

/* A second source differing by more than this fraction is reported. */
#define NP_AUTO_CALIBRATION_AGREEMENT 0.02

GType              np_auto_calibration_get_type    (void) G_GNUC_CONST;
NpAutoCalibration *np_auto_calibration_detect      (const NpFrame           *frame,
                                                    GError                 **error);
NpAutoCalibration *np_auto_calibration_copy        (const NpAutoCalibration *result);
void               np_auto_calibration_free        (NpAutoCalibration       *result);
gboolean           np_auto_calibration_cross_check (NpAutoCalibration       *result,
                                                    double                   mm_per_px,
                                                    const char              *source);
GArray            *np_auto_calibration_dup_skin    (const NpAutoCalibration *result,
                                                    guint                    n_points);
const char        *np_auto_region_shape_to_string  (NpAutoRegionShape        shape);
const char        *np_auto_confidence_to_string    (NpAutoConfidence         confidence);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpAutoCalibration, np_auto_calibration_free)

G_END_DECLS
