#!/usr/bin/env bash
# Scale-out benchmark (docs/scale-out.md), NOT part of scripts/test.sh: a local[2] Spark job
# redacting 1,000,000 short documents, checked identical to `redact_batch` and timed against
# it (bar: within 2x), then the Arrow path's MB/s per core on the prompts corpus (bar: >= 100).
# Uses the venv of scripts/test-python.sh (bindings/python/.venv), building it if missing.
# Long-running (a few minutes on 2 cores); run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py_dir=bindings/python
venv=$py_dir/.venv
rows=${ROWS:-1000000}
corpus=${CORPUS_DIR:-bench-corpus}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 CARGO_TERM_COLOR=never

[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
vpy=$root/$venv/bin/python
export PATH="$root/$venv/bin:$PATH" VIRTUAL_ENV="$root/$venv"
"$vpy" -m pip install --quiet "maturin>=1.7,<2.0" pyarrow "pandas<3" pyspark
echo "== build the extension (release)"
"$vpy" -m pip install --quiet --no-build-isolation --force-reinstall --no-deps "./$py_dir"
[ -f "$corpus/prompts.txt" ] || python3 ../shared/bench/corpus.py --size-mib 16 --only prompts.txt "$corpus"

export PYSPARK_PYTHON="$vpy" PYSPARK_DRIVER_PYTHON="$vpy"
status=0
echo "== spark: $rows short documents, local[2]"
(cd /tmp && "$vpy" "$root/$py_dir/benches/bench_spark.py" spark "$rows") || status=1
echo "== arrow path on $corpus/prompts.txt (one row per line)"
(cd /tmp && RAYON_NUM_THREADS=1 "$vpy" "$root/$py_dir/benches/bench_spark.py" arrow "$root/$corpus/prompts.txt") || status=1
(cd /tmp && RAYON_NUM_THREADS=2 "$vpy" "$root/$py_dir/benches/bench_spark.py" arrow "$root/$corpus/prompts.txt") || true
exit $status
