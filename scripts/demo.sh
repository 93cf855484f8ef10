#!/usr/bin/env bash
# The main job on a fresh machine: set up (packages + build), then the toy main job
# (scripts/toy_demo.sh, docs/TOY.md): train the toy reasoner from scratch, run one ReGenesis
# round on it (synthesize -> filter -> rescue -> export -> train) and evaluate it before and after,
# in and out of domain, ending with a report and charts in runs/toy/. Rerunning resumes.
#
# The plumbing-only run on a random tiny model and GSM8K questions is
#   build/regenesis model init --preset tiny --arch llama --seed 1 --out runs/tiny-model
#   build/regenesis run --config examples/run.toml
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/toy_demo.sh
