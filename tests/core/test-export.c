/* test-export.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-error.h"
#include "np-export.h"
#include "np-export-private.h"
#include "np-file.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-png.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#define PATIENT_NAME "Zebulon Quackenbush"
#define PATIENT_ID "PID-98765-XQ"

/* A 320 × 180 8-bit grey frame with a pattern that differs from pixel to
 * pixel, so a shifted or resampled image cannot match. */
static NpFrame *
make_frame (void)
{
  NpFrame *frame = np_frame_new (320, 180, 1, 8, NULL);

  for (guint y = 0; y < 180; y++)
    for (guint x = 0; x < 320; x++)
      np_frame_set_sample (frame, x, y, 0, (3 * x + 7 * y) & 0xff);
  return frame;
}

/* Skin along y = 10, 0.5 mm per pixel. Target (220, 90), entry (160, 10):
 * depth (90 - 10) × 0.5 = 40 mm; the path runs 60 px = 30 mm across and
 * 80 px = 40 mm down, so it is 50 mm long (3-4-5). A vessel sits off the
 * path at (270, 60). The overlay's legend covers x < 160 at the top left. */
static NpPlan *
make_plan (void)
{
  NpPlan *plan = np_plan_new ();
  NpStructure *vessel = np_structure_new ("femoral artery", NP_STRUCTURE_VESSEL,
                                          NP_SHAPE_ELLIPSE, 2.0);
  const NpImagePoint skin[] = { { 0, 10 }, { 320, 10 } };

  plan->modality = NP_MODALITY_ULTRASOUND;
  plan->probe = NP_PROBE_LINEAR;
  plan->site = NP_SITE_KNEE;
  plan->side = NP_SIDE_LEFT;
  plan->injectate = NP_INJECTATE_PRP;
  plan->volume_ml = 3;
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  np_plan_set_string (&plan->clinician, "Dr. Ada Lovelace");
  np_plan_set_string (&plan->patient_name, PATIENT_NAME);
  np_plan_set_string (&plan->patient_id, PATIENT_ID);
  np_plan_set_string (&plan->frame_path, "Quackenbush knee.png");
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0.5, 0.005);
  plan->speed_of_sound_m_s = 1540;
  plan->has_target = TRUE;
  plan->target = np_image_point (220, 90);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (160, 10);
  plan->skin_kind = NP_SKIN_POLYLINE;
  g_array_append_vals (plan->skin_points, skin, G_N_ELEMENTS (skin));
  np_structure_add_point (vessel, np_image_point (270, 60));
  np_structure_add_point (vessel, np_image_point (12, 8));
  g_ptr_array_add (plan->structures, vessel);
  return plan;
}

static void
init_options (NpExportOptions *options)
{
  np_export_options_init (options);
  options->date = "2026-04-15";
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("np-test-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        {
          g_chmod (child, 0755);
          remove_tree (child);
        }
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  g_file_get_contents (path, &data, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);

  return memmem (data, size, needle, strlen (needle)) != NULL;
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* The frame drawn by hand into a Cairo surface (grey to r = g = b), with
 * the overlay on top through np_overlay_draw and the export options. */
static cairo_surface_t *
reference_image (NpFrame             *frame,
                 const NpPlan        *plan,
                 const NpPlanResults *results)
{
  guint width = np_frame_get_width (frame);
  guint height = np_frame_get_height (frame);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width,
                                                         (int) height);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  NpOverlayOptions options;
  cairo_t *cr;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint32 v = np_frame_get_sample (frame, x, y, 0);
        ((guint32 *) (gpointer) (data + y * stride))[x] = 0xff000000u | v << 16 | v << 8 | v;
      }
  cairo_surface_mark_dirty (surface);

  cr = cairo_create (surface);
  np_overlay_options_for_export (&options, width, height);
  np_overlay_draw (cr, plan, results, &options);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_export_pixels_equal_overlay (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpPlanResults) results = NULL;
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "annotated.png", NULL);
  cairo_surface_t *reference;
  const guint8 *data;
  int stride;
  guint mismatches = 0;
  NpExportOptions options;

  init_options (&options);
  results = np_export_compute_results (plan, frame, &error);
  g_assert_no_error (error);
  g_assert_true (np_export_png (frame, plan, results, &options, path, &error));
  g_assert_no_error (error);

  exported = np_png_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (exported), ==, 320);
  g_assert_cmpuint (np_frame_get_bit_depth (exported), ==, 8);
  g_assert_cmpuint (np_frame_get_channels (exported), ==, 3);
  /* The caption band lies below the frame. */
  g_assert_cmpuint (np_frame_get_height (exported), >, 180);

  reference = reference_image (frame, plan, results);
  data = cairo_image_surface_get_data (reference);
  stride = cairo_image_surface_get_stride (reference);
  for (guint y = 0; y < 180; y++)
    for (guint x = 0; x < 320; x++)
      {
        guint32 v = ((const guint32 *) (gconstpointer) (data + y * stride))[x];

        if (np_frame_get_sample (exported, x, y, 0) != ((v >> 16) & 0xff)
            || np_frame_get_sample (exported, x, y, 1) != ((v >> 8) & 0xff)
            || np_frame_get_sample (exported, x, y, 2) != (v & 0xff))
          mismatches++;
      }
  g_assert_cmpuint (mismatches, ==, 0);

  /* The overlay is really there: the path at 45 % of its length,
   * (160 + 0.45 × 60, 10 + 0.45 × 80) = (187, 46), between two 5 mm ticks,
   * is drawn in the path colour (yellow: red high, blue low), which the
   * grey frame cannot produce. */
  g_assert_cmpuint (np_frame_get_sample (exported, 187, 46, 0), >, 180);
  g_assert_cmpuint (np_frame_get_sample (exported, 187, 46, 2), <, 140);
  /* The band's corner is dark grey, whatever the frame's last row holds. */
  g_assert_cmpuint (np_frame_get_sample (exported, 0, np_frame_get_height (exported) - 1, 0), <,
                    60);
  g_assert_cmpuint (np_frame_get_sample (exported, 0, np_frame_get_height (exported) - 1, 0), ==,
                    np_frame_get_sample (exported, 0, np_frame_get_height (exported) - 1, 2));

  cairo_surface_destroy (reference);
  remove_tree (dir);
}

static void
test_export_itxt_round_trip (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(NpPlan) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "annotated.png", NULL);
  JsonObject *results;
  const char *text;
  NpExportOptions options;

  init_options (&options);
  options.software_version = "9.8.7";
  /* No results given: the export computes them, with intervals. */
  g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
  g_assert_no_error (error);

  exported = np_png_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (np_frame_get_text (exported, NP_EXPORT_KEY_SOFTWARE), ==, "NeedlePlan 9.8.7");
  text = np_frame_get_text (exported, NP_EXPORT_KEY_PLAN);
  g_assert_nonnull (text);
  stored = np_plan_file_parse (text, -1, "embedded plan", &error);
  g_assert_no_error (error);
  g_assert_true (np_plan_equal (stored, plan));

  /* The results for the record: depth 40 mm and path 50 mm (make_plan). */
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  results = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                           "results");
  g_assert_nonnull (results);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (results, "depth_mm"), 40.0,
                                  1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (results, "path_length_mm"), 50.0,
                                  1e-9);

  /* Stored uncompressed: keyword, then compression flag 0 and method 0, an
   * empty language tag and translated keyword, then the JSON as text. */
  bytes = read_bytes (path);
  g_assert_true (bytes_contain (bytes, "iTXtneedleplan:plan"));
  {
    gsize size;
    const char *data = g_bytes_get_data (bytes, &size);
    const char *at = memmem (data, size, "needleplan:plan", 15);

    g_assert_nonnull (at);
    g_assert_cmpmem (at + 15, 5, "\0\0\0\0\0", 5);
    g_assert_cmpmem (at + 20, 1, "{", 1);
  }
  g_assert_true (bytes_contain (bytes, "\"format\": \"needleplan-plan\""));

  remove_tree (dir);
}

static void
test_export_window_16bit (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (400, 300, 1, 16, NULL);
  g_autoptr(NpPlan) plan = np_plan_new ();
  g_autoptr(NpFrame) annotated = NULL;
  g_autoptr(GError) error = NULL;
  static const guint raw[4] = { 1000, 1100, 1200, 1300 };
  NpExportOptions options;

  /* Four blocks in the lower half, 100 px wide each, far from the legend
   * (top left); the plan marks nothing else. */
  for (guint y = 0; y < 300; y++)
    for (guint x = 0; x < 400; x++)
      np_frame_set_sample (frame, x, y, 0, y >= 150 ? raw[x / 100] : 0);
  plan->modality = NP_MODALITY_FLUOROSCOPY;

  /* Window centre 1150, width 200: black at 1050, white at 1250, output
   * floor ((v - 1050) / 200 × 256) clamped to 0–255:
   *   1000 → below the window → 0
   *   1100 → 50 / 200 × 256 = 64
   *   1200 → 150 / 200 × 256 = 192
   *   1300 → above the window → 255 */
  init_options (&options);
  options.has_window = TRUE;
  options.window = (NpWindowLevel) { 1150, 200 };
  annotated = np_export_render_annotated (frame, plan, NULL, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_bit_depth (annotated), ==, 8);
  g_assert_cmpuint (np_frame_get_width (annotated), ==, 400);
  for (guint c = 0; c < 3; c++)
    {
      g_assert_cmpuint (np_frame_get_sample (annotated, 50, 225, c), ==, 0);
      g_assert_cmpuint (np_frame_get_sample (annotated, 150, 225, c), ==, 64);
      g_assert_cmpuint (np_frame_get_sample (annotated, 250, 225, c), ==, 192);
      g_assert_cmpuint (np_frame_get_sample (annotated, 350, 225, c), ==, 255);
    }
}

static void
test_export_refuses_source (void)
{
  g_autoptr(NpFrame) original = make_frame ();
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *frame_path = g_build_filename (dir, "frame.png", NULL);
  g_autofree char *dotted = g_build_filename (dir, ".", "frame.png", NULL);
  g_autofree char *link = g_build_filename (dir, "link.png", NULL);
  g_autofree char *plan_path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *sha_before = NULL;
  g_autofree char *sha_after = NULL;
  g_autofree char *plan_after = NULL;
  NpExportOptions options;

  init_options (&options);
  g_assert_true (np_png_save (original, frame_path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("frame.png", link), ==, 0);
  frame = np_png_load (frame_path, &error);
  g_assert_no_error (error);
  sha_before = np_file_sha256 (frame_path, &error);
  g_assert_no_error (error);

  /* The frame itself, through "./" and through a symbolic link. */
  g_assert_false (np_export_png (frame, plan, NULL, &options, frame_path, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Will not save over"));
  g_assert_nonnull (strstr (error->message, "the frame"));
  g_assert_nonnull (strstr (error->message, frame_path));
  g_clear_error (&error);
  g_assert_false (np_export_pdf (frame, plan, NULL, &options, dotted, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (np_export_png (frame, plan, NULL, &options, link, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);

  sha_after = np_file_sha256 (frame_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha_before, ==, sha_after);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));

  /* Nor the plan file it came from. */
  g_assert_true (g_file_set_contents (plan_path, "{}\n", -1, NULL));
  options.plan_path = plan_path;
  g_assert_false (np_export_pdf (frame, plan, NULL, &options, plan_path, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "the plan file"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (plan_path, &plan_after, NULL, NULL));
  g_assert_cmpstr (plan_after, ==, "{}\n");

  /* The folder holds what it held: frame, link, plan; no temporary files. */
  g_assert_cmpuint (count_entries (dir), ==, 3);
  remove_tree (dir);
}

/* Tries both exports into @target; returns how many succeeded and the
 * messages of those that failed. As root, which may write anywhere, the
 * attempt runs in a child that has become "nobody". */
static int
try_exports (NpFrame      *frame,
             const NpPlan *plan,
             const char   *target,
             gboolean      drop_root,
             char        **messages)
{
  g_autofree char *png = g_build_filename (target, "out.png", NULL);
  g_autofree char *pdf = g_build_filename (target, "out.pdf", NULL);
  NpExportOptions options;
  int pipe_fds[2];
  pid_t pid;
  int status;
  GString *text = g_string_new (NULL);
  char buffer[512];
  gssize n;

  init_options (&options);
  if (!drop_root)
    {
      g_autoptr(GError) png_error = NULL;
      g_autoptr(GError) pdf_error = NULL;
      int successes = np_export_png (frame, plan, NULL, &options, png, &png_error)
                      + np_export_pdf (frame, plan, NULL, &options, pdf, &pdf_error);

      if (png_error != NULL)
        g_string_append_printf (text, "%s\n", png_error->message);
      if (pdf_error != NULL)
        g_string_append_printf (text, "%s\n", pdf_error->message);
      *messages = g_string_free (text, FALSE);
      return successes;
    }

  g_assert_cmpint (pipe (pipe_fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GError *png_error = NULL;
      GError *pdf_error = NULL;
      int successes;

      char head[16];

      close (pipe_fds[0]);
      /* The count travels through the pipe, not the exit status: under
       * valgrind a forked child exits with valgrind's error code for the
       * parent's heap it inherited and never frees. */
      if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
        {
          if (write (pipe_fds[1], "100\n", 4) < 0)
            _exit (101);
          _exit (0);
        }
      successes = np_export_png (frame, plan, NULL, &options, png, &png_error)
                  + np_export_pdf (frame, plan, NULL, &options, pdf, &pdf_error);
      g_snprintf (head, sizeof head, "%d\n", successes);
      if (write (pipe_fds[1], head, strlen (head)) < 0)
        _exit (101);
      if (png_error != NULL)
        {
          g_autofree char *line = g_strdup_printf ("%s\n", png_error->message);
          if (write (pipe_fds[1], line, strlen (line)) < 0)
            _exit (101);
        }
      if (pdf_error != NULL)
        {
          g_autofree char *line = g_strdup_printf ("%s\n", pdf_error->message);
          if (write (pipe_fds[1], line, strlen (line)) < 0)
            _exit (101);
        }
      g_clear_error (&png_error);
      g_clear_error (&pdf_error);
      _exit (0);
    }

  close (pipe_fds[1]);
  while ((n = read (pipe_fds[0], buffer, sizeof buffer)) > 0)
    g_string_append_len (text, buffer, n);
  close (pipe_fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpuint (text->len, >, 0);
  {
    int successes = atoi (text->str);
    const char *rest = strchr (text->str, '\n');

    *messages = g_strdup (rest != NULL ? rest + 1 : "");
    g_string_free (text, TRUE);
    return successes;
  }
}

static void
test_export_unwritable_folder (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *target = g_build_filename (dir, "read-only", NULL);
  g_autofree char *messages = NULL;
  gboolean root = geteuid () == 0;
  int successes;

  g_assert_cmpint (g_mkdir (target, 0755), ==, 0);
  /* "nobody" must reach the folder to be refused by it, not by its parent. */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_chmod (target, 0555), ==, 0);

  successes = try_exports (frame, plan, target, root, &messages);
  if (successes == 100)
    {
      g_test_skip ("running as root and cannot become nobody to meet a read-only folder");
      remove_tree (dir);
      return;
    }
  g_assert_cmpint (successes, ==, 0);

  /* One clear line each: the file and the reason. */
  g_assert_nonnull (strstr (messages, "Cannot save"));
  g_assert_nonnull (strstr (messages, "out.png"));
  g_assert_nonnull (strstr (messages, "out.pdf"));
  g_assert_nonnull (strstr (messages, "permission denied"));
  /* Nothing was left behind, not even a temporary file. */
  g_assert_cmpuint (count_entries (target), ==, 0);

  remove_tree (dir);
}

static void
test_export_anonymised (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpPlan) stored = NULL;
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *named_png = g_build_filename (dir, "named.png", NULL);
  g_autofree char *anon_png = g_build_filename (dir, "anon.png", NULL);
  g_autofree char *anon_pdf = g_build_filename (dir, "anon.pdf", NULL);
  g_autoptr(GBytes) named = NULL;
  g_autoptr(GBytes) anon = NULL;
  g_autoptr(GBytes) anon_report = NULL;
  NpExportOptions options;
  static const char *const identifiers[] = { PATIENT_NAME, PATIENT_ID, "Quackenbush", "98765" };

  /* Where else a plan carries the patient: the frame's absolute path, the
   * calibration's note (free text; a file's pixel size is "declared by"
   * the file's name) and the DICOM source's SOP Instance UID. */
  np_plan_set_string (&plan->frame_absolute_path, "/clinic/Zebulon Quackenbush/knee.png");
  np_plan_set_string (&plan->calibration->note, "declared by “Quackenbush knee.png”");
  np_plan_set_string (&plan->dicom_sop_instance_uid, "1.2.826.0.1.98765");
  plan->dicom_frame_number = 3;

  init_options (&options);
  g_assert_true (np_export_png (frame, plan, NULL, &options, named_png, &error));
  g_assert_no_error (error);
  options.anonymise = TRUE;
  g_assert_true (np_export_png (frame, plan, NULL, &options, anon_png, &error));
  g_assert_no_error (error);
  g_assert_true (np_export_pdf (frame, plan, NULL, &options, anon_pdf, &error));
  g_assert_no_error (error);

  /* The search works: the named export holds them in plain bytes. */
  named = read_bytes (named_png);
  g_assert_true (bytes_contain (named, PATIENT_NAME));
  g_assert_true (bytes_contain (named, PATIENT_ID));

  anon = read_bytes (anon_png);
  anon_report = read_bytes (anon_pdf);
  for (guint i = 0; i < G_N_ELEMENTS (identifiers); i++)
    {
      g_assert_false (bytes_contain (anon, identifiers[i]));
      g_assert_false (bytes_contain (anon_report, identifiers[i]));
    }

  /* The embedded plan is the plan without identifiers, and the frame's
   * name ("Quackenbush knee.png") is neutral. */
  exported = np_png_load (anon_png, &error);
  g_assert_no_error (error);
  stored = np_plan_file_parse (np_frame_get_text (exported, NP_EXPORT_KEY_PLAN), -1, "embedded",
                               &error);
  g_assert_no_error (error);
  g_assert_null (stored->patient_name);
  g_assert_null (stored->patient_id);
  g_assert_cmpstr (stored->frame_path, ==, "frame.png");
  g_assert_null (stored->frame_absolute_path);
  g_assert_null (stored->calibration->note);
  g_assert_null (stored->dicom_sop_instance_uid);
  g_assert_cmpuint (stored->dicom_frame_number, ==, 0);
  g_assert_cmpstr (stored->clinician, ==, "Dr. Ada Lovelace");
  np_plan_set_string (&stored->patient_name, PATIENT_NAME);
  np_plan_set_string (&stored->patient_id, PATIENT_ID);
  np_plan_set_string (&stored->frame_path, "Quackenbush knee.png");
  np_plan_set_string (&stored->frame_absolute_path, plan->frame_absolute_path);
  np_plan_set_string (&stored->calibration->note, plan->calibration->note);
  np_plan_set_string (&stored->dicom_sop_instance_uid, plan->dicom_sop_instance_uid);
  stored->dicom_frame_number = plan->dicom_frame_number;
  g_assert_true (np_plan_equal (stored, plan));

  remove_tree (dir);
}

/* The frame's extension survives anonymisation only when it is one
 * NeedlePlan reads: whatever follows the last dot can be part of a name. */
static void
test_export_anonymised_extension (void)
{
  static const struct { const char *path; const char *expected; } cases[] = {
    { "Quackenbush knee.png", "frame.png" },
    { "scans/Quackenbush.JPG", "frame.jpg" },
    { "IM0001.dcm", "frame.dcm" },
    { "Zebulon.Quackenbush", "frame" },       /* a name, not an extension */
    { "knee.Smith", "frame" },
    { "1.2.840.113619.2.55", "frame" },        /* a DICOM UID as a file name */
    { "Quackenbush.d/IM0001", "frame" },
    { "IM0001", "frame" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(NpPlan) plan = make_plan ();
      g_autoptr(NpPlan) anonymised = NULL;

      np_plan_set_string (&plan->frame_path, cases[i].path);
      anonymised = np_export_anonymise_plan (plan);
      g_assert_cmpstr (anonymised->frame_path, ==, cases[i].expected);
      g_assert_null (anonymised->patient_name);
      g_assert_null (anonymised->patient_id);
    }
}

static void
test_export_suggest_filename (void)
{
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GDateTime) day = g_date_time_new_local (2026, 3, 14, 9, 30, 0);
  g_autofree char *report = np_export_suggest_filename (plan, day, "pdf");
  g_autofree char *image = np_export_suggest_filename (plan, day, ".png");
  g_autofree char *by_name = NULL;
  g_autofree char *no_side = NULL;
  g_autofree char *today = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *today_prefix = NULL;

  /* Date, site, side: the plan's "PID-98765-XQ" never appears. */
  g_assert_cmpstr (report, ==, "2026-03-14-knee-left.pdf");
  g_assert_cmpstr (image, ==, "2026-03-14-knee-left.png");

  np_plan_set_string (&plan->patient_id, NULL);
  np_plan_set_string (&plan->patient_name, "Anna / O'Brien");
  by_name = np_export_suggest_filename (plan, day, "pdf");
  g_assert_cmpstr (by_name, ==, "2026-03-14-knee-left.pdf");

  plan->side = NP_SIDE_UNSPECIFIED;
  plan->site = NP_SITE_SOFT_TISSUE;
  no_side = np_export_suggest_filename (plan, day, "png");
  g_assert_cmpstr (no_side, ==, "2026-03-14-soft-tissue.png");

  /* No date given: today's. */
  now = g_date_time_new_now_local ();
  today_prefix = g_date_time_format (now, "%Y-%m-%d-");
  today = np_export_suggest_filename (plan, NULL, "png");
  g_assert_true (g_str_has_prefix (today, today_prefix));
}

static guint
count_pdf_pages (GBytes *pdf)
{
  gsize size;
  const char *data = g_bytes_get_data (pdf, &size);
  const char *end = data + size;
  guint n = 0;

  /* Page objects are "/Type /Page"; the page tree is "/Type /Pages". */
  for (const char *p = data; (p = memmem (p, end - p, "/Type /Page", 11)) != NULL; p += 11)
    if (p + 11 < end && p[11] != 's')
      n++;
  return n;
}

static void
test_export_pdf_pages (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  NpExportOptions options;
  NpPaper papers[2] = { NP_PAPER_A4, NP_PAPER_LETTER };

  init_options (&options);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *path = g_build_filename (dir, np_paper_to_string (papers[i]), NULL);
      g_autoptr(GBytes) pdf = NULL;
      double width, height;
      guint n_pages;

      options.paper = papers[i];
      np_paper_get_size (papers[i], &width, &height);
      n_pages = np_export_report_n_pages (frame, plan, NULL, &options, width, height);
      g_assert_cmpuint (n_pages, >=, 1);
      g_assert_true (np_export_pdf (frame, plan, NULL, &options, path, &error));
      g_assert_no_error (error);
      pdf = read_bytes (path);
      g_assert_cmpmem (g_bytes_get_data (pdf, NULL), 5, "%PDF-", 5);
      g_assert_cmpuint (count_pdf_pages (pdf), ==, n_pages);
      /* The page size is the paper's: A4 595.276 × 841.89 pt, Letter 612 × 792. */
      g_assert_true (bytes_contain (pdf, i == 0 ? "/MediaBox [ 0 0 595.275591 841.889764 ]"
                                                : "/MediaBox [ 0 0 612 792 ]"));
    }
  remove_tree (dir);
}

/* The print path: the same page drawn on an image surface at 1 px per pt
 * leaves the context without error and puts ink on the page. */
static void
test_export_report_page_on_any_surface (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  NpExportOptions options;
  double width, height;
  guint n_pages;

  init_options (&options);
  np_paper_get_size (NP_PAPER_LETTER, &width, &height);
  n_pages = np_export_report_n_pages (frame, plan, NULL, &options, width, height);
  for (guint page = 0; page < n_pages; page++)
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 612, 792);
      cairo_t *cr = cairo_create (surface);
      const guint8 *data;
      int stride;
      guint dark = 0;

      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      np_export_draw_report_page (cr, width, height, page, frame, plan, NULL, &options);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      data = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      for (int y = 0; y < 792; y++)
        for (int x = 0; x < 612; x++)
          if ((((const guint32 *) (gconstpointer) (data + y * stride))[x] & 0xff) < 128)
            dark++;
      /* Text on every page: the footer alone is a few hundred dark pixels. */
      g_assert_cmpuint (dark, >, 200);
      cairo_surface_destroy (surface);
    }
}

/* A narrow frame and hostile text: the caption wraps and the export still
 * succeeds, without the context's error state. */
static void
test_export_narrow_and_odd_text (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (48, 40, 3, 8, NULL);
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpFrame) annotated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "narrow.pdf", NULL);
  NpExportOptions options;

  init_options (&options);
  np_plan_set_string (&plan->clinician, "Dr.\tTab\nNewline Averyveryverylongnamewithoutanyspaces");
  np_plan_set_string (&plan->notes, "Line one\n\nLine three\x01 with a control character");
  plan->target = np_image_point (20, 30);
  plan->entry = np_image_point (5, 10);
  annotated = np_export_render_annotated (frame, plan, NULL, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_width (annotated), ==, 48);
  g_assert_cmpuint (np_frame_get_height (annotated), >, 40);
  g_assert_true (np_export_pdf (frame, plan, NULL, &options, path, &error));
  g_assert_no_error (error);
  remove_tree (dir);
}

/* The calibration is valid from row 50 down only (the scanner's imaging
 * field under a header strip), so that is the field of view, not the whole
 * frame. make_plan's path runs from (160, 10) by (60, 80) per unit to
 * (220, 90): it reaches y = 50 half way, at (190, 50), (50 − 10) × 0.5 =
 * 20 mm below the skin line; there the needle comes into view. With the
 * whole frame as the field it would be the entry itself, 0 mm deep. The
 * export must say what the planner says with the options derived from
 * (plan, frame) by np_planner_options_init_for_frame, as
 * `needleplan-cli plan --json` does: in its results and in the record it
 * embeds in the PNG. */
static void
test_export_field_of_view_region (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpPlanResults) exported = NULL;
  g_autoptr(NpPlanResults) planned = NULL;
  g_autoptr(NpFrame) png = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "annotated.png", NULL);
  NpPlannerOptions planner_options;
  NpExportOptions options;
  JsonObject *results;
  JsonArray *fov_entry;

  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 0, 50, 320, 130 };

  np_planner_options_init_for_frame (&planner_options, plan, np_frame_get_width (frame),
                                     np_frame_get_height (frame));
  g_assert_true (planner_options.has_field);
  g_assert_cmpfloat (planner_options.field.y, ==, 50);
  g_assert_cmpfloat (planner_options.field.height, ==, 130);
  planned = np_planner_compute (plan, &planner_options, &error);
  g_assert_no_error (error);
  g_assert_true (planned->has_fov_entry);
  g_assert_cmpfloat_with_epsilon (planned->fov_entry.x, 190, 1e-9);
  g_assert_cmpfloat_with_epsilon (planned->fov_entry.y, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (planned->fov_entry_depth, 20, 1e-9);

  exported = np_export_compute_results (plan, frame, &error);
  g_assert_no_error (error);
  g_assert_true (exported->has_fov_entry);
  g_assert_cmpfloat_with_epsilon (exported->fov_entry.x, 190, 1e-9);
  g_assert_cmpfloat_with_epsilon (exported->fov_entry.y, 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (exported->fov_entry_depth, 20, 1e-9);

  /* No results given: np_export_png computes them the same way. */
  init_options (&options);
  g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
  g_assert_no_error (error);
  png = np_png_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, np_frame_get_text (png, NP_EXPORT_KEY_PLAN),
                                             -1, &error));
  g_assert_no_error (error);
  results = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                           "results");
  fov_entry = json_object_get_array_member (results, "fov_entry");
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (fov_entry, 0), 190, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (fov_entry, 1), 50, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (results, "fov_entry_depth_mm"),
                                  20, 1e-9);
  remove_tree (dir);
}

static gboolean
strv_has (const char *const *items,
          const char        *item)
{
  return g_strv_contains (items, item);
}

/* A calibrated frame with square pixels declares its pixel size in the
 * annotated PNG (pHYs, in pixels per metre): 0.5 mm/px is 2000 px/m, read
 * back as exactly 0.5 mm/px. Depths scaled for another speed of sound, or
 * rectangular pixels, have no single size: no pHYs. */
static void
test_export_png_pixel_size (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "annotated.png", NULL);
  NpExportOptions options;
  double mm_x = 0, mm_y = 0;

  init_options (&options);
  {
    g_autoptr(NpFrame) exported = NULL;

    g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
    g_assert_no_error (error);
    exported = np_png_load (path, &error);
    g_assert_no_error (error);
    g_assert_true (np_frame_get_declared_pixel_size (exported, &mm_x, &mm_y));
    g_assert_cmpfloat_with_epsilon (mm_x, 0.5, 1e-9);
    g_assert_cmpfloat_with_epsilon (mm_y, 0.5, 1e-9);
  }

  /* 1600 m/s: depths are 1600/1540 longer than the scanner drew them. */
  plan->speed_of_sound_m_s = 1600;
  {
    g_autoptr(NpFrame) exported = NULL;

    g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
    g_assert_no_error (error);
    exported = np_png_load (path, &error);
    g_assert_no_error (error);
    g_assert_false (np_frame_get_declared_pixel_size (exported, NULL, NULL));
  }

  plan->speed_of_sound_m_s = 1540;
  plan->calibration->mm_per_px_y = 0.4;
  {
    g_autoptr(NpFrame) exported = NULL;

    g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
    g_assert_no_error (error);
    exported = np_png_load (path, &error);
    g_assert_no_error (error);
    g_assert_false (np_frame_get_declared_pixel_size (exported, NULL, NULL));
  }
  remove_tree (dir);
}

/* The caption carries the calibration's method and size, the needle's
 * visibility and every warning, not only the key numbers. */
static void
test_export_caption_items (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) items = NULL;
  g_autofree char *calibration = NULL;
  g_autofree char *visibility = NULL;
  NpExportOptions options;
  NpExportJob job;

  init_options (&options);
  g_assert_true (np_export_job_init (&job, frame, plan, NULL, &options, &error));
  g_assert_no_error (error);
  items = np_export_caption_items (&job);

  calibration = g_strdup_printf ("Calibration: %s, 0.5000 mm/px ± 0.0050",
                                 np_calibration_method_describe (NP_CALIBRATION_MANUAL));
  g_assert_true (strv_has ((const char *const *) items, calibration));
  /* An in-plane ultrasound path has a visibility rating; the caption names it. */
  g_assert_nonnull (job.results);
  g_assert_nonnull (np_visibility_to_string (job.results->visibility));
  visibility = g_strdup_printf ("Needle visibility: %s",
                                np_visibility_to_string (job.results->visibility));
  g_assert_true (strv_has ((const char *const *) items, visibility));
  g_assert_cmpuint (job.results->warnings->len, >, 0);
  for (guint i = 0; i < job.results->warnings->len; i++)
    {
      g_autofree char *warning = g_strdup_printf ("Warning: %s",
                                                  (const char *) g_ptr_array_index (
                                                    job.results->warnings, i));

      g_assert_true (strv_has ((const char *const *) items, warning));
    }
  np_export_job_clear (&job);
}

/* A redaction (10.5, 140.2) 50 × 30 covers every pixel it touches: x 10 to
 * 60, y 140 to 170, away from the marks. Anonymised, those pixels are black
 * in the PNG and in the frame the report embeds; pixel (62, 150) beside it
 * keeps its grey, (3 × 62 + 7 × 150) mod 256 = 212. Not anonymised, the
 * frame is as it was: (30, 150) is (90 + 1050) mod 256 = 116. */
static void
test_export_redaction_burned_in (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "anonymised.png", NULL);
  const NpImageRect header = { 10.5, 140.2, 50, 30 };
  NpExportOptions options;
  NpImageRect proposed;

  g_array_append_val (plan->redactions, header);
  init_options (&options);
  options.anonymise = TRUE;
  {
    g_autoptr(NpFrame) exported = NULL;

    g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
    g_assert_no_error (error);
    exported = np_png_load (path, &error);
    g_assert_no_error (error);
    for (guint y = 140; y <= 170; y++)
      for (guint x = 10; x <= 60; x++)
        for (guint c = 0; c < 3; c++)
          g_assert_cmpuint (np_frame_get_sample (exported, x, y, c), ==, 0);
    g_assert_cmpuint (np_frame_get_sample (exported, 62, 150, 0), ==, 212);
    g_assert_cmpuint (np_frame_get_sample (exported, 30, 171, 0), ==, (90 + 7 * 171) % 256);
  }
  {
    NpExportJob job;
    cairo_surface_t *surface;
    const guint8 *data;
    int stride;

    g_assert_true (np_export_job_init (&job, frame, plan, NULL, &options, &error));
    surface = np_export_frame_surface (&job, &error);
    g_assert_no_error (error);
    data = cairo_image_surface_get_data (surface);
    stride = cairo_image_surface_get_stride (surface);
    g_assert_cmphex (*(const guint32 *) (data + 150 * stride + 30 * 4) & 0xffffff, ==, 0);
    cairo_surface_destroy (surface);
    np_export_job_clear (&job);
  }
  options.anonymise = FALSE;
  {
    g_autoptr(NpFrame) exported = NULL;

    g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
    g_assert_no_error (error);
    exported = np_png_load (path, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (np_frame_get_sample (exported, 30, 150, 0), ==, 116);
  }

  /* The proposal for anonymising: the band above the imaging region. */
  g_assert_false (np_export_propose_redaction (plan, 320, &proposed));
  plan->calibration->has_region = TRUE;
  plan->calibration->region = (NpImageRect) { 0, 50, 320, 130 };
  g_assert_true (np_export_propose_redaction (plan, 320, &proposed));
  g_assert_cmpfloat (proposed.x, ==, 0);
  g_assert_cmpfloat (proposed.y, ==, 0);
  g_assert_cmpfloat (proposed.width, ==, 320);
  g_assert_cmpfloat (proposed.height, ==, 50);
  remove_tree (dir);
}

/* An 8192 × 8192 frame is exactly the 64-megapixel limit: the caption band
 * would take the annotated image over it, so the image is scaled down just
 * enough, and the annotated PNG opens like any frame. */
static void
test_export_largest_frame (void)
{
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  NpExportOptions options;
  guint width, height;

  if (RUNNING_ON_VALGRIND)
    {
      g_test_skip ("a 64-megapixel export takes minutes under valgrind");
      return;
    }
  frame = np_frame_new (8192, 8192, 1, 8, &error);
  g_assert_no_error (error);
  memset (np_frame_get_data_mutable (frame), 200, (gsize) 8192 * 8192);
  dir = make_tmp_dir ();
  path = g_build_filename (dir, "largest.png", NULL);
  init_options (&options);
  g_assert_true (np_export_png (frame, plan, NULL, &options, path, &error));
  g_assert_no_error (error);

  exported = np_png_load (path, &error);
  g_assert_no_error (error);
  width = np_frame_get_width (exported);
  height = np_frame_get_height (exported);
  g_assert_cmpuint ((guint64) width * height, <=, NP_FRAME_MAX_PIXELS);
  /* Scaled, but not by much: the band is a small part of the height. */
  g_assert_cmpuint (width, <, 8192);
  g_assert_cmpuint (width, >, 8192 * 8 / 10);
  /* The square frame stays square (width rows of image, then the band):
   * the frame's grey well away from the marks, the band's dark grey at its
   * right edge: Cairo keeps 0.12 as 16 bits, 0.12 × 65535 = 7864, and an
   * 8-bit surface takes the high byte, 7864 >> 8 = 30. */
  g_assert_cmpuint (np_frame_get_sample (exported, width * 3 / 4, width / 2, 0), ==, 200);
  g_assert_cmpuint (np_frame_get_sample (exported, width - 2, width + 2, 0), ==, 30);
  g_assert_nonnull (np_frame_get_text (exported, NP_EXPORT_KEY_PLAN));
  /* 0.5 mm per frame pixel; the image's pixels are 8192 / width as large. */
  {
    double mm_x = 0;

    g_assert_true (np_frame_get_declared_pixel_size (exported, &mm_x, NULL));
    g_assert_cmpfloat (fabs (mm_x - 0.5 * 8192 / width), <, 0.001 * mm_x);
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* A frame 40000 pixels wide (within the pixel limit, 40000 × 16) is wider
 * than Cairo can draw: the annotated PNG is refused with a reason, the
 * report gets the frame reduced by 2 (box average), and no file is left. */
static void
test_export_wider_than_cairo (void)
{
  g_autoptr(NpFrame) frame = np_frame_new (40000, 16, 1, 8, NULL);
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *png = g_build_filename (dir, "wide.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "wide.pdf", NULL);
  NpExportOptions options;
  NpExportJob job;
  cairo_surface_t *surface;
  const guint8 *data;
  int stride;

  /* Pairs of columns share a value, x / 2 mod 256, so the 2 × 2 box
   * average of output column c is exactly c mod 256. */
  for (guint y = 0; y < 16; y++)
    for (guint x = 0; x < 40000; x++)
      np_frame_set_sample (frame, x, y, 0, (x / 2) % 256);
  init_options (&options);

  g_assert_false (np_export_png (frame, plan, NULL, &options, png, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "40000 × 16"));
  g_assert_nonnull (strstr (error->message, "export the PDF report"));
  g_clear_error (&error);
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));

  g_assert_true (np_export_job_init (&job, frame, plan, NULL, &options, &error));
  g_assert_no_error (error);
  surface = np_export_frame_surface (&job, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 20000);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 8);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  g_assert_cmphex (((const guint32 *) (gconstpointer) (data + 3 * stride))[300], ==,
                   0xff000000u | 44u << 16 | 44u << 8 | 44u);
  cairo_surface_destroy (surface);
  np_export_job_clear (&job);

  g_assert_true (np_export_pdf (frame, plan, NULL, &options, pdf, &error));
  g_assert_no_error (error);
  g_unlink (pdf);
  g_rmdir (dir);
}

/* PNG and PDF together: both or neither. */
static void
test_export_files_all_or_nothing (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *png = g_build_filename (dir, "a.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "b.pdf", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo.pdf", NULL);
  g_autofree char *same = g_build_filename (dir, ".", "a.png", NULL);
  g_auto(GStrv) warnings = NULL;
  g_autofree char *kept = NULL;
  NpExportOptions options;

  init_options (&options);
  g_assert_true (g_file_set_contents (png, "earlier", 7, NULL));
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_false (np_export_files (frame, plan, NULL, &options, png, fifo, &warnings, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_IO);
  g_assert_null (warnings);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (png, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "earlier");

  g_assert_false (np_export_files (frame, plan, NULL, &options, png, same, NULL, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (np_export_files (frame, plan, NULL, &options, png, pdf, &warnings, &error));
  g_assert_no_error (error);
  g_assert_null (warnings);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_IS_REGULAR));
  g_unlink (png);
  g_unlink (pdf);
  g_unlink (fifo);
  g_rmdir (dir);
}

/* A plan larger than a PNG text chunk can hold: the image is written
 * without it, and the warning says so. */
static void
test_export_plan_too_large_to_embed (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(NpFrame) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *png = g_build_filename (dir, "a.png", NULL);
  /* Every text field is capped (NP_PLAN_FILE_MAX_TEXT_BYTES), so a plan too
   * large to embed takes many long structure labels: 990 labels of 9000
   * bytes are more than one PNG chunk may hold. */
  g_autofree char *label = g_strnfill (9000, 'n');
  g_auto(GStrv) warnings = NULL;
  NpExportOptions options;

  g_autofree char *early = NULL;
  g_autoptr(NpPlanResults) results = NULL;

  /* 990 structures with their 95 % intervals: ten minutes under valgrind,
   * where the size of the plan, not its memory use, is what is tested. */
  if (RUNNING_ON_VALGRIND)
    {
      g_test_skip ("planning 990 structures takes minutes under valgrind");
      return;
    }
  init_options (&options);
  g_assert_true (np_export_plan_fits_image (plan, NULL, &options, &early));
  g_assert_null (early);
  g_assert_cmpuint (990 * 9000, >, NP_PNG_MAX_CHUNK_BYTES);
  for (guint i = 0; i < 990; i++)
    {
      NpStructure *structure = np_structure_new (label, NP_STRUCTURE_OTHER, NP_SHAPE_POLYLINE, 1);

      np_structure_add_point (structure, np_image_point (5 + i % 100, 150));
      np_structure_add_point (structure, np_image_point (5 + i % 100, 160));
      g_ptr_array_add (plan->structures, structure);
    }
  /* Known before anything is drawn, with the same words. */
  results = np_export_compute_results (plan, frame, &error);
  g_assert_no_error (error);
  g_assert_false (np_export_plan_fits_image (plan, results, &options, &early));
  g_assert_nonnull (early);
  g_assert_true (np_export_files (frame, plan, results, &options, png, NULL, &warnings, &error));
  g_assert_no_error (error);
  g_assert_nonnull (warnings);
  g_assert_cmpuint (g_strv_length (warnings), ==, 1);
  g_assert_nonnull (strstr (warnings[0], "too large to store in the image"));
  g_assert_cmpstr (warnings[0], ==, early);
  exported = np_png_load (png, &error);
  g_assert_no_error (error);
  g_assert_null (np_frame_get_text (exported, NP_EXPORT_KEY_PLAN));
  g_assert_nonnull (np_frame_get_text (exported, NP_EXPORT_KEY_SOFTWARE));
  g_unlink (png);
  g_rmdir (dir);
}

/* Notes longer than a page run on over further pages, never cut: 1,500
 * lines of notes, each line of the notes column at most 1.32 × 9.5 =
 * 12.54 pt high, on A4 content 841.89 − 58 − 60 = 723.89 pt high, need at
 * least ⌈1500 / ⌊723.89 / 12.54⌋⌉ = ⌈1500 / 57⌉ = 27 pages; the PDF holds
 * as many pages as the layout counts, and all in one pass. */
static void
test_export_long_notes (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "notes.pdf", NULL);
  g_autoptr(GBytes) pdf = NULL;
  NpExportOptions options;
  double width, height;
  guint n_pages;

  for (guint i = 0; i < 1500; i++)
    g_string_append_printf (notes, "n%u\n", i);
  np_plan_set_string (&plan->notes, notes->str);
  init_options (&options);
  options.paper = NP_PAPER_A4;
  np_paper_get_size (NP_PAPER_A4, &width, &height);
  n_pages = np_export_report_n_pages (frame, plan, NULL, &options, width, height);
  g_assert_cmpuint (n_pages, >=, 27);
  g_assert_true (np_export_pdf (frame, plan, NULL, &options, path, &error));
  g_assert_no_error (error);
  pdf = read_bytes (path);
  g_assert_cmpuint (count_pdf_pages (pdf), ==, n_pages);
  remove_tree (dir);
}

/* Printing records the report in one layout pass: the pages it records
 * are, pixel for pixel, the pages drawn one at a time (as the PDF does
 * through np_export_draw_report_page), as many as the report has, with the
 * long notes (200 lines) running on over several pages. */
static void
test_export_record_report (void)
{
  g_autoptr(NpFrame) frame = make_frame ();
  g_autoptr(NpPlan) plan = make_plan ();
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autoptr(GPtrArray) pages = NULL;
  NpExportOptions options;
  double width, height;
  guint n_pages;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (notes, "note line %u\n", i);
  np_plan_set_string (&plan->notes, notes->str);
  init_options (&options);
  options.paper = NP_PAPER_A4;
  np_paper_get_size (NP_PAPER_A4, &width, &height);
  n_pages = np_export_report_n_pages (frame, plan, NULL, &options, width, height);
  g_assert_cmpuint (n_pages, >=, 4);
  pages = np_export_record_report (width, height, frame, plan, NULL, &options);
  g_assert_cmpuint (pages->len, ==, n_pages);
  for (guint page = 0; page < n_pages; page++)
    {
      int w = (int) ceil (width), h = (int) ceil (height);
      cairo_surface_t *drawn = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_surface_t *replayed = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_t *cr = cairo_create (drawn);
      int stride = cairo_image_surface_get_stride (drawn);

      np_export_draw_report_page (cr, width, height, page, frame, plan, NULL, &options);
      cairo_destroy (cr);
      cr = cairo_create (replayed);
      cairo_set_source_surface (cr, g_ptr_array_index (pages, page), 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      cairo_surface_flush (drawn);
      cairo_surface_flush (replayed);
      g_assert_cmpint (stride, ==, cairo_image_surface_get_stride (replayed));
      g_assert_true (memcmp (cairo_image_surface_get_data (drawn),
                             cairo_image_surface_get_data (replayed), (gsize) stride * h) == 0);
      cairo_surface_destroy (drawn);
      cairo_surface_destroy (replayed);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  np_gsl_init ();

  g_test_add_func ("/core/export/pixels-equal-overlay", test_export_pixels_equal_overlay);
  g_test_add_func ("/core/export/largest-frame", test_export_largest_frame);
  g_test_add_func ("/core/export/long-notes", test_export_long_notes);
  g_test_add_func ("/core/export/wider-than-cairo", test_export_wider_than_cairo);
  g_test_add_func ("/core/export/files-all-or-nothing", test_export_files_all_or_nothing);
  g_test_add_func ("/core/export/plan-too-large-to-embed", test_export_plan_too_large_to_embed);
  g_test_add_func ("/core/export/itxt-round-trip", test_export_itxt_round_trip);
  g_test_add_func ("/core/export/field-of-view-region", test_export_field_of_view_region);
  g_test_add_func ("/core/export/window-16bit", test_export_window_16bit);
  g_test_add_func ("/core/export/refuses-source", test_export_refuses_source);
  g_test_add_func ("/core/export/unwritable-folder", test_export_unwritable_folder);
  g_test_add_func ("/core/export/anonymised", test_export_anonymised);
  g_test_add_func ("/core/export/anonymised-extension", test_export_anonymised_extension);
  g_test_add_func ("/core/export/record-report", test_export_record_report);
  g_test_add_func ("/core/export/suggest-filename", test_export_suggest_filename);
  g_test_add_func ("/core/export/pdf-pages", test_export_pdf_pages);
  g_test_add_func ("/core/export/png-pixel-size", test_export_png_pixel_size);
  g_test_add_func ("/core/export/caption-items", test_export_caption_items);
  g_test_add_func ("/core/export/redaction-burned-in", test_export_redaction_burned_in);
  g_test_add_func ("/core/export/report-page-on-any-surface",
                   test_export_report_page_on_any_surface);
  g_test_add_func ("/core/export/narrow-and-odd-text", test_export_narrow_and_odd_text);

  return g_test_run ();
}
