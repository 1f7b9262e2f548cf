/* np-gui-test-util.h — shared helpers of the GUI tests
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-application.h"
#include "np-frame.h"
#include "np-window.h"

G_BEGIN_DECLS

/* Widget renderings, downloaded as 8-bit BGRA (premultiplied, opaque here). */
typedef struct
{
  int width;
  int height;
  gsize stride;
  guint8 *data;
} NpTestImage;

void         np_test_init            (int        *argc,
                                      char     ***argv);
void         np_test_finish          (void);
void         np_test_wait_until_impl (gboolean  (*condition) (gpointer data),
                                      gpointer    data,
                                      const char *what);
#define np_test_wait_until(condition, data) \
  np_test_wait_until_impl ((condition), (data), #condition)
void         np_test_iterate         (guint       milliseconds);

NpTestImage *np_test_render_widget   (GtkWidget  *widget);
void         np_test_image_free      (NpTestImage *image);
void         np_test_image_pixel     (const NpTestImage *image,
                                      int         x,
                                      int         y,
                                      guint8      rgb[3]);
double       np_test_image_mean      (const NpTestImage *image,
                                      const graphene_rect_t *rect);

char        *np_test_save_frame      (NpFrame    *frame,
                                      const char *name);
char        *np_test_write_file      (const char *name,
                                      const char *contents);
graphene_rect_t np_test_bounds_in     (GtkWidget  *widget,
                                       GtkWidget  *ancestor);

/* The application and its windows. */
NpApplication    *np_test_application_new     (void);
NpWindow         *np_test_new_window          (NpApplication *app);
void              np_test_wait_mapped         (GtkWidget     *widget);
void              np_test_wait_window_idle    (NpWindow      *window);
void              np_test_destroy_dialogs     (GtkWindow     *window);
void              np_test_destroy_window      (GtkWindow     *window);
GtkWindow        *np_test_find_dialog         (GtkWindow     *parent,
                                               GType          type);
AdwMessageDialog *np_test_find_message_dialog (GtkWindow     *parent);
GtkWidget        *np_test_template_child      (gpointer       widget,
                                               const char    *name);
void              np_test_press_key           (GtkWidget     *widget,
                                               guint          keyval,
                                               GdkModifierType modifiers);
char             *np_test_copy_case           (const char    *case_name,
                                               const char    *folder_name);

/* Real input through the X server. */
gboolean          np_test_have_xdotool        (void);
void              np_test_xdotool             (const char *const *args);
void              np_test_image_point_in_window (NpWindow    *window,
                                                 NpImagePoint point,
                                                 int         *x,
                                                 int         *y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpTestImage, np_test_image_free)

G_END_DECLS
