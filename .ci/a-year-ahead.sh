#!/usr/bin/env bash
# Runs test suites with the clock a year ahead (libfaketime), to prove that no test or
# snapshot holds the wall clock: a snapshot with a date turned main red two days later
# (issue 23). The test binaries are built first without faketime and then run directly:
# cargo itself must not run under libfaketime (its `rustc -vV` probe hangs there).
#
# Usage: .ci/a-year-ahead.sh [--all | MODULE...]   (default: the suites with dates and snapshots)
# A MODULE is a test module of the one integration binary (tests/it) or of the crate's
# unit tests, e.g. tui_keys or contact::validate; --all runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || (apt-get update && apt-get install -y faketime)

if [[ ${1:-} == --all ]]; then
  filters=()
elif (($#)); then
  filters=(); for t in "$@"; do filters+=("$t::"); done
else
  filters=(tui_keys:: tui_pickers:: history_faces:: validate::)
fi
mapfile -t bins < <(cargo test --no-run --message-format=json --lib --bins --tests 2>/dev/null |
  python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    if d.get("reason") == "compiler-artifact" and d.get("executable") and d["profile"]["test"]:
        print(d["executable"])
')
((${#bins[@]})) || { echo "a-year-ahead: no test binaries were built" >&2; exit 2; }
# A filter that names no test (a module renamed) would run nothing and pass: refuse it.
for f in "${filters[@]}"; do
  n=0
  for bin in "${bins[@]}"; do
    m=$("$bin" --list "$f" 2>/dev/null | grep -c ': test$' || true)
    n=$((n + m))
  done
  ((n > 0)) || { echo "a-year-ahead: no test matches $f" >&2; exit 2; }
done
echo "a-year-ahead: the clock reads $(faketime -f '+365d' date -u '+%Y-%m-%d') for ${#bins[@]} test binaries"
# Only the wall clock moves: dates are what a test must not hold. libfaketime would also
# shift the monotonic clock by a year, and a timed wait computed from it then sleeps
# until its child ends (`secret`'s hung-command tests waited out a 5 s sleep).
export FAKETIME_DONT_FAKE_MONOTONIC=1
failed=()
for bin in "${bins[@]}"; do
  # Each binary from the repo root, as cargo runs it (tests read fixtures by relative path).
  # libtest ORs the filters; a binary none of them names runs no test and passes.
  faketime -f '+365d' "$bin" -q "${filters[@]}" || failed+=("$(basename "$bin")")
done
if ((${#failed[@]})); then
  echo "a-year-ahead: FAILED with the clock a year ahead: ${failed[*]}" >&2
  exit 1
fi
echo "a-year-ahead: every suite passes a year ahead"
