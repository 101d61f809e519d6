#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a set time (docs/FUZZING.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   default 600
#   scripts/fuzz.sh --smoke                20 s per target (CI)
#   TARGETS="decode json_body" scripts/fuzz.sh 60    only these targets
#
# Needs only the stable toolchain: cargo-fuzz is installed when missing, and RUSTC_BOOTSTRAP=1
# lets stable rustc take the -Z flags cargo-fuzz passes. Prints, per target, the executions
# libFuzzer reports (-print_final_stats=1), exec/s, corpus size and any crash artifacts; exits
# non-zero when a target crashed (or failed to run). Logs: $FUZZ_LOG_DIR (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=600
case "${1:-}" in
  --smoke) seconds=20 ;;
  "") ;;
  *[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET | --smoke]" >&2; exit 2 ;;
  *) seconds=$1 ;;
esac
targets=${TARGETS:-"decode roundtrip_mutation authorization_header cookie_header query_string json_body jwk_set"}
log_dir=${FUZZ_LOG_DIR:-/tmp}
export RUSTC_BOOTSTRAP=1
# The fuzz crate builds into fuzz/target, never the workspace's target/.
unset CARGO_TARGET_DIR

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

triple=$(rustc -vV | sed -n 's/^host: //p')
bin_dir=fuzz/target/$triple/release
# FUZZ_NO_BUILD=1: reuse the binaries and corpora already there (e.g. two instances of this
# script running different TARGETS side by side after one build).
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  cargo fuzz build
  "$bin_dir/gen_corpus" fuzz
fi

count_files() { if [ -d "$1" ]; then find "$1" -type f | wc -l; else echo 0; fi; }

status=0
summary=""
for target in $targets; do
  log=$log_dir/fuzz-$target.log
  before=$(count_files "fuzz/artifacts/$target")
  echo "== $target: ${seconds}s (log: $log)"
  rc=0
  mkdir -p "fuzz/artifacts/$target" "fuzz/corpus/$target"
  # What `cargo fuzz run` runs, without rebuilding between targets.
  "$bin_dir/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -dict=fuzz/jwt.dict -artifact_prefix="fuzz/artifacts/$target/" \
    "fuzz/corpus/$target" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  corpus=$(count_files "fuzz/corpus/$target")
  after=$(count_files "fuzz/artifacts/$target")
  findings=$((after - before))
  line=$(printf '%-22s %6ss  execs=%-10s exec/s=%-7s corpus=%-6s new_artifacts=%s rc=%s' \
    "$target" "$seconds" "${execs:-?}" "${rate:-?}" "$corpus" "$findings" "$rc")
  echo "$line"
  summary+="$line"$'\n'
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
    status=1
    grep -E 'panicked at|^SUMMARY|Test unit written to|ERROR: libFuzzer' "$log" | head -20 || true
    if [ "$findings" -gt 0 ]; then
      ls -t "fuzz/artifacts/$target" | head -n "$findings" | sed "s|^|  fuzz/artifacts/$target/|"
    fi
  fi
done

echo
echo "== fuzz summary"
printf '%s' "$summary"
exit "$status"
