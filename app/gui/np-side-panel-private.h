/* np-side-panel-private.h: shared by NpSidePanel's case, calibration and mark
 * lists (np-side-panel.c) and its results and warnings (-results.c)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-side-panel.h"

#include <adwaita.h>

G_BEGIN_DECLS

typedef struct
{
  const char *key;
  const char *title;
  AdwActionRow *row;
  GtkLabel *value;
} ResultRow;

/* One row per entry of the table in np-side-panel-results.c. */
#define N_RESULT_ROWS 8
/* A DICOM source's patient and study fields (np-side-panel-dicom.c). */
#define N_DICOM_ROWS 10

struct _NpSidePanel
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *scroller;
  GtkWidget *uncalibrated_banner;
  AdwExpanderRow *case_row;
  AdwComboRow *modality_row;
  AdwComboRow *probe_row;
  AdwComboRow *site_row;
  AdwComboRow *side_row;
  AdwComboRow *condition_row;
  AdwComboRow *approach_row;
  AdwComboRow *technique_row;
  AdwComboRow *injectate_row;
  GtkSpinButton *volume_spin;
  AdwEntryRow *clinician_row;
  AdwEntryRow *patient_name_row;
  AdwEntryRow *patient_id_row;
  AdwActionRow *calibration_row;
  GtkLabel *calibration_value;
  AdwActionRow *file_calibration_row;
  GtkButton *file_calibration_button;
  AdwActionRow *region_row;
  AdwExpanderRow *calibration_details_row;
  AdwActionRow *speed_row;
  GtkSpinButton *speed_spin;
  GtkLabel *speed_note;
  AdwComboRow *tissue_row;          /* built in np-side-panel-physics.c */
  GtkWidget *second_view_button;    /* built in np-side-panel-results.c */
  AdwPreferencesGroup *results_group;
  GtkLabel *recommend_label;
  AdwPreferencesGroup *warnings_group;
  GtkBox *warnings_box;
  AdwPreferencesGroup *structures_group;
  GtkListBox *structures_list;
  AdwPreferencesGroup *measurements_group;
  GtkListBox *measurements_list;

  /* Owned */
  NpDocument *document;
  NpPlanAnalysis *analysis;
  NpMarkEditor *editor;
  NpCalibration *file_calibration;  /* what the frame declares, or NULL */
  gboolean file_is_dicom;           /* it comes from a DICOM header: used by default */
  GPtrArray *approach_ids;          /* char*, parallel to the approach combo; [0] = NULL */
  char *structures_signature;       /* rebuild the lists only when this changes */
  char *measurements_signature;
  char *warnings_signature;         /* rebuild the warnings only when they change */
  ResultRow rows[N_RESULT_ROWS];
  AdwActionRow *dicom_header_row;   /* in case_row, built in code */
  AdwActionRow *dicom_rows[N_DICOM_ROWS];
  GtkLabel *dicom_values[N_DICOM_ROWS];
  guint64 recommendation_revision;
  guint n_warnings;

  /* Weak: where the keyboard goes once a field is applied (the canvas). */
  GtkWidget *return_focus;

  gboolean syncing;                 /* writing the plan into the widgets */
};

/* np-side-panel-results.c */
void      _np_side_panel_init_results           (NpSidePanel   *self);
void      _np_side_panel_show_results           (NpSidePanel   *self);

/* np-side-panel-dicom.c */
void      _np_side_panel_init_dicom             (NpSidePanel   *self);
void      _np_side_panel_show_dicom             (NpSidePanel   *self,
                                                 const NpDicomInfo *info);
const char *_np_side_panel_get_dicom_field      (NpSidePanel   *self,
                                                 guint          index,
                                                 const char   **title);
/* np-side-panel-physics.c */
void      _np_side_panel_init_tissue            (NpSidePanel   *self);
void      _np_side_panel_sync_tissue            (NpSidePanel   *self,
                                                 const NpPlan  *plan);

G_END_DECLS
