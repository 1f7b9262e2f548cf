/* np-phantom-draw.c: annotation text, overlays and noise for the phantoms
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-phantom-private.h"

#include <math.h>
#include <string.h>

typedef struct
{
  char c;
  guint8 rows[7];               /* 5 bits per row, most significant bit on the left */
} Glyph;

/* The classic 5 × 7 dot-matrix character set of scanner consoles. */
static const Glyph glyphs[] = {
  { '0', { 0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E } },
  { '1', { 0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E } },
  { '2', { 0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F } },
  { '3', { 0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E } },
  { '4', { 0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02 } },
  { '5', { 0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E } },
  { '6', { 0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E } },
  { '7', { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 } },
  { '8', { 0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E } },
  { '9', { 0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C } },
  { 'A', { 0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11 } },
  { 'B', { 0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E } },
  { 'C', { 0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E } },
  { 'D', { 0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C } },
  { 'E', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F } },
  { 'F', { 0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10 } },
  { 'G', { 0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F } },
  { 'H', { 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11 } },
  { 'I', { 0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E } },
  { 'J', { 0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C } },
  { 'K', { 0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11 } },
  { 'L', { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F } },
  { 'M', { 0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11 } },
  { 'N', { 0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11 } },
  { 'O', { 0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E } },
  { 'P', { 0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10 } },
  { 'Q', { 0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D } },
  { 'R', { 0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11 } },
  { 'S', { 0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E } },
  { 'T', { 0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
  { 'U', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E } },
  { 'V', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04 } },
  { 'W', { 0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A } },
  { 'X', { 0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11 } },
  { 'Y', { 0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04 } },
  { 'Z', { 0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F } },
  { 'c', { 0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E } },
  { 'm', { 0x00, 0x00, 0x1A, 0x15, 0x15, 0x11, 0x11 } },
  { 'z', { 0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F } },
  { '.', { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C } },
  { ',', { 0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08 } },
  { '-', { 0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00 } },
  { '+', { 0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00 } },
  { ':', { 0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00 } },
  { '/', { 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00 } },
  { '(', { 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02 } },
  { ')', { 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08 } },
};

static const Glyph *
find_glyph (char c)
{
  for (guint i = 0; i < G_N_ELEMENTS (glyphs); i++)
    if (glyphs[i].c == c)
      return &glyphs[i];
  if (c >= 'a' && c <= 'z')
    return find_glyph ((char) (c - 'a' + 'A'));
  return NULL;
}

/* Each glyph is 5 dots wide plus one dot of spacing. */
double
np_phantom_text_width (const char *text,
                       double      scale)
{
  gsize n = strlen (text);

  return n == 0 ? 0 : (6.0 * n - 1) * scale;
}

/* Fills the dots as rectangles: crisp at integer positions and scales. */
void
np_phantom_draw_text (cairo_t    *cr,
                      double      x,
                      double      y,
                      double      scale,
                      const char *text)
{
  for (const char *c = text; *c != '\0'; c++, x += 6 * scale)
    {
      const Glyph *glyph = find_glyph (*c);

      if (glyph == NULL)
        continue;
      for (guint row = 0; row < 7; row++)
        for (guint col = 0; col < 5; col++)
          if (glyph->rows[row] & (0x10 >> col))
            cairo_rectangle (cr, x + col * scale, y + row * scale, scale, scale);
    }
  cairo_fill (cr);
}

void
np_phantom_apply_overlay (NpFrame         *frame,
                          cairo_surface_t *mask,
                          guint            value)
{
  const guint8 *alpha = cairo_image_surface_get_data (mask);
  int mask_stride = cairo_image_surface_get_stride (mask);
  guint width = np_frame_get_width (frame);
  guint height = np_frame_get_height (frame);

  g_return_if_fail (cairo_image_surface_get_format (mask) == CAIRO_FORMAT_A8);
  g_return_if_fail ((guint) cairo_image_surface_get_width (mask) == width);
  g_return_if_fail ((guint) cairo_image_surface_get_height (mask) == height);
  g_return_if_fail (np_frame_get_channels (frame) == 1);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint a = alpha[(gsize) y * mask_stride + x];
        guint old;

        if (a == 0)
          continue;
        old = np_frame_get_sample (frame, x, y, 0);
        /* integer blend, rounded: identical on every machine */
        np_frame_set_sample (frame, x, y, 0, (old * (255 - a) + value * a + 127) / 255);
      }
}

static guint32
hash_lattice (guint32 seed,
              gint32  i,
              gint32  j)
{
  guint32 h = seed ^ ((guint32) i * 0x8da6b343u) ^ ((guint32) j * 0xd8163841u);

  /* MurmurHash3's finaliser: every input bit affects every output bit. */
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static double
smoothstep (double t)
{
  return t * t * (3 - 2 * t);
}

double
np_phantom_value_noise (guint32 seed,
                        double  a,
                        double  b)
{
  double fa = floor (a), fb = floor (b);
  gint32 i = (gint32) fa, j = (gint32) fb;
  double u = smoothstep (a - fa), v = smoothstep (b - fb);
  const double scale = 1.0 / 4294967295.0;
  double v00 = hash_lattice (seed, i, j) * scale;
  double v10 = hash_lattice (seed, i + 1, j) * scale;
  double v01 = hash_lattice (seed, i, j + 1) * scale;
  double v11 = hash_lattice (seed, i + 1, j + 1) * scale;

  return (1 - v) * ((1 - u) * v00 + u * v10) + v * ((1 - u) * v01 + u * v11);
}

double
np_phantom_sample (gsl_rng *rng,
                   double   lo,
                   double   hi,
                   guint    per_unit)
{
  double v = lo + (hi - lo) * gsl_rng_uniform (rng);

  /* dividing by a whole number gives the double nearest to, say, 12.34 */
  v = floor (v * per_unit + 0.5) / per_unit;
  return CLAMP (v, lo, hi);
}
