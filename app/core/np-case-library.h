/* np-case-library.h: training cases found in folders of plan files
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-plan.h"

G_BEGIN_DECLS

/* Any plan file with an expert answer (a target, or an acceptable target
 * region) whose frame exists is a case. Plan format 1 has no difficulty
 * field, so the difficulty is derived from the expert plan: see
 * docs/training.md. */

#define NP_CASE_LIBRARY_USER_FOLDER "cases"

/* Thresholds of the difficulty rule (docs/training.md). */
#define NP_CASE_EASY_MAX_DEPTH_MM 25.0
#define NP_CASE_MEDIUM_MAX_DEPTH_MM 45.0
#define NP_CASE_EASY_MIN_CLEARANCE_MM 5.0
#define NP_CASE_MEDIUM_MIN_CLEARANCE_MM 2.0

typedef enum
{
  NP_CASE_DIFFICULTY_EASY,
  NP_CASE_DIFFICULTY_MEDIUM,
  NP_CASE_DIFFICULTY_HARD,
} NpCaseDifficulty;

typedef struct
{
  char *plan_path;              /* absolute */
  char *frame_path;             /* absolute */
  char *title;                  /* the plan's title, else its folder's name */
  NpSite site;
  NpModality modality;
  NpCaseDifficulty difficulty;
  gboolean has_depth;           /* expert target depth, mm (calibrated frames) */
  double depth_mm;
  guint n_structures;           /* structures to avoid marked in the case */
  gboolean has_clearance;       /* nearest structure the expert path keeps out of, mm */
  double clearance_mm;
} NpCase;

typedef struct
{
  gboolean by_site;
  NpSite site;
  gboolean by_modality;
  NpModality modality;
  gboolean by_difficulty;
  NpCaseDifficulty difficulty;
} NpCaseFilter;

NpCase           *np_case_copy                    (const NpCase        *library_case);
void              np_case_free                    (NpCase              *library_case);
gboolean          np_case_matches                 (const NpCase        *library_case,
                                                   const NpCaseFilter  *filter);

NpCase           *np_case_new_from_file           (const char          *plan_path,
                                                   GError             **error);
GPtrArray        *np_case_library_scan            (const char *const   *dirs,
                                                   GError             **error);
GPtrArray        *np_case_library_filter          (const GPtrArray     *cases,
                                                   const NpCaseFilter  *filter);
char             *np_case_library_dup_user_dir    (void);

NpCaseDifficulty  np_case_difficulty_from_measures (gboolean           has_depth,
                                                    double             depth_mm,
                                                    guint              n_structures,
                                                    gboolean           has_clearance,
                                                    double             clearance_mm);
const char       *np_case_difficulty_to_string    (NpCaseDifficulty     difficulty);
const char       *np_case_difficulty_label        (NpCaseDifficulty     difficulty);
gboolean          np_case_difficulty_from_string  (const char          *text,
                                                   NpCaseDifficulty    *difficulty);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpCase, np_case_free)

G_END_DECLS
