/* fuzz-pacs-query.c: the DICOM JSON answers of a PACS (QIDO-RS bodies, the
 * importer's C-FIND replies) and WADO-RS multipart bodies on arbitrary bytes
 * (a PACS is another machine: its answers are input like any file)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicomweb-client.h"
#include "np-pacs-query-result.h"

#include <string.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = np_pacs_query_result_list_parse ((const char *) data,
                                                                  (gssize) size,
                                                                  NP_PACS_LEVEL_SERIES,
                                                                  "the fuzzer", &error);
  g_autoptr(GBytes) body = g_bytes_new (data, size);
  g_autoptr(GBytes) part = NULL;
  g_autoptr(GError) part_error = NULL;

  if (results == NULL)
    g_assert (error != NULL && error->message[0] != '\0');
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      const NpPacsQueryResult *r = g_ptr_array_index (results, i);
      g_autoptr(NpPacsQueryResult) copy = np_pacs_query_result_copy (r);
      g_autofree char *patient = np_pacs_query_result_dup_patient_display (copy);
      g_autofree char *date = np_pacs_query_result_dup_date_display (copy);

      /* Every string is UTF-8 and never NULL; content is one of the three. */
      g_assert (g_utf8_validate (copy->patient_name, -1, NULL));
      g_assert (g_utf8_validate (copy->series_description, -1, NULL));
      g_assert (patient != NULL && date != NULL);
      g_assert (np_pacs_query_result_get_content (copy) <= NP_PACS_CONTENT_REPORT);
    }

  part = np_dicomweb_client_first_part ("multipart/related; boundary=np", body, "the fuzzer",
                                        &part_error);
  if (part == NULL)
    g_assert (part_error != NULL);
  else
    g_assert (g_bytes_get_size (part) <= size);
  return 0;
}
