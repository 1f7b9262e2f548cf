/* np-export-private.h: shared by np-export.c, np-export-image.c,
 * np-export-files.c and np-export-report.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-export.h"

G_BEGIN_DECLS

/* One export: the inputs, with the defaults of NpExportOptions resolved and
 * the results computed when the caller gave none. */
typedef struct _NpExportJob NpExportJob;

struct _NpExportJob
{
  NpFrame *frame;                       /* borrowed */
  const NpPlan *plan;                   /* borrowed, or owned_plan when anonymised */
  NpPlan *owned_plan;
  const NpPlanResults *results;         /* borrowed, or owned_results; NULL when they failed */
  NpPlanResults *owned_results;
  char *results_problem;                /* why there are no results, or NULL */
  double image_scale;                   /* < 1 when the annotated image is scaled down */
  NpExportOptions options;
  char *date;
  char *software;                       /* "NeedlePlan 0.1.0" */
  /* The second view the plan records (fluoroscopy.second_view): its own
   * job (its plan, frame and one-view results, for its figure), or NULL
   * with second_problem saying why when the plan records one that cannot
   * be shown. */
  NpExportJob *second;
  NpFrame *second_frame;
  NpPlan *second_plan;
  char *second_caption;                 /* "Second view (lateral, 90°)" */
  char *second_problem;
};

gboolean          np_export_job_init        (NpExportJob            *job,
                                             NpFrame                *frame,
                                             const NpPlan           *plan,
                                             const NpPlanResults    *results,
                                             const NpExportOptions  *options,
                                             GError                **error);
void              np_export_job_clear       (NpExportJob            *job);
NpPlan           *np_export_anonymise_plan  (const NpPlan           *plan);
gboolean          np_export_check_destination (const NpExportJob    *job,
                                             const char             *path,
                                             GError                **error);
GBytes           *np_export_encode_pdf      (NpExportJob            *job,
                                             const char             *path,
                                             GError                **error);
gboolean          np_export_files_with      (NpFrame                *frame,
                                             const NpPlan           *plan,
                                             const NpPlanResults    *results,
                                             const NpExportOptions  *options,
                                             const char             *png_path,
                                             const char             *pdf_path,
                                             GPtrArray              *also,
                                             char                 ***warnings,
                                             GError                **error);

cairo_surface_t  *np_export_frame_surface   (const NpExportJob      *job,
                                             GError                **error);
void              np_export_draw_image      (cairo_t                *cr,
                                             cairo_surface_t        *frame_surface,
                                             const NpExportJob      *job,
                                             double                  page_units_per_px);
guint             np_export_draw_report     (cairo_t                *cr,
                                             double                  width_pt,
                                             double                  height_pt,
                                             const NpExportJob      *job);

/* The caption band's items, in order, one string each (for tests). */
GStrv             np_export_caption_items   (const NpExportJob      *job);

/* Words for people. */
char             *np_export_structure_kind_text (NpStructureKind     kind);
char             *np_export_site_and_side   (const NpPlan           *plan);
char             *np_export_format_length   (const NpPlanResults    *results,
                                             double                  value);
char             *np_export_format_interval (const NpPlanResults    *results,
                                             const double            interval[2]);
gboolean          np_export_is_down_the_beam (const NpPlanResults   *results);
char             *np_export_needle_text     (const NpPlanResults    *results);
char             *np_export_gauges_text     (const NpPlanResults    *results);
char             *np_export_clearance_text  (const NpPlanResults    *results,
                                             guint                   index);
char             *np_export_clean_text      (const char             *text);

/* Cairo's toy text API, with metrics that do not depend on the surface so
 * that a layout measured on one surface draws the same on another. */
void              np_export_setup_text      (cairo_t                *cr);
void              np_export_set_font        (cairo_t                *cr,
                                             double                  size,
                                             gboolean                bold);
double            np_export_text_width      (cairo_t                *cr,
                                             const char             *text);
GPtrArray        *np_export_wrap_text       (cairo_t                *cr,
                                             const char             *text,
                                             double                  width);

G_END_DECLS
