/* np-mark-editor.c: NpMarkEditor's state, selection and edits; its pointer
 * input is in np-mark-editor-input.c and its drafts on the canvas in
 * np-mark-editor-draw.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-mark-editor"

#include "np-mark-editor-private.h"

#include <glib/gi18n.h>

#include <math.h>

/* Turns pointer events on the canvas into document edits: placing the
 * target and entry, clicking the skin line, outlining structures, measuring,
 * dragging any handle (one live edit, one undo step), selecting and
 * deleting. Hit testing and moving are core functions (np-mark-handle.h);
 * this type only keeps the state of the gesture in progress and the drafts
 * (points clicked for a mark that is not finished yet). */

G_DEFINE_FINAL_TYPE (NpMarkEditor, np_mark_editor, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (NpTool, np_tool,
                    G_DEFINE_ENUM_VALUE (NP_TOOL_PAN, "pan"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_TARGET, "target"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_ENTRY, "entry"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_SKIN, "skin"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_STRUCTURE, "structure"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_MEASURE, "measure"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_CALIBRATE, "calibrate"),
                    G_DEFINE_ENUM_VALUE (NP_TOOL_REDACT, "redact"))

enum {
  PROP_0,
  PROP_TOOL,
  PROP_MEASURE_KIND,
  PROP_HINT,
  N_PROPS
};

enum {
  SELECTION_CHANGED,
  STRUCTURE_CLOSED,
  CALIBRATION_CLICK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const char *
np_tool_to_string (NpTool tool)
{
  GEnumClass *klass = g_type_class_ref (NP_TYPE_TOOL);
  GEnumValue *value = g_enum_get_value (klass, tool);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : NULL;
}

gboolean
np_tool_from_string (const char *text,
                     NpTool     *tool)
{
  GEnumClass *klass;
  GEnumValue *value;

  g_return_val_if_fail (tool != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  klass = g_type_class_ref (NP_TYPE_TOOL);
  value = g_enum_get_value_by_nick (klass, text);
  g_type_class_unref (klass);
  if (value == NULL)
    return FALSE;
  *tool = value->value;
  return TRUE;
}

/* Helpers */

void
_np_mark_editor_calibration_click (NpMarkEditor *self,
                                   NpImagePoint  point)
{
  g_signal_emit (self, signals[CALIBRATION_CLICK], 0, point.x, point.y);
}

static double
zoom (NpMarkEditor *self)
{
  return np_canvas_get_zoom (self->canvas);
}

double
_np_mark_editor_tolerance (NpMarkEditor *self)
{
  return HIT_RADIUS_PX / zoom (self);
}

guint
_np_mark_editor_measure_points_needed (NpMeasureKind kind)
{
  switch (kind)
    {
    case NP_MEASURE_ANGLE:
      return 3;
    case NP_MEASURE_DEPTH:
      return 1;
    case NP_MEASURE_DISTANCE:
    default:
      return 2;
    }
}

static void
set_hint (NpMarkEditor *self,
          const char   *hint)
{
  if (g_strcmp0 (self->hint, hint) == 0)
    return;
  g_free (self->hint);
  self->hint = g_strdup (hint);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HINT]);
}

/* One line under the canvas says what the tool does next. */
void
_np_mark_editor_update_hint (NpMarkEditor *self)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  guint n = self->draft->len;
  g_autofree char *text = NULL;

  switch (self->tool)
    {
    case NP_TOOL_PAN:
      /* The default tool says nothing: the frame stays clear. */
      break;
    case NP_TOOL_TARGET:
      text = g_strdup (_("Click the target · drag it to adjust"));
      break;
    case NP_TOOL_ENTRY:
      text = g_strdup (plan->modality == NP_MODALITY_ULTRASOUND
                       ? _("Click the needle entry · it is put on the skin line")
                       : _("Click the needle entry point"));
      break;
    case NP_TOOL_SKIN:
      {
        gboolean arc = plan->probe == NP_PROBE_CURVILINEAR;
        guint needed = arc ? 3 : 2;

        if (n < needed)
          text = g_strdup_printf (_("Click %u or more points along the %s (%u so far)"), needed,
                                  arc ? _("skin arc under the probe") : _("skin line"), n);
        else
          text = g_strdup_printf (_("%u points · Enter or double-click finishes · Esc cancels"), n);
      }
      break;
    case NP_TOOL_STRUCTURE:
      if (self->awaiting_details)
        text = g_strdup (_("Name the structure and set its margin"));
      else if (n == 0)
        text = g_strdup (_("Click around a structure to avoid · Shift-drag draws an ellipse "
                         "(vessels)"));
      else
        text = g_strdup_printf (_("%u points · click the first point, Enter or double-click to "
                                "close · Delete removes the last · Esc cancels"), n);
      break;
    case NP_TOOL_MEASURE:
      {
        guint needed = _np_mark_editor_measure_points_needed (self->measure_kind);

        if (self->measure_kind == NP_MEASURE_DEPTH)
          text = g_strdup (_("Depth probe: click a point to measure its depth below the skin · "
                           "M switches to distance"));
        else if (self->measure_kind == NP_MEASURE_ANGLE)
          text = g_strdup_printf (_("Angle: click three points, the vertex second (%u of %u) · "
                                  "M switches to depth"), n, needed);
        else
          text = g_strdup_printf (_("Distance: click or drag two points (%u of %u) · M switches "
                                  "to angle"), n, needed);
      }
      break;
    case NP_TOOL_CALIBRATE:
      text = g_strdup (_("Calibrate: click the points the calibration window asks for"));
      break;
    case NP_TOOL_REDACT:
      text = g_strdup (_("Redact: drag a rectangle over burned-in names, dates or numbers; it is "
                       "blacked out in anonymised exports · Ctrl+Z takes it back"));
      break;
    default:
      break;
    }
  set_hint (self, text);
}

void
_np_mark_editor_redraw (NpMarkEditor *self)
{
  np_canvas_queue_overlay_redraw (self->canvas);
}

void
_np_mark_editor_clear_draft (NpMarkEditor *self)
{
  gboolean had = self->draft->len > 0 || self->ellipse_draft || self->awaiting_details;

  g_array_set_size (self->draft, 0);
  self->ellipse_draft = FALSE;
  self->awaiting_details = FALSE;
  if (had)
    _np_mark_editor_redraw (self);
  _np_mark_editor_update_hint (self);
}

void
_np_mark_editor_update_cursor (NpMarkEditor *self)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  NpMarkHandle handle;
  const char *name;
  gboolean drafting = self->draft->len > 0 || self->awaiting_details;
  gboolean moving = self->drag_kind == DRAG_HANDLE || self->drag_kind == DRAG_PLACE;
  gboolean over_handle = self->tool != NP_TOOL_CALIBRATE && self->tool != NP_TOOL_REDACT &&
                         !drafting && self->pointer_inside &&
                         np_mark_handle_find (plan, self->pointer,
                                              _np_mark_editor_tolerance (self), &handle);

  /* Grabbing while panning, move over or with a handle, a crosshair where
   * a click places something. */
  if (self->drag_kind == DRAG_PAN)
    name = "grabbing";
  else if (moving || over_handle)
    name = "move";
  else if (self->tool == NP_TOOL_PAN)
    name = "grab";
  else
    name = "crosshair";
  np_canvas_set_tool_cursor (self->canvas, name);
}

/* Selection */

/**
 * np_mark_editor_select:
 *
 * Selects a mark (NP_OVERLAY_MARK_NONE clears the selection); the overlay
 * shows its handles.
 */
void
np_mark_editor_select (NpMarkEditor  *self,
                       NpOverlayMark  mark,
                       guint          index)
{
  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  if (mark == NP_OVERLAY_MARK_NONE)
    index = 0;
  if (self->selected == mark && self->selected_index == index)
    return;
  self->selected = mark;
  self->selected_index = index;
  _np_mark_editor_redraw (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/**
 * np_mark_editor_get_selection:
 * @index: (out) (optional): the structure or measurement index
 */
NpOverlayMark
np_mark_editor_get_selection (NpMarkEditor *self,
                              guint        *index)
{
  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), NP_OVERLAY_MARK_NONE);

  if (index != NULL)
    *index = self->selected_index;
  return self->selected;
}

static gboolean
selection_exists (NpMarkEditor *self)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  NpMarkHandle whole = { self->selected, self->selected_index, -1 };
  NpImagePoint unused;

  switch (self->selected)
    {
    case NP_OVERLAY_MARK_SKIN:
      return plan->skin_kind != NP_SKIN_NONE;
    case NP_OVERLAY_MARK_STRUCTURE:
      return self->selected_index < plan->structures->len;
    case NP_OVERLAY_MARK_NONE:
      return TRUE;
    case NP_OVERLAY_MARK_TARGET:
    case NP_OVERLAY_MARK_ENTRY:
    case NP_OVERLAY_MARK_MEASUREMENT:
    default:
      return np_mark_handle_get_point (plan, &whole, &unused);
    }
}

/* Edits */

static void
commit (NpMarkEditor *self,
        NpPlan       *plan,
        const char   *description)
{
  np_document_edit (self->document, plan, description);
}

static void
commit_skin (NpMarkEditor *self)
{
  g_autoptr(NpPlan) plan = np_document_dup_plan (self->document);

  plan->skin_kind = plan->probe == NP_PROBE_CURVILINEAR ? NP_SKIN_ARC : NP_SKIN_POLYLINE;
  g_array_set_size (plan->skin_points, 0);
  g_array_append_vals (plan->skin_points, self->draft->data, self->draft->len);
  _np_mark_editor_clear_draft (self);
  commit (self, g_steal_pointer (&plan), _("Mark skin line"));
  np_mark_editor_select (self, NP_OVERLAY_MARK_SKIN, 0);
}

/* The rectangle dragged with the Redact tool, in whole image pixels (every
 * pixel it touches) and inside the frame, as one undoable edit. */
void
_np_mark_editor_commit_redaction (NpMarkEditor *self)
{
  g_autoptr(NpPlan) plan = np_document_dup_plan (self->document);
  NpFrame *frame = np_document_get_frame (self->document);
  double width = frame != NULL ? np_frame_get_width (frame) : G_MAXDOUBLE;
  double height = frame != NULL ? np_frame_get_height (frame) : G_MAXDOUBLE;
  double x0 = CLAMP (floor (MIN (self->ellipse_a.x, self->ellipse_b.x)), 0, width);
  double y0 = CLAMP (floor (MIN (self->ellipse_a.y, self->ellipse_b.y)), 0, height);
  double x1 = CLAMP (ceil (MAX (self->ellipse_a.x, self->ellipse_b.x)), 0, width);
  double y1 = CLAMP (ceil (MAX (self->ellipse_a.y, self->ellipse_b.y)), 0, height);
  NpImageRect rect = { x0, y0, x1 - x0, y1 - y0 };

  self->redact_draft = FALSE;
  if (rect.width < 1 || rect.height < 1)
    {
      _np_mark_editor_redraw (self);
      return;
    }
  g_array_append_val (plan->redactions, rect);
  commit (self, g_steal_pointer (&plan), _("Redact area"));
  _np_mark_editor_redraw (self);
}

void
_np_mark_editor_commit_measurement (NpMarkEditor *self)
{
  g_autoptr(NpPlan) plan = np_document_dup_plan (self->document);
  NpMeasurement m = { self->measure_kind, self->draft->len, { { 0, 0 } } };
  g_autofree char *description = NULL;

  for (guint i = 0; i < self->draft->len && i < G_N_ELEMENTS (m.points); i++)
    m.points[i] = g_array_index (self->draft, NpImagePoint, i);
  g_array_append_val (plan->measurements, m);
  description = g_strdup_printf (_("Add %s"), np_mark_describe (plan, NP_OVERLAY_MARK_MEASUREMENT,
                                                             plan->measurements->len - 1));
  _np_mark_editor_clear_draft (self);
  commit (self, g_steal_pointer (&plan), description);
  np_mark_editor_select (self, NP_OVERLAY_MARK_MEASUREMENT,
                         np_document_get_plan (self->document)->measurements->len - 1);
}

/* Asks the window for the structure's label, kind and margin: the signal
 * carries where to point the question (widget coordinates) and whether the
 * outline is closed. */
void
_np_mark_editor_close_structure (NpMarkEditor *self,
                                 gboolean      closed)
{
  NpImagePoint anchor;
  NpWidgetPoint at;

  if (self->ellipse_draft)
    anchor = np_image_point ((self->ellipse_a.x + self->ellipse_b.x) / 2,
                             MAX (self->ellipse_a.y, self->ellipse_b.y));
  else
    {
      anchor = g_array_index (self->draft, NpImagePoint, 0);
      for (guint i = 1; i < self->draft->len; i++)
        if (g_array_index (self->draft, NpImagePoint, i).y > anchor.y)
          anchor = g_array_index (self->draft, NpImagePoint, i);
    }
  self->awaiting_details = TRUE;
  _np_mark_editor_update_hint (self);
  _np_mark_editor_redraw (self);
  at = np_canvas_image_to_widget (self->canvas, anchor);
  g_signal_emit (self, signals[STRUCTURE_CLOSED], 0, closed, self->ellipse_draft, at.x, at.y);
}

/**
 * np_mark_editor_commit_structure:
 * @closed: a polygon (%TRUE) or an open line such as a bone cortex
 *
 * Adds the structure drafted with the Structure tool as one undoable edit.
 */
void
np_mark_editor_commit_structure (NpMarkEditor    *self,
                                 const char      *label,
                                 NpStructureKind  kind,
                                 double           margin_mm,
                                 gboolean         closed)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpStructure) structure = NULL;
  g_autofree char *description = NULL;

  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  if (!self->awaiting_details)
    return;

  if (self->ellipse_draft)
    {
      structure = np_structure_new (label, kind, NP_SHAPE_ELLIPSE, margin_mm);
      np_structure_add_point (structure,
                              np_image_point ((self->ellipse_a.x + self->ellipse_b.x) / 2,
                                              (self->ellipse_a.y + self->ellipse_b.y) / 2));
      np_structure_add_point (structure,
                              np_image_point (fabs (self->ellipse_b.x - self->ellipse_a.x) / 2,
                                              fabs (self->ellipse_b.y - self->ellipse_a.y) / 2));
    }
  else
    {
      structure = np_structure_new (label, kind,
                                    closed && self->draft->len >= 3 ? NP_SHAPE_POLYGON
                                                                    : NP_SHAPE_POLYLINE,
                                    margin_mm);
      for (guint i = 0; i < self->draft->len; i++)
        np_structure_add_point (structure, g_array_index (self->draft, NpImagePoint, i));
    }

  description = g_strdup_printf (_("Add %s"), label != NULL && *label != '\0' ? label : "structure");
  plan = np_document_dup_plan (self->document);
  g_ptr_array_add (plan->structures, g_steal_pointer (&structure));
  _np_mark_editor_clear_draft (self);
  commit (self, g_steal_pointer (&plan), description);
  np_mark_editor_select (self, NP_OVERLAY_MARK_STRUCTURE,
                         np_document_get_plan (self->document)->structures->len - 1);
}

void
np_mark_editor_discard_structure (NpMarkEditor *self)
{
  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  if (self->awaiting_details)
    _np_mark_editor_clear_draft (self);
}

/**
 * np_mark_editor_delete_selection:
 *
 * With a draft, removes its last point; otherwise deletes the selected mark
 * (one undoable edit).
 *
 * Returns: whether anything was removed
 */
gboolean
np_mark_editor_delete_selection (NpMarkEditor *self)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), FALSE);

  if (self->draft->len > 0 && !self->awaiting_details)
    {
      g_array_set_size (self->draft, self->draft->len - 1);
      _np_mark_editor_update_hint (self);
      _np_mark_editor_redraw (self);
      return TRUE;
    }
  if (self->selected == NP_OVERLAY_MARK_NONE || self->drag_kind != DRAG_NONE)
    return FALSE;

  plan = np_document_dup_plan (self->document);
  description = g_strdup_printf (_("Delete %s"),
                                 np_mark_describe (plan, self->selected, self->selected_index));
  if (!np_mark_remove (plan, self->selected, self->selected_index))
    return FALSE;
  np_mark_editor_select (self, NP_OVERLAY_MARK_NONE, 0);
  commit (self, g_steal_pointer (&plan), description);
  return TRUE;
}

static void
abort_drag (NpMarkEditor *self)
{
  if (self->live)
    {
      /* Back to where the drag began; an unchanged plan leaves no undo step. */
      if (self->drag_start_plan != NULL)
        np_document_live_edit (self->document, np_plan_copy (self->drag_start_plan));
      np_document_end_live_edit (self->document);
      self->live = FALSE;
    }
  g_clear_pointer (&self->drag_start_plan, np_plan_free);
  if (self->drag_kind == DRAG_ELLIPSE)
    self->ellipse_draft = FALSE;
  self->redact_draft = FALSE;
  self->drag_kind = DRAG_NONE;
  gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag_gesture));
}

/**
 * np_mark_editor_cancel:
 *
 * Escape: undoes the drag in progress, else drops the draft, else clears
 * the selection, else goes back to the Pan tool.
 *
 * Returns: whether there was something to cancel
 */
gboolean
np_mark_editor_cancel (NpMarkEditor *self)
{
  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), FALSE);

  if (self->drag_kind != DRAG_NONE)
    {
      abort_drag (self);
      _np_mark_editor_update_cursor (self);
      _np_mark_editor_redraw (self);
      return TRUE;
    }
  if (self->draft->len > 0 || self->ellipse_draft || self->awaiting_details)
    {
      _np_mark_editor_clear_draft (self);
      return TRUE;
    }
  if (self->selected != NP_OVERLAY_MARK_NONE)
    {
      np_mark_editor_select (self, NP_OVERLAY_MARK_NONE, 0);
      return TRUE;
    }
  if (self->tool != NP_TOOL_PAN)
    {
      np_mark_editor_set_tool (self, NP_TOOL_PAN);
      return TRUE;
    }
  return FALSE;
}

/**
 * np_mark_editor_finish:
 *
 * Enter: finishes the skin line, or closes the structure being outlined.
 *
 * Returns: whether a draft was finished
 */
gboolean
np_mark_editor_finish (NpMarkEditor *self)
{
  const NpPlan *plan;

  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), FALSE);

  plan = np_document_get_plan (self->document);
  if (self->tool == NP_TOOL_SKIN)
    {
      guint needed = plan->probe == NP_PROBE_CURVILINEAR ? 3 : 2;

      if (self->draft->len < needed)
        return FALSE;
      commit_skin (self);
      return TRUE;
    }
  if (self->tool == NP_TOOL_STRUCTURE && !self->awaiting_details && self->draft->len >= 2)
    {
      _np_mark_editor_close_structure (self, self->draft->len >= 3);
      return TRUE;
    }
  return FALSE;
}

gboolean
np_mark_editor_has_draft (NpMarkEditor *self)
{
  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), FALSE);

  return self->draft->len > 0 || self->ellipse_draft || self->awaiting_details;
}

static void
document_changed_cb (NpMarkEditor *self,
                     NpDocument   *document)
{
  if (!selection_exists (self))
    np_mark_editor_select (self, NP_OVERLAY_MARK_NONE, 0);
  /* The skin hint depends on the probe. */
  _np_mark_editor_update_hint (self);
}

static void
frame_changed_cb (NpMarkEditor *self,
                  NpDocument   *document)
{
  if (self->drag_kind != DRAG_NONE)
    abort_drag (self);
  _np_mark_editor_clear_draft (self);
  np_mark_editor_select (self, NP_OVERLAY_MARK_NONE, 0);
}

/**
 * np_mark_editor_set_calibration_points:
 * @points: (nullable): NpImagePoint, the calibration window's clicks
 * @joined: draw a line through them (a known distance, a depth range)
 */
void
np_mark_editor_set_calibration_points (NpMarkEditor *self,
                                       const GArray *points,
                                       gboolean      joined)
{
  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  g_array_set_size (self->calibration_points, 0);
  if (points != NULL)
    g_array_append_vals (self->calibration_points, points->data, points->len);
  else
    {
      /* No clicks: no fit of them either. */
      g_clear_pointer (&self->calibration_ticks, np_tick_fit_free);
      g_clear_pointer (&self->calibration_circle, np_circle_fit_free);
    }
  self->calibration_joined = joined;
  _np_mark_editor_redraw (self);
}

/**
 * np_mark_editor_set_calibration_fit:
 * @ticks: (nullable): the depth-scale fit of the calibration clicks
 * @circle: (nullable): the sphere's circle fit of the calibration clicks
 *
 * Shows the fit over the calibration window's clicks (copies are kept):
 * the fitted tick positions or circle, and each click's residual, so a
 * misplaced click is seen on the image.
 */
void
np_mark_editor_set_calibration_fit (NpMarkEditor      *self,
                                    const NpTickFit   *ticks,
                                    const NpCircleFit *circle)
{
  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  g_clear_pointer (&self->calibration_ticks, np_tick_fit_free);
  g_clear_pointer (&self->calibration_circle, np_circle_fit_free);
  if (ticks != NULL)
    self->calibration_ticks = np_tick_fit_copy (ticks);
  if (circle != NULL)
    self->calibration_circle = np_circle_fit_copy (circle);
  _np_mark_editor_redraw (self);
}

/* Properties */

NpTool
np_mark_editor_get_tool (NpMarkEditor *self)
{
  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), NP_TOOL_PAN);

  return self->tool;
}

/**
 * np_mark_editor_set_tool:
 *
 * Switches tool. A draft of the previous tool is dropped; a structure
 * waiting for its label is kept until answered.
 */
void
np_mark_editor_set_tool (NpMarkEditor *self,
                         NpTool        tool)
{
  g_return_if_fail (NP_IS_MARK_EDITOR (self));

  if (self->tool == tool)
    return;
  if (self->drag_kind != DRAG_NONE)
    abort_drag (self);
  if (!self->awaiting_details)
    _np_mark_editor_clear_draft (self);
  self->tool = tool;
  _np_mark_editor_update_hint (self);
  _np_mark_editor_update_cursor (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOL]);
}

NpMeasureKind
np_mark_editor_get_measure_kind (NpMarkEditor *self)
{
  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), NP_MEASURE_DISTANCE);

  return self->measure_kind;
}

void
np_mark_editor_set_measure_kind (NpMarkEditor  *self,
                                 NpMeasureKind  kind)
{
  g_return_if_fail (NP_IS_MARK_EDITOR (self));
  g_return_if_fail (kind <= NP_MEASURE_DEPTH);

  if (self->measure_kind == kind)
    return;
  self->measure_kind = kind;
  if (self->tool == NP_TOOL_MEASURE)
    _np_mark_editor_clear_draft (self);
  _np_mark_editor_update_hint (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEASURE_KIND]);
}

/**
 * np_mark_editor_get_hint:
 *
 * Returns: one line saying what the current tool does next
 */
const char *
np_mark_editor_get_hint (NpMarkEditor *self)
{
  g_return_val_if_fail (NP_IS_MARK_EDITOR (self), NULL);

  return self->hint;
}

/* GObject */

static void
np_mark_editor_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  NpMarkEditor *self = NP_MARK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      g_value_set_enum (value, self->tool);
      break;
    case PROP_MEASURE_KIND:
      g_value_set_int (value, self->measure_kind);
      break;
    case PROP_HINT:
      g_value_set_string (value, self->hint);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_mark_editor_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  NpMarkEditor *self = NP_MARK_EDITOR (object);

  switch (prop_id)
    {
    case PROP_TOOL:
      np_mark_editor_set_tool (self, g_value_get_enum (value));
      break;
    case PROP_MEASURE_KIND:
      np_mark_editor_set_measure_kind (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_mark_editor_dispose (GObject *object)
{
  NpMarkEditor *self = NP_MARK_EDITOR (object);

  if (self->live && self->document != NULL)
    {
      np_document_end_live_edit (self->document);
      self->live = FALSE;
    }
  if (self->canvas != NULL)
    {
      gtk_widget_remove_controller (GTK_WIDGET (self->canvas),
                                    GTK_EVENT_CONTROLLER (self->drag_gesture));
      gtk_widget_remove_controller (GTK_WIDGET (self->canvas), self->motion_controller);
      gtk_widget_remove_controller (GTK_WIDGET (self->canvas), self->key_controller);
      self->canvas = NULL;
    }
  self->drag_gesture = NULL;
  self->motion_controller = NULL;
  self->key_controller = NULL;
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (np_mark_editor_parent_class)->dispose (object);
}

static void
np_mark_editor_finalize (GObject *object)
{
  NpMarkEditor *self = NP_MARK_EDITOR (object);

  g_clear_pointer (&self->hint, g_free);
  g_clear_pointer (&self->draft, g_array_unref);
  g_clear_pointer (&self->calibration_points, g_array_unref);
  g_clear_pointer (&self->calibration_ticks, np_tick_fit_free);
  g_clear_pointer (&self->calibration_circle, np_circle_fit_free);
  g_clear_pointer (&self->drag_start_plan, np_plan_free);

  G_OBJECT_CLASS (np_mark_editor_parent_class)->finalize (object);
}

static void
np_mark_editor_class_init (NpMarkEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = np_mark_editor_get_property;
  object_class->set_property = np_mark_editor_set_property;
  object_class->dispose = np_mark_editor_dispose;
  object_class->finalize = np_mark_editor_finalize;

  properties[PROP_TOOL] =
    g_param_spec_enum ("tool", NULL, NULL, NP_TYPE_TOOL, NP_TOOL_PAN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MEASURE_KIND] =
    g_param_spec_int ("measure-kind", NULL, NULL, NP_MEASURE_DISTANCE, NP_MEASURE_DEPTH,
                      NP_MEASURE_DISTANCE,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HINT] =
    g_param_spec_string ("hint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NpMarkEditor::selection-changed:
   * Another mark was selected, or none.
   */
  signals[SELECTION_CHANGED] =
    g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * NpMarkEditor::structure-closed:
   * An outline was closed (or an ellipse drawn): ask for its label, kind
   * and margin, then call commit_structure or discard_structure. Carries
   * whether it is closed, whether it is an ellipse, and where to point the
   * question (canvas coordinates).
   */
  signals[STRUCTURE_CLOSED] =
    g_signal_new ("structure-closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN,
                  G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  /**
   * NpMarkEditor::calibration-click:
   * A click on the frame (image x, y) with the Calibrate tool.
   */
  signals[CALIBRATION_CLICK] =
    g_signal_new ("calibration-click", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
}

static void
np_mark_editor_init (NpMarkEditor *self)
{
  self->draft = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
  self->calibration_points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));
}

/**
 * np_mark_editor_new:
 * @canvas: (transfer none): gets the editor's pointer controllers
 * @document: (transfer none): receives the edits
 */
NpMarkEditor *
np_mark_editor_new (NpCanvas   *canvas,
                    NpDocument *document)
{
  NpMarkEditor *self;

  g_return_val_if_fail (NP_IS_CANVAS (canvas), NULL);
  g_return_val_if_fail (NP_IS_DOCUMENT (document), NULL);

  self = g_object_new (NP_TYPE_MARK_EDITOR, NULL);
  self->canvas = canvas;
  self->document = g_object_ref (document);

  _np_mark_editor_attach_input (self, canvas);

  g_signal_connect_swapped (document, "changed", G_CALLBACK (document_changed_cb), self);
  g_signal_connect_swapped (document, "frame-changed", G_CALLBACK (frame_changed_cb), self);

  _np_mark_editor_update_hint (self);
  _np_mark_editor_update_cursor (self);
  return self;
}
