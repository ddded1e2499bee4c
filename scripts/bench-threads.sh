#!/usr/bin/env bash
# Multi-core scaling of the CLI (issue 7): 256 MiB files made of 16 copies of each bench corpus,
# one thread on one core against two threads on two cores (5 alternating runs, medians), then
# 4/8/16 threads where the machine has them; peak RSS on 1 GiB. Not part of the test command.
#   ./scripts/bench-threads.sh [BIN] [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/scrubline}
corpus=${2:-bench-corpus}
[ -x "$bin" ] || cargo build --release -p scrubline-cli
[ -f "$corpus/logs.txt" ] || python3 ../shared/bench/corpus.py --size-mib 16 "$corpus"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpus=$(nproc)
echo "cpus: $cpus; $(grep -m1 'model name' /proc/cpuinfo || true)"
secs() { local s e; s=$(date +%s.%N); "$@" > /dev/null || true; e=$(date +%s.%N); python3 -c "print($e - $s)"; }
for f in logs code prompts; do
  for _ in $(seq 16); do cat "$corpus/$f.txt"; done > "$work/$f.big"
  size=$(stat -c %s "$work/$f.big")
  one=""; two=""
  for _ in 1 2 3 4 5; do
    one="$one $(secs taskset -c 0 "$bin" redact --threads 1 "$work/$f.big")"
    two="$two $(secs taskset -c 0,1 "$bin" redact --threads 2 "$work/$f.big")"
  done
  python3 - "$f" "$size" "$one" "$two" <<'PY'
import statistics as st, sys
name, size, one, two = sys.argv[1], int(sys.argv[2]), list(map(float, sys.argv[3].split())), list(map(float, sys.argv[4].split()))
a, b = st.median(one), st.median(two)
print(f"{name} x16: one core {size/a/1e6:.0f} MB/s, two cores {size/b/1e6:.0f} MB/s, "
      f"ratio of medians {a/b:.2f}, per pair {[round(x/y, 2) for x, y in zip(one, two)]}")
PY
  for n in 4 8 16; do
    [ "$n" -le "$cpus" ] || continue
    t=$(secs "$bin" redact --threads "$n" "$work/$f.big")
    python3 -c "print('$f x16: $n threads %.0f MB/s' % ($size / $t / 1e6))"
  done
done
cat "$work/logs.big" "$work/logs.big" "$work/logs.big" "$work/logs.big" > "$work/1g"
/usr/bin/time -f "1 GiB of logs, 2 threads: %e s, peak RSS %M KB" "$bin" redact --threads 2 "$work/1g" > /dev/null || true
