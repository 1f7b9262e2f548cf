/* np-dicom-send.h: the `send` request, C-STORE of files to a PACS
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-dicom-wire.h"

namespace np {

/* Sends the files "path.0" … "path.<count-1>" of @request to "host":"port"
 * as "calling_aet" → "called_aet" with DcmStorageSCU, every network step
 * within "timeout" seconds, and writes the reply to @out: "results", one
 * object per file (path, sop_instance_uid, status, stored, message), or an
 * error when no association could be made. */
void serve_send (int out, const Request &request);

} // namespace np
