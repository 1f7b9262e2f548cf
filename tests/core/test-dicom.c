/* test-dicom.c: DICOM files through the importer process and its client
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The truth for sizes, frame counts, photometric and the ultrasound regions
 * is ../shared/testdata/dicom/METADATA.tsv (written from dcmdump, not from
 * our code); the truth for pixels is DCMTK's own dcmj2pnm, run here into
 * the test's temporary folder.
 */

#define G_LOG_DOMAIN "test-dicom"

#include "np-dicom-helper.h"
#include "np-error.h"
#include "np-frame.h"
#include "np-plan-file.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

static char *tmp_dir;
/* path relative to testdata ("dicom/us/x.dcm") → GHashTable column → value */
static GHashTable *metadata;

static const char *
testdata_dir (void)
{
  const char *dir = g_getenv ("NP_TESTDATA_DIR");

  return dir != NULL && *dir != '\0' ? dir : NP_TESTDATA_DIR;
}

static gboolean
load_metadata (void)
{
  g_autofree char *path = g_build_filename (testdata_dir (), "dicom", "METADATA.tsv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) columns = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  lines = g_strsplit (text, "\n", -1);
  columns = g_strsplit (lines[0], "\t", -1);
  metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify) g_hash_table_unref);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], "\t", -1);
      GHashTable *row;

      if (cells[0] == NULL || cells[0][0] == '\0')
        continue;
      row = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (guint k = 0; columns[k] != NULL && cells[k] != NULL; k++)
        g_hash_table_insert (row, g_strdup (columns[k]), g_strdup (g_strstrip (cells[k])));
      g_hash_table_insert (metadata, g_strdup (cells[0]), row);
    }
  return TRUE;
}

static const char *
cell (const char *relative,
      const char *column)
{
  GHashTable *row = g_hash_table_lookup (metadata, relative);
  const char *value;

  g_assert_nonnull (row);
  value = g_hash_table_lookup (row, column);
  return value != NULL ? value : "";
}

static guint
cell_uint (const char *relative,
           const char *column,
           guint       fallback)
{
  const char *value = cell (relative, column);

  return value[0] != '\0' ? (guint) g_ascii_strtoull (value, NULL, 10) : fallback;
}

static void
assert_process_gone (GPid pid)
{
  g_assert_cmpint (pid, >, 0);
  /* Reaped, not a zombie: kill() no longer finds the PID. */
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

static char *
full_path (const char *relative)
{
  return g_build_filename (testdata_dir (), relative, NULL);
}

/* ---- Header facts against METADATA.tsv ------------------------------- */

static void
assert_regions (const char        *relative,
                const NpDicomInfo *info)
{
  const char *has_regions = cell (relative, "USRegions");
  g_auto(GStrv) dx = NULL, dy = NULL, fmt = NULL, ux = NULL, uy = NULL;
  g_auto(GStrv) x0 = NULL, y0 = NULL, x1 = NULL, y1 = NULL;

  if (!g_str_equal (has_regions, "yes"))
    {
      g_assert_cmpuint (np_dicom_info_get_n_regions (info), ==, 0);
      return;
    }
  dx = g_strsplit (cell (relative, "PhysDX"), "|", -1);
  dy = g_strsplit (cell (relative, "PhysDY"), "|", -1);
  fmt = g_strsplit (cell (relative, "RegSpatialFmt"), "|", -1);
  ux = g_strsplit (cell (relative, "UnitsX"), "|", -1);
  uy = g_strsplit (cell (relative, "UnitsY"), "|", -1);
  x0 = g_strsplit (cell (relative, "RegX0"), "|", -1);
  y0 = g_strsplit (cell (relative, "RegY0"), "|", -1);
  x1 = g_strsplit (cell (relative, "RegX1"), "|", -1);
  y1 = g_strsplit (cell (relative, "RegY1"), "|", -1);

  g_assert_cmpuint (np_dicom_info_get_n_regions (info), ==, g_strv_length (dx));
  for (guint i = 0; i < g_strv_length (dx); i++)
    {
      const NpDicomRegion *region = np_dicom_info_get_region (info, i);
      double want_dx = g_ascii_strtod (dx[i], NULL);
      double want_dy = g_ascii_strtod (dy[i], NULL);

      g_test_message ("%s region %u: delta %.17g × %.17g", relative, i + 1, region->delta_x,
                      region->delta_y);
      /* FD values travel as %.17g text: the same double comes back. */
      g_assert_cmpfloat (fabs (region->delta_x - want_dx), <=, fabs (want_dx) * 1e-15);
      g_assert_cmpfloat (fabs (region->delta_y - want_dy), <=, fabs (want_dy) * 1e-15);
      g_assert_cmpint (region->spatial_format, ==, atoi (fmt[i]));
      g_assert_cmpint (region->units_x, ==, atoi (ux[i]));
      g_assert_cmpint (region->units_y, ==, atoi (uy[i]));
      g_assert_cmpint (region->x0, ==, atoi (x0[i]));
      g_assert_cmpint (region->y0, ==, atoi (y0[i]));
      g_assert_cmpint (region->x1, ==, atoi (x1[i]));
      g_assert_cmpint (region->y1, ==, atoi (y1[i]));
    }
}

static void
test_dicom_open_file (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *path = full_path (relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (path, &error);
  const NpDicomInfo *info;
  guint frames;
  GPid pid;

  g_assert_no_error (error);
  pid = np_dicom_helper_get_pid (helper);
  g_assert_true (np_dicom_helper_open (helper, &error));
  g_assert_no_error (error);
  info = np_dicom_helper_get_info (helper);

  frames = cell_uint (relative, "Frames", 1);
  g_assert_cmpuint (info->rows, ==, cell_uint (relative, "Rows", 0));
  g_assert_cmpuint (info->columns, ==, cell_uint (relative, "Cols", 0));
  g_assert_cmpuint (info->frames, ==, frames);
  g_assert_cmpuint (info->samples_per_pixel, ==, cell_uint (relative, "SPP", 0));
  g_assert_cmpuint (info->bits_allocated, ==, cell_uint (relative, "BA", 0));
  g_assert_cmpuint (info->bits_stored, ==, cell_uint (relative, "BS", 0));
  g_assert_cmpstr (info->photometric, ==, cell (relative, "Photo"));
  g_assert_cmpstr (info->modality, ==, cell (relative, "Mod"));
  g_assert_cmpint (info->delivered_rgb, ==, !g_str_has_prefix (info->photometric, "MONOCHROME"));
  assert_regions (relative, info);

  /* The first and the last frame arrive with the right shape. */
  for (guint k = 0; k < 2; k++)
    {
      guint index = k == 0 ? 0 : frames - 1;
      g_autoptr(NpFrame) frame = np_dicom_helper_read_frame (helper, index, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (np_frame_get_width (frame), ==, info->columns);
      g_assert_cmpuint (np_frame_get_height (frame), ==, info->rows);
      g_assert_cmpuint (np_frame_get_channels (frame), ==, info->delivered_rgb ? 3 : 1);
      g_assert_nonnull (np_frame_get_dicom_info (frame));
      g_assert_cmpstr (np_frame_get_dicom_info (frame)->sop_instance_uid, ==,
                       info->sop_instance_uid);
      g_assert_cmpstr (np_frame_get_text (frame, "Modality"), ==, info->modality);
    }

  np_dicom_helper_close (helper);
  g_assert_false (np_dicom_helper_is_running (helper));
  assert_process_gone (pid);
}

/* ---- Pixels against dcmj2pnm ------------------------------------------ */

static gboolean
run (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* Reads a binary PGM (P5) or PPM (P6) with maxval 255. */
static guint8 *
read_pnm (const char *path,
          guint      *width,
          guint      *height,
          guint      *channels)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  guint values[3];
  gsize i = 2;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_true (data[0] == 'P' && (data[1] == '5' || data[1] == '6'));
  *channels = data[1] == '5' ? 1 : 3;
  for (guint k = 0; k < 3; k++)
    {
      while (i < length && (g_ascii_isspace (data[i]) || data[i] == '#'))
        {
          if (data[i] == '#')
            while (i < length && data[i] != '\n')
              i++;
          i++;
        }
      values[k] = (guint) g_ascii_strtoull (data + i, NULL, 10);
      while (i < length && g_ascii_isdigit (data[i]))
        i++;
    }
  i++;
  *width = values[0];
  *height = values[1];
  g_assert_cmpuint (values[2], ==, 255);
  g_assert_cmpuint (length - i, ==, (gsize) *width * *height * *channels);
  return g_memdup2 (data + i, length - i);
}

static void
test_dicom_pixels_file (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *path = full_path (relative);
  g_autofree char *source = g_strdup (path);
  g_autofree char *reference = g_build_filename (tmp_dir, "reference.pnm", NULL);
  g_autofree char *decompressed = g_build_filename (tmp_dir, "decompressed.dcm", NULL);
  g_autofree char *frame_arg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autofree guint8 *expected = NULL;
  g_autofree char *dcmj2pnm = g_find_program_in_path ("dcmj2pnm");
  guint width, height, channels, index;
  const NpDicomInfo *info;

  if (dcmj2pnm == NULL)
    {
      g_test_skip ("dcmj2pnm (package dcmtk) is not installed");
      return;
    }

  helper = np_dicom_helper_new (path, &error);
  g_assert_no_error (error);
  g_assert_true (np_dicom_helper_open (helper, &error));
  info = np_dicom_helper_get_info (helper);
  /* The second frame of a cine, so frame indexing is checked too. */
  index = info->frames > 1 ? 1 : 0;
  frame = np_dicom_helper_read_frame (helper, index, &error);
  g_assert_no_error (error);

  if (strstr (relative, "no_bot") != NULL)
    {
      /* dcmj2pnm cannot pick one frame without an offset table; DCMTK's
       * dcmdjpeg decompresses the whole file first. */
      const char *const argv[] = { "dcmdjpeg", source, decompressed, NULL };
      g_assert_true (run (argv));
      g_free (source);
      source = g_strdup (decompressed);
    }
  frame_arg = g_strdup_printf ("%u", index + 1);
  {
    const char *const argv[] = { "dcmj2pnm", "+F", frame_arg, "+op", source, reference, NULL };
    g_assert_true (run (argv));
  }
  expected = read_pnm (reference, &width, &height, &channels);
  g_assert_cmpuint (width, ==, np_frame_get_width (frame));
  g_assert_cmpuint (height, ==, np_frame_get_height (frame));
  g_assert_cmpuint (channels, ==, np_frame_get_channels (frame));
  g_assert_cmpuint (np_frame_get_bit_depth (frame), ==, 8);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *row = np_frame_get_data (frame) + y * np_frame_get_stride (frame);
      for (guint x = 0; x < width * channels; x++)
        {
          guint8 want = expected[(gsize) y * width * channels + x];
          /* dcmj2pnm renders MONOCHROME1 inverted; the frame keeps the value. */
          guint8 got = info->invert ? 255 - row[x] : row[x];
          if (got != want)
            g_error ("%s frame %u: sample %u of row %u is %u, dcmj2pnm says %u", relative,
                     index + 1, x, y, got, want);
        }
    }
  g_unlink (reference);
  g_unlink (decompressed);
}

/* ---- The segmented palettes (ALOKA) ----------------------------------- */

static NpFrame *
load_first_frame (const char *relative)
{
  g_autofree char *path = full_path (relative);
  g_autoptr(GError) error = NULL;
  NpFrame *frame = np_dicom_helper_load_frame (path, 0, &error);

  g_assert_no_error (error);
  return frame;
}

static void
test_dicom_segmented_palette (void)
{
  g_autoptr(NpFrame) little = load_first_frame ("dicom/us/gdcm-US-ALOKA-16.dcm");
  g_autoptr(NpFrame) big = load_first_frame ("dicom/us/gdcm-US-ALOKA-16_big.dcm");
  gsize size = (gsize) np_frame_get_stride (little) * np_frame_get_height (little);
  gboolean colour = FALSE;

  /* The same image in both byte orders gives the same pixels. */
  g_assert_cmpuint (np_frame_get_channels (little), ==, 3);
  g_assert_cmpmem (np_frame_get_data (little), size, np_frame_get_data (big), size);
  /* The tables' first segments (dcmdump +L): red, green and blue all start
   * with a discrete 0x0000, and pixel (0, 24) holds stored value 0 (the
   * raw pixel data from dcmdump +W), so it is black. */
  g_assert_cmpuint (np_frame_get_sample (little, 0, 24, 0), ==, 0);
  g_assert_cmpuint (np_frame_get_sample (little, 0, 24, 1), ==, 0);
  g_assert_cmpuint (np_frame_get_sample (little, 0, 24, 2), ==, 0);
  /* The palette is a colour one: some pixel has unequal channels. */
  for (guint y = 0; y < np_frame_get_height (little) && !colour; y++)
    for (guint x = 0; x < np_frame_get_width (little) && !colour; x++)
      colour = np_frame_get_sample (little, x, y, 0) != np_frame_get_sample (little, x, y, 1);
  g_assert_true (colour);
}

/* ---- Hostile files ----------------------------------------------------- */

static void
test_dicom_bad_file (gconstpointer data)
{
  const char *relative = data;
  g_autofree char *path = full_path (relative);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = np_dicom_helper_new (path, &error);
  g_autofree char *display = g_filename_display_name (path);
  gint64 start = g_get_monotonic_time ();
  GPid pid;

  g_assert_no_error (error);
  pid = np_dicom_helper_get_pid (helper);
  if (np_dicom_helper_open (helper, &error))
    {
      /* Some "bad" files are readable by DCMTK (an odd pixel data length,
       * a sequence other readers reject); then the image matches the
       * header METADATA.tsv lists, or the frame fails in words. */
      const NpDicomInfo *info = np_dicom_helper_get_info (helper);
      g_autoptr(NpFrame) frame = NULL;

      g_assert_cmpuint (info->rows, ==, cell_uint (relative, "Rows", 0));
      g_assert_cmpuint (info->columns, ==, cell_uint (relative, "Cols", 0));
      frame = np_dicom_helper_read_frame (helper, 0, &error);
      if (frame != NULL)
        g_assert_cmpuint (np_frame_get_width (frame), ==, info->columns);
      else
        {
          g_assert_true (g_str_has_prefix (error->message, display));
          g_test_message ("%s: %s", relative, error->message);
        }
      np_dicom_helper_close (helper);
    }
  else
    {
      g_test_message ("%s: %s", relative, error->message);
      g_assert_true (error->domain == NP_ERROR);
      /* The message names the file, then says what is wrong. */
      g_assert_true (g_str_has_prefix (error->message, display));
      g_assert_cmpuint (strlen (error->message), >, strlen (display) + 10);
    }
  /* Within the open and frame limits together. */
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   (gint64) (NP_DICOM_HELPER_OPEN_TIMEOUT_MS + NP_DICOM_HELPER_FRAME_TIMEOUT_MS) * 1000);
  g_assert_false (np_dicom_helper_is_running (helper));
  assert_process_gone (pid);
}

static void
test_dicom_jpeg2000_refused (void)
{
  g_autofree char *path = full_path ("dicom/bad/J2K_pixelrep_mismatch.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (path, 0, &error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "JPEG 2000 compressed images are not supported yet"));
}

static void
test_dicom_too_large_refused (void)
{
  g_autofree char *path = full_path ("dicom/bad/oob-monochrome-65535.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (path, 0, &error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_TOO_LARGE);
}

static void
test_dicom_frame_out_of_range (void)
{
  g_autofree char *path = full_path ("dicom/us/US1_UNCR.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (path, 1, &error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
}

static void
test_dicom_missing_file (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "absent.dcm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (path, 0, &error);

  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
}

/* IM00001 writes SpecificCharacterSet as 'ISO-IR 100' (a misspelling of
 * ISO_IR 100, Latin-1). A temporary copy gets Latin-1 names from dcmodify:
 * 0xFC is ü and 0xF6 is ö in Latin-1, so UTF-8 must come back. */
static void
test_dicom_character_set (void)
{
  g_autofree char *source = full_path ("dicom/us/IM00001.implicit_little_endian.dcm");
  g_autofree char *copy = g_build_filename (tmp_dir, "latin1.dcm", NULL);
  g_autofree char *dcmodify = g_find_program_in_path ("dcmodify");
  g_autoptr(GFile) from = g_file_new_for_path (source);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  const NpDicomInfo *info;

  if (dcmodify == NULL)
    {
      g_test_skip ("dcmodify (package dcmtk) is not installed");
      return;
    }
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (copy, 0644), ==, 0);
  {
    const char *const argv[] = { "dcmodify", "-nb", "-i", "(0010,0010)=M\xfcller^Anna",
                                 "-i", "(0008,0080)=Klinik K\xf6ln", copy, NULL };
    g_assert_true (run (argv));
  }

  frame = np_dicom_helper_load_frame (copy, 0, &error);
  g_assert_no_error (error);
  info = np_frame_get_dicom_info (frame);
  g_assert_cmpstr (info->character_set, ==, "ISO-IR 100");
  g_assert_cmpstr (info->patient_name, ==, "M\xc3\xbcller^Anna");
  g_assert_cmpstr (info->institution, ==, "Klinik K\xc3\xb6ln");
  g_unlink (copy);
}

/* A temporary copy of the XA cine changed by dcmodify with ARGS. */
static char *
modified_xa (const char         *name,
             const char *const  *edits)
{
  g_autofree char *source = full_path ("dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm");
  g_autofree char *copy = g_build_filename (tmp_dir, name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (source);
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (copy, 0644), ==, 0);
  g_ptr_array_add (argv, (gpointer) "dcmodify");
  g_ptr_array_add (argv, (gpointer) "-nb");
  for (guint i = 0; edits[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer) "-i");
      g_ptr_array_add (argv, (gpointer) edits[i]);
    }
  g_ptr_array_add (argv, copy);
  g_ptr_array_add (argv, NULL);
  g_assert_true (run ((const char *const *) argv->pdata));
  return g_steal_pointer (&copy);
}

/* The real XA file has no calibration tags; added to a copy, they come
 * back as written. */
static void
test_dicom_xray_calibration_tags (void)
{
  static const char *const edits[] = {
    "(0028,0030)=0.16\\0.18", "(0018,1164)=0.2\\0.22", "(0018,1114)=1.25",
    "(0018,1110)=1000", "(0018,1111)=800", NULL,
  };
  g_autofree char *dcmodify = g_find_program_in_path ("dcmodify");
  g_autofree char *copy = NULL;
  g_autofree char *original = full_path ("dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  g_autoptr(NpFrame) plain = NULL;
  const NpDicomInfo *info;

  if (dcmodify == NULL)
    {
      g_test_skip ("dcmodify (package dcmtk) is not installed");
      return;
    }
  plain = np_dicom_helper_load_frame (original, 0, &error);
  g_assert_no_error (error);
  info = np_frame_get_dicom_info (plain);
  g_assert_true (isnan (info->pixel_spacing[0]) && isnan (info->imager_pixel_spacing[0]));
  g_assert_true (isnan (info->magnification) && isnan (info->sid_mm) && isnan (info->sod_mm));

  copy = modified_xa ("xa-calibrated.dcm", edits);
  frame = np_dicom_helper_load_frame (copy, 0, &error);
  g_assert_no_error (error);
  info = np_frame_get_dicom_info (frame);
  g_assert_cmpfloat (info->pixel_spacing[0], ==, 0.16);
  g_assert_cmpfloat (info->pixel_spacing[1], ==, 0.18);
  g_assert_cmpfloat (info->imager_pixel_spacing[0], ==, 0.2);
  g_assert_cmpfloat (info->imager_pixel_spacing[1], ==, 0.22);
  g_assert_cmpfloat (info->magnification, ==, 1.25);
  g_assert_cmpfloat (info->sid_mm, ==, 1000);
  g_assert_cmpfloat (info->sod_mm, ==, 800);
  g_unlink (copy);
}

/* MONOCHROME1 keeps the stored values and says they display inverted. */
static void
test_dicom_monochrome1 (void)
{
  static const char *const edits[] = { "(0028,0004)=MONOCHROME1", NULL };
  g_autofree char *dcmodify = g_find_program_in_path ("dcmodify");
  g_autofree char *copy = NULL;
  g_autofree char *original = full_path ("dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) inverted = NULL;
  g_autoptr(NpFrame) plain = NULL;
  gsize size;

  if (dcmodify == NULL)
    {
      g_test_skip ("dcmodify (package dcmtk) is not installed");
      return;
    }
  copy = modified_xa ("xa-monochrome1.dcm", edits);
  inverted = np_dicom_helper_load_frame (copy, 0, &error);
  g_assert_no_error (error);
  plain = np_dicom_helper_load_frame (original, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (np_frame_get_dicom_info (inverted)->photometric, ==, "MONOCHROME1");
  g_assert_true (np_frame_get_dicom_info (inverted)->invert);
  g_assert_false (np_frame_get_dicom_info (plain)->invert);
  size = np_frame_get_stride (plain) * np_frame_get_height (plain);
  g_assert_cmpmem (np_frame_get_data (inverted), size, np_frame_get_data (plain), size);
  g_unlink (copy);
}

/* An importer whose DCMTK finds no data dictionary says so in words. */
static void
test_dicom_no_dictionary (void)
{
  g_autofree char *path = full_path ("dicom/us/US1_UNCR.dcm");
  g_autofree char *missing = g_build_filename (tmp_dir, "no-dicom.dic", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("DCMDICTPATH"));
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomHelper) helper = NULL;
  GPid pid;

  g_setenv ("DCMDICTPATH", missing, TRUE);
  helper = np_dicom_helper_new (path, &error);
  if (saved != NULL)
    g_setenv ("DCMDICTPATH", saved, TRUE);
  else
    g_unsetenv ("DCMDICTPATH");
  g_assert_no_error (error);
  pid = np_dicom_helper_get_pid (helper);
  g_assert_false (np_dicom_helper_open (helper, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "data dictionary is not loaded"));
  assert_process_gone (pid);
}

/* Reopening checks the SOP Instance UID the plan records (plan format 2).
 * The file's UID is the one dcmdump prints for it: (0008,0018) of
 * IM00001.implicit_little_endian.dcm; the file has 8 frames. */
static void
test_dicom_plan_source (void)
{
  static const char *const uid = "1.3.6.1.4.1.25403.166563008443.732.20120418082458.3";
  g_autofree char *path = full_path ("dicom/us/IM00001.implicit_little_endian.dcm");
  g_autofree char *plan_path = g_build_filename (tmp_dir, "plan.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = np_dicom_helper_load_frame (path, 0, &error);
  g_autoptr(NpPlan) plan = np_plan_new ();
  const NpDicomInfo *info;

  g_assert_no_error (error);
  info = np_frame_get_dicom_info (frame);
  g_assert_nonnull (info);

  /* A plan of a PNG records no DICOM source: nothing to check. */
  g_assert_true (np_plan_file_check_dicom_source (plan, plan_path, path, info, &error));
  g_assert_no_error (error);

  np_plan_set_string (&plan->dicom_sop_instance_uid, uid);
  plan->dicom_frame_number = 8;
  g_assert_true (np_plan_file_check_dicom_source (plan, plan_path, path, info, &error));
  g_assert_no_error (error);

  /* Frame 9 of an 8-frame file. */
  plan->dicom_frame_number = 9;
  g_assert_false (np_plan_file_check_dicom_source (plan, plan_path, path, info, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“plan.json” was made on frame 9"));
  g_assert_nonnull (strstr (error->message, "has 8 frames"));
  g_clear_error (&error);

  /* Another image: the last digit differs. */
  plan->dicom_frame_number = 5;
  np_plan_set_string (&plan->dicom_sop_instance_uid,
                      "1.3.6.1.4.1.25403.166563008443.732.20120418082458.4");
  g_assert_false (np_plan_file_check_dicom_source (plan, plan_path, path, info, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "IM00001.implicit_little_endian.dcm” is not the "
                                            "image “plan.json” was made on"));
  g_assert_nonnull (strstr (error->message, "its SOP Instance UID is "
                                            "1.3.6.1.4.1.25403.166563008443.732.20120418082458.3, "
                                            "the plan’s is "
                                            "1.3.6.1.4.1.25403.166563008443.732.20120418082458.4"));
  g_clear_error (&error);

  /* The plan names a DICOM image, the frame found is not DICOM. */
  g_assert_false (np_plan_file_check_dicom_source (plan, plan_path, "frame.png", NULL, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "“frame.png” is not a DICOM file"));
}

/* The patient and study fields as dcmdump prints them for the XA cine and
 * the JPEG still (JPEGExtended has a Study Description, the XA none). */
static void
test_dicom_patient_study_fields (void)
{
  g_autofree char *xa = full_path ("dicom/xa/XA_Siemens_cardio_96frames_JPEG.dcm");
  g_autofree char *us = full_path ("dicom/us/JPEGExtended_3s_1f_u_08_08.dcm");
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) xa_frame = np_dicom_helper_load_frame (xa, 0, &error);
  g_autoptr(NpFrame) us_frame = NULL;
  g_autoptr(JsonNode) anonymous = NULL;
  const NpDicomInfo *info;

  g_assert_no_error (error);
  info = np_frame_get_dicom_info (xa_frame);
  g_assert_cmpstr (info->patient_name, ==, "Rubo DEMO");
  g_assert_cmpstr (info->patient_id, ==, "556342B");
  g_assert_cmpstr (info->patient_birth_date, ==, "19951025");
  g_assert_cmpstr (info->patient_sex, ==, "M");
  g_assert_cmpstr (info->study_date, ==, "19941013");
  g_assert_cmpstr (info->study_description, ==, "");
  g_assert_cmpstr (info->modality, ==, "XA");

  us_frame = np_dicom_helper_load_frame (us, 0, &error);
  g_assert_no_error (error);
  info = np_frame_get_dicom_info (us_frame);
  g_assert_cmpstr (info->study_description, ==, "ART HUMERALE");
  g_assert_cmpstr (info->patient_sex, ==, "O");

  /* Without the patient: no name, no study description. */
  anonymous = np_dicom_info_to_json (info, FALSE);
  g_assert_false (json_object_has_member (json_node_get_object (anonymous), "patient_name"));
  g_assert_false (json_object_has_member (json_node_get_object (anonymous),
                                          "study_description"));
  g_assert_true (json_object_has_member (json_node_get_object (anonymous), "modality"));
}

static void
test_dicom_missing (void)
{
  g_test_skip ("no shared test data: NP_TESTDATA_DIR has no dicom/METADATA.tsv");
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
add_folder_tests (const char  *folder,
                  const char  *prefix,
                  const char  *exclude,
                  GTestDataFunc func,
                  GPtrArray   *owned)
{
  g_autofree char *dir_path = g_build_filename (testdata_dir (), "dicom", folder, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".dcm") && (exclude == NULL || strstr (name, exclude) == NULL))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      char *relative = g_build_filename ("dicom", folder, g_ptr_array_index (names, i), NULL);
      g_autofree char *test_path = g_strdup_printf ("%s/%s/%s", prefix, folder,
                                                    (char *) g_ptr_array_index (names, i));
      g_ptr_array_add (owned, relative);
      g_test_add_data_func (test_path, relative, func);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-test-dicom-XXXXXX", &error);
  g_assert_no_error (error);

  if (!load_metadata ())
    g_test_add_func ("/core/dicom/files", test_dicom_missing);
  else
    {
      add_folder_tests ("us", "/core/dicom/open", NULL, test_dicom_open_file, owned);
      add_folder_tests ("xa", "/core/dicom/open", NULL, test_dicom_open_file, owned);
      /* dcmj2pnm cannot render segmented palettes (ALOKA): see
       * /core/dicom/segmented-palette. */
      add_folder_tests ("us", "/core/dicom/pixels", "ALOKA", test_dicom_pixels_file, owned);
      add_folder_tests ("xa", "/core/dicom/pixels", NULL, test_dicom_pixels_file, owned);
      add_folder_tests ("bad", "/core/dicom", NULL, test_dicom_bad_file, owned);
      g_test_add_func ("/core/dicom/segmented-palette", test_dicom_segmented_palette);
      g_test_add_func ("/core/dicom/jpeg2000-refused", test_dicom_jpeg2000_refused);
      g_test_add_func ("/core/dicom/too-large-refused", test_dicom_too_large_refused);
      g_test_add_func ("/core/dicom/frame-out-of-range", test_dicom_frame_out_of_range);
      g_test_add_func ("/core/dicom/character-set", test_dicom_character_set);
      g_test_add_func ("/core/dicom/no-dictionary", test_dicom_no_dictionary);
      g_test_add_func ("/core/dicom/xray-calibration-tags", test_dicom_xray_calibration_tags);
      g_test_add_func ("/core/dicom/monochrome1", test_dicom_monochrome1);
      g_test_add_func ("/core/dicom/plan-source", test_dicom_plan_source);
      g_test_add_func ("/core/dicom/patient-study-fields", test_dicom_patient_study_fields);
    }
  g_test_add_func ("/core/dicom/missing-file", test_dicom_missing_file);

  status = g_test_run ();

  g_clear_pointer (&metadata, g_hash_table_unref);
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
