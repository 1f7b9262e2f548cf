/* fuzz-cli-args.c: the CLI's number and point parsing on arbitrary text
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-cli.h"
#include "np-types.h"

#include <math.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GArray) points = NULL;
  g_autoptr(GError) error = NULL;
  double value;

  if (np_cli_parse_double (text, &value))
    g_assert (isfinite (value));

  if (np_cli_parse_points (text, &points, &error))
    {
      for (guint i = 0; i < points->len; i++)
        {
          NpImagePoint p = g_array_index (points, NpImagePoint, i);
          g_assert (isfinite (p.x) && isfinite (p.y));
        }
    }
  else
    g_assert (error != NULL);
  return 0;
}
