/* np-jpeg.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-frame.h"

G_BEGIN_DECLS

/* Compressed files above this size are refused before they are read. */
#define NP_JPEG_MAX_FILE_SIZE (G_GUINT64_CONSTANT (256) * 1024 * 1024)

/* What a JPEG frame says about itself: it never carries a pixel size. */
#define NP_JPEG_SOURCE_FORMAT "JPEG image (no calibration in the file)"

gboolean  np_jpeg_sniff            (const guint8  *data,
                                    gsize          length);
NpFrame  *np_jpeg_load             (const char    *path,
                                    GError       **error);
NpFrame  *np_jpeg_load_from_memory (const guint8  *data,
                                    gsize          length,
                                    const char    *display_name,
                                    GError       **error);
GBytes   *np_jpeg_encode           (const NpFrame *frame,
                                    int            quality,
                                    GError       **error);

G_END_DECLS
