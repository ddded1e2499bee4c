#!/usr/bin/env bash
# Python binding: builds the extension into a venv (bindings/python/.venv), runs pytest and
# checks the type stubs against the runtime module. Runs with no standard input (CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py_dir=bindings/python
venv=$py_dir/.venv
# No pip wheel cache (~440 MB on a fresh machine): the packages install once into the venv.
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_NO_CACHE_DIR=1 CARGO_TERM_COLOR=never
# Small test builds, as in scripts/test.sh (which sets these when it calls this script).
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-0} CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  echo "== python: creating $venv"
  "$python" -m venv "$venv"
fi
vpy=$root/$venv/bin/python
# The maturin build backend runs the `maturin` executable from PATH.
export PATH="$root/$venv/bin:$PATH" VIRTUAL_ENV="$root/$venv"
"$vpy" -m pip install --quiet "maturin>=1.7,<2.0" pytest mypy structlog
# Arrow batches and the Spark / Ray integrations (tests/test_arrow.py, test_spark.py,
# test_ray.py). pandas < 3: PySpark does not support pandas 3 yet. Spark needs Java 17+ (its
# tests skip without one); a platform without a ray wheel skips the Ray tests.
"$vpy" -m pip install --quiet pyarrow "pandas<3" pyspark
"$vpy" -m pip install --quiet "ray[data]" || echo "== python: ray[data] did not install; its tests will skip"
# Spark's Python workers run the venv's interpreter (where the extension is installed).
export PYSPARK_PYTHON="$vpy" PYSPARK_DRIVER_PYTHON="$vpy" RAY_USAGE_STATS_ENABLED=0

echo "== python: rust side of the binding (fmt, clippy, unit tests)"
# Not a workspace member: the root scripts/test.sh does not lint it.
if cargo fmt --version >/dev/null 2>&1; then (cd "$py_dir" && cargo fmt -- --check); fi
if cargo clippy --version >/dev/null 2>&1; then (cd "$py_dir" && cargo clippy --quiet --all-targets -- -D warnings); fi
(cd "$py_dir" && cargo test --quiet)

echo "== python: build and install the extension (release)"
# Built with the venv's maturin (no isolated build env to download each run); the target dir
# bindings/python/target is kept between runs, so rebuilds are incremental.
"$vpy" -m pip install --quiet --no-build-isolation --force-reinstall --no-deps "./$py_dir"

echo "== python: pytest"
# Run from a neutral directory so `import scrubline` is the installed package, not the source.
(cd "$py_dir/tests" && "$vpy" -m pytest -q -p no:cacheprovider .)

echo "== python: stubs match the runtime (mypy stubtest), types check (mypy --strict)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && "$vpy" -m mypy.stubtest scrubline)
"$vpy" -m mypy --strict --cache-dir "$scratch/mypy-cache" "$py_dir/python/scrubline" examples/python "$py_dir/benches"

echo "== python: examples"
for ex in examples/python/*.py; do
  echo "-- $ex"
  (cd "$scratch" && "$vpy" "$root/$ex" >/dev/null)
done
echo "== python: ok"
