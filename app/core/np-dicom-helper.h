/* np-dicom-helper.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-dicom-info.h"
#include "np-dicom-protocol.h"
#include "np-types.h"

G_BEGIN_DECLS

/* Limits on the importer process (docs/dicom.md). */
#define NP_DICOM_HELPER_ADDRESS_SPACE  (G_GUINT64_CONSTANT (2) * 1024 * 1024 * 1024)
#define NP_DICOM_HELPER_CPU_SECONDS    120
#define NP_DICOM_HELPER_OPEN_TIMEOUT_MS  10000
#define NP_DICOM_HELPER_FRAME_TIMEOUT_MS 5000
/* Encoding a record of up to 8192 × 8192 RGB pixels. */
#define NP_DICOM_HELPER_WRITE_TIMEOUT_MS 30000

#define NP_TYPE_DICOM_HELPER (np_dicom_helper_get_type ())

G_DECLARE_FINAL_TYPE (NpDicomHelper, np_dicom_helper, NP, DICOM_HELPER, GObject)

char              *np_dicom_helper_find_program (GError        **error);
gboolean           np_dicom_helper_file_is_dicom (const char    *path);
NpDicomHelper     *np_dicom_helper_new          (const char     *path,
                                                 GError        **error);
gboolean           np_dicom_helper_open         (NpDicomHelper  *self,
                                                 GError        **error);
const NpDicomInfo *np_dicom_helper_get_info     (NpDicomHelper  *self);
NpFrame           *np_dicom_helper_read_frame   (NpDicomHelper  *self,
                                                 guint           index,
                                                 GError        **error);
GBytes            *np_dicom_helper_write        (NpDicomHelper  *self,
                                                 JsonObject     *members,
                                                 GBytes         *payload,
                                                 GError        **error);
NpDicomMessage    *np_dicom_helper_request      (NpDicomHelper  *self,
                                                 const char     *request,
                                                 JsonObject     *members,
                                                 GBytes         *payload,
                                                 const char     *doing,
                                                 guint           timeout_ms,
                                                 GBytes        **reply_payload,
                                                 GError        **error);
void               np_dicom_helper_close        (NpDicomHelper  *self);
gboolean           np_dicom_helper_is_running   (NpDicomHelper  *self);
GPid               np_dicom_helper_get_pid      (NpDicomHelper  *self);
void               np_dicom_helper_set_timeouts (NpDicomHelper  *self,
                                                 guint           open_ms,
                                                 guint           frame_ms);

NpFrame           *np_dicom_helper_load_frame   (const char     *path,
                                                 guint           index,
                                                 GError        **error);

G_END_DECLS
