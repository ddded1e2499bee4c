#!/usr/bin/env bash
# Compares scrubline with other scanners on the shared bench corpora, in one run:
# installs the peers by package name (PyPI into .venv, npm into node_modules), builds the release
# CLI, generates the corpus if missing, runs everything interleaved on one core and writes
# results/compare.{md,png,json}. Unattended (no standard input); a peer that fails to install or
# run is recorded in the results instead of failing the run. A long job: not part of
# scripts/test.sh. Method: README.md.
#
#   benches/compare/run.sh                 # everything, 5 rounds
#   ROUNDS=1 benches/compare/run.sh        # quicker, noisier
#   FILES=logs.txt,code.txt benches/compare/run.sh
#   CORPUS=/path/to/bench-corpus benches/compare/run.sh
set -uo pipefail
exec </dev/null
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 CI=true CARGO_TERM_COLOR=never
export npm_config_yes=true npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

corpus=${CORPUS:-$root/bench-corpus}
work=$here/.work
mkdir -p "$work" "$here/results"
status=$work/install.tsv
: >"$status"
note() { printf '%s\t%s\t%s\n' "$1" "$2" "$(printf '%s' "$3" | tr '\t\n' '  ' | cut -c1-400)" >>"$status"; }

python=${PYTHON:-python3}
echo "== python peers (.venv)"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv || { echo "cannot create a venv with $python" >&2; exit 2; }
fi
vpy=$here/.venv/bin/python
"$vpy" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
"$vpy" -m pip install --quiet matplotlib || echo "matplotlib did not install: no chart" >&2
for pkg in kingfisher-secret-scanner presidio-analyzer detect-secrets; do
  if out=$("$vpy" -m pip install --quiet "$pkg" 2>&1); then
    note "$pkg" ok "$("$vpy" -m pip show "$pkg" 2>/dev/null | sed -n 's/^Version: //p')"
  else
    echo "$out" | tail -5 >&2
    note "$pkg" fail "$(echo "$out" | grep -i error | tail -2)"
  fi
done

echo "== node peers (node_modules)"
if command -v npm >/dev/null 2>&1; then
  # package.json is generated (and ignored by git): the peers are named here, installed one by
  # one so that one failure does not stop the others.
  [ -f package.json ] || printf '{\n  "name": "scrubline-compare-peers",\n  "private": true\n}\n' >package.json
  for pkg in @arcjet/redact redact-pii secretlint @secretlint/core @secretlint/secretlint-rule-preset-recommend; do
    if out=$(npm install --no-audit --no-fund --loglevel=error "$pkg" 2>&1); then
      note "$pkg" ok "$(node -p "require('./node_modules/$pkg/package.json').version" 2>/dev/null)"
    else
      echo "$out" | tail -5 >&2
      note "$pkg" fail "$(echo "$out" | grep -i err | tail -2)"
    fi
  done
else
  for pkg in @arcjet/redact redact-pii secretlint @secretlint/secretlint-rule-preset-recommend; do
    note "$pkg" fail "npm not found"
  done
fi

echo "== scrubline: release CLI"
bin=$root/target/release/scrubline
if ! (cd "$root" && cargo build --release --quiet -p scrubline-cli); then
  if [ -x "$bin" ]; then
    echo "cargo build failed; using the existing $bin" >&2
    note scrubline-cli stale "cargo build --release failed; an existing binary was used"
  else
    echo "cannot build scrubline" >&2
    exit 2
  fi
fi

echo "== scrubline: Python binding into .venv (optional; own target dir)"
if out=$(CARGO_TARGET_DIR=$here/target "$vpy" -m pip install --quiet --force-reinstall --no-deps \
  "$root/bindings/python" 2>&1); then
  note scrubline-python-binding ok "built from bindings/python"
else
  echo "$out" | tail -5 >&2
  note scrubline-python-binding fail "$(echo "$out" | grep -i error | tail -2)"
fi

echo "== corpus"
if [ ! -f "$corpus/stdlib.txt" ] || [ ! -f "$corpus/code.txt.truth.jsonl" ]; then
  gen=$root/../shared/bench/corpus.py
  [ -f "$gen" ] || { echo "no corpus at $corpus and no $gen to make one" >&2; exit 2; }
  "$python" "$gen" --size-mib 16 "$corpus"
fi

echo "== compare (one core, interleaved; progress on stderr)"
exec "$vpy" "$here/compare.py" --corpus "$corpus" --bin "$bin" --out "$here/results" \
  --work "$work" --rounds "${ROUNDS:-5}" --install-log "$status" ${FILES:+--files "$FILES"}
