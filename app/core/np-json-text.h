/* np-json-text.h: JSON numbers and strings written the same way everywhere
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void np_json_text_append_double (GString    *out,
                                 double      value);
void np_json_text_append_string (GString    *out,
                                 const char *text);

G_END_DECLS
