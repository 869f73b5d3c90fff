#!/usr/bin/env bash
# Lints the API contracts in proto/ with buf (rules in proto/buf.yaml); fails on any finding.
# buf comes from npm, pinned by tests/tools/package-lock.json.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
buf="$repo/tests/tools/node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then
  echo "buf is not installed: run \`npm ci --prefix tests/tools\` (./scripts/test does)." >&2
  exit 1
fi
cd "$repo/proto"
"$buf" lint --error-format=text
echo "buf lint: no findings in $( "$buf" ls-files | wc -l ) files"
