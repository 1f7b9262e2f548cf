/* np-dicom-writer.h: the `write` request, a NeedlePlan record as DICOM
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-dicom-file.h"
#include "np-dicom-wire.h"

#include <cstdint>
#include <string>
#include <vector>

namespace np {

/* The private block that carries the plan (docs/dicom.md). */
#define NP_DICOM_PRIVATE_CREATOR "NEEDLEPLAN 1"
const Uint16 private_group = 0x0029;
const Uint16 private_creator_element = 0x0010;
const Uint16 private_plan_element = 0x1000;
/* Plans up to this size travel in the `open` reply's header. */
const size_t max_plan_in_header = 900u * 1024;

/* Builds a Secondary Capture ("kind": "sc", payload: plan JSON then RGB
 * pixels) or an Encapsulated PDF ("kind": "pdf", payload: the PDF) from the
 * attributes the core chose, and returns the file's bytes. */
bool write_dicom (const Request &request, const std::vector<uint8_t> &payload,
                  std::vector<uint8_t> &file, Failure &failure);

} // namespace np
