/* np-window-cine.c — the frame picker of multi-frame (cine) DICOM files
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

#include <glib/gi18n.h>

/* Page Up and Page Down step this many frames. */
#define FRAME_PAGE 10
/* The strip shows at most this many thumbnails, evenly spread. */
#define MAX_THUMBS 24
#define THUMB_HEIGHT 48
/* Home and End step this far: past either end of any file's loop. */
#define NP_CINE_MAX_FRAMES 1000000

static void request_frame (NpWindow *self,
                           guint     index);

/* The frame thumbnail @k of the strip shows. */
static guint
thumb_frame (NpWindow *self,
             guint     k)
{
  return (guint) ((guint64) k * np_cine_get_n_frames (self->cine) / self->cine_thumbs->len);
}

/* Marks the thumbnail of the last frame at or before the one asked for. */
static void
update_thumbs (NpWindow *self)
{
  for (guint k = 0; k < self->cine_thumbs->len; k++)
    {
      gboolean current = thumb_frame (self, k) <= self->cine_wanted &&
                         (k + 1 == self->cine_thumbs->len ||
                          thumb_frame (self, k + 1) > self->cine_wanted);

      if (current)
        {
          GtkWidget *button = g_ptr_array_index (self->cine_thumbs, k);
          GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (
            GTK_SCROLLED_WINDOW (self->thumbs_scroller));
          graphene_rect_t bounds;

          gtk_widget_add_css_class (button, "current");
          /* Keep the current thumbnail in view while stepping or playing. */
          if (gtk_widget_compute_bounds (button, GTK_WIDGET (self->thumbs_box), &bounds))
            {
              double value = gtk_adjustment_get_value (h);
              double page = gtk_adjustment_get_page_size (h);

              if (bounds.origin.x < value)
                gtk_adjustment_set_value (h, bounds.origin.x);
              else if (bounds.origin.x + bounds.size.width > value + page)
                gtk_adjustment_set_value (h, bounds.origin.x + bounds.size.width - page);
            }
        }
      else
        gtk_widget_remove_css_class (g_ptr_array_index (self->cine_thumbs, k), "current");
    }
}

static void
update_frame_bar (NpWindow *self)
{
  guint n_frames = self->cine != NULL ? np_cine_get_n_frames (self->cine) : 0;
  gboolean playing = self->cine_play_id != 0;
  g_autofree char *label = NULL;
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->frame_scale));
  gboolean planning = !np_window_get_training (self);

  gtk_widget_set_visible (self->frame_bar, n_frames > 1);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.frame-step", planning && n_frames > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.frame-play", planning && n_frames > 1);
  if (n_frames <= 1)
    return;

  update_thumbs (self);
  label = g_strdup_printf (_("Frame %u of %u"), self->cine_wanted + 1, n_frames);
  gtk_label_set_text (self->frame_label, label);
  self->cine_updating_scale = TRUE;
  gtk_adjustment_configure (adjustment, self->cine_wanted + 1, 1, n_frames, 1, FRAME_PAGE, 0);
  self->cine_updating_scale = FALSE;
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               playing ? _("Pause (K)") : _("Play the loop (K)"));
}

/* The plan records the still it was made on, as one undoable step. */
static void
record_frame (NpWindow *self)
{
  const NpPlan *current = np_document_get_plan (self->document);
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *description = NULL;

  if (self->cine == NULL || current->dicom_frame_number == self->cine_shown + 1)
    return;
  plan = np_document_dup_plan (self->document);
  plan->dicom_frame_number = self->cine_shown + 1;
  description = g_strdup_printf (_("Plan on frame %u"), plan->dicom_frame_number);
  self->cine_updating_document = TRUE;
  np_document_edit (self->document, g_steal_pointer (&plan), description);
  self->cine_updating_document = FALSE;
}

static void
stop_playing (NpWindow *self)
{
  if (self->cine_play_id == 0)
    return;
  g_clear_handle_id (&self->cine_play_id, g_source_remove);
  update_frame_bar (self);
  if (!self->cine_reading)
    record_frame (self);
}

typedef struct
{
  NpWindow *window;
  guint index;
} ReadRequest;

static void
read_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ReadRequest *request = user_data;
  g_autoptr(NpWindow) self = request->window;
  NpCine *cine = NP_CINE (source_object);
  guint index = request->index;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpCanvasImage) image = np_cine_read_frame_finish (cine, result, &error);

  g_free (request);
  /* Another file replaced this one, or the window closed. */
  if (cine != self->cine || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->cine_reading = FALSE;

  if (image == NULL)
    {
      g_clear_handle_id (&self->cine_play_id, g_source_remove);
      self->cine_wanted = self->cine_shown;
      update_frame_bar (self);
      np_window_show_error (self, _("Could Not Read the Frame"), error);
      return;
    }

  self->cine_shown = index;
  np_canvas_replace_image (self->canvas, image);
  np_status_bar_set_frame (self->status_bar, image->frame);
  /* The plan names the old frame until record_frame(): not an undo. */
  self->cine_updating_document = TRUE;
  np_document_replace_frame (self->document, image->frame);
  if (self->cine_play_id == 0)
    record_frame (self);
  self->cine_updating_document = FALSE;

  if (self->cine_wanted != self->cine_shown)
    request_frame (self, self->cine_wanted);
}

/* Asks for @index; while a frame is being read only the last wish counts,
 * so holding an arrow key never queues a backlog. */
static void
request_frame (NpWindow *self,
               guint     index)
{
  ReadRequest *request;

  if (self->cine == NULL)
    return;
  index = MIN (index, np_cine_get_n_frames (self->cine) - 1);
  self->cine_wanted = index;
  update_frame_bar (self);
  if (self->cine_reading)
    return;
  if (index == self->cine_shown)
    {
      if (self->cine_play_id == 0)
        record_frame (self);
      return;
    }

  request = g_new0 (ReadRequest, 1);
  request->window = g_object_ref (self);
  request->index = index;
  self->cine_reading = TRUE;
  np_cine_read_frame_async (self->cine, index, self->cine_cancellable, read_done_cb, request);
}

static gboolean
play_tick_cb (gpointer user_data)
{
  NpWindow *self = NP_WINDOW (user_data);

  /* A frame that is not ready in time is skipped, not queued. */
  if (!self->cine_reading)
    request_frame (self, (self->cine_shown + 1) % np_cine_get_n_frames (self->cine));
  return G_SOURCE_CONTINUE;
}

static void
frame_step_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);
  gint32 step = g_variant_get_int32 (parameter);
  gint64 target;

  if (self->cine == NULL)
    return;
  stop_playing (self);
  target = (gint64) self->cine_wanted + step;
  request_frame (self, (guint) CLAMP (target, 0, (gint64) np_cine_get_n_frames (self->cine) - 1));
}

static void
frame_play_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NpWindow *self = NP_WINDOW (widget);

  if (self->cine == NULL || np_cine_get_n_frames (self->cine) < 2)
    return;
  if (self->cine_play_id != 0)
    {
      stop_playing (self);
      return;
    }
  self->cine_play_id = g_timeout_add_full (G_PRIORITY_DEFAULT,
                                           np_cine_get_frame_interval (self->cine),
                                           play_tick_cb, self, NULL);
  update_frame_bar (self);
}

static void
scale_value_changed_cb (NpWindow *self,
                        GtkRange *range)
{
  if (self->cine_updating_scale || self->cine == NULL)
    return;
  stop_playing (self);
  request_frame (self, (guint) (gtk_range_get_value (range) + 0.5) - 1);
}

static void request_thumbnail (NpWindow *self);

static void
thumbnail_done_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(NpWindow) self = user_data;
  NpCine *cine = NP_CINE (source_object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = np_cine_read_thumbnail_finish (cine, result, &error);
  GtkWidget *button;

  if (cine != self->cine || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      self->cine_thumb_next >= self->cine_thumbs->len)
    return;
  /* A frame that cannot be read keeps an empty thumbnail; stepping to it
   * says why. */
  button = g_ptr_array_index (self->cine_thumbs, self->cine_thumb_next);
  if (texture != NULL)
    gtk_picture_set_paintable (GTK_PICTURE (gtk_button_get_child (GTK_BUTTON (button))),
                               GDK_PAINTABLE (texture));
  self->cine_thumb_next++;
  request_thumbnail (self);
}

static void
request_thumbnail (NpWindow *self)
{
  if (self->cine == NULL || self->cine_thumb_next >= self->cine_thumbs->len)
    return;
  np_cine_read_thumbnail_async (self->cine, thumb_frame (self, self->cine_thumb_next),
                                THUMB_HEIGHT, self->cine_cancellable, thumbnail_done_cb,
                                g_object_ref (self));
}

static void
thumb_clicked_cb (NpWindow  *self,
                  GtkButton *button)
{
  guint k;

  if (self->cine == NULL || !g_ptr_array_find (self->cine_thumbs, button, &k))
    return;
  stop_playing (self);
  request_frame (self, thumb_frame (self, k));
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
clear_thumbs (NpWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->thumbs_box))) != NULL)
    gtk_box_remove (self->thumbs_box, child);
  g_ptr_array_set_size (self->cine_thumbs, 0);
  self->cine_thumb_next = 0;
}

/* Empty buttons first; the thumbnails are read one by one behind them. */
static void
build_thumbs (NpWindow *self)
{
  guint n_frames = np_cine_get_n_frames (self->cine);
  guint n_thumbs = MIN (n_frames, MAX_THUMBS);

  for (guint k = 0; k < n_thumbs; k++)
    {
      GtkWidget *picture = gtk_picture_new ();
      GtkWidget *button = gtk_button_new ();
      g_autofree char *tooltip = NULL;

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_widget_set_size_request (picture, THUMB_HEIGHT * 4 / 3, THUMB_HEIGHT);
      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "np-thumb");
      gtk_widget_set_focus_on_click (button, FALSE);
      g_ptr_array_add (self->cine_thumbs, button);
      /* As thumb_frame() says once the strip is complete. */
      tooltip = g_strdup_printf (_("Frame %u"), (guint) ((guint64) k * n_frames / n_thumbs) + 1);
      gtk_widget_set_tooltip_text (button, tooltip);
      g_signal_connect_object (button, "clicked", G_CALLBACK (thumb_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_box_append (self->thumbs_box, button);
    }
  request_thumbnail (self);
}

/**
 * _np_window_set_cine:
 * @helper: (nullable): the importer that read @frame, kept for the file's
 *   other frames; %NULL for a file that is not DICOM
 * @plan: the plan about to be shown; its DICOM frame number is set
 *
 * Called once a file opened, before it is shown. The previous file's
 * importer stops.
 */
void
_np_window_set_cine (NpWindow      *self,
                     NpDicomHelper *helper,
                     NpFrame       *frame,
                     NpPlan        *plan)
{
  const NpDicomInfo *info;

  g_clear_handle_id (&self->cine_play_id, g_source_remove);
  g_cancellable_cancel (self->cine_cancellable);
  g_clear_object (&self->cine_cancellable);
  g_clear_object (&self->cine);
  self->cine_reading = FALSE;
  self->cine_shown = self->cine_wanted = 0;
  clear_thumbs (self);

  if (helper != NULL)
    {
      info = np_dicom_helper_get_info (helper);
      self->cine = np_cine_new (helper, np_frame_get_source_path (frame));
      self->cine_cancellable = g_cancellable_new ();
      /* The frame that was read: the plan's, or the first. */
      if (plan->dicom_frame_number > 0)
        self->cine_shown = plan->dicom_frame_number - 1;
      plan->dicom_frame_number = self->cine_shown + 1;
      if (plan->dicom_sop_instance_uid == NULL && info->sop_instance_uid[0] != '\0')
        np_plan_set_string (&plan->dicom_sop_instance_uid, info->sop_instance_uid);
      self->cine_wanted = self->cine_shown;
      if (np_cine_get_n_frames (self->cine) > 1)
        build_thumbs (self);
    }
  update_frame_bar (self);
}

/**
 * _np_window_cine_sync:
 *
 * Shows the frame the plan names when an undo or redo changed it.
 */
void
_np_window_cine_sync (NpWindow *self)
{
  const NpPlan *plan;

  if (self->cine == NULL || self->cine_play_id != 0 || self->cine_updating_document)
    return;
  plan = np_document_get_plan (self->document);
  if (plan->dicom_frame_number > 0 && plan->dicom_frame_number - 1 != self->cine_wanted)
    request_frame (self, plan->dicom_frame_number - 1);
}

void
_np_window_cine_dispose (NpWindow *self)
{
  g_clear_handle_id (&self->cine_play_id, g_source_remove);
  g_cancellable_cancel (self->cine_cancellable);
  g_clear_object (&self->cine_cancellable);
  g_clear_object (&self->cine);
}

/* Arrows and Page Up/Down step frames while the canvas has the focus (its
 * own shortcuts, so the side panel's fields keep their arrows). Every key
 * is listed in ui/np-shortcuts.ui. */
void
_np_window_cine_init (NpWindow *self)
{
  static const struct {
    guint keyval;
    int step;
  } keys[] = {
    { GDK_KEY_Left, -1 },
    { GDK_KEY_KP_Left, -1 },
    { GDK_KEY_Right, 1 },
    { GDK_KEY_KP_Right, 1 },
    { GDK_KEY_Page_Up, -FRAME_PAGE },
    { GDK_KEY_KP_Page_Up, -FRAME_PAGE },
    { GDK_KEY_Page_Down, FRAME_PAGE },
    { GDK_KEY_KP_Page_Down, FRAME_PAGE },
    { GDK_KEY_Home, -NP_CINE_MAX_FRAMES },
    { GDK_KEY_KP_Home, -NP_CINE_MAX_FRAMES },
    { GDK_KEY_End, NP_CINE_MAX_FRAMES },
    { GDK_KEY_KP_End, NP_CINE_MAX_FRAMES },
  };
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  self->cine_thumbs = g_ptr_array_new ();

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new_with_arguments (gtk_keyval_trigger_new (keys[i].keyval, 0),
                                       gtk_named_action_new ("win.frame-step"), "i",
                                       keys[i].step));
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), shortcuts);
  g_signal_connect_object (self->frame_scale, "value-changed",
                           G_CALLBACK (scale_value_changed_cb), self, G_CONNECT_SWAPPED);
  update_frame_bar (self);
}

void
_np_window_class_cine_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, NpWindow, frame_bar);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, frame_scale);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, frame_label);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, thumbs_scroller);
  gtk_widget_class_bind_template_child (widget_class, NpWindow, thumbs_box);
  gtk_widget_class_install_action (widget_class, "win.frame-step", "i", frame_step_action);
  gtk_widget_class_install_action (widget_class, "win.frame-play", NULL, frame_play_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, 0, "win.frame-play", NULL);
}

/**
 * np_window_get_frame_number:
 *
 * Returns: the 1-based frame of a DICOM file on the canvas, 0 for other files
 */
guint
np_window_get_frame_number (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), 0);

  return self->cine != NULL ? self->cine_shown + 1 : 0;
}

/**
 * np_window_get_n_frames:
 *
 * Returns: the open DICOM file's number of frames, 0 for other files
 */
guint
np_window_get_n_frames (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), 0);

  return self->cine != NULL ? np_cine_get_n_frames (self->cine) : 0;
}

/**
 * np_window_get_importer_pid:
 *
 * Returns: the process id of the open DICOM file's importer, 0 when none
 *   runs
 */
GPid
np_window_get_importer_pid (NpWindow *self)
{
  g_return_val_if_fail (NP_IS_WINDOW (self), 0);

  return self->cine != NULL ? np_cine_get_pid (self->cine) : 0;
}
