#!/usr/bin/env python3
# make-fixtures.py: writes the export test cases in this folder (run once;
# the output is committed so tests never generate inputs)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# knee-us/: an 8-bit grey 320 × 240 "ultrasound" frame (smooth bands: skin,
#   tendon, an anechoic vessel, a bright bone line) and a calibrated in-plane
#   plan at 0.15 mm/px with a patient name and ID.
# hip-fluoro/: a 16-bit grey 192 × 192 "fluoroscopy" frame (values 0-4000)
#   and an uncalibrated AP plan without identifiers.

import hashlib
import json
import math
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))


def write_png(path, width, height, depth, pixel):
    # Filter "Up" (2) on every row: smooth frames then compress to little.
    rows = bytearray()
    fmt = '>H' if depth == 16 else '>B'
    previous = bytes(width * (2 if depth == 16 else 1))
    for y in range(height):
        row = b''.join(struct.pack(fmt, pixel(x, y)) for x in range(width))
        rows.append(2)
        rows += bytes((a - b) & 0xff for a, b in zip(row, previous))
        previous = row
    data = (b'\x89PNG\r\n\x1a\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, depth, 0, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(bytes(rows), 9))
            + chunk(b'IEND', b''))
    with open(path, 'wb') as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def knee_pixel(x, y):
    v = 18
    if y < 12:
        v = 0                                        # gel above the skin
    elif y < 20:
        v = 150                                      # skin
    elif 40 <= y < 52 + 4 * math.sin(x / 40):
        v = 200                                      # quadriceps tendon
    if ((x - 250) / 14) ** 2 + ((y - 80) / 9) ** 2 <= 1:
        v = 4                                        # vessel
    bone = 185 + 10 * math.cos(x / 60)
    if bone <= y < bone + 6:
        v = 235                                      # cortex
    elif y >= bone + 6:
        v = 8                                        # acoustic shadow
    return int(v)


def hip_pixel(x, y):
    r = math.hypot(x - 100, y - 90)
    v = 1200 + 10 * x                                # soft tissue, brighter to the right
    if r < 45:
        v = 3200 - 8 * r                             # femoral head
    return max(0, min(4000, int(v)))


def plan(**fields):
    base = {
        "format": "needleplan-plan", "version": 1,
        "modality": "ultrasound", "probe": "linear", "site": "knee", "side": "left",
        "condition": "unspecified", "injectate": "unspecified", "volume_ml": 0,
        "technique": "in-plane", "approach": None, "view": "none", "title": None,
        "clinician": None, "patient_name": None, "patient_id": None, "notes": None,
        "frame": {"path": "frame.png", "sha256": None},
        "calibration": {"method": "none", "mm_per_px": [0, 0], "se_mm_per_px": [0, 0],
                        "region": None, "points": [], "reference_mm": 0, "note": None},
        "physics": {"speed_of_sound_m_s": 1540, "mark_error_px": 1},
        "marks": {"target": None, "entry": None, "skin": {"kind": "none", "points": []},
                  "structures": [], "measurements": []},
        "expert": {"target_region": []},
    }
    base.update(fields)
    return base


def write_case(name, case, png):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    case["frame"]["sha256"] = write_png(os.path.join(folder, "frame.png"), *png)
    with open(os.path.join(folder, "plan.json"), "w") as f:
        json.dump(case, f, indent=2, ensure_ascii=False)
        f.write("\n")


# Skin y = 12, 0.15 mm/px. Target (190, 120): depth (120 - 12) × 0.15 =
# 16.2 mm. Entry (0, 12): 190 px = 28.5 mm across, 108 px = 16.2 mm down.
write_case("knee-us", plan(
    site="knee", side="left", condition="osteoarthritis", injectate="prp", volume_ml=4,
    approach="knee-suprapatellar-lateral", title="Left knee, suprapatellar recess",
    clinician="Dr. Ada Lovelace", patient_name="Zebulon Quackenbush",
    patient_id="PID-98765-XQ", notes="Moderate effusion.",
    frame={"path": "frame.png", "sha256": None},
    calibration={"method": "manual", "mm_per_px": [0.15, 0.15],
                 "se_mm_per_px": [0.001, 0.001], "region": None, "points": [],
                 "reference_mm": 0, "note": "typed in from the scanner's depth setting"},
    marks={"target": [190, 120], "entry": [0, 12],
           "skin": {"kind": "polyline", "points": [[0, 12], [320, 12]]},
           "structures": [
               {"label": "superior lateral genicular artery", "kind": "vessel",
                "shape": "ellipse", "points": [[250, 80], [14, 9]], "margin_mm": 3},
               {"label": "quadriceps tendon", "kind": "tendon", "shape": "polyline",
                "points": [[0, 46], [160, 50], [320, 46]], "margin_mm": 1}],
           "measurements": []}),
    (320, 240, 8, knee_pixel))

write_case("hip-fluoro", plan(
    modality="fluoroscopy", site="hip", side="right", technique="coaxial",
    approach="fluoroscopy-coaxial", view="ap", clinician="Dr. Ada Lovelace",
    frame={"path": "frame.png", "sha256": None},
    marks={"target": [100, 90], "entry": [100, 90],
           "skin": {"kind": "none", "points": []}, "structures": [], "measurements": []}),
    (192, 192, 16, hip_pixel))
