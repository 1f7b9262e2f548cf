/* np-autosave.h: unsaved plans kept in the user's state folder, and their
 * recovery after a crash
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-document.h"
#include "np-plan.h"
#include "np-window.h"

G_BEGIN_DECLS

/* What is written, where and when: docs/record-gui.md. */

#define NP_AUTOSAVE_FORMAT "needleplan-autosave"
#define NP_AUTOSAVE_VERSION 1

/* Written once the document has been still this long after an edit… */
#define NP_AUTOSAVE_IDLE_MS 2000
/* …and at least this often while the edits go on. */
#define NP_AUTOSAVE_MAX_DELAY_MS 10000

#define NP_TYPE_AUTOSAVE (np_autosave_get_type ())

G_DECLARE_FINAL_TYPE (NpAutosave, np_autosave, NP, AUTOSAVE, GObject)

/* One autosave file read back. */
typedef struct
{
  char *path;           /* the autosave file */
  char *frame_path;     /* absolute */
  char *plan_path;      /* absolute, or NULL for a plan never saved */
  NpPlan *plan;
  GDateTime *saved;     /* when it was written; NULL when the file does not say */
  gint64 pid;           /* the process that wrote it */
} NpAutosaveRecord;

char        *np_autosave_get_default_directory (void);

NpAutosave  *np_autosave_new            (NpDocument   *document,
                                         const char   *directory);
NpDocument  *np_autosave_get_document   (NpAutosave   *self);
const char  *np_autosave_get_path       (NpAutosave   *self);
gboolean     np_autosave_save_now       (NpAutosave   *self,
                                         GError      **error);
void         np_autosave_discard        (NpAutosave   *self);

NpAutosaveRecord *np_autosave_record_load (const char *path,
                                           GError    **error);
void         np_autosave_record_free    (NpAutosaveRecord *record);
GPtrArray   *np_autosave_find_orphans   (const char   *directory);

/* The window side: one NpAutosave per window, and recovery offered once per
 * process, over the first window shown. */
void         np_autosave_attach         (NpWindow     *window);
NpAutosave  *np_autosave_get_for_window (NpWindow     *window);
void         np_autosave_offer_recovery (NpWindow     *window,
                                         const char   *directory);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpAutosaveRecord, np_autosave_record_free)

G_END_DECLS
