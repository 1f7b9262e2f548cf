/* np-pacs-destination.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* GSettings key (schema org.needleplan.NeedlePlan) holding the list, type aa{sv}. */
#define NP_PACS_DESTINATIONS_KEY "pacs-destinations"
#define NP_PACS_DEFAULT_TIMEOUT  30
#define NP_PACS_DEFAULT_CALLING_AET "NEEDLEPLAN"

/* One PACS a clinician sends to and opens from: DIMSE (C-STORE, C-FIND,
 * C-GET) and/or DICOMweb (STOW-RS, QIDO-RS, WADO-RS). The password is never
 * here: it lives in the keyring (np-pacs-secret.h). */
typedef struct
{
  char  *name;
  char  *calling_aet;      /* our own AE title */
  char  *called_aet;       /* the PACS's AE title; NULL or "": no DIMSE */
  char  *host;
  guint  port;
  guint  timeout_seconds;  /* association and each network operation; DICOMweb too */
  char  *dicomweb_url;     /* base URL, e.g. http://pacs:8042/dicom-web; NULL or "": no DICOMweb */
  char  *username;         /* HTTP basic; NULL or "": none */
} NpPacsDestination;

NpPacsDestination *np_pacs_destination_new          (const char               *name);
NpPacsDestination *np_pacs_destination_copy         (const NpPacsDestination  *destination);
void               np_pacs_destination_free         (NpPacsDestination        *destination);
gboolean           np_pacs_destination_has_dimse    (const NpPacsDestination  *destination);
gboolean           np_pacs_destination_has_dicomweb (const NpPacsDestination  *destination);
gboolean           np_pacs_destination_validate     (const NpPacsDestination  *destination,
                                                     GError                  **error);
char              *np_pacs_destination_describe     (const NpPacsDestination  *destination);

GVariant          *np_pacs_destination_to_variant   (const NpPacsDestination  *destination);
NpPacsDestination *np_pacs_destination_from_variant (GVariant                 *dict);

GPtrArray         *np_pacs_destination_list_from_variant (GVariant             *list);
GVariant          *np_pacs_destination_list_to_variant   (GPtrArray            *destinations);
GPtrArray         *np_pacs_destination_list_load_settings (GSettings           *settings);
void               np_pacs_destination_list_save_settings (GSettings           *settings,
                                                           GPtrArray           *destinations);
GPtrArray         *np_pacs_destination_list_load_keyfile  (const char          *path,
                                                           GError             **error);
NpPacsDestination *np_pacs_destination_list_find          (GPtrArray           *destinations,
                                                           const char          *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPacsDestination, np_pacs_destination_free)

G_END_DECLS
