/* np-training-library.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-training-library"

#include "config.h"

#include "np-training-library.h"

#include <glib/gi18n.h>

#include <adwaita.h>
#include <math.h>

#include "np-png.h"
#include "np-training-view-private.h"
#include "np-plan-labels.h"
#include "np-window-level.h"

/* Case cards: the frame scaled to fit this box, in widget pixels. */
#define THUMBNAIL_WIDTH 224
#define THUMBNAIL_HEIGHT 168

#define RESOURCE_PATH "/org/needleplan/NeedlePlan/np-training-library.ui"

struct _NpTrainingLibrary
{
  GtkWidget parent_instance;

  /* Template widgets */
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

  /* Owned */
  GStrv case_dirs;
  GPtrArray *cases;                 /* NpCase*: every case found */
  GHashTable *thumbnails;           /* plan path → GdkTexture */
  GPtrArray *shown;                 /* NpCase*: the cases matching the filter */
  GCancellable *scan_cancellable;

  /* State */
  gboolean scanned;                 /* a scan was started for case_dirs */
  gboolean scanning;
  gboolean n_cases_set;             /* the session length was given its default */
};

G_DEFINE_FINAL_TYPE (NpTrainingLibrary, np_training_library, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_BUSY,
  PROP_N_SHOWN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CASE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_scanning (NpTrainingLibrary *self,
              gboolean           scanning)
{
  if (self->scanning == scanning)
    return;
  self->scanning = scanning;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Scanning and thumbnails */

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
current_filter (NpTrainingLibrary *self)
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
make_case_card (NpTrainingLibrary *self,
                const NpCase      *library_case)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *picture;
  GtkWidget *title = gtk_label_new (library_case->title);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *info =
    g_strdup_printf ("%s · %s", np_site_label (library_case->site),
                     np_modality_label (library_case->modality));
  GtkWidget *info_label = gtk_label_new (info);
  GtkWidget *difficulty =
    gtk_label_new (np_case_difficulty_label (library_case->difficulty));
  GdkTexture *texture = g_hash_table_lookup (self->thumbnails, library_case->plan_path);
  static const char *const difficulty_classes[] = { "easy", "medium", "hard" };
  g_autofree char *tooltip = g_strdup_printf (_("Practise “%s” on its own"), library_case->title);

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
refilter (NpTrainingLibrary *self)
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
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
      return;
    }

  self->shown = np_case_library_filter (self->cases, &filter);
  n = self->shown->len;
  for (guint i = 0; i < n; i++)
    gtk_flow_box_append (self->case_flowbox,
                         make_case_card (self, g_ptr_array_index (self->shown, i)));

  if (self->cases->len == 0)
    count = g_strdup (_("No cases found"));
  else if (n == self->cases->len)
    count = g_strdup_printf (ngettext ("%u case", "%u cases", n), n);
  else
    count = g_strdup_printf (ngettext ("%u of %u case", "%u of %u cases", self->cases->len),
                             n, self->cases->len);
  gtk_label_set_text (self->library_count_label, count);

  /* Sessions take between one and all of the cases shown. */
  previous = gtk_spin_button_get_value (self->n_cases_spin);
  gtk_spin_button_set_range (self->n_cases_spin, 1, MAX (n, 1));
  if (!self->n_cases_set)
    {
      previous = NP_TRAINING_LIBRARY_DEFAULT_SESSION_CASES;
      self->n_cases_set = TRUE;
    }
  gtk_spin_button_set_value (self->n_cases_spin, MIN (previous, MAX (n, 1)));

  if (n > 0)
    gtk_stack_set_visible_child_name (self->library_stack, "cases");
  else
    {
      adw_status_page_set_title (self->library_empty_page,
                                 self->cases->len == 0 ? _("No Training Cases")
                                                       : _("No Cases Match the Filters"));
      adw_status_page_set_description (self->library_empty_page,
                                       self->cases->len == 0
                                       ? _("No plan file with an expert answer was found in the "
                                         "case folders listed below.")
                                       : _("Choose another site, modality or difficulty."));
      gtk_stack_set_visible_child_name (self->library_stack, "empty");
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SHOWN]);
}

static void
scan_done_cb (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  NpTrainingLibrary *self = NP_TRAINING_LIBRARY (source_object);
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
      _np_training_view_show_error (GTK_WIDGET (self), _("Could Not Read the Training Cases"), error);
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
  set_scanning (self, FALSE);
}

static void
start_scan (NpTrainingLibrary *self)
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
  set_scanning (self, TRUE);
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
update_library_hint (NpTrainingLibrary *self)
{
  g_autofree char *user_dir = np_case_library_dup_user_dir ();
  g_autofree char *display = g_filename_display_name (user_dir);
  g_autofree char *text =
    g_strdup_printf (_("Click a case to practise it on its own. Your own cases — a plan file with "
                     "an expert answer next to its frame — go in %s."), display);

  gtk_label_set_text (self->library_hint_label, text);
}

/* Signals of the template's widgets */

static void
filter_changed_cb (NpTrainingLibrary *self,
                   GParamSpec        *pspec,
                   GtkDropDown       *dropdown)
{
  refilter (self);
}

static void
case_activated_cb (NpTrainingLibrary *self,
                   GtkFlowBoxChild   *child,
                   GtkFlowBox        *flowbox)
{
  const char *path = g_object_get_data (G_OBJECT (gtk_flow_box_child_get_child (child)),
                                        "np-plan-path");

  if (path != NULL)
    g_signal_emit (self, signals[CASE_ACTIVATED], 0, path);
}

/* GObject */

static void
np_training_library_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  NpTrainingLibrary *self = NP_TRAINING_LIBRARY (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->scanning);
      break;
    case PROP_N_SHOWN:
      g_value_set_uint (value, np_training_library_get_n_shown (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
np_training_library_dispose (GObject *object)
{
  NpTrainingLibrary *self = NP_TRAINING_LIBRARY (object);
  GtkWidget *child;

  g_cancellable_cancel (self->scan_cancellable);
  g_clear_object (&self->scan_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), NP_TYPE_TRAINING_LIBRARY);
  /* The template's top box has no id, so it is not unparented with the rest. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_pointer (&self->cases, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_ptr_array_unref);
  g_clear_pointer (&self->thumbnails, g_hash_table_unref);
  g_clear_pointer (&self->case_dirs, g_strfreev);

  G_OBJECT_CLASS (np_training_library_parent_class)->dispose (object);
}

static void
np_training_library_class_init (NpTrainingLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = np_training_library_get_property;
  object_class->dispose = np_training_library_dispose;

  /**
   * NpTrainingLibrary:busy:
   *
   * Whether the case folders are being read.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * NpTrainingLibrary:n-shown:
   *
   * How many cases match the filters; notified whenever the cards change.
   */
  properties[PROP_N_SHOWN] =
    g_param_spec_uint ("n-shown", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NpTrainingLibrary::case-activated:
   * @plan_path: the case's plan file
   *
   * A case card was clicked: practise that case on its own.
   */
  signals[CASE_ACTIVATED] =
    g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, site_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, modality_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, difficulty_dropdown);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, library_count_label);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, n_cases_spin);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, seed_spin);
  /* Named for tests only. */
  gtk_widget_class_bind_template_child_full (widget_class, "start_button", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, library_stack);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, library_spinner);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, library_empty_page);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, case_flowbox);
  gtk_widget_class_bind_template_child (widget_class, NpTrainingLibrary, library_hint_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "np-training-library");
}

static void
np_training_library_init (NpTrainingLibrary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->thumbnails = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->case_dirs = default_case_dirs ();
  gtk_spin_button_set_value (self->seed_spin, g_random_int ());
  update_library_hint (self);

  g_signal_connect_swapped (self->site_dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->modality_dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->difficulty_dropdown, "notify::selected",
                            G_CALLBACK (filter_changed_cb), self);
  g_signal_connect_swapped (self->case_flowbox, "child-activated",
                            G_CALLBACK (case_activated_cb), self);
}

/* Public */

GtkWidget *
np_training_library_new (void)
{
  return g_object_new (NP_TYPE_TRAINING_LIBRARY, NULL);
}

/**
 * np_training_library_set_case_dirs:
 * @dirs: (array zero-terminated=1) (nullable): folders to look for cases in;
 *   %NULL for the installed cases and the user's folder
 *
 * Reads the library again from @dirs (in a worker thread;
 * #NpTrainingLibrary:busy is %TRUE until it is done).
 */
void
np_training_library_set_case_dirs (NpTrainingLibrary *self,
                                   const char *const *dirs)
{
  g_return_if_fail (NP_IS_TRAINING_LIBRARY (self));

  g_strfreev (self->case_dirs);
  self->case_dirs = dirs != NULL ? g_strdupv ((char **) dirs) : default_case_dirs ();
  start_scan (self);
}

/**
 * np_training_library_ensure_scanned:
 *
 * Reads the case folders unless that was started already: the library is
 * read the first time training mode is shown, so that opening a window for
 * planning costs nothing.
 */
void
np_training_library_ensure_scanned (NpTrainingLibrary *self)
{
  g_return_if_fail (NP_IS_TRAINING_LIBRARY (self));

  if (!self->scanned)
    start_scan (self);
}

gboolean
np_training_library_get_busy (NpTrainingLibrary *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_LIBRARY (self), FALSE);

  return self->scanning;
}

/**
 * np_training_library_set_filter:
 * @filter: (nullable): the cases to show; %NULL shows all
 *
 * Sets the drop-downs, which filter the cards.
 */
void
np_training_library_set_filter (NpTrainingLibrary  *self,
                                const NpCaseFilter *filter)
{
  g_return_if_fail (NP_IS_TRAINING_LIBRARY (self));

  gtk_drop_down_set_selected (self->site_dropdown,
                              filter != NULL && filter->by_site ? filter->site + 1 : 0);
  gtk_drop_down_set_selected (self->modality_dropdown,
                              filter != NULL && filter->by_modality ? filter->modality + 1 : 0);
  gtk_drop_down_set_selected (self->difficulty_dropdown,
                              filter != NULL && filter->by_difficulty ? filter->difficulty + 1
                                                                      : 0);
}

guint
np_training_library_get_n_shown (NpTrainingLibrary *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_LIBRARY (self), 0);

  return self->shown != NULL ? self->shown->len : 0;
}

/**
 * np_training_library_get_shown_case:
 *
 * Returns: (transfer none): the @index-th card's case
 */
const NpCase *
np_training_library_get_shown_case (NpTrainingLibrary *self,
                                    guint              index)
{
  g_return_val_if_fail (NP_IS_TRAINING_LIBRARY (self), NULL);
  g_return_val_if_fail (self->shown != NULL && index < self->shown->len, NULL);

  return g_ptr_array_index (self->shown, index);
}

/**
 * np_training_library_dup_case:
 *
 * Returns: (transfer full) (nullable): the library's entry for @plan_path,
 *   shown or not; %NULL when the library has none
 */
NpCase *
np_training_library_dup_case (NpTrainingLibrary *self,
                              const char        *plan_path)
{
  g_return_val_if_fail (NP_IS_TRAINING_LIBRARY (self), NULL);

  for (guint i = 0; self->cases != NULL && i < self->cases->len; i++)
    if (g_strcmp0 (((NpCase *) g_ptr_array_index (self->cases, i))->plan_path, plan_path) == 0)
      return np_case_copy (g_ptr_array_index (self->cases, i));
  return NULL;
}

/**
 * np_training_library_get_session_cases:
 *
 * Returns: how many of the cases shown a session takes (the Cases field)
 */
guint
np_training_library_get_session_cases (NpTrainingLibrary *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_LIBRARY (self), 0);

  return (guint) gtk_spin_button_get_value_as_int (self->n_cases_spin);
}

guint32
np_training_library_get_seed (NpTrainingLibrary *self)
{
  g_return_val_if_fail (NP_IS_TRAINING_LIBRARY (self), 0);

  return (guint32) gtk_spin_button_get_value (self->seed_spin);
}

void
np_training_library_new_seed (NpTrainingLibrary *self)
{
  g_return_if_fail (NP_IS_TRAINING_LIBRARY (self));

  gtk_spin_button_set_value (self->seed_spin, g_random_int ());
}
