/* np-frame.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-frame.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"
#include "np-jpeg.h"
#include "np-png.h"

#include <string.h>

/* Pixels are stored row by row, 8- or 16-bit samples (16-bit in host byte
 * order), 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels. Grey frames
 * stay grey so that the raw value a clinician reads is the value in the file. */
struct _NpFrame
{
  gint ref_count;

  guint width;
  guint height;
  guint channels;
  guint bit_depth;
  gsize stride;
  guint8 *data;

  char *source_path;
  char *source_format;
  guint source_bit_depth;

  gboolean has_pixel_size;
  double mm_per_px_x;
  double mm_per_px_y;

  /* Ordered text chunks: keys and values interleaved. */
  GPtrArray *text;

  /* The DICOM file's facts, when the frame came from one. */
  NpDicomInfo *dicom;
};

G_DEFINE_BOXED_TYPE (NpFrame, np_frame, np_frame_ref, np_frame_unref)

/**
 * np_frame_new:
 *
 * Allocates a zeroed frame. Fails with %NP_ERROR_TOO_LARGE when the frame is
 * over %NP_FRAME_MAX_PIXELS or its buffer cannot be allocated.
 *
 * Returns: (transfer full) (nullable): the frame
 */
NpFrame *
np_frame_new (guint    width,
              guint    height,
              guint    channels,
              guint    bit_depth,
              GError **error)
{
  NpFrame *frame;
  guint64 pixels = (guint64) width * height;
  guint64 stride = (guint64) width * channels * (bit_depth / 8);

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels >= 1 && channels <= 4, NULL);
  g_return_val_if_fail (bit_depth == 8 || bit_depth == 16, NULL);

  if (pixels > NP_FRAME_MAX_PIXELS)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("image is %u × %u pixels, larger than the %u-megapixel limit"),
                   width, height, (guint) (NP_FRAME_MAX_PIXELS / (1024 * 1024)));
      return NULL;
    }

  frame = g_new0 (NpFrame, 1);
  frame->ref_count = 1;
  frame->width = width;
  frame->height = height;
  frame->channels = channels;
  frame->bit_depth = bit_depth;
  frame->source_bit_depth = bit_depth;
  frame->stride = (gsize) stride;
  frame->data = g_try_malloc0 ((gsize) (stride * height));
  frame->text = g_ptr_array_new_with_free_func (g_free);
  if (frame->data == NULL)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("not enough memory for an image of %u × %u pixels"), width, height);
      np_frame_unref (frame);
      return NULL;
    }

  return frame;
}

NpFrame *
np_frame_ref (NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);

  g_atomic_int_inc (&frame->ref_count);
  return frame;
}

void
np_frame_unref (NpFrame *frame)
{
  g_return_if_fail (frame != NULL);

  if (!g_atomic_int_dec_and_test (&frame->ref_count))
    return;

  g_free (frame->data);
  g_free (frame->source_path);
  g_free (frame->source_format);
  g_ptr_array_unref (frame->text);
  g_clear_pointer (&frame->dicom, np_dicom_info_free);
  g_free (frame);
}

guint
np_frame_get_width (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->width;
}

guint
np_frame_get_height (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->height;
}

guint
np_frame_get_channels (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->channels;
}

guint
np_frame_get_bit_depth (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->bit_depth;
}

gsize
np_frame_get_stride (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->stride;
}

const guint8 *
np_frame_get_data (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  return frame->data;
}

guint8 *
np_frame_get_data_mutable (NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  return frame->data;
}

gboolean
np_frame_is_gray (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, FALSE);
  return frame->channels <= 2;
}

gboolean
np_frame_has_alpha (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, FALSE);
  return frame->channels == 2 || frame->channels == 4;
}

guint
np_frame_get_max_value (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->bit_depth == 16 ? 65535 : 255;
}

guint
np_frame_get_sample (const NpFrame *frame,
                     guint          x,
                     guint          y,
                     guint          channel)
{
  const guint8 *row;

  g_return_val_if_fail (frame != NULL, 0);
  g_return_val_if_fail (x < frame->width && y < frame->height, 0);
  g_return_val_if_fail (channel < frame->channels, 0);

  row = frame->data + (gsize) y * frame->stride;
  if (frame->bit_depth == 16)
    return ((const guint16 *) row)[(gsize) x * frame->channels + channel];
  return row[(gsize) x * frame->channels + channel];
}

void
np_frame_set_sample (NpFrame *frame,
                     guint    x,
                     guint    y,
                     guint    channel,
                     guint    value)
{
  guint8 *row;

  g_return_if_fail (frame != NULL);
  g_return_if_fail (x < frame->width && y < frame->height);
  g_return_if_fail (channel < frame->channels);

  row = frame->data + (gsize) y * frame->stride;
  if (frame->bit_depth == 16)
    ((guint16 *) row)[(gsize) x * frame->channels + channel] = (guint16) MIN (value, 65535u);
  else
    row[(gsize) x * frame->channels + channel] = (guint8) MIN (value, 255u);
}

const char *
np_frame_get_source_path (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  return frame->source_path;
}

void
np_frame_set_source_path (NpFrame    *frame,
                          const char *path)
{
  g_return_if_fail (frame != NULL);
  g_free (frame->source_path);
  frame->source_path = g_strdup (path);
}

/**
 * np_frame_get_source_format:
 *
 * A short description of how the pixels were stored in the file, for
 * example "8-bit palette" or "16-bit grey".
 */
const char *
np_frame_get_source_format (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  return frame->source_format;
}

void
np_frame_set_source_format (NpFrame    *frame,
                            const char *description)
{
  g_return_if_fail (frame != NULL);
  g_free (frame->source_format);
  frame->source_format = g_strdup (description);
}

guint
np_frame_get_source_bit_depth (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, 0);
  return frame->source_bit_depth;
}

void
np_frame_set_source_bit_depth (NpFrame *frame,
                               guint    bit_depth)
{
  g_return_if_fail (frame != NULL);
  frame->source_bit_depth = bit_depth;
}

/**
 * np_frame_get_declared_pixel_size:
 *
 * The pixel size the file itself declares (PNG pHYs in metres). This is a
 * calibration candidate only: the user decides whether to trust it.
 *
 * Returns: %TRUE when the file declared a physical pixel size
 */
gboolean
np_frame_get_declared_pixel_size (const NpFrame *frame,
                                  double        *mm_per_px_x,
                                  double        *mm_per_px_y)
{
  g_return_val_if_fail (frame != NULL, FALSE);

  if (mm_per_px_x)
    *mm_per_px_x = frame->has_pixel_size ? frame->mm_per_px_x : 0.0;
  if (mm_per_px_y)
    *mm_per_px_y = frame->has_pixel_size ? frame->mm_per_px_y : 0.0;
  return frame->has_pixel_size;
}

void
np_frame_set_declared_pixel_size (NpFrame *frame,
                                  double   mm_per_px_x,
                                  double   mm_per_px_y)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (mm_per_px_x > 0 && mm_per_px_y > 0);

  frame->has_pixel_size = TRUE;
  frame->mm_per_px_x = mm_per_px_x;
  frame->mm_per_px_y = mm_per_px_y;
}

void
np_frame_clear_declared_pixel_size (NpFrame *frame)
{
  g_return_if_fail (frame != NULL);
  frame->has_pixel_size = FALSE;
  frame->mm_per_px_x = frame->mm_per_px_y = 0.0;
}

const char *
np_frame_get_text (const NpFrame *frame,
                   const char    *key)
{
  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i + 1 < frame->text->len; i += 2)
    if (strcmp (g_ptr_array_index (frame->text, i), key) == 0)
      return g_ptr_array_index (frame->text, i + 1);
  return NULL;
}

/* Sets or replaces a text entry; a %NULL value removes it. */
void
np_frame_set_text (NpFrame    *frame,
                   const char *key,
                   const char *value)
{
  g_return_if_fail (frame != NULL);
  g_return_if_fail (key != NULL);

  for (guint i = 0; i + 1 < frame->text->len; i += 2)
    {
      if (strcmp (g_ptr_array_index (frame->text, i), key) != 0)
        continue;
      if (value == NULL)
        {
          g_ptr_array_remove_range (frame->text, i, 2);
          return;
        }
      g_free (g_ptr_array_index (frame->text, i + 1));
      g_ptr_array_index (frame->text, i + 1) = g_strdup (value);
      return;
    }

  if (value == NULL)
    return;
  g_ptr_array_add (frame->text, g_strdup (key));
  g_ptr_array_add (frame->text, g_strdup (value));
}

/**
 * np_frame_dup_text_keys:
 *
 * Returns: (transfer full): the text keys in file order
 */
GStrv
np_frame_dup_text_keys (const NpFrame *frame)
{
  GStrvBuilder *builder;
  GStrv keys;

  g_return_val_if_fail (frame != NULL, NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i + 1 < frame->text->len; i += 2)
    g_strv_builder_add (builder, g_ptr_array_index (frame->text, i));
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

/**
 * np_frame_get_dicom_info:
 *
 * Returns: (transfer none) (nullable): the header facts of the DICOM file
 * the frame was read from
 */
const NpDicomInfo *
np_frame_get_dicom_info (const NpFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);
  return frame->dicom;
}

/**
 * np_frame_set_dicom_info:
 * @info: (nullable): copied
 */
void
np_frame_set_dicom_info (NpFrame           *frame,
                         const NpDicomInfo *info)
{
  g_return_if_fail (frame != NULL);

  g_clear_pointer (&frame->dicom, np_dicom_info_free);
  if (info != NULL)
    frame->dicom = np_dicom_info_copy (info);
}

/**
 * np_frame_load_from_memory:
 * @display_name: the name used in error messages (usually the path)
 *
 * Decodes a PNG or JPEG image, chosen by its first bytes, not by its name.
 *
 * Returns: (transfer full) (nullable): the frame
 */
NpFrame *
np_frame_load_from_memory (const guint8  *data,
                           gsize          length,
                           const char    *display_name,
                           GError       **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  if (np_jpeg_sniff (data, length))
    return np_jpeg_load_from_memory (data, length, display_name, error);
  if (length >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return np_png_load_from_memory (data, length, display_name, error);
  g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED, _("Cannot open “%s”: %s"), display_name,
               length == 0 ? _("the file is empty") : _("not a PNG or JPEG image"));
  return NULL;
}

/**
 * np_frame_load:
 *
 * Opens a PNG or JPEG frame, chosen by the file's first bytes.
 *
 * Returns: (transfer full) (nullable): the frame, with its source path set
 */
NpFrame *
np_frame_load (const char  *path,
               GError     **error)
{
  return np_frame_load_hashed (path, NULL, error);
}

/**
 * np_frame_read:
 *
 * Reads a frame file whole through one descriptor (np_file_read_image()),
 * within the size limit of the format its first bytes name, for
 * np_frame_load_from_memory() and a checksum of the same bytes.
 *
 * Returns: (transfer full) (nullable): the file's bytes
 */
GBytes *
np_frame_read (const char  *path,
               GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  /* The larger of the two limits here; the smaller is checked below once
   * the first bytes say which format it is. */
  bytes = np_file_read_image (path, MAX (NP_JPEG_MAX_FILE_SIZE, NP_PNG_MAX_FILE_SIZE), error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &length);
  if (length > (np_jpeg_sniff (data, length) ? NP_JPEG_MAX_FILE_SIZE : NP_PNG_MAX_FILE_SIZE))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("Cannot open “%s”: the file is larger than NeedlePlan accepts"), display);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/**
 * np_frame_load_hashed:
 * @sha256: (out) (optional): the lowercase hex SHA-256 of the file, set
 *   only when the frame loads
 *
 * Opens a PNG or JPEG frame and hashes the very bytes it decodes: the file
 * is read once through one descriptor, so the checksum recorded for a frame
 * is the checksum of the pixels shown even when the file is replaced
 * meanwhile. Only a file that decodes is hashed, so a path can never be
 * used to learn the checksum of something that is not an image.
 *
 * Returns: (transfer full) (nullable): the frame, with its source path set
 */
NpFrame *
np_frame_load_hashed (const char  *path,
                      char       **sha256,
                      GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *display = NULL;
  const guint8 *data;
  gsize length;
  NpFrame *frame;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (sha256 == NULL || *sha256 == NULL, NULL);

  bytes = np_frame_read (path, error);
  if (bytes == NULL)
    return NULL;
  display = g_filename_display_name (path);
  data = g_bytes_get_data (bytes, &length);
  frame = np_frame_load_from_memory (data, length, display, error);
  if (frame == NULL)
    return NULL;
  np_frame_set_source_path (frame, path);
  if (sha256 != NULL)
    *sha256 = np_file_sha256_of_data (data, length);
  return frame;
}
