/* np-capture-plan.h: a plan reopened from a NeedlePlan Secondary Capture
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-dicom-info.h"
#include "np-pacs-cache.h"
#include "np-plan.h"

G_BEGIN_DECLS

/* The plan a NeedlePlan Secondary Capture carries (private creator
 * "NEEDLEPLAN 1", docs/dicom.md) and the frame to show it on: its source
 * frame when that is found, else the capture's own pixels, where the
 * overlay and the caption band saved with it are burned in. */
typedef struct
{
  NpPlan   *plan;           /* the marks, editable; refers to frame_path */
  char     *frame_path;     /* absolute: the source frame, or the capture itself */
  guint     frame_index;    /* 0-based frame of frame_path to show */
  gboolean  on_capture;     /* TRUE: shown on the capture's pixels */
  char     *source_name;    /* the source as the plan names it (file name, else UID) */
} NpCapturePlan;

NpCapturePlan *np_capture_plan_new  (const NpDicomInfo  *info,
                                     const char         *capture_path,
                                     NpPacsCache        *cache,
                                     GError            **error);
NpCapturePlan *np_capture_plan_new_on_capture (const NpDicomInfo  *info,
                                               const char         *capture_path,
                                               GError            **error);
void           np_capture_plan_free (NpCapturePlan      *capture);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpCapturePlan, np_capture_plan_free)

G_END_DECLS
