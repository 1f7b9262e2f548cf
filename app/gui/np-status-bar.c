/* np-status-bar.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-status-bar"

#include "np-status-bar.h"

#include <glib/gi18n.h>

#include <math.h>

/* The line under the canvas: where the pointer is on the frame (image
 * coordinates, DESIGN.md), the raw sample value there, the window/level and
 * the zoom. It knows nothing about plans. */
struct _NpStatusBar
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel *position_label;
  GtkLabel *value_label;
  GtkLabel *window_label;
  GtkLabel *zoom_label;

  /* Owned */
  NpFrame *frame;
  NpCalibration *calibration;     /* NULL: positions in px only */
  NpImagePoint last_point;
  gboolean last_inside;
};

G_DEFINE_FINAL_TYPE (NpStatusBar, np_status_bar, GTK_TYPE_WIDGET)

#define NO_VALUE "—"

/* Whole numbers without decimals; others with one. */
static char *
format_number (double value)
{
  if (fabs (value - round (value)) < 0.05)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

static char *
format_sample (NpFrame *frame,
               guint    x,
               guint    y)
{
  guint channels = np_frame_get_channels (frame);

  switch (channels)
    {
    case 1:
      return g_strdup_printf ("%u", np_frame_get_sample (frame, x, y, 0));
    case 2:
      return g_strdup_printf ("%u  alpha %u", np_frame_get_sample (frame, x, y, 0),
                              np_frame_get_sample (frame, x, y, 1));
    case 3:
      return g_strdup_printf ("R %u  G %u  B %u", np_frame_get_sample (frame, x, y, 0),
                              np_frame_get_sample (frame, x, y, 1),
                              np_frame_get_sample (frame, x, y, 2));
    default:
      return g_strdup_printf ("R %u  G %u  B %u  A %u", np_frame_get_sample (frame, x, y, 0),
                              np_frame_get_sample (frame, x, y, 1),
                              np_frame_get_sample (frame, x, y, 2),
                              np_frame_get_sample (frame, x, y, 3));
    }
}

static void
np_status_bar_dispose (GObject *object)
{
  NpStatusBar *self = NP_STATUS_BAR (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_STATUS_BAR);
  /* The captions are not bound template children: unparent them too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->frame, np_frame_unref);
  g_clear_pointer (&self->calibration, np_calibration_free);

  G_OBJECT_CLASS (np_status_bar_parent_class)->dispose (object);
}

static void
np_status_bar_class_init (NpStatusBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_status_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-status-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, NpStatusBar, position_label);
  gtk_widget_class_bind_template_child (widget_class, NpStatusBar, value_label);
  gtk_widget_class_bind_template_child (widget_class, NpStatusBar, window_label);
  gtk_widget_class_bind_template_child (widget_class, NpStatusBar, zoom_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-status-bar");
}

static void
np_status_bar_init (NpStatusBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
np_status_bar_new (void)
{
  return g_object_new (NP_TYPE_STATUS_BAR, NULL);
}

/**
 * np_status_bar_set_frame:
 * @frame: (nullable): the frame whose samples are shown
 */
void
np_status_bar_set_frame (NpStatusBar *self,
                         NpFrame     *frame)
{
  g_return_if_fail (NP_IS_STATUS_BAR (self));

  if (frame == self->frame)
    return;
  g_clear_pointer (&self->frame, np_frame_unref);
  if (frame != NULL)
    self->frame = np_frame_ref (frame);
  np_status_bar_set_cursor (self, np_image_point (0, 0), FALSE);
}

/**
 * np_status_bar_set_cursor:
 * @point: the image point under the pointer
 * @inside: whether @point lies on the frame
 */
void
np_status_bar_set_cursor (NpStatusBar  *self,
                          NpImagePoint  point,
                          gboolean      inside)
{
  g_autofree char *position = NULL;
  g_autofree char *value = NULL;

  g_return_if_fail (NP_IS_STATUS_BAR (self));

  self->last_inside = FALSE;
  if (!inside || self->frame == NULL)
    {
      gtk_label_set_text (self->position_label, NO_VALUE);
      gtk_label_set_text (self->value_label, NO_VALUE);
      return;
    }

  /* Image coordinates with one decimal: the centre of pixel (i, j) is
   * (i + 0.5, j + 0.5); the sample shown is that of the pixel containing
   * the point. */
  self->last_point = point;
  self->last_inside = inside;
  if (self->calibration != NULL)
    {
      /* Millimetres beside the pixels, never instead of them: the pixel
       * position is what the plan stores. */
      NpMmPoint mm = np_calibration_to_mm (self->calibration, point);

      position = g_strdup_printf ("%.1f, %.1f px  ·  %.1f, %.1f mm%s", point.x, point.y, mm.x,
                                  mm.y, np_calibration_contains (self->calibration, point)
                                        ? "" : _(" (outside the calibrated region)"));
    }
  else
    position = g_strdup_printf ("%.1f, %.1f px", point.x, point.y);
  value = format_sample (self->frame,
                         MIN ((guint) floor (point.x), np_frame_get_width (self->frame) - 1),
                         MIN ((guint) floor (point.y), np_frame_get_height (self->frame) - 1));
  gtk_label_set_text (self->position_label, position);
  gtk_label_set_text (self->value_label, value);
}

/**
 * np_status_bar_set_calibration:
 * @calibration: (nullable): the plan's calibration; %NULL or an
 *   uncalibrated one shows positions in px only
 */
void
np_status_bar_set_calibration (NpStatusBar         *self,
                               const NpCalibration *calibration)
{
  g_return_if_fail (NP_IS_STATUS_BAR (self));

  if (calibration != NULL && !np_calibration_is_calibrated (calibration))
    calibration = NULL;
  if (calibration == NULL && self->calibration == NULL)
    return;
  if (calibration != NULL && self->calibration != NULL &&
      np_calibration_equal (calibration, self->calibration))
    return;
  g_clear_pointer (&self->calibration, np_calibration_free);
  if (calibration != NULL)
    self->calibration = np_calibration_copy (calibration);
  np_status_bar_set_cursor (self, self->last_point, self->last_inside);
}

void
np_status_bar_set_zoom (NpStatusBar *self,
                        double       zoom)
{
  g_autofree char *text = NULL;

  g_return_if_fail (NP_IS_STATUS_BAR (self));

  if (zoom * 100.0 < 9.95)
    text = g_strdup_printf ("%.1f %%", zoom * 100.0);
  else
    text = g_strdup_printf ("%.0f %%", zoom * 100.0);
  gtk_label_set_text (self->zoom_label, text);
}

void
np_status_bar_set_window_level (NpStatusBar   *self,
                                NpWindowLevel  window)
{
  g_autofree char *width = format_number (window.width);
  g_autofree char *level = format_number (window.center);
  g_autofree char *text = NULL;

  g_return_if_fail (NP_IS_STATUS_BAR (self));

  text = g_strdup_printf ("W %s  L %s", width, level);
  gtk_label_set_text (self->window_label, text);
}

const char *
np_status_bar_get_position_text (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), NULL);

  return gtk_label_get_text (self->position_label);
}

const char *
np_status_bar_get_value_text (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), NULL);

  return gtk_label_get_text (self->value_label);
}

const char *
np_status_bar_get_zoom_text (NpStatusBar *self)
{
  g_return_val_if_fail (NP_IS_STATUS_BAR (self), NULL);

  return gtk_label_get_text (self->zoom_label);
}
