/* np-phantom-us.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-phantom-us.h"

#include "np-error.h"
#include "np-phantom-private.h"

#include <cairo.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* Speed of sound the image assumes (DESIGN.md), in mm per microsecond. */
#define SOUND_SPEED_MM_US 1.54
/* Height of the header strip and the margin under the field, in pixels. */
#define HEADER_PX 44
#define FOOTER_PX 16
/* Room kept on each side of a linear field for the depth scale; a sector
 * is narrow at the top, so its bottom corners may come closer. */
#define SIDE_PX 70
#define SECTOR_SIDE_PX 48
/* Strength of a specular echo per unit reflection coefficient, in units of
 * the RMS diffuse echo of muscle: a bone surface (R = 0.64) ends up about
 * 29 dB above muscle, a fat-muscle fascia (R = 0.10) about 13 dB. */
#define SPECULAR_GAIN 45.0

#define FWHM_TO_SIGMA (1.0 / 2.3548200450309493)

void
np_phantom_us_init (NpPhantomUs *us,
                    NpProbe      probe)
{
  g_return_if_fail (us != NULL);

  memset (us, 0, sizeof *us);
  us->probe = probe;
  us->width = 800;
  us->height = 600;
  if (probe == NP_PROBE_LINEAR)
    {
      /* a 38 mm linear array, 12-5 MHz, run at 10 MHz */
      us->footprint_mm = 38.0;
      us->depth_mm = 40.0;
      us->frequency_mhz = 10.0;
      us->beam_width_mm = 0.55;
      us->focus_mm = 15.0;
    }
  else
    {
      /* a 5-2 MHz convex array with a 50 mm radius, run at 3.5 MHz */
      us->radius_mm = 50.0;
      us->sector_deg = 60.0;
      us->depth_mm = 100.0;
      us->frequency_mhz = 3.5;
      us->beam_width_mm = 1.5;
      us->focus_mm = 50.0;
    }
  us->bandwidth = 0.55;
  us->tgc_db_cm_mhz = 0.85;
  us->dynamic_range_db = 60.0;
  us->muscle_level_db = -30.0;
  us->noise_db = -34.0;
  us->annotate = TRUE;
  np_phantom_us_fit_frame (us);
}

void
np_phantom_us_clear (NpPhantomUs *us)
{
  g_return_if_fail (us != NULL);
  g_clear_pointer (&us->header_left, g_free);
  g_clear_pointer (&us->header_right, g_free);
}

/**
 * np_phantom_us_fit_frame:
 *
 * Chooses the pixel size and the position of the field the way a scanner
 * does: the whole depth fits under the header, and the sector fits between
 * the side margins. The pixel size is 1 / N mm for a whole number N of
 * pixels per metre, so the PNG pHYs chunk stores it exactly.
 */
void
np_phantom_us_fit_frame (NpPhantomUs *us)
{
  double rows, half_width_px, min_pixel, half_width_mm;
  guint64 pixels_per_metre;

  g_return_if_fail (us != NULL);
  g_return_if_fail (us->width > 2 * SIDE_PX && us->height > HEADER_PX + FOOTER_PX);

  rows = us->height - HEADER_PX - FOOTER_PX;
  half_width_px = us->width / 2.0 - (us->probe == NP_PROBE_LINEAR ? SIDE_PX : SECTOR_SIDE_PX);
  if (us->probe == NP_PROBE_LINEAR)
    half_width_mm = us->footprint_mm / 2;
  else
    half_width_mm = (us->radius_mm + us->depth_mm) * sin (us->sector_deg * G_PI / 360.0);
  min_pixel = MAX (us->depth_mm / rows, half_width_mm / half_width_px);
  pixels_per_metre = (guint64) floor (1000.0 / min_pixel);
  us->pixel_mm = 1000.0 / (double) pixels_per_metre;
  us->skin_centre = np_image_point (us->width / 2.0, HEADER_PX);
}

NpImagePoint
np_phantom_us_to_image (const NpPhantomUs *us,
                        NpScanPoint        point)
{
  return np_image_point (us->skin_centre.x + point.x / us->pixel_mm,
                         us->skin_centre.y + point.z / us->pixel_mm);
}

NpScanPoint
np_phantom_us_from_image (const NpPhantomUs *us,
                          NpImagePoint       point)
{
  return np_scan_point ((point.x - us->skin_centre.x) * us->pixel_mm,
                        (point.y - us->skin_centre.y) * us->pixel_mm);
}

/* Centre of the skin arc of a curvilinear probe, above the skin. */
NpScanPoint
np_phantom_us_apex (const NpPhantomUs *us)
{
  return np_scan_point (0, us->probe == NP_PROBE_LINEAR ? -G_MAXDOUBLE : -us->radius_mm);
}

/* Depth below the skin: the shortest distance to the skin line (DESIGN.md). */
double
np_phantom_us_depth (const NpPhantomUs *us,
                     NpScanPoint        point)
{
  if (us->probe == NP_PROBE_LINEAR)
    return point.z;
  return hypot (point.x, point.z + us->radius_mm) - us->radius_mm;
}

/* The point at @depth_mm below the skin with lateral position @x_mm. */
NpScanPoint
np_phantom_us_point_at_depth (const NpPhantomUs *us,
                              double             x_mm,
                              double             depth_mm)
{
  double r;

  if (us->probe == NP_PROBE_LINEAR)
    return np_scan_point (x_mm, depth_mm);
  r = us->radius_mm + depth_mm;
  return np_scan_point (x_mm, sqrt (MAX (0.0, r * r - x_mm * x_mm)) - us->radius_mm);
}

/**
 * np_phantom_us_skin_point:
 * @beyond_edge_mm: distance along the skin past the end of the probe face
 * @side: -1 for the left end of the probe, +1 for the right end
 *
 * A point of the skin line, extended past the probe for in-plane entries.
 * Past a curved face the skin runs on flat, along the chord between the
 * ends of the face (where the probe stops pressing it into a curve), as the
 * planner assumes.
 */
NpScanPoint
np_phantom_us_skin_point (const NpPhantomUs *us,
                          double             beyond_edge_mm,
                          int                side)
{
  double angle;

  if (us->probe == NP_PROBE_LINEAR)
    return np_scan_point (side * (us->footprint_mm / 2 + beyond_edge_mm), 0);
  angle = us->sector_deg * G_PI / 360.0;
  return np_scan_point (side * (us->radius_mm * sin (angle) + beyond_edge_mm),
                        us->radius_mm * cos (angle) - us->radius_mm);
}

gboolean
np_phantom_us_in_field (const NpPhantomUs *us,
                        NpScanPoint        point)
{
  double depth = np_phantom_us_depth (us, point);

  if (depth < 0 || depth > us->depth_mm)
    return FALSE;
  if (us->probe == NP_PROBE_LINEAR)
    return fabs (point.x) <= us->footprint_mm / 2;
  return fabs (atan2 (point.x, point.z + us->radius_mm)) <= us->sector_deg * G_PI / 360.0;
}

/* ------------------------------------------------------------------------ */
/* The beam grid: RF lines (straight down, or fanning out from the apex) and
 * samples along them at an eighth of a wavelength. */

typedef struct
{
  const NpPhantomUs *us;
  guint n_lines;
  guint n_pad;                  /* extra lines on each side, cropped by scan conversion */
  guint n_samples;
  double line_step;             /* mm (linear) or radians (curvilinear) */
  double first_line;            /* lateral position of line 0 */
  double sample_step_mm;
  double wavenumber;            /* carrier, radians per mm of depth */
  double sigma_axial_mm;        /* Gaussian envelope of the pulse */
  double sigma_focus_mm;        /* lateral beam at the focus */
  double rayleigh_mm;           /* depth over which the beam stays focused */
} BeamGrid;

static double
grid_line_position (const BeamGrid *grid,
                    double          line)
{
  return grid->first_line + line * grid->line_step;
}

/* Unit vector of the beam through a point (it points deeper). */
static NpScanPoint
beam_direction (const NpPhantomUs *us,
                NpScanPoint        p)
{
  double dx, dz, norm;

  if (us->probe == NP_PROBE_LINEAR)
    return np_scan_point (0, 1);
  dx = p.x;
  dz = p.z + us->radius_mm;
  norm = hypot (dx, dz);
  return np_scan_point (dx / norm, dz / norm);
}

static double
beam_sigma_mm (const BeamGrid *grid,
               double          depth_mm)
{
  double u = (depth_mm - grid->us->focus_mm) / grid->rayleigh_mm;
  return grid->sigma_focus_mm * sqrt (1 + u * u);
}

/* Lateral beam width in units of lines. */
static double
beam_sigma_lines (const BeamGrid *grid,
                  double          depth_mm)
{
  double sigma = beam_sigma_mm (grid, depth_mm);

  if (grid->us->probe == NP_PROBE_LINEAR)
    return sigma / grid->line_step;
  return sigma / ((grid->us->radius_mm + depth_mm) * grid->line_step);
}

static void
grid_init (BeamGrid          *grid,
           const NpPhantomUs *us)
{
  double wavelength = SOUND_SPEED_MM_US / us->frequency_mhz;
  double sigma_f = us->bandwidth * us->frequency_mhz * FWHM_TO_SIGMA;
  double lateral_step, max_sigma_lines, field_lateral;
  guint n_field;

  grid->us = us;
  /* Echo depth runs at half the speed of sound: the RF carrier has a
   * period of half a wavelength in depth. */
  grid->wavenumber = 2 * G_PI / (wavelength / 2);
  grid->sample_step_mm = wavelength / 8;
  grid->sigma_axial_mm = 1.0 / (2 * G_PI * sigma_f) * SOUND_SPEED_MM_US / 2;
  grid->sigma_focus_mm = us->beam_width_mm * FWHM_TO_SIGMA;
  /* Dynamic receive focusing keeps the beam narrow over a long range. */
  grid->rayleigh_mm = 0.75 * MAX (us->focus_mm, us->depth_mm / 2);
  /* Two samples per lateral sigma at least, and no coarser than a pixel. */
  lateral_step = MIN (us->pixel_mm, grid->sigma_focus_mm / 2);
  grid->n_samples = (guint) ceil ((us->depth_mm + 2.0) / grid->sample_step_mm);

  if (us->probe == NP_PROBE_LINEAR)
    {
      n_field = (guint) ceil (us->footprint_mm / lateral_step);
      grid->line_step = us->footprint_mm / n_field;
      field_lateral = us->footprint_mm;
    }
  else
    {
      field_lateral = us->sector_deg * G_PI / 180.0;
      n_field = (guint) ceil (field_lateral * (us->radius_mm + us->depth_mm) / lateral_step);
      grid->line_step = field_lateral / n_field;
    }

  max_sigma_lines = MAX (beam_sigma_lines (grid, 0), beam_sigma_lines (grid, us->depth_mm));
  grid->n_pad = (guint) ceil (3.5 * max_sigma_lines) + 1;
  grid->n_lines = n_field + 2 * grid->n_pad;
  grid->first_line = -field_lateral / 2 + (0.5 - grid->n_pad) * grid->line_step;
}

/* ------------------------------------------------------------------------ */
/* Tissue texture: how strongly a tissue scatters at one point. Mean about
 * one, so the tissue's backscatter sets its average brightness. */

typedef struct
{
  guint32 seed_a;
  guint32 seed_b;
} TextureSeeds;

static double
texture_modulation (const TextureSeeds   *seeds,
                    const NpTissueSample *sample,
                    NpScanPoint           p)
{
  double c, s, along, across, n, ridge;

  if (sample->texture == NP_TEXTURE_FIBRILLAR || sample->texture == NP_TEXTURE_FASCICLES)
    {
      c = cos (sample->fibre_angle_rad);
      s = sin (sample->fibre_angle_rad);
      along = c * p.x + s * p.z;
      across = -s * p.x + c * p.z;
    }
  else
    along = across = 0;

  switch (sample->texture)
    {
    case NP_TEXTURE_PLAIN:
      return 1.0;
    case NP_TEXTURE_FIBRILLAR:
      /* thin strands, 0.2-0.3 mm apart, a few mm long */
      n = np_phantom_value_noise (seeds->seed_a, across / 0.16, along / 2.2);
      return 0.2 + 3.6 * n * n * n;
    case NP_TEXTURE_PUNCTATE:
      n = np_phantom_value_noise (seeds->seed_a, p.x / 0.2, p.z / 0.2);
      return 0.3 + 5.0 * n * n * n * n;
    case NP_TEXTURE_FASCICLES:
      {
        /* perimysium: bright lines about 1.3 mm apart, broken along their length */
        double wobble = 0.5 * np_phantom_value_noise (seeds->seed_b, along / 4.0, across / 3.0);
        double phase = (across + wobble) / 1.3;
        double dist = fabs (phase - floor (phase + 0.5)) * 1.3;
        double line = exp (-dist * dist / (2 * 0.07 * 0.07));
        double gap = np_phantom_value_noise (seeds->seed_a, along / 3.0, phase);
        return 0.5 + 6.0 * line * gap * gap;
      }
    case NP_TEXTURE_SEPTA:
      /* lobules elongated parallel to the skin, bright where two meet */
      n = np_phantom_value_noise (seeds->seed_b, p.x / 2.6, p.z / 1.1);
      ridge = 1 - fabs (2 * n - 1);
      ridge = ridge * ridge * ridge * ridge;
      ridge = ridge * ridge * ridge;
      return 0.45 + 7.0 * ridge;
    default:
      g_assert_not_reached ();
    }
  return 1.0;
}

/* Direction of the normal of the interface at @p between @above and the
 * tissue found at @p, estimated from the tissues on a small circle. */
static double
interface_cosine (const NpPhantomUs *us,
                  const NpTissueMap *map,
                  NpScanPoint        p,
                  NpTissue           below)
{
  const double radius = 0.5;
  double nx = 0, nz = 0, norm;
  NpScanPoint beam;

  for (guint k = 0; k < 16; k++)
    {
      double a = k * G_PI / 8;
      NpScanPoint q = np_scan_point (p.x + radius * cos (a), p.z + radius * sin (a));
      NpTissueSample sample;

      np_tissue_map_lookup (map, q, np_phantom_us_depth (us, q), &sample);
      if (sample.tissue == below)
        {
          nx += cos (a);
          nz += sin (a);
        }
    }
  norm = hypot (nx, nz);
  if (norm < 1e-9)
    return 1.0;
  beam = beam_direction (us, p);
  return fabs (nx * beam.x + nz * beam.z) / norm;
}

/* A specular echo: an impulse in one line. */
typedef struct
{
  gsize index;
  double amplitude;
} Echo;

/* Diffuse scatterer amplitudes with attenuation, line by line, and the
 * specular echoes of the interfaces met on the way. */
static void
fill_scatterers (const BeamGrid    *grid,
                 const NpTissueMap *map,
                 gsl_rng           *rng,
                 guint32            seed,
                 double             scatter_scale,
                 double            *scat,
                 GArray            *echoes)
{
  const NpPhantomUs *us = grid->us;
  TextureSeeds seeds = { seed * 2654435761u + 17u, seed * 2246822519u + 91u };
  double step_gain[NP_N_TISSUES];

  /* two-way amplitude loss over one sample in each tissue */
  for (guint t = 0; t < NP_N_TISSUES; t++)
    step_gain[t] = pow (10.0, -2 * np_tissue_get_properties (t)->attenuation_db_cm_mhz
                              * us->frequency_mhz * grid->sample_step_mm / 10.0 / 20.0);

  for (guint i = 0; i < grid->n_lines; i++)
    {
      double *line = scat + (gsize) i * grid->n_samples;
      NpTissue previous = NP_TISSUE_COUPLING;
      double transmission = 1;     /* two-way attenuation and interface losses so far */
      double lateral = grid_line_position (grid, i);
      double sin_line = sin (lateral), cos_line = cos (lateral);

      for (guint j = 0; j < grid->n_samples; j++)
        {
          double depth = (j + 0.5) * grid->sample_step_mm;
          double radius = us->radius_mm + depth;
          NpScanPoint p = us->probe == NP_PROBE_LINEAR
                          ? np_scan_point (lateral, depth)
                          : np_scan_point (radius * sin_line, radius * cos_line - us->radius_mm);
          NpTissueSample sample;
          const NpTissueProperties *props;
          double amplitude;

          np_tissue_map_lookup (map, p, depth, &sample);
          props = np_tissue_get_properties (sample.tissue);

          if (sample.tissue != previous)
            {
              double z1 = np_tissue_get_properties (previous)->impedance_mrayl;
              double z2 = props->impedance_mrayl;
              double r = (z2 - z1) / (z2 + z1);
              double cosine = interface_cosine (us, map, p, sample.tissue);
              double c4 = cosine * cosine * cosine * cosine;

              /* Specular: strongest when the beam meets the surface square on.
               * The echo itself has not crossed the interface. */
              Echo echo = { (gsize) i * grid->n_samples + j,
                            SPECULAR_GAIN * r * (0.1 + 0.9 * c4) * transmission };

              g_array_append_val (echoes, echo);
              transmission *= 1 - r * r;
              previous = sample.tissue;
            }

          amplitude = sqrt (props->backscatter * texture_modulation (&seeds, &sample, p))
                      * scatter_scale * gsl_ran_gaussian_ziggurat (rng, 1.0);
          line[j] = amplitude * transmission;
          transmission *= step_gain[sample.tissue];
        }
    }
}

static double *
gaussian_kernel (double sigma,
                 guint *half)
{
  double *kernel;
  double sum = 0;

  *half = (guint) ceil (3.5 * sigma);
  kernel = g_new (double, 2 * *half + 1);
  for (guint k = 0; k <= 2 * *half; k++)
    {
      double u = ((double) k - *half) / sigma;
      kernel[k] = exp (-0.5 * u * u);
      sum += kernel[k];
    }
  for (guint k = 0; k <= 2 * *half; k++)
    kernel[k] /= sum;
  return kernel;
}

/* Convolves each line with @kernel along depth (zero outside the line). */
static void
convolve_axial (const BeamGrid *grid,
                const double   *in,
                double         *out,
                const double   *kernel,
                guint           half)
{
  guint n = grid->n_samples;

  for (guint i = 0; i < grid->n_lines; i++)
    {
      const double *src = in + (gsize) i * n;
      double *dst = out + (gsize) i * n;

      for (guint j = 0; j < n; j++)
        {
          guint k0 = j < half ? half - j : 0;
          guint k1 = MIN (2 * half, n - 1 - j + half);
          double acc = 0;

          for (guint k = k0; k <= k1; k++)
            /* k0 and k1 keep j + k - half in [0, n) and k within the 2 half + 1 taps */
            /* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
            acc += kernel[k] * src[j + k - half];
          dst[j] = acc;
        }
    }
}

/* Lateral beam profile: a Gaussian whose width follows the focusing. */
static void
convolve_lateral (const BeamGrid *grid,
                  const double   *in,
                  double         *out)
{
  guint n = grid->n_samples;
  guint half = (guint) ceil (3.5 * MAX (beam_sigma_lines (grid, 0),
                                        beam_sigma_lines (grid, grid->us->depth_mm + 2)));
  g_autofree double *weights = g_new0 (double, (gsize) (2 * half + 1) * n);

  for (guint j = 0; j < n; j++)
    {
      double sigma = beam_sigma_lines (grid, (j + 0.5) * grid->sample_step_mm);
      double sum = 0;

      for (guint k = 0; k <= 2 * half; k++)
        {
          double u = ((double) k - half) / sigma;
          double w = exp (-0.5 * u * u);
          weights[(gsize) k * n + j] = w;
          sum += w;
        }
      for (guint k = 0; k <= 2 * half; k++)
        weights[(gsize) k * n + j] /= sum;
    }

  memset (out, 0, sizeof (double) * grid->n_lines * n);
  for (guint i = 0; i < grid->n_lines; i++)
    for (guint k = 0; k <= 2 * half; k++)
      {
        int source = (int) i + (int) k - (int) half;
        const double *src, *w = weights + (gsize) k * n;
        double *dst = out + (gsize) i * n;

        source = CLAMP (source, 0, (int) grid->n_lines - 1);
        src = in + (gsize) source * n;
        for (guint j = 0; j < n; j++)
          dst[j] += w[j] * src[j];
      }
}

/* Receiver noise, time-gain compensation and quadrature demodulation: the
 * envelope is twice the magnitude of the low-passed, mixed-down signal. */
static void
detect_envelope (const BeamGrid *grid,
                 double         *rf,
                 gsl_rng        *rng,
                 double          noise_rms,
                 double         *work_i,
                 double         *work_q)
{
  const NpPhantomUs *us = grid->us;
  guint n = grid->n_samples;
  gsize total = (gsize) grid->n_lines * n;
  guint half;
  g_autofree double *lowpass = gaussian_kernel (grid->sigma_axial_mm / 2 / grid->sample_step_mm,
                                                &half);
  g_autofree double *gain = g_new (double, n);
  g_autofree double *carrier_cos = g_new (double, n);
  g_autofree double *carrier_sin = g_new (double, n);

  for (guint j = 0; j < n; j++)
    {
      double depth = (j + 0.5) * grid->sample_step_mm;
      gain[j] = pow (10.0, 2 * us->tgc_db_cm_mhz * us->frequency_mhz * depth / 10.0 / 20.0);
      carrier_cos[j] = cos (grid->wavenumber * depth);
      carrier_sin[j] = -sin (grid->wavenumber * depth);
    }

  for (gsize idx = 0; idx < total; idx++)
    {
      guint j = idx % n;
      double v = (rf[idx] + noise_rms * gsl_ran_gaussian_ziggurat (rng, 1.0)) * gain[j];
      work_i[idx] = v * carrier_cos[j];
      work_q[idx] = v * carrier_sin[j];
    }

  convolve_axial (grid, work_i, rf, lowpass, half);
  memcpy (work_i, rf, sizeof (double) * total);
  convolve_axial (grid, work_q, rf, lowpass, half);
  for (gsize idx = 0; idx < total; idx++)
    rf[idx] = 2 * sqrt (work_i[idx] * work_i[idx] + rf[idx] * rf[idx]);
}

/* RMS of the RF echo of unit backscatter at the focus: sets the scale of
 * every echo, so the grey levels do not depend on the sampling. */
static double
unit_rms_after_psf (const BeamGrid *grid,
                    const double   *pulse,
                    guint           pulse_half)
{
  double sigma_lines = beam_sigma_lines (grid, grid->us->focus_mm);
  guint half;
  g_autofree double *lateral = gaussian_kernel (sigma_lines, &half);
  double axial_energy = 0, lateral_energy = 0;

  for (guint k = 0; k <= 2 * pulse_half; k++)
    axial_energy += pulse[k] * pulse[k];
  for (guint k = 0; k <= 2 * half; k++)
    lateral_energy += lateral[k] * lateral[k];
  return sqrt (axial_energy * lateral_energy);
}

/* ------------------------------------------------------------------------ */

static gboolean
sample_envelope (const BeamGrid *grid,
                 const double   *envelope,
                 NpScanPoint     p,
                 double         *value)
{
  const NpPhantomUs *us = grid->us;
  double depth, lateral, line, sample, fl, fs;
  guint l0, s0;

  if (us->probe == NP_PROBE_LINEAR)
    {
      depth = p.z;
      lateral = p.x;
      if (fabs (lateral) > us->footprint_mm / 2)
        return FALSE;
    }
  else
    {
      depth = hypot (p.x, p.z + us->radius_mm) - us->radius_mm;
      lateral = atan2 (p.x, p.z + us->radius_mm);
      if (fabs (lateral) > us->sector_deg * G_PI / 360.0)
        return FALSE;
    }
  if (depth < 0 || depth > us->depth_mm)
    return FALSE;

  line = (lateral - grid->first_line) / grid->line_step;
  sample = depth / grid->sample_step_mm - 0.5;
  line = CLAMP (line, 0, grid->n_lines - 1.000001);
  sample = CLAMP (sample, 0, grid->n_samples - 1.000001);
  l0 = (guint) line;
  s0 = (guint) sample;
  fl = line - l0;
  fs = sample - s0;
  {
    const double *a = envelope + (gsize) l0 * grid->n_samples + s0;
    const double *b = a + grid->n_samples;
    *value = (1 - fl) * ((1 - fs) * a[0] + fs * a[1]) + fl * ((1 - fs) * b[0] + fs * b[1]);
  }
  return TRUE;
}

static void
draw_annotations (const NpPhantomUs *us,
                  NpFrame           *frame)
{
  cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, (int) us->width,
                                                      (int) us->height);
  cairo_t *cr = cairo_create (mask);
  double right_mm, scale_x, field_left;
  g_autofree char *depth_text = NULL;

  if (us->probe == NP_PROBE_LINEAR)
    {
      right_mm = us->footprint_mm / 2;
      field_left = us->skin_centre.x - right_mm / us->pixel_mm;
    }
  else
    {
      double half = us->sector_deg * G_PI / 360.0;
      right_mm = (us->radius_mm + us->depth_mm) * sin (half);
      field_left = us->skin_centre.x - us->radius_mm * sin (half) / us->pixel_mm;
    }
  scale_x = floor (MIN (us->skin_centre.x + right_mm / us->pixel_mm + 14, us->width - 44.0));

  cairo_set_source_rgba (cr, 0, 0, 0, 1);

  /* Depth scale: a tick every 5 mm, a long one and a label every centimetre. */
  for (guint mm = 0; mm <= (guint) floor (us->depth_mm + 1e-9); mm += 5)
    {
      double y = us->skin_centre.y + mm / us->pixel_mm;
      gboolean major = mm % 10 == 0;

      if (y > us->height - 1)
        break;
      cairo_rectangle (cr, scale_x, y - 0.5, major ? 10 : 5, 1);
      cairo_fill (cr);
      if (major)
        {
          g_autofree char *label = g_strdup_printf ("%u", mm / 10);
          np_phantom_draw_text (cr, scale_x + 14, MAX (0.0, floor (y - 3.5)), 1, label);
        }
    }
  np_phantom_draw_text (cr, scale_x + 12, us->skin_centre.y - 14, 1, "cm");

  /* Focus: a small triangle pointing at the scale. */
  {
    double y = us->skin_centre.y + us->focus_mm / us->pixel_mm;
    cairo_move_to (cr, scale_x - 2, y);
    cairo_line_to (cr, scale_x - 8, y - 4);
    cairo_line_to (cr, scale_x - 8, y + 4);
    cairo_close_path (cr);
    cairo_fill (cr);
  }

  /* Orientation mark: the probe's marked end is on the left of the image. */
  cairo_arc (cr, floor (field_left) + 4, us->skin_centre.y - 10, 4, 0, 2 * G_PI);
  cairo_fill (cr);

  if (us->header_left != NULL)
    np_phantom_draw_text (cr, 10, 10, 2, us->header_left);
  depth_text = g_strdup_printf ("%s%sD %.1fCM", us->header_right ? us->header_right : "",
                                us->header_right ? "  " : "", us->depth_mm / 10);
  np_phantom_draw_text (cr, us->width - 10 - np_phantom_text_width (depth_text, 2), 10, 2,
                        depth_text);

  cairo_destroy (cr);
  cairo_surface_flush (mask);
  np_phantom_apply_overlay (frame, mask, 235);
  cairo_surface_destroy (mask);
}

/**
 * np_phantom_us_render:
 * @seed: seeds the scatterers and the receiver noise
 *
 * Simulates a B-mode frame of @map: random scatterers with the strength of
 * each tissue and specular echoes at interfaces, attenuated along each beam;
 * an RF pulse (Gaussian-modulated cosine) along depth and a Gaussian beam
 * across; receiver noise; time-gain compensation; quadrature demodulation;
 * log compression to 8 bits; scan conversion to the frame. The frame's
 * declared pixel size is @us's.
 *
 * Returns: (transfer full): an 8-bit grey frame
 */
NpFrame *
np_phantom_us_render (const NpPhantomUs *us,
                      const NpTissueMap *map,
                      guint32            seed,
                      GError           **error)
{
  BeamGrid grid;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(gsl_rng) rng = NULL;
  g_autofree double *pulse = NULL;
  g_autofree double *buffer_a = NULL;
  g_autofree double *buffer_b = NULL;
  g_autofree double *buffer_c = NULL;
  g_autoptr(GArray) echoes = NULL;
  guint pulse_half;
  double unit_rms, white, noise_rms;
  gsize total;
  guint8 *pixels;
  gsize stride;

  g_return_val_if_fail (us != NULL, NULL);
  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (us->pixel_mm > 0 && us->depth_mm > 0 && us->frequency_mhz > 0, NULL);
  g_return_val_if_fail (us->dynamic_range_db > 0, NULL);

  frame = np_frame_new (us->width, us->height, 1, 8, error);
  if (frame == NULL)
    return NULL;

  grid_init (&grid, us);
  total = (gsize) grid.n_lines * grid.n_samples;
  if (total > 64u * 1024 * 1024)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   "the simulated scan needs %" G_GSIZE_FORMAT " RF samples, more than the limit",
                   total);
      return NULL;
    }

  /* The transmitted pulse along depth: a cosine under a Gaussian, peak 1. */
  pulse_half = (guint) ceil (3.5 * grid.sigma_axial_mm / grid.sample_step_mm);
  pulse = g_new (double, 2 * pulse_half + 1);
  for (guint k = 0; k <= 2 * pulse_half; k++)
    {
      double z = ((double) k - pulse_half) * grid.sample_step_mm;
      double u = z / grid.sigma_axial_mm;
      pulse[k] = exp (-0.5 * u * u) * cos (grid.wavenumber * z);
    }
  unit_rms = unit_rms_after_psf (&grid, pulse, pulse_half);

  rng = gsl_rng_alloc (gsl_rng_mt19937);
  gsl_rng_set (rng, seed);

  buffer_a = g_new (double, total);
  buffer_b = g_new (double, total);
  buffer_c = g_new (double, total);

  /* Scatterers are scaled by 1 / unit_rms so that after the PSF muscle
   * echoes have unit RMS. */
  /* The beam's lateral profile blurs the diffuse scatter; a specular
   * surface reflects coherently along its length, so its echo stays in its
   * own line and keeps its depth however the surface is tilted. */
  echoes = g_array_new (FALSE, FALSE, sizeof (Echo));
  fill_scatterers (&grid, map, rng, seed, 1.0 / unit_rms, buffer_a, echoes);
  convolve_lateral (&grid, buffer_a, buffer_b);
  for (guint k = 0; k < echoes->len; k++)
    {
      const Echo *echo = &g_array_index (echoes, Echo, k);
      buffer_b[echo->index] += echo->amplitude;
    }
  convolve_axial (&grid, buffer_b, buffer_a, pulse, pulse_half);
  /* the receiver noise, after the full TGC, reaches noise_db at the bottom */
  noise_rms = pow (10.0, (us->noise_db
                          - 2 * us->tgc_db_cm_mhz * us->frequency_mhz * us->depth_mm / 10.0) / 20);
  detect_envelope (&grid, buffer_a, rng, noise_rms, buffer_b, buffer_c);

  /* Log compression: muscle's RMS echo (sqrt 2 × RF RMS as an envelope)
   * sits muscle_level_db below white. */
  white = G_SQRT2 * pow (10.0, -us->muscle_level_db / 20);
  pixels = np_frame_get_data_mutable (frame);
  stride = np_frame_get_stride (frame);
  for (guint row = 0; row < us->height; row++)
    for (guint col = 0; col < us->width; col++)
      {
        NpScanPoint p = np_phantom_us_from_image (us, np_image_point (col + 0.5, row + 0.5));
        double envelope, db, grey;

        if (!sample_envelope (&grid, buffer_a, p, &envelope))
          {
            pixels[row * stride + col] = 0;
            continue;
          }
        db = 20 * log10 (MAX (envelope, 1e-12) / white);
        grey = 255.0 * (db + us->dynamic_range_db) / us->dynamic_range_db;
        pixels[row * stride + col] = (guint8) CLAMP (floor (grey + 0.5), 0, 255);
      }

  if (us->annotate)
    draw_annotations (us, frame);

  np_frame_set_declared_pixel_size (frame, us->pixel_mm, us->pixel_mm);
  return g_steal_pointer (&frame);
}
