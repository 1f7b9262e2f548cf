/* np-phantom-us.h: B-mode ultrasound simulation of a tissue map
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-frame.h"
#include "np-plan.h"
#include "np-tissue-map.h"
#include "np-types.h"

G_BEGIN_DECLS

/* The simulated scanner: probe, its placement on the frame and the
 * processing settings. A value; fill it with np_phantom_us_init and
 * np_phantom_us_fit_frame, or set every field by hand (tests do). */
typedef struct
{
  NpProbe probe;
  guint width;                   /* frame, pixels */
  guint height;
  double pixel_mm;               /* square pixels */
  NpImagePoint skin_centre;      /* image position of scan-space origin (skin, probe centre) */
  double footprint_mm;           /* linear: width of the field */
  double radius_mm;              /* curvilinear: radius of the probe face (skin arc) */
  double sector_deg;             /* curvilinear: opening angle of the field */
  double depth_mm;               /* imaging depth below the skin */
  double frequency_mhz;          /* centre frequency */
  double bandwidth;              /* fractional -6 dB bandwidth of the pulse */
  double beam_width_mm;          /* lateral -6 dB width at the focus */
  double focus_mm;               /* focal depth */
  double tgc_db_cm_mhz;          /* attenuation the time-gain compensation undoes */
  double dynamic_range_db;       /* displayed range of the log compression */
  double muscle_level_db;        /* where muscle speckle sits below white */
  double noise_db;               /* receiver noise at the bottom of the field, after TGC,
                                    relative to muscle echo */
  gboolean annotate;             /* depth scale, header text, focus mark */
  char *header_left;             /* (nullable) header text, e.g. "KNEE R" */
  char *header_right;            /* (nullable) e.g. "L12-5 10MHZ" */
} NpPhantomUs;

void         np_phantom_us_init             (NpPhantomUs        *us,
                                             NpProbe             probe);
void         np_phantom_us_clear            (NpPhantomUs        *us);
void         np_phantom_us_fit_frame        (NpPhantomUs        *us);

NpImagePoint np_phantom_us_to_image         (const NpPhantomUs  *us,
                                             NpScanPoint         point);
NpScanPoint  np_phantom_us_from_image       (const NpPhantomUs  *us,
                                             NpImagePoint        point);
double       np_phantom_us_depth            (const NpPhantomUs  *us,
                                             NpScanPoint         point);
NpScanPoint  np_phantom_us_point_at_depth   (const NpPhantomUs  *us,
                                             double              x_mm,
                                             double              depth_mm);
NpScanPoint  np_phantom_us_skin_point       (const NpPhantomUs  *us,
                                             double              beyond_edge_mm,
                                             int                 side);
NpScanPoint  np_phantom_us_apex             (const NpPhantomUs  *us);
gboolean     np_phantom_us_in_field         (const NpPhantomUs  *us,
                                             NpScanPoint         point);

NpFrame     *np_phantom_us_render           (const NpPhantomUs  *us,
                                             const NpTissueMap  *map,
                                             guint32             seed,
                                             GError            **error);

G_END_DECLS
