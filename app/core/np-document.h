/* np-document.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-frame.h"
#include "np-plan.h"

G_BEGIN_DECLS

#define NP_TYPE_DOCUMENT (np_document_get_type ())

G_DECLARE_FINAL_TYPE (NpDocument, np_document, NP, DOCUMENT, GObject)

NpDocument   *np_document_new            (void);

NpFrame      *np_document_get_frame      (NpDocument   *self);
const NpPlan *np_document_get_plan       (NpDocument   *self);
NpPlan       *np_document_dup_plan       (NpDocument   *self);
void          np_document_set_frame      (NpDocument   *self,
                                          NpFrame      *frame,
                                          NpPlan       *plan);

void          np_document_replace_frame  (NpDocument   *self,
                                          NpFrame      *frame);
void          np_document_edit           (NpDocument   *self,
                                          NpPlan       *plan,
                                          const char   *description);
void          np_document_begin_live_edit(NpDocument   *self,
                                          const char   *description);
void          np_document_live_edit      (NpDocument   *self,
                                          NpPlan       *plan);
void          np_document_end_live_edit  (NpDocument   *self);
gboolean      np_document_in_live_edit   (NpDocument   *self);

gboolean      np_document_can_undo       (NpDocument   *self);
gboolean      np_document_can_redo       (NpDocument   *self);
const char   *np_document_get_undo_label (NpDocument   *self);
const char   *np_document_get_redo_label (NpDocument   *self);
gboolean      np_document_undo           (NpDocument   *self);
gboolean      np_document_redo           (NpDocument   *self);

gboolean      np_document_get_dirty      (NpDocument   *self);
void          np_document_set_dirty      (NpDocument   *self,
                                          gboolean      dirty);
const char   *np_document_get_path       (NpDocument   *self);
void          np_document_set_path       (NpDocument   *self,
                                          const char   *path);
guint64       np_document_get_revision   (NpDocument   *self);

G_END_DECLS
