/* np-window-cine.c — the frame picker of multi-frame (cine) DICOM files
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-window"

#include "config.h"

#include "np-window-private.h"

/* Page Up and Page Down step this many frames. */
#define FRAME_PAGE 10
/* Home and End step this far: past either end of any file's loop. */
#define NP_CINE_MAX_FRAMES 1000000

static void request_frame (NpWindow *self,
                           guint     index);

static void
update_frame_bar (NpWindow *self)
{
  guint n_frames = self->cine != NULL ? np_cine_get_n_frames (self->cine) : 0;
  gboolean playing = self->cine_play_id != 0;
  g_autofree char *label = NULL;
  GtkAdjustment *adjustment = gtk_range_get_adjustment (GTK_RANGE (self->frame_scale));

  gtk_widget_set_visible (self->frame_bar, n_frames > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.frame-step", n_frames > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.frame-play", n_frames > 1);
  if (n_frames <= 1)
    return;

  label = g_strdup_printf ("Frame %u of %u", self->cine_wanted + 1, n_frames);
  gtk_label_set_text (self->frame_label, label);
  self->cine_updating_scale = TRUE;
  gtk_adjustment_configure (adjustment, self->cine_wanted + 1, 1, n_frames, 1, FRAME_PAGE, 0);
  self->cine_updating_scale = FALSE;
  gtk_button_set_icon_name (self->play_button, playing ? "media-playback-pause-symbolic"
                                                       : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                               playing ? "Pause (K)" : "Play the loop (K)");
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
  description = g_strdup_printf ("Plan on frame %u", plan->dicom_frame_number);
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
      np_window_show_error (self, "Could Not Read the Frame", error);
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
