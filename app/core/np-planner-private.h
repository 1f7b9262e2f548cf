/* np-planner-private.h: what the planner's files share
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The planner is split by concern (see np-planner.c for the list of files);
 * they all work in one physical space (Space: image px to millimetres with
 * the sound-speed correction, and the skin line in it) and one context
 * (Context: the plan, its approach and its structures as obstacles). Those
 * two types and the helpers on them live in np-planner-space.c and are
 * declared here. Nothing outside the planner includes this header. */

#include "np-approach.h"
#include "np-geometry.h"
#include "np-planner.h"

G_BEGIN_DECLS

#define RAD_TO_DEG (180.0 / G_PI)
#define DEG_TO_RAD (G_PI / 180.0)

/* Without a calibration, margins in mm mean nothing; the recommendation
 * keeps one pixel (a click's size) from each outline instead. */
#define UNCALIBRATED_CLEARANCE_PX 1.0

/* ------------------------------------------------------------------------ */
/* Physical space                                                            */
/* ------------------------------------------------------------------------ */

typedef enum
{
  SKIN_MISSING,
  SKIN_TOP_EDGE,      /* linear default: the image row y = 0 */
  SKIN_POLYLINE,
  SKIN_ARC,
} SkinModel;

/* The map from image px to physical space and the skin line in it.
 * Linear probes: x · sx, y · sy · k with k = c / 1540 (the beam runs along y).
 * Skin arc: the circle is fitted in (x · sx, y · sy); a point at radius r
 * from its centre moves to radius R + k (r − R), since the beam runs along
 * radii of the arc and time of flight starts at the skin. The skin follows
 * the arc only under the probe face (the marked stretch); beyond its ends it
 * runs on straight along the line through both ends, the body surface the
 * probe is pressed into (continuing the probe's circle would lift the skin
 * into the air beside the probe). Skin coordinates are R · φ along the arc,
 * with φ on the branch around the marked points' mean direction, and arc
 * length along the straight continuations. */
typedef struct
{
  gboolean calibrated;
  gboolean ultrasound;
  double sx, sy, k;
  SkinModel skin;
  gboolean radial;
  NpMmPoint centre;
  double radius;
  double arc_reference;       /* mean direction of the marked arc, radians */
  double arc_lo, arc_hi;      /* marked stretch of the arc, skin coordinates */
  GArray *skin_points;        /* NpMmPoint, physical, SKIN_POLYLINE */
  const char *skin_problem;   /* why the skin is missing, for the warning */
  /* Set by first-order propagation: this circle stands for the arc's fit,
   * so its error is propagated through the fit's covariance (linear in the
   * points) rather than by nudging every point and refitting (quadratic). */
  gboolean circle_given;
  NpMmPoint given_centre;
  double given_radius;
} Space;

void          np_planner_space_init        (Space                  *space);
void          np_planner_space_clear       (Space                  *space);
void          np_planner_space_setup       (Space                  *space,
                                            const NpPlan           *plan,
                                            double                  sx,
                                            double                  sy,
                                            double                  speed,
                                            const NpImagePoint     *skin,
                                            guint                   n_skin);
NpMmPoint     np_planner_to_phys           (const Space            *space,
                                            NpImagePoint            p);
NpImagePoint  np_planner_to_image          (const Space            *space,
                                            NpMmPoint               q);
/* Distance from @p to the skin (its depth); NAN without a skin line.
 * @param is the skin coordinate of the foot: x for the top edge, arc length
 * along a polyline or a skin arc. */
double        np_planner_skin_closest      (const Space            *space,
                                            NpMmPoint               p,
                                            NpMmPoint              *foot,
                                            NpMmPoint              *tangent,
                                            double                 *param);
NpMmPoint     np_planner_skin_at           (const Space            *space,
                                            double                  param,
                                            NpMmPoint              *tangent);

/* ------------------------------------------------------------------------ */
/* Structures to avoid, in physical space                                    */
/* ------------------------------------------------------------------------ */

typedef struct
{
  gboolean usable;            /* FALSE for a structure without an outline */
  gboolean exact_ellipse;
  gboolean closed;
  NpMmPoint centre;
  double rx, ry;
  guint first, n;             /* outline points in Context.outline */
  double margin_mm;
  NpMmPoint lo, hi;           /* bounding box */
} Obstacle;

typedef struct
{
  const NpPlan *plan;
  const NpApproach *approach;
  Space space;
  GArray *obstacles;          /* Obstacle, parallel to plan->structures */
  GArray *outline;            /* NpMmPoint */
  /* With a list of calibration regions: the one the target, entry and skin
   * line lie in (its pixel size is the space's), or -1 with the reason and
   * the plan in pixels. 0 without a list. */
  int region;
  char *region_problem;
} Context;

void          np_planner_context_init      (Context                *ctx,
                                            const NpPlan           *plan);
void          np_planner_context_clear     (Context                *ctx);
void          np_planner_context_setup_space (Context              *ctx,
                                            double                  sx,
                                            double                  sy,
                                            double                  speed,
                                            const NpImagePoint     *skin,
                                            guint                   n_skin);
int           np_planner_plan_region       (const NpPlan           *plan,
                                            char                  **reason);
double        np_planner_obstacle_clearance (const Context         *ctx,
                                            const Obstacle         *ob,
                                            NpMmPoint               a,
                                            NpMmPoint               b,
                                            NpMmPoint              *on_ab,
                                            NpMmPoint              *on_obstacle);
double        np_planner_obstacle_slack    (const Context          *ctx,
                                            const Obstacle         *ob,
                                            NpMmPoint               entry,
                                            NpMmPoint               target,
                                            double                  bound);

/* ------------------------------------------------------------------------ */
/* Checks of user input, options                                              */
/* ------------------------------------------------------------------------ */

gboolean      np_planner_check_point       (NpImagePoint            p,
                                            const char             *what,
                                            GError                **error);
gboolean      np_planner_validate_plan     (const NpPlan           *plan,
                                            GError                **error);

/* Plausible calibrations and degenerate geometry (np-planner-sanity.c). */
#define NP_PLANNER_MM_PER_PX_MIN 0.001
#define NP_PLANNER_MM_PER_PX_MAX 10.0
#define NP_PLANNER_PIXEL_RATIO_MAX 10.0
gboolean      np_planner_check_scale       (const NpPlan           *plan,
                                            GError                **error);
gboolean      np_planner_path_too_short    (const NpPlan           *plan);
void          np_planner_add_outline_warnings (const NpPlan        *plan,
                                            GPtrArray              *warnings);
char         *np_planner_structure_name    (const NpStructure      *structure);

gboolean      np_planner_field_of_view     (const NpPlan           *plan,
                                            const NpPlannerOptions *options,
                                            NpImageRect            *field);
gboolean      np_planner_probe_footprint   (const Context          *ctx,
                                            const NpPlannerOptions *options,
                                            double                 *lo,
                                            double                 *hi);
double        np_planner_walkdown_angle    (const Context          *ctx,
                                            const NpPlannerOptions *options);

/* ------------------------------------------------------------------------ */
/* Across files                                                               */
/* ------------------------------------------------------------------------ */

/* np-planner.c: np_planner_compute with an optional second view. */
NpPlanResults *np_planner_compute_with_views (const NpPlan            *plan,
                                              const NpPlannerOptions  *options,
                                              const NpFluoroTwoViews  *two_views,
                                              double                   views_angle_deg,
                                              GError                 **error);
/* np-planner-needle.c: the needle for results' path (from the upper end of
 * its 95 % interval once known), and the longest standard needle, mm. */
void          np_planner_choose_needle     (NpPlanResults          *results);
guint         np_planner_longest_needle_mm (void);
/* np-planner-uncertainty.c: half width of the central 95 % interval of
 * N(0, σ²) + U(−h, h). */
gboolean      np_planner_central_half_width (double                  sigma,
                                             double                  h,
                                             double                 *half,
                                             GError                **error);

G_END_DECLS
