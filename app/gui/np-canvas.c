/* np-canvas.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-canvas"

#include "np-canvas.h"

#include "np-prefetch.h"

#include <math.h>

/* Widget pixels of the frame that panning must leave in view. */
#define KEEP_VISIBLE 48.0
/* A window/level drag across this many widget pixels changes the window by
 * the frame's whole data range. */
#define WINDOW_DRAG_PIXELS 512.0
/* Touchpads report scrolling in surface pixels; this many make one wheel step. */
#define SCROLL_PIXELS_PER_STEP 40.0

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_WINDOW_LEVEL,
} DragMode;

struct _NpCanvas
{
  GtkWidget parent_instance;

  /* Owned */
  NpFrame *frame;
  GdkTexture *texture;              /* the frame through the window, uploaded once; made in a
                                     * thread after the first draw when there is a display copy */
  NpFrame *display_frame;           /* the frame reduced display_factor times, or NULL */
  GdkTexture *display_texture;      /* display_frame through the window: the fitted view */
  guint display_factor;
  guint texture_generation;         /* bumped whenever the textures go stale */
  guint full_texture_idle;
  gboolean full_texture_running;
  GdkTexture *drawn_texture;        /* which of the two the last draw below 100 % used */
  gboolean traced_paint;
  cairo_surface_t *nearest_surface; /* the same pixels, drawn unsmoothed at 100 % and above */
  cairo_surface_t *display_surface; /* display_texture's pixels, for the Cairo renderer */
  GskRenderNode *image_node;        /* the frame as last drawn, reused for overlay redraws */
  NpViewport image_node_viewport;
  int image_node_width;
  int image_node_height;
  NpCanvasOverlayFunc overlay_func;
  gpointer overlay_data;
  GDestroyNotify overlay_destroy;

  /* View state */
  NpViewport viewport;
  gboolean fit_to_view;             /* re-fit on resize until the user zooms or pans */
  double fit_side_room;             /* share of the frame's width fitted free on each side */
  NpWindowLevel window_level;
  double value_span;                /* data range: scales window/level drags */

  /* Input state */
  DragMode drag_mode;
  NpViewport drag_start_viewport;
  NpWindowLevel drag_start_window;
  double pinch_start_zoom;
  gboolean space_held;
  gboolean pointer_inside;
  char *tool_cursor;                /* what the planning tool shows, or NULL */
  NpWidgetPoint pointer;
};

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

static void
invalidate_image_node (NpCanvas *self)
{
  g_clear_pointer (&self->image_node, gsk_render_node_unref);
}

static void
invalidate_texture (NpCanvas *self)
{
  invalidate_image_node (self);
  g_clear_pointer (&self->nearest_surface, cairo_surface_destroy);
  g_clear_pointer (&self->display_surface, cairo_surface_destroy);
  g_clear_object (&self->texture);
  g_clear_object (&self->display_texture);
  g_clear_object (&self->drawn_texture);
  self->texture_generation++;
}

static gboolean
viewport_equal (NpViewport a,
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

  if (viewport_equal (viewport, self->viewport))
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
ensure_texture (NpCanvas *self)
{
  if (self->texture != NULL || self->frame == NULL)
    return;
  self->texture = np_canvas_image_render_texture (self->frame, self->window_level);
}

static void
ensure_display_texture (NpCanvas *self)
{
  if (self->display_texture != NULL || self->display_frame == NULL)
    return;
  g_clear_pointer (&self->display_surface, cairo_surface_destroy);
  self->display_texture = np_canvas_image_render_display_texture (self->display_frame,
                                                                  self->window_level,
                                                                  &self->display_surface);
}

typedef struct
{
  NpFrame *frame;
  NpWindowLevel window;
  guint generation;
} FullTextureJob;

static void
full_texture_job_free (FullTextureJob *job)
{
  np_frame_unref (job->frame);
  g_free (job);
}

static void
full_texture_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  FullTextureJob *job = task_data;

  g_task_return_pointer (task, np_canvas_image_render_texture (job->frame, job->window),
                         g_object_unref);
}

static void schedule_full_texture (NpCanvas *self);

static void
full_texture_done_cb (GObject      *source_object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  NpCanvas *self = NP_CANVAS (source_object);
  FullTextureJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GdkTexture) texture = g_task_propagate_pointer (G_TASK (result), NULL);

  self->full_texture_running = FALSE;
  if (job->generation != self->texture_generation || self->texture != NULL)
    {
      /* The window moved on while it was made: make the current one. */
      schedule_full_texture (self);
      return;
    }
  /* The sharper texture replaces the display copy wherever it is drawn. */
  self->texture = g_steal_pointer (&texture);
  invalidate_image_node (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
full_texture_idle_cb (gpointer user_data)
{
  NpCanvas *self = NP_CANVAS (user_data);
  g_autoptr(GTask) task = NULL;
  FullTextureJob *job;

  self->full_texture_idle = 0;
  if (self->texture != NULL || self->frame == NULL || self->full_texture_running)
    return G_SOURCE_REMOVE;

  job = g_new0 (FullTextureJob, 1);
  job->frame = np_frame_ref (self->frame);
  job->window = self->window_level;
  job->generation = self->texture_generation;
  task = g_task_new (self, NULL, full_texture_done_cb, NULL);
  g_task_set_source_tag (task, full_texture_idle_cb);
  g_task_set_task_data (task, job, (GDestroyNotify) full_texture_job_free);
  self->full_texture_running = TRUE;
  g_task_run_in_thread (task, full_texture_thread);
  return G_SOURCE_REMOVE;
}

/* The full-resolution texture, for zooming in, is made in a thread once the
 * main loop has nothing more urgent (the first frame is drawn by then). */
static void
schedule_full_texture (NpCanvas *self)
{
  if (self->texture != NULL || self->display_frame == NULL || self->full_texture_running ||
      self->full_texture_idle != 0)
    return;
  self->full_texture_idle = g_idle_add_full (G_PRIORITY_LOW, full_texture_idle_cb, self, NULL);
}

static cairo_surface_t *
surface_from_texture (GdkTexture *texture)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                         gdk_texture_get_width (texture),
                                                         gdk_texture_get_height (texture));

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  gdk_texture_download (texture, cairo_image_surface_get_data (surface),
                        cairo_image_surface_get_stride (surface));
  cairo_surface_mark_dirty (surface);
  return surface;
}

/* GTK 4.8 texture nodes are always smoothed; Cairo can draw this copy
 * without filtering, so pixels stay square and true when zoomed in. */
static cairo_surface_t *
ensure_nearest_surface (NpCanvas *self)
{
  if (self->nearest_surface == NULL)
    self->nearest_surface = surface_from_texture (self->texture);
  return self->nearest_surface;
}

/* The Cairo renderer turns a texture node's texture into a surface at
 * every draw and scales it with Cairo's "good" filter; the canvas keeps
 * that surface and picks the filter (see draw_scaled_surface). */
static gboolean
renders_with_cairo (NpCanvas *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

/* @surface (@texture's pixels) fills the frame's rectangle, clipped to the
 * view. Bilinear sampling reads every texel while the surface shrinks by
 * at most half, which a display copy never does at its own zoom, and costs
 * a tenth of the "good" filter, needed only beyond that. Only whole screen
 * pixels are filled (the frame's fractional edge, under a pixel, shows the
 * surround), so the node is a pixel-aligned copy. */
static void
draw_scaled_surface (GtkSnapshot     *snapshot,
                     cairo_surface_t *surface,
                     NpViewport       v,
                     double           frame_width,
                     int              width,
                     int              height)
{
  int surface_width = cairo_image_surface_get_width (surface);
  int surface_height = cairo_image_surface_get_height (surface);
  double scale = v.zoom * frame_width / surface_width;
  double left = ceil (MAX (v.offset_x, 0.0));
  double top = ceil (MAX (v.offset_y, 0.0));
  double right = floor (MIN (v.offset_x + surface_width * scale, (double) width));
  double bottom = floor (MIN (v.offset_y + surface_height * scale, (double) height));
  graphene_rect_t bounds;
  cairo_surface_t *scaled;
  cairo_t *cr;

  if (right <= left || bottom <= top)
    return;
  /* Scaled here, once per view, into a surface of screen pixels: GTK
   * records a Cairo node and replays the recording at every frame (every
   * overlay redraw), which is then a plain copy. */
  scaled = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (right - left),
                                       (int) (bottom - top));
  cr = cairo_create (scaled);
  cairo_translate (cr, v.offset_x - left, v.offset_y - top);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter (cairo_get_source (cr),
                            scale >= 0.5 - 1e-9 ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_GOOD);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
  cairo_destroy (cr);

  bounds = GRAPHENE_RECT_INIT (left, top, right - left, bottom - top);
  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_set_source_surface (cr, scaled, left, top);
  cairo_rectangle (cr, left, top, right - left, bottom - top);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (scaled);
}

static void
trace_after_paint_cb (GdkFrameClock *clock,
                      gpointer       user_data)
{
  np_prefetch_trace ("canvas: window rendered");
  g_signal_handlers_disconnect_by_func (clock, trace_after_paint_cb, user_data);
}

static GskRenderNode *
build_image_node (NpCanvas *self,
                  int       width,
                  int       height)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  NpViewport v = self->viewport;
  double frame_width = np_frame_get_width (self->frame);
  double frame_height = np_frame_get_height (self->frame);

  if (v.zoom < 1.0)
    {
      graphene_rect_t bounds = GRAPHENE_RECT_INIT (v.offset_x, v.offset_y,
                                                   frame_width * v.zoom,
                                                   frame_height * v.zoom);
      GdkTexture *texture = self->texture;

      /* The display copy while it has a texel per screen pixel, or (below
       * 100 %, briefly) until the full texture is made. */
      if (self->display_frame != NULL &&
          (texture == NULL || v.zoom * self->display_factor <= 1.0 + 1e-9))
        {
          ensure_display_texture (self);
          texture = self->display_texture;
          schedule_full_texture (self);
        }
      else
        {
          ensure_texture (self);
          texture = self->texture;
        }
      if (renders_with_cairo (self))
        {
          cairo_surface_t **cached = texture == self->display_texture ? &self->display_surface
                                                                      : &self->nearest_surface;

          if (*cached == NULL)
            *cached = surface_from_texture (texture);
          if (*cached != NULL)
            draw_scaled_surface (snapshot, *cached, v, frame_width, width, height);
        }
      else
        gtk_snapshot_append_texture (snapshot, texture, &bounds);
      g_set_object (&self->drawn_texture, texture);
    }
  else
    {
      cairo_surface_t *surface;
      /* Only the image pixels that reach the view are drawn. */
      double x0 = floor (MAX (0.0, -v.offset_x / v.zoom));
      double y0 = floor (MAX (0.0, -v.offset_y / v.zoom));
      double x1 = ceil (MIN (frame_width, (width - v.offset_x) / v.zoom));
      double y1 = ceil (MIN (frame_height, (height - v.offset_y) / v.zoom));

      /* Past 100 % only the frame's own pixels are shown, never a copy
       * scaled up: made here if the thread has not finished it yet. */
      ensure_texture (self);
      surface = ensure_nearest_surface (self);
      g_clear_object (&self->drawn_texture);

      if (surface != NULL && x1 > x0 && y1 > y0)
        {
          graphene_rect_t bounds = GRAPHENE_RECT_INIT (v.offset_x + x0 * v.zoom,
                                                       v.offset_y + y0 * v.zoom,
                                                       (x1 - x0) * v.zoom,
                                                       (y1 - y0) * v.zoom);
          cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);

          cairo_translate (cr, v.offset_x, v.offset_y);
          cairo_scale (cr, v.zoom, v.zoom);
          cairo_set_source_surface (cr, surface, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
          cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
          cairo_fill (cr);
          cairo_destroy (cr);
        }
    }

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static void
np_canvas_snapshot (GtkWidget   *widget,
                    GtkSnapshot *snapshot)
{
  NpCanvas *self = NP_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t view = GRAPHENE_RECT_INIT (0, 0, width, height);

  /* The dark surround is the CSS background, drawn by GTK. */
  if (self->frame == NULL || width <= 0 || height <= 0)
    return;

  if (self->image_node != NULL &&
      (!viewport_equal (self->image_node_viewport, self->viewport) ||
       self->image_node_width != width || self->image_node_height != height))
    invalidate_image_node (self);

  if (self->image_node == NULL)
    {
      self->image_node = build_image_node (self, width, height);
      self->image_node_viewport = self->viewport;
      self->image_node_width = width;
      self->image_node_height = height;
    }

  gtk_snapshot_push_clip (snapshot, &view);

  if (self->image_node != NULL)
    gtk_snapshot_append_node (snapshot, self->image_node);
  np_prefetch_trace ("canvas: frame drawn");
  if (!self->traced_paint)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

      /* The start-up profile: when GTK has rendered what was drawn. */
      self->traced_paint = TRUE;
      if (clock != NULL)
        g_signal_connect (clock, "after-paint", G_CALLBACK (trace_after_paint_cb), NULL);
    }

  if (self->overlay_func != NULL)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &view);

      cairo_translate (cr, self->viewport.offset_x, self->viewport.offset_y);
      cairo_scale (cr, self->viewport.zoom, self->viewport.zoom);
      self->overlay_func (cr, self->viewport.zoom, self->overlay_data);
      cairo_destroy (cr);
    }

  gtk_snapshot_pop (snapshot);
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

  widget_class->snapshot = np_canvas_snapshot;
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
                                  "Frame", -1);
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

  ensure_texture (self);
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
