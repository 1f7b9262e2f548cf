/* np-pacs-query-result.h: one study, series or instance a PACS found
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  NP_PACS_LEVEL_STUDY,
  NP_PACS_LEVEL_SERIES,
  NP_PACS_LEVEL_INSTANCE,
} NpPacsLevel;

/* What a series holds, for the list: NeedlePlan's own records are named. */
typedef enum
{
  NP_PACS_CONTENT_IMAGES,
  NP_PACS_CONTENT_PLAN,      /* NeedlePlan Secondary Captures: reopen as plans */
  NP_PACS_CONTENT_REPORT,    /* NeedlePlan's Encapsulated PDF reports */
} NpPacsContent;

/* One match of a QIDO-RS search or a C-FIND, read from the DICOM JSON model
 * (PS3.18 F.2). Strings are UTF-8 and never NULL (empty when absent);
 * counts the answer does not carry are -1. */
typedef struct
{
  NpPacsLevel level;

  char *patient_name;        /* as written, components joined by ^ */
  char *patient_id;
  char *patient_birth_date;
  char *study_uid;
  char *study_date;          /* YYYYMMDD as written */
  char *study_time;
  char *study_description;
  char *accession_number;
  char *modalities;          /* ModalitiesInStudy joined by ", " */
  int   study_instances;

  char *series_uid;
  char *modality;
  char *series_description;
  int   series_number;
  int   series_instances;

  char *sop_uid;
  char *sop_class_uid;
  int   instance_number;
  int   frames;
} NpPacsQueryResult;

#define NP_TYPE_PACS_QUERY_RESULT (np_pacs_query_result_get_type ())

GType              np_pacs_query_result_get_type    (void) G_GNUC_CONST;
NpPacsQueryResult *np_pacs_query_result_new         (NpPacsLevel              level);
NpPacsQueryResult *np_pacs_query_result_copy        (const NpPacsQueryResult *result);
void               np_pacs_query_result_free        (NpPacsQueryResult       *result);
NpPacsContent      np_pacs_query_result_get_content (const NpPacsQueryResult *result);
char              *np_pacs_query_result_dup_patient_display (const NpPacsQueryResult *result);
char              *np_pacs_query_result_dup_date_display    (const NpPacsQueryResult *result);
GPtrArray         *np_pacs_query_result_list_parse  (const char              *json,
                                                     gssize                   length,
                                                     NpPacsLevel              level,
                                                     const char              *source,
                                                     GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPacsQueryResult, np_pacs_query_result_free)

G_END_DECLS
