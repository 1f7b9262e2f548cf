/* np-training-view.c: training mode — case library, practice, session summary
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-training-view"

#include "config.h"

#include "np-training-view.h"

#include <adwaita.h>
#include <math.h>

#include "np-error.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-planner.h"
#include "np-png.h"
#include "np-window-level.h"

/* Case cards: the frame scaled to fit this box, in widget pixels. */
#define THUMBNAIL_WIDTH 224
#define THUMBNAIL_HEIGHT 168
/* An in-plane needle enters beyond the end of the probe. A linear probe's
 * image ends there, so the entry lies off the frame: the practice view
 * leaves this share of the frame's width free on each side, so the entry can
 * be clicked without zooming out first. A curvilinear image fans out from
 * the probe, whose ends lie near the frame's edges: a little room is enough.
 * The room is the same for every case of a kind, so it gives nothing of the
 * answer away. */
#define IN_PLANE_LINEAR_SIDE_ROOM 0.4
#define IN_PLANE_CURVILINEAR_SIDE_ROOM 0.05

struct _NpTrainingView
{
  GtkWidget parent_instance;

  /* Template widgets: library */
  GtkStack *stack;
  GtkDropDown *site_dropdown;
  GtkDropDown *modality_dropdown;
  GtkDropDown *difficulty_dropdown;
  GtkLabel *library_count_label;
  GtkSpinButton *n_cases_spin;
  GtkSpinButton *seed_spin;
  GtkStack *library_stack;
  GtkSpinner *library_spinner;
  AdwStatusPage *library_empty_page;
  GtkFlowBox *case_flowbox;
  GtkLabel *library_hint_label;

  /* Template widgets: practice */
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

  /* Template widgets: summary */
  GtkLabel *summary_title_label;
  GtkLabel *summary_subtitle_label;
  GtkFrame *summary_table_frame;
  GtkGrid *summary_grid;
  GtkDrawingArea *chart_area;
  GtkLabel *history_label;
  GtkButton *library_button;

  /* Owned: library */
  GStrv case_dirs;
  GPtrArray *cases;                 /* NpCase*: every case found */
  GHashTable *thumbnails;           /* plan path → GdkTexture */
  GPtrArray *shown;                 /* NpCase*: the cases matching the filter */
  GCancellable *scan_cancellable;
  gboolean scanned;                 /* a scan was started for case_dirs */
  gboolean n_cases_set;             /* the session length was given its default */

  /* Owned: history */
  NpTrainingHistory *history;       /* NULL when the file could not be read */
  GError *history_error;            /* why it could not */
  gboolean history_loaded;
  gboolean session_saved;
  GError *save_error;

  /* Owned: practice */
  NpTrainingSession *session;
  gboolean single_case;
  char *case_path;
  GCancellable *load_cancellable;
  NpPlan *expert;                   /* the case with its answer: never drawn before submit */
  NpPlan *trainee;                  /* the case without answer or structures, with the marks */
  NpPlan *attempt;                  /* after submit: the case's structures with the marks */
  NpPlanResults *attempt_results;
  NpPlan *answer;                   /* after submit: the expert's marks and region only */
  NpTrainingScore *score;
  GtkFileChooserNative *chooser;
  guint view_tick_id;

  /* State */
  gboolean scanning;
  gboolean loading;
  gboolean submitted;
  gboolean in_plane;                /* in-plane ultrasound: entries lie beyond the probe */
  gboolean case_has_depth;          /* calibrated and the frame shows depth */
  NpTrainingMark tool;
  gboolean dragging;
  NpTrainingMark drag_mark;
  NpWidgetPoint drag_start;
  gboolean space_held;
  gboolean syncing_toggles;
  gboolean syncing_depth;
};

G_DEFINE_FINAL_TYPE (NpTrainingView, np_training_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_PAGE,
  PROP_SUBMITTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const page_names[] = {
  [NP_TRAINING_VIEW_PAGE_LIBRARY] = "library",
  [NP_TRAINING_VIEW_PAGE_PRACTICE] = "practice",
  [NP_TRAINING_VIEW_PAGE_SUMMARY] = "summary",
};

/* The metrics in the score panel and the summary, in display order. */
static const NpTrainingMetric shown_metrics[] = {
  NP_TRAINING_METRIC_TARGET_ERROR,
  NP_TRAINING_METRIC_TARGET_HIT,
  NP_TRAINING_METRIC_ENTRY_DEVIATION,
  NP_TRAINING_METRIC_TRAJECTORY_DEVIATION,
  NP_TRAINING_METRIC_DEPTH_ERROR,
  NP_TRAINING_METRIC_PATH_LENGTH_RATIO,
  NP_TRAINING_METRIC_PATH_IN_TISSUE,
  NP_TRAINING_METRIC_SWEPT_AREA,
  NP_TRAINING_METRIC_CRITICAL_ERROR,
};

static void update_actions (NpTrainingView *self);
static void load_current_case (NpTrainingView *self);

/* Words */

static const char *
site_label (NpSite site)
{
  static const char *const labels[] = {
    [NP_SITE_KNEE] = "Knee",
    [NP_SITE_SHOULDER] = "Shoulder",
    [NP_SITE_HIP] = "Hip",
    [NP_SITE_TENDON] = "Tendon",
    [NP_SITE_LIGAMENT] = "Ligament",
    [NP_SITE_SOFT_TISSUE] = "Soft tissue",
  };

  return (guint) site < G_N_ELEMENTS (labels) ? labels[site] : "";
}

static const char *
modality_label (NpModality modality)
{
  return modality == NP_MODALITY_FLUOROSCOPY ? "Fluoroscopy" : "Ultrasound";
}

static const char *
difficulty_label (NpCaseDifficulty difficulty)
{
  static const char *const labels[] = {
    [NP_CASE_DIFFICULTY_EASY] = "Easy",
    [NP_CASE_DIFFICULTY_MEDIUM] = "Medium",
    [NP_CASE_DIFFICULTY_HARD] = "Hard",
  };

  return (guint) difficulty < G_N_ELEMENTS (labels) ? labels[difficulty] : "";
}

/* "78", "66.7": the score to a tenth, as the core's explanation gives it. */
static char *
format_score (double score)
{
  return g_strdup_printf ("%g", round (score * 10) / 10);
}

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
      return g_strdup (score->target_hit ? "Hit" : "Missed");
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
      return g_strdup_printf ("%+.1f mm (%+.0f %%)", score->depth_error_mm,
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
      return g_strdup (score->critical_error ? "Yes" : "No");
    case NP_TRAINING_METRIC_SCORE:
    case NP_TRAINING_N_METRICS:
    default:
      break;
    }
  return format_score (score->score);
}

/* A summary value: physical metrics are summarised in mm only (the core
 * leaves pixel attempts out of them). */
static char *
format_summary_value (NpTrainingMetric metric,
                      double           value)
{
  switch (metric)
    {
    case NP_TRAINING_METRIC_SCORE:
      return format_score (value);
    case NP_TRAINING_METRIC_TARGET_ERROR:
    case NP_TRAINING_METRIC_ENTRY_DEVIATION:
    case NP_TRAINING_METRIC_PATH_IN_TISSUE:
      return g_strdup_printf ("%.1f mm", value);
    case NP_TRAINING_METRIC_TRAJECTORY_DEVIATION:
      return g_strdup_printf ("%.1f°", value);
    case NP_TRAINING_METRIC_DEPTH_ERROR:
      return g_strdup_printf ("%.0f %%", value);
    case NP_TRAINING_METRIC_PATH_LENGTH_RATIO:
      return g_strdup_printf ("%.2f ×", value);
    case NP_TRAINING_METRIC_SWEPT_AREA:
      return g_strdup_printf ("%.0f mm²", value);
    case NP_TRAINING_METRIC_TARGET_HIT:
    case NP_TRAINING_METRIC_CRITICAL_ERROR:
      /* Yes/no metrics: the mean is the share of attempts. */
      return g_strdup_printf ("%.0f %%", 100 * value);
    case NP_TRAINING_N_METRICS:
    default:
      break;
    }
  return g_strdup_printf ("%g", value);
}

/* Messages */

static void
show_toast (NpTrainingView *self,
            const char     *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
  else
    g_info ("%s", text);
}

static void
show_error (NpTrainingView *self,
            const char     *heading,
            const GError   *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  g_info ("%s: %s", heading, error->message);
  if (!GTK_IS_WINDOW (root))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), heading,
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", "_Close");
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* State */

static void
set_busy (NpTrainingView *self,
          gboolean        scanning,
          gboolean        loading)
{
  gboolean was_busy = self->scanning || self->loading;

  self->scanning = scanning;
  self->loading = loading;
  if (was_busy != (scanning || loading))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_actions (self);
}

static void
set_page (NpTrainingView     *self,
          NpTrainingViewPage  page)
{
  if (np_training_view_get_page (self) == page)
    return;
  gtk_stack_set_visible_child_name (self->stack, page_names[page]);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static gboolean
practising (NpTrainingView *self)
{
  return np_training_view_get_page (self) == NP_TRAINING_VIEW_PAGE_PRACTICE &&
         !self->loading && self->expert != NULL;
}

static void
update_actions (NpTrainingView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  NpTrainingViewPage page = np_training_view_get_page (self);
  gboolean marking = practising (self) && !self->submitted;
  gboolean has_frame = practising (self) && np_canvas_get_frame (self->canvas) != NULL;
  static const char *const zoom_actions[] = {
    "training.zoom-in", "training.zoom-out", "training.zoom-fit", "training.zoom-actual",
  };

  gtk_widget_action_set_enabled (widget, "training.mark-target", marking);
  gtk_widget_action_set_enabled (widget, "training.mark-entry", marking);
  gtk_widget_action_set_enabled (widget, "training.submit",
                                 marking && self->trainee != NULL && self->trainee->has_target);
  gtk_widget_action_set_enabled (widget, "training.next",
                                 page == NP_TRAINING_VIEW_PAGE_PRACTICE && self->session != NULL &&
                                 !self->loading);
  gtk_widget_action_set_enabled (widget, "training.end-session",
                                 page == NP_TRAINING_VIEW_PAGE_PRACTICE && self->session != NULL &&
                                 !self->loading);
  gtk_widget_action_set_enabled (widget, "training.start-session",
                                 page == NP_TRAINING_VIEW_PAGE_LIBRARY && !self->scanning &&
                                 self->shown != NULL && self->shown->len > 0);
  gtk_widget_action_set_enabled (widget, "training.show-progress",
                                 page == NP_TRAINING_VIEW_PAGE_LIBRARY);
  gtk_widget_action_set_enabled (widget, "training.export-history",
                                 self->history != NULL &&
                                 np_training_history_get_n_sessions (self->history) > 0);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_actions); i++)
    gtk_widget_action_set_enabled (widget, zoom_actions[i], has_frame);
}

/* History */

static void
ensure_history (NpTrainingView *self)
{
  if (self->history_loaded)
    return;
  self->history_loaded = TRUE;
  self->history = np_training_history_load (NULL, &self->history_error);
  /* A damaged file is the user's to decide about: said in the summary. */
  if (self->history == NULL)
    g_info ("%s", self->history_error->message);
}

/* Library: scanning and thumbnails */

typedef struct
{
  GPtrArray *cases;          /* NpCase* */
  GPtrArray *thumbnails;     /* GBytes* or NULL, parallel: Cairo ARGB32 pixels */
  GArray *sizes;             /* int[3] width, height, stride, parallel */
} ScanResult;

static void
scan_result_free (ScanResult *result)
{
  g_clear_pointer (&result->cases, g_ptr_array_unref);
  g_clear_pointer (&result->thumbnails, g_ptr_array_unref);
  g_clear_pointer (&result->sizes, g_array_unref);
  g_free (result);
}

/* The frame through its default window, scaled to fit the thumbnail box, as
 * Cairo ARGB32 pixels (GDK_MEMORY_DEFAULT), or NULL when it cannot be read. */
static GBytes *
make_thumbnail (const char *frame_path,
                int         size[3])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_png_load (frame_path, &error);
  cairo_surface_t *source, *target;
  cairo_t *cr;
  guint width, height;
  gsize rgb_stride;
  g_autofree guint8 *rgb = NULL;
  guint8 *data;
  int source_stride, thumb_width, thumb_height;
  double scale;
  GBytes *bytes = NULL;

  if (frame == NULL)
    {
      g_info ("No thumbnail: %s", error->message);
      return NULL;
    }
  width = np_frame_get_width (frame);
  height = np_frame_get_height (frame);
  rgb_stride = (gsize) width * 3;
  rgb = g_malloc (rgb_stride * height);
  np_window_level_render_rgb (np_window_level_default (frame), frame, rgb, rgb_stride);

  source = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  if (cairo_surface_status (source) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (source);
      return NULL;
    }
  cairo_surface_flush (source);
  data = cairo_image_surface_get_data (source);
  source_stride = cairo_image_surface_get_stride (source);
  for (guint y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * source_stride);
      const guint8 *in = rgb + y * rgb_stride;

      for (guint x = 0; x < width; x++)
        row[x] = 0xff000000u | (guint32) in[3 * x] << 16 | (guint32) in[3 * x + 1] << 8 |
                 in[3 * x + 2];
    }
  cairo_surface_mark_dirty (source);

  scale = MIN (1.0, MIN ((double) THUMBNAIL_WIDTH / width, (double) THUMBNAIL_HEIGHT / height));
  thumb_width = MAX (1, (int) round (width * scale));
  thumb_height = MAX (1, (int) round (height * scale));
  target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, thumb_width, thumb_height);
  cr = cairo_create (target);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, source, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (target);

  if (cairo_surface_status (target) == CAIRO_STATUS_SUCCESS)
    {
      size[0] = thumb_width;
      size[1] = thumb_height;
      size[2] = cairo_image_surface_get_stride (target);
      bytes = g_bytes_new (cairo_image_surface_get_data (target), (gsize) size[2] * thumb_height);
    }
  cairo_surface_destroy (target);
  cairo_surface_destroy (source);
  return bytes;
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *const *dirs = task_data;
  GError *error = NULL;
  ScanResult *result = g_new0 (ScanResult, 1);

  result->cases = np_case_library_scan (dirs, &error);
  if (result->cases == NULL)
    {
      scan_result_free (result);
      g_task_return_error (task, error);
      return;
    }
  result->thumbnails = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  result->sizes = g_array_new (FALSE, TRUE, sizeof (int[3]));
  for (guint i = 0; i < result->cases->len; i++)
    {
      const NpCase *library_case = g_ptr_array_index (result->cases, i);
      int size[3] = { 0, 0, 0 };

      if (g_cancellable_is_cancelled (cancellable))
        break;
      g_ptr_array_add (result->thumbnails, make_thumbnail (library_case->frame_path, size));
      g_array_append_val (result->sizes, size);
    }
  if (g_task_return_error_if_cancelled (task))
    {
      scan_result_free (result);
      return;
    }
  g_task_return_pointer (task, result, (GDestroyNotify) scan_result_free);
}

static NpCaseFilter
current_filter (NpTrainingView *self)
{
  NpCaseFilter filter = { 0 };
  guint site = gtk_drop_down_get_selected (self->site_dropdown);
  guint modality = gtk_drop_down_get_selected (self->modality_dropdown);
  guint difficulty = gtk_drop_down_get_selected (self->difficulty_dropdown);

  /* Item 0 of each drop-down is "all"; the others follow the enums' order. */
  filter.by_site = site != GTK_INVALID_LIST_POSITION && site > 0;
  filter.site = filter.by_site ? (NpSite) (site - 1) : NP_SITE_KNEE;
  filter.by_modality = modality != GTK_INVALID_LIST_POSITION && modality > 0;
  filter.modality = filter.by_modality ? (NpModality) (modality - 1) : NP_MODALITY_ULTRASOUND;
  filter.by_difficulty = difficulty != GTK_INVALID_LIST_POSITION && difficulty > 0;
  filter.difficulty = filter.by_difficulty ? (NpCaseDifficulty) (difficulty - 1)
                                           : NP_CASE_DIFFICULTY_EASY;
  return filter;
}

static GtkWidget *
make_case_card (NpTrainingView *self,
                const NpCase   *library_case)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture;
  GtkWidget *title = gtk_label_new (library_case->title);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *info = g_strdup_printf ("%s · %s", site_label (library_case->site),
                                           modality_label (library_case->modality));
  GtkWidget *info_label = gtk_label_new (info);
  GtkWidget *difficulty = gtk_label_new (difficulty_label (library_case->difficulty));
  GdkTexture *texture = g_hash_table_lookup (self->thumbnails, library_case->plan_path);
  static const char *const difficulty_classes[] = { "easy", "medium", "hard" };
  g_autofree char *tooltip = g_strdup_printf ("Practise “%s” on its own", library_case->title);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "np-case-card");

  if (texture != NULL)
    picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (texture));
  else
    {
      picture = gtk_image_new_from_icon_name ("image-missing-symbolic");
      gtk_image_set_pixel_size (GTK_IMAGE (picture), 48);
    }
  gtk_widget_set_size_request (picture, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
  gtk_widget_add_css_class (picture, "np-case-thumbnail");
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  library_case->title, -1);
  gtk_box_append (GTK_BOX (card), picture);

  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_lines (GTK_LABEL (title), 3);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 24);
  gtk_label_set_width_chars (GTK_LABEL (title), 24);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_yalign (GTK_LABEL (title), 0);
  gtk_widget_set_vexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (card), title);

  gtk_label_set_xalign (GTK_LABEL (info_label), 0);
  gtk_widget_set_hexpand (info_label, TRUE);
  gtk_widget_add_css_class (info_label, "dim-label");
  gtk_box_append (GTK_BOX (row), info_label);
  gtk_widget_add_css_class (difficulty, "np-difficulty");
  gtk_widget_add_css_class (difficulty, difficulty_classes[library_case->difficulty]);
  gtk_box_append (GTK_BOX (row), difficulty);
  gtk_box_append (GTK_BOX (card), row);

  gtk_widget_set_tooltip_text (card, tooltip);
  g_object_set_data_full (G_OBJECT (card), "np-plan-path", g_strdup (library_case->plan_path),
                          g_free);
  return card;
}

static void
refilter (NpTrainingView *self)
{
  NpCaseFilter filter = current_filter (self);
  GtkWidget *child;
  g_autofree char *count = NULL;
  guint n;
  double previous;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->case_flowbox))) != NULL)
    gtk_flow_box_remove (self->case_flowbox, child);
  g_clear_pointer (&self->shown, g_ptr_array_unref);

  if (self->cases == NULL)
    {
      update_actions (self);
      return;
    }

  self->shown = np_case_library_filter (self->cases, &filter);
  n = self->shown->len;
  for (guint i = 0; i < n; i++)
    gtk_flow_box_append (self->case_flowbox,
                         make_case_card (self, g_ptr_array_index (self->shown, i)));

  if (self->cases->len == 0)
    count = g_strdup ("No cases found");
  else if (n == self->cases->len)
    count = g_strdup_printf (n == 1 ? "%u case" : "%u cases", n);
  else
    count = g_strdup_printf ("%u of %u cases", n, self->cases->len);
  gtk_label_set_text (self->library_count_label, count);

  /* Sessions take between one and all of the cases shown. */
  previous = gtk_spin_button_get_value (self->n_cases_spin);
  gtk_spin_button_set_range (self->n_cases_spin, 1, MAX (n, 1));
  if (!self->n_cases_set)
    {
      previous = NP_TRAINING_VIEW_DEFAULT_SESSION_CASES;
      self->n_cases_set = TRUE;
    }
  gtk_spin_button_set_value (self->n_cases_spin, MIN (previous, MAX (n, 1)));

  if (n > 0)
    gtk_stack_set_visible_child_name (self->library_stack, "cases");
  else
    {
      adw_status_page_set_title (self->library_empty_page,
                                 self->cases->len == 0 ? "No Training Cases"
                                                       : "No Cases Match the Filters");
      adw_status_page_set_description (self->library_empty_page,
                                       self->cases->len == 0
                                       ? "No plan file with an expert answer was found in the "
                                         "case folders listed below."
                                       : "Choose another site, modality or difficulty.");
      gtk_stack_set_visible_child_name (self->library_stack, "empty");
    }
  update_actions (self);
}

static void
scan_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpTrainingView *self = NP_TRAINING_VIEW (source_object);
  g_autoptr(GError) error = NULL;
  ScanResult *scan = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->scan_cancellable);
  gtk_spinner_set_spinning (self->library_spinner, FALSE);
  g_hash_table_remove_all (self->thumbnails);
  g_clear_pointer (&self->cases, g_ptr_array_unref);

  if (scan == NULL)
    {
      self->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) np_case_free);
      show_error (self, "Could Not Read the Training Cases", error);
    }
  else
    {
      for (guint i = 0; i < scan->thumbnails->len; i++)
        {
          GBytes *bytes = g_ptr_array_index (scan->thumbnails, i);
          const int *size = &g_array_index (scan->sizes, int, 3 * i);
          const NpCase *library_case = g_ptr_array_index (scan->cases, i);

          if (bytes != NULL)
            g_hash_table_insert (self->thumbnails, g_strdup (library_case->plan_path),
                                 gdk_memory_texture_new (size[0], size[1], GDK_MEMORY_DEFAULT,
                                                         bytes, size[2]));
        }
      self->cases = g_steal_pointer (&scan->cases);
      scan_result_free (scan);
    }

  refilter (self);
  set_busy (self, FALSE, self->loading);
}

static void
start_scan (NpTrainingView *self)
{
  g_autoptr(GTask) task = NULL;

  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  self->scan_cancellable = g_cancellable_new ();
  self->scanned = TRUE;

  gtk_stack_set_visible_child_name (self->library_stack, "loading");
  gtk_spinner_set_spinning (self->library_spinner, TRUE);
  task = g_task_new (self, self->scan_cancellable, scan_done_cb, NULL);
  g_task_set_source_tag (task, start_scan);
  g_task_set_task_data (task, g_strdupv (self->case_dirs), (GDestroyNotify) g_strfreev);
  set_busy (self, TRUE, self->loading);
  g_task_run_in_thread (task, scan_thread);
}

/* The installed cases, or the source tree's when run from a build (as the
 * sample frame of NpWindow), then the user's own folder. */
static GStrv
default_case_dirs (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *user_dir = np_case_library_dup_user_dir ();

  if (g_file_test (PKGDATADIR "/cases", G_FILE_TEST_IS_DIR))
    g_strv_builder_add (builder, PKGDATADIR "/cases");
  else
    g_strv_builder_add (builder, SOURCE_DATADIR "/cases");
  g_strv_builder_add (builder, user_dir);
  return g_strv_builder_end (builder);
}

static void
update_library_hint (NpTrainingView *self)
{
  g_autofree char *user_dir = np_case_library_dup_user_dir ();
  g_autofree char *display = g_filename_display_name (user_dir);
  g_autofree char *text =
    g_strdup_printf ("Click a case to practise it on its own. Your own cases — a plan file with "
                     "an expert answer next to its frame — go in %s.", display);

  gtk_label_set_text (self->library_hint_label, text);
}

/* Practice: overlay and marks */

static void
overlay_draw_cb (cairo_t  *cr,
                 double    zoom,
                 gpointer  user_data)
{
  NpTrainingView *self = user_data;
  NpFrame *frame = np_canvas_get_frame (self->canvas);
  NpOverlayOptions options;

  if (frame == NULL || self->trainee == NULL)
    return;

  np_overlay_options_init (&options, np_frame_get_width (frame), np_frame_get_height (frame));
  options.zoom = zoom;

  if (!self->submitted)
    {
      /* Only the trainee's marks, without results: no number before the
       * depth estimate is given. */
      if (self->dragging)
        options.selected = self->drag_mark == NP_TRAINING_MARK_TARGET ? NP_OVERLAY_MARK_TARGET
                                                                      : NP_OVERLAY_MARK_ENTRY;
      np_overlay_draw (cr, self->trainee, NULL, &options);
      return;
    }

  /* The attempt with the case's structures and its results, then the
   * expert's answer above it in its own style. */
  np_overlay_draw (cr, self->attempt, self->attempt_results, &options);
  options.style = NP_OVERLAY_STYLE_EXPERT;
  /* Its labels would sit on the trainee's; the panel's legend names it. */
  options.show_labels = FALSE;
  np_overlay_draw (cr, self->answer, NULL, &options);
}

static void
update_marks_label (NpTrainingView *self)
{
  g_autofree char *text = NULL;
  gboolean target = self->trainee != NULL && self->trainee->has_target;
  gboolean entry = self->trainee != NULL && self->trainee->has_entry;

  text = g_strdup_printf ("Target: %s · Entry: %s", target ? "placed" : "not placed",
                          entry ? "placed" : "not placed");
  gtk_label_set_text (self->marks_label, text);
}

static void
update_instruction (NpTrainingView *self)
{
  const char *text;

  if (self->loading)
    text = "Loading the case…";
  else if (self->expert == NULL)
    text = "This case could not be opened. Go on to the next case.";
  else if (self->tool == NP_TRAINING_MARK_TARGET)
    text = "Click where the needle tip should go (the target). Drag a mark to move it.";
  else if (self->in_plane)
    text = "Click where the needle enters the skin: for this in-plane approach, at the end "
           "of the probe, in line with the skin line. Drag a mark to move it.";
  else
    text = "Click where the needle enters the skin. Drag a mark to move it.";
  gtk_label_set_text (self->instruction_label, text);
}

static void
sync_tool_toggles (NpTrainingView *self)
{
  self->syncing_toggles = TRUE;
  gtk_toggle_button_set_active (self->target_toggle, self->tool == NP_TRAINING_MARK_TARGET);
  gtk_toggle_button_set_active (self->entry_toggle, self->tool == NP_TRAINING_MARK_ENTRY);
  self->syncing_toggles = FALSE;
}

static void
marks_changed (NpTrainingView *self)
{
  update_marks_label (self);
  update_actions (self);
  np_canvas_queue_overlay_redraw (self->canvas);
}

static NpTrainingMark
other_mark (NpTrainingMark mark)
{
  return mark == NP_TRAINING_MARK_TARGET ? NP_TRAINING_MARK_ENTRY : NP_TRAINING_MARK_TARGET;
}

static void
set_mark (NpTrainingView *self,
          NpTrainingMark  mark,
          NpImagePoint    point)
{
  if (mark == NP_TRAINING_MARK_TARGET)
    {
      self->trainee->has_target = TRUE;
      self->trainee->target = point;
    }
  else
    {
      self->trainee->has_entry = TRUE;
      self->trainee->entry = point;
    }
  marks_changed (self);
}

/* The mark whose handle is within reach of widget point (x, y), nearest first. */
static gboolean
hit_mark (NpTrainingView *self,
          double          x,
          double          y,
          NpTrainingMark *mark)
{
  double best = NP_TRAINING_VIEW_HANDLE_RADIUS;
  gboolean found = FALSE;

  for (guint i = 0; i < 2; i++)
    {
      NpTrainingMark candidate = i == 0 ? NP_TRAINING_MARK_TARGET : NP_TRAINING_MARK_ENTRY;
      NpImagePoint point;
      NpWidgetPoint w;
      double distance;

      if (!np_training_view_get_mark (self, candidate, &point))
        continue;
      w = np_canvas_image_to_widget (self->canvas, point);
      distance = hypot (w.x - x, w.y - y);
      if (distance <= best)
        {
          best = distance;
          *mark = candidate;
          found = TRUE;
        }
    }
  return found;
}

static void
mark_drag_begin_cb (NpTrainingView *self,
                    double          x,
                    double          y,
                    GtkGestureDrag *gesture)
{
  NpTrainingMark mark;

  if (!practising (self) || self->submitted || self->space_held ||
      np_canvas_get_frame (self->canvas) == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));

  self->dragging = TRUE;
  self->drag_start = np_widget_point (x, y);
  if (hit_mark (self, x, y, &mark))
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
  set_mark (self, mark, np_canvas_widget_to_image (self->canvas, x, y));
  if (!np_training_view_get_mark (self, other_mark (mark), NULL))
    np_training_view_set_tool (self, other_mark (mark));
}

static void
mark_drag_update_cb (NpTrainingView *self,
                     double          offset_x,
                     double          offset_y,
                     GtkGestureDrag *gesture)
{
  if (!self->dragging || self->trainee == NULL || self->submitted)
    return;
  set_mark (self, self->drag_mark,
            np_canvas_widget_to_image (self->canvas, self->drag_start.x + offset_x,
                                       self->drag_start.y + offset_y));
}

static void
mark_drag_end_cb (NpTrainingView *self,
                  double          offset_x,
                  double          offset_y,
                  GtkGestureDrag *gesture)
{
  if (!self->dragging)
    return;
  self->dragging = FALSE;
  np_canvas_queue_overlay_redraw (self->canvas);
}

/* Space + drag pans the canvas: the canvas' own gesture takes it then. */
static gboolean
canvas_key_pressed_cb (NpTrainingView        *self,
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
canvas_key_released_cb (NpTrainingView        *self,
                        guint                  keyval,
                        guint                  keycode,
                        GdkModifierType        state,
                        GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_space)
    self->space_held = FALSE;
}

static void
canvas_focus_leave_cb (NpTrainingView          *self,
                       GtkEventControllerFocus *controller)
{
  self->space_held = FALSE;
}

static void
tool_toggled_cb (NpTrainingView  *self,
                 GtkToggleButton *toggle)
{
  if (self->syncing_toggles || !gtk_toggle_button_get_active (toggle))
    return;
  np_training_view_set_tool (self, toggle == self->target_toggle ? NP_TRAINING_MARK_TARGET
                                                                 : NP_TRAINING_MARK_ENTRY);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

/* Typing a depth (or stepping it) states it; the check box withdraws it
 * again. Typing counts at once, even a value equal to the one shown. */
static void
depth_edited_cb (NpTrainingView *self)
{
  if (self->syncing_depth)
    return;
  gtk_check_button_set_active (self->depth_check, TRUE);
}

static void
depth_activate_cb (NpTrainingView *self,
                   GtkText        *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "training.submit", NULL);
}

/* Practice: fitting the view */

static gboolean
initial_view_tick_cb (GtkWidget     *widget,
                      GdkFrameClock *frame_clock,
                      gpointer       user_data)
{
  NpTrainingView *self = user_data;
  NpFrame *frame = np_canvas_get_frame (self->canvas);
  int width = gtk_widget_get_width (widget);

  if (frame == NULL)
    {
      self->view_tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  if (width <= 0)
    return G_SOURCE_CONTINUE;

  np_canvas_zoom_fit (self->canvas);
  if (self->in_plane)
    {
      double side = self->expert != NULL && self->expert->probe == NP_PROBE_CURVILINEAR
                    ? IN_PLANE_CURVILINEAR_SIDE_ROOM : IN_PLANE_LINEAR_SIDE_ROOM;
      double room = (width - 2 * NP_CANVAS_FIT_MARGIN) /
                    (np_frame_get_width (frame) * (1 + 2 * side));

      /* Fitting centres the frame, and zooming keeps the view's centre. */
      if (room > 0 && room < np_canvas_get_zoom (self->canvas))
        np_canvas_set_zoom (self->canvas, room);
    }
  self->view_tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
schedule_initial_view (NpTrainingView *self)
{
  if (self->view_tick_id != 0)
    return;
  self->view_tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self->canvas),
                                                     initial_view_tick_cb, self, NULL);
}

/* Practice: loading a case */

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
                   "“%s” has no expert answer (a target or an acceptable target region), so it "
                   "cannot be practised", display);
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

/* A copy of the case without its answer, its structures or measurements:
 * what the trainee's marks are drawn on before submitting. The skin line,
 * calibration and probe stay: they are part of the image, not the answer. */
static NpPlan *
blank_attempt (const NpPlan *expert)
{
  NpPlan *plan = np_plan_copy (expert);

  plan->has_target = FALSE;
  plan->has_entry = FALSE;
  g_ptr_array_set_size (plan->structures, 0);
  g_array_set_size (plan->measurements, 0);
  g_array_set_size (plan->target_region, 0);
  return plan;
}

static void
clear_case (NpTrainingView *self)
{
  g_clear_pointer (&self->expert, np_plan_free);
  g_clear_pointer (&self->trainee, np_plan_free);
  g_clear_pointer (&self->attempt, np_plan_free);
  g_clear_pointer (&self->attempt_results, np_plan_results_free);
  g_clear_pointer (&self->answer, np_plan_free);
  g_clear_pointer (&self->score, np_training_score_free);
  self->dragging = FALSE;
  if (self->submitted)
    {
      self->submitted = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBMITTED]);
    }
}

static void
update_progress_label (NpTrainingView *self)
{
  g_autofree char *text = NULL;

  if (self->session == NULL)
    text = g_strdup ("");
  else if (self->single_case)
    text = g_strdup ("Practice · one case");
  else
    text = g_strdup_printf ("Case %u of %u · seed %u",
                            np_training_session_get_position (self->session) + 1,
                            np_training_session_get_n_cases (self->session),
                            np_training_session_get_seed (self->session));
  gtk_label_set_text (self->progress_label, text);
}

static void
update_next_button (NpTrainingView *self)
{
  gboolean last = self->session != NULL &&
                  np_training_session_get_position (self->session) + 1 >=
                  np_training_session_get_n_cases (self->session);
  const char *label;

  if (!self->submitted)
    label = last ? "Skip and Finish" : "Skip Case";
  else
    label = last ? "Finish" : "Next Case";
  gtk_button_set_label (self->next_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->end_button), !last);
  if (self->submitted)
    gtk_widget_add_css_class (GTK_WIDGET (self->next_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->next_button), "suggested-action");
}

static void
show_practice_panel (NpTrainingView *self)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->panel_scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
  gtk_widget_set_visible (GTK_WIDGET (self->marking_box), !self->submitted);
  gtk_widget_set_visible (GTK_WIDGET (self->score_box), self->submitted);
  update_progress_label (self);
  update_instruction (self);
  update_marks_label (self);
  update_next_button (self);
  update_actions (self);
}

static void
load_case_done_cb (GObject      *source_object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NpTrainingView *self = NP_TRAINING_VIEW (source_object);
  g_autoptr(GError) error = NULL;
  CaseData *data = g_task_propagate_pointer (G_TASK (result), &error);
  NpCalibration *calibration;
  g_autofree char *info = NULL;
  g_autofree char *folder = NULL;
  const char *title;
  NpCaseDifficulty difficulty;
  g_autoptr(NpCase) library_case = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->load_cancellable);

  if (data == NULL)
    {
      np_canvas_set_frame (self->canvas, NULL);
      gtk_label_set_text (self->case_title_label, "Case not available");
      gtk_label_set_text (self->case_info_label, error->message);
      set_busy (self, self->scanning, FALSE);
      show_practice_panel (self);
      show_error (self, "Could Not Open the Case", error);
      return;
    }

  self->expert = g_steal_pointer (&data->plan);
  self->trainee = blank_attempt (self->expert);
  calibration = self->expert->calibration;
  self->in_plane = self->expert->modality == NP_MODALITY_ULTRASOUND &&
                   self->expert->technique == NP_TECHNIQUE_IN_PLANE;

  /* The card's words: the library's entry for this plan, else read now. */
  for (guint i = 0; self->cases != NULL && i < self->cases->len && library_case == NULL; i++)
    if (g_strcmp0 (((NpCase *) g_ptr_array_index (self->cases, i))->plan_path,
                   self->case_path) == 0)
      library_case = np_case_copy (g_ptr_array_index (self->cases, i));
  if (library_case == NULL)
    library_case = np_case_new_from_file (self->case_path, NULL);
  self->case_has_depth = library_case != NULL ? library_case->has_depth
                                              : np_calibration_is_calibrated (calibration);
  difficulty = library_case != NULL ? library_case->difficulty : NP_CASE_DIFFICULTY_MEDIUM;
  folder = g_path_get_basename (self->case_path);
  title = self->expert->title != NULL && *self->expert->title != '\0' ? self->expert->title
                                                                     : folder;
  info = g_strdup_printf ("%s · %s · %s%s", site_label (self->expert->site),
                          modality_label (self->expert->modality), difficulty_label (difficulty),
                          np_calibration_is_calibrated (calibration) ? ""
                                                                     : " · not calibrated (px)");
  gtk_label_set_text (self->case_title_label, title);
  gtk_label_set_text (self->case_info_label, info);

  /* The depth estimate is asked for only where the case can check it. */
  self->syncing_depth = TRUE;
  gtk_check_button_set_active (self->depth_check, FALSE);
  self->syncing_depth = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->depth_check), self->case_has_depth);
  gtk_widget_set_sensitive (GTK_WIDGET (self->depth_spin), self->case_has_depth);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->depth_spin),
                               self->case_has_depth
                               ? "How deep below the skin you think the target is, before "
                                 "any number is shown"
                               : "This case cannot check a depth: it is not calibrated, or a "
                                 "single fluoroscopy view shows no depth");

  self->tool = NP_TRAINING_MARK_TARGET;
  sync_tool_toggles (self);
  np_canvas_set_image (self->canvas, data->image);
  case_data_free (data);

  set_busy (self, self->scanning, FALSE);
  show_practice_panel (self);
  schedule_initial_view (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
load_current_case (NpTrainingView *self)
{
  g_autoptr(GTask) task = NULL;
  const char *path = np_training_session_get_current_case (self->session);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  clear_case (self);
  g_free (self->case_path);
  self->case_path = g_strdup (path);

  task = g_task_new (self, self->load_cancellable, load_case_done_cb, NULL);
  g_task_set_source_tag (task, load_current_case);
  g_task_set_task_data (task, g_strdup (path), g_free);

  set_busy (self, self->scanning, TRUE);
  set_page (self, NP_TRAINING_VIEW_PAGE_PRACTICE);
  show_practice_panel (self);
  g_task_run_in_thread (task, load_case_thread);
}

/* Practice: the score panel */

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
      g_autofree char *points = g_strdup_printf ("−%.1f points", penalty);
      GtkWidget *points_label = gtk_label_new (points);

      gtk_label_set_xalign (GTK_LABEL (points_label), 0);
      gtk_widget_add_css_class (points_label, "caption");
      gtk_widget_add_css_class (points_label, "np-metric-points");
      gtk_box_append (GTK_BOX (row), points_label);
    }
  return row;
}

static void
fill_score_panel (NpTrainingView *self)
{
  const NpTrainingScore *score = self->score;
  g_autofree char *value = format_score (score->score);
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
      g_autofree char *text = g_strdup_printf ("Critical error\n%s", why != NULL ? why : "");
      gtk_label_set_text (self->critical_label, text);
    }

  gtk_label_set_text (self->score_summary_label,
                      score->explanation[NP_TRAINING_METRIC_SCORE] != NULL
                      ? score->explanation[NP_TRAINING_METRIC_SCORE] : "");
  /* The overlay's colours (np-overlay.c): orange target, bluish green expert. */
  gtk_label_set_markup (self->legend_label,
                        "<span foreground=\"#E69F00\">●</span> Your plan    "
                        "<span foreground=\"#009E73\">●</span> Expert’s answer (dashed)");

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->metrics_list))) != NULL)
    gtk_list_box_remove (self->metrics_list, child);
  for (guint i = 0; i < G_N_ELEMENTS (shown_metrics); i++)
    if (score->explanation[shown_metrics[i]] != NULL)
      gtk_list_box_append (self->metrics_list, make_metric_row (score, shown_metrics[i]));
}

/* Summary */

static void
add_summary_cell (NpTrainingView *self,
                  const char     *text,
                  int             column,
                  int             row,
                  gboolean        heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_widget_set_hexpand (label, column == 0);
  if (heading)
    {
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
    }
  else if (column > 0)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (self->summary_grid, label, column, row, 1, 1);
}

static void
fill_summary_table (NpTrainingView *self)
{
  static const char *const headings[] = { "Metric", "Attempts", "Mean", "SD", "Best", "Worst" };
  GtkWidget *child;
  int row = 1;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid))) != NULL)
    gtk_grid_remove (self->summary_grid, child);
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    add_summary_cell (self, headings[i], i, 0, TRUE);

  for (guint i = 0; i <= G_N_ELEMENTS (shown_metrics); i++)
    {
      NpTrainingMetric metric = i == 0 ? NP_TRAINING_METRIC_SCORE : shown_metrics[i - 1];
      gboolean yes_no = metric == NP_TRAINING_METRIC_TARGET_HIT ||
                        metric == NP_TRAINING_METRIC_CRITICAL_ERROR;
      NpTrainingSummary summary;
      g_autofree char *n = NULL;
      g_autofree char *mean = NULL;
      g_autofree char *sd = NULL;
      g_autofree char *best = NULL;
      g_autofree char *worst = NULL;
      const char *name = np_training_metric_label (metric);

      if (!np_training_session_summarize (self->session, metric, &summary) || summary.n == 0)
        continue;
      n = g_strdup_printf ("%u", summary.n);
      mean = format_summary_value (metric, summary.mean);
      if (yes_no)
        {
          /* A share of attempts has no spread worth a number here. */
          name = metric == NP_TRAINING_METRIC_TARGET_HIT ? "Targets hit"
                                                         : "Critical errors";
          sd = g_strdup ("—");
          best = g_strdup ("—");
          worst = g_strdup ("—");
        }
      else
        {
          sd = format_summary_value (metric, summary.sd);
          best = format_summary_value (metric, summary.best);
          worst = format_summary_value (metric, summary.worst);
        }
      add_summary_cell (self, name, 0, row, FALSE);
      add_summary_cell (self, n, 1, row, FALSE);
      add_summary_cell (self, mean, 2, row, FALSE);
      add_summary_cell (self, sd, 3, row, FALSE);
      add_summary_cell (self, best, 4, row, FALSE);
      add_summary_cell (self, worst, 5, row, FALSE);
      row++;
    }
}

static void
update_history_label (NpTrainingView *self)
{
  g_autofree char *text = NULL;

  if (self->history == NULL)
    text = g_strdup_printf ("The training history could not be read, so it is left as it "
                            "is and nothing is added to it: %s",
                            self->history_error != NULL ? self->history_error->message : "");
  else
    {
      guint n = np_training_history_get_n_sessions (self->history);
      const char *file = np_training_history_get_path (self->history);
      g_autofree char *path = g_filename_display_name (file);

      if (n == 0)
        text = g_strdup_printf ("No session finished yet. Finished sessions are kept in %s.",
                                path);
      else
        text = g_strdup_printf (n == 1 ? "%u session, kept in %s." : "%u sessions, kept in %s.",
                                n, path);
    }
  gtk_label_set_text (self->history_label, text);
}

static void
show_summary (NpTrainingView *self)
{
  gboolean has_session = self->session != NULL;

  ensure_history (self);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_table_frame),
                          has_session && np_training_session_get_n_scored (self->session) > 0);
  if (has_session)
    {
      guint n_cases = np_training_session_get_n_cases (self->session);
      guint n_scored = np_training_session_get_n_scored (self->session);
      g_autofree char *cases = NULL;
      g_autofree char *subtitle = NULL;
      const char *saved;

      if (self->session_saved)
        saved = "Saved to your training history.";
      else if (n_scored == 0)
        saved = "Nothing was scored, so nothing was added to your history.";
      else
        saved = "Not saved to your history (see below).";

      if (self->single_case)
        cases = g_strdup ("One case practised on its own.");
      else
        cases = g_strdup_printf ("%u case%s in the order of seed %u: %u scored, %u skipped.",
                                 n_cases, n_cases == 1 ? "" : "s",
                                 np_training_session_get_seed (self->session), n_scored,
                                 n_cases - n_scored);
      subtitle = g_strdup_printf ("%s %s", cases, saved);
      gtk_label_set_text (self->summary_title_label, "Session Complete");
      gtk_label_set_text (self->summary_subtitle_label, subtitle);
      if (n_scored > 0)
        fill_summary_table (self);
    }
  else
    {
      gtk_label_set_text (self->summary_title_label, "Your Progress");
      gtk_label_set_text (self->summary_subtitle_label,
                          "The mean score of each finished session, with whiskers of one "
                          "standard deviation. Sessions with a critical error are ringed in red.");
    }

  update_history_label (self);
  if (self->save_error != NULL)
    {
      g_autofree char *text = g_strdup_printf ("This session could not be saved: %s",
                                               self->save_error->message);
      gtk_label_set_text (self->history_label, text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self->chart_area));
  set_page (self, NP_TRAINING_VIEW_PAGE_SUMMARY);
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->library_button));
}

static void
finish_session (NpTrainingView *self)
{
  ensure_history (self);
  self->session_saved = FALSE;
  g_clear_error (&self->save_error);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  clear_case (self);
  np_canvas_set_frame (self->canvas, NULL);
  set_busy (self, self->scanning, FALSE);

  if (np_training_session_get_n_scored (self->session) > 0)
    {
      if (self->history == NULL)
        self->save_error = g_error_copy (self->history_error);
      else if (np_training_history_append (self->history, self->session, NULL, &self->save_error))
        self->session_saved = TRUE;
      if (self->save_error != NULL)
        show_error (self, "Could Not Save the Session", self->save_error);
    }
  show_summary (self);
}

static void
chart_draw_cb (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  NpTrainingView *self = user_data;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  if (self->history == NULL)
    return;
  np_training_history_draw_progress_styled (cr, width, height, self->history,
                                            dark ? NP_TRAINING_CHART_DARK
                                                 : NP_TRAINING_CHART_LIGHT);
}

static void
dark_changed_cb (NpTrainingView  *self,
                 GParamSpec      *pspec,
                 AdwStyleManager *manager)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->chart_area));
}

/* Actions */

static void
mark_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  np_training_view_set_tool (self, g_str_equal (action_name, "training.mark-target")
                                   ? NP_TRAINING_MARK_TARGET : NP_TRAINING_MARK_ENTRY);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!np_training_view_submit (self, &error))
    show_error (self, "Could Not Score the Attempt", error);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  np_training_view_next (NP_TRAINING_VIEW (widget));
}

static void
end_session_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  np_training_view_end_session (NP_TRAINING_VIEW (widget));
}

static void
start_session_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);
  g_autoptr(GError) error = NULL;
  guint n = (guint) gtk_spin_button_get_value_as_int (self->n_cases_spin);
  guint32 seed = (guint32) gtk_spin_button_get_value (self->seed_spin);

  if (!np_training_view_start_session (self, n, seed, &error))
    show_error (self, "Could Not Start the Session", error);
}

static void
new_seed_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  gtk_spin_button_set_value (self->seed_spin, g_random_int ());
}

static void
show_library_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  g_clear_object (&self->session);
  set_page (self, NP_TRAINING_VIEW_PAGE_LIBRARY);
}

static void
show_progress_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  g_clear_object (&self->session);
  g_clear_error (&self->save_error);
  show_summary (self);
}

static void
export_response_cb (NpTrainingView       *self,
                    int                   response,
                    GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);

  if (path != NULL && self->history != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (np_training_history_export_csv (self->history, path, &error))
        {
          g_autofree char *display = g_filename_display_name (path);
          g_autofree char *text = g_strdup_printf ("History exported to %s", display);

          show_toast (self, text);
        }
      else
        show_error (self, "Could Not Export the History", error);
    }
  else if (file != NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (NP_ERROR, NP_ERROR_IO,
                             "The history can only be exported to a local folder");
      show_error (self, "Could Not Export the History", error);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
export_history_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    {
      gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
      return;
    }
  self->chooser = gtk_file_chooser_native_new ("Export History as CSV",
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               "_Export", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, "CSV files");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser),
                                     "needleplan-training-history.csv");
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpCanvas *canvas = NP_TRAINING_VIEW (widget)->canvas;

  if (g_str_equal (action_name, "training.zoom-in"))
    np_canvas_zoom_in (canvas);
  else if (g_str_equal (action_name, "training.zoom-out"))
    np_canvas_zoom_out (canvas);
  else if (g_str_equal (action_name, "training.zoom-fit"))
    np_canvas_zoom_fit (canvas);
  else
    np_canvas_zoom_actual_size (canvas);
}

/* Signals of the library widgets */

static void
filter_changed_cb (NpTrainingView *self,
                   GParamSpec     *pspec,
                   GtkDropDown    *dropdown)
{
  refilter (self);
}

static void
case_activated_cb (NpTrainingView *self,
                   GtkFlowBoxChild *child,
                   GtkFlowBox      *flowbox)
{
  const char *path = g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (child)),
                                        "np-plan-path");
  g_autoptr(GError) error = NULL;

  if (path != NULL && !np_training_view_practise_case (self, path, &error))
    show_error (self, "Could Not Open the Case", error);
}

/* GtkWidget */

static void
np_training_view_map (GtkWidget *widget)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  GTK_WIDGET_CLASS (np_training_view_parent_class)->map (widget);

  /* The library is read the first time training mode is shown, so that
   * opening a window for planning costs nothing. */
  if (!self->scanned)
    start_scan (self);
  ensure_history (self);
  update_actions (self);
}

/* GObject */

static void
np_training_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  NpTrainingView *self = NP_TRAINING_VIEW (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, np_training_view_get_busy (self));
      break;
    case PROP_PAGE:
      g_value_set_uint (value, np_training_view_get_page (self));
      break;
    case PROP_SUBMITTED:
      g_value_set_boolean (value, self->submitted);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_training_view_dispose (GObject *object)
{
  NpTrainingView *self = NP_TRAINING_VIEW (object);

  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->view_tick_id != 0 && self->canvas != NULL)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self->canvas), self->view_tick_id);
  self->view_tick_id = 0;
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->canvas != NULL)
    np_canvas_set_overlay_func (self->canvas, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRAINING_VIEW);

  clear_case (self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->case_path, g_free);
  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->case_dirs, g_strfreev);
  g_clear_pointer (&self->history, np_training_history_free);
  g_clear_error (&self->history_error);
  g_clear_error (&self->save_error);

  G_OBJECT_CLASS (np_training_view_parent_class)->dispose (object);
}

static void
add_binding (GtkWidgetClass *widget_class,
             guint           keyval,
             const char     *action)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, action, NULL);
}

static void
np_training_view_class_init (NpTrainingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = np_training_view_get_property;
  object_class->dispose = np_training_view_dispose;
  widget_class->map = np_training_view_map;

  /**
   * NpTrainingView:busy:
   *
   * Whether the library is being read or a case is being opened.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NpTrainingView:page:
   *
   * The #NpTrainingViewPage shown.
   */
  properties[PROP_PAGE] =
    g_param_spec_uint ("page", NULL, NULL, 0, NP_TRAINING_VIEW_PAGE_SUMMARY, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NpTrainingView:submitted:
   *
   * Whether the current case was submitted and its answer is shown.
   */
  properties[PROP_SUBMITTED] =
    g_param_spec_boolean ("submitted", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NP_TYPE_CANVAS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, stack);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, site_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, modality_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, difficulty_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library_count_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, n_cases_spin);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library_stack);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library_spinner);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library_empty_page);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, case_flowbox);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library_hint_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, canvas);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, case_title_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, case_info_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, panel_scroller);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, marking_box);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, instruction_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, target_toggle);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, entry_toggle);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, marks_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, depth_check);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, depth_spin);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, submit_button);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, score_box);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, critical_banner);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, critical_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, score_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, score_summary_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, legend_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, metrics_list);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, next_button);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, end_button);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, summary_title_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, summary_subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, summary_table_frame);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, summary_grid);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, chart_area);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, history_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library_button);
  /* Named for tests only. */
  gtk_widget_class_bind_template_child_full (widget_class, "export_button", FALSE, 0);

  gtk_widget_class_install_action (widget_class, "training.mark-target", NULL, mark_action);
  gtk_widget_class_install_action (widget_class, "training.mark-entry", NULL, mark_action);
  gtk_widget_class_install_action (widget_class, "training.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "training.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "training.end-session", NULL,
                                   end_session_action);
  gtk_widget_class_install_action (widget_class, "training.start-session", NULL,
                                   start_session_action);
  gtk_widget_class_install_action (widget_class, "training.new-seed", NULL, new_seed_action);
  gtk_widget_class_install_action (widget_class, "training.show-library", NULL,
                                   show_library_action);
  gtk_widget_class_install_action (widget_class, "training.show-progress", NULL,
                                   show_progress_action);
  gtk_widget_class_install_action (widget_class, "training.export-history", NULL,
                                   export_history_action);
  gtk_widget_class_install_action (widget_class, "training.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "training.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "training.zoom-fit", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "training.zoom-actual", NULL, zoom_action);

  /* Bindings of the view, not the window: they act while the focus is in
   * training mode and leave the planning keys alone otherwise. A disabled
   * action lets the key go on to the window. Listed in ui/np-shortcuts.ui. */
  add_binding (widget_class, GDK_KEY_t, "training.mark-target");
  add_binding (widget_class, GDK_KEY_e, "training.mark-entry");
  add_binding (widget_class, GDK_KEY_Return, "training.submit");
  add_binding (widget_class, GDK_KEY_KP_Enter, "training.submit");
  add_binding (widget_class, GDK_KEY_n, "training.next");
  /* The window's zoom keys, for the practice canvas. */
  add_binding (widget_class, GDK_KEY_plus, "training.zoom-in");
  add_binding (widget_class, GDK_KEY_equal, "training.zoom-in");
  add_binding (widget_class, GDK_KEY_KP_Add, "training.zoom-in");
  add_binding (widget_class, GDK_KEY_minus, "training.zoom-out");
  add_binding (widget_class, GDK_KEY_KP_Subtract, "training.zoom-out");
  add_binding (widget_class, GDK_KEY_0, "training.zoom-fit");
  add_binding (widget_class, GDK_KEY_KP_0, "training.zoom-fit");
  add_binding (widget_class, GDK_KEY_1, "training.zoom-actual");
  add_binding (widget_class, GDK_KEY_KP_1, "training.zoom-actual");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-training-view");
}

static void
np_training_view_init (NpTrainingView *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;
  GtkEditable *depth_text;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->case_dirs = default_case_dirs ();
  self->tool = NP_TRAINING_MARK_TARGET;
  gtk_spin_button_set_value (self->seed_spin, g_random_int ());
  update_library_hint (self);

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
  g_signal_connect_swapped (self->depth_spin, "value-changed", G_CALLBACK (depth_edited_cb),
                            self);
  /* Return in the depth field submits, like Return on the canvas. */
  depth_text = gtk_editable_get_delegate (GTK_EDITABLE (self->depth_spin));
  if (GTK_IS_TEXT (depth_text))
    {
      g_signal_connect_object (depth_text, "changed", G_CALLBACK (depth_edited_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (depth_text, "activate", G_CALLBACK (depth_activate_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }

  g_signal_connect_swapped (self->site_dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->modality_dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->difficulty_dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->case_flowbox, "child-activated",
                            G_CALLBACK (case_activated_cb), self);

  gtk_drawing_area_set_draw_func (self->chart_area, chart_draw_cb, self, NULL);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);

  update_actions (self);
}

/* Public */

GtkWidget *
np_training_view_new (void)
{
  return g_object_new (NP_TYPE_TRAINING_VIEW, NULL);
}

/**
 * np_training_view_set_case_dirs:
 * @dirs: (array zero-terminated=1) (nullable): folders to look for cases in;
 *   %NULL for the installed cases and the user's folder
 *
 * Reads the library again from @dirs (in a worker thread; #NpTrainingView:busy
 * is %TRUE until it is done).
 */
void
np_training_view_set_case_dirs (NpTrainingView    *self,
                                const char *const *dirs)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  g_strfreev (self->case_dirs);
  self->case_dirs = dirs != NULL ? g_strdupv ((char **) dirs) : default_case_dirs ();
  start_scan (self);
}

gboolean
np_training_view_get_busy (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  return self->scanning || self->loading;
}

NpTrainingViewPage
np_training_view_get_page (NpTrainingView *self)
{
  const char *name;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NP_TRAINING_VIEW_PAGE_LIBRARY);

  name = gtk_stack_get_visible_child_name (self->stack);
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    if (g_strcmp0 (name, page_names[i]) == 0)
      return (NpTrainingViewPage) i;
  return NP_TRAINING_VIEW_PAGE_LIBRARY;
}

/**
 * np_training_view_set_filter:
 * @filter: (nullable): the cases to show; %NULL shows all
 *
 * Sets the library's drop-downs, which filter the cards.
 */
void
np_training_view_set_filter (NpTrainingView     *self,
                             const NpCaseFilter *filter)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  gtk_drop_down_set_selected (self->site_dropdown,
                              filter != NULL && filter->by_site ? filter->site + 1 : 0);
  gtk_drop_down_set_selected (self->modality_dropdown,
                              filter != NULL && filter->by_modality ? filter->modality + 1 : 0);
  gtk_drop_down_set_selected (self->difficulty_dropdown,
                              filter != NULL && filter->by_difficulty ? filter->difficulty + 1
                                                                      : 0);
}

guint
np_training_view_get_n_shown_cases (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), 0);

  return self->shown != NULL ? self->shown->len : 0;
}

/**
 * np_training_view_get_shown_case:
 *
 * Returns: (transfer none): the @index-th card of the library
 */
const NpCase *
np_training_view_get_shown_case (NpTrainingView *self,
                                 guint           index)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);
  g_return_val_if_fail (self->shown != NULL && index < self->shown->len, NULL);

  return g_ptr_array_index (self->shown, index);
}

static gboolean
begin_session (NpTrainingView    *self,
               NpTrainingSession *session,
               gboolean           single_case)
{
  g_set_object (&self->session, session);
  self->single_case = single_case;
  self->session_saved = FALSE;
  g_clear_error (&self->save_error);
  load_current_case (self);
  return TRUE;
}

/**
 * np_training_view_start_session:
 * @n_cases: how many of the cases shown to practise (at most all of them)
 * @seed: the order's seed
 *
 * The cases shown are shuffled with @seed; the first @n_cases of that order
 * make the session, which orders them with the same seed. So the same
 * library, filter, count and seed always give the same session.
 */
gboolean
np_training_view_start_session (NpTrainingView  *self,
                                guint            n_cases,
                                guint32          seed,
                                GError         **error)
{
  g_autoptr(GStrvBuilder) all = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) chosen = g_strv_builder_new ();
  g_auto(GStrv) all_paths = NULL;
  g_auto(GStrv) chosen_paths = NULL;
  g_autoptr(NpTrainingSession) shuffle = NULL;
  g_autoptr(NpTrainingSession) session = NULL;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; self->shown != NULL && i < self->shown->len; i++)
    g_strv_builder_add (all, ((const NpCase *) g_ptr_array_index (self->shown, i))->plan_path);
  all_paths = g_strv_builder_end (all);

  shuffle = np_training_session_new ((const char *const *) all_paths, seed, error);
  if (shuffle == NULL)
    return FALSE;
  n_cases = CLAMP (n_cases, 1, np_training_session_get_n_cases (shuffle));
  for (guint i = 0; i < n_cases; i++)
    g_strv_builder_add (chosen, np_training_session_get_case (shuffle, i));
  chosen_paths = g_strv_builder_end (chosen);

  session = np_training_session_new ((const char *const *) chosen_paths, seed, error);
  if (session == NULL)
    return FALSE;
  return begin_session (self, session, FALSE);
}

/**
 * np_training_view_practise_case:
 * @plan_path: a case's plan file
 *
 * Practises one case: a session of that case alone, kept in the history
 * like any other when it is scored.
 */
gboolean
np_training_view_practise_case (NpTrainingView  *self,
                                const char      *plan_path,
                                GError         **error)
{
  const char *paths[] = { plan_path, NULL };
  g_autoptr(NpTrainingSession) session = NULL;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);
  g_return_val_if_fail (plan_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  session = np_training_session_new (paths, (guint32) gtk_spin_button_get_value (self->seed_spin),
                                     error);
  if (session == NULL)
    return FALSE;
  return begin_session (self, session, TRUE);
}

/**
 * np_training_view_get_session:
 *
 * Returns: (transfer none) (nullable): the session practised or just finished
 */
NpTrainingSession *
np_training_view_get_session (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return self->session;
}

/**
 * np_training_view_get_case_path:
 *
 * Returns: (transfer none) (nullable): the plan file of the case shown
 */
const char *
np_training_view_get_case_path (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return self->case_path;
}

/**
 * np_training_view_get_canvas:
 *
 * Returns: (transfer none): the practice canvas
 */
NpCanvas *
np_training_view_get_canvas (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return self->canvas;
}

void
np_training_view_set_tool (NpTrainingView *self,
                           NpTrainingMark  mark)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  self->tool = mark;
  sync_tool_toggles (self);
  update_instruction (self);
}

NpTrainingMark
np_training_view_get_tool (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NP_TRAINING_MARK_TARGET);

  return self->tool;
}

/**
 * np_training_view_place_mark:
 * @point: where, in image coordinates
 *
 * Places (or moves) the trainee's target or entry, as a click would.
 * Marks are locked once the attempt is submitted.
 */
void
np_training_view_place_mark (NpTrainingView *self,
                             NpTrainingMark  mark,
                             NpImagePoint    point)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));
  g_return_if_fail (self->trainee != NULL && !self->submitted);

  set_mark (self, mark, point);
}

/**
 * np_training_view_get_mark:
 * @point: (out) (optional): where the mark is
 *
 * Returns: whether the trainee placed @mark
 */
gboolean
np_training_view_get_mark (NpTrainingView *self,
                           NpTrainingMark  mark,
                           NpImagePoint   *point)
{
  gboolean placed;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  if (self->trainee == NULL)
    return FALSE;
  placed = mark == NP_TRAINING_MARK_TARGET ? self->trainee->has_target : self->trainee->has_entry;
  if (placed && point != NULL)
    *point = mark == NP_TRAINING_MARK_TARGET ? self->trainee->target : self->trainee->entry;
  return placed;
}

/**
 * np_training_view_can_estimate_depth:
 *
 * Returns: whether the case can check a depth estimate (it is calibrated
 *   and its frame shows depth), i.e. whether the depth field is enabled
 */
gboolean
np_training_view_can_estimate_depth (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  return self->expert != NULL && self->case_has_depth;
}

void
np_training_view_set_depth_estimate (NpTrainingView *self,
                                     gboolean        stated,
                                     double          depth_mm)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  self->syncing_depth = TRUE;
  if (stated)
    gtk_spin_button_set_value (self->depth_spin, depth_mm);
  gtk_check_button_set_active (self->depth_check, stated);
  self->syncing_depth = FALSE;
}

/**
 * np_training_view_submit:
 *
 * Scores the marks against the expert's answer, records the score in the
 * session and shows the answer and the score.
 *
 * Returns: %FALSE with @error set when the attempt cannot be scored
 */
gboolean
np_training_view_submit (NpTrainingView  *self,
                         GError         **error)
{
  g_autoptr(NpTrainingScore) score = NULL;
  g_autoptr(GError) planner_error = NULL;
  NpPlannerOptions options;
  NpFrame *frame;
  gboolean stated;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->expert == NULL || self->submitted)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID, "There is no open attempt to submit");
      return FALSE;
    }
  if (!self->trainee->has_target)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_INVALID,
                   "Place your target first: click where the needle tip should go");
      return FALSE;
    }

  /* A value still being typed counts. */
  self->syncing_depth = TRUE;
  gtk_spin_button_update (self->depth_spin);
  self->syncing_depth = FALSE;
  stated = self->case_has_depth && gtk_check_button_get_active (self->depth_check);
  score = np_training_score_compute (self->expert, self->trainee, stated,
                                     gtk_spin_button_get_value (self->depth_spin), error);
  if (score == NULL)
    return FALSE;
  if (self->session != NULL && !np_training_session_submit (self->session, score, error))
    return FALSE;

  /* What is drawn now: the case's structures with the trainee's marks (the
   * region is the expert's, drawn in its style), and the expert's marks. */
  self->attempt = np_plan_copy (self->expert);
  self->attempt->has_target = self->trainee->has_target;
  self->attempt->target = self->trainee->target;
  self->attempt->has_entry = self->trainee->has_entry;
  self->attempt->entry = self->trainee->entry;
  g_array_set_size (self->attempt->target_region, 0);

  np_planner_options_init (&options);
  frame = np_canvas_get_frame (self->canvas);
  if (frame != NULL)
    {
      options.has_field = TRUE;
      options.field = (NpImageRect) { 0, 0, np_frame_get_width (frame),
                                      np_frame_get_height (frame) };
    }
  self->attempt_results = np_planner_compute (self->attempt, &options, &planner_error);
  if (self->attempt_results == NULL)
    g_info ("The attempt's path is drawn without results: %s", planner_error->message);

  self->answer = np_plan_copy (self->expert);
  g_ptr_array_set_size (self->answer->structures, 0);
  g_array_set_size (self->answer->measurements, 0);
  g_array_set_size (self->answer->skin_points, 0);
  self->answer->skin_kind = NP_SKIN_NONE;

  self->score = g_steal_pointer (&score);
  self->submitted = TRUE;
  self->dragging = FALSE;
  fill_score_panel (self);
  show_practice_panel (self);
  np_canvas_queue_overlay_redraw (self->canvas);
  /* Return or N go on from here; the focus may have been in the depth field. */
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBMITTED]);
  return TRUE;
}

gboolean
np_training_view_get_submitted (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  return self->submitted;
}

/**
 * np_training_view_get_score:
 *
 * Returns: (transfer none) (nullable): the score of the submitted attempt
 */
const NpTrainingScore *
np_training_view_get_score (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return self->score;
}

/**
 * np_training_view_next:
 *
 * Goes on to the next case of the session (a case not submitted counts as
 * skipped); after the last one, saves the session to the history and shows
 * the summary.
 */
void
np_training_view_next (NpTrainingView *self)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  if (self->session == NULL)
    return;
  if (np_training_session_next (self->session))
    load_current_case (self);
  else
    finish_session (self);
}

/**
 * np_training_view_end_session:
 *
 * Ends the session early: the cases not done count as skipped.
 */
void
np_training_view_end_session (NpTrainingView *self)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  if (self->session == NULL)
    return;
  while (np_training_session_next (self->session))
    ;
  finish_session (self);
}

/**
 * np_training_view_get_history:
 *
 * Returns: (transfer none) (nullable): the training history, read from the
 *   user's data folder on first use; %NULL when that file could not be read
 */
const NpTrainingHistory *
np_training_view_get_history (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  ensure_history (self);
  return self->history;
}
