#!/usr/bin/env bash
# Reproduces docs/performance.md: builds the release CLI, writes the shared bench corpora,
# scores recall/decoys/throughput, and runs the criterion benches (which check their answers).
# Long-running: not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${SIZE_MIB:-16}
corpus=${CORPUS_DIR:-bench-corpus}
cargo build --release -p scrubline-cli
[ -f "$corpus/code.txt.truth.jsonl" ] || python3 ../shared/bench/corpus.py --size-mib "$size" "$corpus"
python3 ../shared/bench/score.py --bin target/release/scrubline "$corpus"
cargo run --release -q -p scrubline-benches --example compile_times
cargo bench -p scrubline-benches --bench scan -- --warm-up-time 1 --measurement-time 3
