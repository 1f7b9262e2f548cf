/* np-error.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NP_ERROR (np_error_quark ())

typedef enum
{
  NP_ERROR_FAILED,
  NP_ERROR_NOT_FOUND,        /* a file or a referenced frame is missing */
  NP_ERROR_NOT_SUPPORTED,    /* a format or version we do not read */
  NP_ERROR_CORRUPT,          /* the file is damaged or truncated */
  NP_ERROR_TOO_LARGE,        /* over one of our size limits */
  NP_ERROR_INVALID,          /* well-formed but with values that make no sense */
  NP_ERROR_IO,               /* reading or writing failed */
  NP_ERROR_NUMERIC,          /* a fit or solver did not converge */
  NP_ERROR_CRASHED,          /* a helper process died while working on a file */
  NP_ERROR_TIMEOUT,          /* a helper process passed its time limit and was stopped */
} NpError;

GQuark np_error_quark (void);

void   np_gsl_init      (void);
gboolean np_error_from_gsl (int          gsl_status,
                            const char  *what,
                            GError     **error);

G_END_DECLS
