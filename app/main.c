/* main.c — the NeedlePlan application
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "needleplan"

#include "np-application.h"
#include "np-i18n.h"
#include "np-prefetch.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NpApplication) app = NULL;
  NpPrefetch *prefetch;
  int status;

  /* The frame is read and decoded on the second core while GTK and
   * libadwaita start on this one (docs/performance.md). */
  np_prefetch_trace ("main");
  prefetch = np_prefetch_new_for_args (argc, argv);

  /* Before GTK: its own start-up messages and the templates' strings are
   * looked up in the domain made default here. */
  setlocale (LC_ALL, "");
  np_i18n_init ();
  textdomain (GETTEXT_PACKAGE);

  np_application_avoid_software_gl ("/dev");
  g_set_application_name ("NeedlePlan");
  app = np_application_new ();
  /* A second launch forwards its file to the running instance and ends:
   * its prefetch is dropped with the application, unfinished. */
  np_application_set_prefetch (app, prefetch);
  status = g_application_run (G_APPLICATION (app), argc, argv);
  np_prefetch_trace ("quit");
  return status;
}
