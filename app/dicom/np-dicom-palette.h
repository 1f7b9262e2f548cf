/* np-dicom-palette.h: PALETTE COLOR lookup tables, plain and segmented
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace np {

/* Expands a Segmented Palette Color LUT (PS3.3 C.7.9.2) into `entries`
 * values. Returns false with a reason on malformed segments. */
bool expand_segmented_lut (const uint16_t *words, size_t n_words, size_t entries,
                           std::vector<uint16_t> &out, std::string &error);

/* One channel of a palette: entries already at the descriptor's length. */
struct PaletteChannel
{
  uint32_t first_mapped = 0;
  unsigned bits = 16;
  std::vector<uint16_t> values;
};

/* Maps a stored value to an 8-bit channel value. `shift` is 8 for tables
 * whose entries use 16 bits, 0 for 8-bit entries. */
uint8_t palette_lookup (const PaletteChannel &channel, long value, unsigned shift);

} // namespace np
