/* np-gui-test-util.c — shared helpers of the GUI tests
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-gui-test"

#include "np-gui-test-util.h"

#include "np-canvas.h"
#include "np-png.h"

#include <gdk/x11/gdkx.h>

#include <math.h>

/* Long enough for a 16-bit megapixel frame under ASan on a busy machine. */
#define WAIT_TIMEOUT_SECONDS 60

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
np_test_wait_until_impl (gboolean  (*condition) (gpointer data),
                         gpointer    data,
                         const char *what)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (WAIT_TIMEOUT_SECONDS, set_flag_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (timed_out)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (timeout_id);
}

/* Runs the main loop for a while, so that idle work (layout, recent files)
 * gets done. */
void
np_test_iterate (guint milliseconds)
{
  static guint scale = 0;
  gboolean done = FALSE;

  /* Under the sanitizers everything runs several times slower, and real
   * input through the X server needs the pauses to grow with it
   * (tools/test sets NP_TEST_TIME_SCALE for that run). */
  if (scale == 0)
    {
      const char *text = g_getenv ("NP_TEST_TIME_SCALE");
      scale = text != NULL ? (guint) CLAMP (g_ascii_strtoull (text, NULL, 10), 1, 20) : 1;
    }

  g_timeout_add (milliseconds * scale, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The widget as the screen would show it, through the Cairo renderer so
 * the pixels are the same on every machine. */
NpTestImage *
np_test_render_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  NpTestImage *image;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  /* The paintable shows the widget as last drawn: let pending changes
   * (zoom, window/level, layout) reach the screen first. */
  gtk_test_widget_wait_for_draw (widget);
  paintable = gtk_widget_paintable_new (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  gsk_renderer_realize (renderer, NULL, &error);
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  gsk_render_node_unref (node);

  /* NP_TEST_RENDER_DIR=folder keeps every rendering, to look at a failure. */
  if (g_getenv ("NP_TEST_RENDER_DIR") != NULL)
    {
      static guint serial;
      g_autofree char *name = g_strdup_printf ("render-%03u.png", serial++);
      g_autofree char *path = g_build_filename (g_getenv ("NP_TEST_RENDER_DIR"), name, NULL);

      gdk_texture_save_to_png (texture, path);
    }

  image = g_new0 (NpTestImage, 1);
  image->width = gdk_texture_get_width (texture);
  image->height = gdk_texture_get_height (texture);
  image->stride = (gsize) image->width * 4;
  image->data = g_malloc (image->stride * image->height);
  gdk_texture_download (texture, image->data, image->stride);
  return image;
}

void
np_test_image_free (NpTestImage *image)
{
  if (image == NULL)
    return;
  g_free (image->data);
  g_free (image);
}

void
np_test_image_pixel (const NpTestImage *image,
                     int                x,
                     int                y,
                     guint8             rgb[3])
{
  const guint8 *p;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, image->width);
  g_assert_cmpint (y, <, image->height);

  /* GDK_MEMORY_DEFAULT is B8G8R8A8 premultiplied; everything here is opaque. */
  p = image->data + (gsize) y * image->stride + (gsize) x * 4;
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

/* Mean of (R + G + B) / 3 over the whole pixels inside @rect. */
double
np_test_image_mean (const NpTestImage     *image,
                    const graphene_rect_t *rect)
{
  int x0 = MAX (0, (int) ceil (rect->origin.x));
  int y0 = MAX (0, (int) ceil (rect->origin.y));
  int x1 = MIN (image->width, (int) floor (rect->origin.x + rect->size.width));
  int y1 = MIN (image->height, (int) floor (rect->origin.y + rect->size.height));
  double sum = 0;
  guint64 count = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint8 rgb[3];

        np_test_image_pixel (image, x, y, rgb);
        sum += (rgb[0] + rgb[1] + rgb[2]) / 3.0;
        count++;
      }

  g_assert_cmpuint (count, >, 0);
  return sum / count;
}

static char *scratch_dir;

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);

  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        remove_tree (child);
    }
  g_file_delete (file, NULL, NULL);
}

/**
 * np_test_init:
 *
 * g_test_init() with a scratch home: the recent-files list, caches and test
 * frames go to a temporary folder removed by np_test_finish(). The system
 * data folders (icon themes, schemas) stay visible, which
 * G_TEST_OPTION_ISOLATE_DIRS would hide.
 */
void
np_test_init (int    *argc,
              char ***argv)
{
  static const char *const variables[] = {
    "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
  };
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);

  scratch_dir = g_dir_make_tmp ("needleplan-gui-test-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (variables); i++)
    {
      g_autofree char *dir = g_build_filename (scratch_dir, variables[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (variables[i], dir, TRUE);
    }
}

void
np_test_finish (void)
{
  g_autoptr(GFile) scratch = g_file_new_for_path (scratch_dir);

  remove_tree (scratch);
  g_clear_pointer (&scratch_dir, g_free);
}

static const char *
test_dir (void)
{
  g_assert_nonnull (scratch_dir);
  return scratch_dir;
}

char *
np_test_save_frame (NpFrame    *frame,
                    const char *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (test_dir (), name, NULL);

  np_png_save (frame, path, &error);
  g_assert_no_error (error);
  return path;
}

char *
np_test_write_file (const char *name,
                    const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (test_dir (), name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* @widget's allocation in @ancestor's coordinates. */
graphene_rect_t
np_test_bounds_in (GtkWidget *widget,
                   GtkWidget *ancestor)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, ancestor, &bounds));
  return bounds;
}

/**
 * np_test_application_new:
 *
 * The real application, registered without the single-instance bus name so
 * that tests never reach a NeedlePlan the developer has open.
 */
NpApplication *
np_test_application_new (void)
{
  g_autoptr(GError) error = NULL;
  NpApplication *app = np_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  return app;
}

static gboolean
widget_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

void
np_test_wait_mapped (GtkWidget *widget)
{
  np_test_wait_until (widget_is_mapped, widget);
}

/* A window of @app at its default size, on screen. */
NpWindow *
np_test_new_window (NpApplication *app)
{
  NpWindow *window = np_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  np_test_wait_mapped (GTK_WIDGET (window));
  return window;
}

static gboolean
window_is_idle (gpointer data)
{
  return !np_window_get_loading (NP_WINDOW (data));
}

/* Until @window has no file loading. */
void
np_test_wait_window_idle (NpWindow *window)
{
  np_test_wait_until (window_is_idle, window);
}

/* Destroys the windows transient for @window: dialogs, message boxes. */
void
np_test_destroy_dialogs (GtkWindow *window)
{
  GList *toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (gtk_window_get_transient_for (l->data) == window)
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
}

/* Its dialogs first, then @window; destroying (not closing) never asks
 * about a changed plan. */
void
np_test_destroy_window (GtkWindow *window)
{
  np_test_destroy_dialogs (window);
  gtk_window_destroy (window);
}

/* The last shown window of @type transient for @parent, or NULL. */
GtkWindow *
np_test_find_dialog (GtkWindow *parent,
                     GType      type)
{
  GList *toplevels = gtk_window_list_toplevels ();
  GtkWindow *found = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
        gtk_window_get_transient_for (l->data) == parent &&
        gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (toplevels);
  return found;
}

AdwMessageDialog *
np_test_find_message_dialog (GtkWindow *parent)
{
  GtkWindow *dialog = np_test_find_dialog (parent, ADW_TYPE_MESSAGE_DIALOG);

  return dialog != NULL ? ADW_MESSAGE_DIALOG (dialog) : NULL;
}

/* The child @name of the template of @widget's own type (a final type). */
GtkWidget *
np_test_template_child (gpointer    widget,
                        const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), G_OBJECT_TYPE (widget),
                                                  name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* Activates what @widget does for a key press, through its own key
 * bindings (as its shortcut controller would for a real key event). */
void
np_test_press_key (GtkWidget       *widget,
                   guint            keyval,
                   GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                           widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_error ("No binding for key %s", gdk_keyval_name (keyval));
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, (gssize) length, &error);
  g_assert_no_error (error);
}

/* The bundled case @case_name (frame and plan) copied to a folder of its
 * own in the scratch cache, so that a test may change it; returns the
 * copied plan's path. */
char *
np_test_copy_case (const char *case_name,
                   const char *folder_name)
{
  g_autofree char *source = g_build_filename (NP_SOURCE_DIR, "data", "cases", case_name, NULL);
  g_autofree char *folder = g_build_filename (g_get_user_cache_dir (), folder_name, NULL);
  const char *const names[] = { "frame.png", "plan.json" };

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (source, names[i], NULL);
      g_autofree char *to = g_build_filename (folder, names[i], NULL);

      copy_file (from, to);
    }
  return g_build_filename (folder, "plan.json", NULL);
}

/* Real input */

/* Whether real input can be sent: xdotool installed and an X11 display. */
gboolean
np_test_have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

  return path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

/* Runs xdotool with @args (a NULL-terminated list after "xdotool"). */
void
np_test_xdotool (const char *const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_strv_builder_add (builder, "xdotool");
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Where an image point of the canvas is, in the X window's coordinates. */
void
np_test_image_point_in_window (NpWindow     *window,
                               NpImagePoint  point,
                               int          *x,
                               int          *y)
{
  NpCanvas *canvas = np_window_get_canvas (window);
  NpWidgetPoint w = np_canvas_image_to_widget (canvas, point);
  graphene_point_t in_window;
  double surface_x, surface_y;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (canvas), GTK_WIDGET (window),
                                           &GRAPHENE_POINT_INIT (w.x, w.y), &in_window));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &surface_x, &surface_y);
  *x = (int) lround (in_window.x + surface_x);
  *y = (int) lround (in_window.y + surface_y);
}
