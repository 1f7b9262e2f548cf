#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A translation is complete: `msgfmt --check --statistics` on LANG.po passes
# and reports every message translated, none fuzzy or untranslated; and,
# when xgettext is given, every message the sources mark today (extracted
# afresh from po/POTFILES.in into a temporary folder) is in LANG.po, so a
# new _("...") without its translation fails here rather than showing in
# English.
#   check-po.py MSGFMT LANG.po [XGETTEXT SOURCE_DIR]
import os
import re
import subprocess
import sys
import tempfile

# The keywords of meson's i18n.gettext preset 'glib' (po/meson.build).
KEYWORDS = ['--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
            '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3']


def entries(path):
    """(msgctxt, msgid) of every entry but the header."""
    found = set()
    ctxt = msgid = None
    key = None
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            m = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                if key == 'msgctxt':
                    ctxt = m.group(2)
                elif key == 'msgid':
                    msgid = m.group(2)
                elif key.startswith('msgstr') and msgid is not None:
                    if msgid != '':
                        found.add((ctxt, msgid))
                    ctxt = msgid = None
                continue
            m = re.match(r'"(.*)"$', line)
            if m and key == 'msgid' and msgid is not None:
                msgid += m.group(1)
            elif m and key == 'msgctxt' and ctxt is not None:
                ctxt += m.group(1)
    return found


def main():
    msgfmt, po = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.path.join(tmp, 'x.mo'),
                              po], capture_output=True, text=True,
                             env={'LC_ALL': 'C', 'LANG': 'C', 'PATH': os.environ.get('PATH', '')})
        report = (run.stdout + run.stderr).strip()
        print(report)
        if run.returncode != 0:
            sys.exit('msgfmt --check failed on %s' % po)
        if not re.fullmatch(r'\d+ translated messages\.', report):
            sys.exit('%s is not complete: %s' % (po, report))
        if len(sys.argv) < 5:
            return
        xgettext, source_dir = sys.argv[3], sys.argv[4]
        pot = os.path.join(tmp, 'fresh.pot')
        run = subprocess.run([xgettext, '--from-code=UTF-8', '--add-comments'] + KEYWORDS +
                             ['--directory=' + source_dir,
                              '--files-from=' + os.path.join(source_dir, 'po', 'POTFILES.in'),
                              '--output=' + pot], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit('xgettext failed: %s' % run.stderr.strip())
        missing = sorted(entries(pot) - entries(po), key=lambda e: e[1])
        for ctxt, msgid in missing:
            print('# not in %s: %s%s' % (os.path.basename(po), '[%s] ' % ctxt if ctxt else '',
                                         msgid))
        if missing:
            sys.exit('%u messages of the sources are not in %s: run ninja needleplan-pot '
                     'needleplan-update-po and translate them' % (len(missing), po))
        print('every message the sources mark is in %s' % os.path.basename(po))


main()
