/* np-auto-calibration.c: the depth scale, imaging region and skin line read
 * from the pixels
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-auto-calibration.h"

#include "np-error.h"

#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
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
/* Imaging region: 4 × 4 blocks whose brightness varies like speckle. */
#define BLOCK 4
#define MIN_REGION_FRACTION 0.015

typedef struct
{
  guint width, height;
  guint8 *lum;   /* brightest channel, 8 bits */
} Image;

typedef struct
{
  double x, y;          /* weighted centre, image space */
  int x0, y0, x1, y1;   /* bounding box, inclusive */
  guint area;
} Blob;

G_DEFINE_BOXED_TYPE (NpAutoCalibration, np_auto_calibration,
                     np_auto_calibration_copy, np_auto_calibration_free)

static void
image_init (Image         *image,
            const NpFrame *frame)
{
  guint channels = np_frame_get_channels (frame);
  guint colour = channels >= 3 ? 3 : 1;
  gboolean deep = np_frame_get_bit_depth (frame) == 16;
  const guint8 *data = np_frame_get_data (frame);
  gsize stride = np_frame_get_stride (frame);

  image->width = np_frame_get_width (frame);
  image->height = np_frame_get_height (frame);
  image->lum = g_malloc ((gsize) image->width * image->height);
  for (guint y = 0; y < image->height; y++)
    {
      guint8 *out = image->lum + (gsize) y * image->width;

      if (!deep && channels <= 2)
        {
          const guint8 *row = data + (gsize) y * stride;
          if (channels == 1)
            memcpy (out, row, image->width);
          else
            for (guint x = 0; x < image->width; x++)
              out[x] = row[2 * x];
        }
      else if (!deep)
        {
          const guint8 *row = data + (gsize) y * stride;
          for (guint x = 0; x < image->width; x++)
            {
              const guint8 *p = row + (gsize) x * channels;
              guint8 v = p[0];
              for (guint c = 1; c < colour; c++)
                v = MAX (v, p[c]);
              out[x] = v;
            }
        }
      else
        for (guint x = 0; x < image->width; x++)
          {
            guint v = 0;
            for (guint c = 0; c < colour; c++)
              v = MAX (v, np_frame_get_sample (frame, x, y, c));
            out[x] = (guint8) (v >> 8);
          }
    }
}

static inline guint8
lum_at (const Image *image,
        int          x,
        int          y)
{
  if (x < 0 || y < 0 || x >= (int) image->width || y >= (int) image->height)
    return 0;
  return image->lum[(gsize) y * image->width + x];
}

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

static double
median (GArray *values);

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

static double
median (GArray *values)
{
  if (values->len == 0)
    return NAN;
  gsl_sort ((double *) values->data, 1, values->len);
  return gsl_stats_median_from_sorted_data ((double *) values->data, 1, values->len);
}

static void
find_region (const Image       *image,
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
      y_top = tops->len > 0 ? median (tops) : top * BLOCK;
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
      region->near_radius_px = median (near);
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
static double
lum_sample (const Image *image,
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
          sum += lum_sample (image, px + s * dx + t * nx, py + s * dy + t * ny);
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
          sum += lum_sample (image, apex.x + radius * cos (a), apex.y + radius * sin (a));
        }
      profile[i] = sum / n_along;
    }
  return profile_crossing (profile);
}

static void
refine_region (const Image       *image,
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

        for (int k = 0; k < n_a; k++)
          {
            double a = a0 + (a1 - a0) * (k + 0.5) / n_a;
            cos_a[k] = cos (a);
            sin_a[k] = sin (a);
          }
        for (int r = 0; r < n_r; r++)
          {
            for (int k = 0; k < n_a; k++)
              mean[r] += lum_sample (image, region->apex.x + r * cos_a[k],
                                     region->apex.y + r * sin_a[k]);
            mean[r] /= n_a;
            g_array_append_val (levels, mean[r]);
          }
        gsl_sort ((double *) levels->data, 1, levels->len);
        level = 0.5 * gsl_stats_quantile_from_sorted_data ((double *) levels->data, 1, levels->len,
                                                           0.9);
        /* a line of text above the image is a few pixels tall; the image
         * stays bright for longer */
        for (int r = 0; r + 16 < n_r; r++)
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
      /* the far arc next to each edge (the middle may lie in a shadow) */
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
        if (isfinite (t))
          region->far_radius_px -= t;
      }
    }
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
  return median (lengths);
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
        v += lum_sample (image, first->x + t * run->dx + a * nx, first->y + t * run->dy + a * ny);
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

static void
set_not_found (NpAutoCalibration *result,
               const char        *reason)
{
  /* no number survives that anyone could take for a pixel size */
  result->found = FALSE;
  result->mm_per_px = 0;
  result->se_mm_per_px = 0;
  result->confidence = NP_AUTO_CONFIDENCE_NONE;
  g_free (result->reason);
  result->reason = g_strdup (reason);
}

static void
find_scale (const Image       *image,
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
      set_not_found (result, "no depth scale found: fewer than five tick-like marks stand "
                             "alone on a dark background");
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
        "no depth scale found: no row of at least %d evenly spaced tick marks", MIN_TICKS);
      set_not_found (result, reason);
      goto out;
    }
  /* A second, separate scale almost as long with another step: which one
   * is the depth scale cannot be told from the pixels. */
  if (rival != NULL
      && rival->step * (rival->members->len - 1) >= 0.6 * best->step * (best->members->len - 1)
      && fabs (rival->step - best->step) > NP_AUTO_CALIBRATION_AGREEMENT * best->step)
    {
      g_autofree char *reason = g_strdup_printf (
        "no depth scale found: two rows of tick marks with different spacing (%.1f px and "
        "%.1f px) make the scale ambiguous", best->step, rival->step);
      set_not_found (result, reason);
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
      result->assumption = g_strdup ("long ticks 1 cm apart with a short tick halfway (5 mm)");
    }
  else
    {
      result->spacing_mm = 10.0;
      result->assumption = g_strdup ("marks of equal size 1 cm apart");
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
          ? g_strdup_printf ("no depth scale found: the brightness along the marks repeats every "
                             "%.1f px, not every %.1f px as the marks do",
                             result->autocorrelation_step_px, best->step)
          : g_strdup ("no depth scale found: the brightness along the marks shows no clear "
                      "period");
        set_not_found (result, reason);
        goto out;
      }
  }

  fit = np_tick_fit (points, result->spacing_mm, &fit_error);
  if (fit == NULL)
    {
      g_autofree char *reason = g_strdup_printf ("no depth scale found: the tick fit failed (%s)",
                                                 fit_error->message);
      set_not_found (result, reason);
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
        "no depth scale found: only %u of %u marks fit one evenly spaced scale", fit->n_used,
        fit->ticks->len);
      set_not_found (result, reason);
    }
  else if (result->rms_residual_px > MAX_RMS_PX)
    {
      g_autofree char *reason = g_strdup_printf (
        "no depth scale found: the marks are not evenly spaced (residual %.2f px RMS)",
        result->rms_residual_px);
      set_not_found (result, reason);
    }
  else if (result->se_mm_per_px > MAX_RELATIVE_SE * result->mm_per_px)
    {
      g_autofree char *reason = g_strdup_printf (
        "no depth scale found: the scale is too short to measure the pixel size to 0.5 %% "
        "(standard error %.2f %%)", 100 * result->se_mm_per_px / result->mm_per_px);
      set_not_found (result, reason);
    }
  else if (result->mm_per_px < MIN_MM_PER_PX || result->mm_per_px > MAX_MM_PER_PX)
    {
      g_autofree char *reason = g_strdup_printf (
        "no depth scale found: the evenly spaced marks would mean %.3f mm per pixel, which no "
        "ultrasound frame has", result->mm_per_px);
      set_not_found (result, reason);
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

/* The deep part of an image is often black (attenuation, shadows behind
 * bone), so the far boundary seen in the pixels may lie short of the real
 * one. A vertical depth scale runs to the imaging depth: its deepest tick
 * then gives the far boundary. */
static void
extend_far_by_scale (NpAutoCalibration *result)
{
  NpAutoRegion *region = &result->region;
  const NpAutoTick *first, *last;
  double deepest;

  if (!result->found || result->ticks->len < 2)
    return;
  first = &g_array_index (result->ticks, NpAutoTick, 0);
  last = &g_array_index (result->ticks, NpAutoTick, result->ticks->len - 1);
  if (fabs (last->point.x - first->point.x) > 0.01 * fabs (last->point.y - first->point.y))
    return;
  deepest = MAX (first->point.y, last->point.y);
  if (region->shape == NP_AUTO_REGION_RECTANGLE
      && deepest > region->rect.y + region->rect.height + 3)
    {
      region->rect.height = deepest - region->rect.y;
      region->far_from_scale = TRUE;
    }
  else if (region->shape == NP_AUTO_REGION_SECTOR
           && fabs (region->left_dx + region->right_dx) < 0.02
           && deepest - region->apex.y > region->far_radius_px + 3)
    {
      region->far_radius_px = deepest - region->apex.y;
      region->far_from_scale = TRUE;
    }
}

static void
check_against_region (NpAutoCalibration *result)
{
  const NpAutoRegion *region = &result->region;
  double region_px, ticks_px;
  const NpAutoTick *first, *last;

  if (!result->found || result->ticks->len < 2)
    return;
  if (region->shape == NP_AUTO_REGION_RECTANGLE)
    region_px = region->rect.height;
  else if (region->shape == NP_AUTO_REGION_SECTOR)
    region_px = region->far_radius_px - region->near_radius_px;
  else
    return;
  first = &g_array_index (result->ticks, NpAutoTick, 0);
  last = &g_array_index (result->ticks, NpAutoTick, result->ticks->len - 1);
  ticks_px = hypot (last->point.x - first->point.x, last->point.y - first->point.y);
  g_free (result->cross_check);
  result->cross_check = g_strdup_printf (
    "the image area is %.1f mm deep by this scale; the ticks cover %.1f mm",
    region_px * result->mm_per_px, ticks_px * result->mm_per_px);
}

/**
 * np_auto_calibration_detect:
 *
 * Looks for the imaging region, the skin line and the depth scale in the
 * pixels of @frame. A result always comes back for a valid frame: when no
 * scale can be trusted, found is FALSE and reason says why.
 *
 * Returns: (transfer full): the candidate and its evidence
 */
NpAutoCalibration *
np_auto_calibration_detect (const NpFrame  *frame,
                            GError        **error)
{
  NpAutoCalibration *result;
  Image image = { 0 };

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  result = g_new0 (NpAutoCalibration, 1);
  image_init (&image, frame);
  find_region (&image, result);
  refine_region (&image, result);
  find_scale (&image, result);
  /* the marks stay as evidence even when they were not good enough */
  if (result->ticks == NULL)
    result->ticks = g_array_new (FALSE, TRUE, sizeof (NpAutoTick));
  /* A row of marks with no ultrasound image beside it is a pattern, not a
   * depth scale (a dashed line, a test chart). */
  if (result->found && result->region.shape == NP_AUTO_REGION_NONE)
    set_not_found (result, "no depth scale found: evenly spaced marks, but no ultrasound image "
                           "area next to them");
  extend_far_by_scale (result);
  check_against_region (result);
  g_free (image.lum);
  return result;
}

/**
 * np_auto_calibration_cross_check:
 * @source: where @mm_per_px comes from, e.g. "the DICOM ultrasound region"
 *
 * Compares the candidate with a pixel size from another source and records
 * the comparison; a difference over 2 % is a disagreement, never hidden.
 *
 * Returns: TRUE when the two agree within 2 %
 */
gboolean
np_auto_calibration_cross_check (NpAutoCalibration *result,
                                 double             mm_per_px,
                                 const char        *source)
{
  double difference;
  char *text;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (source != NULL, FALSE);

  if (!result->found || !(mm_per_px > 0))
    return FALSE;
  difference = (result->mm_per_px - mm_per_px) / mm_per_px;
  if (fabs (difference) > NP_AUTO_CALIBRATION_AGREEMENT)
    {
      result->disagreement = TRUE;
      text = g_strdup_printf ("DISAGREES with %s (%.4f mm/px) by %+.1f %%", source, mm_per_px,
                              100 * difference);
    }
  else
    text = g_strdup_printf ("agrees with %s (%.4f mm/px) within %.1f %%", source, mm_per_px,
                            100 * fabs (difference));
  if (result->cross_check != NULL)
    {
      char *joined = g_strconcat (result->cross_check, "; ", text, NULL);
      g_free (text);
      text = joined;
    }
  g_free (result->cross_check);
  result->cross_check = text;
  return !result->disagreement;
}

/**
 * np_auto_calibration_dup_skin:
 * @n_points: points along a sector's near arc (at least 2)
 *
 * The proposed skin line: the top edge of a rectangle, or the near arc of a
 * sector as a polyline from its left to its right edge.
 *
 * Returns: (transfer full) (nullable): NpImagePoint array, or NULL without one
 */
GArray *
np_auto_calibration_dup_skin (const NpAutoCalibration *result,
                              guint                    n_points)
{
  const NpAutoRegion *region;
  GArray *points;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (n_points >= 2, NULL);

  if (!result->has_skin)
    return NULL;
  region = &result->region;
  points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  if (region->shape == NP_AUTO_REGION_RECTANGLE)
    {
      NpImagePoint a = { region->rect.x, result->skin_y };
      NpImagePoint b = { region->rect.x + region->rect.width, result->skin_y };
      g_array_append_val (points, a);
      g_array_append_val (points, b);
    }
  else
    {
      double a0 = atan2 (region->left_dy, region->left_dx);
      double a1 = atan2 (region->right_dy, region->right_dx);
      for (guint i = 0; i < n_points; i++)
        {
          double t = a0 + (a1 - a0) * i / (n_points - 1);
          NpImagePoint p = { region->apex.x + region->near_radius_px * cos (t),
                             region->apex.y + region->near_radius_px * sin (t) };
          g_array_append_val (points, p);
        }
    }
  return points;
}

NpAutoCalibration *
np_auto_calibration_copy (const NpAutoCalibration *result)
{
  NpAutoCalibration *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = g_memdup2 (result, sizeof *result);
  copy->reason = g_strdup (result->reason);
  copy->assumption = g_strdup (result->assumption);
  copy->cross_check = g_strdup (result->cross_check);
  copy->ticks = g_array_copy (result->ticks);
  return copy;
}

void
np_auto_calibration_free (NpAutoCalibration *result)
{
  if (result == NULL)
    return;
  g_free (result->reason);
  g_free (result->assumption);
  g_free (result->cross_check);
  g_clear_pointer (&result->ticks, g_array_unref);
  g_free (result);
}

const char *
np_auto_region_shape_to_string (NpAutoRegionShape shape)
{
  switch (shape)
    {
    case NP_AUTO_REGION_RECTANGLE: return "rectangle (linear probe)";
    case NP_AUTO_REGION_SECTOR: return "sector (curvilinear or phased-array probe)";
    case NP_AUTO_REGION_OTHER: return "image area of no regular shape (probe type unknown)";
    case NP_AUTO_REGION_NONE:
    default: return "no ultrasound image area found";
    }
}

const char *
np_auto_confidence_to_string (NpAutoConfidence confidence)
{
  switch (confidence)
    {
    case NP_AUTO_CONFIDENCE_HIGH: return "high";
    case NP_AUTO_CONFIDENCE_MEDIUM: return "medium";
    case NP_AUTO_CONFIDENCE_NONE:
    default: return "none";
    }
}
