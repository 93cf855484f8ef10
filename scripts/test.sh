#!/usr/bin/env bash
# Sets up (packages + build) and runs the whole test suite. Tests that need ../shared skip with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build -j "$(nproc)" --output-on-failure --timeout 900
