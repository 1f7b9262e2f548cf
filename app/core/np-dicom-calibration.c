/* np-dicom-calibration.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-dicom-calibration.h"

#include <glib/gi18n-lib.h>

#include <math.h>

/* PS3.3 C.8.5.5.1.1 to .15: the codes a region's kind and units take. */
#define SPATIAL_FORMAT_2D 1
#define DATA_TYPE_TISSUE 1
#define UNITS_CM 3

static const char *
spatial_format_name (int format)
{
  static const char *names[] = { "no spatial format", "2D", "M-mode", "spectral",
                                 "waveform", "graphics" };

  return format >= 0 && format < (int) G_N_ELEMENTS (names) ? names[format]
                                                             : "unknown spatial format";
}

static const char *
data_type_name (int type)
{
  static const char *names[] = { "no data type", "tissue", "colour flow", "PW Doppler",
                                 "CW Doppler", "Doppler mean", "Doppler variance",
                                 "Doppler mean and variance", "volume", "Doppler volume",
                                 "ECG trace", "pulse trace", "phonocardiogram trace",
                                 "grey bar", "colour bar" };

  return type >= 0 && type < (int) G_N_ELEMENTS (names) ? names[type] : "unknown data";
}

static void
region_clear (gpointer data)
{
  NpDicomCalibrationRegion *r = data;

  g_free (r->description);
  g_free (r->problem);
}

static gboolean
plausible (double mm_per_px)
{
  return mm_per_px >= NP_DICOM_CALIBRATION_MIN_MM_PER_PX
         && mm_per_px <= NP_DICOM_CALIBRATION_MAX_MM_PER_PX;
}

/* Bounds are inclusive pixel indices; pixel i spans [i, i + 1). */
static gboolean
clamp_bounds (const NpDicomRegion *in,
              guint                width,
              guint                height,
              NpImageRect         *out,
              gboolean            *clamped)
{
  gint64 x0 = MAX (in->x0, 0), y0 = MAX (in->y0, 0);
  gint64 x1 = in->x1, y1 = in->y1;

  if (width > 0)
    x1 = MIN (x1, (gint64) width - 1);
  if (height > 0)
    y1 = MIN (y1, (gint64) height - 1);
  *clamped = x0 != in->x0 || y0 != in->y0 || x1 != in->x1 || y1 != in->y1;
  *out = (NpImageRect) { 0, 0, 0, 0 };
  if (in->x0 < 0 || in->y0 < 0 || in->x1 < 0 || in->y1 < 0 || x1 < x0 || y1 < y0)
    return FALSE;
  *out = (NpImageRect) { x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
  return TRUE;
}

static void
judge_region (const NpDicomRegion      *in,
              guint                     number,
              guint                     width,
              guint                     height,
              NpDicomCalibrationRegion *out)
{
  gboolean in_cm = in->units_x == UNITS_CM && in->units_y == UNITS_CM;
  gboolean clamped = FALSE;
  gboolean has_bounds = clamp_bounds (in, width, height, &out->bounds, &clamped);
  g_autofree char *kind = in->spatial_format == 0
                          ? g_strdup_printf (_("%s without a spatial format"),
                                             data_type_name (in->data_type))
                          : g_strdup_printf ("%s %s", spatial_format_name (in->spatial_format),
                                             data_type_name (in->data_type));

  out->number = number;
  out->usable = FALSE;
  out->mm_per_px_x = in_cm && isfinite (in->delta_x) ? fabs (in->delta_x) * 10 : NAN;
  out->mm_per_px_y = in_cm && isfinite (in->delta_y) ? fabs (in->delta_y) * 10 : NAN;

  if (isfinite (out->mm_per_px_x) && isfinite (out->mm_per_px_y))
    out->description = g_strdup_printf (_("region %u: %s, %.4g × %.4g mm/px"), number, kind,
                                        out->mm_per_px_x, out->mm_per_px_y);
  else
    out->description = g_strdup_printf (_("region %u: %s, not in centimetres"), number, kind);

  if (in->spatial_format != SPATIAL_FORMAT_2D || in->data_type != DATA_TYPE_TISSUE)
    out->problem = g_strdup_printf (_("region %u is %s, not a 2D tissue image: never used for "
                                    "millimetres"), number, kind);
  else if (!in_cm)
    out->problem = g_strdup_printf (_("region %u does not give its pixel size in centimetres "
                                    "(units %d and %d): never used for millimetres"),
                                    number, in->units_x, in->units_y);
  else if (!isfinite (out->mm_per_px_x) || !isfinite (out->mm_per_px_y)
           || out->mm_per_px_x == 0 || out->mm_per_px_y == 0)
    out->problem = g_strdup_printf (_("region %u has no pixel size"), number);
  else if (!plausible (out->mm_per_px_x) || !plausible (out->mm_per_px_y))
    out->problem = g_strdup_printf (_("region %u declares %.4g × %.4g mm/px, outside the "
                                    "plausible %g–%g mm/px for an ultrasound image: not used"),
                                    number, out->mm_per_px_x, out->mm_per_px_y,
                                    NP_DICOM_CALIBRATION_MIN_MM_PER_PX,
                                    NP_DICOM_CALIBRATION_MAX_MM_PER_PX);
  else if (!has_bounds)
    out->problem = g_strdup_printf (_("region %u has no bounds inside the frame"), number);
  else
    {
      out->usable = TRUE;
      if (clamped)
        out->problem = g_strdup_printf (_("region %u reaches beyond the %u × %u frame and is "
                                        "cut to it"), number, width, height);
    }
}

static void
from_regions (NpDicomCalibration *self,
              const NpDicomInfo  *info,
              guint               width,
              guint               height)
{
  g_autoptr(GString) numbers = g_string_new (NULL);
  guint n_usable = 0;

  for (guint i = 0; i < np_dicom_info_get_n_regions (info); i++)
    {
      NpDicomCalibrationRegion r = { 0 };

      judge_region (np_dicom_info_get_region (info, i), i + 1, width, height, &r);
      g_array_append_val (self->regions, r);
    }
  for (guint i = 0; i < self->regions->len; i++)
    {
      const NpDicomCalibrationRegion *r = &g_array_index (self->regions,
                                                          NpDicomCalibrationRegion, i);
      NpCalibrationRegion region = { r->number, r->bounds, r->mm_per_px_x, r->mm_per_px_y };

      if (!r->usable)
        continue;
      if (self->calibration == NULL)
        {
          self->calibration = np_calibration_new ();
          self->calibration->method = NP_CALIBRATION_FILE;
        }
      np_calibration_add_region (self->calibration, &region);
      g_string_append_printf (numbers, "%s%u", n_usable == 0 ? "" : _(" and "), r->number);
      n_usable++;
    }
  if (self->calibration == NULL)
    {
      self->reason = g_strdup (self->regions->len == 0
                               ? _("the file has no ultrasound regions")
                               : _("none of the file's ultrasound regions is a 2D tissue image "
                                 "with its pixel size in centimetres"));
      return;
    }
  self->source = g_strdup_printf (_("from the scanner's ultrasound region%s %s"),
                                  n_usable > 1 ? "s" : "", numbers->str);
  self->calibration->note = g_strdup_printf (_("%s; a measurement is in mm only inside one "
                                             "region"), self->source);
}

static gboolean
positive (double value)
{
  return isfinite (value) && value > 0;
}

/* Projection images: the spacing at the patient, when the file gives it. */
static void
from_xray (NpDicomCalibration *self,
           const NpDicomInfo  *info)
{
  const double *ps = info->pixel_spacing, *ips = info->imager_pixel_spacing;
  double sx, sy;
  const char *what;

  if (positive (ps[0]) && positive (ps[1]))
    {
      sx = ps[1];
      sy = ps[0];
      what = _("Pixel Spacing (0028,0030), which the modality states at the patient");
    }
  else if (positive (ips[0]) && positive (ips[1]) && positive (info->magnification)
           && info->magnification >= 1)
    {
      sx = ips[1] / info->magnification;
      sy = ips[0] / info->magnification;
      what = _("Imager Pixel Spacing (0018,1164) at the detector, divided by the Estimated "
             "Radiographic Magnification Factor (0018,1114) to the patient plane");
    }
  else if (positive (ips[0]) && positive (ips[1]) && positive (info->sid_mm)
           && positive (info->sod_mm) && info->sod_mm <= info->sid_mm)
    {
      sx = ips[1] * info->sod_mm / info->sid_mm;
      sy = ips[0] * info->sod_mm / info->sid_mm;
      what = _("Imager Pixel Spacing (0018,1164) at the detector, scaled to the patient plane by "
             "SOD / SID (0018,1111) / (0018,1110)");
    }
  else
    {
      if (positive (ips[0]) && positive (ips[1]))
        self->reason = g_strdup (_("the file gives only Imager Pixel Spacing, the spacing at the "
                                 "detector, which is larger than at the patient by the "
                                 "magnification; without a magnification factor or SID and "
                                 "SOD it is not used"));
      else
        self->reason = g_strdup (_("the file gives no pixel spacing"));
      return;
    }
  if (!plausible (sx) || !plausible (sy))
    {
      self->reason = g_strdup_printf (_("the file declares %.4g × %.4g mm/px, outside the "
                                      "plausible %g–%g mm/px: not used"), sx, sy,
                                      NP_DICOM_CALIBRATION_MIN_MM_PER_PX,
                                      NP_DICOM_CALIBRATION_MAX_MM_PER_PX);
      return;
    }
  self->calibration = np_calibration_new ();
  self->calibration->method = NP_CALIBRATION_FILE;
  self->calibration->mm_per_px_x = sx;
  self->calibration->mm_per_px_y = sy;
  self->source = g_strdup_printf (_("from the file's %s"), what);
  self->calibration->note = g_strdup (self->source);
}

/**
 * np_dicom_calibration_new:
 * @frame_width: the frame's width in px, to clamp the regions (0: no clamp)
 * @frame_height: the frame's height in px
 *
 * Ultrasound regions for US files and files that carry them; Pixel Spacing,
 * Imager Pixel Spacing with a magnification, or SID/SOD for projection
 * images. Never a guess: what is not stated in the file gives no candidate.
 *
 * Returns: (transfer full): the judgement, with or without a candidate
 */
NpDicomCalibration *
np_dicom_calibration_new (const NpDicomInfo *info,
                          guint              frame_width,
                          guint              frame_height)
{
  NpDicomCalibration *self;

  g_return_val_if_fail (info != NULL, NULL);

  self = g_new0 (NpDicomCalibration, 1);
  self->regions = g_array_new (FALSE, TRUE, sizeof (NpDicomCalibrationRegion));
  g_array_set_clear_func (self->regions, region_clear);
  if (np_dicom_info_get_n_regions (info) > 0 || g_strcmp0 (info->modality, "US") == 0)
    from_regions (self, info, frame_width, frame_height);
  else
    from_xray (self, info);
  return self;
}

void
np_dicom_calibration_free (NpDicomCalibration *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->regions, g_array_unref);
  g_clear_pointer (&self->calibration, np_calibration_free);
  g_free (self->source);
  g_free (self->reason);
  g_free (self);
}

/**
 * np_dicom_fluoro_geometry:
 * @geometry: (out): the view's cone-beam geometry
 *
 * The C-arm geometry an X-ray header states: Distance Source to Detector
 * (0018,1110), Distance Source to Patient (0018,1111) and Imager Pixel
 * Spacing (0018,1164, at the detector, row then column). The central ray is
 * taken through the image's centre, where a C-arm's isocentre projects.
 * Two views with it triangulate the real rays (docs/planner.md).
 *
 * Returns: %TRUE when all three are there and plausible (the patient lies
 *   between the source and the detector)
 */
gboolean
np_dicom_fluoro_geometry (const NpDicomInfo *info,
                          guint              frame_width,
                          guint              frame_height,
                          NpFluoroGeometry  *geometry)
{
  const double *spacing;

  g_return_val_if_fail (info != NULL && geometry != NULL, FALSE);

  spacing = info->imager_pixel_spacing;
  if (!(info->sid_mm > 0) || !(info->sod_mm > 0) || !(info->sod_mm < info->sid_mm)
      || !(spacing[0] >= NP_DICOM_CALIBRATION_MIN_MM_PER_PX)
      || !(spacing[1] >= NP_DICOM_CALIBRATION_MIN_MM_PER_PX)
      || !(spacing[0] <= NP_DICOM_CALIBRATION_MAX_MM_PER_PX)
      || !(spacing[1] <= NP_DICOM_CALIBRATION_MAX_MM_PER_PX)
      || frame_width == 0 || frame_height == 0)
    return FALSE;
  geometry->sid_mm = info->sid_mm;
  geometry->sod_mm = info->sod_mm;
  geometry->detector_pixel_mm[0] = spacing[1];
  geometry->detector_pixel_mm[1] = spacing[0];
  geometry->central_ray = np_image_point (frame_width / 2.0, frame_height / 2.0);
  return TRUE;
}
