/* np-planner-recommend.c: the recommended entry (shortest path that keeps every constraint)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-planner-private.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_sort.h>
#include <math.h>

/* The entry scan never runs further than this along an uncalibrated skin. */
#define MAX_SCAN_REACH_PX 20000.0
/* Flatter than this the needle only tunnels under the skin. */
#define FLATTEST_USEFUL_DEG 5.0

/* ------------------------------------------------------------------------ */
/* Recommended entry                                                          */
/* ------------------------------------------------------------------------ */

typedef enum
{
  BINDING_NONE = -1,
  BINDING_ANGLE = -2,
  BINDING_PROBE = -3,
} Binding;

typedef struct
{
  Context *ctx;
  NpMmPoint target;
  double angle_min, angle_max;
  gboolean has_footprint;     /* in plane: entries under the probe are excluded */
  double footprint_lo, footprint_hi;
  gboolean visibility_range;  /* in plane without a preset: the range is the visibility one */
  gboolean in_plane;
  double foot;                /* skin coordinate of the point over the target */
} Search;

static double
search_angle (const Search *search,
              NpMmPoint     entry,
              NpMmPoint     tangent)
{
  NpMmPoint path = np_mm_point (search->target.x - entry.x, search->target.y - entry.y);

  if (path.x == 0 && path.y == 0)
    return 90;
  return np_geometry_line_angle_deg (path, tangent);
}

static double
search_length (double  param,
               void   *data)
{
  const Search *search = data;

  return np_geometry_distance (np_planner_skin_at (&search->ctx->space, param, NULL),
                               search->target);
}

/* How far beyond the probe's footprint the entry lies (negative under it). */
static double
probe_slack (const Search *search,
             double        param)
{
  return MAX (search->footprint_lo - param, param - search->footprint_hi);
}

/* The smallest slack of all constraints at @param: ≥ 0 when the entry is
 * acceptable. Degrees and millimetres are mixed; only the sign and which
 * constraint binds matter. With @stop_below_zero the scan only needs to
 * know whether the entry is acceptable and stops at the first failure. */
static double
search_slack (const Search *search,
              double        param,
              gboolean      stop_below_zero,
              int          *binding)
{
  const Context *ctx = search->ctx;
  NpMmPoint tangent;
  NpMmPoint entry = np_planner_skin_at (&ctx->space, param, &tangent);
  double angle = search_angle (search, entry, tangent);
  double slack = MIN (angle - search->angle_min, search->angle_max - angle);
  int bind = BINDING_ANGLE;

  if (search->has_footprint)
    {
      double probe = probe_slack (search, param);

      if (probe < slack)
        {
          slack = probe;
          bind = BINDING_PROBE;
        }
    }

  for (guint i = 0; i < ctx->obstacles->len && !(stop_below_zero && slack < 0); i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);
      double ob_slack;

      if (!ob->usable)
        continue;
      ob_slack = np_planner_obstacle_slack (ctx, ob, entry, search->target, slack);
      if (ob_slack < slack)
        {
          slack = ob_slack;
          bind = (int) i;
        }
    }
  if (binding != NULL)
    *binding = bind;
  return slack;
}

static double
search_slack_cb (double  param,
                 void   *data)
{
  return search_slack (data, param, FALSE, NULL);
}

typedef struct
{
  double structures;          /* Σ max(0, required − clearance), mm or px */
  double angle;               /* degrees outside the range */
  double length;
} Violation;

static Violation
search_violation (const Search *search,
                  double        param)
{
  const Context *ctx = search->ctx;
  NpMmPoint tangent;
  NpMmPoint entry = np_planner_skin_at (&ctx->space, param, &tangent);
  double angle = search_angle (search, entry, tangent);
  Violation v = { 0, 0, np_geometry_distance (entry, search->target) };

  v.angle = MAX (0.0, MAX (search->angle_min - angle, angle - search->angle_max));
  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);

      if (ob->usable)
        v.structures += MAX (0.0, -np_planner_obstacle_slack (ctx, ob, entry, search->target, 0));
    }
  return v;
}

/* Structures first (safety), then the angle, then the length. */
static gboolean
violation_less (const Violation *a,
                const Violation *b)
{
  if (fabs (a->structures - b->structures) > 1e-9)
    return a->structures < b->structures;
  if (fabs (a->angle - b->angle) > 1e-9)
    return a->angle < b->angle;
  return a->length < b->length;
}

/* Boundary between an acceptable @good and an unacceptable @bad entry,
 * by Brent's method on the slack; returns the acceptable side. */
static double
refine_boundary (Search *search,
                 double  good,
                 double  bad)
{
  gsl_function f = { search_slack_cb, search };
  gsl_root_fsolver *solver;
  double lo = MIN (good, bad), hi = MAX (good, bad);
  double result = good;
  int status, iter = 0;

  if (search_slack_cb (good, search) <= 0)
    return good;

  solver = gsl_root_fsolver_alloc (gsl_root_fsolver_brent);
  status = gsl_root_fsolver_set (solver, &f, lo, hi);
  while (status == GSL_SUCCESS && iter++ < 100)
    {
      status = gsl_root_fsolver_iterate (solver);
      if (status != GSL_SUCCESS)
        break;
      lo = gsl_root_fsolver_x_lower (solver);
      hi = gsl_root_fsolver_x_upper (solver);
      if (gsl_root_test_interval (lo, hi, 1e-9, 0) == GSL_SUCCESS)
        break;
    }
  gsl_root_fsolver_free (solver);
  if (status == GSL_SUCCESS)
    {
      /* Keep the end of the final bracket that still satisfies everything. */
      if (search_slack_cb (good < bad ? hi : lo, search) >= 0)
        result = good < bad ? hi : lo;
      else if (search_slack_cb (good < bad ? lo : hi, search) >= 0)
        result = good < bad ? lo : hi;
    }
  return result;
}

/* Shortest acceptable entry near the best scanned sample @i. */
static double
refine_entry (Search       *search,
              const double *params,
              const double *lengths,
              const gboolean *acceptable,
              gsize         n,
              gsize         i)
{
  double best = params[i];
  gboolean bracket = i > 0 && i + 1 < n && lengths[i - 1] > lengths[i] && lengths[i + 1] > lengths[i];

  if (bracket)
    {
      /* The unconstrained shortest path lies between the neighbours. */
      gsl_function f = { search_length, search };
      gsl_min_fminimizer *minimizer = gsl_min_fminimizer_alloc (gsl_min_fminimizer_brent);
      int status = gsl_min_fminimizer_set (minimizer, &f, params[i], params[i - 1], params[i + 1]);
      int iter = 0;
      double candidate = params[i];

      while (status == GSL_SUCCESS && iter++ < 100)
        {
          status = gsl_min_fminimizer_iterate (minimizer);
          if (status != GSL_SUCCESS)
            break;
          status = gsl_min_test_interval (gsl_min_fminimizer_x_lower (minimizer),
                                          gsl_min_fminimizer_x_upper (minimizer), 1e-10, 0);
          if (status == GSL_SUCCESS)
            break;
          if (status == GSL_CONTINUE)
            status = GSL_SUCCESS;
        }
      if (status == GSL_SUCCESS)
        candidate = gsl_min_fminimizer_x_minimum (minimizer);
      gsl_min_fminimizer_free (minimizer);

      if (search_slack_cb (candidate, search) >= 0)
        return candidate;
      return refine_boundary (search, best, candidate);
    }

  /* Otherwise the path shortens towards a neighbour that fails a constraint. */
  {
    gsize towards = i;

    if (i > 0 && lengths[i - 1] < lengths[i])
      towards = i - 1;
    if (i + 1 < n && lengths[i + 1] < lengths[towards])
      towards = i + 1;
    if (towards != i && !acceptable[towards])
      return refine_boundary (search, best, params[towards]);
  }
  return best;
}

/* "within 10–40° to the skin (where an in-plane needle stays visible)" */
static void
append_angle_range (const Search *search,
                    GString      *reason)
{
  g_string_append_printf (reason, _("stays within %g–%g° to the skin"), search->angle_min,
                          search->angle_max);
  if (search->visibility_range)
    g_string_append (reason, _(" (where an in-plane shaft stays visible)"));
  else if (search->in_plane && search->ctx->approach != NULL)
    g_string_append (reason, _(" (the approach's range, never above 50° in plane)"));
}

static void
describe_binding (const Search *search,
                  int           binding,
                  GString      *reason)
{
  const Context *ctx = search->ctx;

  if (binding >= 0)
    {
      const NpStructure *structure = g_ptr_array_index (ctx->plan->structures, binding);
      g_autofree char *name = np_planner_structure_name (structure);

      if (ctx->space.calibrated)
        g_string_append_printf (reason, _("keeps the %g mm margin from the %s"),
                                structure->margin_mm, name);
      else
        g_string_append_printf (reason, _("keeps clear of the %s"), name);
    }
  else if (binding == BINDING_ANGLE)
    append_angle_range (search, reason);
  else if (binding == BINDING_PROBE)
    g_string_append (reason, _("enters at the end of the probe, as an in-plane needle must"));
}

void
np_entry_recommendation_free (NpEntryRecommendation *recommendation)
{
  if (recommendation == NULL)
    return;
  g_free (recommendation->reason);
  g_free (recommendation);
}

static void
fill_recommendation (Search                *search,
                     double                 param,
                     NpEntryRecommendation *rec)
{
  const Context *ctx = search->ctx;
  NpMmPoint tangent;
  NpMmPoint entry = np_planner_skin_at (&ctx->space, param, &tangent);

  rec->entry = np_planner_to_image (&ctx->space, entry);
  rec->has_path = TRUE;
  rec->path_length = np_geometry_distance (entry, search->target);
  rec->insertion_angle_deg = search_angle (search, entry, tangent);
  rec->min_clearance = G_MAXDOUBLE;
  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);

      if (ob->usable)
        rec->min_clearance = MIN (rec->min_clearance,
                                  np_planner_obstacle_clearance (ctx, ob, entry, search->target,
                                                                 NULL, NULL));
    }
}

/* Structures that block every entry inside the angle range: those the
 * least-violating in-range entry on each side of the target still comes too
 * close to. */
static void
append_blocking_structures (const Search *search,
                            const double *params,
                            gsize         n,
                            GString      *reason)
{
  const Context *ctx = search->ctx;
  g_autofree gboolean *named = g_new0 (gboolean, ctx->obstacles->len + 1);
  gboolean first = TRUE;

  for (int side = 0; side < 2; side++)
    {
      Violation least = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
      NpMmPoint entry = { NAN, NAN };

      for (gsize i = 0; i < n; i++)
        {
          Violation v;

          if ((side == 0) != (params[i] < search->foot)
              || (search->has_footprint && probe_slack (search, params[i]) < 0))
            continue;
          v = search_violation (search, params[i]);
          if (v.angle > 0)
            continue;
          if (violation_less (&v, &least))
            {
              least = v;
              entry = np_planner_skin_at (&ctx->space, params[i], NULL);
            }
        }
      if (!isfinite (entry.x))
        continue;
      for (guint i = 0; i < ctx->obstacles->len; i++)
        {
          const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);
          const NpStructure *structure = g_ptr_array_index (ctx->plan->structures, i);
          g_autofree char *name = NULL;

          if (!ob->usable || named[i]
              || np_planner_obstacle_slack (ctx, ob, entry, search->target, 0) >= 0)
            continue;
          named[i] = TRUE;
          name = np_planner_structure_name (structure);
          if (!first)
            g_string_append (reason, _(" or "));
          first = FALSE;
          if (ctx->space.calibrated && structure->margin_mm > 0)
            g_string_append_printf (reason, _("the %s by %g mm"), name, structure->margin_mm);
          else
            g_string_append_printf (reason, _("the %s"), name);
        }
    }
  if (first)
    g_string_append (reason, _("every structure"));
}

static void
explain_failure (const Search          *search,
                 NpEntryRecommendation *rec,
                 const double          *params,
                 gsize                  n,
                 GString               *reason)
{
  const Context *ctx = search->ctx;
  NpMmPoint entry = np_planner_to_phys (&ctx->space, rec->entry);
  gboolean first = TRUE;
  gboolean safe = TRUE;

  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);

      if (ob->usable && np_planner_obstacle_slack (ctx, ob, entry, search->target, 0) < 0)
        safe = FALSE;
    }
  if (safe && (rec->insertion_angle_deg > search->angle_max + 1e-9
               || rec->insertion_angle_deg < search->angle_min - 1e-9))
    {
      /* Every margin is kept only outside the angle range: say which
       * structures force that and what it costs. */
      gboolean steep = rec->insertion_angle_deg > search->angle_max;
      NpVisibility visibility = np_planner_visibility_for_angle (rec->insertion_angle_deg);

      g_string_append (reason, _("No entry clears "));
      append_blocking_structures (search, params, n, reason);
      g_string_append_printf (reason, _(" at %g° or %s; the %s safe path is %.0f° (%.1f %s)"),
                              steep ? search->angle_max : search->angle_min,
                              steep ? "flatter" : "steeper", steep ? "flattest" : "steepest",
                              rec->insertion_angle_deg, rec->path_length, rec->unit);
      if (search->in_plane && visibility == NP_VISIBILITY_POOR)
        g_string_append (reason, _(", where the shaft is hard to see in plane (poor above 50°): "
                                 "consider out-of-plane."));
      else if (search->in_plane && visibility == NP_VISIBILITY_CAUTION)
        g_string_append (reason, _(", where in-plane visibility is reduced (caution above "
                                 "30°)."));
      else
        g_string_append (reason, ".");
      return;
    }

  g_string_append (reason, _("No entry satisfies every constraint: "));
  for (guint i = 0; i < ctx->obstacles->len; i++)
    {
      const Obstacle *ob = &g_array_index (ctx->obstacles, Obstacle, i);
      const NpStructure *structure = g_ptr_array_index (ctx->plan->structures, i);
      g_autofree char *name = NULL;
      double d;

      if (!ob->usable || np_planner_obstacle_slack (ctx, ob, entry, search->target, 0) >= 0)
        continue;
      d = np_planner_obstacle_clearance (ctx, ob, entry, search->target, NULL, NULL);
      name = np_planner_structure_name (structure);
      if (!first)
        g_string_append (reason, "; ");
      first = FALSE;
      if (!ctx->space.calibrated || structure->margin_mm <= 0)
        g_string_append_printf (reason, _("the %s cannot be avoided (the least-bad path passes "
                                        "through it)"), name);
      else if (d <= 0)
        g_string_append_printf (reason, _("the %s cannot be cleared by its %g mm margin "
                                        "(the least-bad path crosses it)"),
                                name, structure->margin_mm);
      else
        g_string_append_printf (reason, _("the %s cannot be cleared by its %g mm margin "
                                        "(the least-bad path passes %.1f mm from it)"),
                                name, structure->margin_mm, d);
    }
  if (rec->insertion_angle_deg < search->angle_min - 1e-9
      || rec->insertion_angle_deg > search->angle_max + 1e-9)
    {
      if (!first)
        g_string_append (reason, "; ");
      g_string_append_printf (reason, _("the angle cannot stay within %g–%g° to the skin "
                                      "(least-bad %.0f°)"),
                              search->angle_min, search->angle_max, rec->insertion_angle_deg);
    }
  g_string_append_printf (reason, _(". Least-bad entry shown: path %.1f %s at %.0f° to the skin."),
                          rec->path_length, rec->unit, rec->insertion_angle_deg);
}

/* Scan range along the skin: every entry from which the needle could reach
 * the target at the approach's flattest angle, within the longest standard
 * needle; in plane beyond the image, otherwise within the marked skin. */
static void
search_range (const Search *search,
              double        foot,
              double        depth,
              gboolean      in_plane,
              double       *lo,
              double       *hi)
{
  const Space *space = &search->ctx->space;
  double flattest = MAX (search->angle_min, FLATTEST_USEFUL_DEG) * DEG_TO_RAD;
  double reach = 1.5 * MAX (depth, 1.0) / tan (flattest) + 1.0;

  /* Beyond the longest needle nothing reaches; uncalibrated, a bound keeps
   * the scan finite on any frame. */
  if (space->calibrated)
    reach = MIN (reach, np_planner_longest_needle_mm () - NP_PLANNER_NEEDLE_OUTSIDE_MM);
  else
    reach = MIN (reach, MAX_SCAN_REACH_PX);
  *lo = foot - reach;
  *hi = foot + reach;

  if (in_plane)
    return;
  if (space->skin == SKIN_POLYLINE)
    {
      *lo = MAX (*lo, 0.0);
      *hi = MIN (*hi, np_geometry_polyline_length ((const NpMmPoint *) space->skin_points->data,
                                                   space->skin_points->len));
    }
  else if (space->skin == SKIN_ARC
           || (space->skin == SKIN_TOP_EDGE && search->has_footprint))
    {
      *lo = MAX (*lo, search->footprint_lo);
      *hi = MIN (*hi, search->footprint_hi);
    }
}

/* The least-bad sample keeps every margin but not the angle: move it, by
 * bisection, to the edge of the margins towards the angle range (the
 * flattest or steepest safe entry), which the scan only finds to a step. */
static double
refine_least_bad (Search          *search,
                  const double    *params,
                  gsize            n,
                  gsize            i,
                  const Violation *least)
{
  double safe = params[i], unsafe;
  gsize towards = G_MAXSIZE;

  if (least->structures > 0 || least->angle <= 0)
    return safe;
  for (int d = -1; d <= 1; d += 2)
    {
      gsize j = (gsize) ((gssize) i + d);
      Violation v;

      if ((d < 0 && i == 0) || j >= n)
        continue;
      v = search_violation (search, params[j]);
      if (v.structures > 0 && v.angle < least->angle)
        towards = j;
    }
  if (towards == G_MAXSIZE)
    return safe;
  unsafe = params[towards];
  for (int iter = 0; iter < 60; iter++)
    {
      double mid = (safe + unsafe) / 2;

      if (search_violation (search, mid).structures > 0)
        unsafe = mid;
      else
        safe = mid;
    }
  return safe;
}

static NpEntryRecommendation *
recommend_in_plane (Search   *search,
                    gboolean  in_plane)
{
  const Context *ctx = search->ctx;
  NpEntryRecommendation *rec = g_new0 (NpEntryRecommendation, 1);
  g_autoptr(GString) reason = g_string_new (NULL);
  g_autofree double *params = NULL;
  g_autofree double *lengths = NULL;
  g_autofree gboolean *acceptable = NULL;
  g_autofree gsize *order = NULL;
  double foot, depth, lo, hi, step;
  gsize n, best = G_MAXSIZE;

  rec->unit = ctx->space.calibrated ? "mm" : "px";
  depth = np_planner_skin_closest (&ctx->space, search->target, NULL, NULL, &foot);
  search->foot = foot;
  search_range (search, foot, depth, in_plane, &lo, &hi);
  if (hi < lo)
    hi = lo;

  /* Global scan at ≤ 0.5 mm (px) steps, visited from the shortest path up:
   * the first acceptable sample is the best one. */
  n = (gsize) ceil ((hi - lo) / NP_PLANNER_SCAN_STEP) + 1;
  step = n > 1 ? (hi - lo) / (n - 1) : 0;
  params = g_new (double, n);
  lengths = g_new (double, n);
  acceptable = g_new0 (gboolean, n);
  order = g_new (gsize, n);
  for (gsize i = 0; i < n; i++)
    {
      params[i] = lo + i * step;
      lengths[i] = search_length (params[i], search);
    }
  gsl_sort_index (order, lengths, 1, n);
  for (gsize k = 0; k < n; k++)
    {
      gsize i = order[k];

      acceptable[i] = search_slack (search, params[i], TRUE, NULL) >= 0;
      if (acceptable[i])
        {
          best = i;
          break;
        }
    }

  if (best != G_MAXSIZE)
    {
      /* Neighbours decide how to refine; fill in their acceptability. */
      if (best > 0)
        acceptable[best - 1] = search_slack (search, params[best - 1], TRUE, NULL) >= 0;
      if (best + 1 < n)
        acceptable[best + 1] = search_slack (search, params[best + 1], TRUE, NULL) >= 0;

      {
        double param = refine_entry (search, params, lengths, acceptable, n, best);
        int binding;
        double slack = search_slack (search, param, FALSE, &binding);

        fill_recommendation (search, param, rec);
        rec->feasible = TRUE;
        if (!ctx->space.calibrated)
          g_string_append_printf (reason, _("Frame is not calibrated: margins are not applied; "
                                          "the path keeps %g px from each outline. "),
                                  UNCALIBRATED_CLEARANCE_PX);
        g_string_append_printf (reason, _("Shortest path to the target that "));
        /* Each constraint is named once: the binding one first. */
        if (slack < 1e-4 && binding != BINDING_ANGLE)
          {
            describe_binding (search, binding, reason);
            g_string_append (reason, binding >= 0 ? _(", clears every other structure and ")
                                                  : _(", clears every structure and "));
            append_angle_range (search, reason);
            g_string_append (reason, ": ");
          }
        else
          {
            append_angle_range (search, reason);
            g_string_append (reason, _(" and clears every structure: "));
          }
        g_string_append_printf (reason, _("%.1f %s at %.0f° to the skin."), rec->path_length,
                                rec->unit, rec->insertion_angle_deg);
      }
    }
  else
    {
      /* Nothing passes: the least-bad sample, structures weighed first. */
      Violation least = { G_MAXDOUBLE, G_MAXDOUBLE, G_MAXDOUBLE };
      gsize least_index = 0;

      for (gsize i = 0; i < n; i++)
        {
          Violation v;

          if (search->has_footprint && probe_slack (search, params[i]) < 0)
            continue;
          v = search_violation (search, params[i]);
          if (violation_less (&v, &least))
            {
              least = v;
              least_index = i;
            }
        }
      fill_recommendation (search, refine_least_bad (search, params, n, least_index, &least),
                           rec);
      rec->feasible = FALSE;
      explain_failure (search, rec, params, n, reason);
    }

  rec->reason = g_string_free (g_steal_pointer (&reason), FALSE);
  return rec;
}

/**
 * np_planner_recommend_entry:
 * @options: (nullable): the field of view (in plane, entries under the probe
 *   are excluded) and the walk-down angle
 *
 * The entry on the skin line with the shortest path that clears every
 * structure by its margin and keeps the insertion angle inside the
 * approach's range: a scan at ≤ 0.5 mm steps along the skin (extended past
 * the image in plane), then Brent refinement (gsl_min for the shortest path,
 * gsl_root for the edge of a constraint). When nothing satisfies every
 * constraint, the least-bad entry comes back with feasible = FALSE and a
 * reason naming what fails. Out of plane the entry is the skin point over
 * the target; coaxial fluoroscopy puts it over the target in the view.
 *
 * Returns: (transfer full) (nullable): the recommendation, or NULL with
 *   @error set when the plan has no target or no skin line
 */
NpEntryRecommendation *
np_planner_recommend_entry (const NpPlan            *plan,
                            const NpPlannerOptions  *options,
                            GError                 **error)
{
  NpPlannerOptions defaults;
  NpEntryRecommendation *rec = NULL;
  Context ctx;
  Search search = { 0 };

  g_return_val_if_fail (plan != NULL && plan->calibration != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    {
      np_planner_options_init (&defaults);
      options = &defaults;
    }
  if (!np_planner_validate_plan (plan, error))
    return NULL;
  if (!plan->has_target)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("Mark the target before asking for an entry"));
      return NULL;
    }

  np_planner_context_init (&ctx, plan);
  search.ctx = &ctx;
  search.target = np_planner_to_phys (&ctx.space, plan->target);
  np_approach_angle_range (ctx.approach, plan->modality, plan->technique,
                           &search.angle_min, &search.angle_max);

  if (plan->modality == NP_MODALITY_FLUOROSCOPY)
    {
      rec = g_new0 (NpEntryRecommendation, 1);
      rec->unit = ctx.space.calibrated ? "mm" : "px";
      rec->feasible = TRUE;
      rec->entry = plan->target;
      rec->min_clearance = G_MAXDOUBLE;
      rec->reason = g_strdup (_("Coaxial (down the beam): the entry overlies the target in this "
                              "view; tilt the C-arm until hub and tip line up, and check the "
                              "depth on a second view."));
    }
  else if (ctx.space.skin == SKIN_MISSING)
    g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("Mark the skin line first: %s"),
                 ctx.space.skin_problem);
  else if (plan->technique == NP_TECHNIQUE_OUT_OF_PLANE)
    {
      NpMmPoint foot;
      double depth = np_planner_skin_closest (&ctx.space, search.target, &foot, NULL, NULL);
      double angle = np_planner_walkdown_angle (&ctx, options);

      rec = g_new0 (NpEntryRecommendation, 1);
      rec->unit = ctx.space.calibrated ? "mm" : "px";
      rec->entry = np_planner_to_image (&ctx.space, foot);
      rec->has_path = TRUE;
      rec->path_length = depth / sin (angle * DEG_TO_RAD);
      rec->insertion_angle_deg = angle;
      rec->min_clearance = G_MAXDOUBLE;
      rec->feasible = TRUE;
      for (guint i = 0; i < ctx.obstacles->len; i++)
        {
          const Obstacle *ob = &g_array_index (ctx.obstacles, Obstacle, i);
          double d;

          if (!ob->usable)
            continue;
          d = np_planner_obstacle_clearance (&ctx, ob, foot, search.target, NULL, NULL);
          rec->min_clearance = MIN (rec->min_clearance, d);
          if (np_planner_obstacle_slack (&ctx, ob, foot, search.target, 0) < 0)
            rec->feasible = FALSE;
        }
      rec->reason = g_strdup_printf (_("Out of plane: the probe sits over the target; the needle "
                                     "enters %.1f %s from the imaging plane at %.0f° (walk-down) "
                                     "and reaches the target after %.1f %s. Steep is expected "
                                     "out of plane: the tip is followed by walking it down, not "
                                     "the shaft, so the in-plane visibility range does not "
                                     "apply.%s"),
                                     np_planner_walkdown_offset (depth, angle), rec->unit, angle,
                                     rec->path_length, rec->unit,
                                     rec->feasible ? ""
                                     : _(" A structure lies within its margin under the probe: "
                                       "move the probe."));
    }
  else
    {
      gboolean in_plane = plan->technique == NP_TECHNIQUE_IN_PLANE;

      /* An in-plane recommendation is never one the planner rates poor:
       * without a preset the range is the visibility range, and no preset
       * may go above the caution band. */
      search.in_plane = in_plane;
      if (in_plane && ctx.approach == NULL)
        {
          search.visibility_range = TRUE;
          search.angle_max = NP_PLANNER_IN_PLANE_MAX_DEG;
        }
      else if (in_plane)
        search.angle_max = MIN (search.angle_max, NP_PLANNER_VISIBILITY_CAUTION_MAX_DEG);
      search.has_footprint = in_plane
                             && np_planner_probe_footprint (&ctx, options, &search.footprint_lo,
                                                            &search.footprint_hi);
      rec = recommend_in_plane (&search, in_plane);
    }

  np_planner_context_clear (&ctx);
  return rec;
}
