#!/usr/bin/env bash
# Builds every fuzz target and runs each for SECONDS seconds, one after the other (one
# fuzzer process, one job), starting from the committed seeds. Prints the executions of
# each and exits non-zero if any target crashed, hung (-timeout) or ran out of memory.
#
#   fuzz/run.sh SECONDS [TARGET...]        e.g. fuzz/run.sh 30 (CI), fuzz/run.sh 600 config
#
# Environment:
#   FUZZ_SANITIZER   none (default; the code is safe Rust) or address
#   FUZZ_RUNS        stop each target after this many executions instead of SECONDS
#                    (SECONDS still caps the time; 0 = no cap)
#   FUZZ_TOOLCHAIN   the toolchain to build with (default: nightly when rustup has it)
#   FUZZ_BUILD       release (default: fast executions, a long first build) or dev
#                    (unoptimised: builds in about a third of the time; what CI uses to
#                    keep the targets building and running)
#   FUZZ_TRACE_COMPARES
#                    0: build without comparison tracing (cargo fuzz --no-trace-compares;
#                    about twice the exec/s for quickadd, whose edit distances are
#                    mostly compares; worth it once the corpus has grown, as for the long
#                    runs in README.md). Default 1.
#   FUZZ_FRESH       1: start from the committed seeds alone, in a temporary corpus (CI;
#                    a long-grown fuzz/corpus takes minutes just to load in a dev build)
#
# The working corpus (fuzz/corpus/TARGET) is kept between runs and never committed;
# findings land in fuzz/artifacts/TARGET, logs in fuzz/logs.
set -euo pipefail

usage() {
  echo "usage: $0 SECONDS [TARGET...]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
seconds=$1
shift
[[ $seconds =~ ^[0-9]+$ ]] || usage

cd "$(dirname "$0")"
sanitizer=${FUZZ_SANITIZER:-none}
runs=${FUZZ_RUNS:-}

# The installed nightly, as cargo fuzz expects. No toolchain can be downloaded here, and a
# new machine may only have stable: without a sanitizer cargo fuzz passes rustc no -Z
# flag, so stable builds the targets too (a sanitizer needs RUSTC_BOOTSTRAP=1 there).
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
  toolchain=(+"$FUZZ_TOOLCHAIN")
elif rustup run nightly rustc --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  echo "note: no nightly toolchain; building with $(rustc --version)" >&2
  if [ "$sanitizer" != none ]; then
    export RUSTC_BOOTSTRAP=1
  fi
  toolchain=()
fi

if ! cargo "${toolchain[@]}" fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
fi

# Fuzz the dependency versions that ship: start from the main crate's lock file (cargo
# adds what only the fuzz crate uses).
cp ../Cargo.lock Cargo.lock

case "${FUZZ_BUILD:-release}" in
  release) flags=(-s "$sanitizer" --release --debug-assertions) ;;
  dev) flags=(-s "$sanitizer" --dev) ;;
  *)
    echo "FUZZ_BUILD must be release or dev" >&2
    exit 2
    ;;
esac
case "${FUZZ_TRACE_COMPARES:-1}" in
  1) ;;
  0) flags+=(--no-trace-compares) ;;
  *)
    echo "FUZZ_TRACE_COMPARES must be 0 or 1" >&2
    exit 2
    ;;
esac
echo "== building ${#targets[@]} fuzz targets (sanitizer: $sanitizer)"
start=$(date +%s)
cargo "${toolchain[@]}" fuzz build "${flags[@]}"
echo "   built in $(($(date +%s) - start)) s"

mkdir -p logs
failed=()
printf '%-15s %12s %10s %8s  %s\n' target executions exec/s seconds result > logs/summary.txt
corpus_root=corpus
if [ -n "${FUZZ_FRESH:-}" ]; then
  corpus_root=$(mktemp -d)
  trap 'rm -rf "$corpus_root"' EXIT
fi
for t in "${targets[@]}"; do
  mkdir -p "$corpus_root/$t" "artifacts/$t"
  if [ -d "seeds/$t" ]; then
    cp seeds/"$t"/* "$corpus_root/$t/"
  fi
  args=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "-max_total_time=$seconds")
  if [ -n "$runs" ]; then
    args+=("-runs=$runs")
  fi
  if [ -f "dicts/$t.dict" ]; then
    args+=("-dict=dicts/$t.dict")
  fi
  log="logs/$t.log"
  echo "== fuzzing $t (${runs:+$runs runs, }${seconds} s at most)"
  t0=$(date +%s)
  set +e
  cargo "${toolchain[@]}" fuzz run "${flags[@]}" "$t" "$corpus_root/$t" -- "${args[@]}" >"$log" 2>&1
  rc=$?
  set -e
  took=$(($(date +%s) - t0))
  execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log" | tail -n 1)
  speed=$(awk '/stat::average_exec_per_sec/ {print $2}' "$log" | tail -n 1)
  if grep -q 'ERROR: libFuzzer: timeout' "$log"; then
    result=HANG
  elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then
    result=OOM
  elif [ "$rc" -ne 0 ]; then
    result=CRASH
  else
    result=ok
  fi
  printf '%-15s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "$took" "$result" |
    tee -a logs/summary.txt
  if [ "$result" != ok ]; then
    failed+=("$t")
    # What the fuzzer said about it, and the input it saved.
    grep -E -A 30 'panicked at|ERROR: libFuzzer' "$log" | head -n 40 >&2 || true
    grep -E 'Test unit written to|artifact_prefix' "$log" >&2 || true
  fi
done

echo "== summary"
cat logs/summary.txt
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]} (inputs in fuzz/artifacts/, logs in fuzz/logs/)" >&2
  exit 1
fi
echo "all ${#targets[@]} targets ran without a crash, hang or OOM"
