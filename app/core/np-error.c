/* np-error.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-error.h"

#include <glib/gi18n-lib.h>

#include <gsl/gsl_errno.h>

G_DEFINE_QUARK (np-error-quark, np_error)

/* GSL's default handler calls abort(); a bad fit must become a message for
 * the clinician instead, so every GSL status is checked and mapped. */
void
np_gsl_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      gsl_set_error_handler_off ();
      g_once_init_leave (&initialized, 1);
    }
}

/* Returns TRUE when @gsl_status is success; otherwise sets @error. */
gboolean
np_error_from_gsl (int          gsl_status,
                   const char  *what,
                   GError     **error)
{
  if (gsl_status == GSL_SUCCESS)
    return TRUE;

  g_set_error (error, NP_ERROR, NP_ERROR_NUMERIC, _("%s failed: %s"),
               what, gsl_strerror (gsl_status));
  return FALSE;
}
