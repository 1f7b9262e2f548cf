/* np-autosave.h: a document's unsaved plan kept in the user's state folder
 * while it has unsaved changes
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-autosave-record.h"
#include "np-document.h"
#include "np-plan-analysis.h"

G_BEGIN_DECLS

/* What is written, where and when: docs/record-gui.md. The file itself is
 * NpAutosaveRecord's (core); recovery is np-recovery.h. */

/* Written once the document has been still this long after an edit… */
#define NP_AUTOSAVE_IDLE_MS 2000
/* …and at least this often while the edits go on. */
#define NP_AUTOSAVE_MAX_DELAY_MS 10000

#define NP_TYPE_AUTOSAVE (np_autosave_get_type ())

G_DECLARE_FINAL_TYPE (NpAutosave, np_autosave, NP, AUTOSAVE, GObject)

NpAutosave  *np_autosave_new            (NpPlanAnalysis *analysis,
                                         const char     *directory);
NpDocument  *np_autosave_get_document   (NpAutosave   *self);
const char  *np_autosave_get_path       (NpAutosave   *self);
gboolean     np_autosave_save_now       (NpAutosave   *self,
                                         GError      **error);
void         np_autosave_discard        (NpAutosave   *self);

G_END_DECLS
