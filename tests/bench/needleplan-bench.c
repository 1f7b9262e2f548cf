/* needleplan-bench.c: our operations against baselines in the same run
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a pass/fail test: prints, for each operation, the median of several
 * runs of ours and of a baseline doing the irreducible part of the same work,
 * and their ratio. Ratios travel between machines; absolute times do not.
 * Some targets are absolute (a drag step within 2 ms, the optimizer within
 * 1 ms): those rows print the time against the target as well.
 *
 *   needleplan-bench [RUNS] [NEEDLEPLAN-CLI]
 */

#include "config.h"

#include "np-auto-calibration.h"
#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-export.h"
#include "np-frame.h"
#include "np-overlay.h"
#include "np-plan-file.h"
#include "np-planner.h"
#include "np-png.h"
#include "np-window-level.h"

#include <errno.h>
#include <fcntl.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef void (*BenchFunc) (gpointer data);

static double
median_seconds (BenchFunc func,
                gpointer  data,
                guint     runs)
{
  g_autofree double *times = g_new (double, runs);

  func (data); /* warm the caches and the page cache */
  for (guint i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();
      func (data);
      times[i] = (g_get_monotonic_time () - start) / 1e6;
    }
  for (guint i = 1; i < runs; i++)
    for (guint j = i; j > 0 && times[j - 1] > times[j]; j--)
      {
        double t = times[j];
        times[j] = times[j - 1];
        times[j - 1] = t;
      }
  return times[runs / 2];
}

static void
report (const char *operation,
        double      ours,
        const char *baseline_name,
        double      baseline,
        const char *target)
{
  printf ("%-34s %10.3f ms  %-26s %10.3f ms  %6.2f×  %s\n", operation, ours * 1e3,
          baseline_name, baseline * 1e3, baseline > 0 ? ours / baseline : 0.0, target);
}

/* The bare libpng decode: the same file, the same transforms, no checks. */
static void
bare_libpng_decode (gpointer data)
{
  const char *path = data;
  FILE *fp = fopen (path, "rb");
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  png_bytep *rows;
  png_uint_32 height;
  size_t rowbytes;
  guint8 *pixels;

  if (fp == NULL || setjmp (png_jmpbuf (png)))
    abort ();
  png_init_io (png, fp);
  png_read_info (png, info);
  png_set_expand (png);
  if (png_get_bit_depth (png, info) == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  height = png_get_image_height (png, info);
  rowbytes = png_get_rowbytes (png, info);
  pixels = malloc (rowbytes * height);
  rows = malloc (sizeof *rows * height);
  for (png_uint_32 y = 0; y < height; y++)
    rows[y] = pixels + y * rowbytes;
  png_read_image (png, rows);
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  fclose (fp);
  free (rows);
  free (pixels);
}

static void
our_png_load (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_png_load (data, &error);

  if (frame == NULL)
    g_error ("%s", error->message);
}

static void
our_auto_calibration (gpointer data)
{
  g_autoptr(NpAutoCalibration) result = np_auto_calibration_detect (data, NULL);

  if (result == NULL)
    g_error ("auto calibration failed");
}

/* Finding the depth scale must cost no more than decoding the frame it is
 * found in: the real 1024 × 768 EPIQ 7C frame, detection against its PNG
 * decode in the same run. */
static void
bench_auto_calibration (guint runs)
{
  g_autofree char *path = g_build_filename (NP_BENCH_TESTDATA, "frames",
                                            "us_EPIQ7C_gray8_1024x768.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      printf ("%-34s skipped: %s is not there\n", "depth scale detection 1024×768", path);
      return;
    }
  frame = np_png_load (path, &error);
  if (frame == NULL)
    g_error ("%s", error->message);
  report ("depth scale detection 1024×768", median_seconds (our_auto_calibration, frame, runs),
          "our PNG decode, same frame", median_seconds (our_png_load, path, runs), "≤ 1.00×");
}

/* Open → first frame visible for a DICOM file: a fresh importer process
 * (started, limits set, the file opened and checked), frame 1 decoded and
 * sent over the pipe, then mapped through the opening window into the RGB
 * the canvas shows. */
static void
our_dicom_first_frame (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (data, 0, &error);
  g_autofree guint8 *rgb = NULL;
  gsize stride;

  if (frame == NULL)
    g_error ("%s", error->message);
  stride = (gsize) np_frame_get_width (frame) * 3;
  rgb = g_malloc (stride * np_frame_get_height (frame));
  np_window_level_render_rgb (np_window_level_default (frame), frame, rgb, stride);
}

typedef struct
{
  const char *program;
  const char *in;
  const char *out;
} Dcmj2pnm;

/* The baseline: DCMTK's own converter decoding the same first frame into a
 * binary PNM, also a process of its own. */
static void
dcmj2pnm_first_frame (gpointer data)
{
  const Dcmj2pnm *run = data;
  const char *argv[] = { run->program, "--frame", "1", run->in, run->out, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("dcmj2pnm on %s: %s", run->in, error->message);
}

/* The files: the 96-frame JPEG XA cine and the JPEG ultrasound
 * files (a still, and a cine without a basic offset table). */
static void
bench_dicom (guint       runs,
             const char *tmpdir)
{
  static const struct { const char *file; const char *name; } files[] = {
    { "xa/XA_Siemens_cardio_96frames_JPEG.dcm", "DICOM XA 512² JPEG, 96 frames" },
    { "us/JPEGExtended_3s_1f_u_08_08.dcm", "DICOM US 768×576 JPEG, 1 frame" },
    { "us/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm", "DICOM US 320×240 JPEG, 8, no BOT" },
  };
  g_autofree char *program = g_find_program_in_path ("dcmj2pnm");
  g_autofree char *out = g_build_filename (tmpdir, "frame.pnm", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *helper = np_dicom_helper_find_program (&error);

  if (helper == NULL)
    {
      printf ("%-34s skipped: %s\n", "DICOM open → first frame", error->message);
      return;
    }
  if (program == NULL)
    {
      printf ("%-34s skipped: dcmj2pnm (package dcmtk) is not installed\n",
              "DICOM open → first frame");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (NP_BENCH_TESTDATA, "dicom", files[i].file, NULL);
      Dcmj2pnm run = { program, path, out };

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          printf ("%-34s skipped: %s is not there\n", files[i].name, path);
          continue;
        }
      report (files[i].name, median_seconds (our_dicom_first_frame, path, runs),
              "dcmj2pnm, same frame", median_seconds (dcmj2pnm_first_frame, &run, runs),
              "≤ 1.00×");
      g_unlink (out);
    }
}

/* A deterministic 16-bit test frame with structure, so zlib has real work. */
static NpFrame *
make_test_frame (guint width,
                 guint height,
                 guint channels,
                 guint depth)
{
  NpFrame *frame = np_frame_new (width, height, channels, depth, NULL);
  guint32 state = 12345;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      for (guint c = 0; c < channels; c++)
        {
          state = state * 1664525u + 1013904223u;
          np_frame_set_sample (frame, x, y, c,
                               ((x * 7 + y * 3) % 200) * (depth == 16 ? 50 : 1)
                               + ((state >> 24) & 15));
        }
  return frame;
}

/* ---- a plan on a 1920 × 1080 ultrasound frame ------------------------------------ */

static void
add_ellipse (NpPlan          *plan,
             const char      *label,
             NpStructureKind  kind,
             double           cx,
             double           cy,
             double           rx,
             double           ry,
             double           margin_mm)
{
  NpStructure *structure = np_structure_new (label, kind, NP_SHAPE_ELLIPSE, margin_mm);

  np_structure_add_point (structure, np_image_point (cx, cy));
  np_structure_add_point (structure, np_image_point (rx, ry));
  g_ptr_array_add (plan->structures, structure);
}

/* A linear-probe in-plane plan at 0.05 mm/px (a 96 × 54 mm field): target
 * 35 mm deep, a vessel, a nerve, a tendon outline, a bone cortex and a
 * distance measurement; @n_structures above four adds small vessels away
 * from the path, for the optimizer. */
static NpPlan *
make_drag_plan (guint n_structures)
{
  NpPlan *plan = np_plan_new ();
  NpStructure *tendon = np_structure_new ("tendon", NP_STRUCTURE_TENDON, NP_SHAPE_POLYGON, 1);
  NpStructure *bone = np_structure_new ("femur", NP_STRUCTURE_BONE, NP_SHAPE_POLYLINE, 0);
  NpMeasurement distance = { NP_MEASURE_DISTANCE, 2, { { 100, 100 }, { 400, 500 } } };

  plan->modality = NP_MODALITY_ULTRASOUND;
  plan->probe = NP_PROBE_LINEAR;
  plan->site = NP_SITE_KNEE;
  plan->technique = NP_TECHNIQUE_IN_PLANE;
  np_calibration_free (plan->calibration);
  plan->calibration = np_calibration_new_uniform (NP_CALIBRATION_MANUAL, 0.05, 0.0005);
  plan->has_target = TRUE;
  plan->target = np_image_point (1100, 700);
  plan->has_entry = TRUE;
  plan->entry = np_image_point (0, 0);
  /* Saving needs a frame reference; nothing here reads the frame. */
  np_plan_set_string (&plan->frame_path, "frame.png");
  np_plan_set_string (&plan->frame_sha256,
                      "0000000000000000000000000000000000000000000000000000000000000000");

  add_ellipse (plan, "artery", NP_STRUCTURE_VESSEL, 800, 300, 60, 40, 2);
  add_ellipse (plan, "nerve", NP_STRUCTURE_NERVE, 1300, 450, 30, 30, 3);
  for (guint i = 0; i < 8; i++)
    {
      double angle = i * G_PI / 4;
      np_structure_add_point (tendon, np_image_point (600 + 90 * cos (angle),
                                                      600 + 40 * sin (angle)));
    }
  g_ptr_array_add (plan->structures, tendon);
  for (guint i = 0; i <= 20; i++)
    np_structure_add_point (bone, np_image_point (200 + 80 * i, 900 + 40 * sin (i * 0.3)));
  g_ptr_array_add (plan->structures, bone);
  for (guint i = 4; i < n_structures; i++)
    add_ellipse (plan, "branch", NP_STRUCTURE_VESSEL, 1500 + 60 * (i % 3), 150 + 120 * (i / 3),
                 15, 10, 1);
  g_array_append_val (plan->measurements, distance);
  return plan;
}

/* The same plan under a curvilinear probe: the skin is an arc of radius
 * 60 mm (1200 px) whose centre lies 55 mm above the frame, and the planner
 * follows each ellipse as a 128-sided outline bent by the radial geometry,
 * the optimizer's hardest case. */
static NpPlan *
make_curvilinear_plan (guint n_structures)
{
  NpPlan *plan = make_drag_plan (n_structures);

  plan->probe = NP_PROBE_CURVILINEAR;
  plan->skin_kind = NP_SKIN_ARC;
  for (int i = -4; i <= 4; i++)
    {
      double angle = G_PI / 2 + i * 0.12;
      NpImagePoint p = np_image_point (960 + 1200 * cos (angle), -1100 + 1200 * sin (angle));

      g_array_append_val (plan->skin_points, p);
    }
  return plan;
}

typedef struct
{
  NpPlan *plan;
  NpPlannerOptions options;
  NpFrame *frame;
  cairo_surface_t *surface;
  guint8 *copy;
  char *path;
  char *other_path;
  GBytes *bytes;
  NpPlanResults *results;
} Work;

static void
planner_options_for (NpPlannerOptions *options,
                     double            width,
                     double            height)
{
  np_planner_options_init (options);
  options->has_field = TRUE;
  options->field = (NpImageRect) { 0, 0, width, height };
}

/* One step of dragging a mark: the document recomputes the plan and the
 * canvas repaints only the overlay (the frame texture stays uploaded). */
static void
drag_step (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlanResults) results = NULL;
  NpOverlayOptions overlay;
  cairo_t *cr;

  work->plan->target.x += 0.25; /* the mark moves a little every step */
  results = np_planner_compute (work->plan, &work->options, &error);
  if (results == NULL)
    g_error ("%s", error->message);

  cr = cairo_create (work->surface);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  np_overlay_options_init (&overlay, 1920, 1080);
  np_overlay_draw (cr, work->plan, results, &overlay);
  cairo_destroy (cr);
  cairo_surface_flush (work->surface);
}

static void
frame_memcpy (gpointer data)
{
  Work *work = data;

  memcpy (work->copy, np_frame_get_data (work->frame),
          (gsize) np_frame_get_stride (work->frame) * np_frame_get_height (work->frame));
  /* Keep the copy observable so the compiler cannot drop it. */
  __asm__ volatile ("" : : "r" (work->copy) : "memory");
}

static void
planner_compute (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlanResults) results = np_planner_compute (work->plan, &work->options, &error);

  if (results == NULL)
    g_error ("%s", error->message);
}

static void
planner_recommend (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpEntryRecommendation) recommendation =
    np_planner_recommend_entry (work->plan, &work->options, &error);

  if (recommendation == NULL)
    g_error ("%s", error->message);
}

static void
planner_uncertainty (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;

  if (!np_planner_estimate_uncertainty (work->plan, &work->options, work->results, &error))
    g_error ("%s", error->message);
}

/* What the Monte Carlo draws for this plan, without the geometry: per
 * sample one shared pixel-size deviate, a tissue speed and four click
 * deviates (target and entry, x and y), from a freshly seeded MT19937. */
#define MC_DRAWS_PER_SAMPLE 6

static void
bare_gaussians (gpointer data)
{
  Work *work = data;
  gsl_rng *rng = gsl_rng_alloc (gsl_rng_mt19937);
  volatile double sink = 0;

  gsl_rng_set (rng, work->options.seed);
  for (guint i = 0; i < work->options.mc_samples * MC_DRAWS_PER_SAMPLE; i++)
    sink += gsl_ran_gaussian (rng, 1.0);
  gsl_rng_free (rng);
  (void) sink;
}

static void
plan_save_load (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) results = np_planner_results_to_json (work->results);
  g_autoptr(NpPlan) loaded = NULL;

  if (!np_plan_file_save (work->plan, results, work->path, &error))
    g_error ("%s", error->message);
  loaded = np_plan_file_load (work->path, &error);
  if (loaded == NULL)
    g_error ("%s", error->message);
}

static void
bare_file_round_trip (gpointer data)
{
  Work *work = data;
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_set_contents (work->other_path, g_bytes_get_data (work->bytes, NULL),
                            (gssize) g_bytes_get_size (work->bytes), NULL)
      || !g_file_get_contents (work->other_path, &contents, &length, NULL))
    g_error ("cannot write or read %s", work->other_path);
}

static void
our_export_png (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  NpExportOptions options;

  np_export_options_init (&options);
  options.date = "2026-01-01";
  /* The benchmark's plan names no side; the timing is of the writer. */
  options.allow_unrecorded = TRUE;
  if (!np_export_png (work->frame, work->plan, work->results, &options, work->path, &error))
    g_error ("%s", error->message);
}

/* zlib level and row filters of bare_libpng_encode (libpng's adaptive
 * choice among all five filters by default). */
static int encode_level = 6;
static int encode_filters = PNG_ALL_FILTERS;

/* The bare libpng encode: the same annotated pixels, the same zlib level, to
 * a file with stdio, no metadata, no temporary file, no fsync. */
static void
bare_libpng_encode (gpointer data)
{
  Work *work = data;
  const NpFrame *frame = work->frame;
  guint height = np_frame_get_height (frame);
  FILE *fp = fopen (work->other_path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  png_bytep *rows = malloc (sizeof *rows * height);

  if (fp == NULL || setjmp (png_jmpbuf (png)))
    abort ();
  png_init_io (png, fp);
  png_set_compression_level (png, encode_level);
  png_set_filter (png, PNG_FILTER_TYPE_BASE, encode_filters);
  png_set_IHDR (png, info, np_frame_get_width (frame), height, 8, PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  for (guint y = 0; y < height; y++)
    rows[y] = (png_bytep) np_frame_get_data (frame) + (gsize) y * np_frame_get_stride (frame);
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  fclose (fp);
  free (rows);
}

/* Runs @argv and returns its peak resident set size in KiB (wait4 reports
 * it for that child alone). */
static long
peak_rss_kib (char **argv)
{
  struct rusage usage;
  int status;
  pid_t pid = fork ();

  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));
  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      dup2 (null, STDOUT_FILENO);
      execv (argv[0], argv);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s %s failed", argv[0], argv[1]);
  return usage.ru_maxrss;
}

static void
report_target (const char *operation,
               double      ours,
               const char *baseline_name,
               double      baseline,
               double      target_seconds)
{
  g_autofree char *target = g_strdup_printf ("≤ %.0f ms: %s", target_seconds * 1e3,
                                             ours <= target_seconds ? "met" : "MISSED");

  report (operation, ours, baseline_name, baseline, target);
}

static void
bench_planner_and_overlay (guint runs)
{
  g_autoptr(NpPlan) drag_plan = make_drag_plan (4);
  g_autoptr(NpPlan) optimizer_plan = make_drag_plan (10);
  g_autoptr(NpPlan) curvilinear_plan = make_curvilinear_plan (10);
  g_autoptr(NpFrame) frame = make_test_frame (1920, 1080, 1, 8);
  g_autofree guint8 *copy = g_malloc ((gsize) np_frame_get_stride (frame) * 1080);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1920, 1080);
  g_autoptr(GError) error = NULL;
  Work drag = { drag_plan, { 0 }, frame, surface, copy, NULL, NULL, NULL, NULL };
  Work optimizer = { optimizer_plan, { 0 }, frame, NULL, NULL, NULL, NULL, NULL, NULL };
  Work curvilinear = { curvilinear_plan, { 0 }, frame, NULL, NULL, NULL, NULL, NULL, NULL };
  double ours, baseline;

  planner_options_for (&drag.options, 1920, 1080);
  planner_options_for (&optimizer.options, 1920, 1080);
  planner_options_for (&curvilinear.options, 1920, 1080);

  ours = median_seconds (drag_step, &drag, runs * 5);
  baseline = median_seconds (frame_memcpy, &drag, runs * 5);
  report_target ("drag step 1920×1080 (replan+draw)", ours, "memcpy of the frame", baseline,
                 2e-3);

  ours = median_seconds (planner_recommend, &optimizer, runs * 5);
  baseline = median_seconds (planner_compute, &optimizer, runs * 5);
  report_target ("optimizer, 10 structures, flat", ours, "one planner evaluation", baseline,
                 1e-3);
  ours = median_seconds (planner_recommend, &curvilinear, runs * 5);
  baseline = median_seconds (planner_compute, &curvilinear, runs * 5);
  report_target ("optimizer, 10 structures, curved", ours, "one planner evaluation", baseline,
                 1e-3);

  drag.results = np_planner_compute (drag_plan, &drag.options, &error);
  if (drag.results == NULL)
    g_error ("%s", error->message);
  ours = median_seconds (planner_uncertainty, &drag, runs);
  baseline = median_seconds (bare_gaussians, &drag, runs);
  {
    g_autofree char *name = g_strdup_printf ("Monte Carlo interval, %u samples",
                                             drag.options.mc_samples);
    g_autofree char *base = g_strdup_printf ("%u gsl gaussians",
                                             drag.options.mc_samples * MC_DRAWS_PER_SAMPLE);
    report (name, ours, base, baseline, "");
  }

  np_plan_results_free (drag.results);
  cairo_surface_destroy (surface);
}

/* The `plan` verb's work: the values, then the Monte Carlo and first-order
 * intervals. */
static void
planner_plan_verb (gpointer data)
{
  Work *work = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpPlanResults) results = np_planner_compute (work->plan, &work->options, &error);

  if (results == NULL || !np_planner_estimate_uncertainty (work->plan, &work->options, results,
                                                           &error))
    g_error ("%s", error->message);
}

/* A skin polyline of @n points along the top of the 1920 px frame, gently
 * waved so that no two segments lie on one line. */
static void
add_skin_polyline (NpPlan *plan,
                   guint   n)
{
  plan->skin_kind = NP_SKIN_POLYLINE;
  for (guint i = 0; i < n; i++)
    {
      NpImagePoint p = np_image_point (1920.0 * i / (n - 1), 2 + sin (i * 0.01));

      g_array_append_val (plan->skin_points, p);
    }
}

/* Size limits hold in total: `plan` on the largest plan the format allows in
 * points (10,000 skin points) with 1,000 structures, against one planner
 * evaluation of a 10-point skin plan. Quadratic, this took over a minute. */
static void
bench_large_plan (guint runs)
{
  g_autoptr(NpPlan) large_plan = make_drag_plan (1000);
  g_autoptr(NpPlan) small_plan = make_drag_plan (4);
  Work large = { large_plan, { 0 }, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  Work small = { small_plan, { 0 }, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  double ours, baseline;

  add_skin_polyline (large_plan, 10000);
  add_skin_polyline (small_plan, 10);
  planner_options_for (&large.options, 1920, 1080);
  planner_options_for (&small.options, 1920, 1080);
  ours = median_seconds (planner_plan_verb, &large, MIN (runs, 3u));
  baseline = median_seconds (planner_compute, &small, runs * 5);
  report_target ("plan, 10,000-point skin, 1,000 str.", ours, "one evaluation, 10 points",
                 baseline, 10.0);
}

/* A skin arc of @n points: the arc of radius 60 mm (1200 px) of
 * make_curvilinear_plan, over the same 0.96 rad, clicked densely. */
static void
add_skin_arc (NpPlan *plan,
              guint   n)
{
  plan->probe = NP_PROBE_CURVILINEAR;
  plan->skin_kind = NP_SKIN_ARC;
  g_array_set_size (plan->skin_points, 0);
  for (guint i = 0; i < n; i++)
    {
      double angle = G_PI / 2 - 0.48 + 0.96 * i / (n - 1);
      NpImagePoint p = np_image_point (960 + 1200 * cos (angle), -1100 + 1200 * sin (angle));

      g_array_append_val (plan->skin_points, p);
    }
}

/* The arc's intervals are linear in its points: `plan` on a 10,000-point
 * arc against the same on 1,000 points. Linear work gives a ratio near 10;
 * nudging every point and refitting (quadratic) gave one near 100. */
static void
bench_large_arc (guint runs)
{
  g_autoptr(NpPlan) large_plan = make_drag_plan (4);
  g_autoptr(NpPlan) small_plan = make_drag_plan (4);
  Work large = { large_plan, { 0 }, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  Work small = { small_plan, { 0 }, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  double ours, baseline;
  g_autofree char *target = NULL;

  add_skin_arc (large_plan, 10000);
  add_skin_arc (small_plan, 1000);
  planner_options_for (&large.options, 1920, 1080);
  planner_options_for (&small.options, 1920, 1080);
  ours = median_seconds (planner_plan_verb, &large, MIN (runs, 3u));
  baseline = median_seconds (planner_plan_verb, &small, MIN (runs, 3u));
  target = g_strdup_printf ("ratio ≤ 20 (linear 10): %s",
                            ours <= 20 * baseline ? "met" : "MISSED");
  report ("plan, 10,000-point skin arc", ours, "the same, 1,000 points", baseline, target);
}

typedef struct
{
  NpFrame *frame;
  NpPlan *plan;
  NpPlanResults *results;
} PrintWork;

/* What the Print dialog does at begin-print: lay out and record every page. */
static void
print_record (gpointer data)
{
  PrintWork *work = data;
  double width, height;
  g_autoptr(GPtrArray) pages = NULL;

  np_paper_get_size (NP_PAPER_A4, &width, &height);
  pages = np_export_record_report (width, height, work->frame, work->plan, work->results, NULL);
  g_assert (pages->len > 0);
}

/* What draw-page did for every page before: each page on its own. */
static void
print_page_by_page (gpointer data)
{
  PrintWork *work = data;
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);
  double width, height;
  guint n_pages;

  np_paper_get_size (NP_PAPER_A4, &width, &height);
  n_pages = np_export_report_n_pages (work->frame, work->plan, work->results, NULL, width,
                                      height);
  for (guint page = 0; page < n_pages; page++)
    np_export_draw_report_page (cr, width, height, page, work->frame, work->plan, work->results,
                                NULL);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Printing is linear in the report's length: all pages of a 1,000-structure
 * report (one clearance row each, dozens of pages) against those of a
 * 100-structure one. Near 10 when linear; drawing page by page, each page
 * laid the whole report out again, near 100. */
static void
bench_print (guint runs)
{
  g_autoptr(NpFrame) frame = make_test_frame (1920, 1080, 1, 8);
  g_autoptr(NpPlan) large_plan = make_drag_plan (1000);
  g_autoptr(NpPlan) small_plan = make_drag_plan (100);
  g_autoptr(NpPlanResults) large_results = NULL;
  g_autoptr(NpPlanResults) small_results = NULL;
  PrintWork large = { frame, large_plan, NULL };
  PrintWork small = { frame, small_plan, NULL };
  g_autofree char *target = NULL;
  double ours, baseline;

  large.results = large_results = np_planner_compute (large_plan, NULL, NULL);
  small.results = small_results = np_planner_compute (small_plan, NULL, NULL);
  ours = median_seconds (print_record, &large, MIN (runs, 3u));
  baseline = median_seconds (print_record, &small, MIN (runs, 3u));
  target = g_strdup_printf ("ratio ≤ 20 (linear 10): %s",
                            ours <= 20 * baseline ? "met" : "MISSED");
  report ("print, 1,000 structures", ours, "the same, 100 structures", baseline, target);
  baseline = median_seconds (print_page_by_page, &large, 1);
  report ("print, 1,000 structures", ours, "page by page (before), 1,000", baseline, "");
}

static void
bench_files (guint       runs,
             const char *tmpdir)
{
  g_autoptr(NpPlan) plan = make_drag_plan (4);
  g_autoptr(NpFrame) frame = make_test_frame (1920, 1080, 1, 8);
  g_autoptr(NpFrame) annotated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_path = g_build_filename (tmpdir, "plan.json", NULL);
  g_autofree char *other_path = g_build_filename (tmpdir, "other", NULL);
  g_autofree char *export_path = g_build_filename (tmpdir, "annotated.png", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  Work work = { plan, { 0 }, frame, NULL, NULL, plan_path, other_path, NULL, NULL };
  NpExportOptions export_options;
  double ours, baseline;

  planner_options_for (&work.options, 1920, 1080);
  work.results = np_planner_compute (plan, &work.options, &error);
  if (work.results == NULL || !np_planner_estimate_uncertainty (plan, &work.options,
                                                                work.results, &error))
    g_error ("%s", error->message);

  /* Save + load against writing and reading the same bytes with GLib. */
  plan_save_load (&work);
  if (!g_file_get_contents (plan_path, &contents, &length, &error))
    g_error ("%s", error->message);
  work.bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  ours = median_seconds (plan_save_load, &work, runs);
  baseline = median_seconds (bare_file_round_trip, &work, runs);
  report ("plan save + load", ours, "g_file_set/get_contents", baseline, "");
  g_bytes_unref (work.bytes);

  /* Export against encoding the pixels it writes. */
  work.path = export_path;
  ours = median_seconds (our_export_png, &work, runs);
  np_export_options_init (&export_options);
  annotated = np_export_render_annotated (frame, plan, work.results, &export_options, &error);
  if (annotated == NULL)
    g_error ("%s", error->message);
  work.frame = annotated;
  /* The export's zlib level and filter. */
  encode_level = 3;
  encode_filters = PNG_FILTER_SUB;
  baseline = median_seconds (bare_libpng_encode, &work, runs);
  {
    g_autofree char *name = g_strdup_printf ("annotated PNG export %u×%u",
                                             np_frame_get_width (annotated),
                                             np_frame_get_height (annotated));
    report (name, ours, "bare libpng encode", baseline, "≤ 1.30×");
  }

  /* The zlib level and filter of the export, chosen by these rows: bytes
   * and time of a bare encode of the same pixels, against level 6 with
   * libpng's adaptive filters (what the export used before). */
  {
    static const struct { int filters; const char *name; } filters[] = {
      { PNG_ALL_FILTERS, "adaptive" },
      { PNG_FILTER_UP, "up" },
      { PNG_FILTER_SUB, "sub" },
    };
    static const int levels[] = { 1, 3, 6 };
    double reference = 0;
    goffset reference_bytes = 0;

    for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
      for (int l = G_N_ELEMENTS (levels) - 1; l >= 0; l--)
        {
          g_autofree char *name = NULL;
          g_autofree char *target = NULL;
          GStatBuf st;
          double seconds;

          encode_level = levels[l];
          encode_filters = filters[f].filters;
          seconds = median_seconds (bare_libpng_encode, &work, runs);
          if (g_stat (other_path, &st) != 0)
            g_error ("cannot stat %s", other_path);
          if (reference == 0)
            {
              reference = seconds;
              reference_bytes = st.st_size;
            }
          name = g_strdup_printf ("PNG encode, zlib %d, %s", levels[l], filters[f].name);
          target = g_strdup_printf ("%.2f MB (%+.1f %%)", st.st_size / 1e6,
                                    100.0 * (st.st_size - reference_bytes) / reference_bytes);
          report (name, seconds, "zlib 6, adaptive", reference, target);
        }
    encode_level = 6;
    encode_filters = PNG_ALL_FILTERS;
  }

  np_plan_results_free (work.results);
  g_unlink (plan_path);
  g_unlink (other_path);
  g_unlink (export_path);
}

/* Peak memory of needleplan-cli info on a 4096 × 4096 16-bit frame against
 * the raw frame (32 MiB) and the program's own baseline (--version). The
 * kernel's peak for a child includes the memory it shared with this process
 * before exec, so this runs first, while the benchmark is small, and the
 * big PNG is written by a child of its own. Returns the row to print. */
static char *
bench_peak_memory (const char *cli,
                   const char *tmpdir)
{
  g_autofree char *path = g_build_filename (tmpdir, "big.png", NULL);
  char *version_argv[] = { (char *) cli, (char *) "--version", NULL };
  char *info_argv[] = { (char *) cli, (char *) "info", path, NULL };
  double raw_mib = 4096.0 * 4096 * 2 / (1024 * 1024);
  double baseline_mib, peak_mib, allowed_mib;
  GStatBuf info;
  int status;
  pid_t writer;

  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup_printf ("%-34s  skipped: no %s\n", "peak memory", cli);

  writer = fork ();
  if (writer == 0)
    {
      g_autoptr(NpFrame) frame = make_test_frame (4096, 4096, 1, 16);

      _exit (np_png_save (frame, path, NULL) ? 0 : 1);
    }
  if (writer < 0 || waitpid (writer, &status, 0) != writer || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0 || g_stat (path, &info) != 0)
    g_error ("cannot write %s", path);

  baseline_mib = peak_rss_kib (version_argv) / 1024.0;
  peak_mib = peak_rss_kib (info_argv) / 1024.0;
  allowed_mib = 2 * raw_mib + baseline_mib;
  g_unlink (path);
  return g_strdup_printf ("%-34s %10.1f MiB %-26s %10.1f MiB %6.2f×  ≤ 2.00× (%.1f MiB): %s\n"
                          "  (the ratio is (peak − CLI baseline) / raw frame; CLI baseline "
                          "%.1f MiB, PNG file %.1f MiB)\n",
                          "peak RSS, info 4096×4096 16-bit", peak_mib, "raw frame 16-bit",
                          raw_mib, (peak_mib - baseline_mib) / raw_mib, allowed_mib,
                          peak_mib <= allowed_mib ? "met" : "MISSED", baseline_mib,
                          info.st_size / (1024.0 * 1024.0));
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("needleplan-bench-XXXXXX", NULL);
  const guint runs = argc > 1 ? MAX ((guint) atoi (argv[1]), 1u) : 7;
  const char *cli = argc > 2 ? argv[2] : NP_BENCH_CLI;
  struct { const char *name; guint w, h, c, d; } frames[] = {
    { "load 1920×1080 grey 8-bit", 1920, 1080, 1, 8 },
    { "load 4096×4096 grey 16-bit", 4096, 4096, 1, 16 },
    { "load 1024×768 RGB 8-bit", 1024, 768, 3, 8 },
  };

  g_autofree char *memory_row = NULL;

  setvbuf (stdout, NULL, _IOLBF, 0); /* rows appear as they are measured */
  /* A third argument runs one row only: `needleplan-bench 3 CLI large-plan`
   * (or large-arc, print). */
  if (argc > 3 && g_strcmp0 (argv[3], "large-plan") == 0)
    {
      np_gsl_init ();
      bench_large_plan (runs);
      g_rmdir (tmpdir);
      return 0;
    }
  if (argc > 3 && g_strcmp0 (argv[3], "dicom") == 0)
    {
      bench_dicom (runs, tmpdir);
      g_rmdir (tmpdir);
      return 0;
    }
  /* `needleplan-bench 7 CLI auto-calibration`: detection against the decode alone. */
  if (argc > 3 && g_strcmp0 (argv[3], "auto-calibration") == 0)
    {
      np_gsl_init ();
      bench_auto_calibration (runs);
      g_rmdir (tmpdir);
      return 0;
    }
  if (argc > 3 && g_strcmp0 (argv[3], "print") == 0)
    {
      np_gsl_init ();
      bench_print (runs);
      g_rmdir (tmpdir);
      return 0;
    }
  if (argc > 3 && g_strcmp0 (argv[3], "large-arc") == 0)
    {
      np_gsl_init ();
      bench_large_arc (runs);
      g_rmdir (tmpdir);
      return 0;
    }
  memory_row = bench_peak_memory (cli, tmpdir);
  printf ("NeedlePlan %s benchmark, median of %u runs\n", PACKAGE_VERSION, runs);
  printf ("%-34s %13s  %-26s %13s  %7s  %s\n", "operation", "ours", "baseline", "", "ratio",
          "target");

  for (gsize i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autoptr(NpFrame) frame = make_test_frame (frames[i].w, frames[i].h, frames[i].c,
                                                  frames[i].d);
      g_autofree char *path = g_build_filename (tmpdir, "frame.png", NULL);

      if (!np_png_save (frame, path, NULL))
        g_error ("cannot write %s", path);
      report (frames[i].name, median_seconds (our_png_load, path, runs),
              "bare libpng decode", median_seconds (bare_libpng_decode, path, runs), "≤ 1.10×");
      g_unlink (path);
    }

  np_gsl_init ();
  bench_auto_calibration (runs);
  bench_planner_and_overlay (runs);
  bench_large_plan (runs);
  bench_large_arc (runs);
  bench_print (runs);
  bench_files (runs, tmpdir);
  bench_dicom (runs, tmpdir);
  fputs (memory_row, stdout);

  g_rmdir (tmpdir);
  return 0;
}
