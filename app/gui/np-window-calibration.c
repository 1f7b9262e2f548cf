/* np-window-calibration.c — NpWindow's automatic depth-scale offer
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "np-window-private.h"

#include "np-calibration-banner.h"

static NpCalibrationBanner *
ensure_banner (NpWindow *self)
{
  if (self->calibration_banner == NULL)
    {
      GtkWidget *overlay = gtk_widget_get_parent (GTK_WIDGET (self->canvas));

      g_return_val_if_fail (GTK_IS_OVERLAY (overlay), NULL);
      self->calibration_banner = np_calibration_banner_new (self->document, self->canvas);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->calibration_banner);
    }
  return NP_CALIBRATION_BANNER (self->calibration_banner);
}

/**
 * _np_window_set_calibration_detection:
 * @frame: the frame about to be shown
 * @detection: (transfer full) (nullable): the depth scale looked for in
 *   the thread that loaded @frame
 *
 * Hands the banner what the loading thread found, before the frame is
 * shown (the banner, made on first use, is an overlay of the canvas's
 * GtkOverlay, so the window's template needs no change).
 */
void
_np_window_set_calibration_detection (NpWindow          *self,
                                      NpFrame           *frame,
                                      NpAutoCalibration *detection)
{
  NpCalibrationBanner *banner = ensure_banner (self);

  if (banner == NULL)
    {
      np_auto_calibration_free (detection);
      return;
    }
  np_calibration_banner_set_detection (banner, frame, detection);
}

/**
 * _np_window_offer_calibration:
 * @frame: the frame just shown
 *
 * Offers the depth scale found on an uncalibrated ultrasound frame in a
 * banner over the canvas.
 */
void
_np_window_offer_calibration (NpWindow *self,
                              NpFrame  *frame)
{
  NpCalibrationBanner *banner = ensure_banner (self);

  if (banner != NULL)
    np_calibration_banner_offer (banner, frame);
}

/* Show's drawing, above the plan's overlay. */
void
_np_window_draw_calibration (NpWindow *self,
                             cairo_t  *cr,
                             double    zoom)
{
  if (self->calibration_banner != NULL)
    np_calibration_banner_draw (NP_CALIBRATION_BANNER (self->calibration_banner), cr, zoom);
}
