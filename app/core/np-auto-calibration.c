/* np-auto-calibration.c: the depth scale, imaging region and skin line read
 * from the pixels: the public API, the result type and the checks across
 * region and scale (the region is found in np-auto-calibration-region.c,
 * the scale in np-auto-calibration-ticks.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-auto-calibration-private.h"
#include "np-dicom-calibration.h"

#include <glib/gi18n-lib.h>
#include "np-error.h"

#include <math.h>
#include <string.h>

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

void
_np_auto_calibration_set_not_found (NpAutoCalibration *result,
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

/* Adds a sentence to the cross-checks. */
static void
append_check (NpAutoCalibration *result,
              const char        *text)
{
  char *joined;

  if (text == NULL)
    return;
  joined = result->cross_check == NULL ? g_strdup (text)
                                       : g_strconcat (result->cross_check, "; ", text, NULL);
  g_free (result->cross_check);
  result->cross_check = joined;
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

/* The scale runs along the image from the skin line to the imaging depth,
 * so its deepest tick lies at most one centimetre above the image area's
 * far edge; a region whose depth by this scale disagrees by more than 2 %
 * is reported (a wrong spacing assumption, or a region found wrongly). */
static void
check_against_region (NpAutoCalibration *result)
{
  const NpAutoRegion *region = &result->region;
  double region_px, deepest_px;
  const NpAutoTick *first, *last;
  g_autofree char *text = NULL;

  if (!result->found || result->ticks->len < 2)
    return;
  first = &g_array_index (result->ticks, NpAutoTick, 0);
  last = &g_array_index (result->ticks, NpAutoTick, result->ticks->len - 1);
  if (region->shape == NP_AUTO_REGION_RECTANGLE)
    {
      region_px = region->rect.height;
      deepest_px = MAX (first->point.y, last->point.y) - result->skin_y;
    }
  else if (region->shape == NP_AUTO_REGION_SECTOR)
    {
      double r_first = hypot (first->point.x - region->apex.x, first->point.y - region->apex.y);
      double r_last = hypot (last->point.x - region->apex.x, last->point.y - region->apex.y);

      region_px = region->far_radius_px - region->near_radius_px;
      /* a scale beside the sector counts down the axis, one on an edge from the apex */
      if (fabs (last->point.x - first->point.x) < 0.01 * fabs (last->point.y - first->point.y))
        deepest_px = MAX (first->point.y, last->point.y)
                     - (region->apex.y + region->near_radius_px);
      else
        deepest_px = MAX (r_first, r_last) - region->near_radius_px;
    }
  else
    return;
  result->region_depth_mm = region_px * result->mm_per_px;
  if (region->far_from_scale)
    text = g_strdup_printf (_("the image area is %.1f mm deep by this scale (its far edge "
                              "is the deepest tick: the image fades out before it)"),
                            result->region_depth_mm);
  else
    {
      double deepest_mm = deepest_px * result->mm_per_px;
      double allowed = NP_AUTO_CALIBRATION_AGREEMENT * result->region_depth_mm;
      double major_mm = result->spacing_mm < 10 ? 10 : result->spacing_mm;

      if (deepest_mm > result->region_depth_mm + allowed
          || deepest_mm < result->region_depth_mm - major_mm - allowed)
        {
          result->disagreement = TRUE;
          text = g_strdup_printf (_("the image area's depth DISAGREES with the scale: it is "
                                    "%.1f mm deep by this scale, but the deepest tick lies "
                                    "%.1f mm below the skin line (a scale runs to the "
                                    "imaging depth)"), result->region_depth_mm, deepest_mm);
        }
      else
        text = g_strdup_printf (_("the image area is %.1f mm deep by this scale and the "
                                  "deepest tick lies %.1f mm below the skin line"),
                                result->region_depth_mm, deepest_mm);
    }
  append_check (result, text);
}

/* The depth the scanner printed ("11cm") against the image area's depth by
 * the scale. */
static void
check_against_printed_depth (const Image       *image,
                             NpAutoCalibration *result)
{
  g_autofree char *text = NULL;
  g_autofree char *read = NULL;
  double difference;

  result->printed_depth_mm = _np_auto_calibration_read_depth (image, &result->region, &read,
                                                              &result->printed_depth_note);
  if (result->printed_depth_mm > 0)
    result->printed_depth_text = g_steal_pointer (&read);
  if (!result->found)
    return;
  if (result->printed_depth_mm <= 0)
    {
      append_check (result, result->printed_depth_note);
      return;
    }
  if (!(result->region_depth_mm > 0))
    {
      text = g_strdup_printf (_("the frame prints a depth of %.1f cm (“%s”), but the image "
                                "area's depth is not known"), result->printed_depth_mm / 10,
                              result->printed_depth_text);
      append_check (result, text);
      return;
    }
  difference = (result->region_depth_mm - result->printed_depth_mm) / result->printed_depth_mm;
  if (fabs (difference) > NP_AUTO_CALIBRATION_AGREEMENT)
    {
      result->disagreement = TRUE;
      text = g_strdup_printf (_("DISAGREES with the depth printed on the frame (“%s”): the "
                                "image area is %.1f mm deep by this scale, %+.1f %%"),
                              result->printed_depth_text, result->region_depth_mm,
                              100 * difference);
    }
  else
    text = g_strdup_printf (_("agrees with the depth printed on the frame (“%s”) within "
                              "%.1f %%"), result->printed_depth_text, 100 * fabs (difference));
  append_check (result, text);
}

/* A DICOM frame with ultrasound regions: the region under the ticks (or
 * the first) states the pixel size the scanner used. */
static void
check_against_dicom (const NpFrame     *frame,
                     NpAutoCalibration *result)
{
  g_autoptr(NpDicomCalibration) dicom = NULL;
  g_autoptr(GArray) points = NULL;
  const NpCalibrationRegion *region;
  int index;

  if (!result->found || np_frame_get_dicom_info (frame) == NULL)
    return;
  dicom = np_dicom_calibration_new (np_frame_get_dicom_info (frame), np_frame_get_width (frame),
                                    np_frame_get_height (frame));
  if (dicom->calibration == NULL || dicom->calibration->regions == NULL
      || dicom->calibration->regions->len == 0)
    return;
  points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  for (guint i = 0; i < result->ticks->len; i++)
    if (g_array_index (result->ticks, NpAutoTick, i).used)
      g_array_append_val (points, g_array_index (result->ticks, NpAutoTick, i).point);
  index = np_calibration_find_region (dicom->calibration, (NpImagePoint *) points->data,
                                      points->len, NULL);
  region = np_calibration_get_region (dicom->calibration, index >= 0 ? (guint) index : 0);
  if (region == NULL)
    return;
  result->dicom_mm_per_px = region->mm_per_px_y;
  {
    g_autofree char *source = g_strdup_printf (_("the DICOM ultrasound region %u"), region->number);
    np_auto_calibration_cross_check (result, region->mm_per_px_y, source);
  }
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
  _np_auto_calibration_find_region (&image, result);
  _np_auto_calibration_refine_region (&image, result);
  _np_auto_calibration_find_scale (&image, result);
  /* the marks stay as evidence even when they were not good enough */
  if (result->ticks == NULL)
    result->ticks = g_array_new (FALSE, TRUE, sizeof (NpAutoTick));
  /* A row of marks with no ultrasound image beside it is a pattern, not a
   * depth scale (a dashed line, a test chart). */
  if (result->found && result->region.shape == NP_AUTO_REGION_NONE)
    _np_auto_calibration_set_not_found (result, _("no depth scale found: evenly spaced marks, but "
                                                "no ultrasound image area next to them"));
  extend_far_by_scale (result);
  check_against_region (result);
  check_against_printed_depth (&image, result);
  check_against_dicom (frame, result);
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
      text = g_strdup_printf (_("DISAGREES with %s (%.4f mm/px) by %+.1f %%"), source, mm_per_px,
                              100 * difference);
    }
  else
    text = g_strdup_printf (_("agrees with %s (%.4f mm/px) within %.1f %%"), source, mm_per_px,
                            100 * fabs (difference));
  append_check (result, text);
  g_free (text);
  return fabs (difference) <= NP_AUTO_CALIBRATION_AGREEMENT;
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
  copy->printed_depth_text = g_strdup (result->printed_depth_text);
  copy->printed_depth_note = g_strdup (result->printed_depth_note);
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
  g_free (result->printed_depth_text);
  g_free (result->printed_depth_note);
  g_clear_pointer (&result->ticks, g_array_unref);
  g_free (result);
}

const char *
np_auto_region_shape_to_string (NpAutoRegionShape shape)
{
  switch (shape)
    {
    case NP_AUTO_REGION_RECTANGLE: return _("rectangle (linear probe)");
    case NP_AUTO_REGION_SECTOR: return _("sector (curvilinear or phased-array probe)");
    case NP_AUTO_REGION_OTHER: return _("image area of no regular shape (probe type unknown)");
    case NP_AUTO_REGION_NONE:
    default: return _("no ultrasound image area found");
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
