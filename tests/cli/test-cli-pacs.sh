#!/bin/sh
# test-cli-pacs.sh: needleplan-cli find / retrieve refuse bad usage before
# any network is touched (the searches themselves: tests/pacs) (TAP)
#
# Copyright 2026 The NeedlePlan authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli-pacs.sh PATH/TO/needleplan-cli

set -u

cli=${1:?usage: test-cli-pacs.sh NEEDLEPLAN-CLI}
. "$(dirname "$0")/tap-lib.sh"

XDG_CACHE_HOME="$tmp/cache"
export XDG_CACHE_HOME
peer="--host 127.0.0.1 --port 104 --called-aet ARCHIVE"

run find
check_failure "find without a PACS is a usage error" 2 "--host and --called-aet"
# shellcheck disable=SC2086
run find $peer --series 1.2.3
check_failure "--series without --study is a usage error" 2 "--series needs --study"
# shellcheck disable=SC2086
run find $peer --date 2026-02-30
check_failure "a study date that is no day is a usage error" 2 "2026-02-30" "not a day"
# shellcheck disable=SC2086
run find $peer --date 20260305-20260301
check_failure "a date range backwards is a usage error" 2 "the first not after the second"
# shellcheck disable=SC2086
run find $peer --patient-id 'A\B'
check_failure "a backslash in a search field is a usage error" 2 "without a backslash"
# shellcheck disable=SC2086
run find $peer --study '1.2/../3'
check_failure "a study that is no UID is a usage error" 2 "by UID"
run find --host 127.0.0.1 --port 70000 --called-aet ARCHIVE
check_failure "a port out of range is a usage error" 2 "--port must be 1 to 65535"
# shellcheck disable=SC2086
run retrieve $peer --study 1.2.3
check_failure "retrieve needs the series" 2 "--study and --series"
run find --dicomweb http://127.0.0.1:1/dicom-web --password-file "$tmp/missing"
check_failure "a missing password file is named" 1 "$tmp/missing"
if [ -e "$XDG_CACHE_HOME" ]; then
  not_ok "refused commands leave no cache folder"
else
  ok "refused commands leave no cache folder"
fi

tap_finish
