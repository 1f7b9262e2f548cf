/* np-dicom-export.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-export.h"

G_BEGIN_DECLS

#define NP_DICOM_EXPORT_SC_SERIES_DESCRIPTION  "NeedlePlan annotated frame"
#define NP_DICOM_EXPORT_PDF_SERIES_DESCRIPTION "NeedlePlan report"
#define NP_DICOM_EXPORT_DOCUMENT_TITLE         "Injection plan"

char     *np_dicom_export_new_uid (void);
gboolean  np_dicom_export_files   (NpFrame                *frame,
                                   const NpPlan           *plan,
                                   const NpPlanResults    *results,
                                   const NpExportOptions  *options,
                                   const char             *png_path,
                                   const char             *pdf_path,
                                   const char             *sc_path,
                                   const char             *pdf_dicom_path,
                                   char                 ***warnings,
                                   GError                **error);
gboolean  np_dicom_export_sc      (NpFrame                *frame,
                                   const NpPlan           *plan,
                                   const NpPlanResults    *results,
                                   const NpExportOptions  *options,
                                   const char             *path,
                                   GError                **error);
gboolean  np_dicom_export_pdf     (NpFrame                *frame,
                                   const NpPlan           *plan,
                                   const NpPlanResults    *results,
                                   const NpExportOptions  *options,
                                   const char             *path,
                                   GError                **error);

G_END_DECLS
