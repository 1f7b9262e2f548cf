/* np-mark-editor.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-canvas.h"
#include "np-circle-fit.h"
#include "np-tick-fit.h"
#include "np-document.h"
#include "np-overlay.h"

G_BEGIN_DECLS

/* The planning tools of the tool column. */
typedef enum
{
  NP_TOOL_PAN,
  NP_TOOL_TARGET,
  NP_TOOL_ENTRY,
  NP_TOOL_SKIN,
  NP_TOOL_STRUCTURE,
  NP_TOOL_MEASURE,
  NP_TOOL_CALIBRATE,
  NP_TOOL_REDACT,           /* rectangles blacked out in anonymised exports */
} NpTool;

#define NP_TYPE_TOOL (np_tool_get_type ())
GType np_tool_get_type (void) G_GNUC_CONST;

const char *np_tool_to_string   (NpTool      tool);
gboolean    np_tool_from_string (const char *text,
                                 NpTool     *tool);

#define NP_TYPE_MARK_EDITOR (np_mark_editor_get_type ())

G_DECLARE_FINAL_TYPE (NpMarkEditor, np_mark_editor, NP, MARK_EDITOR, GObject)

NpMarkEditor  *np_mark_editor_new               (NpCanvas        *canvas,
                                                 NpDocument      *document);

NpTool         np_mark_editor_get_tool          (NpMarkEditor    *self);
void           np_mark_editor_set_tool          (NpMarkEditor    *self,
                                                 NpTool           tool);
NpMeasureKind  np_mark_editor_get_measure_kind  (NpMarkEditor    *self);
void           np_mark_editor_set_measure_kind  (NpMarkEditor    *self,
                                                 NpMeasureKind    kind);
const char    *np_mark_editor_get_hint          (NpMarkEditor    *self);

NpOverlayMark  np_mark_editor_get_selection     (NpMarkEditor    *self,
                                                 guint           *index);
void           np_mark_editor_select            (NpMarkEditor    *self,
                                                 NpOverlayMark    mark,
                                                 guint            index);
gboolean       np_mark_editor_delete_selection  (NpMarkEditor    *self);
gboolean       np_mark_editor_cancel            (NpMarkEditor    *self);
gboolean       np_mark_editor_finish            (NpMarkEditor    *self);
gboolean       np_mark_editor_has_draft         (NpMarkEditor    *self);

void           np_mark_editor_commit_structure  (NpMarkEditor    *self,
                                                 const char      *label,
                                                 NpStructureKind  kind,
                                                 double           margin_mm,
                                                 gboolean         closed);
void           np_mark_editor_discard_structure (NpMarkEditor    *self);

void           np_mark_editor_set_calibration_points (NpMarkEditor *self,
                                                      const GArray *points,
                                                      gboolean      joined);

void           np_mark_editor_set_calibration_fit (NpMarkEditor      *self,
                                                   const NpTickFit   *ticks,
                                                   const NpCircleFit *circle);

void           np_mark_editor_draw              (NpMarkEditor    *self,
                                                 cairo_t         *cr,
                                                 double           zoom);

G_END_DECLS
