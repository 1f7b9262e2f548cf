/* np-phantom-private.h: helpers shared by the phantom generators
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gsl/gsl_rng.h>

#include "np-frame.h"
#include "np-phantom.h"
#include "np-plan.h"

G_BEGIN_DECLS

/* Machine-style annotation text from a built-in 5 × 7 pixel font, so the
 * frames are the same on every machine whatever fonts are installed.
 * Letters are upper case; "c", "m", "z" also exist in lower case. */
void    np_phantom_draw_text      (cairo_t         *cr,
                                   double           x,
                                   double           y,
                                   double           scale,
                                   const char      *text);
double  np_phantom_text_width     (const char      *text,
                                   double           scale);

/* Paints @mask (an A8 surface the size of @frame) over the grey @frame in
 * @value, alpha-blended. */
void    np_phantom_apply_overlay  (NpFrame         *frame,
                                   cairo_surface_t *mask,
                                   guint            value);

/* Smooth value noise in [0, 1] on a unit lattice: deterministic, no tables. */
double  np_phantom_value_noise    (guint32          seed,
                                   double           a,
                                   double           b);

/* A uniform value in [lo, hi] rounded to 1 / @per_unit, so ground-truth
 * files show the exact short numbers the generator used. */
double  np_phantom_sample         (gsl_rng         *rng,
                                   double           lo,
                                   double           hi,
                                   guint            per_unit);

/* One number of the ground truth: a drawn anatomy parameter or a value
 * derived from them. @name is a static string. */
typedef struct
{
  const char *name;
  double value;
} NpPhantomParam;

/* What a site template receives and fills in. */
typedef struct
{
  /* inputs */
  guint32 seed;
  gsl_rng *rng;                 /* draws the anatomy; the rendering has its own */
  NpSide side;
  const char *approach_id;
  /* filled by the template */
  GArray *params;               /* NpPhantomParam, in drawing order */
  NpPlan *plan;                 /* every mark in image space */
  NpFrame *frame;
  double pixel_mm;
  double target_depth_mm;
  JsonObject *scanner;          /* geometry of the probe or of the C-arm */
  JsonObject *extra;            /* modality-specific truth (the calibration sphere, ...) */
} NpPhantomCase;

double   np_phantom_case_draw        (NpPhantomCase      *phantom_case,
                                      const char         *name,
                                      double              lo,
                                      double              hi,
                                      guint               per_unit);
void     np_phantom_case_record      (NpPhantomCase      *phantom_case,
                                      const char         *name,
                                      double              value);

/* Smallest physical distance between the segment @a-@b and the outline of
 * @structure (0 when the segment touches, crosses or enters it). */
double   np_phantom_clearance_mm     (const NpStructure  *structure,
                                      NpImagePoint        a,
                                      NpImagePoint        b,
                                      double              pixel_mm);

gboolean np_phantom_build_ultrasound (NpPhantomCase      *phantom_case,
                                      NpProbe             probe,
                                      GError            **error);
gboolean np_phantom_build_fluoroscopy (NpPhantomCase     *phantom_case,
                                       NpView             view,
                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)

G_END_DECLS
