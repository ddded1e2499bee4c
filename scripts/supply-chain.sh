#!/usr/bin/env bash
# Supply-chain checks: cargo-deny (licenses, bans, sources; offline, from the local registry
# cache) over the four Cargo workspaces (core, Python binding, Node binding, fuzz targets), then
# the CycloneDX SBOM (scripts/sbom.sh). Installs cargo-deny by package name if missing
# (measured: ~12 min on 2 cores; the checks themselves take ~2 s).
#
#   scripts/supply-chain.sh                 # offline checks + SBOM
#   scripts/supply-chain.sh --advisories    # also RustSec advisories (needs network: it
#                                           # clones the advisory database into ~/.cargo)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
if ! cargo deny --version >/dev/null 2>&1; then
  cargo install cargo-deny --locked
fi
checks=(licenses bans sources)
offline=(--offline)
if [ "${1:-}" = --advisories ]; then
  checks+=(advisories)
  offline=()
fi
for m in ./Cargo.toml ./bindings/python/Cargo.toml ./bindings/node/Cargo.toml ./fuzz/Cargo.toml; do
  [ -f "$m" ] || continue
  echo "== cargo deny: $m"
  # deny.toml at the repository root (the working directory) applies to every workspace.
  cargo deny "${offline[@]}" --manifest-path "$m" check "${checks[@]}"
done
echo "== sbom"
./scripts/sbom.sh
