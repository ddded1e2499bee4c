#!/usr/bin/env bash
# Runs the cargo-fuzz targets for SECONDS each (default 60: the smoke run) and prints one line
# per target: seconds, executions, findings. Exits 1 if any target found something.
#
#   scripts/fuzz.sh                      # every target, 60 s each, one after the other
#   scripts/fuzz.sh 600 json_redact      # one target, 10 minutes
#   FUZZ_PARALLEL=1 FUZZ_FORK=2 scripts/fuzz.sh 560   # all at once, 2 libFuzzer workers each
#   FUZZ_BIN_DIR=fuzz/bin FUZZ_OUT=/tmp/out scripts/fuzz.sh 560   # prebuilt binaries, no cargo
#
# Builds with `cargo fuzz build -O` (AddressSanitizer, debug assertions off) on stable through
# RUSTC_BOOTSTRAP=1; installs cargo-fuzz by package name if missing. Corpora grow under
# fuzz/corpus/TARGET (seeded from fuzz/seeds/TARGET), findings land in fuzz/artifacts/TARGET;
# with FUZZ_OUT both go there instead, with one log per target.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-60}
shift || true
ALL=(scan_redact pack_parse policy_parse json_redact stream_redact restore_stream)
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")
OUT=${FUZZ_OUT:-fuzz}
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
FORK=${FUZZ_FORK:-0}

if [ -z "${FUZZ_BIN_DIR:-}" ]; then
  export RUSTC_BOOTSTRAP=1
  cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked
  (cd fuzz && cargo fuzz build -O)
  BIN_DIR=fuzz/target/x86_64-unknown-linux-gnu/release
else
  BIN_DIR=$FUZZ_BIN_DIR
fi
BIN_DIR=$(cd "$BIN_DIR" && pwd)

run_one() {
  local t=$1
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  local extra=(-rss_limit_mb=4096 -timeout=30 -max_total_time="$SECONDS_EACH" -print_final_stats=1)
  # A stream scans (and cuts) only past the longest match plus margins: longer inputs.
  [ "$t" = stream_redact ] && extra+=(-max_len=65536)
  [ "$FORK" -gt 0 ] && extra+=(-fork="$FORK")
  "$BIN_DIR/$t" "${extra[@]}" -artifact_prefix="$OUT/artifacts/$t/" \
    "$OUT/corpus/$t" "fuzz/seeds/$t" >"$OUT/$t.log" 2>&1 || true
}

if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
  for t in "${TARGETS[@]}"; do run_one "$t" & done
  wait
else
  for t in "${TARGETS[@]}"; do run_one "$t"; done
fi

found=0
printf '%-16s %8s %12s %9s\n' target seconds execs findings
for t in "${TARGETS[@]}"; do
  log="$OUT/$t.log"
  # Plain mode ends with "Done N runs in S second(s)"; fork mode prints "#N: ... time: Ss".
  execs=$(grep -oE '^Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+: cov' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  secs=$(grep -oE 'runs in [0-9]+ second' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  [ -z "$secs" ] && secs=$(grep -oE 'time: [0-9]+s' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  n=$(find "$OUT/artifacts/$t" -type f | wc -l)
  printf '%-16s %8s %12s %9s\n' "$t" "${secs:-?}" "${execs:-?}" "$n"
  if [ "$n" -gt 0 ] || grep -qE 'panicked|ERROR: (libFuzzer|AddressSanitizer)' "$log"; then
    found=1
    echo "  $t: see $log and $OUT/artifacts/$t" >&2
  fi
done
exit $found
