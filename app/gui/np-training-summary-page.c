/* np-training-summary-page.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-training-summary-page"

#include "config.h"

#include "np-training-summary-page.h"

#include <glib/gi18n.h>

#include <adwaita.h>

#include "np-training-view-private.h"

#define RESOURCE_PATH "/org/needleplan/NeedlePlan/np-training-summary-page.ui"

struct _NpTrainingSummaryPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel *summary_title_label;
  GtkLabel *summary_subtitle_label;
  GtkFrame *cases_frame;
  GtkGrid *cases_grid;
  GtkFrame *summary_table_frame;
  GtkGrid *summary_grid;
  GtkLabel *best_worst_label;
  GtkDrawingArea *chart_area;
  GtkLabel *history_label;
  GtkButton *library_button;

  /* Borrowed: the view owns the history and outlives its pages. */
  const NpTrainingHistory *history;  /* NULL when the file could not be read */
  const GError *history_error;       /* why it could not */
};

G_DEFINE_FINAL_TYPE (NpTrainingSummaryPage, np_training_summary_page, GTK_TYPE_WIDGET)

/* A summary value: physical metrics are summarised in mm only (the core
 * leaves pixel attempts out of them). */
static char *
format_summary_value (NpTrainingMetric metric,
                      double           value)
{
  switch (metric)
    {
    case NP_TRAINING_METRIC_SCORE:
      return _np_training_view_format_score (value);
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

static void
add_cell (GtkGrid    *grid,
          const char *text,
          int         column,
          int         row,
          gboolean    heading,
          int         text_column)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == text_column ? 0 : 1);
  gtk_widget_set_hexpand (label, column == text_column);
  if (heading)
    {
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
    }
  else if (column != text_column)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
add_summary_cell (NpTrainingSummaryPage *self,
                  const char            *text,
                  int                    column,
                  int                    row,
                  gboolean               heading)
{
  add_cell (self->summary_grid, text, column, row, heading, 0);
}

/* One row per case in the session's order: its title and its score, or
 * "Skipped". */
static void
fill_cases_table (NpTrainingSummaryPage *self,
                  NpTrainingSession     *session,
                  const char *const     *titles)
{
  static const char *const headings[] = { "#", N_("Case"), N_("Score") };
  guint n_cases = np_training_session_get_n_cases (session);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cases_grid))) != NULL)
    gtk_grid_remove (self->cases_grid, child);
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    add_cell (self->cases_grid, _(headings[i]), i, 0, TRUE, 1);

  for (guint i = 0; i < n_cases; i++)
    {
      const NpTrainingScore *score = np_training_session_get_score (session, i);
      g_autofree char *order = g_strdup_printf ("%u", i + 1);
      g_autofree char *folder = NULL;
      g_autofree char *value = NULL;
      const char *title = titles != NULL ? titles[i] : NULL;

      if (title == NULL)
        {
          g_autofree char *dir = g_path_get_dirname (np_training_session_get_case (session, i));

          folder = g_path_get_basename (dir);
          title = folder;
        }
      if (score == NULL)
        value = g_strdup (_("Skipped"));
      else if (score->critical_error)
        {
          g_autofree char *number = _np_training_view_format_score (score->score);

          value = g_strdup_printf (_("%s (critical error)"), number);
        }
      else
        value = _np_training_view_format_score (score->score);
      add_cell (self->cases_grid, order, 0, i + 1, FALSE, 1);
      add_cell (self->cases_grid, title, 1, i + 1, FALSE, 1);
      add_cell (self->cases_grid, value, 2, i + 1, FALSE, 1);
    }
}

static void
fill_summary_table (NpTrainingSummaryPage *self,
                    NpTrainingSession     *session)
{
  /* Best and worst single attempts, in each metric's own direction (the
   * label under the table says which way). */
  static const char *const headings[] = { N_("Metric"), N_("Attempts"), N_("Mean"), "SD", N_("Best attempt"),
                                          N_("Worst attempt") };
  GtkWidget *child;
  int row = 1;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid))) != NULL)
    gtk_grid_remove (self->summary_grid, child);
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    add_summary_cell (self, _(headings[i]), i, 0, TRUE);

  for (guint i = 0; i <= NP_TRAINING_VIEW_N_SHOWN_METRICS; i++)
    {
      NpTrainingMetric metric = i == 0 ? NP_TRAINING_METRIC_SCORE
                                       : _np_training_view_shown_metrics[i - 1];
      gboolean yes_no = metric == NP_TRAINING_METRIC_TARGET_HIT ||
                        metric == NP_TRAINING_METRIC_CRITICAL_ERROR;
      NpTrainingSummary summary;
      g_autofree char *n = NULL;
      g_autofree char *mean = NULL;
      g_autofree char *sd = NULL;
      g_autofree char *best = NULL;
      g_autofree char *worst = NULL;
      const char *name = np_training_metric_label (metric);

      if (!np_training_session_summarize (session, metric, &summary) || summary.n == 0)
        continue;
      n = g_strdup_printf ("%u", summary.n);
      mean = format_summary_value (metric, summary.mean);
      if (yes_no)
        {
          /* A share of attempts has no spread worth a number here. */
          name = metric == NP_TRAINING_METRIC_TARGET_HIT ? _("Targets hit")
                                                         : _("Critical errors");
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
update_history_label (NpTrainingSummaryPage *self,
                      const GError          *save_error)
{
  g_autofree char *text = NULL;

  if (save_error != NULL)
    text = g_strdup_printf (_("This session could not be saved: %s"), save_error->message);
  else if (self->history == NULL)
    text = g_strdup_printf (_("The training history could not be read, so it is left as it "
                            "is and nothing is added to it: %s"),
                            self->history_error != NULL ? self->history_error->message : "");
  else
    {
      guint n = np_training_history_get_n_sessions (self->history);
      const char *file = np_training_history_get_path (self->history);
      g_autofree char *path = g_filename_display_name (file);

      if (n == 0)
        text = g_strdup_printf (_("No session finished yet. Finished sessions are kept in %s."),
                                path);
      else
        text = g_strdup_printf (ngettext ("%u session, kept in %s.", "%u sessions, kept in %s.", n),
                                n, path);
    }
  gtk_label_set_text (self->history_label, text);
}

static void
chart_draw_cb (GtkDrawingArea *area,
               cairo_t        *cr,
               int             width,
               int             height,
               gpointer        user_data)
{
  NpTrainingSummaryPage *self = user_data;
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  if (self->history == NULL)
    return;
  np_training_history_draw_progress_styled (cr, width, height, self->history,
                                            dark ? NP_TRAINING_CHART_DARK
                                                 : NP_TRAINING_CHART_LIGHT);
}

static void
dark_changed_cb (NpTrainingSummaryPage *self,
                 GParamSpec            *pspec,
                 AdwStyleManager       *manager)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->chart_area));
}

/* GtkWidget */

/* The way on from the summary: back to the cases. */
static gboolean
np_training_summary_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (NP_TRAINING_SUMMARY_PAGE (widget)->library_button));
}

/* GObject */

static void
np_training_summary_page_dispose (GObject *object)
{
  NpTrainingSummaryPage *self = NP_TRAINING_SUMMARY_PAGE (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRAINING_SUMMARY_PAGE);
  /* The template's top box has no id, so it is not unparented with the rest. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  self->history = NULL;
  self->history_error = NULL;

  G_OBJECT_CLASS (np_training_summary_page_parent_class)->dispose (object);
}

static void
np_training_summary_page_class_init (NpTrainingSummaryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = np_training_summary_page_dispose;
  widget_class->grab_focus = np_training_summary_page_grab_focus;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        summary_title_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        summary_subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage, cases_frame);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage, cases_grid);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        best_worst_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        summary_table_frame);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        summary_grid);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        chart_area);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        history_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingSummaryPage,
                                        library_button);
  /* Named for tests only. */
  gtk_widget_class_bind_template_child_full (widget_class, "export_button", FALSE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-training-summary-page");
}

static void
np_training_summary_page_init (NpTrainingSummaryPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drawing_area_set_draw_func (self->chart_area, chart_draw_cb, self, NULL);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Public */

GtkWidget *
np_training_summary_page_new (void)
{
  return g_object_new (NP_TYPE_TRAINING_SUMMARY_PAGE, NULL);
}

/**
 * np_training_summary_page_set_history:
 * @history: (nullable) (transfer none): the training history, which must
 *   outlive the summary; %NULL when it could not be read
 * @history_error: (nullable) (transfer none): why it could not
 */
void
np_training_summary_page_set_history (NpTrainingSummaryPage   *self,
                                      const NpTrainingHistory *history,
                                      const GError            *history_error)
{
  g_return_if_fail (NP_IS_TRAINING_SUMMARY_PAGE (self));

  self->history = history;
  self->history_error = history_error;
  gtk_widget_queue_draw (GTK_WIDGET (self->chart_area));
}

/**
 * np_training_summary_page_show_session:
 * @session: the session just finished
 * @titles: (nullable) (array): the title of each of @session's cases,
 *   %NULL entries (or %NULL) for the case's folder name
 * @single_case: whether it was one case practised on its own
 * @saved: whether it was added to the history
 * @save_error: (nullable): why it could not be
 *
 * Shows the session's statistics above the progress chart.
 */
void
np_training_summary_page_show_session (NpTrainingSummaryPage *self,
                                       NpTrainingSession     *session,
                                       const char *const     *titles,
                                       gboolean               single_case,
                                       gboolean               saved,
                                       const GError          *save_error)
{
  guint n_cases, n_scored;
  g_autofree char *cases = NULL;
  g_autofree char *subtitle = NULL;
  const char *saved_text;

  g_return_if_fail (NP_IS_TRAINING_SUMMARY_PAGE (self));
  g_return_if_fail (NP_IS_TRAINING_SESSION (session));

  n_cases = np_training_session_get_n_cases (session);
  n_scored = np_training_session_get_n_scored (session);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_table_frame), n_scored > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->best_worst_label), n_scored > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->cases_frame), n_cases > 0);
  fill_cases_table (self, session, titles);

  if (saved)
    saved_text = _("Saved to your training history.");
  else if (n_scored == 0)
    saved_text = _("Nothing was scored, so nothing was added to your history.");
  else
    saved_text = _("Not saved to your history (see below).");

  if (single_case)
    cases = g_strdup (_("One case practised on its own."));
  else
    cases = g_strdup_printf (ngettext ("%u case in the order of seed %u: %u scored, %u skipped.",
                                       "%u cases in the order of seed %u: %u scored, %u skipped.",
                                       n_cases),
                             n_cases,
                             np_training_session_get_seed (session), n_scored,
                             n_cases - n_scored);
  subtitle = g_strdup_printf ("%s %s", cases, saved_text);
  gtk_label_set_text (self->summary_title_label, _("Session Complete"));
  gtk_label_set_text (self->summary_subtitle_label, subtitle);
  if (n_scored > 0)
    fill_summary_table (self, session);

  update_history_label (self, save_error);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart_area));
}

/**
 * np_training_summary_page_show_progress:
 *
 * Shows the progress chart across sessions alone.
 */
void
np_training_summary_page_show_progress (NpTrainingSummaryPage *self)
{
  g_return_if_fail (NP_IS_TRAINING_SUMMARY_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->summary_table_frame), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->best_worst_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->cases_frame), FALSE);
  gtk_label_set_text (self->summary_title_label, _("Your Progress"));
  gtk_label_set_text (self->summary_subtitle_label,
                      _("The mean score of each finished session, with whiskers of one "
                      "standard deviation. Sessions with a critical error are ringed in red."));
  update_history_label (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self->chart_area));
}
