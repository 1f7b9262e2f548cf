/* test-plan-file.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-file.h"
#include "np-frame.h"
#include "np-plan-file.h"
#include "np-png.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A temporary folder, removed with everything in it at the end of a test. */
typedef struct
{
  char *path;
} TempDir;

static void
temp_dir_setup (TempDir       *dir,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  dir->path = g_dir_make_tmp ("test-plan-file-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR)
              && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
temp_dir_teardown (TempDir       *dir,
                   gconstpointer  data)
{
  remove_tree (dir->path);
  g_assert_false (g_file_test (dir->path, G_FILE_TEST_EXISTS));
  g_free (dir->path);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* A plan that uses every field, with numbers that do not print exactly in
 * fewer than 17 digits and text that needs escaping. */
static NpPlan *
make_full_plan (void)
{
  NpPlan *plan = np_plan_new ();
  NpStructure *artery = np_structure_new ("femoral \"artery\"", NP_STRUCTURE_VESSEL,
                                          NP_SHAPE_POLYGON, 3.0);
  NpStructure *nerve = np_structure_new (NULL, NP_STRUCTURE_NERVE, NP_SHAPE_ELLIPSE, 0.5);
  NpMeasurement distance = { NP_MEASURE_DISTANCE, 2, { { 0.1, 0.2 }, { 1.0 / 3, 2.0 / 3 } } };
  NpMeasurement angle = { NP_MEASURE_ANGLE, 3, { { 1, 2 }, { 3, 4 }, { 5, 6 } } };
  NpMeasurement depth = { NP_MEASURE_DEPTH, 1, { { 123456.789, 1e-7 } } };
  NpImagePoint skin[] = { { 0, 12.5 }, { 400, 14.25 }, { 799.999999, 13 } };
  NpImagePoint region[] = { { 190, 140 }, { 210, 140 }, { 210, 160 } };
  NpImagePoint click = { 10, 20 };

  plan->modality = NP_MODALITY_ULTRASOUND;
  plan->probe = NP_PROBE_CURVILINEAR;
  plan->site = NP_SITE_SHOULDER;
  plan->side = NP_SIDE_RIGHT;
  plan->condition = NP_CONDITION_TENDON_TEAR;
  plan->injectate = NP_INJECTATE_PRP;
  plan->volume_ml = 2.5;
  plan->technique = NP_TECHNIQUE_OUT_OF_PLANE;
  plan->view = NP_VIEW_LATERAL;
  np_plan_set_string (&plan->approach, "shoulder-subacromial-lateral");
  np_plan_set_string (&plan->title, "Épaule droite — “sous-acromial”");
  np_plan_set_string (&plan->clinician, "Dr. O'Neil\\Backslash");
  np_plan_set_string (&plan->patient_name, "");
  np_plan_set_string (&plan->notes, "line one\nline two\ttabbed\x01");
  np_plan_set_string (&plan->frame_path, "frames/us.png");
  np_plan_set_string (&plan->frame_sha256,
                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  plan->calibration->method = NP_CALIBRATION_KNOWN_DISTANCE;
  plan->calibration->mm_per_px_x = 0.1;
  plan->calibration->mm_per_px_y = 1.0 / 7;
  plan->calibration->se_mm_per_px_x = 0.0014142135623730952;
  plan->calibration->se_mm_per_px_y = 2e-5;
  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 0, 10, 800, 590 };
  g_array_append_val (plan->calibration->points, click);
  plan->calibration->reference_mm = 25;
  plan->calibration->note = g_strdup ("caliper pair");

  plan->speed_of_sound_m_s = 1580;
  plan->mark_error_px = 1.5;
  plan->has_target = TRUE;
  plan->target = np_image_point (200.5, 150.25);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (-35.0000001, 12.5);
  plan->skin_kind = NP_SKIN_ARC;
  g_array_append_vals (plan->skin_points, skin, G_N_ELEMENTS (skin));

  np_structure_add_point (artery, np_image_point (10, 10));
  np_structure_add_point (artery, np_image_point (20, 10));
  np_structure_add_point (artery, np_image_point (15, 20));
  g_ptr_array_add (plan->structures, artery);
  np_structure_add_point (nerve, np_image_point (300, 200));
  np_structure_add_point (nerve, np_image_point (8, 5));
  g_ptr_array_add (plan->structures, nerve);

  g_array_append_val (plan->measurements, distance);
  g_array_append_val (plan->measurements, angle);
  g_array_append_val (plan->measurements, depth);
  g_array_append_vals (plan->target_region, region, G_N_ELEMENTS (region));
  return plan;
}

static JsonNode *
make_results (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser,
                              "{\"depth_mm\": 23.4, \"path_mm\": [1, 2.5], \"ok\": true, "
                              "\"needle\": \"22G 50 mm\", \"nested\": {\"none\": null}}",
                              -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_round_trip (TempDir       *dir,
                 gconstpointer  data)
{
  g_autoptr(NpPlan) plan = make_full_plan ();
  g_autoptr(NpPlan) loaded = NULL;
  g_autoptr(JsonNode) results = make_results ();
  g_autoptr(GError) error = NULL;
  g_autofree char *first_path = g_build_filename (dir->path, "first.json", NULL);
  g_autofree char *second_path = g_build_filename (dir->path, "second.json", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_true (np_plan_file_save (plan, results, first_path, &error));
  g_assert_no_error (error);
  loaded = np_plan_file_load (first_path, &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (plan, loaded));

  /* Results are stored for the record but are not part of the plan; save
   * them again as the document would. */
  g_assert_true (np_plan_file_save (loaded, results, second_path, &error));
  g_assert_no_error (error);
  first = read_text (first_path);
  second = read_text (second_path);
  g_assert_cmpstr (first, ==, second);

  /* Shortest exact spellings, stable order, and the results under their key. */
  g_assert_true (g_str_has_prefix (first, "{\n  \"format\": \"needleplan-plan\",\n"
                                          "  \"version\": 2,\n"));
  g_assert_nonnull (strstr (first, "\"mm_per_px\": [0.1, 0.14285714285714285]"));
  g_assert_nonnull (strstr (first, "\"speed_of_sound_m_s\": 1580"));
  g_assert_nonnull (strstr (first, "[123456.789, 1e-07]"));
  g_assert_nonnull (strstr (first, "\"results\": {\n    \"depth_mm\": 23.4"));
  g_assert_nonnull (strstr (first, "\\u0001"));
  g_assert_true (g_str_has_suffix (first, "}\n"));
}

static void
test_round_trip_default (TempDir       *dir,
                         gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpPlan) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;

  np_plan_set_string (&plan->frame_path, "f.png");
  text = np_plan_file_to_json (plan, NULL, &error);
  g_assert_no_error (error);
  loaded = np_plan_file_parse (text, -1, "plan.json", &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (plan, loaded));
  again = np_plan_file_to_json (loaded, NULL, &error);
  g_assert_cmpstr (text, ==, again);
  g_assert_null (strstr (text, "\"results\""));
}

static void
test_minimal (void)
{
  /* Only the required fields: the rest take np_plan_new()'s defaults. */
  static const char text[] =
    "{\"format\": \"needleplan-plan\", \"version\": 1, \"modality\": \"fluoroscopy\", "
    "\"site\": \"hip\", \"frame\": {\"path\": \"a.png\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = np_plan_file_parse (text, -1, "min.json", &error);

  g_assert_no_error (error);
  g_assert_cmpint (plan->modality, ==, NP_MODALITY_FLUOROSCOPY);
  g_assert_cmpint (plan->site, ==, NP_SITE_HIP);
  g_assert_cmpstr (plan->frame_path, ==, "a.png");
  g_assert_null (plan->frame_sha256);
  g_assert_cmpfloat (plan->speed_of_sound_m_s, ==, 1540);
  g_assert_false (np_calibration_is_calibrated (plan->calibration));
  g_assert_false (plan->has_target);
}

/* The base document each bad-input case changes one thing in. */
#define BASE_HEAD "{\"format\": \"needleplan-plan\", \"version\": 1, "
#define BASE_CASE "\"modality\": \"ultrasound\", \"site\": \"knee\", "
#define BASE_FRAME "\"frame\": {\"path\": \"frame.png\", \"sha256\": null}"
#define BASE BASE_HEAD BASE_CASE BASE_FRAME

static void
test_bad_input (void)
{
  const struct
  {
    const char *text;
    int code;
    const char *message;
  } cases[] = {
    { BASE ", \"marks\": {\"target\": \"here\"}}", NP_ERROR_CORRUPT,
      "“case.json”: “marks.target” must be two numbers [x, y]" },
    { BASE ", \"marks\": {\"target\": [1, 2, 3]}}", NP_ERROR_CORRUPT,
      "“case.json”: “marks.target” must be two numbers [x, y]" },
    { BASE ", \"marks\": {\"target\": [1, true]}}", NP_ERROR_CORRUPT,
      "“case.json”: “marks.target” must be two numbers [x, y]" },
    { BASE_HEAD "\"modality\": \"ultrasound\", " BASE_FRAME "}", NP_ERROR_CORRUPT,
      "“case.json”: “site” is missing" },
    { BASE_HEAD BASE_CASE "\"calibration\": {\"method\": \"none\"}}", NP_ERROR_CORRUPT,
      "“case.json”: “frame” is missing" },
    { BASE_HEAD BASE_CASE "\"frame\": {\"sha256\": null}}", NP_ERROR_CORRUPT,
      "“case.json”: “frame.path” is missing" },
    { BASE_HEAD BASE_CASE "\"frame\": \"frame.png\"}", NP_ERROR_CORRUPT,
      "“case.json”: “frame” must be an object" },
    { BASE ", \"marks\": {\"target\": [1e999, 2]}}", NP_ERROR_INVALID,
      "“case.json”: “marks.target” is out of range: coordinates must be finite" },
    { BASE ", \"marks\": {\"target\": [NaN, 2]}}", NP_ERROR_CORRUPT,
      "“case.json”: not valid JSON: line 1, column" },
    { BASE ", \"marks\": {\"entry\": [-Infinity, 2]}}", NP_ERROR_CORRUPT,
      "“case.json”: not valid JSON: line 1, column" },
    { BASE ", \"marks\": {\"target\": [2000000, 2]}}", NP_ERROR_INVALID,
      "“case.json”: “marks.target” is out of range" },
    { BASE ", \"marks\": {\"skin\": {\"kind\": \"polyline\", \"points\": [[0, 0], [1, -1e7]]}}}",
      NP_ERROR_INVALID, "“case.json”: “marks.skin.points[1]” is out of range" },
    { BASE ", \"marks\": {\"structures\": [{\"kind\": \"vessel\", \"shape\": \"polygon\", "
           "\"points\": [[0, 0]], \"margin_mm\": -2}]}}", NP_ERROR_INVALID,
      "“case.json”: “marks.structures[0].margin_mm” must be zero or a positive margin" },
    { BASE ", \"marks\": {\"structures\": [{\"kind\": \"vessel\", \"shape\": \"polygon\"}]}}",
      NP_ERROR_CORRUPT, "“case.json”: “marks.structures[0].points” is missing" },
    { BASE ", \"marks\": {\"structures\": [[0, 0]]}}", NP_ERROR_CORRUPT,
      "“case.json”: “marks.structures[0]” must be an object" },
    { BASE ", \"marks\": {\"structures\": [{\"kind\": \"nerve\", \"shape\": \"ellipse\", "
           "\"points\": [[10, 10]]}]}}", NP_ERROR_INVALID,
      "“case.json”: “marks.structures[0].points” of an ellipse must be" },
    { BASE ", \"marks\": {\"structures\": [{\"kind\": \"organ\", \"shape\": \"polygon\", "
           "\"points\": []}]}}", NP_ERROR_INVALID,
      "“case.json”: “marks.structures[0].kind” is “organ”, which this NeedlePlan does not know" },
    { BASE ", \"marks\": {\"measurements\": [{\"kind\": \"distance\", \"points\": [[0, 0]]}]}}",
      NP_ERROR_INVALID,
      "“case.json”: “marks.measurements[0].points” must hold 2 points for a “distance” "
      "measurement, not 1" },
    { BASE ", \"marks\": {\"trget\": [1, 2]}}", NP_ERROR_CORRUPT,
      "“case.json”: “marks.trget” is not a field NeedlePlan knows here" },
    { BASE_HEAD "\"modality\": \"ultrasound\", \"site\": \"elbow\", " BASE_FRAME "}",
      NP_ERROR_INVALID, "“case.json”: “site” is “elbow”, which this NeedlePlan does not know" },
    { BASE_HEAD "\"modality\": 3, \"site\": \"knee\", " BASE_FRAME "}", NP_ERROR_CORRUPT,
      "“case.json”: “modality” must be text" },
    { BASE ", \"title\": 12}", NP_ERROR_CORRUPT, "“case.json”: “title” must be text or null" },
    { BASE ", \"volume_ml\": \"2 ml\"}", NP_ERROR_CORRUPT,
      "“case.json”: “volume_ml” must be a number" },
    { BASE ", \"volume_ml\": -1}", NP_ERROR_INVALID,
      "“case.json”: “volume_ml” must be a volume from 0 to 1000 ml" },
    { BASE ", \"physics\": {\"speed_of_sound_m_s\": 5}}", NP_ERROR_INVALID,
      "“case.json”: “physics.speed_of_sound_m_s” must be a speed of sound from 1000 to 2000 m/s" },
    { BASE ", \"calibration\": {\"method\": \"magic\"}}", NP_ERROR_INVALID,
      "“case.json”: “calibration.method” is “magic”, which this NeedlePlan does not know" },
    { BASE ", \"calibration\": {\"method\": \"known-distance\", \"mm_per_px\": [0, 0]}}",
      NP_ERROR_INVALID,
      "“case.json”: “calibration.mm_per_px” must be two positive numbers for a "
      "“known-distance” calibration" },
    { BASE ", \"calibration\": {\"method\": \"manual\", \"mm_per_px\": [0.1]}}",
      NP_ERROR_CORRUPT, "“case.json”: “calibration.mm_per_px” must be two numbers [x, y]" },
    { BASE ", \"calibration\": {\"method\": \"manual\", \"mm_per_px\": [0.1, 0.1], "
           "\"region\": [0, 0, -5, 10]}}", NP_ERROR_INVALID,
      "“case.json”: “calibration.region” must be [x, y, width, height]" },
    /* JSON numbers only (json-glib's scanner takes all of these). */
    { BASE ", \"volume_ml\": 0100}", NP_ERROR_CORRUPT,
      "“volume_ml” holds 0100, which is not a JSON number" },
    { BASE ", \"volume_ml\": 0x64}", NP_ERROR_CORRUPT,
      "“volume_ml” holds 0x64, which is not a JSON number" },
    { BASE ", \"volume_ml\": .5}", NP_ERROR_CORRUPT,
      "“volume_ml” holds .5, which is not a JSON number" },
    { BASE ", \"volume_ml\": 100.}", NP_ERROR_CORRUPT,
      "“volume_ml” holds 100., which is not a JSON number" },
    { BASE ", \"volume_ml\": +1}", NP_ERROR_CORRUPT,
      "“volume_ml” holds +1, which is not a JSON number" },
    /* U+0000 would cut the text short without a word. */
    { BASE ", \"title\": \"left\\u0000 knee\"}", NP_ERROR_CORRUPT,
      "text holds the character U+0000" },
    { BASE_HEAD BASE_CASE "\"frame\": {\"path\": \"/etc/passwd\"}}", NP_ERROR_INVALID,
      "“case.json”: “frame.path” must be relative to the plan's folder" },
    { BASE_HEAD BASE_CASE "\"frame\": {\"path\": \"../../secret.png\"}}", NP_ERROR_INVALID,
      "“case.json”: “frame.path” uses “..”, which a version 1 plan may not" },
    { BASE_HEAD BASE_CASE "\"frame\": {\"path\": \"f.png\", \"sha256\": \"abc\"}}",
      NP_ERROR_INVALID, "“case.json”: “frame.sha256” must be 64 lowercase hexadecimal digits" },
    { BASE ", \"results\": [1, 2]}", NP_ERROR_CORRUPT,
      "“case.json”: “results” must be an object" },
    { "{\"format\": \"photoshop\", \"version\": 1}", NP_ERROR_NOT_SUPPORTED,
      "“case.json” is not a NeedlePlan plan: its format is “photoshop”" },
    { "{\"version\": 1}", NP_ERROR_NOT_SUPPORTED,
      "“case.json” is not a NeedlePlan plan: “format” is missing" },
    { "[1, 2, 3]", NP_ERROR_NOT_SUPPORTED, "“case.json” is not a NeedlePlan plan: it holds no" },
    { "", NP_ERROR_NOT_SUPPORTED, "“case.json” is not a NeedlePlan plan: it holds no" },
    { "{\"format\": \"needleplan-plan\", \"version\": 3}", NP_ERROR_NOT_SUPPORTED,
      "“case.json” was made by a newer NeedlePlan; version 3 is not supported" },
    { "{\"format\": \"needleplan-plan\", \"version\": 0}", NP_ERROR_NOT_SUPPORTED,
      "“case.json”: version 0 is not a NeedlePlan plan version" },
    { "{\"format\": \"needleplan-plan\", \"version\": \"1\"}", NP_ERROR_CORRUPT,
      "“case.json”: “version” must be a whole number" },
    { "{\"format\": \"needleplan-plan\", \"version\": 1.5}", NP_ERROR_CORRUPT,
      "“case.json”: “version” must be a whole number" },
    { "{\"format\": \"needleplan-plan\",\n \"version\": 1,,\n}", NP_ERROR_CORRUPT,
      "“case.json”: not valid JSON: line 2, column" },
    { "{\"format\": \"needleplan-plan\", \"version\": 1", NP_ERROR_CORRUPT,
      "“case.json”: not valid JSON: line 1, column" },
    { "{\"format\": \"needleplan-plan\", \"version\": 99999999999999999999999}",
      NP_ERROR_CORRUPT, "“case.json”: not valid JSON: line 1, column 42: a whole number is too "
      "large" },
    { "// a comment\n" BASE "}", NP_ERROR_CORRUPT,
      "“case.json”: not valid JSON: line 1, column 1: comments and single quotes" },
    { "{\"format\": \"needleplan-plan\", \"title\": \"\xff\"}", NP_ERROR_CORRUPT,
      "“case.json”: not valid JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(NpPlan) plan = NULL;
      /* Escaped: a case holding invalid UTF-8 would otherwise break the TAP stream. */
      g_autofree char *shown = g_strescape (cases[i].text, NULL);

      g_test_message ("case %u: %s", i, shown);
      plan = np_plan_file_parse (cases[i].text, -1, "case.json", &error);
      g_assert_null (plan);
      g_assert_nonnull (error);
      g_test_message ("  -> %s", error->message);
      g_assert_true (error->domain == NP_ERROR);
      g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "“case.json”"));
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_deep_nesting (void)
{
  /* A million open brackets must be refused before json-glib's recursive
   * parser sees them. */
  GString *text = g_string_new (BASE ", \"results\": {\"x\": ");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = NULL;

  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (text, '[');
  plan = np_plan_file_parse (text->str, (gssize) text->len, "deep.json", &error);
  g_string_free (text, TRUE);
  g_assert_null (plan);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "“deep.json”: not valid JSON: line 1"));
  g_assert_nonnull (strstr (error->message, "nested too deeply"));
}

static void
test_binary (void)
{
  static const char text[] = BASE "}\0garbage";
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = np_plan_file_parse (text, sizeof text - 1, "bin.json", &error);

  g_assert_null (plan);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "binary data"));
}

static void
test_too_large (TempDir       *dir,
                gconstpointer  data)
{
  gsize size = NP_PLAN_FILE_MAX_BYTES + 1;
  g_autofree char *text = g_malloc (size);
  g_autofree char *path = g_build_filename (dir->path, "huge.json", NULL);
  g_autoptr(GError) error = NULL;
  NpPlan *plan;
  FILE *file;

  /* Parsing: refused by length, before anything is read. */
  memset (text, ' ', size);
  plan = np_plan_file_parse (text, (gssize) size, "huge.json", &error);
  g_assert_null (plan);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  /* g_format_size puts a no-break space before the unit. */
  g_assert_true (g_str_has_prefix (error->message, "“huge.json” is 16.8"));
  g_assert_true (g_str_has_suffix (error->message, "MB, over the 16 MiB limit of a plan file"));
  g_clear_error (&error);

  /* Loading: refused by the file's size, before it is read (sparse file). */
  file = g_fopen (path, "wb");
  g_assert_nonnull (file);
  g_assert_cmpint (ftruncate (fileno (file), 64 * 1024 * 1024), ==, 0);
  fclose (file);
  plan = np_plan_file_load (path, &error);
  g_assert_null (plan);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "“huge.json” is 67.1"));
  g_assert_true (g_str_has_suffix (error->message, "MB, over the 16 MiB limit of a plan file"));
}

static void
test_load_errors (TempDir       *dir,
                  gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (dir->path, "missing.json", NULL);
  g_autofree char *bad = g_build_filename (dir->path, "bad.json", NULL);
  g_autoptr(GError) error = NULL;
  NpPlan *plan;

  plan = np_plan_file_load (missing, &error);
  g_assert_null (plan);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.json”: no such file"));
  g_clear_error (&error);

  plan = np_plan_file_load (dir->path, &error);
  g_assert_null (plan);
  g_assert_nonnull (strstr (error->message, "it is a folder"));
  g_clear_error (&error);

  /* The file's own name (not the full path) heads parse errors. */
  g_assert_true (g_file_set_contents (bad, BASE ", \"marks\": {\"target\": null, "
                                      "\"entry\": {}}}", -1, NULL));
  plan = np_plan_file_load (bad, &error);
  g_assert_null (plan);
  g_assert_cmpstr (error->message, ==, "“bad.json”: “marks.entry” must be two numbers [x, y]");
}

static void
test_save_refuses_bad_plan (TempDir       *dir,
                            gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autofree char *path = g_build_filename (dir->path, "plan.json", NULL);
  g_autofree char *no_folder = g_build_filename (dir->path, "nope", "plan.json", NULL);
  g_autoptr(GError) error = NULL;
  char *text;

  /* No frame: a plan file always names its frame. */
  text = np_plan_file_to_json (plan, NULL, &error);
  g_assert_null (text);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "Cannot save the plan: “frame.path” is missing: a plan refers to its frame");
  g_clear_error (&error);

  /* A value JSON cannot hold is refused, and nothing is written. */
  np_plan_set_string (&plan->frame_path, "f.png");
  plan->has_target = TRUE;
  plan->target = np_image_point (NAN, 3);
  g_assert_false (np_plan_file_save (plan, NULL, path, &error));
  g_assert_nonnull (strstr (error->message, "“marks.target” is out of range"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  plan->target = np_image_point (2, 3);
  g_assert_false (np_plan_file_save (plan, NULL, no_folder, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_clear_error (&error);

  g_assert_true (np_plan_file_save (plan, NULL, path, &error));
  g_assert_no_error (error);
}

/* Eight bytes every PNG starts with, then anything. */
static void
write_png_magic (const char *path,
                 const char *tail)
{
  g_autofree char *bytes = g_strconcat ("\x89PNG\r\n\x1a\n", tail, NULL);

  g_assert_true (g_file_set_contents (path, bytes, -1, NULL));
}

static void
test_resolve_frame (TempDir       *dir,
                    gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autofree char *plans = g_build_filename (dir->path, "plans", NULL);
  g_autofree char *frames = g_build_filename (dir->path, "frames", NULL);
  g_autofree char *plan_path = g_build_filename (plans, "case.json", NULL);
  g_autofree char *frame = g_build_filename (frames, "us.png", NULL);
  g_autofree char *text = g_build_filename (dir->path, "notes.txt", NULL);
  g_autofree char *fifo = g_build_filename (dir->path, "frame.fifo", NULL);
  g_autofree char *link = g_build_filename (frames, "link.png", NULL);
  g_autoptr(GError) error = NULL;
  char *resolved;

  g_assert_cmpint (g_mkdir (plans, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (frames, 0700), ==, 0);
  write_png_magic (frame, "rest");
  g_assert_true (g_file_set_contents (text, "name: secret\n", -1, NULL));
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink (text, link), ==, 0);

  /* Version 2 plans reach their frame by "..": saved anywhere. */
  np_plan_set_string (&plan->frame_path, "../frames/./us.png");
  resolved = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (resolved, ==, frame);
  g_free (resolved);

  /* What the path names must be a frame before it is even hashed: not a
   * text file, not a FIFO, not a link to a text file, not missing. */
  np_plan_set_string (&plan->frame_path, "../notes.txt");
  resolved = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_null (resolved);
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "which is not a PNG, JPEG or DICOM image"));
  g_clear_error (&error);

  np_plan_set_string (&plan->frame_path, "../frame.fifo");
  resolved = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_null (resolved);
  g_assert_nonnull (strstr (error->message, "which is not a regular file"));
  g_clear_error (&error);

  np_plan_set_string (&plan->frame_path, "../frames/link.png");
  resolved = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_null (resolved);
  g_assert_nonnull (strstr (error->message, "which is not a PNG, JPEG or DICOM image"));
  g_clear_error (&error);

  np_plan_set_string (&plan->frame_path, "../frames/missing.png");
  resolved = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_null (resolved);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_clear_error (&error);

  np_plan_set_string (&plan->frame_path, "/etc/passwd");
  resolved = np_plan_file_resolve_frame (plan, plan_path, &error);
  g_assert_null (resolved);
  g_assert_nonnull (strstr (error->message, "by the absolute path “/etc/passwd”"));
}

static void
test_check_frame (TempDir       *dir,
                  gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autofree char *plan_path = g_build_filename (dir->path, "case.json", NULL);
  g_autofree char *frame_path = g_build_filename (dir->path, "frame.png", NULL);
  g_autofree char *expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                             "\x89PNG\r\n\x1a\nabc", -1);
  g_autoptr(GError) error = NULL;
  gboolean matches = TRUE;

  np_plan_set_string (&plan->frame_path, "frame.png");
  np_plan_set_string (&plan->frame_sha256, expected);

  g_assert_false (np_plan_file_check_frame (plan, plan_path, &matches, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
  g_assert_false (matches);
  g_clear_error (&error);

  write_png_magic (frame_path, "abc");
  g_assert_true (np_plan_file_check_frame (plan, plan_path, &matches, &error));
  g_assert_no_error (error);
  g_assert_true (matches);

  /* The frame changed after the plan was made: shown, not ignored. */
  write_png_magic (frame_path, "abd");
  g_assert_true (np_plan_file_check_frame (plan, plan_path, &matches, &error));
  g_assert_false (matches);

  /* No stored hash cannot be confirmed either. */
  np_plan_set_string (&plan->frame_sha256, NULL);
  matches = TRUE;
  g_assert_true (np_plan_file_check_frame (plan, plan_path, &matches, &error));
  g_assert_false (matches);
}

/* A plan without a stored SHA-256 is not a plan whose frame matches, nor
 * one whose frame differs: it cannot be verified, and the words say so. */
static void
test_frame_check_words (void)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  const char *digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  g_autofree char *differs = NULL;
  g_autofree char *unverified = NULL;

  g_assert_cmpint (np_plan_file_compare_frame (plan, digest), ==, NP_PLAN_FRAME_UNVERIFIED);
  np_plan_set_string (&plan->frame_sha256, "");
  g_assert_cmpint (np_plan_file_compare_frame (plan, digest), ==, NP_PLAN_FRAME_UNVERIFIED);
  np_plan_set_string (&plan->frame_sha256,
                      "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");
  g_assert_cmpint (np_plan_file_compare_frame (plan, digest), ==, NP_PLAN_FRAME_MATCHES);
  g_assert_cmpint (np_plan_file_compare_frame (plan, NULL), ==, NP_PLAN_FRAME_UNVERIFIED);
  np_plan_set_string (&plan->frame_sha256,
                      "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_assert_cmpint (np_plan_file_compare_frame (plan, digest), ==, NP_PLAN_FRAME_DIFFERS);

  g_assert_null (np_plan_file_describe_frame_check (NP_PLAN_FRAME_MATCHES, "/a/frame.png"));
  differs = np_plan_file_describe_frame_check (NP_PLAN_FRAME_DIFFERS, "/a/frame.png");
  unverified = np_plan_file_describe_frame_check (NP_PLAN_FRAME_UNVERIFIED, "/a/frame.png");
  g_assert_nonnull (strstr (differs, "“frame.png” is not the one the plan was made on"));
  g_assert_null (strstr (differs, "cannot be verified"));
  g_assert_nonnull (strstr (unverified, "“frame.png” cannot be verified"));
  g_assert_null (strstr (unverified, "differs"));
}

/* A width × 1 grey PNG written to @path; returns the file's SHA-256. */
static char *
write_frame (const char *path,
             guint       width)
{
  g_autoptr(NpFrame) frame = np_frame_new (width, 1, 1, 8, NULL);
  g_autoptr(GBytes) png = NULL;
  gsize length;
  const guint8 *data;

  for (guint x = 0; x < width; x++)
    np_frame_set_sample (frame, x, 0, 0, x);
  png = np_png_encode (frame, 6, NULL);
  g_assert_nonnull (png);
  data = g_bytes_get_data (png, &length);
  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

static void
test_load_frame (TempDir       *dir,
                 gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autofree char *plan_path = g_build_filename (dir->path, "case.json", NULL);
  g_autofree char *frame_path = g_build_filename (dir->path, "frame.png", NULL);
  g_autofree char *text_path = g_build_filename (dir->path, "notes.png", NULL);
  g_autofree char *expected = write_frame (frame_path, 5);
  g_autofree char *sha256 = NULL;
  g_autofree char *hashed = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpFrame) plain = NULL;
  g_autoptr(GError) error = NULL;
  NpPlanFrameCheck check = NP_PLAN_FRAME_MATCHES;

  np_plan_set_string (&plan->frame_path, "frame.png");
  frame = np_plan_file_load_frame (plan, plan_path, &check, &sha256, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (frame), ==, 5);
  g_assert_cmpint (check, ==, NP_PLAN_FRAME_UNVERIFIED);
  g_assert_cmpstr (sha256, ==, expected);
  g_clear_pointer (&frame, np_frame_unref);

  np_plan_set_string (&plan->frame_sha256, expected);
  frame = np_plan_file_load_frame (plan, plan_path, &check, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (check, ==, NP_PLAN_FRAME_MATCHES);

  plain = np_frame_load_hashed (frame_path, &hashed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hashed, ==, expected);

  /* A file that passes the first-bytes check but does not decode is never
   * hashed: the plan learns nothing of it. */
  write_png_magic (text_path, "name: secret");
  np_plan_set_string (&plan->frame_path, "notes.png");
  g_clear_pointer (&sha256, g_free);
  g_assert_null (np_plan_file_load_frame (plan, plan_path, &check, &sha256, &error));
  g_assert_nonnull (error);
  g_assert_null (sha256);
}

typedef struct
{
  const char *folder;
  gint stop;
} Swapper;

/* Puts a.png and b.png in place of frame.png in turn, each by an atomic
 * rename, as fast as it can, until told to stop. */
static gpointer
swap_frames (gpointer data)
{
  Swapper *swapper = data;
  g_autofree char *a = g_build_filename (swapper->folder, "a.png", NULL);
  g_autofree char *b = g_build_filename (swapper->folder, "b.png", NULL);
  g_autofree char *next = g_build_filename (swapper->folder, "next.png", NULL);
  g_autofree char *frame = g_build_filename (swapper->folder, "frame.png", NULL);

  for (guint i = 0; !g_atomic_int_get (&swapper->stop); i++)
    {
      g_unlink (next);
      g_assert_cmpint (link (i % 2 == 0 ? a : b, next), ==, 0);
      g_assert_cmpint (g_rename (next, frame), ==, 0);
    }
  return NULL;
}

/* The frame is swapped for another image as fast as possible while the plan
 * loads it: whichever image is decoded, the check and the SHA-256 must be
 * of that same image. Hashing the path and then decoding the path again
 * would, among the loads, pair one image's pixels with the other's check. */
static void
test_load_frame_swapped (TempDir       *dir,
                         gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autofree char *plan_path = g_build_filename (dir->path, "case.json", NULL);
  g_autofree char *a_path = g_build_filename (dir->path, "a.png", NULL);
  g_autofree char *b_path = g_build_filename (dir->path, "b.png", NULL);
  g_autofree char *frame_path = g_build_filename (dir->path, "frame.png", NULL);
  g_autofree char *a_sha = write_frame (a_path, 4);
  g_autofree char *b_sha = write_frame (b_path, 9);
  Swapper swapper = { dir->path, 0 };
  GThread *thread;
  guint seen[2] = { 0, 0 };

  g_assert_cmpint (link (a_path, frame_path), ==, 0);
  np_plan_set_string (&plan->frame_path, "frame.png");
  np_plan_set_string (&plan->frame_sha256, a_sha);
  thread = g_thread_new ("swap-frames", swap_frames, &swapper);
  for (guint i = 0; i < 2000; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *sha256 = NULL;
      g_autoptr(NpFrame) frame = NULL;
      NpPlanFrameCheck check = NP_PLAN_FRAME_UNVERIFIED;

      frame = np_plan_file_load_frame (plan, plan_path, &check, &sha256, &error);
      g_assert_no_error (error);
      if (np_frame_get_width (frame) == 4)
        {
          g_assert_cmpint (check, ==, NP_PLAN_FRAME_MATCHES);
          g_assert_cmpstr (sha256, ==, a_sha);
          seen[0]++;
        }
      else
        {
          g_assert_cmpuint (np_frame_get_width (frame), ==, 9);
          g_assert_cmpint (check, ==, NP_PLAN_FRAME_DIFFERS);
          g_assert_cmpstr (sha256, ==, b_sha);
          seen[1]++;
        }
    }
  g_atomic_int_set (&swapper.stop, 1);
  g_thread_join (thread);
  g_test_message ("%u loads of the plan's image, %u of the other", seen[0], seen[1]);
  g_assert_cmpuint (seen[0] + seen[1], ==, 2000);
}

/* A file another process reads by name (the DICOM importer) is hashed
 * first and must still be the same file afterwards: replaced by a rename,
 * it is not. (A rewrite in place is caught by its times, which the file
 * system's clock may not tell apart within one tick: not tested.) */
static void
test_pinned_file (TempDir       *dir,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (dir->path, "frame.dcm", NULL);
  g_autofree char *other = g_build_filename (dir->path, "other.dcm", NULL);
  g_autofree char *sha256 = NULL;
  g_autoptr(GError) error = NULL;
  struct stat pinned;

  g_assert_true (g_file_set_contents (path, "abc", 3, NULL));
  sha256 = np_file_sha256_pinned (path, &pinned, &error);
  g_assert_no_error (error);
  /* SHA-256 of "abc" (FIPS 180-2, appendix B.1). */
  g_assert_cmpstr (sha256, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_true (np_file_still_pinned (path, &pinned, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_set_contents (other, "abd", 3, NULL));
  g_assert_cmpint (g_rename (other, path), ==, 0);
  g_assert_false (np_file_still_pinned (path, &pinned, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "changed while it was being read"));
  g_clear_error (&error);

  g_assert_null (np_file_sha256_pinned (dir->path, &pinned, &error));
  g_assert_nonnull (error);
}

static void
test_relative_frame_path (TempDir       *dir,
                          gconstpointer  data)
{
  g_autofree char *plan_path = g_build_filename (dir->path, "case.json", NULL);
  g_autofree char *inside = g_build_filename (dir->path, "frames", "us.png", NULL);
  g_autofree char *sibling = g_build_filename (dir->path, "a", "b", "case.json", NULL);
  g_autoptr(GString) up = g_string_new (NULL);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *beside = NULL;

  relative = np_plan_file_relative_frame_path (plan_path, inside, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relative, ==, "frames/us.png");

  /* From dir/a/b up two folders and down into frames. */
  beside = np_plan_file_relative_frame_path (sibling, inside, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (beside, ==, "../../frames/us.png");

  /* Out of the temporary folder to the root: one ".." per folder of its
   * path, whatever the machine calls it. */
  parts = g_strsplit (dir->path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_string_append (up, "../");
  g_string_append (up, "etc/hosts");
  outside = np_plan_file_relative_frame_path (plan_path, "/etc/hosts", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (outside, ==, up->str);
}

/* Version 2's members survive a save and a load, and a version 1 file may
 * not carry them (nor reach its frame by ".."). */
static void
test_version_2_members (TempDir       *dir,
                        gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpPlan) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir->path, "v2.json", NULL);
  g_autofree char *text = NULL;
  NpImageRect band = { 0, 0, 800, 40.5 };
  /* The ALOKA layout: two side-by-side tissue panels, each its own size. */
  NpCalibrationRegion left = { 1, { 10, 50, 300, 400 }, 0.125, 0.125 };
  NpCalibrationRegion right = { 2, { 330, 50, 300, 400 }, 0.25, 0.25 };
  static const char *const version_1_with_2[] = {
    "\"frame\": {\"path\": \"f.png\", \"dicom\": {\"sop_instance_uid\": \"1.2\", "
    "\"frame_number\": 5}}",
    "\"frame\": {\"path\": \"f.png\", \"absolute_path\": \"/x/f.png\"}",
    "\"frame\": {\"path\": \"f.png\"}, \"redactions\": []",
    "\"frame\": {\"path\": \"f.png\"}, \"physics\": {\"speed_of_sound_sd_m_s\": 20}",
    "\"frame\": {\"path\": \"../f.png\"}",
    "\"frame\": {\"path\": \"f.png\"}, \"calibration\": {\"method\": \"none\", \"regions\": []}",
    "\"frame\": {\"path\": \"f.png\"}, \"fluoroscopy\": {\"geometry\": null}",
  };

  np_plan_set_string (&plan->frame_path, "../frames/cine.dcm");
  np_plan_set_string (&plan->frame_absolute_path, "/data/frames/cine.dcm");
  np_plan_set_string (&plan->dicom_sop_instance_uid, "1.2.840.113619.2.5.1762583153.215519.978957063.78");
  plan->dicom_frame_number = 5;
  plan->speed_of_sound_sd_m_s = 25;
  g_array_append_val (plan->redactions, band);
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_FILE, 0.125, 0);
  np_calibration_add_region (plan->calibration, &left);
  np_calibration_add_region (plan->calibration, &right);

  g_assert_true (np_plan_file_save (plan, NULL, path, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "\"frame_number\": 5"));
  g_assert_nonnull (strstr (text, "\"redactions\": [\n    [0, 0, 800, 40.5]\n  ]"));
  loaded = np_plan_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (plan, loaded));
  g_assert_cmpuint (loaded->dicom_frame_number, ==, 5);
  g_assert_cmpfloat (loaded->speed_of_sound_sd_m_s, ==, 25);
  g_assert_cmpuint (np_calibration_get_n_regions (loaded->calibration), ==, 2);
  g_assert_cmpfloat (np_calibration_get_region (loaded->calibration, 1)->mm_per_px_x, ==, 0.25);
  g_assert_cmpfloat (np_calibration_get_region (loaded->calibration, 1)->bounds.x, ==, 330);

  for (guint i = 0; i < G_N_ELEMENTS (version_1_with_2); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"format\": \"needleplan-plan\", \"version\": 1, "
                                               "\"modality\": \"ultrasound\", \"site\": \"knee\", "
                                               "%s}", version_1_with_2[i]);
      g_autoptr(NpPlan) refused = np_plan_file_parse (json, -1, "old.json", &error);

      g_assert_null (refused);
      g_assert_nonnull (error);
      g_assert_true (error->domain == NP_ERROR);
      g_assert_nonnull (strstr (error->message, "version 1"));
      g_clear_error (&error);
    }
}

/* Version 2: a fluoroscopy view's cone-beam geometry and its paired view
 * are written, read back and checked; an ultrasound plan writes neither. */
static void
test_fluoroscopy_members (TempDir       *dir,
                          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (dir->path, "ap.json", NULL);
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpPlan) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  static const char *const refused[] = {
    /* SOD at or beyond SID */
    "\"geometry\": {\"sid_mm\": 700, \"sod_mm\": 725, \"detector_pixel_mm\": [0.3, 0.3], "
    "\"central_ray\": [400, 300]}",
    "\"geometry\": {\"sid_mm\": 1000, \"sod_mm\": 725, \"detector_pixel_mm\": [0, 0.3], "
    "\"central_ray\": [400, 300]}",
    "\"geometry\": {\"sid_mm\": 1000, \"sod_mm\": 725, \"detector_pixel_mm\": [0.3, 0.3]}",
    "\"second_view\": {\"plan\": \"/abs/lat.json\", \"angle_deg\": 90}",
    "\"second_view\": {\"plan\": \"lat.json\", \"angle_deg\": 270}",
    "\"second_view\": {\"plan\": \"lat.json\", \"angle_deg\": 90, \"mirrored\": 1}",
    "\"second_view\": {\"plan\": \"lat.json\", \"angle\": 90}",
  };

  (void) data;
  plan->modality = NP_MODALITY_FLUOROSCOPY;
  plan->view = NP_VIEW_AP;
  np_plan_set_string (&plan->frame_path, "frame.png");
  g_assert_true (np_plan_file_save (plan, NULL, path, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "\"fluoroscopy\": {\n    \"geometry\": null,\n"
                                  "    \"second_view\": null\n  }"));
  g_clear_pointer (&text, g_free);

  plan->has_geometry = TRUE;
  plan->geometry = (NpFluoroGeometry) { 1000, 725, { 0.3, 0.3 }, { 400, 300 } };
  np_plan_set_string (&plan->second_view_path, "../hip-fluoro-01-lateral/plan.json");
  plan->second_view_angle_deg = 90;
  plan->second_view_mirrored = TRUE;
  g_assert_true (np_plan_file_save (plan, NULL, path, &error));
  g_assert_no_error (error);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "\"detector_pixel_mm\": [0.3, 0.3]"));
  g_assert_nonnull (strstr (text, "\"mirrored\": true"));
  loaded = np_plan_file_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (plan, loaded));
  g_assert_true (loaded->has_geometry);
  g_assert_cmpfloat (loaded->geometry.sod_mm, ==, 725);
  g_assert_cmpfloat (loaded->geometry.central_ray.y, ==, 300);
  g_assert_cmpstr (loaded->second_view_path, ==, "../hip-fluoro-01-lateral/plan.json");
  g_assert_cmpfloat (loaded->second_view_angle_deg, ==, 90);
  g_assert_true (loaded->second_view_mirrored);

  /* np_plan_equal sees every new field. */
  loaded->geometry.detector_pixel_mm[1] = 0.31;
  g_assert_false (np_plan_equal (plan, loaded));
  loaded->geometry.detector_pixel_mm[1] = 0.3;
  loaded->second_view_mirrored = FALSE;
  g_assert_false (np_plan_equal (plan, loaded));

  /* An ultrasound plan has no beam geometry: refused at saving. */
  plan->modality = NP_MODALITY_ULTRASOUND;
  g_assert_false (np_plan_file_save (plan, NULL, path, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"format\": \"needleplan-plan\", \"version\": 2, "
                                               "\"modality\": \"fluoroscopy\", \"site\": \"hip\", "
                                               "\"frame\": {\"path\": \"f.png\"}, "
                                               "\"fluoroscopy\": {%s}}", refused[i]);
      g_autoptr(NpPlan) bad = np_plan_file_parse (json, -1, "ap.json", &error);

      g_assert_null (bad);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, "fluoroscopy."));
      g_clear_error (&error);
    }
}

/* What a plan may hold is capped, on load and on save alike. */
static void
test_caps (TempDir       *dir,
           gconstpointer  data)
{
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir->path, "big.json", NULL);
  g_autofree char *long_text = g_strnfill (NP_PLAN_FILE_MAX_TEXT_BYTES + 1, 'n');
  g_autoptr(GString) json = g_string_new ("{\"format\": \"needleplan-plan\", \"version\": 2, "
                                          "\"modality\": \"ultrasound\", \"site\": \"knee\", "
                                          "\"frame\": {\"path\": \"f.png\"}, "
                                          "\"marks\": {\"skin\": {\"kind\": \"polyline\", "
                                          "\"points\": [");
  g_autoptr(NpPlan) refused = NULL;

  np_plan_set_string (&plan->frame_path, "f.png");
  for (guint i = 0; i <= NP_PLAN_FILE_MAX_POINTS; i++)
    {
      NpImagePoint p = { i % 1000, i / 1000 };
      g_array_append_val (plan->skin_points, p);
      g_string_append_printf (json, "%s[%u, %u]", i > 0 ? ", " : "", i % 1000, i / 1000);
    }
  g_string_append (json, "]}}}");
  plan->skin_kind = NP_SKIN_POLYLINE;
  g_assert_false (np_plan_file_save (plan, NULL, path, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "marks.skin.points"));
  g_clear_error (&error);
  refused = np_plan_file_parse (json->str, -1, "big.json", &error);
  g_assert_null (refused);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "at most 10000"));
  g_clear_error (&error);

  g_array_set_size (plan->skin_points, 2);
  np_plan_set_string (&plan->notes, long_text);
  g_assert_false (np_plan_file_save (plan, NULL, path, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "notes"));
  g_clear_error (&error);

  np_plan_set_string (&plan->notes, NULL);
  for (guint i = 0; i <= NP_PLAN_FILE_MAX_STRUCTURES; i++)
    {
      NpStructure *structure = np_structure_new ("cyst", NP_STRUCTURE_OTHER, NP_SHAPE_POLYLINE, 1);

      np_structure_add_point (structure, np_image_point (i, 0));
      np_structure_add_point (structure, np_image_point (i, 5));
      g_ptr_array_add (plan->structures, structure);
    }
  g_assert_false (np_plan_file_save (plan, NULL, path, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "at most 1000"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_example (void)
{
  /* docs/plan-example.json is written by hand in the documented layout. */
  g_autofree char *path = g_build_filename (NP_SOURCE_DIR, "docs", "plan-example.json", NULL);
  g_autofree char *text = read_text (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlan) plan = np_plan_file_load (path, &error);
  g_autofree char *saved = NULL;
  const NpStructure *artery;
  const NpMeasurement *distance;

  g_assert_no_error (error);
  g_assert_cmpint (plan->site, ==, NP_SITE_KNEE);
  g_assert_cmpint (plan->side, ==, NP_SIDE_LEFT);
  g_assert_cmpint (plan->condition, ==, NP_CONDITION_OSTEOARTHRITIS);
  g_assert_cmpint (plan->injectate, ==, NP_INJECTATE_HYALURONIC_ACID);
  g_assert_cmpfloat (plan->volume_ml, ==, 2.0);
  g_assert_cmpstr (plan->approach, ==, "knee-suprapatellar-lateral");
  g_assert_null (plan->patient_name);
  g_assert_cmpstr (plan->frame_path, ==, "knee-us.png");
  g_assert_cmpint (plan->calibration->method, ==, NP_CALIBRATION_DEPTH_SCALE);
  g_assert_cmpfloat (plan->calibration->mm_per_px_y, ==, 0.2);
  g_assert_true (plan->calibration->has_region);
  g_assert_cmpfloat (plan->calibration->region.height, ==, 560.0);
  g_assert_cmpuint (plan->calibration->points->len, ==, 4);
  g_assert_true (plan->has_target && plan->has_entry);
  g_assert_cmpfloat (plan->target.x, ==, 400.0);
  g_assert_cmpint (plan->skin_kind, ==, NP_SKIN_POLYLINE);
  g_assert_cmpuint (plan->structures->len, ==, 2);
  artery = g_ptr_array_index (plan->structures, 1);
  g_assert_cmpint (artery->shape, ==, NP_SHAPE_ELLIPSE);
  g_assert_cmpfloat (g_array_index (artery->points, NpImagePoint, 1).x, ==, 12.0);
  g_assert_cmpfloat (artery->margin_mm, ==, 3.0);
  g_assert_cmpuint (plan->measurements->len, ==, 2);
  distance = &g_array_index (plan->measurements, NpMeasurement, 0);
  /* (100, 120) to (130, 160) is 50 px (3-4-5 × 10): 10 mm at 0.2 mm/px. */
  g_assert_cmpfloat_with_epsilon (np_calibration_distance_mm (plan->calibration,
                                                              distance->points[0],
                                                              distance->points[1]),
                                  10.0, 1e-12);

  /* The example is in the canonical layout: saving it changes no byte. */
  saved = np_plan_file_to_json (plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (saved, ==, text);
}

/* The plan's frame checksum: FIPS 180-2's examples, and a megabyte
 * against GLib's SHA-256 (the checksum plans stored before). */
static void
test_sha256_of_data (void)
{
  static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  g_autofree char *empty = np_file_sha256_of_data ((const guint8 *) "", 0);
  g_autofree char *abc = np_file_sha256_of_data ((const guint8 *) "abc", 3);
  g_autofree char *two = np_file_sha256_of_data ((const guint8 *) two_blocks,
                                                 strlen (two_blocks));
  g_autofree guint8 *big = g_malloc (1 << 20);
  g_autofree char *ours = NULL;
  g_autofree char *glib = NULL;

  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (two, ==, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

  for (guint i = 0; i < 1 << 20; i++)
    big[i] = (guint8) (i * 2654435761u >> 24);
  ours = np_file_sha256_of_data (big, 1 << 20);
  glib = g_compute_checksum_for_data (G_CHECKSUM_SHA256, big, 1 << 20);
  g_assert_cmpstr (ours, ==, glib);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/plan-file/sha256-of-data", test_sha256_of_data);
  g_test_add ("/core/plan-file/round-trip", TempDir, NULL, temp_dir_setup, test_round_trip,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/round-trip-default", TempDir, NULL, temp_dir_setup,
              test_round_trip_default, temp_dir_teardown);
  g_test_add_func ("/core/plan-file/minimal", test_minimal);
  g_test_add_func ("/core/plan-file/example", test_example);
  g_test_add_func ("/core/plan-file/bad-input", test_bad_input);
  g_test_add_func ("/core/plan-file/deep-nesting", test_deep_nesting);
  g_test_add_func ("/core/plan-file/binary", test_binary);
  g_test_add ("/core/plan-file/too-large", TempDir, NULL, temp_dir_setup, test_too_large,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/load-errors", TempDir, NULL, temp_dir_setup, test_load_errors,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/save-refuses-bad-plan", TempDir, NULL, temp_dir_setup,
              test_save_refuses_bad_plan, temp_dir_teardown);
  g_test_add ("/core/plan-file/version-2-members", TempDir, NULL, temp_dir_setup,
              test_version_2_members, temp_dir_teardown);
  g_test_add ("/core/plan-file/fluoroscopy-members", TempDir, NULL, temp_dir_setup,
              test_fluoroscopy_members, temp_dir_teardown);
  g_test_add ("/core/plan-file/caps", TempDir, NULL, temp_dir_setup, test_caps,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/resolve-frame", TempDir, NULL, temp_dir_setup, test_resolve_frame,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/check-frame", TempDir, NULL, temp_dir_setup, test_check_frame,
              temp_dir_teardown);
  g_test_add_func ("/core/plan-file/frame-check-words", test_frame_check_words);
  g_test_add ("/core/plan-file/load-frame", TempDir, NULL, temp_dir_setup, test_load_frame,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/load-frame-swapped", TempDir, NULL, temp_dir_setup,
              test_load_frame_swapped, temp_dir_teardown);
  g_test_add ("/core/plan-file/pinned-file", TempDir, NULL, temp_dir_setup, test_pinned_file,
              temp_dir_teardown);
  g_test_add ("/core/plan-file/relative-frame-path", TempDir, NULL, temp_dir_setup,
              test_relative_frame_path, temp_dir_teardown);
  return g_test_run ();
}
