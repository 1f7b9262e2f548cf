/* np-training-view.c: training mode — the stack of the library, practice
 * and summary pages, the actions and keys, the session and the history
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-training-view"

#include "config.h"

#include "np-training-view-private.h"

#include <glib/gi18n.h>

#include <adwaita.h>
#include <math.h>

#include "np-error.h"
#include "np-training-library.h"
#include "np-training-practice.h"
#include "np-training-summary-page.h"

struct _NpTrainingView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack *stack;
  NpTrainingLibrary *library;
  NpTrainingPractice *practice;
  NpTrainingSummaryPage *summary;

  /* Owned: history */
  NpTrainingHistory *history;       /* NULL when the file could not be read */
  GError *history_error;            /* why it could not */
  gboolean history_loaded;
  gboolean session_saved;
  GError *save_error;

  /* Owned: session */
  NpTrainingSession *session;
  gboolean single_case;
  GtkFileChooserNative *chooser;

  /* State */
  gboolean busy;                    /* last notified NpTrainingView:busy */
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

/* Shared with the pages (np-training-view-private.h) */

const NpTrainingMetric _np_training_view_shown_metrics[NP_TRAINING_VIEW_N_SHOWN_METRICS] = {
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

/* "78", "66.7": the score to a tenth, as the core's explanation gives it. */
char *
_np_training_view_format_score (double score)
{
  return g_strdup_printf ("%g", round (score * 10) / 10);
}

void
_np_training_view_show_error (GtkWidget    *widget,
                              const char   *heading,
                              const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  g_info ("%s: %s", heading, error->message);
  if (!GTK_IS_WINDOW (root))
    return;
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), heading,
                                                       error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

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

/* State */

static void
update_actions (NpTrainingView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  NpTrainingViewPage page = np_training_view_get_page (self);
  gboolean on_practice = page == NP_TRAINING_VIEW_PAGE_PRACTICE;
  gboolean practising = on_practice && np_training_practice_get_attempt (self->practice) != NULL;
  gboolean marking = practising && !np_training_practice_get_submitted (self->practice);
  NpCanvas *canvas = np_training_practice_get_canvas (self->practice);
  gboolean has_frame = practising && np_canvas_get_frame (canvas) != NULL;
  gboolean session_open = on_practice && self->session != NULL &&
                          !np_training_practice_get_busy (self->practice);
  static const char *const zoom_actions[] = {
    "training.zoom-in", "training.zoom-out", "training.zoom-fit", "training.zoom-actual",
  };

  gtk_widget_action_set_enabled (widget, "training.mark-target", marking);
  gtk_widget_action_set_enabled (widget, "training.mark-entry", marking);
  gtk_widget_action_set_enabled (widget, "training.submit",
                                 on_practice &&
                                 np_training_practice_get_can_submit (self->practice));
  gtk_widget_action_set_enabled (widget, "training.next", session_open);
  gtk_widget_action_set_enabled (widget, "training.end-session", session_open);
  gtk_widget_action_set_enabled (widget, "training.start-session",
                                 page == NP_TRAINING_VIEW_PAGE_LIBRARY &&
                                 !np_training_library_get_busy (self->library) &&
                                 np_training_library_get_n_shown (self->library) > 0);
  gtk_widget_action_set_enabled (widget, "training.show-progress",
                                 page == NP_TRAINING_VIEW_PAGE_LIBRARY);
  gtk_widget_action_set_enabled (widget, "training.export-history",
                                 self->history != NULL &&
                                 np_training_history_get_n_sessions (self->history) > 0);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_actions); i++)
    gtk_widget_action_set_enabled (widget, zoom_actions[i], has_frame);
}

static void
update_busy (NpTrainingView *self)
{
  gboolean busy = np_training_view_get_busy (self);

  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
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
  np_training_summary_page_set_history (self->summary, self->history, self->history_error);
}

/* The session */

static void
load_current_case (NpTrainingView *self)
{
  const char *path = np_training_session_get_current_case (self->session);
  guint position = np_training_session_get_position (self->session);
  guint n_cases = np_training_session_get_n_cases (self->session);
  g_autoptr(NpCase) library_case = np_training_library_dup_case (self->library, path);
  g_autofree char *progress = NULL;

  if (self->single_case)
    progress = g_strdup (_("Practice · one case"));
  else
    progress = g_strdup_printf (_("Case %u of %u · seed %u"), position + 1, n_cases,
                                np_training_session_get_seed (self->session));
  np_training_practice_load (self->practice, path, library_case, progress,
                             position + 1 >= n_cases);
  set_page (self, NP_TRAINING_VIEW_PAGE_PRACTICE);
  update_actions (self);
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

static void
show_summary (NpTrainingView *self)
{
  ensure_history (self);
  if (self->session != NULL)
    {
      guint n_cases = np_training_session_get_n_cases (self->session);
      g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

      /* The cases by the titles their cards showed. */
      for (guint i = 0; i < n_cases; i++)
        {
          g_autoptr(NpCase) library_case =
            np_training_library_dup_case (self->library,
                                          np_training_session_get_case (self->session, i));

          g_ptr_array_add (titles, library_case != NULL ? g_strdup (library_case->title) : NULL);
        }
      np_training_summary_page_show_session (self->summary, self->session,
                                             (const char *const *) titles->pdata,
                                             self->single_case, self->session_saved,
                                             self->save_error);
    }
  else
    np_training_summary_page_show_progress (self->summary);
  set_page (self, NP_TRAINING_VIEW_PAGE_SUMMARY);
  update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->summary));
}

static void
finish_session (NpTrainingView *self)
{
  ensure_history (self);
  self->session_saved = FALSE;
  g_clear_error (&self->save_error);

  np_training_practice_clear (self->practice);

  if (np_training_session_get_n_scored (self->session) > 0)
    {
      if (self->history == NULL)
        self->save_error = g_error_copy (self->history_error);
      else if (np_training_history_append (self->history, self->session, NULL, &self->save_error))
        self->session_saved = TRUE;
      if (self->save_error != NULL)
        _np_training_view_show_error (GTK_WIDGET (self), _("Could Not Save the Session"),
                                      self->save_error);
    }
  show_summary (self);
}

/* Signals of the pages */

static void
library_notify_cb (NpTrainingView    *self,
                   GParamSpec        *pspec,
                   NpTrainingLibrary *library)
{
  update_busy (self);
  update_actions (self);
}

static void
practice_notify_cb (NpTrainingView     *self,
                    GParamSpec         *pspec,
                    NpTrainingPractice *practice)
{
  update_busy (self);
  update_actions (self);
  if (g_str_equal (pspec->name, "submitted"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBMITTED]);
}

static void
case_activated_cb (NpTrainingView    *self,
                   const char        *plan_path,
                   NpTrainingLibrary *library)
{
  g_autoptr(GError) error = NULL;

  if (!np_training_view_practise_case (self, plan_path, &error))
    _np_training_view_show_error (GTK_WIDGET (self), _("Could Not Open the Case"), error);
}

/* Actions */

static void
mark_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  np_training_practice_set_tool (self->practice, g_str_equal (action_name, "training.mark-target")
                                                 ? NP_TRAINING_MARK_TARGET
                                                 : NP_TRAINING_MARK_ENTRY);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (!np_training_view_submit (self, &error))
    _np_training_view_show_error (widget, _("Could Not Score the Attempt"), error);
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

  if (!np_training_view_start_session (self, np_training_library_get_session_cases (self->library),
                                       np_training_library_get_seed (self->library), &error))
    _np_training_view_show_error (widget, _("Could Not Start the Session"), error);
}

static void
new_seed_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  np_training_library_new_seed (NP_TRAINING_VIEW (widget)->library);
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
          g_autofree char *text = g_strdup_printf (_("History exported to %s"), display);

          show_toast (self, text);
        }
      else
        _np_training_view_show_error (GTK_WIDGET (self), _("Could Not Export the History"), error);
    }
  else if (file != NULL)
    {
      g_autoptr(GError) error =
        g_error_new_literal (NP_ERROR, NP_ERROR_IO,
                             _("The history can only be exported to a local folder"));
      _np_training_view_show_error (GTK_WIDGET (self), _("Could Not Export the History"), error);
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
  self->chooser = gtk_file_chooser_native_new (_("Export History as CSV"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("CSV files"));
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
  NpCanvas *canvas = np_training_practice_get_canvas (NP_TRAINING_VIEW (widget)->practice);

  if (g_str_equal (action_name, "training.zoom-in"))
    np_canvas_zoom_in (canvas);
  else if (g_str_equal (action_name, "training.zoom-out"))
    np_canvas_zoom_out (canvas);
  else if (g_str_equal (action_name, "training.zoom-fit"))
    np_training_practice_fit_view (NP_TRAINING_VIEW (widget)->practice);
  else
    np_canvas_zoom_actual_size (canvas);
}

/* GtkWidget */

static void
np_training_view_map (GtkWidget *widget)
{
  NpTrainingView *self = NP_TRAINING_VIEW (widget);

  GTK_WIDGET_CLASS (np_training_view_parent_class)->map (widget);

  /* The library is read the first time training mode is shown, so that
   * opening a window for planning costs nothing. */
  np_training_library_ensure_scanned (self->library);
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
      g_value_set_boolean (value, np_training_view_get_submitted (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_training_view_dispose (GObject *object)
{
  NpTrainingView *self = NP_TRAINING_VIEW (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->library != NULL)
    g_signal_handlers_disconnect_by_data (self->library, self);
  if (self->practice != NULL)
    g_signal_handlers_disconnect_by_data (self->practice, self);

  /* The pages go first: the summary borrows the history. */
  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRAINING_VIEW);

  g_clear_object (&self->session);
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

  g_type_ensure (NP_TYPE_TRAINING_LIBRARY);
  g_type_ensure (NP_TYPE_TRAINING_PRACTICE);
  g_type_ensure (NP_TYPE_TRAINING_SUMMARY_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/needleplan/NeedlePlan/np-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, stack);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, library);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, practice);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingView, summary);

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
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->library, "notify::busy", G_CALLBACK (library_notify_cb), self);
  g_signal_connect_swapped (self->library, "notify::n-shown", G_CALLBACK (library_notify_cb),
                            self);
  g_signal_connect_swapped (self->library, "case-activated", G_CALLBACK (case_activated_cb),
                            self);
  g_signal_connect_swapped (self->practice, "notify", G_CALLBACK (practice_notify_cb), self);

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

  np_training_library_set_case_dirs (self->library, dirs);
}

gboolean
np_training_view_get_busy (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  return np_training_library_get_busy (self->library) ||
         np_training_practice_get_busy (self->practice);
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
 * np_training_view_start_session:
 * @n_cases: how many of the cases shown to practise (at most all of them)
 * @seed: the order's seed
 *
 * Draws the session from the cases shown (np_training_session_new_drawn),
 * so the same library, filter, count and seed always give the same session.
 */
gboolean
np_training_view_start_session (NpTrainingView  *self,
                                guint            n_cases,
                                guint32          seed,
                                GError         **error)
{
  g_autoptr(GStrvBuilder) shown = g_strv_builder_new ();
  g_auto(GStrv) shown_paths = NULL;
  g_autoptr(NpTrainingSession) session = NULL;
  guint n_shown;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_shown = np_training_library_get_n_shown (self->library);
  for (guint i = 0; i < n_shown; i++)
    g_strv_builder_add (shown, np_training_library_get_shown_case (self->library, i)->plan_path);
  shown_paths = g_strv_builder_end (shown);

  session = np_training_session_new_drawn ((const char *const *) shown_paths, n_cases, seed,
                                           error);
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

  session = np_training_session_new (paths, np_training_library_get_seed (self->library), error);
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
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return np_training_practice_submit (self->practice, self->session, error);
}

gboolean
np_training_view_get_submitted (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  return np_training_practice_get_submitted (self->practice);
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

/* For tests (np-training-view-private.h) */

/**
 * _np_training_view_get_child:
 * @name: the id of a widget in the template of the view or of one of its
 *   pages
 *
 * Returns: (transfer none): that widget
 */
GtkWidget *
_np_training_view_get_child (NpTrainingView *self,
                             const char     *name)
{
  struct { GtkWidget *widget; GType type; } owners[] = {
    { GTK_WIDGET (self), NP_TYPE_TRAINING_VIEW },
    { GTK_WIDGET (self->library), NP_TYPE_TRAINING_LIBRARY },
    { GTK_WIDGET (self->practice), NP_TYPE_TRAINING_PRACTICE },
    { GTK_WIDGET (self->summary), NP_TYPE_TRAINING_SUMMARY_PAGE },
  };

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (owners); i++)
    {
      GObject *child = gtk_widget_get_template_child (owners[i].widget, owners[i].type, name);

      if (GTK_IS_WIDGET (child))
        return GTK_WIDGET (child);
    }
  return NULL;
}

void
_np_training_view_set_filter (NpTrainingView     *self,
                              const NpCaseFilter *filter)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  np_training_library_set_filter (self->library, filter);
}

guint
_np_training_view_get_n_shown_cases (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), 0);

  return np_training_library_get_n_shown (self->library);
}

const NpCase *
_np_training_view_get_shown_case (NpTrainingView *self,
                                  guint           index)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return np_training_library_get_shown_case (self->library, index);
}

const char *
_np_training_view_get_case_path (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return np_training_practice_get_case_path (self->practice);
}

NpCanvas *
_np_training_view_get_canvas (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  return np_training_practice_get_canvas (self->practice);
}

NpTrainingMark
_np_training_view_get_tool (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NP_TRAINING_MARK_TARGET);

  return np_training_practice_get_tool (self->practice);
}

void
_np_training_view_place_mark (NpTrainingView *self,
                              NpTrainingMark  mark,
                              NpImagePoint    point)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  np_training_practice_place_mark (self->practice, mark, point);
}

gboolean
_np_training_view_get_mark (NpTrainingView *self,
                            NpTrainingMark  mark,
                            NpImagePoint   *point)
{
  NpTrainingAttempt *attempt;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  attempt = np_training_practice_get_attempt (self->practice);
  return attempt != NULL && np_training_attempt_get_mark (attempt, mark, point);
}

gboolean
_np_training_view_can_estimate_depth (NpTrainingView *self)
{
  NpTrainingAttempt *attempt;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), FALSE);

  attempt = np_training_practice_get_attempt (self->practice);
  return attempt != NULL && np_training_attempt_can_estimate_depth (attempt);
}

void
_np_training_view_set_depth_estimate (NpTrainingView *self,
                                      gboolean        stated,
                                      double          depth_mm)
{
  g_return_if_fail (NP_IS_TRAINING_VIEW (self));

  np_training_practice_set_depth_estimate (self->practice, stated, depth_mm);
}

const NpTrainingScore *
_np_training_view_get_score (NpTrainingView *self)
{
  NpTrainingAttempt *attempt;

  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  attempt = np_training_practice_get_attempt (self->practice);
  return attempt != NULL ? np_training_attempt_get_score (attempt) : NULL;
}

/**
 * _np_training_view_get_history:
 *
 * Returns: (transfer none) (nullable): the training history, read from the
 *   user's data folder on first use; %NULL when that file could not be read
 */
const NpTrainingHistory *
_np_training_view_get_history (NpTrainingView *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_VIEW (self), NULL);

  ensure_history (self);
  return self->history;
}
