/* np-png.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-frame.h"

G_BEGIN_DECLS

/* Compressed files above this size are refused before they are read. */
#define NP_PNG_MAX_FILE_SIZE (G_GUINT64_CONSTANT (1024) * 1024 * 1024)
/* Largest ancillary chunk (text, ICC profile, ...) we allocate memory for. */
#define NP_PNG_MAX_CHUNK_BYTES (8u * 1024 * 1024)
/* All text chunks of a file together, decompressed. */
#define NP_PNG_MAX_TEXT_BYTES (32u * 1024 * 1024)

/* Row filters of the encoder. */
typedef enum
{
  NP_PNG_FILTER_ADAPTIVE,  /* libpng's choice for each row */
  NP_PNG_FILTER_SUB,       /* each sample less the one to its left */
  NP_PNG_FILTER_UP,        /* each sample less the one above */
} NpPngFilter;

NpFrame  *np_png_load             (const char    *path,
                                   GError       **error);
NpFrame  *np_png_load_from_memory (const guint8  *data,
                                   gsize          length,
                                   const char    *display_name,
                                   GError       **error);
GBytes   *np_png_encode           (const NpFrame *frame,
                                   int            compression_level,
                                   GError       **error);
GBytes   *np_png_encode_filtered  (const NpFrame *frame,
                                   int            compression_level,
                                   NpPngFilter    filter,
                                   GError       **error);
gboolean  np_png_save             (const NpFrame *frame,
                                   const char    *path,
                                   GError       **error);

G_END_DECLS
