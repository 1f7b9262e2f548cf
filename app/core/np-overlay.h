/* np-overlay.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "np-plan.h"
#include "np-planner.h"

G_BEGIN_DECLS

/* The one drawing path for the screen, the annotated PNG, the PDF report and
 * printing: what the clinician sees is what goes to the record. */

typedef enum
{
  NP_OVERLAY_MARK_NONE,
  NP_OVERLAY_MARK_TARGET,
  NP_OVERLAY_MARK_ENTRY,
  NP_OVERLAY_MARK_SKIN,        /* index: point */
  NP_OVERLAY_MARK_STRUCTURE,   /* index: structure */
  NP_OVERLAY_MARK_MEASUREMENT, /* index: measurement */
} NpOverlayMark;

typedef enum
{
  NP_OVERLAY_STYLE_PLAN,       /* the clinician's or trainee's plan */
  NP_OVERLAY_STYLE_EXPERT,     /* a revealed expert answer: dashed, its own colour */
  NP_OVERLAY_STYLE_TRAINEE,    /* a trainee's attempt beside the answer: as a plan, with
                                * its marks named "your target", "your entry", "your path" */
} NpOverlayStyle;

/* The colour of a revealed expert answer, 8-bit sRGB: light violet. No mark,
 * structure kind or grey frame uses it; against a tendon's bluish green
 * (0, 158, 115) it differs in hue (270° against 164°) and, printed in grey,
 * in lightness (luma 0.71 against 0.42). Its region is hatched, not tinted. */
#define NP_OVERLAY_EXPERT_R 204
#define NP_OVERLAY_EXPERT_G 153
#define NP_OVERLAY_EXPERT_B 255

typedef struct
{
  /* Device pixels per image pixel. Strokes and text are divided by it so
   * they keep their size on screen at any zoom. */
  double zoom;
  /* Size of strokes and text relative to the screen default (1.0); exports
   * of large frames use more so the record stays legible. */
  double scale;
  NpOverlayStyle style;
  gboolean show_legend;
  gboolean show_labels;
  NpOverlayMark selected;
  guint selected_index;
  /* Image width and height, for placing the legend and the default skin. */
  double image_width;
  double image_height;
  /* Height of the band at the top of the frame where scanners burn in
   * bright text (probe, depth, gain): labels keep out of it where the frame
   * leaves room. np_overlay_options_init sets 8 % of the image height; 0
   * turns it off. Labels also stay inside the image (when its size is
   * known) so none is cut at the frame's edge. */
  double text_band_height;
} NpOverlayOptions;

void np_overlay_options_init     (NpOverlayOptions       *options,
                                  double                  image_width,
                                  double                  image_height);
void np_overlay_options_for_export (NpOverlayOptions     *options,
                                  double                  image_width,
                                  double                  image_height);
void np_overlay_draw             (cairo_t                *cr,
                                  const NpPlan           *plan,
                                  const NpPlanResults    *results,
                                  const NpOverlayOptions *options);

G_END_DECLS
