/* np-autosave-record.h: the file that keeps an unsaved plan for recovery
 * after a crash, written and read without a display
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "np-plan.h"
#include "np-planner.h"

G_BEGIN_DECLS

/* The format: docs/record-gui.md. */
#define NP_AUTOSAVE_FORMAT "needleplan-autosave"
#define NP_AUTOSAVE_VERSION 1

/* One autosave file, to be written or as read back. */
typedef struct
{
  char *path;           /* the autosave file */
  char *frame_path;     /* absolute */
  char *plan_path;      /* absolute, or NULL for a plan never saved */
  NpPlan *plan;
  GDateTime *saved;     /* when it was written; NULL when the file does not say */
  gint64 pid;           /* the process that wrote it */
} NpAutosaveRecord;

char             *np_autosave_record_get_default_directory (void);

NpAutosaveRecord *np_autosave_record_new          (const char             *path,
                                                   const NpPlan           *plan,
                                                   const char             *frame_path,
                                                   const char             *plan_path);
void              np_autosave_record_free         (NpAutosaveRecord       *record);

char             *np_autosave_record_to_json      (const NpAutosaveRecord *record,
                                                   const NpPlanResults    *results,
                                                   GError                **error);
gboolean          np_autosave_record_save         (const NpAutosaveRecord *record,
                                                   const NpPlanResults    *results,
                                                   GError                **error);
NpAutosaveRecord *np_autosave_record_load         (const char             *path,
                                                   GError                **error);
GPtrArray        *np_autosave_record_find_orphans (const char             *directory);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpAutosaveRecord, np_autosave_record_free)

G_END_DECLS
