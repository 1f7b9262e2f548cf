/* np-mark-editor-private.h: shared by NpMarkEditor's state and edits
 * (np-mark-editor.c), its pointer input (-input.c) and its drafts on the
 * canvas (-draw.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-mark-editor.h"

#include "np-circle-fit.h"
#include "np-tick-fit.h"

#include "np-mark-handle.h"

G_BEGIN_DECLS

/* A click within this many screen pixels of a handle takes it. */
#define HIT_RADIUS_PX 8.0
/* Screen pixels the pointer must move before a press becomes a drag. */
#define DRAG_THRESHOLD_PX 3.0
/* Smallest ellipse a Shift-drag makes, in image pixels. */
#define MIN_ELLIPSE_PX 2.0

typedef enum
{
  DRAG_NONE,
  DRAG_HANDLE,      /* moving a handle or a whole mark */
  DRAG_PLACE,       /* the target or entry follows the pointer from the press */
  DRAG_PAN,         /* Pan tool on empty space */
  DRAG_ELLIPSE,     /* Structure tool with Shift: corner to corner */
  DRAG_CLICK,       /* a click for a draft or the calibration */
  DRAG_REDACT,      /* Redact tool: corner to corner */
} DragKind;

struct _NpMarkEditor
{
  GObject parent_instance;

  /* Borrowed: the canvas and the editor both belong to the window, and the
   * window drops the editor first. */
  NpCanvas *canvas;

  /* Owned */
  NpDocument *document;
  GtkGesture *drag_gesture;
  GtkEventController *motion_controller;
  GtkEventController *key_controller;
  char *hint;
  GArray *draft;                  /* NpImagePoint: skin, structure or measurement clicks */
  GArray *calibration_points;     /* NpImagePoint, shown for the calibration dialog */
  NpTickFit *calibration_ticks;   /* its depth-scale fit, drawn over the clicks, or NULL */
  NpCircleFit *calibration_circle;  /* its sphere's circle fit, or NULL */
  NpPlan *drag_start_plan;

  NpTool tool;
  NpMeasureKind measure_kind;
  NpOverlayMark selected;
  guint selected_index;

  DragKind drag_kind;
  NpMarkHandle handle;
  NpImagePoint press_point;       /* image */
  NpViewport pan_start;
  gboolean moved;
  gboolean live;
  gboolean press_is_double;
  gboolean shift_held;

  gboolean ellipse_draft;
  gboolean redact_draft;          /* ellipse_a, ellipse_b are the rectangle's corners */
  NpImagePoint ellipse_a;
  NpImagePoint ellipse_b;
  gboolean awaiting_details;      /* a closed structure waits for its label */
  gboolean calibration_joined;

  gboolean pointer_inside;
  NpImagePoint pointer;           /* image */

  /* The keyboard cursor: arrows move it, Return places the tool's point. */
  gboolean key_cursor_started;
  gboolean key_cursor_shown;
  gboolean key_cursor_moved;      /* since its last point: Return places, else finishes */
  NpImagePoint key_cursor;        /* image */

  gint64 last_release_time;       /* µs, for double clicks */
  NpWidgetPoint last_release_point;
};

/* np-mark-editor.c */
double    _np_mark_editor_tolerance             (NpMarkEditor  *self);
guint     _np_mark_editor_measure_points_needed (NpMeasureKind  kind);
void      _np_mark_editor_update_hint           (NpMarkEditor  *self);
void      _np_mark_editor_redraw                (NpMarkEditor  *self);
void      _np_mark_editor_clear_draft           (NpMarkEditor  *self);
void      _np_mark_editor_update_cursor         (NpMarkEditor  *self);
void      _np_mark_editor_close_structure       (NpMarkEditor  *self,
                                                 gboolean       closed);
void      _np_mark_editor_commit_measurement    (NpMarkEditor  *self);
void      _np_mark_editor_commit_redaction      (NpMarkEditor  *self);
void      _np_mark_editor_calibration_click     (NpMarkEditor  *self,
                                                 NpImagePoint   point);

/* np-mark-editor-input.c */
void      _np_mark_editor_attach_input          (NpMarkEditor  *self,
                                                 NpCanvas      *canvas);

G_END_DECLS
