/* np-dicom-info.h
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One item of the Sequence of Ultrasound Regions (0018,6011), as written.
 * Bounds are inclusive pixel indices; a missing value is -1 (integers) or
 * NAN (deltas). Units: 3 = cm (PS3.3 C.8.5.5.1.15). */
typedef struct
{
  gint64 x0;
  gint64 y0;
  gint64 x1;
  gint64 y1;
  int    spatial_format;
  int    data_type;
  int    units_x;
  int    units_y;
  double delta_x;
  double delta_y;
} NpDicomRegion;

/* The header facts of one DICOM image file as the importer reports them.
 * Strings are UTF-8 and never NULL (empty when absent); doubles the file
 * does not carry are NAN. */
typedef struct
{
  guint      rows;
  guint      columns;
  guint      frames;
  guint      samples_per_pixel;
  guint      bits_allocated;
  guint      bits_stored;
  gboolean   is_signed;
  char      *photometric;          /* as in the file, e.g. "YBR_FULL_422" */
  gboolean   delivered_rgb;        /* frames arrive as RGB 8-bit, else grey */
  gboolean   invert;               /* MONOCHROME1: low values are white */
  char      *transfer_syntax_uid;
  char      *transfer_syntax;      /* DCMTK's name for it */
  char      *character_set;        /* SpecificCharacterSet as written */

  char      *modality;
  char      *sop_class_uid;
  char      *sop_instance_uid;
  char      *study_instance_uid;
  char      *series_instance_uid;
  char      *manufacturer;
  char      *model;

  char      *patient_name;
  char      *patient_id;
  char      *patient_birth_date;
  char      *patient_sex;
  char      *study_date;
  char      *study_description;
  char      *accession_number;
  char      *referring_physician;
  char      *institution;

  double     frame_time_ms;
  double     rescale_slope;
  double     rescale_intercept;
  double     window_center;
  double     window_width;

  /* X-ray calibration tags (mm, except the factor). */
  double     pixel_spacing[2];         /* row spacing, column spacing */
  double     imager_pixel_spacing[2];
  double     magnification;
  double     sid_mm;
  double     sod_mm;

  GArray    *regions;                  /* NpDicomRegion */
  /* A NeedlePlan Secondary Capture's plan (the "NEEDLEPLAN 1" private
   * block, docs/dicom.md): inside says it is there, the JSON is NULL when
   * it is too large to travel in the header. */
  gboolean   needleplan_plan_inside;
  char      *needleplan_plan;

  /* Set by the client, not read from the file: a frame's grey samples are
   * the stored values plus this (signed data shifted into unsigned). */
  guint      sample_offset;
} NpDicomInfo;

#define NP_TYPE_DICOM_INFO (np_dicom_info_get_type ())

GType        np_dicom_info_get_type      (void) G_GNUC_CONST;
NpDicomInfo *np_dicom_info_new_from_json (JsonObject        *object,
                                          GError           **error);
NpDicomInfo *np_dicom_info_copy          (const NpDicomInfo *info);
void         np_dicom_info_free          (NpDicomInfo       *info);
guint        np_dicom_info_get_n_regions (const NpDicomInfo *info);
const NpDicomRegion *
             np_dicom_info_get_region    (const NpDicomInfo *info,
                                          guint              index);
JsonNode    *np_dicom_info_to_json       (const NpDicomInfo *info,
                                          gboolean           with_patient);

/* Header values as a person reads them. */
char        *np_dicom_info_format_person_name (const char    *value);
char        *np_dicom_info_format_date        (const char    *value);
const char  *np_dicom_info_describe_sex       (const char    *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NpDicomInfo, np_dicom_info_free)

G_END_DECLS
