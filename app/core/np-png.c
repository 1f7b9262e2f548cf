/* np-png.c
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "np-core"

#include "np-png.h"

#include <glib/gi18n-lib.h>

#include "np-error.h"
#include "np-file.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>
#include <zlib.h>

typedef struct
{
  const guint8 *data;
  gsize length;
  gsize offset;
  char message[256];
  /* While the last row is decoded (see read_rows()): how many more bytes of
   * IDAT data libpng may read, and the chunk that holds the read offset. */
  gboolean budget_armed;
  gsize idat_budget;
  gsize chunk_start;
  gsize chunk_end;
  gboolean chunk_is_idat;
} ReadContext;

typedef struct
{
  GByteArray *out;
  char message[256];
} WriteContext;

static void
read_error_cb (png_structp     png,
               png_const_charp message)
{
  ReadContext *ctx = png_get_error_ptr (png);

  g_strlcpy (ctx->message, message ? message : _("unknown error"), sizeof ctx->message);
  png_longjmp (png, 1);
}

static void
quiet_warning_cb (png_structp     png,
                  png_const_charp message)
{
  /* Warnings (bad ancillary chunks that libpng skips) are not worth a
   * clinician's attention; the image itself is intact. */
  (void) png;
  g_debug ("libpng: %s", message);
}

/* Moves the chunk cursor forward to the chunk that holds @offset. The
 * chunk lengths up to IEND were checked by check_chunk_lengths(). */
static void
seek_chunk (ReadContext *ctx,
            gsize        offset)
{
  while (offset >= ctx->chunk_end && ctx->chunk_end + 8 <= ctx->length)
    {
      const guint8 *p = ctx->data + ctx->chunk_end;
      guint32 chunk_length = ((guint32) p[0] << 24) | ((guint32) p[1] << 16)
                             | ((guint32) p[2] << 8) | p[3];

      ctx->chunk_start = ctx->chunk_end;
      ctx->chunk_end = ctx->chunk_start + 12 + (gsize) chunk_length;
      ctx->chunk_is_idat = memcmp (p + 4, "IDAT", 4) == 0;
    }
}

/* How many of the bytes [start, start + length) are IDAT data (not chunk
 * headers, CRCs or other chunks). */
static gsize
idat_bytes_in (ReadContext *ctx,
               gsize        start,
               gsize        length)
{
  gsize end = start + length;
  gsize count = 0;

  while (start < end)
    {
      gsize stop;

      seek_chunk (ctx, start);
      if (start < ctx->chunk_start || start >= ctx->chunk_end)
        break;
      stop = MIN (end, ctx->chunk_end);
      if (ctx->chunk_is_idat)
        {
          gsize low = MAX (start, ctx->chunk_start + 8);
          gsize high = MIN (stop, ctx->chunk_end - 4);

          if (high > low)
            count += high - low;
        }
      start = stop;
    }
  return count;
}

static void
read_data_cb (png_structp png,
              png_bytep   dest,
              size_t      length)
{
  ReadContext *ctx = png_get_io_ptr (png);

  if (length > ctx->length - ctx->offset)
    png_error (png, "Read Error");
  if (ctx->budget_armed)
    {
      gsize idat = idat_bytes_in (ctx, ctx->offset, length);

      if (idat > ctx->idat_budget)
        png_error (png, "Too much image data");
      ctx->idat_budget -= idat;
    }
  memcpy (dest, ctx->data + ctx->offset, length);
  ctx->offset += length;
}

/* libpng's messages are for programmers; a clinician needs to know whether
 * the file is not a PNG, is cut short, or is damaged. */
static char *
describe_libpng_error (const char *message)
{
  if (strstr (message, "Not a PNG file"))
    return g_strdup (_("not a PNG image"));
  if (strstr (message, "ASCII conversion"))
    return g_strdup (_("not a PNG image (the file was damaged by a text-mode transfer)"));
  if (strstr (message, "Read Error") || strstr (message, "EOF") || strstr (message, "truncated")
      || strstr (message, "Not enough image data"))
    return g_strdup (_("the file is truncated"));
  if (strstr (message, "CRC error"))
    {
      const char *colon = strchr (message, ':');
      if (colon != NULL && colon - message == 4)
        return g_strdup_printf (_("the file is damaged (checksum error in its %.4s chunk)"), message);
      return g_strdup (_("the file is damaged (checksum error)"));
    }
  if (strstr (message, "data check") || strstr (message, "invalid") || strstr (message, "Too much")
      || strstr (message, "Extra compressed data") || strstr (message, "zlib"))
    return g_strdup (_("the image data is damaged"));
  if (strstr (message, "IHDR"))
    return g_strdup (_("the image header is invalid"));
  if (strstr (message, "exceeds user limit") || strstr (message, "too large")
      || strstr (message, "Insufficient memory") || strstr (message, "out of memory"))
    return g_strdup (_("the file declares more data than NeedlePlan accepts"));
  if (strstr (message, "out of place") || strstr (message, "Missing"))
    return g_strdup (_("the file's chunks are out of order (damaged file)"));
  return g_strdup_printf (_("the file is damaged (%s)"), message);
}

static const char *
describe_color_type (int color_type)
{
  switch (color_type)
    {
    case PNG_COLOR_TYPE_GRAY: return "grey";
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "grey + alpha";
    case PNG_COLOR_TYPE_PALETTE: return "palette";
    case PNG_COLOR_TYPE_RGB: return "RGB";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "RGBA";
    default: return "unknown";
    }
}

/* PNG keywords are 1-79 printable Latin-1 characters; libpng refuses to
 * write anything else, so such entries are dropped on read and on write. */
static gboolean
is_valid_keyword (const char *key)
{
  gsize length = key ? strlen (key) : 0;

  if (length < 1 || length > 79 || key[0] == ' ' || key[length - 1] == ' ')
    return FALSE;
  for (const guchar *p = (const guchar *) key; *p; p++)
    if (*p < 32 || (*p > 126 && *p < 161))
      return FALSE;
  return TRUE;
}

/* Every byte is a Latin-1 character, so this conversion cannot fail. */
static char *
latin1_to_utf8 (const char *latin1)
{
  GString *utf8 = g_string_sized_new (strlen (latin1));

  for (const guchar *p = (const guchar *) latin1; *p; p++)
    g_string_append_unichar (utf8, *p);
  return g_string_free (utf8, FALSE);
}

/* The keyword in PNG's Latin-1, or NULL when it has a character outside
 * Latin-1 or is not a valid keyword. */
static char *
utf8_to_latin1_keyword (const char *utf8)
{
  GString *latin1 = g_string_sized_new (strlen (utf8));

  for (const char *p = utf8; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c > 255)
        {
          g_string_free (latin1, TRUE);
          return NULL;
        }
      g_string_append_c (latin1, (char) c);
    }
  if (!is_valid_keyword (latin1->str))
    {
      g_string_free (latin1, TRUE);
      return NULL;
    }
  return g_string_free (latin1, FALSE);
}

static void
copy_text_chunks (png_structp  png,
                  png_infop    info,
                  NpFrame     *frame)
{
  png_textp text = NULL;
  int n_text = 0;

  if (info == NULL || png_get_text (png, info, &text, &n_text) <= 0)
    return;

  for (int i = 0; i < n_text; i++)
    {
      const char *value = text[i].text ? text[i].text : "";
      g_autofree char *key = NULL;
      g_autofree char *utf8 = NULL;

      if (!is_valid_keyword (text[i].key))
        continue;
      /* Keywords and tEXt/zTXt values are Latin-1; iTXt values claim UTF-8
       * but broken writers put anything there. The frame's text reaches JSON
       * and GTK labels, so it must be valid UTF-8. */
      key = latin1_to_utf8 (text[i].key);
      if (text[i].compression == PNG_ITXT_COMPRESSION_NONE
          || text[i].compression == PNG_ITXT_COMPRESSION_zTXt)
        utf8 = g_utf8_make_valid (value, -1);
      else
        utf8 = latin1_to_utf8 (value);
      np_frame_set_text (frame, key, utf8);
    }
}

/* How many bytes the zlib stream @data inflates to, counting no further
 * than @limit + 1: enough to know that a chunk is over the limit. */
static gsize
inflated_size (const guint8 *data,
               gsize         length,
               gsize         limit)
{
  z_stream stream = { 0 };
  guint8 scratch[16384];
  gsize total = 0;
  int status = Z_OK;

  if (inflateInit (&stream) != Z_OK)
    return 0;
  stream.next_in = (Bytef *) data;
  stream.avail_in = (uInt) MIN (length, (gsize) G_MAXUINT32);
  while (status == Z_OK && total <= limit)
    {
      stream.next_out = scratch;
      stream.avail_out = sizeof scratch;
      status = inflate (&stream, Z_NO_FLUSH);
      total += sizeof scratch - stream.avail_out;
      if (status == Z_BUF_ERROR || (status == Z_OK && stream.avail_out == sizeof scratch))
        break;
    }
  inflateEnd (&stream);
  return total;
}

/* The text a tEXt, zTXt or iTXt chunk holds once decompressed, at most
 * NP_PNG_MAX_CHUNK_BYTES + 1 (libpng drops anything larger). */
static gsize
text_chunk_size (const char   *type,
                 const guint8 *body,
                 gsize         length)
{
  const guint8 *end = body + length;
  const guint8 *p = memchr (body, '\0', length);   /* after the keyword */

  if (strcmp (type, "tEXt") == 0)
    return length;
  if (p == NULL)
    return 0;
  if (strcmp (type, "zTXt") == 0)
    return p + 2 <= end ? inflated_size (p + 2, end - (p + 2), NP_PNG_MAX_CHUNK_BYTES) : 0;
  /* iTXt: compression flag, method, language tag \0, translated keyword \0 */
  if (p + 3 > end)
    return 0;
  {
    gboolean compressed = p[1] != 0;
    const guint8 *q = p + 3;

    for (int field = 0; field < 2 && q != NULL && q < end; field++)
      {
        q = memchr (q, '\0', end - q);
        if (q != NULL)
          q++;
      }
    if (q == NULL || q > end)
      return 0;
    return compressed ? inflated_size (q, end - q, NP_PNG_MAX_CHUNK_BYTES) : (gsize) (end - q);
  }
}

/* libpng allocates (and clears) an ancillary chunk's whole declared length
 * before reading it, so a 57-byte file claiming a 1 GiB iTXt costs 1 GiB.
 * The compressed bytes are all in memory, so every chunk can be checked
 * against the bytes that really follow it before libpng sees the file. */
static gboolean
check_chunk_lengths (const guint8  *data,
                     gsize          length,
                     guint64       *idat_bytes,
                     GError       **error)
{
  gsize offset = 8;
  guint64 text_bytes = 0;

  *idat_bytes = 0;

  while (offset < length)
    {
      guint32 chunk_length;
      char type[5] = { 0 };

      if (length - offset < 12)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("the file is truncated"));
          return FALSE;
        }
      chunk_length = ((guint32) data[offset] << 24) | ((guint32) data[offset + 1] << 16)
                     | ((guint32) data[offset + 2] << 8) | data[offset + 3];
      memcpy (type, data + offset + 4, 4);
      if (chunk_length > length - offset - 12)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_CORRUPT, _("the file is truncated"));
          return FALSE;
        }
      if (chunk_length > NP_PNG_MAX_CHUNK_BYTES && strcmp (type, "IDAT") != 0)
        {
          g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                       _("its %s metadata chunk is larger than the %u MiB limit"), type,
                       NP_PNG_MAX_CHUNK_BYTES / (1024 * 1024));
          return FALSE;
        }
      if (strcmp (type, "IEND") == 0)
        break;
      /* libpng keeps up to 1000 text chunks of 8 MiB each once inflated;
       * the budget holds for all of them together (counting every byte
       * inflated, so the checking itself stays bounded too). */
      if (strcmp (type, "tEXt") == 0 || strcmp (type, "zTXt") == 0 || strcmp (type, "iTXt") == 0)
        {
          text_bytes += text_chunk_size (type, data + offset + 8, chunk_length);
          if (text_bytes > NP_PNG_MAX_TEXT_BYTES)
            {
              g_set_error (error, NP_ERROR, NP_ERROR_TOO_LARGE,
                           _("its text chunks hold more than %u MiB of text once decompressed"),
                           NP_PNG_MAX_TEXT_BYTES / (1024 * 1024));
              return FALSE;
            }
        }
      if (strcmp (type, "IDAT") == 0)
        *idat_bytes += chunk_length;
      offset += 12 + (gsize) chunk_length;
    }
  return TRUE;
}

/* Everything that must be released after a longjmp lives here, not in
 * locals, so that setjmp cannot leave it in an indeterminate state. */
typedef struct
{
  png_structp png;
  png_infop info;
  png_infop end_info;
  png_bytep *rows;
  NpFrame *frame;
  GError *error;
  guint64 idat_bytes;
} LoadState;

static void
load_state_clear (LoadState *state)
{
  png_destroy_read_struct (&state->png, &state->info, &state->end_info);
  g_clear_pointer (&state->rows, g_free);
  g_clear_pointer (&state->frame, np_frame_unref);
}

/* Reads every row, as png_read_image() does. libpng inflates whatever
 * compressed data follows the image while it finishes the last row, so a
 * zlib bomb (a few MiB that inflate to many GiB behind a small image) would
 * cost minutes of CPU. The last row may read only the data it can need: its
 * own compressed bytes (deflate never stores a row in more than twice its
 * size) and the end of the stream. */
static void
read_rows (LoadState   *state,
           ReadContext *ctx,
           png_uint_32  height)
{
  png_structp png = state->png;
  int passes = png_set_interlace_handling (png);
  gsize row_bytes = png_get_rowbytes (png, state->info);

  for (int pass = 0; pass < passes; pass++)
    for (png_uint_32 y = 0; y < height; y++)
      {
        if (pass == passes - 1 && y == height - 1)
          {
            ctx->idat_budget = 2 * (row_bytes + 1) + 64 * 1024;
            ctx->chunk_start = ctx->chunk_end = 8;
            ctx->budget_armed = TRUE;
          }
        png_read_row (png, state->rows[y], NULL);
      }
  ctx->budget_armed = FALSE;
}

static void
decode (LoadState   *state,
        ReadContext *ctx)
{
  png_structp png = state->png;
  png_infop info = state->info;
  png_uint_32 width, height;
  int bit_depth, color_type, interlace;
  int out_depth;
  png_uint_32 res_x, res_y;
  int unit;
  guint channels;
  guint64 pixels;
  guint64 min_raw_bytes;

  png_set_read_fn (png, ctx, read_data_cb);
  png_set_user_limits (png, 0x7fffffff, 0x7fffffff);
  png_set_chunk_cache_max (png, 1000);
  png_set_chunk_malloc_max (png, NP_PNG_MAX_CHUNK_BYTES);

  png_read_info (png, info);
  png_get_IHDR (png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);

  pixels = (guint64) width * height;
  if (pixels > NP_FRAME_MAX_PIXELS)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_TOO_LARGE,
                   _("image is %u × %u pixels, larger than the %u-megapixel limit"),
                   (guint) width, (guint) height,
                   (guint) (NP_FRAME_MAX_PIXELS / (1024 * 1024)));
      return;
    }

  /* Deflate expands at most 1032:1, so a file whose image data could not
   * possibly fill the declared size is cut short: refuse it before the
   * frame (up to 512 MiB) is allocated. */
  min_raw_bytes = (pixels * png_get_channels (png, info) * bit_depth + 7) / 8;
  if (state->idat_bytes * 1032 + 1024 < min_raw_bytes)
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_CORRUPT,
                   _("the file is truncated (it holds too little image data for %u × %u pixels)"),
                   (guint) width, (guint) height);
      return;
    }

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (bit_depth == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  channels = png_get_channels (png, info);
  out_depth = png_get_bit_depth (png, info);
  if (channels < 1 || channels > 4 || (out_depth != 8 && out_depth != 16))
    {
      g_set_error (&state->error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("unsupported pixel layout (%u channels, %d bits)"), channels, out_depth);
      return;
    }

  state->frame = np_frame_new (width, height, channels, out_depth, &state->error);
  if (state->frame == NULL)
    return;

  state->rows = g_new (png_bytep, height);
  for (png_uint_32 y = 0; y < height; y++)
    state->rows[y] = np_frame_get_data_mutable (state->frame)
                     + (gsize) y * np_frame_get_stride (state->frame);
  read_rows (state, ctx, height);
  png_read_end (png, state->end_info);

  {
    g_autofree char *format = g_strdup_printf ("%d-bit %s%s", bit_depth,
                                               describe_color_type (color_type),
                                               interlace != PNG_INTERLACE_NONE ? ", interlaced" : "");
    np_frame_set_source_format (state->frame, format);
  }
  np_frame_set_source_bit_depth (state->frame, bit_depth);

  if (png_get_pHYs (png, info, &res_x, &res_y, &unit) && unit == PNG_RESOLUTION_METER
      && res_x > 0 && res_y > 0)
    np_frame_set_declared_pixel_size (state->frame, 1000.0 / res_x, 1000.0 / res_y);

  copy_text_chunks (png, info, state->frame);
  copy_text_chunks (png, state->end_info, state->frame);
}

/**
 * np_png_load_from_memory:
 * @display_name: the name used in error messages (usually the path)
 *
 * Decodes a PNG image. Grey stays grey at 8 or 16 bits, palette becomes RGB,
 * transparency becomes an alpha channel; 16-bit samples are in host order.
 *
 * Returns: (transfer full) (nullable): the frame
 */
NpFrame *
np_png_load_from_memory (const guint8  *data,
                         gsize          length,
                         const char    *display_name,
                         GError       **error)
{
  LoadState state = { 0 };
  ReadContext ctx = { data, length, 0, "" };
  NpFrame *frame;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  if (length < 8 || png_sig_cmp (data, 0, 8) != 0)
    {
      g_set_error (error, NP_ERROR, NP_ERROR_NOT_SUPPORTED,
                   _("Cannot open “%s”: %s"), display_name,
                   length == 0 ? _("the file is empty") : _("not a PNG image"));
      return NULL;
    }

  if (!check_chunk_lengths (data, length, &state.idat_bytes, &state.error))
    {
      g_set_error (error, state.error->domain, state.error->code,
                   _("Cannot open “%s”: %s"), display_name, state.error->message);
      g_clear_error (&state.error);
      return NULL;
    }

  state.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &ctx, read_error_cb, quiet_warning_cb);
  if (state.png != NULL)
    state.info = png_create_info_struct (state.png);
  if (state.info != NULL)
    state.end_info = png_create_info_struct (state.png);
  if (state.end_info == NULL)
    {
      load_state_clear (&state);
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED,
                   _("Cannot open “%s”: out of memory"), display_name);
      return NULL;
    }

  if (setjmp (png_jmpbuf (state.png)) == 0)
    decode (&state, &ctx);
  else
    {
      g_autofree char *what = describe_libpng_error (ctx.message);
      g_clear_error (&state.error);
      g_set_error (&state.error, NP_ERROR, NP_ERROR_CORRUPT, "%s", what);
    }

  if (state.error != NULL)
    {
      g_set_error (error, state.error->domain, state.error->code,
                   _("Cannot open “%s”: %s"), display_name, state.error->message);
      g_clear_error (&state.error);
      load_state_clear (&state);
      return NULL;
    }

  frame = g_steal_pointer (&state.frame);
  load_state_clear (&state);
  return frame;
}

/**
 * np_png_load:
 *
 * Returns: (transfer full) (nullable): the frame, with its source path set
 */
NpFrame *
np_png_load (const char  *path,
            GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *display = NULL;
  NpFrame *frame;

  g_return_val_if_fail (path != NULL, NULL);

  mapped = np_file_map_image (path, NP_PNG_MAX_FILE_SIZE, error);
  if (mapped == NULL)
    return NULL;
  display = g_filename_display_name (path);
  frame = np_png_load_from_memory ((const guint8 *) g_mapped_file_get_contents (mapped),
                                   g_mapped_file_get_length (mapped), display, error);
  if (frame != NULL)
    np_frame_set_source_path (frame, path);
  return frame;
}

static void
write_data_cb (png_structp png,
               png_bytep   data,
               size_t      length)
{
  WriteContext *ctx = png_get_io_ptr (png);

  g_byte_array_append (ctx->out, data, (guint) length);
}

static void
flush_cb (png_structp png)
{
  (void) png;
}

static void
write_error_cb (png_structp     png,
                png_const_charp message)
{
  WriteContext *ctx = png_get_error_ptr (png);

  g_strlcpy (ctx->message, message ? message : _("unknown error"), sizeof ctx->message);
  png_longjmp (png, 1);
}

typedef struct
{
  png_structp png;
  png_infop info;
  png_bytep *rows;
  png_textp text;
  GStrv keys;
  NpPngFilter filter;
} EncodeState;

static void
encode (EncodeState   *state,
        const NpFrame *frame,
        int            compression_level)
{
  static const int color_types[] = {
    PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA
  };
  guint width = np_frame_get_width (frame);
  guint height = np_frame_get_height (frame);
  double mm_x, mm_y;
  guint n_keys;

  png_set_IHDR (state->png, state->info, width, height, np_frame_get_bit_depth (frame),
                color_types[np_frame_get_channels (frame) - 1], PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_compression_level (state->png, compression_level);
  if (state->filter == NP_PNG_FILTER_SUB)
    png_set_filter (state->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  else if (state->filter == NP_PNG_FILTER_UP)
    png_set_filter (state->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);

  /* pHYs holds whole pixels per metre from 1 to 2^31 - 1; a size outside
   * that range cannot be written, and a wrong one must never be. */
  if (np_frame_get_declared_pixel_size (frame, &mm_x, &mm_y))
    {
      double per_metre_x = floor (1000.0 / mm_x + 0.5);
      double per_metre_y = floor (1000.0 / mm_y + 0.5);

      if (per_metre_x >= 1 && per_metre_x <= PNG_UINT_31_MAX
          && per_metre_y >= 1 && per_metre_y <= PNG_UINT_31_MAX)
        png_set_pHYs (state->png, state->info, (png_uint_32) per_metre_x,
                      (png_uint_32) per_metre_y, PNG_RESOLUTION_METER);
    }

  state->keys = np_frame_dup_text_keys (frame);
  n_keys = 0;
  state->text = g_new0 (png_text, g_strv_length (state->keys) + 1);
  for (guint i = 0; state->keys[i] != NULL; i++)
    {
      const char *value = np_frame_get_text (frame, state->keys[i]);
      char *keyword = utf8_to_latin1_keyword (state->keys[i]);

      if (keyword == NULL)
        continue;
      /* The Latin-1 keyword replaces the UTF-8 one in the owned array. */
      g_free (state->keys[i]);
      state->keys[i] = keyword;
      state->text[n_keys].key = keyword;
      state->text[n_keys].text = (char *) value;
      state->text[n_keys].compression = strlen (value) > 1024 ? PNG_ITXT_COMPRESSION_zTXt
                                                              : PNG_ITXT_COMPRESSION_NONE;
      n_keys++;
    }
  if (n_keys > 0)
    png_set_text (state->png, state->info, state->text, (int) n_keys);

  png_write_info (state->png, state->info);
  if (np_frame_get_bit_depth (frame) == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (state->png);

  state->rows = g_new (png_bytep, height);
  for (guint y = 0; y < height; y++)
    state->rows[y] = (png_bytep) np_frame_get_data (frame) + (gsize) y * np_frame_get_stride (frame);
  png_write_image (state->png, state->rows);
  png_write_end (state->png, NULL);
}

/* Kept apart so that no local of the caller is live across setjmp. */
static gboolean
run_encode (EncodeState   *state,
            const NpFrame *frame,
            int            compression_level)
{
  if (setjmp (png_jmpbuf (state->png)) != 0)
    return FALSE;
  encode (state, frame, compression_level);
  return TRUE;
}

/**
 * np_png_encode:
 * @compression_level: zlib level, 0-9
 *
 * Encodes @frame with its declared pixel size (pHYs) and its text entries
 * (iTXt, UTF-8).
 *
 * Returns: (transfer full) (nullable): the PNG bytes
 */
GBytes *
np_png_encode (const NpFrame  *frame,
               int             compression_level,
               GError        **error)
{
  return np_png_encode_filtered (frame, compression_level, NP_PNG_FILTER_ADAPTIVE, error);
}

/**
 * np_png_encode_filtered:
 * @compression_level: zlib level, 0-9
 * @filter: the row filter
 *
 * As np_png_encode(), with one filter for every row instead of libpng's
 * choice per row (which tries all five: the slower, for few bytes less at
 * low zlib levels; see docs/performance.md).
 *
 * Returns: (transfer full) (nullable): the PNG bytes
 */
GBytes *
np_png_encode_filtered (const NpFrame  *frame,
                        int             compression_level,
                        NpPngFilter     filter,
                        GError        **error)
{
  EncodeState state = { 0 };
  WriteContext ctx = { NULL, "" };
  GBytes *bytes = NULL;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (compression_level >= 0 && compression_level <= 9, NULL);

  ctx.out = g_byte_array_sized_new ((guint) MIN ((gsize) G_MAXUINT / 2,
                                                 np_frame_get_stride (frame)
                                                 * np_frame_get_height (frame) / 4 + 1024));
  state.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &ctx, write_error_cb,
                                       quiet_warning_cb);
  if (state.png != NULL)
    state.info = png_create_info_struct (state.png);
  if (state.info == NULL)
    {
      png_destroy_write_struct (&state.png, NULL);
      g_byte_array_unref (ctx.out);
      g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("out of memory while encoding PNG"));
      return NULL;
    }
  png_set_write_fn (state.png, &ctx, write_data_cb, flush_cb);
  state.filter = filter;

  if (run_encode (&state, frame, compression_level))
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&ctx.out));
  else
    g_set_error (error, NP_ERROR, NP_ERROR_FAILED, _("could not encode PNG: %s"), ctx.message);

  png_destroy_write_struct (&state.png, &state.info);
  g_free (state.rows);
  g_free (state.text);
  g_strfreev (state.keys);
  if (ctx.out != NULL)
    g_byte_array_unref (ctx.out);
  return bytes;
}

/**
 * np_png_save:
 *
 * Writes @frame atomically: the PNG goes to a temporary file in the same
 * folder which then replaces @path, so a failure never leaves a partial file.
 */
gboolean
np_png_save (const NpFrame  *frame,
             const char     *path,
             GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bytes = np_png_encode (frame, 6, error);
  if (bytes == NULL)
    return FALSE;
  return np_file_write_atomic (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error);
}
