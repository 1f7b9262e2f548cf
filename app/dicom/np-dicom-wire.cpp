/* np-dicom-wire.cpp: length-prefixed JSON messages over file descriptors
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicom-wire.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace np {

/* The core's requests are tiny; anything larger is not from the core. */
static const uint32_t max_request_header = 64 * 1024;

static bool
read_all (int fd, void *buffer, size_t size)
{
  uint8_t *p = static_cast<uint8_t *> (buffer);
  while (size > 0)
    {
      ssize_t n = read (fd, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      p += n;
      size -= static_cast<size_t> (n);
    }
  return true;
}

static bool
write_all (int fd, const void *buffer, size_t size)
{
  const uint8_t *p = static_cast<const uint8_t *> (buffer);
  while (size > 0)
    {
      ssize_t n = write (fd, p, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      p += n;
      size -= static_cast<size_t> (n);
    }
  return true;
}

static void
skip_space (const std::string &s, size_t &i)
{
  while (i < s.size () && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
    i++;
}

static bool
parse_string (const std::string &s, size_t &i, std::string &out)
{
  if (i >= s.size () || s[i] != '"')
    return false;
  i++;
  out.clear ();
  while (i < s.size () && s[i] != '"')
    {
      char c = s[i++];
      if (c != '\\')
        {
          out += c;
          continue;
        }
      if (i >= s.size ())
        return false;
      char e = s[i++];
      switch (e)
        {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          {
            if (i + 4 > s.size ())
              return false;
            unsigned long code = std::strtoul (s.substr (i, 4).c_str (), nullptr, 16);
            i += 4;
            /* Paths come from the file system as UTF-8; encode the BMP code
             * point back (surrogate pairs are not produced by json-glib for
             * valid UTF-8). */
            if (code < 0x80)
              out += static_cast<char> (code);
            else if (code < 0x800)
              {
                out += static_cast<char> (0xc0 | (code >> 6));
                out += static_cast<char> (0x80 | (code & 0x3f));
              }
            else
              {
                out += static_cast<char> (0xe0 | (code >> 12));
                out += static_cast<char> (0x80 | ((code >> 6) & 0x3f));
                out += static_cast<char> (0x80 | (code & 0x3f));
              }
            break;
          }
        default:
          return false;
        }
    }
  if (i >= s.size ())
    return false;
  i++;
  return true;
}

static bool
parse_flat_object (const std::string &s, Request &request)
{
  size_t i = 0;
  skip_space (s, i);
  if (i >= s.size () || s[i] != '{')
    return false;
  i++;
  skip_space (s, i);
  if (i < s.size () && s[i] == '}')
    return true;
  for (;;)
    {
      std::string key, value;
      skip_space (s, i);
      if (!parse_string (s, i, key))
        return false;
      skip_space (s, i);
      if (i >= s.size () || s[i] != ':')
        return false;
      i++;
      skip_space (s, i);
      if (i < s.size () && s[i] == '"')
        {
          if (!parse_string (s, i, value))
            return false;
        }
      else
        {
          size_t start = i;
          while (i < s.size () && (s[i] == '-' || (s[i] >= '0' && s[i] <= '9')))
            i++;
          if (i == start)
            return false;
          value = s.substr (start, i - start);
        }
      request[key] = value;
      skip_space (s, i);
      if (i < s.size () && s[i] == ',')
        {
          i++;
          continue;
        }
      if (i < s.size () && s[i] == '}')
        return true;
      return false;
    }
}

bool
read_request (int fd, Request &request, std::vector<uint8_t> &payload, std::string &error)
{
  uint8_t prefix[4];
  request.clear ();
  payload.clear ();
  if (!read_all (fd, prefix, sizeof prefix))
    {
      error = "end of input";
      return false;
    }
  uint32_t length = static_cast<uint32_t> (prefix[0]) | (static_cast<uint32_t> (prefix[1]) << 8)
                    | (static_cast<uint32_t> (prefix[2]) << 16)
                    | (static_cast<uint32_t> (prefix[3]) << 24);
  if (length == 0 || length > max_request_header)
    {
      error = "request header length out of range";
      return false;
    }
  std::string header (length, '\0');
  if (!read_all (fd, &header[0], length))
    {
      error = "truncated request";
      return false;
    }
  if (!parse_flat_object (header, request))
    {
      error = "request header is not a flat JSON object";
      return false;
    }
  auto it = request.find ("payload");
  if (it == request.end ())
    return true;
  char *end = nullptr;
  unsigned long long size = std::strtoull (it->second.c_str (), &end, 10);
  if (it->second.empty () || *end != '\0' || it->second[0] == '-' || size > max_request_payload)
    {
      error = "request payload length out of range";
      return false;
    }
  payload.resize (static_cast<size_t> (size));
  if (size > 0 && !read_all (fd, payload.data (), payload.size ()))
    {
      error = "truncated request payload";
      return false;
    }
  return true;
}

bool
write_message (int fd, const std::string &header, const uint8_t *payload, size_t size)
{
  uint32_t length = static_cast<uint32_t> (header.size ());
  uint8_t prefix[4] = { static_cast<uint8_t> (length), static_cast<uint8_t> (length >> 8),
                        static_cast<uint8_t> (length >> 16), static_cast<uint8_t> (length >> 24) };
  return write_all (fd, prefix, sizeof prefix) && write_all (fd, header.data (), header.size ())
         && (size == 0 || write_all (fd, payload, size));
}

std::string
json_escape (const std::string &text)
{
  std::string safe = is_valid_utf8 (text) ? text : latin1_to_utf8 (text);
  std::string out = "\"";
  for (unsigned char c : safe)
    {
      switch (c)
        {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20)
            {
              char buffer[8];
              std::snprintf (buffer, sizeof buffer, "\\u%04x", c);
              out += buffer;
            }
          else
            out += static_cast<char> (c);
        }
    }
  out += '"';
  return out;
}

void
JsonObject::key (const std::string &key)
{
  if (!body_.empty ())
    body_ += ',';
  body_ += json_escape (key);
  body_ += ':';
}

void
JsonObject::add_string (const std::string &k, const std::string &value)
{
  key (k);
  body_ += json_escape (value);
}

void
JsonObject::add_int (const std::string &k, long long value)
{
  key (k);
  body_ += std::to_string (value);
}

void
JsonObject::add_double (const std::string &k, double value)
{
  char buffer[40];
  key (k);
  if (!std::isfinite (value))
    {
      body_ += "null";
      return;
    }
  std::snprintf (buffer, sizeof buffer, "%.17g", value);
  body_ += buffer;
}

void
JsonObject::add_bool (const std::string &k, bool value)
{
  key (k);
  body_ += value ? "true" : "false";
}

void
JsonObject::add_raw (const std::string &k, const std::string &json)
{
  key (k);
  body_ += json;
}

std::string
JsonObject::str () const
{
  return "{" + body_ + "}";
}

std::string
latin1_to_utf8 (const std::string &bytes)
{
  std::string out;
  for (unsigned char c : bytes)
    {
      if (c < 0x80)
        out += static_cast<char> (c);
      else
        {
          out += static_cast<char> (0xc0 | (c >> 6));
          out += static_cast<char> (0x80 | (c & 0x3f));
        }
    }
  return out;
}

bool
is_valid_utf8 (const std::string &bytes)
{
  size_t i = 0;
  while (i < bytes.size ())
    {
      unsigned char c = static_cast<unsigned char> (bytes[i]);
      size_t extra;
      uint32_t code;
      if (c < 0x80)
        {
          i++;
          continue;
        }
      else if ((c & 0xe0) == 0xc0)
        extra = 1, code = c & 0x1f;
      else if ((c & 0xf0) == 0xe0)
        extra = 2, code = c & 0x0f;
      else if ((c & 0xf8) == 0xf0)
        extra = 3, code = c & 0x07;
      else
        return false;
      if (i + extra >= bytes.size ())
        return false;
      for (size_t k = 1; k <= extra; k++)
        {
          unsigned char d = static_cast<unsigned char> (bytes[i + k]);
          if ((d & 0xc0) != 0x80)
            return false;
          code = (code << 6) | (d & 0x3f);
        }
      if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800)
          || (extra == 3 && (code < 0x10000 || code > 0x10ffff))
          || (code >= 0xd800 && code <= 0xdfff))
        return false;
      i += extra + 1;
    }
  return true;
}

} // namespace np
