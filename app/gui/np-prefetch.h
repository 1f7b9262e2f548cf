/* np-prefetch.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "np-canvas-image.h"
#include "np-frame.h"

G_BEGIN_DECLS

/* The frame named on the command line, read, checksummed and made ready for
 * the canvas in worker threads while GTK and libadwaita start. */
typedef struct _NpPrefetch NpPrefetch;

/* The view the first frame is made ready for: the canvas of a window of
 * the default size (1200 × 760 in the settings schema, less the tool
 * column, side panel, header and status bar). In a larger window the
 * canvas swaps to the full-resolution texture once it is made. */
#define NP_PREFETCH_VIEW_WIDTH 800
#define NP_PREFETCH_VIEW_HEIGHT 680

NpPrefetch *np_prefetch_new_for_args  (int           argc,
                                       char        **argv);
NpPrefetch *np_prefetch_new           (GFile        *file,
                                       int           view_width,
                                       int           view_height);
NpPrefetch *np_prefetch_ref           (NpPrefetch   *self);
void        np_prefetch_unref         (NpPrefetch   *self);
GFile      *np_prefetch_get_file      (NpPrefetch   *self);
gboolean    np_prefetch_is_done       (NpPrefetch   *self);
gboolean    np_prefetch_finish        (NpPrefetch   *self,
                                       NpCanvasImage **image,
                                       char        **sha256,
                                       GError      **error);
void        np_prefetch_trace         (const char   *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPrefetch, np_prefetch_unref)

G_END_DECLS
