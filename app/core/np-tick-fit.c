/* np-tick-fit.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-tick-fit.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdlib.h>

/* Clicks beyond a million pixels are not on any frame we open. */
#define MAX_COORDINATE_PX 1e6

/* A gap under half the tick spacing is a second click on the same tick. */
#define DOUBLE_CLICK_RATIO 0.5

/* A used tick is off the scale when its residual is over 10% of the tick
 * spacing or over 3 px, whichever is larger: a careful click is within a
 * pixel or two, so anything beyond is a wrong tick, not placement noise. */
#define OFF_SCALE_FRACTION 0.1
#define OFF_SCALE_MIN_PX 3.0

static void
tick_clear (gpointer data)
{
  NpTick *tick = data;
  g_clear_pointer (&tick->reason, g_free);
}

static GArray *
tick_array_new (guint reserved)
{
  GArray *ticks = g_array_sized_new (FALSE, TRUE, sizeof (NpTick), reserved);
  g_array_set_clear_func (ticks, tick_clear);
  return ticks;
}

const char *
np_tick_status_to_string (NpTickStatus status)
{
  switch (status)
    {
    case NP_TICK_USED: return "used";
    case NP_TICK_DOUBLE_CLICK: return "double-click";
    case NP_TICK_AFTER_GAP: return "after-gap";
    case NP_TICK_OFF_SCALE: return "off-scale";
    default: g_return_val_if_reached (NULL);
    }
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
compare_ticks_by_position (gconstpointer a,
                           gconstpointer b)
{
  const NpTick *p = a;
  const NpTick *q = b;

  if (p->position_px != q->position_px)
    return (p->position_px > q->position_px) - (p->position_px < q->position_px);
  return (p->click_index > q->click_index) - (p->click_index < q->click_index);
}

/* Direction of largest spread (principal axis), oriented to point down the
 * image (deeper) or, for a horizontal scale, to the right. */
static gboolean
principal_direction (const GArray *points,
                     double       *ux,
                     double       *uy)
{
  double mean_x = 0, mean_y = 0, sxx = 0, syy = 0, sxy = 0;
  double theta;

  for (guint i = 0; i < points->len; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      mean_x += p.x;
      mean_y += p.y;
    }
  mean_x /= points->len;
  mean_y /= points->len;
  for (guint i = 0; i < points->len; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      sxx += (p.x - mean_x) * (p.x - mean_x);
      syy += (p.y - mean_y) * (p.y - mean_y);
      sxy += (p.x - mean_x) * (p.y - mean_y);
    }
  if (sxx + syy <= 0)
    return FALSE;

  theta = 0.5 * atan2 (2 * sxy, sxx - syy);
  *ux = cos (theta);
  *uy = sin (theta);
  if ((fabs (*uy) >= fabs (*ux) && *uy < 0) || (fabs (*uy) < fabs (*ux) && *ux < 0))
    {
      *ux = -*ux;
      *uy = -*uy;
    }
  return TRUE;
}

/* Upper median: with one double click among four ticks, the gaps (g, 0, g)
 * still give g. */
static double
median_gap (const GArray *ticks)
{
  guint n = ticks->len - 1;
  g_autofree double *gaps = g_new (double, n);

  for (guint i = 0; i < n; i++)
    gaps[i] = g_array_index (ticks, NpTick, i + 1).position_px
              - g_array_index (ticks, NpTick, i).position_px;
  qsort (gaps, n, sizeof (double), compare_doubles);
  return gaps[n / 2];
}

/* Numbers the ticks along the scale, flagging double clicks and ticks that
 * follow a skipped tick. */
static void
assign_tick_indices (GArray *ticks,
                     double  gap_px)
{
  guint last_kept = 0;

  g_array_index (ticks, NpTick, 0).tick_index = 0;
  for (guint k = 1; k < ticks->len; k++)
    {
      NpTick *tick = &g_array_index (ticks, NpTick, k);
      const NpTick *previous = &g_array_index (ticks, NpTick, last_kept);
      double gap = tick->position_px - previous->position_px;
      double ratio = gap / gap_px;
      int steps = (int) lround (ratio);

      if (ratio < DOUBLE_CLICK_RATIO)
        {
          tick->tick_index = previous->tick_index;
          tick->status = NP_TICK_DOUBLE_CLICK;
          tick->reason = g_strdup_printf (_("double click: only %.1f px from click %u"),
                                          gap, previous->click_index + 1);
          continue;
        }

      tick->tick_index = previous->tick_index + steps;
      if (steps >= 2)
        {
          tick->status = NP_TICK_AFTER_GAP;
          tick->reason = g_strdup_printf (_("%d tick%s missed before this one (gap %.2f× the "
                                          "tick spacing)"),
                                          steps - 1, steps - 1 == 1 ? "" : "s", ratio);
        }
      last_kept = k;
    }
}

typedef struct
{
  double c0;
  double c1;
  double cov11;
  double sumsq;
  guint n;
} LineFit;

static gboolean
fit_used_ticks (const GArray  *ticks,
                double         spacing_mm,
                LineFit       *line,
                GError       **error)
{
  g_autofree double *x = g_new (double, ticks->len);
  g_autofree double *y = g_new (double, ticks->len);
  double cov00, cov01;
  guint n = 0;
  int status;

  for (guint i = 0; i < ticks->len; i++)
    {
      const NpTick *tick = &g_array_index (ticks, NpTick, i);
      if (tick->status != NP_TICK_USED)
        continue;
      x[n] = tick->position_px;
      y[n] = tick->tick_index * spacing_mm;
      n++;
    }
  if (n < NP_TICK_FIT_MIN_TICKS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Only %u of the %u ticks fit the scale; click at least %d ticks that are "
                   "on the scale"),
                   n, ticks->len, NP_TICK_FIT_MIN_TICKS);
      return FALSE;
    }

  status = gsl_fit_linear (x, 1, y, 1, n, &line->c0, &line->c1, &cov00, &cov01, &line->cov11,
                           &line->sumsq);
  if (!np_error_from_gsl (status, _("The depth-scale fit"), error))
    return FALSE;
  if (!isfinite (line->c1) || line->c1 <= 0 || !isfinite (line->cov11))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC,
                   _("The depth-scale fit gave no usable pixel size; click the ticks again"));
      return FALSE;
    }
  line->n = n;
  return TRUE;
}

static void
update_residuals (GArray        *ticks,
                  double         spacing_mm,
                  const LineFit *line)
{
  for (guint i = 0; i < ticks->len; i++)
    {
      NpTick *tick = &g_array_index (ticks, NpTick, i);
      tick->residual_mm = tick->tick_index * spacing_mm
                          - (line->c0 + line->c1 * tick->position_px);
      tick->residual_px = tick->residual_mm / line->c1;
    }
}

/**
 * np_tick_fit:
 * @points: (element-type NpImagePoint): the clicked ticks, in any order
 * @spacing_mm: the distance between neighbouring ticks of the scale
 *
 * Projects the clicks on the scale's direction, numbers them (a gap of about
 * twice the spacing counts as a skipped tick), then fits the tick depths
 * against the positions with gsl_fit_linear. Double clicks, ticks right after
 * a skipped one, and ticks whose residual is too large are flagged with a
 * reason and left out; the fit is redone without them.
 *
 * Returns: (transfer full) (nullable): the fit, or %NULL with @error set
 */
NpTickFit *
np_tick_fit (const GArray  *points,
             double         spacing_mm,
             GError       **error)
{
  g_autoptr(GArray) ticks = NULL;
  NpTickFit *fit;
  LineFit line = { 0 };
  double ux, uy, gap_px, origin;

  g_return_val_if_fail (points != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!isfinite (spacing_mm) || spacing_mm <= 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The tick spacing must be a positive number of millimetres"));
      return NULL;
    }
  if (points->len < NP_TICK_FIT_MIN_TICKS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("A depth-scale fit needs at least %d ticks; %u given"),
                   NP_TICK_FIT_MIN_TICKS, points->len);
      return NULL;
    }
  for (guint i = 0; i < points->len; i++)
    {
      NpImagePoint p = g_array_index (points, NpImagePoint, i);
      if (!isfinite (p.x) || !isfinite (p.y)
          || fabs (p.x) > MAX_COORDINATE_PX || fabs (p.y) > MAX_COORDINATE_PX)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                       _("Tick %u is not a usable image position"), i + 1);
          return NULL;
        }
    }
  if (!principal_direction (points, &ux, &uy))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("All ticks are at the same place; click ticks along the scale"));
      return NULL;
    }

  ticks = tick_array_new (points->len);
  g_array_set_size (ticks, points->len);
  for (guint i = 0; i < points->len; i++)
    {
      NpTick *tick = &g_array_index (ticks, NpTick, i);
      tick->point = g_array_index (points, NpImagePoint, i);
      tick->click_index = i;
      tick->position_px = tick->point.x * ux + tick->point.y * uy;
      tick->status = NP_TICK_USED;
    }
  g_array_sort (ticks, compare_ticks_by_position);
  origin = g_array_index (ticks, NpTick, 0).position_px;
  for (guint i = 0; i < ticks->len; i++)
    g_array_index (ticks, NpTick, i).position_px -= origin;

  gap_px = median_gap (ticks);
  if (gap_px < 1.0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The ticks are less than a pixel apart; click distinct ticks of the scale"));
      return NULL;
    }
  assign_tick_indices (ticks, gap_px);

  /* Leave out the worst tick while it is off the scale, one at a time, so a
   * single bad click cannot drag good ticks out with it. */
  for (;;)
    {
      NpTick *worst = NULL;
      double limit_mm;

      if (!fit_used_ticks (ticks, spacing_mm, &line, error))
        return NULL;
      update_residuals (ticks, spacing_mm, &line);

      limit_mm = MAX (OFF_SCALE_FRACTION * spacing_mm, OFF_SCALE_MIN_PX * line.c1);
      for (guint i = 0; i < ticks->len; i++)
        {
          NpTick *tick = &g_array_index (ticks, NpTick, i);
          if (tick->status == NP_TICK_USED && fabs (tick->residual_mm) > limit_mm
              && (worst == NULL || fabs (tick->residual_mm) > fabs (worst->residual_mm)))
            worst = tick;
        }
      if (worst == NULL)
        break;
      worst->status = NP_TICK_OFF_SCALE;
    }

  /* Describe the left-out ticks against the final fit, the one reported. */
  for (guint i = 0; i < ticks->len; i++)
    {
      NpTick *tick = &g_array_index (ticks, NpTick, i);
      if (tick->status == NP_TICK_OFF_SCALE)
        tick->reason = g_strdup_printf (_("%.1f px off the fitted scale (limit %.1f px)"),
                                        fabs (tick->residual_px),
                                        MAX (OFF_SCALE_FRACTION * spacing_mm / line.c1,
                                             OFF_SCALE_MIN_PX));
    }

  fit = g_new0 (NpTickFit, 1);
  fit->spacing_mm = spacing_mm;
  fit->mm_per_px = line.c1;
  fit->se_mm_per_px = sqrt (line.cov11);
  fit->intercept_mm = line.c0;
  fit->rms_residual_mm = sqrt (line.sumsq / line.n);
  fit->n_used = line.n;
  fit->n_flagged = ticks->len - line.n;
  fit->direction_x = ux;
  fit->direction_y = uy;
  fit->ticks = g_steal_pointer (&ticks);
  return fit;
}

/**
 * np_tick_fit_copy:
 *
 * Returns: (transfer full): a deep copy
 */
NpTickFit *
np_tick_fit_copy (const NpTickFit *fit)
{
  NpTickFit *copy;

  g_return_val_if_fail (fit != NULL, NULL);

  copy = g_new0 (NpTickFit, 1);
  *copy = *fit;
  copy->ticks = tick_array_new (fit->ticks->len);
  for (guint i = 0; i < fit->ticks->len; i++)
    {
      NpTick tick = g_array_index (fit->ticks, NpTick, i);
      tick.reason = g_strdup (tick.reason);
      g_array_append_val (copy->ticks, tick);
    }
  return copy;
}

void
np_tick_fit_free (NpTickFit *fit)
{
  if (fit == NULL)
    return;
  g_clear_pointer (&fit->ticks, g_array_unref);
  g_free (fit);
}
