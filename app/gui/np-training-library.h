/* np-training-library.h: training mode's case library — filters, cards, the
 * session's length and seed
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "np-case-library.h"

G_BEGIN_DECLS

#define NP_TYPE_TRAINING_LIBRARY (np_training_library_get_type ())

G_DECLARE_FINAL_TYPE (NpTrainingLibrary, np_training_library, NP, TRAINING_LIBRARY, GtkWidget)

/* Cases per session when the library has at least this many. */
#define NP_TRAINING_LIBRARY_DEFAULT_SESSION_CASES 5

GtkWidget    *np_training_library_new               (void);

void          np_training_library_set_case_dirs     (NpTrainingLibrary   *self,
                                                     const char *const   *dirs);
void          np_training_library_ensure_scanned    (NpTrainingLibrary   *self);
gboolean      np_training_library_get_busy          (NpTrainingLibrary   *self);

void          np_training_library_set_filter        (NpTrainingLibrary   *self,
                                                     const NpCaseFilter  *filter);
guint         np_training_library_get_n_shown       (NpTrainingLibrary   *self);
const NpCase *np_training_library_get_shown_case    (NpTrainingLibrary   *self,
                                                     guint                index);
NpCase       *np_training_library_dup_case          (NpTrainingLibrary   *self,
                                                     const char          *plan_path);

guint         np_training_library_get_session_cases (NpTrainingLibrary   *self);
guint32       np_training_library_get_seed          (NpTrainingLibrary   *self);
void          np_training_library_new_seed          (NpTrainingLibrary   *self);

G_END_DECLS
