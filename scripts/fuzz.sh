#!/usr/bin/env bash
# Coverage-guided fuzzing of Routeplay's parsers (cargo-fuzz + libFuzzer, nightly toolchain).
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]   campaign: each target in turn for SECONDS (default 300)
#   scripts/fuzz.sh smoke [SECONDS]          build, then every target for SECONDS (default 15): CI
#   scripts/fuzz.sh list                     the targets
#
# One libFuzzer process at a time (the machine has 2 cores). Each run starts from the
# committed seeds (fuzz/seeds/TARGET) and regressions (fuzz/regressions/TARGET, replayed first),
# grows fuzz/corpus/TARGET (git-ignored) and writes a crashing input to fuzz/artifacts/TARGET/.
# Prints executions, seconds and exec/s per target; exits 1 if any target crashed or timed out.
#
# Built with --sanitizer none (the project's crates forbid unsafe code; AddressSanitizer would
# halve the speed for nothing) and debug assertions on (integer overflow panics).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
export PATH="$HOME/.cargo/bin:$PATH"

TARGETS=(sse stream_decode hosts model_load policy prompt_set conversation)
[ -f fuzz_targets/share_link.rs ] && TARGETS+=(share_link)
[ -f fuzz_targets/embed_fragment.rs ] && TARGETS+=(embed_fragment)

# Per-target libFuzzer options. Timeouts are generous so that only a freeze counts (CEL
# conditions have a cost budget: no policy input may take seconds).
opts() {
  case "$1" in
    model_load) echo "-max_len=8192 -timeout=10" ;;
    policy) echo "-max_len=4096 -timeout=10" ;;
    *) echo "-max_len=4096 -timeout=10" ;;
  esac
}

build() {
  echo "[fuzz] building ${#TARGETS[@]} targets (nightly, release, debug assertions)"
  cargo +nightly fuzz build --sanitizer none --debug-assertions
}

# run TARGET SECONDS: one libFuzzer campaign; appends a summary row to $SUMMARY.
run() {
  local t=$1 secs=$2 log rc
  mkdir -p "corpus/$t" "artifacts/$t" logs
  log="logs/$t.log"
  local dirs=("corpus/$t")
  [ -d "regressions/$t" ] && dirs+=("regressions/$t")
  [ -d "seeds/$t" ] && dirs+=("seeds/$t")
  local dict=()
  [ -f "dict/$t.dict" ] && dict=("-dict=dict/$t.dict")
  echo "[fuzz] $t for ${secs}s"
  set +e
  # shellcheck disable=SC2046
  "target/x86_64-unknown-linux-gnu/release/$t" "${dirs[@]}" "${dict[@]}" $(opts "$t") \
    -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    >"$log" 2>&1
  rc=$?
  set -e
  local execs time status
  execs=$(awk '/^stat::number_of_executed_units:/{print $2}' "$log" | tail -1)
  time=$(awk '/^Done [0-9]+ runs in/{print $5}' "$log" | tail -1)
  if [ "$rc" = 0 ]; then
    status=ok
  else
    status="FAILED (exit $rc)"
    FAILED=1
    grep -m1 -E "panicked at|ERROR: libFuzzer: (timeout|out-of-memory|deadly signal)" -A1 "$log" | sed 's/^/    /' || true
    ls -t "artifacts/$t" | head -1 | sed "s|^|    input: fuzz/artifacts/$t/|"
  fi
  printf '%-14s %12s %8s %10s  %s\n' "$t" "${execs:-?}" "${time:-?}" \
    "$([ -n "$execs" ] && [ -n "$time" ] && [ "$time" -gt 0 ] && echo $((execs / time)) || echo '?')" "$status" >>"$SUMMARY"
  TOTAL=$((TOTAL + ${execs:-0}))
}

SUMMARY=$(mktemp)
trap 'rm -f "$SUMMARY"' EXIT
FAILED=0
TOTAL=0
cmd=${1:-all}
case "$cmd" in
  list)
    printf '%s\n' "${TARGETS[@]}"
    exit 0
    ;;
  smoke)
    secs=${2:-15}
    build
    for t in "${TARGETS[@]}"; do run "$t" "$secs"; done
    ;;
  all)
    secs=${2:-300}
    build
    for t in "${TARGETS[@]}"; do run "$t" "$secs"; done
    ;;
  *)
    if [ ! -f "fuzz_targets/$cmd.rs" ]; then
      echo "unknown target '$cmd'; targets: ${TARGETS[*]}" >&2
      exit 2
    fi
    secs=${2:-300}
    build
    run "$cmd" "$secs"
    ;;
esac
printf '\n%-14s %12s %8s %10s  %s\n' target executions seconds exec/s result
cat "$SUMMARY"
printf '%-14s %12s\n' total "$TOTAL"
exit "$FAILED"
