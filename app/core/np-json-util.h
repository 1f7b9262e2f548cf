/* np-json-util.h: the small JSON reads and writes every file format shares
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "np-types.h"

G_BEGIN_DECLS

/* Writing: each adds one member to the object @builder is in. A member that
 * has no value is written as null, never left out, so readers see every key. */
void         np_json_add_string         (JsonBuilder   *builder,
                                         const char    *member,
                                         const char    *value);
void         np_json_add_int            (JsonBuilder   *builder,
                                         const char    *member,
                                         gint64         value);
void         np_json_add_boolean        (JsonBuilder   *builder,
                                         const char    *member,
                                         gboolean       value);
void         np_json_add_double_value   (JsonBuilder   *builder,
                                         double         value);
guint        np_json_count_nonfinite    (JsonBuilder   *builder);
void         np_json_add_number         (JsonBuilder   *builder,
                                         const char    *member,
                                         double         value);
void         np_json_add_number_or_null (JsonBuilder   *builder,
                                         const char    *member,
                                         gboolean       has,
                                         double         value);
void         np_json_add_length         (JsonBuilder   *builder,
                                         const char    *name,
                                         gboolean       calibrated,
                                         gboolean       has,
                                         double         value);
void         np_json_add_pair           (JsonBuilder   *builder,
                                         const char    *member,
                                         gboolean       has,
                                         double         x,
                                         double         y);
void         np_json_add_point          (JsonBuilder   *builder,
                                         const char    *member,
                                         gboolean       has,
                                         NpImagePoint   point);
void         np_json_add_points         (JsonBuilder   *builder,
                                         const char    *member,
                                         const GArray  *points);
void         np_json_add_rect           (JsonBuilder   *builder,
                                         const char    *member,
                                         gboolean       has,
                                         const NpImageRect *rect);
void         np_json_add_point_value    (JsonBuilder   *builder,
                                         NpImagePoint   point);
/* For trees built with json_object_set_*_member: (transfer full) arrays. */
JsonArray   *np_json_array_new_point    (NpImagePoint   point);
JsonArray   *np_json_array_new_points   (const GArray  *points);

/* Reading: NULL (or FALSE) when the member is missing or of another type. */
gboolean     np_json_node_get_number    (JsonNode      *node,
                                         double        *value);
const char  *np_json_get_string         (JsonObject    *object,
                                         const char    *member);
gboolean     np_json_get_int            (JsonObject    *object,
                                         const char    *member,
                                         gint64        *value);
JsonArray   *np_json_get_array          (JsonObject    *object,
                                         const char    *member);
JsonObject  *np_json_get_object         (JsonObject    *object,
                                         const char    *member);

/* Errors about one field read "CONTEXT: “FIELD” MESSAGE", or "“FIELD”
 * MESSAGE" without a context; always FALSE, to return. */
gboolean     np_json_field_error        (GError       **error,
                                         int            code,
                                         const char    *context,
                                         const char    *field,
                                         const char    *format,
                                         ...) G_GNUC_PRINTF (5, 6);
gboolean     np_json_field_error_valist (GError       **error,
                                         int            code,
                                         const char    *context,
                                         const char    *field,
                                         const char    *format,
                                         va_list        args) G_GNUC_PRINTF (5, 0);

G_END_DECLS
