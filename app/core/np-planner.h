/* np-planner.h: from a plan to depth, path, angle, clearance and needle
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "np-plan.h"

G_BEGIN_DECLS

/* The planner is a set of pure functions of (plan, calibration). All lengths
 * in NpPlanResults are in results->unit: millimetres when the plan's
 * calibration is valid, pixels otherwise (never a guessed millimetre). The
 * geometry conventions are those of DESIGN.md; the choices the design leaves
 * open are written down in docs/planner.md. */

#define NP_PLANNER_SPEED_ASSUMED_M_S 1540.0   /* what the scanner assumes */
#define NP_PLANNER_SPEED_MIN_M_S 1450.0       /* usual soft-tissue range (a warning outside) */
#define NP_PLANNER_SPEED_MAX_M_S 1600.0
#define NP_PLANNER_NEEDLE_OUTSIDE_MM 10.0     /* needle left outside the skin */
#define NP_PLANNER_DEFAULT_SAMPLES 2000
#define NP_PLANNER_DEFAULT_SEED 20260415u
/* Parallax allowed to two views without their beam geometry (np-planner-two-view.c). */
#define NP_PLANNER_DEFAULT_OFF_PLANE_MM 40.0
/* In-plane visibility bands (np_planner_visibility_for_angle): good up to
 * 30°, caution to 50°, poor above. The recommendation keeps an in-plane
 * needle at or below NP_PLANNER_IN_PLANE_MAX_DEG without a preset (good plus
 * the 30–40° band the guidance leaves open) and never above the caution
 * band with one. */
#define NP_PLANNER_VISIBILITY_GOOD_MAX_DEG 30.0
#define NP_PLANNER_VISIBILITY_CAUTION_MAX_DEG 50.0
#define NP_PLANNER_IN_PLANE_MAX_DEG 40.0
#define NP_PLANNER_SCAN_STEP 0.5              /* entry scan step, mm (px uncalibrated) */

typedef enum
{
  NP_VISIBILITY_NOT_APPLICABLE,   /* not an in-plane ultrasound path */
  NP_VISIBILITY_GOOD,             /* needle at ≤ 30° to the skin */
  NP_VISIBILITY_CAUTION,          /* above 30° and up to 50° */
  NP_VISIBILITY_POOR,             /* above 50° */
} NpVisibility;

typedef struct
{
  /* Imaging field in image px: where an in-plane needle comes into view.
   * np_planner_options_init_for_frame sets it by the one rule (the
   * calibration's valid region, else the whole frame). Without it, the
   * calibration's region is used, and without that the field-of-view entry
   * is not reported. */
  gboolean has_field;
  NpImageRect field;
  /* Out-of-plane walk-down angle to the skin; 0 takes the approach's
   * preferred angle, or 45° without an approach. */
  double out_of_plane_angle_deg;
  /* Monte Carlo of np_planner_estimate_uncertainty. */
  guint mc_samples;
  guint64 seed;
  /* Two fluoroscopy views without their beam geometry: how far off the
   * calibrated plane the intervals let a mark lie (parallax), mm. */
  double off_plane_mm;
} NpPlannerOptions;

/* One calibrated fluoroscopy view of the same entry and target. Views turn
 * about the patient's long axis, which runs along image y in both. */
typedef struct
{
  NpImagePoint entry;
  NpImagePoint target;
  NpImagePoint axis;                /* image of the rotation axis; differences do not need it */
  const NpCalibration *calibration; /* mm per px at the anatomy (magnification corrected) */
  const NpFluoroGeometry *geometry; /* the cone beam, or NULL: a parallel projection */
  gboolean mirrored;                /* image flipped left-right */
} NpFluoroView;

typedef struct
{
  double entry_mm[3];               /* world: x along view A's image x, y along its beam, */
  double target_mm[3];              /* z along image y */
  double path_length_mm;            /* 3-D entry to target */
  double depth_mm;                  /* target below the entry along view A's beam */
  double rms_residual_mm;           /* how far the rays miss each other */
  gboolean cone_beam;               /* triangulated with both views' geometry */
} NpFluoroTwoViews;

/* What contributes most to a 95 % interval (first-order variance). */
typedef enum
{
  NP_INTERVAL_SOURCE_NONE,
  NP_INTERVAL_SOURCE_CALIBRATION,   /* the pixel size's standard error */
  NP_INTERVAL_SOURCE_CLICKS,        /* the placement error of the marks */
  NP_INTERVAL_SOURCE_SPEED,         /* the tissue speed of sound */
} NpIntervalSource;

typedef struct
{
  char *label;                      /* the structure's label, or its kind */
  NpStructureKind kind;
  double clearance;                 /* smallest distance path–outline; 0 when entered */
  double margin_mm;
  gboolean entered;                 /* the path touches or enters the outline */
  gboolean within_margin;           /* clearance < margin; only decided when calibrated */
  NpImagePoint on_path;             /* ends of the clearance line, image px */
  NpImagePoint on_structure;
  /* np_planner_estimate_uncertainty: 95 % interval (Monte Carlo) */
  gboolean has_ci;
  double clearance_ci95[2];
  NpIntervalSource ci_source;
  /* calibrated, the point estimate keeps the margin, the interval does not */
  gboolean margin_at_risk;
} NpStructureClearance;

typedef struct
{
  NpMeasureKind kind;
  gboolean valid;                   /* FALSE when the value cannot be computed */
  double value;                     /* length in the results' unit, or degrees */
  /* Calibrated, and a point lies outside the region the calibration is
   * valid for: the millimetre value may be wrong. */
  gboolean outside_region;
  char *outside_reason;             /* which point and the region, in plain words; NULL inside */
  /* With a list of calibration regions (the scanner's), a value outside
   * one region has no mm value (valid FALSE): this is it in px, NAN when
   * it has none in px either (a depth). */
  double value_px;
} NpMeasurementValue;

typedef struct
{
  gboolean calibrated;
  const char *unit;                 /* "mm" or "px" */
  double speed_of_sound_m_s;        /* tissue speed used; 0 for fluoroscopy */
  const char *approach;             /* preset id when known, else NULL */

  gboolean has_depth;
  double depth;                     /* target below the skin line */
  NpImagePoint skin_foot;           /* skin point nearest the target */

  gboolean has_path;
  double path_length;               /* entry to target (needle inside the body) */
  gboolean has_angle;
  double insertion_angle_deg;       /* path to skin tangent, 90 = perpendicular */

  gboolean has_projection;          /* fluoroscopy, one view */
  gboolean second_view_of_pair;     /* a lateral view: the second view of an AP pair */
  double projected_path_length;
  double projected_angle_deg;       /* path to the image x axis, 0–180 */

  GArray *clearances;               /* NpStructureClearance */
  int nearest;                      /* index into clearances, -1 when none */

  gboolean has_fov_entry;
  NpImagePoint fov_entry;           /* where an in-plane needle comes into view */
  double fov_entry_depth;           /* depth at which it first becomes visible */

  NpVisibility visibility;

  gboolean has_walkdown;            /* out-of-plane */
  double walkdown_angle_deg;
  double walkdown_offset;           /* entry distance from the probe's imaging plane */

  gboolean has_needle;
  guint needle_mm;                  /* shortest standard length */
  double needle_inch;
  /* The length the needle covers (less NP_PLANNER_NEEDLE_OUTSIDE_MM): the
   * upper end of the path's 95 % interval once it is known
   * (needle_from_interval), the path's point estimate before. */
  gboolean needle_from_interval;
  double needle_basis;
  const guint *gauges;              /* 0-terminated, static */

  gboolean has_depth_ci;
  gboolean has_path_ci;
  guint mc_samples;
  guint64 mc_seed;
  double depth_ci95[2];             /* Monte Carlo */
  double path_length_ci95[2];
  double depth_ci95_propagated[2];  /* first-order propagation */
  double path_length_ci95_propagated[2];
  gboolean has_angle_ci;            /* in-plane with an entry */
  double insertion_angle_ci95[2];
  double insertion_angle_ci95_propagated[2];
  NpIntervalSource depth_ci_source;
  NpIntervalSource path_ci_source;
  NpIntervalSource angle_ci_source;
  double speed_of_sound_sd_m_s;     /* the speed's standard deviation the intervals used */
  double mark_error_px;             /* the click error they used */

  gboolean has_two_views;           /* fluoroscopy with a second view */
  double views_angle_deg;
  NpFluoroTwoViews two_views;

  GArray *measurements;             /* NpMeasurementValue, parallel to plan->measurements */
  GPtrArray *warnings;              /* char*, plain words */
} NpPlanResults;

typedef struct
{
  gboolean feasible;                /* every margin kept and the angle in range */
  NpImagePoint entry;
  gboolean has_path;                /* FALSE for coaxial fluoroscopy (no depth in one view) */
  double path_length;               /* in unit */
  double insertion_angle_deg;
  double min_clearance;             /* G_MAXDOUBLE without structures */
  const char *unit;
  char *reason;                     /* why this entry, or which constraint fails */
} NpEntryRecommendation;

void            np_planner_options_init         (NpPlannerOptions   *options);
void            np_planner_options_init_for_frame (NpPlannerOptions *options,
                                                 const NpPlan       *plan,
                                                 guint               frame_width,
                                                 guint               frame_height);

#define NP_TYPE_PLAN_RESULTS (np_plan_results_get_type ())

GType           np_plan_results_get_type        (void) G_GNUC_CONST;
NpPlanResults  *np_plan_results_new             (void);
NpPlanResults  *np_plan_results_copy            (const NpPlanResults     *results);
void            np_plan_results_free            (NpPlanResults      *results);

NpPlanResults  *np_planner_compute              (const NpPlan            *plan,
                                                 const NpPlannerOptions  *options,
                                                 GError                 **error);
gboolean        np_planner_estimate_uncertainty (const NpPlan            *plan,
                                                 const NpPlannerOptions  *options,
                                                 NpPlanResults           *results,
                                                 GError                 **error);
NpPlanResults  *np_planner_compute_two_views    (const NpPlan            *plan,
                                                 const NpPlan            *second_view,
                                                 double                   angle_deg,
                                                 const NpPlannerOptions  *options,
                                                 GError                 **error);
NpEntryRecommendation *np_planner_recommend_entry (const NpPlan          *plan,
                                                 const NpPlannerOptions  *options,
                                                 GError                 **error);
void            np_entry_recommendation_free    (NpEntryRecommendation   *recommendation);

gboolean        np_planner_two_views            (const NpFluoroView      *view_a,
                                                 const NpFluoroView      *view_b,
                                                 double                   angle_deg,
                                                 NpFluoroTwoViews        *result,
                                                 GError                 **error);

guint           np_planner_needle_for_path      (double                   path_mm,
                                                 double                  *inch);
double          np_planner_walkdown_offset      (double                   depth,
                                                 double                   angle_deg);
NpVisibility    np_planner_visibility_for_angle (double                   angle_deg);
const char     *np_visibility_to_string         (NpVisibility             visibility);
char           *np_planner_interval_source_describe (const NpPlanResults *results,
                                                 NpIntervalSource         source);

JsonNode       *np_planner_results_to_json      (const NpPlanResults     *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPlanResults, np_plan_results_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpEntryRecommendation, np_entry_recommendation_free)

G_END_DECLS
