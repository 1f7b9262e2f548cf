/* np-window.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "np-application.h"
#include "np-autosave.h"
#include "np-canvas.h"
#include "np-document.h"
#include "np-plan-analysis.h"
#include "np-status-bar.h"

G_BEGIN_DECLS

#define NP_TYPE_WINDOW (np_window_get_type ())

G_DECLARE_FINAL_TYPE (NpWindow, np_window, NP, WINDOW, AdwApplicationWindow)

NpWindow    *np_window_new            (NpApplication *application);
void         np_window_open_file      (NpWindow      *self,
                                       GFile         *file);
gboolean     np_window_has_frame      (NpWindow      *self);
gboolean     np_window_get_loading    (NpWindow      *self);
gboolean     np_window_get_training   (NpWindow      *self);
GFile       *np_window_get_file       (NpWindow      *self);
NpCanvas    *np_window_get_canvas     (NpWindow      *self);
NpStatusBar *np_window_get_status_bar (NpWindow      *self);
GFile       *np_window_get_sample_file(NpWindow      *self);
NpAutosave  *np_window_get_autosave   (NpWindow      *self);

/* Shows @plan (transfer full) on the frame @frame_file, marked unsaved. */
void         np_window_open_frame_with_plan (NpWindow   *self,
                                             GFile      *frame_file,
                                             NpPlan     *plan,
                                             const char *plan_path);

/* The plan being edited: frame, plan snapshots, undo, path and dirty flag. */
NpDocument  *np_window_get_document   (NpWindow      *self);
/* The planner's results of the document's current plan: the one owner,
 * read by the overlay, the side panel, autosave, saving and exports. */
NpPlanAnalysis *np_window_get_analysis (NpWindow     *self);
/* The second fluoroscopy view open beside this window (NpSecondView), or
 * NULL; np-second-view.c sets it while its window is open. */
GtkWidget   *np_window_get_second_view (NpWindow     *self);
void         np_window_set_second_view (NpWindow     *self,
                                        GtkWidget    *second_view);

/* The frame picker of a multi-frame DICOM file. */
guint        np_window_get_frame_number (NpWindow    *self);
guint        np_window_get_n_frames   (NpWindow      *self);
GPid         np_window_get_importer_pid (NpWindow    *self);

void         np_window_show_error     (NpWindow      *self,
                                       const char    *heading,
                                       const GError  *error);
void         np_window_show_toast     (NpWindow      *self,
                                       const char    *text);
const char  *np_window_get_capture_note (NpWindow    *self);

G_END_DECLS
