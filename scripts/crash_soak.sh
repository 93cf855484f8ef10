#!/usr/bin/env bash
# Crash soak (docs/HARDENING.md): runs `run`, `train --resume` and `eval` on a tiny random model,
# kills each with SIGKILL at random moments many times, restarts it every time, and checks that
# what it leaves equals an uninterrupted run with the same seed:
#   run    the store's content tables (the same canonical dump as RunStore::dump) and the
#          exported SFT file, byte for byte
#   train  model.safetensors byte for byte, and the loss of every step in train_log.jsonl
#   eval   predictions.jsonl (as a set of lines: concurrent items may finish in another order)
# A kill is counted only when the process was still running when it was killed. When a restart
# finishes before enough kills were made, its result is checked and a fresh round starts.
#
#   scripts/crash_soak.sh                       # 20 kills of run, 5 of train, 5 of eval
#   RUN_KILLS=50 TRAIN_KILLS=10 EVAL_KILLS=10 SOAK_SEED=7 scripts/crash_soak.sh
#   scripts/crash_soak.sh run                   # one part only (run, train, eval)
#
# Needs the regenesis binary ($REGENESIS, default build/regenesis) and the sqlite3 shell.
# Scratch files go to $SOAK_DIR (default: a temporary directory, removed unless KEEP=1).
set -euo pipefail
cd "$(dirname "$0")/.."

regenesis=$(realpath "${REGENESIS:-build/regenesis}")
run_kills=${RUN_KILLS:-20}
train_kills=${TRAIN_KILLS:-5}
eval_kills=${EVAL_KILLS:-5}
RANDOM=${SOAK_SEED:-1}
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(run train eval)

[ -x "$regenesis" ] || { echo "crash_soak: no regenesis binary at $regenesis (build it, or set REGENESIS)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "crash_soak: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
work=${SOAK_DIR:-$(mktemp -d /tmp/regenesis-soak-XXXXXX)}
mkdir -p "$work"
[ "${KEEP:-0}" = 1 ] || [ -n "${SOAK_DIR:-}" ] || trap 'rm -rf "$work"' EXIT
echo "crash_soak: scratch in $work"

say() { echo "crash_soak: $*"; }
die() { echo "crash_soak: FAILED: $*" >&2; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
# A random delay in seconds, uniform in [lo, hi] (milliseconds resolution, from $RANDOM).
random_delay() { awk -v lo="$1" -v hi="$2" -v r="$(( (RANDOM << 15 | RANDOM) % 100000 ))" \
  'BEGIN { printf "%.3f", lo + (hi - lo) * r / 100000 }'; }

# Runs "$@" in the background, kills it with SIGKILL after `delay` seconds. Returns 0 when it
# was killed, 1 when it finished on its own (successfully) first; a failure stops the soak.
kill_after() {
  local delay=$1 log=$2
  shift 2
  "$@" >>"$log" 2>&1 &
  local pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null || true
  local status=0
  wait "$pid" || status=$?
  [ "$status" -eq 137 ] && return 0
  [ "$status" -eq 0 ] && return 1
  tail -n 20 "$log" >&2
  die "'$*' exited with $status (log: $log)"
}

# Kills "$@" at random moments in [lo, hi] seconds until it finishes on its own; prints the
# number of kills. The command must resume where the previous attempt stopped.
soak_until_done() {
  local lo=$1 hi=$2 log=$3
  shift 3
  local kills=0
  while kill_after "$(random_delay "$lo" "$hi")" "$log" "$@"; do kills=$((kills + 1)); done
  echo "$kills"
}

setup_model() {
  [ -d "$work/model" ] && return
  say "model init (tiny llama)"
  "$regenesis" model init --preset tiny --arch llama --out "$work/model" --seed 3 >/dev/null
}

# --- run -----------------------------------------------------------------------------------------

# Questions a random model answers sometimes: small numbers as gold, so that the number found
# last in a random completion now and then equals it and the export is not empty.
write_questions() {
  local out=$1 n=$2
  : >"$out"
  for ((i = 0; i < n; ++i)); do
    printf '{"id": "q%d", "question": "Tom has %d apples and eats none. How many apples does he have?", "answer": "%d", "answer_type": "number"}\n' \
      "$i" "$((i % 10))" "$((i % 10))" >>"$out"
  done
}

write_run_config() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/run.toml" <<EOF
seed = 11
[run]
dir = "run"
[model]
path = "$work/model"
threads = 1
[data]
questions = "$work/questions.jsonl"
[synthesis]
selections = 3
singletons = 3
max_tokens = 32
[filter]
require_boxed = false   # a random model writes no box; its last number sometimes is the gold
[rewrite]
enabled = false         # nor a numbered plan
[rescue]
selections = 1
max_tokens = 32
[export]
format = "chat"
out = "sft.jsonl"
EOF
}

# The content tables in a canonical order (the queries of RunStore::dump).
dump_store() {
  local db=$1
  for query in "SELECT * FROM questions ORDER BY id" \
               "SELECT * FROM outputs ORDER BY question_id, mode, candidate, stage" \
               "SELECT * FROM paths ORDER BY question_id, mode, candidate" \
               "SELECT * FROM verdicts ORDER BY question_id, mode, candidate, gate" \
               "SELECT * FROM kept ORDER BY question_id, mode, candidate" \
               "SELECT format, rows, content_hash FROM exports ORDER BY id"; do
    echo "== $query"
    sqlite3 -readonly -batch -cmd ".mode quote" "$db" "$query"
  done
}

soak_run() {
  setup_model
  write_questions "$work/questions.jsonl" 40
  local ref=$work/run-reference
  write_run_config "$ref"
  say "run: uninterrupted reference"
  local start
  start=$(now)
  "$regenesis" run --config "$ref/run.toml" >"$work/run-reference.log" 2>&1 || die "reference run failed: $work/run-reference.log"
  local took
  took=$(elapsed "$start")
  dump_store "$ref/run/run.db" >"$work/run-reference.dump"
  [ -f "$ref/run/sft.jsonl" ] || die "the reference run exported nothing"
  local outputs exported
  outputs=$(sqlite3 -readonly "$ref/run/run.db" "SELECT count(*) FROM outputs")
  exported=$(wc -l <"$ref/run/sft.jsonl")
  say "run: reference took ${took}s, $outputs outputs, $exported exported examples"
  [ "$exported" -gt 0 ] || say "run: warning: the export is empty (nothing kept)"

  local total=0 round=0
  while [ "$total" -lt "$run_kills" ]; do
    round=$((round + 1))
    local dir=$work/run-soak-$round
    write_run_config "$dir"
    # Kill within the first part of the remaining work, so that a round takes several kills.
    local hi
    hi=$(awk -v t="$took" 'BEGIN { h = t / 4; if (h < 0.5) h = 0.5; printf "%.3f", h }')
    local kills
    kills=$(soak_until_done 0.05 "$hi" "$dir/soak.log" "$regenesis" run --config "$dir/run.toml")
    total=$((total + kills))
    dump_store "$dir/run/run.db" >"$dir/store.dump"
    cmp -s "$dir/store.dump" "$work/run-reference.dump" ||
      { diff "$work/run-reference.dump" "$dir/store.dump" | head -n 20 >&2; die "run: round $round: store differs from the reference"; }
    cmp -s "$dir/run/sft.jsonl" "$ref/run/sft.jsonl" || die "run: round $round: the exported file differs from the reference"
    say "run: round $round: $kills kills, store and export equal the reference ($total kills so far)"
  done
  say "run: PASSED with $total kills in $round rounds"
  echo "run $total" >>"$work/counts"
}

# --- train --resume ------------------------------------------------------------------------------

write_sft() {
  local out=$1
  : >"$out"
  for ((i = 0; i < 16; ++i)); do
    printf '{"messages": [{"role": "user", "content": "What is %d plus one?"}, {"role": "assistant", "content": "It is %d."}]}\n' \
      "$i" "$((i + 1))" >>"$out"
  done
}

train_args() {
  echo train --model "$work/model" --data "$work/sft.jsonl" --out "$1" --full --epochs 6 --batch-size 2 \
    --lr 1e-3 --warmup-ratio 0.1 --save-every 3 --threads 1 --seed 7
}

losses() { grep -o '"step":[0-9]*\|"loss":[^,}]*' "$1/train_log.jsonl"; }

soak_train() {
  setup_model
  write_sft "$work/sft.jsonl"
  say "train: uninterrupted reference"
  local start
  start=$(now)
  # shellcheck disable=SC2046
  "$regenesis" $(train_args "$work/train-reference") >"$work/train-reference.log" 2>&1 ||
    die "reference training failed: $work/train-reference.log"
  local took
  took=$(elapsed "$start")
  say "train: reference took ${took}s ($(wc -l <"$work/train-reference/train_log.jsonl") steps)"

  local total=0 round=0
  while [ "$total" -lt "$train_kills" ]; do
    round=$((round + 1))
    local dir=$work/train-soak-$round
    mkdir -p "$dir"
    local hi
    hi=$(awk -v t="$took" 'BEGIN { h = t / 3; if (h < 0.5) h = 0.5; printf "%.3f", h }')
    local kills
    # shellcheck disable=SC2046
    kills=$(soak_until_done 0.2 "$hi" "$dir/soak.log" "$regenesis" $(train_args "$dir/out") --resume)
    total=$((total + kills))
    cmp -s "$dir/out/model.safetensors" "$work/train-reference/model.safetensors" ||
      die "train: round $round: model.safetensors differs from the reference"
    [ "$(losses "$dir/out")" = "$(losses "$work/train-reference")" ] ||
      die "train: round $round: the logged losses differ from the reference"
    say "train: round $round: $kills kills, weights and losses equal the reference ($total kills so far)"
  done
  say "train: PASSED with $total kills in $round rounds"
  echo "train $total" >>"$work/counts"
}

# --- eval ----------------------------------------------------------------------------------------

eval_args() {
  echo eval --model "$work/model" --bench "soak=$work/eval-questions.jsonl" --out "$1" --max-tokens 96 \
    --batch 2 --threads 1 --seed 5
}

soak_eval() {
  setup_model
  write_questions "$work/eval-questions.jsonl" 1000
  say "eval: uninterrupted reference"
  local start
  start=$(now)
  # shellcheck disable=SC2046
  "$regenesis" $(eval_args "$work/eval-reference") >"$work/eval-reference.log" 2>&1 ||
    die "reference eval failed: $work/eval-reference.log"
  local took
  took=$(elapsed "$start")
  say "eval: reference took ${took}s ($(wc -l <"$work/eval-reference/predictions.jsonl") predictions)"

  local total=0 round=0
  while [ "$total" -lt "$eval_kills" ]; do
    round=$((round + 1))
    local dir=$work/eval-soak-$round
    mkdir -p "$dir"
    local hi
    hi=$(awk -v t="$took" 'BEGIN { h = t / 2; if (h < 1) h = 1; printf "%.3f", h }')
    local kills
    # from 0.5 s: most earlier kills would land before the model is loaded
    # shellcheck disable=SC2046
    kills=$(soak_until_done 0.5 "$hi" "$dir/soak.log" "$regenesis" $(eval_args "$dir/out"))
    total=$((total + kills))
    cmp -s <(sort "$dir/out/predictions.jsonl") <(sort "$work/eval-reference/predictions.jsonl") ||
      die "eval: round $round: predictions differ from the reference"
    say "eval: round $round: $kills kills, predictions equal the reference ($total kills so far)"
  done
  say "eval: PASSED with $total kills in $round rounds"
  echo "eval $total" >>"$work/counts"
}

: >"$work/counts"
for part in "${parts[@]}"; do
  case "$part" in
    run) soak_run ;;
    train) soak_train ;;
    eval) soak_eval ;;
    *) die "unknown part '$part' (run, train, eval)" ;;
  esac
done
say "all passed: $(tr '\n' ' ' <"$work/counts")"
