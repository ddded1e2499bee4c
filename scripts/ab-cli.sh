#!/usr/bin/env bash
# One-shot CLI throughput of two builds, alternating, on one core (as score.py measures it: best
# of N runs of `redact FILE > /dev/null`, less the start-up on a one-line file). Ratios measured
# in one run are what a noisy machine can compare. Not part of the test command.
#   ./scripts/ab-cli.sh OLD_BIN NEW_BIN [CORPUS_DIR] [RUNS]
set -euo pipefail
old=$1 new=$2 corpus=${3:-bench-corpus} runs=${4:-7}
tiny=$(mktemp)
trap 'rm -f "$tiny"' EXIT
printf 'x\n' > "$tiny"
pin=(); command -v taskset > /dev/null && pin=(taskset -c 1)
secs() { local s e; s=$(date +%s.%N); "$@" > /dev/null || true; e=$(date +%s.%N); python3 -c "print($e - $s)"; }
for f in logs.txt logs.jsonl prompts.txt code.txt stdlib.txt; do
  [ -f "$corpus/$f" ] || continue
  a=""; b=""; za=""; zb=""
  for _ in $(seq "$runs"); do
    a="$a $(secs "${pin[@]}" "$old" redact "$corpus/$f")"; b="$b $(secs "${pin[@]}" "$new" redact "$corpus/$f")"
    za="$za $(secs "${pin[@]}" "$old" redact "$tiny")"; zb="$zb $(secs "${pin[@]}" "$new" redact "$tiny")"
  done
  python3 - "$f" "$(stat -c %s "$corpus/$f")" "$a" "$b" "$za" "$zb" <<'PY'
import sys
f, size, a, b, za, zb = sys.argv[1], int(sys.argv[2]), *(list(map(float, x.split())) for x in sys.argv[3:])
ta, tb = min(a) - min(za), min(b) - min(zb)
print(f"{f}: old {size / ta / 1e6:.0f} MB/s, new {size / tb / 1e6:.0f} MB/s, new/old {ta / tb:.2f}")
PY
done
