/* np-frame.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-dicom-info.h"
#include "np-types.h"

G_BEGIN_DECLS

/* Frames above this many pixels are refused before any pixel memory is
 * allocated (8192 × 8192). */
#define NP_FRAME_MAX_PIXELS (G_GUINT64_CONSTANT (64) * 1024 * 1024)

#define NP_TYPE_FRAME (np_frame_get_type ())

GType         np_frame_get_type            (void) G_GNUC_CONST;
NpFrame      *np_frame_new                 (guint         width,
                                            guint         height,
                                            guint         channels,
                                            guint         bit_depth,
                                            GError      **error);
NpFrame      *np_frame_load                (const char   *path,
                                            GError      **error);
GBytes       *np_frame_read                (const char   *path,
                                            GError      **error);
NpFrame      *np_frame_load_hashed         (const char   *path,
                                            char        **sha256,
                                            GError      **error);
NpFrame      *np_frame_load_from_memory    (const guint8 *data,
                                            gsize         length,
                                            const char   *display_name,
                                            GError      **error);
NpFrame      *np_frame_ref                 (NpFrame      *frame);
void          np_frame_unref               (NpFrame      *frame);

guint         np_frame_get_width           (const NpFrame *frame);
guint         np_frame_get_height          (const NpFrame *frame);
guint         np_frame_get_channels        (const NpFrame *frame);
guint         np_frame_get_bit_depth       (const NpFrame *frame);
gsize         np_frame_get_stride          (const NpFrame *frame);
const guint8 *np_frame_get_data            (const NpFrame *frame);
guint8       *np_frame_get_data_mutable    (NpFrame      *frame);
gboolean      np_frame_is_gray             (const NpFrame *frame);
gboolean      np_frame_has_alpha           (const NpFrame *frame);
guint         np_frame_get_max_value       (const NpFrame *frame);
guint         np_frame_get_sample          (const NpFrame *frame,
                                            guint         x,
                                            guint         y,
                                            guint         channel);
void          np_frame_set_sample          (NpFrame      *frame,
                                            guint         x,
                                            guint         y,
                                            guint         channel,
                                            guint         value);

const char   *np_frame_get_source_path     (const NpFrame *frame);
void          np_frame_set_source_path     (NpFrame      *frame,
                                            const char   *path);
const char   *np_frame_get_source_format   (const NpFrame *frame);
void          np_frame_set_source_format   (NpFrame      *frame,
                                            const char   *description);
guint         np_frame_get_source_bit_depth(const NpFrame *frame);
void          np_frame_set_source_bit_depth(NpFrame      *frame,
                                            guint         bit_depth);

gboolean      np_frame_get_declared_pixel_size (const NpFrame *frame,
                                                double        *mm_per_px_x,
                                                double        *mm_per_px_y);
void          np_frame_set_declared_pixel_size (NpFrame      *frame,
                                                double        mm_per_px_x,
                                                double        mm_per_px_y);
void          np_frame_clear_declared_pixel_size (NpFrame    *frame);

const char   *np_frame_get_text            (const NpFrame *frame,
                                            const char   *key);
void          np_frame_set_text            (NpFrame      *frame,
                                            const char   *key,
                                            const char   *value);
GStrv         np_frame_dup_text_keys       (const NpFrame *frame);

const NpDicomInfo *np_frame_get_dicom_info (const NpFrame     *frame);
void          np_frame_set_dicom_info      (NpFrame           *frame,
                                            const NpDicomInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpFrame, np_frame_unref)

G_END_DECLS
