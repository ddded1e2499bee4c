#!/usr/bin/env bash
# CycloneDX SBOM (JSON, spec 1.5) of the `scrubline` crate, written to sbom/scrubline.cdx.json;
# with --all, also one per workspace member (cli, patterns, benches) and per binding workspace.
# Runs offline (reads Cargo.lock and the local registry cache); installs cargo-cyclonedx by
# package name if missing (measured: ~9 min on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
if ! cargo cyclonedx --version >/dev/null 2>&1; then
  cargo install cargo-cyclonedx --locked
fi
mkdir -p sbom
gen() { # MANIFEST CRATE-NAME-IN-WORKSPACE...
  local manifest=$1 mark
  shift
  mark=$(mktemp)
  cargo cyclonedx --manifest-path "$manifest" -f json --spec-version 1.5 --no-build-deps -q
  for name in "$@"; do
    local f
    f=$(find "$(dirname "$manifest")" -maxdepth 3 -name "$name.cdx.json" -newer "$mark" -not -path '*/target/*' | head -1)
    [ -n "$f" ] && mv "$f" "sbom/$name.cdx.json"
  done
  # cargo-cyclonedx writes one file next to every member's manifest: keep only what was asked.
  find . -name '*.cdx.json' -newer "$mark" -not -path './sbom/*' -not -path '*/target/*' -not -path '*/node_modules/*' -delete
  rm -f "$mark"
}
if [ "${1:-}" = --all ]; then
  gen ./Cargo.toml scrubline scrubline-cli scrubline-patterns
  [ -f bindings/python/Cargo.toml ] && gen ./bindings/python/Cargo.toml scrubline-python
  [ -f bindings/node/Cargo.toml ] && gen ./bindings/node/Cargo.toml scrubline-node
else
  gen ./Cargo.toml scrubline
fi
ls -l sbom/
