/* np-plan.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "np-calibration.h"
#include "np-types.h"

G_BEGIN_DECLS

/* The plan is plain data: what the clinician marked and chose, in image
 * coordinates (see DESIGN.md). Results are not stored here; the planner
 * computes them from a plan. Copy with np_plan_copy, compare with
 * np_plan_equal (undo keeps copies). */

typedef enum { NP_MODALITY_ULTRASOUND, NP_MODALITY_FLUOROSCOPY } NpModality;
/* The *_UNSPECIFIED values of probe and site came last, so the file strings
 * and the older values keep their numbers. */
typedef enum { NP_PROBE_LINEAR, NP_PROBE_CURVILINEAR, NP_PROBE_UNSPECIFIED } NpProbe;
typedef enum
{
  NP_SITE_KNEE, NP_SITE_SHOULDER, NP_SITE_HIP, NP_SITE_TENDON, NP_SITE_LIGAMENT,
  NP_SITE_SOFT_TISSUE, NP_SITE_UNSPECIFIED,
} NpSite;
typedef enum { NP_SIDE_UNSPECIFIED, NP_SIDE_LEFT, NP_SIDE_RIGHT } NpSide;
typedef enum
{
  NP_CONDITION_UNSPECIFIED, NP_CONDITION_OSTEOARTHRITIS, NP_CONDITION_TENDON_TEAR,
  NP_CONDITION_LIGAMENT_INJURY, NP_CONDITION_CARTILAGE_DEFECT, NP_CONDITION_CHRONIC_SOFT_TISSUE,
} NpCondition;
typedef enum
{
  NP_INJECTATE_UNSPECIFIED, NP_INJECTATE_BONE_MARROW_CONCENTRATE, NP_INJECTATE_ADIPOSE_CELLS,
  NP_INJECTATE_PRP, NP_INJECTATE_CORTICOSTEROID, NP_INJECTATE_HYALURONIC_ACID, NP_INJECTATE_OTHER,
} NpInjectate;
typedef enum { NP_TECHNIQUE_IN_PLANE, NP_TECHNIQUE_OUT_OF_PLANE, NP_TECHNIQUE_COAXIAL } NpTechnique;
typedef enum { NP_VIEW_NONE, NP_VIEW_AP, NP_VIEW_LATERAL, NP_VIEW_OBLIQUE } NpView;

typedef enum
{
  NP_STRUCTURE_VESSEL, NP_STRUCTURE_NERVE, NP_STRUCTURE_TENDON, NP_STRUCTURE_BONE,
  NP_STRUCTURE_CARTILAGE, NP_STRUCTURE_OTHER,
} NpStructureKind;

typedef enum
{
  NP_SHAPE_POLYGON,   /* closed outline, points in order */
  NP_SHAPE_POLYLINE,  /* open line, e.g. a bone cortex */
  NP_SHAPE_ELLIPSE,   /* points[0] = centre, points[1] = (radius x, radius y) in px */
} NpShape;

typedef struct
{
  char *label;              /* e.g. "femoral artery" */
  NpStructureKind kind;
  NpShape shape;
  GArray *points;           /* NpImagePoint */
  double margin_mm;         /* safety margin the path must keep */
} NpStructure;

typedef enum { NP_MEASURE_DISTANCE, NP_MEASURE_ANGLE, NP_MEASURE_DEPTH } NpMeasureKind;

typedef struct
{
  NpMeasureKind kind;
  guint n_points;           /* 2 distance, 3 angle (vertex in the middle), 1 depth */
  NpImagePoint points[3];
} NpMeasurement;

typedef enum
{
  NP_SKIN_NONE,             /* not marked: linear probes default to the top edge */
  NP_SKIN_POLYLINE,
  NP_SKIN_ARC,              /* curvilinear probe: circle through skin_points, fitted */
} NpSkinKind;

/* A fluoroscopy view's cone-beam geometry (docs/planner.md, two views):
 * the source sits sod_mm from the isocentre and sid_mm from the detector,
 * and the central ray through the isocentre meets the image at central_ray. */
typedef struct
{
  double sid_mm;                    /* source to image (detector) */
  double sod_mm;                    /* source to object (isocentre) */
  double detector_pixel_mm[2];      /* x, y at the detector */
  NpImagePoint central_ray;         /* px */
} NpFluoroGeometry;

#define NP_PLAN_FORMAT "needleplan-plan"
#define NP_PLAN_VERSION 2
/* Default uncertainty of the tissue speed of sound (standard deviation of a
 * normal about the stated speed): 1540 ± 1.96 · 30 covers 1481–1599 m/s, the
 * spread of soft tissue between fat and muscle (docs/planner.md). */
#define NP_PLAN_SPEED_OF_SOUND_SD_DEFAULT_M_S 30.0
#define NP_PLAN_SPEED_OF_SOUND_SD_MAX_M_S 300.0

typedef struct
{
  /* Case */
  NpModality modality;
  NpProbe probe;
  NpSite site;
  NpSide side;
  NpCondition condition;
  NpInjectate injectate;
  double volume_ml;                 /* 0 = not stated */
  NpTechnique technique;
  char *approach;                   /* preset id, e.g. "knee-suprapatellar-lateral" */
  NpView view;
  char *title;
  char *clinician;
  char *patient_name;               /* optional; left out of anonymised exports */
  char *patient_id;                 /* optional; left out of anonymised exports */
  char *notes;

  /* Frame reference, relative to the plan file */
  char *frame_path;
  char *frame_sha256;
  char *frame_absolute_path;        /* where the frame was when saved: a hint only */
  char *dicom_sop_instance_uid;     /* DICOM source; NULL for PNG and JPEG */
  guint dicom_frame_number;         /* 1-based frame of a DICOM source; 0 when not DICOM */

  /* Calibration and physics */
  NpCalibration *calibration;       /* never NULL; method NONE when uncalibrated */
  double speed_of_sound_m_s;        /* tissue speed; the image assumes 1540 m/s */
  double speed_of_sound_sd_m_s;     /* its uncertainty (SD of a normal), default 30 m/s */
  double mark_error_px;             /* placement error of a click, default 1 px */

  /* Marks */
  gboolean has_target;
  NpImagePoint target;
  gboolean has_entry;
  NpImagePoint entry;
  NpSkinKind skin_kind;
  GArray *skin_points;              /* NpImagePoint */
  GPtrArray *structures;            /* NpStructure* */
  GArray *measurements;             /* NpMeasurement */

  /* Expert answer (training cases): acceptable target region polygon */
  GArray *target_region;            /* NpImagePoint, empty when none */

  /* Fluoroscopy: this view's geometry and the second view it pairs with */
  gboolean has_geometry;
  NpFluoroGeometry geometry;
  char *second_view_path;           /* the paired view's plan, relative to this plan's folder;
                                     * NULL when not paired */
  double second_view_angle_deg;     /* that view turned about the long axis, e.g. 90 */
  gboolean second_view_mirrored;    /* its image is flipped left-right */

  /* Areas blacked out in anonymised exports (burned-in names, dates, exam
   * numbers), in image pixels */
  GArray *redactions;               /* NpImageRect, empty when none */
} NpPlan;

NpStructure *np_structure_new       (const char        *label,
                                     NpStructureKind    kind,
                                     NpShape            shape,
                                     double             margin_mm);
NpStructure *np_structure_copy      (const NpStructure *structure);
void         np_structure_free      (NpStructure       *structure);
void         np_structure_add_point (NpStructure       *structure,
                                     NpImagePoint       point);

NpPlan      *np_plan_new            (void);
NpPlan      *np_plan_copy           (const NpPlan      *plan);
void         np_plan_free           (NpPlan            *plan);
gboolean     np_plan_equal          (const NpPlan      *a,
                                     const NpPlan      *b);
void         np_plan_set_string     (char             **field,
                                     const char        *value);

/* Enum <-> stable file strings ("knee", "vessel", ...); from_string returns
 * FALSE for unknown text. */
const char  *np_modality_to_string  (NpModality        value);
gboolean     np_modality_from_string(const char        *text, NpModality *value);
const char  *np_probe_to_string     (NpProbe           value);
gboolean     np_probe_from_string   (const char        *text, NpProbe *value);
const char  *np_site_to_string      (NpSite            value);
gboolean     np_site_from_string    (const char        *text, NpSite *value);
const char  *np_side_to_string      (NpSide            value);
gboolean     np_side_from_string    (const char        *text, NpSide *value);
const char  *np_condition_to_string (NpCondition       value);
gboolean     np_condition_from_string (const char      *text, NpCondition *value);
const char  *np_injectate_to_string (NpInjectate       value);
gboolean     np_injectate_from_string (const char      *text, NpInjectate *value);
const char  *np_technique_to_string (NpTechnique       value);
gboolean     np_technique_from_string (const char      *text, NpTechnique *value);
const char  *np_view_to_string      (NpView            value);
gboolean     np_view_from_string    (const char        *text, NpView *value);
const char  *np_structure_kind_to_string (NpStructureKind value);
gboolean     np_structure_kind_from_string (const char *text, NpStructureKind *value);
const char  *np_shape_to_string     (NpShape           value);
gboolean     np_shape_from_string   (const char        *text, NpShape *value);
const char  *np_measure_kind_to_string (NpMeasureKind  value);
gboolean     np_measure_kind_from_string (const char   *text, NpMeasureKind *value);
const char  *np_skin_kind_to_string (NpSkinKind        value);
gboolean     np_skin_kind_from_string (const char      *text, NpSkinKind *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpStructure, np_structure_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpPlan, np_plan_free)

G_END_DECLS
