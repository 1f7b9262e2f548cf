#!/usr/bin/env python3
# Counts individual test cases from meson's testlog.json files: every TAP
# "ok" / "not ok" line is one case; a test without TAP output counts as one.
# Prints failing cases and ends with the line "N passed, N failed, N skipped".
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')
passed = failed = skipped = 0
failures = []

for path in sys.argv[1:]:
    try:
        lines = open(path, encoding='utf-8').read().splitlines()
    except OSError as e:
        print(f'cannot read {path}: {e}')
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        label = path.split('/')[-3] + ':' + entry['name']
        cases = 0
        for out in entry.get('stdout', '').splitlines():
            m = TAP.match(out.strip())
            if not m:
                continue
            cases += 1
            rest = m.group(2)
            if re.search(r'#\s*(SKIP|skip)', rest):
                skipped += 1
            elif m.group(1) == 'ok' or re.search(r'#\s*TODO', rest):
                passed += 1
            else:
                failed += 1
                failures.append(f'{label}: not ok{rest}')
        result = entry.get('result')
        if cases == 0:
            if result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
                failures.append(f'{label}: {result}')
        elif result not in ('OK', 'EXPECTEDFAIL', 'SKIP'):
            # The executable failed as a whole (crash, timeout, sanitizer
            # report) even if every case it printed passed.
            failed += 1
            failures.append(f'{label}: {result} (exit {entry.get("returncode")})')

for f in failures:
    print('FAILED', f)
line = f'{passed} passed, {failed} failed'
if skipped:
    line += f', {skipped} skipped'
print(line)
sys.exit(1 if failed else 0)
