/* np-terminal-text.h: values from files made safe to print on a terminal or in a log
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The default length, in characters, of a value shown on one line. */
#define NP_TERMINAL_TEXT_MAX_CHARS 200

char *np_terminal_text (const char *text,
                        gsize       max_chars);

G_END_DECLS
