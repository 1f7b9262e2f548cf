/* np-calibration.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-calibration.h"

#include <glib/gi18n-lib.h>

#include "np-dicom-calibration.h"
#include "np-error.h"
#include "np-json-util.h"

#include <math.h>
#include <string.h>

/* Stable strings written to plan files; the order follows NpCalibrationMethod. */
static const struct
{
  const char *id;
  const char *description;
} methods[] = {
  [NP_CALIBRATION_NONE] = { "none", N_("Not calibrated: measurements in pixels") },
  [NP_CALIBRATION_KNOWN_DISTANCE] = { "known-distance", N_("Two points a known distance apart") },
  [NP_CALIBRATION_DEPTH_SCALE] = { "depth-scale", N_("Fit of the depth-scale tick marks") },
  [NP_CALIBRATION_DEPTH_SETTING] = { "depth-setting",
                                     N_("Depth setting over the rows of the imaging field") },
  [NP_CALIBRATION_FILE] = { "file", N_("Pixel size declared by the image file") },
  [NP_CALIBRATION_SPHERE] = { "sphere", N_("Circle fit of a calibration sphere of known size") },
  [NP_CALIBRATION_GEOMETRY] = { "geometry",
                                N_("Detector pixel size × source-to-object / source-to-image") },
  [NP_CALIBRATION_MANUAL] = { "manual", N_("Pixel size typed in by the user") },
  /* The id needleplan-cli calibrate --auto --json has always printed. */
  [NP_CALIBRATION_DEPTH_SCALE_AUTO] = { "depth-scale-automatic",
                                        N_("Depth scale (automatic): ticks found in the frame") },
};

/**
 * np_calibration_new:
 *
 * Returns: (transfer full): an uncalibrated value (method NONE, pixel size 0,
 * so that nothing can be mistaken for millimetres)
 */
NpCalibration *
np_calibration_new (void)
{
  NpCalibration *calibration = g_new0 (NpCalibration, 1);

  calibration->method = NP_CALIBRATION_NONE;
  calibration->points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  return calibration;
}

/**
 * np_calibration_new_uniform:
 *
 * Square pixels of @mm_per_px with standard error @se_mm_per_px (0 when unknown).
 *
 * Returns: (transfer full): a new calibration
 */
NpCalibration *
np_calibration_new_uniform (NpCalibrationMethod method,
                            double              mm_per_px,
                            double              se_mm_per_px)
{
  NpCalibration *calibration = np_calibration_new ();

  calibration->method = method;
  calibration->mm_per_px_x = mm_per_px;
  calibration->mm_per_px_y = mm_per_px;
  calibration->se_mm_per_px_x = se_mm_per_px;
  calibration->se_mm_per_px_y = se_mm_per_px;
  return calibration;
}

/**
 * np_calibration_copy:
 *
 * Returns: (transfer full): a deep copy
 */
NpCalibration *
np_calibration_copy (const NpCalibration *calibration)
{
  NpCalibration *copy;

  g_return_val_if_fail (calibration != NULL, NULL);

  copy = g_new0 (NpCalibration, 1);
  *copy = *calibration;
  copy->points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  if (calibration->points != NULL && calibration->points->len > 0)
    g_array_append_vals (copy->points, calibration->points->data, calibration->points->len);
  copy->note = g_strdup (calibration->note);
  copy->regions = NULL;
  for (guint i = 0; i < np_calibration_get_n_regions (calibration); i++)
    np_calibration_add_region (copy, np_calibration_get_region (calibration, i));
  return copy;
}

void
np_calibration_free (NpCalibration *calibration)
{
  if (calibration == NULL)
    return;
  g_clear_pointer (&calibration->points, g_array_unref);
  g_clear_pointer (&calibration->regions, g_array_unref);
  g_free (calibration->note);
  g_free (calibration);
}

static gboolean
points_equal (const GArray *a,
              const GArray *b)
{
  guint len_a = a ? a->len : 0;
  guint len_b = b ? b->len : 0;

  if (len_a != len_b)
    return FALSE;
  for (guint i = 0; i < len_a; i++)
    {
      const NpImagePoint *p = &g_array_index (a, NpImagePoint, i);
      const NpImagePoint *q = &g_array_index (b, NpImagePoint, i);
      if (p->x != q->x || p->y != q->y)
        return FALSE;
    }
  return TRUE;
}

/* Exact comparison: undo and "is the document dirty" need bit-for-bit equality. */
gboolean
np_calibration_equal (const NpCalibration *a,
                      const NpCalibration *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return FALSE;

  if (a->method != b->method
      || a->mm_per_px_x != b->mm_per_px_x || a->mm_per_px_y != b->mm_per_px_y
      || a->se_mm_per_px_x != b->se_mm_per_px_x || a->se_mm_per_px_y != b->se_mm_per_px_y
      || a->has_region != b->has_region || a->reference_mm != b->reference_mm)
    return FALSE;
  if (a->has_region
      && (a->region.x != b->region.x || a->region.y != b->region.y
          || a->region.width != b->region.width || a->region.height != b->region.height))
    return FALSE;
  if (np_calibration_get_n_regions (a) != np_calibration_get_n_regions (b))
    return FALSE;
  for (guint i = 0; i < np_calibration_get_n_regions (a); i++)
    {
      const NpCalibrationRegion *p = np_calibration_get_region (a, i);
      const NpCalibrationRegion *q = np_calibration_get_region (b, i);

      if (p->number != q->number || p->mm_per_px_x != q->mm_per_px_x
          || p->mm_per_px_y != q->mm_per_px_y || p->bounds.x != q->bounds.x
          || p->bounds.y != q->bounds.y || p->bounds.width != q->bounds.width
          || p->bounds.height != q->bounds.height)
        return FALSE;
    }
  return points_equal (a->points, b->points) && g_strcmp0 (a->note, b->note) == 0;
}

guint
np_calibration_get_n_regions (const NpCalibration *calibration)
{
  g_return_val_if_fail (calibration != NULL, 0);
  return calibration->regions != NULL ? calibration->regions->len : 0;
}

const NpCalibrationRegion *
np_calibration_get_region (const NpCalibration *calibration,
                           guint                index)
{
  g_return_val_if_fail (index < np_calibration_get_n_regions (calibration), NULL);
  return &g_array_index (calibration->regions, NpCalibrationRegion, index);
}

/**
 * np_calibration_add_region:
 *
 * Appends a copy of @region. The first region also sets the single-region
 * fields (pixel size and region), so that code that knows one pixel size
 * reads the first region's.
 */
void
np_calibration_add_region (NpCalibration             *calibration,
                           const NpCalibrationRegion *region)
{
  g_return_if_fail (calibration != NULL && region != NULL);

  if (calibration->regions == NULL)
    calibration->regions = g_array_new (FALSE, FALSE, sizeof (NpCalibrationRegion));
  g_array_append_val (calibration->regions, *region);
  if (calibration->regions->len == 1)
    {
      calibration->mm_per_px_x = region->mm_per_px_x;
      calibration->mm_per_px_y = region->mm_per_px_y;
      calibration->has_region = TRUE;
      calibration->region = region->bounds;
    }
}

static gboolean
rect_contains (const NpImageRect *r,
               NpImagePoint       point)
{
  return point.x >= r->x && point.x <= r->x + r->width
         && point.y >= r->y && point.y <= r->y + r->height;
}

/**
 * np_calibration_find_region:
 * @points: (array length=n_points): the points of one measurement, depth or path
 * @reason: (out) (optional) (transfer full): why there is none, in words
 *
 * The region rule (as in Cornerstone3D): a value is in millimetres only when
 * every point of it lies in one region, since each region has its own pixel
 * size and what lies between regions is not tissue at that scale.
 *
 * Returns: the index of that region, or -1 with @reason set; without a
 * list of regions always 0 (one pixel size for the whole frame)
 */
int
np_calibration_find_region (const NpCalibration *calibration,
                            const NpImagePoint  *points,
                            guint                n_points,
                            char               **reason)
{
  guint n = np_calibration_get_n_regions (calibration);

  g_return_val_if_fail (points != NULL || n_points == 0, -1);

  if (n == 0)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      const NpCalibrationRegion *r = &g_array_index (calibration->regions,
                                                     NpCalibrationRegion, i);
      guint j = 0;

      while (j < n_points && rect_contains (&r->bounds, points[j]))
        j++;
      if (j == n_points)
        return (int) i;
    }
  if (reason != NULL)
    {
      int first = -1;
      guint j;

      /* Say which point is outside every region, else that they are split. */
      for (j = 0; j < n_points; j++)
        {
          first = -1;
          for (guint i = 0; i < n && first < 0; i++)
            if (rect_contains (&g_array_index (calibration->regions, NpCalibrationRegion,
                                               i).bounds, points[j]))
              first = (int) i;
          if (first < 0)
            break;
        }
      if (j < n_points)
        *reason = g_strdup_printf (_("point %u of %u lies outside every calibrated ultrasound "
                                   "region of the scanner"), j + 1, n_points);
      else
        *reason = g_strdup_printf (_("its %u points lie in different ultrasound regions of the "
                                   "scanner, each with its own pixel size"), n_points);
    }
  return -1;
}

/**
 * np_calibration_is_calibrated:
 *
 * Returns: %TRUE when millimetre values may be shown: a method other than
 * NONE and finite, positive pixel sizes in both directions
 */
gboolean
np_calibration_is_calibrated (const NpCalibration *calibration)
{
  g_return_val_if_fail (calibration != NULL, FALSE);

  return calibration->method != NP_CALIBRATION_NONE
         && isfinite (calibration->mm_per_px_x) && calibration->mm_per_px_x > 0
         && isfinite (calibration->mm_per_px_y) && calibration->mm_per_px_y > 0;
}

/**
 * np_calibration_contains:
 *
 * Returns: %TRUE when @point lies in the region the calibration is valid for
 * (edges included), or in one of its list of regions; always %TRUE without
 * a region
 */
gboolean
np_calibration_contains (const NpCalibration *calibration,
                         NpImagePoint         point)
{
  const NpImageRect *r;

  g_return_val_if_fail (calibration != NULL, FALSE);

  if (np_calibration_find_region (calibration, &point, 1, NULL) < 0)
    return FALSE;
  if (!calibration->has_region || np_calibration_get_n_regions (calibration) > 0)
    return TRUE;
  r = &calibration->region;
  return point.x >= r->x && point.x <= r->x + r->width
         && point.y >= r->y && point.y <= r->y + r->height;
}

/**
 * np_calibration_to_mm:
 *
 * x_mm = x · sx, y_mm = y · sy. An uncalibrated value gives NAN in both, so
 * that a pixel value can never pass for millimetres.
 */
NpMmPoint
np_calibration_to_mm (const NpCalibration *calibration,
                      NpImagePoint         point)
{
  NpMmPoint mm = { NAN, NAN };

  g_return_val_if_fail (calibration != NULL, mm);

  if (!np_calibration_is_calibrated (calibration))
    return mm;
  mm.x = point.x * calibration->mm_per_px_x;
  mm.y = point.y * calibration->mm_per_px_y;
  return mm;
}

/* The inverse of np_calibration_to_mm; NAN when uncalibrated. */
NpImagePoint
np_calibration_to_image (const NpCalibration *calibration,
                         NpMmPoint            point)
{
  NpImagePoint px = { NAN, NAN };

  g_return_val_if_fail (calibration != NULL, px);

  if (!np_calibration_is_calibrated (calibration))
    return px;
  px.x = point.x / calibration->mm_per_px_x;
  px.y = point.y / calibration->mm_per_px_y;
  return px;
}

/**
 * np_calibration_distance_mm:
 *
 * The physical distance between two image points, with the x and y pixel
 * sizes applied separately (anisotropic pixels). NAN when uncalibrated.
 */
double
np_calibration_distance_mm (const NpCalibration *calibration,
                            NpImagePoint         a,
                            NpImagePoint         b)
{
  g_return_val_if_fail (calibration != NULL, NAN);

  if (!np_calibration_is_calibrated (calibration))
    return NAN;
  return hypot ((b.x - a.x) * calibration->mm_per_px_x, (b.y - a.y) * calibration->mm_per_px_y);
}

const char *
np_calibration_method_to_string (NpCalibrationMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (methods), NULL);
  return methods[method].id;
}

gboolean
np_calibration_method_from_string (const char          *text,
                                   NpCalibrationMethod *method)
{
  g_return_val_if_fail (method != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (strcmp (text, methods[i].id) == 0)
      {
        *method = (NpCalibrationMethod) i;
        return TRUE;
      }
  return FALSE;
}

/* A short human description of @method for the side panel and the report. */
const char *
np_calibration_method_describe (NpCalibrationMethod method)
{
  g_return_val_if_fail ((guint) method < G_N_ELEMENTS (methods), NULL);
  return _(methods[method].description);
}

/* Clicks beyond a million pixels are not on any frame we open. */
#define MAX_COORDINATE_PX 1e6

static gboolean
check_point (NpImagePoint   point,
             const char    *what,
             GError       **error)
{
  if (isfinite (point.x) && isfinite (point.y)
      && fabs (point.x) <= MAX_COORDINATE_PX && fabs (point.y) <= MAX_COORDINATE_PX)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("The %s is not a usable image position"), what);
  return FALSE;
}

static gboolean
check_positive (double        value,
                const char   *what,
                GError      **error)
{
  if (isfinite (value) && value > 0)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("The %s must be a positive number"), what);
  return FALSE;
}

static gboolean
check_mark_error (double    mark_error_px,
                  GError  **error)
{
  if (isfinite (mark_error_px) && mark_error_px >= 0 && mark_error_px <= MAX_COORDINATE_PX)
    return TRUE;
  g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
               _("The click error must be zero or a positive number of pixels"));
  return FALSE;
}

static void
add_point (NpCalibration *calibration,
           double         x,
           double         y)
{
  NpImagePoint p = { x, y };
  g_array_append_val (calibration->points, p);
}

/**
 * np_calibration_new_known_distance:
 * @mark_error_px: standard error of each click, in pixels
 *
 * Two points @distance_mm apart (square pixels). The standard error follows
 * from the click error by first-order propagation: each end moves the
 * distance d by mark_error_px along the line, so SE(d) = √2 · e and
 * SE(mm/px) = mm/px · √2 · e / d.
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error set
 */
NpCalibration *
np_calibration_new_known_distance (NpImagePoint   a,
                                   NpImagePoint   b,
                                   double         distance_mm,
                                   double         mark_error_px,
                                   GError       **error)
{
  NpCalibration *calibration;
  double distance_px, mm_per_px;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_point (a, _("first point"), error) || !check_point (b, _("second point"), error)
      || !check_positive (distance_mm, _("known distance in millimetres"), error)
      || !check_mark_error (mark_error_px, error))
    return NULL;

  distance_px = hypot (b.x - a.x, b.y - a.y);
  if (distance_px < 1.0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The two points are less than a pixel apart; click both ends of the known "
                   "distance"));
      return NULL;
    }

  mm_per_px = distance_mm / distance_px;
  calibration = np_calibration_new_uniform (NP_CALIBRATION_KNOWN_DISTANCE, mm_per_px,
                                            mm_per_px * G_SQRT2 * mark_error_px / distance_px);
  add_point (calibration, a.x, a.y);
  add_point (calibration, b.x, b.y);
  calibration->reference_mm = distance_mm;
  calibration->note = g_strdup_printf (_("%g mm over %.2f px; click error ±%g px per end"),
                                       distance_mm, distance_px, mark_error_px);
  return calibration;
}

/**
 * np_calibration_new_depth_setting:
 * @depth_mm: the depth setting shown by the machine
 * @top_y: image y of the top edge of the imaging field (the skin)
 * @bottom_y: image y of the bottom edge of the imaging field
 * @mark_error_px: standard error of each edge, in pixels
 *
 * mm/px = depth / (bottom − top), square pixels; SE by first-order
 * propagation of the two edge errors, as for a known distance. The two
 * edges are kept as the points (0, top) and (0, bottom).
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error set
 */
NpCalibration *
np_calibration_new_depth_setting (double    depth_mm,
                                  double    top_y,
                                  double    bottom_y,
                                  double    mark_error_px,
                                  GError  **error)
{
  NpCalibration *calibration;
  double rows, mm_per_px;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_positive (depth_mm, _("depth setting in millimetres"), error)
      || !check_point (np_image_point (0, top_y), _("top of the imaging field"), error)
      || !check_point (np_image_point (0, bottom_y), _("bottom of the imaging field"), error)
      || !check_mark_error (mark_error_px, error))
    return NULL;

  rows = bottom_y - top_y;
  if (rows < 1.0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The bottom of the imaging field must be below its top"));
      return NULL;
    }

  mm_per_px = depth_mm / rows;
  calibration = np_calibration_new_uniform (NP_CALIBRATION_DEPTH_SETTING, mm_per_px,
                                            mm_per_px * G_SQRT2 * mark_error_px / rows);
  add_point (calibration, 0, top_y);
  add_point (calibration, 0, bottom_y);
  calibration->reference_mm = depth_mm;
  calibration->note = g_strdup_printf (_("depth %g mm over rows %g to %g; square pixels assumed"),
                                       depth_mm, top_y, bottom_y);
  return calibration;
}

/**
 * np_calibration_new_depth_scale:
 * @ticks: (element-type NpImagePoint): the clicked ticks
 * @fit: (out) (optional) (transfer full): the tick fit, with flagged ticks
 *
 * Fits the ticks with np_tick_fit (square pixels: the scale is along the
 * beam, the same size applies across it).
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error set
 */
NpCalibration *
np_calibration_new_depth_scale (const GArray  *ticks,
                                double         spacing_mm,
                                NpTickFit    **fit,
                                GError       **error)
{
  g_autoptr(NpTickFit) tick_fit = NULL;
  NpCalibration *calibration;

  g_return_val_if_fail (ticks != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  tick_fit = np_tick_fit (ticks, spacing_mm, error);
  if (tick_fit == NULL)
    return NULL;

  calibration = np_calibration_new_uniform (NP_CALIBRATION_DEPTH_SCALE, tick_fit->mm_per_px,
                                            tick_fit->se_mm_per_px);
  g_array_append_vals (calibration->points, ticks->data, ticks->len);
  calibration->reference_mm = spacing_mm;
  calibration->note = g_strdup_printf (_("%u of %u ticks every %g mm fitted, %u flagged; "
                                       "square pixels assumed"),
                                       tick_fit->n_used, ticks->len, spacing_mm,
                                       tick_fit->n_flagged);
  if (fit != NULL)
    *fit = g_steal_pointer (&tick_fit);
  return calibration;
}

/**
 * np_calibration_new_depth_scale_auto:
 * @result: a found depth scale (np_auto_calibration_detect)
 *
 * The automatic candidate, once the user accepts it: its pixel size and
 * standard error, the ticks the fit used as points, the tick spacing as
 * reference, and for a linear probe's rectangle the imaging field as region.
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error
 *   set when @result found no scale
 */
NpCalibration *
np_calibration_new_depth_scale_auto (const NpAutoCalibration  *result,
                                     GError                  **error)
{
  NpCalibration *calibration;
  guint used = 0;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!result->found || !(result->mm_per_px > 0) || !isfinite (result->mm_per_px))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND, _("No depth scale found: %s"),
                   result->reason != NULL ? result->reason : _("no evidence"));
      return NULL;
    }
  calibration = np_calibration_new_uniform (NP_CALIBRATION_DEPTH_SCALE_AUTO, result->mm_per_px,
                                            result->se_mm_per_px);
  for (guint i = 0; result->ticks != NULL && i < result->ticks->len; i++)
    {
      const NpAutoTick *tick = &g_array_index (result->ticks, NpAutoTick, i);

      if (!tick->used)
        continue;
      g_array_append_val (calibration->points, tick->point);
      used++;
    }
  calibration->reference_mm = result->spacing_mm;
  if (result->region.shape == NP_AUTO_REGION_RECTANGLE)
    {
      calibration->has_region = TRUE;
      calibration->region = result->region.rect;
    }
  calibration->note = g_strdup_printf (_("%u ticks found in the frame, %u flagged, RMS residual "
                                       "%.2f px; %s; square pixels assumed"),
                                       used, result->n_flagged, result->rms_residual_px,
                                       result->assumption != NULL ? result->assumption
                                                                  : _("spacing assumed"));
  return calibration;
}

/* The usual screen and print resolutions, in dots per inch. */
static const double common_dpi[] = { 72, 96, 150, 300 };

/**
 * np_calibration_is_suspicious_dpi:
 *
 * Returns: %TRUE when @mm_per_px is within 0.5% of 72, 96, 150 or 300 dpi
 * (0.3528, 0.2646, 0.1693, 0.0847 mm): values an image editor or screen
 * grabber writes by default, not a calibration of the scanner
 */
gboolean
np_calibration_is_suspicious_dpi (double mm_per_px)
{
  for (guint i = 0; i < G_N_ELEMENTS (common_dpi); i++)
    {
      double reference = 25.4 / common_dpi[i];
      if (fabs (mm_per_px - reference) <= 0.005 * reference)
        return TRUE;
    }
  return FALSE;
}

/**
 * np_calibration_new_from_frame:
 *
 * The pixel size the file declares (PNG pHYs, or a DICOM file's ultrasound
 * regions or X-ray spacing: see np_dicom_calibration_new), labelled as
 * coming from the file. A pHYs value that is a usual screen or print
 * resolution is kept but the note says it is probably not a calibration.
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error
 * set when the file declares no pixel size
 */
NpCalibration *
np_calibration_new_from_frame (const NpFrame  *frame,
                               GError        **error)
{
  NpCalibration *calibration;
  g_autofree char *display = NULL;
  const char *source;
  double mm_x, mm_y;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  source = np_frame_get_source_path (frame);
  display = source ? g_filename_display_basename (source) : g_strdup (_("The frame"));
  if (np_frame_get_dicom_info (frame) != NULL)
    {
      g_autoptr(NpDicomCalibration) dicom =
        np_dicom_calibration_new (np_frame_get_dicom_info (frame), np_frame_get_width (frame),
                                  np_frame_get_height (frame));

      if (dicom->calibration == NULL)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                       _("“%s” gives no usable pixel size: %s; calibrate it another way"), display,
                       dicom->reason);
          return NULL;
        }
      return g_steal_pointer (&dicom->calibration);
    }
  if (!np_frame_get_declared_pixel_size (frame, &mm_x, &mm_y))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_FOUND,
                   _("“%s” does not declare a pixel size; calibrate it another way"), display);
      return NULL;
    }
  if (!isfinite (mm_x) || !isfinite (mm_y) || mm_x <= 0 || mm_y <= 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” declares a pixel size that is not a positive number"), display);
      return NULL;
    }

  calibration = np_calibration_new ();
  calibration->method = NP_CALIBRATION_FILE;
  calibration->mm_per_px_x = mm_x;
  calibration->mm_per_px_y = mm_y;
  if (np_calibration_is_suspicious_dpi (mm_x) || np_calibration_is_suspicious_dpi (mm_y))
    calibration->note = g_strdup_printf (_("declared by “%s” as %.0f dpi, a usual screen or print "
                                         "resolution rather than a scanner calibration; "
                                         "check it with a known distance"),
                                         display, 25.4 / mm_x);
  else
    calibration->note = g_strdup_printf (_("declared by “%s”"), display);
  return calibration;
}

/**
 * np_calibration_new_sphere:
 * @rim_points: (element-type NpImagePoint): at least 5 points on the rim
 *   of the sphere's shadow
 * @diameter_mm: the sphere's diameter (25 mm is usual)
 * @fit: (out) (optional) (transfer full): the circle fit
 *
 * mm/px = diameter / (2 R), with SE(mm/px) = mm/px · SE(R) / R by first-order
 * propagation of the radius error of the circle fit.
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error set
 */
NpCalibration *
np_calibration_new_sphere (const GArray  *rim_points,
                           double         diameter_mm,
                           NpCircleFit  **fit,
                           GError       **error)
{
  g_autoptr(NpCircleFit) circle = NULL;
  NpCalibration *calibration;
  double mm_per_px;

  g_return_val_if_fail (rim_points != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_positive (diameter_mm, _("sphere diameter in millimetres"), error))
    return NULL;
  if (rim_points->len < NP_CALIBRATION_SPHERE_MIN_POINTS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("Click at least %d points on the rim of the sphere; %u given"),
                   NP_CALIBRATION_SPHERE_MIN_POINTS, rim_points->len);
      return NULL;
    }

  circle = np_circle_fit (rim_points, error);
  if (circle == NULL)
    return NULL;

  mm_per_px = diameter_mm / (2 * circle->radius_px);
  calibration = np_calibration_new_uniform (NP_CALIBRATION_SPHERE, mm_per_px,
                                            mm_per_px * circle->se_radius_px / circle->radius_px);
  g_array_append_vals (calibration->points, rim_points->data, rim_points->len);
  calibration->reference_mm = diameter_mm;
  calibration->note = g_strdup_printf (_("%g mm sphere, %.2f ± %.2f px across, %u rim points"),
                                       diameter_mm, 2 * circle->radius_px,
                                       2 * circle->se_radius_px, rim_points->len);
  if (fit != NULL)
    *fit = g_steal_pointer (&circle);
  return calibration;
}

/**
 * np_calibration_new_geometry:
 * @detector_pixel_mm: pixel pitch of the detector
 * @sid_mm: source-to-image (detector) distance
 * @sod_mm: source-to-object distance, at most @sid_mm
 *
 * The projection magnifies the object by SID / SOD, so a pixel covers
 * detector_pixel · SOD / SID millimetres at the object.
 *
 * Returns: (transfer full) (nullable): the calibration, or %NULL with @error set
 */
NpCalibration *
np_calibration_new_geometry (double    detector_pixel_mm,
                             double    sid_mm,
                             double    sod_mm,
                             GError  **error)
{
  NpCalibration *calibration;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_positive (detector_pixel_mm, _("detector pixel size"), error)
      || !check_positive (sid_mm, _("source-to-image distance"), error)
      || !check_positive (sod_mm, _("source-to-object distance"), error))
    return NULL;
  if (sod_mm > sid_mm)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   _("The source-to-object distance (%g mm) cannot be larger than the "
                   "source-to-image distance (%g mm)"),
                   sod_mm, sid_mm);
      return NULL;
    }

  calibration = np_calibration_new_uniform (NP_CALIBRATION_GEOMETRY,
                                            detector_pixel_mm * sod_mm / sid_mm, 0.0);
  calibration->reference_mm = detector_pixel_mm;
  calibration->note = g_strdup_printf (_("detector pixel %g mm, SID %g mm, SOD %g mm, "
                                       "magnification %.4g"),
                                       detector_pixel_mm, sid_mm, sod_mm, sid_mm / sod_mm);
  return calibration;
}

/**
 * np_calibration_add_json_members:
 * @builder: inside the object that is to hold the calibration
 *
 * The one way a calibration is written as JSON: the plan file (with
 * %NP_CALIBRATION_JSON_RECORD), `needleplan-cli calibrate --json` and
 * `needleplan-cli plan --json` differ only in the members @flags add.
 */
void
np_calibration_add_json_members (const NpCalibration    *calibration,
                                 JsonBuilder            *builder,
                                 NpCalibrationJsonFlags  flags)
{
  gboolean sizes = !(flags & NP_CALIBRATION_JSON_NULL_UNCALIBRATED) ||
                   np_calibration_is_calibrated (calibration);

  g_return_if_fail (calibration != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  np_json_add_string (builder, "method", np_calibration_method_to_string (calibration->method));
  if (flags & NP_CALIBRATION_JSON_DESCRIPTION)
    /* Machine output: the English words, whatever the locale. */
    np_json_add_string (builder, "description",
                        methods[MIN ((guint) calibration->method, G_N_ELEMENTS (methods) - 1)]
                          .description);
  np_json_add_pair (builder, "mm_per_px", sizes, calibration->mm_per_px_x,
                    calibration->mm_per_px_y);
  np_json_add_pair (builder, "se_mm_per_px", sizes, calibration->se_mm_per_px_x,
                    calibration->se_mm_per_px_y);
  if (flags & NP_CALIBRATION_JSON_REGION)
    np_json_add_rect (builder, "region", calibration->has_region, &calibration->region);
  if (flags & NP_CALIBRATION_JSON_POINTS)
    np_json_add_points (builder, "points", calibration->points);
  if (flags & NP_CALIBRATION_JSON_REFERENCE)
    {
      np_json_add_number (builder, "reference_mm", calibration->reference_mm);
      np_json_add_string (builder, "note", calibration->note);
    }
  if ((flags & NP_CALIBRATION_JSON_REGIONS) && np_calibration_get_n_regions (calibration) > 0)
    {
      json_builder_set_member_name (builder, "regions");
      json_builder_begin_array (builder);
      for (guint i = 0; i < np_calibration_get_n_regions (calibration); i++)
        {
          const NpCalibrationRegion *r = np_calibration_get_region (calibration, i);

          json_builder_begin_object (builder);
          np_json_add_number (builder, "number", r->number);
          np_json_add_rect (builder, "bounds", TRUE, &r->bounds);
          np_json_add_pair (builder, "mm_per_px", TRUE, r->mm_per_px_x, r->mm_per_px_y);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
}
