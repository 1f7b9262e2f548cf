/* np-pacs-send.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-pacs-destination.h"

G_BEGIN_DECLS

typedef enum
{
  NP_PACS_SEND_AUTO,      /* DIMSE when the destination has it, else DICOMweb */
  NP_PACS_SEND_DIMSE,     /* C-STORE through the DICOM helper */
  NP_PACS_SEND_DICOMWEB,  /* STOW-RS */
} NpPacsSendVia;

/* Called before each step: @done of @total files are stored; @path is the
 * file now being sent, NULL at the end. */
typedef void (*NpPacsSendProgress) (guint       done,
                                    guint       total,
                                    const char *path,
                                    gpointer    user_data);

/* The largest file STOW-RS sends (it is read into memory). */
#define NP_PACS_SEND_MAX_FILE_BYTES ((gsize) 256 * 1024 * 1024)

const char *np_pacs_send_via_name    (NpPacsSendVia              via);
gboolean    np_pacs_send_via_parse   (const char                *text,
                                      NpPacsSendVia             *via);
gboolean    np_pacs_send_files       (const NpPacsDestination   *destination,
                                      NpPacsSendVia              via,
                                      const char                *password,
                                      const char * const        *paths,
                                      NpPacsSendProgress         progress,
                                      gpointer                   user_data,
                                      GCancellable              *cancellable,
                                      char                    ***stored_uids,
                                      char                    ***warnings,
                                      GError                   **error);
char       *np_pacs_send_stow_failure_reason (guint          code);
char       *np_pacs_send_outbox_new  (GError                   **error);

G_END_DECLS
