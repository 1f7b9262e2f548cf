/* np-calibration-dialog.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "np-calibration.h"
#include "np-document.h"
#include "np-mark-editor.h"

G_BEGIN_DECLS

#define NP_TYPE_CALIBRATION_DIALOG (np_calibration_dialog_get_type ())

G_DECLARE_FINAL_TYPE (NpCalibrationDialog, np_calibration_dialog, NP, CALIBRATION_DIALOG,
                      AdwWindow)

GtkWidget           *np_calibration_dialog_new            (GtkWindow           *parent,
                                                           NpDocument          *document,
                                                           NpMarkEditor        *editor);
NpCalibrationMethod  np_calibration_dialog_get_method     (NpCalibrationDialog *self);
void                 np_calibration_dialog_set_method     (NpCalibrationDialog *self,
                                                           NpCalibrationMethod  method);
void                 np_calibration_dialog_set_reference_mm (NpCalibrationDialog *self,
                                                           double               mm);
void                 np_calibration_dialog_set_tick_spacing_mm (NpCalibrationDialog *self,
                                                           double               mm);
void                 np_calibration_dialog_add_point      (NpCalibrationDialog *self,
                                                           NpImagePoint         point);
void                 np_calibration_dialog_clear_points   (NpCalibrationDialog *self);
const NpCalibration *np_calibration_dialog_get_calibration (NpCalibrationDialog *self);
const char          *np_calibration_dialog_get_result_text (NpCalibrationDialog *self);
const char          *np_calibration_dialog_get_details_text (NpCalibrationDialog *self);
gboolean             np_calibration_dialog_apply          (NpCalibrationDialog *self);

G_END_DECLS
