/* np-window-calibration.c — NpWindow's automatic depth-scale offer
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "np-window-private.h"

#include "np-calibration-banner.h"

/**
 * _np_window_offer_calibration:
 * @frame: the frame just shown
 *
 * Looks for the depth scale of an uncalibrated ultrasound frame and offers
 * it in a banner over the canvas (made on first use, as an overlay of the
 * canvas's GtkOverlay, so the window's template needs no change).
 */
void
_np_window_offer_calibration (NpWindow *self,
                              NpFrame  *frame)
{
  if (self->calibration_banner == NULL)
    {
      GtkWidget *overlay = gtk_widget_get_parent (GTK_WIDGET (self->canvas));

      g_return_if_fail (GTK_IS_OVERLAY (overlay));
      self->calibration_banner = np_calibration_banner_new (self->document, self->canvas);
      gtk_overlay_add_overlay (GTK_OVERLAY (overlay), self->calibration_banner);
    }
  np_calibration_banner_offer (NP_CALIBRATION_BANNER (self->calibration_banner), frame);
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
