#!/usr/bin/env bash
# bench/tools/build_time.sh [--config release|tests|both] [REV ...]: cold-build times of the given commits
# (default: HEAD), side by side in one run, as issue 14 measures them. For each commit and configuration it
# checks the commit out into a scratch worktree, configures a fresh build directory and builds everything
# with ccache disabled, so nothing is reused between the measurements:
#   release  Release, no tests, no benchmarks: what `./bookstore up` builds
#   tests    Debug with the tests: what `./bookstore test` builds before its first test
# Prints one line per build (seconds, ninja steps) and a table at the end. The machine must be otherwise
# quiet: the figures are wall-clock times of a 2-core build.
set -euo pipefail

root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
configs=(release tests)
revs=()
while (($#)); do
  case "$1" in
    --config)
      case "${2:-}" in
        release | tests) configs=("$2") ;;
        both) configs=(release tests) ;;
        *) echo "--config takes release, tests or both" >&2 && exit 2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      revs+=("$1")
      shift
      ;;
  esac
done
((${#revs[@]})) || revs=(HEAD)

scratch=$(mktemp -d /tmp/bookstore-build-time.XXXXXX)
cleanup() {
  for tree in "$scratch"/tree-*; do
    [[ -d $tree ]] && git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1
  done
  rm -rf "$scratch"
}
trap cleanup EXIT

flags_of() {
  case "$1" in
    release) echo "-DCMAKE_BUILD_TYPE=Release -DBOOKSTORE_BUILD_TESTS=OFF -DBOOKSTORE_BUILD_BENCH=OFF" ;;
    tests) echo "-DCMAKE_BUILD_TYPE=Debug -DBOOKSTORE_BUILD_TESTS=ON -DBOOKSTORE_BUILD_BENCH=OFF" ;;
  esac
}

results=()
for rev in "${revs[@]}"; do
  sha=$(git -C "$root" rev-parse --short "$rev^{commit}")
  tree="$scratch/tree-$sha"
  git -C "$root" worktree add --detach --force "$tree" "$sha" >/dev/null 2>&1
  for config in "${configs[@]}"; do
    build="$scratch/build-$sha-$config"
    read -r -a flags <<<"$(flags_of "$config")"
    cmake -S "$tree" -B "$build" -G Ninja "${flags[@]}" >"$scratch/configure-$sha-$config.log" 2>&1 ||
      {
        cat "$scratch/configure-$sha-$config.log" >&2
        exit 1
      }
    steps=$(ninja -C "$build" -t commands | wc -l)
    started=$(date +%s%N)
    CCACHE_DISABLE=1 ninja -C "$build" -j "$(nproc)" >"$scratch/build-$sha-$config.log" 2>&1 ||
      {
        tail -n 40 "$scratch/build-$sha-$config.log" >&2
        exit 1
      }
    seconds=$((($(date +%s%N) - started) / 1000000000))
    # From ninja's log (start and end in ms): the steps' summed time (CPU-bound: about cores x wall) and
    # the slowest ones.
    step_seconds=$(awk '!/^#/ {s += ($2 - $1) / 1000} END {printf "%.0f", s}' "$build/.ninja_log")
    printf '%s %-8s %5d s wall  %5d s of steps  %4d steps\n' "$sha" "$config" "$seconds" "$step_seconds" "$steps"
    results+=("$(printf '| %s | %s | %d | %d | %d |' "$sha" "$config" "$seconds" "$step_seconds" "$steps")")
    awk '!/^#/ {printf "%8.1f s  %s\n", ($2-$1)/1000, $4}' "$build/.ninja_log" | sort -rn | head -n 8
    rm -rf "$build"
  done
done
echo
echo "| commit | build | wall s | summed step s | steps |"
echo "|---|---|---|---|---|"
printf '%s\n' "${results[@]}"
