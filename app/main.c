/* main.c — the NeedlePlan application
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan"

#include "np-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NpApplication) app = NULL;

  np_application_avoid_software_gl ("/dev");
  g_set_application_name ("NeedlePlan");
  app = np_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
