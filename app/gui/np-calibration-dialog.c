/* np-calibration-dialog.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-calibration-dialog"

#include "np-calibration-dialog.h"

#include <glib/gi18n.h>

#include "np-error.h"

#include <math.h>

/* The calibration window beside the canvas: choose a method, click the
 * points it asks for on the frame (the Calibrate tool sends them here),
 * type the known value, and see the pixel size with its standard error,
 * and for a depth scale every tick's residual and the ticks that were
 * flagged and left out. Apply puts the calibration into the plan as one
 * undoable edit. The numbers come from np-calibration; nothing is computed
 * here. */

typedef struct
{
  NpCalibrationMethod method;
  const char *name;
  const char *instructions;
  const char *reference_title;     /* NULL: no typed reference */
  double reference_default;
  guint max_points;                /* 0: no clicks; G_MAXUINT: any number */
} MethodInfo;

static const MethodInfo methods[] = {
  { NP_CALIBRATION_DEPTH_SCALE, N_("Depth-scale ticks"),
    N_("Click three or more tick marks of the depth scale at the edge of the image, in any "
    "order, and choose their spacing. A tick that does not fit (a missed or double click) is "
    "flagged and left out of the fit."),
    NULL, 0, G_MAXUINT },
  { NP_CALIBRATION_KNOWN_DISTANCE, N_("Known distance"),
    N_("Click the two ends of a known distance (a caliper pair, 1 cm of the scale) and type it "
    "in millimetres."),
    N_("Known distance"), 10, 2 },
  { NP_CALIBRATION_DEPTH_SETTING, N_("Depth setting"),
    N_("Type the depth the scanner shows (e.g. 40 mm), then click the top and the bottom row of "
    "the imaging field."),
    N_("Depth setting"), 40, 2 },
  { NP_CALIBRATION_FILE, N_("Pixel size from the file"),
    N_("Use the pixel size the PNG file declares (its pHYs chunk). Most files declare a screen "
    "or print resolution, which is not a calibration of the image."),
    NULL, 0, 0 },
  { NP_CALIBRATION_SPHERE, N_("Calibration sphere (fluoroscopy)"),
    N_("Click five or more points around the rim of the calibration sphere’s image and type its "
    "diameter. Put the sphere at the depth of the anatomy."),
    N_("Sphere diameter"), NP_CALIBRATION_DEFAULT_SPHERE_MM, G_MAXUINT },
  { NP_CALIBRATION_GEOMETRY, N_("Source and object distances (fluoroscopy)"),
    N_("Type the source-to-image distance, the source-to-object distance at the anatomy and the "
    "detector’s pixel size: pixel size at the anatomy = detector pixel × SOD / SID."),
    NULL, 0, 0 },
};

static const double tick_spacings_mm[] = { 10.0, 5.0, 2.0 };

struct _NpCalibrationDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkButton *cancel_button;
  GtkButton *apply_button;
  AdwComboRow *method_row;
  GtkLabel *instructions_label;
  AdwActionRow *points_row;
  GtkButton *undo_point_button;
  GtkButton *clear_points_button;
  AdwActionRow *reference_row;
  GtkSpinButton *reference_spin;
  AdwComboRow *spacing_row;
  AdwActionRow *sid_row;
  GtkSpinButton *sid_spin;
  AdwActionRow *sod_row;
  GtkSpinButton *sod_spin;
  AdwActionRow *detector_row;
  GtkSpinButton *detector_spin;
  GtkLabel *result_label;
  GtkLabel *details_label;

  /* Owned */
  NpDocument *document;
  NpMarkEditor *editor;
  GArray *points;                 /* NpImagePoint */
  NpCalibration *calibration;     /* the result, or NULL */

  gboolean setting;
};

G_DEFINE_FINAL_TYPE (NpCalibrationDialog, np_calibration_dialog, ADW_TYPE_WINDOW)

static const MethodInfo *
current_method (NpCalibrationDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->method_row);

  return &methods[MIN (selected, G_N_ELEMENTS (methods) - 1)];
}

static char *
format_pixel_size (const NpCalibration *calibration)
{
  if (calibration->mm_per_px_x == calibration->mm_per_px_y)
    {
      if (calibration->se_mm_per_px_x > 0)
        return g_strdup_printf (_("%.5f mm/px ± %.5f (standard error) · %.2f px per mm"),
                                calibration->mm_per_px_x, calibration->se_mm_per_px_x,
                                1.0 / calibration->mm_per_px_x);
      return g_strdup_printf (_("%.5f mm/px (standard error not known) · %.2f px per mm"),
                              calibration->mm_per_px_x, 1.0 / calibration->mm_per_px_x);
    }
  return g_strdup_printf (_("x %.5f ± %.5f, y %.5f ± %.5f mm/px"), calibration->mm_per_px_x,
                          calibration->se_mm_per_px_x, calibration->mm_per_px_y,
                          calibration->se_mm_per_px_y);
}

static char *
tick_details (const NpTickFit *fit)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("%u ticks used, %u flagged · RMS residual %.3f mm\n"),
                          fit->n_used, fit->n_flagged, fit->rms_residual_mm);
  for (guint i = 0; i < fit->ticks->len; i++)
    {
      const NpTick *tick = &g_array_index (fit->ticks, NpTick, i);

      if (tick->status == NP_TICK_USED)
        g_string_append_printf (text, _("Click %u: tick %d, residual %+.3f mm (%+.2f px)\n"),
                                tick->click_index + 1, tick->tick_index, tick->residual_mm,
                                tick->residual_px);
      else
        g_string_append_printf (text, _("Click %u: FLAGGED, not used — %s\n"),
                                tick->click_index + 1,
                                tick->reason != NULL ? tick->reason
                                                     : np_tick_status_to_string (tick->status));
    }
  if (text->len > 0)
    g_string_truncate (text, text->len - 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Recomputes the calibration from the method, the clicks and the typed
 * values, and says what is missing in plain words. */
static void
update (NpCalibrationDialog *self)
{
  const MethodInfo *info = current_method (self);
  const NpPlan *plan = np_document_get_plan (self->document);
  NpFrame *frame = np_document_get_frame (self->document);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpTickFit) tick_fit = NULL;
  g_autoptr(NpCircleFit) circle_fit = NULL;
  g_autofree char *details = NULL;
  g_autofree char *points_text = NULL;
  guint n = self->points->len;
  const NpImagePoint *p = (const NpImagePoint *) self->points->data;
  double reference = gtk_spin_button_get_value (self->reference_spin);
  NpCalibration *result = NULL;

  g_clear_pointer (&self->calibration, np_calibration_free);

  switch (info->method)
    {
    case NP_CALIBRATION_DEPTH_SCALE:
      if (n < NP_TICK_FIT_MIN_TICKS)
        g_set_error (&error, NP_ERROR, NP_ERROR_INVALID, _("Click at least %u ticks (%u so far)"),
                     (guint) NP_TICK_FIT_MIN_TICKS, n);
      else
        {
          double spacing = tick_spacings_mm[MIN (adw_combo_row_get_selected (self->spacing_row),
                                                 G_N_ELEMENTS (tick_spacings_mm) - 1)];

          result = np_calibration_new_depth_scale (self->points, spacing, &tick_fit, &error);
          if (tick_fit != NULL)
            details = tick_details (tick_fit);
        }
      break;
    case NP_CALIBRATION_KNOWN_DISTANCE:
      if (n < 2)
        g_set_error (&error, NP_ERROR, NP_ERROR_INVALID, _("Click the two ends (%u so far)"), n);
      else
        {
          result = np_calibration_new_known_distance (p[0], p[1], reference, plan->mark_error_px,
                                                      &error);
          details = g_strdup_printf (_("%.1f px between the points, for %.2f mm"),
                                     hypot (p[1].x - p[0].x, p[1].y - p[0].y), reference);
        }
      break;
    case NP_CALIBRATION_DEPTH_SETTING:
      if (n < 2)
        g_set_error (&error, NP_ERROR, NP_ERROR_INVALID,
                     _("Click the top and the bottom row of the imaging field (%u so far)"), n);
      else
        {
          double top = MIN (p[0].y, p[1].y), bottom = MAX (p[0].y, p[1].y);

          result = np_calibration_new_depth_setting (reference, top, bottom, plan->mark_error_px,
                                                     &error);
          details = g_strdup_printf (_("Rows %.1f to %.1f: %.1f px for %.1f mm"), top, bottom,
                                     bottom - top, reference);
        }
      break;
    case NP_CALIBRATION_FILE:
      if (frame == NULL)
        g_set_error (&error, NP_ERROR, NP_ERROR_NOT_FOUND, _("No frame is open"));
      else
        {
          result = np_calibration_new_from_frame (frame, &error);
          if (result != NULL && np_calibration_is_suspicious_dpi (result->mm_per_px_x))
            details = g_strdup_printf (_("%.0f dpi is a usual screen or print resolution: the "
                                       "file most likely does not know the real pixel size. "
                                       "Prefer the depth scale."), 25.4 / result->mm_per_px_x);
        }
      break;
    case NP_CALIBRATION_SPHERE:
      if (n < NP_CALIBRATION_SPHERE_MIN_POINTS)
        g_set_error (&error, NP_ERROR, NP_ERROR_INVALID,
                     _("Click at least %u points on the rim (%u so far)"),
                     (guint) NP_CALIBRATION_SPHERE_MIN_POINTS, n);
      else
        {
          result = np_calibration_new_sphere (self->points, reference, &circle_fit, &error);
          if (circle_fit != NULL)
            details = g_strdup_printf (_("Projected diameter %.2f px ± %.2f · RMS distance of the "
                                       "clicks to the circle %.2f px"),
                                       2 * circle_fit->radius_px, 2 * circle_fit->se_radius_px,
                                       circle_fit->rms_residual_px);
        }
      break;
    case NP_CALIBRATION_GEOMETRY:
      result = np_calibration_new_geometry (gtk_spin_button_get_value (self->detector_spin),
                                            gtk_spin_button_get_value (self->sid_spin),
                                            gtk_spin_button_get_value (self->sod_spin), &error);
      if (result != NULL)
        details = g_strdup_printf (_("Magnification SID / SOD = %.3f"),
                                   gtk_spin_button_get_value (self->sid_spin) /
                                   gtk_spin_button_get_value (self->sod_spin));
      break;
    case NP_CALIBRATION_NONE:
    case NP_CALIBRATION_MANUAL:
    default:
      break;
    }

  self->calibration = result;
  if (result != NULL)
    {
      g_autofree char *text = format_pixel_size (result);

      gtk_label_set_text (self->result_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "dim-label");
    }
  else
    {
      gtk_label_set_text (self->result_label, error != NULL ? error->message : "—");
      gtk_widget_add_css_class (GTK_WIDGET (self->result_label), "dim-label");
    }
  gtk_label_set_text (self->details_label, details != NULL ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), details != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), result != NULL);

  points_text = g_strdup_printf ("%u", n);
  adw_action_row_set_subtitle (self->points_row, points_text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->undo_point_button), n > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_points_button), n > 0);

  if (self->editor != NULL)
    {
      np_mark_editor_set_calibration_points (self->editor, self->points,
                                             info->method == NP_CALIBRATION_KNOWN_DISTANCE ||
                                             info->method == NP_CALIBRATION_DEPTH_SETTING);
      /* The fit over the clicks, so a misplaced click shows on the image. */
      np_mark_editor_set_calibration_fit (self->editor, tick_fit, circle_fit);
    }
}

static void
method_changed_cb (NpCalibrationDialog *self)
{
  const MethodInfo *info = current_method (self);
  gboolean geometry = info->method == NP_CALIBRATION_GEOMETRY;

  gtk_label_set_text (self->instructions_label, _(info->instructions));
  gtk_widget_set_visible (GTK_WIDGET (self->points_row), info->max_points > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->reference_row), info->reference_title != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spacing_row),
                          info->method == NP_CALIBRATION_DEPTH_SCALE);
  gtk_widget_set_visible (GTK_WIDGET (self->sid_row), geometry);
  gtk_widget_set_visible (GTK_WIDGET (self->sod_row), geometry);
  gtk_widget_set_visible (GTK_WIDGET (self->detector_row), geometry);
  if (info->reference_title != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reference_row),
                                     _(info->reference_title));
      self->setting = TRUE;
      gtk_spin_button_set_value (self->reference_spin, info->reference_default);
      self->setting = FALSE;
    }
  /* Clicks of one method mean nothing to another. */
  g_array_set_size (self->points, 0);
  update (self);
}

static void
input_changed_cb (NpCalibrationDialog *self)
{
  if (!self->setting)
    update (self);
}

static void
undo_point_cb (NpCalibrationDialog *self)
{
  if (self->points->len > 0)
    g_array_set_size (self->points, self->points->len - 1);
  update (self);
}

static void
clear_points_cb (NpCalibrationDialog *self)
{
  np_calibration_dialog_clear_points (self);
}

static void
cancel_cb (NpCalibrationDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
apply_cb (NpCalibrationDialog *self)
{
  np_calibration_dialog_apply (self);
}

/* Public */

/**
 * np_calibration_dialog_add_point:
 *
 * A click on the frame. Methods that take two points start again on a
 * third click.
 */
void
np_calibration_dialog_add_point (NpCalibrationDialog *self,
                                 NpImagePoint         point)
{
  const MethodInfo *info;

  g_return_if_fail (NP_IS_CALIBRATION_DIALOG (self));

  info = current_method (self);
  if (info->max_points == 0)
    return;
  if (self->points->len >= info->max_points)
    g_array_set_size (self->points, 0);
  g_array_append_val (self->points, point);
  update (self);
}

void
np_calibration_dialog_clear_points (NpCalibrationDialog *self)
{
  g_return_if_fail (NP_IS_CALIBRATION_DIALOG (self));

  g_array_set_size (self->points, 0);
  update (self);
}

NpCalibrationMethod
np_calibration_dialog_get_method (NpCalibrationDialog *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_DIALOG (self), NP_CALIBRATION_NONE);

  return current_method (self)->method;
}

void
np_calibration_dialog_set_method (NpCalibrationDialog *self,
                                  NpCalibrationMethod  method)
{
  g_return_if_fail (NP_IS_CALIBRATION_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (methods[i].method == method)
      {
        adw_combo_row_set_selected (self->method_row, i);
        return;
      }
  g_return_if_reached ();
}

/**
 * np_calibration_dialog_set_reference_mm:
 *
 * The known distance, depth setting or sphere diameter.
 */
void
np_calibration_dialog_set_reference_mm (NpCalibrationDialog *self,
                                        double               mm)
{
  g_return_if_fail (NP_IS_CALIBRATION_DIALOG (self));

  gtk_spin_button_set_value (self->reference_spin, mm);
}

void
np_calibration_dialog_set_tick_spacing_mm (NpCalibrationDialog *self,
                                           double               mm)
{
  g_return_if_fail (NP_IS_CALIBRATION_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (tick_spacings_mm); i++)
    if (tick_spacings_mm[i] == mm)
      {
        adw_combo_row_set_selected (self->spacing_row, i);
        return;
      }
  g_return_if_reached ();
}

/**
 * np_calibration_dialog_get_calibration:
 *
 * Returns: (nullable) (transfer none): the calibration Apply would use
 */
const NpCalibration *
np_calibration_dialog_get_calibration (NpCalibrationDialog *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_DIALOG (self), NULL);

  return self->calibration;
}

const char *
np_calibration_dialog_get_result_text (NpCalibrationDialog *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_DIALOG (self), NULL);

  return gtk_label_get_text (self->result_label);
}

const char *
np_calibration_dialog_get_details_text (NpCalibrationDialog *self)
{
  g_return_val_if_fail (NP_IS_CALIBRATION_DIALOG (self), NULL);

  return gtk_label_get_text (self->details_label);
}

/**
 * np_calibration_dialog_apply:
 *
 * Puts the calibration into the plan (one undoable edit) and closes.
 *
 * Returns: %FALSE when there is no valid calibration yet
 */
gboolean
np_calibration_dialog_apply (NpCalibrationDialog *self)
{
  g_autoptr(NpPlan) plan = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (NP_IS_CALIBRATION_DIALOG (self), FALSE);

  if (self->calibration == NULL)
    return FALSE;
  plan = np_document_dup_plan (self->document);
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_copy (self->calibration);
  description = g_strdup_printf (_("Calibrate (%s)"), _(current_method (self)->name));
  np_document_edit (self->document, g_steal_pointer (&plan), description);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

/* GObject */

static void
np_calibration_dialog_dispose (GObject *object)
{
  NpCalibrationDialog *self = NP_CALIBRATION_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_CALIBRATION_DIALOG);
  if (self->editor != NULL)
    np_mark_editor_set_calibration_fit (self->editor, NULL, NULL);
  g_clear_object (&self->document);
  g_clear_object (&self->editor);
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->calibration, np_calibration_free);

  G_OBJECT_CLASS (np_calibration_dialog_parent_class)->dispose (object);
}

static void
np_calibration_dialog_class_init (NpCalibrationDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_calibration_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/"
                                               "np-calibration-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, instructions_label);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, points_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, undo_point_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, clear_points_button);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, reference_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, reference_spin);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, spacing_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, sid_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, sid_spin);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, sod_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, sod_spin);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, detector_row);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, detector_spin);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, NpCalibrationDialog, details_label);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
np_calibration_dialog_init (NpCalibrationDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->points = g_array_new (FALSE, FALSE, sizeof (NpImagePoint));

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    gtk_string_list_append (names, _(methods[i].name));
  adw_combo_row_set_model (self->method_row, G_LIST_MODEL (names));

  g_signal_connect_swapped (self->method_row, "notify::selected", G_CALLBACK (method_changed_cb),
                            self);
  g_signal_connect_swapped (self->spacing_row, "notify::selected", G_CALLBACK (input_changed_cb),
                            self);
  g_signal_connect_swapped (self->reference_spin, "value-changed", G_CALLBACK (input_changed_cb),
                            self);
  g_signal_connect_swapped (self->sid_spin, "value-changed", G_CALLBACK (input_changed_cb), self);
  g_signal_connect_swapped (self->sod_spin, "value-changed", G_CALLBACK (input_changed_cb), self);
  g_signal_connect_swapped (self->detector_spin, "value-changed", G_CALLBACK (input_changed_cb),
                            self);
  g_signal_connect_swapped (self->undo_point_button, "clicked", G_CALLBACK (undo_point_cb), self);
  g_signal_connect_swapped (self->clear_points_button, "clicked", G_CALLBACK (clear_points_cb),
                            self);
  g_signal_connect_swapped (self->cancel_button, "clicked", G_CALLBACK (cancel_cb), self);
  g_signal_connect_swapped (self->apply_button, "clicked", G_CALLBACK (apply_cb), self);
}

/**
 * np_calibration_dialog_new:
 * @parent: the plan's window
 * @document: (transfer none): receives the calibration
 * @editor: (transfer none) (nullable): shows the clicks on the canvas
 *
 * Starts with the depth scale for ultrasound and the sphere for fluoroscopy.
 */
GtkWidget *
np_calibration_dialog_new (GtkWindow    *parent,
                           NpDocument   *document,
                           NpMarkEditor *editor)
{
  NpCalibrationDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NP_IS_DOCUMENT (document), NULL);

  self = g_object_new (NP_TYPE_CALIBRATION_DIALOG, "transient-for", parent, NULL);
  self->document = g_object_ref (document);
  self->editor = editor != NULL ? g_object_ref (editor) : NULL;
  np_calibration_dialog_set_method (self,
                                    np_document_get_plan (document)->modality ==
                                    NP_MODALITY_FLUOROSCOPY ? NP_CALIBRATION_SPHERE
                                                            : NP_CALIBRATION_DEPTH_SCALE);
  /* set_method does not notify when the row already shows the method. */
  method_changed_cb (self);
  return GTK_WIDGET (self);
}
