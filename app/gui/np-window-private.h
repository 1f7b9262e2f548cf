/* np-window-private.h — what the files of NpWindow share
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-window.h"

#include "np-autosave.h"
#include "np-cine.h"
#include "np-document.h"
#include "np-export-actions.h"
#include "np-mark-editor.h"
#include "np-plan-analysis.h"
#include "np-plan-file.h"
#include "np-side-panel.h"

G_BEGIN_DECLS

/* What to do once the user has saved or discarded unsaved changes. */
typedef enum
{
  NP_PENDING_NONE,
  NP_PENDING_OPEN,     /* pending_file */
  NP_PENDING_NEW,
  NP_PENDING_CLOSE,
} NpPendingAction;

struct _NpWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkMenuButton *recent_button;
  GtkSpinner *loading_spinner;
  GtkMenuButton *zoom_button;
  GtkMenuButton *window_level_button;
  GtkMenuButton *export_button;
  GtkButton *save_button;
  GtkWidget *undo_button;
  GtkWidget *redo_button;
  GtkStackSwitcher *mode_switcher;
  GtkStack *mode_stack;
  GtkWidget *train_page;         /* holds the training view once Train is first shown */
  GtkBox *workspace;
  GtkWidget *tool_column;
  GtkLabel *hint_label;
  GtkStack *view_stack;
  GtkButton *open_sample_button;
  NpCanvas *canvas;
  GtkWidget *frame_bar;          /* the frame picker of a multi-frame file */
  GtkButton *play_button;
  GtkScale *frame_scale;
  GtkLabel *frame_label;
  GtkWidget *thumbs_scroller;
  GtkBox *thumbs_box;
  NpSidePanel *side_panel;
  NpStatusBar *status_bar;

  /* Owned */
  GSettings *settings;
  GFile *file;                   /* the frame shown, or NULL */
  char *frame_sha256;            /* of the bytes shown (not the file now), or NULL */
  GFile *sample_file;            /* the first sample frame found, or NULL */
  GCancellable *load_cancellable;
  GtkFileChooserNative *chooser;
  GtkFileChooserNative *save_chooser;
  NpDocument *document;
  NpAutosave *autosave;          /* the document's unsaved plan on disk */
  NpExportActions *export_actions;
  NpMarkEditor *mark_editor;
  GtkWidget *calibration_dialog;  /* NpCalibrationDialog while open */
  GtkWidget *structure_popover;
  int edited_structure;          /* structure the popover edits, -1 for a new one */
  NpPlanAnalysis *analysis;      /* the planner's results of the document's plan */
  guint deferred_init_idle;      /* sample scan and recent files, after the first frame */
  GFile *pending_file;
  NpCine *cine;                  /* the open DICOM file's frames, NULL for other files */
  GCancellable *cine_cancellable;  /* the frame being read */
  guint cine_shown;              /* 0-based frame on the canvas */
  guint cine_wanted;             /* 0-based frame asked for last */
  guint cine_play_id;            /* timeout while playing */
  gboolean cine_reading;
  GPtrArray *cine_thumbs;        /* GtkToggleButton of the strip, borrowed from thumbs_box */
  guint cine_thumb_next;         /* next thumbnail to read */
  gboolean cine_updating_scale;
  gboolean cine_updating_document;  /* the frame picker edits: not an undo to follow */

  NpPendingAction pending;
  NpPendingAction after_save_as; /* run when Save As, started by the prompt, succeeds */
  gboolean close_confirmed;
  gboolean frame_mismatch;       /* the plan's frame SHA-256 differs from the frame's */
  gboolean frame_unverified;     /* the plan records no SHA-256 of its frame */
  gboolean loading;
  GtkWidget *calibration_banner; /* NpCalibrationBanner over the canvas, once made */
  GtkWidget *second_view;        /* NpSecondView while open (borrowed: it is a window) */
  char *capture_note;            /* how a Secondary Capture's plan was reopened, or NULL */
};

/* np-window.c */
void     _np_window_show_frame          (NpWindow     *self,
                                         GFile        *file,
                                         const NpCanvasImage *image,
                                         NpPlan       *plan,
                                         const char   *plan_path);
void     _np_window_open_file_now       (NpWindow     *self,
                                         GFile        *file);
void     _np_window_update_title        (NpWindow     *self);
void     _np_window_set_loading         (NpWindow     *self,
                                         gboolean      loading);

/* np-window-load.c: reading a frame in a worker thread */
void     _np_window_load_frame          (NpWindow     *self,
                                         GFile        *frame_file,
                                         NpPlan       *plan,
                                         const char   *plan_path,
                                         gboolean      relocated);

/* np-window-actions.c: actions, planning tools and keys */
void     _np_window_class_actions_init  (GtkWidgetClass *widget_class);
void     _np_window_actions_init        (NpWindow     *self);

/* np-window-cine.c: the frame picker of multi-frame DICOM files */
void     _np_window_class_cine_init     (GtkWidgetClass *widget_class);
void     _np_window_cine_init           (NpWindow     *self);
void     _np_window_cine_dispose        (NpWindow     *self);
void     _np_window_set_cine            (NpWindow     *self,
                                         NpDicomHelper *helper,
                                         NpFrame      *frame,
                                         NpPlan       *plan);
void     _np_window_cine_sync           (NpWindow     *self);

/* np-window-recent.c: the sample library and the recent files */
GFile   *_np_window_find_sample_file    (void);
void     _np_window_recent_init         (NpWindow     *self);
void     _np_window_rebuild_recent_menu (NpWindow     *self);
void     _np_window_add_to_recent       (GFile        *file,
                                         const char   *mime_type);
void     _np_window_forget_recent       (GFile        *file);

/* np-window-files.c: plans on disk and the unsaved-changes prompt */
void     _np_window_files_class_init    (GtkWidgetClass *widget_class);
void     _np_window_open_plan           (NpWindow     *self,
                                         GFile        *file);
void     _np_window_run_after_prompt    (NpWindow     *self,
                                         NpPendingAction action,
                                         GFile        *file);
gboolean _np_window_save_to_path        (NpWindow     *self,
                                         const char   *path,
                                         gboolean      include_frame,
                                         GError      **error);
gboolean _np_window_is_bundled          (const char   *path);
char    *_np_window_documents_folder    (void);
void     _np_window_warn_frame_mismatch (NpWindow         *self,
                                         const char       *plan_path,
                                         NpPlanFrameCheck  check);
NpPlan  *_np_window_new_plan_for_frame  (NpWindow     *self,
                                         GFile        *file,
                                         NpFrame      *frame,
                                         const char   *sha256);

/* np-window-calibration.c: the automatic depth-scale offer */
void     _np_window_set_calibration_detection (NpWindow          *self,
                                               NpFrame           *frame,
                                               NpAutoCalibration *detection);
void     _np_window_offer_calibration   (NpWindow     *self,
                                         NpFrame      *frame);
void     _np_window_draw_calibration    (NpWindow     *self,
                                         cairo_t      *cr,
                                         double        zoom);

G_END_DECLS
