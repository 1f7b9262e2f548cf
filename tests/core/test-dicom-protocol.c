/* test-dicom-protocol.c: the core's side of the importer protocol on
 * hostile bytes, and importers that hang, crash or lie
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-dicom-protocol"

#include "np-dicom-helper.h"
#include "np-dicom-info.h"
#include "np-dicom-protocol.h"
#include "np-error.h"
#include "np-frame.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>

static char *tmp_dir;

/* prefix + header + payload, as the importer writes them */
static GByteArray *
frame_message (const char   *header,
               const guint8 *payload,
               gsize         payload_size)
{
  GByteArray *bytes = g_byte_array_new ();
  guint32 length = (guint32) strlen (header);
  guint8 prefix[4] = { length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, length >> 24 };

  g_byte_array_append (bytes, prefix, 4);
  g_byte_array_append (bytes, (const guint8 *) header, length);
  if (payload_size > 0)
    g_byte_array_append (bytes, payload, (guint) payload_size);
  return bytes;
}

static void
assert_rejected (const guint8 *data,
                 gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(NpDicomMessage) message = np_dicom_protocol_parse (data, size, &payload, &error);

  g_assert_null (message);
  g_assert_null (payload);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
}

static void
assert_header_rejected (const char *header)
{
  g_autoptr(GByteArray) bytes = frame_message (header, NULL, 0);

  assert_rejected (bytes->data, bytes->len);
}

static void
test_protocol_encode (void)
{
  g_autoptr(GBytes) request = np_dicom_protocol_encode_request ("open", "/tmp/a \"b\".dcm", -1);
  g_autoptr(GBytes) frame = np_dicom_protocol_encode_request ("frame", NULL, 7);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (request, &size);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  guint32 length;

  length = data[0] | (data[1] << 8) | (data[2] << 16) | ((guint32) data[3] << 24);
  g_assert_cmpuint (length, ==, size - 4);
  g_assert_true (json_parser_load_from_data (parser, (const char *) data + 4, length, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "request"), ==, "open");
  g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, "/tmp/a \"b\".dcm");
  g_assert_false (json_object_has_member (object, "index"));

  data = g_bytes_get_data (frame, &size);
  g_assert_true (json_parser_load_from_data (parser, (const char *) data + 4, (gssize) size - 4, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "index"), ==, 7);
}

/* A write request: the members, "request" and "payload", then the payload
 * bytes right after the header. */
static void
test_protocol_encode_write (void)
{
  static const guint8 bytes[5] = { 'p', 'l', 'a', 'n', 0xff };
  g_autoptr(JsonObject) members = json_object_new ();
  g_autoptr(GBytes) payload = g_bytes_new_static (bytes, sizeof bytes);
  g_autoptr(GBytes) request = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  gsize size = 0;
  const guint8 *data;
  guint32 length;

  json_object_set_string_member (members, "kind", "sc");
  json_object_set_int_member (members, "rows", 2);
  request = np_dicom_protocol_encode_write (members, payload);
  data = g_bytes_get_data (request, &size);
  length = data[0] | (data[1] << 8) | (data[2] << 16) | ((guint32) data[3] << 24);
  g_assert_cmpuint (size, ==, 4 + length + 5);
  g_assert_true (json_parser_load_from_data (parser, (const char *) data + 4, length, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "request"), ==, "write");
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "sc");
  g_assert_cmpint (json_object_get_int_member (object, "rows"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "payload"), ==, 5);
  g_assert_cmpmem (data + 4 + length, 5, bytes, 5);
}

static void
test_protocol_valid (void)
{
  static const guint8 pixels[3] = { 1, 2, 3 };
  g_autoptr(GByteArray) bytes = frame_message ("{\"status\":\"ok\",\"payload\":3}", pixels, 3);
  g_autoptr(GByteArray) failure = frame_message (
    "{\"status\":\"error\",\"code\":\"corrupt\",\"message\":\"bad\"}", NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(NpDicomMessage) message = np_dicom_protocol_parse (bytes->data, bytes->len, &payload,
                                                               &error);
  g_autoptr(NpDicomMessage) error_message = NULL;

  g_assert_no_error (error);
  g_assert_true (message->ok);
  g_assert_cmpuint (message->payload_size, ==, 3);
  g_assert_cmpmem (g_bytes_get_data (payload, NULL), 3, pixels, 3);

  error_message = np_dicom_protocol_parse (failure->data, failure->len, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (error_message->ok);
  g_assert_cmpstr (error_message->code, ==, "corrupt");
  g_assert_cmpstr (error_message->message, ==, "bad");
}

static void
test_protocol_short_length (void)
{
  static const guint8 three[3] = { 5, 0, 0 };
  static const guint8 zero[4] = { 0, 0, 0, 0 };
  static const guint8 cut[10] = { 100, 0, 0, 0, '{', '"', 's', 't', 'a', 't' };

  assert_rejected (NULL, 0);
  assert_rejected (three, sizeof three);
  assert_rejected (zero, sizeof zero);
  assert_rejected (cut, sizeof cut);
}

static void
test_protocol_huge_length (void)
{
  static const guint8 huge[8] = { 0xff, 0xff, 0xff, 0xff, '{', '}', ' ', ' ' };
  /* One byte over the 1 MiB cap. */
  static const guint8 over[8] = { 0x01, 0x00, 0x10, 0x00, '{', '}', ' ', ' ' };
  gsize size = 0;

  assert_rejected (huge, sizeof huge);
  assert_rejected (over, sizeof over);
  g_assert_false (np_dicom_protocol_parse_prefix (huge, &size, NULL));
  g_assert_false (np_dicom_protocol_parse_prefix (over, &size, NULL));
}

static void
test_protocol_not_json (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"status\":\"ok\",\"x\":");

  assert_header_rejected ("hello");
  assert_header_rejected ("\xff\xfe{\"status\":\"ok\"}");
  assert_header_rejected ("[\"status\",\"ok\"]");
  assert_header_rejected ("\"ok\"");
  assert_header_rejected ("{\"status\":\"ok\"");
  /* 100 000 nested arrays: refused before json-glib recurses into them. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  assert_header_rejected (deep->str);
}

static void
test_protocol_wrong_types (void)
{
  assert_header_rejected ("{}");
  assert_header_rejected ("{\"status\":1}");
  assert_header_rejected ("{\"status\":\"maybe\"}");
  assert_header_rejected ("{\"status\":\"error\"}");
  assert_header_rejected ("{\"status\":\"error\",\"code\":\"x\",\"message\":\"\"}");
  assert_header_rejected ("{\"status\":\"error\",\"code\":7,\"message\":\"m\"}");
  assert_header_rejected ("{\"status\":\"ok\",\"payload\":\"3\"}");
  assert_header_rejected ("{\"status\":\"ok\",\"payload\":1.5}");
  assert_header_rejected ("{\"status\":\"ok\",\"payload\":-1}");
  assert_header_rejected ("{\"status\":\"ok\",\"payload\":[3]}");
  assert_header_rejected ("{\"status\":\"ok\",\"payload\":9223372036854775807}");
  /* One byte over 8192 × 8192 × 3. */
  assert_header_rejected ("{\"status\":\"ok\",\"payload\":201326593}");
}

static void
test_protocol_payload_mismatch (void)
{
  static const guint8 pixels[8] = { 0 };
  g_autoptr(GByteArray) fewer = frame_message ("{\"status\":\"ok\",\"payload\":8}", pixels, 5);
  g_autoptr(GByteArray) more = frame_message ("{\"status\":\"ok\"}", pixels, 3);
  g_autoptr(GByteArray) error_payload = frame_message (
    "{\"status\":\"error\",\"code\":\"c\",\"message\":\"m\",\"payload\":8}", pixels, 8);

  assert_rejected (fewer->data, fewer->len);
  assert_rejected (more->data, more->len);
  assert_rejected (error_payload->data, error_payload->len);
}

/* ---- NpDicomInfo on replies of the wrong shape ------------------------ */

#define MINIMAL_OPEN \
  "\"status\":\"ok\",\"rows\":2,\"columns\":3,\"frames\":1,\"samples_per_pixel\":1," \
  "\"bits_allocated\":16,\"bits_stored\":12,\"signed\":true,\"photometric\":\"MONOCHROME2\"," \
  "\"delivered\":\"grey\",\"invert\":false,\"transfer_syntax_uid\":\"1.2.840.10008.1.2.1\""

static NpDicomInfo *
info_from (const char *json,
           GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return np_dicom_info_new_from_json (json_node_get_object (json_parser_get_root (parser)), error);
}

static void
assert_info_rejected (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomInfo) info = info_from (json, &error);

  g_assert_null (info);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
}

static void
test_info_from_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NpDicomInfo) info = info_from (
    "{" MINIMAL_OPEN ",\"regions\":[{\"x0\":1,\"y0\":2,\"x1\":30,\"y1\":40,\"spatial_format\":1,"
    "\"data_type\":1,\"units_x\":3,\"units_y\":3,\"delta_x\":-0.25,\"delta_y\":1}],"
    "\"pixel_spacing\":[0.5,0.25],\"frame_time\":33.3}", &error);
  g_autoptr(NpDicomInfo) copy = NULL;
  const NpDicomRegion *region;

  g_assert_no_error (error);
  g_assert_cmpuint (info->rows, ==, 2);
  g_assert_cmpuint (info->columns, ==, 3);
  g_assert_true (info->is_signed);
  g_assert_cmpstr (info->patient_name, ==, "");
  g_assert_true (isnan (info->rescale_slope));
  g_assert_cmpfloat (info->frame_time_ms, ==, 33.3);
  g_assert_cmpfloat (info->pixel_spacing[0], ==, 0.5);
  g_assert_cmpfloat (info->pixel_spacing[1], ==, 0.25);
  g_assert_true (isnan (info->imager_pixel_spacing[0]));
  g_assert_cmpuint (np_dicom_info_get_n_regions (info), ==, 1);
  region = np_dicom_info_get_region (info, 0);
  g_assert_cmpint (region->x1, ==, 30);
  g_assert_cmpfloat (region->delta_x, ==, -0.25);
  /* An integer where a double is expected is still a number. */
  g_assert_cmpfloat (region->delta_y, ==, 1.0);

  copy = np_dicom_info_copy (info);
  g_assert_cmpstr (copy->photometric, ==, "MONOCHROME2");
  g_assert_cmpuint (np_dicom_info_get_n_regions (copy), ==, 1);

  assert_info_rejected ("{\"status\":\"ok\"}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"rows\":\"2\"}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"rows\":0}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"columns\":70000}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"signed\":1}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"delivered\":\"cmyk\"}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"modality\":5}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"frame_time\":\"fast\"}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"regions\":{}}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"regions\":[3]}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"regions\":[{\"x0\":\"a\"}]}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"regions\":[{\"delta_x\":true}]}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"pixel_spacing\":[1,2,3]}");
  assert_info_rejected ("{" MINIMAL_OPEN ",\"pixel_spacing\":[\"1\"]}");
}

/* ---- Importers that hang, crash or lie -------------------------------- */

static char *
write_script (const char *name,
              const char *body)
{
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *text = g_strconcat ("#!/bin/sh\n", body, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  return g_steal_pointer (&path);
}

static void
assert_process_gone (GPid pid)
{
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
}

/* Starts a helper that is the given script, for a file called x.dcm. */
static NpDicomHelper *
fake_helper (const char *script)
{
  g_autoptr(GError) error = NULL;
  NpDicomHelper *helper;
  g_autofree char *saved = g_strdup (g_getenv ("NEEDLEPLAN_DICOM_HELPER"));

  g_setenv ("NEEDLEPLAN_DICOM_HELPER", script, TRUE);
  helper = np_dicom_helper_new ("/nonexistent/x.dcm", &error);
  if (saved != NULL)
    g_setenv ("NEEDLEPLAN_DICOM_HELPER", saved, TRUE);
  else
    g_unsetenv ("NEEDLEPLAN_DICOM_HELPER");
  g_assert_no_error (error);
  return helper;
}

static void
test_helper_timeout (void)
{
  /* exec: the PID the core holds is the sleeping process itself. */
  g_autofree char *script = write_script ("sleeper", "exec sleep 30\n");
  g_autoptr(NpDicomHelper) helper = fake_helper (script);
  g_autoptr(GError) error = NULL;
  GPid pid = np_dicom_helper_get_pid (helper);
  gint64 start = g_get_monotonic_time ();

  np_dicom_helper_set_timeouts (helper, 300, 300);
  g_assert_false (np_dicom_helper_open (helper, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "x.dcm"));
  g_assert_nonnull (strstr (error->message, "timeout"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_false (np_dicom_helper_is_running (helper));
  assert_process_gone (pid);
}

static void
test_helper_crash (void)
{
  /* It dies once the request has started to arrive, so the core has its PID
   * by then (a child that ends at once may be reaped before that). */
  g_autofree char *script = write_script ("crasher", "head -c 4 >/dev/null\nkill -SEGV $$\n");
  g_autoptr(NpDicomHelper) helper = fake_helper (script);
  g_autoptr(GError) error = NULL;
  GPid pid = np_dicom_helper_get_pid (helper);

  g_assert_false (np_dicom_helper_open (helper, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_CRASHED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "x.dcm"));
  g_assert_nonnull (strstr (error->message, "crashed"));
  g_assert_nonnull (strstr (error->message, "signal 11"));
  assert_process_gone (pid);
}

static void
test_helper_garbage (void)
{
  /* "garbage!" read as a length is 1.7 GB: refused, and the helper killed. */
  g_autofree char *script = write_script ("liar", "printf 'garbage!'\nexec sleep 30\n");
  g_autoptr(NpDicomHelper) helper = fake_helper (script);
  g_autoptr(GError) error = NULL;
  GPid pid = np_dicom_helper_get_pid (helper);

  g_assert_false (np_dicom_helper_open (helper, &error));
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "x.dcm"));
  assert_process_gone (pid);
}

/* A script that answers `open` and then `frame` from a file of replies. */
static NpDicomHelper *
scripted_helper (const char   *name,
                 const char   *frame_header,
                 const guint8 *payload,
                 gsize         payload_size)
{
  g_autoptr(GByteArray) replies = frame_message ("{" MINIMAL_OPEN "}", NULL, 0);
  g_autoptr(GByteArray) frame = frame_message (frame_header, payload, payload_size);
  g_autofree char *data_name = g_strconcat (name, ".bin", NULL);
  g_autofree char *data_path = g_build_filename (tmp_dir, data_name, NULL);
  g_autofree char *body = NULL;
  g_autofree char *script = NULL;

  g_byte_array_append (replies, frame->data, frame->len);
  g_assert_true (g_file_set_contents (data_path, (const char *) replies->data, replies->len, NULL));
  body = g_strdup_printf ("cat '%s'\nexec sleep 30\n", data_path);
  script = write_script (name, body);
  return fake_helper (script);
}

static void
test_helper_signed_frame (void)
{
  /* 3 × 2 signed 16-bit, little endian: -1, 0, 5, -2048, 2047, 1. */
  static const guint8 pixels[12] = { 0xff, 0xff, 0x00, 0x00, 0x05, 0x00,
                                     0x00, 0xf8, 0xff, 0x07, 0x01, 0x00 };
  g_autoptr(NpDicomHelper) helper = scripted_helper (
    "signed", "{\"status\":\"ok\",\"index\":0,\"width\":3,\"height\":2,\"channels\":1,\"bits\":16,"
    "\"signed\":true,\"payload\":12}", pixels, sizeof pixels);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  GPid pid = np_dicom_helper_get_pid (helper);

  g_assert_true (np_dicom_helper_open (helper, &error));
  g_assert_no_error (error);
  frame = np_dicom_helper_read_frame (helper, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (np_frame_get_bit_depth (frame), ==, 16);
  /* Stored value + 32768. */
  g_assert_cmpuint (np_frame_get_sample (frame, 0, 0, 0), ==, 32767);
  g_assert_cmpuint (np_frame_get_sample (frame, 1, 0, 0), ==, 32768);
  g_assert_cmpuint (np_frame_get_sample (frame, 2, 0, 0), ==, 32773);
  g_assert_cmpuint (np_frame_get_sample (frame, 0, 1, 0), ==, 30720);
  g_assert_cmpuint (np_frame_get_sample (frame, 1, 1, 0), ==, 34815);
  g_assert_cmpuint (np_frame_get_sample (frame, 2, 1, 0), ==, 32769);
  g_assert_cmpuint (np_frame_get_dicom_info (frame)->sample_offset, ==, 32768);
  g_assert_cmpuint (np_frame_get_source_bit_depth (frame), ==, 12);
  np_dicom_helper_close (helper);
  assert_process_gone (pid);
}

static void
test_helper_frame_mismatch (void)
{
  static const guint8 pixels[3] = { 1, 2, 3 };
  /* The header says 3 × 2 but the payload holds 3 bytes. */
  g_autoptr(NpDicomHelper) helper = scripted_helper (
    "mismatch", "{\"status\":\"ok\",\"index\":0,\"width\":3,\"height\":2,\"channels\":1,\"bits\":8,"
    "\"signed\":false,\"payload\":3}", pixels, sizeof pixels);
  g_autoptr(GError) error = NULL;
  g_autoptr(NpFrame) frame = NULL;
  GPid pid = np_dicom_helper_get_pid (helper);

  g_assert_true (np_dicom_helper_open (helper, &error));
  frame = np_dicom_helper_read_frame (helper, 0, &error);
  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_CORRUPT);
  g_assert_false (np_dicom_helper_is_running (helper));
  assert_process_gone (pid);

  /* A stopped helper says so instead of hanging. */
  g_clear_error (&error);
  frame = np_dicom_helper_read_frame (helper, 0, &error);
  g_assert_null (frame);
  g_assert_error (error, NP_ERROR, NP_ERROR_FAILED);
}

static void
test_helper_not_found (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("NEEDLEPLAN_DICOM_HELPER"));
  g_autofree char *missing = g_build_filename (tmp_dir, "no-such-helper", NULL);
  g_autoptr(NpDicomHelper) helper = NULL;

  g_setenv ("NEEDLEPLAN_DICOM_HELPER", missing, TRUE);
  helper = np_dicom_helper_new ("/nonexistent/x.dcm", &error);
  if (saved != NULL)
    g_setenv ("NEEDLEPLAN_DICOM_HELPER", saved, TRUE);
  else
    g_unsetenv ("NEEDLEPLAN_DICOM_HELPER");
  g_assert_null (helper);
  g_assert_error (error, NP_ERROR, NP_ERROR_NOT_FOUND);
}

/* Header values as a person reads them, worked out from PS3.5 6.2 (PN: five
 * components split by "^", representations by "=") and DA. */
static void
test_format_fields (void)
{
  static const struct { const char *in; const char *out; } names[] = {
    { "Citizen^Jan", "Citizen, Jan" },
    { "NAME^PATIENT^NAME", "NAME, PATIENT NAME" },
    { "OB^^^^", "OB" },
    { "Rubo DEMO", "Rubo DEMO" },
    { "^John", "John" },
    { "Doe^John^^Dr.^Jr.", "Dr. Doe, John, Jr." },
    { "Yamada^Tarou=\u5c71\u7530^\u592a\u90ce", "Yamada, Tarou" },
    { "", "" },
    { "^^^^", "" },
  };
  static const struct { const char *in; const char *out; } dates[] = {
    { "19951025", "1995-10-25" },
    { "1997.04.24", "1997-04-24" },
    { "1997-04-24", "1997-04-24" },
    { "2012041", "2012041" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = np_dicom_info_format_person_name (names[i].in);

      g_assert_cmpstr (name, ==, names[i].out);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *date = np_dicom_info_format_date (dates[i].in);

      g_assert_cmpstr (date, ==, dates[i].out);
    }
  g_assert_cmpstr (np_dicom_info_describe_sex ("M"), ==, "male");
  g_assert_cmpstr (np_dicom_info_describe_sex ("F"), ==, "female");
  g_assert_cmpstr (np_dicom_info_describe_sex ("O"), ==, "other");
  g_assert_cmpstr (np_dicom_info_describe_sex ("X"), ==, "X");
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;
  const char *names[] = { "sleeper", "crasher", "liar", "signed", "signed.bin", "mismatch",
                          "mismatch.bin" };

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("np-test-dicom-protocol-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/core/dicom-protocol/encode", test_protocol_encode);
  g_test_add_func ("/core/dicom-protocol/encode-write", test_protocol_encode_write);
  g_test_add_func ("/core/dicom-protocol/valid", test_protocol_valid);
  g_test_add_func ("/core/dicom-protocol/short-length", test_protocol_short_length);
  g_test_add_func ("/core/dicom-protocol/huge-length", test_protocol_huge_length);
  g_test_add_func ("/core/dicom-protocol/not-json", test_protocol_not_json);
  g_test_add_func ("/core/dicom-protocol/wrong-types", test_protocol_wrong_types);
  g_test_add_func ("/core/dicom-protocol/payload-mismatch", test_protocol_payload_mismatch);
  g_test_add_func ("/core/dicom-protocol/info-from-json", test_info_from_json);
  g_test_add_func ("/core/dicom-protocol/helper-timeout", test_helper_timeout);
  g_test_add_func ("/core/dicom-protocol/helper-crash", test_helper_crash);
  g_test_add_func ("/core/dicom-protocol/helper-garbage", test_helper_garbage);
  g_test_add_func ("/core/dicom-protocol/helper-signed-frame", test_helper_signed_frame);
  g_test_add_func ("/core/dicom-protocol/helper-frame-mismatch", test_helper_frame_mismatch);
  g_test_add_func ("/core/dicom-protocol/helper-not-found", test_helper_not_found);
  g_test_add_func ("/core/dicom-protocol/format-fields", test_format_fields);

  status = g_test_run ();

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
