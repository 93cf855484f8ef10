#!/usr/bin/env bash
# Sets up (packages + build) and runs the whole test suite. Tests that need ../shared skip with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir build -j "$(nproc)" --output-on-failure --timeout 900
# Fuzz regressions (docs/HARDENING.md): replay every corpus, then fuzz each target a few seconds.
FUZZ_SECONDS=${FUZZ_SECONDS:-5} FUZZ_OPTIONAL=1 scripts/fuzz_replay.sh
