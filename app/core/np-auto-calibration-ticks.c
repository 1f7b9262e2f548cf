/* np-auto-calibration-ticks.c: the depth scale: tick candidates, rows of
 * regularly spaced ticks, their period and the scale fit
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-auto-calibration-private.h"

#include <glib/gi18n-lib.h>

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Tick candidates: a blob grown from pixels of at least SEED brightness
 * over pixels of at least GROW, small, and alone on a dark background. */
#define TICK_SEED 110
#define TICK_GROW 40
#define TICK_MAX_EXTENT 22
#define TICK_MAX_THICKNESS 7
#define TICK_MAX_AREA 90
#define MAX_TICK_ALONG_PX 5.5
#define FLAT_MIN 150
#define FLAT_RANGE 6
/* A scale needs this many regularly spaced ticks in a row. */
#define MIN_TICKS 5
#define MIN_STEP_PX 6.0
#define MAX_STEP_PX 160.0
/* Gates on the fit: anything looser risks a confident wrong pixel size. */
#define MAX_RMS_PX 0.6
#define MAX_RELATIVE_SE 0.005
#define MIN_MM_PER_PX 0.02
#define MAX_MM_PER_PX 1.5

typedef struct
{
  double x, y;          /* weighted centre, image space */
  int x0, y0, x1, y1;   /* bounding box, inclusive */
  guint area;
} Blob;

/* ------------------------------------------------------------------------ */
/* Tick candidates                                                           */

static gboolean
blob_is_isolated (const Image *image,
                  const Blob  *blob)
{
  guint ring = 0, bright = 0;

  for (int y = blob->y0 - 2; y <= blob->y1 + 2; y++)
    for (int x = blob->x0 - 2; x <= blob->x1 + 2; x++)
      {
        if (x >= blob->x0 && x <= blob->x1 && y >= blob->y0 && y <= blob->y1)
          continue;
        ring++;
        if (lum_at (image, x, y) >= TICK_GROW)
          bright++;
      }
  return bright * 10 <= ring;
}

/* Flat bright marks that touch the image (the EPIQ's depth dots sit on the
 * sector's edge): components of pixels at one brightness, small, with a
 * good part of their surround black. Speckle is never flat like that. */
static void
add_flat_marks (const Image *image,
                GArray      *blobs)
{
  gsize n = (gsize) image->width * image->height;
  g_autofree guint8 *seen = g_malloc0 (n);
  /* every pixel enters the stack at most once */
  g_autofree guint32 *stack = g_new (guint32, n);
  gsize depth;
  guint n_before = blobs->len;

  for (gsize start = 0; start < n; start++)
    {
      Blob blob;
      guint8 level = image->lum[start];
      guint ring = 0, dark = 0;

      if (level < FLAT_MIN || seen[start])
        continue;
      memset (&blob, 0, sizeof blob);
      blob.x0 = blob.x1 = (int) (start % image->width);
      blob.y0 = blob.y1 = (int) (start / image->width);
      seen[start] = 1;
      depth = 0;
      stack[depth++] = (guint32) start;
      while (depth > 0)
        {
          guint32 p = stack[--depth];
          int x = (int) (p % image->width), y = (int) (p / image->width);
          const int nx[4] = { x - 1, x + 1, x, x };
          const int ny[4] = { y, y, y - 1, y + 1 };

          blob.area++;
          blob.x += x + 0.5;
          blob.y += y + 0.5;
          blob.x0 = MIN (blob.x0, x);
          blob.x1 = MAX (blob.x1, x);
          blob.y0 = MIN (blob.y0, y);
          blob.y1 = MAX (blob.y1, y);
          for (int k = 0; k < 4; k++)
            {
              guint32 q;
              if (nx[k] < 0 || ny[k] < 0 || nx[k] >= (int) image->width
                  || ny[k] >= (int) image->height)
                continue;
              q = (guint32) ny[k] * image->width + (guint32) nx[k];
              if (seen[q] || abs ((int) image->lum[q] - (int) level) > FLAT_RANGE)
                continue;
              seen[q] = 1;
              stack[depth++] = q;
            }
        }
      if (blob.area < 4 || blob.area > 40 || blob.x1 - blob.x0 > 7
          || blob.y1 - blob.y0 > 7)
        continue;
      for (int y = blob.y0 - 1; y <= blob.y1 + 1; y++)
        for (int x = blob.x0 - 1; x <= blob.x1 + 1; x++)
          if (x < blob.x0 || x > blob.x1 || y < blob.y0 || y > blob.y1)
            {
              ring++;
              dark += lum_at (image, x, y) < TICK_GROW;
            }
      if (dark * 100 < ring * 20)
        continue;
      blob.x /= blob.area;
      blob.y /= blob.area;
      {
        gboolean known = FALSE;
        for (guint i = 0; i < n_before && !known; i++)
          {
            const Blob *b = &g_array_index (blobs, Blob, i);
            known = fabs (b->x - blob.x) < 2 && fabs (b->y - blob.y) < 2;
          }
        if (!known)
          g_array_append_val (blobs, blob);
      }
    }
}

/* Connected components of bright pixels (4-neighbours, hysteresis) that are
 * small and stand alone: the shape of tick marks and dots. */
static GArray *
find_blobs (const Image *image)
{
  gsize n = (gsize) image->width * image->height;
  g_autofree guint8 *seen = g_malloc0 (n);
  /* every pixel enters the stack at most once */
  g_autofree guint32 *stack = g_new (guint32, n);
  gsize depth;
  GArray *blobs = g_array_new (FALSE, FALSE, sizeof (Blob));

  for (gsize start = 0; start < n; start++)
    {
      Blob blob;
      double sum = 0, sum_x = 0, sum_y = 0;
      guint8 peak = 0;
      gboolean too_big = FALSE;

      if (image->lum[start] < TICK_SEED || seen[start])
        continue;
      memset (&blob, 0, sizeof blob);
      blob.x0 = blob.x1 = (int) (start % image->width);
      blob.y0 = blob.y1 = (int) (start / image->width);
      seen[start] = 1;
      depth = 0;
      stack[depth++] = (guint32) start;
      while (depth > 0)
        {
          guint32 p = stack[--depth];
          int x = (int) (p % image->width), y = (int) (p / image->width);
          guint8 v = image->lum[p];
          const int nx[4] = { x - 1, x + 1, x, x };
          const int ny[4] = { y, y, y - 1, y + 1 };

          blob.area++;
          sum += v;
          sum_x += v * (x + 0.5);
          sum_y += v * (y + 0.5);
          peak = MAX (peak, v);
          blob.x0 = MIN (blob.x0, x);
          blob.x1 = MAX (blob.x1, x);
          blob.y0 = MIN (blob.y0, y);
          blob.y1 = MAX (blob.y1, y);
          if (blob.area > TICK_MAX_AREA)
            too_big = TRUE;
          for (int k = 0; k < 4; k++)
            {
              guint32 q;
              if (nx[k] < 0 || ny[k] < 0 || nx[k] >= (int) image->width
                  || ny[k] >= (int) image->height)
                continue;
              q = (guint32) ny[k] * image->width + (guint32) nx[k];
              if (seen[q] || image->lum[q] < TICK_GROW)
                continue;
              seen[q] = 1;
              stack[depth++] = q;
            }
        }
      if (too_big)
        continue;
      {
        int w = blob.x1 - blob.x0 + 1, h = blob.y1 - blob.y0 + 1;
        if (MAX (w, h) > TICK_MAX_EXTENT || MIN (w, h) > TICK_MAX_THICKNESS)
          continue;
      }
      blob.x = sum_x / sum;
      blob.y = sum_y / sum;
      if (blob_is_isolated (image, &blob))
        g_array_append_val (blobs, blob);
    }
  add_flat_marks (image, blobs);
  return blobs;
}

/* ------------------------------------------------------------------------ */
/* Regularly spaced rows of blobs                                            */

typedef struct
{
  guint cell;
  guint cols, rows;
  GArray **cells;   /* guint indices into the blob array */
} Grid;

static void
grid_init (Grid         *grid,
           const GArray *blobs,
           guint         width,
           guint         height)
{
  grid->cell = 8;
  grid->cols = width / grid->cell + 1;
  grid->rows = height / grid->cell + 1;
  grid->cells = g_new0 (GArray *, (gsize) grid->cols * grid->rows);
  for (guint i = 0; i < blobs->len; i++)
    {
      const Blob *b = &g_array_index (blobs, Blob, i);
      gsize c = (gsize) ((guint) b->y / grid->cell) * grid->cols + (guint) b->x / grid->cell;

      if (grid->cells[c] == NULL)
        grid->cells[c] = g_array_new (FALSE, FALSE, sizeof (guint));
      g_array_append_val (grid->cells[c], i);
    }
}

static void
grid_clear (Grid *grid)
{
  for (gsize c = 0; c < (gsize) grid->cols * grid->rows; c++)
    if (grid->cells[c] != NULL)
      g_array_unref (grid->cells[c]);
  g_free (grid->cells);
}

/* The blob nearest (x, y) within @along_tol along the unit vector (ux, uy)
 * and @across_tol across it, or -1. Ticks of a scale line up along it but
 * long and short ones may have their centres offset across it. */
static int
grid_find (const Grid   *grid,
           const GArray *blobs,
           double        x,
           double        y,
           double        ux,
           double        uy,
           double        along_tol,
           double        across_tol)
{
  int best = -1;
  double tol = MAX (along_tol, across_tol);
  double best_d = G_MAXDOUBLE;
  int c0 = (int) floor ((x - tol) / grid->cell), c1 = (int) floor ((x + tol) / grid->cell);
  int r0 = (int) floor ((y - tol) / grid->cell), r1 = (int) floor ((y + tol) / grid->cell);

  for (int r = MAX (r0, 0); r <= MIN (r1, (int) grid->rows - 1); r++)
    for (int c = MAX (c0, 0); c <= MIN (c1, (int) grid->cols - 1); c++)
      {
        GArray *cell = grid->cells[(gsize) r * grid->cols + c];
        if (cell == NULL)
          continue;
        for (guint k = 0; k < cell->len; k++)
          {
            const Blob *b = &g_array_index (blobs, Blob, g_array_index (cell, guint, k));
            double along = (b->x - x) * ux + (b->y - y) * uy;
            double across = -(b->x - x) * uy + (b->y - y) * ux;
            double d = along * along + across * across;
            if (fabs (along) <= along_tol && fabs (across) <= across_tol && d <= best_d)
              {
                best_d = d;
                best = (int) g_array_index (cell, guint, k);
              }
          }
      }
  return best;
}

typedef struct
{
  GArray *members;  /* int blob index per step; -1 for a single missed tick */
  guint found;
  double step;      /* px between neighbouring ticks */
  double rms;       /* of the tick positions about a straight-line fit, px */
  double dx, dy;    /* unit direction */
} Run;

/* Follows a row of blobs from @a through @b in both directions, allowing a
 * single missing tick, re-estimating the step from the ticks found so far. */
static void
follow_run (const Grid   *grid,
            const GArray *blobs,
            guint         a,
            guint         b,
            Run          *run)
{
  const Blob *ba = &g_array_index (blobs, Blob, a);
  const Blob *bb = &g_array_index (blobs, Blob, b);
  double vx = bb->x - ba->x, vy = bb->y - ba->y;
  double d = hypot (vx, vy);
  GArray *forward = g_array_new (FALSE, FALSE, sizeof (int));
  GArray *backward = g_array_new (FALSE, FALSE, sizeof (int));
  int ia = (int) a, ib = (int) b;

  g_array_append_val (forward, ia);
  g_array_append_val (forward, ib);
  for (int direction = 1; direction >= -1; direction -= 2)
    {
      GArray *out = direction > 0 ? forward : backward;
      const Blob *last = direction > 0 ? bb : ba;
      int misses = 0;
      double sx = vx, sy = vy;

      for (;;)
        {
          double along_tol = MAX (1.5, 0.08 * d), across_tol = MAX (6.0, 0.12 * d);
          double ex = last->x + direction * sx * (misses + 1);
          double ey = last->y + direction * sy * (misses + 1);
          int k = grid_find (grid, blobs, ex, ey, vx / d, vy / d, along_tol, across_tol);

          if (k < 0 || k == (int) a || k == (int) b)
            {
              if (k < 0 && misses == 0)
                {
                  misses = 1;
                  continue;
                }
              break;
            }
          if (misses > 0)
            {
              int gap = -1;
              g_array_append_val (out, gap);
            }
          g_array_append_val (out, k);
          last = &g_array_index (blobs, Blob, k);
          misses = 0;
        }
    }

  /* backward holds the ticks before a, nearest first */
  run->members = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = backward->len; i > 0; i--)
    g_array_append_val (run->members, g_array_index (backward, int, i - 1));
  g_array_append_vals (run->members, forward->data, forward->len);
  /* a trailing or leading gap carries nothing */
  while (run->members->len > 0 && g_array_index (run->members, int, 0) < 0)
    g_array_remove_index (run->members, 0);
  while (run->members->len > 0
         && g_array_index (run->members, int, run->members->len - 1) < 0)
    g_array_set_size (run->members, run->members->len - 1);
  run->found = 0;
  for (guint i = 0; i < run->members->len; i++)
    run->found += g_array_index (run->members, int, i) >= 0;
  {
    const Blob *first = &g_array_index (blobs, Blob, g_array_index (run->members, int, 0));
    const Blob *lastb = &g_array_index (blobs, Blob,
                                        g_array_index (run->members, int, run->members->len - 1));
    double len = hypot (lastb->x - first->x, lastb->y - first->y);

    run->step = len / (run->members->len - 1);
    run->dx = (lastb->x - first->x) / len;
    run->dy = (lastb->y - first->y) / len;
  }
  /* position along the scale against tick number: a straight line */
  {
    g_autoptr(GArray) idx = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr(GArray) pos = g_array_new (FALSE, FALSE, sizeof (double));
    double c0, c1, cov00, cov01, cov11, sumsq;

    for (guint i = 0; i < run->members->len; i++)
      {
        int k = g_array_index (run->members, int, i);
        double fi = i, p;
        if (k < 0)
          continue;
        p = g_array_index (blobs, Blob, k).x * run->dx + g_array_index (blobs, Blob, k).y * run->dy;
        g_array_append_val (idx, fi);
        g_array_append_val (pos, p);
      }
    gsl_fit_linear ((double *) idx->data, 1, (double *) pos->data, 1, idx->len, &c0, &c1, &cov00,
                    &cov01, &cov11, &sumsq);
    run->rms = sqrt (sumsq / idx->len);
  }
  g_array_unref (forward);
  g_array_unref (backward);
}

/* Tick marks are thin along their scale: bars across it, or small filled
 * dots. A row of characters is not. */
static gboolean
run_is_thin (const Run    *run,
             const GArray *blobs)
{
  for (guint i = 0; i < run->members->len; i++)
    {
      int k = g_array_index (run->members, int, i);
      const Blob *b;
      double along, across;
      int w, h;

      if (k < 0)
        continue;
      b = &g_array_index (blobs, Blob, k);
      w = b->x1 - b->x0 + 1;
      h = b->y1 - b->y0 + 1;
      along = fabs (run->dx) * w + fabs (run->dy) * h;
      across = fabs (run->dy) * w + fabs (run->dx) * h;
      /* a blurred (rescaled) tick is a little thicker */
      if (along > MAX (MAX_TICK_ALONG_PX, 0.15 * run->step))
        return FALSE;
      /* a bar across the scale, or a small filled dot; not a letter */
      if (across < 1.5 * along && !(w <= 5 && h <= 5 && b->area * 10 >= (guint) (w * h * 6)))
        return FALSE;
    }
  return TRUE;
}

/* Between the ticks of a scale lies empty background; between every n-th
 * letter of a line of text lie other letters. Most gaps must be dark along
 * the line from tick to tick. */
static gboolean
run_gaps_are_empty (const Run    *run,
                    const GArray *blobs,
                    const Image  *image)
{
  guint gaps = 0, clean = 0;

  for (guint i = 0; i + 1 < run->members->len; i++)
    {
      int a = g_array_index (run->members, int, i), b = g_array_index (run->members, int, i + 1);
      const Blob *ba, *bb;
      guint bright = 0;

      if (a < 0 || b < 0)
        continue;
      ba = &g_array_index (blobs, Blob, a);
      bb = &g_array_index (blobs, Blob, b);
      for (int k = 0; k <= 10; k++)
        {
          double t = 0.25 + 0.05 * k;
          double x = ba->x + t * (bb->x - ba->x), y = ba->y + t * (bb->y - ba->y);
          bright += lum_at (image, (int) floor (x), (int) floor (y)) >= TICK_GROW;
        }
      gaps++;
      clean += bright <= 4;
    }
  return gaps > 0 && clean * 10 >= gaps * 6;
}

/* A mark halfway between most neighbouring ticks means the run skips every
 * other tick of a finer scale: that finer run is the scale, not this one. */
static gboolean
run_skips_ticks (const Run    *run,
                 const GArray *blobs,
                 const Grid   *grid)
{
  guint gaps = 0, filled = 0;

  for (guint i = 0; i + 1 < run->members->len; i++)
    {
      int a = g_array_index (run->members, int, i), b = g_array_index (run->members, int, i + 1);
      const Blob *ba, *bb;

      if (a < 0 || b < 0)
        continue;
      ba = &g_array_index (blobs, Blob, a);
      bb = &g_array_index (blobs, Blob, b);
      gaps++;
      filled += grid_find (grid, blobs, (ba->x + bb->x) / 2, (ba->y + bb->y) / 2, run->dx, run->dy,
                           MAX (1.5, 0.08 * run->step), MAX (6.0, 0.12 * run->step)) >= 0;
    }
  return gaps > 0 && filled * 2 >= gaps;
}

/* A depth scale runs along the depth: down a rectangle, along a sector's
 * axis or one of its edges (within 3°). Rows of text run across. */
static gboolean
run_runs_along_depth (const Run          *run,
                      const NpAutoRegion *region)
{
  double cos_limit = cos (3 * G_PI / 180);

  if (region->shape == NP_AUTO_REGION_RECTANGLE)
    return fabs (run->dy) >= cos_limit;
  if (region->shape == NP_AUTO_REGION_SECTOR)
    {
      double ax = region->left_dx + region->right_dx, ay = region->left_dy + region->right_dy;
      double norm = hypot (ax, ay);

      return fabs (run->dx * ax + run->dy * ay) / norm >= cos_limit
             || fabs (run->dx * region->left_dx + run->dy * region->left_dy) >= cos_limit
             || fabs (run->dx * region->right_dx + run->dy * region->right_dy) >= cos_limit;
    }
  return TRUE;
}

static gboolean
runs_share_blob (const Run *a,
                 const Run *b)
{
  for (guint i = 0; i < a->members->len; i++)
    for (guint j = 0; j < b->members->len; j++)
      if (g_array_index (a->members, int, i) >= 0
          && g_array_index (a->members, int, i) == g_array_index (b->members, int, j))
        return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* The depth scale                                                           */

static double
tick_length (const Blob *b,
             const Run  *run)
{
  /* extent across the scale: the blob's box seen perpendicular to it */
  double w = b->x1 - b->x0 + 1, h = b->y1 - b->y0 + 1;
  return fabs (run->dy) * w + fabs (run->dx) * h;
}

/* Median length of the run's inner ticks at positions of @parity. */
static double
inner_length (const Run    *run,
              const GArray *blobs,
              guint         parity)
{
  g_autoptr(GArray) lengths = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 1; i + 1 < run->members->len; i++)
    {
      int k = g_array_index (run->members, int, i);
      double length;
      if (k < 0 || i % 2 != parity)
        continue;
      length = tick_length (&g_array_index (blobs, Blob, k), run);
      g_array_append_val (lengths, length);
    }
  return _np_auto_calibration_median (lengths);
}

/* A mark that merely happens to sit one step beyond the scale's end (a
 * full stop in the header text) differs in size from the ticks it would
 * continue: drop such ends. */
static void
trim_run_ends (Run          *run,
               const GArray *blobs)
{
  gboolean trimmed = TRUE;

  while (trimmed && run->members->len > MIN_TICKS)
    {
      guint last = run->members->len - 1;
      int k_first = g_array_index (run->members, int, 0);
      int k_last = g_array_index (run->members, int, last);
      double first_expected = inner_length (run, blobs, 0);
      double last_expected = inner_length (run, blobs, last % 2);
      double first_length = tick_length (&g_array_index (blobs, Blob, k_first), run);
      double last_length = tick_length (&g_array_index (blobs, Blob, k_last), run);

      trimmed = FALSE;
      if (isfinite (first_expected) && fabs (first_length - first_expected) > 1.5
          && fabs (first_length - first_expected) > 0.35 * first_expected)
        {
          g_array_remove_index (run->members, 0);
          trimmed = TRUE;
        }
      else if (isfinite (last_expected) && fabs (last_length - last_expected) > 1.5
               && fabs (last_length - last_expected) > 0.35 * last_expected)
        {
          g_array_set_size (run->members, last);
          trimmed = TRUE;
        }
      /* a gap left at an end carries nothing */
      while (run->members->len > 0 && g_array_index (run->members, int, 0) < 0)
        g_array_remove_index (run->members, 0);
      while (run->members->len > 0
             && g_array_index (run->members, int, run->members->len - 1) < 0)
        g_array_set_size (run->members, run->members->len - 1);
    }
}

static double
autocorrelation (const double *profile,
                 int           n,
                 int           lag)
{
  double sum = 0;

  for (int i = 0; i + lag < n; i++)
    sum += profile[i] * profile[i + lag];
  return sum / (n - lag);
}

/* The period of the brightness along the scale, by autocorrelation, near
 * @step: an estimate independent of which marks were taken for ticks. The
 * profile is the brightest pixel across the scale's marks at each position
 * along it. Returns NAN when the profile shows no period near @step. */
static double
autocorrelation_period (const Image  *image,
                        const Run    *run,
                        const GArray *blobs,
                        double        across_px)
{
  const Blob *first = &g_array_index (blobs, Blob, g_array_index (run->members, int, 0));
  /* from just before the first tick to just after the last: text beyond
   * the ends (the "cm" label) would swamp the ticks */
  int n = (int) floor (run->step * (run->members->len - 1) + 8);
  g_autofree double *profile = NULL;
  double mean = 0, best = -G_MAXDOUBLE, r_minus, r_plus, r0;
  int lag_lo = (int) floor (0.75 * run->step), lag_hi = (int) ceil (1.25 * run->step);
  int best_lag = -1;
  double nx = -run->dy, ny = run->dx;

  if (n < 3 * lag_hi)
    return NAN;
  profile = g_new (double, n);
  for (int i = 0; i < n; i++)
    {
      double t = i - 4.0, v = 0;
      /* the sum across keeps a tick's weight whether it falls on one row
       * or is spread over two */
      for (double a = -across_px / 2; a <= across_px / 2; a += 1)
        v += _np_auto_calibration_lum_sample (image, first->x + t * run->dx + a * nx,
                                              first->y + t * run->dy + a * ny);
      profile[i] = v;
      mean += v;
    }
  mean /= n;
  /* ticks one pixel thick sit at fractional positions: a blur over a few
   * pixels lets shifted copies overlap */
  {
    g_autofree double *blurred = g_new (double, n);
    static const double kernel[5] = { 1, 2, 3, 2, 1 };

    for (int i = 0; i < n; i++)
      {
        double sum = 0, weight = 0;
        for (int k = -2; k <= 2; k++)
          if (i + k >= 0 && i + k < n)
            {
              sum += kernel[k + 2] * (profile[i + k] - mean);
              weight += kernel[k + 2];
            }
        blurred[i] = sum / weight;
      }
    memcpy (profile, blurred, sizeof (double) * n);
  }
  for (int lag = lag_lo; lag <= lag_hi; lag++)
    {
      double r = autocorrelation (profile, n, lag);
      if (r > best)
        {
          best = r;
          best_lag = lag;
        }
    }
  r0 = autocorrelation (profile, n, 0);
  g_debug ("autocorrelation: n %d, lags %d-%d, best lag %d (%.1f), zero lag %.1f", n, lag_lo,
           lag_hi, best_lag, best, r0);
  if (best_lag <= lag_lo || best_lag >= lag_hi || best < 0.2 * r0)
    return NAN;
  /* to a fraction of a pixel: the parabola through the peak */
  r_minus = autocorrelation (profile, n, best_lag - 1);
  r_plus = autocorrelation (profile, n, best_lag + 1);
  if (r_minus - 2 * best + r_plus >= 0)
    return best_lag;
  return best_lag + 0.5 * (r_minus - r_plus) / (r_minus - 2 * best + r_plus);
}

void
_np_auto_calibration_find_scale (const Image       *image,
                                 NpAutoCalibration *result)
{
  g_autoptr(GArray) blobs = find_blobs (image);
  Grid grid;
  GArray *runs = NULL;
  Run *best = NULL;
  Run *rival = NULL;
  g_autoptr(GArray) points = NULL;
  g_autoptr(NpTickFit) fit = NULL;
  g_autoptr(GError) fit_error = NULL;
  gboolean alternating = FALSE;
  double even_len = 0, odd_len = 0;
  guint n_even = 0, n_odd = 0;
  guint first_major = 0;

  if (blobs->len < MIN_TICKS)
    {
      _np_auto_calibration_set_not_found (result, _("no depth scale found: fewer than five tick-like "
                                                  "marks stand alone on a dark background"));
      return;
    }
  grid_init (&grid, blobs, image->width, image->height);
  runs = g_array_new (FALSE, FALSE, sizeof (Run));
  for (guint a = 0; a < blobs->len; a++)
    for (guint b = 0; b < blobs->len; b++)
      {
        const Blob *ba = &g_array_index (blobs, Blob, a);
        const Blob *bb = &g_array_index (blobs, Blob, b);
        double d = hypot (bb->x - ba->x, bb->y - ba->y);
        Run run = { 0 };

        /* each unordered pair once, pointing down (or right when level) */
        if (a == b || bb->y < ba->y || (bb->y == ba->y && bb->x < ba->x))
          continue;
        if (d < MIN_STEP_PX || d > MAX_STEP_PX)
          continue;
        /* a run of five has a third tick next to any two neighbours (one
         * of them may be missed): checking that first skips most pairs */
        {
          double ux = (bb->x - ba->x) / d, uy = (bb->y - ba->y) / d;
          double along = MAX (1.5, 0.08 * d), across = MAX (6.0, 0.12 * d);
          gboolean third = FALSE;

          for (int k = 1; k <= 2 && !third; k++)
            third = grid_find (&grid, blobs, bb->x + k * (bb->x - ba->x),
                               bb->y + k * (bb->y - ba->y), ux, uy, along, across) >= 0
                    || grid_find (&grid, blobs, ba->x - k * (bb->x - ba->x),
                                  ba->y - k * (bb->y - ba->y), ux, uy, along, across) >= 0;
          if (!third)
            continue;
        }
        follow_run (&grid, blobs, a, b, &run);
        /* a missed tick here and there, not every other one */
        if (run.found >= MIN_TICKS && (run.members->len - run.found) * 5 <= run.members->len
            && run.rms <= MAX_RMS_PX && run_is_thin (&run, blobs)
            && run_gaps_are_empty (&run, blobs, image) && !run_skips_ticks (&run, blobs, &grid)
            && run_runs_along_depth (&run, &result->region))
          g_array_append_val (runs, run);
        else
          g_array_unref (run.members);
      }
  grid_clear (&grid);

  /* The run that spans farthest (a depth scale runs the image's depth; a
   * dotted outline is short); among runs of the same span, the one with
   * the most ticks (minor ticks included). The rival is the longest run
   * that shares no mark with it. */
  for (guint i = 0; i < runs->len; i++)
    {
      Run *run = &g_array_index (runs, Run, i);
      double span = run->step * (run->members->len - 1);
      double best_span = best != NULL ? best->step * (best->members->len - 1) : 0;

      if (best == NULL || span > 1.02 * best_span
          || (span > 0.98 * best_span && run->found > best->found))
        best = run;
    }
  for (guint i = 0; best != NULL && i < runs->len; i++)
    {
      Run *run = &g_array_index (runs, Run, i);
      if (run != best && !runs_share_blob (run, best)
          && (rival == NULL || run->step * (run->members->len - 1)
                               > rival->step * (rival->members->len - 1)))
        rival = run;
    }

  if (best != NULL)
    g_debug ("best run: %u ticks, step %.2f px; rival: %u ticks, step %.2f px", best->found,
             best->step, rival != NULL ? rival->found : 0, rival != NULL ? rival->step : 0.0);
  if (best == NULL)
    {
      g_autofree char *reason = g_strdup_printf (
        _("no depth scale found: no row of at least %d evenly spaced tick marks"), MIN_TICKS);
      _np_auto_calibration_set_not_found (result, reason);
      goto out;
    }
  /* A second, separate scale almost as long with another step: which one
   * is the depth scale cannot be told from the pixels. */
  if (rival != NULL
      && rival->step * (rival->members->len - 1) >= 0.6 * best->step * (best->members->len - 1)
      && fabs (rival->step - best->step) > NP_AUTO_CALIBRATION_AGREEMENT * best->step)
    {
      g_autofree char *reason = g_strdup_printf (
        _("no depth scale found: two rows of tick marks with different spacing (%.1f px and "
        "%.1f px) make the scale ambiguous"), best->step, rival->step);
      _np_auto_calibration_set_not_found (result, reason);
      goto out;
    }

  trim_run_ends (best, blobs);

  /* Major and minor ticks: alternating long and short marks. */
  for (guint i = 0; i < best->members->len; i++)
    {
      int k = g_array_index (best->members, int, i);
      if (k < 0)
        continue;
      if (i % 2 == 0)
        {
          even_len += tick_length (&g_array_index (blobs, Blob, k), best);
          n_even++;
        }
      else
        {
          odd_len += tick_length (&g_array_index (blobs, Blob, k), best);
          n_odd++;
        }
    }
  even_len /= MAX (n_even, 1);
  odd_len /= MAX (n_odd, 1);
  if (n_even >= 2 && n_odd >= 2 && MAX (even_len, odd_len) >= 1.5 * MIN (even_len, odd_len))
    {
      alternating = TRUE;
      first_major = even_len > odd_len ? 0 : 1;
      result->spacing_mm = 5.0;
      result->assumption = g_strdup (_("long ticks 1 cm apart with a short tick halfway (5 mm)"));
    }
  else
    {
      result->spacing_mm = 10.0;
      result->assumption = g_strdup (_("marks of equal size 1 cm apart"));
    }

  points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  result->ticks = g_array_new (FALSE, TRUE, sizeof (NpAutoTick));
  for (guint i = 0; i < best->members->len; i++)
    {
      int k = g_array_index (best->members, int, i);
      const Blob *b;
      NpAutoTick tick = { 0 };

      if (k < 0)
        continue;
      b = &g_array_index (blobs, Blob, k);
      tick.point = (NpImagePoint) { b->x, b->y };
      tick.length_px = tick_length (b, best);
      tick.major = !alternating || i % 2 == first_major;
      tick.index = (int) i;
      g_array_append_val (points, tick.point);
      g_array_append_val (result->ticks, tick);
    }

  /* The period by autocorrelation must agree with the ticks' step. */
  {
    double across = 0;
    for (guint i = 0; i < result->ticks->len; i++)
      across = MAX (across, g_array_index (result->ticks, NpAutoTick, i).length_px);
    result->autocorrelation_step_px = autocorrelation_period (image, best, blobs, across + 2);
    if (!isfinite (result->autocorrelation_step_px)
        || fabs (result->autocorrelation_step_px - best->step) > 0.03 * best->step)
      {
        g_autofree char *reason = isfinite (result->autocorrelation_step_px)
          ? g_strdup_printf (_("no depth scale found: the brightness along the marks repeats every "
                             "%.1f px, not every %.1f px as the marks do"),
                             result->autocorrelation_step_px, best->step)
          : g_strdup (_("no depth scale found: the brightness along the marks shows no clear "
                      "period"));
        _np_auto_calibration_set_not_found (result, reason);
        goto out;
      }
  }

  fit = np_tick_fit (points, result->spacing_mm, &fit_error);
  if (fit == NULL)
    {
      g_autofree char *reason = g_strdup_printf (_("no depth scale found: the tick fit failed (%s)"),
                                                 fit_error->message);
      _np_auto_calibration_set_not_found (result, reason);
      goto out;
    }
  /* np_tick_fit sorts along the scale; match its ticks back by position. */
  for (guint i = 0; i < fit->ticks->len; i++)
    {
      const NpTick *t = &g_array_index (fit->ticks, NpTick, i);
      for (guint j = 0; j < result->ticks->len; j++)
        {
          NpAutoTick *tick = &g_array_index (result->ticks, NpAutoTick, j);
          if (tick->point.x == t->point.x && tick->point.y == t->point.y)
            {
              tick->used = t->status == NP_TICK_USED;
              tick->residual_px = tick->used ? t->residual_px : 0;
            }
        }
    }
  result->mm_per_px = fit->mm_per_px;
  result->se_mm_per_px = fit->se_mm_per_px;
  result->rms_residual_px = fit->rms_residual_mm / fit->mm_per_px;
  result->tick_step_px = result->spacing_mm / fit->mm_per_px;
  result->n_flagged = fit->n_flagged;

  if (fit->n_used < MIN_TICKS || fit->n_flagged * 4 > fit->ticks->len)
    {
      g_autofree char *reason = g_strdup_printf (
        _("no depth scale found: only %u of %u marks fit one evenly spaced scale"), fit->n_used,
        fit->ticks->len);
      _np_auto_calibration_set_not_found (result, reason);
    }
  else if (result->rms_residual_px > MAX_RMS_PX)
    {
      g_autofree char *reason = g_strdup_printf (
        _("no depth scale found: the marks are not evenly spaced (residual %.2f px RMS)"),
        result->rms_residual_px);
      _np_auto_calibration_set_not_found (result, reason);
    }
  else if (result->se_mm_per_px > MAX_RELATIVE_SE * result->mm_per_px)
    {
      g_autofree char *reason = g_strdup_printf (
        _("no depth scale found: the scale is too short to measure the pixel size to 0.5 %% "
        "(standard error %.2f %%)"), 100 * result->se_mm_per_px / result->mm_per_px);
      _np_auto_calibration_set_not_found (result, reason);
    }
  else if (result->mm_per_px < MIN_MM_PER_PX || result->mm_per_px > MAX_MM_PER_PX)
    {
      g_autofree char *reason = g_strdup_printf (
        _("no depth scale found: the evenly spaced marks would mean %.3f mm per pixel, which no "
        "ultrasound frame has"), result->mm_per_px);
      _np_auto_calibration_set_not_found (result, reason);
    }
  else
    {
      result->found = TRUE;
      result->confidence = fit->n_used >= 8 && fit->n_flagged == 0
                           && result->rms_residual_px <= 0.3
                           ? NP_AUTO_CONFIDENCE_HIGH : NP_AUTO_CONFIDENCE_MEDIUM;
    }

out:
  for (guint i = 0; runs != NULL && i < runs->len; i++)
    g_array_unref (g_array_index (runs, Run, i).members);
  g_clear_pointer (&runs, g_array_unref);
}
