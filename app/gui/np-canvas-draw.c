/* np-canvas-draw.c: how NpCanvas draws its frame: the textures through the
 * window (the full one made in a thread, the reduced display copy), the
 * Cairo fallback and the snapshot with the overlay on top
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-canvas"

#include "np-canvas-private.h"

#include "np-prefetch.h"

#include <math.h>

void
_np_canvas_ensure_texture (NpCanvas *self)
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
  _np_canvas_invalidate_image_node (self);
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
          _np_canvas_ensure_texture (self);
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
      _np_canvas_ensure_texture (self);
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

void
_np_canvas_snapshot (GtkWidget   *widget,
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
      (!_np_canvas_viewport_equal (self->image_node_viewport, self->viewport) ||
       self->image_node_width != width || self->image_node_height != height))
    _np_canvas_invalidate_image_node (self);

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
