#!/usr/bin/env bash
# The whole test suite: Rust (fmt, clippy, tests, doc tests), then the Python and Node bindings
# when present. Installs what it needs by package name; runs with no standard input.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
# A CI machine's disk can be small (a run ran out of space in the Node stage): test builds carry
# no debug info (a failing assertion still names its file and line) and keep no incremental
# caches (with no pip cache, a clean run left 3.8 GB on disk instead of 7.4). Set either variable to
# override.
export CARGO_PROFILE_DEV_DEBUG=${CARGO_PROFILE_DEV_DEBUG:-0} CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

echo "== rust: fmt"
if cargo fmt --version >/dev/null 2>&1; then
  cargo fmt --all -- --check
else
  echo "rustfmt not installed; skipping format check"
fi

echo "== rust: clippy"
if cargo clippy --version >/dev/null 2>&1; then
  cargo clippy --workspace --all-targets -- -D warnings
else
  echo "clippy not installed; skipping lint"
fi

echo "== rust: tests"
cargo test --workspace

# The fuzz targets are their own workspace: type-check them on stable (no cargo-fuzz, no
# sanitizer build); scripts/fuzz.sh builds and runs them.
echo "== rust: fuzz targets (check)"
cargo check --manifest-path fuzz/Cargo.toml --bins --target-dir target/fuzz-check

# Offline license/ban/source checks when cargo-deny is installed; installing it takes ~12 min,
# so it is left to scripts/supply-chain.sh (which installs it).
if cargo deny --version >/dev/null 2>&1; then
  echo "== rust: cargo deny (licenses, bans, sources)"
  cargo deny --offline check licenses bans sources
else
  echo "cargo-deny not installed; skipping (scripts/supply-chain.sh installs and runs it)"
fi

if [ -f bindings/python/pyproject.toml ]; then
  echo "== python"
  ./scripts/test-python.sh
fi

if [ -f bindings/node/package.json ]; then
  echo "== node"
  ./scripts/test-node.sh
fi
echo "== all tests passed"
