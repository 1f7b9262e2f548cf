/* np-calibration-banner.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-calibration-banner"

#include "np-calibration-banner.h"

#include <glib/gi18n.h>

#include "np-calibration.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* The offer of a depth scale found in the pixels of an uncalibrated
 * ultrasound frame (issue 17): a bar over the canvas, "Depth scale found:
 * 0.262 mm/px from 12 ticks 1 cm apart", with Use, Show, Use Skin Line and
 * Dismiss. Detection runs in the thread that loads the frame, so the offer
 * comes with the frame; the result is a candidate and nothing is applied until the user says so. Each
 * Use is one undoable document edit. */
struct _NpCalibrationBanner
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkRevealer *revealer;
  GtkLabel *label;
  GtkButton *use_button;
  GtkToggleButton *show_button;
  GtkButton *skin_button;
  GtkButton *dismiss_button;

  /* Owned */
  NpDocument *document;
  NpCanvas *canvas;
  NpFrame *frame;                 /* the frame detection ran on */
  NpAutoCalibration *detection;   /* its result, found or not, kept for new plans on it */
  NpAutoCalibration *result;      /* the scale on offer, until another frame or plan */
  gboolean dismissed;
};

G_DEFINE_FINAL_TYPE (NpCalibrationBanner, np_calibration_banner, GTK_TYPE_WIDGET)

/* Points along a sector's near arc for its skin line. */
#define SKIN_ARC_POINTS 16

static gboolean
plan_wants_offer (NpCalibrationBanner *self)
{
  const NpPlan *plan = np_document_get_plan (self->document);

  return plan != NULL && plan->modality == NP_MODALITY_ULTRASOUND
         && !np_calibration_is_calibrated (plan->calibration);
}

static gboolean
plan_has_skin (NpCalibrationBanner *self)
{
  const NpPlan *plan = np_document_get_plan (self->document);

  return plan != NULL && plan->skin_kind != NP_SKIN_NONE;
}

static char *
spacing_text (double spacing_mm)
{
  if (fmod (spacing_mm, 10.0) == 0)
    return g_strdup_printf ("%g cm", spacing_mm / 10);
  return g_strdup_printf ("%g mm", spacing_mm);
}

static guint
used_ticks (const NpAutoCalibration *result)
{
  guint n = 0;

  for (guint i = 0; result->ticks != NULL && i < result->ticks->len; i++)
    n += g_array_index (result->ticks, NpAutoTick, i).used ? 1 : 0;
  return n;
}

/* The cross-checks that disagree, which the banner must not hide (the
 * ones that agree are in the evidence). */
static char *
disagreement_text (const NpAutoCalibration *result)
{
  g_auto(GStrv) checks = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (!result->disagreement || result->cross_check == NULL)
    return NULL;
  checks = g_strsplit (result->cross_check, "; ", -1);
  for (guint i = 0; checks[i] != NULL; i++)
    if (strstr (checks[i], "DISAGREES") != NULL)
      g_ptr_array_add (kept, checks[i]);
  if (kept->len == 0)
    return g_strdup (result->cross_check);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("; ", (char **) kept->pdata);
}

/* Shows what is still to decide: the scale while the plan is uncalibrated,
 * the skin line while none is marked. */
static void
update (NpCalibrationBanner *self)
{
  gboolean scale = self->result != NULL && plan_wants_offer (self);
  gboolean skin = self->result != NULL && self->result->has_skin && !plan_has_skin (self);
  g_autofree char *text = NULL;

  if (self->result == NULL || self->dismissed || (!scale && !skin))
    {
      gtk_revealer_set_reveal_child (self->revealer, FALSE);
      if (gtk_toggle_button_get_active (self->show_button))
        gtk_toggle_button_set_active (self->show_button, FALSE);
      return;
    }
  if (scale)
    {
      g_autofree char *spacing = spacing_text (self->result->spacing_mm);
      g_autofree char *disagreements = disagreement_text (self->result);
      guint n = used_ticks (self->result);

      /* Weaker evidence and disagreements are said, never hidden. */
      text = g_strdup_printf (ngettext ("Depth scale found: %.3f mm/px from %u tick %s apart%s%s%s",
                                        "Depth scale found: %.3f mm/px from %u ticks %s apart%s%s%s",
                                        n),
                              self->result->mm_per_px, n, spacing,
                              self->result->confidence == NP_AUTO_CONFIDENCE_MEDIUM
                              ? _(" (medium confidence: check it against a known distance)") : "",
                              disagreements != NULL ? " — " : "",
                              disagreements != NULL ? disagreements : "");
    }
  else
    text = g_strdup (_("Skin line found at the near edge of the imaging region"));
  gtk_label_set_text (self->label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->use_button), scale);
  gtk_widget_set_visible (GTK_WIDGET (self->skin_button), skin);
  gtk_revealer_set_reveal_child (self->revealer, TRUE);
}

static void
clear_result (NpCalibrationBanner *self)
{
  g_clear_pointer (&self->result, np_auto_calibration_free);
  self->dismissed = FALSE;
  update (self);
  if (self->canvas != NULL)
    np_canvas_queue_overlay_redraw (self->canvas);
}

/**
 * np_calibration_banner_set_detection:
 * @frame: the frame about to be shown
 * @detection: (transfer full) (nullable): what np_auto_calibration_detect()
 *   found on @frame, in the thread that loaded it; %NULL when it did not run
 *
 * Keeps the detection for the offers made on @frame (the frame's plan, or
 * a new plan on the same frame), so that the banner appears with the frame
 * and the window never waits for it.
 */
void
np_calibration_banner_set_detection (NpCalibrationBanner *self,
                                     NpFrame             *frame,
                                     NpAutoCalibration   *detection)
{
  g_return_if_fail (NP_IS_CALIBRATION_BANNER (self));
  g_return_if_fail (frame != NULL);

  clear_result (self);
  g_clear_pointer (&self->detection, np_auto_calibration_free);
  g_clear_pointer (&self->frame, np_frame_unref);
  self->frame = np_frame_ref (frame);
  self->detection = detection;
}

/**
 * np_calibration_banner_offer:
 * @frame: the frame just shown
 *
 * Forgets the previous offer and, when the document's plan is an
 * uncalibrated ultrasound plan and a depth scale was found on @frame while
 * it loaded, shows it.
 */
void
np_calibration_banner_offer (NpCalibrationBanner *self,
                             NpFrame             *frame)
{
  g_return_if_fail (NP_IS_CALIBRATION_BANNER (self));
  g_return_if_fail (frame != NULL);

  clear_result (self);
  if (frame != self->frame)
    {
      /* only the loading thread detects: this frame came another way */
      g_clear_pointer (&self->detection, np_auto_calibration_free);
      g_clear_pointer (&self->frame, np_frame_unref);
      return;
    }
  if (!plan_wants_offer (self) || self->detection == NULL)
    return;
  if (!self->detection->found)
    {
      g_info ("No depth scale found: %s", self->detection->reason);
      return;
    }
  self->result = np_auto_calibration_copy (self->detection);
  update (self);
}

static void
use_clicked_cb (NpCalibrationBanner *self)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  NpCalibration *calibration;

  if (self->result == NULL)
    return;
  calibration = np_calibration_new_depth_scale_auto (self->result, &error);
  if (calibration == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  plan = np_document_dup_plan (self->document);
  np_calibration_free (plan->calibration);
  plan->calibration = calibration;
  np_document_edit (self->document, g_steal_pointer (&plan), _("Use the depth scale found"));
}

static void
skin_clicked_cb (NpCalibrationBanner *self)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(GArray) skin = NULL;

  if (self->result == NULL)
    return;
  skin = np_auto_calibration_dup_skin (self->result, SKIN_ARC_POINTS);
  if (skin == NULL)
    return;
  plan = np_document_dup_plan (self->document);
  g_clear_pointer (&plan->skin_points, g_array_unref);
  plan->skin_points = g_steal_pointer (&skin);
  /* A sector's near boundary is the probe's arc. */
  plan->skin_kind = self->result->region.shape == NP_AUTO_REGION_SECTOR ? NP_SKIN_ARC
                                                                        : NP_SKIN_POLYLINE;
  np_document_edit (self->document, g_steal_pointer (&plan), _("Use the skin line found"));
}

static void
dismiss_clicked_cb (NpCalibrationBanner *self)
{
  self->dismissed = TRUE;
  update (self);
}

static void
show_toggled_cb (NpCalibrationBanner *self)
{
  if (self->canvas != NULL)
    np_canvas_queue_overlay_redraw (self->canvas);
}

/* An undo brings the offer back, an edit elsewhere (a manual calibration,
 * a marked skin line) takes it away. */
static void
document_changed_cb (NpCalibrationBanner *self)
{
  update (self);
}

static void
set_rgba (cairo_t *cr,
          double   r,
          double   g,
          double   b)
{
  cairo_set_source_rgba (cr, r, g, b, 0.9);
}

/**
 * np_calibration_banner_draw:
 * @zoom: screen pixels per image pixel
 *
 * With Show on: the imaging region found (a rectangle or a sector), the
 * proposed skin line (dashed), each tick found (a ring: green when the fit
 * used it, red when it flagged it) and its fitted position (a bar across
 * the scale). In image coordinates, on the canvas's overlay.
 */
void
np_calibration_banner_draw (NpCalibrationBanner *self,
                            cairo_t             *cr,
                            double               zoom)
{
  const NpAutoCalibration *r;
  const NpAutoRegion *region;
  g_autoptr(GArray) skin = NULL;
  double u, dx = 0, dy = 1;
  const double dash[] = { 6, 4 };

  g_return_if_fail (NP_IS_CALIBRATION_BANNER (self));

  r = self->result;
  if (r == NULL || !gtk_toggle_button_get_active (self->show_button)
      || !gtk_revealer_get_reveal_child (self->revealer))
    return;
  u = 1.0 / MAX (zoom, 1e-6);
  region = &r->region;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.5 * u);
  set_rgba (cr, 1.0, 0.75, 0.0);
  if (region->shape == NP_AUTO_REGION_RECTANGLE || region->shape == NP_AUTO_REGION_OTHER)
    cairo_rectangle (cr, region->rect.x, region->rect.y, region->rect.width,
                     region->rect.height);
  else if (region->shape == NP_AUTO_REGION_SECTOR)
    {
      double a0 = atan2 (region->left_dy, region->left_dx);
      double a1 = atan2 (region->right_dy, region->right_dx);

      cairo_arc_negative (cr, region->apex.x, region->apex.y, region->near_radius_px, a0, a1);
      cairo_arc (cr, region->apex.x, region->apex.y, region->far_radius_px, a1, a0);
      cairo_close_path (cr);
    }
  cairo_stroke (cr);

  skin = np_auto_calibration_dup_skin (r, SKIN_ARC_POINTS);
  if (skin != NULL && skin->len >= 2)
    {
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      set_rgba (cr, 0.3, 0.8, 1.0);
      for (guint i = 0; i < skin->len; i++)
        cairo_line_to (cr, g_array_index (skin, NpImagePoint, i).x,
                       g_array_index (skin, NpImagePoint, i).y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  /* The scale's direction, from the first tick to the last. */
  if (r->ticks != NULL && r->ticks->len >= 2)
    {
      NpImagePoint a = g_array_index (r->ticks, NpAutoTick, 0).point;
      NpImagePoint b = g_array_index (r->ticks, NpAutoTick, r->ticks->len - 1).point;
      double length = hypot (b.x - a.x, b.y - a.y);

      if (length > 0)
        {
          dx = (b.x - a.x) / length;
          dy = (b.y - a.y) / length;
        }
    }
  for (guint i = 0; r->ticks != NULL && i < r->ticks->len; i++)
    {
      const NpAutoTick *tick = &g_array_index (r->ticks, NpAutoTick, i);
      /* Observed = fitted + residual along the scale. */
      double fx = tick->point.x - tick->residual_px * dx;
      double fy = tick->point.y - tick->residual_px * dy;
      double half = MAX (tick->length_px, 6 * u);

      cairo_new_path (cr);
      cairo_arc (cr, tick->point.x, tick->point.y, 4 * u, 0, 2 * G_PI);
      if (tick->used)
        set_rgba (cr, 0.2, 0.9, 0.3);
      else
        set_rgba (cr, 1.0, 0.25, 0.2);
      cairo_stroke (cr);
      if (!tick->used)
        continue;
      set_rgba (cr, 1.0, 1.0, 1.0);
      cairo_move_to (cr, fx - half * dy, fy + half * dx);
      cairo_line_to (cr, fx + half * dy, fy - half * dx);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

gboolean
np_calibration_banner_is_shown (NpCalibrationBanner *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_BANNER (self), FALSE);
  return gtk_revealer_get_reveal_child (self->revealer);
}

const char *
np_calibration_banner_get_text (NpCalibrationBanner *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_BANNER (self), NULL);
  return gtk_label_get_text (self->label);
}

const NpAutoCalibration *
np_calibration_banner_get_result (NpCalibrationBanner *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_BANNER (self), NULL);
  return self->result;
}

static void
np_calibration_banner_dispose (GObject *object)
{
  NpCalibrationBanner *self = NP_CALIBRATION_BANNER (object);

  g_clear_pointer (&self->result, np_auto_calibration_free);
  g_clear_pointer (&self->detection, np_auto_calibration_free);
  g_clear_pointer (&self->frame, np_frame_unref);
  g_clear_object (&self->document);
  g_clear_object (&self->canvas);
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_CALIBRATION_BANNER);

  G_OBJECT_CLASS (np_calibration_banner_parent_class)->dispose (object);
}

static void
np_calibration_banner_class_init (NpCalibrationBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_calibration_banner_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/"
                                               "np-calibration-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationBanner, revealer);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationBanner, label);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationBanner, use_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationBanner, show_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationBanner, skin_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationBanner, dismiss_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-calibration-banner");
}

static void
np_calibration_banner_init (NpCalibrationBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->use_button, "clicked", G_CALLBACK (use_clicked_cb), self);
  g_signal_connect_swapped (self->skin_button, "clicked", G_CALLBACK (skin_clicked_cb), self);
  g_signal_connect_swapped (self->dismiss_button, "clicked", G_CALLBACK (dismiss_clicked_cb),
                            self);
  g_signal_connect_swapped (self->show_button, "toggled", G_CALLBACK (show_toggled_cb), self);
}

/**
 * np_calibration_banner_new:
 * @document: the window's document: the plan the offer is for, and where
 *   Use makes its edit
 * @canvas: the canvas whose overlay Show draws on
 *
 * Returns: (transfer floating): the banner, hidden until an offer is found
 */
GtkWidget *
np_calibration_banner_new (NpDocument *document,
                           NpCanvas   *canvas)
{
  NpCalibrationBanner *self;

  g_return_val_if_fail (NP_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (NP_IS_CANVAS (canvas), NULL);

  self = g_object_new (NP_TYPE_CALIBRATION_BANNER, NULL);
  self->document = g_object_ref (document);
  self->canvas = g_object_ref (canvas);
  g_signal_connect_object (document, "changed", G_CALLBACK (document_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
