/* np-auto-calibration-depth.c: the imaging depth the scanner printed on the
 * frame ("11cm", "D 4.0CM"), read from the pixels for the cross-check of
 * the depth scale
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-auto-calibration-private.h"
#include "np-phantom-private.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

/* No OCR library: the glyphs are bright blobs, grouped into words along a
 * baseline, and each is recognised by normalised cross-correlation against
 * the characters "0-9 . c m" rendered with Cairo at the blob's height in a
 * few sans fonts and the 5 × 7 dot-matrix font of scanner consoles. A word
 * counts only when it reads as a number followed by "cm" and every glyph
 * matches clearly better than any other character; otherwise the depth is
 * "not read": a wrong reading would make a right scale look wrong. */

#define TEXT_LEVEL 128     /* text is drawn bright on a dark background; the
                              run search below relies on it being 128 */
#define GRID_W 12          /* the grid both glyph and template are compared on */
#define GRID_H 16
#define MIN_SCORE 0.72     /* the best character's correlation */
#define MIN_MARGIN 0.06    /* over the best other character */

typedef struct
{
  int x0, y0, x1, y1;      /* inclusive bounds */
  guint n;                 /* pixels */
} Blob;

typedef struct
{
  char c;
  double height;           /* ink height over the digits' height */
  double aspect;           /* ink width over ink height */
  double grid[GRID_W * GRID_H];
} Template;

static const char *const fonts[] = { "DejaVu Sans", "DejaVu Sans Condensed", "Cantarell" };
static const char template_chars[] = "0123456789cmCM";

/* Resamples @w × @h values to the comparison grid (mean of 2 × 2 bilinear
 * samples per cell) and centres and normalises them. FALSE when flat. */
static gboolean
to_grid (const double *values,
         int           w,
         int           h,
         double       *grid)
{
  double sum = 0, ss = 0;

  for (int gy = 0; gy < GRID_H; gy++)
    for (int gx = 0; gx < GRID_W; gx++)
      {
        double v = 0;
        for (int sy = 0; sy < 2; sy++)
          for (int sx = 0; sx < 2; sx++)
            {
              double x = ((gx + (sx + 0.5) / 2) * w / GRID_W) - 0.5;
              double y = ((gy + (sy + 0.5) / 2) * h / GRID_H) - 0.5;
              int ix = (int) floor (x), iy = (int) floor (y);
              double fx = x - ix, fy = y - iy;
              double a[4];
              for (int k = 0; k < 4; k++)
                {
                  int px = ix + (k & 1), py = iy + (k >> 1);
                  a[k] = px < 0 || py < 0 || px >= w || py >= h ? 0 : values[py * w + px];
                }
              v += (1 - fy) * ((1 - fx) * a[0] + fx * a[1]) + fy * ((1 - fx) * a[2] + fx * a[3]);
            }
        grid[gy * GRID_W + gx] = v / 4;
        sum += v / 4;
      }
  sum /= GRID_W * GRID_H;
  for (int i = 0; i < GRID_W * GRID_H; i++)
    {
      grid[i] -= sum;
      ss += grid[i] * grid[i];
    }
  if (ss < 1e-9)
    return FALSE;
  for (int i = 0; i < GRID_W * GRID_H; i++)
    grid[i] /= sqrt (ss);
  return TRUE;
}

/* The ink of an A8 surface: its bounds and its values on the grid. */
static gboolean
template_from_surface (cairo_surface_t *surface,
                       char             c,
                       double           digit_height,
                       Template        *template)
{
  const guint8 *data;
  int stride, w, h, x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1;
  g_autofree double *values = NULL;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (data[y * stride + x] >= TEXT_LEVEL)
        {
          x0 = MIN (x0, x);
          x1 = MAX (x1, x);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y);
        }
  if (x1 < 0)
    return FALSE;
  values = g_new (double, (gsize) (x1 - x0 + 1) * (y1 - y0 + 1));
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      values[(y - y0) * (x1 - x0 + 1) + (x - x0)] = data[y * stride + x];
  template->c = c;
  template->height = (y1 - y0 + 1) / digit_height;
  template->aspect = (double) (x1 - x0 + 1) / (y1 - y0 + 1);
  return to_grid (values, x1 - x0 + 1, y1 - y0 + 1, template->grid);
}

/* Every template character in every font, drawn so that its digits are
 * @digit_height pixels tall. */
static GArray *
make_templates (double digit_height)
{
  GArray *templates = g_array_new (FALSE, FALSE, sizeof (Template));
  int size = (int) ceil (digit_height * 3) + 8;

  for (guint f = 0; f < G_N_ELEMENTS (fonts) * 2 + 1; f++)
    for (const char *c = template_chars; *c != '\0'; c++)
      {
        cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, size, size);
        cairo_t *cr = cairo_create (surface);
        char text[2] = { *c, '\0' };
        Template template;

        if (f == G_N_ELEMENTS (fonts) * 2)
          {
            /* the dot-matrix font, its digits 7 dots tall */
            np_phantom_draw_text (cr, 4, 4, digit_height / 7, text);
          }
        else
          {
            cairo_text_extents_t zero;

            cairo_select_font_face (cr, fonts[f / 2], CAIRO_FONT_SLANT_NORMAL,
                                    f % 2 ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size (cr, 100);
            cairo_text_extents (cr, "0", &zero);
            if (!(zero.height > 0))
              {
                cairo_destroy (cr);
                cairo_surface_destroy (surface);
                continue;
              }
            cairo_set_font_size (cr, 100 * digit_height / zero.height);
            cairo_move_to (cr, 4, 4 + 2 * digit_height);
            cairo_show_text (cr, text);
          }
        cairo_destroy (cr);
        if (template_from_surface (surface, *c, digit_height, &template))
          g_array_append_val (templates, template);
        cairo_surface_destroy (surface);
      }
  return templates;
}

/* The templates of one digit height, made once per process: rendering
 * them costs more than the rest of the reading. Never freed: a handful of
 * heights, a few kB each. */
static GArray *
templates_for_height (int height)
{
  static GHashTable *cache;
  G_LOCK_DEFINE_STATIC (cache);
  GArray *set;

  G_LOCK (cache);
  if (cache == NULL)
    cache = g_hash_table_new (NULL, NULL);
  set = g_hash_table_lookup (cache, GINT_TO_POINTER (height));
  if (set == NULL)
    {
      set = make_templates (height);
      g_hash_table_insert (cache, GINT_TO_POINTER (height), set);
    }
  G_UNLOCK (cache);
  return set;
}

/* Whether a word can end in "cm" at all: some blob after the first is a
 * lower-case "c" (shorter than the digits, on their baseline) followed by
 * an "m" wider than tall. Words that cannot are not compared. */
static gboolean
ends_like_cm (const GArray *blobs,
              const GArray *word,
              int           height)
{
  for (guint k = 1; k + 1 < word->len; k++)
    {
      const Blob *c = &g_array_index (blobs, Blob, g_array_index (word, guint, k));
      const Blob *m = &g_array_index (blobs, Blob, g_array_index (word, guint, k + 1));
      int ch = c->y1 - c->y0 + 1, mh = m->y1 - m->y0 + 1, mw = m->x1 - m->x0 + 1;

      if (ch >= 0.45 * height && mh >= 0.45 * height && mw >= 0.65 * mh
          && abs (ch - mh) <= MAX (1, height / 8))
        return TRUE;
    }
  return FALSE;
}

/* The bright 8-connected blobs of glyph size. */
/* Whether (x, y) lies in the imaging region: its speckle is no text, and
 * skipping it saves most of the work. */
static gboolean
in_region (const NpAutoRegion *region,
           int                 x,
           int                 y)
{
  double px = x + 0.5, py = y + 0.5;

  if (region->shape == NP_AUTO_REGION_RECTANGLE || region->shape == NP_AUTO_REGION_OTHER)
    return px >= region->rect.x && px <= region->rect.x + region->rect.width
           && py >= region->rect.y && py <= region->rect.y + region->rect.height;
  if (region->shape == NP_AUTO_REGION_SECTOR)
    {
      double dx = px - region->apex.x, dy = py - region->apex.y, r2 = dx * dx + dy * dy;

      /* between the edges: right of the left one, left of the right one */
      return dx * region->left_dy - dy * region->left_dx >= 0
             && dx * region->right_dy - dy * region->right_dx <= 0
             && r2 >= region->near_radius_px * region->near_radius_px
             && r2 <= region->far_radius_px * region->far_radius_px;
    }
  return FALSE;
}

typedef struct
{
  int x0, x1, y;           /* a row's run of bright pixels */
  guint parent;            /* union-find over runs */
  gboolean image;          /* it lies in the imaging region */
} Run;

static guint
run_root (GArray *runs,
          guint   i)
{
  while (g_array_index (runs, Run, i).parent != i)
    {
      Run *run = &g_array_index (runs, Run, i);
      run->parent = g_array_index (runs, Run, run->parent).parent;
      i = run->parent;
    }
  return i;
}

/* The bright 8-connected blobs of glyph size, from runs of bright pixels
 * joined across rows (each pixel is looked at once). */
static GArray *
find_blobs (const Image        *image,
            const NpAutoRegion *region)
{
  GArray *blobs = g_array_new (FALSE, FALSE, sizeof (Blob));
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (Run));
  g_autofree Blob *by_root = NULL;
  int w = (int) image->width;
  guint row_start = 0;

  for (int y = 0; y < (int) image->height; y++)
    {
      const guint8 *row = image->lum + (gsize) y * image->width;
      /* the row above's runs are [above, current) */
      guint above = row_start, current = runs->len;

      row_start = current;
      for (int x = 0; x < w; x++)
        {
          Run run;
          guint64 eight;

          /* TEXT_LEVEL is 128: eight dark pixels have no top bit set */
          while (x + 8 <= w && (memcpy (&eight, row + x, 8), (eight & 0x8080808080808080u) == 0))
            x += 8;
          if (x >= w)
            break;
          if (row[x] < TEXT_LEVEL)
            continue;
          run.x0 = x;
          while (x < w && row[x] >= TEXT_LEVEL)
            x++;
          run.x1 = x - 1;
          run.y = y;
          run.parent = runs->len;
          run.image = in_region (region, (run.x0 + run.x1) / 2, y);
          g_array_append_val (runs, run);
          /* runs of the row above that touch it, diagonals included */
          while (above < current && g_array_index (runs, Run, above).x1 < run.x0 - 1)
            above++;
          for (guint k = above; k < current && g_array_index (runs, Run, k).x0 <= run.x1 + 1; k++)
            {
              guint a = run_root (runs, k), b = run_root (runs, runs->len - 1);
              if (a != b)
                g_array_index (runs, Run, MAX (a, b)).parent = MIN (a, b);
            }
        }
    }

  by_root = g_new0 (Blob, MAX (runs->len, 1));
  for (guint i = 0; i < runs->len; i++)
    {
      const Run *run = &g_array_index (runs, Run, i);
      guint root = run_root (runs, i);
      Blob *blob = &by_root[root];

      if (root == i)
        *blob = (Blob) { run->x0, run->y, run->x1, run->y, 0 };
      blob->x0 = MIN (blob->x0, run->x0);
      blob->x1 = MAX (blob->x1, run->x1);
      blob->y0 = MIN (blob->y0, run->y);
      blob->y1 = MAX (blob->y1, run->y);
      blob->n += (guint) (run->x1 - run->x0 + 1);
      /* speckle in the image is no text: the blob is dropped */
      if (run->image)
        blob->n = G_MAXUINT / 2;
    }
  for (guint i = 0; i < runs->len; i++)
    {
      const Blob *blob = &by_root[i];

      /* text is small: a glyph is at most 40 px tall and 80 wide */
      if (run_root (runs, i) == i && blob->n < G_MAXUINT / 4 && blob->x1 - blob->x0 <= 80
          && blob->y1 - blob->y0 < 40)
        g_array_append_val (blobs, *blob);
    }
  return blobs;
}

static int
compare_blob_x (gconstpointer a,
                gconstpointer b)
{
  const Blob *p = a, *q = b;

  return (p->x0 > q->x0) - (p->x0 < q->x0);
}

/* The character @blob shows, or '\0' when none matches clearly. */
static char
recognise (const Image  *image,
           const Blob   *blob,
           double        digit_height,
           const GArray *templates)
{
  int w = blob->x1 - blob->x0 + 1, h = blob->y1 - blob->y0 + 1;
  g_autofree double *values = g_new (double, (gsize) w * h);
  double grid[GRID_W * GRID_H];
  double best = -1, second = -1;
  char best_c = '\0';

  /* a full stop: a small square dot */
  if (h <= 0.3 * digit_height && w <= 0.35 * digit_height && w <= 2 * h && h <= 2 * w)
    return '.';
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      values[y * w + x] = image->lum[(gsize) (blob->y0 + y) * image->width + blob->x0 + x];
  if (!to_grid (values, w, h, grid))
    return '\0';
  for (guint t = 0; t < templates->len; t++)
    {
      const Template *template = &g_array_index (templates, Template, t);
      double score = 0;

      /* shape first: a 'c' is as round as an 'o' but shorter than a digit */
      if (fabs (h / digit_height - template->height) > 0.2
          || fabs (log ((double) w / h / template->aspect)) > 0.4)
        continue;
      for (int i = 0; i < GRID_W * GRID_H; i++)
        score += grid[i] * template->grid[i];
      if (g_ascii_tolower (template->c) == g_ascii_tolower (best_c))
        best = MAX (best, score);
      else if (score > best)
        {
          second = best;
          best = score;
          best_c = template->c;
        }
      else
        second = MAX (second, score);
    }
  if (best < MIN_SCORE || best - second < MIN_MARGIN)
    return '\0';
  return (char) g_ascii_tolower (best_c);
}

/* A depth readout: digits, at most one decimal, then "cm", in 1-40 cm. */
static double
parse_depth (const char *text)
{
  const char *p = text;
  gsize digits = 0, decimals = 0;

  while (g_ascii_isdigit (*p))
    p++, digits++;
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        p++, decimals++;
      if (decimals != 1)
        return 0;
    }
  if (digits == 0 || digits > 2 || strcmp (p, "cm") != 0)
    return 0;
  {
    double cm = g_ascii_strtod (text, NULL);
    return cm >= 1 && cm <= 40 ? 10 * cm : 0;
  }
}

/**
 * _np_auto_calibration_read_depth:
 * @text_out: (out): the words read, e.g. "11cm"
 * @why: (out): when nothing was read, why not
 *
 * Returns: the printed imaging depth in mm, or 0 when not read confidently
 */
double
_np_auto_calibration_read_depth (const Image        *image,
                                 const NpAutoRegion *region,
                                 char              **text_out,
                                 char              **why)
{
  g_autoptr(GArray) blobs = find_blobs (image, region);
  g_autoptr(GPtrArray) readings = g_ptr_array_new_with_free_func (g_free);
  g_autofree gboolean *in_word = NULL;
  double depth = 0;

  *text_out = NULL;
  *why = NULL;
  g_array_sort (blobs, compare_blob_x);
  in_word = g_new0 (gboolean, blobs->len + 1);
  for (guint i = 0; i < blobs->len; i++)
    {
      const Blob *first = &g_array_index (blobs, Blob, i);
      int height = first->y1 - first->y0 + 1;
      int max_gap = (int) ceil (0.75 * height);
      g_autoptr(GArray) word = g_array_new (FALSE, FALSE, sizeof (guint));
      const Blob *last = first;
      GArray *set;
      GString *text;
      gboolean clear = TRUE;
      double cm_gap = 0, number_gap = 0;

      /* a word starts with a digit of readable height */
      if (in_word[i] || height < 7 || height > 40 || first->x1 - first->x0 + 1 > height)
        continue;
      g_array_append_val (word, i);
      for (guint j = i + 1; j < blobs->len && word->len < 7; j++)
        {
          const Blob *next = &g_array_index (blobs, Blob, j);

          if (next->x0 > last->x1 + max_gap)
            break;
          if (next->x0 <= last->x1 || abs (next->y1 - first->y1) > MAX (1, height / 8)
              || next->y1 - next->y0 + 1 > height * 1.15)
            continue;
          g_array_append_val (word, j);
          last = next;
        }
      if (word->len < 3 || !ends_like_cm (blobs, word, height))
        continue;
      set = templates_for_height (height);
      text = g_string_new (NULL);
      for (guint k = 0; k < word->len; k++)
        {
          const Blob *blob = &g_array_index (blobs, Blob, g_array_index (word, guint, k));
          char c = recognise (image, blob, height, set);

          if (c == '\0')
            {
              clear = FALSE;
              break;
            }
          g_string_append_c (text, c);
          if (k > 0)
            {
              const Blob *before = &g_array_index (blobs, Blob,
                                                   g_array_index (word, guint, k - 1));
              double gap = blob->x0 - before->x1;
              if (c == 'c')
                cm_gap = gap;
              else if (c != 'm' && gap > number_gap)
                number_gap = gap;
            }
          if (c == 'm')
            break;
        }
      /* "3.3 cm" (a measurement) has a space before its unit; "16cm" does not */
      if (clear && text->len >= 3 && parse_depth (text->str) > 0
          && cm_gap <= MAX (1.5 * number_gap + 1, 0.35 * height))
        {
          g_ptr_array_add (readings, g_strdup (text->str));
          depth = depth == 0 || depth == parse_depth (text->str) ? parse_depth (text->str) : -1;
        }
      g_string_free (text, TRUE);
      /* the word's glyphs start no other word */
      for (guint k = 0; k < word->len; k++)
        in_word[g_array_index (word, guint, k)] = TRUE;
    }
  if (readings->len == 0)
    {
      *why = g_strdup ("printed depth not read");
      return 0;
    }
  g_ptr_array_add (readings, NULL);
  *text_out = g_strjoinv (", ", (char **) readings->pdata);
  if (depth < 0)
    {
      *why = g_strdup_printf ("printed depth not read: the frame shows different depths (%s)",
                              *text_out);
      return 0;
    }
  return depth;
}
