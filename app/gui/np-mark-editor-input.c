/* np-mark-editor-input.c: NpMarkEditor's pointer input: clicks for drafts,
 * drags that place, move or pan, and the pointer's position
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-mark-editor"

#include "np-mark-editor-private.h"

#include <glib/gi18n.h>

#include <math.h>

/* Clicks */

static void
add_draft_point (NpMarkEditor *self,
                 NpImagePoint  point)
{
  g_array_append_val (self->draft, point);
  _np_mark_editor_update_hint (self);
  _np_mark_editor_redraw (self);
}

static void
click (NpMarkEditor *self,
       NpImagePoint  point,
       gboolean      is_double)
{
  switch (self->tool)
    {
    case NP_TOOL_CALIBRATE:
      _np_mark_editor_calibration_click (self, point);
      break;
    case NP_TOOL_SKIN:
      /* The first click of a double click already added this point. */
      if (is_double)
        np_mark_editor_finish (self);
      else
        add_draft_point (self, point);
      break;
    case NP_TOOL_STRUCTURE:
      if (self->awaiting_details)
        break;
      if (is_double)
        np_mark_editor_finish (self);
      else if (self->draft->len >= 3 &&
               hypot (point.x - g_array_index (self->draft, NpImagePoint, 0).x,
                      point.y - g_array_index (self->draft, NpImagePoint, 0).y)
               <= _np_mark_editor_tolerance (self))
        _np_mark_editor_close_structure (self, TRUE);
      else
        add_draft_point (self, point);
      break;
    case NP_TOOL_MEASURE:
      add_draft_point (self, point);
      if (self->draft->len >= _np_mark_editor_measure_points_needed (self->measure_kind))
        _np_mark_editor_commit_measurement (self);
      break;
    case NP_TOOL_PAN:
    case NP_TOOL_TARGET:
    case NP_TOOL_ENTRY:
    default:
      break;
    }
}

/* Gestures */

static NpImagePoint
place_point (NpMarkEditor *self,
             NpPlan       *plan,
             NpOverlayMark mark,
             NpImagePoint  point)
{
  NpImagePoint on_skin;

  if (mark == NP_OVERLAY_MARK_ENTRY && np_mark_snap_to_skin (plan, point, &on_skin))
    return on_skin;
  return point;
}

static gboolean
is_double_click (NpMarkEditor  *self,
                 NpWidgetPoint  at)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self->canvas));
  int time_ms = 400, distance = 5;

  g_object_get (settings, "gtk-double-click-time", &time_ms,
                "gtk-double-click-distance", &distance, NULL);
  return self->last_release_time != 0 &&
         g_get_monotonic_time () - self->last_release_time <= (gint64) time_ms * 1000 &&
         fabs (at.x - self->last_release_point.x) <= distance &&
         fabs (at.y - self->last_release_point.y) <= distance;
}

static void
drag_begin_cb (NpMarkEditor   *self,
               double          start_x,
               double          start_y,
               GtkGestureDrag *gesture)
{
  const NpPlan *plan = np_document_get_plan (self->document);
  NpImagePoint point = np_canvas_widget_to_image (self->canvas, start_x, start_y);
  GdkModifierType state;
  gboolean drafting = self->draft->len > 0 || self->awaiting_details;
  NpMarkHandle handle;

  /* Space + drag pans: leave it to the canvas. */
  if (np_canvas_get_frame (self->canvas) == NULL || np_canvas_get_pan_key_held (self->canvas))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  self->shift_held = (state & GDK_SHIFT_MASK) != 0;
  self->press_point = point;
  self->press_is_double = is_double_click (self, np_widget_point (start_x, start_y));
  self->moved = FALSE;
  self->live = FALSE;
  g_clear_pointer (&self->drag_start_plan, np_plan_free);

  if (self->tool == NP_TOOL_CALIBRATE || drafting)
    self->drag_kind = DRAG_CLICK;
  else if (self->tool == NP_TOOL_REDACT)
    {
      /* Always a new rectangle: the header band often starts on the skin
       * line's handles, which must not move. */
      self->drag_kind = DRAG_REDACT;
      self->redact_draft = TRUE;
      self->ellipse_a = self->ellipse_b = point;
    }
  else if (self->tool == NP_TOOL_STRUCTURE && self->shift_held)
    {
      self->drag_kind = DRAG_ELLIPSE;
      self->ellipse_draft = TRUE;
      self->ellipse_a = self->ellipse_b = point;
    }
  else if (np_mark_handle_find (plan, point, _np_mark_editor_tolerance (self), &handle))
    {
      self->drag_kind = DRAG_HANDLE;
      self->handle = handle;
      self->drag_start_plan = np_plan_copy (plan);
      np_mark_editor_select (self, handle.mark, handle.index);
    }
  else
    switch (self->tool)
      {
      case NP_TOOL_PAN:
        self->drag_kind = DRAG_PAN;
        self->pan_start = np_canvas_get_viewport (self->canvas);
        break;
      case NP_TOOL_TARGET:
      case NP_TOOL_ENTRY:
        {
          NpOverlayMark mark = self->tool == NP_TOOL_TARGET ? NP_OVERLAY_MARK_TARGET
                                                            : NP_OVERLAY_MARK_ENTRY;
          g_autoptr(NpPlan) placed = np_document_dup_plan (self->document);

          self->drag_kind = DRAG_PLACE;
          self->handle = (NpMarkHandle) { mark, 0, 0 };
          /* Escape during the drag goes back to this. */
          self->drag_start_plan = np_plan_copy (plan);
          if (mark == NP_OVERLAY_MARK_TARGET)
            {
              placed->has_target = TRUE;
              placed->target = point;
            }
          else
            {
              placed->has_entry = TRUE;
              placed->entry = place_point (self, placed, mark, point);
            }
          np_document_begin_live_edit (self->document,
                                       mark == NP_OVERLAY_MARK_TARGET ? _("Place target")
                                                                      : _("Place entry"));
          self->live = TRUE;
          np_document_live_edit (self->document, g_steal_pointer (&placed));
          np_mark_editor_select (self, mark, 0);
        }
        break;
      case NP_TOOL_SKIN:
      case NP_TOOL_STRUCTURE:
      case NP_TOOL_MEASURE:
      case NP_TOOL_CALIBRATE:
      default:
        self->drag_kind = DRAG_CLICK;
        break;
      }
  _np_mark_editor_update_cursor (self);
}

static void
drag_update_cb (NpMarkEditor   *self,
                double          offset_x,
                double          offset_y,
                GtkGestureDrag *gesture)
{
  double start_x, start_y;
  NpImagePoint point;

  if (self->drag_kind == DRAG_NONE)
    return;
  gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
  point = np_canvas_widget_to_image (self->canvas, start_x + offset_x, start_y + offset_y);
  self->pointer = point;
  if (!self->moved && hypot (offset_x, offset_y) < DRAG_THRESHOLD_PX)
    return;
  self->moved = TRUE;

  switch (self->drag_kind)
    {
    case DRAG_HANDLE:
      {
        g_autoptr(NpPlan) plan = np_plan_copy (self->drag_start_plan);
        g_autofree char *description = NULL;

        if (!self->live)
          {
            description = g_strdup_printf (_("Move %s"), np_mark_describe (plan, self->handle.mark,
                                                                        self->handle.index));
            np_document_begin_live_edit (self->document, description);
            self->live = TRUE;
          }
        np_mark_handle_move (plan, &self->handle, point.x - self->press_point.x,
                             point.y - self->press_point.y);
        if (self->handle.mark == NP_OVERLAY_MARK_ENTRY)
          plan->entry = place_point (self, plan, NP_OVERLAY_MARK_ENTRY, plan->entry);
        np_document_live_edit (self->document, g_steal_pointer (&plan));
      }
      break;
    case DRAG_PLACE:
      {
        g_autoptr(NpPlan) plan = np_document_dup_plan (self->document);

        if (self->handle.mark == NP_OVERLAY_MARK_TARGET)
          plan->target = point;
        else
          plan->entry = place_point (self, plan, NP_OVERLAY_MARK_ENTRY, point);
        np_document_live_edit (self->document, g_steal_pointer (&plan));
      }
      break;
    case DRAG_PAN:
      np_canvas_pan_from (self->canvas, self->pan_start, offset_x, offset_y);
      break;
    case DRAG_ELLIPSE:
    case DRAG_REDACT:
      self->ellipse_b = point;
      _np_mark_editor_redraw (self);
      break;
    case DRAG_CLICK:
      _np_mark_editor_redraw (self);
      break;
    case DRAG_NONE:
    default:
      break;
    }
}

static void
drag_end_cb (NpMarkEditor   *self,
             double          offset_x,
             double          offset_y,
             GtkGestureDrag *gesture)
{
  DragKind kind = self->drag_kind;
  double start_x, start_y;
  NpImagePoint point;

  if (kind == DRAG_NONE)
    return;
  gtk_gesture_drag_get_start_point (gesture, &start_x, &start_y);
  point = np_canvas_widget_to_image (self->canvas, start_x + offset_x, start_y + offset_y);
  self->drag_kind = DRAG_NONE;

  switch (kind)
    {
    case DRAG_HANDLE:
    case DRAG_PLACE:
      if (self->live)
        np_document_end_live_edit (self->document);
      self->live = FALSE;
      break;
    case DRAG_PAN:
      if (!self->moved)
        np_mark_editor_select (self, NP_OVERLAY_MARK_NONE, 0);
      break;
    case DRAG_ELLIPSE:
      if (fabs (self->ellipse_b.x - self->ellipse_a.x) >= MIN_ELLIPSE_PX &&
          fabs (self->ellipse_b.y - self->ellipse_a.y) >= MIN_ELLIPSE_PX)
        _np_mark_editor_close_structure (self, TRUE);
      else
        _np_mark_editor_clear_draft (self);
      break;
    case DRAG_REDACT:
      self->ellipse_b = point;
      _np_mark_editor_commit_redaction (self);
      break;
    case DRAG_CLICK:
      /* A drag with the distance tool measures from the press to the release. */
      if (self->moved && self->tool == NP_TOOL_MEASURE &&
          self->measure_kind == NP_MEASURE_DISTANCE && self->draft->len == 0)
        {
          g_array_append_val (self->draft, self->press_point);
          g_array_append_val (self->draft, point);
          _np_mark_editor_commit_measurement (self);
        }
      else if (!self->moved)
        click (self, self->press_point, self->press_is_double);
      break;
    case DRAG_NONE:
    default:
      break;
    }
  g_clear_pointer (&self->drag_start_plan, np_plan_free);

  /* A double click is two clicks, not three. */
  if (self->press_is_double)
    self->last_release_time = 0;
  else
    {
      self->last_release_time = g_get_monotonic_time ();
      self->last_release_point = np_widget_point (start_x + offset_x, start_y + offset_y);
    }
  _np_mark_editor_update_cursor (self);
}

static void
motion_cb (NpMarkEditor             *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer = np_canvas_widget_to_image (self->canvas, x, y);
  /* The mouse is back: the keyboard cursor steps aside until an arrow. */
  if (self->key_cursor_shown)
    {
      self->key_cursor_shown = FALSE;
      _np_mark_editor_redraw (self);
    }
  _np_mark_editor_update_cursor (self);
  /* The rubber band from the last point follows the pointer. */
  if (self->draft->len > 0 && !self->awaiting_details)
    _np_mark_editor_redraw (self);
}

static void
leave_cb (NpMarkEditor             *self,
          GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
  if (self->draft->len > 0)
    _np_mark_editor_redraw (self);
}

/* Keyboard cursor */

/* Arrows move the keyboard cursor by an image pixel, with Shift by ten. Only
 * with a marking tool: with Pan the arrows stay the cine loop's. */
static gboolean
key_cursor_move (NpMarkEditor    *self,
                 guint            keyval,
                 GdkModifierType  state)
{
  NpFrame *frame = np_canvas_get_frame (self->canvas);
  double step = (state & GDK_SHIFT_MASK) != 0 ? 10 : 1;
  double dx = 0, dy = 0;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      dx = -step;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      dx = step;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      dy = -step;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      dy = step;
      break;
    default:
      return FALSE;
    }
  if (frame == NULL || self->tool == NP_TOOL_PAN || self->awaiting_details ||
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  if (!self->key_cursor_started)
    {
      /* It starts in the middle of the frame (whole pixels, so a plan made
       * with the keys is exact), then stays where the keys left it. */
      self->key_cursor = (NpImagePoint) { floor (np_frame_get_width (frame) / 2.0),
                                          floor (np_frame_get_height (frame) / 2.0) };
      self->key_cursor_started = TRUE;
    }
  self->key_cursor_shown = TRUE;
  self->key_cursor.x = CLAMP (self->key_cursor.x + dx, 0, np_frame_get_width (frame) - 1.0);
  self->key_cursor.y = CLAMP (self->key_cursor.y + dy, 0, np_frame_get_height (frame) - 1.0);
  self->key_cursor_moved = TRUE;
  /* The rubber band of a draft follows it as it follows the pointer. */
  self->pointer = self->key_cursor;
  self->pointer_inside = TRUE;
  _np_mark_editor_redraw (self);
  return TRUE;
}

/* Return at the keyboard cursor does what a click there does. */
static void
key_cursor_place (NpMarkEditor *self)
{
  NpImagePoint point = self->key_cursor;

  self->key_cursor_moved = FALSE;
  switch (self->tool)
    {
    case NP_TOOL_TARGET:
    case NP_TOOL_ENTRY:
      {
        NpOverlayMark mark = self->tool == NP_TOOL_TARGET ? NP_OVERLAY_MARK_TARGET
                                                          : NP_OVERLAY_MARK_ENTRY;
        g_autoptr(NpPlan) plan = np_document_dup_plan (self->document);

        if (mark == NP_OVERLAY_MARK_TARGET)
          {
            plan->has_target = TRUE;
            plan->target = point;
          }
        else
          {
            plan->has_entry = TRUE;
            plan->entry = place_point (self, plan, mark, point);
          }
        np_document_edit (self->document, g_steal_pointer (&plan),
                          mark == NP_OVERLAY_MARK_TARGET ? _("Place target") : _("Place entry"));
        np_mark_editor_select (self, mark, 0);
      }
      break;
    case NP_TOOL_REDACT:
      /* The first Return sets a corner, the second the opposite one. */
      if (!self->redact_draft)
        {
          self->redact_draft = TRUE;
          self->ellipse_a = self->ellipse_b = point;
        }
      else
        {
          self->ellipse_b = point;
          _np_mark_editor_commit_redaction (self);
        }
      break;
    case NP_TOOL_PAN:
      break;
    case NP_TOOL_SKIN:
    case NP_TOOL_STRUCTURE:
    case NP_TOOL_MEASURE:
    case NP_TOOL_CALIBRATE:
    default:
      click (self, point, FALSE);
      break;
    }
  _np_mark_editor_redraw (self);
}

/* Return finishes the draft here, on the canvas: GtkWindow's own bindings
 * turn Return and keypad Enter into "activate-default" before the window's
 * "win.finish" binding would see them. Without a draft the key goes on.
 * After the keyboard cursor moved, Return first places the tool's point. */
static gboolean
key_pressed_cb (NpMarkEditor          *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  if (key_cursor_move (self, keyval, state))
    return TRUE;
  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter)
    return FALSE;
  if ((state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) != 0)
    return FALSE;
  if (self->key_cursor_shown && self->key_cursor_moved && self->tool != NP_TOOL_PAN &&
      np_canvas_get_frame (self->canvas) != NULL)
    {
      key_cursor_place (self);
      return TRUE;
    }
  return np_mark_editor_finish (self);
}

/* The canvas hands its primary-button drags, its pointer motion and the
 * keys that finish a draft to the editor. */
void
_np_mark_editor_attach_input (NpMarkEditor *self,
                              NpCanvas     *canvas)
{
  self->drag_gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->drag_gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (self->drag_gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (self->drag_gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (self->drag_gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (canvas), GTK_EVENT_CONTROLLER (self->drag_gesture));

  self->motion_controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (self->motion_controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (self->motion_controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (canvas), self->motion_controller);

  self->key_controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (self->key_controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (canvas), self->key_controller);
}
