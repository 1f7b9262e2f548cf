/* np-plan-file.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "np-dicom-info.h"
#include "np-plan.h"

G_BEGIN_DECLS

/* Plan files (docs/plan-format.md, data/needleplan-plan.schema.json). */

/* Files above this size are refused before they are read. */
#define NP_PLAN_FILE_MAX_BYTES (16 * 1024 * 1024)
/* Coordinates further than this from the origin are refused, in pixels. */
#define NP_PLAN_FILE_MAX_COORDINATE_PX 1e6
/* What a plan may hold, checked on load and save: the planner's work grows
 * with points and structures, and no real plan comes near. */
#define NP_PLAN_FILE_MAX_POINTS 10000
#define NP_PLAN_FILE_MAX_STRUCTURES 1000
#define NP_PLAN_FILE_MAX_REDACTIONS 100
#define NP_PLAN_FILE_MAX_TEXT_BYTES 20000
#define NP_PLAN_FILE_MAX_DICOM_FRAME 100000

/* Whether a frame is the one its plan was made on. */
typedef enum
{
  NP_PLAN_FRAME_MATCHES,
  NP_PLAN_FRAME_DIFFERS,     /* the SHA-256 differs */
  NP_PLAN_FRAME_UNVERIFIED,  /* the plan records no SHA-256 */
} NpPlanFrameCheck;

NpPlan   *np_plan_file_load                (const char    *path,
                                            GError       **error);
NpPlan   *np_plan_file_parse               (const char    *data,
                                            gssize         length,
                                            const char    *display_name,
                                            GError       **error);
char     *np_plan_file_to_json             (const NpPlan  *plan,
                                            JsonNode      *results,
                                            GError       **error);
gboolean  np_plan_file_save                (const NpPlan  *plan,
                                            JsonNode      *results,
                                            const char    *path,
                                            GError       **error);
char     *np_plan_file_resolve_frame       (const NpPlan  *plan,
                                            const char    *plan_path,
                                            GError       **error);
gboolean  np_plan_file_check_frame         (const NpPlan  *plan,
                                            const char    *plan_path,
                                            gboolean      *matches,
                                            GError       **error);
NpPlanFrameCheck np_plan_file_compare_frame (const NpPlan *plan,
                                              const char   *sha256);
char     *np_plan_file_describe_frame_check (NpPlanFrameCheck  check,
                                             const char       *frame_path);
NpFrame  *np_plan_file_load_frame          (const NpPlan      *plan,
                                            const char        *plan_path,
                                            NpPlanFrameCheck  *check,
                                            char             **sha256,
                                            GError           **error);
char     *np_plan_file_relative_frame_path (const char    *plan_path,
                                            const char    *frame_path,
                                            GError       **error);
gboolean  np_plan_file_check_dicom_source  (const NpPlan      *plan,
                                            const char        *plan_path,
                                            const char        *frame_path,
                                            const NpDicomInfo *info,
                                            GError           **error);

G_END_DECLS
