/* np-export.h: the annotated PNG and the PDF report for the patient record
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>

#include "np-frame.h"
#include "np-plan.h"
#include "np-planner.h"
#include "np-window-level.h"

G_BEGIN_DECLS

/* What goes into the files is written down in docs/export.md. The image in
 * both is the frame with np_overlay_draw() on top, nothing else. */

/* PNG text keys (iTXt, UTF-8, stored uncompressed). */
#define NP_EXPORT_KEY_PLAN "needleplan:plan"
#define NP_EXPORT_KEY_SOFTWARE "Software"

/* The statement every report and caption carries. */
#define NP_EXPORT_PLANNING_AID_STATEMENT \
  "This plan is a planning aid. It is not a substitute for the clinician's judgement at the " \
  "procedure."

typedef enum
{
  NP_PAPER_A4,
  NP_PAPER_LETTER,
} NpPaper;

typedef struct
{
  /* Leave the patient's name and ID out of the caption, the report, the
   * embedded plan and the file name; the frame's file name is replaced too,
   * since it often carries the patient's name. */
  gboolean anonymise;
  /* The window/level the clinician is looking at; without it the frame's
   * default (np_window_level_default()) is used. */
  gboolean has_window;
  NpWindowLevel window;
  NpPaper paper;
  /* Borrowed strings, all nullable. */
  const char *date;             /* the report's date; NULL: today, "YYYY-MM-DD" */
  const char *software_version; /* NULL: this build's version */
  const char *plan_path;        /* the plan file exported from: never overwritten */
  /* The user chose to leave the site or side out: the record says "not
   * recorded" instead of the export being refused. */
  gboolean allow_unrecorded;
} NpExportOptions;

void      np_export_options_init        (NpExportOptions        *options);
gboolean  np_export_propose_redaction   (const NpPlan           *plan,
                                         guint                   frame_width,
                                         NpImageRect            *rect);
gboolean  np_export_check_recorded      (const NpPlan           *plan,
                                         const NpExportOptions  *options,
                                         GError                **error);
gboolean  np_paper_from_string          (const char             *text,
                                         NpPaper                *paper);
const char *np_paper_to_string          (NpPaper                 paper);
void      np_paper_get_size             (NpPaper                 paper,
                                         double                 *width_pt,
                                         double                 *height_pt);

NpPlanResults *np_export_compute_results (const NpPlan          *plan,
                                         const NpFrame          *frame,
                                         GError                **error);

NpFrame  *np_export_render_annotated    (NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         GError                **error);
char     *np_export_plan_json           (const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         GError                **error);
gboolean  np_export_png                 (NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         const char             *path,
                                         GError                **error);
gboolean  np_export_pdf                 (NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         const char             *path,
                                         GError                **error);
gboolean  np_export_plan_fits_image     (const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         char                  **warning);
gboolean  np_export_files               (NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         const char             *png_path,
                                         const char             *pdf_path,
                                         char                 ***warnings,
                                         GError                **error);

/* The report's pages, for the PDF and for GtkPrintOperation: the page is
 * drawn in points (1/72 inch) from (0, 0) to (width_pt, height_pt). */
guint     np_export_report_n_pages      (NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options,
                                         double                  width_pt,
                                         double                  height_pt);
GPtrArray *np_export_record_report      (double                  width_pt,
                                         double                  height_pt,
                                         NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options);
void      np_export_draw_report_page    (cairo_t                *cr,
                                         double                  width_pt,
                                         double                  height_pt,
                                         guint                   page,
                                         NpFrame                *frame,
                                         const NpPlan           *plan,
                                         const NpPlanResults    *results,
                                         const NpExportOptions  *options);

char     *np_export_suggest_filename    (const NpPlan           *plan,
                                         GDateTime              *date,
                                         const char             *extension);

G_END_DECLS
