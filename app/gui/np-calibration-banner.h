/* np-calibration-banner.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-auto-calibration.h"
#include "np-canvas.h"
#include "np-document.h"

G_BEGIN_DECLS

#define NP_TYPE_CALIBRATION_BANNER (np_calibration_banner_get_type ())

G_DECLARE_FINAL_TYPE (NpCalibrationBanner, np_calibration_banner, NP, CALIBRATION_BANNER,
                      GtkWidget)

GtkWidget  *np_calibration_banner_new        (NpDocument          *document,
                                              NpCanvas            *canvas);
void        np_calibration_banner_set_detection (NpCalibrationBanner *self,
                                                 NpFrame             *frame,
                                                 NpAutoCalibration   *detection);
void        np_calibration_banner_offer      (NpCalibrationBanner *self,
                                              NpFrame             *frame);
void        np_calibration_banner_draw       (NpCalibrationBanner *self,
                                              cairo_t             *cr,
                                              double               zoom);
gboolean    np_calibration_banner_is_shown   (NpCalibrationBanner *self);
const char *np_calibration_banner_get_text   (NpCalibrationBanner *self);
const NpAutoCalibration *
            np_calibration_banner_get_result (NpCalibrationBanner *self);

G_END_DECLS
