/* np-auto-calibration-region.c: the imaging region (rectangle or sector), its
 * edges and arcs to a fraction of a pixel, and the skin line
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-auto-calibration-private.h"

#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

/* Imaging region: 4 × 4 blocks whose brightness varies like speckle. */
#define BLOCK 4
#define MIN_REGION_FRACTION 0.015

/* ------------------------------------------------------------------------ */
/* Imaging region                                                            */

typedef struct
{
  guint bw, bh;
  guint8 *speckle;  /* per block: 1 when textured */
  int *label;
} Blocks;

static void
find_speckle_blocks (const Image *image,
                     Blocks      *blocks)
{
  blocks->bw = image->width / BLOCK;
  blocks->bh = image->height / BLOCK;
  blocks->speckle = g_malloc0 ((gsize) MAX (blocks->bw * blocks->bh, 1));
  blocks->label = g_new0 (int, (gsize) MAX (blocks->bw * blocks->bh, 1));
  for (guint by = 0; by < blocks->bh; by++)
    for (guint bx = 0; bx < blocks->bw; bx++)
      {
        guint sum = 0, sum2 = 0, lit = 0;
        double mean, var;

        /* every other row of the block: texture shows just as well at
         * half the cost */
        for (guint y = by * BLOCK; y < (by + 1) * BLOCK; y += 2)
          {
            const guint8 *row = image->lum + (gsize) y * image->width + bx * BLOCK;
            for (guint x = 0; x < BLOCK; x++)
              {
                guint v = row[x];
                sum += v;
                sum2 += v * v;
                lit += v >= 6;
              }
          }
        mean = sum / (BLOCK * BLOCK / 2.0);
        var = sum2 / (BLOCK * BLOCK / 2.0) - mean * mean;
        /* Speckle: grey with grain, mostly lit. */
        blocks->speckle[by * blocks->bw + bx] = mean >= 6 && var >= 4 && lit >= BLOCK * BLOCK / 4;
      }
}

/* Labels 8-connected textured blocks and returns the label of the largest
 * component (0 when there is none) and its size. */
static int
largest_component (Blocks *blocks,
                   guint  *size)
{
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (guint));
  int next = 0, best = 0;
  guint best_size = 0;
  guint n = blocks->bw * blocks->bh;

  for (guint s = 0; s < n; s++)
    {
      guint count = 0;

      if (!blocks->speckle[s] || blocks->label[s] != 0)
        continue;
      next++;
      blocks->label[s] = next;
      g_array_set_size (stack, 0);
      g_array_append_val (stack, s);
      while (stack->len > 0)
        {
          guint p = g_array_index (stack, guint, stack->len - 1);
          int bx = (int) (p % blocks->bw), by = (int) (p / blocks->bw);

          g_array_set_size (stack, stack->len - 1);
          count++;
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int x = bx + dx, y = by + dy;
                guint q;
                if (x < 0 || y < 0 || x >= (int) blocks->bw || y >= (int) blocks->bh)
                  continue;
                q = (guint) y * blocks->bw + (guint) x;
                if (!blocks->speckle[q] || blocks->label[q] != 0)
                  continue;
                blocks->label[q] = next;
                g_array_append_val (stack, q);
              }
        }
      if (count > best_size)
        {
          best_size = count;
          best = next;
        }
    }
  *size = best_size;
  return best;
}

/* Pixel-precise edge near a block boundary: scanning from @from towards
 * @to, the first position where three pixels in a row are lit. */
static double
scan_edge (const Image *image,
           int          fixed,
           int          from,
           int          to,
           gboolean     along_x)
{
  int step = to >= from ? 1 : -1;

  for (int p = from; p != to + step; p += step)
    {
      guint sum = 0;
      for (int k = 0; k < 3; k++)
        sum += along_x ? lum_at (image, p + k * step, fixed) : lum_at (image, fixed, p + k * step);
      if (sum >= 3 * 10)
        return p + (step > 0 ? 0.0 : 1.0);
    }
  return NAN;
}

/* The edge line x = c0 + c1 · y. Candidate lines go through two of the
 * points (pairs taken in a fixed order, so the result is reproducible);
 * of those that enough points lie within 1.5 px of, the outermost one
 * (@side −1: left, +1: right, judged at row @y_mid) among those with at
 * least half the support of the best is the field's edge: an edge inside
 * the field (a shadow's side) has the image beyond it. Then the
 * least-squares fit of that line's points. Returns the RMS residual of the
 * points kept, INFINITY when too few lie on one line. */
static double
fit_edge (GArray *ys,
          GArray *xs,
          int     side,
          double  y_mid,
          double *c0,
          double *c1)
{
  const double *y = (const double *) ys->data, *x = (const double *) xs->data;
  guint n = ys->len, best_count = 0, needed;
  double best0 = 0, best1 = 0, cov00, cov01, cov11, sumsq;
  double best_x = side < 0 ? G_MAXDOUBLE : -G_MAXDOUBLE;
  guint32 state = 12345;
  guint most = 0;
  g_autoptr(GArray) candidates = NULL;

  if (n < 10)
    return INFINITY;
  needed = MAX (40u, n / 6);
  candidates = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  for (guint trial = 0; trial < 200; trial++)
    {
      guint i, j, count = 0;
      double line[3];

      state = state * 1664525u + 1013904223u;
      i = (state >> 8) % n;
      state = state * 1664525u + 1013904223u;
      j = (state >> 8) % n;
      if (fabs (y[j] - y[i]) < 20)
        continue;
      line[1] = (x[j] - x[i]) / (y[j] - y[i]);
      line[0] = x[i] - line[1] * y[i];
      for (guint k = 0; k < n; k++)
        count += fabs (x[k] - (line[0] + line[1] * y[k])) <= 1.5;
      if (count < needed)
        continue;
      line[2] = count;
      g_array_append_vals (candidates, line, 1);
      most = MAX (most, count);
    }
  /* among the well supported lines (at least half the support of the best
   * one), the outermost; between lines within 3 px, the better supported */
  for (guint c = 0; c < candidates->len; c++)
    {
      const double *line = (const double *) candidates->data + 3 * c;
      guint count = (guint) line[2];
      double at_mid = line[0] + line[1] * y_mid;

      if (count * 2 < most)
        continue;
      if ((side < 0 ? at_mid < best_x - 3 : at_mid > best_x + 3)
          || (fabs (at_mid - best_x) <= 3 && count > best_count))
        {
          best_count = count;
          best0 = line[0];
          best1 = line[1];
          best_x = at_mid;
        }
    }
  if (best_count == 0)
    return INFINITY;
  for (guint k = 0; k < ys->len;)
    {
      if (fabs (g_array_index (xs, double, k) - (best0 + best1 * g_array_index (ys, double, k)))
          > 1.5)
        {
          g_array_remove_index (xs, k);
          g_array_remove_index (ys, k);
        }
      else
        k++;
    }
  gsl_fit_linear ((double *) ys->data, 1, (double *) xs->data, 1, ys->len, c0, c1, &cov00,
                  &cov01, &cov11, &sumsq);
  return sqrt (sumsq / ys->len);
}

/* Where the texture ends along the sector's directions. Deep echoes fade
 * long before the far arc (attenuation), and the edges fade with them, so
 * the far arc is where the texture ends against black, not where the
 * edges or the brightness stop. Along each of 64 directions inside the
 * edges, from @r0 outwards: the last point lit (its 4 × 4 pixels' mean
 * ≥ 10 of 255: single noisy pixels in the black do not count) before 16
 * dark points in a row (text or a trace beyond the sector lies past such a
 * gap). A shadow or a dark chamber ends the texture early in some
 * directions, so the arc is the upper quartile of the ends. */
static double
texture_end (const Image *image,
             double       ax,
             double       ay,
             double       a_right,
             double       a_left,
             double       r0)
{
  g_autoptr(GArray) ends = g_array_new (FALSE, FALSE, sizeof (double));
  const int n_a = 64;

  for (int k = 0; k < n_a; k++)
    {
      double a = a_right + 0.05 * (a_left - a_right) + 0.9 * (a_left - a_right) * (k + 0.5) / n_a;
      double c = cos (a), s = sin (a), last = r0;
      int dark = 0;

      for (double r = r0; dark < 16; r += 1)
        {
          double x = ax + r * c, y = ay + r * s;
          guint sum = 0;

          if (x < 0 || y < 0 || x >= image->width || y >= image->height)
            break;

          for (int j = -2; j < 2; j++)
            for (int i = -2; i < 2; i++)
              sum += lum_at (image, (int) x + i, (int) y + j);
          if (sum >= 16 * 10)
            {
              last = r;
              dark = 0;
            }
          else
            dark++;
        }
      g_array_append_val (ends, last);
    }
  gsl_sort ((double *) ends->data, 1, ends->len);
  return gsl_stats_quantile_from_sorted_data ((double *) ends->data, 1, ends->len, 0.75);
}

double
_np_auto_calibration_median (GArray *values)
{
  if (values->len == 0)
    return NAN;
  gsl_sort ((double *) values->data, 1, values->len);
  return gsl_stats_median_from_sorted_data ((double *) values->data, 1, values->len);
}

void
_np_auto_calibration_find_region (const Image       *image,
                                  NpAutoCalibration *result)
{
  Blocks blocks = { 0 };
  guint size;
  int label;
  int top = G_MAXINT, bottom = -1;
  g_autoptr(GArray) ly = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) lx = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ry = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rx = g_array_new (FALSE, FALSE, sizeof (double));
  NpAutoRegion *region = &result->region;
  double l0 = NAN, l1 = NAN, r0 = NAN, r1 = NAN, l_rms, r_rms;
  int left_block = G_MAXINT, right_block = -1;

  region->shape = NP_AUTO_REGION_NONE;
  if (image->width < 8 * BLOCK || image->height < 8 * BLOCK)
    return;
  find_speckle_blocks (image, &blocks);
  label = largest_component (&blocks, &size);
  region->area_fraction = size / (double) (blocks.bw * blocks.bh);
  g_debug ("largest textured component: %u blocks (%.1f %%)", size, 100 * region->area_fraction);
  if (label == 0 || region->area_fraction < MIN_REGION_FRACTION)
    goto out;

  /* Left and right edges of each row of the component, to the pixel. */
  for (guint by = 0; by < blocks.bh; by++)
    {
      int bx0 = -1, bx1 = -1;
      for (guint bx = 0; bx < blocks.bw; bx++)
        if (blocks.label[by * blocks.bw + bx] == label)
          {
            if (bx0 < 0)
              bx0 = (int) bx;
            bx1 = (int) bx;
          }
      if (bx0 < 0)
        continue;
      top = MIN (top, (int) by);
      left_block = MIN (left_block, bx0);
      right_block = MAX (right_block, bx1);
      bottom = MAX (bottom, (int) by);
      for (int y = (int) by * BLOCK; y < (int) (by + 1) * BLOCK; y++)
        {
          double xl = scan_edge (image, y, (bx0 - 2) * BLOCK, (bx0 + 1) * BLOCK, TRUE);
          double xr = scan_edge (image, y, (bx1 + 3) * BLOCK - 1, bx1 * BLOCK, TRUE);
          double yy = y + 0.5;
          if (isfinite (xl) && xl > 1)
            {
              g_array_append_val (ly, yy);
              g_array_append_val (lx, xl);
            }
          if (isfinite (xr) && xr < image->width - 1)
            {
              g_array_append_val (ry, yy);
              g_array_append_val (rx, xr);
            }
        }
    }
  if (ly->len < 20 || ry->len < 20)
    {
      region->shape = NP_AUTO_REGION_OTHER;
      region->rect = (NpImageRect) { left_block * BLOCK, top * BLOCK,
                                     (right_block - left_block + 1) * BLOCK,
                                     (bottom - top + 1) * BLOCK };
      goto out;
    }
  l_rms = fit_edge (ly, lx, -1, (top + bottom + 1) * BLOCK / 2.0, &l0, &l1);
  r_rms = fit_edge (ry, rx, +1, (top + bottom + 1) * BLOCK / 2.0, &r0, &r1);
  region->edge_rms_px = MAX (l_rms, r_rms);
  g_debug ("region: %u blocks (%.1f %%), left x = %.2f + %.4f y (%.2f px RMS, %u rows), "
           "right x = %.2f + %.4f y (%.2f px RMS, %u rows)", size, 100 * region->area_fraction,
           l0, l1, l_rms, ly->len, r0, r1, r_rms, ry->len);

  if (fabs (l1) < 0.03 && fabs (r1) < 0.03 && region->edge_rms_px < 2.5)
    {
      g_autoptr(GArray) tops = g_array_new (FALSE, FALSE, sizeof (double));
      double left = l0 + l1 * (image->height / 2.0), right = r0 + r1 * (image->height / 2.0);
      double y_top, y_bottom;

      for (int x = (int) ceil (left + 0.25 * (right - left)); x < left + 0.75 * (right - left);
           x++)
        {
          double y = scan_edge (image, x, (top - 2) * BLOCK, (top + 1) * BLOCK, FALSE);
          if (isfinite (y))
            g_array_append_val (tops, y);
        }
      y_top = tops->len > 0 ? _np_auto_calibration_median (tops) : top * BLOCK;
      y_bottom = MAX (g_array_index (ly, double, ly->len - 1), 0);
      for (guint i = 0; i < ly->len; i++)
        y_bottom = MAX (y_bottom, g_array_index (ly, double, i) + 0.5);
      region->shape = NP_AUTO_REGION_RECTANGLE;
      region->rect = (NpImageRect) { left, y_top, right - left, y_bottom - y_top };
      region->near_rms_px = tops->len > 1 ? gsl_stats_sd ((double *) tops->data, 1, tops->len) : 0;
      result->has_skin = TRUE;
      result->skin_y = y_top;
    }
  else if (l1 < -0.05 && r1 > 0.05 && region->edge_rms_px < 2.5)
    {
      /* Sector: the edge lines meet at the apex. */
      double ay = (l0 - r0) / (r1 - l1), ax = l0 + l1 * ay;
      double nl = hypot (l1, 1), nr = hypot (r1, 1);
      g_autoptr(GArray) near = g_array_new (FALSE, FALSE, sizeof (double));
      double far = 0;
      double x_left_top = l0 + l1 * (top * BLOCK), x_right_top = r0 + r1 * (top * BLOCK);

      region->apex = (NpImagePoint) { ax, ay };
      region->left_dx = l1 / nl;
      region->left_dy = 1 / nl;
      region->right_dx = r1 / nr;
      region->right_dy = 1 / nr;
      /* Near arc: the top of the middle half of the columns, as distances
       * from the apex (a circle about a known centre: its least-squares
       * radius is the mean distance). */
      for (int x = (int) ceil (x_left_top + 0.25 * (x_right_top - x_left_top));
           x < x_left_top + 0.75 * (x_right_top - x_left_top); x++)
        {
          double y = scan_edge (image, x, MAX (top - 3, 0) * BLOCK, (top + 4) * BLOCK, FALSE);
          if (isfinite (y))
            {
              double r = hypot (x + 0.5 - ax, y - ay);
              g_array_append_val (near, r);
            }
        }
      if (near->len < 5)
        {
          region->shape = NP_AUTO_REGION_OTHER;
          region->rect = (NpImageRect) { left_block * BLOCK, top * BLOCK,
                                         (right_block - left_block + 1) * BLOCK,
                                         (bottom - top + 1) * BLOCK };
          region->apex = (NpImagePoint) { 0, 0 };
          goto out;
        }
      region->near_radius_px = _np_auto_calibration_median (near);
      {
        double ss = 0;
        guint n = 0;
        for (guint i = 0; i < near->len; i++)
          if (fabs (g_array_index (near, double, i) - region->near_radius_px) < 4)
            {
              ss += pow (g_array_index (near, double, i) - region->near_radius_px, 2);
              n++;
            }
        region->near_rms_px = n > 0 ? sqrt (ss / n) : 0;
      }
      /* Far arc: where the edges end (the deep middle may be in shadow):
       * the edge points' distances from the apex, up to the first gap
       * (marks beyond the corner may sit on the edge line's extension). */
      {
        g_autoptr(GArray) distances = g_array_new (FALSE, FALSE, sizeof (double));
        for (guint i = 0; i < ly->len; i++)
          {
            double r = hypot (g_array_index (lx, double, i) - ax,
                              g_array_index (ly, double, i) - ay);
            g_array_append_val (distances, r);
          }
        for (guint i = 0; i < ry->len; i++)
          {
            double r = hypot (g_array_index (rx, double, i) - ax,
                              g_array_index (ry, double, i) - ay);
            g_array_append_val (distances, r);
          }
        gsl_sort ((double *) distances->data, 1, distances->len);
        far = g_array_index (distances, double, distances->len / 2);
        for (guint i = distances->len / 2 + 1; i < distances->len; i++)
          {
            if (g_array_index (distances, double, i) - far > 8)
              break;
            far = g_array_index (distances, double, i);
          }
      }
      region->far_radius_px = far;
      region->shape = NP_AUTO_REGION_SECTOR;
      result->has_skin = TRUE;
    }
  else
    {
      /* the bounding box of the textured blocks */
      region->shape = NP_AUTO_REGION_OTHER;
      region->rect = (NpImageRect) { left_block * BLOCK, top * BLOCK,
                                     (right_block - left_block + 1) * BLOCK,
                                     (bottom - top + 1) * BLOCK };
    }

out:
  g_free (blocks.speckle);
  g_free (blocks.label);
}


/* ------------------------------------------------------------------------ */
/* Edges to a fraction of a pixel                                           */

/* Brightness at an image-space point (pixel centres at +0.5), bilinear. */
double
_np_auto_calibration_lum_sample (const Image *image,
                                 double       x,
                                 double       y)
{
  double fx = x - 0.5, fy = y - 0.5;
  int x0 = (int) floor (fx), y0 = (int) floor (fy);
  double ax = fx - x0, ay = fy - y0;

  return (1 - ay) * ((1 - ax) * lum_at (image, x0, y0) + ax * lum_at (image, x0 + 1, y0))
         + ay * ((1 - ax) * lum_at (image, x0, y0 + 1) + ax * lum_at (image, x0 + 1, y0 + 1));
}

#define PROFILE_HALF 10.0
#define PROFILE_STEP 0.5
#define PROFILE_N 41 /* 2 · PROFILE_HALF / PROFILE_STEP + 1 */

/* Where an averaged profile across an edge (dark at negative offsets,
 * image at positive ones) crosses halfway between the two levels. The beam
 * blurs the field's edge symmetrically, so the half level is the edge.
 * Returns NAN when the profile shows no clear step. */
static double
profile_crossing (const double *profile)
{
  double out = 0, in = 0, half;
  int n_side = (int) (3 / PROFILE_STEP);

  for (int i = 0; i < n_side; i++)
    {
      out += profile[i];
      in += profile[PROFILE_N - 1 - i];
    }
  out /= n_side;
  in /= n_side;
  if (in - out < 6)
    return NAN;
  half = (in + out) / 2;
  /* the last rise through the half level before the image side */
  for (int i = PROFILE_N - 1; i > 0; i--)
    if (profile[i - 1] < half && profile[i] >= half)
      {
        double t0 = -PROFILE_HALF + (i - 1) * PROFILE_STEP;
        return t0 + PROFILE_STEP * (half - profile[i - 1]) / (profile[i] - profile[i - 1]);
      }
  return NAN;
}

/* The profile across a straight edge through @p with unit direction (dx, dy)
 * along it, the image side towards the unit normal (nx, ny), averaged over
 * positions s0..s1 along the edge. */
static double
line_edge_offset (const Image *image,
                  double px, double py,
                  double dx, double dy,
                  double nx, double ny,
                  double s0, double s1)
{
  double profile[PROFILE_N] = { 0 };
  int n_along = MAX (1, (int) ((s1 - s0) / 4));

  for (int i = 0; i < PROFILE_N; i++)
    {
      double t = -PROFILE_HALF + i * PROFILE_STEP, sum = 0;
      for (int k = 0; k < n_along; k++)
        {
          double s = s0 + (s1 - s0) * (k + 0.5) / n_along;
          sum += _np_auto_calibration_lum_sample (image, px + s * dx + t * nx,
                                                  py + s * dy + t * ny);
        }
      profile[i] = sum / n_along;
    }
  return profile_crossing (profile);
}

/* The profile across an arc about @apex of radius @r, averaged over
 * directions a0..a1 (radians); @inward: the image is inside the arc. */
static double
arc_edge_offset (const Image  *image,
                 NpImagePoint  apex,
                 double        r,
                 double        a0,
                 double        a1,
                 gboolean      inward)
{
  double profile[PROFILE_N] = { 0 };
  int n_along = MAX (1, (int) (fabs (a1 - a0) * r / 4));

  for (int i = 0; i < PROFILE_N; i++)
    {
      double t = -PROFILE_HALF + i * PROFILE_STEP, sum = 0;
      double radius = r + (inward ? -t : t);
      for (int k = 0; k < n_along; k++)
        {
          double a = a0 + (a1 - a0) * (k + 0.5) / n_along;
          sum += _np_auto_calibration_lum_sample (image, apex.x + radius * cos (a),
                                                  apex.y + radius * sin (a));
        }
      profile[i] = sum / n_along;
    }
  return profile_crossing (profile);
}

/* An arc about the apex by least squares. The arcs of a sector are
 * concentric with the apex (the beams fan out from it), and the apex is
 * fixed by the two edge lines' hundreds of points, while a free centre
 * fitted to a 30 to 90 degree arc is poorly determined: so only the radius
 * is fitted, the model being distance from the apex = radius. Each of
 * @n_bins directions between @a0 and @a1 gives one edge point (the
 * half-level crossing of its own profile about @r); points more than 3 px
 * from @r are shadows or echoes across the arc and are left out. Sets
 * *@radius (unchanged with fewer than 3 points), *@rms (RMS of the points'
 * distances from the fitted arc) and *@n. */
static void
fit_arc (const Image  *image,
         NpImagePoint  apex,
         double        a0,
         double        a1,
         int           n_bins,
         gboolean      inward,
         double       *radius,
         double       *rms,
         guint        *n)
{
  g_autoptr(GArray) distances = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ones = g_array_new (FALSE, FALSE, sizeof (double));
  double r = *radius, c1, cov11, sumsq;

  for (int k = 0; k < n_bins; k++)
    {
      double t = arc_edge_offset (image, apex, r, a0 + (a1 - a0) * k / n_bins,
                                  a0 + (a1 - a0) * (k + 1) / n_bins, inward);
      double d = r + (inward ? -t : t), one = 1;

      if (!isfinite (t) || fabs (d - r) > 3)
        continue;
      g_array_append_val (distances, d);
      g_array_append_val (ones, one);
    }
  *n = distances->len;
  if (distances->len < 3)
    {
      *rms = 0;
      return;
    }
  gsl_fit_mul ((const double *) ones->data, 1, (const double *) distances->data, 1,
               distances->len, &c1, &cov11, &sumsq);
  *radius = c1;
  *rms = sqrt (sumsq / distances->len);
}

void
_np_auto_calibration_refine_region (const Image       *image,
                                    NpAutoCalibration *result)
{
  NpAutoRegion *region = &result->region;

  if (region->shape == NP_AUTO_REGION_RECTANGLE)
    {
      NpImageRect *r = &region->rect;
      double left = r->x, right = r->x + r->width, top = r->y, bottom = r->y + r->height;
      double t;

      t = line_edge_offset (image, left, top, 0, 1, 1, 0, 0.2 * r->height, 0.8 * r->height);
      if (isfinite (t))
        left += t;
      t = line_edge_offset (image, right, top, 0, 1, -1, 0, 0.2 * r->height, 0.8 * r->height);
      if (isfinite (t))
        right -= t;
      t = line_edge_offset (image, left, top, 1, 0, 0, 1, 0.25 * (right - left),
                            0.75 * (right - left));
      if (isfinite (t))
        top += t;
      t = line_edge_offset (image, left, bottom, 1, 0, 0, -1, 0.1 * (right - left),
                            0.9 * (right - left));
      if (isfinite (t))
        bottom -= t;
      *r = (NpImageRect) { left, top, right - left, bottom - top };
      result->skin_y = top;
    }
  else if (region->shape == NP_AUTO_REGION_SECTOR)
    {
      /* Normals pointing into the sector: towards the other edge. */
      double lnx = region->left_dy, lny = -region->left_dx;
      double rnx = -region->right_dy, rny = region->right_dx;
      double span = region->far_radius_px - region->near_radius_px;
      double tl, tr, a_left, a_right, t;
      NpImagePoint pl, pr;

      if (lnx * region->right_dx + lny * region->right_dy < 0)
        {
          lnx = -lnx;
          lny = -lny;
        }
      if (rnx * region->left_dx + rny * region->left_dy < 0)
        {
          rnx = -rnx;
          rny = -rny;
        }
      tl = line_edge_offset (image, region->apex.x, region->apex.y, region->left_dx,
                             region->left_dy, lnx, lny, region->near_radius_px + 0.1 * span,
                             region->near_radius_px + 0.6 * span);
      tr = line_edge_offset (image, region->apex.x, region->apex.y, region->right_dx,
                             region->right_dy, rnx, rny, region->near_radius_px + 0.1 * span,
                             region->near_radius_px + 0.6 * span);
      if (isfinite (tl) && isfinite (tr))
        {
          /* both edges move parallel; the apex is where they meet again */
          double det;
          double u;

          pl = (NpImagePoint) { region->apex.x + tl * lnx, region->apex.y + tl * lny };
          pr = (NpImagePoint) { region->apex.x + tr * rnx, region->apex.y + tr * rny };
          det = region->left_dx * (-region->right_dy) - region->left_dy * (-region->right_dx);
          if (fabs (det) > 1e-6)
            {
              u = ((pr.x - pl.x) * (-region->right_dy) - (pr.y - pl.y) * (-region->right_dx))
                  / det;
              region->apex = (NpImagePoint) { pl.x + u * region->left_dx,
                                              pl.y + u * region->left_dy };
            }
        }
      a_left = atan2 (region->left_dy, region->left_dx);
      a_right = atan2 (region->right_dy, region->right_dx);
      /* Near arc, coarse: where the mean over the middle half of the
       * directions first rises to half the image's typical brightness
       * (text above the image lies outside these directions' reach). */
      {
        int n_r = (int) ceil (region->far_radius_px);
        g_autofree double *mean = g_new0 (double, MAX (n_r, 1));
        g_autoptr(GArray) levels = g_array_new (FALSE, FALSE, sizeof (double));
        double a0 = a_right + 0.25 * (a_left - a_right), a1 = a_left - 0.25 * (a_left - a_right);
        const int n_a = 32;
        double level;

        double cos_a[32], sin_a[32];
        double first_near = region->near_radius_px;
        int start;

        for (int k = 0; k < n_a; k++)
          {
            double a = a0 + (a1 - a0) * (k + 0.5) / n_a;
            cos_a[k] = cos (a);
            sin_a[k] = sin (a);
          }
        for (int r = 0; r < n_r; r++)
          {
            for (int k = 0; k < n_a; k++)
              mean[r] += _np_auto_calibration_lum_sample (image, region->apex.x + r * cos_a[k],
                                                          region->apex.y + r * sin_a[k]);
            mean[r] /= n_a;
            g_array_append_val (levels, mean[r]);
          }
        gsl_sort ((double *) levels->data, 1, levels->len);
        level = 0.5 * gsl_stats_quantile_from_sorted_data ((double *) levels->data, 1, levels->len,
                                                           0.9);
        /* a line of text above the image is a few pixels tall; the image
         * stays bright for longer */
        /* From a little above the first estimate, and past a bright band
         * that starts there and ends in black: a coloured header bar above
         * a deep apex (the Philips CX50) is as bright as the image. */
        start = MAX (0, (int) floor (first_near) - 8 * BLOCK);
        if (start < n_r && mean[start] >= level)
          {
            int r = start;
            while (r < n_r && mean[r] >= level)
              r++;
            if (r + 4 < n_r && mean[r + 2] < level && mean[r + 4] < level)
              start = r;
          }
        for (int r = start; r + 16 < n_r; r++)
          {
            gboolean bright = TRUE;
            for (int k = 0; k <= 16 && bright; k += 2)
              bright = mean[r + k] >= level;
            if (bright)
              {
                region->near_radius_px = r;
                break;
              }
          }
      }
      t = arc_edge_offset (image, region->apex, region->near_radius_px,
                           a_right + 0.25 * (a_left - a_right), a_left - 0.25 * (a_left - a_right),
                           FALSE);
      if (isfinite (t))
        region->near_radius_px += t;
      /* about the refined apex */
      {
        double end = texture_end (image, region->apex.x, region->apex.y, a_right, a_left,
                                  (region->near_radius_px + region->far_radius_px) / 2);

        g_debug ("far arc: %.1f px where the edges end, %.1f px where the texture ends",
                 region->far_radius_px, end);
        /* the edges faded before the arc: its refinement next to them
         * would find the fade, so the texture's end stands */
        if (end > region->far_radius_px + 2 * BLOCK)
          {
            region->far_radius_px = end;
            region->far_from_texture = TRUE;
          }
      }
      /* the far arc next to each edge (the middle may lie in a shadow),
       * unless the edges faded before it */
      {
        double t_right = arc_edge_offset (image, region->apex, region->far_radius_px,
                                          a_right + 0.03 * (a_left - a_right),
                                          a_right + 0.15 * (a_left - a_right), TRUE);
        double t_left = arc_edge_offset (image, region->apex, region->far_radius_px,
                                         a_left - 0.15 * (a_left - a_right),
                                         a_left - 0.03 * (a_left - a_right), TRUE);

        if (isfinite (t_right) && isfinite (t_left))
          t = (t_right + t_left) / 2;
        else
          t = isfinite (t_right) ? t_right : t_left;
        if (isfinite (t) && !region->far_from_texture)
          region->far_radius_px -= t;
      }
      /* the arcs by least squares, with their residuals: the near arc over
       * the middle half of the directions, the far one next to each edge */
      {
        double span_a = a_left - a_right, far_r = region->far_radius_px, far_l, rms_r, rms_l;
        guint n_r, n_l;

        fit_arc (image, region->apex, a_right + 0.25 * span_a, a_left - 0.25 * span_a, 16, FALSE,
                 &region->near_radius_px, &region->near_rms_px, &region->near_points);
        far_l = far_r;
        n_r = n_l = 0;
        rms_r = rms_l = 0;
        if (!region->far_from_texture)
          {
            fit_arc (image, region->apex, a_right + 0.03 * span_a, a_right + 0.15 * span_a, 4,
                     TRUE, &far_r, &rms_r, &n_r);
            fit_arc (image, region->apex, a_left - 0.15 * span_a, a_left - 0.03 * span_a, 4,
                     TRUE, &far_l, &rms_l, &n_l);
          }
        /* both sides' points in one fit: the radius is their mean */
        region->far_points = (n_r >= 3 ? n_r : 0) + (n_l >= 3 ? n_l : 0);
        if (region->far_points > 0)
          {
            double w_r = n_r >= 3 ? n_r : 0, w_l = n_l >= 3 ? n_l : 0;
            double mean = (w_r * far_r + w_l * far_l) / (w_r + w_l);

            region->far_rms_px = sqrt ((w_r * (rms_r * rms_r + pow (far_r - mean, 2))
                                        + w_l * (rms_l * rms_l + pow (far_l - mean, 2)))
                                       / (w_r + w_l));
            region->far_radius_px = mean;
          }
      }
    }
}
