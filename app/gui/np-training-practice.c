/* np-training-practice.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-training-practice"

#include "config.h"

#include "np-training-practice.h"

#include <glib/gi18n.h>

#include "np-canvas-image.h"
#include "np-error.h"
#include "np-plan-file.h"
#include "np-png.h"
#include "np-training-view-private.h"
#include "np-plan-labels.h"

#define RESOURCE_PATH "/org/needleplan/NeedlePlan/np-training-practice.ui"

struct _NpTrainingPractice
{
  GtkWidget parent_instance;

  /* Template widgets */
  NpCanvas *canvas;
  GtkLabel *progress_label;
  GtkLabel *case_title_label;
  GtkLabel *case_info_label;
  GtkScrolledWindow *panel_scroller;
  GtkBox *marking_box;
  GtkLabel *instruction_label;
  GtkToggleButton *target_toggle;
  GtkToggleButton *entry_toggle;
  GtkLabel *marks_label;
  GtkCheckButton *depth_check;
  GtkSpinButton *depth_spin;
  GtkButton *submit_button;
  GtkBox *score_box;
  GtkBox *critical_banner;
  GtkLabel *critical_label;
  GtkLabel *score_label;
  GtkLabel *score_summary_label;
  GtkLabel *legend_label;
  GtkListBox *metrics_list;
  GtkButton *next_button;
  GtkButton *end_button;

  /* Owned */
  char *case_path;
  NpCase *library_case;             /* the library's entry for case_path, if any */
  GCancellable *load_cancellable;
  NpTrainingAttempt *attempt;       /* NULL while loading or when the case failed */

  /* State */
  gboolean loading;
  gboolean last;                    /* the session's last case */
  gboolean can_submit;
  NpTrainingMark tool;
  gboolean dragging;
  NpTrainingMark drag_mark;
  NpWidgetPoint drag_start;
  gboolean space_held;
  gboolean syncing_toggles;
  gboolean syncing_depth;
};

G_DEFINE_FINAL_TYPE (NpTrainingPractice, np_training_practice, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_SUBMITTED,
  PROP_CAN_SUBMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* A metric's value with its unit, for the score panel. */
static char *
format_metric (const NpTrainingScore *score,
               NpTrainingMetric       metric)
{
  const char *unit = score->unit;

  switch (metric)
    {
    case NP_TRAINING_METRIC_TARGET_ERROR:
      return g_strdup_printf ("%.1f %s", score->target_error, unit);
    case NP_TRAINING_METRIC_TARGET_HIT:
      return g_strdup (score->target_hit ? _("Hit") : _("Missed"));
    case NP_TRAINING_METRIC_ENTRY_DEVIATION:
      if (!score->has_entry_deviation)
        return g_strdup ("—");
      return g_strdup_printf ("%.1f %s", score->entry_deviation, unit);
    case NP_TRAINING_METRIC_TRAJECTORY_DEVIATION:
      if (!score->has_trajectory_deviation)
        return g_strdup ("—");
      return g_strdup_printf ("%.1f°", score->trajectory_deviation_deg);
    case NP_TRAINING_METRIC_DEPTH_ERROR:
      if (!score->has_depth_error)
        return g_strdup ("—");
      return g_strdup_printf (_("%+.1f mm (%+.0f %%)"), score->depth_error_mm,
                              score->depth_error_percent);
    case NP_TRAINING_METRIC_PATH_LENGTH_RATIO:
      if (!score->has_path_length_ratio)
        return g_strdup ("—");
      return g_strdup_printf ("%.2f ×", score->path_length_ratio);
    case NP_TRAINING_METRIC_PATH_IN_TISSUE:
      if (!score->has_path_in_tissue)
        return g_strdup ("—");
      return g_strdup_printf ("%.1f %s", score->path_in_tissue, unit);
    case NP_TRAINING_METRIC_SWEPT_AREA:
      if (!score->has_swept_area)
        return g_strdup ("—");
      return g_strdup_printf ("%.0f %s²", score->swept_area, unit);
    case NP_TRAINING_METRIC_CRITICAL_ERROR:
      return g_strdup (score->critical_error ? _("Yes") : _("No"));
    case NP_TRAINING_METRIC_SCORE:
    case NP_TRAINING_N_METRICS:
    default:
      break;
    }
  return _np_training_view_format_score (score->score);
}

/* State */

static gboolean
is_submitted (NpTrainingPractice *self)
{
  return self->attempt != NULL && np_training_attempt_get_submitted (self->attempt);
}

static void
update_can_submit (NpTrainingPractice *self)
{
  gboolean can_submit = self->attempt != NULL && !self->loading && !is_submitted (self) &&
                        np_training_attempt_get_mark (self->attempt, NP_TRAINING_MARK_TARGET,
                                                      NULL);

  if (can_submit == self->can_submit)
    return;
  self->can_submit = can_submit;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SUBMIT]);
}

static void
set_loading (NpTrainingPractice *self,
             gboolean            loading)
{
  if (self->loading != loading)
    {
      self->loading = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
    }
  update_can_submit (self);
}

/* Overlay and marks */

static void
overlay_draw_cb (cairo_t  *cr,
                 double    zoom,
                 gpointer  user_data)
{
  NpTrainingPractice *self = user_data;
  NpFrame *frame = np_canvas_get_frame (self->canvas);
  NpOverlayOptions options;

  if (frame == NULL || self->attempt == NULL)
    return;

  np_overlay_options_init (&options, np_frame_get_width (frame), np_frame_get_height (frame));
  options.zoom = zoom;
  if (self->dragging && !is_submitted (self))
    options.selected = self->drag_mark == NP_TRAINING_MARK_TARGET ? NP_OVERLAY_MARK_TARGET
                                                                  : NP_OVERLAY_MARK_ENTRY;
  np_training_attempt_draw (self->attempt, cr, &options);
}

static void
update_marks_label (NpTrainingPractice *self)
{
  g_autofree char *text = NULL;
  gboolean target = self->attempt != NULL &&
                    np_training_attempt_get_mark (self->attempt, NP_TRAINING_MARK_TARGET, NULL);
  gboolean entry = self->attempt != NULL &&
                   np_training_attempt_get_mark (self->attempt, NP_TRAINING_MARK_ENTRY, NULL);

  text = g_strdup_printf (_("Target: %s · Entry: %s"), target ? "placed" : _("not placed"),
                          entry ? "placed" : _("not placed"));
  gtk_label_set_text (self->marks_label, text);
}

static void
update_instruction (NpTrainingPractice *self)
{
  const char *text;

  if (self->loading)
    text = _("Loading the case…");
  else if (self->attempt == NULL)
    text = _("This case could not be opened. Go on to the next case.");
  else if (self->tool == NP_TRAINING_MARK_TARGET)
    text = _("Click where the needle tip should go (the target). Drag a mark to move it.");
  else if (np_training_attempt_get_in_plane (self->attempt))
    text = _("Click where the needle enters the skin: for this in-plane approach, at the end "
           "of the probe, in line with the skin line. Drag a mark to move it.");
  else
    text = _("Click where the needle enters the skin. Drag a mark to move it.");
  gtk_label_set_text (self->instruction_label, text);
}

static void
sync_tool_toggles (NpTrainingPractice *self)
{
  self->syncing_toggles = TRUE;
  gtk_toggle_button_set_active (self->target_toggle, self->tool == NP_TRAINING_MARK_TARGET);
  gtk_toggle_button_set_active (self->entry_toggle, self->tool == NP_TRAINING_MARK_ENTRY);
  self->syncing_toggles = FALSE;
}

static NpTrainingMark
other_mark (NpTrainingMark mark)
{
  return mark == NP_TRAINING_MARK_TARGET ? NP_TRAINING_MARK_ENTRY : NP_TRAINING_MARK_TARGET;
}

static void
set_mark (NpTrainingPractice *self,
          NpTrainingMark      mark,
          NpImagePoint        point)
{
  np_training_attempt_set_mark (self->attempt, mark, point);
  update_marks_label (self);
  update_can_submit (self);
  np_canvas_queue_overlay_redraw (self->canvas);
}

static gboolean
accepts_marks (NpTrainingPractice *self)
{
  return self->attempt != NULL && !self->loading && !is_submitted (self);
}

static void
mark_drag_begin_cb (NpTrainingPractice *self,
                    double              x,
                    double              y,
                    GtkGestureDrag     *gesture)
{
  NpImagePoint at;
  NpTrainingMark mark;

  if (!accepts_marks (self) || self->space_held || np_canvas_get_frame (self->canvas) == NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

  self->dragging = TRUE;
  self->drag_start = np_widget_point (x, y);
  at = np_canvas_widget_to_image (self->canvas, x, y);
  if (np_training_attempt_find_mark (self->attempt, at,
                                     NP_TRAINING_PRACTICE_HANDLE_RADIUS /
                                     np_canvas_get_zoom (self->canvas), &mark))
    {
      /* Pressing on a mark picks it up where it is. */
      self->drag_mark = mark;
      np_canvas_queue_overlay_redraw (self->canvas);
      return;
    }

  /* Anywhere else places the current tool's mark, then offers the other
   * one if it is still missing. */
  mark = self->tool;
  self->drag_mark = mark;
  set_mark (self, mark, at);
  if (!np_training_attempt_get_mark (self->attempt, other_mark (mark), NULL))
    np_training_practice_set_tool (self, other_mark (mark));
}

static void
mark_drag_update_cb (NpTrainingPractice *self,
                     double              offset_x,
                     double              offset_y,
                     GtkGestureDrag     *gesture)
{
  if (!self->dragging || !accepts_marks (self))
    return;
  set_mark (self, self->drag_mark,
            np_canvas_widget_to_image (self->canvas, self->drag_start.x + offset_x,
                                       self->drag_start.y + offset_y));
}

static void
mark_drag_end_cb (NpTrainingPractice *self,
                  double              offset_x,
                  double              offset_y,
                  GtkGestureDrag     *gesture)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  np_canvas_queue_overlay_redraw (self->canvas);
}

/* Space + drag pans the canvas: the canvas' own gesture takes it then. */
static gboolean
canvas_key_pressed_cb (NpTrainingPractice    *self,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space)
    self->space_held = TRUE;
  return FALSE;
}

static void
canvas_key_released_cb (NpTrainingPractice    *self,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space)
    self->space_held = FALSE;
}

static void
canvas_focus_leave_cb (NpTrainingPractice      *self,
                       GtkEventControllerFocus *controller)
{
  self->space_held = FALSE;
}

static void
tool_toggled_cb (NpTrainingPractice *self,
                 GtkToggleButton    *toggle)
{
  if (self->syncing_toggles || !gtk_toggle_button_get_active (toggle))
    return;
  np_training_practice_set_tool (self, toggle == self->target_toggle ? NP_TRAINING_MARK_TARGET
                                                                     : NP_TRAINING_MARK_ENTRY);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* The field shows a number only while a depth is stated: empty means no
 * estimate. These handlers run inside one another (setting the text emits
 * "changed", setting the value "output"), so each restores the syncing
 * flag it found. */
static void
show_depth_text (NpTrainingPractice *self)
{
  g_autofree char *text = NULL;
  gboolean syncing;

  if (gtk_check_button_get_active (self->depth_check))
    text = g_strdup_printf ("%.*f", (int) gtk_spin_button_get_digits (self->depth_spin),
                            gtk_spin_button_get_value (self->depth_spin));
  syncing = self->syncing_depth;
  self->syncing_depth = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->depth_spin), text != NULL ? text : "");
  self->syncing_depth = syncing;
}

static void
set_depth_stated (NpTrainingPractice *self,
                  gboolean            stated)
{
  gboolean syncing = self->syncing_depth;

  self->syncing_depth = TRUE;
  gtk_check_button_set_active (self->depth_check, stated);
  self->syncing_depth = syncing;
}

/* Typing a depth states it, even a value equal to the one kept; emptying
 * the field withdraws it. */
static void
depth_text_changed_cb (NpTrainingPractice *self,
                       GtkEditable        *text)
{
  const char *typed = gtk_editable_get_text (text);

  if (self->syncing_depth)
    return;
  set_depth_stated (self, typed != NULL && *typed != '\0');
}

/* Stepping with the arrows states it and shows the number. */
static void
depth_value_changed_cb (NpTrainingPractice *self)
{
  const char *shown = gtk_editable_get_text (GTK_EDITABLE (self->depth_spin));

  if (self->syncing_depth)
    return;
  set_depth_stated (self, TRUE);
  if (shown == NULL || *shown == '\0')
    show_depth_text (self);
}

/* The check box states or withdraws the number the field keeps. */
static void
depth_toggled_cb (NpTrainingPractice *self)
{
  if (!self->syncing_depth)
    show_depth_text (self);
}

/* An empty field is no number: the value kept stays, unshown. */
static int
depth_input_cb (GtkSpinButton      *spin,
                double             *value,
                NpTrainingPractice *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));

  if (text != NULL && *text != '\0')
    return FALSE;
  *value = gtk_spin_button_get_value (spin);
  return TRUE;
}

static gboolean
depth_output_cb (GtkSpinButton      *spin,
                 NpTrainingPractice *self)
{
  const char *text;

  if (gtk_check_button_get_active (self->depth_check))
    return FALSE;
  text = gtk_editable_get_text (GTK_EDITABLE (spin));
  if (text != NULL && *text != '\0')
    {
      gboolean syncing = self->syncing_depth;

      self->syncing_depth = TRUE;
      gtk_editable_set_text (GTK_EDITABLE (spin), "");
      self->syncing_depth = syncing;
    }
  return TRUE;
}

static void
depth_activate_cb (NpTrainingPractice *self,
                   GtkText            *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "training.submit", NULL);
}

/* Fitting the view */

/* Every case opens fitted, an in-plane one with room beside the frame for
 * the entry; the canvas keeps it so through resizes (the panel changing
 * from score to marking, the window) until the trainee zooms or pans. */
static void
fit_view (NpTrainingPractice *self)
{
  double side = self->attempt != NULL ? np_training_attempt_get_side_room (self->attempt) : 0;

  np_canvas_zoom_fit_with_room (self->canvas, side);
}

/* Loading a case */

typedef struct
{
  NpPlan *plan;
  NpCanvasImage *image;  /* the frame, made ready for the canvas in the thread */
} CaseData;

static void
case_data_free (CaseData *data)
{
  g_clear_pointer (&data->plan, np_plan_free);
  g_clear_pointer (&data->image, np_canvas_image_free);
  g_free (data);
}

static void
load_case_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  const char *plan_path = task_data;
  g_autoptr(NpPlan) plan = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autofree char *frame_path = NULL;
  GError *error = NULL;
  CaseData *data;

  plan = np_plan_file_load (plan_path, &error);
  if (plan != NULL && !np_training_plan_has_answer (plan))
    {
      g_autofree char *display = g_filename_display_name (plan_path);

      g_set_error (&error, NP_ERROR, NP_ERROR_INVALID,
                   _("“%s” has no expert answer (a target or an acceptable target region), so it "
                   "cannot be practised"), display);
    }
  if (error == NULL)
    frame_path = np_plan_file_resolve_frame (plan, plan_path, &error);
  if (error == NULL)
    frame = np_png_load (frame_path, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_new0 (CaseData, 1);
  data->plan = g_steal_pointer (&plan);
  data->image = np_canvas_image_new (frame);
  g_task_return_pointer (task, data, (GDestroyNotify) case_data_free);
}

static void
clear_case (NpTrainingPractice *self)
{
  gboolean was_submitted = is_submitted (self);

  g_clear_object (&self->attempt);
  self->dragging = FALSE;
  if (was_submitted)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBMITTED]);
  update_can_submit (self);
}

static void
update_next_button (NpTrainingPractice *self)
{
  gboolean submitted = is_submitted (self);
  const char *label;

  if (!submitted)
    label = self->last ? _("Skip and Finish") : _("Skip Case");
  else
    label = self->last ? _("Finish") : _("Next Case");
  gtk_button_set_label (self->next_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->end_button), !self->last);
  if (submitted)
    gtk_widget_add_css_class (GTK_WIDGET (self->next_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->next_button), "suggested-action");
}

static void
show_panel (NpTrainingPractice *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->panel_scroller);
  gboolean submitted = is_submitted (self);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
  gtk_widget_set_visible (GTK_WIDGET (self->marking_box), !submitted);
  gtk_widget_set_visible (GTK_WIDGET (self->score_box), submitted);
  update_instruction (self);
  update_marks_label (self);
  update_next_button (self);
}

static void
load_case_done_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NpTrainingPractice *self = NP_TRAINING_PRACTICE (source_object);
  g_autoptr(GError) error = NULL;
  CaseData *data = g_task_propagate_pointer (G_TASK (result), &error);
  const NpPlan *expert;
  NpCalibration *calibration;
  g_autofree char *info = NULL;
  g_autofree char *folder = NULL;
  const char *title;
  NpCaseDifficulty difficulty;
  gboolean has_depth;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);

  if (data == NULL)
    {
      np_canvas_set_frame (self->canvas, NULL);
      gtk_label_set_text (self->case_title_label, _("Case not available"));
      gtk_label_set_text (self->case_info_label, error->message);
      set_loading (self, FALSE);
      show_panel (self);
      _np_training_view_show_error (GTK_WIDGET (self), _("Could Not Open the Case"), error);
      return;
    }

  /* The card's words: the library's entry for this plan, else read now. */
  if (self->library_case == NULL)
    self->library_case = np_case_new_from_file (self->case_path, NULL);
  calibration = data->plan->calibration;
  has_depth = self->library_case != NULL ? self->library_case->has_depth
                                         : np_calibration_is_calibrated (calibration);
  /* The thread checked the answer, so this cannot fail. */
  self->attempt = np_training_attempt_new (data->plan, has_depth, NULL);
  expert = np_training_attempt_get_expert (self->attempt);
  calibration = expert->calibration;

  difficulty = self->library_case != NULL ? self->library_case->difficulty
                                          : NP_CASE_DIFFICULTY_MEDIUM;
  folder = g_path_get_basename (self->case_path);
  title = expert->title != NULL && *expert->title != '\0' ? expert->title : folder;
  info = g_strdup_printf ("%s · %s · %s%s", np_site_label (expert->site),
                          np_modality_label (expert->modality),
                          np_case_difficulty_label (difficulty),
                          np_calibration_is_calibrated (calibration) ? ""
                                                                     : _(" · not calibrated (px)"));
  gtk_label_set_text (self->case_title_label, title);
  gtk_label_set_text (self->case_info_label, info);

  /* The depth estimate is asked for only where the case can check it, and
   * every case starts without one: an empty field, nothing of the last
   * case's number. */
  self->syncing_depth = TRUE;
  gtk_check_button_set_active (self->depth_check, FALSE);
  gtk_spin_button_set_value (self->depth_spin, 0);
  self->syncing_depth = FALSE;
  show_depth_text (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->depth_check), has_depth);
  gtk_widget_set_sensitive (GTK_WIDGET (self->depth_spin), has_depth);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->depth_spin),
                               has_depth
                               ? _("How deep below the skin you think the target is, before "
                                 "any number is shown")
                               : _("This case cannot check a depth: it is not calibrated, or a "
                                 "single fluoroscopy view shows no depth"));

  self->tool = NP_TRAINING_MARK_TARGET;
  sync_tool_toggles (self);
  np_canvas_set_image (self->canvas, data->image);
  case_data_free (data);

  set_loading (self, FALSE);
  show_panel (self);
  fit_view (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* The score panel */

static GtkWidget *
make_metric_row (const NpTrainingScore *score,
                 NpTrainingMetric       metric)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name = gtk_label_new (np_training_metric_label (metric));
  g_autofree char *value_text = format_metric (score, metric);
  GtkWidget *value = gtk_label_new (value_text);
  GtkWidget *explanation = gtk_label_new (score->explanation[metric]);
  double penalty = score->penalty[metric];

  gtk_widget_add_css_class (row, "np-metric-row");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (top), name);
  gtk_widget_add_css_class (value, "numeric");
  gtk_label_set_selectable (GTK_LABEL (value), FALSE);
  gtk_box_append (GTK_BOX (top), value);
  if (metric == NP_TRAINING_METRIC_CRITICAL_ERROR && score->critical_error)
    gtk_widget_add_css_class (value, "error");
  gtk_box_append (GTK_BOX (row), top);

  gtk_label_set_wrap (GTK_LABEL (explanation), TRUE);
  gtk_label_set_xalign (GTK_LABEL (explanation), 0);
  gtk_widget_add_css_class (explanation, "dim-label");
  gtk_box_append (GTK_BOX (row), explanation);

  if (penalty >= 0.05)
    {
      g_autofree char *points = g_strdup_printf (_("−%.1f points"), penalty);
      GtkWidget *points_label = gtk_label_new (points);

      gtk_label_set_xalign (GTK_LABEL (points_label), 0);
      gtk_widget_add_css_class (points_label, "caption");
      gtk_widget_add_css_class (points_label, "np-metric-points");
      gtk_box_append (GTK_BOX (row), points_label);
    }
  return row;
}

static void
fill_score_panel (NpTrainingPractice *self)
{
  const NpTrainingScore *score = np_training_attempt_get_score (self->attempt);
  g_autofree char *value = _np_training_view_format_score (score->score);
  g_autofree char *legend = NULL;
  GtkWidget *child;
  static const char *const bands[] = { "success", "warning", "error" };

  gtk_label_set_text (self->score_label, value);
  for (guint i = 0; i < G_N_ELEMENTS (bands); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->score_label), bands[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->score_label),
                            score->critical_error || score->score < 50 ? "error"
                            : score->score < 80                       ? "warning"
                                                                      : "success");

  gtk_widget_set_visible (GTK_WIDGET (self->critical_banner), score->critical_error);
  if (score->critical_error)
    {
      const char *why = score->explanation[NP_TRAINING_METRIC_CRITICAL_ERROR];
      g_autofree char *text = g_strdup_printf (_("Critical error\n%s"), why != NULL ? why : "");
      gtk_label_set_text (self->critical_label, text);
    }

  gtk_label_set_text (self->score_summary_label,
                      score->explanation[NP_TRAINING_METRIC_SCORE] != NULL
                      ? score->explanation[NP_TRAINING_METRIC_SCORE] : "");
  /* The overlay's colours (np-overlay.h): orange target, violet expert. */
  legend = g_strdup_printf (_("<span foreground=\"#E69F00\">●</span> Your plan (“your target”)    "
                            "<span foreground=\"#%02X%02X%02X\">●</span> Expert’s answer "
                            "(dashed, region hatched)"),
                            NP_OVERLAY_EXPERT_R, NP_OVERLAY_EXPERT_G, NP_OVERLAY_EXPERT_B);
  gtk_label_set_markup (self->legend_label, legend);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->metrics_list))) != NULL)
    gtk_list_box_remove (self->metrics_list, child);
  for (guint i = 0; i < NP_TRAINING_VIEW_N_SHOWN_METRICS; i++)
    {
      NpTrainingMetric metric = _np_training_view_shown_metrics[i];

      if (score->explanation[metric] != NULL)
        gtk_list_box_append (self->metrics_list, make_metric_row (score, metric));
    }
}

/* GObject */

static void
np_training_practice_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  NpTrainingPractice *self = NP_TRAINING_PRACTICE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_SUBMITTED:
      g_value_set_boolean (value, is_submitted (self));
      break;
    case PROP_CAN_SUBMIT:
      g_value_set_boolean (value, self->can_submit);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_training_practice_dispose (GObject *object)
{
  NpTrainingPractice *self = NP_TRAINING_PRACTICE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->canvas != NULL)
    np_canvas_set_overlay_func (self->canvas, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRAINING_PRACTICE);
  /* The template's top box has no id, so it is not unparented with the rest. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->attempt);
  g_clear_pointer (&self->library_case, np_case_free);
  g_clear_pointer (&self->case_path, g_free);

  G_OBJECT_CLASS (np_training_practice_parent_class)->dispose (object);
}

static void
np_training_practice_class_init (NpTrainingPracticeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = np_training_practice_get_property;
  object_class->dispose = np_training_practice_dispose;

  /**
   * NpTrainingPractice:busy:
   *
   * Whether a case is being opened.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NpTrainingPractice:submitted:
   *
   * Whether the case was submitted and its answer is shown.
   */
  properties[PROP_SUBMITTED] =
    g_param_spec_boolean ("submitted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NpTrainingPractice:can-submit:
   *
   * Whether a case is open, not submitted, and its target placed.
   */
  properties[PROP_CAN_SUBMIT] =
    g_param_spec_boolean ("can-submit", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, canvas);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, progress_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, case_title_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, case_info_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, marking_box);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, instruction_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, target_toggle);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, entry_toggle);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, marks_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, depth_check);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, depth_spin);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, submit_button);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, score_box);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, critical_banner);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, critical_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, score_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, score_summary_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, legend_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, metrics_list);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, next_button);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingPractice, end_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-training-practice");
}

static void
np_training_practice_init (NpTrainingPractice *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;
  GtkEditable *depth_text;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tool = NP_TRAINING_MARK_TARGET;
  np_canvas_set_overlay_func (self->canvas, overlay_draw_cb, self, NULL);

  /* Marks: a press places the current mark or picks up the one under it. */
  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect_swapped (gesture, "drag-begin", G_CALLBACK (mark_drag_begin_cb), self);
  g_signal_connect_swapped (gesture, "drag-update", G_CALLBACK (mark_drag_update_cb), self);
  g_signal_connect_swapped (gesture, "drag-end", G_CALLBACK (mark_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (gesture));

  /* Capture phase: the canvas' own controller keeps the space key. */
  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (controller, "key-pressed", G_CALLBACK (canvas_key_pressed_cb), self);
  g_signal_connect_swapped (controller, "key-released", G_CALLBACK (canvas_key_released_cb),
                            self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (controller, "leave", G_CALLBACK (canvas_focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), controller);

  g_signal_connect_swapped (self->target_toggle, "toggled", G_CALLBACK (tool_toggled_cb), self);
  g_signal_connect_swapped (self->entry_toggle, "toggled", G_CALLBACK (tool_toggled_cb), self);
  g_signal_connect_swapped (self->depth_spin, "value-changed",
                            G_CALLBACK (depth_value_changed_cb), self);
  g_signal_connect (self->depth_spin, "input", G_CALLBACK (depth_input_cb), self);
  g_signal_connect (self->depth_spin, "output", G_CALLBACK (depth_output_cb), self);
  g_signal_connect_swapped (self->depth_check, "toggled", G_CALLBACK (depth_toggled_cb), self);
  /* Return in the depth field submits, like Return on the canvas. */
  depth_text = gtk_editable_get_delegate (GTK_EDITABLE (self->depth_spin));
  if (GTK_IS_TEXT (depth_text))
    {
      g_signal_connect_object (depth_text, "changed", G_CALLBACK (depth_text_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (depth_text, "activate", G_CALLBACK (depth_activate_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
}

/* Public */

GtkWidget *
np_training_practice_new (void)
{
  return g_object_new (NP_TYPE_TRAINING_PRACTICE, NULL);
}

/**
 * np_training_practice_load:
 * @plan_path: the case's plan file
 * @library_case: (nullable): the library's entry for it, for the case's
 *   words; %NULL reads them from the file
 * @progress: where the case stands in the session, e.g. "Case 1 of 5 · seed 7"
 * @last: whether it is the session's last case
 *
 * Opens the case in a worker thread (#NpTrainingPractice:busy is %TRUE
 * until it is shown), dropping the case shown.
 */
void
np_training_practice_load (NpTrainingPractice *self,
                           const char         *plan_path,
                           const NpCase       *library_case,
                           const char         *progress,
                           gboolean            last)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NP_IS_TRAINING_PRACTICE (self));
  g_return_if_fail (plan_path != NULL);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  clear_case (self);
  g_free (self->case_path);
  self->case_path = g_strdup (plan_path);
  g_clear_pointer (&self->library_case, np_case_free);
  self->library_case = library_case != NULL ? np_case_copy (library_case) : NULL;
  self->last = last;
  gtk_label_set_text (self->progress_label, progress != NULL ? progress : "");

  task = g_task_new (self, self->load_cancellable, load_case_done_cb, NULL);
  g_task_set_source_tag (task, np_training_practice_load);
  g_task_set_task_data (task, g_strdup (plan_path), g_free);

  set_loading (self, TRUE);
  show_panel (self);
  g_task_run_in_thread (task, load_case_thread);
}

/**
 * np_training_practice_clear:
 *
 * Stops opening a case and drops the one shown, with its frame.
 */
void
np_training_practice_clear (NpTrainingPractice *self)
{
  g_return_if_fail (NP_IS_TRAINING_PRACTICE (self));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  clear_case (self);
  np_canvas_set_frame (self->canvas, NULL);
  set_loading (self, FALSE);
}

gboolean
np_training_practice_get_busy (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), FALSE);

  return self->loading;
}

/**
 * np_training_practice_get_case_path:
 *
 * Returns: (transfer none) (nullable): the plan file of the case shown
 */
const char *
np_training_practice_get_case_path (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), NULL);

  return self->case_path;
}

/**
 * np_training_practice_get_attempt:
 *
 * Returns: (transfer none) (nullable): the attempt at the case shown;
 *   %NULL while it is being opened or when it could not be
 */
NpTrainingAttempt *
np_training_practice_get_attempt (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), NULL);

  return self->loading ? NULL : self->attempt;
}

/**
 * np_training_practice_fit_view:
 *
 * Fits the case as it opened: the whole frame, and for an in-plane case
 * the room beside it where the entry goes.
 */
void
np_training_practice_fit_view (NpTrainingPractice *self)
{
  g_return_if_fail (NP_IS_TRAINING_PRACTICE (self));

  fit_view (self);
}

/**
 * np_training_practice_get_canvas:
 *
 * Returns: (transfer none): the practice canvas
 */
NpCanvas *
np_training_practice_get_canvas (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), NULL);

  return self->canvas;
}

void
np_training_practice_set_tool (NpTrainingPractice *self,
                               NpTrainingMark      mark)
{
  g_return_if_fail (NP_IS_TRAINING_PRACTICE (self));

  self->tool = mark;
  sync_tool_toggles (self);
  update_instruction (self);
}

NpTrainingMark
np_training_practice_get_tool (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), NP_TRAINING_MARK_TARGET);

  return self->tool;
}

/**
 * np_training_practice_place_mark:
 * @point: where, in image coordinates
 *
 * Places (or moves) the trainee's target or entry, as a click would.
 * Marks are locked once the attempt is submitted.
 */
void
np_training_practice_place_mark (NpTrainingPractice *self,
                                 NpTrainingMark      mark,
                                 NpImagePoint        point)
{
  g_return_if_fail (NP_IS_TRAINING_PRACTICE (self));
  g_return_if_fail (self->attempt != NULL && !is_submitted (self));

  set_mark (self, mark, point);
}

gboolean
np_training_practice_get_can_submit (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), FALSE);

  return self->can_submit;
}

void
np_training_practice_set_depth_estimate (NpTrainingPractice *self,
                                         gboolean            stated,
                                         double              depth_mm)
{
  g_return_if_fail (NP_IS_TRAINING_PRACTICE (self));

  self->syncing_depth = TRUE;
  gtk_check_button_set_active (self->depth_check, stated);
  if (stated)
    gtk_spin_button_set_value (self->depth_spin, depth_mm);
  self->syncing_depth = FALSE;
  show_depth_text (self);
}

/**
 * np_training_practice_submit:
 * @session: (nullable): the session that records the score
 *
 * Scores the marks against the expert's answer, records the score in
 * @session and shows the answer and the score.
 *
 * Returns: %FALSE with @error set when the attempt cannot be scored
 */
gboolean
np_training_practice_submit (NpTrainingPractice  *self,
                             NpTrainingSession   *session,
                             GError             **error)
{
  NpPlannerOptions options;
  NpFrame *frame;
  gboolean stated;

  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->attempt == NULL || self->loading)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, _("There is no open attempt to submit"));
      return FALSE;
    }

  /* A value still being typed counts. */
  self->syncing_depth = TRUE;
  gtk_spin_button_update (self->depth_spin);
  self->syncing_depth = FALSE;
  stated = gtk_check_button_get_active (self->depth_check);

  /* The same field of view as the planning window: the calibration's
   * region, else the whole frame. */
  frame = np_canvas_get_frame (self->canvas);
  np_planner_options_init_for_frame (&options, np_training_attempt_get_expert (self->attempt),
                                     frame != NULL ? np_frame_get_width (frame) : 0,
                                     frame != NULL ? np_frame_get_height (frame) : 0);
  if (!np_training_attempt_submit (self->attempt, stated,
                                   gtk_spin_button_get_value (self->depth_spin), &options,
                                   session, error))
    return FALSE;

  self->dragging = FALSE;
  fill_score_panel (self);
  show_panel (self);
  np_canvas_queue_overlay_redraw (self->canvas);
  /* Return or N go on from here; the focus may have been in the depth field. */
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  update_can_submit (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBMITTED]);
  return TRUE;
}

gboolean
np_training_practice_get_submitted (NpTrainingPractice *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_PRACTICE (self), FALSE);

  return is_submitted (self);
}
