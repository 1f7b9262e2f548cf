/* np-canvas.c: the frame view widget: its viewport, zoom, window/level,
 * input (pan, zoom, pinch, keys) and public API; the drawing is in
 * np-canvas-draw.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-canvas"

#include "np-canvas-private.h"

#include <glib/gi18n.h>

#include "np-prefetch.h"

#include <math.h>

/* Widget pixels of the frame that panning must leave in view. */
#define KEEP_VISIBLE 48.0
/* A window/level drag across this many widget pixels changes the window by
 * the frame's whole data range. */
#define WINDOW_DRAG_PIXELS 512.0
/* Touchpads report scrolling in surface pixels; this many make one wheel step. */
#define SCROLL_PIXELS_PER_STEP 40.0

G_DEFINE_FINAL_TYPE (NpCanvas, np_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_FRAME,
  PROP_ZOOM,
  PROP_WINDOW_CENTER,
  PROP_WINDOW_WIDTH,
  N_PROPS
};

enum {
  CURSOR_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
_np_canvas_invalidate_image_node (NpCanvas *self)
{
  g_clear_pointer (&self->image_node, gsk_render_node_unref);
}

static void
invalidate_texture (NpCanvas *self)
{
  _np_canvas_invalidate_image_node (self);
  g_clear_pointer (&self->nearest_surface, cairo_surface_destroy);
  g_clear_pointer (&self->display_surface, cairo_surface_destroy);
  g_clear_object (&self->texture);
  g_clear_object (&self->display_texture);
  g_clear_object (&self->drawn_texture);
  self->texture_generation++;
}

gboolean
_np_canvas_viewport_equal (NpViewport a,
                           NpViewport b)
{
  return a.zoom == b.zoom && a.offset_x == b.offset_x && a.offset_y == b.offset_y;
}

static NpWidgetPoint
view_centre (NpCanvas *self)
{
  return np_widget_point (gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                          gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

static void
emit_cursor_moved (NpCanvas *self)
{
  NpImagePoint point = np_viewport_to_image (self->viewport, self->pointer);
  gboolean inside = FALSE;

  if (self->frame != NULL && self->pointer_inside)
    inside = point.x >= 0 && point.y >= 0 &&
             point.x < np_frame_get_width (self->frame) &&
             point.y < np_frame_get_height (self->frame);

  g_signal_emit (self, signals[CURSOR_MOVED], 0, point.x, point.y, inside);
}

static void
set_viewport (NpCanvas   *self,
              NpViewport  viewport)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  gboolean zoom_changed;

  if (self->frame != NULL && width > 0 && height > 0)
    viewport = np_viewport_keep_visible (viewport,
                                         np_frame_get_width (self->frame),
                                         np_frame_get_height (self->frame),
                                         width, height, KEEP_VISIBLE);

  if (_np_canvas_viewport_equal (viewport, self->viewport))
    return;

  zoom_changed = viewport.zoom != self->viewport.zoom;
  self->viewport = viewport;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (zoom_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  if (self->pointer_inside)
    emit_cursor_moved (self);
}

static void
apply_fit (NpCanvas *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double room;
  NpViewport viewport;

  if (self->frame == NULL || width <= 0 || height <= 0)
    return;

  /* The frame with the room on either side is fitted, centred; the frame
   * itself starts the room's width in. */
  room = self->fit_side_room * np_frame_get_width (self->frame);
  viewport = np_viewport_fit (np_frame_get_width (self->frame) + 2 * room,
                              np_frame_get_height (self->frame), width, height,
                              NP_CANVAS_FIT_MARGIN);
  viewport.offset_x += room * viewport.zoom;
  set_viewport (self, viewport);
}

static void
zoom_at (NpCanvas      *self,
         double         zoom,
         NpWidgetPoint  anchor)
{
  self->fit_to_view = FALSE;
  set_viewport (self, np_viewport_zoom_at (self->viewport, zoom, anchor));
}

static void
np_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  /* The canvas takes whatever room the window gives it. */
  *minimum = 64;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

static void
np_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  NpCanvas *self = NP_CANVAS (widget);

  if (self->fit_to_view)
    apply_fit (self);
  else
    set_viewport (self, self->viewport);

  /* Popovers of the planning tools (a structure's label) point into the canvas. */
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      gtk_popover_present (GTK_POPOVER (child));
}

/* Input */

static void
update_cursor (NpCanvas *self)
{
  const char *name = NULL;

  if (self->drag_mode == DRAG_PAN)
    name = "grabbing";
  else if (self->space_held && self->frame != NULL)
    name = "grab";
  else if (self->frame != NULL)
    name = self->tool_cursor;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), name);
}

static void
motion_cb (NpCanvas                 *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer = np_widget_point (x, y);
  emit_cursor_moved (self);
}

static void
leave_cb (NpCanvas                 *self,
          GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
  emit_cursor_moved (self);
}

static gboolean
scroll_cb (NpCanvas                 *self,
           double                    dx,
           double                    dy,
           GtkEventControllerScroll *controller)
{
  double steps = dy;

  if (self->frame == NULL || dy == 0)
    return FALSE;

  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_SURFACE)
    steps = dy / SCROLL_PIXELS_PER_STEP;

  /* One wheel step is half a keyboard step; scrolling up (dy < 0) zooms in. */
  zoom_at (self, self->viewport.zoom * pow (NP_CANVAS_ZOOM_STEP, -steps / 2.0),
           self->pointer_inside ? self->pointer : view_centre (self));
  return TRUE;
}

static void
pinch_begin_cb (NpCanvas         *self,
                GdkEventSequence *sequence,
                GtkGesture       *gesture)
{
  self->pinch_start_zoom = self->viewport.zoom;
}

static void
pinch_scale_changed_cb (NpCanvas       *self,
                        double          scale,
                        GtkGestureZoom *gesture)
{
  double x, y;

  if (self->frame == NULL)
    return;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  zoom_at (self, self->pinch_start_zoom * scale, np_widget_point (x, y));
}

static void
drag_begin_cb (NpCanvas       *self,
               double          start_x,
               double          start_y,
               GtkGestureDrag *gesture)
{
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));

  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (self->frame != NULL && (button == GDK_BUTTON_MIDDLE ||
                              (button == GDK_BUTTON_PRIMARY && self->space_held)))
    self->drag_mode = DRAG_PAN;
  else if (self->frame != NULL && button == GDK_BUTTON_SECONDARY)
    self->drag_mode = DRAG_WINDOW_LEVEL;
  else
    {
      /* Leave the plain left button to the planning tools. */
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->drag_start_viewport = self->viewport;
  self->drag_start_window = self->window_level;
  update_cursor (self);
}

static void
drag_update_cb (NpCanvas       *self,
                double          offset_x,
                double          offset_y,
                GtkGestureDrag *gesture)
{
  if (self->drag_mode == DRAG_PAN)
    {
      self->fit_to_view = FALSE;
      set_viewport (self, np_viewport_pan (self->drag_start_viewport, offset_x, offset_y));
    }
  else if (self->drag_mode == DRAG_WINDOW_LEVEL)
    {
      /* Like every imaging viewer: right = wider window (less contrast),
       * down = higher level (darker). */
      double levels = np_frame_get_max_value (self->frame) + 1.0;
      double per_pixel = self->value_span / WINDOW_DRAG_PIXELS;
      NpWindowLevel window = self->drag_start_window;

      window.width = CLAMP (window.width + offset_x * per_pixel, 1.0, 2.0 * levels);
      window.center = CLAMP (window.center + offset_y * per_pixel, -levels, 2.0 * levels);
      np_canvas_set_window_level (self, window);
    }
}

static void
drag_end_cb (NpCanvas       *self,
             double          offset_x,
             double          offset_y,
             GtkGestureDrag *gesture)
{
  self->drag_mode = DRAG_NONE;
  update_cursor (self);
}

static gboolean
key_pressed_cb (NpCanvas              *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_space || self->frame == NULL)
    return FALSE;
  if (!self->space_held)
    {
      self->space_held = TRUE;
      update_cursor (self);
    }
  return TRUE;
}

static void
key_released_cb (NpCanvas              *self,
                 guint                  keyval,
                 guint                  keycode,
                 GdkModifierType        state,
                 GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_space)
    return;
  self->space_held = FALSE;
  update_cursor (self);
}

static void
focus_leave_cb (NpCanvas                *self,
                GtkEventControllerFocus *controller)
{
  /* The release may go to another widget; do not stay in pan mode. */
  self->space_held = FALSE;
  update_cursor (self);
}

/* GObject */

static void
np_canvas_dispose (GObject *object)
{
  NpCanvas *self = NP_CANVAS (object);

  np_canvas_set_overlay_func (self, NULL, NULL, NULL);
  g_clear_handle_id (&self->full_texture_idle, g_source_remove);
  invalidate_texture (self);
  g_clear_pointer (&self->frame, np_frame_unref);
  g_clear_pointer (&self->display_frame, np_frame_unref);
  g_clear_pointer (&self->tool_cursor, g_free);

  G_OBJECT_CLASS (np_canvas_parent_class)->dispose (object);
}

static void
np_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NpCanvas *self = NP_CANVAS (object);

  switch (prop_id)
    {
    case PROP_FRAME:
      g_value_set_boxed (value, self->frame);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->viewport.zoom);
      break;
    case PROP_WINDOW_CENTER:
      g_value_set_double (value, self->window_level.center);
      break;
    case PROP_WINDOW_WIDTH:
      g_value_set_double (value, self->window_level.width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_canvas_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  NpCanvas *self = NP_CANVAS (object);

  switch (prop_id)
    {
    case PROP_FRAME:
      np_canvas_set_frame (self, g_value_get_boxed (value));
      break;
    case PROP_ZOOM:
      np_canvas_set_zoom (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_canvas_class_init (NpCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_canvas_dispose;
  object_class->get_property = np_canvas_get_property;
  object_class->set_property = np_canvas_set_property;

  widget_class->snapshot = _np_canvas_snapshot;
  widget_class->measure = np_canvas_measure;
  widget_class->size_allocate = np_canvas_size_allocate;

  properties[PROP_FRAME] =
    g_param_spec_boxed ("frame", NULL, NULL, NP_TYPE_FRAME,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         NP_VIEWPORT_MIN_ZOOM, NP_VIEWPORT_MAX_ZOOM, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WINDOW_CENTER] =
    g_param_spec_double ("window-center", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 128.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_WINDOW_WIDTH] =
    g_param_spec_double ("window-width", NULL, NULL, 0.0, G_MAXDOUBLE, 256.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NpCanvas::cursor-moved:
   * @x, @y: the image point under the pointer
   * @inside: whether that point lies on the frame (FALSE also when the pointer left)
   */
  signals[CURSOR_MOVED] =
    g_signal_new ("cursor-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_DOUBLE, G_TYPE_DOUBLE, G_TYPE_BOOLEAN);

  gtk_widget_class_set_css_name (widget_class, "np-canvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
np_canvas_init (NpCanvas *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  self->display_factor = 1;

  self->viewport = (NpViewport) { 1.0, 0.0, 0.0 };
  self->window_level = (NpWindowLevel) { 128.0, 256.0 };
  self->value_span = 256.0;

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Frame"), -1);
  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_overflow (widget, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_hexpand (widget, TRUE);
  gtk_widget_set_vexpand (widget, TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_swapped (controller, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect_swapped (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect_swapped (gesture, "begin", G_CALLBACK (pinch_begin_cb), self);
  g_signal_connect_swapped (gesture, "scale-changed", G_CALLBACK (pinch_scale_changed_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_key_new ();
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (widget, controller);
}

GtkWidget *
np_canvas_new (void)
{
  return g_object_new (NP_TYPE_CANVAS, NULL);
}

/**
 * np_canvas_get_frame:
 *
 * Returns: (transfer none) (nullable): the frame shown
 */
NpFrame *
np_canvas_get_frame (NpCanvas *self)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), NULL);

  return self->frame;
}

/* @image is NULL exactly when @frame is. */
static void
set_image (NpCanvas            *self,
           NpFrame             *frame,
           const NpCanvasImage *image,
           gboolean             keep_view)
{
  NpWindowLevel kept = self->window_level;

  invalidate_texture (self);
  g_clear_pointer (&self->frame, np_frame_unref);
  g_clear_pointer (&self->display_frame, np_frame_unref);
  self->display_factor = 1;
  if (frame != NULL)
    {
      self->frame = np_frame_ref (frame);
      self->window_level = image->window_level;
      self->value_span = image->value_span;
      if (image->display_frame != NULL)
        {
          self->display_frame = np_frame_ref (image->display_frame);
          self->display_factor = image->display_factor;
          self->display_texture = g_object_ref (image->texture);
          self->display_surface = cairo_surface_reference (image->surface);
        }
      else
        {
          self->texture = g_object_ref (image->texture);
          self->nearest_surface = cairo_surface_reference (image->surface);
        }
    }

  np_prefetch_trace ("canvas: frame handed over");
  if (keep_view && frame != NULL &&
      (kept.center != self->window_level.center || kept.width != self->window_level.width))
    {
      /* The texture was made through the frame's own window: remade at the
       * next redraw through the one the user chose. */
      self->window_level = kept;
      invalidate_texture (self);
    }
  if (!keep_view)
    {
      self->fit_to_view = TRUE;
      self->fit_side_room = 0;
      apply_fit (self);
    }
  update_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_CENTER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_WIDTH]);
  emit_cursor_moved (self);
}

/**
 * np_canvas_set_frame:
 * @frame: (nullable): the frame to show
 *
 * Shows @frame fitted to the view with its default window
 * (np_window_level_default(): 16-bit frames get the automatic window).
 */
void
np_canvas_set_frame (NpCanvas *self,
                     NpFrame  *frame)
{
  g_autoptr(NpCanvasImage) image = NULL;

  g_return_if_fail (NP_IS_CANVAS (self));

  if (frame == self->frame)
    return;
  if (frame != NULL)
    image = np_canvas_image_new (frame);
  set_image (self, frame, image, FALSE);
}

/**
 * np_canvas_set_image:
 * @image: the frame made ready in a worker thread by np_canvas_image_new()
 *
 * Shows @image's frame, as np_canvas_set_frame() does, without computing
 * anything over its samples on the main thread.
 */
void
np_canvas_set_image (NpCanvas            *self,
                     const NpCanvasImage *image)
{
  g_return_if_fail (NP_IS_CANVAS (self));
  g_return_if_fail (image != NULL);

  if (image->frame == self->frame)
    return;
  set_image (self, image->frame, image, FALSE);
}

/**
 * np_canvas_replace_image:
 * @image: another frame of the same size (the next still of a cine loop)
 *
 * Shows @image's frame keeping the zoom, the scroll position and the
 * window/level, so stepping through a loop does not move the picture.
 */
void
np_canvas_replace_image (NpCanvas            *self,
                         const NpCanvasImage *image)
{
  g_return_if_fail (NP_IS_CANVAS (self));
  g_return_if_fail (image != NULL);

  if (image->frame == self->frame)
    return;
  if (self->frame == NULL ||
      np_frame_get_width (self->frame) != np_frame_get_width (image->frame) ||
      np_frame_get_height (self->frame) != np_frame_get_height (image->frame))
    {
      set_image (self, image->frame, image, FALSE);
      return;
    }
  set_image (self, image->frame, image, TRUE);
}

double
np_canvas_get_zoom (NpCanvas *self)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), 1.0);

  return self->viewport.zoom;
}

/**
 * np_canvas_set_zoom:
 *
 * Zooms around the centre of the view.
 */
void
np_canvas_set_zoom (NpCanvas *self,
                    double    zoom)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  zoom_at (self, zoom, view_centre (self));
}

void
np_canvas_zoom_in (NpCanvas *self)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  zoom_at (self, self->viewport.zoom * NP_CANVAS_ZOOM_STEP, view_centre (self));
}

void
np_canvas_zoom_out (NpCanvas *self)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  zoom_at (self, self->viewport.zoom / NP_CANVAS_ZOOM_STEP, view_centre (self));
}

/**
 * np_canvas_zoom_fit:
 *
 * Fits the whole frame in the view and keeps it fitted when the view is
 * resized, until the user zooms or pans.
 */
void
np_canvas_zoom_fit (NpCanvas *self)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  np_canvas_zoom_fit_with_room (self, 0);
}

/**
 * np_canvas_zoom_fit_with_room:
 * @side_room: the share of the frame's width to keep free on either side
 *   (an in-plane entry lies beyond the frame's edge)
 *
 * As np_canvas_zoom_fit(), with room beside the frame: the frame and the
 * room fit, centred, and stay fitted when the view is resized, until the
 * user zooms or pans.
 */
void
np_canvas_zoom_fit_with_room (NpCanvas *self,
                              double    side_room)
{
  g_return_if_fail (NP_IS_CANVAS (self));
  g_return_if_fail (side_room >= 0);

  self->fit_to_view = TRUE;
  self->fit_side_room = side_room;
  apply_fit (self);
}

void
np_canvas_zoom_actual_size (NpCanvas *self)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  zoom_at (self, 1.0, view_centre (self));
}

NpViewport
np_canvas_get_viewport (NpCanvas *self)
{
  NpViewport identity = { 1.0, 0.0, 0.0 };

  g_return_val_if_fail (NP_IS_CANVAS (self), identity);

  return self->viewport;
}

NpWindowLevel
np_canvas_get_window_level (NpCanvas *self)
{
  NpWindowLevel full = { 128.0, 256.0 };

  g_return_val_if_fail (NP_IS_CANVAS (self), full);

  return self->window_level;
}

/**
 * np_canvas_set_window_level:
 *
 * Maps the frame through @window. The texture is rebuilt once, at the next
 * redraw, however many times this is called in between.
 */
void
np_canvas_set_window_level (NpCanvas      *self,
                            NpWindowLevel  window)
{
  gboolean center_changed, width_changed;

  g_return_if_fail (NP_IS_CANVAS (self));
  g_return_if_fail (window.width > 0);

  center_changed = window.center != self->window_level.center;
  width_changed = window.width != self->window_level.width;
  if (!center_changed && !width_changed)
    return;

  self->window_level = window;
  invalidate_texture (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (center_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_CENTER]);
  if (width_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW_WIDTH]);
}

void
np_canvas_apply_window_preset (NpCanvas       *self,
                               NpWindowPreset  preset)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  if (self->frame != NULL)
    np_canvas_set_window_level (self, np_window_level_for_preset (self->frame, preset));
}

/**
 * np_canvas_reset_window_level:
 *
 * Back to the window the frame opened with.
 */
void
np_canvas_reset_window_level (NpCanvas *self)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  if (self->frame != NULL)
    np_canvas_set_window_level (self, np_window_level_default (self->frame));
}

NpImagePoint
np_canvas_widget_to_image (NpCanvas *self,
                           double    widget_x,
                           double    widget_y)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), np_image_point (0, 0));

  return np_viewport_to_image (self->viewport, np_widget_point (widget_x, widget_y));
}

NpWidgetPoint
np_canvas_image_to_widget (NpCanvas     *self,
                           NpImagePoint  point)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), np_widget_point (0, 0));

  return np_viewport_to_widget (self->viewport, point);
}

/**
 * np_canvas_get_texture:
 *
 * The frame as displayed (after window/level), for export and tests.
 *
 * Returns: (transfer none) (nullable): the texture, or %NULL without a frame
 */
GdkTexture *
np_canvas_get_texture (NpCanvas *self)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), NULL);

  _np_canvas_ensure_texture (self);
  return self->texture;
}

/**
 * np_canvas_set_overlay_func:
 * @func: (nullable): draws the overlay, or %NULL for none
 *
 * Sets the layer drawn above the frame in image coordinates. @destroy is
 * called on @user_data when the function is replaced or the canvas goes.
 */
void
np_canvas_set_overlay_func (NpCanvas            *self,
                            NpCanvasOverlayFunc  func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  GDestroyNotify old_destroy;
  gpointer old_data;

  g_return_if_fail (NP_IS_CANVAS (self));

  old_destroy = self->overlay_destroy;
  old_data = self->overlay_data;

  self->overlay_func = func;
  self->overlay_data = user_data;
  self->overlay_destroy = destroy;

  if (old_destroy != NULL)
    old_destroy (old_data);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * np_canvas_queue_overlay_redraw:
 *
 * Redraws the overlay. The frame's texture and its render node are reused.
 */
void
np_canvas_queue_overlay_redraw (NpCanvas *self)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * np_canvas_set_tool_cursor:
 * @name: (nullable): a cursor name ("crosshair"), or %NULL for the default
 *
 * The cursor of the planning tool. Panning (Space, middle button) shows
 * its own cursor meanwhile.
 */
void
np_canvas_set_tool_cursor (NpCanvas   *self,
                           const char *name)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  if (g_strcmp0 (self->tool_cursor, name) == 0)
    return;
  g_free (self->tool_cursor);
  self->tool_cursor = g_strdup (name);
  update_cursor (self);
}

/**
 * np_canvas_get_pan_key_held:
 *
 * Returns: whether Space is held, so a left drag pans the view and must be
 *   left to the canvas
 */
gboolean
np_canvas_get_pan_key_held (NpCanvas *self)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), FALSE);

  return self->space_held;
}

/**
 * np_canvas_pan_from:
 * @start: the viewport when the drag began
 *
 * Pans as a drag by (@offset_x, @offset_y) widget pixels from @start would
 * (the Pan tool drags with the left button), keeping part of the frame in
 * view. The frame no longer follows the window's size.
 */
void
np_canvas_pan_from (NpCanvas   *self,
                    NpViewport  start,
                    double      offset_x,
                    double      offset_y)
{
  g_return_if_fail (NP_IS_CANVAS (self));

  if (self->frame == NULL)
    return;
  self->fit_to_view = FALSE;
  set_viewport (self, np_viewport_pan (start, offset_x, offset_y));
}

/**
 * np_canvas_get_drawn_texture:
 *
 * Which texture the last draw showed the frame with: the display copy's
 * while it has a texel per screen pixel, then the full-resolution one once
 * made; %NULL past 100 %, where the frame's own pixels are drawn unsmoothed.
 *
 * Returns: (transfer none) (nullable): the texture
 */
GdkTexture *
np_canvas_get_drawn_texture (NpCanvas *self)
{
  g_return_val_if_fail (NP_IS_CANVAS (self), NULL);

  return self->drawn_texture;
}
