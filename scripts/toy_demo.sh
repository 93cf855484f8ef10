#!/usr/bin/env bash
# The toy main job (docs/TOY.md): train the toy reasoner from scratch, then one ReGenesis round on
# it, measured in and out of domain:
#   pretrain -> eval before -> synthesize -> filter -> rescue -> export -> train -> eval after
#   (paired against before) -> report with charts
# Everything lands in runs/toy-model and runs/toy/; rerunning resumes each step (a finished step
# is skipped). REGENESIS=path/to/regenesis overrides the binary (default build/regenesis).
set -euo pipefail
cd "$(dirname "$0")/.."
R=${REGENESIS:-build/regenesis}
model=runs/toy-model
out=runs/toy
run_dir=$out/run-regenesis
start=$(date +%s)
step() { printf '\n== [%4d s] %s\n' "$(( $(date +%s) - start ))" "$*"; }

step "1/7 pretrain the toy reasoner (about 20 minutes on 2 cores; resumes after a kill)"
$R toy pretrain --out "$model" --threads 0

step "2/7 questions: 450 in-domain to self-improve on; evaluation sets in and out of domain"
mkdir -p "$out/eval-data"
$R toy generate --all --split in --n 450 --seed 1 --out "$out/questions.jsonl"
benches=()
for family in arith_chain compare counting; do
  $R toy generate --family $family --n 400 --seed 1000 --out "$out/eval-data/$family.jsonl" >/dev/null
  benches+=(--bench "$family=$out/eval-data/$family.jsonl")
done
for family in long_chain money time ordering yesno_facts; do
  $R toy generate --family $family --n 100 --seed 1000 --out "$out/eval-data/$family.jsonl" >/dev/null
  benches+=(--bench "$family=$out/eval-data/$family.jsonl")
done
eval_flags=("${benches[@]}" --in-domain arith_chain,compare,counting --max-tokens 320 --batch 64 --threads 1)

step "3/7 evaluate the pretrained model (greedy, zero-shot)"
$R eval --model "$model" "${eval_flags[@]}" --label before --out "$out/eval-before"

step "4/7 ReGenesis on the 450 questions: synthesize -> filter -> rescue -> export (examples/toy.toml)"
$R run --config examples/toy.toml

step "5/7 fine-tune the toy model on its own kept paths (full fine-tuning, examples/toy.toml [train])"
if [ ! -f "$out/trained/train_summary.json" ]; then
  resume=()
  [ -d "$out/trained/checkpoints" ] && resume=(--resume)
  $R train --model "$model" --data "$run_dir/sft.jsonl" --out "$out/trained" --full --lr 3e-4 --epochs 2 \
    --batch-size 16 --warmup-ratio 0.05 --dtype auto --threads 1 --seed 1 --save-every 20 "${resume[@]}"
fi

step "6/7 evaluate the trained model, paired against the pretrained one"
$R eval --model "$out/trained" "${eval_flags[@]}" --label after --out "$run_dir/eval" --baseline "$out/eval-before"

step "7/7 report"
$R report "$run_dir" --eval before="$out/eval-before" --eval after="$run_dir/eval" --out "$out/report"
step "done: $out/report/report.md (chart: report.png), comparison: $run_dir/eval/comparison.md"
