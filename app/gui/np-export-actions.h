/* np-export-actions.h: the window's Export menu and printing
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-window.h"

G_BEGIN_DECLS

typedef enum
{
  NP_EXPORT_KIND_PNG,   /* the annotated image */
  NP_EXPORT_KIND_PDF,   /* the report */
} NpExportKind;

/* The Export menu's state on one window (its save dialog, the last print
 * settings, the exports running), held by the window. */
typedef struct _NpExportActions NpExportActions;

NpExportActions   *np_export_actions_install             (NpWindow      *window);
void               np_export_actions_free                (NpExportActions *self);
void               np_export_actions_export_to_file      (NpWindow      *window,
                                                          NpExportKind   kind,
                                                          gboolean       anonymise,
                                                          GFile         *file);
gboolean           np_export_actions_is_busy             (NpWindow      *window);
GtkPrintOperation *np_export_actions_new_print_operation (NpWindow      *window,
                                                          GError       **error);

G_END_DECLS
