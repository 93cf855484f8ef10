#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build-fuzz/, replays every seed corpus
# of fuzz/corpus/, then fuzzes each target for a bounded time. Exits non-zero on any finding
# (crash, sanitizer report, broken invariant, timeout, out-of-memory); the input that caused it is
# kept under build-fuzz/findings/ with the command that replays it. See docs/HARDENING.md.
#
#   scripts/fuzz_replay.sh                 # 10 s of fuzzing per target
#   FUZZ_SECONDS=300 scripts/fuzz_replay.sh answer tokenizer   # longer, some targets only
#   FUZZ_SECONDS=0 scripts/fuzz_replay.sh  # replay the corpora only
#   FUZZ_OPTIONAL=1 scripts/fuzz_replay.sh # without clang/libFuzzer: say so and succeed (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-10}
build=${REGENESIS_FUZZ_BUILD:-build-fuzz}
all_targets=(safetensors model_config tokenizer chat_template answer question run_config api_request)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz_replay: needs clang and libFuzzer (apt-get install clang libclang-rt-14-dev)" >&2
  [ "${FUZZ_OPTIONAL:-0}" = 1 ] && { echo "fuzz_replay: skipped" >&2; exit 0; }
  exit 1
fi
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DREGENESIS_FUZZ=ON -DREGENESIS_BUILD_TESTS=OFF \
  -DREGENESIS_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzzers -j "$(nproc)"

# Leaks count as findings; UB aborts (the libraries are built with -fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
findings="$build/findings"
mkdir -p "$findings"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
common=(-timeout=10 -rss_limit_mb=2048)
# New inputs up to 16 KiB: the corpora hold regression inputs of up to 150 KB, and libFuzzer would
# otherwise grow inputs to that size and run ~50 times slower (long-input behaviour is covered by
# the replayed regression inputs and by unit tests).
max_len=${FUZZ_MAX_LEN:-16384}
failed=()

for target in "${targets[@]}"; do
  bin="$build/fuzz/${target}_fuzz"
  corpus="fuzz/corpus/$target"
  [ -x "$bin" ] || { echo "fuzz_replay: no fuzzer '$target' (known: ${all_targets[*]})" >&2; exit 1; }
  dict=()
  [ -f "fuzz/dict/$target.dict" ] && dict=(-dict="fuzz/dict/$target.dict")

  # 1. Replay: every seed and regression input once, by file name (a crash names the file).
  echo "== $target: replaying $(find "$corpus" -type f | wc -l) inputs"
  if ! find "$corpus" -type f -print0 | xargs -0 "$bin" "${common[@]}" >"$scratch/$target.replay.log" 2>&1; then
    tail -n 40 "$scratch/$target.replay.log"
    cp "$scratch/$target.replay.log" "$findings/"
    failed+=("$target (replay)")
    continue
  fi
  [ "$seconds" -gt 0 ] || continue

  # 2. Fuzz: new inputs go to a scratch corpus, never into the repository.
  echo "== $target: fuzzing for ${seconds}s"
  mkdir -p "$scratch/$target"
  if ! "$bin" "${common[@]}" "${dict[@]}" -max_len="$max_len" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$findings/$target-" "$scratch/$target" "$corpus" >"$scratch/$target.log" 2>&1; then
    tail -n 40 "$scratch/$target.log"
    cp "$scratch/$target.log" "$findings/"
    echo "fuzz_replay: $target found a problem; replay it with: $bin $findings/$target-<crash|timeout|oom|leak>-*"
    failed+=("$target")
    continue
  fi
  mkdir -p "$build/logs"
  cp "$scratch/$target.log" "$build/logs/"  # the last run's statistics, kept for reports
  grep -E "^stat::number_of_executed_units|^#[0-9]+ +DONE" "$scratch/$target.log" | tail -n 2 | sed "s/^/   /"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz_replay: FAILED: ${failed[*]} (inputs and logs in $findings/)" >&2
  exit 1
fi
echo "fuzz_replay: all ${#targets[@]} targets clean"
