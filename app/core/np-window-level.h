/* np-window-level.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-frame.h"

G_BEGIN_DECLS

/* Display mapping of raw sample values: values below center - width/2 are
 * black, above center + width/2 white, linear in between. */
typedef struct
{
  double center;
  double width;
} NpWindowLevel;

typedef enum
{
  NP_WINDOW_PRESET_AUTO,        /* 0.5th to 99.5th percentile of the frame */
  NP_WINDOW_PRESET_DATA_RANGE,  /* darkest to brightest sample present */
  NP_WINDOW_PRESET_FULL_RANGE,  /* the whole range of the bit depth */
  NP_WINDOW_PRESET_HIGH_CONTRAST, /* 5th to 95th percentile */
} NpWindowPreset;

NpWindowLevel np_window_level_for_preset (const NpFrame  *frame,
                                          NpWindowPreset  preset);
NpWindowLevel np_window_level_default    (const NpFrame  *frame);
gboolean      np_window_level_percentiles(const NpFrame  *frame,
                                          double          low_fraction,
                                          double          high_fraction,
                                          double         *low_value,
                                          double         *high_value);
guint8        np_window_level_map        (NpWindowLevel   window,
                                          double          value);
void          np_window_level_render_rgb (NpWindowLevel   window,
                                          const NpFrame  *frame,
                                          guint8         *rgb,
                                          gsize           rgb_stride);

G_END_DECLS
