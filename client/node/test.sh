#!/usr/bin/env bash
# CI entry point of the Node.js client: installs the locked packages, builds, checks
# formatting, then runs every test (the generated-code drift check included) against
# a real server started with $SIBYL_PYTHON (default python3), which must have the
# server installed. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "client/node/test.sh: $tool is not installed" >&2; exit 1; }
done
npm ci --no-audit --no-fund
npm run lint
npm test
