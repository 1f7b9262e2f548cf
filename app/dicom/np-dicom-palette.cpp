/* np-dicom-palette.cpp: PALETTE COLOR lookup tables, plain and segmented
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicom-palette.h"

#include <cmath>

namespace np {

/* Indirect segments may point at each other; this bounds the work. */
static const int max_indirect_depth = 4;

static bool
expand_segments (const uint16_t *words, size_t n_words, size_t start, size_t n_segments,
                 size_t entries, int depth, std::vector<uint16_t> &out, std::string &error)
{
  size_t i = start;
  for (size_t segment = 0; (n_segments == 0 || segment < n_segments) && i < n_words; segment++)
    {
      if (out.size () >= entries)
        return true;
      if (i + 1 >= n_words)
        {
          error = "a segmented palette segment is cut short";
          return false;
        }
      uint16_t opcode = words[i];
      size_t length = words[i + 1];
      i += 2;
      switch (opcode)
        {
        case 0: /* discrete: length values follow */
          if (i + length > n_words)
            {
              error = "a discrete palette segment runs past the table";
              return false;
            }
          for (size_t k = 0; k < length && out.size () < entries; k++)
            out.push_back (words[i + k]);
          i += length;
          break;
        case 1: /* linear: from the previous value to y1 over length entries */
          {
            if (out.empty ())
              {
                error = "a linear palette segment has no starting value";
                return false;
              }
            if (i >= n_words)
              {
                error = "a linear palette segment is cut short";
                return false;
              }
            double y0 = out.back ();
            double y1 = words[i];
            i += 1;
            for (size_t k = 1; k <= length && out.size () < entries; k++)
              out.push_back (static_cast<uint16_t> (std::lround (
                y0 + (y1 - y0) * static_cast<double> (k) / static_cast<double> (length))));
            break;
          }
        case 2: /* indirect: copy `length` segments found at a 32-bit offset */
          {
            if (depth >= max_indirect_depth)
              {
                error = "segmented palette indirection is nested too deeply";
                return false;
              }
            if (i + 1 >= n_words)
              {
                error = "an indirect palette segment is cut short";
                return false;
              }
            size_t offset = static_cast<size_t> (words[i]) | (static_cast<size_t> (words[i + 1]) << 16);
            i += 2;
            if (offset >= n_words)
              {
                error = "an indirect palette segment points outside the table";
                return false;
              }
            if (!expand_segments (words, n_words, offset, length, entries, depth + 1, out, error))
              return false;
            break;
          }
        default:
          error = "a segmented palette has an unknown segment type";
          return false;
        }
    }
  return true;
}

bool
expand_segmented_lut (const uint16_t *words, size_t n_words, size_t entries,
                      std::vector<uint16_t> &out, std::string &error)
{
  out.clear ();
  out.reserve (entries);
  if (!expand_segments (words, n_words, 0, 0, entries, 0, out, error))
    return false;
  if (out.empty ())
    {
      error = "a segmented palette is empty";
      return false;
    }
  /* A table that ends early keeps its last value (PS3.3 C.7.6.3.1.5 clamps
   * values past the end the same way). */
  while (out.size () < entries)
    out.push_back (out.back ());
  return true;
}

uint8_t
palette_lookup (const PaletteChannel &channel, long value, unsigned shift)
{
  long index = value - static_cast<long> (channel.first_mapped);
  if (index < 0)
    index = 0;
  if (index >= static_cast<long> (channel.values.size ()))
    index = static_cast<long> (channel.values.size ()) - 1;
  return static_cast<uint8_t> (channel.values[static_cast<size_t> (index)] >> shift);
}

} // namespace np
