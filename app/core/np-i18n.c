/* np-i18n.c — where the message catalogues are
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "config.h"

#include "np-i18n.h"

#include <glib/gi18n-lib.h>

/* The folder holding LANG/LC_MESSAGES/needleplan.mo: NEEDLEPLAN_LOCALEDIR when
 * set (the build tree's po folder for tools/run and the tests), else the
 * installed one. */
const char *
np_i18n_locale_dir (void)
{
  const char *dir = g_getenv ("NEEDLEPLAN_LOCALEDIR");

  return dir != NULL && *dir != '\0' ? dir : LOCALEDIR;
}

/* Binds the needleplan domain, in UTF-8 whatever the locale's codeset, so that
 * the core's messages (dgettext) are translated. The programs' main() also
 * make it the default domain (textdomain) for the GUI's and CLI's _(). */
void
np_i18n_init (void)
{
  bindtextdomain (GETTEXT_PACKAGE, np_i18n_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}
