/* np-dicom-file.h: one DICOM file inside the importer process
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "np-dicom-palette.h"
#include "np-dicom-wire.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstddef>
#include <string>
#include <vector>

namespace np {

/* DCMTK parses nested sequences recursively; Deeply-Nested-Sequence.dcm
 * overflows an 8 MiB stack. Whoever calls DicomFile::open runs it on a
 * thread with this much stack (reserved, touched only as needed). */
const size_t dicom_stack_bytes = 512ull * 1024 * 1024;

/* Registers DCMTK's decoders and finds its data dictionary; false when the
 * dictionary cannot be loaded. */
bool dicom_init ();

struct Failure
{
  std::string code;
  std::string message;
};

class DicomFile
{
public:
  bool open (const std::string &path, np::JsonObject &facts, Failure &failure);
  bool frame (long index, np::JsonObject &header, std::vector<uint8_t> &pixels, Failure &failure);
  long frames () const { return frames_; }

private:
  bool inspect (np::JsonObject &facts, Failure &failure);
  bool load_palette (Failure &failure);
  bool load_palette_channel (const DcmTagKey &descriptor, const DcmTagKey &data,
                             const DcmTagKey &segmented, np::PaletteChannel &channel,
                             Failure &failure);
  std::string text (const DcmTagKey &key);
  std::string regions_json ();
  std::string doubles_json (const DcmTagKey &key);

  DcmFileFormat file_;
  DcmDataset *dataset_ = nullptr;
  DcmFileCache cache_;
  E_TransferSyntax xfer_ = EXS_Unknown;
  bool encapsulated_ = false;
  bool whole_decoded_ = false;
  long rows_ = 0, columns_ = 0, frames_ = 1, samples_ = 1;
  long bits_allocated_ = 0, bits_stored_ = 0, high_bit_ = 0, pixel_representation_ = 0;
  long planar_ = 0;
  std::string photometric_;
  np::PaletteChannel palette_[3];
  unsigned palette_shift_ = 0;
  std::string charset_;
  bool opened_ = false;
};

} // namespace np
