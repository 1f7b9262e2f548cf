/* np-dicom-query.h: C-FIND and C-GET against a PACS over DIMSE (DcmSCU)
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

/* `find`: members host, port, calling_aet, called_aet, timeout (seconds),
 * level (STUDY, SERIES or IMAGE) and the keys patient_name, patient_id,
 * accession_number, study_date, study_uid, series_uid, sop_uid. Answers with the
 * matches as the PS3.18 DICOM JSON model (an array, as QIDO-RS answers),
 * UTF-8, in @json.
 *
 * `get`: the same connection members and study_uid, series_uid, sop_uid,
 * sop_class_uid. Answers with the one instance's file bytes (its meta
 * header rewritten, its transfer syntax as received) in @file. */
bool query_find (const Request &request, std::string &json, Failure &failure);
bool query_get (const Request &request, std::vector<uint8_t> &file, Failure &failure);

} // namespace np
