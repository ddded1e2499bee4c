#!/usr/bin/env bash
# The Node binding (bindings/node): install its npm dependencies at the versions of the committed
# lock file, build the native addon (release), check and test its Rust code, then `node --test`.
#
# `npm install`, not `npm ci`: the registry this project reaches serves only this platform's
# builds of the optional per-platform packages (@napi-rs/lzma-*, ...), so a lock file written here
# lacks the others and `npm ci` refuses it; `npm install` keeps the locked versions and leaves the
# lock file unchanged.
# Needs Node >= 18, npm and a Rust toolchain; runs with no standard input (CI=true is fine).
set -euo pipefail
cd "$(dirname "$0")/../bindings/node"
export CARGO_TERM_COLOR=never
# Small test builds, as in scripts/test.sh (which sets these when it calls this script).
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-0} CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_progress=false

node -e 'const [M] = process.versions.node.split(".").map(Number); if (M < 18) { console.error(`node ${process.version}: need >= 18`); process.exit(1) }'

echo "== node: npm install"
npm install --no-audit --no-fund </dev/null

echo "== node: build (release)"
npm run build </dev/null

echo "== node: rust fmt, clippy, unit tests"
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt -- --check
else
  echo "rustfmt not installed; skipping format check"
fi
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --all-targets -- -D warnings
else
  echo "clippy not installed; skipping lint"
fi
cargo test

echo "== node: examples (npm install in examples/node)"
(cd ../../examples/node && npm install --no-audit --no-fund </dev/null)

echo "== node: node --test"
node --test test/*.test.js </dev/null
