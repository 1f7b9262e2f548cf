/* np-gui-test-util.c — shared helpers of the GUI tests
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-gui-test"

#include "np-gui-test-util.h"

#include "np-png.h"

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
