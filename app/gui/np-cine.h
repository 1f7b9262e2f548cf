/* np-cine.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "np-canvas-image.h"
#include "np-dicom-helper.h"

G_BEGIN_DECLS

#define NP_TYPE_CINE (np_cine_get_type ())

G_DECLARE_FINAL_TYPE (NpCine, np_cine, NP, CINE, GObject)

NpCine        *np_cine_new                (NpDicomHelper       *helper,
                                           const char          *path);
guint          np_cine_get_n_frames       (NpCine              *self);
guint          np_cine_get_frame_interval (NpCine              *self);
const char    *np_cine_get_path           (NpCine              *self);
GPid           np_cine_get_pid            (NpCine              *self);
void           np_cine_read_frame_async   (NpCine              *self,
                                           guint                index,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
NpCanvasImage *np_cine_read_frame_finish  (NpCine              *self,
                                           GAsyncResult        *result,
                                           GError             **error);
void           np_cine_read_thumbnail_async  (NpCine           *self,
                                              guint             index,
                                              int               height,
                                              GCancellable     *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer          user_data);
GdkTexture    *np_cine_read_thumbnail_finish (NpCine           *self,
                                              GAsyncResult     *result,
                                              GError          **error);

G_END_DECLS
