/* np-pacs-query.h: a search of a PACS, by QIDO-RS or C-FIND, and its
 * retrieve by C-GET
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "np-pacs-cache.h"
#include "np-pacs-destination.h"
#include "np-pacs-query-result.h"

G_BEGIN_DECLS

/* What the clinician searches by, and where: studies by patient and date,
 * the series of a study, the instances of a series. Empty or NULL fields
 * match everything. */
typedef struct
{
  NpPacsLevel level;
  char *patient_name;        /* "doe" matches "Doe^John": a * is added when it has no wildcard */
  char *patient_id;
  char *accession_number;
  char *study_date;          /* YYYYMMDD, or a range YYYYMMDD-YYYYMMDD (either end open) */
  char *study_uid;           /* series and instances: the study searched in */
  char *series_uid;          /* instances: the series searched in */
  char *sop_uid;             /* instances: one instance of the study, in any series */
} NpPacsQuery;

/* Where a DIMSE query goes. */
typedef struct
{
  const char *host;
  guint       port;
  const char *calling_aet;
  const char *called_aet;
  guint       timeout_seconds;
} NpPacsDimsePeer;

NpPacsQuery *np_pacs_query_new             (NpPacsLevel         level);
void         np_pacs_query_free            (NpPacsQuery        *query);
gboolean     np_pacs_query_set_study_date  (NpPacsQuery        *query,
                                            const char         *text,
                                            GError            **error);
gboolean     np_pacs_query_check           (const NpPacsQuery  *query,
                                            GError            **error);
char        *np_pacs_query_dup_name_pattern (const NpPacsQuery *query);
char        *np_pacs_query_to_qido         (const NpPacsQuery  *query);
JsonObject  *np_pacs_query_to_find_members (const NpPacsQuery  *query,
                                            const NpPacsDimsePeer *peer);
GPtrArray   *np_pacs_query_find_dimse      (const NpPacsQuery  *query,
                                            const NpPacsDimsePeer *peer,
                                            GError            **error);
GBytes      *np_pacs_query_get_dimse       (const NpPacsQueryResult *instance,
                                            const NpPacsDimsePeer *peer,
                                            GError            **error);

GPtrArray   *np_pacs_query_find            (const NpPacsQuery  *query,
                                            const NpPacsDestination *destination,
                                            const char         *password,
                                            GCancellable       *cancellable,
                                            GError            **error);
char        *np_pacs_query_retrieve_source (const char         *capture_path,
                                            const char         *study_uid,
                                            const NpPacsDestination *destination,
                                            const char         *password,
                                            NpPacsCache        *cache,
                                            GCancellable       *cancellable,
                                            GError            **error);
char        *np_pacs_query_retrieve        (const NpPacsQueryResult *instance,
                                            const NpPacsDestination *destination,
                                            const char         *password,
                                            NpPacsCache        *cache,
                                            GCancellable       *cancellable,
                                            GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPacsQuery, np_pacs_query_free)

G_END_DECLS
