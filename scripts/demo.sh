#!/usr/bin/env bash
# The main job on a fresh machine: set up (packages + build), make a tiny random model, and run the
# whole ReGenesis loop (synthesize -> filter -> rescue -> export) on a few GSM8K questions. Uses
# ../shared/data when it is there, else the bundled sample in examples/data. Rerunning resumes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if [ ! -f runs/tiny-model/config.json ]; then
  build/regenesis model init --preset tiny --arch llama --seed 1 --out runs/tiny-model
fi
config=examples/run.toml
[ -f ../shared/data/gsm8k/train.jsonl ] && config=examples/run-shared.toml
build/regenesis run --config "$config"
