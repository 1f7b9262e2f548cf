/* np-jpeg.c: JPEG still frames (USB exports of many scanners)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-jpeg.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

/* libjpeg calls error_exit and expects it never to return: it jumps back
 * to the setjmp in run_decode with the library's message kept here. */
typedef struct
{
  struct jpeg_error_mgr base;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  guint warnings;
} ErrorManager;

/* A progressive file may hold thousands of tiny scans, each a full pass
 * over the image: minutes of CPU from a small file. Real encoders write
 * about ten; libjpeg-turbo's own tools stop at a limit too. */
#define MAX_SCANS 200

static void
progress_cb (j_common_ptr cinfo)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  if (cinfo->is_decompressor && ((j_decompress_ptr) cinfo)->input_scan_number > MAX_SCANS)
    {
      g_snprintf (err->message, sizeof err->message, _("too many scans (over %d)"), MAX_SCANS);
      longjmp (err->jump, 1);
    }
}

static void
error_exit_cb (j_common_ptr cinfo)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  err->base.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
emit_message_cb (j_common_ptr cinfo,
                 int          level)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  /* Level -1 is a warning about damaged data (a truncated file is one:
   * libjpeg pads it with grey and goes on). Keep the first one. */
  /* Bytes between markers (some scanners pad) leave the image intact. */
  if (level < 0 && err->base.msg_code != JWRN_EXTRANEOUS_DATA)
    {
      if (err->warnings++ == 0)
        err->base.format_message (cinfo, err->message);
    }
}

static void
output_message_cb (j_common_ptr cinfo)
{
  (void) cinfo;
}

gboolean
np_jpeg_sniff (const guint8 *data,
               gsize         length)
{
  return data != NULL && length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

static char *
describe_libjpeg_error (const char *message)
{
  if (strstr (message, "Premature end") || strstr (message, "EOF"))
    return g_strdup (_("the file is truncated"));
  /* the headers end before the image data begins */
  if (strstr (message, "missing SOS") || strstr (message, "contains no image"))
    return g_strdup (_("the file is truncated (its image data is missing)"));
  if (strstr (message, "Not a JPEG") || strstr (message, "SOI"))
    return g_strdup (_("not a JPEG image"));
  if (strstr (message, "Maximum supported image dimension") || strstr (message, "too large")
      || strstr (message, "Insufficient memory"))
    return g_strdup (_("the file declares more data than NeedlePlan accepts"));
  if (strstr (message, "too many scans"))
    return g_strdup_printf (_("the file is damaged or hostile (%s)"), message);
  if (strstr (message, "Unsupported") || strstr (message, "not supported"))
    return g_strdup_printf (_("the file uses a JPEG feature NeedlePlan does not read (%s)"), message);
  return g_strdup_printf (_("the file is damaged (%s)"), message);
}

/* Everything that must survive the longjmp lives here, not in locals. */
typedef struct
{
  struct jpeg_decompress_struct cinfo;
  ErrorManager err;
  struct jpeg_progress_mgr progress;
  NpFrame *frame;
  GError *error;
  gboolean created;
} DecodeState;

static void
decode (DecodeState  *state,
        const guint8 *data,
        gsize         length)
{
  struct jpeg_decompress_struct *cinfo = &state->cinfo;
  guint64 pixels;
  guint channels;

  jpeg_mem_src (cinfo, data, (unsigned long) length);
  jpeg_read_header (cinfo, TRUE);

  pixels = (guint64) cinfo->image_width * cinfo->image_height;
  if (cinfo->image_width == 0 || cinfo->image_height == 0)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_CORRUPT, _("the image header is invalid"));
      return;
    }
  if (pixels > NP_FRAME_MAX_PIXELS)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("image is %u × %u pixels, larger than the %u-megapixel limit"),
                   (guint) cinfo->image_width, (guint) cinfo->image_height,
                   (guint) (NP_FRAME_MAX_PIXELS / (1024 * 1024)));
      return;
    }
  /* Even the best compression needs some bytes per 8 × 8 block; a file far
   * too small for its declared size is cut short or hostile, and decoding
   * it would allocate the whole frame for nothing. */
  if ((guint64) length * 2048 < pixels)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("the file is truncated (it holds too little image data for %u × %u pixels)"),
                   (guint) cinfo->image_width, (guint) cinfo->image_height);
      return;
    }

  switch (cinfo->jpeg_color_space)
    {
    case JCS_GRAYSCALE:
      cinfo->out_color_space = JCS_GRAYSCALE;
      channels = 1;
      break;
    case JCS_RGB:
    case JCS_YCbCr:
      cinfo->out_color_space = JCS_RGB;
      channels = 3;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      g_set_error (&state->error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("it is a CMYK JPEG (a print file); NeedlePlan reads grey and colour "
                   "(RGB) JPEG images only"));
      return;
    default:
      g_set_error (&state->error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("its colour space is not one NeedlePlan reads (grey and RGB only)"));
      return;
    }

  jpeg_start_decompress (cinfo);
  if (cinfo->output_components != (int) channels)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("unsupported pixel layout (%d components)"), cinfo->output_components);
      return;
    }

  state->frame = np_frame_new (cinfo->output_width, cinfo->output_height, channels, 8,
                               &state->error);
  if (state->frame == NULL)
    return;

  while (cinfo->output_scanline < cinfo->output_height)
    {
      JSAMPROW row = np_frame_get_data_mutable (state->frame)
                     + (gsize) cinfo->output_scanline * np_frame_get_stride (state->frame);

      if (jpeg_read_scanlines (cinfo, &row, 1) != 1)
        break;
    }
  if (state->err.warnings > 0 && strstr (state->err.message, "Premature end") != NULL)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("the file is truncated (the bottom of the image is missing)"));
      return;
    }
  if (state->err.warnings > 0)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_CORRUPT, _("the image data is damaged (%s)"),
                   state->err.message);
      return;
    }
  jpeg_finish_decompress (cinfo);

  np_frame_set_source_format (state->frame, NP_JPEG_SOURCE_FORMAT);
  np_frame_set_source_bit_depth (state->frame, 8);
}

/* Kept apart so that no local of the caller is live across setjmp. */
static gboolean
run_decode (DecodeState  *state,
            const guint8 *data,
            gsize         length)
{
  if (setjmp (state->err.jump) != 0)
    return FALSE;
  jpeg_create_decompress (&state->cinfo);
  state->created = TRUE;
  state->progress.progress_monitor = progress_cb;
  state->cinfo.progress = &state->progress;
  decode (state, data, length);
  return TRUE;
}

/**
 * np_jpeg_load_from_memory:
 * @display_name: the name used in error messages (usually the path)
 *
 * Decodes a baseline or progressive JPEG image. Grey stays 8-bit grey,
 * colour becomes RGB; CMYK is refused. A JPEG never declares a pixel size.
 *
 * Returns: (transfer full) (nullable): the frame
 */
NpFrame *
np_jpeg_load_from_memory (const guint8  *data,
                          gsize          length,
                          const char    *display_name,
                          GError       **error)
{
  DecodeState *state;
  NpFrame *frame = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  if (!np_jpeg_sniff (data, length))
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED, _("Cannot open “%s”: %s"),
                   display_name, length == 0 ? _("the file is empty") : _("not a JPEG image"));
      return NULL;
    }

  state = g_new0 (DecodeState, 1);
  state->cinfo.err = jpeg_std_error (&state->err.base);
  state->err.base.error_exit = error_exit_cb;
  state->err.base.emit_message = emit_message_cb;
  state->err.base.output_message = output_message_cb;

  if (!run_decode (state, data, length))
    {
      g_autofree char *what = describe_libjpeg_error (state->err.message);

      g_clear_error (&state->error);
      g_set_error (&state->error, NP_ERROR, NP_ERROR_CORRUPT, "%s", what);
    }

  if (state->error != NULL)
    g_set_error (error, state->error->domain, state->error->code, _("Cannot open “%s”: %s"),
                 display_name, state->error->message);
  else
    frame = g_steal_pointer (&state->frame);

  g_clear_error (&state->error);
  g_clear_pointer (&state->frame, np_frame_unref);
  if (state->created)
    jpeg_destroy_decompress (&state->cinfo);
  g_free (state);
  return frame;
}

/**
 * np_jpeg_load:
 *
 * Returns: (transfer full) (nullable): the frame, with its source path set
 */
NpFrame *
np_jpeg_load (const char  *path,
             GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *display = NULL;
  NpFrame *frame;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = np_file_map_image (path, NP_JPEG_MAX_FILE_SIZE, error);
  if (mapped == NULL)
    return NULL;
  display = g_filename_display_name (path);
  frame = np_jpeg_load_from_memory ((const guint8 *) g_mapped_file_get_contents (mapped),
                                    g_mapped_file_get_length (mapped), display, error);
  if (frame != NULL)
    np_frame_set_source_path (frame, path);
  return frame;
}

typedef struct
{
  struct jpeg_compress_struct cinfo;
  ErrorManager err;
  unsigned char *out;
  unsigned long out_size;
  guint8 *row;
  gboolean created;
} EncodeState;

static gboolean
run_encode (EncodeState   *state,
            const NpFrame *frame,
            int            quality)
{
  struct jpeg_compress_struct *cinfo = &state->cinfo;
  guint width = np_frame_get_width (frame);
  guint channels = np_frame_get_channels (frame);

  if (setjmp (state->err.jump) != 0)
    return FALSE;
  jpeg_create_compress (cinfo);
  state->created = TRUE;
  jpeg_mem_dest (cinfo, &state->out, &state->out_size);
  cinfo->image_width = width;
  cinfo->image_height = np_frame_get_height (frame);
  cinfo->input_components = np_frame_is_gray (frame) ? 1 : 3;
  cinfo->in_color_space = np_frame_is_gray (frame) ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (cinfo);
  jpeg_set_quality (cinfo, quality, TRUE);
  jpeg_start_compress (cinfo, TRUE);

  /* 16-bit samples keep their top byte; alpha is dropped. */
  state->row = g_malloc ((gsize) width * 3);
  while (cinfo->next_scanline < cinfo->image_height)
    {
      guint8 *row = state->row;
      JSAMPROW rowp = row;

      for (guint x = 0; x < width; x++)
        for (int c = 0; c < cinfo->input_components; c++)
          {
            guint v = np_frame_get_sample (frame, x, cinfo->next_scanline,
                                           MIN ((guint) c, channels - 1));
            row[x * cinfo->input_components + c] = np_frame_get_bit_depth (frame) == 16
                                                   ? (guint8) (v >> 8) : (guint8) v;
          }
      jpeg_write_scanlines (cinfo, &rowp, 1);
    }
  jpeg_finish_compress (cinfo);
  return TRUE;
}

/**
 * np_jpeg_encode:
 * @quality: 1-100
 *
 * Encodes @frame as a baseline JPEG (grey stays grey; alpha is dropped).
 *
 * Returns: (transfer full) (nullable): the JPEG bytes
 */
GBytes *
np_jpeg_encode (const NpFrame  *frame,
                int             quality,
                GError        **error)
{
  EncodeState *state;
  GBytes *bytes = NULL;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (quality >= 1 && quality <= 100, NULL);

  state = g_new0 (EncodeState, 1);
  state->cinfo.err = jpeg_std_error (&state->err.base);
  state->err.base.error_exit = error_exit_cb;
  state->err.base.emit_message = emit_message_cb;
  state->err.base.output_message = output_message_cb;

  if (run_encode (state, frame, quality))
    bytes = g_bytes_new (state->out, state->out_size);
  else
    g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("could not encode JPEG: %s"),
                 state->err.message);
  if (state->created)
    jpeg_destroy_compress (&state->cinfo);
  free (state->out);
  g_free (state->row);
  g_free (state);
  return bytes;
}
