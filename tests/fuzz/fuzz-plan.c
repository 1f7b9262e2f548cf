/* fuzz-plan.c: the plan-file reader and the planner on arbitrary bytes
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-plan-file.h"
#include "np-planner.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = np_plan_file_parse ((const char *) data, (gssize) size, "fuzz.json",
                                               &error);

  if (plan != NULL)
    {
      /* Whatever parses must plan, serialise and parse back to the same plan. */
      g_autoptr(NpPlanResults) results = np_planner_compute (plan, NULL, NULL);
      g_autofree char *json = np_plan_file_to_json (plan, NULL, NULL);
      g_autoptr(NpPlan) again = NULL;

      g_assert (json != NULL);
      again = np_plan_file_parse (json, -1, "again.json", NULL);
      g_assert (again != NULL);
      g_assert (np_plan_equal (plan, again));
    }
  else
    g_assert (error != NULL && error->message[0] != '\0');
  return 0;
}
