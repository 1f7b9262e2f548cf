/* test-plan.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-plan.h"

#include <string.h>

static void
test_defaults (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();

  g_assert_cmpint (plan->modality, ==, NP_MODALITY_ULTRASOUND);
  g_assert_cmpint (plan->probe, ==, NP_PROBE_LINEAR);
  g_assert_cmpint (plan->site, ==, NP_SITE_KNEE);
  g_assert_cmpint (plan->side, ==, NP_SIDE_UNSPECIFIED);
  g_assert_cmpint (plan->technique, ==, NP_TECHNIQUE_IN_PLANE);
  g_assert_cmpint (plan->view, ==, NP_VIEW_NONE);
  g_assert_nonnull (plan->calibration);
  g_assert_cmpint (plan->calibration->method, ==, NP_CALIBRATION_NONE);
  g_assert_false (np_calibration_is_calibrated (plan->calibration));
  g_assert_cmpfloat (plan->speed_of_sound_m_s, ==, 1540.0);
  g_assert_cmpfloat (plan->mark_error_px, ==, 1.0);
  g_assert_false (plan->has_target);
  g_assert_false (plan->has_entry);
  g_assert_cmpint (plan->skin_kind, ==, NP_SKIN_NONE);
  g_assert_nonnull (plan->skin_points);
  g_assert_nonnull (plan->structures);
  g_assert_nonnull (plan->measurements);
  g_assert_nonnull (plan->target_region);
  g_assert_nonnull (plan->redactions);
  g_assert_cmpuint (plan->skin_points->len + plan->structures->len + plan->measurements->len
                    + plan->target_region->len + plan->redactions->len, ==, 0);
  g_assert_null (plan->frame_path);
}

static NpPlan *
make_full_plan (void)
{
  NpPlan *plan = np_plan_new ();
  NpStructure *artery = np_structure_new ("femoral artery", NP_STRUCTURE_VESSEL,
                                          NP_SHAPE_POLYGON, 3.0);
  NpMeasurement angle = { NP_MEASURE_ANGLE, 3, { { 1, 2 }, { 3, 4 }, { 5, 6 } } };
  NpImagePoint skin = { 0, 12 };

  plan->site = NP_SITE_HIP;
  plan->side = NP_SIDE_LEFT;
  np_plan_set_string (&plan->title, "Hip, left");
  np_plan_set_string (&plan->frame_path, "frame.png");
  plan->has_target = TRUE;
  plan->target = np_image_point (200, 150);
  np_structure_add_point (artery, np_image_point (10, 10));
  np_structure_add_point (artery, np_image_point (20, 10));
  np_structure_add_point (artery, np_image_point (15, 20));
  g_ptr_array_add (plan->structures, artery);
  g_array_append_val (plan->measurements, angle);
  g_array_append_val (plan->skin_points, skin);
  plan->calibration->method = NP_CALIBRATION_MANUAL;
  plan->calibration->mm_per_px_x = plan->calibration->mm_per_px_y = 0.1;
  return plan;
}

static void
test_copy_equal (void)
{
  g_autoptr(NpPlan) plan = make_full_plan ();
  g_autoptr(NpPlan) copy = np_plan_copy (plan);
  NpStructure *structure;

  g_assert_true (np_plan_equal (plan, copy));
  g_assert_true (np_plan_equal (plan, plan));
  g_assert_false (np_plan_equal (plan, NULL));

  /* Deep: the copy owns its own arrays and strings. */
  g_assert_true (copy->structures != plan->structures);
  g_assert_true (copy->title != plan->title);
  g_assert_true (copy->calibration != plan->calibration);

  structure = g_ptr_array_index (copy->structures, 0);
  g_array_index (structure->points, NpImagePoint, 2).y = 21;
  g_assert_false (np_plan_equal (plan, copy));
  g_array_index (structure->points, NpImagePoint, 2).y = 20;
  g_assert_true (np_plan_equal (plan, copy));

  g_array_index (copy->measurements, NpMeasurement, 0).points[2].x = 7;
  g_assert_false (np_plan_equal (plan, copy));
  g_array_index (copy->measurements, NpMeasurement, 0).points[2].x = 5;

  copy->calibration->mm_per_px_y = 0.2;
  g_assert_false (np_plan_equal (plan, copy));
  copy->calibration->mm_per_px_y = 0.1;

  /* The speed's uncertainty is copied and compared; a new plan has 30 m/s. */
  g_assert_cmpfloat (copy->speed_of_sound_sd_m_s, ==, 30.0);
  copy->speed_of_sound_sd_m_s = 15;
  g_assert_false (np_plan_equal (plan, copy));
  plan->speed_of_sound_sd_m_s = 15;
  {
    g_autoptr(NpPlan) again = np_plan_copy (plan);

    g_assert_cmpfloat (again->speed_of_sound_sd_m_s, ==, 15.0);
  }
  g_assert_true (np_plan_equal (plan, copy));
  /* Redactions are copied and compared, rectangle by rectangle. */
  {
    const NpImageRect band = { 0, 0, 640, 48 };
    g_autoptr(NpPlan) with_band = NULL;

    g_array_append_val (copy->redactions, band);
    g_assert_false (np_plan_equal (plan, copy));
    with_band = np_plan_copy (copy);
    g_assert_true (np_plan_equal (with_band, copy));
    g_array_index (with_band->redactions, NpImageRect, 0).height = 50;
    g_assert_false (np_plan_equal (with_band, copy));
    g_array_set_size (copy->redactions, 0);
  }

  np_plan_set_string (&copy->title, NULL);
  g_assert_false (np_plan_equal (plan, copy));
  np_plan_set_string (&copy->title, "Hip, left");
  g_assert_true (np_plan_equal (plan, copy));

  /* The DICOM source: its instance and the frame planned on. */
  np_plan_set_string (&plan->dicom_sop_instance_uid, "1.2.840.1");
  plan->dicom_frame_number = 5;
  g_clear_pointer (&copy, np_plan_free);
  copy = np_plan_copy (plan);
  g_assert_cmpstr (copy->dicom_sop_instance_uid, ==, "1.2.840.1");
  g_assert_true (copy->dicom_sop_instance_uid != plan->dicom_sop_instance_uid);
  g_assert_cmpuint (copy->dicom_frame_number, ==, 5);
  g_assert_true (np_plan_equal (plan, copy));
  copy->dicom_frame_number = 4;
  g_assert_false (np_plan_equal (plan, copy));
  copy->dicom_frame_number = 5;
  np_plan_set_string (&copy->dicom_sop_instance_uid, "1.2.840.2");
  g_assert_false (np_plan_equal (plan, copy));
  np_plan_set_string (&copy->dicom_sop_instance_uid, "1.2.840.1");
  g_assert_true (np_plan_equal (plan, copy));

  /* An unset target ignores its stale coordinates. */
  plan->has_target = copy->has_target = FALSE;
  copy->target.x = 999;
  g_assert_true (np_plan_equal (plan, copy));
}

static void
test_set_string (void)
{
  g_autofree char *field = NULL;

  np_plan_set_string (&field, "knee");
  g_assert_cmpstr (field, ==, "knee");
  /* Setting a field to (part of) its own value must not read freed memory. */
  np_plan_set_string (&field, field + 1);
  g_assert_cmpstr (field, ==, "nee");
  np_plan_set_string (&field, NULL);
  g_assert_null (field);
}

static void
test_structure (void)
{
  g_autoptr(NpStructure) nerve = np_structure_new (NULL, NP_STRUCTURE_NERVE, NP_SHAPE_ELLIPSE, 2);
  g_autoptr(NpStructure) copy = NULL;

  np_structure_add_point (nerve, np_image_point (50, 60));
  np_structure_add_point (nerve, np_image_point (4, 3));
  copy = np_structure_copy (nerve);
  g_assert_null (copy->label);
  g_assert_cmpint (copy->kind, ==, NP_STRUCTURE_NERVE);
  g_assert_cmpint (copy->shape, ==, NP_SHAPE_ELLIPSE);
  g_assert_cmpfloat (copy->margin_mm, ==, 2.0);
  g_assert_cmpuint (copy->points->len, ==, 2);
  g_assert_cmpfloat (g_array_index (copy->points, NpImagePoint, 1).x, ==, 4.0);
}

/* Every value of every enum goes to its file string and back; the strings
 * are the plan file format and must not change. */
#define CHECK_ENUM(prefix, Type, ...)                                            \
  G_STMT_START {                                                                 \
    static const char *const names[] = { __VA_ARGS__ };                          \
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)                             \
      {                                                                          \
        Type value;                                                              \
        g_assert_cmpstr (prefix##_to_string ((Type) i), ==, names[i]);           \
        g_assert_true (prefix##_from_string (names[i], &value));                 \
        g_assert_cmpint (value, ==, i);                                          \
      }                                                                          \
    {                                                                            \
      Type untouched = (Type) 1;                                                 \
      g_assert_false (prefix##_from_string ("no-such-value", &untouched));       \
      g_assert_false (prefix##_from_string (NULL, &untouched));                  \
      g_assert_cmpint (untouched, ==, 1);                                        \
    }                                                                            \
  } G_STMT_END

static void
test_enum_strings (void)
{
  CHECK_ENUM (np_modality, NpModality, "ultrasound", "fluoroscopy");
  CHECK_ENUM (np_probe, NpProbe, "linear", "curvilinear", "unspecified");
  CHECK_ENUM (np_site, NpSite, "knee", "shoulder", "hip", "tendon", "ligament", "soft-tissue",
              "unspecified");
  CHECK_ENUM (np_side, NpSide, "unspecified", "left", "right");
  CHECK_ENUM (np_condition, NpCondition, "unspecified", "osteoarthritis", "tendon-tear",
              "ligament-injury", "cartilage-defect", "chronic-soft-tissue");
  CHECK_ENUM (np_injectate, NpInjectate, "unspecified", "bone-marrow-concentrate",
              "adipose-cells", "prp", "corticosteroid", "hyaluronic-acid", "other");
  CHECK_ENUM (np_technique, NpTechnique, "in-plane", "out-of-plane", "coaxial");
  CHECK_ENUM (np_view, NpView, "none", "ap", "lateral", "oblique");
  CHECK_ENUM (np_structure_kind, NpStructureKind, "vessel", "nerve", "tendon", "bone",
              "cartilage", "other");
  CHECK_ENUM (np_shape, NpShape, "polygon", "polyline", "ellipse");
  CHECK_ENUM (np_measure_kind, NpMeasureKind, "distance", "angle", "depth");
  CHECK_ENUM (np_skin_kind, NpSkinKind, "none", "polyline", "arc");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/plan/defaults", test_defaults);
  g_test_add_func ("/core/plan/copy-equal", test_copy_equal);
  g_test_add_func ("/core/plan/set-string", test_set_string);
  g_test_add_func ("/core/plan/structure", test_structure);
  g_test_add_func ("/core/plan/enum-strings", test_enum_strings);
  return g_test_run ();
}
