/* np-terminal-text.c: values from files made safe to print on a terminal or in a log
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-terminal-text.h"

#include <string.h>

/* Characters that move the cursor, change the terminal's state, or reorder
 * what follows (bidirectional overrides), so that a file could otherwise
 * forge or hide a line of output. */
static gboolean
needs_escape (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e
         || c == 0x200f || c == 0x061c || c == 0xfeff;
}

static void
append_escaped (GString  *out,
                gunichar  c)
{
  switch (c)
    {
    case '\n': g_string_append (out, "\\n"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\t': g_string_append (out, "\\t"); break;
    case 0x1b: g_string_append (out, "\\e"); break;
    default:
      if (c < 0x100)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_printf (out, "\\u%04x", c);
      break;
    }
}

/**
 * np_terminal_text:
 * @text: (nullable): a value read from a file: a site, a label, a file name
 * @max_chars: the most characters to show; 0 for %NP_TERMINAL_TEXT_MAX_CHARS
 *
 * @text as one safe line: control characters, bidirectional overrides and
 * backslashes written as escapes (\n, \e, \x07, \u202e, \\), bytes that are
 * not UTF-8 as \xNN, and a value longer than @max_chars shortened with an
 * ellipsis. A folder name holding a newline cannot forge a progress line.
 *
 * Returns: (transfer full): the line
 */
char *
np_terminal_text (const char *text,
                  gsize       max_chars)
{
  GString *out;
  gsize shown = 0;
  const char *p;
  const char *end;

  if (text == NULL)
    return g_strdup ("");
  if (max_chars == 0)
    max_chars = NP_TERMINAL_TEXT_MAX_CHARS;
  max_chars = MAX (max_chars, 2);

  out = g_string_sized_new (MIN (strlen (text), 4 * max_chars) + 4);
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      gsize before = out->len;
      const char *next;

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          next = p + 1;
        }
      else
        {
          next = g_utf8_next_char (p);
          if (c == '\\')
            g_string_append (out, "\\\\");
          else if (needs_escape (c))
            append_escaped (out, c);
          else
            g_string_append_len (out, p, next - p);
        }
      /* An escape counts as the characters it is written with. */
      shown += g_utf8_strlen (out->str + before, -1);
      if (shown > max_chars - 1 && next < end)
        {
          g_string_truncate (out, before);
          g_string_append (out, "…");
          break;
        }
      if (shown > max_chars && next >= end)
        {
          g_string_truncate (out, before);
          g_string_append (out, "…");
          break;
        }
      p = next;
    }
  return g_string_free (out, FALSE);
}
