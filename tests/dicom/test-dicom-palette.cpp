/* test-dicom-palette.cpp: the importer's PALETTE COLOR tables, including the
 * segmented form DCMTK does not expand (PS3.3 C.7.9.2), on tables worked out
 * by hand (TAP)
 *
 * Copyright 2026 The NeedlePlan authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "np-dicom-palette.h"

#include <cstdio>
#include <string>
#include <vector>

static int count = 0;
static int failed = 0;

static void
check (bool passed, const std::string &name)
{
  count++;
  if (!passed)
    failed++;
  std::printf ("%s %d - %s\n", passed ? "ok" : "not ok", count, name.c_str ());
}

static bool
expands_to (const std::vector<uint16_t> &words, size_t entries, const std::vector<uint16_t> &want)
{
  std::vector<uint16_t> out;
  std::string error;
  return np::expand_segmented_lut (words.data (), words.size (), entries, out, error) && out == want;
}

static bool
refused (const std::vector<uint16_t> &words, size_t entries)
{
  std::vector<uint16_t> out;
  std::string error;
  return !np::expand_segmented_lut (words.data (), words.size (), entries, out, error)
         && !error.empty ();
}

int
main ()
{
  /* Discrete 10 20 30; linear over 4 entries up to 70 (40 50 60 70);
   * indirect: one segment copied from word 0 (10 20 30 again). */
  const std::vector<uint16_t> table = { 0, 3, 10, 20, 30, 1, 4, 70, 2, 1, 0, 0 };

  check (expands_to (table, 10, { 10, 20, 30, 40, 50, 60, 70, 10, 20, 30 }),
         "discrete, linear and indirect segments expand to the hand-worked table");
  check (expands_to (table, 12, { 10, 20, 30, 40, 50, 60, 70, 10, 20, 30, 30, 30 }),
         "a table shorter than its descriptor keeps its last value");
  check (expands_to (table, 5, { 10, 20, 30, 40, 50 }),
         "a table longer than its descriptor is cut at the descriptor's length");
  /* Linear from 0 to 0xffff over 3 entries: 21845, 43690, 65535. */
  check (expands_to ({ 0, 1, 0, 1, 3, 0xffff }, 4, { 0, 21845, 43690, 65535 }),
         "a linear segment reaches its end value exactly");
  check (expands_to ({ 0, 1, 200, 1, 2, 100 }, 3, { 200, 150, 100 }),
         "a falling linear segment");

  check (refused ({ 0, 5, 1, 2 }, 5), "a discrete segment running past the table is refused");
  check (refused ({ 1, 2, 5 }, 2), "a linear segment with no previous value is refused");
  check (refused ({ 2, 1, 0, 0 }, 4), "an indirect segment pointing at itself is refused");
  check (refused ({ 0, 1, 7, 2, 1, 0x40, 0 }, 4),
         "an indirect segment pointing outside the table is refused");
  check (refused ({ 7, 1, 1 }, 2), "an unknown segment type is refused");
  check (refused ({ 0 }, 2), "a segment cut after its type is refused");
  check (refused ({}, 2), "an empty table is refused");

  np::PaletteChannel wide;
  wide.first_mapped = 100;
  wide.values = { 0x0000, 0x8000, 0xffff };
  check (np::palette_lookup (wide, 99, 8) == 0x00, "values below the first mapped one take entry 0");
  check (np::palette_lookup (wide, 101, 8) == 0x80, "16-bit entries keep their top byte");
  check (np::palette_lookup (wide, 5000, 8) == 0xff, "values past the table take its last entry");
  np::PaletteChannel narrow;
  narrow.values = { 1, 2, 3 };
  check (np::palette_lookup (narrow, 2, 0) == 3, "8-bit entries are used as they are");

  std::printf ("1..%d\n", count);
  return failed == 0 ? 0 : 1;
}
