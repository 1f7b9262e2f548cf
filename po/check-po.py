#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs `msgfmt --check --statistics` on a .po file and fails unless it passes
# the checks and reports every message translated, none fuzzy or untranslated.
import re
import os
import subprocess
import sys
import tempfile

msgfmt, po = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    run = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.path.join(tmp, 'x.mo'), po],
                         capture_output=True, text=True, env={'LC_ALL': 'C', 'LANG': 'C'})
report = (run.stdout + run.stderr).strip()
print(report)
if run.returncode != 0:
    sys.exit('msgfmt --check failed on %s' % po)
if not re.fullmatch(r'\d+ translated messages\.', report):
    sys.exit('%s is not complete: %s' % (po, report))
