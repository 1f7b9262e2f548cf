/* np-phantom.h: synthetic ultrasound and fluoroscopy cases with known truth
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "np-frame.h"
#include "np-plan.h"

G_BEGIN_DECLS

#define NP_PHANTOM_TRUTH_FORMAT "needleplan-phantom-truth"
#define NP_PHANTOM_TRUTH_VERSION 1

/* File names inside a case directory. */
#define NP_PHANTOM_FRAME_FILE "frame.png"
#define NP_PHANTOM_PLAN_FILE "plan.json"
#define NP_PHANTOM_TRUTH_FILE "truth.json"

typedef struct
{
  NpSite site;                  /* knee, shoulder or hip */
  NpModality modality;
  gboolean has_probe;           /* FALSE: the approach's usual probe */
  NpProbe probe;                /* ultrasound only */
  NpView view;                  /* fluoroscopy only: AP (also for NONE) or LATERAL */
  const char *approach;         /* NULL: the site's default; a preset id or short name */
  guint32 seed;
} NpPhantomOptions;

typedef struct _NpPhantom NpPhantom;

void         np_phantom_options_init        (NpPhantomOptions       *options);

NpPhantom   *np_phantom_generate            (const NpPhantomOptions *options,
                                             GError                **error);
void         np_phantom_free                (NpPhantom              *phantom);

NpFrame     *np_phantom_get_frame           (const NpPhantom        *phantom);
const NpPlan *np_phantom_get_plan           (const NpPhantom        *phantom);
JsonNode    *np_phantom_get_truth           (const NpPhantom        *phantom);
double       np_phantom_get_pixel_size      (const NpPhantom        *phantom);
double       np_phantom_get_target_depth    (const NpPhantom        *phantom);

gboolean     np_phantom_write               (const NpPhantom        *phantom,
                                             const char             *directory,
                                             GError                **error);

/* Preset ids and short names the generator knows, for --help texts. */
char        *np_phantom_describe_approaches (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPhantom, np_phantom_free)

G_END_DECLS
