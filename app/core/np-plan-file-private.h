/* np-plan-file-private.h: shared by the plan file's public functions
 * (np-plan-file.c), its rules (-check.c), its writer (-write.c) and its
 * reader (-read.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-plan-file.h"

G_BEGIN_DECLS

/* np-plan-file-check.c: the value rules, the same for saving and loading */
gboolean  _np_plan_file_check_plan                (const NpPlan  *plan,
                                                   const char    *context,
                                                   GError       **error);
gboolean  _np_plan_file_check_enums               (const NpPlan  *plan,
                                                   const char    *context,
                                                   GError       **error);
char     *_np_plan_file_field_name                (const char    *prefix,
                                                   const char    *member);
gboolean  _np_plan_file_check_point               (NpImagePoint   point,
                                                   const char    *context,
                                                   const char    *field,
                                                   GError       **error);
guint     _np_plan_file_measurement_point_count   (NpMeasureKind  kind);
gboolean  _np_plan_file_coordinate_ok             (double         value);
gboolean  _np_plan_file_path_has_parent_component (const char    *path);

/* np-plan-file-write.c */
JsonNode *_np_plan_file_build                     (const NpPlan  *plan,
                                                   JsonNode      *results);
char     *_np_plan_file_format                    (JsonNode      *root);

/* np-plan-file-read.c */
gboolean  _np_plan_file_prescan                   (const char    *data,
                                                   gsize          length,
                                                   const char    *context,
                                                   GError       **error);
void      _np_plan_file_set_json_error            (GError       **error,
                                                   const char    *context,
                                                   const GError  *json_error);
NpPlan   *_np_plan_file_read                      (JsonObject    *root,
                                                   gint64         version,
                                                   const char    *context,
                                                   GError       **error);

G_END_DECLS
