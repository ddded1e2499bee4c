#!/usr/bin/env bash
# A JSON-lines log pipeline: redact structured logs with a policy (tenant `acme`), keep every
# line valid JSON with its keys, and write an audit report of the run.
#
#   examples/policy/pipeline.sh                 # uses target/release/scrubline or PATH
#   tail -F app.jsonl | scrubline redact --input json --policy policy.toml --tenant acme
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${SCRUBLINE:-$here/../../target/release/scrubline}
[ -x "$bin" ] || bin=scrubline
# Keys come from the environment, never from the policy. Fixed example keys here so the
# committed outputs are reproducible; use secrets from your vault in production.
export SCRUBLINE_KEY=${SCRUBLINE_KEY:-example-pseudonym-key}
export SCRUBLINE_REPORT_KEY=${SCRUBLINE_REPORT_KEY:-example-report-key}

case $bin in /*) ;; */*) bin=$(pwd)/$bin ;; esac
cd "$here"
"$bin" policy check policy.toml
# Exit code 1 means "findings", which is expected here.
"$bin" redact --input json --policy policy.toml --tenant acme \
  --report report.json logs.jsonl > redacted.jsonl || [ $? -eq 1 ]
cat redacted.jsonl
