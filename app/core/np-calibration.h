/* np-calibration.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "np-auto-calibration.h"
#include "np-circle-fit.h"
#include "np-frame.h"
#include "np-tick-fit.h"
#include "np-types.h"

G_BEGIN_DECLS

/* How the pixel size was obtained. NONE means every measurement is shown in
 * pixels: a guessed millimetre value is a patient-safety defect. */
typedef enum
{
  NP_CALIBRATION_NONE,
  NP_CALIBRATION_KNOWN_DISTANCE,  /* two points and their distance in mm */
  NP_CALIBRATION_DEPTH_SCALE,     /* least-squares fit of depth-scale ticks */
  NP_CALIBRATION_DEPTH_SETTING,   /* machine depth setting over field rows */
  NP_CALIBRATION_FILE,            /* declared by the file (PNG pHYs, DICOM) */
  NP_CALIBRATION_SPHERE,          /* circle fit of a sphere of known size */
  NP_CALIBRATION_GEOMETRY,        /* detector pixel × SOD / SID */
  NP_CALIBRATION_MANUAL,          /* typed in by the user */
  NP_CALIBRATION_DEPTH_SCALE_AUTO, /* depth-scale ticks found in the pixels, accepted */
} NpCalibrationMethod;

/* One part of the frame with its own pixel size: the scanner's ultrasound
 * regions (a frame may hold two side-by-side panels). Bounds cover whole
 * pixels: pixel (i, j) spans [i, i + 1) × [j, j + 1). */
typedef struct
{
  guint number;                    /* 1-based item in the file, for the reader */
  NpImageRect bounds;
  double mm_per_px_x;
  double mm_per_px_y;
} NpCalibrationRegion;

/* A value: copy it with np_calibration_copy. The inputs (clicked points,
 * typed values) are kept so the calibration can be audited and redone. */
struct _NpCalibration
{
  NpCalibrationMethod method;
  double mm_per_px_x;
  double mm_per_px_y;
  double se_mm_per_px_x;           /* standard error; 0 when unknown */
  double se_mm_per_px_y;
  gboolean has_region;             /* valid region; the whole frame if FALSE */
  NpImageRect region;
  GArray *points;                  /* NpImagePoint inputs, may be empty */
  double reference_mm;             /* known distance, tick spacing, depth or diameter */
  char *note;                      /* one line for the record, may be NULL */
  /* NpCalibrationRegion, NULL or empty for one pixel size everywhere. With
   * regions, a value is in mm only when all its points lie in one of them,
   * and mm_per_px_x/y and region above repeat the first region. */
  GArray *regions;
};

NpCalibration *np_calibration_new             (void);
NpCalibration *np_calibration_new_uniform     (NpCalibrationMethod   method,
                                               double                mm_per_px,
                                               double                se_mm_per_px);
NpCalibration *np_calibration_copy            (const NpCalibration *calibration);
void           np_calibration_free            (NpCalibration       *calibration);
gboolean       np_calibration_equal           (const NpCalibration *a,
                                               const NpCalibration *b);

gboolean       np_calibration_is_calibrated   (const NpCalibration *calibration);
gboolean       np_calibration_contains        (const NpCalibration *calibration,
                                               NpImagePoint         point);
NpMmPoint      np_calibration_to_mm           (const NpCalibration *calibration,
                                               NpImagePoint         point);
NpImagePoint   np_calibration_to_image        (const NpCalibration *calibration,
                                               NpMmPoint            point);
double         np_calibration_distance_mm     (const NpCalibration *calibration,
                                               NpImagePoint         a,
                                               NpImagePoint         b);
guint          np_calibration_get_n_regions   (const NpCalibration *calibration);
const NpCalibrationRegion *
               np_calibration_get_region      (const NpCalibration *calibration,
                                               guint                index);
void           np_calibration_add_region      (NpCalibration       *calibration,
                                               const NpCalibrationRegion *region);
int            np_calibration_find_region     (const NpCalibration *calibration,
                                               const NpImagePoint  *points,
                                               guint                n_points,
                                               char               **reason);
const char    *np_calibration_method_to_string (NpCalibrationMethod method);
gboolean       np_calibration_method_from_string (const char         *text,
                                                  NpCalibrationMethod *method);
const char    *np_calibration_method_describe (NpCalibrationMethod  method);

/* Which members np_calibration_add_json_members() writes besides "method",
 * "mm_per_px" and "se_mm_per_px"; each in this order. */
typedef enum
{
  NP_CALIBRATION_JSON_DESCRIPTION = 1 << 0,  /* "description": the method in words */
  NP_CALIBRATION_JSON_REGION      = 1 << 1,  /* "region": [x, y, w, h] or null */
  NP_CALIBRATION_JSON_POINTS      = 1 << 2,  /* "points": the clicked inputs */
  NP_CALIBRATION_JSON_REFERENCE   = 1 << 3,  /* "reference_mm" and "note" */
  /* The pixel sizes are null when not calibrated (results shown to a reader,
   * where no millimetre value may appear without a calibration). */
  NP_CALIBRATION_JSON_NULL_UNCALIBRATED = 1 << 4,
  /* "regions": [{"number", "bounds": [x, y, w, h], "mm_per_px": [x, y]}],
   * only when the calibration has a list of regions. */
  NP_CALIBRATION_JSON_REGIONS     = 1 << 5,
} NpCalibrationJsonFlags;

/* Everything a plan file stores (docs/plan-format.md). */
#define NP_CALIBRATION_JSON_RECORD \
  (NP_CALIBRATION_JSON_REGION | NP_CALIBRATION_JSON_POINTS | NP_CALIBRATION_JSON_REFERENCE)

void           np_calibration_add_json_members (const NpCalibration   *calibration,
                                                JsonBuilder           *builder,
                                                NpCalibrationJsonFlags flags);

/* The methods. Each keeps its inputs in points / reference_mm and a one-line
 * note for the record; standard errors follow from the click error (known
 * distance, depth setting), the regression (depth scale) or the circle fit
 * (sphere), and are 0 when unknown (file, geometry). */
#define NP_CALIBRATION_DEFAULT_MARK_ERROR_PX 1.0
#define NP_CALIBRATION_SPHERE_MIN_POINTS 5
#define NP_CALIBRATION_DEFAULT_SPHERE_MM 25.0

NpCalibration *np_calibration_new_known_distance (NpImagePoint         a,
                                                  NpImagePoint         b,
                                                  double               distance_mm,
                                                  double               mark_error_px,
                                                  GError             **error);
NpCalibration *np_calibration_new_depth_setting  (double               depth_mm,
                                                  double               top_y,
                                                  double               bottom_y,
                                                  double               mark_error_px,
                                                  GError             **error);
NpCalibration *np_calibration_new_depth_scale    (const GArray        *ticks,
                                                  double               spacing_mm,
                                                  NpTickFit          **fit,
                                                  GError             **error);
NpCalibration *np_calibration_new_depth_scale_auto (const NpAutoCalibration *result,
                                                    GError               **error);
NpCalibration *np_calibration_new_from_frame     (const NpFrame       *frame,
                                                  GError             **error);
NpCalibration *np_calibration_new_sphere         (const GArray        *rim_points,
                                                  double               diameter_mm,
                                                  NpCircleFit        **fit,
                                                  GError             **error);
NpCalibration *np_calibration_new_geometry       (double               detector_pixel_mm,
                                                  double               sid_mm,
                                                  double               sod_mm,
                                                  GError             **error);
gboolean       np_calibration_is_suspicious_dpi  (double               mm_per_px);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpCalibration, np_calibration_free)

G_END_DECLS
