/* np-dicom-wire.h: the helper's side of the pipe protocol (docs/dicom.md)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace np {

/* A request header is a flat JSON object of strings and integers: all the
 * core ever sends. */
using Request = std::map<std::string, std::string>;

/* A request may carry a payload (the `write` request): its header states
 * "payload": N and N bytes follow, at most max_request_payload. */
const size_t max_request_payload = 256u * 1024 * 1024;

bool read_request (int fd, Request &request, std::vector<uint8_t> &payload, std::string &error);
bool write_message (int fd, const std::string &header, const uint8_t *payload, size_t size);

/* Builds one JSON object; values are escaped as they are added. */
class JsonObject
{
public:
  void add_string (const std::string &key, const std::string &value);
  void add_int (const std::string &key, long long value);
  void add_double (const std::string &key, double value);
  void add_bool (const std::string &key, bool value);
  void add_raw (const std::string &key, const std::string &json);
  std::string str () const;

private:
  void key (const std::string &key);
  std::string body_;
};

std::string json_escape (const std::string &text);

/* Latin-1 bytes to UTF-8; used when a string is not valid UTF-8. */
std::string latin1_to_utf8 (const std::string &bytes);
bool is_valid_utf8 (const std::string &bytes);

} // namespace np
